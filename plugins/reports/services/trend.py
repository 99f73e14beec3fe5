"""Indicators over time: the periods of a trend, the reports read for it, rows per unit (a successor commune summing
its predecessors' reports), per unit kind and district-wide, and the trend's table as text."""
from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from sqlalchemy import ColumnElement, bindparam, or_, select
from sqlalchemy.orm import lazyload

from portal.toolkit import UNIT_KIND_LABELS, Unit, db, predecessor_map, scoped, select_rows, vi_sort_key

from ..models import Indicator, Period, Submission
from .indicators import Arrow, Formula, Parts, direction, shown_all

STATES_ACCEPTED = ("accepted",)
STATES_SUBMITTED = ("accepted", "submitted")


# kept (the years and kind bound at each call): building the select cost more than running it
_TREND_PERIODS = (
    select(Period).where(Period.year >= bindparam("year_from"), Period.year <= bindparam("year_to"),
                         Period.kind == bindparam("kind"))
    .order_by(Period.year, Period.opens_on, Period.id)
    .options(lazyload(Period.version))  # a trend reads names and years, not each period's form and fields
)


def trend_periods(year_from: int, year_to: int, kind: str = "annual") -> list[Period]:
    return list(db.session.scalars(_TREND_PERIODS, {"year_from": year_from, "year_to": year_to, "kind": kind}))


@dataclass
class UnitInfo:
    id: int
    name: str
    kind: str
    successor_id: int | None
    sort_key: str = ""  # the directory's Vietnamese sort key of the name


@dataclass
class TrendRow:
    unit: UnitInfo
    merged_from: list[str]  # names of the predecessors whose reports are summed into this row
    parts: list[Parts]
    values: list[Fraction | None]

    @property
    def change(self) -> Fraction | None:
        """Last period against the first one this unit (or its predecessors) reported in."""
        known = [v for v in self.values if v is not None]
        return known[-1] - known[0] if len(known) >= 2 else None


@dataclass
class Trend:
    formula: Formula
    periods: list[Period]
    rows: list[TrendRow] = field(default_factory=list)
    by_kind: list[tuple[str, list[Fraction | None]]] = field(default_factory=list)
    district: list[Fraction | None] = field(default_factory=list)
    district_parts: list[Parts] = field(default_factory=list)

    @property
    def indicator(self) -> Indicator:
        return self.formula.indicator


@dataclass
class ReportData:
    """The reports of some periods, loaded in two queries: values by (unit, period) and every unit's links."""

    values: dict[tuple[int, int], dict[str, Any]]
    units: dict[int, UnitInfo]

    @property
    def links(self) -> dict[int, int | None]:
        return {u.id: u.successor_id for u in self.units.values()}


@functools.lru_cache(maxsize=64)
def _report_statements(names: tuple[str, ...] | None) -> tuple[Any, Any]:
    """The reports' and their units' statements, built once per set of fields read (see toolkit.scoped)."""
    where = (Submission.period_id.in_(bindparam("period_ids", expanding=True)),
             Submission.state.in_(bindparam("states", expanding=True)))
    if names is None:
        reports = select(Submission.unit_id, Submission.period_id, Submission.values).where(*where)
    else:
        reports = select(Submission.unit_id, Submission.period_id,
                         *[Submission.values[k].as_string() for k in names]).where(*where)
    # the units that reported, every unit in a successor link (merged or merged into): not the whole directory
    successors = select(Unit.successor_id).where(Unit.successor_id.is_not(None))
    units = select(Unit.id, Unit.name, Unit.kind, Unit.successor_id, Unit.sort_key).where(
        or_(Unit.id.in_(bindparam("reported", expanding=True)), Unit.successor_id.is_not(None),
            Unit.id.in_(successors)))
    return reports, units


def load_reports(period_ids: Sequence[int], states: Sequence[str] = STATES_ACCEPTED,
                 scope: ColumnElement[bool] | None = None, keys: Iterable[str] | None = None) -> ReportData:
    """Reports of the periods; with ``keys``, only those fields are read (in SQL), not each report's whole JSON."""
    names = None if keys is None else tuple(sorted(set(keys)))
    reports, units_of = _report_statements(names)
    params: dict[str, Any] = {"period_ids": list(period_ids) or [0], "states": list(states)}
    rows = select_rows(scoped(reports, scope), params).all()
    if names is None:
        values = {(r.unit_id, r.period_id): r.values or {} for r in rows}
    else:
        values = {(r[0], r[1]): {k: v for k, v in zip(names, r[2:]) if v is not None} for r in rows}
    params["reported"] = list({uid for uid, _pid in values}) or [0]
    units = {u.id: UnitInfo(u.id, u.name, u.kind, u.successor_id, u.sort_key)
             for u in select_rows(units_of, params).all()}
    return ReportData(values, units)


def district_parts(formula: Formula, data: ReportData, period_id: int, kind: str | None = None) -> Parts:
    """Every counted unit's own report once (a merger moves no report, so nothing is counted twice)."""
    sets = [v for (uid, pid), v in data.values.items()
            if pid == period_id and uid in data.units and formula.counts(data.units[uid].kind)
            and (kind is None or data.units[uid].kind == kind)]
    return formula.parts(sets)


def build_trend(ind: Indicator, periods: Sequence[Period], data: ReportData) -> Trend:
    """Rows per unit (a successor commune summing its predecessors' reports), per unit kind and district-wide."""
    formula = Formula(ind)
    trend = Trend(formula, list(periods))
    links = data.links
    reported = {uid for uid, _pid in data.values}
    row_ids: set[int] = set()
    for uid in reported:
        row_ids.add(uid)
        seen = {uid}
        succ = links.get(uid)
        while succ is not None and succ not in seen:  # the new commune carries the old one's history
            row_ids.add(succ)
            seen.add(succ)
            succ = links.get(succ)
    kind_order = {k: i for i, k in enumerate(UNIT_KIND_LABELS)}
    units = data.units
    index = {p.id: i for i, p in enumerate(periods)}
    # each report's numerator and denominator once (those missing a field count nowhere)
    cell = {key: nd for key, values in data.values.items() if (nd := formula.report(values)) is not None}
    before = predecessor_map(links)
    families: dict[int, list[int]] = {}
    rows_of: dict[int, list[int]] = {}  # a unit -> the rows its reports are summed into (its own, its successors')
    for uid in row_ids:
        unit = units.get(uid)
        if unit is None or not formula.counts(unit.kind):
            continue
        families[uid] = family = [uid, *before.get(uid, ())]
        for u in family:
            rows_of.setdefault(u, []).append(uid)
    # one pass over the reports adds each to its rows, its unit kind and the district: [numerator, denominator, n]
    sums = {uid: [[0, 0, 0] for _p in periods] for uid in families}
    district = [[0, 0, 0] for _p in periods]
    counted = {uid: u.kind for uid, u in units.items() if formula.counts(u.kind)}
    kinds = {counted[u] for u, _p in data.values if u in counted}
    by_kind = {kind: [[0, 0, 0] for _p in periods] for kind in kinds}
    for (u, pid), (num, den) in cell.items():
        i = index.get(pid)
        if i is None:
            continue
        targets = [sums[r][i] for r in rows_of.get(u, ())]
        if u in counted:  # every counted unit's own report once
            targets += (district[i], by_kind[counted[u]][i])
        for t in targets:
            t[0] += num
            t[1] += den
            t[2] += 1
    for uid, family in families.items():
        parts = [Parts(*t) for t in sums[uid]]
        merged = [units[u].name for u in family[1:] if u in units and any((u, p.id) in data.values for p in periods)]
        trend.rows.append(TrendRow(units[uid], sorted(merged, key=vi_sort_key), parts,
                                   [formula.value(x) for x in parts]))
    # Vietnamese order by the directory's stored sort key (vi_sort_text of the name, kept with it)
    trend.rows.sort(key=lambda r: (kind_order.get(r.unit.kind, 99), r.unit.sort_key, r.unit.id))
    for kind in sorted(kinds, key=lambda k: kind_order.get(k, 99)):
        trend.by_kind.append((kind, [formula.value(Parts(*t)) for t in by_kind[kind]]))
    trend.district_parts = [Parts(*t) for t in district]
    trend.district = [formula.value(x) for x in trend.district_parts]
    return trend


@dataclass
class TrendTable:
    """The trend's table as text, made once here rather than cell by cell in the template (hundreds of cells)."""

    district: list[str]
    district_change: Arrow | None
    by_kind: list[tuple[str, list[str]]]
    rows: list[tuple[TrendRow, list[str], Arrow | None]]


def trend_table(trend: Trend) -> TrendTable:
    ind = trend.indicator
    known = [v for v in trend.district if v is not None]
    changes = [known[-1] - known[0] if len(known) > 1 else None, *(r.change for r in trend.rows)]
    lines = [trend.district, *(values for _k, values in trend.by_kind), *(r.values for r in trend.rows)]
    # every cell and change in one call (the decimals and the locale's marks read once), then cut back into rows
    texts = iter(shown_all(ind, [v for line in lines for v in line] + [abs(c) for c in changes if c is not None]))
    cells = [[next(texts) for _v in line] for line in lines]
    arrows = [None if c is None else Arrow(direction(ind, c), "↓" if c < 0 else ("↑" if c > 0 else "="), next(texts))
              for c in changes]
    kinds = len(trend.by_kind)
    return TrendTable(
        cells[0], arrows[0], [(kind, cells[1 + i]) for i, (kind, _v) in enumerate(trend.by_kind)],
        [(r, cells[1 + kinds + i], arrows[1 + i]) for i, r in enumerate(trend.rows)],
    )
