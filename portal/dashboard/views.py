"""Dashboard: the user's tasks and the plugin widget slots; in-app notifications."""
from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from sqlalchemy import select, update

from portal import notifications as notices
from portal.dashboard.forms import NoticeSettingsForm
from portal.extensions import db
from portal.forms import form_status
from portal.i18n import gettext as _
from portal.models import Notification, utcnow
from portal.plugin import SCOPE_ALL
from portal.rendering import render
from portal.security import public, require_login

bp = Blueprint("dashboard", __name__)


@bp.route("/")
@require_login
def index() -> ResponseReturnValue:
    widgets = [
        w for w in current_app.extensions["portal"].widgets
        if w.permission is None
        or (current_user.scope(w.permission) == SCOPE_ALL if w.all_units else current_user.can(w.permission))
    ]
    notes = list(
        db.session.scalars(
            select(Notification)
            .where(Notification.user_id == current_user.id, Notification.read_at.is_(None))
            .order_by(Notification.id.desc())
            .limit(5)
        )
    )
    return render("dashboard/index.html", widgets=widgets, notifications=notes)


@bp.route("/notifications/")
@require_login
def notifications() -> ResponseReturnValue:
    notes = list(
        db.session.scalars(
            select(Notification).where(Notification.user_id == current_user.id).order_by(Notification.id.desc()).limit(100)
        )
    )
    return render("dashboard/notifications.html", notifications=notes)


@bp.route("/notifications/read", methods=["POST"])
@require_login
def notifications_read() -> ResponseReturnValue:
    db.session.execute(
        update(Notification)
        .where(Notification.user_id == current_user.id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
    )
    db.session.commit()
    return redirect(url_for("dashboard.notifications"))


@bp.route("/notifications/settings", methods=["GET", "POST"])
@require_login
def notice_settings() -> ResponseReturnValue:
    form = NoticeSettingsForm()
    form.kinds.choices = [(k.code, str(k.label)) for k in notices.notice_kinds()]
    if form.validate_on_submit():
        current_user.email = form.email.data or None
        notices.save_email_choices(current_user.id, form.kinds.data or [])
        db.session.commit()
        flash(_("Your notice settings are saved."), "success")
        return redirect(url_for("dashboard.notice_settings"))
    if not form.is_submitted():
        form.email.data = current_user.email
        form.kinds.data = [code for code, on in notices.email_choices(current_user.id).items() if on]
    return render("dashboard/notice_settings.html", form=form, status=form_status(form),
                  mail_enabled=bool(current_app.config.get("PORTAL_SMTP_HOST")))


@bp.route("/healthz")
@public
def healthz() -> ResponseReturnValue:
    db.session.execute(select(1))
    return {"status": "ok"}
