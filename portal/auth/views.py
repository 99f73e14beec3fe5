"""Login, logout, own password, language choice."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_user, logout_user
from sqlalchemy import func, select

from portal.auth.forms import LoginForm, PasswordChangeForm
from portal.extensions import db
from portal.i18n import gettext as _
from portal.models import User
from portal.rendering import render
from portal.security import login_blocked, public, record_login_attempt, require_login

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str:
    if target:
        parts = urlsplit(target)
        if (
            not parts.scheme
            and not parts.netloc
            and target.startswith("/")
            and not target.startswith("//")
            and "\\" not in target
        ):
            return target
    return url_for("dashboard.index")


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
        if login_blocked(username, address):
            minutes = current_app.config["PORTAL_LOGIN_WINDOW_MINUTES"]
            form.username.errors.append(
                _("Too many failed attempts. Try again in %(minutes)s minutes.", minutes=minutes)
            )
            status = 429
        else:
            user = db.session.scalar(select(User).where(func.lower(User.username) == username))
            ok = user is not None and user.check_password(form.password.data)
            if ok and not user.active:
                record_login_attempt(username, address, False)
                db.session.commit()
                form.username.errors.append(_("This account has been deactivated."))
                status = 403
            elif ok:
                record_login_attempt(username, address, True)
                db.session.commit()
                lang = session.get("lang")
                session.clear()  # a fresh session at login (no fixation); the language chosen before stays
                if lang and not user.locale:
                    user.locale = lang
                    db.session.commit()
                login_user(user)
                return redirect(_safe_next(request.args.get("next")))
            else:
                record_login_attempt(username, address, False)
                db.session.commit()
                form.password.errors.append(_("Wrong username or password."))
                status = 401
    elif request.method == "POST":
        status = 400
    return render("auth/login.html", form=form, status=status)


@bp.route("/logout", methods=["POST"])
@require_login
def logout() -> ResponseReturnValue:
    logout_user()
    session.clear()
    flash(_("You have logged out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@require_login
def password() -> ResponseReturnValue:
    form = PasswordChangeForm()
    status = 200
    if form.validate_on_submit():
        if not current_user.check_password(form.current.data):
            form.current.errors.append(_("The current password is wrong."))
            status = 400
        else:
            current_user.set_password(form.new.data)
            db.session.commit()
            flash(_("Your password has been changed."), "success")
            return redirect(url_for("dashboard.index"))
    elif request.method == "POST":
        status = 400
    return render("auth/password.html", form=form, status=status)


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
