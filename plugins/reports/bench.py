"""Benchmark hook of the reports plugin: 200 units × 10 periods with submissions in every state."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import func, insert, select

from portal.toolkit import Unit, db, ensure_demo_user

USERNAME = "bench_reports"
UNITS = 200
PERIODS = 10


def seed(password: str) -> None:
    from plugins.reports.models import FormVersion, Period, PeriodUnit, ReportForm, Submission
    from plugins.reports.demo import seed_demo

    seed_demo(password)  # the annual form and its six real periods
    ensure_demo_user(USERNAME, "Benchmark reports", ["standing_office"], None, password)
    version_id = db.session.scalar(select(FormVersion.id).join(ReportForm).order_by(FormVersion.id).limit(1))
    have = db.session.scalar(select(db.func.count(Unit.id)).where(Unit.code.like("bench-rp-%")))
    if have:
        db.session.commit()
        return
    db.session.execute(insert(Unit), [
        dict(code=f"bench-rp-{i:03d}", name=f"Xã thử nghiệm {i:03d}", search_name=f"xa thu nghiem {i:03d}",
             kind="commune" if i % 4 else "agency") for i in range(UNITS)
    ])
    unit_ids = list(db.session.scalars(select(Unit.id).where(Unit.code.like("bench-rp-%"))))
    for p in range(PERIODS):
        year = 2016 + p
        period = Period(name=f"Báo cáo thử {year}", kind="other", year=year, version_id=version_id,
                        opens_on=dt.date(year, 9, 1), deadline=dt.date(year, 11, 10))
        db.session.add(period)
        db.session.flush()
        db.session.execute(insert(PeriodUnit), [dict(period_id=period.id, unit_id=u) for u in unit_ids])
        at = dt.datetime(year, 11, 1)
        db.session.execute(insert(Submission), [
            # states cycle in runs of three, so communes and agencies (every fourth unit) both have accepted reports
            dict(period_id=period.id, unit_id=u, state=("accepted", "submitted", "returned", "draft")[k // 3 % 4],
                 values={"tong_so_ho": 1500 + k, "ho_ngheo_dau_nam": 200 + k - p, "ho_thoat_ngheo": 20 + k % 9,
                         "ho_ngheo_cuoi_nam": 190 + k - p, "ho_can_ngheo": 90, "tien_van_dong": 150_000_000,
                         "nha_dai_doan_ket": 3, "tu_danh_gia": "Hoàn thành tốt"},
                 first_submitted_at=None if k // 3 % 4 == 3 else at, submitted_at=None if k // 3 % 4 == 3 else at,
                 late=k % 5 == 0, updated_at=at)
            for k, u in enumerate(unit_ids) if k % 10
        ])
    db.session.commit()


def pages() -> list[tuple[str, ...]]:
    from plugins.reports.models import Period

    last = db.session.scalar(select(Period.id).where(Period.name.like("Báo cáo thử %")).order_by(Period.year.desc()))
    from plugins.reports.models import Indicator, Submission

    rate = db.session.scalar(select(Indicator.id).where(Indicator.code == "ty_le_ho_ngheo"))
    waiting = db.session.scalar(select(func.min(Submission.id)).where(Submission.state == "submitted"))
    return [
        ("reports trend (indicator, 10 periods)", f"/reports/indicators/{rate}?from=2016&to=2025&kind=other"),
        ("reports matrix (all periods)", "/reports/matrix"),
        ("reports matrix (one year, htmx filter)", "/reports/matrix?year=2025&kind=commune", "fragment"),
        ("reports roll-up", f"/reports/rollup?period={last}&include=submitted"),
        ("reports review inbox (every report waiting)", "/reports/inbox"),
        ("reports inbox item (next/previous among them)", f"/reports/inbox/{waiting}"),
        ("reports submissions", "/reports/submissions"),
    ]
