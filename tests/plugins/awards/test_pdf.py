"""Vote-count minutes printed by the browser: the council's header, times, the Ban kiểm phiếu, the footnote."""
from __future__ import annotations

import datetime as dt

import pytest

from tests.helpers import browser_login, pdf_of
from tests.plugins.awards.conftest import ballot

pytestmark = pytest.mark.browser


def test_vote_count_minutes_pdf(app, live_server, page, client, make_council, make_type, make_session, login_as, frozen_at,
                                tmp_path):
    from portal.extensions import db
    from plugins.awards.models import VotingSession

    w = make_council(3)
    frozen_at(dt.datetime(2025, 11, 20, 1, 0))
    sid, items = make_session(w, [make_type()])
    with app.app_context():
        s = db.session.get(VotingSession, sid)
        s.number, s.place, s.counting_members = "", "Phòng họp UBND huyện", "Lò Thị Kiểm\nTẩn Văn Phiếu"
        db.session.commit()
    for member in w.members:
        login_as(member)
        client.post(f"/awards/sessions/{sid}/vote", data=ballot(items, "agree"))
    frozen_at(dt.datetime(2025, 11, 20, 3, 45))
    login_as(w.members[0])
    assert client.post(f"/awards/sessions/{sid}/close", data={"confirmed": "1"}).status_code == 302
    frozen_at(None)
    browser_login(page, live_server, w.members[0])
    text, info = pdf_of(page, f"{live_server}/awards/sessions/{sid}/minutes", tmp_path)
    assert "(A4)" in info
    assert "UBND HUYỆN TAM ĐƯỜNG" in text and "HỘI ĐỒNG THI ĐUA – KHEN THƯỞNG" in text and "Số: 1/BB-HĐTĐKT" in text
    assert "Tam Đường, ngày 20 tháng 11 năm 2025" in text and "BIÊN BẢN" in text
    assert "Kiểm phiếu biểu quyết bằng phiếu kín" in text and "vào lúc 08:00 ngày 20/11/2025" in text
    assert "Phòng họp UBND huyện" in text and "BAN KIỂM PHIẾU" in text and "Tẩn Văn Phiếu" in text
    assert "Biên bản kết thúc lúc 10:45 ngày 20/11/2025, đã đọc lại cho những người dự họp cùng nghe và thống nhất ký tên" in text
    assert "THƯ KÝ" in text and "CHỦ TỌA" in text and "Nơi nhận:" in text
    assert "(1) Kết quả kiểm phiếu được lưu trên Cổng thông tin kèm một mã kiểm tra" in text
