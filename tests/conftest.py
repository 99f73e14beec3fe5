"""Shared fixtures: an app per test (plugins chosen per folder), clients, factories, query counting, live server.

The database is SQLite (a file per test session) unless TEST_DATABASE_URL names a PostgreSQL database.
Tables are created as plugins get imported and emptied after every test.
"""
from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from portal import create_app
from portal.extensions import db

from tests.helpers import HX, PASSWORD, Made, empty_tables, login, reset_schema


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A fresh, empty database for this test session."""
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        yield "sqlite:///" + str(tmp_path_factory.mktemp("db") / "test.db")
        return
    reset_schema(url)
    yield url


@pytest.fixture(autouse=True)
def _real_clock() -> Iterator[None]:
    """Every test starts and ends with the real clock, whatever a test froze."""
    from portal.clock import set_frozen

    set_frozen(None)
    yield
    set_frozen(None)


@pytest.fixture
def frozen_at() -> Callable[..., None]:
    """Freeze the portal's clock at a UTC moment: ``frozen_at(dt.datetime(2025, 11, 9, 23, 30))``."""
    from portal.clock import set_frozen

    return set_frozen


@pytest.fixture
def enabled_plugins() -> list[str]:
    """Plugins enabled in the app; each plugin's test folder overrides this."""
    return []


@pytest.fixture
def app_config() -> dict[str, Any]:
    """Extra config for one test module (override in the module)."""
    return {}


@pytest.fixture
def plugin_objects() -> list[Any] | None:
    """Plugin objects that bypass entry-point discovery (loader tests); None means discover."""
    return None


@pytest.fixture
def app(
    enabled_plugins: list[str], app_config: dict[str, Any], plugin_objects: list[Any] | None, database_url: str, tmp_path: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[Flask]:
    monkeypatch.setenv("PORTAL_INSTANCE_PATH", str(tmp_path / "instance"))
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key-0123456789",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "PORTAL_PLUGINS": enabled_plugins,
        "WTF_CSRF_ENABLED": False,
        "PORTAL_PASSWORD_HASH": "pbkdf2:sha256:1000",  # fast hashing: tests create many users
        "PORTAL_UPLOAD_FOLDER": str(tmp_path / "uploads"),
        **app_config,
    }
    app = create_app(config, plugins=plugin_objects)
    from portal.roles import sync_roles

    with app.app_context():
        db.create_all()  # tables of the core and of every plugin imported so far; existing ones are kept
        sync_roles(app)
    yield app
    with app.app_context():
        db.session.remove()
        empty_tables()
        db.engine.dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask):  # type: ignore[no-untyped-def]
    return app.test_cli_runner()


@pytest.fixture
def hx() -> dict[str, str]:
    """Headers of an htmx (fragment) request."""
    return dict(HX)


@pytest.fixture
def make_unit(app: Flask) -> Callable[..., int]:
    """Create a unit; return its id."""
    from portal.i18n import fold
    from portal.models import Unit

    counter = iter(range(1, 1_000_000))

    def make(name: str | None = None, kind: str = "commune", code: str | None = None, parent_id: int | None = None,
             **values: Any) -> int:
        n = next(counter)
        name = name or f"Xã Thử {n}"
        with app.app_context():
            unit = Unit(code=code or f"u{n}-{os.getpid()}", name=name, search_name=fold(name), kind=kind,
                        parent_id=parent_id, **values)
            db.session.add(unit)
            db.session.commit()
            return unit.id

    return make


@pytest.fixture
def make_user(app: Flask) -> Callable[..., Made]:
    """Create a user with role codes and an optional unit id; password is PASSWORD."""
    from portal.models import Role, User

    def make(username: str, roles: tuple[str, ...] | list[str] = (), unit_id: int | None = None,
             full_name: str | None = None, active: bool = True, password: str = PASSWORD) -> Made:
        with app.app_context():
            user = User(username=username, full_name=full_name or username.title(), unit_id=unit_id, active=active)
            user.set_password(password)
            user.roles = list(db.session.scalars(select(Role).where(Role.code.in_(list(roles)))))
            assert len(user.roles) == len(roles), f"unknown role in {roles}"
            db.session.add(user)
            db.session.commit()
            return Made(user.id, user.username, user.unit_id)

    return make


@pytest.fixture
def login_as(client: FlaskClient, make_user: Callable[..., Made]) -> Callable[..., Made]:
    """Create a user with ``roles`` (and unit) and log the test client in as them."""

    def do(username: str, roles: tuple[str, ...] | list[str] = (), unit_id: int | None = None, **kw: Any) -> Made:
        made = make_user(username, roles, unit_id, **kw)
        login(client, username)
        return made

    return do


@pytest.fixture
def live_server(app: Flask) -> Iterator[str]:
    """Serve the app on 127.0.0.1 in a thread; yield its base URL."""
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(5)


CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    if not os.path.exists(CHROMIUM):
        if os.environ.get("CI"):
            pytest.fail("Debian's chromium is required in CI (apt-get install chromium)")
        pytest.skip("chromium is not installed")
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--no-first-run", "--disable-quic",
        ],
    }


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Browser tests get two more tries: headless Chromium on a loaded machine now and then aborts the first
    navigation of a new context (net::ERR_ABORTED) before any page of ours ran. A real regression fails all three."""
    for item in items:
        if item.get_closest_marker("browser") is not None:
            item.add_marker(pytest.mark.flaky(reruns=2, reruns_delay=1))
