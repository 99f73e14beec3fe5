"""Real browser, on a 360×740 phone: the board records a gift typed with dots and prints its receipt, proposes,
sees that it may not approve its own proposal, another member approves and pays after confirming in the page;
the public sees both, and the public page fits a phone and a 1366 px desktop."""
from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path

import pytest

from tests.helpers import browser_login, goto

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1366, "height": 768}
SHOTS = os.environ.get("PORTAL_SHOTS")  # a folder: the screenshots to look at are written to <folder>/fund/


def _shot(page, name: str) -> None:
    if SHOTS:
        folder = Path(SHOTS) / "fund"
        folder.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(folder / f"{name}.png"), full_page=True)


def _no_sideways_scroll(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), page.url


def test_board_journey_on_a_phone_and_public_page(app, live_server, page, browser, make_user, make_unit, fund,
                                                  give, spend):
    make_user("thuquy", ["fund_board"], full_name="Lê Thị Thủ Quỹ")
    make_user("truongban", ["fund_board"], full_name="Giàng A Trưởng")
    page.set_viewport_size(PHONE)
    browser_login(page, live_server, "thuquy")
    goto(page, live_server + "/fund/contributions/new")
    page.fill("#date", "20/10/2024")
    page.fill("#donor_name", "Công ty TNHH Hoa Ban")
    page.select_option("#donor_type", "enterprise")
    page.fill("#amount", "42.500.000")
    page.select_option("#method", "transfer")
    _shot(page, "360-receipt-form")
    page.click("main button.primary")
    page.wait_for_url(re.compile(r"/fund/contributions/\d+$"))
    assert "2024/000001" in page.inner_text("h1")
    assert "42.500.000 đồng" in page.inner_text("main")
    _no_sideways_scroll(page)
    page.click("text=In biên lai")
    page.wait_for_url("**/receipt")
    assert "BIÊN LAI THU" in page.inner_text("article.document")
    assert page.pdf(format="A4").startswith(b"%PDF")

    goto(page, live_server + "/fund/disbursements/new")
    page.select_option("#category_id", label="Nhà Đại đoàn kết")
    page.fill("#beneficiary", "Tẩn A Sinh")
    page.select_option("#commune_id", label="Xã Bản Bo")
    page.fill("#village", "Bản Sin Chải")
    page.fill("#amount", "40.000.000")
    page.fill("#purpose", "Làm nhà Đại đoàn kết")
    page.click("main button.primary")
    page.wait_for_url(re.compile(r"/fund/disbursements/\d+$"))
    detail_url = page.url
    detail = page.inner_text("#disbursement-detail")
    assert "Đề xuất" in detail
    # the proposer sees the step, disabled, with the reason beside it (no bare 409 page)
    assert page.is_disabled("#disbursement-detail button:has-text('Phê duyệt')")
    assert "Người đề xuất khoản chi không được tự phê duyệt." in detail
    _no_sideways_scroll(page)
    _shot(page, "360-proposal-own")

    board = browser.new_context(viewport=PHONE, locale="vi-VN")
    head = board.new_page()
    browser_login(head, live_server, "truongban")
    goto(head, detail_url)
    head.click("#disbursement-detail button:has-text('Phê duyệt')")
    box = head.wait_for_selector("[data-confirm-box]")
    text = box.inner_text()
    assert "Phê duyệt khoản chi này?" in text and "40.000.000 đồng" in text and "Bốn mươi triệu đồng" in text
    assert "Tẩn A Sinh" in text and "Bản Sin Chải, Xã Bản Bo" in text
    _shot(head, "360-approve-confirm")
    assert "Đã duyệt" not in head.inner_text("#disbursement-detail")  # nothing happened before "yes"
    head.click("#confirm-yes")
    head.wait_for_selector("#disbursement-detail :text('Đã duyệt')")
    head.fill("#paid_on", "25/11/2024")
    head.click("#disbursement-detail button:has-text('Ghi nhận chi')")
    text = head.wait_for_selector("[data-confirm-box]").inner_text()
    assert "Chi khoản này?" in text and "Ngày chi: 25/11/2024" in text and "Bốn mươi triệu đồng" in text
    _shot(head, "360-pay-confirm")
    head.click("#confirm-yes")
    head.wait_for_selector("text=In phiếu chi")
    _shot(head, "360-paid")
    head.click("text=In phiếu chi")
    head.wait_for_url("**/voucher")
    assert "PHIẾU CHI" in head.inner_text("article.document")
    board.close()

    # a district's year: every category paid in several communes, amounts of hundreds of millions
    give(20_000_000_000, day=dt.date(2024, 1, 5), donor_name="Ngân hàng Chính sách xã hội")
    communes = [fund["commune"]] + [make_unit(name, kind="commune") for name in ("Xã Khun Há", "Xã Sơn Bình")]
    for i, category in enumerate(fund["categories"].values()):
        for commune in communes:
            spend(123_456_789 + i, day=dt.date(2024, 12, 1), category_id=category, commune_id=commune)
    anon_context = browser.new_context(viewport=PHONE, locale="vi-VN")
    anon = anon_context.new_page()
    goto(anon, live_server + "/fund/public")
    text = anon.inner_text("main")
    assert "Công ty TNHH Hoa Ban" in text and "42.500.000 đồng" in text
    assert "T.A.S. – Bản Sin Chải" in text and "40.000.000 đồng" in text and "Tẩn A Sinh" not in text
    _no_sideways_scroll(anon)
    _shot(anon, "360-public")
    anon.set_viewport_size(DESKTOP)
    # the commune × category table is whole on a desktop: nothing cut off at the right
    assert anon.evaluate("""() => { const t = document.querySelector('.commune-table');
        return t.getBoundingClientRect().right <= t.parentElement.getBoundingClientRect().right + 1; }""")
    _no_sideways_scroll(anon)
    _shot(anon, "1366-public")
    goto(anon, live_server + "/fund/public/print")
    # and on the printed table it stays inside the A4 page
    assert anon.evaluate("""() => { const t = document.querySelector('.commune-table');
        return t.getBoundingClientRect().right <= t.closest('article').getBoundingClientRect().right + 1; }""")
    _shot(anon, "1366-public-print")
    anon_context.close()
