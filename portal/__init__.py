"""Tam Đường poverty-movement portal: the application factory."""
from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask, Response, current_app, request, url_for

from portal.config import Defaults
from flask_babel import Babel

from portal.extensions import csrf, db, htmx, login_manager, migrate
from portal.plugin import Plugin

ROOT = Path(__file__).resolve().parent.parent


def _secret_key(app: Flask) -> str:
    path = Path(app.instance_path) / "secret_key"
    if path.exists():
        return path.read_text().strip()
    key = secrets.token_hex(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)  # never readable by others, not even briefly
    with os.fdopen(fd, "w") as f:
        f.write(key)
    return key


def _database_uri(app: Flask) -> str:
    uri = app.config.get("SQLALCHEMY_DATABASE_URI") or os.environ.get("DATABASE_URL")
    if not uri:
        return "sqlite:///" + str(Path(app.instance_path) / "portal.db")
    for old in ("postgres://", "postgresql://"):
        if uri.startswith(old):
            return "postgresql+psycopg://" + uri[len(old):]
    return uri


def create_app(test_config: Mapping[str, Any] | None = None, plugins: list[Plugin] | None = None) -> Flask:
    """Build the portal. ``plugins`` bypasses entry-point discovery (tests)."""
    app = Flask(
        __name__,
        instance_path=os.environ.get("PORTAL_INSTANCE_PATH") or str(ROOT / "instance"),
        instance_relative_config=True,
        template_folder=str(ROOT / "templates"),
    )
    app.config.from_object(Defaults)
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_prefixed_env()
    if test_config:
        app.config.update(test_config)
    from portal.extensions import private_dir

    private_dir(app.instance_path)

    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _secret_key(app)
    if len(app.config["SECRET_KEY"]) < 16 and not app.testing:
        raise RuntimeError("SECRET_KEY must be at least 16 characters")
    app.config["SQLALCHEMY_DATABASE_URI"] = _database_uri(app)
    if app.config["PORTAL_PROXY_COUNT"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        n = int(app.config["PORTAL_PROXY_COUNT"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)  # type: ignore[method-assign]

    from portal import i18n, loader

    app.extensions["portal"] = loader.PortalState()
    if plugins is None:
        plugins = loader.discover(app.config["PORTAL_PLUGINS"])
    else:
        enabled: list[str] = []
        for p in plugins:
            loader.validate(p, p.name, p.models.__name__ if p.models else p.blueprint.import_name, enabled)
            enabled.append(p.name)
    from portal import schema  # also registers the Alembic version path with Flask-Migrate

    schema.check_together(plugins)  # two plugins' revision ids must not clash

    # flask_babel's own catalog is the core's; each plugin translates with its own over it (portal/i18n.py).
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(ROOT / "translations")
    i18n.init_domains(app, ROOT / "translations", plugins)

    _init_extensions(app)
    _register_core(app)
    loader.register(app, plugins)
    i18n.warn_missing_catalogs(app, plugins)
    _install_templates(app)
    from portal import templating

    templating.init_app(app, plugins)
    from portal import refs

    refs.init_app(app)
    from portal import memory

    memory.init_app(app)  # last: what the app holds from now on is frozen out of the collector's walks
    return app


def _init_extensions(app: Flask) -> None:
    from jinja2 import ChoiceLoader, FileSystemLoader

    from portal import assets, audit, compression, errors, i18n, requests, uploads

    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"))
    csrf.init_app(app)
    htmx.init_app(app)
    requests.init_app(app)  # after htmx (it sets its own request class), before any route
    # One Babel per app: Flask-Babel caches catalogs on the instance, and apps differ in their plugin catalogs.
    Babel().init_app(app, locale_selector=i18n.select_locale)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    from portal.models import AnonymousUser

    login_manager.anonymous_user = AnonymousUser
    # "basic", not "strong": phones on mobile networks change address often and must stay logged in.
    login_manager.session_protection = "basic"
    audit.init_app()
    i18n.init_app(app)
    errors.init_app(app)
    compression.init_app(app)
    uploads.init_app(app)
    assets.init_app(app)
    # Site overrides in instance/templates win over everything else.
    app.jinja_loader = ChoiceLoader(
        [FileSystemLoader(str(Path(app.instance_path) / "templates")), app.jinja_loader]  # type: ignore[list-item]
    )


def _register_core(app: Flask) -> None:
    from portal import cli
    from portal.admin.views import bp as admin_bp
    from portal.auth.views import bp as auth_bp
    from portal.dashboard.views import bp as dashboard_bp
    from portal.directory.views import bp as directory_bp
    from portal.review.views import bp as review_bp
    from portal.offline import bp as offline_bp
    from portal import help as help_pages
    from portal.security import CORE_PERMISSIONS

    app.register_blueprint(auth_bp)
    app.register_blueprint(dashboard_bp)
    app.register_blueprint(directory_bp, url_prefix="/units")
    app.register_blueprint(admin_bp, url_prefix="/admin")
    app.register_blueprint(review_bp, url_prefix="/review")
    app.register_blueprint(offline_bp)
    help_pages.init_app(app)
    for perm in CORE_PERMISSIONS:
        app.extensions["portal"].permissions[perm.code] = perm
    cli.init_app(app)

    @login_manager.user_loader
    def load_user(user_id: str):  # type: ignore[no-untyped-def]
        from portal import sessions

        return sessions.load(user_id)

    @login_manager.unauthorized_handler
    def unauthorized() -> Response:
        from flask import redirect

        from portal.rendering import hx_redirect

        from portal.security import safe_local_path

        target = url_for("auth.login", next=safe_local_path(request.full_path) if request.method == "GET" else None)
        if getattr(request, "htmx", None):
            resp = hx_redirect(target)
            resp.status_code = 401
            return resp
        return redirect(target)

    @app.before_request
    def mark_running() -> None:
        # A serving process holds the instance's running lock (shared), so `portal restore` refuses meanwhile.
        if not app.testing:
            from portal.backup import hold_running_lock

            hold_running_lock(app.instance_path)

    @app.before_request
    def refuse_control_characters() -> None:
        # NUL cannot be stored in PostgreSQL text columns; refusing it here keeps every form a clean 400.
        from portal.i18n import gettext
        from portal.integrity import Refused

        for values in (request.args, request.form):
            for value in values.values():
                if "\x00" in value:
                    raise Refused(400, gettext("The input contains a character that is not allowed (NUL)."))

    @app.after_request
    def vary_on_htmx(resp: Response) -> Response:
        resp.vary.add("HX-Request")
        return resp

    from portal import headers

    headers.init_app(app)


def _install_templates(app: Flask) -> None:
    from flask_login import current_user

    from portal.i18n import gettext
    from portal.integrity import once_input
    from portal.notifications import unread_count
    from portal.urls import url_maker

    app.jinja_env.globals["once_input"] = once_input
    # {% set detail = url_maker("x.detail", "item_id") %} … {{ detail(row.id) }}: one url_for for a table's links
    app.jinja_env.globals["url_maker"] = url_maker

    @app.context_processor
    def portal_context() -> dict[str, Any]:
        def portal_nav() -> list[tuple[Any, bool]]:
            """Return (nav item, is it the current page's entry) for the items the user may see.

            The entry whose endpoint is the current one is active; otherwise the first entry of the
            current blueprint (so a plugin with two entries lights up only one).
            """
            st = current_app.extensions["portal"]
            if not current_user.is_authenticated:
                return []
            items = [n for n in st.nav if n.permission is None or current_user.can(n.permission)]
            active = next((n for n in items if n.endpoint == request.endpoint), None)
            if active is None:
                active = next((n for n in items if n.endpoint.split(".")[0] == request.blueprint), None)
            return [(n, n is active) for n in items]

        def menu_links() -> list[tuple[str, Any, bool]]:
            """(URL, label, is current) of the main menu: the dashboard, plugins' entries, the core's sections."""
            if not current_user.is_authenticated:
                return []
            bp, can = request.blueprint, current_user.can
            links = [(url_for("dashboard.index"), gettext("Dashboard"), request.endpoint == "dashboard.index")]
            links += [(url_for(n.endpoint), n.label, active) for n, active in portal_nav()]
            core = [("review.index", gettext("Reviews"), can("review.view") or can("review.manage")),
                    ("directory.index", gettext("Units"), can("directory.view")),
                    ("admin.users", gettext("Administration"), can("portal.admin")),
                    ("help.index", gettext("Help"), True)]
            links += [(url_for(e), label, bp == e.split(".")[0]) for e, label, shown in core if shown]
            return links

        def notifications_unread() -> int:
            if not current_user.is_authenticated:
                return 0
            known = current_user.unread_notices  # read with the user at the request's start
            return unread_count(current_user.id) if known is None else known

        return {
            "portal_nav": portal_nav,
            "menu_links": menu_links,
            "notifications_unread": notifications_unread,
            "portal_languages": current_app.config["PORTAL_LANGUAGES"],
        }
