"""Public disclosure: what the public page and the printed table show."""
from __future__ import annotations

import functools
from typing import Any, NamedTuple

from sqlalchemy import Date, Integer, Select, bindparam, func, select

from portal.toolkit import Unit, _l, db, format_date, format_money, format_number

from .. import labels
from ..models import Campaign, Category, CommuneTotal, Contribution, DayTotal, Disbursement, FundYear
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


def public_donors(year: FundYear | Any) -> Select[Any]:  # rows ordered by window_rows (date, id)
    """Receipts of a fund year (or a year id parameter) for the public list: no notes, no users; anonymity decided by
    the caller."""
    c = Contribution
    return (
        select(c.id, c.date, c.number, c.amount, c.anonymous, c.method, c.donor_type, c.reverses_id,
               func.coalesce(Unit.name, c.donor_name).label("donor"))
        .outerjoin(Unit, Unit.id == c.donor_unit_id)
        .where(c.fund_year_id == (year.id if isinstance(year, FundYear) else year))
    )


def public_payments(year: FundYear | Any) -> Select[Any]:
    d = Disbursement
    commune = db.aliased(Unit)
    return (
        select(d.id, d.paid_on, d.voucher_number, d.amount, d.beneficiary, d.village, d.household_status, d.purpose,
               d.decision_no, d.reverses_id, commune.name.label("commune"), Category.name.label("category"))
        .join(commune, commune.id == d.commune_id)
        .join(Category, Category.id == d.category_id)
        .where(paid(), d.fund_year_id == (year.id if isinstance(year, FundYear) else year))
    )


@functools.cache
def _window_statements() -> dict[str, Select[Any]]:
    """A page of each public list ("R" donors, "C" payments) on the days ``ledger.day_window`` found, built once per
    process with the year, days, size and skip as parameters (building a statement cost more than running it)."""
    year = bindparam("year", type_=Integer())
    oldest, newest = bindparam("oldest", type_=Date()), bindparam("newest", type_=Date())
    size, skip = bindparam("size", type_=Integer()), bindparam("skip", type_=Integer())
    c, d = Contribution, Disbursement
    return {
        "R": public_donors(year).where(c.date >= oldest, c.date <= newest)
        .order_by(c.date.desc(), c.id.desc()).limit(size).offset(skip),
        "C": public_payments(year).where(d.paid_on >= oldest, d.paid_on <= newest)
        .order_by(d.paid_on.desc(), d.id.desc()).limit(size).offset(skip),
    }


def window_page(side: str, year: FundYear, win: Any, size: int) -> list[Any]:
    """The rows of page ``win`` (a ``ledger.Window``) of the public donors ("R") or payments ("C"), as mappings."""
    if win.newest is None:
        return []
    return list(db.session.execute(_window_statements()[side], {
        "year": year.id, "oldest": win.oldest, "newest": win.newest, "size": size, "skip": win.skip}).mappings())


# Rows as the public sees them: words, numbers and amounts made once here rather than by filters per row in the
# template; tuples with named fields, since Jinja reads an attribute at once where a dict key costs a failed getattr.

class DonorRow(NamedTuple):
    date: str
    code: str
    donor: str
    method: str
    amount: str
    correction: bool


class PaymentRow(NamedTuple):
    date: str
    code: str
    who: str
    commune: str
    category: str
    purpose: str
    decision: str
    amount: str
    correction: bool


def donor_rows(rows: list[Any], label: int) -> list[DonorRow]:
    """Receipts of the public list (an anonymous donor's name is never shown)."""
    money, methods = format_money, {k: str(v) for k, v in labels.METHODS.items()}
    anonymous = str(_l("Anonymous benefactor"))
    return [DonorRow(format_date(r["date"]), f"{label}/{r['number']:06d}", anonymous if r["anonymous"] else r["donor"],
                     methods.get(r["method"], ""), money(r["amount"]), bool(r["reverses_id"])) for r in rows]


def payment_rows(rows: list[Any], mode: str, label: int) -> list[PaymentRow]:
    """Paid support (the beneficiary as ``mode`` says, else the household's status in words)."""
    money, statuses = format_money, {k: str(v) for k, v in labels.STATUSES.items()}
    return [PaymentRow(format_date(r["paid_on"]), f"{label}/{r['voucher_number']:06d}",
                       public_beneficiary(r["beneficiary"], r["village"], mode) or statuses.get(r["household_status"], ""),
                       r["commune"], r["category"], r["purpose"], r["decision_no"] or "—", money(r["amount"]),
                       bool(r["reverses_id"])) for r in rows]


@functools.cache
def _campaigns_statement() -> Select[Any]:  # built once per process (it holds no data), the year a parameter
    t = DayTotal
    raised = (select(sum_or_zero(t.amount))  # "!= 0": the partial index's condition
              .where(t.side == "R", t.campaign_id == Campaign.id, t.campaign_id != 0).correlate(Campaign)
              .scalar_subquery())
    return select(Campaign, raised).where(Campaign.fund_year_id == bindparam("year", type_=Integer())).order_by(Campaign.start)


def campaigns_raised(year: FundYear) -> tuple[list[Campaign], dict[int, int]]:
    """A fund year's campaigns by start and what each raised (one query)."""
    rows = db.session.execute(_campaigns_statement(), {"year": year.id}).all()
    return [c for c, _raised in rows], {c.id: int(raised) for c, raised in rows}


@functools.cache
def _commune_statement() -> Select[Any]:  # built once per process (it holds no data), the year a parameter
    t = CommuneTotal
    return (  # the kept totals, communes in Vietnamese order
        select(Unit.name, t.category_id, sum_or_zero(t.entries), sum_or_zero(t.amount))
        .join(Unit, Unit.id == t.commune_id)
        .where(t.fund_year_id == bindparam("year", type_=Integer()))
        .group_by(Unit.sort_key, Unit.name, t.category_id)
        .order_by(Unit.sort_key, Unit.name)
    )


def by_commune_category(year: FundYear, cats: list[tuple[int, str]] | None = None,
                        ) -> tuple[list[str], list[tuple[str, list[str], str, str]]]:
    """Paid support of a fund year as a commune × category table, formatted: (category names, [(commune, [amount per
    category], households, total)]). ``cats``: the categories in order as (id, name), read here unless given (the
    period report has them)."""
    if cats is None:
        cats = [(i, name) for i, name in db.session.execute(
            select(Category.id, Category.name).order_by(Category.position, Category.id))]
    table: dict[str, tuple[dict[int, int], list[int]]] = {}
    for commune, cat_id, count, amount in db.session.execute(_commune_statement(), {"year": year.id}):
        if not count and not amount:
            continue
        cells, sums = table.setdefault(commune, ({}, [0, 0]))
        cells[cat_id] = int(amount)
        sums[0] += int(count)
        sums[1] += int(amount)
    number = format_number
    rows = [(name, [number(cells.get(cat_id, 0)) for cat_id, _name in cats], number(sums[0]), number(sums[1]))
            for name, (cells, sums) in table.items()]
    return [name for _id, name in cats], rows
