"""Absolute links for places a relative link does not work: e-mail, Open Graph tags, printed documents."""
from __future__ import annotations

from typing import Any

from flask import current_app, has_request_context, request, url_for


def base_url() -> str:
    """``PORTAL_BASE_URL`` (how users reach the portal, e.g. https://tamduong.example.vn, proxies included);
    without it the current request's host, and outside a request http://localhost."""
    configured = (current_app.config.get("PORTAL_BASE_URL") or "").strip()
    if configured:
        return configured.rstrip("/")
    if has_request_context():
        return request.host_url.rstrip("/")
    return "http://localhost"


def absolute_url(endpoint: str, **values: Any) -> str:
    """``url_for`` with the base URL in front; works in a request, a CLI command or a mail job."""
    configured = (current_app.config.get("PORTAL_BASE_URL") or "").strip()
    if has_request_context():
        if not configured:
            return url_for(endpoint, _external=True, **values)
        path = url_for(endpoint, **values)
        prefix = request.script_root  # the configured base URL already holds the prefix
        if prefix and path.startswith(prefix):
            path = path[len(prefix):]
    else:
        with current_app.test_request_context("/"):
            path = url_for(endpoint, **values)
    return base_url() + path


def absolute(path: str) -> str:
    """An already built local path ("/reports/p/6/u/23") made absolute; absolute URLs are returned unchanged."""
    if "://" in path:
        return path
    return base_url() + ("" if path.startswith("/") else "/") + path
