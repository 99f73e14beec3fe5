"""Decision rules with exact fractions: thresholds, quorum, denominators, written ballots, caps, minutes hash."""
from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from portal.extensions import db
from plugins.awards.services import rules, tally
from plugins.awards.models import VotingSession

from .conftest import ballot


@pytest.mark.parametrize(("part", "whole", "num", "den", "strict", "expected"), [
    (8, 9, 90, 100, False, False),  # 88,9 % < 90 %
    (9, 9, 90, 100, False, True),
    (6, 9, 2, 3, False, True),  # exactly two thirds reaches "at least 2/3"
    (5, 9, 2, 3, False, False),
    (6, 9, 2, 3, True, False),  # ... but not "more than 2/3"
    (5, 10, 1, 2, True, False),  # 50 % is not "more than half"
    (6, 10, 1, 2, True, True),
    (7, 10, 70, 100, False, True),
    (0, 0, 1, 2, False, False),  # nothing to count never passes
])
def test_reaches_uses_exact_integer_fractions(part, whole, num, den, strict, expected):
    assert rules.reaches(part, whole, num, den, strict) is expected


@given(part=st.integers(0, 500), whole=st.integers(1, 500), num=st.integers(1, 100), den=st.integers(1, 100))
def test_reaches_agrees_with_exact_rational_comparison(part, whole, num, den):
    from fractions import Fraction

    assert rules.reaches(part, whole, num, den) is (Fraction(part, whole) >= Fraction(num, den))
    assert rules.reaches(part, whole, num, den, True) is (Fraction(part, whole) > Fraction(num, den))


def _vote_all(client, login_as, w, sid, items, rows):
    for username, choices in zip(w.members, rows, strict=False):
        if choices is None:
            continue
        login_as(username)
        resp = client.post(f"/awards/sessions/{sid}/vote", data=ballot(items, *choices))
        assert resp.status_code == 200, resp.get_data(as_text=True)[:500]


def _close(client, login_as, sid):
    login_as("thuky")
    assert client.post(f"/awards/sessions/{sid}/close", data={"confirmed": "1"}).status_code == 302


def _result(app, sid):
    with app.app_context():
        return db.session.get(VotingSession, sid).result


@pytest.mark.parametrize(("agree", "verdict"), [(8, "not_approved"), (9, "approved")])
def test_ninety_percent_of_all_nine_members(app, client, make_council, make_type, make_session, login_as, agree, verdict):
    w = make_council(9)
    t = make_type("CSTĐ cấp tỉnh", threshold_num=90, threshold_den=100, strictly_more=False, denominator="members")
    sid, items = make_session(w, [t])
    _vote_all(client, login_as, w, sid, items, [("agree",)] * agree + [("disagree",)] * (9 - agree))
    _close(client, login_as, sid)
    item = _result(app, sid)["items"][0]
    assert (item["agree"], item["denominator"], item["verdict"]) == (agree, 9, verdict)
    page = client.get(f"/awards/sessions/{sid}/minutes").get_data(as_text=True)
    if agree == 8:
        assert "8/9 tổng số thành viên Hội đồng = 88,9 % &lt; 90 % → Không đạt" in page
    else:
        assert "9/9 tổng số thành viên Hội đồng = 100,0 % ≥ 90 % → Đạt" in page


def test_ninety_percent_of_all_members_counts_absent_members_as_no(app, client, make_council, make_type, make_session, login_as):
    w = make_council(9)
    t = make_type("CSTĐ cấp tỉnh", threshold_num=90, threshold_den=100, strictly_more=False, denominator="members")
    sid, items = make_session(w, [t])
    _vote_all(client, login_as, w, sid, items, [("agree",)] * 8)  # everyone who voted agreed, one did not vote
    _close(client, login_as, sid)
    assert _result(app, sid)["items"][0]["verdict"] == "not_approved"


@pytest.mark.parametrize(("present", "quorum_met"), [(6, True), (5, False)])
def test_two_thirds_quorum_of_nine(app, client, make_council, make_type, make_session, login_as, present, quorum_met):
    w = make_council(9)
    sid, items = make_session(w, [make_type(denominator="present")], present=present)
    # the members present all agree; nobody else votes
    _vote_all(client, login_as, w, sid, items, [("agree",)] * present)
    _close(client, login_as, sid)
    result = _result(app, sid)
    item = result["items"][0]
    assert result["present"] == present and item["quorum_met"] is quorum_met
    assert item["verdict"] == ("approved" if quorum_met else "not_approved")
    page = client.get(f"/awards/sessions/{sid}/minutes").get_data(as_text=True)
    if not quorum_met:
        assert "Không đủ số thành viên dự họp: 5/9 thành viên có mặt" in page


def test_online_voters_count_as_present_for_the_quorum(app, client, make_council, make_type, make_session, login_as):
    w = make_council(9)
    sid, items = make_session(w, [make_type(denominator="present")], present=0)
    _vote_all(client, login_as, w, sid, items, [("agree",)] * 6)
    _close(client, login_as, sid)
    assert _result(app, sid)["items"][0]["quorum_met"] is True


def test_denominators_valid_returned_and_present(app, client, make_council, make_type, make_session, login_as):
    w = make_council(9)
    by_valid = make_type("Theo phiếu hợp lệ", threshold_num=1, threshold_den=2, strictly_more=True, denominator="valid")
    by_returned = make_type("Theo phiếu thu về", threshold_num=1, threshold_den=2, strictly_more=True, denominator="returned")
    by_present = make_type("Theo người có mặt", threshold_num=1, threshold_den=2, strictly_more=True, denominator="present")
    sid, items = make_session(w, [by_valid, by_returned, by_present], present=9)
    # 4 agree, 3 disagree, 1 no opinion, 1 member present does not vote
    rows = [("agree",)] * 4 + [("disagree",)] * 3 + [("abstain",)]
    _vote_all(client, login_as, w, sid, items, rows)
    _close(client, login_as, sid)
    got = {i["award"]: (i["agree"], i["denominator"], i["verdict"]) for i in _result(app, sid)["items"]}
    assert got == {
        "Theo phiếu hợp lệ": (4, 8, "not_approved"),  # 4/8 is not more than half
        "Theo phiếu thu về": (4, 8, "not_approved"),
        "Theo người có mặt": (4, 9, "not_approved"),
    }


def test_written_ballots_count_only_where_the_rule_allows(app, client, make_council, make_type, make_session, login_as):
    w = make_council(9)
    allows = make_type("Cho phép văn bản", threshold_num=90, threshold_den=100, denominator="members",
                       strictly_more=False, written_ballots=True)
    forbids = make_type("Không cho phép văn bản", threshold_num=90, threshold_den=100, denominator="members",
                        strictly_more=False, written_ballots=False)
    sid, items = make_session(w, [allows, forbids], present=8)  # the last member is absent
    _vote_all(client, login_as, w, sid, items, [("agree",)] * 8)
    login_as("thuky")
    with app.app_context():
        absent = [r for r in db.session.get(VotingSession, sid).roll if not r.present][0]
    url = f"/awards/sessions/{sid}/written"
    # a written ballot may not carry a choice for the award that forbids it
    refused = client.post(url, data={"entry": absent.id, f"item-{items[0]}": "agree", f"item-{items[1]}": "agree"})
    assert refused.status_code == 400
    # nor be entered for a present member
    with app.app_context():
        present = [r for r in db.session.get(VotingSession, sid).roll if r.present][0]
    assert client.post(url, data={"entry": present.id, f"item-{items[0]}": "agree"}).status_code == 409
    ok = client.post(url, data={"entry": absent.id, f"item-{items[0]}": "agree"})
    assert ok.status_code == 200 and "Đã ghi nhận phiếu bằng văn bản" in ok.get_data(as_text=True)
    assert client.post(url, data={"entry": absent.id, f"item-{items[0]}": "agree"}).status_code == 409  # already voted
    _close(client, login_as, sid)
    result = _result(app, sid)
    got = {i["award"]: (i["agree"], i["returned"], i["verdict"]) for i in result["items"]}
    assert got == {"Cho phép văn bản": (9, 9, "approved"), "Không cho phép văn bản": (8, 8, "not_approved")}
    assert (result["present"], result["written"], result["issued"], result["returned"]) == (8, 1, 9, 9)


def test_written_ballot_refused_when_no_award_allows_it(app, client, make_council, make_type, make_session, login_as):
    w = make_council(9)
    sid, items = make_session(w, [make_type()], present=8)
    login_as("thuky")
    with app.app_context():
        absent = [r for r in db.session.get(VotingSession, sid).roll if not r.present][0]
    resp = client.post(f"/awards/sessions/{sid}/written", data={"entry": absent.id})
    assert resp.status_code == 409


def test_spoiled_written_ballot_is_invalid(app, client, make_council, make_type, make_session, login_as):
    w = make_council(9)
    t = make_type(denominator="returned", written_ballots=True)
    sid, items = make_session(w, [t], present=8)
    _vote_all(client, login_as, w, sid, items, [("agree",)] * 4 + [("disagree",)] * 4)
    login_as("thuky")
    with app.app_context():
        absent = [r for r in db.session.get(VotingSession, sid).roll if not r.present][0]
    assert client.post(f"/awards/sessions/{sid}/written",
                       data={"entry": absent.id, f"item-{items[0]}": "invalid"}).status_code == 200
    _close(client, login_as, sid)
    result = _result(app, sid)
    item = result["items"][0]
    assert (item["invalid"], item["valid"], item["returned"], item["denominator"]) == (1, 8, 9, 9)
    assert (result["valid"], result["invalid"]) == (8, 1)


def test_cap_ranks_and_ties(app, client, make_council, make_type, make_session, login_as):
    w = make_council(9)
    base = make_type("Lao động tiên tiến", threshold_num=1, threshold_den=2, denominator="valid")
    capped = make_type("CSTĐ cơ sở", threshold_num=1, threshold_den=2, denominator="valid", cap_percent=15,
                       cap_of_id=base)
    # 14 approved base titles → at most 14 * 15 // 100 = 2 capped titles
    types = [base] * 14 + [capped] * 4
    sid, items = make_session(w, types)
    # capped nominees get 9, 8, 7, 7 agree votes: the first two pass the cap... 9 and 8 fit, the tied 7s do not
    capped_votes = [9, 8, 7, 7]
    rows = []
    for member in range(9):
        row = ["agree"] * 14 + ["agree" if member < v else "disagree" for v in capped_votes]
        rows.append(tuple(row))
    _vote_all(client, login_as, w, sid, items, rows)
    _close(client, login_as, sid)
    capped_items = [i for i in _result(app, sid)["items"] if i["award"] == "CSTĐ cơ sở"]
    assert [(i["agree"], i["verdict"], i["reason"], i["cap_limit"]) for i in capped_items] == [
        (9, "approved", None, 2), (8, "approved", None, 2), (7, "not_approved", "cap", 2), (7, "not_approved", "cap", 2),
    ]


def test_cap_tie_straddling_the_limit_is_left_to_the_council(app, client, make_council, make_type, make_session, login_as):
    w = make_council(9)
    base = make_type("LĐTT", denominator="valid")
    capped = make_type("CSTĐ", denominator="valid", cap_percent=15, cap_of_id=base)
    sid, items = make_session(w, [base] * 14 + [capped] * 3)  # limit 2
    rows = [tuple(["agree"] * 14 + ["agree", "agree" if m < 8 else "disagree", "agree" if m < 8 else "disagree"])
            for m in range(9)]
    _vote_all(client, login_as, w, sid, items, rows)
    _close(client, login_as, sid)
    capped_items = [i for i in _result(app, sid)["items"] if i["award"] == "CSTĐ"]
    assert [(i["agree"], i["verdict"], i["reason"]) for i in capped_items] == [
        (9, "approved", None), (8, "not_approved", "cap_tie"), (8, "not_approved", "cap_tie"),
    ]


def test_minutes_hash_is_the_sha256_of_the_canonical_result(app, client, make_council, make_type, make_session, login_as):
    import hashlib
    import json

    w = make_council(9)
    sid, items = make_session(w, [make_type()])
    _vote_all(client, login_as, w, sid, items, [("agree",)] * 5)
    _close(client, login_as, sid)
    with app.app_context():
        s = db.session.get(VotingSession, sid)
        canonical = json.dumps(s.result, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()
        assert s.result_sha256 == hashlib.sha256(canonical).hexdigest()
        assert tally.result_verified(s)
        page = client.get(f"/awards/sessions/{sid}/minutes").get_data(as_text=True)
        assert s.result_sha256 in page and "kết quả đã lưu khớp với mã" in page
        s.result = {**s.result, "members": 10}  # tampering with the stored result shows on the minutes
        db.session.commit()
    page = client.get(f"/awards/sessions/{sid}/minutes").get_data(as_text=True)
    assert "kết quả đã lưu KHÔNG khớp với mã" in page
