"""When communes merge, history stays under the old units and the successor's pages and totals take it in."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from portal.extensions import db


@pytest.fixture
def enabled_plugins() -> list[str]:
    return ["reports", "fund", "inspections"]


def test_a_merge_shows_predecessors_history_on_the_successor(app, client, make_unit, make_user, login_as):
    from portal.directory.services import final_successors, merge_unit, unit_lineage
    from portal.models import Unit
    from plugins.fund.services import entries as fund_entries
    from plugins.fund.services import years as fund_years
    from plugins.inspections.models import Inspection
    from plugins.reports.models import Period, PeriodUnit, Submission
    from tests.plugins.reports.conftest import build_form

    ban_bo = make_unit("Xã Bản Bo", code="xa-ban-bo")
    nung_nang = make_unit("Xã Nùng Nàng", code="xa-nung-nang")
    then_sin = make_unit("Xã Thèn Sin", code="xa-then-sin")
    new = make_unit("Xã Bản Bo (2025)", code="xa-ban-bo-2025", valid_from=dt.date(2025, 7, 1))
    other = make_unit("Xã Sin Suối Hồ", code="xa-sin-suoi-ho-2025", valid_from=dt.date(2025, 7, 1))
    leader = make_user("ktv", ["inspector"])
    with app.app_context():
        form = build_form([("poor", "integer", {"label": "Số hộ nghèo"})], [])
        period = Period(name="Báo cáo năm 2024", kind="annual", year=2024, version_id=form.latest.id,
                        opens_on=dt.date(2024, 9, 1), deadline=dt.date(2024, 11, 10))
        period.assignments = [PeriodUnit(unit_id=ban_bo), PeriodUnit(unit_id=nung_nang)]
        db.session.add(period)
        db.session.flush()
        db.session.add(Submission(period_id=period.id, unit_id=nung_nang, state="accepted", values={"poor": 12},
                                  submitted_at=dt.datetime(2024, 11, 1), first_submitted_at=dt.datetime(2024, 11, 1)))
        from decimal import Decimal

        from plugins.inspections import services as insp
        from plugins.inspections.models import ChecklistTemplate

        template = ChecklistTemplate(code="t", version=1, title="Bảng kiểm tra", frozen=True)
        db.session.add(template)
        db.session.flush()
        old = Inspection(template_id=template.id, unit_id=nung_nang, year=2024, planned_date=dt.date(2024, 10, 2),
                         state="signed", achieved=Decimal(7), applicable=Decimal(8))
        insp.set_team(old, leader.id, ())
        db.session.add(old)
        fund_years.ensure_categories()
        fund_years.create_year(2025)
        db.session.flush()
        fund_entries.record_contribution({"date": dt.date(2025, 3, 1), "amount": 5_000_000, "donor_unit_id": nung_nang,
                                  "donor_type": "agency", "method": "cash"}, None)
        fund_entries.record_contribution({"date": dt.date(2025, 8, 1), "amount": 1_000_000, "donor_unit_id": new,
                                  "donor_type": "agency", "method": "cash"}, None)
        db.session.commit()
        for old in (ban_bo, nung_nang):
            merge_unit(db.session.get(Unit, old), db.session.get(Unit, new), dt.date(2025, 7, 1))
        merge_unit(db.session.get(Unit, then_sin), db.session.get(Unit, other), dt.date(2025, 7, 1),
                   [db.session.get(Unit, new)])  # part of Thèn Sin's area went to Bản Bo: shown, not totalled
        db.session.commit()
        assert unit_lineage(new) == [new, ban_bo, nung_nang] and final_successors()[nung_nang] == new
        # history stays where it was filed
        assert db.session.scalar(select(Submission.unit_id)) == nung_nang

    login_as("vanphong", ["standing_office", "fund_board"])
    history = client.get(f"/reports/unit/{new}").get_data(as_text=True)
    assert "Báo cáo năm 2024" in history and "Xã Nùng Nàng" in history and "Xã Bản Bo" in history
    assert "tiền nhiệm" in history
    board = client.get("/fund/units?year=2025").get_data(as_text=True)
    row = board[board.index("Xã Bản Bo (2025)"):]
    assert "6.000.000 đồng" in row[:600] and "Xã Nùng Nàng" in row[:600]  # 5 + 1 million, predecessor named
    resp = client.get(f"/units/{new}")
    detail = resp.get_data(as_text=True)
    assert resp.status_code == 200, detail[-3000:]
    assert "Xã Thèn Sin" in detail and "Xã Nùng Nàng" in detail
    assert "Xã Bản Bo (2025)" in client.get(f"/units/{then_sin}").get_data(as_text=True)
    assert "Xã Thèn Sin" not in board  # area links are never totalled
    login_as("lanhdao", ["leadership"])
    inspections = client.get(f"/inspections/unit/{new}").get_data(as_text=True)
    assert "2024" in inspections and "Xã Nùng Nàng" in inspections and "87,5 %" in inspections
