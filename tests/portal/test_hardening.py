"""Security hardening of the core (issue 10), through HTTP: exports, input, sessions, login throttle, headers,
static files, default grants. The plugin routes are covered in tests/test_security_plugins.py."""
from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from portal.exports import workbook_bytes
from portal.extensions import db
from portal.models import AuditEntry, KnownPermission, LoginAttempt, LoginThrottle, Role, RoleGrant, Unit, User, UserSession
from portal.security import safe_local_path
from tests.helpers import PASSWORD, login

ROOT = Path(__file__).resolve().parents[2]
HOSTILE = ['=HYPERLINK("http://x.example","y")', "+1", "-1", "@x", "=1+2", "a\x01\x02\x1b[31mb", "tab\there", "\x7fdel"]


def _cells(data: bytes):
    wb = load_workbook(io.BytesIO(data))
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            yield from row


# --- exports ---

def test_workbook_writes_text_as_text_and_drops_xml_illegal_characters():
    data = workbook_bytes([("Bảng: [1]/2?", ["=Tiêu đề", "Số"], [(h, 5) for h in HOSTILE])])
    cells = list(_cells(data))
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    values = [c.value for c in cells]
    assert '=HYPERLINK("http://x.example","y")' in values and "+1" in values and "@x" in values
    assert "a[31mb" in values  # the control characters are gone, the text stays
    assert 5 in values  # numbers stay numbers


@pytest.fixture
def admin(login_as):
    return login_as("quantri", ["admin"])


def test_unit_export_with_hostile_names(app, client, admin, make_unit):
    for i, name in enumerate(HOSTILE):
        make_unit(name, code=f"hostile-{i}")
    resp = client.get("/units/export.xlsx")
    assert resp.status_code == 200
    cells = list(_cells(resp.data))
    assert not [c for c in cells if c.data_type == "f"]
    assert '=HYPERLINK("http://x.example","y")' in [c.value for c in cells]


# --- input ---

UNIT = {"code": "xa-moi", "name": "Xã Mới", "kind": "commune", "parent_id": 0, "successor_id": 0}


def _units(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Unit))


@pytest.mark.parametrize("value", ["a\x01\x02\x1b[31mb", "x\x7f", "line\nbreak", "tab\tin a name", "\x0b"])
def test_control_characters_are_refused_in_single_line_fields(app, client, admin, value):
    resp = client.post("/units/new", data={**UNIT, "name": value})
    assert resp.status_code == 422
    assert "ký tự điều khiển không được phép" in resp.get_data(as_text=True)
    assert _units(app) == 0


def test_textarea_keeps_newlines_and_tabs_but_not_other_controls(app, client, admin):
    ok = client.post("/units/new", data={**UNIT, "note": "dòng 1\r\n\tdòng 2"})
    assert ok.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(Unit.note).where(Unit.code == "xa-moi")) == "dòng 1\r\n\tdòng 2"
    bad = client.post("/units/new", data={**UNIT, "code": "xa-khac", "note": "a\x1bb"})
    assert bad.status_code == 422 and "ký tự điều khiển" in bad.get_data(as_text=True)


def test_whitespace_only_is_empty(app, client, admin):
    resp = client.post("/units/new", data={**UNIT, "name": "   \t "})
    assert resp.status_code == 422 and "Trường này là bắt buộc" in resp.get_data(as_text=True)
    blank_date = client.post("/units/new", data={**UNIT, "valid_from": "   "})
    assert blank_date.status_code == 302  # an optional date left blank is no date, not an error
    assert _units(app) == 1


@pytest.mark.parametrize("target", ["/%0d%0aX:1", "/%0aSet-Cookie:%20a=b", "/\t/evil.example", "/%09/evil.example",
                                    "//evil.example", "https://evil.example/", "/\\evil", "javascript:alert(1)"])
def test_next_with_control_characters_or_off_site_goes_home(client, make_user, target):
    make_user("ra", ["admin"])
    resp = client.post("/login?next=" + target, data={"username": "ra", "password": PASSWORD})
    assert resp.status_code == 302 and resp.headers["Location"] == "/"
    assert "X" not in resp.headers and "Set-Cookie" not in [k for k, v in resp.headers.items() if "a=b" in v]


def test_safe_local_path():
    assert safe_local_path("/units/?q=b%E1%BA%A3n&page=2") == "/units/?q=b%E1%BA%A3n&page=2"
    for bad in (None, "", "units", "//x", "/\\x", "/a\r\nb", "/a b", "http://x/", "/" + "a" * 2001, "/\x00"):
        assert safe_local_path(bad) is None, bad


# --- sessions ---

def _copy(client, app):
    other = app.test_client()
    other.set_cookie("session", client.get_cookie("session").value)
    return other


def test_a_copied_cookie_stops_working_at_logout(app, client, login_as):
    login_as("sao", ["admin"])
    thief = _copy(client, app)
    assert thief.get("/").status_code == 200
    client.post("/logout")
    assert thief.get("/").status_code == 302  # the server-side session is gone
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(UserSession)) == 0


def test_logout_on_every_device(app, client, login_as):
    made = login_as("khap", ["leadership"])
    phone = app.test_client()
    login(phone, "khap")
    page = client.get("/account/password").get_data(as_text=True)
    assert "Đăng xuất khỏi mọi thiết bị" in page and "đăng nhập ở 2 nơi" in page
    resp = client.post("/logout/everywhere")
    assert resp.status_code == 302 and resp.headers["Location"] == "/login"
    assert phone.get("/").status_code == 302 and client.get("/").status_code == 302
    with app.app_context():
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "sessions"))
        assert entry.object_id == str(made.id) and entry.changes["sessions_ended"] == [None, 2]


def test_password_change_ends_the_other_sessions_and_keeps_this_one(app, client, login_as):
    made = login_as("doi", ["leadership"])
    old_cookie = _copy(client, app)
    phone = app.test_client()
    login(phone, "doi")
    resp = client.post("/account/password", data={"current": PASSWORD, "new": "mat-khau-moi-1", "confirm": "mat-khau-moi-1"})
    assert resp.status_code == 302
    assert client.get("/").status_code == 200  # this browser continues, on a re-issued session
    assert old_cookie.get("/").status_code == 302  # the cookie from before the change is dead too
    assert phone.get("/").status_code == 302
    with app.app_context():
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "password"))
        assert entry.object_id == str(made.id) and entry.actor == "doi"
        assert db.session.scalar(select(func.count()).select_from(UserSession)) == 1


def test_admin_reset_and_deactivation_end_every_session(app, client, admin, make_user):
    made = make_user("nhanvien", ["leadership"])
    victim = app.test_client()
    login(victim, "nhanvien")
    resp = client.post(f"/admin/users/{made.id}/password", data={"password": "dat-lai-mat-khau-1"})
    assert resp.status_code == 302
    assert victim.get("/").status_code == 302
    with app.app_context():
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "password"))
        assert entry.actor == "quantri" and entry.object_id == str(made.id)
        assert entry.changes["sessions_ended"] == [None, 1]
    login(victim, "nhanvien", "dat-lai-mat-khau-1")
    assert victim.get("/").status_code == 200
    with app.app_context():
        leadership = db.session.scalar(select(Role.id).where(Role.code == "leadership"))
    resp = client.post(f"/admin/users/{made.id}", data={"username": "nhanvien", "full_name": "Nv", "unit_id": 0,
                                                         "roles": [leadership]})
    assert resp.status_code == 302, re.findall(r"error[^<]*<[^<]*", resp.get_data(as_text=True))  # "active" unticked
    assert victim.get("/").status_code == 302
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(UserSession).where(UserSession.user_id == made.id)) == 0


def test_a_session_ends_after_its_maximum_age(app, client, login_as):
    login_as("lau", ["admin"])
    assert client.get("/").status_code == 200
    with app.app_context():
        row = db.session.scalars(select(UserSession)).one()
        row.created_at -= dt.timedelta(days=app.config["PORTAL_SESSION_MAX_DAYS"], minutes=1)
        db.session.commit()
    assert client.get("/").status_code == 302
    login(app.test_client(), "lau")  # a new login forgets the expired row
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(UserSession)) == 1


def test_an_old_style_or_forged_session_id_is_no_session(app, client, make_user):
    made = make_user("cu", ["admin"])
    for forged in (str(made.id), f"{made.id}:guess", "x:y", f"{made.id}:"):
        with client.session_transaction() as sess:
            sess["_user_id"] = forged
            sess["_fresh"] = True
        assert client.get("/").status_code == 302, forged


# --- login throttle ---

def _try(client, username, password="wrong-password", address="10.0.0.1"):
    return client.post("/login", data={"username": username, "password": password}, environ_base={"REMOTE_ADDR": address})


def test_one_address_is_throttled_across_accounts(app, client, make_user):
    app.config["PORTAL_LOGIN_MAX_FAILURES_PER_ADDRESS"] = 20
    make_user("that", ["admin"])
    codes = [_try(client, f"user{i % 10}").status_code for i in range(25)]
    assert codes[:20] == [401] * 20 and set(codes[20:]) == {429}
    # even the right password of another account waits; another address does not
    assert _try(client, "that", PASSWORD).status_code == 429
    assert _try(client, "that", PASSWORD, address="10.0.0.9").status_code == 302


def test_unknown_deactivated_and_wrong_password_get_the_same_answer(client, make_user):
    make_user("dung", ["admin"])
    make_user("khoa", ["admin"], active=False)
    answers = [_try(client, "khong-co-ai", address="10.1.0.1"), _try(client, "dung", address="10.1.0.2"),
               _try(client, "khoa", PASSWORD, address="10.1.0.3")]
    assert {r.status_code for r in answers} == {401}
    bodies = {re.sub(r'name="username"[^>]*value="[^"]*"', "", r.get_data(as_text=True)) for r in answers}
    # values (the typed name, CSRF tokens) and the htmx header token differ by request and second, nothing else
    assert len({re.sub(r'value="[^"]*"|"X-CSRFToken": "[^"]*"', "", b) for b in bodies}) == 1


def test_unknown_usernames_cost_a_password_check(app, client, make_user, monkeypatch):
    import werkzeug.security

    calls = []
    real = werkzeug.security.check_password_hash
    monkeypatch.setattr(werkzeug.security, "check_password_hash", lambda h, p: calls.append(h) or real(h, p))
    _try(client, "khong-ton-tai")
    assert len(calls) == 1  # the dummy hash: as slow as a known account


def test_old_login_records_are_pruned_successful_ones_too(app, client, make_user):
    make_user("cu", ["admin"])
    old = dt.datetime.now(dt.UTC).replace(tzinfo=None) - dt.timedelta(days=2)
    with app.app_context():
        db.session.add_all([LoginAttempt(username="cu", address="1.2.3.4", success=True, at=old),
                            LoginAttempt(username="x", address="1.2.3.4", success=False, at=old),
                            LoginThrottle(key="u:x", window_start=old, count=5)])
        db.session.commit()
    login(client, "cu")
    with app.app_context():
        kept = db.session.scalars(select(LoginAttempt)).all()
        assert [(a.username, a.success) for a in kept] == [("cu", True)] and kept[0].at > old
        assert db.session.get(LoginThrottle, "u:x") is None


# --- headers ---

def _header_checks(resp):
    csp = resp.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "frame-ancestors 'self'" in csp
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    assert resp.headers["X-Frame-Options"] == "SAMEORIGIN"
    assert resp.headers["Referrer-Policy"] == "same-origin"


def test_security_headers_and_no_store_for_logged_in_pages(client, make_user):
    anon = client.get("/login")
    _header_checks(anon)
    assert "no-store" not in anon.headers.get("Cache-Control", "")
    assert "Strict-Transport-Security" not in anon.headers
    make_user("hd", ["admin"])
    resp = client.post("/login", data={"username": "hd", "password": PASSWORD})
    # the session cookie (the readable portal_user cookie beside it names the user for the service worker)
    cookie = next(c for c in resp.headers.getlist("Set-Cookie") if not c.startswith("portal_user="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie  # plain HTTP
    page = client.get("/")
    _header_checks(page)
    assert page.headers["Cache-Control"] == "no-store"
    assert client.get("/units/export.xlsx").headers["Cache-Control"] == "no-store"


@pytest.fixture
def app_config(request):
    return getattr(request, "param", {})


@pytest.mark.parametrize("app_config", [{"PORTAL_PROXY_COUNT": 1}], indirect=True)
def test_https_behind_the_proxy_gives_secure_cookies_and_hsts(client, make_user):
    make_user("tls", ["admin"])
    https = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.5"}
    resp = client.post("/login", data={"username": "tls", "password": PASSWORD}, headers=https)
    assert resp.status_code == 302 and "Secure" in resp.headers["Set-Cookie"]
    assert resp.headers["Strict-Transport-Security"] == "max-age=31536000"
    plain = client.get("/login", headers={"X-Forwarded-Proto": "http"})
    assert "Strict-Transport-Security" not in plain.headers


def test_x_forwarded_proto_is_ignored_without_a_proxy(client, make_user):
    make_user("spoof", ["admin"])
    resp = client.post("/login", data={"username": "spoof", "password": PASSWORD}, headers={"X-Forwarded-Proto": "https"})
    assert "Secure" not in resp.headers["Set-Cookie"] and "Strict-Transport-Security" not in resp.headers


@pytest.mark.parametrize("app_config", [{"PORTAL_FORCE_HTTPS": True}], indirect=True)
def test_forced_https(client, make_user):
    make_user("force", ["admin"])
    resp = client.post("/login", data={"username": "force", "password": PASSWORD})
    assert "Secure" in resp.headers["Set-Cookie"] and "Strict-Transport-Security" in resp.headers


def test_logout_clears_what_the_browser_kept(client, login_as):
    login_as("ra", ["admin"])
    page = client.get("/").get_data(as_text=True)
    assert '"historyCacheSize":0' in page and '"includeIndicatorStyles":false' in page
    assert "data-logout" in page
    resp = client.post("/logout")
    assert resp.headers["Clear-Site-Data"] == '"cache", "storage"'


# --- templates and static files ---

INLINE = [
    (re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>", re.I), "inline <script>"),
    (re.compile(r"<style\b", re.I), "<style> block"),
    (re.compile(r"\sstyle\s*=", re.I), "style= attribute"),
    (re.compile(r"\son[a-z]+\s*=", re.I), "on…= handler"),
    (re.compile(r"javascript:", re.I), "javascript: URL"),
    (re.compile(r"\shx-on[:-]", re.I), "hx-on handler (needs eval)"),
]


#: Jinja's own syntax, blanked (newlines kept) before the scan: `online=turnout.online` inside {{ }} is a
#: keyword argument, not an HTML handler attribute.
_JINJA = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.S)


def _markup(text: str) -> str:
    return _JINJA.sub(lambda m: "\n" * m.group().count("\n"), text)


def _templates():
    folders = [ROOT / "templates", *sorted((ROOT / "plugins").glob("*/templates"))]
    return [p for folder in folders for p in sorted(folder.rglob("*.html"))]


def test_no_template_has_inline_script_style_or_handlers():
    found = []
    files = _templates()
    assert len(files) > 60 and any("plugins" in str(p) for p in files)
    for path in files:
        text = _markup(path.read_text())
        for pattern, what in INLINE:
            for m in pattern.finditer(text):
                line = text.count("\n", 0, m.start()) + 1
                found.append(f"{path.relative_to(ROOT)}:{line}: {what}")
    assert not found, "\n".join(found)


def test_the_inline_check_catches_what_it_should():
    bad = '<p style="x"><button onclick="y()"></button><script>z()</script><style>a{}</style><a href="javascript:1">'
    assert not [what for pattern, what in INLINE if pattern.search(_markup('<p>{{ _("x", online=n) }}</p>'))]
    assert {what for pattern, what in INLINE if pattern.search(bad)} >= {
        "inline <script>", "<style> block", "style= attribute", "on…= handler", "javascript: URL"}
    assert not any(p.search('<script src="/static/x.js" defer></script><p data-onclick="x">') for p, _ in INLINE)


def test_static_files_carry_a_content_version_and_are_cached(client):
    page = client.get("/login").get_data(as_text=True)
    css = re.search(r'href="(/static/portal\.css\?v=([0-9a-f]{12}))"', page)
    js = re.search(r'src="(/static/portal\.js\?v=[0-9a-f]{12})"', page)
    assert css and js and re.search(r'src="/static/htmx\.min\.js\?v=[0-9a-f]{12}"', page)
    import hashlib

    assert css.group(2) == hashlib.sha256((ROOT / "portal/static/portal.css").read_bytes()).hexdigest()[:12]
    resp = client.get(css.group(1))
    try:
        assert resp.status_code == 200 and "immutable" in resp.headers["Cache-Control"]
        assert "max-age=31536000" in resp.headers["Cache-Control"]
        assert ".htmx-request .htmx-indicator" in resp.get_data(as_text=True)
    finally:
        resp.close()


# --- default grants ---

def test_init_brings_unedited_grants_up_to_changed_defaults(app, client, admin):
    from portal.plugin import Permission
    from portal.roles import sync_roles

    perms = app.extensions["portal"].permissions
    with app.app_context():
        perms["directory.secret"] = Permission("directory.secret", "x", {"inspector": "all", "leadership": "all"})
        perms["directory.other"] = Permission("directory.other", "y", {"inspector": "all"})
        sync_roles(app)

        def holders(code):
            return sorted((g.role.code, g.scope) for g in db.session.scalars(select(RoleGrant).where(RoleGrant.permission == code)))

        assert holders("directory.secret") == [("inspector", "all"), ("leadership", "all")]
    # an administrator edits one of them on the roles page
    with app.app_context():
        inspector = db.session.scalar(select(Role.id).where(Role.code == "inspector"))
    assert client.post(f"/admin/roles/{inspector}", data={"permission": "directory.other", "scope": "unit"}).status_code == 302
    # a release tightens both defaults
    perms["directory.secret"] = Permission("directory.secret", "x", {"leadership": "unit", "fund_board": "all"})
    perms["directory.other"] = Permission("directory.other", "y", {})
    with app.app_context():
        created, written = sync_roles(app)
        assert written == 3
        assert holders("directory.secret") == [("fund_board", "all"), ("leadership", "unit")]
        assert holders("directory.other") == [("inspector", "unit")]  # the administrator's choice stays
        assert db.session.get(KnownPermission, "directory.other").edited
        assert sync_roles(app) == (0, 0)  # nothing left to do
        del perms["directory.secret"], perms["directory.other"]


def test_removing_a_grant_on_the_roles_page_counts_as_an_edit(app, client, admin):
    with app.app_context():
        grant = db.session.scalar(select(RoleGrant).join(Role).where(Role.code == "inspector",
                                                                     RoleGrant.permission == "directory.view"))
        role_id, grant_id = grant.role_id, grant.id
    assert client.post(f"/admin/roles/{role_id}/grants/{grant_id}/delete").status_code == 302
    from portal.roles import sync_roles

    with app.app_context():
        assert db.session.get(KnownPermission, "directory.view").edited
        sync_roles(app)
        assert db.session.get(RoleGrant, grant_id) is None  # not put back
        assert db.session.scalar(select(User).where(User.username == "quantri")) is not None
