"""Review logic: ask the plugins for their sections, keep them as a snapshot, edit the texts, regenerate on demand.

A review keeps the figures it was drafted with (JSON per section, with the moment they were taken), so the signed
report does not change when reports, scores or payments change later. Regenerating replaces the figures and keeps
every narrative the office wrote. Both run under the review's row lock (portal.integrity.lock)."""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction
from typing import Any

from flask import current_app
from sqlalchemy import or_, select

from portal.extensions import db
from portal.i18n import gettext as _
from portal.i18n import lazy_gettext as _l
from portal.integrity import Refused, lock
from portal.models import Unit, utcnow
from portal.plugin import ReviewContext, ReviewFigure, ReviewSection, ReviewTable

from .models import GENERAL_PARTS, REVIEW_KINDS, Review
from .models import ReviewSection as SectionRow

KIND_LABELS = {
    "midterm": _l("Mid-term review (sơ kết)"),
    "final": _l("Final review (tổng kết)"),
    "annual": _l("Annual review"),
}
PART_LABELS = {
    "results": _l("Results achieved"),
    "limits": _l("Shortcomings and their causes"),
    "lessons": _l("Lessons learned"),
    "proposals": _l("Directions and proposals"),
}
DEFAULT_UNIT_KINDS = ("agency", "mass_org", "commune", "enterprise")
assert set(PART_LABELS) == set(GENERAL_PARTS) and set(KIND_LABELS) == set(REVIEW_KINDS)


def units_in(kinds: Sequence[str], year_from: int, year_to: int) -> tuple[int, ...]:
    """Units of ``kinds`` in force at some time in the years (ended ones included: history keeps old names)."""
    start, end = dt.date(year_from, 1, 1), dt.date(year_to, 12, 31)
    stmt = select(Unit.id).where(
        Unit.kind.in_(list(kinds)), or_(Unit.valid_from.is_(None), Unit.valid_from <= end),
        or_(Unit.valid_to.is_(None), Unit.valid_to >= start),
    ).order_by(Unit.id)
    return tuple(db.session.scalars(stmt))


def context_for(review: Review) -> ReviewContext:
    kinds = tuple(review.unit_kinds or DEFAULT_UNIT_KINDS)
    return ReviewContext(kind=review.kind, year_from=review.year_from, year_to=review.year_to,
                         unit_ids=units_in(kinds, review.year_from, review.year_to), unit_kinds=kinds)


def _cell(value: Any) -> Any:
    """A table cell as JSON: numbers stay numbers (Excel sums them), anything else becomes text.

    A Decimal keeps its places ({"n": 17.7, "p": 2} shows as 17,70), so a column of rates lines up."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, Fraction):
        value = round(Decimal(value.numerator) / Decimal(value.denominator), 6)
    if isinstance(value, Decimal):
        places = -value.as_tuple().exponent if isinstance(value.as_tuple().exponent, int) else 0
        if places <= 0:
            return int(value)
        return {"n": float(value), "p": min(int(places), 6)}
    return str(value)


def cell_number(cell: Any) -> int | float | None:
    """The number of a stored cell (for Excel), or None when it is text."""
    if isinstance(cell, dict):
        return cell.get("n")
    if isinstance(cell, (int, float)) and not isinstance(cell, bool):
        return cell
    return None


def cell_text(cell: Any) -> str:
    """A stored cell as people read it: 1.234 / 17,70 / text."""
    from portal.i18n import format_number

    if cell is None:
        return ""
    if isinstance(cell, bool):
        return _("yes") if cell else _("no")
    if isinstance(cell, dict):
        return format_number(Decimal(str(cell.get("n"))), int(cell.get("p") or 0))
    if isinstance(cell, (int, float)):
        return format_number(cell)
    return str(cell)


def _table(t: ReviewTable) -> dict[str, Any]:
    return {"title": str(t.title), "header": [str(h) for h in t.header],
            "rows": [[_cell(c) for c in row] for row in t.rows]}


def _figure(f: ReviewFigure) -> dict[str, Any]:
    return {"title": str(f.title), "kind": f.kind if f.kind in ("line", "bar") else "line",
            "categories": [str(c) for c in f.categories],
            "series": [[str(label), [None if v is None else float(v) for v in values]] for label, values in f.series]}


def collect(ctx: ReviewContext) -> list[tuple[str, ReviewSection]]:
    """Every enabled plugin's sections for ``ctx``, ordered by (order, plugin, key)."""
    out: list[tuple[str, ReviewSection]] = []
    for name, provide in current_app.extensions["portal"].review_providers:
        for section in provide(ctx) or ():
            if not isinstance(section, ReviewSection):
                raise TypeError(f"plugin {name!r}: review_sections must return ReviewSection objects")
            out.append((name, section))
    out.sort(key=lambda item: (item[1].order, item[0], item[1].key))
    return out


def _snapshot(row: SectionRow, section: ReviewSection, position: int, at: dt.datetime) -> None:
    row.position = position
    row.title = str(section.title)[:255]
    row.data = {"tables": [_table(t) for t in section.tables], "figures": [_figure(f) for f in section.figures],
                "highlights": [str(h) for h in section.highlights]}
    row.default_narrative = str(section.narrative)
    row.taken_at = at


def check_values(values: dict[str, Any]) -> dict[str, str]:
    errors: dict[str, str] = {}
    if values.get("kind") not in REVIEW_KINDS:
        errors["kind"] = _("Choose the kind of review.")
    y1, y2 = values.get("year_from"), values.get("year_to")
    if not isinstance(y1, int) or not isinstance(y2, int) or not (2000 <= y1 <= 2100 and 2000 <= y2 <= 2100):
        errors["year_to"] = _("Give the first and last year, between 2000 and 2100.")
    elif y1 > y2:
        errors["year_to"] = _("The last year must not be before the first.")
    elif y2 - y1 > 15:
        errors["year_to"] = _("A review covers at most 16 years.")
    from portal.directory.services import KIND_LABELS as UNIT_KIND_LABELS

    if not values.get("unit_kinds") or any(k not in UNIT_KIND_LABELS for k in values["unit_kinds"]):
        errors["unit_kinds"] = _("Choose the kinds of units the review covers.")
    return errors


def draft(values: dict[str, Any], user_id: int | None, at: dt.datetime | None = None) -> Review:
    """Open a review and take its figures now; the narratives start as the plugins' drafts."""
    at = at or utcnow()
    review = Review(kind=values["kind"], title=values["title"], year_from=values["year_from"],
                    year_to=values["year_to"], unit_kinds=list(values["unit_kinds"]), number=values.get("number") or "",
                    doc_date=values.get("doc_date"), signer_title=values.get("signer_title") or "",
                    signer_name=values.get("signer_name") or "", drafted_at=at, created_by=user_id)
    db.session.add(review)
    for position, (source, section) in enumerate(collect(context_for(review)), start=1):
        row = SectionRow(source=source, key=section.key[:60], narrative=str(section.narrative))
        _snapshot(row, section, position, at)
        review.sections.append(row)
    review.results = "\n".join(h for s in review.sections for h in s.data.get("highlights", []))
    db.session.flush()
    return review


def regenerate(review_id: int, at: dt.datetime | None = None) -> Review:
    """Take the figures again (under the review's lock); narratives the office wrote stay as they are.

    A section no plugin gives any more is dropped unless the office wrote its text (then it stays, figures kept)."""
    review = lock(Review, review_id)
    if review is None:
        raise Refused(404, _("The review was not found."))
    at = at or utcnow()
    have = {(s.source, s.key): s for s in review.sections}
    seen: set[tuple[str, str]] = set()
    position = 0
    for position, (source, section) in enumerate(collect(context_for(review)), start=1):
        key = (source, section.key[:60])
        seen.add(key)
        row = have.get(key)
        if row is None:
            row = SectionRow(source=source, key=key[1], narrative=str(section.narrative))
            review.sections.append(row)
        elif row.narrative == row.default_narrative:
            row.narrative = str(section.narrative)  # never edited: follows the new figures' draft
        _snapshot(row, section, position, at)
    for key, row in have.items():
        if key not in seen:
            if row.narrative.strip() and row.narrative != row.default_narrative:
                position += 1
                row.position = position
            else:
                review.sections.remove(row)
    review.drafted_at = at
    return review


def save_narrative(review_id: int, section_id: int, text: str) -> SectionRow:
    review = lock(Review, review_id)
    row = next((s for s in review.sections if s.id == section_id), None) if review else None
    if row is None:
        raise Refused(404, _("The section was not found."))
    row.narrative = text
    return row


def save_part(review_id: int, part: str, text: str) -> Review:
    if part not in GENERAL_PARTS:
        raise Refused(404, _("The section was not found."))
    review = lock(Review, review_id)
    if review is None:
        raise Refused(404, _("The review was not found."))
    setattr(review, part, text)
    return review


def paragraphs(text: str | None) -> list[str]:
    """A text area's paragraphs (blank lines and single line breaks both start a new one)."""
    return [p.strip() for p in (text or "").splitlines() if p.strip()]


def all_tables(review: Review) -> list[tuple[str, dict[str, Any]]]:
    """(sheet title, table) for every table of the review, for Excel."""
    out = []
    for n, s in enumerate(review.sections, start=1):
        for m, t in enumerate(s.data.get("tables", []), start=1):
            t = {**t, "rows": [[cell_number(c) if cell_number(c) is not None else c for c in row]
                               for row in t.get("rows", [])]}
            title = re.sub(r"[\[\]*?/\\:]", "-", f"{n}.{m} {t.get('title') or s.title}")
            out.append((title, t))  # the number in front keeps titles unique once cut to 31 characters
    return out
