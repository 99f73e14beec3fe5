"""Benchmark hook for the fund plugin: a million receipts (FUND_BENCH_ROWS to change it) and a few thousand payments.

bench/run.py (it finds this module as <plugin package>.bench) calls seed(password) then pages() inside an app context with the plugin enabled.
"""
from __future__ import annotations

import datetime as dt
import os
import random

from sqlalchemy import func, insert, select, text, update

from portal.toolkit import Unit, db, ensure_demo_user, utcnow

from . import labels
from .services.totals import rebuild_day_totals
from .services.years import create_year, ensure_categories
from .models import Category, Contribution, Counter, Disbursement, FundYear

USERNAME = "bench_fund"
ROWS = int(os.environ.get("FUND_BENCH_ROWS", "1000000"))
CHUNK = 20_000
YEARS = range(2021, 2026)


def _years() -> list[FundYear]:
    for label in YEARS:
        if db.session.scalar(select(FundYear.id).where(FundYear.label == label)) is None:
            create_year(label, carried_in=500_000_000 if label == YEARS[0] else 0)
    db.session.commit()
    return list(db.session.scalars(select(FundYear).where(FundYear.label.in_(list(YEARS))).order_by(FundYear.label)))


def _take(year: FundYear, kind: str, count: int) -> int:
    """Reserve ``count`` numbers of a fund year; return the first."""
    last = db.session.scalar(select(Counter.last).where(Counter.fund_year_id == year.id, Counter.kind == kind)) or 0
    db.session.execute(update(Counter).where(Counter.fund_year_id == year.id, Counter.kind == kind).values(last=last + count))
    return last + 1


def seed(password: str) -> None:
    """Bulk-insert ROWS contributions spread over five fund years, and one payment per 200 receipts."""
    ensure_demo_user(USERNAME, "Bench Fund", ["fund_board"], "mttq-huyen", password)
    ensure_categories()
    years = _years()
    rng = random.Random(17)
    units = list(db.session.scalars(select(Unit.id))) or [None]
    communes = list(db.session.scalars(select(Unit.id).where(Unit.kind == "commune"))) or units
    categories = list(db.session.scalars(select(Category.id)))
    types, methods, now = labels.DONOR_TYPES.keys(), ("cash", "transfer", "in_kind"), utcnow()
    types = list(types)
    per_year = ROWS // len(years)
    for i, year in enumerate(years):
        count = per_year + (ROWS % len(years) if i == len(years) - 1 else 0)
        first = _take(year, "receipt", count)
        span = (year.end - year.start).days + 1
        for start in range(0, count, CHUNK):
            rows = []
            for n in range(start, min(count, start + CHUNK)):
                method = methods[n % 17 == 0 and 2 or n % 2]
                unit = units[n % len(units)] if n % 5 == 0 else None
                rows.append({
                    "fund_year_id": year.id, "number": first + n, "date": year.start + dt.timedelta(days=rng.randrange(span)),
                    "donor_unit_id": unit, "donor_name": None if unit else f"Người ủng hộ {n}",
                    "donor_type": "agency" if unit else types[n % len(types)], "amount": rng.randrange(1, 500) * 10_000,
                    "method": method, "in_kind_description": "Gạo, chăn ấm" if method == "in_kind" else None,
                    "mobilised_by_id": communes[n % len(communes)] if n % 3 == 0 else None,
                    "anonymous": n % 11 == 0, "recorded_at": now,
                })
            db.session.execute(insert(Contribution.__table__), rows)
            db.session.commit()
        payments = max(1, count // 200)
        first = _take(year, "voucher", payments)
        rows = [{
            "category_id": categories[n % len(categories)], "beneficiary": f"Hộ nghèo số {n}", "commune_id": communes[n % len(communes)],
            "village": f"Bản {n % 40}", "household_status": "poor", "amount": rng.randrange(5, 500) * 10_000,
            "purpose": "Hỗ trợ hộ nghèo", "state": "paid", "proposed_at": now, "approved_at": now, "paid_at": now,
            "paid_on": year.start + dt.timedelta(days=rng.randrange(span)), "fund_year_id": year.id, "voucher_number": first + n,
        } for n in range(payments)]
        db.session.execute(insert(Disbursement.__table__), rows)
        db.session.commit()
    rebuild_day_totals()
    db.session.commit()
    db.session.execute(text("ANALYZE"))
    db.session.commit()


def pages() -> list[tuple[str, ...]]:
    latest = db.session.scalar(select(func.max(FundYear.label)))
    return [
        ("fund ledger", f"/fund/ledger?year={latest}"),
        ("fund contributions (1M)", f"/fund/contributions?year={latest}"),
        ("fund ledger, page 1000", f"/fund/ledger?year={latest}&page=1000"),
        ("fund period report", f"/fund/report?year={latest}"),
        ("fund public page", f"/fund/public?year={latest}"),
        ("fund public table (print)", f"/fund/public/print?year={latest}", "document"),
        ("fund unit leaderboard", f"/fund/units?year={latest}"),
        ("fund pledges", "/fund/pledges"),
    ]
