"""Audit log: every create/update/delete of an Audited model says who, when and before → after."""
from __future__ import annotations

import html
import re

import datetime as dt

from sqlalchemy import select

from portal.audit import history_for, set_cli_actor
from portal.extensions import db
from portal.models import AuditEntry, Role, Unit, User


def _entries(app, object_type, object_id=None):
    with app.app_context():
        stmt = select(AuditEntry).where(AuditEntry.object_type == object_type).order_by(AuditEntry.id)
        if object_id is not None:
            stmt = stmt.where(AuditEntry.object_id == str(object_id))
        entries = list(db.session.scalars(stmt))
        db.session.expunge_all()
        return entries


def test_create_update_delete_through_http_record_who_and_what(app, client, login_as):
    admin = login_as("quantri", ["admin"])
    client.post("/units/new", data={"code": "xa-moi", "name": "Xã Mới", "kind": "commune", "parent_id": 0,
                                    "successor_id": 0, "valid_from": "01/01/2021"})
    with app.app_context():
        unit_id = db.session.scalar(select(Unit.id).where(Unit.code == "xa-moi"))
    client.post(f"/units/{unit_id}/edit", data={"code": "xa-moi", "name": "Xã Mới", "kind": "commune", "parent_id": 0,
                                                "successor_id": 0, "valid_from": "01/01/2021", "head": "Lò Văn A"})
    created, updated = _entries(app, "directory_unit", unit_id)
    assert created.action == "create" and created.actor == "quantri" and created.user_id == admin.id
    assert created.changes["name"] == [None, "Xã Mới"] and created.changes["valid_from"] == [None, "2021-01-01"]
    assert "search_name" not in created.changes  # derived columns are left out
    assert updated.action == "update" and updated.changes == {"head": [None, "Lò Văn A"]}
    assert abs(updated.at - dt.datetime.now(dt.UTC).replace(tzinfo=None)) < dt.timedelta(minutes=1)
    # saving the same values again records nothing
    client.post(f"/units/{unit_id}/edit", data={"code": "xa-moi", "name": "Xã Mới", "kind": "commune", "parent_id": 0,
                                                "successor_id": 0, "valid_from": "01/01/2021", "head": "Lò Văn A"})
    assert len(_entries(app, "directory_unit", unit_id)) == 2


def test_delete_keeps_the_values_and_cli_work_names_its_actor(app):
    with app.app_context():
        set_cli_actor("seed-demo")
        unit = Unit(code="tam", name="Tạm", search_name="tam", kind="other")
        db.session.add(unit)
        db.session.commit()
        unit_id = unit.id
        db.session.delete(unit)
        db.session.commit()
        set_cli_actor("system")
    created, deleted = _entries(app, "directory_unit", unit_id)
    assert created.actor == deleted.actor == "seed-demo"
    assert deleted.action == "delete" and deleted.changes["name"] == ["Tạm", None]


def test_user_changes_record_roles_but_never_the_password_hash(app, client, login_as, make_user):
    login_as("quantri", ["admin"])
    made = make_user("doi", ["leadership"])
    with app.app_context():
        inspector = db.session.scalar(select(Role.id).where(Role.code == "inspector"))
    client.post(f"/admin/users/{made.id}", data={"username": "doi", "full_name": "Đổi Vai", "unit_id": 0,
                                                 "roles": [inspector], "active": "y"})
    client.post(f"/admin/users/{made.id}/password", data={"password": "mat-khau-moi-1"})
    entries = _entries(app, "portal_user", made.id)
    assert all("password_hash" not in e.changes for e in entries)
    change = entries[-1] if "roles" in entries[-1].changes else entries[-2]
    assert change.changes["roles"] == [["Lãnh đạo UBND huyện (chỉ xem)"], ["Thành viên đoàn kiểm tra"]]
    assert change.changes["full_name"] == ["Doi", "Đổi Vai"]


def test_history_is_shown_per_record_and_in_the_admin_view(app, client, login_as, make_unit):
    login_as("quantri", ["admin"])
    unit_id = make_unit("Xã Bản Bo", code="xa-ban-bo")
    other = make_unit("Xã Bình Lư", code="xa-binh-lu")
    client.post(f"/units/{unit_id}/edit", data={"code": "xa-ban-bo", "name": "Xã Bản Bo", "kind": "commune",
                                                "parent_id": 0, "successor_id": 0, "phone": "0213 111"})
    detail = client.get(f"/units/{unit_id}").get_data(as_text=True)
    assert "Lịch sử thay đổi" in detail and "0213 111" in detail and "cập nhật" in detail
    assert [e.object_id for e in _entries(app, "directory_unit", unit_id)] == [str(unit_id)] * 2
    with app.app_context():
        assert [e.action for e in history_for("directory_unit", unit_id)] == ["update", "create"]
    page = client.get("/admin/audit/")
    assert page.status_code == 200 and "Nhật ký thay đổi" in page.get_data(as_text=True)
    by_type = client.get("/admin/audit/?type=directory_unit", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert by_type.lstrip().startswith('<section id="audit-list"') and f"directory_unit#{other}" in by_type
    assert "portal_user#" not in by_type
    by_actor = client.get("/admin/audit/?actor=quantri").get_data(as_text=True)
    assert f"directory_unit#{unit_id}" in by_actor and f"directory_unit#{other}" not in by_actor


def test_audit_view_pages(app, client, login_as):
    login_as("quantri", ["admin"])
    app.config["PORTAL_PAGE_SIZE"] = 3
    with app.app_context():
        for i in range(5):
            db.session.add(Unit(code=f"p{i}", name=f"P{i}", search_name=f"p{i}", kind="other"))
            db.session.commit()
    first = client.get("/admin/audit/?type=directory_unit").get_data(as_text=True)
    assert first.count("directory_unit#") == 3 and 'rel="prev"' not in first
    after = re.search(r'href="([^"]+)"[^>]*rel="next"', first)
    assert after and "type=directory_unit" in after.group(1) and "after=" in after.group(1)
    second = client.get(html.unescape(after.group(1))).get_data(as_text=True)
    assert 'rel="prev"' in second and 'rel="next"' not in second and second.count("directory_unit#") == 2
    assert set(re.findall(r"directory_unit#\d+", first)).isdisjoint(re.findall(r"directory_unit#\d+", second))


def test_non_admins_cannot_read_the_audit_log(client, login_as, make_unit):
    unit = make_unit("Xã Bản Bo", code="xa-ban-bo")
    login_as("banbo", ["unit_reporter"], unit_id=unit)
    assert client.get("/admin/audit/").status_code == 403
    assert "Lịch sử thay đổi" not in client.get(f"/units/{unit}").get_data(as_text=True)


def test_the_audit_entry_is_part_of_the_same_transaction(app):
    with app.app_context():
        db.session.add(Unit(code="rb", name="Rollback", search_name="rollback", kind="other"))
        db.session.flush()
        db.session.rollback()
        assert db.session.scalar(select(AuditEntry).where(AuditEntry.summary == "Rollback")) is None
        assert db.session.scalar(select(User)) is None
