"""Access rules: every view declares who may use it; permissions and unit scopes; login throttling."""
from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar
from urllib.parse import urlsplit

from flask import abort, current_app
from flask_login import current_user
from sqlalchemy import ColumnElement, false, true
from sqlalchemy.sql.elements import True_

from portal.extensions import db
from portal.integrity import upsert
from portal.i18n import lazy_gettext as _l
from portal.models import LoginAttempt, LoginThrottle, utcnow
from portal.plugin import SCOPE_ALL, SCOPE_UNIT, Permission

F = TypeVar("F", bound=Callable[..., Any])
S = TypeVar("S")

#: Marker attribute set on every view function by the decorators below; a test walks url_map for it.
ACCESS_ATTR = "_portal_access"

# Core permissions with their initial role grants.
CORE_PERMISSIONS: tuple[Permission, ...] = (
    Permission("portal.admin", _l("Administer users, roles and settings"), {"admin": SCOPE_ALL}),
    Permission("portal.audit", _l("Read the audit log"), {"admin": SCOPE_ALL}),
    Permission(
        "directory.view",
        _l("View the unit directory"),
        {
            "admin": SCOPE_ALL,
            "standing_office": SCOPE_ALL,
            "council_secretariat": SCOPE_ALL,
            "council_member": SCOPE_ALL,
            "fund_board": SCOPE_ALL,
            "inspector": SCOPE_ALL,
            "leadership": SCOPE_ALL,
            "unit_reporter": SCOPE_UNIT,
        },
    ),
    Permission("directory.edit", _l("Edit units, import and export the directory"), {"admin": SCOPE_ALL}),
    Permission("review.manage", _l("Draft, edit and regenerate the movement reviews"),
               {"admin": SCOPE_ALL, "standing_office": SCOPE_ALL}),
    Permission("review.view", _l("Read and print the movement reviews"),
               {"admin": SCOPE_ALL, "standing_office": SCOPE_ALL, "leadership": SCOPE_ALL}),
)


def _mark(view: F, access: str) -> F:
    setattr(view, ACCESS_ATTR, access)
    return view


def public(view: F) -> F:
    """Mark a view as open to anyone, logged in or not."""
    return _mark(view, "public")


def require_login(view: F) -> F:
    """Any logged-in, active user may use this view."""

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if not current_user.is_authenticated:
            return current_app.login_manager.unauthorized()
        return view(*args, **kwargs)

    return _mark(wrapped, "login")


def require_permission(*codes: str) -> Callable[[F], F]:
    """Allow users holding any of ``codes`` (in any scope); others get 403, anonymous users the login page.

    Unit scoping of the data itself is the view's job: use ``unit_clause``/``check_unit``.
    """

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                return current_app.login_manager.unauthorized()
            if not any(current_user.can(code) for code in codes):
                abort(403)
            return view(*args, **kwargs)

        return _mark(wrapped, "perm:" + ",".join(codes))  # type: ignore[arg-type]

    return decorator


def unit_clause(permission: str, column: Any) -> ColumnElement[bool]:
    """Return a WHERE clause limiting ``column`` (a unit id) to what the current user may see."""
    scope = current_user.scope(permission) if current_user.is_authenticated else None
    if scope == SCOPE_ALL:
        return true()
    if scope == SCOPE_UNIT:
        return column == current_user.unit_id
    return false()


def scoped(stmt: S, scope: ColumnElement[bool] | None) -> S:
    """``stmt`` limited by a unit clause (``unit_clause``): unchanged when the clause lets every unit through, so a
    statement built once with bind parameters is reused as it is, with its SQLAlchemy cache key (building a
    statement and its key anew cost more than running it on the reports pages); limited with ``where`` otherwise."""
    if scope is None or isinstance(scope, True_):
        return stmt
    return stmt.where(scope)  # type: ignore[attr-defined,no-any-return]


def check_unit(permission: str, unit_id: int | None) -> None:
    """Abort with 403 unless the current user holds ``permission`` for ``unit_id``."""
    if not current_user.is_authenticated or not current_user.can(permission, unit_id if unit_id else -1):
        abort(403)


# --- login throttling (kept in the database so it holds across gunicorn workers) ---

def _window() -> dt.timedelta:
    return dt.timedelta(minutes=current_app.config["PORTAL_LOGIN_WINDOW_MINUTES"])


def _take_slot(key: str, limit: int, now: dt.datetime) -> bool:
    """Atomically count one try against ``key``; False when the window's ``limit`` is used up.

    One conditional UPDATE takes the slot: PostgreSQL re-checks ``count < limit`` on the row version a concurrent
    transaction committed, SQLite holds its write lock, so N simultaneous tries take at most ``limit`` slots.
    """
    table = LoginThrottle.__table__
    db.session.execute(
        upsert(table).values(key=key, window_start=now, count=0).on_conflict_do_nothing(index_elements=["key"])
    )
    # a window that has run out starts again
    db.session.execute(
        table.update().where(table.c.key == key, table.c.window_start <= now - _window()).values(window_start=now, count=0)
    )
    taken = db.session.execute(
        table.update().where(table.c.key == key, table.c.count < limit).values(count=table.c.count + 1)
    )
    return bool(taken.rowcount)


def _give_back(key: str) -> None:
    table = LoginThrottle.__table__
    db.session.execute(table.update().where(table.c.key == key, table.c.count > 0).values(count=table.c.count - 1))


def throttle_keys(username: str, address: str) -> tuple[str, str]:
    return "u:" + username.lower()[:60], "a:" + address[:64]


def take_login_slot(username: str, address: str, now: dt.datetime | None = None) -> bool:
    """Reserve one password check for this account and this address, committed at once; False means blocked.

    Call before checking the password; a successful login then calls ``login_succeeded`` to clear the account's
    count. Per account (any address) up to PORTAL_LOGIN_MAX_FAILURES, per address (any account) up to
    PORTAL_LOGIN_MAX_FAILURES_PER_ADDRESS tries in the window.
    """
    now = now or utcnow()
    cfg = current_app.config
    account, client = throttle_keys(username, address)
    try:
        ok = _take_slot(account, cfg["PORTAL_LOGIN_MAX_FAILURES"], now)
        if ok and not _take_slot(client, cfg["PORTAL_LOGIN_MAX_FAILURES_PER_ADDRESS"], now):
            _give_back(account)
            ok = False
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return ok


def login_succeeded(username: str, address: str) -> None:
    """The password was right: the account's count starts again, and this try does not count against the address."""
    account, client = throttle_keys(username, address)
    db.session.execute(db.delete(LoginThrottle).where(LoginThrottle.key == account))
    _give_back(client)


def prune_login_records(now: dt.datetime | None = None) -> None:
    """Forget login tries and throttle rows older than the retention (successful logins included).

    Kept short on purpose: login times joined with access logs would show when each member voted.
    """
    now = now or utcnow()
    keep = dt.timedelta(minutes=max(current_app.config["PORTAL_LOGIN_RETENTION_MINUTES"],
                                    current_app.config["PORTAL_LOGIN_WINDOW_MINUTES"]))
    db.session.execute(db.delete(LoginAttempt).where(LoginAttempt.at < now - keep))
    db.session.execute(db.delete(LoginThrottle).where(LoginThrottle.window_start < now - _window()))


def record_login_attempt(username: str, address: str, success: bool) -> None:
    """Keep a short log of tries (pruned by ``prune_login_records``) for an administrator looking into an attack."""
    db.session.add(LoginAttempt(username=username.lower()[:60], address=address[:64], success=success))


_DUMMY_HASH: dict[str, str] = {}


def dummy_password_check(password: str) -> None:
    """Spend the time of a real check, so an unknown username answers as slowly as a known one."""
    from werkzeug.security import check_password_hash, generate_password_hash

    method = current_app.config["PORTAL_PASSWORD_HASH"]
    if method not in _DUMMY_HASH:
        _DUMMY_HASH[method] = generate_password_hash(secrets.token_hex(16), method=method)
    check_password_hash(_DUMMY_HASH[method], password)


def safe_local_path(target: str | None) -> str | None:
    """Return ``target`` when it is a path on this site ("/units/?q=x"), else None.

    Refuses absolute and scheme-relative URLs, backslashes and any control or white-space character (a CR/LF
    would reach the Location header; browsers drop tabs, turning "/\t/evil" into "//evil").
    """
    if not target or len(target) > 2000 or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target or any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target
