"""Forms of the awards plugin (the ballot itself is read by services.parse_choices, not by a form class)."""
from __future__ import annotations

from typing import Any

from flask_wtf.file import FileField
from wtforms import BooleanField, IntegerField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.widgets import CheckboxInput, ListWidget
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from portal.toolkit import DateField, FlaskForm, NoMarkup, _l, strip

from .models import DENOMINATORS, FUNCTIONS, NOMINEE_KINDS
from .services import DENOMINATOR_LABELS, FUNCTION_LABELS, KIND_LABELS


def _text(label: Any, max_len: int, required: bool = True, area: bool = False) -> Any:
    field = TextAreaField if area else StringField
    return field(label, filters=[strip],
                 validators=[DataRequired() if required else Optional(), Length(max=max_len), NoMarkup()])


def _count(label: Any, minimum: int = 1) -> IntegerField:
    return IntegerField(label, validators=[DataRequired(), NumberRange(min=minimum, max=1000)],
                        render_kw={"inputmode": "numeric"})


class AwardTypeForm(FlaskForm):
    name = _text(_l("Name"), 200)
    giver = _text(_l("Given by"), 200)
    nominee_kinds = SelectMultipleField(_l("Nominee kinds"), choices=[(k, KIND_LABELS[k]) for k in NOMINEE_KINDS],
                                        validators=[DataRequired()], widget=ListWidget(prefix_label=False),
                                        option_widget=CheckboxInput())
    quorum_num = _count(_l("Quorum: numerator"))
    quorum_den = _count(_l("Quorum: denominator"))
    threshold_num = _count(_l("Approval threshold: numerator"))
    threshold_den = _count(_l("Approval threshold: denominator"))
    strictly_more = BooleanField(_l("Strictly more than the threshold (otherwise at least)"))
    denominator = SelectField(_l("Threshold is a fraction of"),
                              choices=[(d, DENOMINATOR_LABELS[d]) for d in DENOMINATORS])
    written_ballots = BooleanField(_l("Absent members' written ballots count"))
    allow_abstain = BooleanField(_l("Ballot offers \"no opinion\""))
    cap_percent = IntegerField(_l("Cap: at most this percentage"), validators=[Optional(), NumberRange(min=1, max=100)])
    cap_of_id = SelectField(_l("Cap: of those approved for"), coerce=int)
    legal_basis = _text(_l("Legal basis"), 2000, required=False, area=True)
    is_example = BooleanField(_l("Example: to be checked against current regulations"))
    active = BooleanField(_l("In use"), default=True)

    def validate_quorum_num(self, field: Any) -> None:
        if field.data and self.quorum_den.data and field.data > self.quorum_den.data:
            raise ValidationError(_l("A fraction cannot exceed 1."))

    def validate_threshold_num(self, field: Any) -> None:
        if field.data and self.threshold_den.data and field.data > self.threshold_den.data:
            raise ValidationError(_l("A fraction cannot exceed 1."))

    def validate_cap_percent(self, field: Any) -> None:
        if field.data and not self.cap_of_id.data:
            raise ValidationError(_l("Choose the award type the cap refers to."))


class CouncilMemberForm(FlaskForm):
    user_id = SelectField(_l("User"), coerce=int)
    function = SelectField(_l("Function"), choices=[(f, FUNCTION_LABELS[f]) for f in FUNCTIONS])


class RoundForm(FlaskForm):
    name = _text(_l("Name"), 200)
    year = IntegerField(_l("Year"), validators=[DataRequired(), NumberRange(min=2000, max=2100)])
    deadline = DateField(_l("Nomination deadline"))
    open = BooleanField(_l("Units may nominate"), default=True)


class NominationForm(FlaskForm):
    unit_id = SelectField(_l("Nominating unit"), coerce=int)
    award_type_id = SelectField(_l("Award"), coerce=int)
    kind = SelectField(_l("Nominee kind"), choices=[(k, KIND_LABELS[k]) for k in NOMINEE_KINDS])
    nominee = _text(_l("Nominee (collective, person or head of household)"), 200)
    position = _text(_l("Position or address"), 200, required=False)
    achievements = _text(_l("Summary of achievements"), 8000, area=True)


class FileForm(FlaskForm):
    file = FileField(_l("Attachment (PDF, Word, photo)"))


class ReviewForm(FlaskForm):
    decision = SelectField(_l("Eligibility"), choices=[("eligible", _l("Eligible")), ("ineligible", _l("Not eligible"))])
    note = _text(_l("Note"), 2000, required=False, area=True)


class SessionForm(FlaskForm):
    title = _text(_l("Title"), 200)
    number = _text(_l("Minutes number"), 40, required=False)
    meeting_date = DateField(_l("Meeting date"), validators=[DataRequired()])
    counting_head = _text(_l("Head of the counting board"), 120, required=False)
    counting_members = _text(_l("Other members of the counting board (one a line)"), 1000, required=False, area=True)
    place = _text(_l("Place of the meeting"), 200, required=False)
    council_unit_id = SelectField(_l("Council of"), coerce=int, default=0, choices=[])
