"""The review drafted from the four plugins' demo data: every plugin contributes its section, the document prints,
exports to Word (headings, tables, the official header) and Excel, and keeps its figures when data changes."""
from __future__ import annotations

import io
import re

from docx import Document
from openpyxl import load_workbook
from sqlalchemy import select

from portal.extensions import db
from tests.helpers import HX, login

FORM = {"kind": "final", "title": "Báo cáo tổng kết phong trào giai đoạn 2021–2025", "year_from": "2021",
        "year_to": "2025", "unit_kinds": ["agency", "mass_org", "commune"], "number": "125/BC-UBND",
        "doc_date": "15/06/2025", "signer_title": "TM. Ủy ban nhân dân / Chủ tịch", "signer_name": "Nguyễn Văn A"}


def _draft(client) -> int:
    resp = client.post("/review/", data=FORM)
    assert resp.status_code == 302, resp.get_data(as_text=True)[:2000]
    return int(re.search(r"/review/(\d+)", resp.headers["Location"]).group(1))


def test_final_review_2021_2025_from_every_plugin(demo, client):
    login(client, "thuongtruc")
    review_id = _draft(client)
    page = client.get(f"/review/{review_id}").get_data(as_text=True)
    for title in ("Tình hình báo cáo của các đơn vị", "Chỉ tiêu giảm nghèo", "Kiểm tra tại các xã",
                  "Vì người nghèo", "Thi đua, khen thưởng"):
        assert title in page, title
    assert "Tỷ lệ hộ nghèo" in page and "<svg" in page
    printed = client.get(f"/review/{review_id}/print").get_data(as_text=True)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in printed and "125/BC-UBND" in printed
    assert "ngày 15 tháng 6 năm 2025" in printed
    resp = client.get(f"/review/{review_id}.docx")
    assert resp.status_code == 200
    doc = Document(io.BytesIO(resp.data))
    header = doc.tables[0]
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in header.rows[0].cells[1].text
    assert "UBND HUYỆN TAM ĐƯỜNG" in header.rows[0].cells[0].text and "125/BC-UBND" in header.rows[0].cells[0].text
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]
    assert headings[0].startswith("I. ") and any(h.startswith("2. Chỉ tiêu giảm nghèo") for h in headings)
    assert any(h.startswith("III. ") for h in headings)
    assert len(doc.tables) > 5
    wb = load_workbook(io.BytesIO(client.get(f"/review/{review_id}.xlsx").data))
    assert len(wb.sheetnames) >= 5 and wb.sheetnames[0].startswith("1.1")


def test_leadership_reads_but_cannot_edit(demo, client):
    login(client, "thuongtruc")
    review_id = _draft(client)
    client.post("/logout")
    login(client, "lanhdao")
    assert client.get(f"/review/{review_id}").status_code == 200
    assert client.get(f"/review/{review_id}.docx").status_code == 200
    assert client.post("/review/", data=FORM).status_code == 403
    assert client.post(f"/review/{review_id}/part/limits", data={"text": "x"}).status_code == 403
    assert client.get("/").status_code == 200


def test_leadership_sees_the_movement_at_a_glance(demo, client):
    login(client, "lanhdao")
    page = client.get("/").get_data(as_text=True)
    for endpoint in ("reports/widget/movement", "inspections/widgets/overview", "fund/widget/overview",
                     "awards/widgets/results"):
        assert f'hx-get="/{endpoint}"' in page, endpoint
    movement = client.get("/reports/widget/movement", headers=HX).get_data(as_text=True)
    assert "Tỷ lệ hộ nghèo" in movement and "/reports/indicators/" in movement and "/reports/matrix" in movement
    assert re.search(r"<strong>\d+,\d\d</strong> %", movement)
    inspections = client.get("/inspections/widgets/overview", headers=HX).get_data(as_text=True)
    assert "/inspections/summary" in inspections and "đã khắc phục" in inspections
    fund = client.get("/fund/widget/overview", headers=HX).get_data(as_text=True)
    assert "/fund/report" in fund and "đồng" in fund
    awards = client.get("/awards/widgets/results", headers=HX).get_data(as_text=True)
    assert "/awards/" in awards
    # a commune's reporter gets no district-wide tiles
    client.post("/logout")
    login(client, "banbo")
    page = client.get("/").get_data(as_text=True)
    assert "inspections/widgets/overview" not in page and "awards/widgets/results" not in page
    assert "reports/widget/movement" not in page
