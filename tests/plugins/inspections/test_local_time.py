"""At 23:30 UTC it is the next morning in Vietnam: findings' deadlines and the minutes' dates follow Vietnam."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from portal.extensions import db


def test_completion_deadlines_and_minutes_use_the_local_day(app, client, make_unit, make_template, make_inspection,
                                                            item_ids, login_as, frozen_at):
    from plugins.inspections.models import Finding

    unit = make_unit("Xã Bản Giang")
    leader = login_as("ktv", ["inspector"])
    tid = make_template(items=[{"text": "Tuyên truyền"}, {"text": "Kế hoạch"}])
    iid = make_inspection(tid, unit, leader.id)
    frozen_at(dt.datetime(2025, 5, 19, 23, 30))  # 06:30 on 20/5/2025 in Tam Đường
    for item, result in zip(item_ids(tid), ["pass", "fail"]):
        client.post(f"/inspections/{iid}/items/{item}/answer", data={"result": result, "version": "0"})
    assert client.post(f"/inspections/{iid}/complete").status_code == 302
    with app.app_context():
        finding = db.session.scalar(select(Finding).where(Finding.inspection_id == iid))
        assert finding.due_date == dt.date(2025, 5, 20) + dt.timedelta(days=30)
    assert client.post(f"/inspections/{iid}/sign", data={"number": "12/BB-ĐKT", "unit_representative": "Lò Văn A"}
                       ).status_code == 302
    minutes = client.get(f"/inspections/{iid}/minutes").get_data(as_text=True)
    assert "ngày 20 tháng 5 năm 2025" in minutes and "ngày 19 tháng 5" not in minutes


def test_new_inspection_defaults_to_the_local_year(client, login_as, frozen_at):
    login_as("thuongtruc", ["standing_office"])
    frozen_at(dt.datetime(2024, 12, 31, 23, 30))  # 06:30 on 1/1/2025 in Vietnam
    page = client.get("/inspections/new").get_data(as_text=True)
    assert 'value="2025"' in page and 'value="2024"' not in page
