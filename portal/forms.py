"""Shared form pieces on Flask-WTF: Vietnamese money and date fields, plain-text validation."""
from __future__ import annotations

import datetime as dt
import re
from typing import Any

from flask_wtf import FlaskForm
from wtforms import Field, StringField
from wtforms.validators import ValidationError
from wtforms.widgets import TextInput

from portal.i18n import coerce_money, format_date, format_number
from portal.i18n import lazy_gettext as _l

__all__ = ["FlaskForm", "MoneyField", "DateField", "NoMarkup", "strip", "MAX_MONEY"]

#: Largest amount the portal accepts (10^15 đồng): beyond any real gift, far inside BIGINT.
MAX_MONEY = 10**15

_MARKUP = re.compile(r"<[^>]*>|[<>]")


def strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


class NoMarkup:
    """Refuse text containing HTML tags or angle brackets."""

    def __init__(self, message: Any = None) -> None:
        self.message = message

    def __call__(self, form: Any, field: Field) -> None:
        if isinstance(field.data, str) and _MARKUP.search(field.data):
            raise ValidationError(self.message or _l("HTML and the characters < > are not allowed."))


class MoneyField(StringField):
    """Integer đồng typed as 15.000.000 or 15000000; empty gives None (add DataRequired when needed)."""

    widget = TextInput()

    def __init__(self, *args: Any, minimum: int = 0, maximum: int = MAX_MONEY, **kwargs: Any) -> None:
        kwargs.setdefault("render_kw", {"inputmode": "numeric", "autocomplete": "off"})
        super().__init__(*args, **kwargs)
        self.minimum = minimum
        self.maximum = maximum

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        return format_number(self.data) if isinstance(self.data, int) else ""

    def process_formdata(self, valuelist: list[Any]) -> None:
        self.data = None
        if not valuelist or not str(valuelist[0]).strip():
            return
        raw = str(valuelist[0]).strip()
        if raw.startswith("-"):
            raise ValueError(_l("The amount must not be negative."))
        try:
            value = coerce_money(raw)
        except ValueError:
            raise ValueError(_l("Enter a whole number of đồng, e.g. 15.000.000.")) from None
        if value < self.minimum:
            raise ValueError(_l("The amount must be at least %(min)s đồng.", min=format_number(self.minimum)))
        if value > self.maximum:
            raise ValueError(_l("The amount is too large."))
        self.data = value


class DateField(StringField):
    """A date typed as dd/mm/yyyy (or yyyy-mm-dd from a browser date picker)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("render_kw", {"placeholder": "dd/mm/yyyy", "inputmode": "numeric"})
        super().__init__(*args, **kwargs)

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        return format_date(self.data) if isinstance(self.data, dt.date) else ""

    def process_formdata(self, valuelist: list[Any]) -> None:
        self.data = None
        if not valuelist or not str(valuelist[0]).strip():
            return
        raw = str(valuelist[0]).strip()
        for fmt in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y"):
            try:
                self.data = dt.datetime.strptime(raw, fmt).date()
                break
            except ValueError:
                continue
        else:
            raise ValueError(_l("Enter a date as dd/mm/yyyy."))
        if not (1900 <= self.data.year <= 2200):
            self.data = None
            raise ValueError(_l("Enter a date as dd/mm/yyyy."))
