"""Every total in SQL over the day and unit totals kept with each entry; the period report."""
from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Date, Select, and_, bindparam, case, func, literal, literal_column, or_, select, union_all

from portal.toolkit import db, upsert

from .. import labels
from ..models import (Category, CommuneTotal, Contribution, DayNet, DayTotal, Disbursement, FundYear, UnitTotal,
                      YearTotal)


# --- totals: SQL sums over the day totals kept with every entry ---

KEY = ("day", "side", "donor_type", "method", "campaign_id", "category_id")
YEAR_KEY = ("fund_year_id", "side", "donor_type", "method", "category_id")


def sum_or_zero(column: Any) -> Any:
    return func.coalesce(func.sum(column), 0)


def paid() -> Any:
    return Disbursement.state == "paid"


def net() -> Any:
    """Receipts count up, payments down (over the per-day rows: a few hundred a year)."""
    return sum_or_zero(DayNet.received - DayNet.spent)


def _upsert(table: Any, key: tuple[str, ...], values: dict[str, Any], added: tuple[str, ...]) -> None:
    """INSERT the row, or add ``added`` columns to the existing row with the same ``key`` (one statement)."""
    stmt = upsert(table).values(**values)
    stmt = stmt.on_conflict_do_update(index_elements=list(key), set_={
        name: table.c[name] + stmt.excluded[name] for name in added})
    db.session.execute(stmt)


def bump(side: str, day: dt.date, fund_year_id: int, amount: int, **key: Any) -> None:
    """Add one ledger entry to its day total (in the caller's transaction, after the number is taken)."""
    values = {"day": day, "side": side, "fund_year_id": fund_year_id, "donor_type": key.get("donor_type") or "",
              "method": key.get("method") or "", "campaign_id": key.get("campaign_id") or 0,
              "category_id": key.get("category_id") or 0, "entries": 1 if amount > 0 else -1, "lines": 1, "amount": amount}
    _upsert(DayTotal.__table__, KEY, values, ("entries", "lines", "amount"))
    _upsert(YearTotal.__table__, YEAR_KEY, {k: values[k] for k in (*YEAR_KEY, "entries", "amount")}, ("entries", "amount"))
    receipt = side == "R"
    _upsert(DayNet.__table__, ("day",), {"day": day, "fund_year_id": fund_year_id, "received": amount if receipt else 0,
                                         "spent": 0 if receipt else amount, "receipt_lines": int(receipt),
                                         "payment_lines": int(not receipt)},
            ("received", "spent", "receipt_lines", "payment_lines"))


COMMUNE_KEY = ("fund_year_id", "commune_id", "category_id")


def bump_commune(item: Disbursement) -> None:
    """Add a paid disbursement (or its reversal) to its commune's total."""
    _upsert(CommuneTotal.__table__, COMMUNE_KEY, {"fund_year_id": item.fund_year_id, "commune_id": item.commune_id,
                                                  "category_id": item.category_id, "entries": 1 if item.amount > 0 else -1,
                                                  "amount": item.amount}, ("entries", "amount"))


UNIT_KEY = ("unit_id", "role", "fund_year_id", "campaign_id")


def bump_units(entry: Contribution) -> None:
    """Credit the donor unit (given) and the mobilising unit (raised, unless it is the donor itself)."""
    for unit_id, role in ((entry.donor_unit_id, "given"), (entry.mobilised_by_id, "raised")):
        if unit_id and not (role == "raised" and unit_id == entry.donor_unit_id):
            _upsert(UnitTotal.__table__, UNIT_KEY, {"unit_id": unit_id, "role": role, "fund_year_id": entry.fund_year_id,
                                                    "campaign_id": entry.campaign_id or 0, "amount": entry.amount},
                    ("amount",))


def _raw_day_totals() -> list[Select[Any]]:
    c, d = Contribution, Disbursement
    campaign = func.coalesce(c.campaign_id, literal_column("0"))  # the same SQL text in SELECT and GROUP BY
    receipts = select(
        c.date, literal("R"), c.fund_year_id, c.donor_type, c.method, campaign, literal(0),
        func.sum(case((c.amount > 0, 1), else_=-1)), func.count(), func.sum(c.amount),
    ).group_by(c.date, c.fund_year_id, c.donor_type, c.method, campaign)
    payments = select(
        d.paid_on, literal("C"), d.fund_year_id, literal(""), literal(""), literal(0), d.category_id,
        func.sum(case((d.amount > 0, 1), else_=-1)), func.count(), func.sum(d.amount),
    ).where(paid()).group_by(d.paid_on, d.fund_year_id, d.category_id)
    return [receipts, payments]


def _raw_unit_totals() -> list[Select[Any]]:
    c = Contribution
    campaign = func.coalesce(c.campaign_id, literal_column("0"))
    given = select(c.donor_unit_id, literal("given"), c.fund_year_id, campaign, func.sum(c.amount)).where(
        c.donor_unit_id.is_not(None)).group_by(c.donor_unit_id, c.fund_year_id, campaign)
    raised = select(c.mobilised_by_id, literal("raised"), c.fund_year_id, campaign, func.sum(c.amount)).where(
        c.mobilised_by_id.is_not(None), or_(c.donor_unit_id.is_(None), c.donor_unit_id != c.mobilised_by_id),
    ).group_by(c.mobilised_by_id, c.fund_year_id, campaign)
    return [given, raised]


def _raw_commune_totals() -> Select[Any]:
    d = Disbursement
    return select(d.fund_year_id, d.commune_id, d.category_id, func.sum(case((d.amount > 0, 1), else_=-1)),
                  func.sum(d.amount)).where(paid()).group_by(d.fund_year_id, d.commune_id, d.category_id)


def _year_totals_from_day_totals() -> Select[Any]:
    t = DayTotal
    return select(t.fund_year_id, t.side, t.donor_type, t.method, t.category_id, func.sum(t.entries),
                  func.sum(t.amount)).group_by(t.fund_year_id, t.side, t.donor_type, t.method, t.category_id)


def _day_nets_from_totals() -> Select[Any]:
    t = DayTotal
    receipt = t.side == "R"
    return select(t.day, func.min(t.fund_year_id), func.sum(case((receipt, t.amount), else_=0)),
                  func.sum(case((receipt, 0), else_=t.amount)), func.sum(case((receipt, t.lines), else_=0)),
                  func.sum(case((receipt, 0), else_=t.lines))).group_by(t.day)


_TOTAL_COLUMNS = [*KEY[:2], "fund_year_id", *KEY[2:], "entries", "lines", "amount"]
_NET_COLUMNS = ["day", "fund_year_id", "received", "spent", "receipt_lines", "payment_lines"]


def rebuild_day_totals() -> None:
    """Recompute the day and unit totals from the entries (after a bulk load; the entries are the source of truth)."""
    for table, columns, stmts in ((DayTotal.__table__, _TOTAL_COLUMNS, _raw_day_totals()),
                                  (UnitTotal.__table__, [*UNIT_KEY, "amount"], _raw_unit_totals()),
                                  (CommuneTotal.__table__, [*COMMUNE_KEY, "entries", "amount"], [_raw_commune_totals()]),
                                  (DayNet.__table__, _NET_COLUMNS, [_day_nets_from_totals()]),  # after the day totals
                                  (YearTotal.__table__, [*YEAR_KEY, "entries", "amount"], [_year_totals_from_day_totals()])):
        db.session.execute(table.delete())
        for stmt in stmts:
            db.session.execute(table.insert().from_select(columns, stmt))


def day_totals_match() -> bool:
    """Whether the day, year and unit totals equal the sums of the entries (full scans: for checks, not pages)."""
    def norm(rows: Any) -> set[tuple[Any, ...]]:
        return {tuple(int(v) if isinstance(v, (int, float)) or hasattr(v, "as_integer_ratio") else v for v in r)
                for r in rows if r[-1]}

    t, u = DayTotal, UnitTotal
    kept = norm(db.session.execute(select(t.day, t.side, t.fund_year_id, t.donor_type, t.method, t.campaign_id,
                                          t.category_id, t.entries, t.lines, t.amount)))
    kept_units = norm(db.session.execute(select(u.unit_id, u.role, u.fund_year_id, u.campaign_id, u.amount)))
    raw = norm(row for stmt in _raw_day_totals() for row in db.session.execute(stmt))
    raw_units = norm(row for stmt in _raw_unit_totals() for row in db.session.execute(stmt))
    c, n = CommuneTotal, DayNet
    communes = norm(db.session.execute(select(c.fund_year_id, c.commune_id, c.category_id, c.entries, c.amount)))
    raw_communes = norm(db.session.execute(_raw_commune_totals()))

    def per_day(stmt: Any) -> set[tuple[Any, ...]]:
        return {(str(r[0]), *(int(v) for v in r[1:])) for r in db.session.execute(stmt) if any(r[2:])}

    nets = per_day(select(n.day, n.fund_year_id, n.received, n.spent, n.receipt_lines, n.payment_lines))
    y = YearTotal
    years = norm(db.session.execute(select(y.fund_year_id, y.side, y.donor_type, y.method, y.category_id, y.entries,
                                           y.amount)))
    return (kept == raw and kept_units == raw_units and communes == raw_communes
            and nets == per_day(_day_nets_from_totals()) and years == norm(db.session.execute(
                _year_totals_from_day_totals())))


def balance_columns(day: dt.date) -> list[Any]:
    """Two scalar subqueries whose sum is the balance at the end of ``day`` (to select with others in one query)."""
    return [select(sum_or_zero(FundYear.carried_in)).where(FundYear.start <= day).scalar_subquery(),
            select(net()).where(DayNet.day <= day).scalar_subquery()]


@functools.cache
def _balance_statement() -> Select[Any]:  # built once per process (it holds no data), the day a parameter
    return select(*balance_columns(bindparam("day", type_=Date())))


def balance_on(day: dt.date) -> int:
    """Balance at the end of ``day``: money carried in + receipts − payments up to and including it."""
    row = db.session.execute(_balance_statement(), {"day": day}).one()
    return int(row[0]) + int(row[1])


@dataclass
class Line:
    key: str
    label: Any
    count: int = 0
    amount: int = 0


@dataclass
class PeriodReport:
    start: dt.date
    end: dt.date
    opening: int
    carried_in: int
    closing: int
    receipts: list[Line] = field(default_factory=list)  # by donor type
    methods: list[Line] = field(default_factory=list)  # cash / transfer / in kind
    spending: list[Line] = field(default_factory=list)  # by category
    houses: int = 0
    gifts: int = 0

    @property
    def receipts_total(self) -> int:
        return sum(line.amount for line in self.receipts)

    @property
    def spending_total(self) -> int:
        return sum(line.amount for line in self.spending)

    @property
    def gifts_received(self) -> int:
        return sum(line.count for line in self.receipts)


@functools.cache
def _report_statements() -> tuple[Select[Any], Select[Any], Select[Any], Select[Any]]:
    """The period report's statements, built once per process with the period as parameters (building and keying
    them cost more than running them); they hold no data.

    Receipts and spending sum the year totals of the fund years ``ids`` wholly inside the period and the day totals
    of the rest of it (at most two runs of days, ``from1``–``to1`` and ``from2``–``to2``): a whole year reads a few
    rows instead of its day totals."""
    t, y = DayTotal, YearTotal
    start, end = bindparam("start", type_=Date()), bindparam("end", type_=Date())
    balances = select(
        select(sum_or_zero(FundYear.carried_in)).where(FundYear.start <= start).scalar_subquery(),
        select(sum_or_zero(FundYear.carried_in)).where(FundYear.start > start, FundYear.start <= end).scalar_subquery(),
        select(net()).where(DayNet.day < start).scalar_subquery(),
        select(sum_or_zero(FundYear.carried_in)).where(FundYear.start <= end).scalar_subquery(),
        select(net()).where(DayNet.day <= end).scalar_subquery(),
    )

    def parts(side: str, *columns: str) -> Any:
        yc, tc = y.__table__.c, t.__table__.c
        days = or_(and_(tc.day >= bindparam("from1", type_=Date()), tc.day <= bindparam("to1", type_=Date())),
                   and_(tc.day >= bindparam("from2", type_=Date()), tc.day <= bindparam("to2", type_=Date())))
        return union_all(
            select(*(yc[c] for c in columns), yc.entries, yc.amount)
            .where(yc.side == side, yc.fund_year_id.in_(bindparam("ids", expanding=True))),
            select(*(tc[c] for c in columns), tc.entries, tc.amount).where(tc.side == side, days),
        ).subquery()

    r = parts("R", "donor_type", "method")
    receipts = (select(r.c.donor_type, r.c.method, sum_or_zero(r.c.entries), sum_or_zero(r.c.amount))
                .group_by(r.c.donor_type, r.c.method))
    c = parts("C", "category_id")
    spent = (select(c.c.category_id, sum_or_zero(c.c.entries).label("n"), sum_or_zero(c.c.amount).label("amount"))
             .group_by(c.c.category_id).subquery())
    spending = (
        select(Category.id, Category.name, Category.kind, spent.c.n, spent.c.amount)
        .outerjoin(spent, spent.c.category_id == Category.id)
        .order_by(Category.position, Category.id)
    )
    years = select(FundYear.id, FundYear.start, FundYear.end).order_by(FundYear.start)
    return balances, receipts, spending, years


def _split(years: list[Any], start: dt.date, end: dt.date) -> dict[str, Any]:
    """The fund years wholly inside start–end and the (at most two) runs of days of the period outside them."""
    inside = [yr for yr in years if start <= yr.start and yr.end <= end]
    if not inside:
        return {"ids": [], "from1": start, "to1": end, "from2": end + dt.timedelta(days=1), "to2": end}
    # fund years never overlap, so a day between the first and last inside year lies in an inside year
    return {"ids": [yr.id for yr in inside], "from1": start, "to1": inside[0].start - dt.timedelta(days=1),
            "from2": inside[-1].end + dt.timedelta(days=1), "to2": end}


def period_report(start: dt.date, end: dt.date, years: list[Any] | None = None) -> PeriodReport:
    """Opening, carried in, receipts by donor type and method, spending by category, closing: four small queries
    (three when the caller has every fund year at hand as ``years``, objects with id, start and end)."""
    balances, receipts, spending, all_years = _report_statements()
    row = db.session.execute(balances, {"start": start, "end": end}).one()
    report = PeriodReport(start=start, end=end, opening=int(row[0]) + int(row[2]), carried_in=int(row[1]),
                          closing=int(row[3]) + int(row[4]))
    split = _split(list(db.session.execute(all_years)) if years is None else years, start, end)
    by_type: dict[str, Line] = {k: Line(k, v) for k, v in labels.DONOR_TYPES.items()}
    by_method: dict[str, Line] = {k: Line(k, v) for k, v in labels.METHODS.items()}
    for dtype, method, count, amount in db.session.execute(receipts, split):
        for line in (by_type.setdefault(dtype, Line(dtype, dtype)), by_method.setdefault(method, Line(method, method))):
            line.count += int(count)
            line.amount += int(amount)
    report.receipts, report.methods = list(by_type.values()), list(by_method.values())
    for cat_id, name, kind, count, amount in db.session.execute(spending, split):
        line = Line(str(cat_id), name, int(count or 0), int(amount or 0))
        report.spending.append(line)
        if kind == "house":
            report.houses += line.count
        elif kind == "gift":
            report.gifts += line.count
    return report


@functools.cache
def _monthly_statement() -> Select[Any]:  # built once per process (it holds no data), the period as parameters
    n = DayNet
    year, month = func.extract("year", n.day), func.extract("month", n.day)
    return (select(year, month, sum_or_zero(n.received), sum_or_zero(n.spent))
            .where(n.day >= bindparam("start", type_=Date()), n.day <= bindparam("end", type_=Date()))
            .group_by(year, month))


def monthly(start: dt.date, end: dt.date) -> list[tuple[str, int, int]]:
    """(mm/yyyy, receipts, spending) for every month of the period, one GROUP BY query."""
    sums: dict[tuple[int, int], tuple[int, int]] = {
        (int(y), int(m)): (int(r), int(s))
        for y, m, r, s in db.session.execute(_monthly_statement(), {"start": start, "end": end})
    }
    out = []
    y, m = start.year, start.month
    while (y, m) <= (end.year, end.month):
        out.append((f"{m:02d}/{y}", *sums.get((y, m), (0, 0))))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


@dataclass
class YearRow:
    year: FundYear
    opening: int
    receipts: int
    spending: int
    closing: int


@functools.cache
def _years_statement() -> Select[Any]:  # built once per process (it holds no data)
    sums = (select(DayNet.fund_year_id, sum_or_zero(DayNet.received).label("r"), sum_or_zero(DayNet.spent).label("s"))
            .group_by(DayNet.fund_year_id).subquery())
    return (select(FundYear, sums.c.r, sums.c.s).outerjoin(sums, sums.c.fund_year_id == FundYear.id)
            .order_by(FundYear.start))


def years_summary() -> list[YearRow]:
    """Every fund year with opening, receipts, spending and closing (one query, any number of entries)."""
    rows = list(db.session.execute(_years_statement()))
    years = [year for year, _r, _s in rows]
    sums = {year.id: (int(r or 0), int(s or 0)) for year, r, s in rows}
    out, balance = [], 0
    for year in years:
        opening = balance + year.carried_in
        r, s = sums.get(year.id, (0, 0))
        balance = opening + r - s
        out.append(YearRow(year, opening, r, s, balance))
    return out


@functools.cache
def _campaign_statement() -> Select[Any]:  # built once per process (it holds no data), the campaigns a parameter
    return (select(DayTotal.campaign_id, sum_or_zero(DayTotal.amount))  # "!= 0": the partial index's condition
            .where(DayTotal.side == "R", DayTotal.campaign_id.in_(bindparam("ids", expanding=True)),
                   DayTotal.campaign_id != 0)
            .group_by(DayTotal.campaign_id))


def campaign_totals(campaign_ids: list[int]) -> dict[int, int]:
    if not campaign_ids:
        return {}
    return {cid: int(total) for cid, total in db.session.execute(_campaign_statement(), {"ids": list(campaign_ids)})}
