"""Real browser at 360 px (issue 17): no page of the url_map scrolls sideways, targets are finger-sized, the menu
is a button on a phone and a bar on a desktop, a confirmation works without JavaScript."""
from __future__ import annotations

import re
from typing import Any

import pytest

from portal.extensions import db
from tests.helpers import PASSWORD, browser_login, goto, seed_once

pytestmark = pytest.mark.browser

PLUGINS = ["reports", "inspections", "awards", "fund"]
#: demo users tried in turn for a page: the first who may see it walks it
WALKERS = ["admin", "vhxh_binhlu", "noivu", "thuongtruc", "mttq", "kiemtra", "hoidong", "ubnd_binhlu", "lanhdao"]
#: not pages: files, feeds, the service worker, JSON and the fragments that only htmx asks for
SKIP = re.compile(r"\.xlsx$|\.docx$|\.csv$|\.pdf$|^/sw\.js$|^/offline/|^/healthz$|/widgets?/|/static/|/logout$|/print$|/minutes$")

WIDTH = 360
SCROLL_WIDTH = "document.documentElement.scrollWidth"
#: visible interactive elements lower than 24 px (WCAG 2.5.8); a link inside a sentence is exempt, a checkbox or
#: radio counts with its label
SMALL_TARGETS = """() => {
  const bad = [];
  for (const el of document.querySelectorAll('a[href], button, input:not([type=hidden]), select, textarea, summary')) {
    const r = el.getBoundingClientRect();
    const st = getComputedStyle(el);
    if (!r.width || !r.height || st.visibility === 'hidden' || el.closest('[hidden], .visually-hidden')) continue;
    let h = r.height;
    if (el.matches('input[type=checkbox], input[type=radio]')) {
      const label = el.closest('label') || (el.id && document.querySelector('label[for="' + el.id + '"]'));
      if (label) h = Math.max(h, label.getBoundingClientRect().height);
    }
    if (el.tagName === 'A' && st.display === 'inline') {
      const own = Array.from(el.parentElement.childNodes).some(n => n.nodeType === 3 && n.textContent.trim());
      if (own) continue;
    }
    if (h < 24) bad.push(el.outerHTML.slice(0, 90) + ' (' + h.toFixed(1) + ' px)');
  }
  return bad;
}"""


@pytest.fixture
def enabled_plugins() -> list[str]:
    return PLUGINS


@pytest.fixture
def demo(app):
    from portal.seed import seed_demo

    seed_once(app, "demo", lambda: seed_demo(PASSWORD))


def _pages(app) -> list[str]:
    rules = [r for r in app.url_map.iter_rules() if "GET" in r.methods and not r.arguments and not SKIP.search(r.rule)]
    return sorted({r.rule for r in rules})


def _html_ok(client, path: str) -> bool:
    resp = client.get(path)
    return resp.status_code == 200 and resp.mimetype == "text/html"


def _walk(app, live_server, browser) -> tuple[list[str], list[str], int]:
    """Every parameterless GET page and one linked page per parameterised endpoint, each as the first demo user
    allowed to see it; return (pages wider than the phone, small targets on the main pages, pages walked)."""
    from tests.helpers import login

    clients, pages = {}, {}
    for name in WALKERS:
        client = app.test_client()
        login(client, name)
        clients[name] = client
    adapter = app.url_map.bind("localhost")
    todo = _pages(app)
    seen_endpoints: set[str] = set()
    plan: list[tuple[str, str]] = []
    for path in todo:
        who = next((n for n in WALKERS if _html_ok(clients[n], path)), None)
        if who:
            plan.append((who, path))
            seen_endpoints.add(adapter.match(path)[0])
    wide: list[str] = []
    small: list[str] = []
    main_pages = {"/", "/units/", "/admin/users/", "/reports/", "/inspections/", "/awards/", "/fund/", "/help/"}
    walked = 0
    try:
        i = 0
        while i < len(plan):
            who, path = plan[i]
            i += 1
            if who not in pages:
                context = browser.new_context(viewport={"width": WIDTH, "height": 740})
                pages[who] = context.new_page()
                browser_login(pages[who], live_server, who)
            page = pages[who]
            goto(page, live_server + path)
            walked += 1
            width = page.evaluate(SCROLL_WIDTH)
            if width > WIDTH:
                wide.append(f"{path} as {who}: {width} px")
            if path in main_pages:
                small += [f"{path}: {t}" for t in page.evaluate(SMALL_TARGETS)]
            # a sample of pages with ids: the first link of each endpoint not walked yet (same user)
            for href in page.eval_on_selector_all("main a[href^='/']", "els => els.map(e => e.getAttribute('href'))"):
                link = href.split("#")[0].split("?")[0]
                if SKIP.search(link):
                    continue
                try:
                    endpoint, args = adapter.match(link)
                except Exception:  # noqa: BLE001 - not one of ours, or not a GET page
                    continue
                if args and endpoint not in seen_endpoints and _html_ok(clients[who], link):
                    seen_endpoints.add(endpoint)
                    plan.append((who, link))
    finally:
        for page in pages.values():
            page.context.close()
    return wide, small, walked


@pytest.mark.slow
def test_no_page_scrolls_sideways_at_360_and_main_targets_are_finger_sized(app, demo, live_server, browser):
    wide, small, walked = _walk(app, live_server, browser)
    assert walked >= 60, walked  # the walk really covered the portal
    assert not wide, "pages wider than a 360 px phone:\n" + "\n".join(wide)
    assert not small, "targets lower than 24 px:\n" + "\n".join(small)


@pytest.fixture
def admin_user(make_user):
    return make_user("admin", ["admin"], full_name="Quản trị hệ thống")


def test_the_menu_is_a_button_on_a_phone_and_a_bar_on_a_desktop(live_server, browser, admin_user):
    for js in (True, False):
        context = browser.new_context(viewport={"width": WIDTH, "height": 740}, java_script_enabled=js)
        page = context.new_page()
        try:
            browser_login(page, live_server, "admin")
            goto(page, live_server + "/units/")
            nav = page.locator("nav.mainnav")
            button = page.locator("details.menu > summary")
            assert button.is_visible() and not nav.is_visible()
            section = page.locator(".section-now")
            assert section.inner_text() == "Đơn vị" and section.is_visible()  # the current section is named
            assert section.evaluate("e => e.scrollWidth <= e.clientWidth")  # in full, not cut to "…"
            goto(page, live_server + "/")
            assert section.inner_text() == "Bảng điều khiển" and section.evaluate("e => e.scrollWidth <= e.clientWidth")
            goto(page, live_server + "/units/")
            header = page.locator("header.topbar").bounding_box()
            assert header["height"] <= 60, header  # one row: ~8 % of the screen, not 30 %
            assert page.locator("form[data-logout] button").is_visible()  # logging out is never hidden
            assert button.bounding_box()["height"] >= 24
            button.click()
            assert nav.is_visible() and page.locator("nav.mainnav a[aria-current=page]").inner_text() == "Đơn vị"
            assert page.evaluate(SCROLL_WIDTH) <= WIDTH
            page.locator("nav.mainnav a", has_text="Quản trị").click()
            page.wait_for_url("**/admin/users/")
            assert page.locator(".section-now").inner_text() == "Quản trị"
            page.set_viewport_size({"width": 1366, "height": 768})
            goto(page, live_server + "/units/")
            assert nav.is_visible() and not button.is_visible()  # a desktop: a plain bar
            assert page.locator("header.topbar").bounding_box()["height"] <= 110
        finally:
            context.close()


@pytest.fixture
def confirming(app):
    """A core-style irreversible action asking through toolkit.confirm (route added before the first request)."""
    from flask import render_template_string, request

    from portal.toolkit import confirm

    done: list[str] = []

    @app.route("/_close", methods=["GET", "POST"])
    def _close() -> Any:
        if request.method == "POST":
            if (r := confirm("Kết thúc bỏ phiếu?", ["2 thành viên chưa bỏ phiếu"])) is not None:
                return r
            done.append(request.form["round"])
            return "Đã kết thúc bỏ phiếu"
        return render_template_string(
            '{% extends "layout.html" %}{% block content %}<form method="post"><input type="hidden" name="round" '
            'value="7"><button type="submit" id="close">Kết thúc bỏ phiếu</button></form>{% endblock %}')

    return done


def test_a_confirmation_works_without_javascript(live_server, browser, admin_user, confirming):
    context = browser.new_context(viewport={"width": WIDTH, "height": 740}, java_script_enabled=False)
    page = context.new_page()
    try:
        browser_login(page, live_server, "admin")
        goto(page, live_server + "/_close")
        page.click("#close")
        assert page.locator("h1").inner_text() == "Kết thúc bỏ phiếu?"
        assert "2 thành viên chưa bỏ phiếu" in page.inner_text("main")
        assert not confirming  # nothing happened yet
        assert page.evaluate(SCROLL_WIDTH) <= WIDTH
        for target in ("#confirm-yes", "#confirm-no"):
            assert page.locator(target).bounding_box()["height"] >= 24
        page.click("#confirm-no")
        page.wait_for_url("**/_close")
        assert not confirming
        page.click("#close")
        page.click("#confirm-yes")
        assert "Đã kết thúc bỏ phiếu" in page.content() and confirming == ["7"]
    finally:
        context.close()


def test_the_unit_checkbox_list_filters_and_selects_all_communes(app, live_server, browser, admin_user, make_unit):
    district = make_unit("UBND huyện Tam Đường", kind="district", code="huyen")
    old = make_unit("Xã Cũ", code="xa-cu", parent_id=district)
    for code, name in [("xa-ban-bo", "Xã Bản Bo"), ("xa-ban-hon", "Xã Bản Hon"), ("xa-binh-lu", "Xã Bình Lư")]:
        make_unit(name, code=code, parent_id=district)
    make_unit("Phòng Nội vụ", kind="agency", code="noi-vu", parent_id=district)
    context = browser.new_context(viewport={"width": WIDTH, "height": 740})
    page = context.new_page()
    try:
        browser_login(page, live_server, "admin")
        goto(page, live_server + f"/units/{old}/merge")
        box = page.locator("[data-units]")
        box.locator("[data-units-filter]").fill("ban")  # no diacritics typed: Bản Bo and Bản Hon stay
        visible = box.locator(".units-list label:visible")
        assert set(visible.all_inner_texts()) == {"Xã Bản Bo (xa-ban-bo)", "Xã Bản Hon (xa-ban-hon)"}
        box.locator("[data-units-filter]").fill("")
        box.get_by_role("button", name="Chọn tất cả xã").click()
        checked = box.locator(".units-list label:has(input:checked)").all_inner_texts()
        assert set(checked) == {"Xã Bản Bo (xa-ban-bo)", "Xã Bản Hon (xa-ban-hon)", "Xã Bình Lư (xa-binh-lu)"}
        assert box.locator("[data-units-count]").inner_text() == "Đã chọn 3"
        box.get_by_role("button", name="Bỏ chọn").click()
        assert box.locator("input:checked").count() == 0
        for label in box.locator(".units-list label").all():
            assert label.bounding_box()["height"] >= 24
    finally:
        context.close()


@pytest.mark.parametrize("enabled_plugins", [["fund"]])
def test_money_is_grouped_while_typing(live_server, browser, make_user):
    make_user("thuquy", ["fund_board"])
    context = browser.new_context(viewport={"width": WIDTH, "height": 740})
    page = context.new_page()
    try:
        browser_login(page, live_server, "thuquy")
        goto(page, live_server + "/fund/contributions/new")
        page.locator("#amount").press_sequentially("42500000")
        assert page.input_value("#amount") == "42.500.000"
        page.locator("#amount").press("Backspace")
        assert page.input_value("#amount") == "4.250.000"
    finally:
        context.close()
