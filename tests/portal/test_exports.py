"""Excel exports: the title block, typed columns (money, percent, date), totals, text never a formula, and the
portal's own export read back by its header names."""
from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from fractions import Fraction

import pytest
from flask import Blueprint
from openpyxl import load_workbook

from portal.plugin import Plugin
from portal.toolkit import DATE, MONEY, PERCENT, Column, Money, Percent, Sheet, read_rows, require_login, xlsx_response

bp = Blueprint("xltest", __name__)


@bp.route("/export.xlsx")
@require_login
def export():  # type: ignore[no-untyped-def]
    columns = ["Đơn vị", Column("Ngày", DATE), Column("Số tiền (đồng)", MONEY, total=True),
               Column("Tỷ lệ", PERCENT), Column("Số hộ", total=True), "Ghi chú"]
    rows = [
        ["Xã Bản Bo", dt.date(2026, 3, 2), 42_500_000, Fraction(3, 8), 12, "=HYPERLINK(\"http://x\")"],
        ["Xã Bình Lư", dt.date(2026, 3, 5), 1_234_567, Decimal("0.5"), 3, True],
    ]
    mixed = Sheet("Tóm tắt", ["Mục", "Giá trị"], [["Số dư", Money(7_000_000)], ["Số nhà", 4], ["Đạt", Percent(0.9)]],
                  title="Tóm tắt quỹ")
    return xlsx_response("thu.xlsx", [("Chi tiết", columns, rows), mixed], title="Quỹ Vì người nghèo",
                         period="01/01/2026 – 31/03/2026")


@pytest.fixture
def plugin_objects():
    return [Plugin(name="xltest", title="Thử Excel", blueprint=bp)]


def test_title_block_number_formats_and_totals(client, login_as, frozen_at):
    frozen_at(dt.datetime(2026, 4, 1, 2, 30))  # 09:30 in Tam Đường
    login_as("vanphong", ["standing_office"], full_name="Lò Thị Mai")
    resp = client.get("/xltest/export.xlsx")
    assert resp.status_code == 200
    wb = load_workbook(io.BytesIO(resp.data))
    ws = wb["Chi tiết"]
    assert ws["A1"].value == "Quỹ Vì người nghèo" and ws["A1"].font.bold
    assert ws["A2"].value == "Kỳ: 01/01/2026 – 31/03/2026"
    assert ws["A3"].value == "Xuất lúc 01/04/2026 09:30, người xuất: Lò Thị Mai"
    assert [c.value for c in ws[5]] == ["Đơn vị", "Ngày", "Số tiền (đồng)", "Tỷ lệ", "Số hộ", "Ghi chú"]
    assert ws.freeze_panes == "A6"
    assert ws["B6"].value == dt.datetime(2026, 3, 2) and ws["B6"].number_format == "dd/mm/yyyy"
    assert ws["C6"].value == 42_500_000 and ws["C6"].number_format == "#,##0"
    assert ws["D6"].value == 0.375 and ws["D6"].number_format == "0.0%"
    assert ws["E6"].number_format == "General"  # a count: no format forced on it
    # user text stays text, never a formula; a True is said in words
    assert ws["F6"].data_type == "s" and ws["F6"].value.startswith("=HYPERLINK") and ws["F7"].value == "Có"
    assert [c.value for c in ws[8]] == ["Tổng cộng", None, 43_734_567, None, 15, None]
    assert ws["C8"].number_format == "#,##0" and ws["C8"].font.bold
    mixed = wb["Tóm tắt"]
    assert mixed["A1"].value == "Tóm tắt quỹ" and mixed["A2"].value.startswith("Kỳ: ")
    assert [(mixed[f"B{r}"].value, mixed[f"B{r}"].number_format) for r in (6, 7, 8)] == [
        (7_000_000, "#,##0"), (4, "General"), (0.9, "0.0%")]


def test_read_rows_finds_the_header_below_the_title_block(client, login_as):
    login_as("vanphong", ["standing_office"])
    data = client.get("/xltest/export.xlsx").data
    headers, rows = read_rows(data, ["Đơn vị", "Số tiền (đồng)"])
    assert headers[:3] == ["Đơn vị", "Ngày", "Số tiền (đồng)"] and [r[0] for r in rows] == ["Xã Bản Bo", "Xã Bình Lư", "Tổng cộng"]
    assert read_rows(data)[0] == headers  # without names: the first row with two filled cells
    assert read_rows(data, sheet=1)[1][0] == ["Số dư", 7_000_000]
