"""A real browser: the standing office drafts the final review 2021–2025 from the four plugins' demo data, edits
two sections inline (htmx), prints it to PDF and downloads the .docx; the trend page fits a 360 px phone."""
from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from docx import Document

from tests.helpers import PASSWORD

pytestmark = pytest.mark.browser
OUT = Path("/tmp/review-browser")


def _login(page, base, username):
    page.goto(base + "/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(lambda url: "/login" not in url)


def test_office_drafts_edits_prints_and_exports_the_final_review(page, live_server, demo, tmp_path):
    OUT.mkdir(exist_ok=True)
    _login(page, live_server, "thuongtruc")
    page.goto(live_server + "/review/")
    page.select_option("#kind", "final")
    assert page.input_value("#year_from") == "2021" and page.input_value("#year_to") == "2025"
    page.fill("#number", "125/BC-UBND")
    page.fill("#doc_date", "20/06/2025")
    page.fill("#signer_title", "TM. Ủy ban nhân dân / Chủ tịch")
    page.fill("#signer_name", "Nguyễn Văn Thành")
    page.click("text=Dự thảo báo cáo >> nth=-1")
    page.wait_for_url(re.compile(r"/review/\d+$"))
    assert "Tình hình báo cáo của các đơn vị" in page.inner_text("main")

    # edit the first section's paragraph in place (htmx): the editor replaces the text, saving brings it back
    first = page.locator(".review-section").first
    first.locator("a.edit-text").click()
    first.locator("textarea").fill("Các đơn vị đã báo cáo đầy đủ, đúng hạn.\nMột số xã còn nộp muộn.")
    first.locator("button[type=submit]").click()
    first.locator("text=Một số xã còn nộp muộn.").wait_for()
    assert first.locator("textarea").count() == 0
    part = page.locator("#part-limits")
    part.locator("a.edit-text").click()
    part.locator("textarea").fill("Nguồn lực còn hạn chế; một bộ phận hộ nghèo còn trông chờ, ỷ lại.")
    part.locator("button[type=submit]").click()
    part.locator("text=trông chờ, ỷ lại").wait_for()
    page.reload()
    assert "Một số xã còn nộp muộn." in page.inner_text("main") and "trông chờ, ỷ lại" in page.inner_text("main")

    # the draft reads on a phone: nothing wider than the screen (wide tables scroll inside their frame)
    page.set_viewport_size({"width": 360, "height": 740})
    page.reload()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.screenshot(path=str(OUT / "review-phone.png"), full_page=False)
    page.set_viewport_size({"width": 1280, "height": 900})

    # the .docx: the official header, numbered headings, the tables and the edited texts
    with page.expect_download() as info:
        page.click("#docx-link")
    path = tmp_path / "review.docx"
    info.value.save_as(path)
    doc = Document(str(path))
    header = doc.tables[0].rows[0].cells
    assert "UBND HUYỆN TAM ĐƯỜNG" in header[0].text and "125/BC-UBND" in header[0].text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in header[1].text and "ngày 20 tháng 6 năm 2025" in header[1].text
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]
    assert headings[0] == "I. Kết quả thực hiện phong trào" and "II. Đánh giá chung" in headings
    assert "1. Tình hình báo cáo của các đơn vị" in headings and "2. Hạn chế và nguyên nhân" in headings
    texts = "\n".join(p.text for p in doc.paragraphs)
    assert "Một số xã còn nộp muộn." in texts and "trông chờ, ỷ lại" in texts and "Nguyễn Văn Thành" in "".join(
        c.text for t in doc.tables for r in t.rows for c in r.cells)
    assert len(doc.tables) >= 8 and doc.tables[1].rows[0].cells[1].text == "Số báo cáo phải gửi"

    # print to PDF (A4) and keep page images to look at
    page.click("#print-link")
    page.wait_for_selector("article.review-document")
    page.emulate_media(media="print")
    pdf = OUT / "review.pdf"
    page.pdf(path=str(pdf), format="A4", print_background=True)
    assert pdf.read_bytes().startswith(b"%PDF")
    subprocess.run(["pdftoppm", "-png", "-r", "50", "-f", "1", "-l", "4", str(pdf), str(OUT / "page")], check=True)
    assert list(OUT.glob("page-*.png"))


def test_trend_page_on_a_phone_and_in_print(page, live_server, demo):
    OUT.mkdir(exist_ok=True)
    _login(page, live_server, "lanhdao")
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(live_server + "/reports/indicators")
    page.click("#indicator-ty_le_ho_ngheo a >> nth=0")
    page.wait_for_selector("svg.line-chart")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert page.locator("svg.line-chart polyline").count() >= 1
    page.screenshot(path=str(OUT / "trend-phone.png"), full_page=True)
    page.emulate_media(media="print")
    page.pdf(path=str(OUT / "trend.pdf"), format="A4")
    subprocess.run(["pdftoppm", "-png", "-r", "50", "-f", "1", "-l", "1", str(OUT / "trend.pdf"),
                    str(OUT / "trend")], check=True)
