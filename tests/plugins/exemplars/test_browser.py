"""Real browser: a commune proposes a model with a photo, the standing office verifies it and records a
replication in another commune, it appears on the public showcase (phone width) and in a nomination's evidence."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from portal.extensions import db
from tests.helpers import browser_login
from tests.plugins.exemplars.conftest import jpeg_bytes
from tests.plugins.exemplars.test_links import _nomination

pytestmark = pytest.mark.browser
SHOTS = Path("/work/notes/shots/exemplars")


@pytest.fixture
def enabled_plugins() -> list[str]:
    return ["awards", "exemplars"]


def _logout(page) -> None:
    page.click("button.link:has-text('Đăng xuất')")
    page.wait_for_url("**/login**")


def test_propose_verify_replicate_show_and_cite(app, live_server, page, make_user, communes, tmp_path):
    make_user("canbo_banbo", ["unit_reporter"], communes["ban_bo"], full_name="Lù Văn Bản")
    make_user("thuongtruc", ["standing_office"], full_name="Lò Thị Thường Trực")
    nomination = _nomination(app, communes["ban_bo"])
    photo = tmp_path / "doi-che.jpg"
    photo.write_bytes(jpeg_bytes())
    page.set_viewport_size({"width": 360, "height": 780})

    browser_login(page, live_server, "canbo_banbo")
    page.goto(live_server + "/exemplars/new")
    page.select_option("#kind", "model")
    page.fill("#title", "Hợp tác xã chè Bản Bo")
    page.select_option("#holder_kind", "enterprise")
    page.fill("#holder", "Hợp tác xã chè Bản Bo")
    page.fill("#village", "Bản Nà Khum")
    page.fill("#description", "Liên kết 30 hộ trồng chè shan tuyết, bao tiêu toàn bộ búp tươi.")
    page.fill("#story", "Từ 2020, 30 hộ bán chè cho hợp tác xã với giá ổn định; 12 hộ đã thoát nghèo.")
    page.fill("#households", "30")
    page.fill("#households_out", "12")
    page.fill("#income", "45.000.000")
    page.set_input_files("#photo", str(photo))
    page.fill("#caption", "Đồi chè Bản Nà Khum")
    page.check("#consent_public")
    page.click("#propose-form button.primary")
    page.wait_for_url(re.compile(r"/exemplars/\d+$"))
    detail = page.url
    assert "Đề xuất" in page.inner_text("#exemplar-cycle")
    assert page.locator("#exemplar-photos img").count() == 1
    _logout(page)

    browser_login(page, live_server, "thuongtruc")
    page.goto(detail)
    page.fill("#visit_date", "15/05/2024")
    page.fill("#note", "Đã đến thăm hợp tác xã, số liệu khớp.")
    page.click("button:has-text('Xác nhận đã xác minh')")
    page.wait_for_selector("#exemplar-cycle .tag:has-text('Đã xác minh')")
    page.select_option("#exemplar-cycle select[name=unit_id]", label="Xã Hồ Thầu")
    page.fill("#exemplar-cycle input[name=households]", "18")
    page.click("button:has-text('Ghi nhận nhân rộng')")
    page.wait_for_selector("#exemplar-cycle .tag:has-text('Đã nhân rộng')")
    assert "Xã Hồ Thầu" in page.inner_text("#exemplar-cycle")
    _logout(page)

    # the public showcase, without login, at phone width
    page.goto(live_server + "/exemplars/public")
    card = page.locator(".exemplar-card", has_text="Hợp tác xã chè Bản Bo")
    assert card.count() == 1 and card.locator("img").count() == 1
    assert "48" in card.inner_text()  # 30 + 18 households reached
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"the showcase scrolls sideways on a phone ({width}px)"
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "public-360.png"), full_page=True)
    card.locator("h2 a").click()
    page.wait_for_url(re.compile(r"/exemplars/public/\d+$"))
    assert page.locator('meta[property="og:image"]').count() == 1
    page.screenshot(path=str(SHOTS / "public-detail-360.png"), full_page=True)

    # the commune cites it in its nomination; the nomination's evidence shows it
    browser_login(page, live_server, "canbo_banbo")
    page.goto(f"{live_server}/awards/nominations/{nomination}")
    page.click("a:has-text('Dẫn chứng điển hình, mô hình')")
    page.wait_for_url("**/exemplars/cite**")
    option = page.locator("#exemplar_id option", has_text="Hợp tác xã chè Bản Bo").get_attribute("value")
    page.select_option("#exemplar_id", option)
    page.click("#cite-form button.primary")
    page.wait_for_url(re.compile(rf"/awards/nominations/{nomination}$"))
    body = page.inner_text("main")
    assert "Điển hình, mô hình: Hợp tác xã chè Bản Bo" in body and "30 hộ tham gia, 12 hộ thoát nghèo" in body
    page.screenshot(path=str(SHOTS / "nomination-evidence-360.png"), full_page=True)
