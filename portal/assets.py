"""Static files of the core and of each plugin: content-versioned URLs, long caching, links for the layout.

One mechanism for everything: ``asset_url("static", "portal.css")`` or ``asset_url("reports.static", "reports.css")``
adds ``?v=<content hash>``, so a changed file gets a new URL and browsers may keep each version for a year.
"""
from __future__ import annotations

import hashlib
from pathlib import Path

from flask import Flask, Response, current_app, request, url_for

#: Cache lifetime of a versioned static response (the URL changes with the content).
VERSIONED_MAX_AGE = 365 * 24 * 3600


def _folder(endpoint: str) -> Path:
    app = current_app
    if endpoint == "static":
        return Path(app.static_folder or "")
    bp = app.blueprints[endpoint.rsplit(".", 1)[0]]
    return Path(bp.static_folder or "")


def file_version(path: Path) -> str:
    """A short hash of the file's content, cached per (path, mtime) so a development edit shows at once."""
    cache: dict[tuple[str, float], str] = current_app.extensions.setdefault("portal_asset_versions", {})
    try:
        key = (str(path), path.stat().st_mtime)
    except OSError:
        return "0"
    if key not in cache:
        cache[key] = hashlib.sha256(path.read_bytes()).hexdigest()[:12]
    return cache[key]


def asset_url(endpoint: str, filename: str) -> str:
    """URL of a static file with its content version: ``endpoint`` is "static" or "<plugin>.static".

    Outside debug mode the URL is kept per app (a deployment restarts the workers, and every page links about ten
    files: building and hashing them on each request was a tenth of a light page's time). In debug mode it
    follows each edit at once.
    """
    app = current_app
    if app.debug:
        return url_for(endpoint, filename=filename, v=file_version(_folder(endpoint) / filename))
    cache: dict[tuple[str, str, str], str] = app.extensions.setdefault("portal_asset_urls", {})
    key = (request.script_root if request else "", endpoint, filename)
    if key not in cache:
        cache[key] = url_for(endpoint, filename=filename, v=file_version(_folder(endpoint) / filename))
    return cache[key]


def plugin_assets() -> tuple[list[str], list[str]]:
    """(stylesheet URLs, script URLs) of every enabled plugin, in PORTAL_PLUGINS order, for the layout.

    They are linked on every page: boosted navigation (hx-boost) swaps only the body, so a file linked only on
    a plugin's own pages would be missing after a click from the dashboard. Plugins scope their rules.
    """
    css: list[str] = []
    js: list[str] = []
    for plugin in current_app.extensions["portal"].plugins.values():
        css.extend(asset_url(plugin.name + ".static", f) for f in plugin.stylesheets)
        js.extend(asset_url(plugin.name + ".static", f) for f in plugin.scripts)
    return css, js


def static_path() -> Path | None:
    """The file a static request serves (None outside the folder)."""
    filename = (request.view_args or {}).get("filename")
    if not filename or not request.endpoint:
        return None
    folder = _folder(request.endpoint).resolve()
    path = (folder / filename).resolve()
    return path if path.is_file() and path.is_relative_to(folder) else None


def is_static_request() -> bool:
    return bool(request.endpoint) and (request.endpoint == "static" or request.endpoint.endswith(".static"))


def init_app(app: Flask) -> None:
    app.add_template_global(asset_url)
    app.add_template_global(plugin_assets)

    @app.after_request
    def cache_static(resp: Response) -> Response:
        if is_static_request() and request.args.get("v") and resp.status_code == 200:
            resp.cache_control.public = True
            resp.cache_control.max_age = VERSIONED_MAX_AGE
            resp.cache_control.immutable = True
            resp.expires = None
        return resp
