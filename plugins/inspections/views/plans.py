"""Inspections and their teams: the list, planning, a unit's inspections over the years."""
from __future__ import annotations

from flask import flash, request, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import select

from portal.toolkit import (
    Refused,
    Unit,
    _,
    current_user,
    db,
    form_status,
    format_date,
    local_today,
    paginate,
    redirect_or_hx,
    render,
    unit_choices,
    unit_clause,
    unit_lineage,
)

from .. import labels
from ..forms import PlanForm
from ..models import COMPLETED, PLANNED, SIGNED, STATES, ChecklistTemplate, Inspection
from ..permissions import VIEW
from ..services import checklists, conduct
from ..services.scoring import stored_score
from .common import RESPONSIBLE_KINDS, get_inspection, threshold


def index() -> ResponseReturnValue:
    state = request.args.get("state", "")
    year = request.args.get("year", type=int)
    q = conduct.list_query(unit_clause(VIEW, Inspection.unit_id), state if state in STATES else None, year)
    page = paginate(q, conduct.LIST_ORDER, rows="row")
    return render("inspections/index.html", fragment="inspection_list", inspections=page.items, page=page,
                  state=state, year=year, states=STATES,
                  state_words={code: str(label) for code, label in labels.STATES.items()})


def _plan_form(inspection: Inspection | None) -> PlanForm:
    form = PlanForm(obj=inspection)
    templates = checklists.latest_templates()
    if inspection is not None and inspection.template not in templates:
        templates.append(inspection.template)
    form.template_id.choices = [(t.id, f"{t.title} (v{t.version})") for t in templates]
    form.unit_id.choices = unit_choices(kinds=RESPONSIBLE_KINDS)
    users = conduct.user_choices()
    form.leader_id.choices = users
    form.member_ids.choices = users
    done = db.session.scalars(select(Inspection).where(Inspection.state.in_((COMPLETED, SIGNED)))
                              .order_by(Inspection.year.desc(), Inspection.id.desc()))
    form.previous_id.choices = [(0, "—")] + [(i.id, f"{i.unit.name} – {format_date(i.planned_date)}") for i in done]
    if request.method == "GET":
        if inspection is None:
            form.year.data = local_today().year
            previous = db.session.get(Inspection, request.args.get("previous", 0, type=int))
            if previous is not None:
                form.previous_id.data, form.unit_id.data = previous.id, previous.unit_id
                form.template_id.data = next((t.id for t in templates if t.code == previous.template.code), None)
        else:
            form.member_ids.data = [m.user_id for m in inspection.members]
            form.previous_id.data = inspection.previous_id or 0
    return form


def _save_plan(form: PlanForm, inspection: Inspection) -> bool:
    """Copy the form into the plan; a rule the service refuses goes beside the field (False)."""
    previous = db.session.get(Inspection, form.previous_id.data) if form.previous_id.data else None
    template = db.session.get(ChecklistTemplate, form.template_id.data)
    try:
        conduct.check_previous(previous, form.unit_id.data)
    except Refused as exc:
        form.previous_id.errors.append(exc.message)
        return False
    if template is None:
        form.template_id.errors.append(_("Choose a checklist."))
        return False
    inspection.template_id = template.id
    template.frozen = True  # an inspection keeps this version; edits now make a new one
    inspection.unit_id = form.unit_id.data
    inspection.year = form.year.data
    inspection.planned_date = form.planned_date.data
    inspection.scope = form.scope.data or None
    inspection.previous_id = previous.id if previous else None
    conduct.set_team(inspection, form.leader_id.data, form.member_ids.data)
    return True


def _plan_page(inspection: Inspection | None) -> ResponseReturnValue:
    """Plan a new inspection (None) or change a planned one."""
    form = _plan_form(inspection)
    target = inspection if inspection is not None else Inspection(state=PLANNED)
    if form.validate_on_submit() and _save_plan(form, target):
        if inspection is None:
            db.session.add(target)
        db.session.commit()
        flash(_("The inspection is planned.") if inspection is None else _("The plan is saved."), "success")
        return redirect_or_hx(url_for(".detail", inspection_id=target.id))
    return render("inspections/edit.html", fragment="plan_form", form=form, inspection=inspection,
                  status=form_status(form))


def new() -> ResponseReturnValue:
    return _plan_page(None)


def unit_history(unit_id: int) -> ResponseReturnValue:
    """A unit's inspections over the years (its score trend), with those of the units merged into it."""
    unit = db.session.get(Unit, unit_id)
    if unit is None:
        raise Refused(404, _("This unit does not exist."))
    if not current_user.can(VIEW, unit.id):
        raise Refused(403, _("You may not see this unit's inspections."))
    lineage = unit_lineage(unit.id)
    rows = list(db.session.scalars(select(Inspection).where(Inspection.unit_id.in_(lineage))
                                   .order_by(Inspection.year.desc(), Inspection.planned_date.desc())))
    return render("inspections/unit_history.html", unit=unit, rows=rows, predecessors=len(lineage) - 1,
                  score=stored_score, threshold=threshold())


def edit(inspection_id: int) -> ResponseReturnValue:
    inspection = get_inspection(inspection_id)
    conduct.require_state(inspection, PLANNED)
    return _plan_page(inspection)


def delete(inspection_id: int) -> ResponseReturnValue:
    inspection = get_inspection(inspection_id)
    conduct.require_state(inspection, PLANNED)
    db.session.delete(inspection)
    db.session.commit()
    flash(_("The planned inspection was deleted."), "success")
    return redirect_or_hx(url_for(".index"))
