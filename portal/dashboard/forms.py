"""The user's own notice settings."""
from __future__ import annotations

from wtforms import SelectMultipleField, StringField
from wtforms.validators import Email, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from portal.forms import FlaskForm, strip
from portal.i18n import lazy_gettext as _l


class NoticeSettingsForm(FlaskForm):
    email = StringField(
        _l("E-mail"),
        filters=[strip],
        validators=[Optional(), Length(max=120), Email(message=_l("Enter a valid e-mail address."), check_deliverability=False)],
    )
    kinds = SelectMultipleField(
        _l("Also send these notices by e-mail"), widget=ListWidget(prefix_label=False), option_widget=CheckboxInput()
    )
