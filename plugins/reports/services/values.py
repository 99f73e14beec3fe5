"""Field values of a report: parsing, display, cross-field rules evaluated without eval, diffs."""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any


from portal.toolkit import _, format_date, format_number

from ..models import (
    NUMERIC_KINDS,
    FormField,
    FormRule,
    FormVersion,
)


ATTACHMENT_KINDS = ("pdf", "docx", "xlsx", "jpg", "jpeg", "png")


# --- field values -------------------------------------------------------------------------------------------

class FieldError(ValueError):
    """A value was refused; the message is translated and shown at the field."""


_GROUPED = re.compile(r"^-?\d{1,3}(\.\d{3})+$")


def _number_text(raw: str) -> str:
    """Normalise "1.234", "1 234", "12,5" (Vietnamese decimal comma) to "1234" / "12.5"."""
    text = raw.strip().replace("\u00a0", "").replace(" ", "")
    if "," in text:
        return text.replace(".", "").replace(",", ".")
    if _GROUPED.match(text):
        return text.replace(".", "")
    return text


def parse_number(raw: str, kind: str) -> Decimal:
    text = _number_text(raw)
    if kind == "integer":
        if not re.fullmatch(r"-?\d{1,15}", text):
            raise FieldError(_("Enter a whole number, e.g. 1.234."))
        return Decimal(text)
    if not re.fullmatch(r"-?\d{1,15}(\.\d{1,6})?", text):
        raise FieldError(_("Enter a number, e.g. 12,5."))
    try:
        return Decimal(text)
    except InvalidOperation:
        raise FieldError(_("Enter a number, e.g. 12,5.")) from None


def parse_date(raw: str) -> dt.date:
    for fmt in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            day = dt.datetime.strptime(raw.strip(), fmt).date()
        except ValueError:
            continue
        if 1900 <= day.year <= 2200:
            return day
    raise FieldError(_("Enter a date as dd/mm/yyyy."))


def _limit(text: str | None) -> Decimal | None:
    return Decimal(text) if text not in (None, "") else None


def parse_value(f: FormField, raw: Any) -> Any:
    """Turn what the user typed into the stored value (None when empty); raise FieldError with a message."""
    if f.kind == "multichoice":
        picked = [str(v) for v in (raw or []) if str(v).strip()]
        bad = [v for v in picked if v not in f.choices]
        if bad:
            raise FieldError(_("Choose from the listed options."))
        return [c for c in f.choices if c in picked] or None
    text = (raw if isinstance(raw, str) else ("" if raw is None else str(raw))).strip()
    if not text:
        return None
    if f.kind in NUMERIC_KINDS:
        number = parse_number(text, f.kind)
        low, high = _limit(f.min_value), _limit(f.max_value)
        if low is not None and number < low:
            raise FieldError(_("The value must be at least %(min)s.", min=format_number(low)))
        if high is not None and number > high:
            raise FieldError(_("The value must be at most %(max)s.", max=format_number(high)))
        return int(number) if f.kind == "integer" else format(number.normalize(), "f")
    if f.kind == "date":
        return parse_date(text).isoformat()
    if f.kind == "choice":
        if text not in f.choices:
            raise FieldError(_("Choose from the listed options."))
        return text
    limit = 500 if f.kind == "text" else 10000
    if len(text) > limit:
        raise FieldError(_("At most %(num)s characters.", num=format_number(limit)))
    return text


def display_value(f: FormField, value: Any, files: dict[int, str] | None = None) -> str:
    """A stored value as people read it (1.234 / 12,5 / 05/11/2024 / names of files)."""
    if value in (None, "", []):
        return ""
    if f.kind in NUMERIC_KINDS:
        return format_number(Decimal(str(value)))
    if f.kind == "date":
        return format_date(dt.date.fromisoformat(value))
    if f.kind == "multichoice":
        return "; ".join(value)
    if f.kind == "file":
        return (files or {}).get(int(value), _("attached file"))
    return str(value)


def numeric(value: Any) -> Decimal | None:
    if type(value) is int:  # whole numbers, most stored values: no detour through str
        return Decimal(value)
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


# --- cross-field rules (data, evaluated without eval) ------------------------------------------------------

_TERM = re.compile(r"\s*([+-])?\s*([a-z][a-z0-9_]*|\d+(?:[.,]\d+)?)\s*")


def parse_expression(text: str, numeric_keys: Iterable[str]) -> list[tuple[int, str]]:
    """Split "a + b - 3" into signed terms; every name must be a numeric field. Raise FieldError otherwise."""
    keys = set(numeric_keys)
    terms: list[tuple[int, str]] = []
    pos = 0
    text = (text or "").strip()
    if not text:
        raise FieldError(_("Write the right side, e.g. a + b."))
    while pos < len(text):
        m = _TERM.match(text, pos)
        if not m or m.end() == pos or (terms and not m.group(1)):
            raise FieldError(_("Use field keys and numbers joined by + or -, e.g. a + b."))
        sign = -1 if m.group(1) == "-" else 1
        term = m.group(2).replace(",", ".")
        if term[0].isalpha() and term not in keys:
            raise FieldError(_("Unknown number field: %(key)s.", key=term))
        terms.append((sign, term))
        pos = m.end()
    return terms


def evaluate_rule(rule: FormRule, values: dict[str, Any], numeric_keys: Iterable[str]) -> bool | None:
    """True/False when every operand has a value; None when something is still empty (required checks that)."""
    left = numeric(values.get(rule.left))
    if left is None:
        return None
    total = Decimal(0)
    for sign, term in parse_expression(rule.right, numeric_keys):
        number = numeric(values.get(term)) if term[0].isalpha() else Decimal(term)
        if number is None:
            return None
        total += sign * number
    return {
        "<=": left <= total, "<": left < total, "=": left == total,
        ">=": left >= total, ">": left > total, "!=": left != total,
    }[rule.operator]


def numeric_keys(version: FormVersion) -> list[str]:
    return [f.key for f in version.fields if f.kind in NUMERIC_KINDS]


def validate_all(version: FormVersion, values: dict[str, Any]) -> dict[str, str]:
    """Errors by field key for a submission: required fields, stored values re-checked, then the rules."""
    errors: dict[str, str] = {}
    for f in version.fields:
        value = values.get(f.key)
        if value in (None, "", []):
            if f.required:
                errors[f.key] = _("This field is required.")
            continue
        if f.kind not in ("file", "multichoice"):
            try:
                parse_value(f, format_plain(f, value))
            except FieldError as exc:
                errors[f.key] = str(exc)
    keys = numeric_keys(version)
    for rule in version.rules:
        if rule.left in errors:
            continue
        if evaluate_rule(rule, values, keys) is False:
            errors[rule.left] = rule.message
    return errors


def format_plain(f: FormField, value: Any) -> str:
    """A stored value as the form input shows it (numbers without grouping so they parse back)."""
    if value in (None, ""):
        return ""
    if f.kind == "date":
        return dt.date.fromisoformat(value).strftime("%d/%m/%Y")
    if f.kind == "decimal":
        return str(value).replace(".", ",")
    return str(value)


def diff(version: FormVersion, old: dict[str, Any], new: dict[str, Any], files: dict[int, str] | None = None
         ) -> list[tuple[str, str, str]]:
    """(label, before, after) for each field whose value changed."""
    return [
        (f.label, display_value(f, old.get(f.key), files), display_value(f, new.get(f.key), files))
        for f in version.fields
        if old.get(f.key) != new.get(f.key)
    ]
