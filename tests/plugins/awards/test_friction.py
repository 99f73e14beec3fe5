"""What a council member and the secretariat see (issue 17): turnout in words, a receipt page in plain words,
confirmation before closing, publishing and issuing, and steps that cannot be taken shown with the reason."""
from __future__ import annotations

import datetime as dt
import re

from portal.extensions import db
from tests.helpers import HX

from .conftest import ballot, counts


def _text(resp) -> str:
    return re.sub(r"\s+", " ", resp.get_data(as_text=True))


def _words(html: str) -> str:
    """What a reader sees: tags removed, spaces folded."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def test_turnout_in_words_and_online_voters_are_not_absent(app, client, make_council, make_type, make_session,
                                                           login_as):
    w = make_council(7)
    sid, items = make_session(w, [make_type(written_ballots=True)], present=0)
    for n in range(4):  # four members vote online
        login_as(w.members[n + 1])
        assert client.post(f"/awards/sessions/{sid}/vote", data=ballot(items, "agree")).status_code == 200
    login_as("thuky")
    from plugins.awards.models import RollEntry

    with app.app_context():
        absent = [r.id for r in db.session.query(RollEntry).filter_by(session_id=sid) if r.user_id == w.member_ids[6]]
    data = {"entry": str(absent[0]), f"item-{items[0]}": "agree"}
    assert client.post(f"/awards/sessions/{sid}/written", data=data).status_code == 200
    for headers in ({}, HX):  # the page and the polled fragment say the same
        text = _text(client.get(f"/awards/sessions/{sid}" if not headers else f"/awards/sessions/{sid}/turnout",
                                headers=headers))
        assert "Đã bỏ phiếu: 5/7 · trực tuyến 4, bằng văn bản 1 · chưa bỏ phiếu 2" in _words(text)
        assert "✅" not in text and "⬜" not in text
        assert text.count("đã bỏ phiếu trực tuyến") >= 4 and "đã bỏ phiếu bằng văn bản" in text
    page = _text(client.get(f"/awards/sessions/{sid}"))
    presence = page.split('id="presence"')[1]
    # the four online voters count as present: never listed as absent, no toggle for them
    assert presence.count("có mặt (đã bỏ phiếu trực tuyến)") == 4
    assert "vắng mặt, đã bỏ phiếu bằng văn bản" in presence
    assert presence.count("Đánh dấu có mặt") == 2  # the chair and one member who have not voted
    assert "☐" not in presence and "☑" not in presence


def test_closing_asks_first_when_members_have_not_voted(app, client, make_council, make_type, make_session, login_as,
                                                        hx):
    from plugins.awards.models import VotingSession

    w = make_council(5)
    sid, items = make_session(w, [make_type()])
    for n in range(3):
        login_as(w.members[n])
        client.post(f"/awards/sessions/{sid}/vote", data=ballot(items, "agree"))
    login_as("thuky")
    for headers in ({}, hx):  # page without JavaScript, overlay with htmx
        ask = client.post(f"/awards/sessions/{sid}/close", headers=headers)
        text = _text(ask)
        assert ask.status_code == 200 and "2 thành viên chưa bỏ phiếu" in text and "Đã bỏ phiếu: 3/5" in _words(text)
        assert 'name="confirmed" value="1"' in text
        with app.app_context():
            assert db.session.get(VotingSession, sid).state == "open"  # nothing happened yet
    done = client.post(f"/awards/sessions/{sid}/close", data={"confirmed": "1"})
    assert done.status_code == 302
    with app.app_context():
        assert db.session.get(VotingSession, sid).state == "closed"
    # the chair publishes (signs the minutes) only after confirming too
    login_as(w.members[0])
    ask = client.post(f"/awards/sessions/{sid}/publish")
    assert ask.status_code == 200 and "Ký biên bản và công bố kết quả?" in _text(ask)
    with app.app_context():
        assert db.session.get(VotingSession, sid).state == "closed"
    assert client.post(f"/awards/sessions/{sid}/publish", data={"confirmed": "1"}).status_code == 302
    with app.app_context():
        assert db.session.get(VotingSession, sid).state == "published"


def test_closing_when_everyone_voted_needs_no_question(app, client, make_council, make_type, make_session, login_as):
    w = make_council(3)
    sid, items = make_session(w, [make_type()])
    for name in w.members:
        login_as(name)
        client.post(f"/awards/sessions/{sid}/vote", data=ballot(items, "agree"))
    login_as("thuky")
    assert client.post(f"/awards/sessions/{sid}/close").status_code == 302


def test_receipt_page_says_what_the_code_is_for_and_drops_the_ballot(app, client, make_council, make_type,
                                                                     make_session, login_as, hx):
    w = make_council(5)
    sid, items = make_session(w, [make_type(), make_type("Lao động tiên tiến")])
    login_as(w.members[1])
    for headers in ({}, hx):
        if headers:
            login_as(w.members[2])
        resp = client.post(f"/awards/sessions/{sid}/vote", data=ballot(items, "agree", "disagree"), headers=headers)
        text = _text(resp)
        code = re.search(r'data-receipt="([A-Z0-9-]+)"', text).group(1)
        assert resp.status_code == 200 and "Phiếu của bạn đã được ghi nhận." in text
        assert f"tám ký tự đầu của mã ({code[:9]})" in text and "đã được đếm" in text
        assert "dấu vết băm" not in text and "băm" not in text
        assert 'type="radio"' not in text and "Gửi phiếu" not in text  # the empty ballot is not repeated
        assert "Đổi phiếu của tôi" in text
    assert counts(app, sid) == (2, 2)


def test_written_ballot_says_why_it_cannot_be_entered(app, client, make_council, make_type, make_session, login_as,
                                                      hx):
    w = make_council(3)
    sid, _items = make_session(w, [make_type(written_ballots=False)], present=1)
    login_as("thuky")
    for headers in ({}, hx):
        text = _text(client.get(f"/awards/sessions/{sid}/written", headers=headers))
        assert "Hiện không thể nhập phiếu bằng văn bản: Không hình thức khen thưởng nào trong phiên cho phép" in text
    sid2, _ = make_session(w, [make_type("Chiến sĩ thi đua", written_ballots=True)])  # everyone present
    text = _text(client.get(f"/awards/sessions/{sid2}/written"))
    assert "mọi thành viên trong danh sách đều có mặt hoặc đã bỏ phiếu" in text


def test_open_voting_is_disabled_with_the_reason_while_the_session_is_empty(app, client, make_council, login_as):
    from plugins.awards.models import VotingSession

    w = make_council(3)
    with app.app_context():
        s = VotingSession(round_id=w.round_id, title="Phiên trống", meeting_date=dt.date(2025, 11, 20))
        db.session.add(s)
        db.session.commit()
        sid = s.id
    login_as("thuky")
    text = _text(client.get(f"/awards/sessions/{sid}"))
    button = re.search(r'<button[^>]*id="open-voting"[^>]*>', text).group(0)
    assert "disabled" in button and "Cần đưa ít nhất một hồ sơ vào phiên trước khi mở." in text
    assert client.post(f"/awards/sessions/{sid}/open").status_code == 409
