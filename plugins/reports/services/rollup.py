"""The district roll-up: aggregation per field, same-unit comparison with the previous period."""
from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any, NamedTuple

from sqlalchemy import ColumnElement, bindparam, select
from sqlalchemy.orm import lazyload

from portal.toolkit import (
    Unit,
    db,
    format_number,
    predecessor_map,
    scoped,
    select_rows,
    vi_sort_key,
)

from .. import labels
from ..models import (
    NUMERIC_AGGREGATIONS,
    NUMERIC_KINDS,
    OTHER_AGGREGATIONS,
    FormField,
    FormVersion,
    Period,
    Submission,
)
from .values import numeric


# --- roll-up ------------------------------------------------------------------------------------------------

@functools.cache
def _previous_statement() -> Any:
    """Built once per process: building the statement and its loader option cost more than running it."""
    return (select(Period).where(Period.kind == bindparam("kind"), Period.opens_on < bindparam("opens_on"),
                                 Period.id != bindparam("period_id"))
            .order_by(Period.opens_on.desc()).limit(1)
            .options(lazyload(Period.version)))  # the roll-up reads the fields itself (version_fields)


@dataclass(frozen=True)
class VersionFields:
    """What a roll-up reads of a form version: its fields as plain rows (key, label, kind, aggregation, unit kinds,
    choices), read in one kept statement rather than as the version's and fields' objects (a tenth of the page)."""

    fields: list[Any]


_VERSION_FIELDS = (
    select(FormField.id, FormField.key, FormField.label, FormField.kind, FormField.aggregation, FormField.unit_kinds,
           FormField.choices, FormField.position)
    .where(FormField.version_id == bindparam("version_id")).order_by(FormField.position, FormField.id)
)


def version_fields(version_id: int) -> VersionFields:
    return VersionFields(select_rows(_VERSION_FIELDS, {"version_id": version_id}).all())


def previous_period(period: Period) -> Period | None:
    return db.session.scalar(_previous_statement(),
                             {"kind": period.kind, "opens_on": period.opens_on, "period_id": period.id})


class CountedReport(NamedTuple):
    """A counted report (rollup_rows' columns): a tuple, read by attribute a dozen times per report in the roll-up,
    its comparison and its indicators, where a result row's attribute costs ten times as much."""

    period_id: int
    unit_id: int
    values: dict[str, Any] | None
    state: str
    late: bool
    submitted_at: dt.datetime | None
    name: str
    kind: str


@functools.cache
def _rows_statement() -> Any:
    """Built once (see toolkit.scoped): the counted reports of some periods, in Vietnamese order of their units."""
    return (select(Submission.period_id, Submission.unit_id, Submission.values, Submission.state, Submission.late,
                   Submission.submitted_at, Unit.name, Unit.kind)
            .join(Unit, Unit.id == Submission.unit_id)
            .where(Submission.period_id.in_(bindparam("period_ids", expanding=True)),
                   Submission.state.in_(bindparam("states", expanding=True)))
            .order_by(Unit.sort_key, Unit.id))  # Vietnamese order, in SQL


def rollup_rows(periods: Sequence[Period], include_submitted: bool, scope: ColumnElement[bool] | None = None
                ) -> dict[int, list[Any]]:
    """The counted reports of each period (one query for all), in Vietnamese order of their units."""
    states = ["accepted", "submitted"] if include_submitted else ["accepted"]
    out: dict[int, list[Any]] = {p.id: [] for p in periods}
    for row in select_rows(scoped(_rows_statement(), scope), {"period_ids": list(out), "states": states}).all():
        out[row[0]].append(CountedReport._make(row))
    return out


def aggregations_for(kind: str) -> tuple[str, ...]:
    return NUMERIC_AGGREGATIONS if kind in NUMERIC_KINDS else OTHER_AGGREGATIONS


def default_aggregation(kind: str) -> str:
    if kind in NUMERIC_KINDS:
        return "sum"
    return "count" if kind in ("choice", "multichoice", "text") else "none"


def effective_aggregation(f: FormField) -> str:
    """The field's aggregation, or its kind's default when the stored one does not apply to the kind."""
    how = f.aggregation or ""
    return how if how in aggregations_for(f.kind) else default_aggregation(f.kind)


def counts_kind(f: FormField, unit_kind: str) -> bool:
    """Whether values of units of ``unit_kind`` enter the roll-up of ``f``."""
    return not f.unit_kinds or unit_kind in f.unit_kinds


@dataclass
class Aggregate:
    """One field rolled up as its aggregation says; ``value`` is what the district sees."""

    field: FormField
    count: int  # reports that gave a value (of the counted unit kinds)
    total: Decimal | None
    average: Decimal | None
    low: Decimal | None
    high: Decimal | None
    value: Decimal | None = None
    choice_counts: list[tuple[str, int]] = field(default_factory=list)
    same_units: Decimal | None = None  # this period's value over only the units compared with the previous one
    previous: Decimal | None = None  # the same aggregation over the same units in the previous period
    compared: int = 0  # units in the comparison

    @property
    def aggregation(self) -> str:
        return effective_aggregation(self.field)

    @property
    def change(self) -> Decimal | None:
        if self.same_units is None or self.previous is None:
            return None
        return self.same_units - self.previous


def _exact(value: Fraction, places: int = 2) -> Decimal:
    """A Fraction as a Decimal rounded half up, only for display."""
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)


def _numbers(items: Sequence[tuple[int, Any, Any]]) -> list[Decimal]:
    """The numbers among the items' values (whole ones, most of them, made Decimals without a detour through str)."""
    found = [Decimal(v) if type(v) is int else None if v is None else numeric(v) for _u, _o, v in items]
    return [n for n in found if n is not None]


def aggregate_field(f: FormField, items: Sequence[tuple[int, Any, Any]]) -> Aggregate:
    """Roll up ``items`` (unit id, order, value), ``order`` sorting a unit's values in time (period, submitted)."""
    how = effective_aggregation(f)
    if f.kind not in NUMERIC_KINDS:
        counts: dict[str, int] = {}
        answered = 0
        for _uid, _order, value in items:
            if value in (None, "", []):
                continue
            answered += 1
            for option in (value if isinstance(value, list) else [value]):
                if f.kind in ("choice", "multichoice"):
                    counts[str(option)] = counts.get(str(option), 0) + 1
        options = [(c, counts.get(c, 0)) for c in f.choices] if f.kind in ("choice", "multichoice") else []
        extra = [(c, n) for c, n in counts.items() if c not in (f.choices or [])]  # options removed since
        agg = Aggregate(f, answered, None, None, None, None)
        if how == "count":
            agg.value = Decimal(answered)
            agg.choice_counts = options + extra
        return agg
    given = [v for _u, _o, v in items if v is not None]
    if given and all(type(v) is int for v in given):  # whole numbers, most values: summed as ints, made Decimal once
        total, average = Decimal(sum(given)), _exact(Fraction(sum(given), len(given)))
        agg = Aggregate(f, len(given), total, average, Decimal(min(given)), Decimal(max(given)))
    else:
        values = _numbers(items)
        total = sum(values, Decimal(0)) if values else None
        average = _exact(Fraction(total) / len(values)) if values else None
        agg = Aggregate(f, len(values), total, average, min(values) if values else None,
                        max(values) if values else None)
        given = values
    if not given or how == "none":
        return agg
    if how == "sum":
        agg.value = total
    elif how == "average":
        agg.value = average
    elif how == "min":
        agg.value = agg.low
    elif how == "max":
        agg.value = agg.high
    elif how == "latest":
        nums = [(uid, order, n) for uid, order, n in ((u, o, numeric(v)) for u, o, v in items) if n is not None]
        last: dict[int, tuple[Any, Decimal]] = {}
        for uid, order, n in nums:
            if uid not in last or order >= last[uid][0]:
                last[uid] = (order, n)
        agg.value = sum((n for _o, n in last.values()), Decimal(0))
    return agg


def _order(row: Any) -> tuple[Any, ...]:
    return (getattr(row, "period_order", 0), getattr(row, "submitted_at", None) or dt.datetime.min)


def _orders(rows: Sequence[Any]) -> list[tuple[Any, ...]]:
    """Each row's order in time; result rows of one period (rollup_rows) are read without a lookup per row."""
    names = getattr(rows[0], "_fields", ()) if rows else ()
    if "submitted_at" in names and "period_order" not in names:
        return [(0, r.submitted_at or dt.datetime.min) for r in rows]
    return [_order(r) for r in rows]


def aggregate(version: FormVersion | VersionFields, rows: Sequence[Any], only: set[str] | None = None
              ) -> dict[str, Aggregate]:
    """Every field of ``version`` over ``rows`` (unit_id, kind, values[, period_order, submitted_at]); with ``only``,
    the fields of those keys (what the comparison with the previous period shows)."""
    out: dict[str, Aggregate] = {}
    prepared = [(r.unit_id, r.values or {}, r.kind, r) for r in rows]  # row attributes read once
    orders: list[Any] | None = None
    for f in version.fields:
        if f.kind == "file" or (only is not None and f.key not in only):
            continue
        key, kinds = f.key, set(f.unit_kinds or ())
        if effective_aggregation(f) == "latest":  # the only one that reads the order in time
            orders = orders or _orders(rows)
            items = [(uid, order, values.get(key)) for (uid, values, kind, _r), order in zip(prepared, orders)
                     if not kinds or kind in kinds]
        else:
            items = [(uid, 0, values.get(key)) for uid, values, kind, _r in prepared if not kinds or kind in kinds]
        out[key] = aggregate_field(f, items)
    return out


@dataclass
class Comparison:
    """The previous period on the same units: who is compared, who reported in only one of the two."""

    previous: Period | None
    compared: list[str] = field(default_factory=list)
    only_now: list[str] = field(default_factory=list)  # reported now, not before (names)
    only_before: list[str] = field(default_factory=list)  # reported before, not now
    merged: dict[str, list[str]] = field(default_factory=dict)  # successor -> predecessors compared with it
    now_rows: list[Any] = field(default_factory=list)  # this period's reports of the compared units
    before_rows: list[Any] = field(default_factory=list)  # their (or their predecessors') previous reports


def match_previous(now_rows: Sequence[Any], before_rows: Sequence[Any], links: dict[int, int | None]
                   ) -> tuple[list[Any], list[Any], Comparison]:
    """Keep the units that reported in both periods; a successor commune is compared with the sum of its
    predecessors' reports (``links``: unit id -> successor id). Returns (now rows, before rows, who is who)."""
    before_by_unit = {r.unit_id: r for r in before_rows}
    names = {r.unit_id: r.name for r in (*now_rows, *before_rows)}
    keep_now, keep_before, cmp = [], [], Comparison(None)
    used: set[int] = set()
    merged_into = predecessor_map(links)
    for r in now_rows:
        family = [u for u in [r.unit_id, *merged_into.get(r.unit_id, ())] if u in before_by_unit and u not in used]
        if not family:
            cmp.only_now.append(r.name)
            continue
        keep_now.append(r)
        used.update(family)
        keep_before.extend(_as_unit(before_by_unit[u], r.unit_id, r.kind) for u in family)
        cmp.compared.append(r.name)
        if family != [r.unit_id]:
            cmp.merged[r.name] = [names[u] for u in family if u != r.unit_id]
    cmp.only_before = sorted((names[u] for u in before_by_unit if u not in used), key=vi_sort_key)
    cmp.only_now.sort(key=vi_sort_key)
    return keep_now, keep_before, cmp


class _Row(NamedTuple):  # a tuple: made for every compared report, a frozen dataclass cost four times as much
    unit_id: int
    kind: str
    name: str
    values: dict[str, Any]
    submitted_at: dt.datetime | None = None
    period_order: int = 0


def _as_unit(row: Any, unit_id: int, kind: str) -> _Row:
    """A predecessor's report counted as its successor's (its kind decides what is counted)."""
    return _Row(unit_id, kind, row.name, row.values or {}, getattr(row, "submitted_at", None))


_MERGED = select(Unit.id, Unit.successor_id).where(Unit.successor_id.is_not(None))


def unit_links() -> dict[int, int | None]:
    """unit id -> successor id, for every unit merged into another (one query; the others link nowhere)."""
    return {uid: succ for uid, succ in select_rows(_MERGED).all()}


def rollup(period: Period, include_submitted: bool, scope: ColumnElement[bool] | None = None
           ) -> tuple[list[Any], list[Aggregate], Comparison]:
    """The period's roll-up by each field's aggregation, beside the previous period on the same units."""
    prev = previous_period(period)
    by_period = rollup_rows([period] if prev is None else [period, prev], include_submitted, scope)
    rows = by_period[period.id]
    version = version_fields(period.version_id)
    aggs = aggregate(version, rows)
    cmp = Comparison(prev)
    if prev is not None:
        now_rows, before_rows, cmp = match_previous(rows, by_period[prev.id], unit_links())
        cmp.previous, cmp.now_rows, cmp.before_rows = prev, now_rows, before_rows
        compared = {key for key, agg in aggs.items() if agg.field.kind in NUMERIC_KINDS}  # the others show no change
        # the common case, every unit reported in both periods: the same rows, already rolled up
        now_same = aggs if len(now_rows) == len(rows) else aggregate(version, now_rows, compared)
        before_version = version if prev.version_id == period.version_id else version_fields(prev.version_id)
        before = aggregate(before_version, before_rows, compared)
        for key, agg in aggs.items():
            if key in before and agg.field.kind in NUMERIC_KINDS:
                agg.same_units = now_same[key].value
                agg.previous = before[key].value
                agg.compared = len(now_rows)
    return rows, list(aggs.values()), cmp


@dataclass
class FieldRow:
    """One field of the roll-up table as text (words and numbers made once here, not cell by cell in the page)."""

    key: str
    label: str
    how: str  # the aggregation's name
    kinds: str  # the unit kinds counted, "" for all
    count: int
    choice_counts: list[tuple[str, int]]
    value: str
    same_units: str
    previous: str
    change: str


def field_rows(aggs: Sequence[Aggregate]) -> list[FieldRow]:
    how_words = {k: str(v) for k, v in labels.AGGREGATION_LABELS.items()}
    kind_words = {k: str(v) for k, v in labels.UNIT_KIND_LABELS.items()}

    def text(value: Decimal | None) -> str:
        return "—" if value is None else format_number(value)

    return [
        FieldRow(a.field.key, a.field.label, how_words[a.aggregation],
                 ", ".join(kind_words.get(k, k) for k in a.field.unit_kinds or ()), a.count, a.choice_counts,
                 text(a.value), text(a.same_units), text(a.previous), text(a.change))
        for a in aggs
    ]
