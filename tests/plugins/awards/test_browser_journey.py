"""The council journeys on a 360×740 phone (issue 17): the secretariat opens a session and closes it after a
confirmation that says who has not voted; a member votes, reads what the receipt code is for, and the turnout is
in words. Screenshots at 360 and 1366 px go to SHOTS (looked at by hand)."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.helpers import browser_login, goto

PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1366, "height": 768}
SHOTS = Path(os.environ.get("AWARDS_SHOTS", "/work/notes/shots/awards"))


def _shot(page, name: str) -> None:
    if SHOTS.parent.exists():
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _no_sideways_scroll(page) -> None:
    width = page.evaluate("document.documentElement.clientWidth")
    assert page.evaluate("document.documentElement.scrollWidth") <= width, page.url


@pytest.mark.browser
@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_secretariat_and_member_journey(app, live_server, browser, make_council, make_type, make_session, size):
    viewport = PHONE if size == "phone" else DESKTOP
    w = make_council(3)
    sid, _items = make_session(w, [make_type(), make_type("Lao động tiên tiến", allow_abstain=True)], open_it=False)
    office = browser.new_context(viewport=viewport)
    sec = office.new_page()
    browser_login(sec, live_server, "thuky")
    goto(sec, f"{live_server}/awards/sessions/{sid}")
    _no_sideways_scroll(sec)
    sec.click("#open-voting")
    sec.wait_for_selector("#turnout")
    summary = sec.inner_text("#turnout-summary")
    assert "Đã bỏ phiếu: 0/3" in summary and "chưa bỏ phiếu 3" in summary
    _shot(sec, f"{size}-1-session-open")

    member = browser.new_context(viewport=viewport)
    voter = member.new_page()
    browser_login(voter, live_server, w.members[1])
    goto(voter, f"{live_server}/awards/sessions/{sid}/vote")
    _no_sideways_scroll(voter)
    first = voter.locator("fieldset.ballot-item").nth(0)
    agree = first.locator("label", has_text="Đồng ý").first.bounding_box()
    disagree = first.get_by_text("Không đồng ý", exact=True).bounding_box()
    assert disagree["height"] <= agree["height"] + 1  # "Không đồng ý" on one line, like "Đồng ý"
    _shot(voter, f"{size}-2-ballot")
    for n in range(2):
        voter.locator("fieldset.ballot-item").nth(n).get_by_label("Không đồng ý", exact=True).check()
    voter.click("#send-ballot")
    voter.wait_for_selector("#receipt")
    receipt = voter.inner_text("#ballot")
    assert "Phiếu của bạn đã được ghi nhận." in receipt and "Mã này dùng để làm gì" in receipt
    assert "đã được đếm đúng như bạn đã bầu" in receipt and "băm" not in receipt
    assert voter.locator("fieldset.ballot-item").count() == 0  # the empty ballot is not shown again
    _no_sideways_scroll(voter)
    _shot(voter, f"{size}-3-receipt")

    # the secretariat watches turnout in words (polled), then closes after the confirmation
    sec.wait_for_selector("#turnout-summary >> text=Đã bỏ phiếu: 1/3")
    assert "trực tuyến 1, bằng văn bản 0" in sec.inner_text("#turnout-summary")
    assert "đã bỏ phiếu trực tuyến" in sec.inner_text("#turnout")
    sec.reload()  # the presence list is not polled (its buttons keep focus); a reload shows the online voter
    assert "có mặt (đã bỏ phiếu trực tuyến)" in sec.inner_text("#presence")
    # one form for the roll: the pressed button names the member; htmx swaps the list in place
    sec.locator("#presence button", has_text="Đánh dấu có mặt").first.click()
    sec.wait_for_selector("#presence button[aria-pressed=true]")
    assert sec.url.endswith(f"/awards/sessions/{sid}") and sec.locator("#presence button[aria-pressed=true]").count() == 1
    _shot(sec, f"{size}-4-turnout")
    sec.click("#close-voting")
    sec.wait_for_selector("#confirm-question")
    box = sec.inner_text(".confirm")
    assert "Kết thúc bỏ phiếu và kiểm phiếu?" in box and "2 thành viên chưa bỏ phiếu." in box
    _no_sideways_scroll(sec)
    _shot(sec, f"{size}-5-confirm-close")
    sec.click("#confirm-yes")
    sec.wait_for_url(f"**/awards/sessions/{sid}/minutes")
    assert "BIÊN BẢN" in sec.inner_text("#minutes")
    _shot(sec, f"{size}-6-minutes")
    office.close()
    member.close()
