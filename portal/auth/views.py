"""Login, logout, own password, language choice."""
from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, logout_user
from sqlalchemy import func, select

from portal.auth.forms import LoginForm, PasswordChangeForm
from portal.extensions import db
from portal.forms import INVALID_FORM
from portal.i18n import gettext as _
from portal.models import User
from portal.rendering import render
from portal import sessions
from portal.audit import record_event
from portal.security import (
    dummy_password_check,
    login_succeeded,
    prune_login_records,
    public,
    record_login_attempt,
    require_login,
    safe_local_path,
    take_login_slot,
)

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str:
    return safe_local_path(target) or url_for("dashboard.index")


def _fresh_session(user: User) -> None:
    """Clear the cookie session (no fixation; the language chosen before stays) and open a new server session."""
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    sessions.start(user)


@bp.route("/login", methods=["GET", "POST"])
@public
def login() -> ResponseReturnValue:
    if current_user.is_authenticated:
        return redirect(_safe_next(request.args.get("next")))
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        username = form.username.data.lower()
        address = request.remote_addr or "?"
        prune_login_records()
        if not take_login_slot(username, address):  # commits: the slot is taken before any password is checked
            minutes = current_app.config["PORTAL_LOGIN_WINDOW_MINUTES"]
            form.username.errors.append(
                _("Too many failed attempts. Try again in %(minutes)s minutes.", minutes=minutes)
            )
            status = 429
        else:
            user = db.session.scalar(select(User).where(func.lower(User.username) == username))
            if user is None:
                dummy_password_check(form.password.data)  # the same work as a known account
                ok = False
            else:
                ok = user.check_password(form.password.data) and user.active
            record_login_attempt(username, address, ok)
            if ok:
                login_succeeded(username, address)
                lang = session.get("lang")
                if lang and not user.locale:
                    user.locale = lang
                _fresh_session(user)
                db.session.commit()
                return redirect(_safe_next(request.args.get("next")))
            db.session.commit()
            # one answer for an unknown name, a wrong password and a deactivated account: nothing to enumerate
            form.password.errors.append(_("Wrong username or password, or the account is deactivated."))
            status = 401
    elif request.method == "POST":
        status = INVALID_FORM
    return render("auth/login.html", form=form, status=status)


@bp.route("/logout", methods=["POST"])
@require_login
def logout() -> ResponseReturnValue:
    sessions.end(current_user)
    db.session.commit()
    logout_user()
    session.clear()
    flash(_("You have logged out."), "info")
    resp = redirect(url_for("auth.login"))
    # the browser drops what it kept of logged-in pages (htmx history lives in localStorage, see portal.js)
    resp.headers["Clear-Site-Data"] = '"cache", "storage"'
    return resp


@bp.route("/logout/everywhere", methods=["POST"])
@require_login
def logout_everywhere() -> ResponseReturnValue:
    user = current_user._get_current_object()
    ended = sessions.end_all(user.id)
    record_event("sessions", user, {"sessions_ended": [None, ended]})
    db.session.commit()
    logout_user()
    session.clear()
    flash(_("You have logged out on every device."), "info")
    resp = redirect(url_for("auth.login"))
    resp.headers["Clear-Site-Data"] = '"cache", "storage"'
    return resp


@bp.route("/account/password", methods=["GET", "POST"])
@require_login
def password() -> ResponseReturnValue:
    form = PasswordChangeForm()
    status = 200
    if form.validate_on_submit():
        if not current_user.check_password(form.current.data):
            form.current.errors.append(_("The current password is wrong."))
            status = INVALID_FORM
        else:
            user = current_user._get_current_object()
            user.set_password(form.new.data)
            # whoever knew the old password is logged out everywhere; this browser continues on a new session
            ended = sessions.end_all(user.id)
            record_event("password", user, {"sessions_ended": [None, max(ended - 1, 0)]})
            _fresh_session(user)
            db.session.commit()
            flash(_("Your password has been changed. You stay logged in here; other devices were logged out."), "success")
            return redirect(url_for("dashboard.index"))
    elif request.method == "POST":
        status = INVALID_FORM
    return render("auth/password.html", form=form, status=status, session_count=sessions.count(current_user.id))


@bp.route("/language", methods=["POST"])
@public
def language() -> ResponseReturnValue:
    lang = request.form.get("lang", "")
    if lang not in current_app.config["PORTAL_LANGUAGES"]:
        return render("errors/error.html", status=400, message=_("Unknown language."))
    session["lang"] = lang
    if current_user.is_authenticated:
        current_user.locale = lang
        db.session.commit()
    return redirect(_safe_next(request.form.get("next")))
