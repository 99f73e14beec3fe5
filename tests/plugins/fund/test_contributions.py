"""Recording contributions over HTTP: receipts, numbering, bad input, scoping of unit reporters."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from portal.extensions import db
from tests.helpers import HX

FORM = {"date": "05/03/2024", "donor_unit_id": "0", "donor_name": "Trần Thị Lan", "donor_type": "person",
        "amount": "15.000.000", "method": "cash", "in_kind_description": "", "campaign_id": "0",
        "mobilised_by_id": "0", "note": "ghi chú nội bộ"}


def _count(app, model_name: str = "Contribution") -> int:
    from plugins.fund import models

    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(getattr(models, model_name)))


def test_board_records_a_contribution_and_prints_its_receipt(app, client, login_as, fund):
    login_as("thuquy", ["fund_board"])
    resp = client.post("/fund/contributions/new", data=FORM)
    assert resp.status_code == 302
    page = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert "2024/000001" in page and "15.000.000 đồng" in page and "Trần Thị Lan" in page
    resp = client.post("/fund/contributions/new", data=dict(FORM, amount="15000000", donor_name="Lò Văn Thắng"))
    assert resp.status_code == 302
    receipt = client.get(resp.headers["Location"] + "/receipt").get_data(as_text=True)
    assert "2024/000002" in receipt and 'class="document receipt a5"' in receipt
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in receipt and "ngày 05 tháng 3 năm 2024" in receipt
    assert "15.000.000 đồng" in receipt and "Bằng chữ" in receipt and "Mười lăm triệu đồng" in receipt
    assert receipt.count('class="document receipt a5"') == 2  # two copies (liên) on A5
    assert "Liên 1" in receipt and "Liên 2: Giao cho người nộp" in receipt


@pytest.mark.parametrize("raw, message", [
    ("-5", "Số tiền không được âm."),
    ("abc", "Nhập số tiền là số nguyên đồng"),
    ("1,5", "Nhập số tiền là số nguyên đồng"),
    ("10000000000000000", "Số tiền quá lớn."),
    ("", "Nhập số tiền."),
])
def test_bad_money_is_refused_in_vietnamese_and_nothing_is_stored(app, client, login_as, fund, raw, message):
    login_as("thuquy", ["fund_board"])
    for headers in ({}, HX):
        resp = client.post("/fund/contributions/new", data=dict(FORM, amount=raw), headers=headers)
        assert resp.status_code == 422
        assert message in resp.get_data(as_text=True)
    assert _count(app) == 0
    from plugins.fund.models import Counter

    with app.app_context():
        assert db.session.scalar(select(Counter.last).where(Counter.kind == "receipt")) == 0


def test_contribution_rules(app, client, login_as, fund):
    login_as("thuquy", ["fund_board"])
    no_donor = client.post("/fund/contributions/new", data=dict(FORM, donor_name=""))
    assert no_donor.status_code == 422 and "Chọn đơn vị hoặc nhập tên người ủng hộ." in no_donor.get_data(as_text=True)
    in_kind = client.post("/fund/contributions/new", data=dict(FORM, method="in_kind"))
    assert in_kind.status_code == 422 and "Mô tả hàng hóa" in in_kind.get_data(as_text=True)
    no_year = client.post("/fund/contributions/new", data=dict(FORM, date="05/03/2019"))
    assert no_year.status_code == 422 and "Chưa có năm quỹ" in no_year.get_data(as_text=True)
    assert _count(app) == 0
    ok = client.post("/fund/contributions/new", data=dict(FORM, method="in_kind", in_kind_description="50 bao gạo",
                                                          date="20/10/2024", anonymous="y"))
    assert ok.status_code == 302
    from plugins.fund.models import Contribution

    with app.app_context():
        entry = db.session.scalar(select(Contribution))
        assert entry.campaign_id == fund["campaign"]  # a gift in the peak month counts for the campaign
        assert entry.in_kind_description == "50 bao gạo" and entry.anonymous and entry.amount == 15_000_000


def test_only_the_board_records_and_a_unit_reporter_sees_only_its_unit(app, client, login_as, fund, give):
    mine = give(2_000_000, donor_unit_id=fund["commune"], donor_name=None, donor_type="agency")
    other = give(3_000_000, donor_unit_id=fund["agency"], donor_name=None, donor_type="agency")
    login_as("banbo", ["unit_reporter"], unit_id=fund["commune"])
    assert client.post("/fund/contributions/new", data=FORM).status_code == 403
    assert client.get("/fund/ledger").status_code == 403
    assert client.get(f"/fund/contributions/{mine}").status_code == 200
    assert client.get(f"/fund/contributions/{other}").status_code == 403
    with app.app_context():
        from plugins.fund.services.units import save_pledge

        save_pledge(fund["campaign"], fund["commune"], 5_000_000)
        save_pledge(fund["campaign"], fund["agency"], 9_000_000)
        db.session.commit()
    give(1_500_000, dt.date(2024, 10, 20), mobilised_by_id=fund["commune"])
    page = client.get("/fund/pledges").get_data(as_text=True)
    assert "Xã Bản Bo" in page and "Hội Nông dân huyện" not in page
    assert "1.500.000 đồng" in page and "3.500.000 đồng" in page  # paid and remaining


def test_receipt_numbers_restart_each_fund_year(app, fund, give):
    from plugins.fund.services.years import create_year
    from plugins.fund.models import Contribution

    with app.app_context():
        create_year(2025)
        db.session.commit()
    ids = [give(1_000, dt.date(2024, 12, 31)), give(1_000, dt.date(2025, 1, 1)), give(1_000, dt.date(2024, 12, 30))]
    with app.app_context():
        codes = [db.session.get(Contribution, i).code for i in ids]
    assert codes == ["2024/000001", "2025/000001", "2024/000002"]


def test_receipt_list_pages_shows_words_and_hides_anonymous_names_by_permission(app, client, login_as, fund, give):
    import re

    app.config["FUND_PAGE_SIZE"] = 3
    ids = [give(1_000_000 * (n + 1), dt.date(2024, 3, n + 1)) for n in range(4)]
    secret = give(9_000_000, dt.date(2024, 3, 9), donor_name="Bà Kín Danh", anonymous=True, method="transfer",
                  campaign_id=fund["campaign"])
    login_as("lanhdao", ["leadership"])  # fund.view without fund.confidential
    body = client.get("/fund/contributions?year=2024").get_data(as_text=True)
    rows = re.findall(r"<tr[^>]*>\s*<td><a (.*?)</tr>", body, re.S)
    assert len(rows) == 3 and "Bà Kín Danh" not in body
    assert f'href="/fund/contributions/{secret}"' in rows[0] and "2024/000005" in rows[0] and "09/03/2024" in rows[0]
    assert "Nhà hảo tâm" in rows[0] and "9.000.000 đồng" in rows[0] and "Chuyển khoản" in rows[0]
    assert f'href="/fund/contributions/{ids[2]}"' in rows[2] and "—" in rows[2] and "Tiền mặt" in rows[2]
    after = re.search(r'href="[^"]*after=([^"&]+)', body).group(1)
    second = client.get(f"/fund/contributions?year=2024&after={after}", headers=HX).get_data(as_text=True)
    assert "<html" not in second and f'/fund/contributions/{ids[1]}"' in second and f'/fund/contributions/{ids[0]}"' in second
    assert f'/fund/contributions/{secret}"' not in second
    only = client.get(f"/fund/contributions?year=2024&campaign={fund['campaign']}").get_data(as_text=True)
    assert f'/fund/contributions/{secret}"' in only and f'/fund/contributions/{ids[0]}"' not in only
    client.post("/logout")
    login_as("thuquy", ["fund_board"])  # fund.confidential: the name, marked as anonymous in public
    body = client.get("/fund/contributions?year=2024").get_data(as_text=True)
    assert "Bà Kín Danh" in body and "anonymous in public" not in body


def test_a_pledge_is_saved_from_a_box_whose_form_comes_when_opened(app, client, login_as, fund):
    """The pledge list carries no form (its unit picker lists every unit) until the box is opened: htmx asks for
    the form alone, a browser without JavaScript gets the page with the box open."""
    from plugins.fund.models import Pledge

    login_as("quy", ["fund_board"])
    page = client.get("/fund/pledges").get_data(as_text=True)
    campaign = fund["campaign"]
    assert 'id="add-pledge"' in page and 'name="unit_id"' not in page
    assert f'hx-get="/fund/pledges?campaign={campaign}&amp;add=1"' in page
    assert f'href="?campaign={campaign}&amp;add=1#add-pledge"' in page
    box = client.get(f"/fund/pledges?campaign={campaign}&add=1", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert box.lstrip().startswith("<form") and "<html" not in box and f'value="{fund["commune"]}"' in box
    plain = client.get(f"/fund/pledges?campaign={campaign}&add=1").get_data(as_text=True)
    assert '<details class="lazy-box card" id="add-pledge" open>' in plain and 'name="unit_id"' in plain
    refused = client.post(f"/fund/pledges?campaign={campaign}", data={"unit_id": "0", "amount": "5.000.000"})
    text = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "Chọn đơn vị." in text and 'id="add-pledge" open' in text
    saved = client.post(f"/fund/pledges?campaign={campaign}", data={"unit_id": str(fund["commune"]), "amount": "5.000.000"})
    assert saved.status_code == 302
    with app.app_context():
        assert [(p.unit_id, p.amount) for p in db.session.scalars(select(Pledge))] == [(fund["commune"], 5_000_000)]
    client.post("/logout")
    login_as("banbo", ["unit_reporter"], unit_id=fund["commune"])
    assert 'name="unit_id"' not in client.get(f"/fund/pledges?campaign={campaign}&add=1").get_data(as_text=True)


def test_the_roles_page_says_own_unit_once(app, client, login_as):
    """A label that already says "of its own unit" is not followed by a second "(own unit)"."""
    login_as("quantri", ["admin"])
    page = client.get("/admin/roles/").get_data(as_text=True)
    assert "Xem cam kết và khoản ủng hộ của đơn vị mình</span>" in page
    assert "của đơn vị mình (đơn vị mình)" not in page
