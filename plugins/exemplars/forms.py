"""Forms of the exemplars plugin (choices filled by the views: units from toolkit.unit_choices)."""
from __future__ import annotations

from flask_wtf.file import FileField
from wtforms import BooleanField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from portal.toolkit import DateField, FlaskForm, MoneyField, NoMarkup, _l, strip

from . import labels

_TEXT = [strip]


def _choices(names: dict[str, object]) -> list[tuple[str, object]]:
    return list(names.items())


class PhotoForm(FlaskForm):
    photo = FileField(_l("Photo (JPG, PNG)"))
    caption = StringField(_l("Photo caption"), filters=_TEXT, validators=[Length(max=200), NoMarkup()])


class ProposeForm(PhotoForm):  # with an optional first photo
    kind = SelectField(_l("Kind"), choices=_choices(labels.KINDS), default="model")
    holder_kind = SelectField(_l("Who carries it"), choices=[("", "—"), *_choices(labels.HOLDER_KINDS)],
                              validators=[Optional()])
    title = StringField(_l("Name of the exemplar"), filters=_TEXT, validators=[DataRequired(), Length(max=200), NoMarkup()])
    holder = StringField(_l("Person, household or collective"), filters=_TEXT, validators=[Length(max=200), NoMarkup()])
    unit_id = SelectField(_l("Commune or unit"), coerce=int, validators=[DataRequired()])
    village = StringField(_l("Village"), filters=_TEXT, validators=[Length(max=120), NoMarkup()])
    sector = SelectField(_l("Field"), choices=_choices(labels.SECTORS), default="livelihood")
    description = TextAreaField(_l("Description"), filters=_TEXT, validators=[DataRequired(), Length(max=5000), NoMarkup()])
    story = TextAreaField(_l("Short story for the public page"), filters=_TEXT, validators=[Length(max=2000), NoMarkup()])
    start_year = IntegerField(_l("Start year"), validators=[Optional(), NumberRange(1990, 2100)])
    households = IntegerField(_l("Households taking part"), default=0, validators=[Optional(), NumberRange(0, 100_000)])
    households_out = IntegerField(_l("Households that left poverty"), default=0,
                                  validators=[Optional(), NumberRange(0, 100_000)])
    income = MoneyField(_l("Average income per household per year (đồng)"))
    contact = StringField(_l("Contact"), filters=_TEXT, validators=[Length(max=200), NoMarkup()])
    consent_public = BooleanField(_l("The people concerned agree to publication (đồng ý công khai)"))
    source = SelectField(_l("Proposed by"), choices=_choices(labels.SOURCES), default="unit")

    def validate_households_out(self, field: IntegerField) -> None:
        from wtforms.validators import ValidationError

        if (field.data or 0) > (self.households.data or 0):
            raise ValidationError(_l("More households left poverty than took part."))


class VerifyForm(FlaskForm):
    visit_date = DateField(_l("Date of the verification visit"), validators=[DataRequired()])
    note = TextAreaField(_l("Verification note"), filters=_TEXT, validators=[DataRequired(), Length(max=2000), NoMarkup()])


class FosterForm(FlaskForm):
    note = TextAreaField(_l("Support given"), filters=_TEXT, validators=[DataRequired(), Length(max=2000), NoMarkup()])
    amount = MoneyField(_l("Amount (đồng)"))
    disbursement = IntegerField(_l("Fund disbursement number (if the money came from the fund)"),
                                validators=[Optional(), NumberRange(1, 10**12)])


class ReplicateForm(FlaskForm):
    unit_id = SelectField(_l("Commune or unit that took it up"), coerce=int, validators=[DataRequired()])
    households = IntegerField(_l("Households taking part"), validators=[DataRequired(), NumberRange(1, 100_000)])
    year = IntegerField(_l("Year"), validators=[DataRequired(), NumberRange(1990, 2100)])
    note = TextAreaField(_l("Note"), filters=_TEXT, validators=[Length(max=2000), NoMarkup()])


class ArchiveForm(FlaskForm):
    note = TextAreaField(_l("Reason"), filters=_TEXT, validators=[DataRequired(), Length(max=2000), NoMarkup()])


class CiteForm(FlaskForm):
    exemplar_id = SelectField(_l("Exemplar"), coerce=int, validators=[DataRequired()])
