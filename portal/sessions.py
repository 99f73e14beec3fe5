"""Server-side login sessions: each logged-in browser has a row, so any session can be ended, copied cookie or not."""
from __future__ import annotations

import datetime as dt
import functools
import hashlib
import secrets
from typing import Any

from flask import current_app
from flask_login import login_user
from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import lazyload

from portal.extensions import db
from portal.models import Notification, Role, RoleGrant, User, UserSession, user_roles, utcnow


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _oldest() -> dt.datetime:
    return utcnow() - dt.timedelta(days=current_app.config["PORTAL_SESSION_MAX_DAYS"])


def start(user: User) -> None:
    """Open a new session for ``user`` in this browser (the caller commits); forget sessions past their age."""
    db.session.execute(db.delete(UserSession).where(UserSession.created_at < _oldest()))
    token = secrets.token_urlsafe(32)
    db.session.add(UserSession(token_hash=_hash(token), user_id=user.id))
    user.session_token = token
    login_user(user)


@functools.cache
def _load_statement() -> Any:
    """The session loader's one query, built once per process (building it cost more than running it).

    Every request needs the user's permissions: they come with the user row, as one string aggregated in SQL
    ("role<TAB>permission<TAB>scope" lines), rather than as role and grant objects from two more queries; the
    menu's unread badge, on every page, comes with it too."""
    grants = (select(func.aggregate_strings(
        Role.code + "\t" + func.coalesce(RoleGrant.permission, "") + "\t" + func.coalesce(RoleGrant.scope, ""), "\n"))
        .select_from(user_roles).join(Role, Role.id == user_roles.c.role_id)
        .outerjoin(RoleGrant, RoleGrant.role_id == Role.id)
        .where(user_roles.c.user_id == User.id).scalar_subquery())
    unread = (select(func.count(Notification.id)).where(Notification.user_id == User.id, Notification.read_at.is_(None))
              .scalar_subquery())
    return (select(User, grants, unread).join(UserSession, UserSession.user_id == User.id)
            .where(User.id == bindparam("user_id"), UserSession.token_hash == bindparam("token_hash"),
                   UserSession.created_at >= bindparam("oldest"))
            .options(lazyload(User.roles), lazyload(User.unit)))  # the unit's row is read where it is used, not per request


def load(session_id: str) -> User | None:
    """Return the active user of a live session "<user id>:<token>", else None (ended, forged or old cookie)."""
    user_id, _, token = session_id.partition(":")
    if not token or not user_id.isdigit() or len(user_id) > 10:
        return None
    row = db.session.execute(_load_statement(), {
        "user_id": int(user_id), "token_hash": _hash(token), "oldest": _oldest()}).first()
    if row is None or not row[0].active:  # a deactivated user's open sessions end with their next request
        return None
    user, packed, unread_count = row
    user.unread_notices = int(unread_count or 0)
    lines = [line.split("\t") for line in packed.split("\n")] if packed else []
    user.remember_grants([(code, permission or None, scope or None) for code, permission, scope in lines])
    user.session_token = token
    return user


def end(user: User) -> None:
    """End the session ``user`` was loaded for (the caller commits)."""
    if user.session_token:
        db.session.execute(db.delete(UserSession).where(UserSession.token_hash == _hash(user.session_token)))


def end_all(user_id: int, keep: User | None = None) -> int:
    """End every session of a user, except the one ``keep`` was loaded for; return how many ended."""
    stmt = db.delete(UserSession).where(UserSession.user_id == user_id)
    if keep is not None and keep.session_token:
        stmt = stmt.where(UserSession.token_hash != _hash(keep.session_token))
    return db.session.execute(stmt).rowcount or 0


def count(user_id: int) -> int:
    from sqlalchemy import func

    return db.session.scalar(select(func.count()).select_from(UserSession).where(UserSession.user_id == user_id)) or 0
