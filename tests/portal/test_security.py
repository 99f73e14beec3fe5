"""Security: every endpoint declares its access, CSRF, login throttling, unit scoping, anonymous handling."""
from __future__ import annotations

import re
from importlib.metadata import entry_points

import pytest
from sqlalchemy import select

from portal import create_app
from portal.extensions import db
from portal.security import ACCESS_ATTR
from tests.helpers import HX, PASSWORD, login

INSTALLED = sorted(ep.name for ep in entry_points(group="portal.plugins"))


def _plugin_sets() -> list[pytest.param]:
    sets = [pytest.param([], id="core-only")]
    sets += [pytest.param([name], id=name) for name in INSTALLED]
    if INSTALLED:
        sets.append(pytest.param(INSTALLED, id="all-plugins"))
    return sets


def _with_requirements(names: list[str]) -> list[str]:
    """Put each plugin's ``requires`` before it (plugins declare what they need)."""
    from portal.loader import _default_finder

    ordered: list[str] = []

    def add(name: str) -> None:
        if name in ordered:
            return
        (ep,) = _default_finder(name)
        for req in ep.load().requires:
            add(req)
        ordered.append(name)

    for name in names:
        add(name)
    return ordered


@pytest.mark.parametrize("plugins", _plugin_sets())
def test_every_endpoint_declares_its_access(plugins, tmp_path, monkeypatch):
    monkeypatch.setenv("PORTAL_INSTANCE_PATH", str(tmp_path))
    app = create_app(
        {"TESTING": True, "SECRET_KEY": "x" * 32, "SQLALCHEMY_DATABASE_URI": "sqlite://",
         "PORTAL_PLUGINS": _with_requirements(plugins)}
    )
    unmarked = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static" or rule.endpoint.endswith(".static"):
            continue
        view = app.view_functions[rule.endpoint]
        if not getattr(view, ACCESS_ATTR, None):
            unmarked.append(f"{rule.endpoint} {rule.rule}")
    assert not unmarked, "views without @require_permission/@require_login/@public: " + ", ".join(unmarked)
    # the walk saw the core's views, so it cannot pass by finding nothing
    assert {"directory.index", "admin.users", "auth.login"} <= {r.endpoint for r in app.url_map.iter_rules()}


def test_an_unmarked_view_is_caught(app):
    """The marker test above can fail: a view without a decorator has no marker."""

    @app.route("/naked")
    def naked():  # pragma: no cover - never requested
        return "x"

    assert getattr(app.view_functions["naked"], ACCESS_ATTR, None) is None


# --- CSRF (on for these tests) ---

def _token(html: str) -> str:
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html) or re.search(r'"X-CSRFToken": "([^"]+)"', html)
    assert match, "no CSRF token on the page"
    return match.group(1)


class TestCsrf:
    @pytest.fixture
    def app_config(self):
        return {"WTF_CSRF_ENABLED": True}

    def test_form_post_without_token_is_rejected_in_vietnamese(self, client, make_user):
        make_user("csrf1", ["admin"])
        resp = client.post("/login", data={"username": "csrf1", "password": PASSWORD})
        assert resp.status_code == 400
        assert "mã bảo mật" in resp.get_data(as_text=True)

    def test_form_post_with_token_is_accepted(self, client, make_user):
        make_user("csrf2", ["admin"])
        token = _token(client.get("/login").get_data(as_text=True))
        resp = client.post("/login", data={"username": "csrf2", "password": PASSWORD, "csrf_token": token})
        assert resp.status_code == 302

    def test_htmx_post_without_token_is_rejected_into_flashes(self, client, make_user):
        make_user("csrf3", ["admin"])
        token = _token(client.get("/login").get_data(as_text=True))
        client.post("/login", data={"username": "csrf3", "password": PASSWORD, "csrf_token": token})
        resp = client.post("/notifications/read", headers=HX)
        assert resp.status_code == 400
        assert resp.headers["HX-Retarget"] == "#flashes"
        body = resp.get_data(as_text=True)
        assert "mã bảo mật" in body and "<html" not in body

    def test_htmx_post_with_header_token_is_accepted(self, client, make_user):
        make_user("csrf4", ["admin"])
        token = _token(client.get("/login").get_data(as_text=True))
        client.post("/login", data={"username": "csrf4", "password": PASSWORD, "csrf_token": token})
        page = client.get("/").get_data(as_text=True)
        header_token = re.search(r'hx-headers=\'\{"X-CSRFToken": "([^"]+)"\}\'', page).group(1)
        resp = client.post("/notifications/read", headers={**HX, "X-CSRFToken": header_token})
        assert resp.status_code in (200, 302)

    def test_every_unsafe_core_route_rejects_a_post_without_token(self, app, client, make_user):
        make_user("csrf5", ["admin"])
        token = _token(client.get("/login").get_data(as_text=True))
        client.post("/login", data={"username": "csrf5", "password": PASSWORD, "csrf_token": token})
        checked = 0
        for rule in app.url_map.iter_rules():
            if "POST" not in rule.methods:
                continue
            url = rule.rule.replace("<int:", "<").replace("<role_id>", "1").replace("<grant_id>", "1")
            url = re.sub(r"<[^>]+>", "1", url)
            resp = client.post(url, data={"x": "1"})
            assert resp.status_code == 400, (rule.rule, resp.status_code)
            checked += 1
        assert checked >= 8


# --- login throttling ---

def _fail(client, username, address="10.0.0.1"):
    return client.post("/login", data={"username": username, "password": "wrong-password"},
                       environ_base={"REMOTE_ADDR": address})


def test_login_throttle_blocks_after_five_failures_per_account(client, make_user):
    make_user("thu", ["admin"])
    for _ in range(5):
        assert _fail(client, "thu").status_code == 401
    blocked = _fail(client, "thu")
    assert blocked.status_code == 429
    assert "Vui lòng thử lại sau 15 phút" in blocked.get_data(as_text=True)
    # the right password is refused while the block lasts
    right = client.post("/login", data={"username": "thu", "password": PASSWORD}, environ_base={"REMOTE_ADDR": "10.0.0.1"})
    assert right.status_code == 429
    # the account is throttled from every address (guesses spread over many addresses count together)...
    other = client.post("/login", data={"username": "thu", "password": PASSWORD}, environ_base={"REMOTE_ADDR": "10.0.0.2"})
    assert other.status_code == 429
    # ...while other accounts still log in from the first address
    make_user("khac", ["admin"])
    ok = client.post("/login", data={"username": "khac", "password": PASSWORD}, environ_base={"REMOTE_ADDR": "10.0.0.1"})
    assert ok.status_code == 302


def test_login_throttle_counts_only_the_window(app, client, make_user):
    import datetime as dt

    from portal.models import LoginThrottle

    make_user("cu", ["admin"])
    for _ in range(5):
        assert _fail(client, "cu").status_code == 401
    assert _fail(client, "cu").status_code == 429
    with app.app_context():
        old = dt.datetime.now(dt.UTC).replace(tzinfo=None) - dt.timedelta(minutes=16)
        for row in db.session.scalars(select(LoginThrottle)):
            row.window_start = old  # the window has run out
        db.session.commit()
    ok = client.post("/login", data={"username": "cu", "password": PASSWORD}, environ_base={"REMOTE_ADDR": "10.0.0.1"})
    assert ok.status_code == 302


def test_deactivated_user_cannot_log_in(client, make_user):
    make_user("nghi", ["admin"], active=False)
    resp = client.post("/login", data={"username": "nghi", "password": PASSWORD})
    # the same answer as a wrong password, so a deactivated account cannot be told apart
    assert resp.status_code == 401
    assert "Sai tên đăng nhập hoặc mật khẩu, hoặc tài khoản đã bị khóa" in resp.get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_deactivating_a_user_ends_their_open_session(app, client, login_as):
    made = login_as("dangdung", ["admin"])
    assert client.get("/").status_code == 200
    from portal.models import User

    with app.app_context():
        db.session.get(User, made.id).active = False
        db.session.commit()
    assert client.get("/").status_code == 302


# --- unit scoping ---

@pytest.fixture
def two_communes(make_unit):
    return make_unit("Xã Bản Bo", code="xa-ban-bo"), make_unit("Xã Bình Lư", code="xa-binh-lu")


def test_unit_reporter_sees_only_their_unit(client, login_as, two_communes):
    own, other = two_communes
    login_as("banbo", ["unit_reporter"], unit_id=own)
    assert client.get(f"/units/{own}").status_code == 200
    assert client.get(f"/units/{other}").status_code == 403
    listing = client.get("/units/").get_data(as_text=True)
    assert "Xã Bản Bo" in listing and "Xã Bình Lư" not in listing
    assert "Xã Bình Lư" not in client.get("/units/tree").get_data(as_text=True)
    assert "Xã Bình Lư" not in client.get("/units/?q=binh").get_data(as_text=True)


def test_unit_reporter_cannot_edit_units_or_reach_admin(app, client, login_as, two_communes):
    own, other = two_communes
    login_as("banbo", ["unit_reporter"], unit_id=own)
    for url in (f"/units/{own}/edit", f"/units/{other}/edit", "/units/new", f"/units/{own}/merge", "/units/import"):
        assert client.get(url).status_code == 403, url
        assert client.post(url, data={"code": "x", "name": "y", "kind": "commune"}).status_code == 403, url
    admin_rules = [r for r in app.url_map.iter_rules() if r.rule.startswith("/admin")]
    assert len(admin_rules) >= 6
    for rule in admin_rules:
        url = re.sub(r"<[^>]+>", "1", rule.rule)
        for method in sorted(rule.methods & {"GET", "POST"}):
            resp = client.open(url, method=method, data={"password": "abcdefgh12", "permission": "portal.admin"})
            assert resp.status_code == 403, (method, url)
    from portal.models import Unit

    with app.app_context():
        assert db.session.get(Unit, other).name == "Xã Bình Lư"


def test_forbidden_page_is_vietnamese(client, login_as, two_communes):
    own, other = two_communes
    login_as("banbo", ["unit_reporter"], unit_id=own)
    resp = client.get(f"/units/{other}")
    assert "Bạn không có quyền thực hiện thao tác này" in resp.get_data(as_text=True)
    frag = client.get(f"/units/{other}", headers=HX)
    assert frag.status_code == 403 and frag.headers["HX-Retarget"] == "#flashes"


def test_anonymous_gets_the_login_page(client):
    resp = client.get("/units/")
    assert resp.status_code == 302 and "/login?next=" in resp.headers["Location"]


def test_anonymous_htmx_gets_401_with_hx_redirect(client):
    resp = client.get("/units/?q=x", headers=HX)
    assert resp.status_code == 401
    assert resp.headers["HX-Redirect"].startswith("/login")


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "/\\evil.example/"])
def test_login_never_redirects_off_site(client, make_user, target):
    make_user("ra", ["admin"])
    resp = client.post("/login?next=" + target, data={"username": "ra", "password": PASSWORD})
    assert resp.status_code == 302 and resp.headers["Location"] == "/"


def test_nul_characters_are_refused_with_400(client, login_as):
    login_as("nul", ["admin"])
    assert client.get("/units/?q=a%00b").status_code == 400
    resp = client.post("/units/new", data={"code": "abc", "name": "A\x00B", "kind": "commune"})
    assert resp.status_code == 400
    from portal.models import Unit

    with client.application.app_context():
        assert db.session.scalar(select(Unit).where(Unit.code == "abc")) is None


def test_login_keeps_the_language_chosen_before(client, make_user):
    make_user("lang", ["admin"])
    client.post("/language", data={"lang": "en", "next": "/login"})
    login(client, "lang")
    assert "Log out" in client.get("/").get_data(as_text=True)
