"""Secret ballots through HTTP: casting, replacing by receipt, concurrency, refusals, hidden results, bad input."""
from __future__ import annotations

import re
import threading

from sqlalchemy import select

from portal.extensions import db
from tests.helpers import HX, login

from .conftest import ballot, counts


def receipt_of(resp) -> str:
    match = re.search(r'data-receipt="([A-Z0-9-]+)"', resp.get_data(as_text=True))
    assert match, resp.get_data(as_text=True)[:2000]
    return match.group(1)


def stored_choices(app, session_id):
    from plugins.awards.models import Ballot

    with app.app_context():
        return [b for b in db.session.scalars(select(Ballot.choices).where(Ballot.session_id == session_id))]


def test_vote_stores_anonymous_ballot_and_shows_receipt_once(app, client, make_council, make_type, make_session, login_as):
    w = make_council(9)
    sid, items = make_session(w, [make_type(), make_type("Lao động tiên tiến")])
    login_as(w.members[3])
    page = client.get(f"/awards/sessions/{sid}/vote")
    assert page.status_code == 200 and "Ứng viên 1" in page.get_data(as_text=True)
    resp = client.post(f"/awards/sessions/{sid}/vote", data=ballot(items, "agree", "disagree"), headers=HX)
    assert resp.status_code == 200
    body = resp.get_data(as_text=True)
    assert body.lstrip().startswith('<section id="ballot"') and resp.headers["HX-Trigger"] == "awards:voted"
    code = receipt_of(resp)
    assert len(code.replace("-", "")) == 24 and resp.headers["Cache-Control"] == "no-store"
    assert counts(app, sid) == (1, 1)
    assert stored_choices(app, sid) == [{str(items[0]): "agree", str(items[1]): "disagree"}]
    # the receipt is never shown again: a later visit only offers the replacement field
    again = client.get(f"/awards/sessions/{sid}/vote").get_data(as_text=True)
    assert code not in again and 'name="receipt"' in again


def test_second_ballot_replaces_the_first_only_with_the_receipt(app, client, make_council, make_type, make_session, login_as):
    w = make_council(9)
    sid, items = make_session(w, [make_type()])
    login_as(w.members[4])
    code = receipt_of(client.post(f"/awards/sessions/{sid}/vote", data=ballot(items, "agree")))
    # without the receipt: refused, the first ballot stands
    refused = client.post(f"/awards/sessions/{sid}/vote", data=ballot(items, "disagree"))
    assert refused.status_code == 409 and "Nhập mã biên nhận" in refused.get_data(as_text=True)
    # a wrong receipt: refused
    wrong = client.post(f"/awards/sessions/{sid}/vote", data=ballot(items, "disagree", receipt="AAAA-BBBB-CCCC-DDDD-EEEE-FFFF"))
    assert wrong.status_code == 403
    assert stored_choices(app, sid) == [{str(items[0]): "agree"}]
    # the right receipt (any spacing or case): replaced in place, still one ballot
    ok = client.post(f"/awards/sessions/{sid}/vote", data=ballot(items, "disagree", receipt=code.lower().replace("-", " ")))
    assert ok.status_code == 200 and receipt_of(ok) == code
    assert counts(app, sid) == (1, 1)
    assert stored_choices(app, sid) == [{str(items[0]): "disagree"}]
    # another member cannot use this receipt (they have not voted, and it is not theirs)
    login_as(w.members[5])
    assert client.post(f"/awards/sessions/{sid}/vote", data=ballot(items, "agree", receipt=code)).status_code == 403
    assert stored_choices(app, sid) == [{str(items[0]): "disagree"}]


def test_a_member_who_voted_cannot_replace_another_members_ballot_with_their_receipt(
        app, client, make_council, make_type, make_session, login_as):
    w = make_council(9)
    sid, items = make_session(w, [make_type()])
    login_as(w.members[4])
    code_a = receipt_of(client.post(f"/awards/sessions/{sid}/vote", data=ballot(items, "agree")))
    login_as(w.members[5])
    receipt_of(client.post(f"/awards/sessions/{sid}/vote", data=ballot(items, "disagree")))
    # member 5 has voted too (so a participation row exists) and tries member 4's receipt: no ballot matches
    stolen = client.post(f"/awards/sessions/{sid}/vote", data=ballot(items, "disagree", receipt=code_a))
    assert stolen.status_code == 403
    assert sorted(c[str(items[0])] for c in stored_choices(app, sid)) == ["agree", "disagree"]


def _parallel(app, username, url, forms):
    """Post the forms at the same time, each from its own logged-in client; return the status codes."""
    clients = []
    for _form in forms:
        c = app.test_client()
        login(c, username)
        clients.append(c)
    barrier = threading.Barrier(len(forms))
    codes: list[int] = []

    def run(c, form):
        barrier.wait()
        codes.append(c.post(url, data=form).status_code)

    threads = [threading.Thread(target=run, args=(c, f)) for c, f in zip(clients, forms, strict=True)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return sorted(codes)


def test_concurrent_ballots_of_one_member_count_once(app, client, make_council, make_type, make_session):
    w = make_council(9)
    sid, items = make_session(w, [make_type()])
    url = f"/awards/sessions/{sid}/vote"
    codes = _parallel(app, w.members[1], url, [ballot(items, c) for c in ("agree", "disagree") * 4])
    assert codes.count(200) == 1 and all(c in (409, 503) for c in codes if c != 200), codes
    assert counts(app, sid) == (1, 1)
    # concurrent replacements with the receipt: all accepted, still exactly one ballot
    c = app.test_client()
    login(c, w.members[2])
    code = receipt_of(c.post(url, data=ballot(items, "agree")))
    codes = _parallel(app, w.members[2], url, [ballot(items, ch, receipt=code) for ch in ("agree", "disagree") * 4])
    assert set(codes) <= {200, 503} and 200 in codes, codes
    assert counts(app, sid) == (2, 2)


def test_non_member_cannot_vote(app, client, make_council, make_type, make_session, make_user, login_as):
    w = make_council(9)
    sid, items = make_session(w, [make_type()])
    make_user("late", ["council_member"])  # holds awards.vote but is not on the frozen roll
    login_as("late")
    resp = client.post(f"/awards/sessions/{sid}/vote", data=ballot(items, "agree"))
    assert resp.status_code == 403 and "không có tên trong danh sách" in resp.get_data(as_text=True)
    assert client.get(f"/awards/sessions/{sid}/vote").status_code == 403
    login_as("thuky")  # the secretariat has no vote
    assert client.post(f"/awards/sessions/{sid}/vote", data=ballot(items, "agree")).status_code == 403
    assert counts(app, sid) == (0, 0)


def test_roll_is_frozen_when_the_session_opens(app, client, make_council, make_type, make_session, make_user, login_as):
    from plugins.awards.models import CouncilMember

    w = make_council(9)
    sid, items = make_session(w, [make_type()])
    newcomer = make_user("moi", ["council_member"])
    with app.app_context():
        db.session.add(CouncilMember(user_id=newcomer.id, function="member"))
        db.session.commit()
    login_as("moi")
    assert client.post(f"/awards/sessions/{sid}/vote", data=ballot(items, "agree")).status_code == 403
    login_as("thuky")
    assert client.post(f"/awards/council/{1}/remove").status_code == 302  # the chair leaves the council
    login_as(w.members[0])
    assert client.post(f"/awards/sessions/{sid}/vote", data=ballot(items, "agree")).status_code == 200


def test_nobody_votes_after_closing(app, client, make_council, make_type, make_session, login_as):
    w = make_council(9)
    sid, items = make_session(w, [make_type()])
    login_as(w.members[1])
    code = receipt_of(client.post(f"/awards/sessions/{sid}/vote", data=ballot(items, "agree")))
    login_as("thuky")
    assert client.post(f"/awards/sessions/{sid}/close", data={"confirmed": "1"}).status_code == 302
    login_as(w.members[2])
    late = client.post(f"/awards/sessions/{sid}/vote", data=ballot(items, "agree"))
    assert late.status_code == 409 and "Phiên bỏ phiếu này đã kết thúc" in late.get_data(as_text=True)
    login_as(w.members[1])
    assert client.post(f"/awards/sessions/{sid}/vote", data=ballot(items, "disagree", receipt=code)).status_code == 409
    assert stored_choices(app, sid) == [{str(items[0]): "agree"}]
    login_as("thuky")
    assert client.post(f"/awards/sessions/{sid}/close", data={"confirmed": "1"}).status_code == 409


def test_results_are_hidden_before_closing(app, client, make_council, make_type, make_session, login_as, make_user):
    w = make_council(9)
    sid, items = make_session(w, [make_type()])
    login_as(w.members[1])
    client.post(f"/awards/sessions/{sid}/vote", data=ballot(items, "agree"))
    make_user("boss", ["admin", "leadership", "council_secretariat"])
    for user in ("boss", w.members[0], w.members[1]):
        login_as(user)
        for page in ("minutes", "ballots"):
            assert client.get(f"/awards/sessions/{sid}/{page}").status_code == 409
        detail = client.get(f"/awards/sessions/{sid}").get_data(as_text=True)
        assert "Đồng ý" not in detail and "/minutes" not in detail
    # the chair's live turnout names who voted, never how
    login_as(w.members[0])
    turnout = client.get(f"/awards/sessions/{sid}/turnout", headers=HX)
    text = turnout.get_data(as_text=True)
    assert turnout.status_code == 200 and text.lstrip().startswith('<section id="turnout"')
    assert "Đã bỏ phiếu: 1/9" in text and "chưa bỏ phiếu 8" in text
    assert "Đồng ý" not in text and "agree" not in text
    login_as(w.members[2])  # an ordinary member does not watch turnout
    assert client.get(f"/awards/sessions/{sid}/turnout").status_code == 403


def test_closed_results_confidential_until_the_chair_publishes(app, client, make_council, make_type, make_session, login_as, make_user):
    w = make_council(9)
    sid, items = make_session(w, [make_type()])
    login_as(w.members[0])
    client.post(f"/awards/sessions/{sid}/vote", data=ballot(items, "agree"))
    assert client.post(f"/awards/sessions/{sid}/close", data={"confirmed": "1"}).status_code == 302  # the chair may close
    make_user("lanhdao", ["leadership"])
    login_as("lanhdao")
    assert client.get(f"/awards/sessions/{sid}/minutes").status_code == 403
    login_as(w.members[1])
    assert client.get(f"/awards/sessions/{sid}/minutes").status_code == 200
    assert client.post(f"/awards/sessions/{sid}/publish", data={"confirmed": "1"}).status_code == 403  # not the chair
    login_as(w.members[0])
    assert client.post(f"/awards/sessions/{sid}/publish", data={"confirmed": "1"}).status_code == 302
    login_as("lanhdao")
    assert client.get(f"/awards/sessions/{sid}/minutes").status_code == 200
    assert client.get(f"/awards/sessions/{sid}/ballots").status_code == 200


def test_voter_finds_the_receipt_in_the_published_ballot_list(app, client, make_council, make_type, make_session, login_as):
    w = make_council(9)
    sid, items = make_session(w, [make_type()])
    receipts = []
    for n, choice in enumerate(["agree", "disagree", "abstain"]):
        login_as(w.members[n])
        receipts.append(receipt_of(client.post(f"/awards/sessions/{sid}/vote", data=ballot(items, choice))))
    login_as(w.members[0])
    client.post(f"/awards/sessions/{sid}/close", data={"confirmed": "1"})
    page = client.get(f"/awards/sessions/{sid}/ballots").get_data(as_text=True)
    rows = re.findall(r"<code>([A-Z0-9]{4}-[A-Z0-9]{4})</code>(?:</td>)?\s*<td>([^<]+)", page)  # </td> is optional
    assert sorted(r[0] for r in rows) == [r[0] for r in rows]  # sorted by receipt number, not casting order
    listed = dict(rows)
    for code, choice in zip(receipts, ["Đồng ý", "Không đồng ý", "Không ý kiến"], strict=True):
        assert listed[code[:9]] == choice
    assert "Thành viên 0" not in page.split('id="main"')[1].split("</table>")[0]


def test_bad_ballots_are_refused_and_nothing_is_stored(app, client, make_council, make_type, make_session, login_as):
    w = make_council(9)
    sid, items = make_session(w, [make_type(allow_abstain=False), make_type("LĐTT")])
    other_sid, other_items = make_session(w, [make_type("Khác")])
    login_as(w.members[1])
    url = f"/awards/sessions/{sid}/vote"
    bad = [
        {**ballot(items, "agree"), "item-999999": "agree"},  # unknown nominee
        {**ballot(items, "agree"), f"item-{other_items[0]}": "agree"},  # nominee of another session
        {f"item-{items[0]}": "agree"},  # a nominee left out
        ballot(items, "yes", "agree"),  # tampered choice
        ballot(items, "abstain", "agree"),  # "no opinion" where the award does not offer it
        ballot(items, "invalid", "agree"),  # only written ballots may be spoiled
        {**ballot(items, "agree"), "item-abc": "agree"},
    ]
    for form in bad:
        resp = client.post(url, data=form, headers=HX)
        assert 400 <= resp.status_code < 500, (form, resp.status_code)
    assert client.post("/awards/sessions/987654/vote", data=ballot(items, "agree")).status_code == 404
    assert client.post("/awards/sessions/abc/vote", data=ballot(items, "agree")).status_code == 404
    assert counts(app, sid) == (0, 0) and counts(app, other_sid) == (0, 0)
    # after all that the member can still vote properly
    assert client.post(url, data=ballot(items, "agree")).status_code == 200
    assert counts(app, sid) == (1, 1)


def test_closing_while_members_vote_leaves_no_uncounted_ballot(app, make_council, make_type, make_session):
    from plugins.awards.models import VotingSession

    w = make_council(12)
    sid, items = make_session(w, [make_type()])
    voters = []
    for username in w.members[1:]:
        c = app.test_client()
        login(c, username)
        voters.append(c)
    closer = app.test_client()
    login(closer, w.members[0])
    barrier = threading.Barrier(len(voters) + 1)
    codes: list[int] = []

    def vote(c):
        barrier.wait()
        codes.append(c.post(f"/awards/sessions/{sid}/vote", data=ballot(items, "agree")).status_code)

    def close():
        barrier.wait()
        codes.append(closer.post(f"/awards/sessions/{sid}/close", data={"confirmed": "1"}).status_code)

    threads = [threading.Thread(target=vote, args=(c,)) for c in voters] + [threading.Thread(target=close)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert len(codes) == len(voters) + 1 and set(codes) <= {200, 302, 409, 503}, codes
    with app.app_context():
        result = db.session.get(VotingSession, sid).result
    stored, participated = counts(app, sid)
    # whatever got in before closing is counted; nothing got in after it
    assert result["returned"] == stored == participated == result["items"][0]["agree"] == codes.count(200)
