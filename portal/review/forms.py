"""Forms of the review document."""
from __future__ import annotations

from wtforms import IntegerField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.widgets import CheckboxInput, ListWidget
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from portal.directory.services import KIND_LABELS as UNIT_KIND_LABELS
from portal.forms import DateField, FlaskForm, NoMarkup, strip
from portal.i18n import lazy_gettext as _l

from .services import DEFAULT_UNIT_KINDS, KIND_LABELS


class ReviewForm(FlaskForm):
    kind = SelectField(_l("Kind"), choices=list(KIND_LABELS.items()), default="final")
    title = StringField(_l("Title"), [DataRequired(), Length(max=255), NoMarkup()], filters=[strip])
    year_from = IntegerField(_l("From year"), [InputRequired(), NumberRange(2000, 2100)], default=2021)
    year_to = IntegerField(_l("To year"), [InputRequired(), NumberRange(2000, 2100)], default=2025)
    # a few kinds: plain checkboxes (a multi-select needs Ctrl-click)
    unit_kinds = SelectMultipleField(_l("Units covered"), choices=list(UNIT_KIND_LABELS.items()),
                                     default=list(DEFAULT_UNIT_KINDS), widget=ListWidget(prefix_label=False),
                                     option_widget=CheckboxInput())
    number = StringField(_l("Document number"), [Optional(), Length(max=40), NoMarkup()], filters=[strip])
    doc_date = DateField(_l("Document date"), [Optional()])
    signer_title = StringField(_l("Signer's title"), [Optional(), Length(max=120), NoMarkup()], filters=[strip])
    signer_name = StringField(_l("Signer's name"), [Optional(), Length(max=120), NoMarkup()], filters=[strip])


class DetailsForm(FlaskForm):
    title = StringField(_l("Title"), [DataRequired(), Length(max=255), NoMarkup()], filters=[strip])
    number = StringField(_l("Document number"), [Optional(), Length(max=40), NoMarkup()], filters=[strip])
    doc_date = DateField(_l("Document date"), [Optional()])
    signer_title = StringField(_l("Signer's title"), [Optional(), Length(max=120), NoMarkup()], filters=[strip])
    signer_name = StringField(_l("Signer's name"), [Optional(), Length(max=120), NoMarkup()], filters=[strip])


class TextForm(FlaskForm):
    text = TextAreaField(_l("Text"), [Optional(), Length(max=20000), NoMarkup()], filters=[strip])
