"""The review document's contract extension and snapshot, with a plugin that lives only in this test: it counts
the communes of the review's units, so adding a commune after drafting must not change the drafted figures."""
from __future__ import annotations

import io
import re
from decimal import Decimal

import pytest
from docx import Document
from flask import Blueprint
from openpyxl import load_workbook

from portal.exports import read_rows
from sqlalchemy import func, select

from portal.extensions import db
from portal.models import Unit
from portal.plugin import Plugin, ReviewContext, ReviewFigure, ReviewSection, ReviewTable
from tests.helpers import HX

SEEN: list[ReviewContext] = []


def tally_sections(ctx: ReviewContext) -> list[ReviewSection]:
    SEEN.append(ctx)
    communes = db.session.scalar(select(func.count(Unit.id)).where(Unit.id.in_(ctx.unit_ids), Unit.kind == "commune"))
    return [
        ReviewSection(key="later", title="Mục thứ hai", order=60, narrative="Đoạn mặc định thứ hai."),
        ReviewSection(key="count", title="Số xã trong báo cáo", order=5,
                      narrative=f"Có {communes} xã.", highlights=[f"Có {communes} xã tham gia."],
                      tables=[ReviewTable(["Chỉ tiêu", "Giá trị"], [["Số xã", communes], ["Tỷ lệ", Decimal("12.5")]],
                                          "Bảng đếm")],
                      figures=[ReviewFigure("Đồ thị", ["2021", "2022"], [("Số xã", [communes, None])])]),
    ]


tally = Plugin(name="tally", title="Tally", blueprint=Blueprint("tally", __name__), review_sections=tally_sections)

FORM = {"kind": "final", "title": "Tổng kết thử", "year_from": "2021", "year_to": "2025",
        "unit_kinds": ["commune"], "doc_date": "15/06/2025", "signer_name": "Nguyễn Văn A"}


@pytest.fixture
def plugin_objects():
    return [tally]


@pytest.fixture
def office(client, login_as, make_unit):
    make_unit("Xã Bản Bo")
    make_unit("Xã Bình Lư")
    make_unit("Hội Nông dân", kind="mass_org")
    make_unit("Xã Cũ", valid_to=__import__("datetime").date(2019, 12, 31))  # ended before the years: left out
    login_as("thuongtruc", ["standing_office"])
    return client


def _draft(client) -> int:
    resp = client.post("/review/", data=FORM)
    assert resp.status_code == 302, resp.get_data(as_text=True)[:3000]
    return int(re.search(r"/review/(\d+)", resp.headers["Location"]).group(1))


def test_a_test_plugin_contributes_a_section(office, app):
    SEEN.clear()
    review_id = _draft(office)
    ctx = SEEN[-1]
    assert (ctx.kind, ctx.year_from, ctx.year_to, ctx.unit_kinds) == ("final", 2021, 2025, ("commune",))
    assert len(ctx.unit_ids) == 2 and ctx.start.isoformat() == "2021-01-01" and ctx.end.isoformat() == "2025-12-31"
    page = office.get(f"/review/{review_id}").get_data(as_text=True)
    # ordered by `order`: the count (5) before the second section (60)
    assert page.index("1. Số xã trong báo cáo") < page.index("2. Mục thứ hai")
    assert "Có 2 xã." in page and "Bảng đếm" in page and ">12,5<" in page and "<svg" in page
    # a column of figures is right-aligned, its header too (on the page and in the print)
    assert "<th>Chỉ tiêu</th><th class=\"num\">Giá trị</th>" in page
    assert "<th>Chỉ tiêu</th><th class=\"num\">Giá trị</th>" in office.get(f"/review/{review_id}/print").get_data(as_text=True)
    assert "Có 2 xã tham gia." in page  # the highlights start "results achieved"
    doc = Document(io.BytesIO(office.get(f"/review/{review_id}.docx").data))
    assert [p.text for p in doc.paragraphs if p.style.name == "Heading 2"][:2] == [
        "1. Số xã trong báo cáo", "2. Mục thứ hai"]
    table = doc.tables[1]
    assert [c.text for c in table.rows[0].cells] == ["Chỉ tiêu", "Giá trị"]
    assert [c.text for c in table.rows[1].cells] == ["Số xã", "2"]
    wb = load_workbook(io.BytesIO(office.get(f"/review/{review_id}.xlsx").data))
    rows = read_rows(office.get(f"/review/{review_id}.xlsx").data)[1]
    assert wb.sheetnames[0] == "1.1 Bảng đếm" and rows[0] == ["Số xã", 2] and rows[1] == ["Tỷ lệ", 12.5]


def test_the_snapshot_stays_when_data_changes_until_regenerated(office, app, make_unit):
    review_id = _draft(office)
    with app.app_context():
        sid = db.session.scalar(select(func.min(db.Model.metadata.tables["portal_review_section"].c.id)))
    resp = office.post(f"/review/{review_id}/s/{sid}", data={"text": "Đoạn văn do văn phòng viết."})
    assert resp.status_code == 302
    make_unit("Xã Mới")  # the data changes after drafting
    page = office.get(f"/review/{review_id}").get_data(as_text=True)
    assert "<td class=\"num\">2</td>" in page and "<td class=\"num\">3</td>" not in page
    assert "Đoạn văn do văn phòng viết." in page
    # regenerating asks for confirmation first
    assert "Đồng ý lấy lại số liệu" in office.get(f"/review/{review_id}/regenerate").get_data(as_text=True)
    refused = office.post(f"/review/{review_id}/regenerate", data={})
    assert refused.status_code == 422
    assert "<td class=\"num\">2</td>" in office.get(f"/review/{review_id}").get_data(as_text=True)
    assert office.post(f"/review/{review_id}/regenerate", data={"confirm": "yes"}).status_code == 302
    page = office.get(f"/review/{review_id}").get_data(as_text=True)
    assert "<td class=\"num\">3</td>" in page
    assert "Đoạn văn do văn phòng viết." in page  # the edited narrative is kept
    assert "Đoạn mặc định thứ hai." in page  # the untouched one follows the plugin's draft


def test_inline_editing_with_htmx_and_without(office, app):
    review_id = _draft(office)
    editor = office.get(f"/review/{review_id}/part/limits", headers=HX)
    assert editor.status_code == 200 and "<textarea" in editor.get_data(as_text=True)
    assert "<html" not in editor.get_data(as_text=True)
    saved = office.post(f"/review/{review_id}/part/limits", data={"text": "Hạn chế một.\nHạn chế hai."}, headers=HX)
    body = saved.get_data(as_text=True)
    assert saved.status_code == 200 and "<p>Hạn chế một.</p>" in body and "<p>Hạn chế hai.</p>" in body
    assert 'id="text-part-limits"' in body
    # without JavaScript: a page of its own and a redirect back
    assert "<html" in office.get(f"/review/{review_id}/part/lessons").get_data(as_text=True)
    resp = office.post(f"/review/{review_id}/part/lessons", data={"text": "Bài học."})
    assert resp.status_code == 302 and resp.headers["Location"].endswith("#part-lessons")
    bad = office.post(f"/review/{review_id}/part/lessons", data={"text": "<script>x</script>"}, headers=HX)
    assert bad.status_code == 422
    assert office.post(f"/review/{review_id}/part/nonsense", data={"text": "x"}).status_code == 404
    printed = office.get(f"/review/{review_id}/print").get_data(as_text=True)
    assert "Hạn chế một." in printed and "Bài học." in printed and "<script>x" not in printed


def test_bad_input_is_refused_with_a_message_and_nothing_stored(office, app):
    resp = office.post("/review/", data={**FORM, "year_from": "2025", "year_to": "2021"})
    assert resp.status_code == 422 and "Năm cuối không được trước năm đầu." in resp.get_data(as_text=True)
    resp = office.post("/review/", data={**FORM, "unit_kinds": []})
    assert resp.status_code == 422
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(db.Model.metadata.tables["portal_review"])) == 0
    assert office.get("/review/999999").status_code == 404


def test_who_may_do_what(client, login_as, app):
    login_as("donvi", ["unit_reporter"])
    assert client.get("/review/").status_code == 403
    client.post("/logout")
    login_as("lanhdao", ["leadership"])
    page = client.get("/review/").get_data(as_text=True)
    assert "review-form" not in page
    assert client.post("/review/", data=FORM).status_code == 403


def test_the_loader_refuses_review_sections_that_cannot_be_called():
    from portal.loader import validate
    from portal.plugin import PluginError

    broken = Plugin(name="broken", title="x", blueprint=Blueprint("broken", __name__), review_sections="sections")
    with pytest.raises(PluginError, match="review_sections must be callable"):
        validate(broken, "broken", __name__, [])


def test_a_plugin_named_review_is_refused():
    from portal.loader import discover
    from portal.plugin import PluginError

    with pytest.raises(PluginError, match="reserved"):
        discover(["review"], lambda name: [])


def test_the_word_file_follows_every_edit(office, app):
    review_id = _draft(office)
    first = office.get(f"/review/{review_id}.docx").data
    assert office.get(f"/review/{review_id}.docx").data == first  # built once per content
    office.post(f"/review/{review_id}/part/proposals", data={"text": "Đề xuất mới."})
    doc = Document(io.BytesIO(office.get(f"/review/{review_id}.docx").data))
    assert "Đề xuất mới." in [p.text for p in doc.paragraphs]
    office.post(f"/review/{review_id}/details", data={"title": "Tổng kết thử", "number": "9/BC-UBND"})
    doc = Document(io.BytesIO(office.get(f"/review/{review_id}.docx").data))
    assert "9/BC-UBND" in doc.tables[0].rows[0].cells[0].text
