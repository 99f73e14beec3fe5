"""Periods and deadlines: default deadline, assigned units, extensions, the on-time rule, locking."""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from sqlalchemy import select

from portal.toolkit import (
    final_successors,
    vi_sort_key,
    Unit,
    _,
    db,
    format_date,
    get_plugin_config,
)

from ..models import Period, PeriodUnit, Submission


# --- periods and deadlines ----------------------------------------------------------------------------------

def default_deadline(year: int) -> dt.date:
    """The annual deadline for ``year`` from REPORTS_ANNUAL_DEADLINE ("MM-DD", default 10 November)."""
    text = str(get_plugin_config("REPORTS_ANNUAL_DEADLINE", "11-10"))
    month, day = (int(p) for p in text.split("-"))
    return dt.date(year, month, day)


def annual_deadline_text() -> str:
    """REPORTS_ANNUAL_DEADLINE ("MM-DD") as people write it: "10/11"."""
    month, day = (int(p) for p in str(get_plugin_config("REPORTS_ANNUAL_DEADLINE", "11-10")).split("-"))
    return f"{day:02d}/{month:02d}"


def units_for(kinds: Sequence[str], unit_ids: Sequence[int], on: dt.date | None = None) -> list[int]:
    """Units of ``kinds`` plus the picked ones; those of a kind only when in force on ``on``."""
    by_kind = Unit.kind.in_(list(kinds))
    if on is not None:
        by_kind = by_kind & ((Unit.valid_from.is_(None)) | (Unit.valid_from <= on)) & (
            (Unit.valid_to.is_(None)) | (Unit.valid_to >= on))
    return list(db.session.scalars(select(Unit.id).where(by_kind | Unit.id.in_(list(unit_ids)))))


def successors_of_ended(kinds: Sequence[str], on: dt.date) -> tuple[int, list[tuple[int, str]]]:
    """Units of ``kinds`` that had ended by ``on`` (how many) and the units their history went to that are in force
    on ``on`` (id, name), in Vietnamese order: offered when a period for those kinds would have no unit."""
    ended = list(db.session.scalars(select(Unit.id).where(Unit.kind.in_(list(kinds)), Unit.valid_to.is_not(None),
                                                          Unit.valid_to < on)))
    if not ended:
        return 0, []
    final = final_successors()
    ids = {final[u] for u in ended if u in final}
    rows = db.session.execute(
        select(Unit.id, Unit.name).where(Unit.id.in_(ids or [0]), (Unit.valid_from.is_(None)) | (Unit.valid_from <= on),
                                         (Unit.valid_to.is_(None)) | (Unit.valid_to >= on))
    ).all()
    return len(ended), sorted(((r.id, r.name) for r in rows), key=lambda r: vi_sort_key(r[1]))


def assign_units(period: Period, unit_ids: Iterable[int]) -> int:
    have = {a.unit_id for a in period.assignments}
    added = 0
    for uid in unit_ids:
        if uid not in have:
            period.assignments.append(PeriodUnit(unit_id=uid))
            have.add(uid)
            added += 1
    return added


def assignment(period_id: int, unit_id: int) -> PeriodUnit | None:
    return db.session.scalar(select(PeriodUnit).where(PeriodUnit.period_id == period_id, PeriodUnit.unit_id == unit_id))




def effective_deadline(period: Period, extended_until: dt.date | None) -> dt.date:
    """The deadline date as written (an extension replaces it when later)."""
    return max(period.deadline, extended_until) if extended_until else period.deadline


def last_on_time_day(deadline: dt.date, rule: str | None, extended_until: dt.date | None = None) -> dt.date:
    """The last local day a report counts as on time: "trước ngày 10/11" ends on 9/11; an extension runs to its end."""
    base = deadline - dt.timedelta(days=1) if (rule or "before") == "before" else deadline
    return max(base, extended_until) if extended_until else base


def period_last_day(period: Period, extended_until: dt.date | None) -> dt.date:
    return last_on_time_day(period.deadline, period.on_time_rule, extended_until)


def deadline_hint(period: Period, extended_until: dt.date | None = None) -> str:
    """How the deadline reads: "trước ngày 10/11/2025", "đến hết ngày 10/11/2025" (extensions: to the end of)."""
    if extended_until and extended_until >= period.deadline:
        return _("until the end of %(day)s", day=format_date(extended_until))
    if (period.on_time_rule or "before") == "before":
        return _("before %(day)s", day=format_date(period.deadline))
    return _("until the end of %(day)s", day=format_date(period.deadline))


def is_locked(period: Period, extended_until: dt.date | None, sub: Submission | None, day: dt.date) -> bool:
    """A 'lock' period refuses reports never submitted once its (extended) deadline has passed.

    A report returned for correction may always be resubmitted: the office asked for it.
    """
    if period.late_policy != "lock" or day <= period_last_day(period, extended_until):
        return False
    return sub is None or sub.first_submitted_at is None
