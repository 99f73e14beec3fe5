"""Leaderboard, evidence for awards, widget, charts, settings, Excel export, demo data."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from portal.extensions import db
from tests.helpers import HX


def test_leaderboard_and_unit_evidence(app, client, login_as, fund, give):
    give(4_000_000, dt.date(2024, 10, 20), donor_unit_id=fund["agency"], donor_name=None, donor_type="agency")
    give(6_000_000, dt.date(2024, 10, 21), mobilised_by_id=fund["commune"])
    login_as("lanhdao", ["leadership"])
    body = client.get(f"/fund/units?campaign={fund['campaign']}").get_data(as_text=True)
    assert body.index("Xã Bản Bo") < body.index("Hội Nông dân huyện")
    assert "4.000.000 đồng" in body and "6.000.000 đồng" in body
    from portal.signals import collect_unit_evidence

    with app.test_request_context():
        lines = collect_unit_evidence(fund["commune"], 2024)
        assert [(e.source, e.value) for e in lines] == [("fund", "0 đồng"), ("fund", "6.000.000 đồng")]
        assert collect_unit_evidence(fund["agency"], 2019) == []
        assert collect_unit_evidence(fund["agency"])[0].value == "4.000.000 đồng"
    give(1_000_000, dt.date(2024, 10, 22), donor_unit_id=fund["agency"], donor_name=None, donor_type="agency",
         mobilised_by_id=fund["agency"])  # a unit's own gift counts once, as given
    from plugins.fund.services.totals import day_totals_match
    from plugins.fund.services.units import pledge_rows, save_pledge, unit_totals
    from plugins.fund.models import Campaign

    with app.app_context():
        save_pledge(fund["campaign"], fund["agency"], 8_000_000)
        db.session.commit()
        rows = pledge_rows(db.session.get(Campaign, fund["campaign"]), True)
        assert [(r["paid"], r["remaining"]) for r in rows] == [(5_000_000, 3_000_000)]
        assert unit_totals(fund["agency"], None) == (5_000_000, 0) and day_totals_match()


def test_widget_chart_and_overview(app, client, login_as, fund, give, spend):
    give(8_000_000, dt.date(2024, 2, 5))
    spend(3_000_000, dt.date(2024, 2, 20))
    spend(1_000_000, state="proposed")
    login_as("thuquy", ["fund_board"])
    widget = client.get("/fund/widget", headers=HX).get_data(as_text=True)
    assert widget.lstrip().startswith('<div id="fund-widget"') and "15.000.000 đồng" in widget
    assert "/fund/disbursements?state=proposed" in widget
    assert "fund.widget_summary" in {w.endpoint for w in app.extensions["portal"].widgets}
    report = client.get("/fund/report?year=2024").get_data(as_text=True)
    assert "<svg" in report and "02 – " in report
    assert "1 khoản chi đang chờ duyệt" in client.get("/fund/").get_data(as_text=True)
    dash = client.get("/").get_data(as_text=True)
    assert "/fund/widget" in dash


def test_settings_years_campaigns_categories(app, client, login_as, fund):
    login_as("thuquy", ["fund_board"])
    assert client.post("/fund/settings/years", data={"label": "2024", "carried_in": "0"}).status_code == 422
    assert client.post("/fund/settings/years", data={"label": "2025", "carried_in": "-1"}).status_code == 422
    assert client.post("/fund/settings/years", data={"label": "2025", "carried_in": "0"}).status_code == 302
    bad = client.post("/fund/settings/campaigns", data={"name": "Tết", "start": "20/12/2024", "end": "10/01/2025", "goal": "1"})
    assert bad.status_code == 422
    ok = client.post(f"/fund/settings/campaigns/{fund['campaign']}",
                     data={"name": "Tháng cao điểm 2024", "start": "17/10/2024", "end": "18/11/2024", "goal": "1.500.000.000"})
    assert ok.status_code == 302
    assert client.post("/fund/settings/categories", data={"name": "Nước sạch", "kind": "other", "active": "y"}).status_code == 302
    assert client.post("/fund/settings/categories", data={"name": "Y tế", "kind": "other"}).status_code == 422
    from plugins.fund.models import Campaign, Category, FundYear

    with app.app_context():
        assert db.session.get(Campaign, fund["campaign"]).goal == 1_500_000_000
        assert db.session.scalar(select(func.count(Category.id))) == 8
        assert db.session.scalar(select(FundYear.start).where(FundYear.label == 2025)) == dt.date(2025, 1, 1)
    page = client.get("/fund/disbursements/new").get_data(as_text=True)
    assert "Nước sạch" in page


def test_fund_year_start_month_is_configurable(app, fund):
    from plugins.fund.services.years import create_year

    app.config["FUND_YEAR_START_MONTH"] = 7
    with app.app_context():
        year = create_year(2026)
        assert (year.start, year.end) == (dt.date(2026, 7, 1), dt.date(2027, 6, 30))


def test_excel_export(app, client, login_as, fund, give, spend):
    give(8_000_000)
    spend(3_000_000)
    login_as("lanhdao", ["leadership"])
    resp = client.get("/fund/report.xlsx?year=2024")
    assert resp.status_code == 200 and resp.mimetype.endswith("spreadsheetml.sheet")
    from portal.exports import read_rows

    headers, rows = read_rows(resp.data)
    assert rows[0][1] == 10_000_000 and [r[1] for r in rows][-3] == 15_000_000


def test_demo_data_is_realistic_and_idempotent(app, client, login_as, make_unit):
    from plugins.fund.services.totals import years_summary
    from plugins.fund.demo import seed
    from plugins.fund.models import Contribution, Disbursement, FundYear
    for code, kind in [("mttq-huyen", "mass_org"), ("phong-ldtbxh", "agency"), ("hoi-phu-nu", "mass_org"),
                       ("xa-ban-bo", "commune"), ("xa-binh-lu", "commune"), ("dn-mau-1", "enterprise")]:
        make_unit(code.replace("-", " ").title(), kind=kind, code=code,
                  valid_to=dt.date(2025, 6, 30) if kind != "enterprise" else None)
    new = make_unit("Xã Bình Lư", code="xa-binh-lu-2025", valid_from=dt.date(2025, 7, 1))
    make_unit("Ủy ban MTTQ Việt Nam xã Bình Lư", kind="mass_org", code="mttq-xa-binh-lu-2025", parent_id=new,
              valid_from=dt.date(2025, 7, 1))
    with app.app_context():
        from portal.clock import local_today

        seed("demo-pass-123")
        db.session.commit()
        seed("demo-pass-123")
        db.session.commit()
        assert [y.label for y in db.session.scalars(select(FundYear).order_by(FundYear.label))] == \
            list(range(2021, local_today().year + 1))  # the commune carries the fund on to the current year
        assert db.session.scalar(select(func.count()).where(Contribution.reverses_id.is_not(None))) == 1
        assert db.session.scalar(select(func.count()).where(Contribution.anonymous)) >= 5
        assert db.session.scalar(select(func.count()).where(Contribution.method == "in_kind")) >= 5
        assert db.session.scalar(select(func.count()).where(Disbursement.state == "proposed")) == 2
        for row in years_summary():
            assert row.closing >= 0


def test_rebuild_totals_command(app, runner, fund, give, spend):
    give(5_000_000)
    spend(2_000_000)
    from plugins.fund.models import DayTotal

    with app.app_context():
        db.session.execute(DayTotal.__table__.delete())  # as after a bulk import that bypassed the services
        db.session.commit()
    result = runner.invoke(args=["fund", "rebuild-totals"])
    assert result.exit_code == 0 and "match" in result.output and "NOT" not in result.output
    from plugins.fund.services.totals import balance_on

    with app.app_context():
        assert balance_on(dt.date(2024, 12, 31)) == 13_000_000


def test_excel_ledger_sheet_in_words_with_dates_and_running_balance(app, client, login_as, fund, give, spend):
    import io

    from openpyxl import load_workbook

    give(8_000_000)
    spend(3_000_000)
    login_as("lanhdao", ["leadership"])
    wb = load_workbook(io.BytesIO(client.get("/fund/report.xlsx?year=2024").data))
    rows = [list(r) for r in wb["Sổ quỹ"].iter_rows(values_only=True)]
    header = next(i for i, r in enumerate(rows) if "Số dư" in r)  # after any title block
    assert rows[header][:7] == ["Ngày", "Loại", "Số", "Người ủng hộ hoặc người nhận", "Thu", "Chi", "Số dư"]
    lines = [r[:7] for r in rows[header + 1:] if any(v is not None for v in r)]
    assert [(r[1], r[3], r[4], r[5], r[6]) for r in lines] == [
        (None, "Số dư đầu kỳ", None, None, 0),
        (None, "Chuyển vào", 10_000_000, None, 10_000_000),
        ("Thu", "Nguyễn Văn Hùng", 8_000_000, None, 18_000_000),
        ("Chi", "Lò Văn Xương", None, 3_000_000, 15_000_000),
    ]
    assert all(isinstance(r[0], dt.datetime) for r in lines)  # real dates, not ISO text
    assert [r[0].date() for r in lines] == [dt.date(2024, 1, 1), dt.date(2024, 1, 1), dt.date(2024, 3, 1),
                                            dt.date(2024, 6, 1)]
