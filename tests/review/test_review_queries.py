"""The review's queries do not grow with units and periods: drafting (every plugin's section) and the document
views run the same number of statements for 5 units × 2 periods as for 80 units × 8 periods."""
from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import insert, select

from portal.extensions import db
from tests.helpers import count_queries, login


def _grow(app, units: int, years: list[int], start: int) -> None:
    from plugins.reports.models import FormField, FormVersion, Period, PeriodUnit, ReportForm, Submission
    from plugins.reports.demo import seed_indicators
    from portal.models import Unit

    with app.app_context():
        version = db.session.scalar(select(FormVersion))
        if version is None:
            form = ReportForm(name="Mẫu")
            version = FormVersion(number=1)
            form.versions.append(version)
            for i, key in enumerate(("tong_so_ho", "ho_ngheo_dau_nam", "ho_thoat_ngheo", "ho_ngheo_cuoi_nam",
                                     "ho_can_ngheo")):
                version.fields.append(FormField(position=i, key=key, label=key, kind="integer",
                                                unit_kinds=["commune"]))
            db.session.add(form)
            seed_indicators()
            db.session.flush()
        db.session.execute(insert(Unit), [dict(code=f"g-{i}", name=f"Xã G {i}", search_name=f"xa g {i}",
                                               kind="commune", is_sample=False) for i in range(start, start + units)])
        ids = list(db.session.scalars(select(Unit.id).where(Unit.code.like("g-%"))))
        for year in years:
            p = Period(name=f"Báo cáo năm {year}", kind="annual", year=year, version_id=version.id,
                       opens_on=dt.date(year, 9, 1), deadline=dt.date(year, 11, 10))
            db.session.add(p)
            db.session.flush()
            db.session.execute(insert(PeriodUnit), [dict(period_id=p.id, unit_id=u) for u in ids])
            db.session.execute(insert(Submission), [dict(
                period_id=p.id, unit_id=u, state="accepted", late=False, versions={},
                values={"tong_so_ho": 1000, "ho_ngheo_dau_nam": 200, "ho_thoat_ngheo": 20, "ho_ngheo_cuoi_nam": 185,
                        "ho_can_ngheo": 90},
                first_submitted_at=dt.datetime(year, 11, 1), updated_at=dt.datetime(year, 11, 1)) for u in ids])
        db.session.commit()


FORM = {"kind": "final", "title": "Tổng kết", "year_from": "2016", "year_to": "2025", "unit_kinds": ["commune"]}


def _measure(app, client) -> list[int]:
    counts = []
    with count_queries(app) as statements:
        resp = client.post("/review/", data=FORM)
    assert resp.status_code == 302
    counts.append(len(statements))
    review_id = int(re.search(r"/review/(\d+)", resp.headers["Location"]).group(1))
    for url in (f"/review/{review_id}", f"/review/{review_id}/print", f"/review/{review_id}.docx",
                f"/review/{review_id}.xlsx"):
        client.get(url)
        with count_queries(app) as statements:
            assert client.get(url).status_code == 200
        counts.append(len(statements))
    return counts


def test_review_queries_do_not_grow_with_units_and_periods(app, client, make_user):
    make_user("thuongtruc", ["standing_office"])
    login(client, "thuongtruc")
    _grow(app, 5, [2020, 2021], 0)
    few = _measure(app, client)
    _grow(app, 75, [2016, 2017, 2018, 2019, 2022, 2023], 5)
    many = _measure(app, client)
    print(f"\nreview draft and views, queries: {few} (5 units × 2 periods) / {many} (80 × 8)")
    assert few == many
    assert few[1] <= 12  # the document view: the review, its sections, the user
