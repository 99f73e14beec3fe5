"""Dashboard: the user's tasks and the plugin widget slots; in-app notifications."""
from __future__ import annotations

from flask import Blueprint, current_app, redirect, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from sqlalchemy import select, update

from portal.extensions import db
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


@bp.route("/healthz")
@public
def healthz() -> ResponseReturnValue:
    db.session.execute(select(1))
    return {"status": "ok"}
