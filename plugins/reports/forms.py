"""Forms of the report intake (the report itself is built from its form version, see services.values.parse_value)."""
from __future__ import annotations

from wtforms import BooleanField, IntegerField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.widgets import CheckboxInput, ListWidget
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from portal.toolkit import DateField, FlaskForm, NoMarkup, UnitsField, _l, strip

from .labels import AGGREGATION_LABELS, KIND_LABELS, OPERATOR_LABELS, ON_TIME_RULE_LABELS, PERIOD_KIND_LABELS, POLICY_LABELS, UNIT_KIND_LABELS


class KindsField(SelectMultipleField):
    """Unit kinds as a list of checkboxes (no Ctrl-click)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class ReportFormForm(FlaskForm):
    name = StringField(_l("Form name"), [DataRequired(), Length(max=200), NoMarkup()], filters=[strip])
    description = TextAreaField(_l("Description"), [Optional(), Length(max=2000), NoMarkup()], filters=[strip])


class FieldForm(FlaskForm):
    label = StringField(_l("Label"), [DataRequired(), Length(max=255), NoMarkup()], filters=[strip])
    kind = SelectField(_l("Type"), choices=list(KIND_LABELS.items()))
    help = StringField(_l("Help text"), [Optional(), Length(max=500), NoMarkup()], filters=[strip])
    required = BooleanField(_l("Required"))
    min_value = StringField(_l("Minimum"), [Optional(), Length(max=20)], filters=[strip])
    max_value = StringField(_l("Maximum"), [Optional(), Length(max=20)], filters=[strip])
    choices = TextAreaField(_l("Options (one per line)"), [Optional(), Length(max=4000), NoMarkup()], filters=[strip])
    aggregation = SelectField(_l("District roll-up"), choices=list(AGGREGATION_LABELS.items()), default="sum")
    unit_kinds = KindsField(_l("Units counted in the roll-up"), choices=list(UNIT_KIND_LABELS.items()),
                                     default=["commune"])


class AggregationForm(FlaskForm):
    """How one existing field rolls up (sum, average, …) and which unit kinds it counts."""

    aggregation = SelectField(_l("District roll-up"), choices=list(AGGREGATION_LABELS.items()))
    unit_kinds = KindsField(_l("Units counted in the roll-up"), choices=list(UNIT_KIND_LABELS.items()))


class IndicatorForm(FlaskForm):
    code = StringField(_l("Code"), [DataRequired(), Length(max=40)], filters=[strip])
    name = StringField(_l("Name"), [DataRequired(), Length(max=200), NoMarkup()], filters=[strip])
    numerator = StringField(_l("Numerator"), [DataRequired(), Length(max=255)], filters=[strip])
    denominator = StringField(_l("Denominator (optional)"), [Optional(), Length(max=255)], filters=[strip])
    multiplier = StringField(_l("Multiplier"), [Optional(), Length(max=20)], filters=[strip], default="1")
    unit_label = StringField(_l("Unit of measure"), [Optional(), Length(max=40), NoMarkup()], filters=[strip])
    decimals = IntegerField(_l("Decimals shown"), [Optional(), NumberRange(0, 6)], default=2)
    lower_is_better = BooleanField(_l("Lower is better"))
    unit_kinds = KindsField(_l("Unit kinds counted"), choices=list(UNIT_KIND_LABELS.items()),
                                     default=["commune"])
    description = TextAreaField(_l("Description"), [Optional(), Length(max=2000), NoMarkup()], filters=[strip])


class RuleForm(FlaskForm):
    """A cross-field rule picked from lists: a number field, a comparison, the sum of other number fields and/or a
    number (stored as the expression "a + b + 5", evaluated without eval, see services.values)."""

    left = SelectField(_l("Field"), choices=[])
    operator = SelectField(_l("Comparison"), choices=list(OPERATOR_LABELS.items()))
    right_fields = SelectMultipleField(_l("Compared with the sum of"), choices=[])
    right_number = StringField(_l("…plus this number"), [Optional(), Length(max=20)], filters=[strip])
    message = StringField(_l("Message when broken"), [DataRequired(), Length(max=255), NoMarkup()], filters=[strip])


class PeriodForm(FlaskForm):
    name = StringField(_l("Name"), [DataRequired(), Length(max=200), NoMarkup()], filters=[strip])
    kind = SelectField(_l("Kind"), choices=list(PERIOD_KIND_LABELS.items()))
    year = IntegerField(_l("Year"), [InputRequired(), NumberRange(2000, 2100)])
    version_id = SelectField(_l("Form version"), coerce=int, choices=[])
    opens_on = DateField(_l("Opens on"), [InputRequired()])
    deadline = DateField(_l("Deadline"), [Optional()])
    on_time_rule = SelectField(_l("On time when submitted"), choices=list(ON_TIME_RULE_LABELS.items()), default="before")
    late_policy = SelectField(_l("After the deadline"), choices=list(POLICY_LABELS.items()))
    unit_kinds = KindsField(_l("Assign units of these kinds"), choices=list(UNIT_KIND_LABELS.items()))
    unit_ids = UnitsField(_l("…and/or these units"), choices=[])


class ExtensionForm(FlaskForm):
    unit_id = SelectField(_l("Unit"), coerce=int, choices=[])
    until = DateField(_l("Extended until"), [InputRequired()])


class ReturnForm(FlaskForm):
    comment = TextAreaField(_l("What must be corrected"), [Optional(), Length(max=4000), NoMarkup()],
                            filters=[strip])  # or a comment per field (note.<key>), see views.review
