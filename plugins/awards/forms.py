"""Forms of the awards plugin (the ballot itself is read by services.voting.parse_choices, not by a form class)."""
from __future__ import annotations

from typing import Any

from flask_wtf.file import FileField
from wtforms import BooleanField, IntegerField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.widgets import CheckboxInput, ListWidget
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from portal.toolkit import DateField, FlaskForm, MoneyField, NoMarkup, _l, strip

from .models import DENOMINATORS, FUNCTIONS, NOMINEE_KINDS
from .labels import DENOMINATORS as DENOMINATOR_LABELS, FUNCTIONS as FUNCTION_LABELS, KINDS as KIND_LABELS


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
    requires_registration = BooleanField(_l("A nomination needs an approved emulation registration of this title"))
    lookback_type_id = SelectField(_l("Look-back: the nominee must already hold"), coerce=int, default=0)
    lookback_years = IntegerField(_l("Look-back: in this many consecutive years"),
                                  validators=[Optional(), NumberRange(min=1, max=20)])
    lookback_through_round_year = BooleanField(_l("Look-back: the years end with the round's year (otherwise the "
                                                  "year before it)"))
    bonus = MoneyField(_l("Bonus proposed in a decision (đồng)"), maximum=1_000_000_000)

    def validate_lookback_years(self, field: Any) -> None:
        if bool(field.data) != bool(self.lookback_type_id.data):
            raise ValidationError(_l("A look-back needs both the title and the number of years."))

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


class RegistrationReviewForm(FlaskForm):
    decision = SelectField(_l("Decision"), choices=[("approve", _l("Approve")), ("return", _l("Return with a comment"))])
    note = _text(_l("Comment"), 2000, required=False, area=True)


class DraftDecisionForm(FlaskForm):
    sessions = SelectMultipleField(_l("Voting sessions (published)"), coerce=int, validators=[DataRequired()],
                                   widget=ListWidget(prefix_label=False), option_widget=CheckboxInput())
    subject = _text(_l("Subject"), 300)
    decision_date = DateField(_l("Date of the decision"), validators=[DataRequired()])


class DecisionForm(FlaskForm):
    subject = _text(_l("Subject"), 300)
    decision_date = DateField(_l("Date of the decision"), validators=[DataRequired()])
    signer_title = _text(_l("Signer's title"), 120)
    signer_name = _text(_l("Signer"), 120, required=False)
    basis = _text(_l("Legal basis (one \"Căn cứ …\" line each)"), 6000, area=True)
    proposal = _text(_l("Proposal line"), 2000, required=False, area=True)
    article2 = _text(_l("Article 2"), 4000, area=True)
    article3 = _text(_l("Article 3"), 4000, area=True)
    recipients = _text(_l("Recipients (one per line)"), 2000, area=True)
    submission_number = _text(_l("Submission number"), 40, required=False)
    submission_date = DateField(_l("Date of the submission"))
    submission_text = _text(_l("Submission text"), 6000, area=True)
    public = BooleanField(_l("Publish the list on the public page once issued"))


class LineForm(FlaskForm):
    kind = SelectField(_l("Nominee kind"), choices=[(k, KIND_LABELS[k]) for k in NOMINEE_KINDS])
    nominee = _text(_l("Name"), 200)
    position_text = _text(_l("Position or address"), 200, required=False)
    unit_name = _text(_l("Unit"), 200, required=False)
    award_name = _text(_l("Award form"), 200)
    bonus = MoneyField(_l("Bonus (đồng)"), maximum=1_000_000_000)


class AchievementForm(FlaskForm):
    kind = SelectField(_l("Kind"), choices=[(k, KIND_LABELS[k]) for k in NOMINEE_KINDS])
    holder = _text(_l("Collective, person or household"), 200)
    position_text = _text(_l("Position or address"), 200, required=False)
    unit_id = SelectField(_l("Unit"), coerce=int)
    year = IntegerField(_l("Year"), validators=[DataRequired(), NumberRange(min=1945, max=2100)])
    award_type_id = SelectField(_l("Award or title"), coerce=int)
    title = _text(_l("Title as written in the decision (when not in the list)"), 200, required=False)
    decision_number = _text(_l("Decision number"), 60)
    decision_date = DateField(_l("Decision date"))
    note = _text(_l("Note"), 2000, required=False, area=True)

    def validate_award_type_id(self, field: Any) -> None:
        if not field.data and not self.title.data:
            raise ValidationError(_l("Choose the award or write its title."))
