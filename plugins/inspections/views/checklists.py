"""Checklist templates: versions, sections and items (a version used by an inspection is frozen)."""
from __future__ import annotations

from decimal import Decimal

from flask import flash, request, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import func, select

from portal.toolkit import Refused, _, db, form_status, redirect_or_hx, render

from ..forms import ItemForm, SectionForm, TemplateForm
from ..models import PASS_FAIL, ChecklistItem, ChecklistSection, ChecklistTemplate
from ..services import checklists


def templates() -> ResponseReturnValue:
    form = TemplateForm()
    if form.validate_on_submit():
        if db.session.scalar(select(func.count(ChecklistTemplate.id)).where(ChecklistTemplate.code == form.code.data)):
            form.code.errors.append(_("This code is already used."))
        else:
            template = ChecklistTemplate(code=form.code.data, version=1, title=form.title.data,
                                         description=form.description.data or None)
            db.session.add(template)
            db.session.commit()
            return redirect_or_hx(url_for(".template", template_id=template.id))
    rows = list(db.session.scalars(select(ChecklistTemplate).order_by(ChecklistTemplate.code,
                                                                      ChecklistTemplate.version.desc())))
    counts = dict(db.session.execute(
        select(ChecklistItem.template_id, func.count(ChecklistItem.id)).group_by(ChecklistItem.template_id)).all())
    return render("inspections/templates.html", fragment="template_form", status=form_status(form),
                  form=form, templates=rows, counts=counts)


def _get_template(template_id: int) -> ChecklistTemplate:
    template = db.session.get(ChecklistTemplate, template_id)
    if template is None:
        raise Refused(404, _("This checklist does not exist."))
    return template


def template(template_id: int) -> ResponseReturnValue:
    template = _get_template(template_id)
    form = SectionForm()
    if form.validate_on_submit():
        checklists.require_editable(template)
        db.session.add(ChecklistSection(template_id=template.id, title=form.title.data, position=form.position.data))
        db.session.commit()
        return redirect_or_hx(url_for(".template", template_id=template.id))
    return render("inspections/template.html", fragment="section_form", status=form_status(form),
                  template=template, checklist=checklists.load_checklist(template.id), form=form)


def template_version(template_id: int) -> ResponseReturnValue:
    copy = checklists.new_version(_get_template(template_id))
    db.session.commit()
    flash(_("Version %(v)s created; edit it, then plan new inspections with it.", v=copy.version), "success")
    return redirect_or_hx(url_for(".template", template_id=copy.id))


def item_edit(template_id: int, item_id: int | None) -> ResponseReturnValue:
    template = _get_template(template_id)
    checklists.require_editable(template)
    item = db.session.get(ChecklistItem, item_id) if item_id else None
    if item_id and (item is None or item.template_id != template.id):
        raise Refused(404, _("This item does not belong to this checklist."))
    form = ItemForm(obj=item)
    form.section_id.choices = [(s.id, s.title) for s in template.sections]
    if not form.section_id.choices:
        raise Refused(409, _("Add a section first."))
    if request.method == "GET" and item is None:
        form.section_id.data = request.args.get("section", type=int)
    if form.validate_on_submit():
        if form.answer_type.data == PASS_FAIL and form.max_score.data is None:
            form.max_score.data = Decimal(1)
        item = item or ChecklistItem(template_id=template.id)
        form.populate_obj(item)
        db.session.add(item)
        db.session.commit()
        return redirect_or_hx(url_for(".template", template_id=template.id) + f"#titem-{item.id}")
    return render("inspections/item_edit.html", fragment="item_form", status=form_status(form),
                  template=template, item=item, form=form)


def item_delete(template_id: int, item_id: int) -> ResponseReturnValue:
    template = _get_template(template_id)
    checklists.require_editable(template)
    item = db.session.get(ChecklistItem, item_id)
    if item is None or item.template_id != template.id:
        raise Refused(404, _("This item does not belong to this checklist."))
    db.session.delete(item)
    db.session.commit()
    return redirect_or_hx(url_for(".template", template_id=template.id))
