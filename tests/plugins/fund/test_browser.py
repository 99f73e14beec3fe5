"""Real browser: the board records a gift and prints its receipt, proposes, approves and pays; the public sees both."""
from __future__ import annotations

import re

import pytest

from tests.helpers import PASSWORD, goto

pytestmark = pytest.mark.browser


def browser_login(page, base_url: str, username: str) -> None:
    """Log in through the form in <main> (tests.helpers.browser_login clicks the header's language button first)."""
    goto(page, base_url + "/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(lambda url: "/login" not in url)


def test_board_workflow_and_public_page(app, live_server, page, make_user, fund):
    make_user("thuquy", ["fund_board"], full_name="Lê Thị Thủ Quỹ")
    make_user("truongban", ["fund_board"], full_name="Giàng A Trưởng")
    page.set_viewport_size({"width": 390, "height": 844})
    browser_login(page, live_server, "thuquy")
    page.goto(live_server + "/fund/contributions/new")
    page.fill("#date", "20/10/2024")
    page.fill("#donor_name", "Công ty TNHH Hoa Ban")
    page.select_option("#donor_type", "enterprise")
    page.fill("#amount", "150.000.000")
    page.select_option("#method", "transfer")
    page.click("button.primary")
    page.wait_for_url(re.compile(r"/fund/contributions/\d+$"))
    assert "2024/000001" in page.inner_text("h1")
    page.click("text=In biên lai")
    page.wait_for_url("**/receipt")
    assert "BIÊN LAI THU" in page.inner_text("article.document")
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF")

    page.goto(live_server + "/fund/disbursements/new")
    page.select_option("#category_id", label="Nhà Đại đoàn kết")
    page.fill("#beneficiary", "Tẩn A Sinh")
    page.select_option("#commune_id", label="Xã Bản Bo")
    page.fill("#village", "Bản Sin Chải")
    page.fill("#amount", "50000000")
    page.fill("#purpose", "Làm nhà Đại đoàn kết")
    page.click("button.primary")
    page.wait_for_url(re.compile(r"/fund/disbursements/\d+$"))
    detail_url = page.url
    assert "Đề xuất" in page.inner_text("#disbursement-detail")

    page.click("button.link:has-text('Đăng xuất')")
    browser_login(page, live_server, "truongban")
    page.goto(detail_url)
    page.click("button:has-text('Phê duyệt')")
    page.wait_for_selector("text=Đã duyệt")
    page.fill("#paid_on", "25/11/2024")
    page.click("button:has-text('Ghi nhận chi')")
    page.wait_for_selector("text=In phiếu chi")
    page.click("text=In phiếu chi")
    page.wait_for_url("**/voucher")
    assert "PHIẾU CHI" in page.inner_text("article.document")

    context = page.context.browser.new_context()
    anon = context.new_page()
    anon.goto(live_server + "/fund/public")
    text = anon.inner_text("main")
    assert "Công ty TNHH Hoa Ban" in text and "150.000.000 đồng" in text
    assert "T.A.S. – Bản Sin Chải" in text and "50.000.000 đồng" in text and "Tẩn A Sinh" not in text
    anon.screenshot(path=str(app.instance_path) + "/fund-public.png", full_page=True)
    context.close()
