"""Forms of the inspections plugin (labels in English, translated through the plugin catalog)."""
from __future__ import annotations

from wtforms import BooleanField, DecimalField, IntegerField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from portal.toolkit import DateField, FlaskForm, LeanSelect, NoMarkup, _l, strip

from .labels import ANSWER_TYPES


class TemplateForm(FlaskForm):
    code = StringField(_l("Code"), filters=[strip], validators=[DataRequired(), Length(max=40), NoMarkup()])
    title = StringField(_l("Title"), filters=[strip], validators=[DataRequired(), Length(max=255), NoMarkup()])
    description = TextAreaField(_l("Description"), filters=[strip], validators=[Optional(), Length(max=4000), NoMarkup()])


class SectionForm(FlaskForm):
    title = StringField(_l("Section title"), filters=[strip], validators=[DataRequired(), Length(max=255), NoMarkup()])
    position = IntegerField(_l("Position"), default=1, validators=[InputRequired(), NumberRange(1, 999)])


class ItemForm(FlaskForm):
    section_id = SelectField(_l("Section"), coerce=int)
    position = IntegerField(_l("Position"), default=1, validators=[InputRequired(), NumberRange(1, 9999)])
    text = TextAreaField(_l("Question"), filters=[strip], validators=[DataRequired(), Length(max=2000), NoMarkup()])
    guidance = TextAreaField(_l("Guidance for the inspector"), filters=[strip],
                             validators=[Optional(), Length(max=4000), NoMarkup()])
    answer_type = SelectField(_l("Answer type"), choices=list(ANSWER_TYPES.items()))
    max_score = DecimalField(_l("Score (points; for numbers the largest value)"), places=2,
                             validators=[Optional(), NumberRange(0, 100000)])
    weight = DecimalField(_l("Weight"), places=2, default=1, validators=[InputRequired(), NumberRange(0, 1000)])
    note_required_on_fail = BooleanField(_l("A note is required when the item fails"))
    photo_required = BooleanField(_l("A photo is required"))


class PlanForm(FlaskForm):
    template_id = SelectField(_l("Checklist"), coerce=int)
    unit_id = SelectField(_l("Unit inspected"), coerce=int, widget=LeanSelect())
    year = IntegerField(_l("Year"), validators=[InputRequired(), NumberRange(2000, 2100)])
    planned_date = DateField(_l("Planned date"), validators=[DataRequired()])
    leader_id = SelectField(_l("Team leader"), coerce=int)
    member_ids = SelectMultipleField(_l("Team members"), coerce=int)
    scope = TextAreaField(_l("Content and scope"), filters=[strip], validators=[Optional(), Length(max=4000), NoMarkup()])
    previous_id = SelectField(_l("Follow-up of"), coerce=int)


class SignForm(FlaskForm):
    number = StringField(_l("Minutes number (empty: the next number)"), filters=[strip],
                         validators=[Optional(), Length(max=40), NoMarkup()], render_kw={"placeholder": "12/BB-ĐKT"})
    unit_representative = StringField(_l("Representative of the unit inspected"), filters=[strip],
                                      validators=[DataRequired(), Length(max=120), NoMarkup()])
    conclusion = TextAreaField(_l("Conclusion"), filters=[strip], validators=[Optional(), Length(max=4000), NoMarkup()])


class FindingForm(FlaskForm):
    recommendation = TextAreaField(_l("Recommendation"), filters=[strip],
                                   validators=[DataRequired(), Length(max=4000), NoMarkup()])
    responsible_unit_id = SelectField(_l("Responsible unit"), coerce=int, widget=LeanSelect())  # every unit
    due_date = DateField(_l("Due date"), validators=[DataRequired()])


class ManualFindingForm(FindingForm):
    """A finding the team writes by hand on the inspection (the checklist item is optional)."""

    item_number = StringField(_l("Number of the checklist item (e.g. 2.3; empty: none)"), filters=[strip],
                              validators=[Optional(), Length(max=12)], render_kw={"inputmode": "decimal"})
    description = TextAreaField(_l("What the team found"), filters=[strip],
                                validators=[DataRequired(), Length(max=4000), NoMarkup()])
    recommendation = TextAreaField(_l("Recommendation"), filters=[strip],
                                   validators=[Optional(), Length(max=4000), NoMarkup()])


class ProgressForm(FlaskForm):
    text = TextAreaField(_l("Progress"), filters=[strip], validators=[DataRequired(), Length(max=4000), NoMarkup()])
    done = BooleanField(_l("The finding is fixed; ask the team to verify"))


class VerifyForm(FlaskForm):
    text = TextAreaField(_l("Verification note"), filters=[strip], validators=[DataRequired(), Length(max=4000), NoMarkup()])
