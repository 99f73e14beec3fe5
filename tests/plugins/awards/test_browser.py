"""Real browser at phone size: members vote, one changes the ballot, the chair closes, minutes print to PDF."""
from __future__ import annotations

import pytest

from tests.helpers import browser_login, login

from .conftest import ballot

PHONE = {"width": 390, "height": 844}


def _vote(browser, base, username, sid, choices):
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    browser_login(page, base, username)
    page.goto(f"{base}/awards/sessions/{sid}/vote")
    for n, choice in enumerate(choices):
        page.locator("fieldset.ballot-item").nth(n).get_by_label(choice, exact=True).check()
    page.click("#send-ballot")
    page.wait_for_selector("#receipt")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    return context, page


@pytest.mark.browser
def test_members_vote_on_phones_and_the_chair_closes_and_prints(app, client, live_server, browser, make_council, make_type,
                                                              make_session, tmp_path):
    w = make_council(9)
    strict = make_type("Đề nghị CSTĐ cấp tỉnh", threshold_num=90, threshold_den=100, strictly_more=False,
                       denominator="members", allow_abstain=False)
    simple = make_type("Giấy khen", denominator="valid")
    sid, items = make_session(w, [strict, simple])
    contexts = []
    # eight members agree on both (four on phones here, four through plain form posts); the chair first agrees,
    # then changes the first answer
    for username in w.members[1:5]:
        contexts.append(_vote(browser, live_server, username, sid, ["Đồng ý", "Đồng ý"])[0])
    for username in w.members[5:]:
        client = app.test_client()
        login(client, username)
        assert client.post(f"/awards/sessions/{sid}/vote", data=ballot(items, "agree")).status_code == 200
    chair_context, chair = _vote(browser, live_server, w.members[0], sid, ["Đồng ý", "Không ý kiến"])
    receipt = chair.inner_text("#receipt")
    chair.goto(f"{live_server}/awards/sessions/{sid}/vote")
    assert chair.input_value("#receipt-input") == receipt  # kept on this phone only, in localStorage
    chair.locator("fieldset.ballot-item").nth(0).get_by_label("Không đồng ý", exact=True).check()
    chair.locator("fieldset.ballot-item").nth(1).get_by_label("Đồng ý", exact=True).check()
    chair.click("#send-ballot")
    chair.wait_for_selector("#receipt")
    assert chair.inner_text("#receipt") == receipt
    # live turnout: who voted, never how
    chair.goto(f"{live_server}/awards/sessions/{sid}")
    chair.wait_for_selector("#turnout >> text=9/9")
    assert "Đồng ý" not in chair.inner_text("#turnout")
    chair.click("#close-voting")
    chair.wait_for_url(f"**/awards/sessions/{sid}/minutes")
    minutes = chair.inner_text("#minutes")
    assert "BIÊN BẢN" in minutes and "Số phiếu phát ra: 9; thu về: 9; hợp lệ: 9; không hợp lệ: 0." in minutes
    assert "8/9 tổng số thành viên Hội đồng = 88,9 % < 90 % → Không đạt" in minutes
    assert "9/9 phiếu hợp lệ = 100,0 % > 50 % → Đạt" in minutes
    assert "1 trên 2 đối tượng đạt" in minutes
    pdf = chair.pdf(format="A4", path=str(tmp_path / "bien-ban.pdf"))
    assert pdf.startswith(b"%PDF") and len(pdf) > 5_000
    # after closing, the chair finds the receipt in the ballot list, with the replaced answers
    chair.goto(f"{live_server}/awards/sessions/{sid}/ballots")
    row = chair.locator("tr", has=chair.locator(f"code:text-is('{receipt[:9]}')"))
    assert row.locator("td").all_inner_texts()[1:] == ["Không đồng ý", "Đồng ý"]
    chair.screenshot(path=str(tmp_path / "ballots.png"))
    for c in (*contexts, chair_context):
        c.close()
