"""Access rules: every view declares who may use it; permissions and unit scopes; login throttling."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import abort, current_app
from flask_login import current_user
from sqlalchemy import ColumnElement, false, func, select, true

from portal.extensions import db
from portal.i18n import lazy_gettext as _l
from portal.models import LoginAttempt, utcnow
from portal.plugin import SCOPE_ALL, SCOPE_UNIT, Permission

F = TypeVar("F", bound=Callable[..., Any])

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


def check_unit(permission: str, unit_id: int | None) -> None:
    """Abort with 403 unless the current user holds ``permission`` for ``unit_id``."""
    if not current_user.is_authenticated or not current_user.can(permission, unit_id if unit_id else -1):
        abort(403)


# --- login throttling (kept in the database so it holds across gunicorn workers) ---

def login_blocked(username: str, address: str, now: dt.datetime | None = None) -> bool:
    """Whether this account and address has used up its failed attempts in the window."""
    now = now or utcnow()
    window = dt.timedelta(minutes=current_app.config["PORTAL_LOGIN_WINDOW_MINUTES"])
    failures = db.session.scalar(
        select(func.count(LoginAttempt.id)).where(
            LoginAttempt.username == username.lower(),
            LoginAttempt.address == address,
            LoginAttempt.success.is_(False),
            LoginAttempt.at > now - window,
        )
    )
    return (failures or 0) >= current_app.config["PORTAL_LOGIN_MAX_FAILURES"]


def record_login_attempt(username: str, address: str, success: bool) -> None:
    db.session.add(LoginAttempt(username=username.lower()[:60], address=address[:64], success=success))
    if success:
        # a successful login clears earlier failures of this pair
        db.session.execute(
            db.delete(LoginAttempt).where(
                LoginAttempt.username == username.lower(),
                LoginAttempt.address == address,
                LoginAttempt.success.is_(False),
            )
        )
