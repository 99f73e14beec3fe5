"""Unit forms."""
from __future__ import annotations

from flask_wtf.file import FileField
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, Optional, Regexp

from portal.directory.services import KIND_LABELS
from portal.forms import DateField, FlaskForm, NoMarkup, UnitsField, strip
from portal.i18n import lazy_gettext as _l


class UnitForm(FlaskForm):
    code = StringField(
        _l("Code"),
        filters=[strip, lambda v: v.lower() if isinstance(v, str) else v],
        validators=[
            DataRequired(),
            Length(max=40),
            Regexp(r"^[a-z0-9][a-z0-9._-]*$", message=_l("Use lower-case letters a-z, digits, dot, dash.")),
        ],
    )
    name = StringField(_l("Name"), filters=[strip], validators=[DataRequired(), Length(max=200), NoMarkup()])
    kind = SelectField(_l("Kind"), choices=list(KIND_LABELS.items()), validate_choice=True)
    parent_id = SelectField(_l("Parent unit"), coerce=int, validate_choice=True)
    head = StringField(_l("Head"), filters=[strip], validators=[Optional(), Length(max=120), NoMarkup()])
    phone = StringField(
        _l("Phone"),
        filters=[strip],
        validators=[Optional(), Length(max=30), Regexp(r"^[0-9 +().-]+$", message=_l("Enter a valid phone number."))],
    )
    email = StringField(
        _l("E-mail"),
        filters=[strip],
        validators=[Optional(), Length(max=120), Email(message=_l("Enter a valid e-mail address."), check_deliverability=False)],
    )
    address = StringField(_l("Address"), filters=[strip], validators=[Optional(), Length(max=255), NoMarkup()])
    valid_from = DateField(_l("Valid from"))
    valid_to = DateField(_l("Valid until"))
    successor_id = SelectField(_l("Successor unit"), coerce=int, validate_choice=True)
    note = TextAreaField(_l("Note"), filters=[strip], validators=[Optional(), Length(max=2000), NoMarkup()])
    rename_on = DateField(_l("New name valid from (when renaming)"))


class MergeForm(FlaskForm):
    successor_id = SelectField(_l("Merged into"), coerce=int, validate_choice=True)
    effective = DateField(_l("Merger takes effect on"), validators=[DataRequired()])
    area_to_ids = UnitsField(_l("Other units that received part of its area (shown, not totalled)"),
                             validate_choice=True)


class ImportForm(FlaskForm):
    file = FileField(_l("Excel file (.xlsx)"))
