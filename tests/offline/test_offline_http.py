"""The offline mechanism over HTTP: the worker's scope, the per-user page list, the fresh CSRF token, idempotent
replays of the routes an offline queue posts to."""
from __future__ import annotations

import re

import pytest


@pytest.fixture
def enabled_plugins() -> list[str]:
    return ["reports", "inspections"]


def test_service_worker_is_served_for_the_whole_site(client):
    resp = client.get("/sw.js")
    assert resp.status_code == 200
    assert resp.headers["Service-Worker-Allowed"] == "/"
    assert resp.mimetype == "text/javascript"
    assert "no-cache" in resp.headers["Cache-Control"]
    assert b"X-Portal-User" in resp.data


def test_offline_endpoints_need_a_login(client):
    for url in ("/offline/pages", "/offline/csrf"):
        resp = client.get(url)
        assert resp.status_code in (302, 401)
        assert "/login" in resp.headers["Location"]


def test_pages_and_token_for_the_signed_in_user(client, login_as, make_unit):
    unit = make_unit("Xã Bản Bo")
    made = login_as("banbo", ["unit_reporter"], unit)
    data = client.get("/offline/pages").get_json()
    assert data["user"] == str(made.id)
    assert all(u.startswith("/") for u in data["pages"] + data["shell"])
    assert any(u.startswith("/static/portal.css?v=") for u in data["shell"])
    token = client.get("/offline/csrf").get_json()
    assert token["user"] == str(made.id) and len(token["token"]) > 20


def test_logged_in_pages_name_their_user_and_public_ones_do_not(client, login_as, make_unit):
    assert "X-Portal-User" not in client.get("/login").headers
    made = login_as("banbo", ["unit_reporter"], make_unit("Xã Bản Bo"))
    resp = client.get("/")
    assert resp.headers["X-Portal-User"] == str(made.id)
    assert resp.headers["Cache-Control"] == "no-store"
    html = resp.get_data(as_text=True)
    assert re.search(r'id="offline-texts"[^>]*data-sw="/sw.js"', html)
    assert "Đang ngoại tuyến – dữ liệu sẽ được gửi khi có mạng" in html


def test_a_readable_cookie_names_the_session_user_for_the_service_worker(client, login_as, make_unit):
    made = login_as("banbo", ["unit_reporter"], make_unit("Xã Bản Bo"))
    cookie = client.get_cookie("portal_user")
    assert cookie is not None and cookie.value == str(made.id) and not cookie.http_only
    assert "portal_user" not in (client.get("/").headers.get("Set-Cookie") or "")  # set once, not on every page
    client.post("/logout")
    assert client.get_cookie("portal_user") is None
    assert "portal_user" not in (client.get("/login").headers.get("Set-Cookie") or "")  # none for anonymous visitors
