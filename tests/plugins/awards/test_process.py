"""From registration to decision, through HTTP: đăng ký thi đua and the registration rule, the look-back rule,
decisions (numbering, append-only, amendments, .docx), achievement records, certificates, publication."""
from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from sqlalchemy import func, select

from portal.extensions import db
from tests.helpers import HX, count_queries

from .conftest import ballot


def _published(app, client, w, make_type, make_session, login_as, names=("Nguyễn Văn An", "Hộ bà Lò Thị Mai"),
               kinds=("individual", "household"), type_id=None):
    """A published session in which every nominee is approved; return (session id, nomination ids)."""
    from plugins.awards.models import Nomination, SessionItem, VotingSession

    type_id = type_id or make_type("Giấy khen của Chủ tịch UBND huyện", bonus=300_000)
    sid, items = make_session(w, [type_id] * len(names))
    with app.app_context():
        for item_id, name, kind in zip(items, names, kinds, strict=True):
            nom = db.session.get(SessionItem, item_id).nomination
            nom.nominee, nom.kind, nom.position = name, kind, "Thôn Nà Đon"
        db.session.commit()
    for username in w.members:
        login_as(username)
        c = client
        assert c.post(f"/awards/sessions/{sid}/vote", data=ballot(items, "agree")).status_code == 200
    login_as(w.members[0])
    assert c.post(f"/awards/sessions/{sid}/close", data={"confirmed": "1"}).status_code in (302, 200)
    assert c.post(f"/awards/sessions/{sid}/publish", data={"confirmed": "1"}).status_code in (302, 200)
    with app.app_context():
        assert db.session.get(VotingSession, sid).state == "published"
        noms = [db.session.get(SessionItem, i).nomination_id for i in items]
        assert all(db.session.get(Nomination, n).state == "approved" for n in noms)
    return sid, noms


def _draft(client, sid, date="20/11/2025"):
    resp = client.post("/awards/decisions/new", data={"sessions": [str(sid)], "subject": "Về việc khen thưởng",
                                                       "decision_date": date})
    assert resp.status_code == 302, resp.get_data(as_text=True)[:2000]
    return int(resp.headers["Location"].rstrip("/").split("/")[-1])


def _decision_form(app, decision_id, **changes):
    from plugins.awards.models import Decision

    with app.app_context():
        d = db.session.get(Decision, decision_id)
        data = {k: getattr(d, k) for k in ("subject", "signer_title", "signer_name", "basis", "proposal",
                                             "article2", "article3", "recipients", "submission_number",
                                             "submission_text")}
        data["decision_date"] = d.decision_date.strftime("%d/%m/%Y")
        data["submission_date"] = d.decision_date.strftime("%d/%m/%Y")
        if d.public:
            data["public"] = "y"
    data.update(changes)
    return data


def _issue(app, client, decision_id, signer="Hoàng Văn Chủ", public=False):
    data = _decision_form(app, decision_id, signer_name=signer)
    data.pop("public", None)
    if public:
        data["public"] = "y"
    assert client.post(f"/awards/decisions/{decision_id}/edit", data=data).status_code == 302
    resp = client.post(f"/awards/decisions/{decision_id}/issue", data={"_once": "k" * 20 + str(decision_id), "confirmed": "1"})
    assert resp.status_code == 302, resp.get_data(as_text=True)[:1000]


def _snapshot(app, decision_id):
    from plugins.awards.models import Decision, DecisionLine

    with app.app_context():
        db.session.expire_all()
        row = db.session.get(Decision, decision_id)
        cols = {c.name: getattr(row, c.name) for c in Decision.__table__.columns}
        lines = [tuple(getattr(line, c.name) for c in DecisionLine.__table__.columns)
                 for line in db.session.scalars(select(DecisionLine).where(DecisionLine.decision_id == decision_id)
                                                .order_by(DecisionLine.id))]
        return cols, lines


# --- registration ---------------------------------------------------------------------------------------------

def _register(client, round_id, unit_id, rows, submit=True, commitment="Phấn đấu hoàn thành xuất sắc nhiệm vụ"):
    data = {"commitment": commitment, "action": "submit" if submit else "save",
            "entry_type": [str(r[0]) for r in rows], "entry_kind": [r[1] for r in rows],
            "entry_name": [r[2] for r in rows], "entry_position": ["" for _r in rows]}
    return client.post(f"/awards/rounds/{round_id}/register?unit={unit_id}", data=data)


def test_registration_rule_is_enforced_on_nomination_and_off_when_the_type_says_so(app, client, make_council, make_type,
                                                                                  make_user, login_as):
    from plugins.awards.models import Nomination, Registration

    w = make_council(3)
    ldtt = make_type("Lao động tiên tiến", nominee_kinds="individual", requires_registration=True)
    free = make_type("Giấy khen", requires_registration=False)
    make_user("canbo", ["unit_reporter"], unit_id=w.unit_id)
    login_as("canbo")
    c = client

    def nominate(type_id, name):
        return c.post(f"/awards/rounds/{w.round_id}/nominate", data={
            "unit_id": w.unit_id, "award_type_id": type_id, "kind": "individual", "nominee": name,
            "position": "", "achievements": "Hoàn thành xuất sắc nhiệm vụ"})

    refused = nominate(ldtt, "Lò Thị Xuân")
    assert refused.status_code == 422
    assert "yêu cầu đã đăng ký thi đua" in refused.get_data(as_text=True)
    assert nominate(free, "Lò Thị Xuân").status_code == 302  # the rule is off for this award type

    # the unit registers (a reporter of another unit may not register for it)
    assert _register(c, w.round_id, w.other_unit_id, [(ldtt, "individual", "Lò Thị Xuân")]).status_code == 403
    bad = _register(c, w.round_id, w.unit_id, [(ldtt, "household", "Hộ ông A")])
    assert bad.status_code == 422 and "không trao cho loại đối tượng này" in bad.get_data(as_text=True)
    resp = _register(c, w.round_id, w.unit_id, [(ldtt, "individual", "Lò Thị Xuân"), ("", "individual", "")])
    assert resp.status_code == 302
    with app.app_context():
        reg = db.session.scalar(select(Registration))
        assert reg.state == "submitted" and [e.name for e in reg.entries] == ["Lò Thị Xuân"]
        reg_id = reg.id
    assert _register(c, w.round_id, w.unit_id, []).status_code == 409  # sent: changed only if returned
    assert nominate(ldtt, "Lò Thị Xuân").status_code == 422  # registered but not approved yet

    assert c.get(f"/awards/rounds/{w.round_id}/registrations").status_code == 403
    assert c.post(f"/awards/registrations/{reg_id}/review", data={"decision": "approve"}).status_code == 403
    make_user("thuongtruc", ["standing_office"])  # the standing office reviews registrations too
    login_as("thuongtruc")
    s = client
    page = s.get(f"/awards/rounds/{w.round_id}/registrations").get_data(as_text=True)
    assert "Xã Bình Lư" in page and "1 đơn vị chưa đăng ký" in page
    assert s.post(f"/awards/registrations/{reg_id}/review", data={"decision": "return", "note": ""}).status_code == 422
    assert s.post(f"/awards/registrations/{reg_id}/review", data={"decision": "approve", "note": ""}).status_code == 302
    assert s.post(f"/awards/registrations/{reg_id}/review", data={"decision": "approve"}).status_code == 409
    xlsx = s.get(f"/awards/rounds/{w.round_id}/registrations.xlsx")
    assert xlsx.status_code == 200 and xlsx.data[:2] == b"PK"
    from portal.exports import read_rows

    headers, rows = read_rows(xlsx.data)
    assert ["Xã Bản Bo", "Đã duyệt"] == list(rows[0][:2]) or ["Xã Bản Bo", "Đã duyệt"] in [list(r[:2]) for r in rows]

    login_as("canbo")

    c = client
    assert nominate(ldtt, "Lò Thị Xuyến").status_code == 422  # another person than the one registered
    assert nominate(ldtt, "Lò Thị Xuân").status_code == 302
    with app.app_context():
        assert db.session.scalar(select(func.count(Nomination.id))) == 2


# --- look-back -------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("years,ok,text", [
    (2, True, "2 năm liên tục đạt Chiến sĩ thi đua cơ sở (2023–2024): có 2023, 2024 (2/2) → đạt điều kiện"),
    (3, False, "3 năm liên tục đạt Chiến sĩ thi đua cơ sở (2022–2024): có 2023, 2024; thiếu 2022 (2/3) → chưa đạt "
               "điều kiện"),
])
def test_eligibility_look_back_with_consecutive_years(app, client, make_council, make_type, login_as, years, ok, text):
    from plugins.awards.services import records as process
    from plugins.awards.models import Nomination

    w = make_council(3)
    cstdcs = make_type("Chiến sĩ thi đua cơ sở", nominee_kinds="individual")
    prov = make_type("Chiến sĩ thi đua cấp tỉnh", nominee_kinds="individual", lookback_type_id=cstdcs,
                     lookback_years=years)
    with app.app_context():
        process.add_achievement(kind="individual", holder="Nguyễn Thị Hằng", year=2024, award_type_id=cstdcs,
                                title="Chiến sĩ thi đua cơ sở", decision_number="12/QĐ-UBND", source="decision")
        # entered by hand, matched by title (no award type) and without diacritics in the name
        process.add_achievement(kind="individual", holder="Nguyen Thi Hang", year=2023, title="Chiến sĩ thi đua cơ sở",
                                decision_number="45/QĐ-UBND", source="manual")
        process.add_achievement(kind="individual", holder="Nguyễn Thị Hằng", year=2021, title="Chiến sĩ thi đua cơ sở",
                                decision_number="7/QĐ-UBND", source="manual")  # outside the window
        process.add_achievement(kind="individual", holder="Nguyễn Thị Hằng", year=2022, title="Lao động tiên tiến",
                                decision_number="8/QĐ-UBND", source="manual")  # another title
        nom = Nomination(round_id=w.round_id, award_type_id=prov, unit_id=w.unit_id, kind="individual",
                         nominee="Nguyễn Thị Hằng", achievements="…")
        db.session.add(nom)
        db.session.commit()
        nom_id = nom.id
    login_as("thuky")
    page = client.get(f"/awards/nominations/{nom_id}").get_data(as_text=True)
    assert text in page
    assert "12/QĐ-UBND" in page and "45/QĐ-UBND" in page
    # the years window can include the round's year, as data on the award type
    with app.app_context():
        from plugins.awards.models import AwardType

        db.session.get(AwardType, prov).lookback_through_round_year = True
        db.session.commit()
    page = client.get(f"/awards/nominations/{nom_id}").get_data(as_text=True)
    assert "thiếu 2025" in page


# --- decisions -------------------------------------------------------------------------------------------------

def test_decision_from_a_session_is_numbered_gaplessly_and_published(app, client, make_council, make_type, make_session,
                                                                   make_user, login_as):
    from portal.models import Notification
    from plugins.awards.models import Achievement, Decision

    w = make_council(3)
    sid, noms = _published(app, client, w, make_type, make_session, login_as)
    make_user("canbo", ["unit_reporter"], unit_id=w.unit_id)
    login_as("thuky")
    s = client
    did = _draft(s, sid)
    page = s.get(f"/awards/decisions/{did}").get_data(as_text=True)
    assert "Nguyễn Văn An" in page and "Hộ bà Lò Thị Mai" in page and "600.000" in page
    sub = s.get(f"/awards/decisions/{did}/submission").get_data(as_text=True)
    assert "TỜ TRÌNH" in sub and "Nguyễn Văn An" in sub and "12/BB-HĐTĐKT" in sub
    # the same session's nominees cannot be put on a second decision
    assert s.post("/awards/decisions/new", data={"sessions": [str(sid)], "subject": "x",
                                                 "decision_date": "20/11/2025"}).status_code == 422
    # issuing without a signer is refused and consumes no number
    assert s.post(f"/awards/decisions/{did}/issue", data={"confirmed": "1"}).status_code == 422
    _issue(app, s, did, public=True)
    with app.app_context():
        d = db.session.get(Decision, did)
        assert (d.state, d.number, d.year, d.seq) == ("issued", "01/QĐ-UBND", 2025, 1)
        assert db.session.scalar(select(func.count(Achievement.id)).where(Achievement.decision_id == did)) == 2
        unit_users = [u for u in db.session.scalars(select(Notification)) if "01/QĐ-UBND" in u.message]
        assert unit_users, "the nominee's unit is notified"
    printed = s.get(f"/awards/decisions/{did}/print").get_data(as_text=True)
    for text in ("QUYẾT ĐỊNH", "Căn cứ Luật Thi đua, khen thưởng", "Điều 1.", "Điều 2.", "Điều 3.", "Nơi nhận",
                 "Số: 01/QĐ-UBND", "Tam Đường, ngày 20 tháng 11 năm 2025", "HOÀNG VĂN CHỦ".title()):
        assert text in printed, text
    # a second decision of the year takes the next number (an amendment, here)
    resp = s.post(f"/awards/decisions/{did}/amend")
    new_id = int(resp.headers["Location"].split("/")[-1])
    _issue(app, s, new_id)
    with app.app_context():
        assert db.session.get(Decision, new_id).number == "02/QĐ-UBND"
    # publication: the unit sees its awards, the public page lists the public decision only
    login_as("canbo")
    c = client
    decided = c.get("/awards/decided").get_data(as_text=True)
    assert "Nguyễn Văn An" in decided and "01/QĐ-UBND" in decided
    c.post("/logout")
    public = client.get("/awards/public")
    assert public.status_code == 200
    text = public.get_data(as_text=True)
    assert "Nguyễn Văn An" in text and "01/QĐ-UBND" in text and "02/QĐ-UBND" not in text


def test_an_issued_decision_cannot_be_changed_through_any_route(app, client, make_council, make_type, make_session, login_as):
    from plugins.awards.models import Decision

    w = make_council(3)
    sid, _noms = _published(app, client, w, make_type, make_session, login_as)
    login_as("thuky")
    s = client
    did = _draft(s, sid)
    _issue(app, s, did)
    before = _snapshot(app, did)
    with app.app_context():
        line_ids = [line.id for line in db.session.get(Decision, did).lines]
    forms = [{}, _decision_form(app, did, subject="Đã sửa", signer_name="Người khác"),
             {"kind": "individual", "nominee": "Kẻ chen vào", "award_name": "Giấy khen", "bonus": "999"}]
    posted = 0
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("awards.") or "POST" not in rule.methods:
            continue
        values = {}
        for arg in rule.arguments:
            values[arg] = {"decision_id": did, "line_id": line_ids[0]}.get(arg, 1)
        url = rule.build(values, append_unknown=False)[1]
        for data in forms:
            resp = s.post(url, data={**data, "_once": f"walk{posted:016d}"})
            posted += 1
            assert resp.status_code < 500, (url, resp.status_code)
            assert _snapshot(app, did) == before, url
    assert posted >= 3 * 20
    # the amending decision links to it both ways, and the original stays as issued
    resp = s.post(f"/awards/decisions/{did}/amend")
    with app.app_context():
        amendments = list(db.session.scalars(select(Decision).where(Decision.amends_id == did)))
        assert amendments and all(a.state == "draft" for a in amendments)
        new_id = amendments[-1].id
    assert _snapshot(app, did) == before
    assert "01/QĐ-UBND" in s.get(f"/awards/decisions/{new_id}").get_data(as_text=True)
    original = s.get(f"/awards/decisions/{did}").get_data(as_text=True)
    assert f'/awards/decisions/{new_id}"' in original.split('id="amended-by"')[1][:400]
    for url in (f"/awards/decisions/{did}/edit", f"/awards/decisions/{did}/lines",
                f"/awards/decisions/{did}/lines/{line_ids[0]}", f"/awards/decisions/{did}/issue"):
        resp = s.post(url, data=forms[1])
        assert resp.status_code == 409 and "đã ban hành" in resp.get_data(as_text=True), url


def test_the_docx_opens_with_the_list(app, client, make_council, make_type, make_session, login_as):
    from docx import Document

    w = make_council(3)
    sid, _noms = _published(app, client, w, make_type, make_session, login_as)
    login_as("thuky")
    s = client
    did = _draft(s, sid)
    _issue(app, s, did)
    resp = s.get(f"/awards/decisions/{did}/decision.docx")
    assert resp.status_code == 200 and resp.data[:2] == b"PK"
    doc = Document(io.BytesIO(resp.data))
    header = doc.tables[0]
    assert "ỦY BAN NHÂN DÂN" in header.cell(0, 0).text and "01/QĐ-UBND" in header.cell(0, 0).text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in header.cell(0, 1).text
    listing = doc.tables[1]
    cells = [[c.text for c in row.cells] for row in listing.rows]
    assert cells[0][:2] == ["STT", "Tên tập thể, cá nhân, hộ gia đình"]
    names = [row[1] for row in cells]
    assert "Nguyễn Văn An" in names and "Hộ bà Lò Thị Mai" in names
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]
    assert headings == ["Điều 1.", "Điều 2.", "Điều 3."]


def test_a_draft_lists_its_lines_and_edits_one_at_a_time(app, client, make_council, make_type, make_session, login_as):
    """A draft's page holds one form only for the line asked for (?edit=, a link or htmx swapping the row)."""
    from plugins.awards.models import DecisionLine

    w = make_council(3)
    sid, _noms = _published(app, client, w, make_type, make_session, login_as)
    login_as("thuky")
    did = _draft(client, sid)
    with app.app_context():
        lines = list(db.session.scalars(select(DecisionLine).where(DecisionLine.decision_id == did)
                                        .order_by(DecisionLine.position)))
        first, second = lines[0].id, lines[1].id
    page = client.get(f"/awards/decisions/{did}").get_data(as_text=True)
    assert page.count('name="nominee"') == 0  # no form per line, and the add-by-hand box is fetched when opened
    assert f'hx-get="/awards/decisions/{did}?add=1" hx-trigger="toggle once"' in page and 'href="?add=1#add-line"' in page
    assert f'href="?edit={first}#line-{first}" hx-get="?edit={first}"' in page
    # the add-by-hand box: its form alone to htmx, the page with the box open without JavaScript
    box = client.get(f"/awards/decisions/{did}?add=1", headers=HX).get_data(as_text=True)
    assert "<html" not in box and box.count('name="nominee"') == 1 and f'action="/awards/decisions/{did}/lines"' in box
    page = client.get(f"/awards/decisions/{did}?add=1").get_data(as_text=True)
    assert page.count('name="nominee"') == 1 and '<details class="lazy-box" id="add-line" open>' in page
    # without JavaScript: the page with that line's form
    page = client.get(f"/awards/decisions/{did}?edit={first}").get_data(as_text=True)
    assert page.count('name="nominee"') == 1 and f'action="/awards/decisions/{did}/lines/{first}"' in page
    # htmx: the row alone, with its form
    row = client.get(f"/awards/decisions/{did}?edit={second}", headers=HX).get_data(as_text=True)
    assert row.startswith(f'<tr id="line-{second}">') and "<html" not in row and 'name="nominee"' in row
    assert client.get(f"/awards/decisions/{did}?edit=999999", headers=HX).status_code == 404
    values = {"kind": "individual", "nominee": "Nguyễn Văn An", "position_text": "Trưởng bản Nà Bỏ",
              "unit_name": "Xã Bản Bo", "award_name": "Giấy khen", "bonus": "300.000"}
    saved = client.post(f"/awards/decisions/{did}/lines/{first}", data=values, headers=HX)
    text = saved.get_data(as_text=True)
    assert saved.status_code == 200 and f'<tr id="line-{first}">' in text and "Trưởng bản Nà Bỏ" in text
    assert "Đã lưu" in text and 'name="nominee"' not in text
    plain = client.post(f"/awards/decisions/{did}/lines/{second}", data={**values, "nominee": "Hộ bà Lò Thị Mai & con"})
    assert plain.status_code == 302 and plain.headers["Location"].endswith(f"#line-{second}")
    page = client.get(f"/awards/decisions/{did}").get_data(as_text=True)  # a row's texts are escaped
    assert f'<tr id="line-{second}"><td>Hộ bà Lò Thị Mai &amp; con</td><td>Trưởng bản Nà Bỏ</td><td>Xã Bản Bo</td>' in page
    assert "<td class=\"num\">300.000</td>" in page
    bad = client.post(f"/awards/decisions/{did}/lines/{first}", data={**values, "bonus": "nhiều"}, headers=HX)
    assert bad.status_code == 422
    with app.app_context():
        db.session.expire_all()
        assert db.session.get(DecisionLine, first).position_text == "Trưởng bản Nà Bỏ"  # the bad post changed nothing
        assert db.session.get(DecisionLine, first).bonus == 300_000
    # a wrong hand-added line: the page again, its box open with what was typed and the message, nothing added
    with app.app_context():
        count = db.session.scalar(select(db.func.count()).select_from(DecisionLine).where(DecisionLine.decision_id == did))
    bad = client.post(f"/awards/decisions/{did}/lines", data={**values, "nominee": "Bà Hoàng Thị Dung", "bonus": "nhiều"})
    text = bad.get_data(as_text=True)
    assert bad.status_code == 422 and '<details class="lazy-box" id="add-line" open>' in text
    assert 'value="Bà Hoàng Thị Dung"' in text and 'value="nhiều"' in text and 'aria-invalid="true"' in text
    # the wrong field, far down a phone's page, takes the focus (the browser scrolls to it); only that one
    assert text.count(" autofocus") == 1 and re.search(r'<input[^>]*\bautofocus\b[^>]*name="bonus"|<input[^>]*name="bonus"[^>]*\bautofocus\b', text)
    with app.app_context():
        assert db.session.scalar(
            select(db.func.count()).select_from(DecisionLine).where(DecisionLine.decision_id == did)) == count


def test_certificates_one_per_awardee_within_the_document_budget(app, client, make_council, make_type, make_session, login_as):
    from plugins.awards.models import Decision, DecisionLine

    w = make_council(3)
    sid, _noms = _published(app, client, w, make_type, make_session, login_as)
    login_as("thuky")
    s = client
    did = _draft(s, sid)
    assert s.get(f"/awards/decisions/{did}/certificates").status_code == 409  # a draft has no number yet
    with app.app_context():
        d = db.session.get(Decision, did)
        for n in range(98):
            d.lines.append(DecisionLine(position=10 + n, kind="individual", nominee=f"Người được khen {n:03d}",
                                        award_name="Giấy khen của Chủ tịch UBND huyện", unit_name="Xã Bản Bo",
                                        position_text="Trưởng thôn", bonus=300_000))
        db.session.commit()
    _issue(app, s, did)
    resp = s.get(f"/awards/decisions/{did}/certificates")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200 and html.count('class="cert"') == 100
    assert len(resp.data) < 300_000, len(resp.data)
    assert "01/QĐ-UBND" in html and "/awards/static/awards.css" in html
    # the landscape page is a named page in the plugin's stylesheet (no inline CSS under the CSP)
    css_resp = s.get("/awards/static/awards.css")
    css = css_resp.get_data(as_text=True)
    css_resp.close()
    assert "@page certificate { size: A4 landscape" in css and "page: certificate" in css


# --- achievement records ---------------------------------------------------------------------------------------

def test_records_show_our_decisions_and_hand_entered_ones(app, client, make_council, make_type, make_session, login_as):
    w = make_council(3)
    sid, _noms = _published(app, client, w, make_type, make_session, login_as)
    login_as("thuky")
    s = client
    did = _draft(s, sid)
    _issue(app, s, did)
    resp = s.post("/awards/records/new", data={
        "kind": "individual", "holder": "Nguyễn Văn An", "position_text": "", "unit_id": w.unit_id, "year": 2019,
        "award_type_id": 0, "title": "Chiến sĩ thi đua cơ sở", "decision_number": "123/QĐ-UBND",
        "decision_date": "15/12/2019", "note": ""})
    assert resp.status_code == 302
    assert s.post("/awards/records/new", data={"kind": "individual", "holder": "X", "year": 2019, "unit_id": 0,
                                               "award_type_id": 0, "decision_number": "1"}).status_code == 422
    page = s.get("/awards/records/?q=nguyen van an").get_data(as_text=True)
    assert "01/QĐ-UBND" in page and "123/QĐ-UBND" in page
    assert "Quyết định của huyện" in page and "Nhập tay" in page
    assert "Hộ bà Lò Thị Mai" not in page
    by_number = s.get("/awards/records/?q=123/QĐ").get_data(as_text=True)
    assert "123/QĐ-UBND" in by_number and "01/QĐ-UBND" not in by_number
    holder = s.get("/awards/records/holder?kind=individual&name=Nguyễn Văn An").get_data(as_text=True)
    assert holder.index("2025") < holder.index("2019")  # newest first
    # a record written by an issued decision cannot be removed by hand
    from plugins.awards.models import Achievement

    with app.app_context():
        ours = db.session.scalar(select(Achievement.id).where(Achievement.source == "decision"))
    assert s.post(f"/awards/records/{ours}/remove").status_code == 409


# --- the dossier on the ballot ------------------------------------------------------------------------------

def test_dossier_opens_as_fragment_and_as_page_for_the_roll_only(app, client, make_council, make_type, make_session, login_as,
                                                                make_user, hx):
    from plugins.awards.services import records as process

    w = make_council(3)
    t = make_type("Giấy khen")
    sid, items = make_session(w, [t])
    with app.app_context():
        process.add_achievement(kind="individual", holder="Ứng viên 1", year=2022, title="Lao động tiên tiến",
                                decision_number="9/QĐ-UBND", source="manual")
        db.session.commit()
    login_as(w.members[1])
    c = client
    vote = c.get(f"/awards/sessions/{sid}/vote").get_data(as_text=True)
    url = f"/awards/sessions/{sid}/items/{items[0]}/dossier"
    assert f'hx-get="{url}"' in vote and 'target="_blank"' in vote
    frag = c.get(url, headers=hx)
    assert frag.status_code == 200 and "<html" not in frag.get_data(as_text=True)
    assert "9/QĐ-UBND" in frag.get_data(as_text=True) and "Thành tích" in frag.get_data(as_text=True)
    full = c.get(url).get_data(as_text=True)
    assert "<html" in full and "9/QĐ-UBND" in full
    assert c.get(f"/awards/sessions/{sid}/items/{items[0] + 999}/dossier").status_code == 404
    make_user("canbo", ["unit_reporter"], unit_id=w.unit_id)
    login_as("canbo")
    assert client.get(url).status_code == 403


# --- queries per page ---------------------------------------------------------------------------------------

def test_list_pages_run_a_constant_number_of_queries(app, client, make_council, make_type, make_session, login_as, make_unit):
    from plugins.awards.services import records as process
    from plugins.awards.models import Decision, DecisionLine, Registration, RegistrationEntry

    w = make_council(3)
    t = make_type("Giấy khen")

    def grow(n):
        with app.app_context():
            d = Decision(subject="s", decision_date=dt.date(2025, 11, 1), state="issued", number=f"{n}/QĐ", public=True)
            for k in range(n):
                process.add_achievement(kind="individual", holder=f"Người {n}-{k}", year=2020, title="LĐTT",
                                        decision_number="1/QĐ", unit_id=w.unit_id, source="manual")
                d.lines.append(DecisionLine(position=k, kind="individual", nominee=f"Người {n}-{k}", award_name="GK",
                                            unit_id=w.unit_id, unit_name="Xã Bản Bo"))
            db.session.add(d)
            for k in range(n):
                uid = make_unit(f"Xã Thêm {n}-{k}")
                r = Registration(round_id=w.round_id, unit_id=uid, commitment="c", state="submitted")
                r.entries = [RegistrationEntry(award_type_id=t, kind="individual", name="A", name_fold="a")]
                db.session.add(r)
            db.session.commit()

    login_as("thuky")

    s = client
    pages = ["/awards/records/", "/awards/decided", "/awards/public", "/awards/decisions/",
             f"/awards/rounds/{w.round_id}/registrations"]

    def measure():
        out = {}
        for p in pages:
            with count_queries(app) as q:
                assert s.get(p).status_code == 200, p
            out[p] = len(q)
        return out

    def decision_pages():  # the newest decision's own pages: the same queries for 3 awardees as for 20
        with app.app_context():
            did = db.session.scalar(select(func.max(Decision.id)))
        out = {}
        for p in ("", "/print", "/certificates", "/submission", "/decision.docx"):
            with count_queries(app) as q:
                assert s.get(f"/awards/decisions/{did}{p}").status_code == 200, p
            out[p] = len(q)
        return out

    grow(3)
    small, small_decision = measure(), decision_pages()
    grow(20)
    assert measure() == small
    assert decision_pages() == small_decision


def test_demo_has_registrations_a_decision_and_records_marked_as_samples(app, client, login_as, make_user):
    from portal.audit import set_cli_actor
    from portal.seed import seed_units, seed_users
    from plugins.awards import demo
    from plugins.awards.models import Achievement, Decision, Registration

    with app.app_context():
        set_cli_actor("test")
        seed_units()
        seed_users("demo-pass-123")
        db.session.commit()
        demo.seed_demo("demo-pass-123")
        demo.seed_demo("demo-pass-123")  # idempotent
        regs = list(db.session.scalars(select(Registration)))
        assert sorted(r.state for r in regs) == ["approved", "submitted"]
        assert all(r.commitment.startswith("Dữ liệu mẫu") for r in regs)
        (decision,) = db.session.scalars(select(Decision))
        assert decision.state == "issued" and decision.number == "01/QĐ-UBND" and decision.year == 2023
        assert decision.subject.startswith("Dữ liệu mẫu") and len(decision.lines) == 4
        sources = sorted(db.session.scalars(select(Achievement.source)))
        assert sources.count("decision") == 4 and sources.count("manual") == 4
        assert all(a.note.startswith("Dữ liệu mẫu") for a in db.session.scalars(
            select(Achievement).where(Achievement.source == "manual")))
    make_user("xem", ["council_secretariat"])
    login_as("xem")
    page = client.get("/awards/records/?q=nguyen thi hang").get_data(as_text=True)
    assert "86/QĐ-UBND" in page and "112/QĐ-UBND" in page
    client.post("/logout")
    public = client.get("/awards/public").get_data(as_text=True)
    assert "Lù Văn Thắng" in public and "01/QĐ-UBND" in public


def test_issuing_is_once_per_form_and_the_next_issue_takes_the_next_number(app, client, make_council, make_type,
                                                                           make_session, login_as):
    from plugins.awards.models import Decision, DecisionCounter

    w = make_council(3)
    sid, _noms = _published(app, client, w, make_type, make_session, login_as)
    login_as("thuky")
    s = client
    first = _draft(s, sid)
    data = _decision_form(app, first, signer_name="Hoàng Văn Chủ")
    assert s.post(f"/awards/decisions/{first}/edit", data=data).status_code == 302
    key = {"_once": "double-tap-key-0001", "confirmed": "1"}
    assert s.post(f"/awards/decisions/{first}/issue", data=key).status_code == 302
    again = s.post(f"/awards/decisions/{first}/issue", data=key)  # the same rendered form: replayed, not refused
    assert again.status_code == 302
    with app.app_context():
        assert db.session.get(DecisionCounter, 2025).last == 1
    # two drafts issued at the same moment: tests/concurrency/test_awards.py, against a live gunicorn
    amended = s.post(f"/awards/decisions/{first}/amend")
    second = int(amended.headers["Location"].split("/")[-1])
    assert s.post(f"/awards/decisions/{second}/issue", data={"confirmed": "1"}).status_code == 302
    with app.app_context():
        assert db.session.get(Decision, second).number == "02/QĐ-UBND"
        assert db.session.get(DecisionCounter, 2025).last == 2


def test_one_decision_covers_two_sessions(app, client, make_council, make_type, make_session, login_as):
    from plugins.awards.models import Decision

    w = make_council(3)
    first, _a = _published(app, client, w, make_type, make_session, login_as, names=("Nguyễn Văn An",), kinds=("individual",))
    second, _b = _published(app, client, w, make_type, make_session, login_as, names=("UBND xã Bản Bo",),
                            kinds=("collective",))
    login_as("thuky")
    s = client
    resp = s.post("/awards/decisions/new", data={"sessions": [str(first), str(second)], "subject": "Về việc khen thưởng",
                                                 "decision_date": "01/12/2025"})
    assert resp.status_code == 302
    with app.app_context():
        d = db.session.scalar(select(Decision))
        assert sorted(x.session_id for x in d.sessions) == sorted([first, second])
        assert [(line.kind, line.nominee) for line in d.lines] == [("collective", "UBND xã Bản Bo"),
                                                                   ("individual", "Nguyễn Văn An")]
    page = s.get(f"/awards/decisions/{d.id}/print").get_data(as_text=True)
    assert "Khen thưởng 1 tập thể và 1 cá nhân theo hình thức dưới đây" in page


def test_the_secretariat_sees_the_look_back_while_nominating(app, client, make_council, make_type, login_as, hx):
    from plugins.awards.services import records as process

    w = make_council(3)
    cstdcs = make_type("Chiến sĩ thi đua cơ sở", nominee_kinds="individual")
    prov = make_type("Chiến sĩ thi đua cấp tỉnh", nominee_kinds="individual", lookback_type_id=cstdcs,
                     lookback_years=2)
    with app.app_context():
        process.add_achievement(kind="individual", holder="Vàng A Sáng", year=2024, award_type_id=cstdcs,
                                title="Chiến sĩ thi đua cơ sở", decision_number="95/QĐ-UBND", source="manual")
        db.session.commit()
    login_as("thuky")
    s = client
    form = s.get(f"/awards/rounds/{w.round_id}/nominate").get_data(as_text=True)
    assert f'hx-get="/awards/rounds/{w.round_id}/lookback"' in form
    frag = s.get(f"/awards/rounds/{w.round_id}/lookback?award_type_id={prov}&kind=individual&nominee=vang a sang",
                 headers=hx).get_data(as_text=True)
    assert "(2023–2024): có 2024; thiếu 2023 (1/2) → chưa đạt điều kiện" in frag and "95/QĐ-UBND" in frag
    none = s.get(f"/awards/rounds/{w.round_id}/lookback?award_type_id={cstdcs}&kind=individual&nominee=x",
                 headers=hx).get_data(as_text=True)
    assert "thiếu" not in none and "<html" not in none
    assert s.get(f"/awards/rounds/{w.round_id}/lookback?award_type_id=abc&kind=robot", headers=hx).status_code == 200
    assert s.get(f"/awards/rounds/{w.round_id}/lookback?award_type_id={prov}").status_code == 302  # not htmx


def test_the_office_registers_on_behalf_of_a_unit(app, client, make_council, make_type, login_as):
    from plugins.awards.models import Registration

    w = make_council(3)
    t = make_type("Tập thể lao động tiên tiến", nominee_kinds="collective")
    login_as("thuky")
    s = client
    page = s.get(f"/awards/rounds/{w.round_id}/register").get_data(as_text=True)
    assert 'name="unit"' in page and "Xã Bản Bo" in page
    assert _register(s, w.round_id, w.other_unit_id, [(t, "collective", "UBND xã Bình Lư")], submit=False,
                     commitment="").status_code == 302
    assert _register(s, w.round_id, w.other_unit_id, [(t, "collective", "UBND xã Bình Lư")],
                     commitment="").status_code == 422  # sending needs the commitment
    with app.app_context():
        reg = db.session.scalar(select(Registration))
        assert (reg.unit_id, reg.state, len(reg.entries)) == (w.other_unit_id, "draft", 1)


def test_the_texts_box_is_open_until_the_signer_is_written(app, client, make_council, make_type, make_session, login_as):
    """The dozen fields of the texts are in the page while issuing still needs the signer; afterwards they come
    when their box is opened (htmx), or with ?texts=1 without JavaScript."""
    w = make_council(3)
    sid, _noms = _published(app, client, w, make_type, make_session, login_as)
    login_as("thuky")
    did = _draft(client, sid)
    page = client.get(f"/awards/decisions/{did}").get_data(as_text=True)
    assert '<details class="lazy-box" id="decision-texts" open>' in page and page.count('name="signer_name"') == 1
    data = _decision_form(app, did, signer_name="Hoàng Văn Chủ")
    assert client.post(f"/awards/decisions/{did}/edit", data=data).status_code == 302
    page = client.get(f"/awards/decisions/{did}").get_data(as_text=True)
    assert 'name="signer_name"' not in page and 'id="issue-decision">' in page  # the button enabled
    assert f'hx-get="/awards/decisions/{did}?texts=1" hx-trigger="toggle once"' in page
    assert 'href="?texts=1#decision-texts"' in page
    box = client.get(f"/awards/decisions/{did}?texts=1", headers=HX).get_data(as_text=True)
    assert "<html" not in box and 'value="Hoàng Văn Chủ"' in box and f'action="/awards/decisions/{did}/edit"' in box
    plain = client.get(f"/awards/decisions/{did}?texts=1").get_data(as_text=True)
    assert '<details class="lazy-box" id="decision-texts" open>' in plain and 'value="Hoàng Văn Chủ"' in plain
    # an issued decision has no texts box at all; neither has the page of a viewer
    resp = client.post(f"/awards/decisions/{did}/issue", data={"_once": "t" * 20 + str(did), "confirmed": "1"})
    assert resp.status_code == 302
    issued = client.get(f"/awards/decisions/{did}?texts=1", headers=HX).get_data(as_text=True)
    assert "decision-texts" not in issued and 'name="signer_name"' not in issued
