"""Real browser at 360 px: the audit log in words with its filters, and a user's notice settings."""
from __future__ import annotations

import os

import pytest

from tests.helpers import browser_login

pytestmark = pytest.mark.browser


def _shot(page, name: str) -> None:
    if os.environ.get("PORTAL_SCREENSHOTS"):
        page.screenshot(path=os.path.join(os.environ["PORTAL_SCREENSHOTS"], name), full_page=True)


def test_audit_log_filters_in_words_on_a_phone(page, live_server, make_unit, make_user):
    district = make_unit("UBND huyện Tam Đường", kind="district", code="ubnd-huyen")
    make_unit("Xã Bản Bo", code="xa-ban-bo", parent_id=district)
    make_user("admin", ["admin"], full_name="Quản trị hệ thống")
    page.set_viewport_size({"width": 360, "height": 740})
    browser_login(page, live_server, "admin")
    page.goto(live_server + "/admin/audit/")
    assert page.locator("#audit-list").get_by_text("Đơn vị cấp trên: UBND huyện Tam Đường").count() == 1
    with page.expect_response(lambda r: "/admin/audit/?" in r.url and r.request.headers.get("hx-request") == "true"):
        page.select_option("#type", label="Đơn vị")
    page.wait_for_selector("#audit-list tbody tr:nth-child(2)")
    assert page.locator("#audit-list tbody tr").count() == 2 and "type=directory_unit" in page.url
    assert page.locator("#audit-list").get_by_text("Người dùng").count() == 0
    _shot(page, "audit-360.png")
    page.fill("#date_from", "31/02/2026")
    with page.expect_response(lambda r: "date_from=" in r.url):
        page.locator("#date_from").dispatch_event("change")
    page.wait_for_selector("#audit-list .flash-error")
    assert "dd/mm/yyyy" in page.locator("#audit-list .flash-error").inner_text()


def test_notice_settings_on_a_phone(page, live_server, make_user):
    make_user("canbo", ["unit_reporter"], full_name="Lò Văn Minh")
    page.set_viewport_size({"width": 360, "height": 740})
    browser_login(page, live_server, "canbo")
    page.goto(live_server + "/notifications/")
    page.click("text=Chọn thông báo nào được gửi thêm qua thư điện tử")
    page.wait_for_selector("#no-email")
    page.fill("#email", "minh@tamduong.vn")
    page.uncheck("input[name=kinds][value=general]")
    page.click("form button[type=submit].primary")
    page.wait_for_selector(".flash-success")
    assert "Đã lưu cài đặt thông báo của bạn." in page.locator(".flash-success").inner_text()
    assert not page.is_checked("input[name=kinds][value=general]") and page.locator("#no-email").count() == 0
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    _shot(page, "notice-settings-360.png")
