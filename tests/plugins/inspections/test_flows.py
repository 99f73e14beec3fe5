"""Plans, follow-ups, checklist versions, summary and Excel, dashboard widgets, demo data, CSRF."""
from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import func, select

from portal.extensions import db
from portal.toolkit import read_rows
from plugins.inspections.models import Answer, ChecklistTemplate, Finding, Inspection
from tests.helpers import HX, PASSWORD, login


def test_manager_plans_an_inspection_and_the_checklist_version_freezes(app, client, make_unit, make_user,
                                                                       make_template, login_as) -> None:
    unit = make_unit("Xã Sơn Bình")
    leader = make_user("truongdoan", ["inspector"])
    member = make_user("thanhvien", ["inspector"])
    tid = make_template(n=3)
    login_as("thuongtruc1", ["standing_office"])
    bad = client.post("/inspections/new", headers=HX, data={"template_id": tid, "unit_id": unit, "year": "2025",
                                                            "planned_date": "31/02/2025", "leader_id": leader.id,
                                                            "previous_id": "0"})
    assert bad.status_code == 422 and bad.get_data(as_text=True).lstrip().startswith('<section id="plan-form"')
    ok = client.post("/inspections/new", data={"template_id": tid, "unit_id": unit, "year": "2025",
                                               "planned_date": "10/06/2025", "leader_id": leader.id,
                                               "member_ids": [member.id, leader.id], "previous_id": "0"})
    assert ok.status_code == 302
    with app.app_context():
        insp = db.session.scalar(select(Inspection))
        assert insp.state == "planned" and insp.planned_date == dt.date(2025, 6, 10)
        assert insp.team_ids() == {leader.id, member.id} and len(insp.members) == 1
        assert db.session.get(ChecklistTemplate, tid).frozen
    # the frozen version refuses edits; a new version can be made and edited
    assert client.post(f"/inspections/templates/{tid}", data={"title": "Phần mới", "position": "9"}).status_code == 409
    new = client.post(f"/inspections/templates/{tid}/version")
    assert new.status_code == 302
    with app.app_context():
        copy = db.session.scalar(select(ChecklistTemplate).where(ChecklistTemplate.version == 2))
    assert client.post(f"/inspections/templates/{copy.id}", data={"title": "Phần mới", "position": "9"}).status_code == 302
    page = client.get(f"/inspections/templates/{copy.id}").get_data(as_text=True)
    assert "Phần mới" in page and "Mục kiểm tra 3" in page


def test_inspector_cannot_plan_and_reporter_cannot_see_other_units(client, make_unit, login_as) -> None:
    login_as("ktv", ["inspector"])
    assert client.get("/inspections/new").status_code == 403
    assert client.get("/inspections/templates/").status_code == 403


def test_follow_up_puts_failed_items_and_open_findings_first_with_the_earlier_answer(
        app, client, make_unit, make_template, make_inspection, item_ids, login_as) -> None:
    unit = make_unit("Xã Bản Giang")
    leader = login_as("ktv", ["inspector"])
    tid = make_template(items=[{"text": "Tuyên truyền"}, {"text": "Kế hoạch"}, {"text": "Báo cáo"}])
    items = item_ids(tid)
    first = make_inspection(tid, unit, leader.id, year=2024)
    for item, result in zip(items, ["pass", "pass", "fail"]):
        client.post(f"/inspections/{first}/items/{item}/answer", data={"result": result, "version": "0",
                                                                       "note": "Chưa đúng hạn" if result == "fail" else ""})
    assert client.post(f"/inspections/{first}/complete").status_code == 302
    follow = make_inspection(tid, unit, leader.id, year=2025, previous_id=first)
    page = client.get(f"/inspections/{follow}").get_data(as_text=True)
    recheck = page[page.index('id="recheck"'):page.index('id="section-')]
    assert "Báo cáo" in recheck and "Tuyên truyền" not in recheck
    assert "Lần kiểm tra trước" in recheck and "Không đạt" in recheck and "Chưa đúng hạn" in recheck
    assert page.count(f'id="item-{items[2]}"') == 1  # shown once, at the top


def test_summary_chart_and_excel_agree(app, client, make_unit, make_template, make_inspection, item_ids, login_as) -> None:
    leader = login_as("ktv", ["inspector"])
    tid = make_template(n=4)
    items = item_ids(tid)
    for name, fails in (("Xã Hồ Thầu", 0), ("Xã Nà Tăm", 2)):
        iid = make_inspection(tid, make_unit(name), leader.id, year=2025)
        for k, item in enumerate(items):
            client.post(f"/inspections/{iid}/items/{item}/answer",
                        data={"result": "fail" if k < fails else "pass", "version": "0"})
        assert client.post(f"/inspections/{iid}/complete").status_code == 302
    with app.app_context():
        db.session.execute(db.update(Finding).where(Finding.item_id == items[0]).values(due_date=dt.date(2020, 1, 1)))
        db.session.commit()
    page = client.get("/inspections/summary?year=2025").get_data(as_text=True)
    assert "<svg" in page and "100,0 %" in page and "50,0 %" in page
    xlsx = client.get("/inspections/summary.xlsx?year=2025")
    headers, rows = read_rows(xlsx.data)
    assert headers[0] == "Đơn vị"
    assert [(r[0], r[2], r[3], r[4], r[5]) for r in rows] == [("Xã Hồ Thầu", 1, "đạt", 0, 0),
                                                             ("Xã Nà Tăm", 0.5, "không đạt", 2, 1),
                                                             ("Tổng cộng", None, None, 2, 1)]  # scores as 100 %, 50 %


def test_widgets_show_my_inspections_and_my_units_overdue_findings(app, client, make_unit, make_user, make_template,
                                                                    make_inspection, item_ids, login_as) -> None:
    unit = make_unit("Xã Khun Há")
    leader = login_as("ktv", ["inspector"])
    tid = make_template(n=1)
    planned = make_inspection(tid, make_unit("Xã Tả Lèng"), leader.id, state="planned")
    iid = make_inspection(tid, unit, leader.id)
    client.post(f"/inspections/{iid}/items/{item_ids(tid)[0]}/answer", data={"result": "fail", "version": "0"})
    client.post(f"/inspections/{iid}/complete")
    mine = client.get("/inspections/widgets/mine", headers=HX).get_data(as_text=True)
    assert mine.lstrip().startswith('<section id="mine-widget"') and "Xã Tả Lèng" in mine and "Xã Khun Há" not in mine
    assert planned
    with app.app_context():
        db.session.execute(db.update(Finding).values(due_date=dt.date(2020, 1, 1)))
        db.session.commit()
    make_user("canbo", ["unit_reporter"], unit_id=unit)
    make_user("canbo2", ["unit_reporter"], unit_id=make_unit("Xã khác"))
    client.post("/logout")
    login(client, "canbo")
    assert "Mục kiểm tra 1" in client.get("/inspections/widgets/overdue", headers=HX).get_data(as_text=True)
    client.post("/logout")
    login(client, "canbo2")
    other = client.get("/inspections/widgets/overdue", headers=HX).get_data(as_text=True)
    assert "Mục kiểm tra 1" not in other and "Không có tồn tại quá hạn" in other


def test_demo_data_is_idempotent(app) -> None:
    from portal.roles import sync_roles
    from portal.seed import seed_units, seed_users

    with app.app_context():
        sync_roles(app)
        seed_units()
        seed_users("demo-pass-1")
        db.session.commit()
        plugin = app.extensions["portal"].plugins["inspections"]
        for _ in range(2):
            plugin.seed_demo("demo-pass-1")
            db.session.commit()
        # Bản Bo 2024 (signed), Bình Lư 2025 (planned), and this year's visit of xã Bình Lư's team (in progress)
        assert db.session.scalar(select(func.count(Inspection.id))) == 3
        assert db.session.scalar(select(func.count(Inspection.id)).where(Inspection.state == "in_progress")) == 1
        assert db.session.scalar(select(func.count(Finding.id)).where(Finding.state == "open")) == 2
        assert db.session.scalar(select(func.count(ChecklistTemplate.id))) == 1


class TestWithCsrf:
    @pytest.fixture
    def app_config(self) -> dict:
        return {"WTF_CSRF_ENABLED": True}

    def test_answer_without_token_is_refused(self, app, client, make_unit, make_user, make_template,
                                             make_inspection, item_ids) -> None:
        leader = make_user("ktv", ["inspector"])
        page = client.get("/login").get_data(as_text=True)
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
        assert client.post("/login", data={"username": "ktv", "password": PASSWORD, "csrf_token": token}).status_code == 302
        tid = make_template(n=1)
        iid = make_inspection(tid, make_unit(), leader.id)
        url = f"/inspections/{iid}/items/{item_ids(tid)[0]}/answer"
        assert client.post(url, data={"result": "pass", "version": "0"}, headers=HX).status_code == 400
        with app.app_context():
            assert db.session.scalar(select(func.count(Answer.id))) == 0
        page = client.get(f"/inspections/{iid}").get_data(as_text=True)  # the session got a new token at login
        token = re.search(r'"X-CSRFToken": "([^"]+)"', page).group(1)
        ok = client.post(url, data={"result": "pass", "version": "0"}, headers={**HX, "X-CSRFToken": token})
        assert ok.status_code == 200


def test_summary_opens_on_the_latest_year_with_completed_inspections(client, make_unit, make_template,
                                                                     make_inspection, item_ids, login_as) -> None:
    leader = login_as("ktv", ["inspector"])
    tid = make_template(n=2)
    items = item_ids(tid)
    for name, year in (("Xã Giang Ma", 2023), ("Xã Sơn Bình", 2024)):
        iid = make_inspection(tid, make_unit(name), leader.id, year=year)
        for item in items:
            client.post(f"/inspections/{iid}/items/{item}/answer", data={"result": "pass", "version": "0"})
        assert client.post(f"/inspections/{iid}/complete").status_code == 302
    make_inspection(tid, make_unit("Xã Tả Lèng"), leader.id, year=2026)  # planned only: no score yet
    page = client.get("/inspections/summary").get_data(as_text=True)
    assert "Xã Sơn Bình" in page and "Xã Giang Ma" not in page
