"""Receipts, vouchers and the public table printed by the browser: the parts the forms require are in the PDF."""
from __future__ import annotations

import datetime as dt
import re

import pytest

from tests.helpers import browser_login, pdf_of

pytestmark = pytest.mark.browser


def _pages(info: str) -> int:
    return int(re.search(r"Pages:\s+(\d+)", info).group(1))


def test_receipt_voucher_and_public_table_pdfs(app, live_server, page, make_user, fund, give, spend, tmp_path):
    make_user("thuquy", ["fund_board"], full_name="Lê Thị Thủ Quỹ")
    gift = give(1_200_000, dt.date(2024, 3, 5), donor_name="Trần Thị Lan", donor_address="Bản Nà Khum, xã Bản Bo")
    item = spend(2_059_050, dt.date(2024, 6, 1))
    browser_login(page, live_server, "thuquy")

    text, info = pdf_of(page, f"{live_server}/fund/contributions/{gift}/receipt", tmp_path, "receipt")
    assert _pages(info) == 2 and "(A5)" in info  # two copies (liên), each on an A5 page
    assert "Liên 1: Lưu tại Ban vận động" in text and "Liên 2: Giao cho người nộp" in text
    assert text.count("BIÊN LAI THU") == 2 and text.count("Số: 2024/000001") == 2
    assert "Bằng chữ Một triệu hai trăm nghìn đồng" in text and "Bản Nà Khum, xã Bản Bo" in text
    assert "ỦY BAN MTTQ VIỆT NAM HUYỆN TAM ĐƯỜNG" in text and "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "Tam Đường, ngày 05 tháng 3 năm 2024" in text

    text, info = pdf_of(page, f"{live_server}/fund/disbursements/{item}/voucher", tmp_path, "voucher")
    assert _pages(info) == 2 and "(A5)" in info
    assert "Liên 2: Giao cho người nhận" in text and text.count("PHIẾU CHI") == 2
    assert "Bằng chữ Hai triệu không trăm năm mươi chín nghìn không trăm năm mươi đồng" in text
    assert "Lò Văn Xương" in text and "Bản Nà Khum" in text

    text, info = pdf_of(page, f"{live_server}/fund/public/print?year=2024", tmp_path, "public")
    assert "(A4)" in info
    assert "Nơi nhận:" in text and "Niêm yết công khai tại trụ sở UBND các xã" in text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text and "Số dư cuối kỳ" in text
