"""A commune's report printed by the browser: its own committee's header, number, place-date line, 'Nơi nhận'."""
from __future__ import annotations

import datetime as dt

import pytest

from tests.helpers import browser_login, login, pdf_of

pytestmark = pytest.mark.browser


def test_report_print_pdf(app, live_server, page, make_user, make_unit, world, frozen_at, tmp_path):
    make_user("banbo", ["unit_reporter"], world.unit_a)
    client = app.test_client()
    login(client, "banbo")
    frozen_at(dt.datetime(2024, 11, 5, 2, 0))
    assert client.post(world.url(tail="/submit"), data={"_fields": ["poor", "escaped"], "poor": "10", "escaped": "1"}
                       ).status_code == 302
    browser_login(page, live_server, "banbo")
    text, info = pdf_of(page, live_server + world.url(tail="/print"), tmp_path)
    assert "(A4)" in info
    assert "ỦY BAN NHÂN DÂN XÃ BẢN BO" in text and "HUYỆN TAM ĐƯỜNG" not in text
    assert "Số: 1/BC-UBND" in text and "Bản Bo, ngày 05 tháng 11 năm 2024" in text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text and "Độc lập - Tự do - Hạnh phúc" in text
    assert "BÁO CÁO" in text and "Số hộ nghèo đầu năm" in text and "Nơi nhận:" in text and "Lưu: VT." in text
