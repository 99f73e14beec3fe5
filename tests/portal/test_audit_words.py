"""The audit log and record history speak in words: record names, field labels, Có/Không, local dates, money,
linked units by name; filters by record type in words and by local dates; the roles page groups labels by plugin."""
from __future__ import annotations

import dataclasses
import datetime as dt
import re

import pytest
from sqlalchemy import update

from portal.extensions import db
from portal.models import AuditEntry, Unit, User


@pytest.fixture
def plugin_objects():
    from plugins.fund import plugin

    # what the fund's labels.py declares for the audit log (RECORDS/FIELDS), here for one table
    labels = {"RECORDS": {"fund_year": "Năm quỹ"}, "FIELDS": {"fund_year.carried_in": "Số dư chuyển sang"}}
    return [dataclasses.replace(plugin, labels=labels)]


def _year(app, label: int, carried: int) -> int:
    from plugins.fund.models import FundYear

    with app.app_context():
        year = FundYear(label=label, start=dt.date(label, 1, 1), end=dt.date(label, 12, 31), carried_in=carried)
        db.session.add(year)
        db.session.commit()
        return year.id


def test_entries_in_words(app, client, login_as, make_user, make_unit, hx):
    district = make_unit("UBND huyện Tam Đường", kind="district", code="ubnd-huyen")
    login_as("quantri", ["admin"])
    resp = client.post("/units/new", data={"code": "xa-ban-bo", "name": "Xã Bản Bo", "kind": "commune",
                                           "parent_id": district, "successor_id": 0, "valid_from": "01/01/2021"})
    assert resp.status_code == 302
    _year(app, 2026, 42_500_000)
    with app.app_context():
        user = db.session.get(User, make_user("xa.banbo", ["unit_reporter"]).id)
        user.active = False
        db.session.commit()
    page = client.get("/admin/audit/").get_data(as_text=True)
    body = re.sub(r"\s+", " ", page)
    assert "Đơn vị: Xã Bản Bo" in body and "Loại: Xã, thị trấn" in body
    assert "Đơn vị cấp trên: UBND huyện Tam Đường" in body  # a linked unit by its name, not its id
    assert "Hiệu lực từ ngày: 01/01/2021" in body and "Quyền: Ghi nhận ủng hộ, đề xuất và chi hỗ trợ" in body
    assert "Năm quỹ" in body and "Số dư chuyển sang: 42.500.000" in body  # a plugin's labels; money formatted
    assert "Đang hoạt động: Có → Không" in body
    assert "directory_unit" not in re.sub(r'(data-record|value)="[^"]*"', "", page)  # no table names shown
    assert "Lịch sử thay đổi" in client.get(f"/units/{district}").get_data(as_text=True)
    # record types in words in the filter, and a filter by one of them
    assert re.search(r'<option value="fund_year">Năm quỹ</option>', page)
    only = client.get("/admin/audit/?type=fund_year", headers=hx).get_data(as_text=True)
    assert only.count('data-record="fund_year#') == 1 and 'data-record="directory_unit#' not in only


def test_filter_by_local_dates(app, client, login_as, hx):
    login_as("quantri", ["admin"])
    first, second = _year(app, 2025, 1), _year(app, 2026, 2)
    with app.app_context():
        # 16:59 and 17:00 UTC on 1 March: 23:59 on 1 March and 00:00 on 2 March in Tam Đường
        for oid, at in ((first, dt.datetime(2026, 3, 1, 16, 59)), (second, dt.datetime(2026, 3, 1, 17, 0))):
            db.session.execute(update(AuditEntry).where(AuditEntry.object_type == "fund_year",
                                                        AuditEntry.object_id == str(oid)).values(at=at))
        db.session.commit()
    march1 = client.get("/admin/audit/?type=fund_year&date_from=01/03/2026&date_to=01/03/2026", headers=hx)
    text = march1.get_data(as_text=True)
    assert march1.status_code == 200 and f'data-record="fund_year#{first}"' in text and f"fund_year#{second}" not in text
    march2 = client.get("/admin/audit/?type=fund_year&date_from=02/03/2026").get_data(as_text=True)
    assert f'data-record="fund_year#{second}"' in march2 and f"fund_year#{first}" not in march2
    bad = client.get("/admin/audit/?date_from=31/02/2026")
    assert bad.status_code == 422 and "dd/mm/yyyy" in bad.get_data(as_text=True)
    backwards = client.get("/admin/audit/?date_from=02/03/2026&date_to=01/03/2026")
    assert backwards.status_code == 422 and "Ngày kết thúc không được trước ngày bắt đầu." in backwards.get_data(as_text=True)


def test_roles_page_shows_permission_labels_grouped_by_plugin(client, login_as):
    login_as("quantri", ["admin"])
    body = re.sub(r"\s+", " ", client.get("/admin/roles/").get_data(as_text=True))
    assert "fund.record" not in body and "portal.admin" not in body
    tags = r'(<span class="tag">[^<]*</span> )*'
    assert re.search(r'<strong>Quỹ Vì người nghèo</strong>: ' + tags + r'<span class="tag">Ghi nhận ủng hộ, đề xuất và chi hỗ trợ</span>', body)
    assert re.search(r'<strong>Cổng thông tin \(lõi\)</strong>: ' + tags + r'<span class="tag">Xem nhật ký thay đổi</span>', body)


def test_role_page_groups_grants_and_the_permission_picker(app, client, login_as):
    from portal.models import Role

    login_as("quantri", ["admin"])
    with app.app_context():
        role_id = db.session.scalar(db.select(Role.id).where(Role.code == "fund_board"))
    page = client.get(f"/admin/roles/{role_id}").get_data(as_text=True)
    assert '<optgroup label="Quỹ Vì người nghèo">' in page and '<optgroup label="Cổng thông tin (lõi)">' in page
    assert '<th colspan="3" scope="rowgroup">Quỹ Vì người nghèo</th>' in page
    assert "fund.record" not in re.sub(r'value="[^"]*"', "", page)
    resp = client.post(f"/admin/roles/{role_id}", data={"permission": "portal.audit", "scope": "all"})
    assert resp.status_code == 302
    assert "Xem nhật ký thay đổi" in client.get(f"/admin/roles/{role_id}").get_data(as_text=True)
