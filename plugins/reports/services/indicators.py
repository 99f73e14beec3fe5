"""Indicators as data: (Σ numerator ÷ Σ denominator) × multiplier over the reports of a set of
units, computed with exact fractions. Rates are never summed or averaged: a district's poverty rate is the sum of
the communes' poor households over the sum of their households. Their values over time: services/trend.py.

An expression is field keys and numbers joined by + or - (the cross-field rules' language), so it is linear: a
successor commune's value for a period before the merger is computed from the sum of its predecessors' reports.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from fractions import Fraction
from typing import Any

from sqlalchemy import select

from portal.toolkit import UNIT_KIND_LABELS, _, db, format_number, number_format

from ..models import NUMERIC_KINDS, FormField, Indicator
from .values import FieldError, numeric, parse_expression

CODE_RE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
_NAME = re.compile(r"[a-z][a-z0-9_]*")


def terms(text: str | None) -> list[tuple[int, str]]:
    """Signed terms of an expression (names are not checked here; see check_indicator)."""
    if not (text or "").strip():
        return []
    return parse_expression(text or "", _NAME.findall(text or ""))


def known_keys() -> set[str]:
    """Number field keys of every form version (one query)."""
    return set(db.session.scalars(select(FormField.key).where(FormField.kind.in_(NUMERIC_KINDS)).distinct()))


def multiplier(ind: Indicator) -> Fraction:
    return Fraction(Decimal(ind.multiplier or "1"))


class Expression:
    """Signed terms compiled once: the field keys to read and the numbers' sum (whole part and fraction)."""

    __slots__ = ("fields", "whole", "frac")

    def __init__(self, parsed: Sequence[tuple[int, str]]) -> None:
        self.fields = [(sign, term) for sign, term in parsed if term[0].isalpha()]
        self.whole = 0
        self.frac: Fraction | None = None
        for sign, term in parsed:
            if not term[0].isalpha():
                n = Decimal(term)
                if n == n.to_integral_value():
                    self.whole += sign * int(n)
                else:
                    self.frac = sign * Fraction(n) + (self.frac or 0)

    def value(self, values: dict[str, Any]) -> int | Fraction | None:
        """The expression over one report, or None when one of its fields is empty (exact: whole numbers stay
        ints, the common case, so summing many reports makes no Fraction; decimals are added as fractions)."""
        whole, frac = self.whole, self.frac
        for sign, key in self.fields:
            raw = values.get(key)
            if type(raw) is int:  # whole numbers, the common case (bool is not a number here)
                whole += sign * raw
                continue
            if type(raw) is str:  # as read from the JSON in SQL: "1500"
                try:
                    whole += sign * int(raw)  # accepts exactly the whole numbers Decimal() reads as integral
                    continue
                except ValueError:
                    pass
            n = numeric(raw)
            if n is None:
                return None
            if n == n.to_integral_value():
                whole += sign * int(n)
            else:
                frac = sign * Fraction(n) + (frac or 0)
        return whole if frac is None else frac + whole


def term_value(parsed: Sequence[tuple[int, str]], values: dict[str, Any]) -> int | Fraction | None:
    """The expression over one report, or None when one of its fields is empty."""
    return Expression(parsed).value(values)


@dataclass
class Parts:
    """Summed numerator and denominator of the reports counted (those giving every field the indicator uses);
    ints while every value is whole (exact, and far cheaper to add than Fractions)."""

    numerator: int | Fraction = 0
    denominator: int | Fraction = 0
    reports: int = 0

    def add(self, other: Parts) -> None:
        self.numerator += other.numerator
        self.denominator += other.denominator
        self.reports += other.reports


class Formula:
    """An indicator parsed once, evaluated on many reports."""

    def __init__(self, ind: Indicator) -> None:
        self.indicator = ind
        self.num = terms(ind.numerator)
        self.den = terms(ind.denominator) if ind.denominator else None
        self.mult = multiplier(ind)
        self.kinds = set(ind.unit_kinds or [])
        self._num = Expression(self.num)
        self._den = Expression(self.den) if self.den is not None else None
        # both expressions' fields in one list (True: the denominator's), read in one loop per report
        self._terms = [(sign, key, False) for sign, key in self._num.fields] + [
            (sign, key, True) for sign, key in (self._den.fields if self._den is not None else ())]

    @property
    def keys(self) -> set[str]:
        """The field keys the indicator reads."""
        return {t for _s, t in (*self.num, *(self.den or ())) if t[0].isalpha()}

    def counts(self, unit_kind: str) -> bool:
        return not self.kinds or unit_kind in self.kinds

    def parts(self, value_sets: Iterable[dict[str, Any]]) -> Parts:
        report = self.report
        numerator: int | Fraction = 0
        denominator: int | Fraction = 0
        reports = 0
        for values in value_sets:
            nd = report(values)
            if nd is not None:
                numerator += nd[0]
                denominator += nd[1]
                reports += 1
        return Parts(numerator, denominator, reports)

    def report(self, values: dict[str, Any]) -> tuple[int | Fraction, int | Fraction] | None:
        """One report's numerator and denominator (0 without one), None when it lacks a field the indicator reads.

        Expression.value of both, in one loop: this runs for every report of a page."""
        num, den = self._num, self._den
        n, nf = num.whole, num.frac
        d, df = (den.whole, den.frac) if den is not None else (0, None)
        for sign, key, in_den in self._terms:
            raw = values.get(key)
            if type(raw) is int:  # whole numbers, the common case (bool is not a number here)
                x = raw
            else:
                x = None
                if type(raw) is str:  # as read from the JSON in SQL: "1500"
                    try:
                        x = int(raw)
                    except ValueError:
                        pass
                if x is None:
                    exact = numeric(raw)
                    if exact is None:
                        return None
                    if exact != exact.to_integral_value():
                        if in_den:
                            df = sign * Fraction(exact) + (df or 0)
                        else:
                            nf = sign * Fraction(exact) + (nf or 0)
                        continue
                    x = int(exact)
            if in_den:
                d += sign * x
            else:
                n += sign * x
        return (n if nf is None else nf + n), (d if df is None else df + d)

    def value(self, p: Parts) -> Fraction | None:
        """The indicator of summed parts, exact; None when no report counts or the denominator is 0."""
        if not p.reports:
            return None
        mult = self.mult
        if self.den is None:
            if type(p.numerator) is int:
                return Fraction(p.numerator * mult.numerator, mult.denominator)
            return p.numerator * mult
        if p.denominator == 0:
            return None
        if type(p.numerator) is int and type(p.denominator) is int:  # one Fraction made, not three
            return Fraction(p.numerator * mult.numerator, p.denominator * mult.denominator)
        return Fraction(p.numerator) / p.denominator * mult


_QUANTUM = {d: Decimal(1).scaleb(-d) for d in range(7)}


def rounded(ind: Indicator, value: Fraction | None) -> Decimal | None:
    """A value for display, rounded half up to the indicator's decimals (only here, never before summing)."""
    if value is None:
        return None
    q = _QUANTUM[max(0, min(6, ind.decimals or 0))]
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(q, ROUND_HALF_UP)


def shown(ind: Indicator, value: Fraction | None) -> str:
    """A value as text with the indicator's decimals ("18,25"), "—" when there is none."""
    r = rounded(ind, value)
    return "—" if r is None else format_number(r, max(0, min(6, ind.decimals or 0)))


def shown_all(ind: Indicator, values: Sequence[Fraction | None]) -> list[str]:
    """``shown`` of many values, the indicator's decimals and the locale's marks read once."""
    digits = max(0, min(6, ind.decimals or 0))
    q = _QUANTUM[digits]
    present = [i for i, v in enumerate(values) if v is not None]
    ratios = [values[i].as_integer_ratio() for i in present]  # type: ignore[union-attr]
    number = number_format(digits)
    texts = [number((Decimal(a) / Decimal(b)).quantize(q, ROUND_HALF_UP)) for a, b in ratios]
    out = ["—"] * len(values)
    for i, text in zip(present, texts):
        out[i] = text
    return out


def direction(ind: Indicator, change: Fraction | None) -> str:
    """better / worse / same for a change, by the indicator's direction."""
    if change is None:
        return ""
    if change == 0:
        return "same"
    return "better" if (change < 0) == bool(ind.lower_is_better) else "worse"


@dataclass
class Arrow:
    """A change as the tables show it: better/worse/same, ↓ ↑ =, and its size."""

    direction: str
    symbol: str
    text: str


def check_indicator(data: dict[str, Any], current_id: int | None = None) -> dict[str, str]:
    """Errors by form-field name (Vietnamese through the catalog); nothing is stored when there are any."""
    errors: dict[str, str] = {}
    code = (data.get("code") or "").strip()
    if not CODE_RE.match(code):
        errors["code"] = _("Use lower-case letters, digits and _ (start with a letter), e.g. ty_le_ho_ngheo.")
    else:
        other = db.session.scalar(select(Indicator.id).where(Indicator.code == code))
        if other is not None and other != current_id:
            errors["code"] = _("Another indicator already uses this code.")
    keys = known_keys()
    for name in ("numerator", "denominator"):
        text = (data.get(name) or "").strip()
        if not text and name == "denominator":
            continue
        try:
            parse_expression(text, keys)
        except FieldError as exc:
            errors[name] = str(exc)
    try:
        mult = Decimal(str(data.get("multiplier") or "1").replace(",", "."))
        if not mult.is_finite() or mult <= 0 or mult > 10**9:
            raise InvalidOperation
    except InvalidOperation:
        errors["multiplier"] = _("Enter a positive number, e.g. 100 for a percentage.")
    bad_kinds = [k for k in data.get("unit_kinds") or [] if k not in UNIT_KIND_LABELS]
    if bad_kinds:
        errors["unit_kinds"] = _("Choose from the listed unit kinds.")
    return errors


def apply_indicator(ind: Indicator, data: dict[str, Any]) -> None:
    ind.code = data["code"].strip()
    ind.name = data["name"].strip()
    ind.numerator = data["numerator"].strip()
    ind.denominator = (data.get("denominator") or "").strip() or None
    ind.multiplier = format(Decimal(str(data.get("multiplier") or "1").replace(",", ".")).normalize(), "f")
    ind.unit_label = (data.get("unit_label") or "").strip()
    ind.decimals = int(data.get("decimals") or 0)
    ind.lower_is_better = bool(data.get("lower_is_better"))
    ind.unit_kinds = list(data.get("unit_kinds") or [])
    ind.description = (data.get("description") or "").strip() or None


def all_indicators() -> list[Indicator]:
    return list(db.session.scalars(select(Indicator).order_by(Indicator.position, Indicator.id)))


@dataclass
class IndicatorComparison:
    """An indicator this period against the previous one, on the units that reported in both."""

    indicator: Indicator
    value: Fraction | None  # every unit that reported this period
    same_units: Fraction | None
    previous: Fraction | None

    @property
    def change(self) -> Fraction | None:
        if self.same_units is None or self.previous is None:
            return None
        return self.same_units - self.previous


def compare_indicators(now_rows: Sequence[Any], now_same: Sequence[Any], before_same: Sequence[Any]
                       ) -> list[IndicatorComparison]:
    """Indicators over the roll-up rows (see rollup.match_previous for the same-unit rows)."""
    out = []
    now, same, before = ([(r.kind, r.values or {}) for r in rows] for rows in (now_rows, now_same, before_same))
    for ind in all_indicators():
        f = Formula(ind)

        def val(rows: Sequence[tuple[str, dict[str, Any]]]) -> Fraction | None:
            kinds = f.kinds
            return f.value(f.parts([values for kind, values in rows if not kinds or kind in kinds]))

        value = val(now)
        # every unit compared (the common case): the same rows, the same value
        same_value = (value if len(same) == len(now) else val(same)) if before else None
        out.append(IndicatorComparison(ind, value, same_value, val(before) if before else None))
    return out
