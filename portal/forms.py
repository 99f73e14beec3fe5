"""Shared form pieces on Flask-WTF: Vietnamese money and date fields, plain-text validation."""
from __future__ import annotations

import datetime as dt
import re
from typing import Any

from flask import has_request_context
from flask_wtf import FlaskForm as _FlaskWTFForm
from werkzeug.datastructures import MultiDict
from wtforms import Field, SelectMultipleField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import StopValidation, ValidationError
from markupsafe import Markup, escape
from wtforms.widgets import Select, TextInput, html_params

from portal.i18n import catalog_of_module, coerce_money, format_date, format_number
from portal.i18n import lazy_gettext as _l

__all__ = [
    "FlaskForm", "MoneyField", "DateField", "UnitsField", "UnitsWidget", "NoMarkup", "strip", "MAX_MONEY", "INVALID_FORM",
    "form_status", "LeanSelect",
]

#: The one status of a form sent back with errors, in the core and every plugin: 422 (Unprocessable Content:
#: the request was understood, what was typed is not acceptable). 400 stays for requests that are malformed
#: (damaged cursor, missing security token), 409 for a state that changed, 403/404 as usual.
INVALID_FORM = 422


def form_status(form: Any) -> int:
    """The status to answer a rendered form with: INVALID_FORM when it has errors, else 200."""
    return INVALID_FORM if form.errors else 200

#: Largest amount the portal accepts (10^15 đồng): beyond any real gift, far inside BIGINT.
MAX_MONEY = 10**15

_MARKUP = re.compile(r"<[^>]*>|[<>]")
#: C0 control characters (and DEL) no user types; tab, newline and CR are allowed in multi-line fields only.
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_LINE_BREAKS = re.compile(r"[\t\n\r]")


def _clean_formdata(form: Any, formdata: Any) -> Any:
    """Copy the submitted values with whitespace-only text turned into "" and note keys holding control characters.

    Done once here, so every field of every form (core and plugins) sees "   " as empty: an InputRequired money
    or date field then says "required" instead of reaching the view as None.
    """
    bad: set[str] = set()
    breaks: set[str] = set()
    cleaned: MultiDict = MultiDict()
    for key, value in formdata.items(multi=True):
        if isinstance(value, str):
            if CONTROL_CHARS.search(value):
                bad.add(key)
            elif _LINE_BREAKS.search(value):
                breaks.add(key)
            if not value.strip():
                value = ""
        cleaned.add(key, value)
    form._portal_control_keys = bad
    form._portal_break_keys = breaks
    return cleaned


class _PortalTranslations:
    """WTForms' own messages ("This field is required.") answered from the catalog of the form's plugin (the core's
    catalog backs it, so the core's translations apply unless the plugin gives its own).

    WTForms ships no Vietnamese catalog; its messages are listed in ``wtforms_messages`` so pybabel
    extracts them into ours. Outside a request, or for an untranslated message, the English text stays.
    """

    def __init__(self, module: str = "portal.forms") -> None:
        self.module = module  # of the form's class: the plugin it belongs to

    def gettext(self, string: str) -> str:
        return catalog_of_module(self.module).ugettext(string) if has_request_context() else string

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        if not has_request_context():
            return singular if n == 1 else plural
        return catalog_of_module(self.module).ungettext(singular, plural, n)


_TRANSLATIONS = _PortalTranslations()
_BY_MODULE: dict[str, _PortalTranslations] = {}


def _translations_for(form: Any) -> _PortalTranslations:
    module = type(form).__module__
    found = _BY_MODULE.get(module)
    if found is None:
        found = _BY_MODULE[module] = _PortalTranslations(module)
    return found


class FlaskForm(_FlaskWTFForm):
    """Flask-WTF's form (CSRF included) whose built-in validator messages follow the user's language."""

    class Meta(_FlaskWTFForm.Meta):
        def get_translations(self, form: Any) -> Any:
            return _translations_for(form)

        def bind_field(self, form: Any, unbound_field: Any, options: dict[str, Any]) -> Any:
            # WTForms 3.3 deprecates (value, label) tuples as declared choices (removed in 3.4): turn them into
            # SelectChoice once, so forms may keep the short tuple spelling.
            choices = unbound_field.kwargs.get("choices")
            if isinstance(choices, (list, tuple)) and any(isinstance(c, tuple) for c in choices):
                unbound_field.kwargs["choices"] = [SelectChoice(*c) if isinstance(c, tuple) else c for c in choices]
            return super().bind_field(form, unbound_field, options)

        def wrap_formdata(self, form: Any, formdata: Any) -> Any:
            formdata = super().wrap_formdata(form, formdata)
            if formdata is None or not hasattr(formdata, "items"):
                return formdata
            return _clean_formdata(form, formdata)

    def validate(self, extra_validators: Any = None) -> bool:
        ok = super().validate(extra_validators)
        bad = getattr(self, "_portal_control_keys", set())
        breaks = getattr(self, "_portal_break_keys", set())
        for field in self:
            if field.name in bad or (field.name in breaks and not isinstance(field, TextAreaField)):
                field.errors = [*field.errors, _l("This field contains a control character that is not allowed.")]
                ok = False
        return ok


def wtforms_messages() -> list[str]:
    """Return WTForms' built-in messages as WTForms shows them now (lists them for pybabel; test_i18n checks them)."""
    gettext, ngettext = _TRANSLATIONS.gettext, _TRANSLATIONS.ngettext
    return [
        gettext("This field is required."),
        gettext("Invalid input."),
        gettext("Invalid email address."),
        gettext("Invalid URL."),
        gettext("Not a valid choice."),
        gettext("Invalid Choice: could not coerce."),
        gettext("Invalid choice(s): one or more data inputs could not be coerced."),
        gettext("Field must be equal to %(other_name)s."),
        gettext("Field must be between %(min)d and %(max)d characters long."),
        gettext("Number must be at least %(min)s."),
        gettext("Number must be at most %(max)s."),
        gettext("Number must be between %(min)s and %(max)s."),
        gettext("Invalid value, must be one of: %(values)s."),
        gettext("Not a valid integer value."),
        gettext("Not a valid decimal value."),
        gettext("Not a valid float value."),
        gettext("Not a valid date value."),
        gettext("Not a valid datetime value."),
        ngettext(
            "Field must be at least %(min)d character long.", "Field must be at least %(min)d characters long.", 2
        ),
        ngettext("Field cannot be longer than %(max)d character.", "Field cannot be longer than %(max)d characters.", 2),
        ngettext("Field must be exactly %(max)d character long.", "Field must be exactly %(max)d characters long.", 2),
        ngettext(
            "'%(value)s' is not a valid choice for this field.", "'%(value)s' are not valid choices for this field.", 2
        ),
    ]


def strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


class NoMarkup:
    """Refuse text containing HTML tags or angle brackets."""

    def __init__(self, message: Any = None) -> None:
        self.message = message

    def __call__(self, form: Any, field: Field) -> None:
        if isinstance(field.data, str) and _MARKUP.search(field.data):
            raise ValidationError(self.message or _l("HTML and the characters < > are not allowed."))


class _KeepsReadingError:
    """A field whose text could not be read (a 30/02 date, "nhiều" đồng) keeps that message: a required check run
    after it would wipe it and say "required" of a field the user did fill in."""

    process_errors: list[Any]

    def pre_validate(self, form: Any) -> None:
        if self.process_errors:
            raise StopValidation()


class MoneyInput(TextInput):
    """A text input marked ``data-money``: portal.js groups the digits as they are typed (1.234.567)."""

    def __call__(self, field: Any, **kwargs: Any) -> Markup:
        kwargs.setdefault("data-money", True)
        return super().__call__(field, **kwargs)


class MoneyField(_KeepsReadingError, StringField):
    """Integer đồng typed as 15.000.000 or 15000000; empty gives None (add DataRequired when needed)."""

    widget = MoneyInput()

    def __init__(self, *args: Any, minimum: int = 0, maximum: int = MAX_MONEY, **kwargs: Any) -> None:
        kwargs.setdefault("render_kw", {"inputmode": "numeric", "autocomplete": "off"})
        super().__init__(*args, **kwargs)
        self.minimum = minimum
        self.maximum = maximum

    def _value(self) -> str:
        # an amount that was understood comes back grouped (1.234.567) however it was typed; one that was not
        # comes back exactly as typed, so the user sees what to correct
        if isinstance(self.data, int) and not self.process_errors:
            return format_number(self.data)
        return self.raw_data[0] if self.raw_data else ""

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


class LeanSelect(Select):
    """WTForms' single-choice Select writing the same HTML in one pass over ``choices`` (plain ``(value, label)``
    pairs): a picker of hundreds of units otherwise costs an html_params call and two objects per option on every
    page that shows it. Other choices (groups, per-option attributes, callables) go to WTForms' own widget."""

    def __call__(self, field: Any, **kwargs: Any) -> Markup:
        choices = field.choices
        if self.multiple or not isinstance(choices, (list, tuple)) or not all(
            type(c) is tuple and len(c) == 2 and type(c[0]) in (int, str) for c in choices
        ):
            return super().__call__(field, **kwargs)
        kwargs.setdefault("id", field.id)
        flags = getattr(field, "flags", {})
        for k in dir(flags):
            if k in self.validation_attrs and k not in kwargs:
                kwargs[k] = getattr(flags, k)
        coerce, data = field.coerce, field.data
        html = [f"<select {html_params(name=field.name, **kwargs)}>"]
        html.extend(
            f'<option {"selected " if coerce(value) == data else ""}value="{escape(value)}">'
            f"{escape(label or value)}</option>"
            for value, label in choices
        )
        html.append("</select>")
        return Markup("".join(html))


class UnitsWidget:
    """A checkbox list of units (templates/macros/units_field.html): without JavaScript plain checkboxes;
    portal.js adds the live filter, "select all communes" and the count (delegated listeners, no inline script)."""

    def __call__(self, field: Any, **kwargs: Any) -> Markup:
        from flask import render_template
        from sqlalchemy import select

        from portal.extensions import db
        from portal.models import Unit

        ids = {value for value, _label, _selected, _attrs in field.iter_choices()}
        communes = set(db.session.scalars(select(Unit.id).where(Unit.kind == "commune"))) & ids if ids else set()
        return Markup(render_template("macros/units_field.html", field=field, communes=communes,
                                      invalid=kwargs.get("aria-invalid"), describedby=kwargs.get("aria-describedby")))


class UnitsField(SelectMultipleField):
    """Several units picked at once (ids); fill ``choices`` with toolkit ``unit_choices``. One field type for
    every unit picker, so the core renders them all the same way (checkbox list with a filter)."""

    widget = UnitsWidget()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("coerce", int)
        super().__init__(*args, **kwargs)


_DIGITS_DATE = re.compile(r"^\d{6}$|^\d{8}$")


def _digits_date(raw: str) -> dt.date | None:
    """ddmmyyyy ("01122026") or dmyyyy ("112026"), typed on a phone's numeric keypad that has no "/"; seven
    digits are refused (1122026 could be 1/12 or 11/2)."""
    if not _DIGITS_DATE.match(raw):
        return None
    day, month, year = (raw[:2], raw[2:4], raw[4:]) if len(raw) == 8 else (raw[0], raw[1], raw[2:])
    try:
        return dt.date(int(year), int(month), int(day))
    except ValueError:
        return None


class DateField(_KeepsReadingError, StringField):
    """A date typed as dd/mm/yyyy, d/m/yyyy, ddmmyyyy or dmyyyy (or yyyy-mm-dd from a browser date picker)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("render_kw", {"placeholder": "dd/mm/yyyy", "inputmode": "numeric"})
        super().__init__(*args, **kwargs)

    def _value(self) -> str:
        # an understood date comes back as dd/mm/yyyy (so "01122026" is seen as 01/12/2026), else as typed
        if isinstance(self.data, dt.date) and not self.process_errors:
            return format_date(self.data)
        return self.raw_data[0] if self.raw_data else ""

    def process_formdata(self, valuelist: list[Any]) -> None:
        self.data = None
        if not valuelist or not str(valuelist[0]).strip():
            return
        raw = str(valuelist[0]).strip()
        self.data = _digits_date(raw)
        for fmt in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y"):
            if self.data is not None:
                break
            try:
                self.data = dt.datetime.strptime(raw, fmt).date()
            except ValueError:
                continue
        if self.data is None:
            raise ValueError(_l("Enter a date as dd/mm/yyyy."))
        if not (1900 <= self.data.year <= 2200):
            self.data = None
            raise ValueError(_l("Enter a date as dd/mm/yyyy."))
