"""Decimals are written without Babel's per-call locale lookups, and the text is exactly Babel's."""
from __future__ import annotations

from decimal import Decimal, InvalidOperation

import pytest
from flask_babel import force_locale
from flask_babel import format_decimal as babel_decimal
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from portal.i18n import format_number


@pytest.fixture
def req(app):
    with app.test_request_context("/"):
        yield


@pytest.mark.parametrize("locale", ["vi", "en"])
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(value=st.decimals(min_value=Decimal("-1e15"), max_value=Decimal("1e15"), allow_nan=False,
                         allow_infinity=False), digits=st.sampled_from([None, 0, 1, 2, 3]))
def test_decimals_read_as_babel_writes_them(app, locale, value, digits) -> None:
    with app.test_request_context("/"), force_locale(locale):
        if digits is None:
            want = babel_decimal(value)
        else:
            rounded = round(value, digits)
            want = babel_decimal(rounded, format="#,##0." + "0" * digits if digits else "#,##0")
        assert format_number(value, digits) == want


def test_odd_decimals_are_left_to_babel(req) -> None:
    for huge in (Decimal("1e40"), Decimal("1e26")):  # beyond the decimal context: Babel's own answer (it refuses)
        with pytest.raises(InvalidOperation):
            babel_decimal(huge)
        with pytest.raises(InvalidOperation):
            format_number(huge)
    assert format_number(Decimal("-0.0001")) == "-0"
    assert format_number(Decimal("1234.5"), 1) == "1.234,5" and format_number(Decimal("1.00")) == "1"
    assert format_number(Decimal("0.0015")) == "0,002" and format_number(Decimal("2.5"), 0) == "2"
