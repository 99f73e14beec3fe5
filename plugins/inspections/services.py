"""Inspection logic without request state: checklists, exact scoring, answers, completion, findings, summary."""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from portal.toolkit import (
    Issuer,
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

from .models import (
    CLOSED,
    COMPLETED,
    FAIL,
    IN_PROGRESS,
    NA,
    OPEN,
    PASS,
    PASS_FAIL,
    PLANNED,
    REPORTED,
    SIGNED,
    Answer,
    ChecklistItem,
    ChecklistSection,
    ChecklistTemplate,
    Finding,
    FindingUpdate,
    Inspection,
    Photo,
    TeamMember,
)


class InspectionError(ValueError):
    """A refused action; the message is translated and shown to the user (HTTP 409)."""


class AnswerConflict(InspectionError):
    """Someone saved the same item since this user loaded it."""

    def __init__(self, message: str, current: Answer | None) -> None:
        super().__init__(message)
        self.current = current


# --- scoring (exact: Fractions, never floats) ---

@dataclass
class Score:
    achieved: Fraction = Fraction(0)
    applicable: Fraction = Fraction(0)

    def add(self, achieved: Fraction, applicable: Fraction) -> None:
        self.achieved += achieved
        self.applicable += applicable

    @property
    def ratio(self) -> Fraction | None:
        """achieved ÷ applicable, or None when nothing applies."""
        return self.achieved / self.applicable if self.applicable else None

    def passed(self, threshold_percent: Any) -> bool | None:
        """Whether the score reaches ``threshold_percent`` (compared exactly, never rounded)."""
        if not self.applicable:
            return None
        return self.achieved * 100 >= Fraction(str(threshold_percent)) * self.applicable


def _fraction(value: Decimal | int | None) -> Fraction:
    return Fraction(str(value)) if value is not None else Fraction(0)


def item_points(item: ChecklistItem, answer: Answer | None) -> tuple[Fraction, Fraction] | None:
    """Return (achieved, applicable) points of one answered item, or None when it does not count (N/A, unscored)."""
    if answer is None or not item.scored:
        return None
    weight = _fraction(item.weight)
    if item.answer_type == PASS_FAIL:
        if answer.result not in (PASS, FAIL):
            return None
        points = weight * _fraction(item.max_score if item.max_score is not None else 1)
        return (points if answer.result == PASS else Fraction(0)), points
    if answer.result == NA or answer.number is None:
        return None
    top = _fraction(item.max_score)
    value = min(max(_fraction(answer.number), Fraction(0)), top)
    return weight * value, weight * top


def score(checklist: Sequence[tuple[ChecklistSection, Sequence[ChecklistItem]]],
          answers: dict[int, Answer]) -> tuple[dict[int, Score], Score]:
    """Score per section (by section id) and in total: achieved ÷ applicable, N/A excluded, weights applied."""
    per_section: dict[int, Score] = {}
    total = Score()
    for section, items in checklist:
        s = per_section.setdefault(section.id, Score())
        for item in items:
            points = item_points(item, answers.get(item.id))
            if points:
                s.add(*points)
                total.add(*points)
    return per_section, total


def points_decimal(value: Fraction) -> Decimal:
    """Points as a Decimal rounded to 2 places (for display only)."""
    return round(Decimal(value.numerator) / Decimal(value.denominator), 2)


def percent_text(ratio: Fraction | None, digits: int = 1) -> Decimal | None:
    """The ratio as a Decimal percentage (for display only)."""
    if ratio is None:
        return None
    return round(Decimal(ratio.numerator) * 100 / Decimal(ratio.denominator), digits)


# --- loading a checklist with a constant number of queries ---

def load_checklist(template_id: int) -> list[tuple[ChecklistSection, list[ChecklistItem]]]:
    """Sections in order with their items (two queries, whatever the number of items)."""
    sections = list(db.session.scalars(
        select(ChecklistSection).where(ChecklistSection.template_id == template_id).order_by(
            ChecklistSection.position, ChecklistSection.id)
    ))
    items: dict[int, list[ChecklistItem]] = defaultdict(list)
    for item in db.session.scalars(
        select(ChecklistItem).where(ChecklistItem.template_id == template_id).order_by(
            ChecklistItem.position, ChecklistItem.id)
    ):
        items[item.section_id].append(item)
    return [(s, items[s.id]) for s in sections]


def load_answers(inspection_id: int) -> dict[int, Answer]:
    return {a.item_id: a for a in db.session.scalars(select(Answer).where(Answer.inspection_id == inspection_id))}


def load_photos(inspection_id: int) -> dict[int, list[Photo]]:
    photos: dict[int, list[Photo]] = defaultdict(list)
    for p in db.session.scalars(select(Photo).where(Photo.inspection_id == inspection_id).order_by(Photo.id)):
        photos[p.item_id].append(p)
    return photos


def load_findings(inspection_id: int) -> list[Finding]:
    return list(db.session.scalars(
        select(Finding).where(Finding.inspection_id == inspection_id).order_by(Finding.id)
    ))


@dataclass
class Earlier:
    """What an earlier inspection of the same unit said about an item (matched by the item's stable key)."""

    answer: Answer | None
    item: ChecklistItem
    findings: list[Finding] = field(default_factory=list)

    @property
    def needs_recheck(self) -> bool:
        failed = self.answer is not None and self.answer.result == FAIL
        return failed or any(f.state != CLOSED for f in self.findings)


def load_earlier(previous_id: int | None) -> dict[str, Earlier]:
    """Earlier answers and findings by item key (four queries)."""
    if previous_id is None:
        return {}
    template_id = db.session.scalar(select(Inspection.template_id).where(Inspection.id == previous_id))
    items = {i.id: i for i in db.session.scalars(select(ChecklistItem).where(ChecklistItem.template_id == template_id))}
    out = {i.key: Earlier(answer=None, item=i) for i in items.values()}
    for a in db.session.scalars(select(Answer).where(Answer.inspection_id == previous_id)):
        if a.item_id in items:
            out[items[a.item_id].key].answer = a
    for f in load_findings(previous_id):
        if f.item_id in items:
            out[items[f.item_id].key].findings.append(f)
    return out


def groups_for(checklist: list[tuple[ChecklistSection, list[ChecklistItem]]],
               earlier: dict[str, Earlier]) -> tuple[list[ChecklistItem], list[tuple[ChecklistSection, list[ChecklistItem]]]]:
    """Split items into (re-check first, the rest by section) for a follow-up inspection."""
    recheck = [i for _s, items in checklist for i in items if i.key in earlier and earlier[i.key].needs_recheck]
    first = {i.id for i in recheck}
    rest = [(s, [i for i in items if i.id not in first]) for s, items in checklist]
    return recheck, [(s, items) for s, items in rest if items]


# --- state rules ---

def require_state(inspection: Inspection, *states: str) -> None:
    """Lock the inspection's row, then check its committed state: every change of an inspection (answers,
    photos, completion, signing) runs one at a time, and none lands after the inspection was completed."""
    lock(Inspection, inspection.id)  # refreshes ``inspection`` in place
    if inspection.state not in states:
        if inspection.state == SIGNED:
            raise InspectionError(_("The minutes of this inspection are signed; it can no longer be changed."))
        raise InspectionError(_("This action is not possible while the inspection is \"%(state)s\".",
                                state=state_label(inspection.state)))


def state_label(state: str) -> str:
    return {
        PLANNED: _("planned"),
        IN_PROGRESS: _("in progress"),
        COMPLETED: _("completed"),
        SIGNED: _("signed"),
    }.get(state, state)


def finding_state_label(state: str) -> str:
    return {OPEN: _("open"), REPORTED: _("reported as fixed"), CLOSED: _("closed")}.get(state, state)


# --- templates ---

def latest_templates() -> list[ChecklistTemplate]:
    """The newest version of every checklist."""
    newest = select(ChecklistTemplate.code, func.max(ChecklistTemplate.version).label("v")).group_by(
        ChecklistTemplate.code).subquery()
    return list(db.session.scalars(
        select(ChecklistTemplate).join(newest, and_(ChecklistTemplate.code == newest.c.code,
                                                    ChecklistTemplate.version == newest.c.v))
        .order_by(ChecklistTemplate.title)
    ))


def new_version(template: ChecklistTemplate) -> ChecklistTemplate:
    """Copy a frozen template into its next version (items keep their keys); return the copy."""
    top = db.session.scalar(select(func.max(ChecklistTemplate.version)).where(ChecklistTemplate.code == template.code))
    copy = ChecklistTemplate(code=template.code, version=(top or 0) + 1, title=template.title,
                             description=template.description, frozen=False)
    db.session.add(copy)
    db.session.flush()
    for section, items in load_checklist(template.id):
        s = ChecklistSection(template_id=copy.id, position=section.position, title=section.title)
        db.session.add(s)
        db.session.flush()
        for i in items:
            db.session.add(ChecklistItem(
                template_id=copy.id, section_id=s.id, key=i.key, position=i.position, text=i.text,
                guidance=i.guidance, answer_type=i.answer_type, max_score=i.max_score, weight=i.weight,
                note_required_on_fail=i.note_required_on_fail, photo_required=i.photo_required,
            ))
    db.session.flush()
    return copy


def require_editable(template: ChecklistTemplate) -> None:
    if template.frozen:
        raise InspectionError(_("This version is used by an inspection and cannot be changed; create a new version."))


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
        raise InspectionError(_("A follow-up must inspect the same unit as the earlier inspection."))
    if previous.state not in (COMPLETED, SIGNED):
        raise InspectionError(_("Only a completed inspection can be followed up."))


def start(inspection: Inspection) -> None:
    require_state(inspection, PLANNED)
    inspection.state = IN_PROGRESS
    inspection.started_at = utcnow()


# --- answers ---

def save_answer(inspection: Inspection, item: ChecklistItem, user_id: int, seen_version: int | None, *,
                result: str | None, number: Decimal | None, text: str | None, note: str | None) -> Answer:
    """Store one item's answer. ``seen_version`` is the version the user's page showed (0 = none yet).

    Raise AnswerConflict when someone else saved the item in between, so nobody overwrites unseen work.
    """
    require_state(inspection, IN_PROGRESS)
    if item.template_id != inspection.template_id:
        raise InspectionError(_("This item does not belong to the checklist of this inspection."))
    answer = db.session.scalar(select(Answer).where(Answer.inspection_id == inspection.id, Answer.item_id == item.id))
    conflict = _("This item was saved meanwhile (by a team member or on another device). The saved answer is "
                 "shown; check it and save again.")
    # Any save in between is a conflict, one's own from another phone included; the page's own successive saves
    # carry the version each answer brings back (the form queues them), so they do not conflict.
    if answer is not None and seen_version is not None and seen_version != answer.version:
        raise AnswerConflict(conflict, answer)
    if answer is None:
        if seen_version not in (None, 0):
            raise AnswerConflict(conflict, None)
        answer = Answer(inspection_id=inspection.id, item_id=item.id)
        db.session.add(answer)
    answer.result, answer.number, answer.text, answer.note = result, number, text, note
    answer.answered_by = user_id
    answer.answered_at = utcnow()
    try:
        db.session.flush()
    except (StaleDataError, IntegrityError):  # lost a race for the same item
        db.session.rollback()
        raise AnswerConflict(conflict, None) from None
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
    checklist = load_checklist(inspection.template_id)
    answers = load_answers(inspection.id)
    missing = missing_for_completion(checklist, answers, load_photos(inspection.id))
    if missing:
        raise IncompleteError(missing)
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


class IncompleteError(InspectionError):
    def __init__(self, missing: list[Missing]) -> None:
        super().__init__(_("The inspection cannot be completed yet: %(n)s items need attention.", n=len(missing)))
        self.missing = missing


def stored_score(inspection: Inspection) -> Score | None:
    """The score kept at completion."""
    if inspection.applicable is None:
        return None
    return Score(_fraction(inspection.achieved), _fraction(inspection.applicable))


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


# --- findings ---

def report_progress(finding: Finding, user_id: int, text: str, done: bool) -> None:
    lock(Finding, finding.id)
    if finding.state == CLOSED:
        raise InspectionError(_("This finding is closed."))
    finding.updates.append(FindingUpdate(user_id=user_id, kind="done" if done else "progress", text=text))
    if done:
        finding.state = REPORTED


def verify(finding: Finding, user_id: int, text: str, close: bool) -> None:
    lock(Finding, finding.id)
    if finding.inspection.state not in (COMPLETED, SIGNED):
        raise InspectionError(_("Findings are verified after the inspection is completed."))
    if close == (finding.state == CLOSED):
        raise InspectionError(_("This finding is already closed.") if close else _("This finding is not closed."))
    finding.updates.append(FindingUpdate(user_id=user_id, kind="close" if close else "reopen", text=text))
    finding.state = CLOSED if close else OPEN
    finding.closed_at = utcnow() if close else None


# --- summary ---

@dataclass
class UnitSummary:
    unit_id: int
    unit_name: str
    inspections: int = 0
    latest: Inspection | None = None
    open_findings: int = 0
    overdue_findings: int = 0

    @property
    def score(self) -> Score | None:
        return stored_score(self.latest) if self.latest is not None else None


def summary(year: int, today: dt.date, unit_filter: Any) -> list[UnitSummary]:
    """Per inspected unit in ``year``: completed inspections, latest score, open and overdue findings (3 queries)."""
    rows: dict[int, UnitSummary] = {}
    done = list(db.session.scalars(
        select(Inspection).where(Inspection.year == year, Inspection.state.in_((COMPLETED, SIGNED)), unit_filter)
        .order_by(Inspection.completed_at, Inspection.id)
    ))
    for i in done:
        r = rows.setdefault(i.unit_id, UnitSummary(i.unit_id, i.unit.name))
        r.inspections += 1
        r.latest = i
    counts = db.session.execute(
        select(Inspection.unit_id, func.count(Finding.id),
               func.sum(db.case((Finding.due_date < today, 1), else_=0)))
        .join(Finding, Finding.inspection_id == Inspection.id)
        .where(Inspection.year == year, Finding.state != CLOSED, unit_filter)
        .group_by(Inspection.unit_id)
    )
    for unit_id, n, overdue in counts:
        if unit_id in rows:
            rows[unit_id].open_findings = n
            rows[unit_id].overdue_findings = int(overdue or 0)
    return sorted(rows.values(), key=lambda r: vi_sort_key(r.unit_name))


def findings_query(visible: Any, state: str | None, overdue_on: dt.date | None) -> Any:
    q = select(Finding).join(Inspection, Finding.inspection_id == Inspection.id).where(visible)
    if state == "active":
        q = q.where(Finding.state != CLOSED)
    elif state in (OPEN, REPORTED, CLOSED):
        q = q.where(Finding.state == state)
    if overdue_on is not None:
        q = q.where(Finding.state != CLOSED, Finding.due_date < overdue_on)
    return q.order_by(*FINDING_ORDER)


FINDING_ORDER = (Finding.due_date, Finding.id)


def my_inspections(user_id: int) -> list[Inspection]:
    """Planned and ongoing inspections where the user leads or is a member."""
    member = select(TeamMember.inspection_id).where(TeamMember.user_id == user_id)
    return list(db.session.scalars(
        select(Inspection).where(Inspection.state.in_((PLANNED, IN_PROGRESS)),
                                 or_(Inspection.leader_id == user_id, Inspection.id.in_(member)))
        .order_by(Inspection.planned_date, Inspection.id)
    ))
