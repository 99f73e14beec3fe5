"""A real browser: a commune officer fills in a report (autosave survives a reload) and submits it; the standing
office returns it, the officer resubmits, the office accepts, and the matrix shows the change."""
from __future__ import annotations

import pytest

from tests.helpers import PASSWORD

pytestmark = pytest.mark.browser


def _login(page, base, username):
    # tests.helpers.browser_login clicks the first submit button, which is now the header's language switcher
    page.goto(base + "/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(lambda url: "/login" not in url)


def _matrix_cell(page, base):
    page.goto(base + "/reports/matrix")
    return page.locator("tr", has_text="Xã Bản Bo").locator("td.st").first.get_attribute("class")


def test_report_round_trip_in_a_browser(page, browser, live_server, world, make_user):
    make_user("banbo", ["unit_reporter"], world.unit_a)
    make_user("thuongtruc", ["standing_office"])
    page.set_viewport_size({"width": 390, "height": 844})
    _login(page, live_server, "banbo")
    page.goto(live_server + world.url())
    page.fill("#f-poor", "300")
    page.press("#f-poor", "Tab")
    page.wait_for_selector("#rf-poor .saved")
    assert "Đã lưu" in page.inner_text("#rf-poor .saved")
    page.fill("#f-escaped", "400")  # breaks the rule escaped <= poor: only shown on submit
    page.press("#f-escaped", "Tab")
    page.wait_for_selector("#rf-escaped .saved")
    page.reload()
    assert page.input_value("#f-poor") == "300" and page.input_value("#f-escaped") == "400"
    page.click("text=Nộp báo cáo")
    page.wait_for_selector("#escaped-err")
    assert "không được lớn hơn" in page.inner_text("#escaped-err")
    page.fill("#f-escaped", "40")
    page.click("text=Nộp báo cáo")
    page.wait_for_selector("text=Đã nộp báo cáo")
    page.screenshot(path="/tmp/reports-submitted.png", full_page=True)

    office = browser.new_context().new_page()
    _login(office, live_server, "thuongtruc")
    assert "s-on_time" in _matrix_cell(office, live_server)
    office.goto(live_server + world.url())
    office.fill("#comment", "Đề nghị rà soát lại số hộ thoát nghèo")
    office.click("text=Trả lại đơn vị")
    office.wait_for_selector("text=Đã trả lại báo cáo")
    assert "s-returned" in _matrix_cell(office, live_server)

    page.goto(live_server + world.url())
    assert "Đề nghị rà soát lại số hộ thoát nghèo" in page.inner_text("main")
    page.fill("#f-escaped", "45")
    page.press("#f-escaped", "Tab")
    page.wait_for_selector("#rf-escaped .saved")
    page.click("text=Nộp lại báo cáo")
    page.wait_for_selector("text=Đã nộp báo cáo")

    office.goto(live_server + world.url())
    office.click("text=Tiếp nhận (khóa báo cáo)")
    office.click("#confirm-yes")  # the page asks before locking the report
    office.wait_for_selector("text=Đã tiếp nhận và khóa báo cáo")
    assert "s-accepted" in _matrix_cell(office, live_server)
    page.goto(live_server + world.url())
    assert page.locator("#report-form").count() == 0
    assert "Phiên bản 2" in page.inner_text("#history")
