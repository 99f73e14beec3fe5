"""The standing office's review inbox: submitted reports waiting for review, oldest first, with next/previous."""
from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Select, select, true

from portal.toolkit import Unit, db

from ..models import Period, Submission


#: Oldest first; the id makes the order total (paged by keyset).
INBOX_ORDER = (Submission.submitted_at, Submission.id)


def waiting_query(scope: ColumnElement[bool] | None = None) -> Select[Any]:
    """Reports waiting for review (id, unit, period, when sent, late): the inbox list, a page at a time."""
    return (
        select(Submission.id, Submission.submitted_at, Submission.late, Submission.first_submitted_at,
               Unit.name.label("unit_name"), Period.name.label("period_name"))
        .join(Unit, Unit.id == Submission.unit_id).join(Period, Period.id == Submission.period_id)
        .where(Submission.state == "submitted", scope if scope is not None else true())
    )


def waiting(scope: ColumnElement[bool] | None = None) -> list[Any]:
    """The ids of every report waiting for review, the one waiting longest first (for next/previous)."""
    return list(db.session.execute(
        select(Submission.id).where(Submission.state == "submitted", scope if scope is not None else true())
        .order_by(*INBOX_ORDER)
    ).all())


def neighbours(rows: list[Any], sub_id: int) -> tuple[int | None, int | None, int | None]:
    """(previous id, next id, position from 1) of ``sub_id`` in the inbox; a report no longer waiting has no
    position, and its "next" is the first one still waiting."""
    ids = [r.id for r in rows]
    if sub_id not in ids:
        return None, (ids[0] if ids else None), None
    i = ids.index(sub_id)
    return (ids[i - 1] if i else None), (ids[i + 1] if i + 1 < len(ids) else None), i + 1


def after(rows: list[Any], sub_id: int) -> int | None:
    """The report to open once ``sub_id`` is reviewed: the next one, else the previous one, else none."""
    prev_id, next_id, _pos = neighbours(rows, sub_id)
    return next_id or prev_id
