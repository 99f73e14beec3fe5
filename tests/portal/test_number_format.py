"""Decimals without a number of places (points of checklist items, scores) are written without Babel's per-call
locale lookups, and the text is Babel's default "#,##0.###" (a rounded -0 shows as 0, as with places)."""
from __future__ import annotations

from decimal import Decimal, InvalidOperation

import pytest
from babel.numbers import format_decimal as babel_decimal
from hypothesis import given, settings
from hypothesis import strategies as st

from portal.i18n import format_number


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_decimals_read_as_babel_writes_them(app, lang) -> None:
    @settings(max_examples=300, deadline=None)
    @given(st.decimals(min_value=Decimal("-1e15"), max_value=Decimal("1e15"), allow_nan=False, allow_infinity=False))
    def check(value: Decimal) -> None:
        shown = abs(value) if value.quantize(Decimal("0.001")) == 0 else value  # "-0" (Babel) is no number: "0"
        assert format_number(value) == babel_decimal(shown, locale=lang)

    with app.test_request_context("/"):
        from flask import session

        session["lang"] = lang
        check()


def test_odd_decimals(app) -> None:
    with app.test_request_context("/"):
        for huge in (Decimal("1e40"), Decimal("1e26")):  # beyond the decimal context: Babel's own answer (it refuses)
            with pytest.raises(InvalidOperation):
                babel_decimal(huge)
            with pytest.raises(InvalidOperation):
                format_number(huge)
        assert format_number(Decimal("-0.0001")) == "0" and format_number(Decimal("-0.0005")) == "0"
        assert format_number(Decimal("1234.5")) == "1.234,5" and format_number(Decimal("1.00")) == "1"
        assert format_number(Decimal("0.0015")) == "0,002" and format_number(Decimal("-2.50")) == "-2,5"
