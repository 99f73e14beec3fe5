"""render(): the whole page for browsers, one named block (plus out-of-band flashes) for htmx."""
from __future__ import annotations

import pytest
from flask import flash

from portal.rendering import hx_redirect, hx_retarget, hx_trigger, is_fragment_request, redirect_or_hx, render, render_fragment
from portal.paging import Page
from tests.helpers import HX

TEMPLATE = "directory/index.html"
CONTEXT = {"units": [], "page": Page(items=[], size=50, total=0), "q": "", "kind": "", "state": "all", "kinds": {}, "today": None}


@pytest.fixture
def admin(login_as):
    return login_as("quantri", ["admin"])


@pytest.mark.parametrize(
    "headers,fragment",
    [
        ({}, False),
        (HX, True),
        ({**HX, "HX-Boosted": "true"}, False),
        ({**HX, "HX-History-Restore-Request": "true"}, False),
        ({"HX-Request": "false"}, False),
    ],
    ids=["browser", "htmx", "boosted", "history-restore", "not-htmx"],
)
def test_render_picks_fragment_or_page(app, headers, fragment):
    with app.test_request_context("/units/", headers=headers):
        assert is_fragment_request() is fragment
        resp = render(TEMPLATE, fragment="unit_list", **CONTEXT)
        body = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "HX-Request" in resp.headers["Vary"]
    if fragment:
        assert body.lstrip().startswith('<section id="unit-list">') and "<html" not in body
    else:
        assert body.startswith("<!doctype html>") and '<section id="unit-list">' in body


def test_fragment_carries_flashes_out_of_band(app):
    with app.test_request_context("/units/", headers=HX):
        flash("Đã lưu", "success")
        body = render(TEMPLATE, fragment="unit_list", **CONTEXT).get_data(as_text=True)
    assert '<div id="flashes" hx-swap-oob="true"' in body and "Đã lưu" in body
    with app.test_request_context("/units/", headers=HX):
        assert "hx-swap-oob" not in render(TEMPLATE, fragment="unit_list", **CONTEXT).get_data(as_text=True)


def test_full_page_shows_flashes_in_place(app):
    with app.test_request_context("/units/"):
        flash("Đã lưu", "success")
        body = render(TEMPLATE, fragment="unit_list", **CONTEXT).get_data(as_text=True)
    assert '<div id="flashes" aria-live="polite">' in body and "Đã lưu" in body and "hx-swap-oob" not in body


def test_status_is_the_http_status_only(app):
    with app.test_request_context("/units/", headers=HX):
        assert render(TEMPLATE, fragment="unit_list", status=422, **CONTEXT).status_code == 422
        with pytest.raises(TypeError):
            render(TEMPLATE, fragment="unit_list", status="draft", **CONTEXT)


def test_unknown_block_is_an_error(app):
    with app.test_request_context("/"), pytest.raises(KeyError):
        render_fragment(TEMPLATE, "no_such_block", **CONTEXT)


def test_every_page_varies_on_hx_request(client):
    resp = client.get("/login")
    assert "HX-Request" in resp.headers["Vary"]
    assert resp.headers["X-Content-Type-Options"] == "nosniff"


def test_hx_helpers(app):
    with app.test_request_context("/"):
        assert hx_redirect("/units/").headers["HX-Redirect"] == "/units/"
        assert hx_trigger("ok", "directory:saved").headers["HX-Trigger"] == "directory:saved"
        assert hx_trigger("ok", {"directory:saved": {"id": 1}}).headers["HX-Trigger"] == '{"directory:saved": {"id": 1}}'
        resp = hx_retarget(render(TEMPLATE, **CONTEXT), "#flashes", "beforeend")
        assert resp.headers["HX-Retarget"] == "#flashes" and resp.headers["HX-Reswap"] == "beforeend"
        assert redirect_or_hx("/units/").status_code == 302
    with app.test_request_context("/", headers=HX):
        resp = redirect_or_hx("/units/")
        assert resp.status_code == 200 and resp.headers["HX-Redirect"] == "/units/"


def test_layout_has_csrf_header_vendored_htmx_and_phone_viewport(client, admin):
    body = client.get("/").get_data(as_text=True)
    assert "<body hx-headers='{\"X-CSRFToken\": \"" in body
    assert '/static/htmx.min.js' in body and "unpkg" not in body and "cdn" not in body.lower()
    assert 'name="viewport" content="width=device-width, initial-scale=1"' in body
    htmx = client.get("/static/htmx.min.js")
    assert htmx.status_code == 200 and b"htmx" in htmx.data[:2000]
    htmx.close()


def test_error_pages_are_full_pages_for_browsers_and_flashes_for_htmx(client, admin):
    page = client.get("/no/such/page")
    assert page.status_code == 404 and "<html" in page.get_data(as_text=True)
    frag = client.get("/no/such/page", headers=HX)
    assert frag.status_code == 404 and frag.headers["HX-Retarget"] == "#flashes"
    assert frag.get_data(as_text=True).startswith('<p class="flash flash-error"')


def test_server_errors_are_caught_and_logged(app, client, caplog):
    from portal.security import public

    @app.route("/boom")
    @public
    def boom():
        raise RuntimeError("boom")

    resp = client.get("/boom")
    assert resp.status_code == 500 and "Máy chủ gặp sự cố" in resp.get_data(as_text=True)
    assert "unhandled error" in caplog.text


def test_document_macros_render_the_decree_30_header(app):
    import datetime as dt

    tpl = app.jinja_env.from_string(
        '{% from "macros/document.html" import doc_header, doc_title, signatures %}'
        '{{ doc_header(number="12/BB-HĐTĐKT", date=d) }}{{ doc_title("Biên bản", "Kiểm phiếu") }}'
        '{{ signatures([("Thư ký", "Lò Văn A"), ("Chủ tọa", "")]) }}'
    )
    with app.test_request_context("/"):
        html = tpl.render(d=dt.date(2024, 11, 5))
    for text in ("UBND TỈNH LAI CHÂU", "UBND HUYỆN TAM ĐƯỜNG", "Số: 12/BB-HĐTĐKT", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                 "Độc lập - Tự do - Hạnh phúc", "Tam Đường, ngày 05 tháng 11 năm 2024", "THƯ KÝ", "(Ký, ghi rõ họ tên)"):
        assert text in html, text


def test_a_fragment_inherited_from_the_parent_template_or_calling_super_renders_alone(app):
    from jinja2 import DictLoader

    from portal.rendering import render_fragment

    app.jinja_loader.loaders.insert(0, DictLoader({
        "t_parent.html": "{% block a %}A{% endblock %}{% block b %}B{% endblock %}",
        "t_child.html": '{% extends "t_parent.html" %}{% block b %}[{{ super() }}+C]{% endblock %}',
    }))
    with app.test_request_context():
        assert render_fragment("t_child.html", "a") == "A"  # not overridden: the parent's block
        assert render_fragment("t_child.html", "b") == "[B+C]"  # super() finds the parent
