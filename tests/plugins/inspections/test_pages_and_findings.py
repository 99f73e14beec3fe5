"""Every page with a fragment as page and as fragment; confirmation of irreversible steps; buttons a user may not
use; findings written by hand; the office told when a finding is reported fixed."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from portal.extensions import db
from portal.models import Notification
from plugins.inspections.models import Finding, FindingUpdate, Inspection
from tests.helpers import HX


def _count(app, model, *where) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model).where(*where))


@pytest.fixture
def world(app, make_unit, make_user, make_template, make_inspection, item_ids, login_as):
    """Xã Bản Bo inspected by a team (leader logged in, one member); two pass/fail items, one number item 0–1."""
    unit = make_unit("Xã Bản Bo", code="xa-ban-bo")
    agency = make_unit("Phòng Nông nghiệp", kind="agency", code="phong-nn")
    leader = login_as("truongdoan", ["inspector"], full_name="Trưởng Đoàn")
    member = make_user("thanhvien", ["inspector"], full_name="Thành Viên")
    tid = make_template(items=[{"text": "Tuyên truyền kế hoạch"}, {"text": "Mô hình giảm nghèo"},
                               {"text": "Giá trị (0–1)", "section": 1, "answer_type": "number", "max_score": 1}])
    iid = make_inspection(tid, unit, leader.id, members=(member.id,))
    return dict(unit=unit, agency=agency, leader=leader, member=member, tid=tid, iid=iid, items=item_ids(tid))


def _answer_all(client, world, results=("pass", "fail")) -> None:
    a, b, n = world["items"]
    for item, result in ((a, results[0]), (b, results[1])):
        assert client.post(f"/inspections/{world['iid']}/answers",
                           data={"item": item, f"result.{item}": result, f"version.{item}": "0"}).status_code == 303
    assert client.post(f"/inspections/{world['iid']}/answers",
                       data={"item": n, f"number.{n}": "1", f"version.{n}": "0"}).status_code == 303


def _complete(client, world) -> None:
    _answer_all(client, world)
    assert client.post(f"/inspections/{world['iid']}/complete", data={"confirmed": "1"}).status_code == 302


def _state(app, iid) -> str:
    with app.app_context():
        return db.session.get(Inspection, iid).state


@pytest.mark.parametrize("url, root", [
    ("/inspections/", '<section id="inspection-list"'),
    ("/inspections/findings/", '<section id="finding-list"'),
    ("/inspections/summary", '<section id="summary-table"'),
    ("/inspections/templates/", None),
    ("/inspections/new", '<section id="plan-form"'),
])
def test_pages_answer_as_page_and_as_fragment(client, login_as, hx, url, root) -> None:
    login_as("vanphong", ["standing_office"])
    page = client.get(url)
    assert page.status_code == 200 and "<html" in page.get_data(as_text=True)
    frag = client.get(url, headers=hx)
    text = frag.get_data(as_text=True)
    assert frag.status_code == 200 and "<html" not in text and "HX-Request" in frag.headers["Vary"]
    if root:
        assert text.lstrip().startswith(root)


def test_template_and_item_pages_as_page_and_fragment(client, login_as, hx, make_template) -> None:
    login_as("vanphong", ["standing_office"])
    tid = make_template(n=2)
    for url, root in ((f"/inspections/templates/{tid}", '<section id="section-form"'),
                      (f"/inspections/templates/{tid}/items/new", '<section id="item-form"')):
        assert "<html" in client.get(url).get_data(as_text=True)
        assert client.get(url, headers=hx).get_data(as_text=True).lstrip().startswith(root)


def test_widgets_answer_their_widget_block(client, world, hx) -> None:
    for name in ("mine", "overview"):
        text = client.get(f"/inspections/widgets/{name}", headers=hx).get_data(as_text=True)
        assert text.lstrip().startswith(f'<section id="widget-{name}"'), text[:80]


def test_a_number_out_of_range_is_said_beside_the_item_without_and_with_htmx(app, client, world, hx) -> None:
    n = world["items"][2]
    plain = client.post(f"/inspections/{world['iid']}/answers", data={"item": n, f"number.{n}": "37",
                                                                     f"version.{n}": "0"})
    page = plain.get_data(as_text=True)
    assert plain.status_code == 422 and "<html" in page
    item = page[page.index(f'id="item-{n}"'):]
    item = item[:item.index("</li>")]
    assert "Số phải từ 0 đến 1" in item and 'value="37"' in item and 'aria-invalid="true"' in item
    frag = client.post(f"/inspections/{world['iid']}/answers", data={"item": n, f"number.{n}": "37",
                                                                    f"version.{n}": "0"}, headers=hx)
    assert frag.status_code == 422 and frag.headers["HX-Retarget"] == f"#item-{n}-state"
    assert "Số phải từ 0 đến 1" in frag.get_data(as_text=True)


def test_completing_asks_first_and_says_what_will_happen(app, client, world, hx) -> None:
    _answer_all(client, world)
    url = f"/inspections/{world['iid']}/complete"
    asked = client.post(url)
    text = asked.get_data(as_text=True)
    assert asked.status_code == 200 and "Hoàn thành cuộc kiểm tra Xã Bản Bo?" in text
    assert "1 mục không đạt trở thành tồn tại" in text and 'name="confirmed" value="1"' in text
    overlay = client.post(url, headers=hx)
    assert overlay.headers["HX-Retarget"] == "body" and "confirm-overlay" in overlay.get_data(as_text=True)
    assert _state(app, world["iid"]) == "in_progress"
    assert client.post(url, data={"confirmed": "1"}).status_code == 302
    assert _state(app, world["iid"]) == "completed" and _count(app, Finding) == 1


def test_only_the_leader_completes_others_of_the_team_see_why(app, client, world, login_as) -> None:
    _answer_all(client, world)
    own = client.get(f"/inspections/{world['iid']}").get_data(as_text=True)
    assert re.search(r'<button type="submit" class="primary">Hoàn thành kiểm tra</button>', own)
    from tests.helpers import login

    client.post("/logout")
    login(client, "thanhvien")
    other = client.get(f"/inspections/{world['iid']}").get_data(as_text=True)
    assert re.search(r'<button type="button" class="primary" disabled[^>]*>Hoàn thành kiểm tra</button>', other)
    assert "Chỉ trưởng đoàn mới được thực hiện thao tác này" in other
    refused = client.post(f"/inspections/{world['iid']}/complete", data={"confirmed": "1"})
    assert refused.status_code == 403 and _state(app, world["iid"]) == "in_progress"
    client.post("/logout")
    login_as("lanhdao", ["leadership"])
    outsider = client.get(f"/inspections/{world['iid']}").get_data(as_text=True)
    assert "Hoàn thành kiểm tra</button>" not in outsider


def test_an_inspected_village_is_a_choice_of_the_unit_pickers(app, client, world, hx) -> None:
    """Villages are not among the units findings are usually given to, but an inspected village is: its findings'
    pickers must show it selected, not silently the first unit of the list (a save would reassign the finding)."""
    from portal.models import Unit

    with app.app_context():
        db.session.get(Unit, world["unit"]).kind = "village"
        db.session.commit()
    _complete(client, world)
    unit = world["unit"]
    selected = re.compile(rf'<option (selected value="{unit}"|value="{unit}" selected)>')  # WTForms or the row
    box = client.get(f"/inspections/{world['iid']}/findings/new", headers=hx).get_data(as_text=True)
    assert selected.search(box)
    with app.app_context():
        auto = db.session.scalar(select(Finding).where(Finding.inspection_id == world["iid"]))
        assert auto.responsible_unit_id == world["unit"]  # the failed item's finding, given to the village
    row = client.get(f"/inspections/{world['iid']}/findings/{auto.id}", headers=hx).get_data(as_text=True)
    assert selected.search(row) and re.search(rf'<option value="{world["agency"]}"\s*>', row)
    page = client.get(f"/inspections/{world['iid']}?edit={auto.id}").get_data(as_text=True)
    assert selected.search(page)
    saved = client.post(f"/inspections/{world['iid']}/findings/{auto.id}", headers=hx,
                        data={"recommendation": "Bổ sung", "responsible_unit_id": str(world["unit"]),
                              "due_date": "31/12/2026"})
    assert saved.status_code == 200


def test_a_finding_is_added_by_hand_with_or_without_an_item(app, client, world, hx) -> None:
    _complete(client, world)
    url = f"/inspections/{world['iid']}/findings/new"
    # the page carries the box; its form (with every unit) comes when it is opened: htmx asks for it, a plain
    # browser follows the link to the page with the form open
    page = client.get(f"/inspections/{world['iid']}").get_data(as_text=True)
    assert "Thêm tồn tại" in page and 'name="description"' not in page and f'hx-get="{url}"' in page
    assert 'href="?add=1#add-finding"' in page
    box = client.get(url, headers=hx)
    assert box.status_code == 200 and box.get_data(as_text=True).lstrip().startswith("<form")
    assert 'name="description"' in box.get_data(as_text=True) and "<html" not in box.get_data(as_text=True)
    plain_box = client.get(url)
    assert plain_box.status_code == 302 and plain_box.headers["Location"].endswith("add=1#add-finding")
    opened = client.get(plain_box.headers["Location"]).get_data(as_text=True)
    assert 'name="description"' in opened and 'name="responsible_unit_id"' in opened
    plain = client.post(url, data={"description": "Hồ sơ hộ nghèo chưa lưu đủ", "item_number": "",
                                   "recommendation": "Bổ sung hồ sơ", "responsible_unit_id": str(world["agency"]),
                                   "due_date": "31/12/2026"})
    assert plain.status_code == 302
    frag = client.post(url, headers=hx, data={"description": "Thiếu ảnh mô hình", "item_number": "1.2",
                                              "responsible_unit_id": str(world["unit"]), "due_date": "15/01/2027"})
    text = frag.get_data(as_text=True)
    assert frag.status_code == 200 and text.lstrip().startswith('<section class="card" id="findings"')
    assert "Hồ sơ hộ nghèo chưa lưu đủ" in text and "1.2. Thiếu ảnh mô hình" in text
    with app.app_context():
        rows = {f.description: f for f in db.session.scalars(select(Finding))}
        by_hand = rows["Hồ sơ hộ nghèo chưa lưu đủ"]
        assert by_hand.item_id is None and by_hand.responsible_unit_id == world["agency"]
        assert by_hand.due_date.isoformat() == "2026-12-31" and by_hand.state == "open"
        assert rows["Thiếu ảnh mô hình"].item_id == world["items"][1]
    # the hand-written finding has its page, with no item
    fid = by_hand.id
    assert "Hồ sơ hộ nghèo chưa lưu đủ" in client.get(f"/inspections/findings/{fid}").get_data(as_text=True)
    # the page carries no finding form until one is edited: as a fragment, or the page with it (no JavaScript)
    page = client.get(f"/inspections/{world['iid']}?add=1").get_data(as_text=True)
    assert 'name="responsible_unit_id"' in page and page.count('name="due_date"') == 1  # the "add" form only
    assert 'name="responsible_unit_id"' not in client.get(f"/inspections/{world['iid']}").get_data(as_text=True)
    row = client.get(f"/inspections/{world['iid']}/findings/{fid}", headers=hx).get_data(as_text=True)
    assert row.lstrip().startswith(f'<li class="insp-item" id="finding-{fid}"') and f'id="rec-{fid}"' in row
    assert f'<option value="{world["agency"]}" selected>' in row  # its unit picker lists the units
    plain_edit = client.get(f"/inspections/{world['iid']}/findings/{fid}")
    assert plain_edit.status_code == 302 and f"edit={fid}" in plain_edit.headers["Location"]
    editing = client.get(plain_edit.headers["Location"]).get_data(as_text=True)
    assert f'id="rec-{fid}"' in editing and f'action="/inspections/{world["iid"]}/findings/{fid}"' in editing


def test_rows_link_to_their_pages(app, client, world) -> None:
    """Every row's link as url_for writes it (made once a page by url_maker): lists, finding rows, sections."""
    iid = world["iid"]
    page = client.get(f"/inspections/{iid}").get_data(as_text=True)
    sections = re.findall(r'hx-get="(/inspections/\d+/sections/[^"]+)"', page)  # the closed sections load on opening
    assert sections and all(s.startswith(f"/inspections/{iid}/sections/") for s in sections)
    assert all(client.get(s).get_data(as_text=True).lstrip().startswith("<li") for s in sections)
    _complete(client, world)
    with app.app_context():
        fid = db.session.scalar(select(Finding.id).where(Finding.inspection_id == iid))
    page = client.get(f"/inspections/{iid}").get_data(as_text=True)
    assert f'<a href="/inspections/findings/{fid}">' in page
    assert f'href="/inspections/{iid}?edit={fid}#finding-{fid}" hx-get="/inspections/{iid}/findings/{fid}"' in page
    assert f'<a href="/inspections/{iid}">' in client.get("/inspections/").get_data(as_text=True)
    assert f'<a href="/inspections/findings/{fid}">' in client.get("/inspections/findings/").get_data(as_text=True)


def test_a_bad_hand_finding_is_refused_and_nothing_stored(app, client, world, hx, make_template, item_ids) -> None:
    _complete(client, world)
    before = _count(app, Finding)
    url = f"/inspections/{world['iid']}/findings/new"
    empty = client.post(url, data={"description": "", "item_number": "", "responsible_unit_id": str(world["unit"]),
                                   "due_date": "31/02/2026"})
    assert empty.status_code == 422 and "<html" in empty.get_data(as_text=True)
    frag = client.post(url, headers=hx, data={"description": "", "responsible_unit_id": str(world["unit"]),
                                              "due_date": "1/1/2027"})
    assert frag.status_code == 422 and 'class="error"' in frag.get_data(as_text=True)
    wrong = client.post(url, headers=hx, data={"description": "X", "item_number": "9.9",
                                               "responsible_unit_id": str(world["unit"]), "due_date": "1/1/2027"})
    assert wrong.status_code == 422 and "Không có mục nào" in wrong.get_data(as_text=True)
    assert _count(app, Finding) == before


def test_hand_findings_only_until_the_minutes_are_signed(app, client, world) -> None:
    _answer_all(client, world)
    url = f"/inspections/{world['iid']}/findings/new"
    data = {"description": "Sớm quá", "responsible_unit_id": str(world["unit"]), "due_date": "1/1/2027"}
    assert client.post(url, data=data).status_code == 409  # still in progress
    assert client.post(f"/inspections/{world['iid']}/complete", data={"confirmed": "1"}).status_code == 302
    assert client.post(f"/inspections/{world['iid']}/sign",
                       data={"confirmed": "1", "unit_representative": "Lù Văn Bản"}).status_code == 302
    assert client.post(url, data=data).status_code == 409
    assert "Thêm tồn tại" not in client.get(f"/inspections/{world['iid']}").get_data(as_text=True)


def test_signing_asks_first(app, client, world) -> None:
    _complete(client, world)
    asked = client.post(f"/inspections/{world['iid']}/sign", data={"unit_representative": "Lù Văn Bản"})
    assert asked.status_code == 200 and "Ký biên bản" in asked.get_data(as_text=True)
    assert 'name="unit_representative" value="Lù Văn Bản"' in asked.get_data(as_text=True)
    assert _state(app, world["iid"]) == "completed"


def test_reported_fixed_tells_the_team_and_the_office_and_closing_asks_first(app, client, world, make_user,
                                                                            login_as) -> None:
    from tests.helpers import login

    office = make_user("vanphong", ["standing_office"])
    make_user("lanhdao", ["leadership"])
    _complete(client, world)
    with app.app_context():
        fid = db.session.scalar(select(Finding.id))
    client.post("/logout")
    login_as("canbo_xa", ["unit_reporter"], unit_id=world["unit"])
    assert client.post(f"/inspections/findings/{fid}/progress",
                       data={"text": "Đang làm", "done": ""}).status_code == 302
    assert _count(app, Notification) == 0  # progress alone tells nobody
    assert client.post(f"/inspections/findings/{fid}/progress",
                       data={"text": "Đã khắc phục xong", "done": "y"}).status_code == 302
    with app.app_context():
        told = {n.user_id: n for n in db.session.scalars(select(Notification))}
    assert set(told) == {world["leader"].id, world["member"].id, office.id}
    assert "Xã Bản Bo" in told[office.id].message and told[office.id].link == f"/inspections/findings/{fid}"
    client.post("/logout")
    login(client, "truongdoan")
    page = client.get(f"/inspections/findings/{fid}")
    assert "<html" in page.get_data(as_text=True) and "Đã xác minh: đóng tồn tại" in page.get_data(as_text=True)
    frag = client.get(f"/inspections/findings/{fid}", headers=HX).get_data(as_text=True)
    assert frag.lstrip().startswith('<section id="finding-followup"')
    url = f"/inspections/findings/{fid}/verify"
    asked = client.post(url, data={"text": "Đã kiểm tra thực tế", "action": "close"})
    assert asked.status_code == 200 and "Đóng tồn tại này" in asked.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Finding, fid).state == "reported"
    assert client.post(url, data={"text": "Đã kiểm tra thực tế", "action": "close", "confirmed": "1"}).status_code == 302
    with app.app_context():
        assert db.session.get(Finding, fid).state == "closed"
        assert [u.kind for u in db.session.scalars(select(FindingUpdate).order_by(FindingUpdate.id))] == [
            "progress", "done", "close"]
    # reopening is not irreversible: no question
    assert client.post(url, data={"text": "Chưa đạt", "action": "reopen"}).status_code == 302
