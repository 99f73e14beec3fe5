"""The ledger: pages of a fund year's entries with the balance after each, and the export rows."""
from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Date, Integer, Select, and_, bindparam, func, literal, select, union_all

from portal.toolkit import Unit, _l, db, format_date, format_money, local_today, url_maker

from .. import labels
from ..models import Contribution, DayNet, Disbursement, FundYear
from .totals import balance_columns, balance_on, paid, sum_or_zero


# --- ledger ---

def _ledger_union(start: Any, end: Any, first: Any = None) -> Any:
    """Every receipt and paid voucher dated ``start``..``end`` as one list of entries; with ``first``, only the
    ``first`` newest of each side (newest first: day, then id), among which the ``first`` newest of all are."""
    c, d = Contribution, Disbursement
    receipts = (
        select(
            literal("R").label("kind"), c.id.label("id"), c.date.label("day"), c.number.label("number"),
            c.amount.label("signed"), func.coalesce(Unit.name, c.donor_name).label("who"),
            c.reverses_id.label("reverses"), c.anonymous.label("anonymous"),
        )
        .outerjoin(Unit, Unit.id == c.donor_unit_id)
        .where(c.date >= start, c.date <= end)
    )
    payments = (
        select(
            literal("C").label("kind"), d.id.label("id"), d.paid_on.label("day"), d.voucher_number.label("number"),
            (-d.amount).label("signed"), d.beneficiary.label("who"), d.reverses_id.label("reverses"),
            literal(False).label("anonymous"),
        )
        .where(paid(), d.paid_on >= start, d.paid_on <= end)
    )
    if first is not None:  # read from the date indexes in order and stop, instead of sorting whole days
        receipts = select(receipts.order_by(c.date.desc(), c.id.desc()).limit(first).subquery())
        payments = select(payments.order_by(d.paid_on.desc(), d.id.desc()).limit(first).subquery())
    return union_all(receipts, payments).subquery("ledger")


@dataclass
class LedgerPage:
    rows: list[dict[str, Any]]
    total: int
    page: int
    pages: int
    closing: int


@dataclass
class Window:
    """Where one page of a fund year's entries lies: the days it spans and how many lines to skip on them."""

    total: int
    page: int
    pages: int
    newest: dt.date | None = None
    oldest: dt.date | None = None
    skip: int = 0


@functools.cache
def _lines_statement() -> Select[Any]:  # built once per process (it holds no data), the year a parameter
    n = DayNet
    return (select(n.day, n.receipt_lines, n.payment_lines).where(n.fund_year_id == bindparam("year", type_=Integer()))
            .order_by(n.day.desc()))


def lines_per_day(year: FundYear) -> list[tuple[dt.date, int, int]]:
    """(day, receipt lines, payment lines) of a fund year, newest first: one small query, a row a day."""
    return [(day, int(r), int(p)) for day, r, p in db.session.execute(_lines_statement(), {"year": year.id})]


def day_window(year: FundYear, page: int, size: int, side: str | None = None,
               per_day: list[tuple[dt.date, int, int]] | None = None) -> Window:
    """Find, from the per-day rows (``lines_per_day``, read here unless given), the days on which page ``page`` of
    the entries (receipts "R", payments "C", else both) falls, newest first; pages then read and sort only those
    days instead of the whole year."""
    pick = {"R": lambda r, p: r, "C": lambda r, p: p}.get(side or "", lambda r, p: r + p)
    lines = [(day, pick(r, p)) for day, r, p in (lines_per_day(year) if per_day is None else per_day)]
    per_day_n = [(day, n) for day, n in lines if n]
    total = sum(n for _day, n in per_day_n)
    pages = max(1, -(-total // size))
    page = min(max(1, page), pages)
    offset, seen = (page - 1) * size, 0
    win = Window(total, page, pages)
    for day, n in per_day_n:
        if win.newest is None and seen + n > offset:
            win.newest, win.skip = day, offset - seen
        seen += n
        if win.newest is not None:
            win.oldest = day
            if seen >= offset + size:
                break
    return win


def window_rows(stmt: Select[Any], day_column: Any, win: Window, size: int, *order: Any) -> list[Any]:
    """The rows of a page found by ``day_window`` (``stmt`` must list the same entries the day totals count)."""
    if win.newest is None:
        return []
    stmt = stmt.where(day_column >= win.oldest, day_column <= win.newest).order_by(day_column.desc(), *order)
    return list(db.session.execute(stmt.limit(size).offset(win.skip)).mappings())


@functools.cache
def _page_statements() -> tuple[Select[Any], Select[Any]]:
    """A ledger page's two statements, built once per process with the days, size and top row as parameters
    (building and keying them cost more than running them); they hold no data."""
    oldest, newest = bindparam("oldest", type_=Date()), bindparam("newest", type_=Date())
    size, skip = bindparam("size", type_=Integer()), bindparam("skip", type_=Integer())
    led = _ledger_union(oldest, newest, first=size + skip)
    rows = (select(led).order_by(led.c.day.desc(), led.c.kind.desc(), led.c.id.desc()).limit(size).offset(skip))
    last, top_day = bindparam("last", type_=Date()), bindparam("top_day", type_=Date())
    # the entries of the top row's day listed above it: on a day receipts come before payments, each side newest id
    # first; the ids to count after are bound by the caller (a NULL counts none), so both sums read an index range
    c, d = Contribution, Disbursement
    receipts_above = select(sum_or_zero(c.amount)).where(c.date == top_day, c.id > bindparam("receipts_after",
                                                                                            type_=Integer()))
    payments_above = select(sum_or_zero(d.amount)).where(paid(), d.paid_on == top_day, d.id > bindparam(
        "payments_after", type_=Integer()))
    # the closing balance, the balance at the end of the top row's day and the entries of that day above it
    sums = select(*balance_columns(last), *balance_columns(top_day), receipts_above.scalar_subquery(),
                  payments_above.scalar_subquery())
    return rows, sums


def ledger_page(year: FundYear, page: int, size: int) -> LedgerPage:
    """One page of a fund year's ledger, newest first, with the balance after each entry (three queries).

    The balance after the page's newest entry is the balance at the end of its day minus the entries of that day
    listed above it; nothing sorts or sums the whole year.
    """
    win = day_window(year, page, size)
    last = min(year.end, local_today())  # never a balance of days still to come
    if win.newest is None:
        return LedgerPage([], win.total, win.page, win.pages, balance_on(last))
    rows_stmt, sums_stmt = _page_statements()
    rows = [dict(r) for r in db.session.execute(rows_stmt, {"oldest": win.oldest, "newest": win.newest, "size": size,
                                                             "skip": win.skip}).mappings()]
    if not rows:
        return LedgerPage(rows, win.total, win.page, win.pages, balance_on(last))
    top = rows[0]
    receipt_top = top["kind"] == "R"
    sums = [int(v or 0) for v in db.session.execute(sums_stmt, {
        "last": last, "top_day": top["day"], "receipts_after": top["id"] if receipt_top else 0,
        "payments_after": None if receipt_top else top["id"]}).one()]
    closing, balance = sums[0] + sums[1], sums[2] + sums[3] - sums[4] + sums[5]
    for row in rows:
        row["balance"] = balance
        row["code"] = f"{year.label}/{row['number']:06d}"
        balance -= int(row["signed"])
    return LedgerPage(rows, win.total, win.page, win.pages, closing)


def show_rows(data: LedgerPage, reveal_anonymous: bool = False) -> LedgerPage:
    """Add to each row of a ledger page what the page shows, made once here rather than by filters per row in the
    template: ``date``, ``url``, ``doc``, ``shown`` (the name, or "Anonymous benefactor" unless
    ``reveal_anonymous``), ``in``, ``out`` and ``after`` (amounts of money, formatted). In a request."""
    money = format_money
    links = {"R": url_maker("fund.contribution", "entry_id"), "C": url_maker("fund.disbursement", "entry_id")}
    docs = {"R": str(_l("Receipt")), "C": str(_l("Voucher"))}
    anonymous = str(_l("Anonymous benefactor"))
    for row in data.rows:
        kind, signed = row["kind"], int(row["signed"])
        row.update(date=format_date(row["day"]), url=links[kind](row["id"]), doc=f"{docs[kind]} {row['code']}",
                   shown=anonymous if row["anonymous"] and not reveal_anonymous else (row["who"] or ""),
                   after=money(row["balance"]), **{"in": money(signed) if kind == "R" else "",
                                                   "out": money(-signed) if kind == "C" else ""})
    return data


def ledger_rows(start: dt.date, end: dt.date, reveal_anonymous: bool = False) -> list[tuple[Any, ...]]:
    """The ledger of a period for the Excel export, oldest first: an opening line, then every entry as (date, kind in
    words, number, who, receipt, payment, balance after it).

    An anonymous donor's name is given only with ``reveal_anonymous`` (the fund.confidential permission).
    """
    led = _ledger_union(start, end)
    balance = balance_on(start - dt.timedelta(days=1))
    out: list[tuple[Any, ...]] = [(start, "", "", str(_l("Opening balance")), None, None, balance)]
    # money carried in from outside the ledger counts on its fund year's first day
    carried = list(db.session.execute(select(FundYear.start, FundYear.carried_in).where(
        FundYear.start >= start, FundYear.start <= end, FundYear.carried_in != 0).order_by(FundYear.start)))
    kinds = {k: str(v) for k, v in labels.ENTRY_KINDS.items()}
    anonymous, carried_label = str(_l("Anonymous benefactor")), str(_l("Carried in"))
    for r in db.session.execute(select(led, FundYear.label).join(FundYear, and_(FundYear.start <= led.c.day,
                                                                                    FundYear.end >= led.c.day))
                                .order_by(led.c.day, led.c.kind.desc(), led.c.id)).mappings():
        day = r["day"] if isinstance(r["day"], dt.date) else dt.date.fromisoformat(str(r["day"]))  # SQLite: text
        while carried and carried[0][0] <= day:
            first, amount = carried.pop(0)
            balance += int(amount)
            out.append((first, "", "", carried_label, int(amount), None, balance))
        signed = int(r["signed"])
        balance += signed
        who = anonymous if r["anonymous"] and not reveal_anonymous else r["who"]
        out.append((day, kinds[r["kind"]], f"{r['label']}/{r['number']:06d}", who,
                    signed if r["kind"] == "R" else None, -signed if r["kind"] == "C" else None, balance))
    for first, amount in carried:
        balance += int(amount)
        out.append((first, "", "", carried_label, int(amount), None, balance))
    return out
