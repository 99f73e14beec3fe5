"""The board (everyone logged in reads it; holders of notices.post write) and its dashboard widget."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, request, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import select
from wtforms import BooleanField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from portal.toolkit import FlaskForm, NoMarkup, _, _l, current_user, db, get_plugin_config, render, require_login, \
    require_permission, strip, INVALID_FORM

from .models import Notice

bp = Blueprint("notices", __name__, template_folder="templates")


class NoticeForm(FlaskForm):
    title = StringField(_l("Title"), filters=[strip], validators=[DataRequired(), Length(max=200), NoMarkup()])
    body = TextAreaField(_l("Content"), filters=[strip], validators=[DataRequired(), Length(max=5000)])
    pinned = BooleanField(_l("Pin to the top"))


def _notices(limit: int | None = None) -> list[Notice]:
    query = select(Notice).order_by(Notice.pinned.desc(), Notice.created_at.desc(), Notice.id.desc())
    return list(db.session.scalars(query.limit(limit) if limit else query))


@bp.get("/")
@require_login
def index() -> ResponseReturnValue:
    return render("notices/index.html", fragment="notices_list", notices=_notices(), form=NoticeForm())


@bp.post("/")
@require_permission("notices.post")
def create() -> ResponseReturnValue:
    form = NoticeForm()
    if not form.validate_on_submit():
        return render("notices/index.html", fragment="notices_form", status=INVALID_FORM, notices=_notices(), form=form)
    notice = Notice(author_id=current_user.id)
    form.populate_obj(notice)
    db.session.add(notice)
    db.session.commit()
    flash(_("Notice “%(title)s” posted.", title=notice.title), "success")
    return redirect(url_for("notices.index"))


@bp.get("/widget")
@require_login
def widget_latest() -> ResponseReturnValue:
    latest = _notices(int(get_plugin_config("NOTICES_WIDGET_COUNT", 3)))
    return render("notices/widget.html", fragment="notices_widget", notices=latest)
