"""Exact scoring of a checklist (Fractions, never floats): per section, in total, and the score kept at completion."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Context, Decimal, Inexact, InvalidOperation, localcontext
from fractions import Fraction
from typing import Any

from portal.toolkit import format_number

from ..models import FAIL, NA, NUMBER, PASS, PASS_FAIL, Answer, ChecklistItem, ChecklistSection, Inspection


@dataclass
class Score:
    achieved: Fraction = Fraction(0)
    applicable: Fraction = Fraction(0)

    def add(self, achieved: Fraction, applicable: Fraction) -> None:
        self.achieved += achieved
        self.applicable += applicable

    @property
    def ratio(self) -> Fraction | None:
        """achieved ÷ applicable, or None when nothing applies."""
        return self.achieved / self.applicable if self.applicable else None

    def passed(self, threshold_percent: Any) -> bool | None:
        """Whether the score reaches ``threshold_percent`` (compared exactly, never rounded)."""
        if not self.applicable:
            return None
        return self.achieved * 100 >= Fraction(str(threshold_percent)) * self.applicable


def _fraction(value: Decimal | int | None) -> Fraction:
    return Fraction(str(value)) if value is not None else Fraction(0)


_ZERO = Decimal(0)
_ONE = Decimal(1)
# Sums and products of decimals are exact while the digits fit the precision: 80 digits hold any Numeric(14, 2)
# product summed over any checklist, and the Inexact trap turns a result that would not fit into the slow path
# instead of a rounded score.
_EXACT = Context(prec=80, traps=[Inexact, InvalidOperation])


def _decimal(value: Decimal | int | None) -> Decimal:
    """The value as a Decimal equal to ``_fraction(value)`` (the same reading of ints and of floats' text)."""
    if value is None:
        return _ZERO
    return value if isinstance(value, Decimal) else Decimal(str(value))


def _points(item: ChecklistItem, answer: Answer | None) -> tuple[Decimal, Decimal] | None:
    """(achieved, applicable) points of one answered item as exact decimals, or None when it does not count."""
    if answer is None or not item.scored:
        return None
    weight = _decimal(item.weight)
    if item.answer_type == PASS_FAIL:
        if answer.result not in (PASS, FAIL):
            return None
        points = weight * (_decimal(item.max_score) if item.max_score is not None else _ONE)
        return (points if answer.result == PASS else _ZERO), points
    if answer.result == NA or answer.number is None:
        return None
    top = _decimal(item.max_score)
    value = min(max(_decimal(answer.number), _ZERO), top)
    return weight * value, weight * top


def item_points(item: ChecklistItem, answer: Answer | None) -> tuple[Fraction, Fraction] | None:
    """Return (achieved, applicable) points of one answered item, or None when it does not count (N/A, unscored)."""
    if answer is None or not item.scored:
        return None
    weight = _fraction(item.weight)
    if item.answer_type == PASS_FAIL:
        if answer.result not in (PASS, FAIL):
            return None
        points = weight * _fraction(item.max_score if item.max_score is not None else 1)
        return (points if answer.result == PASS else Fraction(0)), points
    if answer.result == NA or answer.number is None:
        return None
    top = _fraction(item.max_score)
    value = min(max(_fraction(answer.number), Fraction(0)), top)
    return weight * value, weight * top


def score(checklist: Sequence[tuple[ChecklistSection, Sequence[ChecklistItem]]],
          answers: dict[int, Answer]) -> tuple[dict[int, Score], Score]:
    """Score per section (by section id) and in total: achieved ÷ applicable, N/A excluded, weights applied.

    Summed as exact decimals (the columns are decimals), made Fractions once per section: the same values as
    adding item_points' Fractions, without a Fraction per item."""
    try:
        with localcontext(_EXACT):
            return _score_decimal(checklist, answers)
    except (Inexact, InvalidOperation):  # digits beyond any real checklist: add Fractions instead
        return _score_fraction(checklist, answers)


def _score_decimal(checklist: Sequence[tuple[ChecklistSection, Sequence[ChecklistItem]]],
                   answers: dict[int, Answer]) -> tuple[dict[int, Score], Score]:
    per_section: dict[int, Score] = {}
    total_achieved = total_applicable = _ZERO
    get = answers.get
    for section, items in checklist:
        achieved = applicable = _ZERO
        for item in items:  # _points inlined: the loop runs over every item on every page view
            answer = get(item.id)
            if answer is None:
                continue
            kind, top, weight = item.answer_type, item.max_score, item.weight
            if type(weight) is not Decimal:
                weight = _decimal(weight)
            if kind == PASS_FAIL:
                result = answer.result
                if result != PASS and result != FAIL:
                    continue
                points = weight * (_ONE if top is None else top if type(top) is Decimal else _decimal(top))
                if result == PASS:
                    achieved += points
                applicable += points
            elif kind == NUMBER and top:  # a scored number item
                number = answer.number
                if answer.result == NA or number is None:
                    continue
                top = top if type(top) is Decimal else _decimal(top)
                value = number if type(number) is Decimal else _decimal(number)
                if value < _ZERO:  # min(max(value, 0), top), in that order
                    value = _ZERO
                if value > top:
                    value = top
                achieved += weight * value
                applicable += weight * top
        s = per_section.setdefault(section.id, Score())
        s.add(Fraction(achieved), Fraction(applicable))
        total_achieved += achieved
        total_applicable += applicable
    return per_section, Score(Fraction(total_achieved), Fraction(total_applicable))


def _score_fraction(checklist: Sequence[tuple[ChecklistSection, Sequence[ChecklistItem]]],
                    answers: dict[int, Answer]) -> tuple[dict[int, Score], Score]:
    per_section: dict[int, Score] = {}
    total = Score()
    for section, items in checklist:
        s = per_section.setdefault(section.id, Score())
        for item in items:
            points = item_points(item, answers.get(item.id))
            if points:
                s.add(*points)
                total.add(*points)
    return per_section, total


def points_decimal(value: Fraction) -> Decimal:
    """Points as a Decimal rounded to 2 places (for display only)."""
    return round(Decimal(value.numerator) / Decimal(value.denominator), 2)


def percent_text(ratio: Fraction | None, digits: int = 1) -> Decimal | None:
    """The ratio as a Decimal percentage (for display only)."""
    if ratio is None:
        return None
    return round(Decimal(ratio.numerator) * 100 / Decimal(ratio.denominator), digits)




@dataclass(frozen=True, slots=True)
class ScoreText:
    """A score as the pages write it: points to 2 places, the percentage to 1 (None when nothing applies)."""

    achieved: str
    applicable: str
    percent: str | None


def score_text(s: Score) -> ScoreText:
    ratio = s.ratio
    return ScoreText(format_number(points_decimal(s.achieved)), format_number(points_decimal(s.applicable)),
                     format_number(percent_text(ratio), 1) if ratio is not None else None)


def stored_score(inspection: Inspection) -> Score | None:
    """The score kept at completion."""
    if inspection.applicable is None:
        return None
    return Score(_fraction(inspection.achieved), _fraction(inspection.applicable))
