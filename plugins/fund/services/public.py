"""Public disclosure: what the public page and the printed table show."""
from __future__ import annotations

from typing import Any

from sqlalchemy import Select, func, select

from portal.toolkit import Unit, db

from ..models import Category, CommuneTotal, Contribution, Disbursement, FundYear
from .totals import paid, sum_or_zero


# --- public disclosure ---

def initials(name: str) -> str:
    """"Nguyễn Văn An" → "N.V.A." (keeps the Vietnamese letters)."""
    return "".join(part[0].upper() + "." for part in name.split() if part)


def public_beneficiary(name: str, village: str, mode: str) -> str:
    """Show a beneficiary as the FUND_PUBLIC_BENEFICIARY setting says: full, initials_village or hidden."""
    if mode == "full":
        return f"{name} – {village}" if village else name
    if mode == "initials_village":
        return f"{initials(name)} – {village}" if village else initials(name)
    return ""


def public_donors(year: FundYear) -> Select[Any]:  # rows ordered by window_rows (date, id)
    """Receipts of a fund year for the public list: no notes, no users; anonymity decided by the caller."""
    c = Contribution
    return (
        select(c.id, c.date, c.number, c.amount, c.anonymous, c.method, c.donor_type, c.reverses_id,
               func.coalesce(Unit.name, c.donor_name).label("donor"))
        .outerjoin(Unit, Unit.id == c.donor_unit_id)
        .where(c.fund_year_id == year.id)
    )


def public_payments(year: FundYear) -> Select[Any]:
    d = Disbursement
    commune = db.aliased(Unit)
    return (
        select(d.id, d.paid_on, d.voucher_number, d.amount, d.beneficiary, d.village, d.household_status, d.purpose,
               d.decision_no, d.reverses_id, commune.name.label("commune"), Category.name.label("category"))
        .join(commune, commune.id == d.commune_id)
        .join(Category, Category.id == d.category_id)
        .where(paid(), d.fund_year_id == year.id)
    )


def by_commune_category(year: FundYear) -> tuple[list[Any], list[tuple[str, dict[int, int], int, int]]]:
    """Paid support of a fund year as a commune × category table: (categories, [(commune, {cat: amount}, count, total)])."""
    t = CommuneTotal
    cats = list(db.session.scalars(select(Category).order_by(Category.position, Category.id)))
    table: dict[str, tuple[dict[int, int], list[int]]] = {}
    for commune, cat_id, count, amount in db.session.execute(  # the kept totals, communes in Vietnamese order
        select(Unit.name, t.category_id, sum_or_zero(t.entries), sum_or_zero(t.amount))
        .join(Unit, Unit.id == t.commune_id)
        .where(t.fund_year_id == year.id)
        .group_by(Unit.sort_key, Unit.name, t.category_id)
        .order_by(Unit.sort_key, Unit.name)
    ):
        if not count and not amount:
            continue
        cells, sums = table.setdefault(commune, ({}, [0, 0]))
        cells[cat_id] = int(amount)
        sums[0] += int(count)
        sums[1] += int(amount)
    rows = [(name, cells, sums[0], sums[1]) for name, (cells, sums) in table.items()]
    return cats, rows
