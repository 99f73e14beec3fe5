"""At 23:30 UTC it is the next morning in Vietnam: the awards plugin's defaults and minutes follow Vietnam."""
from __future__ import annotations

import datetime as dt

from tests.helpers import login


def test_session_and_round_defaults_use_the_local_day(app, client, make_council, frozen_at):
    w = make_council(3)
    login(client, "thuky")
    frozen_at(dt.datetime(2025, 11, 19, 23, 30))  # 06:30 on 20/11/2025 in Tam Đường
    page = client.get(f"/awards/rounds/{w.round_id}/sessions/new").get_data(as_text=True)
    assert 'value="20/11/2025"' in page
    frozen_at(dt.datetime(2025, 12, 31, 23, 30))  # already 2026 in Vietnam
    page = client.get("/awards/rounds/new").get_data(as_text=True)
    assert 'value="2026"' in page


def test_vote_count_minutes_with_local_times_board_number_and_footnote(app, client, make_council, make_type, make_session,
                                                                      login_as, make_unit, frozen_at):
    from portal.extensions import db
    from plugins.awards.models import VotingSession
    from tests.plugins.awards.conftest import ballot

    w = make_council(3)
    commune = make_unit("Xã Bình Lư", code="xa-binh-lu-2025")
    frozen_at(dt.datetime(2025, 11, 20, 1, 0))  # opened at 08:00 on 20/11 in Vietnam
    sid, items = make_session(w, [make_type()])
    with app.app_context():
        s = db.session.get(VotingSession, sid)
        s.number, s.place, s.council_unit_id = "", "Hội trường UBND xã Bình Lư", commune
        s.counting_members = "Lò Thị Kiểm\nTẩn Văn Phiếu"
        db.session.commit()
    login_as(w.members[0])
    client.post(f"/awards/sessions/{sid}/vote", data=ballot(items, "agree"))
    frozen_at(dt.datetime(2025, 11, 20, 23, 30))  # closed at 06:30 on 21/11 in Vietnam
    assert client.post(f"/awards/sessions/{sid}/close", data={"confirmed": "1"}).status_code == 302
    minutes = client.get(f"/awards/sessions/{sid}/minutes").get_data(as_text=True)
    assert "ỦY BAN NHÂN DÂN XÃ BÌNH LƯ" in minutes and "HỘI ĐỒNG THI ĐUA – KHEN THƯỞNG" in minutes
    assert "1/BB-HĐTĐKT" in minutes and "Bình Lư, ngày 20 tháng 11 năm 2025" in minutes
    assert "vào lúc 08:00 ngày 20/11/2025, tại Hội trường UBND xã Bình Lư" in minutes
    assert "biểu quyết" in minutes and "bầu" not in minutes.split('id="minutes"')[1]
    assert "Lò Thị Kiểm" in minutes and "Tẩn Văn Phiếu" in minutes and "BAN KIỂM PHIẾU" in minutes
    assert "Biên bản kết thúc lúc 06:30 ngày 21/11/2025" in minutes
    assert 'class="doc-footnote hash">(1)' in minutes and "Mã kiểm tra (SHA-256)" in minutes
