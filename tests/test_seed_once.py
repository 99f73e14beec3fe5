"""The test helper seed_once: the rows it copies back are the rows the seed made, and the database goes on after them."""
from __future__ import annotations

from flask import Flask
from sqlalchemy import select

from portal.extensions import db
from portal.models import Unit
from tests.helpers import empty_tables, seed_once

KEY = "seed-once-self-test"


def _seed() -> None:
    # a commune merged into one made after it (its successor id points forward), under a parent made first
    district = Unit(code="t-huyen", name="Huyện Thử", kind="district")
    db.session.add(district)
    db.session.flush()
    old = Unit(code="t-cu", name="Xã Cũ", kind="commune", parent_id=district.id)
    db.session.add(old)
    db.session.flush()
    new = Unit(code="t-moi", name="Xã Mới", kind="commune", parent_id=district.id)
    db.session.add(new)
    db.session.flush()
    old.successor_id = new.id


def _units() -> list[tuple[object, ...]]:
    return [tuple(r) for r in db.session.execute(
        select(Unit.id, Unit.code, Unit.name, Unit.parent_id, Unit.successor_id, Unit.sort_key).order_by(Unit.id))]


def test_the_rows_copied_back_are_the_seeded_ones_and_new_rows_follow_them(app: Flask) -> None:
    seed_once(app, KEY, _seed)
    with app.app_context():
        seeded = _units()
        assert [u[1] for u in seeded] == ["t-huyen", "t-cu", "t-moi"]
        assert seeded[1][4] == seeded[2][0]  # the forward link was kept
        db.session.remove()
        empty_tables()
        assert _units() == []

    seed_once(app, KEY, lambda: (_ for _ in ()).throw(AssertionError("seeded twice")))
    with app.app_context():
        assert _units() == seeded
        # the ids go on after the copied rows (PostgreSQL's sequences were moved past them)
        db.session.add(Unit(code="t-them", name="Xã Thêm", kind="commune"))
        db.session.commit()
        assert db.session.scalar(select(Unit.id).where(Unit.code == "t-them")) > max(u[0] for u in seeded)
