"""Conducting an inspection: its page (checklist, score, completion, findings), starting, completing, signing."""
from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

from flask import flash, request, url_for
from flask.typing import ResponseReturnValue

from portal.toolkit import (
    Refused,
    _,
    confirm,
    current_user,
    db,
    format_number,
    get_plugin_config,
    local_today,
    ngettext,
    notify_unit,
    redirect_or_hx,
    render,
    url_maker,
)

from .. import labels
from ..forms import ManualFindingForm, SignForm
from ..models import COMPLETED, IN_PROGRESS, PLANNED, SIGNED, ChecklistSection, Finding, Inspection
from ..permissions import CONDUCT, FINDINGS_NOTICE
from ..services import checklists, conduct
from ..services.scoring import score, score_text
from .common import get_inspection, require_team, responsible_units, team_refusal, threshold


class _PointsTags(dict):
    """The points tag of an item ("2 points × 3") by (points, weight), written once per page when the first item
    showing it asks."""

    def __missing__(self, pair: tuple[Any, Any]) -> str:
        tag = self[pair] = _("%(points)s points × %(weight)s", points=format_number(pair[0]),
                             weight=format_number(pair[1]))
        return tag


def item_words() -> SimpleNamespace:
    """The words of the item rows, translated once per page instead of once per item."""
    return SimpleNamespace(
        points=_PointsTags(), results=[(v, str(label)) for v, label in labels.RESULTS.items()],
        note_required=_("note required if failed"), photo_required=_("photo required"), note=_("Note"),
        photo=_("Photo"), save=_("Save"), value=_("Value"), answer=_("Answer"), na=_("Not applicable"),
        not_answered=_("not answered"), passed=_("Pass"), failed=_("Fail"), guidance=_("Guidance"),
    )


def finding_words(inspection: Inspection) -> SimpleNamespace:
    """The words and link makers of the finding rows, made once per page instead of once per finding."""
    return SimpleNamespace(
        responsible=_("Responsible unit"), due=_("Due date"), follow_up=_("Follow-up"), overdue=_("overdue"),
        recommendation=_("Recommendation"), edit=_("Edit"), save=_("Save"), saved=_("Saved"),
        states={k: str(v) for k, v in labels.FINDING_STATES.items()},
        page_url=url_maker("inspections.finding", "finding_id"),
        edit_url=url_maker("inspections.detail", "edit", inspection_id=inspection.id),
        row_url=url_maker("inspections.finding_edit", "finding_id", inspection_id=inspection.id),
    )


def detail_context(inspection: Inspection, open_item: int | None = None) -> dict[str, Any]:
    """Everything the inspection page shows; the open section is the asked one, else ``open_item``'s, else the
    first unanswered item's."""
    checklist = checklists.load_checklist(inspection.template_id, plain=True)
    answers = checklists.load_answers(inspection.id, plain=True)
    photos = checklists.load_photos(inspection.id)
    earlier = checklists.load_earlier(inspection.previous_id)
    recheck, sections = checklists.groups_for(checklist, earlier)
    per_section, total = score(checklist, answers)
    on_team = current_user.id in inspection.team_ids() and current_user.can(CONDUCT)
    done = inspection.state in (COMPLETED, SIGNED)
    findings = checklists.load_findings(inspection.id) if done else []
    # items numbered by section (1.1, 1.2, 2.1 ...)
    numbers = {item.id: f"{section.position}.{k}" for section, items in checklist for k, item in enumerate(items, 1)}
    groups: list[tuple[Any, ChecklistSection | None, list[Any]]] = \
        ([("recheck", None, recheck)] if recheck else []) + [(s.id, s, items) for s, items in sections]
    given = {item_id for item_id, a in answers.items() if a.given}
    unanswered = [(sid, i) for sid, _s, items in groups for i in items if i.id not in given]
    group_counts = {sid: (sum(1 for i in items if i.id in given), len(items)) for sid, _s, items in groups}
    asked = request.args.get("section", "")
    ids = [str(sid) for sid, _s, _items in groups]
    holding = [sid for sid, _s, items in groups if any(i.id == open_item for i in items)] if open_item else []
    if asked in ids:
        open_section: Any = groups[ids.index(asked)][0]
    elif holding:
        open_section = holding[0]
    else:
        open_section = unanswered[0][0] if unanswered else (groups[0][0] if groups else None)
    item_count = len(numbers)
    editable_findings = on_team and inspection.state == COMPLETED
    # the add form and an edited finding's picker list every unit: read only when one of them is shown
    adding = editable_findings and request.args.get("add") == "1"
    editing = request.args.get("edit", type=int)
    edited = db.session.get(Finding, editing) if editable_findings and editing else None
    units = responsible_units(inspection.unit_id, edited.responsible_unit_id if edited else None) \
        if editable_findings and (adding or editing) else []
    return dict(
        inspection=inspection, checklist=checklist, sections=sections, recheck=recheck, answers=answers,
        photos=photos, earlier=earlier, per_section=per_section, total=total, threshold=threshold(),
        on_team=on_team, is_leader=on_team and inspection.leader_id == current_user.id,
        leader_refusal=team_refusal(inspection, leader=True),
        editable=on_team and inspection.state == IN_PROGRESS, findings=findings, today=local_today(),
        missing=conduct.missing_for_completion(checklist, answers, photos) if inspection.state == IN_PROGRESS else [],
        unit_choices=units, finding_form=_finding_form(inspection, choices=units) if adding else None,
        can_add_finding=editable_findings,
        fw=finding_words(inspection) if done else None,
        sign_form=SignForm() if inspection.state == COMPLETED else None,
        numbers=numbers, open_section=open_section, item_count=item_count, groups=groups, group_counts=group_counts,
        answered_count=item_count - len(unanswered) if inspection.state != PLANNED else None,
        next_item=unanswered[0][1] if unanswered else None, next_section=unanswered[0][0] if unanswered else None,
        item_errors={}, editing=editing, w=item_words(),
        score_texts={sid: score_text(s) for sid, s in per_section.items()}, total_text=score_text(total),
    )


def _finding_form(inspection: Inspection, form: ManualFindingForm | None = None,
                  choices: list[tuple[int, str]] | None = None) -> ManualFindingForm:
    days = get_plugin_config("INSPECTIONS_FINDING_DAYS", 30)
    form = form or ManualFindingForm(formdata=None, responsible_unit_id=inspection.unit_id,
                                     due_date=local_today() + dt.timedelta(days=days))
    form.responsible_unit_id.choices = choices if choices is not None else responsible_units(inspection.unit_id)
    return form


def detail(inspection_id: int) -> ResponseReturnValue:
    inspection = get_inspection(inspection_id)
    return render("inspections/detail.html", fragment="score", **detail_context(inspection))


def section_items(inspection_id: int, sid: str) -> ResponseReturnValue:
    """The items of one section, loaded when it is opened (the page itself carries only the open section). Always
    the bare list: the service worker keeps it for offline use without htmx headers."""
    inspection = get_inspection(inspection_id)
    ctx = detail_context(inspection)
    items = {str(k): v for k, _s, v in ctx["groups"]}.get(sid)
    if items is None:
        raise Refused(404, _("This section does not exist."))
    return render("inspections/_section_items.html", items=items, **ctx)


def start(inspection_id: int) -> ResponseReturnValue:
    inspection = get_inspection(inspection_id)
    require_team(inspection)
    conduct.start(inspection)
    db.session.commit()
    return redirect_or_hx(url_for(".detail", inspection_id=inspection.id))


def complete(inspection_id: int) -> ResponseReturnValue:
    inspection = get_inspection(inspection_id)
    require_team(inspection, leader=True)
    conduct.require_state(inspection, IN_PROGRESS)  # never ask about what cannot happen
    ctx = detail_context(inspection)
    if not ctx["missing"]:  # with items missing the service refuses, and the completion box lists them
        fails = sum(1 for a in ctx["answers"].values() if a.result == "fail")
        if (r := confirm(_("Complete the inspection of %(unit)s?", unit=inspection.unit.name), [
            _("The answers can no longer be changed."),
            ngettext("%(num)s failed item becomes a finding for the unit.",
                     "%(num)s failed items become findings for the unit.", fails),
        ])) is not None:
            return r
    try:
        made = conduct.complete(inspection, local_today(), get_plugin_config("INSPECTIONS_FINDING_DAYS", 30))
    except Refused as exc:
        db.session.rollback()
        return render("inspections/detail.html", fragment="completion", status=exc.status, refused=exc.message,
                      **detail_context(inspection))
    db.session.commit()
    flash(_("The inspection is completed with %(n)s findings.", n=len(made)), "success")
    # no "#findings" here: htmx's redirect to the same path with only a new hash would not reload the page
    return redirect_or_hx(url_for(".detail", inspection_id=inspection.id))


def sign(inspection_id: int) -> ResponseReturnValue:
    inspection = get_inspection(inspection_id)
    require_team(inspection, leader=True)
    form = SignForm()
    if not form.validate_on_submit():
        ctx = detail_context(inspection)
        ctx["sign_form"] = form
        return render("inspections/detail.html", fragment="completion", status=422, **ctx)
    conduct.require_state(inspection, COMPLETED)
    findings = checklists.load_findings(inspection.id)
    if (r := confirm(_("Sign the minutes of the inspection of %(unit)s?", unit=inspection.unit.name), [
        _("After signing, the answers and findings can no longer be changed."),
        ngettext("%(num)s finding is sent to the responsible units.",
                 "%(num)s findings are sent to the responsible units.", len(findings)),
    ])) is not None:
        return r
    conduct.sign(inspection, form.number.data, form.unit_representative.data, form.conclusion.data or None)
    link = url_for(".findings")
    for unit_id in {f.responsible_unit_id for f in findings}:
        notify_unit(unit_id, _("New findings from the inspection of %(unit)s: please report progress.",
                               unit=inspection.unit.name), link, kind=FINDINGS_NOTICE)
    db.session.commit()
    flash(_("The minutes are signed."), "success")
    return redirect_or_hx(url_for(".minutes", inspection_id=inspection.id))


def minutes(inspection_id: int) -> ResponseReturnValue:
    inspection = get_inspection(inspection_id)
    if inspection.state not in (COMPLETED, SIGNED):
        raise Refused(409, _("The minutes are ready once the inspection is completed."))
    ctx = detail_context(inspection)
    return render("inspections/minutes.html", issuer=conduct.minutes_issuer(inspection),
                  day=conduct.actual_date(inspection, ctx["answers"]), **ctx)
