"""Inspection minutes printed by the browser carry the parts a biên bản needs."""
from __future__ import annotations

import datetime as dt

import pytest

from tests.helpers import browser_login, login, pdf_of

pytestmark = pytest.mark.browser


def test_inspection_minutes_pdf(app, live_server, page, make_unit, make_user, make_template, make_inspection, item_ids,
                                frozen_at, tmp_path):
    district = make_unit("UBND huyện Tam Đường", kind="district")
    unit = make_unit("Xã Bản Giang", parent_id=district)
    leader = make_user("ktv", ["inspector"], full_name="Nguyễn Văn Trưởng")
    tid = make_template(items=[{"text": "Tuyên truyền về phong trào"}, {"text": "Kế hoạch thực hiện"}])
    iid = make_inspection(tid, unit, leader.id)
    client = app.test_client()
    login(client, "ktv")
    frozen_at(dt.datetime(2025, 5, 21, 1, 30))  # 08:30 on 21/5 in Vietnam
    for item, result in zip(item_ids(tid), ["pass", "fail"]):
        client.post(f"/inspections/{iid}/items/{item}/answer", data={"result": result, "version": "0",
                                                                      "note": "Chưa có kế hoạch" if result == "fail" else ""})
    frozen_at(dt.datetime(2025, 5, 21, 4, 0))  # 11:00
    assert client.post(f"/inspections/{iid}/complete", data={"confirmed": "1"}).status_code == 302
    assert client.post(f"/inspections/{iid}/sign", data={"confirmed": "1", "unit_representative": "Lò Văn Đại Diện"}).status_code == 302
    frozen_at(None)
    browser_login(page, live_server, "ktv")
    text, info = pdf_of(page, f"{live_server}/inspections/{iid}/minutes", tmp_path)
    assert "(A4)" in info
    assert "ỦY BAN NHÂN DÂN HUYỆN TAM ĐƯỜNG" in text and "ĐOÀN KIỂM TRA" in text and "Số: 1/BB-ĐKT" in text
    assert "Tam Đường, ngày 21 tháng 5 năm 2025" in text and "BIÊN BẢN" in text
    assert "ngày 21/05/2025" in text and "Nguyễn Văn Trưởng" in text and "Lò Văn Đại Diện" in text
    assert "Tuyên truyền về phong trào" in text and "Đạt" in text and "Không đạt" in text and "Chưa có kế hoạch" in text
    assert "20/06/2025" in text  # the finding's deadline, 30 days on
    assert "Danh mục ảnh minh chứng" in text
    assert "Biên bản kết thúc lúc 11:00 ngày 21/05/2025, đã đọc lại cho những người dự họp cùng nghe và thống nhất ký tên" in text
    assert "Nơi nhận:" in text and "TRƯỞNG ĐOÀN" in text.upper()
