"""The completeness and timeliness matrix: units x periods, counts per unit kind."""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, select, true

from portal.toolkit import UNIT_KIND_LABELS, Unit, db

from ..models import Period, PeriodUnit, Submission
from .periods import last_on_time_day
from .submissions import status_of


# --- completeness and timeliness matrix ---------------------------------------------------------------------

@dataclass
class Matrix:
    periods: list[Any]
    units: list[Any]
    cells: dict[tuple[int, int], str]  # (unit_id, period_id) -> status
    by_kind: list[dict[str, Any]] = field(default_factory=list)
    totals: dict[str, int] = field(default_factory=dict)


def _counts() -> dict[str, int]:
    return {"expected": 0, "submitted": 0, "on_time": 0, "late": 0, "missing": 0, "accepted": 0}


def build_matrix(
    day: dt.date, scope: ColumnElement[bool] | None = None, year: int | None = None, unit_kind: str = "",
    period_ids: Sequence[int] = (), state: str = "",
) -> Matrix:
    """Units × periods with each cell's status and counts per unit kind, in four queries whatever the size."""
    # newest period first: the column that matters this month is the one beside the unit names
    pq = (select(Period.id, Period.name, Period.year, Period.deadline, Period.kind, Period.on_time_rule)
          .order_by(Period.opens_on.desc(), Period.id.desc()))
    if year:
        pq = pq.where(Period.year == year)
    if period_ids:
        pq = pq.where(Period.id.in_(list(period_ids)))
    periods = db.session.execute(pq).all()
    pid_list = [p.id for p in periods]
    scope = scope if scope is not None else true()
    links = db.session.execute(
        select(PeriodUnit.period_id, PeriodUnit.unit_id, PeriodUnit.extended_until)
        .join(Unit, Unit.id == PeriodUnit.unit_id)
        .where(PeriodUnit.period_id.in_(pid_list), scope, (Unit.kind == unit_kind) if unit_kind else true())
    ).all()
    subs = {
        (s.unit_id, s.period_id): s
        for s in db.session.execute(
            select(Submission.unit_id, Submission.period_id, Submission.state, Submission.late,
                   Submission.first_submitted_at)
            .join(Unit, Unit.id == Submission.unit_id)
            .where(Submission.period_id.in_(pid_list), scope, (Unit.kind == unit_kind) if unit_kind else true())
        )
    }
    unit_ids = {link.unit_id for link in links}
    units = db.session.execute(  # Vietnamese order from the stored sort key (no sorting in Python)
        select(Unit.id, Unit.name, Unit.kind, Unit.code).where(Unit.id.in_(unit_ids or [0]))
        .order_by(Unit.sort_key, Unit.id)
    ).all()
    rules = {p.id: (p.deadline, p.on_time_rule) for p in periods}
    cells: dict[tuple[int, int], str] = {}
    kind_of = {u.id: u.kind for u in units}
    per_kind: dict[str, dict[str, int]] = defaultdict(_counts)
    for link in links:
        s = subs.get((link.unit_id, link.period_id))
        deadline = last_on_time_day(*rules[link.period_id], link.extended_until)
        st = status_of(s.state if s else None, bool(s and s.late), bool(s and s.first_submitted_at), deadline, day)
        cells[(link.unit_id, link.period_id)] = st
        c = per_kind[kind_of[link.unit_id]]
        c["expected"] += 1
        if s is not None and s.first_submitted_at is not None:
            c["submitted"] += 1
            c["late" if s.late else "on_time"] += 1
        if st == "missing":
            c["missing"] += 1
        if st == "accepted":
            c["accepted"] += 1
    if state:
        keep = {uid for (uid, _pid), st in cells.items() if st == state}
        units = [u for u in units if u.id in keep]
    kind_order = {k: i for i, k in enumerate(UNIT_KIND_LABELS)}
    units = sorted(units, key=lambda u: kind_order.get(u.kind, 99))  # stable: names stay in order within a kind
    by_kind = [dict(kind=k, **per_kind[k]) for k in UNIT_KIND_LABELS if k in per_kind]
    totals = _counts()
    for row in by_kind:
        for key in totals:
            totals[key] += row[key]
    return Matrix(list(periods), units, cells, by_kind, totals)
