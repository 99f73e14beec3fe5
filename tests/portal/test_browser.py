"""Real browser (Playwright on Debian's Chromium): log in, live search a unit, switch the language."""
from __future__ import annotations

import os

import pytest

from tests.helpers import browser_login

pytestmark = pytest.mark.browser


@pytest.fixture
def seeded(app, make_unit, make_user):
    district = make_unit("UBND huyện Tam Đường", kind="district", code="ubnd-huyen")
    for code, name in [("xa-ban-bo", "Xã Bản Bo"), ("xa-binh-lu", "Xã Bình Lư"), ("xa-ban-giang", "Xã Bản Giang"),
                       ("tt-tam-duong", "Thị trấn Tam Đường")]:
        make_unit(name, code=code, parent_id=district)
    make_user("admin", ["admin"], full_name="Quản trị hệ thống")


def test_login_live_search_and_language_switch(page, live_server, seeded):
    page.set_viewport_size({"width": 390, "height": 844})
    browser_login(page, live_server, "admin")
    assert page.locator("h1").inner_text() == "Xin chào, Quản trị hệ thống"

    page.goto(live_server + "/units/")
    rows = page.locator("#unit-list tbody tr")
    assert rows.count() == 5
    with page.expect_response(lambda r: "/units/?" in r.url and r.request.headers.get("hx-request") == "true"):
        page.fill("#q", "ban bo")  # typed without diacritics; htmx searches as the user types
    page.wait_for_selector("#unit-list tbody tr:only-child")  # not wait_for_function: the CSP forbids its eval
    assert rows.first.locator("td").first.inner_text() == "Xã Bản Bo"
    assert "q=ban%20bo" in page.url  # hx-push-url keeps the search in the address bar
    if os.environ.get("PORTAL_SCREENSHOTS"):
        page.screenshot(path=os.path.join(os.environ["PORTAL_SCREENSHOTS"], "units-search-390.png"), full_page=True)

    page.click("details.menu > summary")  # a phone: the language switch is in the menu
    page.click("button[name=lang][value=en]")
    page.wait_for_selector("html[lang=en]")
    assert page.locator("h1").inner_text() == "Unit directory"
    assert "q=ban%20bo" in page.url and page.locator("#unit-list tbody tr").count() == 1
    page.click("details.menu > summary")
    page.click("button[name=lang][value=vi]")
    page.wait_for_selector("html[lang=vi]")
    assert page.locator("h1").inner_text() == "Danh bạ đơn vị"


def test_works_without_javascript(browser, live_server, seeded):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        browser_login(page, live_server, "admin")
        page.goto(live_server + "/units/")
        page.fill("#q", "ban bo")
        page.click("form.filters button[type=submit]")
        page.wait_for_url("**/units/?q=ban+bo*")
        assert page.locator("#unit-list tbody tr").count() == 1
    finally:
        context.close()


def test_the_pager_brings_the_new_page_into_view(page, live_server, seeded, app, make_unit):
    """On a phone, "next" at the foot of a long list shows the next page from its top, not its foot."""
    for n in range(30):
        make_unit(f"Xã Thêm {n:02d}")
    app.config["PORTAL_PAGE_SIZE"] = 12
    page.set_viewport_size({"width": 360, "height": 740})
    browser_login(page, live_server, "admin")
    page.goto(live_server + "/units/")
    first = page.locator("#unit-list tbody tr").first.inner_text()
    nxt = page.locator("nav.pager a[rel=next]").first
    nxt.scroll_into_view_if_needed()
    assert page.evaluate("window.scrollY") > 300  # the reader is at the foot of the list
    with page.expect_response(lambda r: "after=" in r.url and r.request.headers.get("hx-request") == "true"):
        nxt.click()
    page.locator("#unit-list tbody tr").first.wait_for()
    assert page.locator("#unit-list tbody tr").first.inner_text() != first
    top = page.locator("#unit-list").bounding_box()["y"]
    assert -5 <= top <= 100, top  # the new page's first rows are on screen
