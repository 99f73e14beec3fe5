"""Disbursements: proposed → approved → paid with who and when, separate approver, vouchers, attachments."""
from __future__ import annotations

import io

from sqlalchemy import select

from portal.extensions import db
from tests.helpers import HX, login

PROPOSAL = {"category_id": "", "beneficiary": "Vàng Thị Dính", "commune_id": "", "village": "Bản Sin Chải",
            "household_status": "poor", "amount": "45.000.000", "purpose": "Làm nhà Đại đoàn kết",
            "decision_no": "12/QĐ-MTTQ", "note": ""}


def test_flow_records_who_and_when_and_numbers_vouchers(app, client, login_as, make_user, fund, give):
    give(100_000_000)
    proposer = login_as("thuquy", ["fund_board"])
    approver = make_user("truongban", ["fund_board"])
    data = dict(PROPOSAL, category_id=fund["house"], commune_id=fund["commune"])
    resp = client.post("/fund/disbursements/new", data=data)
    assert resp.status_code == 302
    url = resp.headers["Location"]
    item_id = int(url.rsplit("/", 1)[1])
    refused = client.post(f"/fund/disbursements/{item_id}/approve")
    assert refused.status_code == 409 and "Người đề xuất" in refused.get_data(as_text=True)
    assert client.post(f"/fund/disbursements/{item_id}/pay", data={"paid_on": "10/06/2024"}).status_code == 409
    client.post("/logout")
    login(client, "truongban")
    asked = client.post(f"/fund/disbursements/{item_id}/approve")  # asked first, in the page: nothing changes yet
    text = asked.get_data(as_text=True)
    assert asked.status_code == 200 and "Phê duyệt khoản chi này?" in text
    assert "45.000.000 đồng" in text and "Bốn mươi lăm triệu đồng" in text and "Vàng Thị Dính" in text
    assert 'name="confirmed" value="1"' in text
    with app.app_context():
        from plugins.fund.models import Disbursement as D

        assert db.session.get(D, item_id).state == "proposed"
    assert client.post(f"/fund/disbursements/{item_id}/approve", data={"confirmed": "1"}).status_code == 302
    asked = client.post(f"/fund/disbursements/{item_id}/pay", data={"paid_on": "10/06/2024"}, headers=HX)
    text = asked.get_data(as_text=True)
    assert asked.status_code == 200 and "Chi khoản này?" in text and "10/06/2024" in text
    assert asked.headers["HX-Reswap"] == "beforeend"  # an overlay over the page, not a new page
    assert client.post(f"/fund/disbursements/{item_id}/pay", data={"paid_on": "10/06/2024", "confirmed": "1"}
                       ).status_code == 302
    from plugins.fund.models import Disbursement

    with app.app_context():
        item = db.session.get(Disbursement, item_id)
        assert (item.state, item.proposed_by_id, item.approved_by_id, item.paid_by_id) == ("paid", proposer.id, approver.id, approver.id)
        assert item.approved_at and item.paid_at and item.code == "2024/000001"
    voucher = client.get(f"/fund/disbursements/{item_id}/voucher").get_data(as_text=True)
    assert "PHIẾU CHI" in voucher and "45.000.000 đồng" in voucher and "2024/000001" in voucher
    assert client.post(f"/fund/disbursements/{item_id}/approve").status_code == 409


def test_payment_needs_money_in_the_fund(app, client, login_as, fund, spend):
    item = spend(50_000_000, state="approved")  # 10.000.000 carried in only
    login_as("thuquy", ["fund_board"])
    resp = client.post(f"/fund/disbursements/{item}/pay", data={"paid_on": "10/06/2024"})
    assert resp.status_code == 409 and "không đủ" in resp.get_data(as_text=True)


def test_bad_proposal_and_reject(app, client, login_as, fund, spend):
    login_as("thuquy", ["fund_board"])
    bad = client.post("/fund/disbursements/new", data=dict(PROPOSAL, category_id=fund["house"], commune_id="0", amount="abc"))
    assert bad.status_code == 422
    item = spend(1_000_000, state="proposed")
    assert client.post(f"/fund/disbursements/{item}/reject", data={"reason": ""}).status_code == 422
    assert client.post(f"/fund/disbursements/{item}/reject", data={"reason": "Không đúng đối tượng"}).status_code == 302
    from plugins.fund.models import Disbursement

    with app.app_context():
        assert db.session.get(Disbursement, item).state == "rejected"
        assert db.session.scalar(select(Disbursement).where(Disbursement.beneficiary == "Vàng Thị Dính")) is None


def test_attachments_are_checked_and_served_to_the_board(app, client, login_as, fund, spend):
    item = spend(1_000_000, state="proposed")
    login_as("thuquy", ["fund_board"])
    bad = client.post(f"/fund/disbursements/{item}/attachments", data={"file": (io.BytesIO(b"hello"), "x.exe")},
                      content_type="multipart/form-data")
    assert bad.status_code == 422
    ok = client.post(f"/fund/disbursements/{item}/attachments", data={"file": (io.BytesIO(b"%PDF-1.4 test"), "qd.pdf")},
                     content_type="multipart/form-data")
    assert ok.status_code == 302
    page = client.get(f"/fund/disbursements/{item}").get_data(as_text=True)
    assert "qd.pdf" in page
    from plugins.fund.models import Attachment

    with app.app_context():
        att = db.session.scalar(select(Attachment))
    resp = client.get(f"/fund/disbursements/{item}/attachments/{att.id}")
    assert resp.data.startswith(b"%PDF")
    resp.close()
    assert client.get(f"/fund/disbursements/{item}/attachments/{att.id + 1}").status_code == 404


def test_list_shows_state_voucher_and_correction_and_pages(app, client, login_as, fund, give, spend):
    import datetime as dt
    import re

    from plugins.fund.services.entries import reverse_disbursement

    app.config["FUND_PAGE_SIZE"] = 2
    give(100_000_000)
    paid = spend(3_000_000, beneficiary="Hộ Lù Văn Một", village="Bản Hon")
    proposed = spend(4_000_000, state="proposed", beneficiary="Hộ Chờ Duyệt", village="")
    with app.app_context():
        fix = reverse_disbursement(paid, "Chi nhầm", None, dt.date(2024, 6, 5)).id
        db.session.commit()
    login_as("lanhdao", ["leadership"])
    body = client.get("/fund/disbursements").get_data(as_text=True)
    rows = re.findall(r"<tr>\s*<td><a (.*?)</tr>", body, re.S)
    assert len(rows) == 2  # newest proposal first: the correction, then the waiting proposal
    assert f'href="/fund/disbursements/{fix}"' in rows[0] and 'class="tag danger"' in rows[0] and "-3.000.000 đồng" in rows[0]
    assert f'href="/fund/disbursements/{proposed}"' in rows[1] and '<span class="tag warn">' in rows[1]
    assert "Xã Bản Bo</td>" in rows[1] and "<code>" not in rows[1]  # no village, no voucher yet
    after = re.search(r'href="[^"]*after=([^"&]+)', body).group(1)
    second = client.get(f"/fund/disbursements?after={after}", headers=HX).get_data(as_text=True)
    assert "<html" not in second and f'/fund/disbursements/{paid}"' in second
    assert "Xã Bản Bo, Bản Hon" in second and "<code>2024/000001</code>" in second and '<span class="tag ok">' in second
    only = client.get("/fund/disbursements?state=proposed").get_data(as_text=True)
    assert f'/fund/disbursements/{proposed}"' in only and f'/fund/disbursements/{paid}"' not in only
