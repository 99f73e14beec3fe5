"""Conducting an inspection: its team, state rules, answers, completion (findings made from failed items), minutes."""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from portal.toolkit import (
    Issuer,
    Refused,
    Unit,
    User,
    _,
    db,
    get_plugin_config,
    issue_number,
    issuer_of,
    local_date,
    lock,
    utcnow,
    vi_sort_key,
)

from .. import labels
from ..models import (
    COMPLETED,
    FAIL,
    IN_PROGRESS,
    NA,
    OPEN,
    PLANNED,
    SIGNED,
    Answer,
    ChecklistItem,
    ChecklistSection,
    Finding,
    Inspection,
    Photo,
    TeamMember,
)
from .checklists import load_answers, load_checklist, load_photos
from .scoring import score


def require_state(inspection: Inspection, *states: str) -> None:
    """Lock the inspection's row, then check its committed state: every change of an inspection (answers,
    photos, completion, signing) runs one at a time, and none lands after the inspection was completed."""
    lock(Inspection, inspection.id)  # refreshes ``inspection`` in place
    if inspection.state not in states:
        if inspection.state == SIGNED:
            raise Refused(409, _("The minutes of this inspection are signed; it can no longer be changed."))
        raise Refused(409, _("This action is not possible while the inspection is \"%(state)s\".",
                              state=labels.STATES.get(inspection.state, inspection.state)))


# --- plans ---

def set_team(inspection: Inspection, leader_id: int, member_ids: Iterable[int]) -> None:
    inspection.leader_id = leader_id
    wanted = {m for m in member_ids if m != leader_id}
    inspection.members = [m for m in inspection.members if m.user_id in wanted]
    have = {m.user_id for m in inspection.members}
    for uid in sorted(wanted - have):
        inspection.members.append(TeamMember(user_id=uid))


def check_previous(previous: Inspection | None, unit_id: int) -> None:
    if previous is None:
        return
    if previous.unit_id != unit_id:
        raise Refused(409, _("A follow-up must inspect the same unit as the earlier inspection."))
    if previous.state not in (COMPLETED, SIGNED):
        raise Refused(409, _("Only a completed inspection can be followed up."))


def start(inspection: Inspection) -> None:
    require_state(inspection, PLANNED)
    inspection.state = IN_PROGRESS
    inspection.started_at = utcnow()


# --- answers ---

def save_answer(inspection: Inspection, item: ChecklistItem, user_id: int, seen_version: int | None, *,
                result: str | None, number: Decimal | None, text: str | None, note: str | None) -> Answer:
    """Store one item's answer. ``seen_version`` is the version the user's page showed (0 = none yet).

    Refuse (409) when someone else saved the item in between, so nobody overwrites unseen work.
    """
    require_state(inspection, IN_PROGRESS)
    if item.template_id != inspection.template_id:
        raise Refused(409, _("This item does not belong to the checklist of this inspection."))
    answer = db.session.scalar(select(Answer).where(Answer.inspection_id == inspection.id, Answer.item_id == item.id))
    conflict = _("This item was saved meanwhile (by a team member or on another device). The saved answer is "
                 "shown; check it and save again.")
    # Any save in between is a conflict, one's own from another phone included; the page's own successive saves
    # carry the version each answer brings back (the form queues them), so they do not conflict.
    if answer is not None and seen_version is not None and seen_version != answer.version:
        raise Refused(409, conflict)
    if answer is None:
        if seen_version not in (None, 0):
            raise Refused(409, conflict)
        answer = Answer(inspection_id=inspection.id, item_id=item.id)
        db.session.add(answer)
    answer.result, answer.number, answer.text, answer.note = result, number, text, note
    answer.answered_by = user_id
    answer.answered_at = utcnow()
    try:
        db.session.flush()
    except (StaleDataError, IntegrityError):  # lost a race for the same item
        db.session.rollback()
        raise Refused(409, conflict) from None
    return answer


# --- completion ---

@dataclass
class Missing:
    item: ChecklistItem
    reasons: list[str]


def missing_for_completion(checklist: list[tuple[ChecklistSection, list[ChecklistItem]]],
                           answers: dict[int, Answer], photos: dict[int, list[Photo]]) -> list[Missing]:
    """Items that block completion: unanswered scored items, failed items without the required note,
    items without the required photo."""
    out = []
    for _s, items in checklist:
        for item in items:
            a = answers.get(item.id)
            reasons = []
            if item.scored and (a is None or (a.result is None and a.number is None)):
                reasons.append(_("not answered"))
            if item.note_required_on_fail and a is not None and a.result == FAIL and not (a.note or "").strip():
                reasons.append(_("a note is required when the item fails"))
            if item.photo_required and not photos.get(item.id) and not (a is not None and a.result == NA):
                reasons.append(_("a photo is required"))
            if reasons:
                out.append(Missing(item, reasons))
    return out


def complete(inspection: Inspection, today: dt.date, finding_days: int) -> list[Finding]:
    """Finish an inspection: refuse while items are missing, keep the score, turn failed items into findings."""
    require_state(inspection, IN_PROGRESS)
    checklist = load_checklist(inspection.template_id, plain=True)
    answers = load_answers(inspection.id, plain=True)
    missing = missing_for_completion(checklist, answers, load_photos(inspection.id))
    if missing:
        raise Refused(409, _("The inspection cannot be completed yet: %(n)s items need attention.",
                              n=len(missing)))
    _per, total = score(checklist, answers)
    inspection.achieved = Decimal(total.achieved.numerator) / Decimal(total.achieved.denominator)
    inspection.applicable = Decimal(total.applicable.numerator) / Decimal(total.applicable.denominator)
    inspection.state = COMPLETED
    inspection.completed_at = utcnow()
    made = []
    for _s, items in checklist:
        for item in items:
            a = answers.get(item.id)
            if a is not None and a.result == FAIL:
                made.append(Finding(
                    inspection_id=inspection.id, item_id=item.id, description=item.text,
                    recommendation=(a.note or "").strip(), responsible_unit_id=inspection.unit_id,
                    due_date=today + dt.timedelta(days=finding_days), state=OPEN,
                ))
    db.session.add_all(made)
    db.session.flush()
    return made


def minutes_issuer(inspection: Inspection) -> Issuer:
    """The inspection team under the People's Committee above the unit inspected (the one that sent it); where the
    directory has none above (a commune formed in 2025 under the province), the configured bodies."""
    above = inspection.unit.parent
    while above is not None and above.kind not in ("commune", "district"):
        above = above.parent
    team = str(get_plugin_config("INSPECTIONS_DOC_ISSUER", "Đoàn kiểm tra")).upper()
    if above is not None:
        committee = issuer_of(above)
        return Issuer(key=f"inspections:{committee.key}", name=team, superior=committee.name, place=committee.place,
                      abbreviation="ĐKT", unit_id=above.id)
    return Issuer(key="inspections:config", name=team,
                  superior=str(get_plugin_config("INSPECTIONS_DOC_SUPERIOR", "")).upper() or None,
                  place=str(get_plugin_config("PORTAL_PLACE", "Tam Đường")), abbreviation="ĐKT")


def actual_date(inspection: Inspection, answers: dict[int, Any]) -> dt.date:
    """The day the team inspected: when it started, else its first answer, else (never started) the planned day."""
    moments = [a.answered_at for a in answers.values() if a.answered_at]
    first = inspection.started_at or (min(moments) if moments else None)
    return local_date(first) if first else inspection.planned_date


def sign(inspection: Inspection, number: str | None, representative: str, conclusion: str | None) -> None:
    require_state(inspection, COMPLETED)
    # no number typed: the next one in the team's register for the year ("3/BB-ĐKT")
    inspection.number = number or issue_number("inspections_inspection", inspection.id, minutes_issuer(inspection),
                                               "BB", local_date(utcnow()))
    inspection.unit_representative = representative
    inspection.conclusion = conclusion
    inspection.state = SIGNED
    inspection.signed_at = utcnow()


#: The list's order (newest planned first); ends with the id, as paging needs.
LIST_ORDER = (Inspection.planned_date.desc(), Inspection.id.desc())


def list_query(scope: Any, state: str | None, year: int | None) -> Any:
    """The inspections list as plain rows (the columns it shows: no inspection, unit, user or team objects)."""
    q = (select(Inspection.id, Inspection.state, Inspection.planned_date, Inspection.previous_id,
                Inspection.achieved, Inspection.applicable, Unit.name.label("unit_name"),
                User.full_name.label("leader_name"))
         .join(Unit, Unit.id == Inspection.unit_id).join(User, User.id == Inspection.leader_id).where(scope))
    if state:
        q = q.where(Inspection.state == state)
    if year:
        q = q.where(Inspection.year == year)
    return q


def my_inspections(user_id: int) -> list[Inspection]:
    """Planned and ongoing inspections where the user leads or is a member."""
    member = select(TeamMember.inspection_id).where(TeamMember.user_id == user_id)
    return list(db.session.scalars(
        select(Inspection).where(Inspection.state.in_((PLANNED, IN_PROGRESS)),
                                 or_(Inspection.leader_id == user_id, Inspection.id.in_(member)))
        .order_by(Inspection.planned_date, Inspection.id)
    ))


def user_choices() -> list[tuple[int, str]]:
    """Active users for the team pickers, in Vietnamese order (users have no stored sort key: two columns are
    read, not whole rows)."""
    rows = db.session.execute(select(User.id, User.full_name).where(User.active.is_(True)))
    return sorted(((uid, name) for uid, name in rows), key=lambda r: vi_sort_key(r[1]))
