"""Pages through HTTP: nominating (unit-scoped), review, sessions, widgets, evidence, files, Excel, demo data."""
from __future__ import annotations

import html
import re

import io

import pytest
from sqlalchemy import func, select

from portal.extensions import db
from portal.signals import Evidence, unit_evidence
from tests.helpers import HX, count_queries

from .conftest import ballot


@pytest.fixture
def reporter(app, make_council, make_type, login_as):
    """A unit reporter of Xã Bản Bo, logged in, with the council and an award type open to all kinds."""
    w = make_council(9)
    t = make_type()
    login_as("banbo", ["unit_reporter"], w.unit_id)
    return w, t


def _nominate(client, w, t, unit_id, nominee="Hộ ông Lò Văn Pình", kind="household"):
    return client.post(f"/awards/rounds/{w.round_id}/nominate", data={
        "unit_id": unit_id, "award_type_id": t, "kind": kind, "nominee": nominee, "position": "Thôn Nà Đon",
        "achievements": "Thoát nghèo bền vững, giúp đỡ 3 hộ khác.",
    })


def test_unit_nominates_only_its_own_nominees(app, client, reporter):
    from plugins.awards.models import Nomination

    w, t = reporter
    resp = _nominate(client, w, t, w.unit_id)
    assert resp.status_code == 302
    # another unit: the unit choice is not offered (422, an invalid form), nothing stored
    assert _nominate(client, w, t, w.other_unit_id, nominee="Người khác").status_code == 422
    # an award that does not admit households: refused in place
    from plugins.awards.models import AwardType

    with app.app_context():
        only_people = AwardType(name="CSTĐ", giver="UBND", nominee_kinds="individual", quorum_num=2, quorum_den=3,
                                threshold_num=1, threshold_den=2, denominator="valid")
        db.session.add(only_people)
        db.session.add(Nomination(round_id=w.round_id, award_type_id=t, unit_id=w.other_unit_id, kind="collective",
                                  nominee="Tập thể xã Bình Lư", achievements="…"))
        db.session.commit()
        people_id = only_people.id
    bad = _nominate(client, w, people_id, w.unit_id, nominee="Hộ sai loại")
    assert bad.status_code == 422 and "không áp dụng cho loại đối tượng" in bad.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count(Nomination.id))) == 2
    page = client.get(f"/awards/rounds/{w.round_id}").get_data(as_text=True).split('id="nomination-list"')[1]
    assert "Hộ ông Lò Văn Pình" in page and "Tập thể xã Bình Lư" not in page
    with app.app_context():
        other = db.session.scalar(select(Nomination.id).where(Nomination.unit_id == w.other_unit_id))
    assert client.get(f"/awards/nominations/{other}").status_code == 403


@pytest.mark.parametrize("fragment", [False, True])
def test_round_list_serves_page_and_fragment_with_diacritic_free_search(app, client, reporter, fragment):
    w, t = reporter
    _nominate(client, w, t, w.unit_id)
    _nominate(client, w, t, w.unit_id, nominee="Lù Văn Thắng", kind="individual")
    resp = client.get(f"/awards/rounds/{w.round_id}?q=lo+van+pinh", headers=HX if fragment else {})
    body = resp.get_data(as_text=True)
    listing = body.split('<section id="nomination-list">')[1].split("</section>")[0]
    assert resp.status_code == 200 and "HX-Request" in resp.headers["Vary"]
    assert "Hộ ông Lò Văn Pình" in listing and "Lù Văn Thắng" not in listing
    from plugins.awards.models import Nomination

    with app.app_context():
        pinh = db.session.scalar(select(Nomination.id).where(Nomination.nominee == "Hộ ông Lò Văn Pình"))
    assert f'href="/awards/nominations/{pinh}"' in listing  # the row's link, made by url_maker
    if fragment:
        assert body.lstrip().startswith('<section id="nomination-list"') and "<html" not in body
    else:
        assert "<html" in body


def _evidence(sender, unit_id, year, **kwargs):
    return [Evidence("reports", "Báo cáo năm", f"đơn vị {unit_id}, năm {year}: đã nộp")]


def test_nomination_shows_evidence_from_other_plugins_and_takes_attachments(app, client, reporter):
    w, t = reporter
    _nominate(client, w, t, w.unit_id)
    unit_evidence.connect(_evidence)
    try:
        page = client.get("/awards/nominations/1").get_data(as_text=True)
    finally:
        unit_evidence.disconnect(_evidence)
    assert f"đơn vị {w.unit_id}, năm 2025: đã nộp" in page
    pdf = (io.BytesIO(b"%PDF-1.4 quyet dinh"), "quyết định.pdf")
    assert client.post("/awards/nominations/1/files", data={"file": pdf},
                       content_type="multipart/form-data").status_code == 302
    exe = (io.BytesIO(b"MZ..."), "virus.exe")
    assert client.post("/awards/nominations/1/files", data={"file": exe},
                       content_type="multipart/form-data").status_code == 422
    page = client.get("/awards/nominations/1").get_data(as_text=True)
    assert "quyết định.pdf" in page and "virus" not in page
    download = client.get("/awards/nominations/1/files/1")
    assert download.status_code == 200 and download.data.startswith(b"%PDF")
    download.close()


def test_review_session_open_and_widgets(app, client, reporter, login_as):
    w, t = reporter
    _nominate(client, w, t, w.unit_id)
    _nominate(client, w, t, w.unit_id, nominee="Lù Văn Thắng", kind="individual")
    login_as("thuky")
    widget = client.get("/awards/widgets/review", headers=HX).get_data(as_text=True)
    assert widget.lstrip().startswith('<section id="review-widget"') and '<strong class="num">2</strong>' in widget
    assert client.post("/awards/nominations/1/review", data={"decision": "eligible"}).status_code == 302
    assert client.post("/awards/nominations/2/review", data={"decision": "ineligible", "note": "Thiếu hồ sơ"}).status_code == 302
    assert client.post("/awards/nominations/2/review", data={"decision": "approved"}).status_code == 422
    resp = client.post(f"/awards/rounds/{w.round_id}/sessions/new",
                       data={"title": "Phiên 1", "number": "01/BB", "meeting_date": "20/11/2025"})
    assert resp.status_code == 302
    sid = int(resp.headers["Location"].rsplit("/", 1)[1])
    # only eligible, unscheduled nominations of the round may be added
    assert client.post(f"/awards/sessions/{sid}/items", data={"nomination": ["2"]}).status_code == 400
    assert client.post(f"/awards/sessions/{sid}/items", data={"nomination": ["999"]}).status_code == 400
    assert client.post(f"/awards/sessions/{sid}/items", data={"nomination": ["x"]}).status_code == 400
    assert client.post(f"/awards/sessions/{sid}/items", data={"nomination": ["1"]}).status_code == 302
    assert client.post(f"/awards/sessions/{sid}/open").status_code == 302
    assert client.post(f"/awards/sessions/{sid}/open").status_code == 409
    assert client.post("/awards/nominations/1/review", data={"decision": "ineligible"}).status_code == 409
    login_as(w.members[4])
    assert "Đã mở bỏ phiếu: Phiên 1" in client.get("/notifications/").get_data(as_text=True)
    vote_widget = client.get("/awards/widgets/vote", headers=HX).get_data(as_text=True)
    assert "Phiên 1" in vote_widget and "chưa bỏ phiếu" in vote_widget
    client.post(f"/awards/sessions/{sid}/vote", data={"item-1": "agree"})
    assert "đã bỏ phiếu" in client.get("/awards/widgets/vote", headers=HX).get_data(as_text=True)
    login_as("banbo")  # a unit reporter may not vote or watch
    assert client.get("/awards/widgets/vote").status_code == 403
    assert client.get(f"/awards/sessions/{sid}").status_code == 403


def test_presence_is_recorded_by_the_secretariat_with_htmx(app, client, make_council, make_type, make_session, login_as):
    w = make_council(9)
    sid, items = make_session(w, [make_type()], present=0)
    login_as("thuky")
    resp = client.post(f"/awards/sessions/{sid}/roll/1", data={"present": "1"}, headers=HX)
    assert resp.status_code == 200 and resp.get_data(as_text=True).lstrip().startswith('<section id="presence"')
    from plugins.awards.models import RollEntry

    with app.app_context():
        assert db.session.get(RollEntry, 1).present is True
    assert client.post(f"/awards/sessions/{sid + 1}/roll/1", data={"present": "1"}).status_code == 404


def test_presence_list_is_one_form_whose_buttons_name_the_member(app, client, make_council, make_type, make_session,
                                                                  login_as):
    from plugins.awards.models import RollEntry

    w = make_council(9)
    sid, items = make_session(w, [make_type()], present=0)
    other_sid, _other = make_session(w, [make_type("Khác")], present=0)
    with app.app_context():
        mine = db.session.scalars(select(RollEntry.id).where(RollEntry.session_id == sid)
                                  .order_by(RollEntry.position)).all()
        foreign = db.session.scalar(select(RollEntry.id).where(RollEntry.session_id == other_sid))
    login_as("thuky")
    page = client.get(f"/awards/sessions/{sid}").get_data(as_text=True)
    presence = page.split('id="presence"')[1].split("</section>")[0]
    assert presence.count("<form") == 1 and presence.count('name="csrf_token"') == 1
    assert presence.count(f'action="/awards/sessions/{sid}/roll"') == 1
    assert all(f'name="present" value="{e}"' in presence for e in mine)
    url = f"/awards/sessions/{sid}/roll"
    resp = client.post(url, data={"present": str(mine[2])}, headers=HX)
    body = resp.get_data(as_text=True)
    assert resp.status_code == 200 and body.lstrip().startswith('<section id="presence"')
    assert f'name="absent" value="{mine[2]}" aria-pressed="true"' in body
    with app.app_context():
        assert db.session.get(RollEntry, mine[2]).present is True
    plain = client.post(url, data={"absent": str(mine[2])})  # without JavaScript: back to the page (post/redirect/get)
    assert plain.status_code == 303 or plain.status_code == 302
    assert plain.headers["Location"].endswith(f"/awards/sessions/{sid}#presence")
    with app.app_context():
        assert db.session.get(RollEntry, mine[2]).present is False
    assert client.post(url, data={"present": str(foreign)}).status_code == 404  # another session's member
    assert client.post(url, data={"present": "x"}).status_code == 400
    assert client.post(url, data={"present": "9" * 20}).status_code == 400  # beyond any INTEGER: no overflow
    assert client.post(url, data={}).status_code == 400
    with app.app_context():
        assert db.session.get(RollEntry, foreign).present is False


def test_published_results_export_the_approved_list(app, client, make_council, make_type, make_session, login_as):
    from portal.exports import read_rows

    w = make_council(9)
    sid, items = make_session(w, [make_type(), make_type("Khác")])
    for n in range(9):
        login_as(w.members[n])
        client.post(f"/awards/sessions/{sid}/vote", data=ballot(items, "agree", "disagree"))
    login_as(w.members[0])
    client.post(f"/awards/sessions/{sid}/close", data={"confirmed": "1"})
    client.post(f"/awards/sessions/{sid}/publish", data={"confirmed": "1"})
    login_as("thuky")
    resp = client.get(f"/awards/rounds/{w.round_id}/approved.xlsx")
    headers, rows = read_rows(resp.data)
    assert resp.status_code == 200 and headers[0] == "Hình thức khen thưởng"
    assert [(r[0], r[2], r[5], r[6]) for r in rows] == [("Giấy khen", "Ứng viên 1", 9, 9)]
    from plugins.awards.models import Nomination

    with app.app_context():
        states = dict(db.session.execute(select(Nomination.nominee, Nomination.state)).all())
    assert states == {"Ứng viên 1": "approved", "Ứng viên 2": "not_approved"}


def test_round_search_reads_the_folded_name_kept_by_every_write(app, client, reporter):
    """The search filters on the stored folded nominee name: it follows an edit and bulk (Core) inserts too."""
    from sqlalchemy import insert

    from plugins.awards.models import Nomination

    w, t = reporter
    _nominate(client, w, t, w.unit_id, nominee="Hộ bà Hoàng Thị Lựu")
    with app.app_context():
        nid = db.session.scalar(select(Nomination.id).where(Nomination.nominee == "Hộ bà Hoàng Thị Lựu"))
        db.session.execute(insert(Nomination), [{"round_id": w.round_id, "award_type_id": t, "unit_id": w.unit_id,
                                                 "kind": "individual", "nominee": name, "achievements": "…"}
                                                for name in ("Ông Sùng A Dơ", "Bà Lò Thị Ánh")])
        db.session.commit()

    def found(q):
        body = client.get(f"/awards/rounds/{w.round_id}", query_string={"q": q}, headers=HX).get_data(as_text=True)
        return re.findall(r'<a href="/awards/nominations/\d+">([^<]+)</a>', body)

    assert found("hoang thi luu") == ["Hộ bà Hoàng Thị Lựu"] and found("LỰU") == ["Hộ bà Hoàng Thị Lựu"]
    assert found("sung a do") == ["Ông Sùng A Dơ"] and found("lo thi anh") == ["Bà Lò Thị Ánh"]
    assert found("100%_") == []  # LIKE wildcards are literal
    resp = client.post(f"/awards/nominations/{nid}/edit", data={
        "unit_id": w.unit_id, "award_type_id": t, "kind": "household", "nominee": "Hộ ông Vàng A Pháo",
        "position": "Thôn Nà Đon", "achievements": "Thoát nghèo bền vững."})
    assert resp.status_code == 302
    assert found("hoang thi luu") == [] and found("vang a phao") == ["Hộ ông Vàng A Pháo"]


def test_round_page_query_count_does_not_grow_with_nominations(app, client, reporter):
    w, t = reporter
    for n in range(3):
        _nominate(client, w, t, w.unit_id, nominee=f"Hộ số {n}")
    with count_queries(app) as few:
        assert client.get(f"/awards/rounds/{w.round_id}").status_code == 200
    for n in range(3, 30):
        _nominate(client, w, t, w.unit_id, nominee=f"Hộ số {n}")
    with count_queries(app) as many:
        page = client.get(f"/awards/rounds/{w.round_id}")
    assert len(many) == len(few) <= 12 and len(page.data) < 60_000
    app.config["PORTAL_PAGE_SIZE"] = 10
    url, seen = f"/awards/rounds/{w.round_id}", []
    for _n in range(3):  # follow the pager's next link as htmx would
        body = client.get(url, headers=HX).get_data(as_text=True)
        seen += re.findall(r"Hộ số \d+", body)
        link = re.search(r'hx-get="([^"]+)"[^>]*rel="next"', body)
        url = html.unescape(link.group(1)) if link else None
    assert body.count('<tr>') == 1 + 10 and "30 hồ sơ" in body and url is None
    assert len(seen) == len(set(seen)) == 30
    assert client.get(f"/awards/rounds/{w.round_id}?after=x").status_code == 400


def test_demo_data_is_complete_and_idempotent(app, runner, monkeypatch):
    from portal.audit import set_cli_actor
    from portal.seed import seed_units, seed_users
    from plugins.awards import demo
    from plugins.awards.models import Ballot, CouncilMember, Nomination, NominationRound, VotingSession

    with app.app_context():
        set_cli_actor("test")
        seed_units()
        seed_users("demo-pass-123")
        db.session.commit()
        demo.seed_demo("demo-pass-123")
        db.session.commit()
        demo.seed_demo("demo-pass-123")
        db.session.commit()
        # the district council (9) ended with the district; xã Bình Lư's council (5) is the active one
        assert db.session.scalar(select(func.count(CouncilMember.id))) == 14
        assert db.session.scalar(select(func.count(CouncilMember.id)).where(CouncilMember.active)) == 5
        from portal.clock import local_today

        assert sorted(db.session.scalars(select(NominationRound.year))) == sorted([2023, 2025, local_today().year])
        for year in (2023, 2025):
            kinds = set(db.session.scalars(select(Nomination.kind).join(NominationRound).where(NominationRound.year == year)))
            assert kinds == {"collective", "individual", "household"}
        closed = db.session.scalar(select(VotingSession).where(VotingSession.state == "published")
                                   .order_by(VotingSession.meeting_date))
        live = db.session.scalar(select(VotingSession).where(VotingSession.state == "open"))
        assert live is not None and live.meeting_date == local_today() and "dữ liệu mẫu" in live.title
        assert closed is not None and db.session.scalar(select(func.count()).select_from(Ballot)) == 9 + 8 + 1
        verdicts = {i["nominee"]: (i["agree"], i["verdict"]) for i in closed.result["items"]}
        assert verdicts["Nguyễn Thị Hằng"] == (8, "not_approved")  # 8/9 < 90 % of all members
        assert closed.result["written"] == 1


def test_secretariat_defines_award_types_with_exact_fractions(app, client, make_council, login_as):
    from plugins.awards.models import AwardType

    make_council(3)
    login_as("thuky")
    form = {"name": "Chiến sĩ thi đua cấp tỉnh", "giver": "Chủ tịch UBND tỉnh", "nominee_kinds": ["individual"],
            "quorum_num": "2", "quorum_den": "3", "threshold_num": "90", "threshold_den": "100",
            "denominator": "members", "written_ballots": "y", "cap_of_id": "0", "legal_basis": "NĐ 98/2023/NĐ-CP",
            "active": "y"}
    page = client.get("/awards/types/new").get_data(as_text=True)
    assert 'type="checkbox"' in page and 'name="nominee_kinds"' in page
    bad = client.post("/awards/types/new", data={**form, "threshold_num": "101"}, headers=HX)
    assert bad.status_code == 422 and bad.get_data(as_text=True).lstrip().startswith('<section id="edit-form"')
    assert "Tỷ lệ không được lớn hơn 1." in bad.get_data(as_text=True)
    assert client.post("/awards/types/new", data={**form, "cap_percent": "15"}).status_code == 422
    assert client.post("/awards/types/new", data={**form, "nominee_kinds": ["robot"]}).status_code == 422
    assert client.post("/awards/types/new", data=form).status_code == 302
    with app.app_context():
        t = db.session.scalar(select(AwardType))
        assert (t.threshold_num, t.threshold_den, t.denominator, t.written_ballots, t.kinds) == (
            90, 100, "members", True, ["individual"])
    listing = client.get("/awards/types/").get_data(as_text=True)
    assert "từ 90 % tổng số thành viên Hội đồng trở lên" in listing and "có mặt tối thiểu 66,7 % (2/3)" in listing


def test_council_membership_is_managed_by_the_secretariat(app, client, make_council, login_as, make_user):
    from plugins.awards.models import CouncilMember

    make_council(3)
    newcomer = make_user("moi", ["council_member"], full_name="Người Mới")
    login_as("thuky")
    assert client.post("/awards/council/", data={"user_id": newcomer.id, "function": "member"}).status_code == 302
    assert client.post("/awards/council/", data={"user_id": newcomer.id, "function": "boss"}).status_code == 422
    page = client.get("/awards/council/").get_data(as_text=True)
    assert "Người Mới" in page and "4 thành viên" in page
    with app.app_context():
        member_id = db.session.scalar(select(CouncilMember.id).where(CouncilMember.user_id == newcomer.id))
    assert client.post(f"/awards/council/{member_id}/remove").status_code == 302
    assert "3 thành viên" in client.get("/awards/council/").get_data(as_text=True)
    login_as("moi")
    assert client.get("/awards/council/").status_code == 403


def test_session_ballot_and_result_pages_run_a_constant_number_of_queries(app, client, make_council, make_type,
                                                                          make_session, login_as):
    """Session page (and its fragments), ballot, ballot list and minutes: the same queries for 2 nominees and 3
    ballots as for 12 nominees and 9 ballots (rows come from one query each, not per nominee or member)."""
    w = make_council(9)
    types = [make_type(), make_type("Lao động tiên tiến", written_ballots=True)]
    small = make_session(w, types, present=5)
    large = make_session(w, types * 6, present=5)

    def measure(sid, voters):
        out = {}
        login_as("thuky")
        for path, headers in ((f"/awards/sessions/{sid}", {}), (f"/awards/sessions/{sid}/turnout", HX)):
            with count_queries(app) as q:
                assert client.get(path, headers=headers).status_code == 200, path
            out[path.replace(str(sid), "S"), bool(headers)] = len(q)
        login_as(w.members[1])
        with count_queries(app) as q:
            assert client.get(f"/awards/sessions/{sid}/vote").status_code == 200
        out["vote"] = len(q)
        for n in range(voters):
            login_as(w.members[n])
            client.post(f"/awards/sessions/{sid}/vote", data=ballot(items_of[sid], "agree"))
        login_as(w.members[0])
        assert client.post(f"/awards/sessions/{sid}/close", data={"confirmed": "1"}).status_code == 302
        for path in (f"/awards/sessions/{sid}/ballots", f"/awards/sessions/{sid}/minutes"):
            with count_queries(app) as q:
                page = client.get(path)
            assert page.status_code == 200, path
            out[path.replace(str(sid), "S")] = len(q)
        return out, page

    items_of = {small[0]: small[1], large[0]: large[1]}
    few, _page = measure(small[0], 3)
    many, _page = measure(large[0], 9)
    assert many == few
    listing = client.get(f"/awards/sessions/{large[0]}/ballots").get_data(as_text=True)
    assert listing.count("<tr><td><code>") == 9 and listing.count("<td>Đồng ý") == 9 * 12
