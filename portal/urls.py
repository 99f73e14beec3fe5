"""Links built by the core: one URL shape for many ids (``url_maker``), and absolute links for places a relative
link does not work (e-mail, Open Graph tags, printed documents)."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from flask import current_app, has_request_context, request, url_for
from markupsafe import escape


# Stands for the id while the URL is built: digits pass every int and string converter (and a query string) as
# they are, and nine of them are not a value anyone passes.
_MARKER = "987654321"


def url_maker(endpoint: str, key: str, *, html: bool = False, **values: Any) -> Callable[[int | str], str]:
    """Return ``link`` where ``link(id) == url_for(endpoint, **values, **{key: id})``, at the cost of one url_for.

    A page with hundreds of rows needs a link per row, and url_for costs ~30 µs a call: the URL is built once with
    a placeholder id and cut around it, so a row's link is ``head + id + tail`` (wherever the id sits: last, in
    the middle of the path or in the query string). An int id goes in as url_for writes it; a str id is
    percent-encoded (as url_for writes letters, digits and ``-._~``; other characters are encoded more, and the
    link routes to the same value); anything else (None, a template's undefined name) raises ``TypeError`` rather
    than make a link to nowhere. Raises ``ValueError`` when the placeholder is not exactly once in the URL (a
    converter that rewrites the value, or a value in ``values`` that holds it): the cut would be wrong.
    ``html``: the links come escaped for an HTML attribute (``&`` as ``&amp;``), for rows built as HTML in Python;
    escaping is per character, so the escaped head and tail around the id are the escaped whole link."""
    url = url_for(endpoint, **values, **{key: int(_MARKER)})
    parts = url.split(_MARKER)
    if len(parts) != 2:
        raise ValueError(f"url_maker({endpoint!r}, {key!r}): the placeholder {_MARKER} stands {len(parts) - 1} "
                         f"times in {url!r}, not once, so that URL cannot be made per id")
    head, tail = (str(escape(part)) for part in parts) if html else parts

    def link(ident: int | str) -> str:
        if isinstance(ident, int):
            return f"{head}{ident}{tail}"
        if isinstance(ident, str):  # percent-encoded: nothing left for HTML to escape
            return f"{head}{quote(ident, safe='')}{tail}"
        raise TypeError(f"url_maker({endpoint!r}, {key!r}): an id is an int or a str, not {ident!r}")

    return link


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
