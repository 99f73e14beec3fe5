"""The lean inspection page: one form for the checklist, per-item saves, numbering by section, the open section,
progress, refusals shown next to the item, replays answered once, and the 200-item page within 60 KB."""
from __future__ import annotations

import re

from sqlalchemy import select

from plugins.inspections.models import Answer
from portal.extensions import db

HX = {"HX-Request": "true"}


def _setup(make_unit, make_template, make_inspection, item_ids, login_as, **kw):
    unit = make_unit("Xã Bản Bo")
    leader = login_as("truongdoan", ["inspector"])
    tid = make_template(**kw)
    iid = make_inspection(tid, unit, leader.id)
    return iid, item_ids(tid), leader


def test_one_form_items_numbered_by_section_and_the_current_section_open(client, make_unit, make_template,
                                                                         make_inspection, item_ids, login_as):
    iid, items, _leader = _setup(make_unit, make_template, make_inspection, item_ids, login_as, n=25)
    html = client.get(f"/inspections/{iid}").get_data(as_text=True)
    assert html.count("<form") - html.count('class="inline') == 2  # the checklist + the language switch
    assert html.count('id="checklist"') == 1
    assert "1.1. Mục kiểm tra 1<" in html and "1.10. Mục kiểm tra 10<" in html
    sections = re.findall(r'hx-get="(/inspections/\d+/sections/\d+)"', html)
    assert len(sections) == 2
    assert "2.1. Mục kiểm tra 11<" in client.get(sections[0], headers=HX).get_data(as_text=True)
    assert "3.5. Mục kiểm tra 25<" in client.get(sections[1], headers=HX).get_data(as_text=True)
    assert re.findall(r'<details class="card insp-section" id="section-\d+"( open)?', html) == [" open", "", ""]
    assert html.count('data-item="') == 10  # only the current section is in the page; the others load when opened
    assert "0</strong>/25 đã trả lời" in html and f'href="#item-{items[0]}"' in html
    # the first ten answered: the second section is the current one, and the jump goes to item 2.1
    for item in items[:10]:
        assert client.post(f"/inspections/{iid}/answers", data={"item": item, f"result.{item}": "pass",
                                                                f"version.{item}": "0"}, headers=HX).status_code == 200
    html = client.get(f"/inspections/{iid}").get_data(as_text=True)
    assert re.findall(r'<details class="card insp-section" id="section-\d+"( open)?', html) == ["", " open", ""]
    # the jump works without JavaScript too: it opens the item's section
    second = re.findall(r'id="section-(\d+)"', html)[1]
    assert "10</strong>/25 đã trả lời" in html
    assert f'class="button insp-next" href="?section={second}#item-{items[10]}"' in html
    # without JavaScript another section opens with a plain link
    assert re.search(r'href="\?section=\d+#section-\d+"', html)


def test_the_checklist_form_saves_only_the_named_item(app, client, make_unit, make_template, make_inspection,
                                                      item_ids, login_as):
    iid, items, leader = _setup(make_unit, make_template, make_inspection, item_ids, login_as, items=[
        {"text": "Kế hoạch"}, {"text": "Số hộ", "answer_type": "number", "max_score": 10}])
    a, b = items
    data = {"item": a, f"result.{a}": "fail", f"note.{a}": "Chưa có", f"version.{a}": "0",
            f"number.{b}": "7", f"version.{b}": "0"}  # the whole form, as a browser without JavaScript sends it
    resp = client.post(f"/inspections/{iid}/answers", data=data)
    assert resp.status_code == 303 and resp.headers["Location"].endswith(f"#item-{a}")
    with app.app_context():
        assert [(x.item_id, x.result, x.note) for x in db.session.scalars(select(Answer))] == [(a, "fail", "Chưa có")]
    resp = client.post(f"/inspections/{iid}/answers", data={"item": b, f"number.{b}": "11", f"version.{b}": "0"},
                       headers=HX)
    body = resp.get_data(as_text=True)
    assert resp.status_code == 422 and "Số phải từ 0 đến 10" in body and resp.headers["HX-Retarget"] == f"#item-{b}-state"
    assert client.post(f"/inspections/{iid}/answers", data={"item": "x"}, headers=HX).status_code == 400
    ok = client.post(f"/inspections/{iid}/answers", data={"item": b, f"number.{b}": "7,5", f"version.{b}": "0"},
                     headers=HX)
    assert ok.status_code == 200 and ok.headers["HX-Retarget"] == f"#item-{b}-state"
    assert f'name="version.{b}" value="1"' in ok.get_data(as_text=True)


def test_a_replayed_offline_answer_is_recorded_once(app, client, make_unit, make_template, make_inspection,
                                                    item_ids, login_as):
    iid, items, _leader = _setup(make_unit, make_template, make_inspection, item_ids, login_as, n=3)
    a = items[0]
    data = {"item": a, f"result.{a}": "pass", f"version.{a}": "0"}
    key = {"Idempotency-Key": "phone-made-key-0123456789"}
    first = client.post(f"/inspections/{iid}/answers", data=data, headers={**HX, **key})
    again = client.post(f"/inspections/{iid}/answers", data=data, headers={**HX, **key})  # the answer was lost
    assert first.status_code == again.status_code == 200 and again.headers.get("X-Replayed") == "1"
    with app.app_context():
        assert [x.version for x in db.session.scalars(select(Answer))] == [1]  # not a conflict, not saved twice


def test_offline_pages_list_the_inspections_of_the_team(client, make_unit, make_template, make_inspection,
                                                        item_ids, login_as, make_user):
    iid, _items, _leader = _setup(make_unit, make_template, make_inspection, item_ids, login_as, n=3)
    other = make_user("khac", ["inspector"])
    make_inspection(make_template(n=2), make_unit("Xã Khác"), other.id)
    pages = client.get("/offline/pages").get_json()["pages"]
    assert pages[0] == f"/inspections/{iid}" and len(pages) == 2  # the page and its one section
    assert pages[1].startswith(f"/inspections/{iid}/sections/")
    assert client.get(pages[1]).status_code == 200
    assert client.get(f"/inspections/{iid}/sections/999").status_code == 404


def test_a_200_item_inspection_page_stays_within_60_kb(client, make_unit, make_template, make_inspection,
                                                      item_ids, login_as):
    items = [{"section": i // 20, "text": f"Nội dung kiểm tra số {i + 1}: đơn vị thực hiện đúng kế hoạch",
              "weight": 1 + i % 3, "note_required": i % 5 == 0} for i in range(200)]
    iid, ids, _leader = _setup(make_unit, make_template, make_inspection, item_ids, login_as, items=items)
    for k, item in enumerate(ids[:150]):  # most answered, some with a note, as in the benchmark
        client.post(f"/inspections/{iid}/answers", headers=HX, data={
            "item": item, f"result.{item}": "fail" if k % 10 == 0 else "pass", f"version.{item}": "0",
            f"note.{item}": "Chưa thực hiện" if k % 10 == 0 else ""})
    raw = client.get(f"/inspections/{iid}").data
    print("inspection-200 page bytes:", len(raw), "gzip:", len(__import__("gzip").compress(raw)))
    assert len(raw) <= 60 * 1024, f"{len(raw)} bytes"
    html = raw.decode()
    assert "150</strong>/200 đã trả lời" in html and html.count('data-item="') == 20
