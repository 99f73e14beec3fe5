"""Security hardening with all four plugins and their demo data (issue 10), through HTTP.

Every xlsx export of the url_map with hostile names, decompression bombs on every upload route, the former 500s,
files of refused saves, the default grants of confidential data, and the headers of a page of each plugin.
"""
from __future__ import annotations

import io
import re
import struct
import zlib
from pathlib import Path

import pytest
from flask import Flask
from openpyxl import load_workbook
from sqlalchemy import text

from portal.extensions import db
from tests.helpers import HX, PASSWORD, login
from tests.test_routes_robustness import EVERYONE, PLUGINS, REPORTER, _path_args, _rows, _seed, _url

HOSTILE = ['=HYPERLINK("http://x.example","y")', "+1 bấm", "-1 xem", "@x", "=1+2"]


@pytest.fixture
def enabled_plugins() -> list[str]:
    return PLUGINS


@pytest.fixture
def seeded(app: Flask) -> Flask:
    _seed(app)
    return app


def _client(app: Flask, who: str):
    client = app.test_client()
    login(client, who)
    return client


def _files(app: Flask) -> set[str]:
    folder = Path(app.config["PORTAL_UPLOAD_FOLDER"])
    return {p.name for p in folder.iterdir()} if folder.exists() else set()


def _count(app: Flask, table: str) -> int:
    with app.app_context():
        return db.session.scalar(text(f"SELECT count(*) FROM {table}"))


# --- exports ---

def test_every_xlsx_export_writes_hostile_text_as_text(seeded: Flask) -> None:
    app = seeded
    with app.app_context():
        # hostile names where every export shows them: units, donors, nominees (as a user could have typed them)
        ids = [r[0] for r in db.session.execute(text("SELECT id FROM directory_unit ORDER BY id"))]
        for i, unit_id in enumerate(ids):
            db.session.execute(text("UPDATE directory_unit SET name = :n WHERE id = :id"),
                               {"n": HOSTILE[i % len(HOSTILE)] + f" {i}", "id": unit_id})
        db.session.execute(text("UPDATE fund_contribution SET donor_name = :n WHERE donor_name IS NOT NULL"),
                           {"n": HOSTILE[0]})
        db.session.execute(text("UPDATE awards_nomination SET nominee = :n"), {"n": HOSTILE[0]})
        db.session.commit()
        rules = [r for r in app.url_map.iter_rules() if r.rule.endswith(".xlsx")]
        targets = {r.endpoint: _path_args(r)[0] for r in rules}
    assert len(rules) >= 6, [r.rule for r in rules]
    client = _client(app, "admin")
    everyone = _client(app, EVERYONE)
    seen = {}
    for rule in rules:
        url = _url(rule, targets[rule.endpoint])
        resp = client.get(url)
        if resp.status_code == 403:
            resp = everyone.get(url)
        assert resp.status_code == 200, (url, resp.status_code)
        wb = load_workbook(io.BytesIO(resp.data))  # it opens
        cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row]
        formulas = [f"{c.parent.title}!{c.coordinate}={c.value!r}" for c in cells if c.data_type == "f"]
        assert not formulas, (url, formulas[:5])
        seen[rule.rule] = any(isinstance(c.value, str) and c.value.startswith(("=", "+", "-", "@")) for c in cells)
    # the hostile text did reach the exports (as text), so the check above was not vacuous
    assert sum(seen.values()) >= 5, seen


def test_a_unit_named_with_control_characters_is_refused_and_exports_keep_working(seeded: Flask) -> None:
    client = _client(seeded, "admin")
    before = _count(seeded, "directory_unit")
    resp = client.post("/units/new", data={"code": "xa-ctl", "name": "a\x01\x02\x1b[31mb", "kind": "commune",
                                           "parent_id": 0, "successor_id": 0})
    assert resp.status_code == 422 and "ký tự điều khiển" in resp.get_data(as_text=True)
    assert _count(seeded, "directory_unit") == before
    with seeded.app_context():  # even if one got in by another road (an old database), the exports still open
        db.session.execute(text("UPDATE directory_unit SET name = :n WHERE code = 'xa-ban-bo'"), {"n": "a\x01\x1b[31mb"})
        db.session.commit()
    for url in ("/units/export.xlsx", "/reports/matrix.xlsx", "/inspections/summary.xlsx"):
        resp = client.get(url)
        assert resp.status_code == 200, url
        load_workbook(io.BytesIO(resp.data))


# --- uploads ---

def _bomb_png(width: int = 14000, height: int = 14000) -> bytes:
    """A small PNG declaring a huge size (1-bit grey, all zero rows compress to almost nothing)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    comp = zlib.compressobj(9)
    row = b"\x00" * (1 + (width + 7) // 8)
    body = b"".join(comp.compress(row) for _ in range(height)) + comp.flush()
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0))
            + chunk(b"IDAT", body) + chunk(b"IEND", b""))


BOMB = _bomb_png()


def _start_an_inspection(app: Flask) -> None:
    """Photos are taken during an inspection: start a planned one of the demo data, as its team would."""
    with app.app_context():
        planned = _rows("SELECT i.id, u.username FROM inspections_inspection i JOIN inspections_member m "
                        "ON m.inspection_id = i.id JOIN portal_user u ON u.id = m.user_id WHERE i.state = 'planned'", 5)
    for row in planned:
        if _client(app, row["username"]).post(f"/inspections/{row['id']}/start").status_code < 400:
            return


def _upload_targets(app: Flask) -> list[tuple[str, str, str]]:
    """(who, url, file field) for every upload route, with real ids from the demo data."""
    _start_an_inspection(app)
    with app.app_context():
        rows = _rows("SELECT p.period_id, p.unit_id, f.key FROM reports_period_unit p "
                     "JOIN reports_period r ON r.id = p.period_id JOIN reports_form_field f ON f.version_id = r.version_id "
                     "JOIN directory_unit u ON u.id = p.unit_id WHERE f.kind = 'file' AND u.code = 'xa-ban-bo' "
                     "ORDER BY p.period_id DESC", 10)
        reports = [(REPORTER, f"/reports/p/{r['period_id']}/u/{r['unit_id']}/field/{r['key']}", r["key"]) for r in rows]
        noms = _rows("SELECT n.id FROM awards_nomination n JOIN directory_unit u ON u.id = n.unit_id "
                     "WHERE u.code = 'xa-ban-bo' ORDER BY n.state = 'draft' DESC, n.id", 5)
        awards = [(w, f"/awards/nominations/{r['id']}/files", "file") for r in noms for w in (REPORTER, EVERYONE)]
        disb = _rows("SELECT id FROM fund_disbursement ORDER BY id", 5)
        fund = [(EVERYONE, f"/fund/disbursements/{r['id']}/attachments", "file") for r in disb]
        items = _rows("SELECT i.id AS inspection_id, it.id AS item_id, u.username FROM inspections_inspection i "
                      "JOIN inspections_member m ON m.inspection_id = i.id JOIN portal_user u ON u.id = m.user_id "
                      "JOIN inspections_item it ON it.template_id = i.template_id "
                      "WHERE i.state = 'in_progress' ORDER BY i.id, it.id", 10)
        insp = [(r["username"], f"/inspections/{r['inspection_id']}/items/{r['item_id']}/photos", "photo") for r in items]
        exemplars = [(EVERYONE, f"/exemplars/{r['id']}/photos", "photo")
                     for r in _rows("SELECT id FROM exemplars_exemplar ORDER BY id", 3)]
    return reports + awards + fund + insp + exemplars


@pytest.mark.parametrize("area", ["reports", "awards", "fund", "inspections", "exemplars"])
def test_a_decompression_bomb_is_refused_before_decoding_on_every_upload_route(seeded: Flask, area: str) -> None:
    app = seeded
    app.config["PORTAL_MAX_IMAGE_PIXELS"] = 50_000_000
    clients: dict[str, object] = {}
    refused = 0
    files, uploads = _files(app), _count(app, "portal_upload")
    for who, url, field in _upload_targets(app):
        if not url.startswith("/" + area):
            continue
        client = clients.setdefault(who, _client(app, who))
        for hx in ({}, HX):
            resp = client.post(url, data={field: (io.BytesIO(BOMB), "anh.png")}, headers=hx,  # type: ignore[attr-defined]
                               content_type="multipart/form-data")
            assert resp.status_code < 500, (url, resp.status_code)
            if "Ảnh quá lớn (tối đa 50 megapixel)" in resp.get_data(as_text=True):
                assert 400 <= resp.status_code < 500
                refused += 1
        if refused >= 2:
            break
    assert refused >= 2, f"no {area} upload route reached the pixel check"
    assert _files(app) == files and _count(app, "portal_upload") == uploads


def test_pillow_guard_backs_up_the_header_check(app: Flask) -> None:
    from PIL import Image

    from portal.uploads import UploadError, check_image_size

    with app.test_request_context():
        with pytest.raises(UploadError, match="quá lớn|too large"):
            check_image_size(_bomb_png(9000, 9000))
        assert Image.MAX_IMAGE_PIXELS == app.config["PORTAL_MAX_IMAGE_PIXELS"]
        small = io.BytesIO()
        Image.new("RGB", (40, 30)).save(small, "PNG")
        check_image_size(small.getvalue())  # an ordinary photo passes


def test_a_refused_report_save_leaves_no_file_behind(seeded: Flask) -> None:
    app = seeded
    client = _client(app, REPORTER)
    with app.app_context():
        rows = _rows("SELECT p.period_id, p.unit_id, r.version_id FROM reports_period_unit p "
                     "JOIN reports_period r ON r.id = p.period_id JOIN directory_unit u ON u.id = p.unit_id "
                     "WHERE u.code = 'xa-ban-bo' AND EXISTS (SELECT 1 FROM reports_form_field f "
                     "WHERE f.version_id = r.version_id AND f.kind = 'file') ORDER BY p.period_id DESC", 10)
    tried = 0
    for r in rows:
        with app.app_context():
            fields = _rows(f"SELECT key, kind FROM reports_form_field WHERE version_id = {int(r['version_id'])}", 200)
        numeric = [f["key"] for f in fields if f["kind"] in ("integer", "number", "decimal", "money", "percent")]
        files = [f["key"] for f in fields if f["kind"] == "file"]
        if not numeric:
            continue
        data = {"_fields": [f["key"] for f in fields if f["kind"] != "file"], numeric[0]: "không phải số"}
        data[files[0]] = (io.BytesIO(b"%PDF-1.4 hop le\n%%EOF"), "bien-ban.pdf")
        before, uploads = _files(app), _count(app, "portal_upload")
        resp = client.post(f"/reports/p/{r['period_id']}/u/{r['unit_id']}/save", data=data,
                           content_type="multipart/form-data")
        if resp.status_code == 422:
            tried += 1
            assert _files(app) == before, "the refused save left its file on disk"
            assert _count(app, "portal_upload") == uploads
            break
    assert tried, "no editable report with a file and a number field"


# --- the former 500s ---

def test_whitespace_amounts_and_dates_are_a_clear_400(seeded: Flask) -> None:
    client = _client(seeded, EVERYONE)
    counts = {t: _count(seeded, t) for t in ("fund_disbursement", "fund_pledge", "reports_period")}
    with seeded.app_context():
        category = _rows("SELECT id FROM fund_category ORDER BY id")[0]["id"]
        campaign = _rows("SELECT id FROM fund_campaign ORDER BY id")[0]["id"]
        form_id = _rows("SELECT id FROM reports_form ORDER BY id")[0]["id"]
    resp = client.post("/fund/disbursements/new", data={"amount": "   ", "category_id": category,
                                                         "beneficiary": "Hộ ông A", "date": "15/03/2024"})
    assert resp.status_code == 422 and "Nhập số tiền" in resp.get_data(as_text=True)
    resp = client.post(f"/fund/pledges?campaign={campaign}", data={"amount": "   ", "campaign_id": campaign})
    assert 400 <= resp.status_code < 500
    resp = client.post("/reports/periods", data={"form_id": form_id, "title": "Kỳ thử", "opens_on": "   ",
                                                  "due_on": "30/06/2024"})
    assert resp.status_code == 422 and "bắt buộc" in resp.get_data(as_text=True)  # INVALID_FORM (issue 12)
    assert counts == {t: _count(seeded, t) for t in counts}


# --- data shown only as far as needed ---

def test_anonymous_donors_and_internal_notes_only_for_the_fund_board(seeded: Flask) -> None:
    app = seeded
    with app.app_context():
        entry = _rows("SELECT id FROM fund_contribution WHERE donor_unit_id IS NULL ORDER BY id")[0]["id"]
        unit = _rows("SELECT id FROM directory_unit WHERE code = 'xa-ban-bo'")[0]["id"]
        db.session.execute(text("UPDATE fund_contribution SET anonymous = :t, donor_name = 'Bà Lò Thị Kín', "
                                "note = 'Ghi chú nội bộ kín', mobilised_by_id = :u WHERE id = :id"),
                           {"t": True, "u": unit, "id": entry})
        db.session.commit()
    board = _holders(app, "fund_board")[0]
    seen = _client(app, board).get(f"/fund/contributions/{entry}").get_data(as_text=True)
    assert "Bà Lò Thị Kín" in seen and "Ghi chú nội bộ kín" in seen
    for who in _holders(app, "inspector") + [REPORTER]:
        client = _client(app, who)
        for url in (f"/fund/contributions/{entry}", f"/fund/contributions/{entry}/receipt", "/fund/contributions",
                    "/fund/ledger", "/fund/pledges"):
            resp = client.get(url)
            body = resp.get_data(as_text=True)
            assert "Bà Lò Thị Kín" not in body and "Ghi chú nội bộ kín" not in body, (who, url)
        xlsx = client.get("/fund/report.xlsx")
        if xlsx.status_code == 200:
            cells = [c.value for ws in load_workbook(io.BytesIO(xlsx.data)).worksheets for r in ws.iter_rows() for c in r]
            assert "Bà Lò Thị Kín" not in cells


def _holders(app: Flask, role: str) -> list[str]:
    with app.app_context():
        rows = _rows("SELECT u.username FROM portal_user u JOIN portal_user_role ur ON ur.user_id = u.id "
                     f"JOIN portal_role r ON r.id = ur.role_id WHERE r.code = '{role}' ORDER BY u.id", 1)
    return [r["username"] for r in rows]


def test_district_lists_only_for_district_roles(seeded: Flask) -> None:
    with seeded.app_context():
        round_id = _rows("SELECT id FROM awards_round ORDER BY id")[0]["id"]
    reporter = _client(seeded, REPORTER)
    assert reporter.get(f"/awards/rounds/{round_id}/approved.xlsx").status_code == 403
    assert "approved.xlsx" not in reporter.get(f"/awards/rounds/{round_id}").get_data(as_text=True)
    for who in _holders(seeded, "leadership") + _holders(seeded, "council_secretariat"):
        assert _client(seeded, who).get(f"/awards/rounds/{round_id}/approved.xlsx").status_code == 200, who


# --- headers on a page of each plugin ---

PAGES = ["/reports/matrix", "/inspections/", "/awards/", "/fund/", "/units/", "/"]


@pytest.mark.parametrize("https", [False, True], ids=["http", "https"])
def test_security_headers_on_a_page_of_each_plugin(seeded: Flask, https: bool) -> None:
    seeded.config["PORTAL_FORCE_HTTPS"] = https
    client = seeded.test_client()
    resp = client.post("/login", data={"username": "admin", "password": PASSWORD})
    # the session cookie (the readable portal_user cookie beside it names the user for the service worker)
    cookie = next(c for c in resp.headers.getlist("Set-Cookie") if not c.startswith("portal_user="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and (("Secure" in cookie) is https)
    for url in PAGES:
        resp = client.get(url)
        assert resp.status_code == 200, url
        h = resp.headers
        csp = h["Content-Security-Policy"]
        assert "default-src 'self'" in csp and "script-src 'self'" in csp and "style-src 'self'" in csp
        assert "unsafe" not in csp and "frame-ancestors 'self'" in csp
        assert h["X-Content-Type-Options"] == "nosniff" and h["X-Frame-Options"] == "SAMEORIGIN"
        assert h["Referrer-Policy"] == "same-origin" and h["Cache-Control"] == "no-store"
        assert ("Strict-Transport-Security" in h) is https
        body = resp.get_data(as_text=True)
        for name in PLUGINS:  # each plugin's files, linked from the plugin object, versioned
            assert re.search(rf'href="/{name}/static/{name}\.css\?v=[0-9a-f]{{12}}"', body), (url, name)
        assert re.search(r'src="/awards/static/awards\.js\?v=[0-9a-f]{12}"', body)
        assert not re.search(r"<script(?![^>]*\ssrc=)[^>]*>|<style|\sstyle=|\son[a-z]+=", body), url


def test_plugin_static_files_are_served_and_cached(seeded: Flask) -> None:
    client = _client(seeded, "admin")
    body = client.get("/").get_data(as_text=True)
    for url in re.findall(r'(?:href|src)="(/(?:reports|inspections|awards|fund)/static/[^"]+)"', body):
        resp = client.get(url)
        try:
            assert resp.status_code == 200 and "immutable" in resp.headers["Cache-Control"], url
            assert resp.headers["X-Content-Type-Options"] == "nosniff"
        finally:
            resp.close()
    missing = client.get("/fund/static/nope.css")
    assert missing.status_code == 404
    missing.close()
