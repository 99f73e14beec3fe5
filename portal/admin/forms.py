"""Administration forms: users and role grants."""
from __future__ import annotations

from wtforms import BooleanField, PasswordField, SelectField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, Email, Length, Optional, Regexp, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from portal.forms import DateField, FlaskForm, LeanSelect, NoMarkup, strip
from portal.i18n import lazy_gettext as _l


class UserForm(FlaskForm):
    username = StringField(
        _l("Username"),
        filters=[strip, lambda v: v.lower() if isinstance(v, str) else v],
        validators=[
            DataRequired(),
            Length(min=3, max=60),
            Regexp(r"^[a-z0-9._-]+$", message=_l("Use only letters a-z, digits, dot, dash and underscore.")),
        ],
    )
    full_name = StringField(_l("Full name"), filters=[strip], validators=[DataRequired(), Length(max=120), NoMarkup()])
    email = StringField(
        _l("E-mail"),
        filters=[strip],
        validators=[Optional(), Length(max=120), Email(message=_l("Enter a valid e-mail address."), check_deliverability=False)],
    )
    phone = StringField(
        _l("Phone"),
        filters=[strip],
        validators=[Optional(), Length(max=30), Regexp(r"^[0-9 +().-]+$", message=_l("Enter a valid phone number."))],
    )
    unit_id = SelectField(_l("Unit"), coerce=int, validate_choice=True)
    roles = SelectMultipleField(
        _l("Roles"), coerce=int, widget=ListWidget(prefix_label=False), option_widget=CheckboxInput()
    )
    active = BooleanField(_l("Active"), default=True)
    password = PasswordField(
        _l("Password"),
        validators=[Optional(), Length(min=8, max=200, message=_l("Use between 8 and 200 characters."))],
    )


class ResetPasswordForm(FlaskForm):
    password = PasswordField(
        _l("New password"),
        validators=[DataRequired(), Length(min=8, max=200, message=_l("Use between 8 and 200 characters."))],
    )


class GrantForm(FlaskForm):
    permission = SelectField(_l("Permission"), validate_choice=True)
    scope = SelectField(
        _l("Scope"), choices=[("all", _l("All units")), ("unit", _l("Own unit only"))], validate_choice=True
    )


class AuditFilterForm(FlaskForm):
    """Filters of the audit log, read from the query string (a GET form: no CSRF token)."""

    class Meta:
        csrf = False

    type = SelectField(_l("Record type"), default="", validate_choice=True, widget=LeanSelect())
    actor = StringField(_l("Who"), filters=[strip], validators=[Optional(), Length(max=120)])
    date_from = DateField(_l("From (date)"))
    date_to = DateField(_l("To (date)"))

    def validate_date_to(self, field: DateField) -> None:
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError(_l("The end date must not be before the start date."))
