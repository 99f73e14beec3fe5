"""Fixtures for the fund plugin: only "fund" is enabled; a fund year with categories is one call away."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from portal.extensions import db


@pytest.fixture
def enabled_plugins() -> list[str]:
    return ["fund"]


@pytest.fixture
def fund(app: Flask, make_unit: Callable[..., int]) -> dict[str, Any]:
    """Fund year 2024 (calendar) with 10.000.000 đồng carried in, the default categories, a commune and an agency."""
    from plugins.fund.services.years import create_year, ensure_categories
    from plugins.fund.models import Campaign, Category

    commune = make_unit("Xã Bản Bo", kind="commune", code="xa-ban-bo")
    agency = make_unit("Hội Nông dân huyện", kind="mass_org", code="hoi-nong-dan")
    with app.app_context():
        ensure_categories()
        year = create_year(2024, carried_in=10_000_000)
        db.session.commit()
        cats = {c.name: c.id for c in db.session.scalars(select(Category))}
        campaign = db.session.scalar(select(Campaign).where(Campaign.fund_year_id == year.id))
        return {"year_id": year.id, "commune": commune, "agency": agency, "categories": cats,
                "house": cats["Nhà Đại đoàn kết"], "gift": cats["Quà Tết"], "campaign": campaign.id}


@pytest.fixture
def give(app: Flask) -> Callable[..., int]:
    """Record a contribution through the service; return its id."""
    from plugins.fund.services.entries import record_contribution

    def do(amount: int, day: dt.date = dt.date(2024, 3, 1), user_id: int | None = None, **values: Any) -> int:
        values.setdefault("donor_name", "Nguyễn Văn Hùng")
        values.setdefault("donor_type", "person")
        values.setdefault("method", "cash")
        with app.app_context():
            entry = record_contribution({"date": day, "amount": amount, **values}, user_id)
            db.session.commit()
            return entry.id

    return do


@pytest.fixture
def spend(app: Flask, fund: dict[str, Any]) -> Callable[..., int]:
    """Propose, approve and pay a disbursement through the services; return its id."""
    from plugins.fund.services.entries import approve, pay, propose

    def do(amount: int, day: dt.date = dt.date(2024, 6, 1), state: str = "paid", **values: Any) -> int:
        values.setdefault("category_id", fund["house"])
        values.setdefault("commune_id", fund["commune"])
        values.setdefault("beneficiary", "Lò Văn Xương")
        values.setdefault("village", "Bản Nà Khum")
        values.setdefault("purpose", "Hỗ trợ làm nhà")
        with app.app_context():
            item = propose({"amount": amount, **values}, None)
            if state in ("approved", "paid"):
                approve(item.id, None)
            if state == "paid":
                pay(item.id, None, day)
            db.session.commit()
            return item.id

    return do
