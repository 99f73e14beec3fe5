"""Public disclosure without login: anonymous donors, beneficiaries as the setting says, no internal data."""
from __future__ import annotations

import datetime as dt
import io

import pytest

from portal.extensions import db

SECRET_NAME = "Lò Văn Bímật"
SECRET_DONOR = "Ông Giấutên Thật"
NOTE = "ghichú-nội-bộ-XYZ"


@pytest.fixture
def app_config() -> dict:
    return {"FUND_PUBLIC_BENEFICIARY": "hidden"}


@pytest.fixture
def disclosed(app, client, make_user, fund, give, spend):
    user = make_user("kin_ghiso", ["fund_board"], full_name="Người Ghisổ Nội Bộ")
    give(20_000_000, donor_name=SECRET_DONOR, anonymous=True, note=NOTE)
    give(7_000_000, donor_name="Công ty Hoa Ban", donor_type="enterprise", user_id=user.id)
    item = spend(12_000_000, beneficiary=SECRET_NAME, village="Bản Nà Khum", note=NOTE, purpose="Làm nhà cho " + SECRET_NAME)
    from plugins.fund.services.entries import attach
    from plugins.fund.models import Disbursement
    from portal.models import Upload

    with app.app_context():
        up = Upload(stored_name="abc.pdf", original_name="quyet-dinh-mat.pdf", content_type="application/pdf", size=1,
                    sha256="0" * 64, owner="fund")
        db.session.add(up)
        db.session.flush()
        attach(db.session.get(Disbursement, item), up.id)
        db.session.commit()
    return item


@pytest.mark.parametrize("path", ["/fund/public", "/fund/public?year=2024", "/fund/public/print?year=2024"])
def test_public_page_needs_no_login_and_leaks_nothing(client, disclosed, path):
    resp = client.get(path)
    assert resp.status_code == 200
    body = resp.get_data(as_text=True)
    for secret in (SECRET_NAME, "Bímật", SECRET_DONOR, NOTE, "Ghisổ", "kin_ghiso", "quyet-dinh-mat", "/attachments/",
                   "/fund/contributions/", "/fund/disbursements/"):
        assert secret not in body, secret
    assert "Nhà hảo tâm" in body or "print" in path
    assert "12.000.000 đồng" in body and "Nhà Đại đoàn kết" in body and "Xã Bản Bo" in body
    if "print" not in path:
        assert "20.000.000 đồng" in body and "Công ty Hoa Ban" in body  # the anonymous amount still adds up
    else:
        assert "BẢNG CÔNG KHAI THU – CHI" in body and 'class="document public-table"' in body


def test_initials_mode_shows_initials_and_village(app, client, disclosed):
    app.config["FUND_PUBLIC_BENEFICIARY"] = "initials_village"
    body = client.get("/fund/public").get_data(as_text=True)
    assert "L.V.B. – Bản Nà Khum" in body and SECRET_NAME not in body
    app.config["FUND_PUBLIC_BENEFICIARY"] = "full"
    assert SECRET_NAME in client.get("/fund/public").get_data(as_text=True)


def test_public_totals_per_year(app, client, fund, give):
    give(3_000_000, dt.date(2024, 10, 20))
    body = client.get("/fund/public").get_data(as_text=True)
    assert "13.000.000 đồng" in body  # 10.000.000 carried in + 3.000.000
    assert "Tháng cao điểm" in body and "3.000.000 đồng" in body


def test_public_lists_page_apart_from_one_read_of_the_day_rows(app, client, fund, give, spend):
    import re

    app.config["FUND_PAGE_SIZE"] = 2
    for n in range(5):  # five receipts on four days, three payments on other days
        give(1_000_000 + n, dt.date(2024, 3, 1 + min(n, 3)), donor_name=f"Người góp {n}")
    for n in range(3):
        spend(500_000 + n, dt.date(2024, 6, 1 + n), beneficiary=f"Hộ nhận {n}", village="Bản Hon")

    def shown(body: str, section: str) -> list[str]:
        part = body[body.index(f'id="{section}"'):]
        part = part[:part.index("</section>")]
        return re.findall(r"2024/(\d{6})", part)

    first = client.get("/fund/public?year=2024").get_data(as_text=True)
    assert shown(first, "donors") == ["000005", "000004"] and shown(first, "beneficiaries") == ["000003", "000002"]
    later = client.get("/fund/public?year=2024&donors=3&payments=2").get_data(as_text=True)
    assert shown(later, "donors") == ["000001"] and shown(later, "beneficiaries") == ["000001"]
    assert "1.000.000 đồng" in later and "500.000 đồng" in later
    assert "Trang 3/3" in later and "Trang 2/2" in later  # donors: 5 receipts in pages of 2; payments: 3
