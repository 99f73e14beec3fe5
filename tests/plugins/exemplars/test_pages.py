"""The register's pages as pages and fragments, Excel, the dashboard widget, the review section, and list pages
that run a constant number of SQL queries however many exemplars there are."""
from __future__ import annotations

import datetime as dt

import pytest

from tests.helpers import HX, count_queries


def test_register_page_and_fragment_are_scoped_to_the_unit(client, login_as, communes, make_exemplar):
    ex = make_exemplar("Thảo quả Bản Bo")
    make_exemplar("Homestay Hồ Thầu", unit_id=communes["ho_thau"])
    login_as("canbo_banbo", ["unit_reporter"], communes["ban_bo"])
    page = client.get("/exemplars/").get_data(as_text=True)
    assert "Thảo quả Bản Bo" in page and "Homestay Hồ Thầu" not in page and "<html" in page
    assert f'href="/exemplars/{ex}"' in page  # the row's link
    frag = client.get("/exemplars/?q=thảo", headers=HX)
    assert frag.status_code == 200 and 'id="exemplar-list"' in frag.get_data(as_text=True)
    assert "<html" not in frag.get_data(as_text=True)
    assert client.get("/exemplars/?state=bogus&unit=abc").status_code == 200  # bad filters are ignored, never 500


def test_excel_export_and_widget(client, login_as, make_exemplar):
    from portal.exports import read_rows

    make_exemplar(state="verified")
    make_exemplar("Tổ tiết kiệm phụ nữ nghèo", sector="savings")
    login_as("vanphong", ["standing_office"])
    resp = client.get("/exemplars/export.xlsx")
    headers, rows = read_rows(resp.data)
    assert resp.status_code == 200 and headers[1] == "Tên điển hình, mô hình" and len(rows) == 2
    widget = client.get("/exemplars/widgets/exemplars", headers=HX).get_data(as_text=True)
    assert "Đã xác minh" in widget and "Đề xuất" in widget and "<html" not in widget
    assert "exemplars/widgets/exemplars" in client.get("/").get_data(as_text=True)


def test_review_section_counts_discovered_fostered_replicated(app, communes, make_exemplar):
    from plugins.exemplars.review import review_sections
    from plugins.exemplars.services import cycle
    from portal.extensions import db
    from portal.plugin import ReviewContext

    ex = make_exemplar(state="verified")
    make_exemplar("Homestay cộng đồng", unit_id=communes["ho_thau"], sector="employment")
    with app.app_context():
        cycle.foster(ex, None, "Giống", at=dt.datetime(2024, 6, 1, 3))
        cycle.replicate(ex, None, communes["ho_thau"], 15, 2024)
        db.session.commit()
        (section,) = review_sections(ReviewContext("final", 2021, local_year(), tuple(communes.values())))
    by_field = {r[0]: r[1:] for r in section.tables[0].rows}
    assert by_field["Sinh kế"] == [1, 1, 1] and by_field["Việc làm"] == [1, 0, 0]
    by_unit = {r[0]: r[1:] for r in section.tables[1].rows}
    assert by_unit["Xã Hồ Thầu"] == [1, 0, 0, 1] and by_unit["Xã Bản Bo"] == [1, 1, 1, 0]
    assert "15" in section.narrative


def local_year() -> int:
    from portal.clock import local_today

    return local_today().year


def _many(app, communes, n, start):
    from plugins.exemplars.models import Exemplar, Replication
    from portal.extensions import db

    with app.app_context():
        for i in range(start, start + n):
            ex = Exemplar(kind="model", title=f"Mô hình {i}", unit_id=communes["ban_bo"], sector="livelihood",
                          description="Mô tả", source="unit", state="verified", households=3,
                          verified_at=dt.datetime(2024, 1, 1) + dt.timedelta(hours=i), consent_public=True)
            db.session.add(ex)
            db.session.flush()
            db.session.add(Replication(exemplar_id=ex.id, unit_id=communes["ho_thau"], households=2, year=2024))
        db.session.commit()


@pytest.mark.parametrize("url,hx", [("/exemplars/", False), ("/exemplars/", True), ("/exemplars/public", False),
                                    ("/exemplars/public?sector=livelihood", True)])
def test_list_pages_run_constant_queries(app, client, login_as, communes, url, hx):
    login_as("vanphong", ["standing_office"])
    counts = []
    for n, start in ((3, 0), (40, 3)):
        _many(app, communes, n, start)
        client.get(url)
        with count_queries(app) as statements:
            resp = client.get(url, headers=HX if hx else None)
        assert resp.status_code == 200
        counts.append(len(statements))
    assert counts[0] == counts[1], counts


def test_audit_log_names_every_column_and_code(client, login_as, make_exemplar):
    """The audit log shows an exemplar's columns by their labels, its codes by their words and its income as money."""
    import re

    make_exemplar(holder_kind="collective", income=20_000_000, start_year=2022, village="Bản Sin Chải")
    login_as("quantri", ["admin"])
    body = re.sub(r"\s+", " ", client.get("/admin/audit/").get_data(as_text=True))
    assert "Loại: Mô hình, cách làm hay" in body and "Chủ thể: Tập thể" in body and "Lĩnh vực: Sinh kế" in body
    assert "Xã hoặc đơn vị: Xã Bản Bo" in body and "Thôn, bản: Bản Sin Chải" in body
    assert "Nơi đề xuất: Đơn vị, xã" in body and "Trạng thái: Đề xuất" in body
    assert "Thu nhập bình quân mỗi hộ một năm: 20.000.000" in body
    for raw in ("holder_kind", "unit_id", "sector:", "proposed_at", "updated_at", "collective", "livelihood"):
        assert raw not in body
