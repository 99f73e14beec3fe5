"""Working without a connection: the service worker, the pages it keeps for the signed-in user, a fresh CSRF token.

The service worker (static/sw.js) is served from the site root so its scope is the whole app. It keeps the app
shell, and for the signed-in user only the pages the plugins list in ``Plugin.offline_pages``; every
logged-in response names its user (``X-Portal-User``) so the worker never keeps or serves one user's page to
another. Answers entered offline are queued on the phone by portal.js and replayed with an idempotency key.
"""
from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, current_app, jsonify
from flask_login import current_user
from flask_wtf.csrf import generate_csrf

from portal.security import public, require_login

bp = Blueprint("offline", __name__)

#: Response header naming the logged-in user a page was rendered for (read by the service worker).
USER_HEADER = "X-Portal-User"


@bp.route("/sw.js")
@public
def service_worker() -> Response:
    path = Path(current_app.root_path) / "static" / "sw.js"
    resp = Response(path.read_bytes(), mimetype="text/javascript")
    resp.headers["Service-Worker-Allowed"] = "/"
    resp.headers["Cache-Control"] = "no-cache"  # browsers check the worker for updates at each visit
    return resp


def shell_urls() -> list[str]:
    """Versioned URLs of the app shell: the layout's stylesheets and scripts."""
    from portal.assets import asset_url, plugin_assets

    css, js = plugin_assets()
    return [asset_url("static", "portal.css"), asset_url("static", "htmx.min.js"), asset_url("static", "portal.js"),
            asset_url("static", "offline.js"),
            *css, *js]


def pages_for(user: object) -> list[str]:
    """Every page the enabled plugins want this user to have offline (local paths, no duplicates)."""
    out: list[str] = []
    for plugin in current_app.extensions["portal"].plugins.values():
        if plugin.offline_pages is None:
            continue
        for url in plugin.offline_pages(user):
            if url.startswith("/") and not url.startswith("//") and url not in out:
                out.append(url)
    return out


@bp.route("/offline/pages")
@require_login
def pages() -> Response:
    user = current_user._get_current_object()
    return jsonify(user=str(user.id), pages=pages_for(user), shell=shell_urls())


@bp.route("/offline/csrf")
@require_login
def csrf_token() -> Response:
    """A fresh CSRF token for replaying the offline queue (the page it was typed on may be hours old)."""
    return jsonify(token=generate_csrf(), user=str(current_user.id))
