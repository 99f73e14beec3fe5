"""Checklists: loading a version with a constant number of queries, earlier answers, versions of a template."""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field, fields
from decimal import Decimal
from typing import Any

from sqlalchemy import and_, bindparam, func, select

from portal.toolkit import Refused, Unit, _, db, select_rows

from ..models import (
    CLOSED,
    FAIL,
    Answer,
    ChecklistItem,
    ChecklistSection,
    ChecklistTemplate,
    Finding,
    Inspection,
    Photo,
)


@dataclass(slots=True)
class SectionRow:
    """A checklist section read for showing (plain columns), the same attributes as ChecklistSection's."""

    id: int
    template_id: int
    position: int
    title: str


@dataclass(slots=True)
class ItemRow:
    """A checklist item read for showing and scoring (plain columns, no ORM object: a 200-item checklist is read
    on every page view and every save). The same attributes as ChecklistItem's columns."""

    id: int
    template_id: int
    section_id: int
    key: str
    position: int
    text: str
    guidance: str | None
    answer_type: str
    max_score: Decimal | None
    weight: Decimal
    note_required_on_fail: bool
    photo_required: bool

    scored = ChecklistItem.scored


@dataclass(slots=True)
class AnswerRow:
    """An answer read for showing and scoring (plain columns), the same attributes as Answer's."""

    id: int
    inspection_id: int
    item_id: int
    result: str | None
    number: Decimal | None
    text: str | None
    note: str | None
    version: int
    answered_by: int | None
    answered_at: dt.datetime

    given = Answer.given


def _columns(model: Any, row_type: Any) -> list[Any]:
    return [getattr(model, f.name) for f in fields(row_type)]


_SECTION_COLUMNS = _columns(ChecklistSection, SectionRow)
_ITEM_COLUMNS = _columns(ChecklistItem, ItemRow)
_ANSWER_COLUMNS = _columns(Answer, AnswerRow)


# Kept statements (built once, the ids bound at each call): building a select anew cost more than running it.
_SECTIONS = select(*_SECTION_COLUMNS).where(ChecklistSection.template_id == bindparam("template_id")) \
    .order_by(ChecklistSection.position, ChecklistSection.id)
_ITEMS = select(*_ITEM_COLUMNS).where(ChecklistItem.template_id == bindparam("template_id")) \
    .order_by(ChecklistItem.position, ChecklistItem.id)
_ANSWERS = select(*_ANSWER_COLUMNS).where(Answer.inspection_id == bindparam("inspection_id"))


def load_checklist(template_id: int, plain: bool = False) -> list[tuple[ChecklistSection, list[Any]]]:
    """Sections in order with their items (two queries, whatever the number of items). ``plain``: sections and
    items as read-only SectionRow and ItemRow (for showing and scoring), else ORM objects (for editing)."""
    items: dict[int, list[Any]] = defaultdict(list)
    if plain:
        bound = {"template_id": template_id}
        sections: list[Any] = [SectionRow(*row) for row in select_rows(_SECTIONS, bound)]
        for row in select_rows(_ITEMS, bound):
            items[row[2]].append(ItemRow(*row))
        return [(s, items[s.id]) for s in sections]
    sections = list(db.session.scalars(select(ChecklistSection).where(ChecklistSection.template_id == template_id)
                                       .order_by(ChecklistSection.position, ChecklistSection.id)))
    for item in db.session.scalars(select(ChecklistItem).where(ChecklistItem.template_id == template_id)
                                   .order_by(ChecklistItem.position, ChecklistItem.id)):
        items[item.section_id].append(item)
    return [(s, items[s.id]) for s in sections]


def load_answers(inspection_id: int, plain: bool = False) -> dict[int, Any]:
    """The answers of an inspection by item id; ``plain``: read-only AnswerRow, else ORM objects."""
    if plain:
        return {row[2]: AnswerRow(*row) for row in select_rows(_ANSWERS, {"inspection_id": inspection_id})}
    return {a.item_id: a for a in db.session.scalars(select(Answer).where(Answer.inspection_id == inspection_id))}


def load_photos(inspection_id: int) -> dict[int, list[Photo]]:
    photos: dict[int, list[Photo]] = defaultdict(list)
    for p in db.session.scalars(select(Photo).where(Photo.inspection_id == inspection_id).order_by(Photo.id)):
        photos[p.item_id].append(p)
    return photos


@dataclass(slots=True)
class FindingRow:
    """A finding read for showing (plain columns and its responsible unit's name), with Finding's attributes."""

    id: int
    inspection_id: int
    item_id: int | None
    description: str
    recommendation: str
    responsible_unit_id: int
    due_date: dt.date
    state: str
    closed_at: dt.datetime | None
    responsible_unit_name: str

    overdue = Finding.overdue


_FINDING_COLUMNS = [getattr(Finding, f.name) for f in fields(FindingRow)[:-1]]
_FINDINGS = select(*_FINDING_COLUMNS, Unit.name).join(Unit, Unit.id == Finding.responsible_unit_id) \
    .where(Finding.inspection_id == bindparam("inspection_id")).order_by(Finding.id)


def load_findings(inspection_id: int) -> list[FindingRow]:
    """The findings of one inspection as plain rows, in order, their responsible unit's name joined."""
    return [FindingRow(*row) for row in select_rows(_FINDINGS, {"inspection_id": inspection_id})]


@dataclass
class Earlier:
    """What an earlier inspection of the same unit said about an item (matched by the item's stable key)."""

    answer: Answer | None
    item: ChecklistItem
    findings: list[FindingRow] = field(default_factory=list)

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
        raise Refused(409, _("This version is used by an inspection and cannot be changed; create a new version."))
