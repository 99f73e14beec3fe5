"""The unit directory through HTTP: list, live search, tree, detail, edit with bad input, rename, merge, Excel."""
from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from portal.extensions import db
from portal.models import AuditEntry, Unit, UnitName
from tests.helpers import HX


@pytest.fixture
def admin(login_as):
    return login_as("quantri", ["admin"])


def _unit(app, code):
    with app.app_context():
        unit = db.session.scalar(select(Unit).where(Unit.code == code))
        if unit is not None:
            db.session.expunge(unit)
        return unit


def _count(app, model=Unit):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def _names_in_order(html):
    return re.findall(r'<td><a href="/units/\d+">([^<]+)</a>', html)


# --- list, search, sort, tree ---

def test_search_ignores_diacritics_and_case(client, admin, make_unit):
    make_unit("Xã Bản Bo", code="xa-ban-bo")
    make_unit("Xã Bản Giang", code="xa-ban-giang")
    make_unit("Xã Bình Lư", code="xa-binh-lu")
    for q in ("ban bo", "BAN BO", "Bản Bo", "  bAn   bO "):
        names = _names_in_order(client.get("/units/", query_string={"q": q}).get_data(as_text=True))
        assert names == ["Xã Bản Bo"], q
    assert _names_in_order(client.get("/units/?q=ban").get_data(as_text=True)) == ["Xã Bản Bo", "Xã Bản Giang"]
    assert _names_in_order(client.get("/units/?q=binh-lu").get_data(as_text=True)) == ["Xã Bình Lư"]  # by code
    # LIKE wildcards typed by a user are plain characters
    assert _names_in_order(client.get("/units/?q=%25").get_data(as_text=True)) == []


@pytest.mark.parametrize(
    "headers,full",
    [({}, True), (HX, False), ({**HX, "HX-Boosted": "true"}, True), ({**HX, "HX-History-Restore-Request": "true"}, True)],
    ids=["browser", "htmx", "boosted", "history-restore"],
)
def test_unit_list_fragment_or_full_page(client, admin, make_unit, headers, full):
    make_unit("Xã Bản Bo", code="xa-ban-bo")
    resp = client.get("/units/?q=ban+bo", headers=headers)
    body = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "HX-Request" in resp.headers["Vary"]
    assert ("<html" in body) is full
    assert "Xã Bản Bo" in body
    if not full:
        assert body.lstrip().startswith('<section id="unit-list"')


def test_units_sort_in_vietnamese_order(client, admin, make_unit):
    for name in ["Đông", "Dân", "Ân", "An", "Ăn", "Bình", "Ba"]:
        make_unit(name)
    names = _names_in_order(client.get("/units/").get_data(as_text=True))
    assert names == ["An", "Ăn", "Ân", "Ba", "Bình", "Dân", "Đông"]


def test_filters_by_kind_and_status(client, admin, make_unit):
    make_unit("Phòng Nội vụ", kind="agency", code="phong-noi-vu")
    make_unit("Xã Bản Bo", code="xa-ban-bo", valid_to=dt.date(2025, 6, 30))
    make_unit("Xã Mới", code="xa-moi")
    assert _names_in_order(client.get("/units/?kind=agency").get_data(as_text=True)) == ["Phòng Nội vụ"]
    assert _names_in_order(client.get("/units/?status=ended").get_data(as_text=True)) == ["Xã Bản Bo"]
    assert "Xã Bản Bo" not in _names_in_order(client.get("/units/?status=current").get_data(as_text=True))


def test_tree_nests_units_under_their_parents(client, admin, make_unit):
    district = make_unit("UBND huyện Tam Đường", kind="district", code="ubnd")
    commune = make_unit("Xã Bản Bo", code="xa-ban-bo", parent_id=district)
    make_unit("Bản Nà Bo", kind="village", code="ban-na-bo", parent_id=commune)
    body = client.get("/units/tree").get_data(as_text=True)
    outer = body.index("UBND huyện Tam Đường")
    assert outer < body.index("Xã Bản Bo") < body.index("Bản Nà Bo")
    assert body.count('<ul class="tree">') == 3


def test_detail_shows_members_children_and_history(client, admin, make_unit, make_user):
    commune = make_unit("Xã Bản Bo", code="xa-ban-bo", head="Lù Văn Bo", email="banbo@laichau.gov.vn")
    make_unit("Bản Nà Bo", kind="village", code="ban-na-bo", parent_id=commune)
    make_user("banbo", ["unit_reporter"], unit_id=commune, full_name="Lù Văn Bản")
    client.post(f"/units/{commune}/edit", data={"code": "xa-ban-bo", "name": "Xã Bản Bo", "kind": "commune",
                                                 "head": "Tẩn A Bo", "parent_id": 0, "successor_id": 0})
    body = client.get(f"/units/{commune}").get_data(as_text=True)
    for text in ("Lù Văn Bản", "Bản Nà Bo", "Cán bộ, thành viên", "Lịch sử thay đổi", "Lù Văn Bo", "Tẩn A Bo", "Xã, thị trấn"):
        assert text in body, text


def test_missing_unit_is_404(client, admin):
    resp = client.get("/units/999999")
    assert resp.status_code == 404 and "Không tìm thấy" in resp.get_data(as_text=True)


# --- create and edit ---

GOOD = {"code": "xa-moi", "name": "Xã Mới", "kind": "commune", "parent_id": 0, "successor_id": 0,
        "valid_from": "01/01/2021", "valid_to": "30/06/2025", "email": "xamoi@laichau.gov.vn", "phone": "0213 3 875 111"}


def test_create_and_edit_a_unit(app, client, admin, make_unit):
    parent = make_unit("UBND huyện Tam Đường", kind="district", code="ubnd")
    resp = client.post("/units/new", data={**GOOD, "parent_id": parent, "head": "Lò Văn A", "address": "Bản Bo, Tam Đường"})
    assert resp.status_code == 302
    unit = _unit(app, "xa-moi")
    assert unit.parent_id == parent and unit.valid_from == dt.date(2021, 1, 1) and unit.search_name == "xa moi"
    assert resp.headers["Location"] == f"/units/{unit.id}"
    assert "Đã lưu đơn vị Xã Mới" in client.get(resp.headers["Location"]).get_data(as_text=True)
    form = client.get(f"/units/{unit.id}/edit").get_data(as_text=True)
    assert 'value="01/01/2021"' in form
    resp = client.post(f"/units/{unit.id}/edit", data={**GOOD, "phone": "", "valid_to": ""})
    assert resp.status_code == 302
    unit = _unit(app, "xa-moi")
    assert unit.phone is None and unit.valid_to is None


@pytest.mark.parametrize(
    "changes,field,message",
    [
        ({"name": ""}, "name", "Trường này là bắt buộc"),
        ({"name": "   "}, "name", "Trường này là bắt buộc"),
        ({"code": ""}, "code", "Trường này là bắt buộc"),
        ({"name": "X" * 201}, "name", "Không được dài quá 200 ký tự"),
        ({"code": "a" * 41}, "code", "Không được dài quá 40 ký tự"),
        ({"head": "H" * 121}, "head", "Không được dài quá 120 ký tự"),
        ({"name": "<script>alert(1)</script>"}, "name", "Không được dùng mã HTML"),
        ({"address": "<b>Bản Bo</b>"}, "address", "Không được dùng mã HTML"),
        ({"code": "Mã có dấu"}, "code", "Chỉ dùng chữ thường a-z"),
        ({"email": "khong-phai-email"}, "email", "thư điện tử hợp lệ"),
        ({"phone": "abc"}, "phone", "số điện thoại hợp lệ"),
        ({"valid_from": "31/02/2024"}, "valid_from", "dd/mm/yyyy"),
        ({"valid_from": "01/01/2025", "valid_to": "31/12/2024"}, "valid_to", "Ngày kết thúc trước ngày bắt đầu"),
        ({"kind": "galaxy"}, "kind", "Lựa chọn không hợp lệ"),
        ({"parent_id": "987654"}, "parent_id", "Lựa chọn không hợp lệ"),
        ({"parent_id": "x"}, "parent_id", "Lựa chọn không hợp lệ"),
    ],
)
def test_bad_unit_input_is_refused_at_the_field(app, client, admin, changes, field, message):
    before = _count(app)
    resp = client.post("/units/new", data={**GOOD, **changes})
    assert resp.status_code == 422
    body = resp.get_data(as_text=True)
    assert f'id="{field}-err"' in body
    assert message in body
    assert "<script>alert" not in body
    assert _count(app) == before


def test_duplicate_code_is_refused(app, client, admin, make_unit):
    make_unit("Xã Cũ", code="xa-moi")
    resp = client.post("/units/new", data=GOOD)
    assert resp.status_code == 422 and "Mã này đã được dùng" in resp.get_data(as_text=True)
    assert _count(app) == 1


def test_cyclic_parent_is_refused(app, client, admin, make_unit):
    top = make_unit("Cấp trên", kind="district", code="tren")
    middle = make_unit("Cấp giữa", kind="agency", code="giua", parent_id=top)
    low = make_unit("Cấp dưới", kind="agency", code="duoi", parent_id=middle)
    data = {"code": "tren", "name": "Cấp trên", "kind": "district", "successor_id": 0}
    resp = client.post(f"/units/{top}/edit", data={**data, "parent_id": low})
    assert resp.status_code == 422 and "vòng lặp" in resp.get_data(as_text=True)
    resp = client.post(f"/units/{top}/edit", data={**data, "parent_id": top})
    assert resp.status_code == 422  # not even offered as a choice
    assert _unit(app, "tren").parent_id is None


# --- never a 500: random input on the unit form ---

text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=260)
dates = st.dates().map(lambda d: d.strftime("%d/%m/%Y"))
ids = st.one_of(st.just("0"), text, st.integers(-5, 10**12).map(str))
form_values = st.fixed_dictionaries(
    {  # the fields a valid form needs, usually well-formed so the happy path is reached too
        "code": st.one_of(st.from_regex(r"[a-z0-9][a-z0-9._-]{0,45}", fullmatch=True), text),
        "name": st.one_of(st.text(st.characters(codec="utf-8", blacklist_categories=("Cs", "Cc")), min_size=1, max_size=210), text),
        "kind": st.one_of(st.sampled_from(["commune", "agency", "village", "district"]), text),
        "parent_id": ids,
        "successor_id": ids,
    },
    optional={
        "head": text, "phone": text, "email": st.one_of(text, st.emails()), "address": text, "note": text,
        "valid_from": st.one_of(text, dates), "valid_to": st.one_of(text, dates),
    },
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(values=form_values)
def test_random_unit_form_input_never_breaks_the_server(app, client, admin, values):
    before = _count(app)
    resp = client.post("/units/new", data=values)
    assert resp.status_code < 500, resp.get_data(as_text=True)[:300]
    if resp.status_code == 302:
        assert _count(app) == before + 1
        with app.app_context():
            db.session.execute(db.delete(UnitName))
            db.session.execute(db.delete(Unit))
            db.session.commit()
    else:
        assert 400 <= resp.status_code < 500
        assert _count(app) == before


# --- rename and merge keep history ---

def test_rename_keeps_the_former_name_for_earlier_dates(app, client, admin, make_unit):
    unit_id = make_unit("Phòng Lao động - Thương binh và Xã hội", kind="agency", code="phong-ldtbxh",
                        valid_from=dt.date(2021, 1, 1))
    data = {"code": "phong-ldtbxh", "kind": "agency", "parent_id": 0, "successor_id": 0, "valid_from": "01/01/2021"}
    resp = client.post(f"/units/{unit_id}/edit", data={**data, "name": "Phòng Nội vụ", "rename_on": "01/03/2025"})
    assert resp.status_code == 302
    with app.app_context():
        unit = db.session.get(Unit, unit_id)
        assert unit.name == "Phòng Nội vụ"
        assert unit.name_on(dt.date(2024, 11, 5)) == "Phòng Lao động - Thương binh và Xã hội"
        assert unit.name_on(dt.date(2025, 2, 28)) == "Phòng Lao động - Thương binh và Xã hội"
        assert unit.name_on(dt.date(2025, 3, 1)) == "Phòng Nội vụ"
        assert unit.name_on(None) == "Phòng Nội vụ"
    body = client.get(f"/units/{unit_id}").get_data(as_text=True)
    assert "Tên cũ" in body and "28/02/2025" in body
    # a second rename must come after the first, or the former name would have no days
    bad = client.post(f"/units/{unit_id}/edit", data={**data, "name": "Phòng Khác", "rename_on": "01/02/2025"})
    assert bad.status_code == 422 and "Tên mới phải có hiệu lực sau ngày 01/03/2025" in bad.get_data(as_text=True)
    assert _unit(app, "phong-ldtbxh").name == "Phòng Nội vụ"


def test_merge_sets_validity_and_successor_without_touching_history(app, client, admin, make_unit):
    old = make_unit("Phòng Lao động - Thương binh và Xã hội", kind="agency", code="phong-ldtbxh",
                    valid_from=dt.date(2021, 1, 1))
    new = make_unit("Phòng Nội vụ", kind="agency", code="phong-noi-vu", valid_from=dt.date(2021, 1, 1))
    with app.app_context():
        history_before = db.session.scalar(select(func.count(AuditEntry.id)).where(AuditEntry.object_id == str(old)))
    page = client.get(f"/units/{old}/merge")
    assert page.status_code == 200 and "Sáp nhập" in page.get_data(as_text=True)
    bad = client.post(f"/units/{old}/merge", data={"successor_id": 0, "effective": "01/03/2025"})
    assert bad.status_code == 422
    too_early = client.post(f"/units/{old}/merge", data={"successor_id": new, "effective": "01/01/2020"})
    assert too_early.status_code == 422
    resp = client.post(f"/units/{old}/merge", data={"successor_id": new, "effective": "01/03/2025"})
    assert resp.status_code == 302
    with app.app_context():
        unit = db.session.get(Unit, old)
        assert unit.valid_to == dt.date(2025, 2, 28) and unit.successor_id == new
        assert unit.name == "Phòng Lao động - Thương binh và Xã hội" and unit.names == []
        entries = list(db.session.scalars(select(AuditEntry).where(AuditEntry.object_id == str(old)).order_by(AuditEntry.id)))
        assert len(entries) == history_before + 1  # earlier entries untouched, one more added
    detail = client.get(f"/units/{new}").get_data(as_text=True)
    assert "Sáp nhập từ" in detail and "Phòng Lao động - Thương binh và Xã hội" in detail


# --- Excel ---

def _xlsx(rows):
    wb = Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


HEAD = ["code", "name", "kind", "parent_code", "head", "phone", "email", "address", "valid_from", "valid_to",
        "successor_code", "note"]


HEAD_VI = ["Mã", "Tên", "Loại", "Mã đơn vị cấp trên", "Người đứng đầu", "Điện thoại", "Thư điện tử", "Địa chỉ",
           "Hiệu lực từ ngày", "Hiệu lực đến ngày", "Mã đơn vị kế thừa", "Ghi chú"]


def test_export_reimports_as_it_is_and_warns_of_children_under_ended_units(app, client, admin, make_unit):
    district = make_unit("UBND huyện Tam Đường", kind="district", code="ubnd-huyen", valid_from=dt.date(2021, 1, 1),
                         valid_to=dt.date(2025, 6, 30))
    make_unit("Xã Bản Bo", code="xa-ban-bo", parent_id=district, valid_from=dt.date(2021, 1, 1))
    exported = client.get("/units/export.xlsx").data
    ws = load_workbook(io.BytesIO(exported)).active
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    rows.append(["xa-moi", "Xã Mới", "Xã, thị trấn", "ubnd-huyen", "", "", "", "", "01/07/2025", "", "", ""])
    rows.append(["thon-1", "Thôn 1", "Thôn, bản", "xa-ban-bo", "", "", "", "", "", "", "", ""])
    resp = client.post("/units/import", data={"file": (io.BytesIO(_xlsx(rows)), "don-vi.xlsx")},
                       content_type="multipart/form-data", follow_redirects=True)
    body = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "thêm mới 2, cập nhật 2" in body
    assert "Dòng 4: Xã Mới được đặt dưới UBND huyện Tam Đường, đơn vị này đã kết thúc từ 30/06/2025." in body
    assert "Dòng 5" not in body  # Xã Bản Bo is still in force
    assert _unit(app, "xa-moi").kind == "commune" and _unit(app, "thon-1").kind == "village"
    english = [["Code", "Name", "Kind", "Parent unit code"], ["thon-2", "Thôn 2", "Village", "xa-ban-bo"]]
    resp = client.post("/units/import", data={"file": (io.BytesIO(_xlsx(english)), "units.xlsx")},
                       content_type="multipart/form-data")
    assert resp.status_code == 302 and _unit(app, "thon-2").kind == "village"


def test_export_opens_in_openpyxl_with_the_right_rows(client, admin, make_unit):
    district = make_unit("UBND huyện Tam Đường", kind="district", code="ubnd-huyen", valid_from=dt.date(2021, 1, 1))
    make_unit("Xã Bản Bo", code="xa-ban-bo", parent_id=district, valid_from=dt.date(2021, 1, 1),
              valid_to=dt.date(2025, 6, 30))
    resp = client.get("/units/export.xlsx")
    assert resp.status_code == 200 and resp.mimetype.endswith("spreadsheetml.sheet")
    ws = load_workbook(io.BytesIO(resp.data)).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][0] == "Danh sách đơn vị" and rows[1][0].startswith("Xuất lúc ")  # the title block
    assert list(rows[3]) == HEAD_VI
    body = {r[0]: r for r in rows[4:]}
    assert body["xa-ban-bo"][2] == "Xã, thị trấn"  # the kind as people read it
    assert set(body) == {"ubnd-huyen", "xa-ban-bo"}
    assert body["xa-ban-bo"][1] == "Xã Bản Bo" and body["xa-ban-bo"][3] == "ubnd-huyen"
    assert body["xa-ban-bo"][9].date() == dt.date(2025, 6, 30)
    row = 5 + [r[0] for r in rows[4:]].index("xa-ban-bo")
    assert ws.cell(row=row, column=10).number_format == "dd/mm/yyyy"  # a date Excel reads as a date


def test_export_is_scoped_to_the_unit_reporters_unit(client, login_as, make_unit):
    own = make_unit("Xã Bản Bo", code="xa-ban-bo")
    make_unit("Xã Bình Lư", code="xa-binh-lu")
    login_as("banbo", ["unit_reporter"], unit_id=own)
    ws = load_workbook(io.BytesIO(client.get("/units/export.xlsx").data)).active
    assert [r[0] for r in ws.iter_rows(min_row=5, values_only=True)] == ["xa-ban-bo"]


def test_import_creates_and_updates_in_one_go(app, client, admin, make_unit):
    make_unit("Xã Bản Bo (cũ)", code="xa-ban-bo")
    data = _xlsx([HEAD,
                  ["ubnd-huyen", "UBND huyện Tam Đường", "district", "", "", "", "", "", "01/01/2021", "30/06/2025", "", ""],
                  ["xa-ban-bo", "Xã Bản Bo", "commune", "ubnd-huyen", "Lù Văn Bo", "0213 3875 001", "banbo@x.vn", "", dt.date(2021, 1, 1), None, "", ""],
                  ["ban-na-bo", "Bản Nà Bo", "village", "xa-ban-bo", "", "", "", "", "", "", "", ""]])
    resp = client.post("/units/import", data={"file": (io.BytesIO(data), "don-vi.xlsx")}, content_type="multipart/form-data")
    assert resp.status_code == 302
    assert "thêm mới 2, cập nhật 1" in client.get(resp.headers["Location"]).get_data(as_text=True)
    ban_bo = _unit(app, "xa-ban-bo")
    assert ban_bo.name == "Xã Bản Bo" and ban_bo.parent_id == _unit(app, "ubnd-huyen").id
    assert _unit(app, "ban-na-bo").parent_id == ban_bo.id


def test_import_stores_nothing_when_any_row_is_bad(app, client, admin):
    data = _xlsx([HEAD,
                  ["xa-tot", "Xã Tốt", "commune", "", "", "", "", "", "", "", "", ""],
                  ["XA SAI", "Xã Sai", "commune", "", "", "", "", "", "", "", "", ""],
                  ["xa-hai", "<b>Xã</b>", "planet", "khong-co", "", "abc", "sai-email", "", "32/13/2024", "", "", ""],
                  ["xa-tot", "Xã Tốt lần hai", "commune", "", "", "", "", "", "", "", "", ""]])
    resp = client.post("/units/import", data={"file": (io.BytesIO(data), "don-vi.xlsx")}, content_type="multipart/form-data")
    assert resp.status_code == 422
    body = resp.get_data(as_text=True)
    assert "Chưa lưu dữ liệu nào" in body
    report = re.findall(r"<tr><td>(\d+)</td><td>([^<]*)</td></tr>", body)
    rows = {int(n) for n, _ in report}
    assert rows == {3, 4, 5}
    messages = " | ".join(m for _, m in report)
    for text in ("mã không hợp lệ", "loại đơn vị không hợp lệ", "thư điện tử không hợp lệ", "số điện thoại không hợp lệ",
                 "ngày không hợp lệ", "trùng với dòng 2", "tên bị trống"):
        assert text in messages, text
    assert _count(app) == 0


def test_import_refuses_a_loop_and_a_non_excel_file(app, client, admin):
    data = _xlsx([HEAD, ["a1", "A", "agency", "b1"], ["b1", "B", "agency", "a1"]])
    resp = client.post("/units/import", data={"file": (io.BytesIO(data), "vong.xlsx")}, content_type="multipart/form-data")
    assert resp.status_code == 422 and "vòng lặp" in resp.get_data(as_text=True)
    resp = client.post("/units/import", data={"file": (io.BytesIO(b"PK\x03\x04 not really"), "gia.xlsx")},
                       content_type="multipart/form-data")
    assert resp.status_code == 422 and "không phải bảng tính Excel" in resp.get_data(as_text=True)
    resp = client.post("/units/import", data={"file": (io.BytesIO(b"a,b"), "x.csv")}, content_type="multipart/form-data")
    assert resp.status_code == 422 and "Loại tệp không được phép" in resp.get_data(as_text=True)
    assert _count(app) == 0
