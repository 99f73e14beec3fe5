"""23:30 UTC is 06:30 the next morning in Tam Đường: the reports plugin judges and prints Vietnam's day."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from portal.extensions import db


def test_at_23_30_utc_deadline_and_printed_date_are_the_next_day(client, login_as, world, app, frozen_at):
    from plugins.reports.models import Submission

    login_as("banbo", ["unit_reporter"], world.unit_a)
    # 23:30 UTC on 9/11 = 06:30 on 10/11 in Vietnam: "trước ngày 10/11" has passed, whatever UTC says
    frozen_at(dt.datetime(2024, 11, 9, 23, 30))
    page = client.get("/reports/").get_data(as_text=True)
    assert "trước ngày 10/11/2024" in page and "Quá hạn" in page
    resp = client.post(world.url(tail="/submit"), data={"_fields": ["poor", "escaped"], "poor": "10", "escaped": "1"})
    assert resp.status_code == 302
    with app.app_context():
        sub = db.session.scalar(select(Submission).where(Submission.unit_id == world.unit_a))
        assert sub.late is True and sub.submitted_at == dt.datetime(2024, 11, 9, 23, 30)
    printed = client.get(world.url(tail="/print")).get_data(as_text=True)
    assert "Bản Bo, ngày 10 tháng 11 năm 2024" in printed and "ngày 09 tháng 11" not in printed
    assert "ỦY BAN NHÂN DÂN XÃ BẢN BO" in printed and "1/BC-UBND" in printed and "HUYỆN TAM ĐƯỜNG" not in printed
    assert "Nơi nhận:" in printed
    report = client.get(world.url()).get_data(as_text=True)
    assert "10/11/2024 06:30" in report  # the submission time, in local time


def test_at_23_30_utc_the_period_form_defaults_to_the_local_year(client, login_as, world, frozen_at):
    frozen_at(dt.datetime(2024, 12, 31, 23, 30))  # already 1/1/2025 in Vietnam
    login_as("vanphong", ["standing_office"])
    page = client.get("/reports/periods?add=1").get_data(as_text=True)  # the new-period box open
    assert 'name="year" type="number" value="2025"' in page or 'value="2025"' in page
