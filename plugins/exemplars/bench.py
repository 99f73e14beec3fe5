"""Benchmark hook for the exemplars plugin: EXEMPLARS_BENCH_ROWS exemplars (default 20.000) spread over the
communes, most verified, with replications, for the register and the public showcase.

bench/run.py finds this module as <plugin package>.bench and calls seed(password) then pages() in an app context.
"""
from __future__ import annotations

import datetime as dt
import os

from sqlalchemy import func, insert, select

from portal.toolkit import Unit, db, ensure_demo_user

from . import labels
from .models import Exemplar, Replication

USERNAME = "bench_exemplars"
# District-plus scale: about one model per unit of the 536 (EXEMPLARS_BENCH_ROWS=20000 tests far beyond it).
ROWS = int(os.environ.get("EXEMPLARS_BENCH_ROWS", "600"))
CHUNK = 5_000


def seed(password: str) -> None:
    ensure_demo_user(USERNAME, "Bench Exemplars", ["standing_office"], "phong-ldtbxh", password)
    have = db.session.scalar(select(func.count(Exemplar.id))) or 0
    communes = list(db.session.scalars(select(Unit.id).where(Unit.kind == "commune"))) or \
        list(db.session.scalars(select(Unit.id)))
    sectors, start = list(labels.SECTORS), dt.datetime(2021, 1, 1)
    for first in range(have, ROWS, CHUNK):
        rows = []
        for n in range(first, min(ROWS, first + CHUNK)):
            verified = n % 5 != 0
            rows.append({"kind": ("model", "person", "initiative")[n % 3], "title": f"Mô hình thử {n}",
                         "holder": f"Tổ hợp tác {n}", "unit_id": communes[n % len(communes)], "village": "",
                         "sector": sectors[n % len(sectors)], "description": "Mô hình sinh kế cho hộ nghèo.",
                         "story": "", "households": 5 + n % 40, "households_out": n % 5, "contact": "",
                         "consent_public": n % 2 == 0, "source": "unit", "sample": True,
                         "state": "replicated" if verified and n % 3 == 0 else ("verified" if verified else "proposed"),
                         "proposed_at": start + dt.timedelta(hours=n), "updated_at": start + dt.timedelta(hours=n),
                         "verified_at": start + dt.timedelta(hours=n + 48) if verified else None})
        db.session.execute(insert(Exemplar), rows)
        ids = list(db.session.scalars(select(Exemplar.id).where(Exemplar.state == "replicated",
                                                                Exemplar.id > first).order_by(Exemplar.id)))
        db.session.execute(insert(Replication), [
            {"exemplar_id": i, "unit_id": communes[(i + 1) % len(communes)], "households": 10, "year": 2024,
             "note": "", "created_at": start} for i in ids])
        db.session.commit()


def pages() -> list[tuple[str, ...]]:
    return [
        ("exemplars register", "/exemplars/"),
        ("exemplars register, filtered", "/exemplars/?sector=livelihood&state=verified"),
        ("exemplars public showcase", "/exemplars/public"),
        ("exemplars Excel export", "/exemplars/export.xlsx", "export"),
    ]
