"""At 23:30 UTC it is the next morning in Vietnam: findings' deadlines and the minutes' dates follow Vietnam."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from portal.extensions import db


def test_completion_deadlines_and_minutes_use_the_local_day(app, client, make_unit, make_template, make_inspection,
                                                            item_ids, login_as, frozen_at):
    from plugins.inspections.models import Finding

    district = make_unit("UBND huyện Tam Đường", kind="district")
    unit = make_unit("Xã Bản Giang", parent_id=district)
    leader = login_as("ktv", ["inspector"])
    tid = make_template(items=[{"text": "Tuyên truyền"}, {"text": "Kế hoạch"}])
    iid = make_inspection(tid, unit, leader.id)
    frozen_at(dt.datetime(2025, 5, 19, 23, 30))  # 06:30 on 20/5/2025 in Tam Đường
    for item, result in zip(item_ids(tid), ["pass", "fail"]):
        client.post(f"/inspections/{iid}/items/{item}/answer", data={"result": result, "version": "0",
                                                                      "note": "Chưa có kế hoạch" if result == "fail" else ""})
    assert client.post(f"/inspections/{iid}/complete", data={"confirmed": "1"}).status_code == 302
    with app.app_context():
        finding = db.session.scalar(select(Finding).where(Finding.inspection_id == iid))
        assert finding.due_date == dt.date(2025, 5, 20) + dt.timedelta(days=30)
    frozen_at(dt.datetime(2025, 5, 20, 2, 15))  # signed at 09:15 local
    assert client.post(f"/inspections/{iid}/sign", data={"confirmed": "1", "number": "", "unit_representative": "Lò Văn A"}
                       ).status_code == 302
    minutes = client.get(f"/inspections/{iid}/minutes").get_data(as_text=True)
    assert "Tam Đường, ngày 20 tháng 5 năm 2025" in minutes and "ngày 19 tháng 5" not in minutes
    assert "ỦY BAN NHÂN DÂN HUYỆN TAM ĐƯỜNG" in minutes and "ĐOÀN KIỂM TRA" in minutes and "1/BB-ĐKT" in minutes
    assert "vào lúc" in minutes and "ngày 20/05/2025" in minutes  # the actual inspection day, not the planned one
    assert "Tuyên truyền" in minutes and "Kế hoạch" in minutes and "Không đạt" in minutes and "Chưa có kế hoạch" in minutes
    assert "19/06/2025" in minutes  # the finding's deadline
    assert "Biên bản kết thúc lúc 06:30 ngày 20/05/2025, đã đọc lại cho những người dự họp cùng nghe" in minutes
    assert "Nơi nhận:" in minutes and "Danh mục ảnh minh chứng" in minutes


def test_new_inspection_defaults_to_the_local_year(client, login_as, frozen_at):
    login_as("thuongtruc", ["standing_office"])
    frozen_at(dt.datetime(2024, 12, 31, 23, 30))  # 06:30 on 1/1/2025 in Vietnam
    page = client.get("/inspections/new").get_data(as_text=True)
    assert 'value="2025"' in page and 'value="2024"' not in page
