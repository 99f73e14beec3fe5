"""Security headers on every response, HTTPS-only cookies and HSTS, no caching of logged-in pages."""
from __future__ import annotations

from typing import Any

from flask import Flask, Response, current_app, request
from flask.sessions import SecureCookieSessionInterface

def https_request() -> bool:
    """Whether this request reached the site over HTTPS (X-Forwarded-Proto counts only with PORTAL_PROXY_COUNT)."""
    return bool(current_app.config["PORTAL_FORCE_HTTPS"]) or request.is_secure


class SessionInterface(SecureCookieSessionInterface):
    """The session cookie is Secure whenever the request came over HTTPS (or HTTPS is forced)."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(app.config["SESSION_COOKIE_SECURE"]) or https_request()


def init_app(app: Flask) -> None:
    app.session_interface = SessionInterface()

    @app.after_request
    def security_headers(resp: Response) -> Response:
        from flask_login import current_user

        from portal.assets import is_static_request

        h = resp.headers
        h.setdefault("Content-Security-Policy", app.config["PORTAL_CSP"])
        h.setdefault("X-Content-Type-Options", "nosniff")
        h.setdefault("X-Frame-Options", "SAMEORIGIN")
        h.setdefault("Referrer-Policy", "same-origin")
        h.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        h.setdefault("Permissions-Policy", "camera=(self), geolocation=(), microphone=()")
        if https_request() and app.config["PORTAL_HSTS_SECONDS"]:
            h.setdefault("Strict-Transport-Security", f"max-age={int(app.config['PORTAL_HSTS_SECONDS'])}")
        if not is_static_request() and _logged_in(current_user):
            # a logged-in page (household data, ballots, money) must not stay in a shared computer's cache
            if not resp.cache_control.no_store:
                resp.headers["Cache-Control"] = "no-store"
            resp.expires = None
            # the service worker keeps a page offline only for the user it was rendered for (portal/offline.py)
            resp.headers["X-Portal-User"] = str(current_user.id)
        if not is_static_request():
            _mark_session_user(resp, str(current_user.id) if _logged_in(current_user) else None)
        return resp


#: A readable companion of the session cookie naming its user (no secret: the id is in every page). Without a
#: connection the service worker compares it with the user of a kept page: a browser whose session is gone opens none.
USER_COOKIE = "portal_user"


def _mark_session_user(resp: Response, user_id: str | None) -> None:
    if request.cookies.get(USER_COOKIE) == user_id:
        return
    if user_id is None:
        resp.delete_cookie(USER_COOKIE, path="/")
    else:
        resp.set_cookie(USER_COOKIE, user_id, path="/", samesite="Lax", httponly=False,
                        secure=bool(current_app.config["SESSION_COOKIE_SECURE"]) or https_request())


def _logged_in(user: Any) -> bool:
    try:
        return bool(user and user.is_authenticated)
    except Exception:  # no user loaded (error before the loader ran)
        return False
