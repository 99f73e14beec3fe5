"""HTTP tests: plans, conducting (per-item saves, conflicts, photos), completion, signing, findings, summary."""
from __future__ import annotations

import io
import threading

import pytest
from sqlalchemy import func, select

from portal.extensions import db
from plugins.inspections.models import Answer, Finding, Inspection, Photo
from portal.models import Upload
from portal.exports import read_rows
from tests.helpers import HX, count_queries, login

from .conftest import jpeg_bytes


def _count(app, model, *where) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model).where(*where))


def _answer(client, iid: int, item_id: int, result: str = "pass", version: int = 0, headers=HX, **extra):
    return client.post(f"/inspections/{iid}/items/{item_id}/answer",
                       data={"result": result, "version": str(version), **extra}, headers=headers)


@pytest.fixture
def setup(app, make_unit, make_user, make_template, make_inspection, item_ids, login_as):
    """An in-progress inspection of Xã Bản Bo with 4 items, led by the logged-in inspector."""
    unit = make_unit("Xã Bản Bo", code="xa-ban-bo")
    leader = login_as("truongdoan", ["inspector"])
    member = make_user("thanhvien", ["inspector"])
    tid = make_template(items=[
        {"text": "Tuyên truyền kế hoạch", "note_required": True},
        {"text": "Mô hình giảm nghèo", "photo_required": True},
        {"text": "Báo cáo đúng hạn", "section": 1, "weight": 2},
        {"text": "Số hộ được hỗ trợ", "section": 1, "answer_type": "number", "max_score": 10},
    ])
    iid = make_inspection(tid, unit, leader.id, members=(member.id,))
    return dict(unit=unit, leader=leader, member=member, tid=tid, iid=iid, items=item_ids(tid))


def test_inspection_page_full_and_score_fragment(client, setup) -> None:
    page = client.get(f"/inspections/{setup['iid']}")
    body = page.get_data(as_text=True)
    assert page.status_code == 200 and "<html" in body and "Tuyên truyền kế hoạch" in body
    assert 'accept="image/*"' in body and 'capture="environment"' in body
    frag = client.get(f"/inspections/{setup['iid']}", headers=HX)
    text = frag.get_data(as_text=True)
    assert "<html" not in text and text.lstrip().startswith('<section id="score"')
    assert "HX-Request" in frag.headers["Vary"]
    boosted = client.get(f"/inspections/{setup['iid']}", headers={**HX, "HX-Boosted": "true"})
    assert "<html" in boosted.get_data(as_text=True)


def test_answer_is_saved_on_its_own_and_shows_saved_state(app, client, setup) -> None:
    item = setup["items"][0]
    resp = _answer(client, setup["iid"], item, "pass", note="Có biên bản hội nghị")
    text = resp.get_data(as_text=True)
    assert resp.status_code == 200 and text.lstrip().startswith(f'<span class="insp-state-box" id="item-{item}-state"')
    assert f'name="version.{item}" value="1"' in text and 'data-saved="1"' in text
    assert resp.headers["HX-Trigger"] == "inspections:answered"
    # a plain form post (no JavaScript) redirects back to the item
    plain = _answer(client, setup["iid"], setup["items"][2], "fail", headers={})
    assert plain.status_code == 303 and plain.headers["Location"].endswith(f"#item-{setup['items'][2]}")
    with app.app_context():
        rows = {a.item_id: (a.result, a.note, a.version) for a in db.session.scalars(select(Answer))}
    assert rows == {item: ("pass", "Có biên bản hội nghị", 1), setup["items"][2]: ("fail", None, 1)}


def test_two_inspectors_answering_different_items_are_both_kept(app, setup) -> None:
    c1, c2 = app.test_client(), app.test_client()
    login(c1, "truongdoan")
    login(c2, "thanhvien")
    a, b = setup["items"][0], setup["items"][2]
    # both loaded the page before either saved (version 0 everywhere)
    assert _answer(c1, setup["iid"], a, "pass").status_code == 200
    assert _answer(c2, setup["iid"], b, "fail").status_code == 200
    with app.app_context():
        rows = {x.item_id: (x.result, x.answered_by) for x in db.session.scalars(select(Answer))}
    assert rows == {a: ("pass", setup["leader"].id), b: ("fail", setup["member"].id)}


def test_concurrent_saves_from_two_threads_keep_every_answer(app, make_template, make_inspection, make_unit,
                                                             make_user, item_ids) -> None:
    unit = make_unit()
    u1, u2 = make_user("ktv1", ["inspector"]), make_user("ktv2", ["inspector"])
    tid = make_template(n=30)
    iid = make_inspection(tid, unit, u1.id, members=(u2.id,))
    items = item_ids(tid)
    clients = [app.test_client(), app.test_client()]
    login(clients[0], "ktv1")
    login(clients[1], "ktv2")
    barrier = threading.Barrier(2)
    statuses: list[int] = []

    def work(client, mine):
        barrier.wait()
        for item in mine:
            statuses.append(_answer(client, iid, item, "pass").status_code)

    threads = [threading.Thread(target=work, args=(clients[0], items[0::2])),
               threading.Thread(target=work, args=(clients[1], items[1::2]))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert statuses == [200] * 30
    assert _count(app, Answer, Answer.inspection_id == iid) == 30


def test_same_item_changed_by_someone_else_is_a_clear_conflict(app, setup) -> None:
    c1, c2 = app.test_client(), app.test_client()
    login(c1, "truongdoan")
    login(c2, "thanhvien")
    item = setup["items"][0]
    assert _answer(c1, setup["iid"], item, "pass").status_code == 200
    stale = _answer(c2, setup["iid"], item, "fail", version=0)  # c2's page still shows "not answered"
    text = stale.get_data(as_text=True)
    assert stale.status_code == 409
    assert "Mục này vừa được lưu ở nơi khác" in text and 'value="pass" checked' in text
    with app.app_context():
        assert db.session.scalar(select(Answer.result).where(Answer.item_id == item)) == "pass"
    # after seeing the other answer (version 1) the change goes through
    assert _answer(c2, setup["iid"], item, "fail", version=1, note="Chưa có").status_code == 200


def test_same_account_on_two_phones_never_overwrites_a_newer_answer(app, setup) -> None:
    phone1, phone2 = app.test_client(), app.test_client()
    login(phone1, "truongdoan")
    login(phone2, "truongdoan")
    item = setup["items"][0]
    assert _answer(phone1, setup["iid"], item, "pass", version=0).status_code == 200
    # phone 2 opened the page before: it still shows "not answered" (version 0)
    assert _answer(phone2, setup["iid"], item, "fail", version=0).status_code == 409
    with app.app_context():
        assert db.session.scalar(select(Answer.result).where(Answer.item_id == item)) == "pass"
    # one page's successive saves carry the version each answer brought back
    assert _answer(phone1, setup["iid"], item, "pass", version=1, note="Có biên bản").status_code == 200


def test_photo_is_downscaled_and_stored(app, client, setup) -> None:
    item = setup["items"][1]
    resp = client.post(f"/inspections/{setup['iid']}/items/{item}/photos", headers=HX,
                       data={"photo": (io.BytesIO(jpeg_bytes((3000, 2000))), "IMG_0001.JPG")})
    assert resp.status_code == 200 and resp.get_data(as_text=True).lstrip().startswith(f'<li class="insp-item" id="item-{item}"')
    with app.app_context():
        photo = db.session.scalar(select(Photo))
        assert photo.item_id == item and photo.upload.content_type == "image/jpeg"
        pid = photo.id
    from PIL import Image

    with client.get(f"/inspections/photos/{pid}") as img:
        assert img.status_code == 200 and max(Image.open(io.BytesIO(img.data)).size) == 1600


@pytest.mark.parametrize("data, message", [
    ({"photo": (io.BytesIO(b"%PDF-1.4 not an image"), "bao-cao.pdf")}, "File type not allowed"),
    ({"photo": (io.BytesIO(b"GIF89a.... not a jpeg"), "anh.jpg")}, "The file content does not match"),
    ({"photo": (io.BytesIO(jpeg_bytes((2400, 2400), (200, 10, 90)) + b"\0" * 300_000), "to.jpg")}, "The file is too large"),
    ({}, "Choose a file."),
])
def test_bad_photo_is_refused_with_a_vietnamese_message_and_nothing_stored(app, client, setup, data, message) -> None:
    app.config["INSPECTIONS_MAX_PHOTO_BYTES"] = 200_000
    resp = client.post(f"/inspections/{setup['iid']}/items/{setup['items'][1]}/photos", data=data, headers=HX)
    assert resp.status_code == 422 and resp.headers["HX-Retarget"] == "#flashes"
    text = resp.get_data(as_text=True)
    assert message not in text and any(ch in text for ch in "ạảấầẩẫậắằẳẵặẹẻẽếềểễệịỉọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹđ")
    assert _count(app, Photo) == 0 and _count(app, Upload) == 0


def test_answer_for_an_item_of_another_inspection_is_refused(app, client, setup, make_template) -> None:
    other_tid = make_template(n=2)
    from plugins.inspections.services import checklists

    with app.app_context():
        foreign = [i.id for _s, its in checklists.load_checklist(other_tid) for i in its][0]
    resp = _answer(client, setup["iid"], foreign, "pass")
    assert resp.status_code == 404
    assert "Mục này không thuộc bảng kiểm tra của cuộc kiểm tra này" in resp.get_data(as_text=True)
    assert _count(app, Answer) == 0


def test_forged_inspection_id_is_refused(app, client, setup) -> None:
    resp = _answer(client, 987654, setup["items"][0], "pass", headers={})
    assert resp.status_code == 404 and "Cuộc kiểm tra này không tồn tại" in resp.get_data(as_text=True)
    assert client.get("/inspections/987654").status_code == 404
    assert _count(app, Answer) == 0


@pytest.mark.parametrize("item_index, data, message", [
    (0, {"result": "maybe"}, "Hãy chọn đạt, không đạt hoặc không áp dụng"),
    (3, {"number": "11"}, "Số phải từ 0 đến 10"),
    (3, {"number": "abc"}, "Hãy nhập một số"),
    (3, {"number": "NaN"}, "Số phải từ 0 đến 10"),
    (0, {"result": "pass", "note": "x" * 4001}, "quá dài"),
])
def test_bad_answer_values_are_refused(app, client, setup, item_index, data, message) -> None:
    resp = client.post(f"/inspections/{setup['iid']}/items/{setup['items'][item_index]}/answer",
                       data={"version": "0", **data}, headers=HX)
    # shown next to the item, in its saved-state box (a number out of range does not fail silently)
    assert resp.status_code == 422 and message in resp.get_data(as_text=True)
    assert resp.headers["HX-Retarget"] == f"#item-{setup['items'][item_index]}-state"
    assert 'role="alert"' in resp.get_data(as_text=True)
    assert _count(app, Answer) == 0
    plain = client.post(f"/inspections/{setup['iid']}/items/{setup['items'][item_index]}/answer",
                        data={"version": "0", **data})
    # without JavaScript: the page again, the message beside the item, what was typed kept in its field
    page = plain.get_data(as_text=True)
    assert plain.status_code == 422 and message in page
    iid = setup["items"][item_index]
    item = page[page.index(f'id="item-{iid}"'):]
    item = item[:item.index("</li>")]
    assert "has-error" in page and message in item and 'role="alert"' in item
    if "number" in data:
        assert 'value="%s"' % data["number"] in item


def test_outsiders_cannot_answer(app, client, setup, make_user) -> None:
    make_user("ngoaidoan", ["inspector"])
    make_user("lanhdao1", ["leadership"])
    for username in ("ngoaidoan", "lanhdao1"):
        client.post("/logout")
        login(client, username)
        assert _answer(client, setup["iid"], setup["items"][0]).status_code == 403
        assert client.get(f"/inspections/{setup['iid']}").status_code == 200  # may still read it
    assert _count(app, Answer) == 0


def _answer_all(client, setup, fail_note: str | None = "Chưa quán triệt") -> None:
    items = setup["items"]
    _answer(client, setup["iid"], items[0], "fail", note=fail_note or "")
    _answer(client, setup["iid"], items[1], "pass")
    _answer(client, setup["iid"], items[2], "pass")
    client.post(f"/inspections/{setup['iid']}/items/{items[3]}/answer", data={"version": "0", "number": "7,5"}, headers=HX)


def test_completion_is_refused_while_note_or_photo_is_missing(app, client, setup) -> None:
    _answer_all(client, setup, fail_note=None)
    resp = client.post(f"/inspections/{setup['iid']}/complete", headers=HX)
    text = resp.get_data(as_text=True)
    assert resp.status_code == 409 and text.lstrip().startswith('<section id="completion"')
    assert "Tuyên truyền kế hoạch" in text and "cần ghi chú khi không đạt" in text
    assert "Mô hình giảm nghèo" in text and "cần có ảnh" in text
    assert "Báo cáo đúng hạn" not in text
    with app.app_context():
        assert db.session.get(Inspection, setup["iid"]).state == "in_progress"
    assert _count(app, Finding) == 0


def _complete(client, setup) -> None:
    _answer_all(client, setup)
    client.post(f"/inspections/{setup['iid']}/items/{setup['items'][1]}/photos", headers=HX,
                data={"photo": (io.BytesIO(jpeg_bytes()), "mo-hinh.jpg")})
    assert client.post(f"/inspections/{setup['iid']}/complete", data={"confirmed": "1"}).status_code == 302


def test_completion_scores_and_turns_failed_items_into_findings(app, client, setup) -> None:
    _complete(client, setup)
    with app.app_context():
        insp = db.session.get(Inspection, setup["iid"])
        # pass 1 + pass 2 (weight 2) + 7.5 of 10, fail 1 -> 10.5 / 14 = 75 %
        assert insp.state == "completed" and insp.achieved * 100 / insp.applicable == 75
        finding = db.session.scalar(select(Finding))
        assert finding.description == "Tuyên truyền kế hoạch" and finding.recommendation == "Chưa quán triệt"
    page = client.get(f"/inspections/{setup['iid']}").get_data(as_text=True)
    assert "75,0 %" in page and "Không đạt" in page


def test_signed_inspection_cannot_be_changed(app, client, setup) -> None:
    _complete(client, setup)
    with app.app_context():
        fid = db.session.scalar(select(Finding.id))
    sign = client.post(f"/inspections/{setup['iid']}/sign",
                       data={"confirmed": "1", "number": "12/BB-ĐKT", "unit_representative": "Lù Văn Bản", "conclusion": "Đạt yêu cầu"})
    assert sign.status_code == 302
    before = _count(app, Answer), _count(app, Photo)
    attempts = [
        _answer(client, setup["iid"], setup["items"][2], "fail", version=1),
        client.post(f"/inspections/{setup['iid']}/items/{setup['items'][1]}/photos", headers=HX,
                    data={"photo": (io.BytesIO(jpeg_bytes()), "them.jpg")}),
        client.post(f"/inspections/{setup['iid']}/findings/{fid}", headers=HX,
                    data={"recommendation": "Sửa lại", "responsible_unit_id": str(setup["unit"]), "due_date": "01/01/2030"}),
        client.post(f"/inspections/{setup['iid']}/complete", headers=HX),
        client.post(f"/inspections/{setup['iid']}/sign", headers=HX, data={"confirmed": "1", "number": "13", "unit_representative": "X"}),
        client.post(f"/inspections/{setup['iid']}/edit", headers=HX),
    ]
    for resp in attempts:
        assert resp.status_code in (403, 409), resp.status_code
    assert "Biên bản của cuộc kiểm tra này đã được ký" in attempts[0].get_data(as_text=True)
    assert (_count(app, Answer), _count(app, Photo)) == before
    with app.app_context():
        insp = db.session.get(Inspection, setup["iid"])
        assert insp.state == "signed" and insp.number == "12/BB-ĐKT"
        assert db.session.get(Answer, 3) is None or db.session.scalar(
            select(Answer.result).where(Answer.item_id == setup["items"][2])) == "pass"
        assert db.session.get(Finding, fid).recommendation == "Chưa quán triệt"


def test_minutes_hold_header_scores_and_findings(client, setup) -> None:
    _complete(client, setup)
    client.post(f"/inspections/{setup['iid']}/sign", data={"confirmed": "1", "number": "12/BB-ĐKT", "unit_representative": "Lù Văn Bản"})
    text = client.get(f"/inspections/{setup['iid']}/minutes").get_data(as_text=True)
    for part in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "ĐOÀN KIỂM TRA", "12/BB-ĐKT", "BIÊN BẢN", "Chưa quán triệt",
                 "Xã Bản Bo", "75,0 %", "Lù Văn Bản", 'class="document"'):
        assert part in text, part


def test_unit_sees_only_its_own_findings(app, client, setup, make_unit, make_template, make_inspection, make_user) -> None:
    _complete(client, setup)
    other_unit = make_unit("Xã Bình Lư", code="xa-binh-lu")
    tid = make_template(items=[{"text": "Công khai thu chi Quỹ"}])
    other = make_inspection(tid, other_unit, setup["leader"].id)
    client.post(f"/inspections/{other}/items/{_first_item(app, tid)}/answer", data={"result": "fail", "version": "0"})
    assert client.post(f"/inspections/{other}/complete", data={"confirmed": "1"}).status_code == 302
    with app.app_context():
        own, foreign = (db.session.scalar(select(Finding.id).where(Finding.inspection_id == i)) for i in (setup["iid"], other))
    make_user("canbo_banbo", ["unit_reporter"], unit_id=setup["unit"])
    client.post("/logout")
    login(client, "canbo_banbo")
    listing = client.get("/inspections/findings/?state=all").get_data(as_text=True)
    assert "Chưa quán triệt" in listing and "Công khai thu chi Quỹ" not in listing
    assert client.get(f"/inspections/findings/{foreign}").status_code == 403
    assert client.post(f"/inspections/findings/{foreign}/progress", data={"text": "x"}).status_code == 403
    assert client.get(f"/inspections/{other}").status_code == 403
    # its own finding: report progress, then the team verifies and closes it
    ok = client.post(f"/inspections/findings/{own}/progress", data={"text": "Đã tổ chức hội nghị", "done": "y"})
    assert ok.status_code == 302
    client.post("/logout")
    login(client, "truongdoan")
    assert client.post(f"/inspections/findings/{own}/verify", data={"text": "Đã kiểm tra", "action": "close", "confirmed": "1"}).status_code == 302
    with app.app_context():
        assert db.session.get(Finding, own).state == "closed" and db.session.get(Finding, foreign).state == "open"


def _first_item(app, tid: int) -> int:
    from plugins.inspections.services import checklists

    with app.app_context():
        return checklists.load_checklist(tid)[0][1][0].id


@pytest.mark.parametrize("n", [10, 200])
def test_inspection_page_query_count_does_not_grow_with_items(app, client, make_unit, make_template, make_inspection,
                                                             login_as, item_ids, n) -> None:
    unit = make_unit()
    leader = login_as("ktv", ["inspector"])
    tid = make_template(n=n)
    prev = make_inspection(tid, unit, leader.id, state="completed", year=2024)
    iid = make_inspection(tid, unit, leader.id, previous_id=prev)
    with app.app_context():
        for item in item_ids(tid):
            db.session.add(Answer(inspection_id=iid, item_id=item, result="pass", answered_by=leader.id))
            db.session.add(Answer(inspection_id=prev, item_id=item, result="fail", answered_by=leader.id))
        db.session.commit()
    for item in item_ids(tid)[:3]:
        client.post(f"/inspections/{iid}/items/{item}/photos", data={"photo": (io.BytesIO(jpeg_bytes((64, 48))), "a.jpg")})
    client.get(f"/inspections/{iid}")  # warm up
    with count_queries(app) as queries:
        resp = client.get(f"/inspections/{iid}")
    assert resp.status_code == 200 and resp.get_data(as_text=True).count('<li class="insp-item') == n
    assert len(queries) <= 16, "\n".join(q[:120] for q in queries)
    QUERY_COUNTS[n] = len(queries)
    if len(QUERY_COUNTS) == 2:
        assert QUERY_COUNTS[10] == QUERY_COUNTS[200]


QUERY_COUNTS: dict[int, int] = {}


def test_inspection_list_and_findings_page_in_sql(app, client, make_unit, make_template, make_inspection, login_as,
                                                  item_ids) -> None:
    import datetime as dt
    import html
    import re

    from plugins.inspections.models import Finding

    unit = make_unit()
    leader = login_as("ktv-list", ["inspector"])
    tid = make_template(n=3)
    item = item_ids(tid)[0]

    def add(n: int) -> None:
        for k in range(n):
            iid = make_inspection(tid, unit, leader.id, state="completed", year=2024)
            with app.app_context():
                db.session.add(Finding(inspection_id=iid, item_id=item, description=f"Tồn tại {iid}-{k}",
                                       responsible_unit_id=unit, due_date=dt.date(2025, 1, 1) + dt.timedelta(days=k)))
                db.session.commit()

    counts = {}
    for n in (3, 60):
        add(n if n == 3 else n - 3)
        for url in ("/inspections/", "/inspections/findings/"):
            client.get(url)
            with count_queries(app) as queries:
                resp = client.get(url, headers=HX)
            assert resp.status_code == 200
            counts[(n, url)] = len(queries)
    assert counts[(3, "/inspections/")] == counts[(60, "/inspections/")]
    assert counts[(3, "/inspections/findings/")] == counts[(60, "/inspections/findings/")]
    app.config["PORTAL_PAGE_SIZE"] = 25
    seen: list[str] = []
    url: str | None = "/inspections/findings/?state=all"
    while url:
        body = client.get(url, headers=HX).get_data(as_text=True)
        assert body.lstrip().startswith('<section id="finding-list"')
        seen += re.findall(r"Tồn tại \d+-\d+", body)
        link = re.search(r'<a href="([^"]+)"[^>]*rel="next"', body)
        url = html.unescape(link.group(1)) if link else None
        assert url is None or "state=all" in url
    assert len(seen) == len(set(seen)) == 60
    resp = client.get("/inspections/findings.xlsx?state=all")  # the whole list stays available in one file
    assert resp.status_code == 200 and len(read_rows(resp.data)[1]) == 60


def test_completed_page_and_finding_form_queries_do_not_grow(app, client, make_unit, make_template, make_inspection,
                                                            login_as, item_ids) -> None:
    """The completed inspection's page (its findings) and the hand-written finding form (every unit listed) cost
    the same queries for 3 findings and 3 units as for 40 of each."""
    import datetime as dt

    unit = make_unit()
    leader = login_as("ktv-done", ["inspector"])
    tid = make_template(n=40)
    iid = make_inspection(tid, unit, leader.id, state="completed")
    items = item_ids(tid)
    counts = {}
    for n in (3, 40):
        with app.app_context():
            have = db.session.scalar(select(func.count()).select_from(Finding).where(Finding.inspection_id == iid))
            for k in range(have, n):
                db.session.add(Finding(inspection_id=iid, item_id=items[k], description=f"Tồn tại {k}",
                                       responsible_unit_id=make_unit(f"Xã Phụ {k}"), due_date=dt.date(2025, 3, 1)))
            db.session.commit()
        for url, headers in ((f"/inspections/{iid}", None), (f"/inspections/{iid}/findings/new", HX),
                             (f"/inspections/{iid}?add=1", None)):
            client.get(url, headers=headers)
            with count_queries(app) as queries:
                resp = client.get(url, headers=headers)
            assert resp.status_code == 200
            counts[(n, url)] = len(queries)
        page = client.get(f"/inspections/{iid}").get_data(as_text=True)
        assert page.count('id="finding-') == n and f"Tồn tại {n - 1}" in page
        form = client.get(f"/inspections/{iid}/findings/new", headers=HX).get_data(as_text=True)
        assert f"Xã Phụ {n - 1}</option>" in form
    for url in {u for _n, u in counts}:
        assert counts[(3, url)] == counts[(40, url)], (url, counts)
