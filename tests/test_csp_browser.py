"""Real browser with the strict Content-Security-Policy on: htmx interactions of every plugin still work.

Every page load records ``securitypolicyviolation`` events and console errors; the test fails on any. It clicks
through boosted navigation, live search (core), autosaved report fields (reports), autosaved inspection answers
(inspections), a secret ballot whose receipt stays in this browser for this user only and is forgotten at
logout (awards), and the year picker and print button (fund) — each moved out of inline handlers.
"""
from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from portal.extensions import db
from tests.helpers import PASSWORD, browser_login
from tests.test_routes_robustness import PLUGINS, _rows, _seed

pytestmark = pytest.mark.browser

WATCH = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', function (e) {
  window.__csp.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline') + ' ' + (e.sourceFile || '') + ':' + e.lineNumber);
});
"""


VOTER = "hdx_uyvien"  # a member of the demo's active (commune) council


@pytest.fixture
def enabled_plugins() -> list[str]:
    return PLUGINS


@pytest.fixture
def demo(app: Flask) -> dict[str, Any]:
    _seed(app)
    from plugins.awards.services import voting as awards
    from plugins.awards.models import VotingSession

    with app.app_context():
        # the demo's live session (xã Bình Lư's council, open today); one of its members has not voted yet
        live = db.session.scalar(select(VotingSession).where(VotingSession.state == "open"))
        assert live is not None and awards is not None
        ids = {"session": live.id, "hoidong": _rows(f"SELECT id FROM portal_user WHERE username = '{VOTER}'")[0]["id"]}
        planned = _rows("SELECT i.id, u.username FROM inspections_inspection i JOIN inspections_member m "
                        "ON m.inspection_id = i.id JOIN portal_user u ON u.id = m.user_id "
                        "WHERE i.state = 'planned' ORDER BY i.id", 1)[0]
        ids["inspection"], ids["inspector"] = planned["id"], planned["username"]
        report = _rows("SELECT p.period_id, p.unit_id FROM reports_period_unit p JOIN directory_unit u ON u.id = p.unit_id "
                       "JOIN reports_period r ON r.id = p.period_id WHERE u.code = 'xa-ban-bo' "
                       "ORDER BY r.opens_on DESC", 5)
        ids["reports"] = report
    return ids


@pytest.fixture
def watched(page):
    problems: list[str] = []
    page.add_init_script(WATCH)

    def on_console(msg: Any) -> None:
        if "Failed to load resource" in msg.text:
            return  # the response listener names the URL
        if msg.type == "error" or "Content Security Policy" in msg.text:
            problems.append(f"console {msg.type}: {msg.text}")

    page.on("console", on_console)
    page.on("response", lambda r: problems.append(f"{r.status} {r.url}")
            if r.status >= 400 and not r.url.endswith("/favicon.ico") else None)
    page.on("pageerror", lambda exc: problems.append(f"page error: {exc}"))

    def violations() -> list[str]:
        try:
            found = page.evaluate("window.__csp || []")
        except Exception:  # the page is navigating
            found = []
        return problems + found

    page.violations = violations  # type: ignore[attr-defined]
    return page


def _no_violation(page: Any, where: str) -> None:
    assert page.violations() == [], where


def test_htmx_works_under_the_csp_on_a_page_of_each_plugin(watched: Any, live_server: str, demo: dict[str, Any]) -> None:
    page = watched
    page.set_viewport_size({"width": 1200, "height": 900})
    browser_login(page, live_server, "admin")
    csp = page.evaluate("fetch('/').then(r => r.headers.get('content-security-policy'))")
    assert "default-src 'self'" in csp and "unsafe-inline" not in csp
    # htmx added no <style> of its own (includeIndicatorStyles is off), so nothing was blocked
    assert page.evaluate("document.querySelectorAll('style').length") == 0

    # boosted navigation (hx-boost on the menu) to every plugin; its stylesheet applies after the swap
    for name in ("reports", "inspections", "awards", "fund", "exemplars"):
        with page.expect_response(lambda r: r.request.headers.get("hx-boosted") == "true"):
            page.locator(f"nav.mainnav a[href^='/{name}/']").first.click()
        page.wait_for_selector(f"main[data-plugin={name}]")
        _no_violation(page, name)
    assert page.evaluate("document.querySelector('main').dataset.plugin") == "exemplars"

    # core: live search
    page.goto(live_server + "/units/")
    with page.expect_response(lambda r: "/units/?" in r.url and r.request.headers.get("hx-request") == "true"):
        page.fill("#q", "ban bo")
    page.wait_for_selector("#unit-list tbody tr")  # (wait_for_function would need eval, which the CSP forbids)
    _no_violation(page, "units")

    # fund: the year picker submits on change (was onchange=), the print button prints (was onclick=)
    page.goto(live_server + "/fund/contributions")
    year = page.locator("select#year")
    assert year.locator("option").count() > 1
    value = year.locator("option:not(:checked)").first.get_attribute("value")
    with page.expect_navigation(url=f"**/fund/contributions?year={value}*"):
        year.select_option(value)
    entry = _first_link(page, "/fund/contributions/")
    page.goto(live_server + entry + "/receipt")
    page.evaluate("window.print = function () { window.__printed = true; }")
    page.click("button[data-print]")
    assert page.evaluate("window.__printed === true")
    _no_violation(page, "fund")
    page.click("button.link:has-text('Đăng xuất')")
    page.wait_for_url("**/login")

    # inspections: a team member starts the inspection, an answer autosaves through htmx
    browser_login(page, live_server, demo["inspector"])
    page.goto(f"{live_server}/inspections/{demo['inspection']}")
    page.click("button:has-text('Bắt đầu kiểm tra')")
    page.wait_for_selector("form[data-insp-answer]")
    assert page.locator("#insp-texts").count() == 1
    first = page.locator("form[data-insp-answer] label.pass").first
    with page.expect_response(lambda r: "/answer" in r.url and r.status == 200):
        first.click()
    page.wait_for_selector(".insp-state.saved")
    _no_violation(page, "inspections")
    page.click("button.link:has-text('Đăng xuất')")
    page.wait_for_url("**/login")

    # reports: a field of the commune's report autosaves through htmx
    browser_login(page, live_server, "banbo")
    saved = False
    for r in demo["reports"]:
        page.goto(f"{live_server}/reports/p/{r['period_id']}/u/{r['unit_id']}")
        field = page.locator("div.rfield[hx-post] input[type=number], div.rfield[hx-post] input[inputmode=numeric]").first
        if not field.count():
            continue
        with page.expect_response(lambda resp: "/field/" in resp.url and resp.request.method == "POST"):
            field.fill("7")
            field.dispatch_event("change")
        saved = True
        break
    assert saved, "no editable report with a number field"
    _no_violation(page, "reports")
    page.click("button.link:has-text('Đăng xuất')")
    page.wait_for_url("**/login")


def _first_link(page: Any, prefix: str) -> str:
    hrefs = page.eval_on_selector_all(f"a[href^='{prefix}']", "els => els.map(e => e.getAttribute('href'))")
    return next(h for h in hrefs if h.rstrip("/").split("/")[-1].isdigit())


def test_ballot_receipt_is_kept_per_user_and_forgotten_at_logout(watched: Any, live_server: str,
                                                                 demo: dict[str, Any]) -> None:
    page = watched
    browser_login(page, live_server, VOTER, PASSWORD)
    page.goto(f"{live_server}/awards/sessions/{demo['session']}/vote")
    for fieldset in page.locator("fieldset.ballot-item").all():
        fieldset.locator("input[value=agree]").check()
    with page.expect_response(lambda r: "/vote" in r.url and r.request.method == "POST"):
        page.click("#send-ballot")
    page.wait_for_selector("#receipt")
    receipt = page.locator("#receipt").get_attribute("data-receipt")
    key = f"awards-receipt-{demo['hoidong']}-{demo['session']}"
    assert page.evaluate(f"localStorage.getItem('{key}')") == receipt
    # back on the ballot, the receipt is filled in for this user
    page.goto(f"{live_server}/awards/sessions/{demo['session']}/vote")
    assert page.input_value("#receipt-input") == receipt
    _no_violation(page, "awards")
    page.click("button.link:has-text('Đăng xuất')")
    page.wait_for_url("**/login")
    left = page.evaluate("Object.keys(localStorage)")
    assert not [k for k in left if k.startswith("awards-receipt-") or k == "htmx-history-cache"], left
    _no_violation(page, "logout")
