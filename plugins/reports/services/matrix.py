"""The completeness and timeliness matrix: units x periods, counts per unit kind."""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup, escape

from sqlalchemy import ColumnElement, and_, case, func, select, true

from portal.toolkit import (
    UNIT_KIND_LABELS, Page, Unit, _, format_date, local_today, paginate, select_rows, url_maker,
)

from .. import labels
from ..models import Period, PeriodUnit, Submission
from .periods import last_on_time_day
from .submissions import status_of


# --- completeness and timeliness matrix ---------------------------------------------------------------------

@dataclass
class Matrix:
    periods: list[Any]
    units: list[Any]
    cells: dict[tuple[int, int], str]  # (unit_id, period_id) -> status (of the units listed)
    by_kind: list[dict[str, Any]] = field(default_factory=list)
    totals: dict[str, int] = field(default_factory=dict)
    page: Page | None = None  # when the units are paged (the matrix page); exports and summaries list them all


def _counts() -> dict[str, int]:
    return {"expected": 0, "submitted": 0, "on_time": 0, "late": 0, "missing": 0, "accepted": 0}


_SENT = Submission.first_submitted_at.is_not(None).label("sent")  # submitted once, whatever happened since
# Each expected report (a period's unit) with what decides its status; its submission may not exist. Built once:
# the pages only add their periods and filters.
_LINKS = (
    select(PeriodUnit.period_id, PeriodUnit.extended_until, Submission.state, Submission.late, _SENT)
    .select_from(PeriodUnit).join(Unit, Unit.id == PeriodUnit.unit_id)
    .outerjoin(Submission, and_(Submission.period_id == PeriodUnit.period_id, Submission.unit_id == PeriodUnit.unit_id))
)
_DECIDING = (PeriodUnit.period_id, PeriodUnit.extended_until, Submission.state, Submission.late, _SENT, Unit.kind)
# the expected reports counted by what decides their status, per unit kind (a few dozen rows), or per unit too
_GROUPED = _LINKS.add_columns(Unit.kind, func.count().label("n")).group_by(*_DECIDING)
_GROUPED_BY_UNIT = (_LINKS.add_columns(Unit.kind, PeriodUnit.unit_id, func.count().label("n"))
                    .group_by(*_DECIDING, PeriodUnit.unit_id))
# unit kinds in the directory's order, then Vietnamese order from the stored sort key (in SQL: pages are keyset)
_UNIT_ORDER = (case({k: i for i, k in enumerate(UNIT_KIND_LABELS)}, value=Unit.kind, else_=99), Unit.sort_key, Unit.id)


def build_matrix(
    day: dt.date, scope: ColumnElement[bool] | None = None, year: int | None = None, unit_kind: str = "",
    period_ids: Sequence[int] = (), state: str = "", paged: bool = False,
) -> Matrix:
    """Units × periods with each cell's status and counts per unit kind, in four queries whatever the size.

    The counts come from the expected reports grouped by what decides a status (a few dozen rows, not one per
    report); ``paged`` lists one page of units (toolkit.paginate) and reads the cells of those units only."""
    # newest period first: the column that matters this month is the one beside the unit names
    pq = (select(Period.id, Period.name, Period.year, Period.deadline, Period.kind, Period.on_time_rule)
          .order_by(Period.opens_on.desc(), Period.id.desc()))
    if year:
        pq = pq.where(Period.year == year)
    if period_ids:
        pq = pq.where(Period.id.in_(list(period_ids)))
    periods = select_rows(pq).all()
    pid_list = [p.id for p in periods]
    where = (scope if scope is not None else true(), (Unit.kind == unit_kind) if unit_kind else true())
    rules = {p.id: (p.deadline, p.on_time_rule) for p in periods}
    deadlines: dict[tuple[int, dt.date | None], dt.date] = {}

    def status(row: Any) -> str:
        key = (row.period_id, row.extended_until)
        if key not in deadlines:
            deadlines[key] = last_on_time_day(*rules[row.period_id], row.extended_until)
        return status_of(row.state, bool(row.late), bool(row.sent), deadlines[key], day)

    # one row per unit and period when every cell is needed (all units, or those with a status asked for)
    per_unit = not paged or bool(state)
    grouped = (_GROUPED_BY_UNIT if per_unit else _GROUPED).where(PeriodUnit.period_id.in_(pid_list), *where)
    cells: dict[tuple[int, int], str] = {}
    per_kind: dict[str, dict[str, int]] = defaultdict(_counts)
    for row in select_rows(grouped):
        st = status(row)
        if per_unit:
            cells[(row.unit_id, row.period_id)] = st
        c, n = per_kind[row.kind], row.n
        c["expected"] += n
        if row.sent:
            c["submitted"] += n
            c["late" if row.late else "on_time"] += n
        if st == "missing":
            c["missing"] += n
        if st == "accepted":
            c["accepted"] += n
    uq = select(Unit.id, Unit.name, Unit.kind, Unit.code, Unit.valid_to).where(
        Unit.id.in_(select(PeriodUnit.unit_id).where(PeriodUnit.period_id.in_(pid_list))), *where)
    if state:
        uq = uq.where(Unit.id.in_({uid for (uid, _pid), st in cells.items() if st == state} or {0}))
    page = None
    if paged:
        page = paginate(uq, _UNIT_ORDER, rows="row")
        units = list(page.items)
        if not per_unit:  # the cells of this page's units only
            listed = [u.id for u in units]
            cells = {(row.unit_id, row.period_id): status(row) for row in select_rows(
                _LINKS.add_columns(PeriodUnit.unit_id)
                .where(PeriodUnit.period_id.in_(pid_list), PeriodUnit.unit_id.in_(listed or [0])))}
    else:
        units = list(select_rows(uq.order_by(*_UNIT_ORDER)))
    by_kind = [dict(kind=k, **per_kind[k]) for k in UNIT_KIND_LABELS if k in per_kind]
    totals = _counts()
    for row in by_kind:
        for key in totals:
            totals[key] += row[key]
    return Matrix(list(periods), units, cells, by_kind, totals, page)


def shown_name(unit: Any, today: dt.date) -> str:
    """A unit's name in the matrix, with the day it ended: a commune dissolved in a merger often shares its name
    with the commune that took it over, and the two rows would look the same."""
    if unit.valid_to is not None and unit.valid_to < today:
        return _("%(name)s (until %(date)s)", name=unit.name, date=format_date(unit.valid_to))
    return unit.name


_LINKLESS = ("not_started", "missing")  # nothing to open: no report was sent


def table_rows(m: Matrix) -> Markup:
    """The listed units' rows of the matrix as HTML, built here: in the template a row cost about 60 calls (escaping,
    attribute lookups, a link per cell), half the htmx filter's time; here a few. One url_for per period and one
    for the units' history, none per cell. An unexpected report is an empty cell. In a request."""
    short = {k: str(escape(v)) for k, v in labels.STATUS_SHORT.items()}
    today = local_today()
    history = url_maker("reports.unit_history", "unit_id")
    report = {p.id: url_maker("reports.report", "unit_id", period_id=p.id) for p in m.periods}
    periods = [p.id for p in m.periods]
    out = []
    for u in m.units:
        uid = int(u.id)
        cells = []
        for pid in periods:
            st = m.cells.get((uid, pid))
            if st is None:
                cells.append("<td></td>")
            elif st in _LINKLESS:
                cells.append(f'<td class="st s-{st}">{short[st]}</td>')
            else:
                cells.append(f'<td class="st s-{st}"><a href="{escape(report[pid](uid))}">{short[st]}</a></td>')
        out.append(f'<tr><td class="unit"><a href="{escape(history(uid))}">{escape(shown_name(u, today))}</a></td>'
                   f'{"".join(cells)}</tr>\n')
    return Markup("".join(out))
