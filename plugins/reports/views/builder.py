"""The form builder: forms, fields, roll-up per field, cross-field rules."""
from __future__ import annotations


from flask import (
    abort,
    flash,
    redirect,
    url_for,
)
from flask.typing import ResponseReturnValue
from sqlalchemy import select

from portal.toolkit import (
    INVALID_FORM,
    form_status,
    Refused,
    _,
    db,
    render,
    require_permission,
)

from ..forms import (
    AggregationForm,
    FieldForm,
    ReportFormForm,
    RuleForm,
)
from ..models import NUMERIC_KINDS, FormVersion, ReportForm
from ..services import builder as builder_svc
from ..services.rollup import default_aggregation
from ..services.values import FieldError
from ..permissions import MANAGE


@require_permission(MANAGE)
def forms() -> ResponseReturnValue:
    form = ReportFormForm()
    if form.validate_on_submit():
        rf = ReportForm(name=form.name.data, description=form.description.data or None)
        rf.versions.append(FormVersion(number=1))
        db.session.add(rf)
        db.session.commit()
        return redirect(url_for("reports.builder", form_id=rf.id))
    rows = list(db.session.scalars(select(ReportForm).order_by(ReportForm.id)))
    return render("reports/forms.html", form=form, rows=rows, status=form_status(form))


def _rule_form(version: FormVersion, form: RuleForm) -> RuleForm:
    numbers = [(f.key, f.label) for f in version.fields if f.kind in NUMERIC_KINDS]
    form.left.choices = numbers
    form.right_fields.choices = numbers
    return form


def _builder_page(rf: ReportForm, field_form: FieldForm | None = None, rule_form: RuleForm | None = None,
                  status: int = 200) -> ResponseReturnValue:
    version = rf.latest
    rule_form = _rule_form(version, rule_form or RuleForm(formdata=None))
    return render("reports/builder.html", rf=rf, version=version, in_use=builder_svc.version_in_use(version),
                  field_form=field_form or FieldForm(formdata=None), rule_form=rule_form, status=status,
                  rules=[(r, builder_svc.rule_text(version, r)) for r in version.rules],
                  in_rules=builder_svc.keys_in_rules(version))


def _changed(rf: ReportForm, before: int) -> ResponseReturnValue:
    db.session.commit()
    if rf.latest.number != before:
        flash(_("Version %(old)s is used by a period, so your change made version %(new)s; existing reports keep "
                "their version.", old=before, new=rf.latest.number), "info")
    else:
        flash(_("Saved."), "success")
    return redirect(url_for("reports.builder", form_id=rf.id))


@require_permission(MANAGE)
def builder(form_id: int) -> ResponseReturnValue:
    return _builder_page(db.get_or_404(ReportForm, form_id))


@require_permission(MANAGE)
def add_field(form_id: int) -> ResponseReturnValue:
    rf = db.get_or_404(ReportForm, form_id)
    ff = FieldForm()
    if ff.validate_on_submit():
        data = {name: getattr(ff, name).data for name in ("label", "kind", "help", "required", "min_value", "max_value",
                                                          "aggregation", "unit_kinds")}
        if data["kind"] not in NUMERIC_KINDS and data["aggregation"] == "sum":  # the form's default is for numbers
            data["aggregation"] = default_aggregation(data["kind"])
        data["choices"] = [c.strip() for c in (ff.choices.data or "").splitlines() if c.strip()]
        errors = builder_svc.check_field_values(data)
        for name, message in errors.items():
            getattr(ff, name).errors.append(message)
        if not errors:
            before = rf.latest.number
            builder_svc.add_field(builder_svc.editable_version(rf), data)
            return _changed(rf, before)
    return _builder_page(rf, field_form=ff, status=INVALID_FORM)


@require_permission(MANAGE)
def change_field(form_id: int, key: str, action: str) -> ResponseReturnValue:
    rf = db.get_or_404(ReportForm, form_id)
    if action not in ("up", "down", "delete") or builder_svc.field_by_key(rf.latest, key) is None:
        abort(404)
    before = rf.latest.number
    version = builder_svc.editable_version(rf)
    if action == "delete":
        builder_svc.remove_field(version, key)
    else:
        builder_svc.move_field(version, key, -1 if action == "up" else 1)
    return _changed(rf, before)


@require_permission(MANAGE)
def field_aggregation(form_id: int, key: str) -> ResponseReturnValue:
    rf = db.get_or_404(ReportForm, form_id)
    if builder_svc.field_by_key(rf.latest, key) is None:
        abort(404)
    form = AggregationForm()
    if not form.validate_on_submit():
        raise Refused(422, _("Choose how the field rolls up."))
    before = rf.latest.number
    try:
        builder_svc.set_aggregation(builder_svc.editable_version(rf), key, form.aggregation.data, form.unit_kinds.data or [])
    except FieldError as exc:
        db.session.rollback()
        raise Refused(422, str(exc)) from None
    return _changed(rf, before)


@require_permission(MANAGE)
def add_rule(form_id: int) -> ResponseReturnValue:
    rf = db.get_or_404(ReportForm, form_id)
    rule_form = _rule_form(rf.latest, RuleForm())
    if rule_form.validate_on_submit():
        try:
            right = builder_svc.rule_expression(rf.latest, rule_form.right_fields.data or [],
                                                rule_form.right_number.data)
        except FieldError as exc:
            rule_form.right_fields.errors.append(str(exc))
        else:
            if rule_form.left.data in (rule_form.right_fields.data or []):
                rule_form.right_fields.errors.append(_("A field cannot be compared with itself."))
            else:
                before = rf.latest.number
                builder_svc.add_rule(builder_svc.editable_version(rf), rule_form.left.data, rule_form.operator.data,
                                     right, rule_form.message.data)
                return _changed(rf, before)
    return _builder_page(rf, rule_form=rule_form, status=INVALID_FORM)


@require_permission(MANAGE)
def preview(form_id: int) -> ResponseReturnValue:
    """The latest version as the unit will see it, every field empty; nothing is saved from here."""
    rf = db.get_or_404(ReportForm, form_id)
    return render("reports/preview.html", rf=rf, version=rf.latest, period=None, link=None, sub=None, values={},
                  raw={}, errors={}, files={}, editable=False, conflicts={}, saved=None)


@require_permission(MANAGE)
def delete_rule(form_id: int, index: int) -> ResponseReturnValue:
    rf = db.get_or_404(ReportForm, form_id)
    if not 0 <= index < len(rf.latest.rules):
        abort(404)
    before = rf.latest.number
    version = builder_svc.editable_version(rf)
    version.rules.remove(version.rules[index])
    return _changed(rf, before)
