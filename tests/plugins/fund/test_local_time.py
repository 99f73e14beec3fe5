"""At 23:30 UTC it is already the next day in Vietnam: the fund's defaults, balances and prints follow Vietnam."""
from __future__ import annotations

import datetime as dt
import re

from portal.extensions import db

LOCAL_DAY = "10/03/2024"
FROZEN = dt.datetime(2024, 3, 9, 23, 30)  # 06:30 on 10/3/2024 in Tam Đường


def _balance(html: str, key: str) -> str:
    return re.search(r'data-k="%s">(?:<strong>)?([^<]+)' % key, html).group(1)


def test_defaults_balances_and_prints_use_the_local_day(app, client, login_as, fund, give, spend, frozen_at):
    login_as("thuquy", ["fund_board"])
    frozen_at(FROZEN)
    form = client.get("/fund/contributions/new").get_data(as_text=True)
    assert f'value="{LOCAL_DAY}"' in form  # the default date of a gift
    resp = client.post("/fund/contributions/new", data={
        "date": LOCAL_DAY, "donor_unit_id": "0", "donor_name": "Trần Thị Lan", "donor_type": "person",
        "amount": "1.005", "method": "cash", "campaign_id": "0", "mobilised_by_id": "0",
        "donor_address": "Bản Nà Khum, xã Bản Bo"})
    assert resp.status_code == 302
    receipt = client.get(resp.headers["Location"] + "/receipt").get_data(as_text=True)
    assert "ngày 10 tháng 3 năm 2024" in receipt and "Một nghìn không trăm linh năm đồng" in receipt
    assert "Bản Nà Khum, xã Bản Bo" in receipt
    give(2_000_000, dt.date(2024, 12, 20))  # entered ahead, dated in the future
    item = spend(500_000, state="approved")
    pay_form = client.get(f"/fund/disbursements/{item}").get_data(as_text=True)
    assert f'value="{LOCAL_DAY}"' in pay_form  # the default payment date

    widget = client.get("/fund/widget").get_data(as_text=True)
    ledger = client.get("/fund/ledger").get_data(as_text=True)
    # 10.000.000 carried in + 1.005 received today; the gift dated 20/12 is not in today's balance
    closing = re.search(r"Số dư cuối năm quỹ \(hoặc đến nay\): <strong>([^<]+)", ledger).group(1)
    assert "10.001.005 đồng" in widget and closing == "10.001.005 đồng"

    report = client.get("/fund/report").get_data(as_text=True)
    assert f"({LOCAL_DAY})" in report and "(31/12/2024)" not in report  # the closing balance is never in the future
    assert _balance(report, "closing").startswith("10.001.005")
    printed = client.get("/fund/public/print").get_data(as_text=True)
    assert "ngày 10 tháng 3 năm 2024" in printed


def test_wording_of_pledges_and_contribution_counts(app, client, login_as, fund, give):
    login_as("thuquy", ["fund_board"])
    give(1_000_000)
    with app.app_context():
        from plugins.fund.services.units import save_pledge

        save_pledge(fund["campaign"], fund["commune"], 5_000_000)  # a row: its phone labels say the same
        db.session.commit()
    pledges = client.get("/fund/pledges").get_data(as_text=True)
    assert 'data-label="Đã nộp"' in pledges and "Đã chi" not in pledges
    report = client.get("/fund/report?from=01/01/2024&to=31/12/2024").get_data(as_text=True)
    table = report[report.index("Thu theo"):] if "Thu theo" in report else report
    assert "Số lượt đóng góp" in table


def test_receipts_after_the_district_are_issued_by_the_communes_front(app, client, login_as, fund, give):
    from portal.extensions import db
    from plugins.fund.services.years import create_year

    with app.app_context():
        create_year(2025)
        db.session.commit()
    login_as("thuquy", ["fund_board"])
    before = give(1_000_000, dt.date(2025, 6, 30))
    after = give(2_000_000, dt.date(2025, 8, 1))
    old = client.get(f"/fund/contributions/{before}/receipt").get_data(as_text=True)
    new = client.get(f"/fund/contributions/{after}/receipt").get_data(as_text=True)
    assert "ỦY BAN MTTQ VIỆT NAM HUYỆN TAM ĐƯỜNG" in old and "Tam Đường, ngày 30 tháng 6 năm 2025" in old
    assert "ỦY BAN MTTQ VIỆT NAM XÃ BÌNH LƯ" in new and "Bình Lư, ngày 01 tháng 8 năm 2025" in new
    assert "HUYỆN TAM ĐƯỜNG" not in new
