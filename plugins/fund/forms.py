"""Forms of the fund; choices are filled by the views. Money fields refuse negatives, decimals and huge values."""
from __future__ import annotations

from wtforms import BooleanField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from portal.toolkit import DateField, FlaskForm, MoneyField, NoMarkup, _l, strip

from . import labels

_text = [strip]
_required_money = [InputRequired(message=_l("Enter the amount."))]


class ContributionForm(FlaskForm):
    date = DateField(_l("Date received"), validators=[DataRequired(message=_l("Enter the date."))])
    donor_unit_id = SelectField(_l("Donor unit (from the directory)"), coerce=int, default=0)
    donor_name = StringField(_l("Or donor name (person, household, enterprise, organisation)"), filters=_text,
                             validators=[Optional(), Length(max=200), NoMarkup()])
    donor_address = StringField(_l("Donor's address"), filters=_text,
                                validators=[Optional(), Length(max=300), NoMarkup()])
    donor_type = SelectField(_l("Donor type"), choices=list(labels.DONOR_TYPES.items()))
    amount = MoneyField(_l("Amount (đồng)"), minimum=1, validators=_required_money)
    method = SelectField(_l("Method"), choices=list(labels.METHODS.items()))
    in_kind_description = StringField(_l("Goods given in kind (description)"), filters=_text,
                                      validators=[Optional(), Length(max=300), NoMarkup()])
    campaign_id = SelectField(_l("Campaign"), coerce=int, default=0)
    mobilised_by_id = SelectField(_l("Unit credited with mobilising it"), coerce=int, default=0)
    anonymous = BooleanField(_l("Anonymous in public (shown as “Nhà hảo tâm”)"))
    note = TextAreaField(_l("Internal note"), filters=_text, validators=[Optional(), Length(max=2000), NoMarkup()])


class ReasonForm(FlaskForm):
    reason = StringField(_l("Reason"), filters=_text,
                         validators=[DataRequired(message=_l("Give the reason.")), Length(max=500), NoMarkup()])
    date = DateField(_l("Date of the correction"), validators=[Optional()])


class DisbursementForm(FlaskForm):
    category_id = SelectField(_l("Category"), coerce=int)
    beneficiary = StringField(_l("Beneficiary household (head's full name)"), filters=_text,
                              validators=[DataRequired(message=_l("Enter the household head's name.")), Length(max=200), NoMarkup()])
    commune_id = SelectField(_l("Commune"), coerce=int)
    village = StringField(_l("Village"), filters=_text, validators=[Optional(), Length(max=120), NoMarkup()])
    household_status = SelectField(_l("Household status"), choices=list(labels.STATUSES.items()))
    amount = MoneyField(_l("Amount (đồng)"), minimum=1, validators=_required_money)
    purpose = StringField(_l("Purpose"), filters=_text,
                          validators=[DataRequired(message=_l("Enter the purpose.")), Length(max=500), NoMarkup()])
    decision_no = StringField(_l("Decision number"), filters=_text, validators=[Optional(), Length(max=80), NoMarkup()])
    note = TextAreaField(_l("Internal note"), filters=_text, validators=[Optional(), Length(max=2000), NoMarkup()])


class PayForm(FlaskForm):
    paid_on = DateField(_l("Payment date"), validators=[DataRequired(message=_l("Enter the date."))])


class RejectForm(FlaskForm):
    reason = StringField(_l("Reason"), filters=_text,
                         validators=[DataRequired(message=_l("Give the reason.")), Length(max=500), NoMarkup()])


class YearForm(FlaskForm):
    label = IntegerField(_l("Fund year (year it starts)"),
                         validators=[InputRequired(message=_l("Enter the year.")), NumberRange(2000, 2100)])
    carried_in = MoneyField(_l("Money carried in from outside the ledger (đồng)"), default=0)


class CampaignForm(FlaskForm):
    name = StringField(_l("Name"), filters=_text,
                       validators=[DataRequired(message=_l("Enter the name.")), Length(max=200), NoMarkup()])
    start = DateField(_l("From"), validators=[DataRequired(message=_l("Enter the date."))])
    end = DateField(_l("To"), validators=[DataRequired(message=_l("Enter the date."))])
    goal = MoneyField(_l("Goal (đồng)"), validators=_required_money)


class CategoryForm(FlaskForm):
    name = StringField(_l("Name"), filters=_text,
                       validators=[DataRequired(message=_l("Enter the name.")), Length(max=120), NoMarkup()])
    kind = SelectField(_l("Counted as"), choices=list(labels.CATEGORY_KINDS.items()))
    active = BooleanField(_l("In use"), default=True)


class PledgeForm(FlaskForm):
    unit_id = SelectField(_l("Unit"), coerce=int)
    amount = MoneyField(_l("Pledged amount (đồng)"), validators=_required_money)
