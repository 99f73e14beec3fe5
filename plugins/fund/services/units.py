"""Units: the leaderboard, pledges and what a unit gave or raised."""
from __future__ import annotations

import functools
from typing import Any, NamedTuple

from sqlalchemy import Integer, Select, bindparam, case, select

from portal.toolkit import Unit, db, format_money, lock

from ..models import Campaign, FundYear, Pledge, UnitTotal
from .totals import sum_or_zero


# --- units: pledges, leaderboard, evidence ---

def _unit_where(campaign: Campaign | None, year: FundYear | None) -> list[Any]:
    if campaign:
        return [UnitTotal.campaign_id == campaign.id]
    return [UnitTotal.fund_year_id == year.id] if year else []


@functools.cache
def _leaderboard_statement(scope: str) -> Select[Any]:
    """The leaderboard over a campaign, a fund year or everything ("campaign", "year", ""), built once per process
    with the campaign or year and the limit as parameters (it holds no data)."""
    u = UnitTotal
    given = sum_or_zero(case((u.role == "given", u.amount), else_=0))
    raised = sum_or_zero(case((u.role == "raised", u.amount), else_=0))
    where = {"campaign": [u.campaign_id == bindparam("id", type_=Integer())],
             "year": [u.fund_year_id == bindparam("id", type_=Integer())]}.get(scope, [])
    return (
        select(Unit.id, Unit.name, Unit.sort_key, given.label("given"), raised.label("raised"))
        .join(u, u.unit_id == Unit.id)
        .where(*where)
        .group_by(Unit.id, Unit.name, Unit.sort_key)
        .order_by((given + raised).desc(), Unit.sort_key, Unit.id)
        .limit(bindparam("limit", type_=Integer()))
    )


def leaderboard(campaign: Campaign | None, year: FundYear | None, limit: int = 100) -> list[dict[str, Any]]:
    """Per unit: contributed (as donor) and mobilised (as credited unit), from the unit totals in one query."""
    scope, key = ("campaign", campaign.id) if campaign else (("year", year.id) if year else ("", None))
    params: dict[str, Any] = {"limit": limit} if key is None else {"limit": limit, "id": key}
    return [dict(r) for r in db.session.execute(_leaderboard_statement(scope), params).mappings()]


class LeaderRow(NamedTuple):  # named fields: Jinja reads an attribute at once (a dict key costs a failed getattr)
    name: str
    predecessors: str  # the merged units counted under this one, joined
    given: str
    raised: str


def leader_rows(rows: list[dict[str, Any]]) -> list[LeaderRow]:
    """The leaderboard as shown, amounts formatted once here rather than by a filter per row."""
    money = format_money
    return [LeaderRow(r["name"], ", ".join(r.get("predecessors") or ()), money(r["given"]), money(r["raised"]))
            for r in rows]


def pledge_rows(campaign: Campaign, scope: Any) -> list[dict[str, Any]]:
    """Pledges of a campaign with paid (given or mobilised by the unit) and remaining, one query."""
    paid = (
        select(sum_or_zero(UnitTotal.amount))
        .where(UnitTotal.campaign_id == Pledge.campaign_id, UnitTotal.unit_id == Pledge.unit_id)
        .correlate(Pledge)
        .scalar_subquery()
    )
    out = []
    for pledge, paid_amount in db.session.execute(
        select(Pledge, paid).where(Pledge.campaign_id == campaign.id, scope).order_by(Pledge.id)
    ):
        out.append({"pledge": pledge, "paid": int(paid_amount), "remaining": max(0, pledge.amount - int(paid_amount))})
    return out


def save_pledge(campaign_id: int, unit_id: int, amount: int) -> Pledge:
    lock(Campaign, campaign_id)  # two first pledges of one unit at once: the second updates the first's row
    pledge = db.session.scalar(select(Pledge).where(Pledge.campaign_id == campaign_id, Pledge.unit_id == unit_id))
    if pledge is None:
        pledge = Pledge(campaign_id=campaign_id, unit_id=unit_id, amount=amount)
        db.session.add(pledge)
    else:
        pledge.amount = amount
    db.session.flush()
    return pledge


def unit_totals(unit_id: int, year: FundYear | None) -> tuple[int, int]:
    """(contributed, mobilised) by a unit, in a fund year or overall."""
    sums = dict(db.session.execute(
        select(UnitTotal.role, sum_or_zero(UnitTotal.amount)).where(UnitTotal.unit_id == unit_id, *_unit_where(None, year))
        .group_by(UnitTotal.role)
    ).all())
    return int(sums.get("given", 0)), int(sums.get("raised", 0))
