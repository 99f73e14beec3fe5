"""Each fund page that has a fragment answers as a whole page and, to htmx, as just its fragment; refusals of an
htmx action answer in the page it came from (#flashes), invalid forms with 422."""
from __future__ import annotations

import pytest

PAGES = [  # url (after the data below), the fragment's element id
    ("/fund/contributions?year=2024", 'id="contribution-list"'),
    ("/fund/contributions/new", 'id="contribution-form"'),
    ("/fund/disbursements", 'id="disbursement-list"'),
    ("/fund/disbursements/new", 'id="disbursement-form"'),
    ("/fund/disbursements/{proposed}", 'id="disbursement-detail"'),
    ("/fund/ledger?year=2024", 'id="ledger-table"'),
    ("/fund/units?year=2024", 'id="leaderboard"'),
    ("/fund/pledges", 'id="pledge-list"'),
]


@pytest.fixture
def board(client, login_as, fund, give, spend):
    give(5_000_000)
    ids = {"paid": spend(1_000_000), "proposed": spend(2_000_000, state="proposed")}
    login_as("thuquy", ["fund_board"])
    return ids


@pytest.mark.parametrize("url, marker", PAGES)
def test_page_and_fragment(client, board, hx, url, marker):
    url = url.format(**board)
    page = client.get(url)
    assert page.status_code == 200 and "<html" in page.get_data(as_text=True)
    fragment = client.get(url, headers=hx)
    text = fragment.get_data(as_text=True)
    assert fragment.status_code == 200 and marker in text and "<html" not in text and "<nav" not in text.split(marker)[0]


@pytest.mark.parametrize("url", ["/fund/widget", "/fund/widget/overview"])
def test_widgets_are_fragments(client, board, hx, url):
    resp = client.get(url, headers=hx)
    text = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "<html" not in text and "đồng" in text


def test_invalid_forms_answer_their_fragment_with_422(client, board, hx, fund):
    resp = client.post("/fund/contributions/new", data={"date": "", "amount": "abc"}, headers=hx)
    assert resp.status_code == 422 and 'id="contribution-form"' in resp.get_data(as_text=True)
    resp = client.post(f"/fund/disbursements/{board['proposed']}/reject", data={"reason": ""}, headers=hx)
    text = resp.get_data(as_text=True)
    assert resp.status_code == 422 and 'id="disbursement-detail"' in text and "<html" not in text
    resp = client.post(f"/fund/contributions/{1}/reverse", data={"reason": ""}, headers=hx)
    assert resp.status_code == 422 and 'id="reverse-form"' in resp.get_data(as_text=True)


def test_refusal_answers_inside_the_page_for_htmx(client, board, hx, fund):
    resp = client.post("/fund/disbursements/new", data={
        "category_id": fund["house"], "beneficiary": "Vàng Thị Dính", "commune_id": fund["commune"], "village": "",
        "household_status": "poor", "amount": "3.000.000", "purpose": "Làm nhà", "decision_no": "", "note": ""})
    own = int(resp.headers["Location"].rsplit("/", 1)[1])
    # the proposer's own approval: refused in #flashes of the page, not a bare error page
    resp = client.post(f"/fund/disbursements/{own}/approve", headers=hx)
    assert resp.status_code == 409 and resp.headers["HX-Retarget"] == "#flashes"
    assert "Người đề xuất khoản chi không được tự phê duyệt." in resp.get_data(as_text=True)
    # and the page shows the step disabled, with that reason beside it
    page = client.get(f"/fund/disbursements/{own}").get_data(as_text=True)
    assert 'disabled aria-describedby="no-self-approval"' in page
    assert "Người đề xuất khoản chi không được tự phê duyệt." in page
    # someone else's proposal: the button is there, enabled
    page = client.get(f"/fund/disbursements/{board['proposed']}").get_data(as_text=True)
    assert "no-self-approval" not in page and "Phê duyệt" in page
    # a payment already made: refused in the page, before any confirmation is asked
    resp = client.post(f"/fund/disbursements/{board['paid']}/pay", data={"paid_on": "01/07/2024"}, headers=hx)
    assert resp.status_code == 409 and resp.headers["HX-Retarget"] == "#flashes"
