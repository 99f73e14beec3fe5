"""The completeness and timeliness matrix: units x periods, counts per unit kind."""
from __future__ import annotations

import datetime as dt
import functools
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup, escape

from sqlalchemy import ColumnElement, and_, bindparam, case, func, select

from portal.toolkit import (
    UNIT_KIND_LABELS, Page, Unit, _, format_date, local_today, paginate, per_locale, scoped, select_rows, url_maker,
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
# the expected reports counted by what decides their status, per unit
_GROUPED_BY_UNIT = (_LINKS.add_columns(Unit.kind, PeriodUnit.unit_id, func.count().label("n"))
                    .group_by(*_DECIDING, PeriodUnit.unit_id))
# unit kinds in the directory's order, then Vietnamese order from the stored sort key (in SQL: pages are keyset)
_UNIT_ORDER = (case({k: i for i, k in enumerate(UNIT_KIND_LABELS)}, value=Unit.kind, else_=99), Unit.sort_key, Unit.id)


def _counted(links: Any) -> Any:
    """The expected reports of ``links`` counted by what decides their status, a listed unit's own apart: a few
    dozen rows of counts per unit kind, and a row for each cell of the page's units (their ``listed_unit``)."""
    inner = links.subquery()
    return select(*inner.c, func.count().label("n")).group_by(*inner.c)


@dataclass(frozen=True)
class _Statements:
    periods: Any
    grouped: Any  # every report counted per unit (all the cells: exports, a status filter)
    units: Any
    links: Any  # a page's statement: the reports with what decides their status, the listed units marked
    counted: Any  # _counted(links), for every unit (the district roles)

    def counted_for(self, scope: ColumnElement[bool] | None) -> Any:
        links = scoped(self.links, scope)
        return self.counted if links is self.links else _counted(links)


@functools.cache
def _statements(by_year: bool, by_ids: bool, by_kind: bool, by_state: bool) -> _Statements:
    """The matrix's statements for one combination of filters, built once with bind parameters: building them and
    their SQLAlchemy cache keys anew cost a quarter of the htmx filter's request. The unit scope is added per call
    unless it is "every unit" (it may hold the user's unit)."""
    periods = (select(Period.id, Period.name, Period.year, Period.deadline, Period.kind, Period.on_time_rule)
               .order_by(Period.opens_on.desc(), Period.id.desc()))
    if by_year:
        periods = periods.where(Period.year == bindparam("year"))
    if by_ids:
        periods = periods.where(Period.id.in_(bindparam("period_ids", expanding=True)))
    in_periods = PeriodUnit.period_id.in_(bindparam("pids", expanding=True))
    kind = (Unit.kind == bindparam("unit_kind"),) if by_kind else ()
    grouped = _GROUPED_BY_UNIT.where(in_periods, *kind)
    units = select(Unit.id, Unit.name, Unit.kind, Unit.code, Unit.valid_to).where(
        Unit.id.in_(select(PeriodUnit.unit_id).where(in_periods)), *kind)
    if by_state:
        units = units.where(Unit.id.in_(bindparam("state_units", expanding=True)))
    listed = case((PeriodUnit.unit_id.in_(bindparam("listed", expanding=True)), PeriodUnit.unit_id), else_=None)
    links = _LINKS.add_columns(Unit.kind, listed.label("listed_unit")).where(in_periods, *kind)
    return _Statements(periods, grouped, units, links, _counted(links))


def build_matrix(
    day: dt.date, scope: ColumnElement[bool] | None = None, year: int | None = None, unit_kind: str = "",
    period_ids: Sequence[int] = (), state: str = "", paged: bool = False,
) -> Matrix:
    """Units × periods with each cell's status and counts per unit kind, in three queries whatever the size.

    The counts come from the expected reports grouped by what decides a status (a few dozen rows, not one per
    report); ``paged`` lists one page of units (toolkit.paginate), and the same query that counts gives the cells
    of those units only. Every cell is read when they are all needed (not paged, or a status asked for)."""
    st = _statements(bool(year), bool(period_ids), bool(unit_kind), bool(state))
    params: dict[str, Any] = {"year": year, "period_ids": list(period_ids), "unit_kind": unit_kind}
    # newest period first: the column that matters this month is the one beside the unit names
    periods = select_rows(st.periods, params).all()
    params["pids"] = [p.id for p in periods]
    rules = {p.id: (p.deadline, p.on_time_rule) for p in periods}
    known: dict[tuple[Any, ...], str] = {}  # a status depends on five values, shared by many reports of a page
    cells: dict[tuple[int, int], str] = {}
    per_kind: dict[str, dict[str, int]] = defaultdict(_counts)

    def tally(rows: Sequence[Any]) -> None:
        """Count the rows of ``grouped`` or ``counted`` (the same columns, unpacked: a row's attributes cost more
        than its statuses) and keep the cells of those that name a unit."""
        for pid, extended, st_, late, sent, kind, uid, n in rows:
            key = (pid, extended, st_, late, sent)
            status_now = known.get(key)
            if status_now is None:
                last_day = last_on_time_day(*rules[pid], extended)
                status_now = known[key] = status_of(st_, bool(late), bool(sent), last_day, day)
            if uid is not None:
                cells[(uid, pid)] = status_now
            c = per_kind[kind]
            c["expected"] += n
            if sent:
                c["submitted"] += n
                c["late" if late else "on_time"] += n
            if status_now == "missing":
                c["missing"] += n
            elif status_now == "accepted":
                c["accepted"] += n

    uq = scoped(st.units, scope)
    page = None
    if paged and not state:
        # the page first, then one query counts every report and marks those of the page's units (its cells)
        page = paginate(uq, _UNIT_ORDER, rows="row", params=params)
        units = list(page.items)
        params["listed"] = [u.id for u in units] or [0]
        tally(select_rows(st.counted_for(scope), params).all())
    else:
        tally(select_rows(scoped(st.grouped, scope), params).all())
        if state:
            params["state_units"] = [uid for (uid, _pid), s in cells.items() if s == state] or [0]
        if paged:
            page = paginate(uq, _UNIT_ORDER, rows="row", params=params)
            units = list(page.items)
        else:
            units = select_rows(uq.order_by(*_UNIT_ORDER), params).all()
    by_kind = [dict(kind=k, **per_kind[k]) for k in UNIT_KIND_LABELS if k in per_kind]
    totals = _counts()
    for row in by_kind:
        for key in totals:
            totals[key] += row[key]
    return Matrix(list(periods), units, cells, by_kind, totals, page)


def shown_name(unit: Any, today: dt.date) -> str:
    """A unit's name in the matrix, with the day it ended: a commune dissolved in a merger often shares its name
    with the commune that took it over, and the two rows would look the same."""
    return _named(unit.name, unit.valid_to, today)


def _named(name: str, valid_to: dt.date | None, today: dt.date, ended: str | None = None) -> str:
    """shown_name of a unit's columns; ``ended``: its words already looked up, for a page of rows (table_rows)."""
    if valid_to is not None and valid_to < today:
        return (ended or _("%(name)s (until %(date)s)")) % {"name": name, "date": format_date(valid_to)}
    return name


@per_locale
def status_legend() -> Markup:
    """The matrix's key: each status's short mark and its name, the same words on every page of a locale."""
    return Markup(" ").join(
        Markup('<span class="tag s-{k}">{short}{label}</span>').format(
            k=k, label=label, short="" if str(labels.STATUS_SHORT[k]) == str(label) else f"{labels.STATUS_SHORT[k]} = ")
        for k, label in labels.STATUS_LABELS.items()) + Markup(" ")


_LINKLESS = ("not_started", "missing")  # nothing to open: no report was sent


@per_locale
def _status_marks() -> dict[str, str]:
    return {k: str(escape(v)) for k, v in labels.STATUS_SHORT.items()}


def table_rows(m: Matrix) -> Markup:
    """The listed units' rows of the matrix as HTML, built here: in the template a row cost about 60 calls (escaping,
    attribute lookups, a link per cell), half the htmx filter's time; here a few. One url_for per period and one
    for the units' history, none per cell, the links escaped once (url_maker's html); a unit row is unpacked, not
    read by attribute. An unexpected report is an empty cell. In a request."""
    short = _status_marks()
    today = local_today()
    ended = _("%(name)s (until %(date)s)")  # shown_name's words, looked up once for the page
    history = url_maker("reports.unit_history", "unit_id", html=True)
    periods = [(p.id, url_maker("reports.report", "unit_id", html=True, period_id=p.id)) for p in m.periods]
    cells = m.cells
    out = []
    for uid, name, _kind, _code, valid_to, *_sort in m.units:
        row = [f'<tr><td class="unit"><a href="{history(uid)}">{escape(_named(name, valid_to, today, ended))}</a></td>']
        for pid, report in periods:
            st = cells.get((uid, pid))
            if st is None:
                row.append("<td></td>")
            elif st in _LINKLESS:
                row.append(f'<td class="st s-{st}">{short[st]}</td>')
            else:
                row.append(f'<td class="st s-{st}"><a href="{report(uid)}">{short[st]}</a></td>')
        row.append("</tr>\n")
        out.append("".join(row))
    return Markup("".join(out))
