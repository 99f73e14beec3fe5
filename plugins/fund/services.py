"""Fund logic without requests: numbering, recording, the approval flow, reversals and every total (in SQL)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Select, and_, case, func, literal, literal_column, or_, select, union_all, update

from portal.toolkit import (
    Refused,
    Unit,
    _l,
    db,
    expect_state,
    format_money,
    get_plugin_config,
    local_today,
    lock,
    utcnow,
    vi_sort_key,
)

from .models import (
    Attachment,
    Campaign,
    Category,
    Contribution,
    Counter,
    DayTotal,
    Disbursement,
    FundYear,
    LedgerLocked,
    Pledge,
    UnitTotal,
)

DONOR_TYPE_LABELS = {
    "agency": _l("Agency or unit"),
    "enterprise": _l("Enterprise"),
    "organisation": _l("Organisation or armed forces"),
    "household": _l("Household"),
    "person": _l("Individual"),
}
METHOD_LABELS = {"cash": _l("Cash"), "transfer": _l("Bank transfer"), "in_kind": _l("In kind")}
STATUS_LABELS = {"poor": _l("Poor household"), "near_poor": _l("Near-poor household"), "other": _l("Other hardship")}
STATE_LABELS = {"proposed": _l("Proposed"), "approved": _l("Approved"), "paid": _l("Paid"), "rejected": _l("Rejected")}
CATEGORY_KIND_LABELS = {"house": _l("Houses"), "gift": _l("Gifts"), "other": _l("Other support")}

DEFAULT_CATEGORIES = (
    ("Nhà Đại đoàn kết", "house"),
    ("Sinh kế, hỗ trợ sản xuất", "other"),
    ("Y tế", "other"),
    ("Giáo dục", "other"),
    ("Quà Tết", "gift"),
    ("Cứu trợ đột xuất", "gift"),
    ("Công trình an sinh", "other"),
)
PEAK_START = (10, 17)  # 17/10: Ngày Vì người nghèo
PEAK_END = (11, 18)


class FundError(Refused):
    """A rule of the fund refused the action (409); the message is translated and safe to show."""

    def __init__(self, message: Any, status: int = 409) -> None:
        super().__init__(status, str(message))


def lock_ledger() -> None:
    """Serialise every movement that lowers the balance (payments, reversals): the balance check, the numbering
    and the day totals then happen under one lock, so two payments can never both pass a check made for one.

    The lock is the first fund year's row (one row for the whole ledger: a balance spans fund years)."""
    first = db.session.scalar(select(FundYear.id).order_by(FundYear.id).limit(1))
    if first is not None:
        lock(FundYear, first)


# --- fund years, campaigns, categories ---

def year_bounds(label: int, start_month: int | None = None) -> tuple[dt.date, dt.date]:
    """First and last day of the fund year starting in ``label`` (start month from FUND_YEAR_START_MONTH)."""
    month = start_month or int(get_plugin_config("FUND_YEAR_START_MONTH", 1))
    start = dt.date(label, month, 1)
    end = dt.date(label + 1, month, 1) - dt.timedelta(days=1)
    return start, end


def year_for(day: dt.date) -> FundYear | None:
    return db.session.scalar(select(FundYear).where(FundYear.start <= day, FundYear.end >= day))


def current_year(today: dt.date | None = None) -> FundYear | None:
    """The fund year covering today, else the latest one."""
    return year_for(today or local_today()) or db.session.scalar(select(FundYear).order_by(FundYear.start.desc()))


def create_year(label: int, carried_in: int = 0, start_month: int | None = None) -> FundYear:
    """Add a fund year, its number counters and its peak-month campaign."""
    start, end = year_bounds(label, start_month)
    clash = db.session.scalar(
        select(FundYear).where(or_(FundYear.label == label, and_(FundYear.start <= end, FundYear.end >= start)))
    )
    if clash:
        raise FundError(_l("Fund year %(year)s overlaps an existing fund year.", year=label))
    year = FundYear(label=label, start=start, end=end, carried_in=carried_in)
    db.session.add(year)
    db.session.flush()
    db.session.add_all([Counter(fund_year_id=year.id, kind="receipt"), Counter(fund_year_id=year.id, kind="voucher")])
    for peak_year in (label, label + 1):
        p_start, p_end = dt.date(peak_year, *PEAK_START), dt.date(peak_year, *PEAK_END)
        if start <= p_start and p_end <= end:
            db.session.add(Campaign(fund_year_id=year.id, name=f"Tháng cao điểm “Vì người nghèo” năm {peak_year}",
                                    start=p_start, end=p_end, goal=0))
    db.session.flush()
    return year


def save_campaign(campaign: Campaign | None, name: str, start: dt.date, end: dt.date, goal: int) -> Campaign:
    if end < start:
        raise FundError(_l("The campaign must end after it starts."))
    year = year_for(start)
    if year is None or end > year.end:
        raise FundError(_l("The campaign must lie inside one fund year."))
    campaign = campaign or Campaign()
    campaign.fund_year_id, campaign.name, campaign.start, campaign.end, campaign.goal = year.id, name, start, end, goal
    db.session.add(campaign)
    db.session.flush()
    return campaign


def ensure_categories() -> None:
    """Seed the default spending categories once (names are data, in Vietnamese)."""
    if db.session.scalar(select(func.count(Category.id))):
        return
    for i, (name, kind) in enumerate(DEFAULT_CATEGORIES):
        db.session.add(Category(name=name, kind=kind, position=i))
    db.session.flush()


def campaign_for(day: dt.date) -> Campaign | None:
    return db.session.scalar(select(Campaign).where(Campaign.start <= day, Campaign.end >= day).order_by(Campaign.id))


# --- numbering ---

def next_number(fund_year_id: int, kind: str) -> int:
    """Take the next receipt/voucher number of a fund year inside the caller's transaction.

    The UPDATE locks the counter row (PostgreSQL) or the database (SQLite) until commit, so concurrent writers
    queue; a rolled-back transaction gives its number back. Numbers are therefore unique and gapless.
    """
    stmt = (
        update(Counter)
        .where(Counter.fund_year_id == fund_year_id, Counter.kind == kind)
        .values(last=Counter.last + 1)
        .returning(Counter.last)
    )
    number = db.session.execute(stmt).scalar_one_or_none()
    if number is None:
        raise FundError(_l("This fund year has no number counter."))
    return int(number)


def _year_or_error(day: dt.date) -> FundYear:
    year = year_for(day)
    if year is None:
        raise FundError(_l("No fund year covers %(day)s. Create the fund year first.", day=day.strftime("%d/%m/%Y")))
    return year


# --- contributions ---

def record_contribution(values: dict[str, Any], user_id: int | None) -> Contribution:
    """Receipt a gift: checks the values, takes the next receipt number and adds the entry (caller commits)."""
    if not values.get("donor_unit_id") and not (values.get("donor_name") or "").strip():
        raise FundError(_l("Choose a unit or enter the donor's name."))
    if values["method"] == "in_kind" and not (values.get("in_kind_description") or "").strip():
        raise FundError(_l("Describe the goods given in kind."))
    if not values.get("amount") or values["amount"] <= 0:
        raise FundError(_l("The amount must be greater than zero."))
    year = _year_or_error(values["date"])
    if not values.get("campaign_id"):
        campaign = campaign_for(values["date"])
        values["campaign_id"] = campaign.id if campaign else None
    number = next_number(year.id, "receipt")
    entry = Contribution(fund_year_id=year.id, number=number, recorded_by_id=user_id, **values)
    db.session.add(entry)
    db.session.flush()
    _bump_receipt(entry)
    return entry


def _bump_receipt(entry: Contribution) -> None:
    _bump("R", entry.date, entry.fund_year_id, entry.amount, donor_type=entry.donor_type, method=entry.method,
          campaign_id=entry.campaign_id)
    _bump_units(entry)


def _reversal_day(entry: Any, reason: str, day: dt.date | None, already: Any) -> tuple[dt.date, FundYear]:
    """Checks shared by both reversals (on the locked entry); return the reversal's date (default today) and its
    fund year."""
    if reversal_of(type(entry), entry.id) is not None:
        raise FundError(already)
    if not reason.strip():
        raise FundError(_l("Give the reason for the correction."))
    day = day or local_today()
    return day, _year_or_error(day)


def reverse_contribution(entry_id: int, reason: str, user_id: int | None, day: dt.date | None = None) -> Contribution:
    """Cancel a receipt by a linked negative entry with its own number; the original stays as it was.

    Under the ledger lock and the entry's lock, so a second reversal of the same receipt sees the first."""
    lock_ledger()
    entry = lock(Contribution, entry_id)
    if entry is None:
        raise FundError(_l("The receipt was not found."), 404)
    if entry.reverses_id is not None:
        raise FundError(_l("A reversing entry cannot itself be reversed."))
    day, year = _reversal_day(entry, reason, day, _l("This receipt has already been reversed."))
    number = next_number(year.id, "receipt")
    reversal = Contribution(
        fund_year_id=year.id, number=number, date=day, donor_unit_id=entry.donor_unit_id, donor_name=entry.donor_name,
        donor_address=entry.donor_address,
        donor_type=entry.donor_type, amount=-entry.amount, method=entry.method,
        in_kind_description=entry.in_kind_description, campaign_id=entry.campaign_id,
        mobilised_by_id=entry.mobilised_by_id, anonymous=entry.anonymous, recorded_by_id=user_id,
        reverses_id=entry.id, reason=reason.strip(),
    )
    db.session.add(reversal)
    db.session.flush()
    _bump_receipt(reversal)
    return reversal


# --- disbursements ---

def propose(values: dict[str, Any], user_id: int | None) -> Disbursement:
    if not values.get("amount") or values["amount"] <= 0:
        raise FundError(_l("The amount must be greater than zero."))
    item = Disbursement(state="proposed", proposed_by_id=user_id, proposed_at=utcnow(), **values)
    db.session.add(item)
    db.session.flush()
    return item


def _expect(item: Disbursement, state: str) -> None:
    if item.state != state:
        raise FundError(_l("This disbursement is %(state)s; the action is not possible.",
                           state=str(STATE_LABELS.get(item.state, item.state)).lower()))


def _locked(item_id: int) -> Disbursement:
    item = lock(Disbursement, item_id)
    if item is None:
        raise FundError(_l("The disbursement was not found."), 404)
    return item


def approve(item_id: int, user_id: int | None) -> Disbursement:
    item = _locked(item_id)
    _expect(item, "proposed")
    if get_plugin_config("FUND_SEPARATE_APPROVER", True) and user_id is not None and user_id == item.proposed_by_id:
        raise FundError(_l("The person who proposed a disbursement cannot approve it."))
    item.state, item.approved_by_id, item.approved_at = "approved", user_id, utcnow()
    db.session.flush()
    return item


def reject(item_id: int, user_id: int | None, reason: str) -> Disbursement:
    item = _locked(item_id)
    if item.state not in ("proposed", "approved"):
        _expect(item, "proposed")  # raises: paid and rejected disbursements stay as they are
    if not reason.strip():
        raise FundError(_l("Give the reason for the rejection."))
    item.state, item.approved_by_id, item.approved_at = "rejected", user_id, utcnow()
    item.note = ((item.note or "") + "\n" if item.note else "") + reason.strip()
    db.session.flush()
    return item


def pay(item_id: int, user_id: int | None, day: dt.date, at: dt.datetime | None = None) -> Disbursement:
    """Pay an approved disbursement: it gets the next voucher number of the fund year and becomes a ledger entry.

    The state check, the balance check, the number and the day total all happen under the ledger lock, so a
    second payment of the same disbursement is refused and two payments cannot overdraw the fund.
    ``at`` is when the payment was recorded (now, unless entering old vouchers)."""
    year = _year_or_error(day)
    lock_ledger()
    item = _locked(item_id)
    _expect(item, "approved")
    # Neither the balance on the payment's day nor the balance after every later entry may go below zero.
    balance = min(balance_on(day), balance_on(dt.date.max))
    if item.amount > balance:
        raise FundError(_l("The fund balance (%(balance)s) is too low for this payment.", balance=format_money(balance)))
    item.voucher_number = next_number(year.id, "voucher")
    item.state, item.paid_by_id, item.paid_at, item.paid_on, item.fund_year_id = "paid", user_id, at or utcnow(), day, year.id
    db.session.flush()
    _bump("C", day, year.id, item.amount, category_id=item.category_id)
    return item


def reverse_disbursement(item_id: int, reason: str, user_id: int | None, day: dt.date | None = None) -> Disbursement:
    """Cancel a payment (money returned) by a linked negative, paid entry with its own voucher number."""
    lock_ledger()
    item = _locked(item_id)
    if item.state != "paid" or item.reverses_id is not None:
        raise FundError(_l("Only a paid disbursement can be reversed."))
    day, year = _reversal_day(item, reason, day, _l("This payment has already been reversed."))
    now = utcnow()
    reversal = Disbursement(
        category_id=item.category_id, beneficiary=item.beneficiary, commune_id=item.commune_id, village=item.village,
        household_status=item.household_status, amount=-item.amount, purpose=item.purpose,
        decision_no=item.decision_no, state="paid", proposed_by_id=user_id, proposed_at=now, approved_by_id=user_id,
        approved_at=now, paid_by_id=user_id, paid_at=now, paid_on=day, fund_year_id=year.id,
        voucher_number=next_number(year.id, "voucher"), reverses_id=item.id, reason=reason.strip(),
    )
    db.session.add(reversal)
    db.session.flush()
    _bump("C", day, year.id, reversal.amount, category_id=reversal.category_id)
    return reversal


def attach(item: Disbursement, upload_id: int) -> None:
    db.session.add(Attachment(disbursement_id=item.id, upload_id=upload_id))


def reversal_of(model: type, entry_id: int) -> Any:
    return db.session.scalar(select(model).where(model.reverses_id == entry_id))


# --- totals: SQL sums over the day totals kept with every entry ---

KEY = ("day", "side", "donor_type", "method", "campaign_id", "category_id")


def _sum(column: Any) -> Any:
    return func.coalesce(func.sum(column), 0)


def _paid() -> Any:
    return Disbursement.state == "paid"


def _net() -> Any:
    """Receipts count up, payments down."""
    return _sum(case((DayTotal.side == "R", DayTotal.amount), else_=-DayTotal.amount))


def _upsert(table: Any, key: tuple[str, ...], values: dict[str, Any], added: tuple[str, ...]) -> None:
    """INSERT the row, or add ``added`` columns to the existing row with the same ``key`` (one statement)."""
    if db.session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as upsert
    else:
        from sqlalchemy.dialects.sqlite import insert as upsert
    stmt = upsert(table).values(**values)
    stmt = stmt.on_conflict_do_update(index_elements=list(key), set_={
        name: table.c[name] + stmt.excluded[name] for name in added})
    db.session.execute(stmt)


def _bump(side: str, day: dt.date, fund_year_id: int, amount: int, **key: Any) -> None:
    """Add one ledger entry to its day total (in the caller's transaction, after the number is taken)."""
    values = {"day": day, "side": side, "fund_year_id": fund_year_id, "donor_type": key.get("donor_type") or "",
              "method": key.get("method") or "", "campaign_id": key.get("campaign_id") or 0,
              "category_id": key.get("category_id") or 0, "entries": 1 if amount > 0 else -1, "lines": 1, "amount": amount}
    _upsert(DayTotal.__table__, KEY, values, ("entries", "lines", "amount"))


UNIT_KEY = ("unit_id", "role", "fund_year_id", "campaign_id")


def _bump_units(entry: Contribution) -> None:
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
    ).where(_paid()).group_by(d.paid_on, d.fund_year_id, d.category_id)
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


_TOTAL_COLUMNS = [*KEY[:2], "fund_year_id", *KEY[2:], "entries", "lines", "amount"]


def rebuild_day_totals() -> None:
    """Recompute the day and unit totals from the entries (after a bulk load; the entries are the source of truth)."""
    for table, columns, stmts in ((DayTotal.__table__, _TOTAL_COLUMNS, _raw_day_totals()),
                                  (UnitTotal.__table__, [*UNIT_KEY, "amount"], _raw_unit_totals())):
        db.session.execute(table.delete())
        for stmt in stmts:
            db.session.execute(table.insert().from_select(columns, stmt))


def day_totals_match() -> bool:
    """Whether the day and unit totals equal the sums of the entries (full scans: for checks, not for pages)."""
    def norm(rows: Any) -> set[tuple[Any, ...]]:
        return {tuple(int(v) if isinstance(v, (int, float)) or hasattr(v, "as_integer_ratio") else v for v in r)
                for r in rows if r[-1]}

    t, u = DayTotal, UnitTotal
    kept = norm(db.session.execute(select(t.day, t.side, t.fund_year_id, t.donor_type, t.method, t.campaign_id,
                                          t.category_id, t.entries, t.lines, t.amount)))
    kept_units = norm(db.session.execute(select(u.unit_id, u.role, u.fund_year_id, u.campaign_id, u.amount)))
    raw = norm(row for stmt in _raw_day_totals() for row in db.session.execute(stmt))
    raw_units = norm(row for stmt in _raw_unit_totals() for row in db.session.execute(stmt))
    return kept == raw and kept_units == raw_units


def balance_on(day: dt.date) -> int:
    """Balance at the end of ``day``: money carried in + receipts − payments up to and including it."""
    row = db.session.execute(
        select(
            select(_sum(FundYear.carried_in)).where(FundYear.start <= day).scalar_subquery(),
            select(_net()).where(DayTotal.day <= day).scalar_subquery(),
        )
    ).one()
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


def period_report(start: dt.date, end: dt.date) -> PeriodReport:
    """Opening, carried in, receipts by donor type and method, spending by category, closing: three SQL queries."""
    t = DayTotal
    row = db.session.execute(
        select(
            select(_sum(FundYear.carried_in)).where(FundYear.start <= start).scalar_subquery(),
            select(_sum(FundYear.carried_in)).where(FundYear.start > start, FundYear.start <= end).scalar_subquery(),
            select(_net()).where(t.day < start).scalar_subquery(),
            select(_sum(FundYear.carried_in)).where(FundYear.start <= end).scalar_subquery(),
            select(_net()).where(t.day <= end).scalar_subquery(),
        )
    ).one()
    report = PeriodReport(start=start, end=end, opening=int(row[0]) + int(row[2]), carried_in=int(row[1]),
                          closing=int(row[3]) + int(row[4]))
    by_type: dict[str, Line] = {k: Line(k, v) for k, v in DONOR_TYPE_LABELS.items()}
    by_method: dict[str, Line] = {k: Line(k, v) for k, v in METHOD_LABELS.items()}
    for dtype, method, count, amount in db.session.execute(
        select(t.donor_type, t.method, _sum(t.entries), _sum(t.amount))
        .where(t.side == "R", t.day >= start, t.day <= end)
        .group_by(t.donor_type, t.method)
    ):
        for line in (by_type.setdefault(dtype, Line(dtype, dtype)), by_method.setdefault(method, Line(method, method))):
            line.count += int(count)
            line.amount += int(amount)
    report.receipts, report.methods = list(by_type.values()), list(by_method.values())
    spent = (
        select(t.category_id, _sum(t.entries).label("n"), _sum(t.amount).label("amount"))
        .where(t.side == "C", t.day >= start, t.day <= end)
        .group_by(t.category_id)
        .subquery()
    )
    for cat_id, name, kind, count, amount in db.session.execute(
        select(Category.id, Category.name, Category.kind, spent.c.n, spent.c.amount)
        .outerjoin(spent, spent.c.category_id == Category.id)
        .order_by(Category.position, Category.id)
    ):
        line = Line(str(cat_id), name, int(count or 0), int(amount or 0))
        report.spending.append(line)
        if kind == "house":
            report.houses += line.count
        elif kind == "gift":
            report.gifts += line.count
    return report


def monthly(start: dt.date, end: dt.date) -> list[tuple[str, int, int]]:
    """(mm/yyyy, receipts, spending) for every month of the period, one GROUP BY query."""
    t = DayTotal
    year, month = func.extract("year", t.day), func.extract("month", t.day)
    sums: dict[tuple[int, int, str], int] = {
        (int(y), int(m), side): int(s)
        for y, m, side, s in db.session.execute(
            select(year, month, t.side, _sum(t.amount)).where(t.day >= start, t.day <= end).group_by(year, month, t.side)
        )
    }
    out = []
    y, m = start.year, start.month
    while (y, m) <= (end.year, end.month):
        out.append((f"{m:02d}/{y}", sums.get((y, m, "R"), 0), sums.get((y, m, "C"), 0)))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


@dataclass
class YearRow:
    year: FundYear
    opening: int
    receipts: int
    spending: int
    closing: int


def years_summary() -> list[YearRow]:
    """Every fund year with opening, receipts, spending and closing (two queries, any number of entries)."""
    years = list(db.session.scalars(select(FundYear).order_by(FundYear.start)))
    sums = {
        (year_id, side): int(total)
        for year_id, side, total in db.session.execute(
            select(DayTotal.fund_year_id, DayTotal.side, _sum(DayTotal.amount)).group_by(DayTotal.fund_year_id, DayTotal.side)
        )
    }
    out, balance = [], 0
    for year in years:
        opening = balance + year.carried_in
        r, s = sums.get((year.id, "R"), 0), sums.get((year.id, "C"), 0)
        balance = opening + r - s
        out.append(YearRow(year, opening, r, s, balance))
    return out


def campaign_totals(campaign_ids: list[int]) -> dict[int, int]:
    if not campaign_ids:
        return {}
    return {
        cid: int(total)
        for cid, total in db.session.execute(
            select(DayTotal.campaign_id, _sum(DayTotal.amount))
            .where(DayTotal.side == "R", DayTotal.campaign_id.in_(campaign_ids))
            .group_by(DayTotal.campaign_id)
        )
    }


# --- ledger ---

def _ledger_union(start: dt.date, end: dt.date) -> Any:
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
        .where(_paid(), d.paid_on >= start, d.paid_on <= end)
    )
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


def day_window(year: FundYear, page: int, size: int, side: str | None = None, campaign_id: int | None = None) -> Window:
    """Find, from the day totals (one small query), the days on which page ``page`` of the entries falls, newest
    first; pages then read and sort only those days instead of the whole year."""
    t = DayTotal
    stmt = select(t.day, _sum(t.lines)).where(t.fund_year_id == year.id).group_by(t.day).order_by(t.day.desc())
    if side:
        stmt = stmt.where(t.side == side)
    if campaign_id:
        stmt = stmt.where(t.campaign_id == campaign_id)
    per_day = [(day, int(n)) for day, n in db.session.execute(stmt) if int(n)]
    total = sum(n for _day, n in per_day)
    pages = max(1, -(-total // size))
    page = min(max(1, page), pages)
    offset, seen = (page - 1) * size, 0
    win = Window(total, page, pages)
    for day, n in per_day:
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


def ledger_page(year: FundYear, page: int, size: int) -> LedgerPage:
    """One page of a fund year's ledger, newest first, with the balance after each entry (five queries).

    The balance after the page's newest entry is the balance at the end of its day minus the entries of that day
    listed above it; nothing sorts or sums the whole year.
    """
    win = day_window(year, page, size)
    rows: list[dict[str, Any]] = []
    if win.newest is not None:
        led = _ledger_union(win.oldest, win.newest)
        rows = [dict(r) for r in window_rows(select(led), led.c.day, win, size, led.c.kind.desc(), led.c.id.desc())]
    closing = balance_on(min(year.end, local_today()))  # never a balance of days still to come
    if rows:
        top = rows[0]
        same_day = _ledger_union(top["day"], top["day"])
        above = db.session.scalar(select(_sum(same_day.c.signed)).where(or_(
            same_day.c.kind > top["kind"], and_(same_day.c.kind == top["kind"], same_day.c.id > top["id"]))))
        balance = balance_on(top["day"]) - int(above or 0)
        for row in rows:
            row["balance"] = balance
            row["code"] = f"{year.label}/{row['number']:06d}"
            balance -= int(row["signed"])
    return LedgerPage(rows, win.total, win.page, win.pages, closing)


def ledger_rows(start: dt.date, end: dt.date, reveal_anonymous: bool = False) -> list[tuple[Any, ...]]:
    """Every entry of a period in date order for the Excel export: (date, kind, number, who, receipt, payment).

    An anonymous donor's name is given only with ``reveal_anonymous`` (the fund.confidential permission).
    """
    led = _ledger_union(start, end)
    out = []
    for r in db.session.execute(select(led, FundYear.label).join(FundYear, and_(FundYear.start <= led.c.day,
                                                                                    FundYear.end >= led.c.day))
                                .order_by(led.c.day, led.c.kind.desc(), led.c.id)).mappings():
        signed = int(r["signed"])
        who = str(_l("Anonymous benefactor")) if r["anonymous"] and not reveal_anonymous else r["who"]
        out.append((r["day"], r["kind"], f"{r['label']}/{r['number']:06d}", who,
                    signed if r["kind"] == "R" else None, -signed if r["kind"] == "C" else None))
    return out


# --- units: pledges, leaderboard, evidence ---

def _unit_where(campaign: Campaign | None, year: FundYear | None) -> list[Any]:
    if campaign:
        return [UnitTotal.campaign_id == campaign.id]
    return [UnitTotal.fund_year_id == year.id] if year else []


def leaderboard(campaign: Campaign | None, year: FundYear | None, limit: int = 100) -> list[dict[str, Any]]:
    """Per unit: contributed (as donor) and mobilised (as credited unit), from the unit totals in one query."""
    u = UnitTotal
    given = _sum(case((u.role == "given", u.amount), else_=0))
    raised = _sum(case((u.role == "raised", u.amount), else_=0))
    stmt = (
        select(Unit.id, Unit.name, given.label("given"), raised.label("raised"))
        .join(u, u.unit_id == Unit.id)
        .where(*_unit_where(campaign, year))
        .group_by(Unit.id, Unit.name)
        .order_by((given + raised).desc(), Unit.name)
        .limit(limit)
    )
    return [dict(r) for r in db.session.execute(stmt).mappings()]


def pledge_rows(campaign: Campaign, scope: Any) -> list[dict[str, Any]]:
    """Pledges of a campaign with paid (given or mobilised by the unit) and remaining, one query."""
    paid = (
        select(_sum(UnitTotal.amount))
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
        select(UnitTotal.role, _sum(UnitTotal.amount)).where(UnitTotal.unit_id == unit_id, *_unit_where(None, year))
        .group_by(UnitTotal.role)
    ).all())
    return int(sums.get("given", 0)), int(sums.get("raised", 0))


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
        .where(_paid(), d.fund_year_id == year.id)
    )


def by_commune_category(year: FundYear) -> tuple[list[Any], list[tuple[str, dict[int, int], int, int]]]:
    """Paid support of a fund year as a commune × category table: (categories, [(commune, {cat: amount}, count, total)])."""
    d = Disbursement
    cats = list(db.session.scalars(select(Category).order_by(Category.position, Category.id)))
    table: dict[str, tuple[dict[int, int], list[int]]] = {}
    for commune, cat_id, count, amount in db.session.execute(
        select(Unit.name, d.category_id, func.sum(case((d.amount > 0, 1), else_=-1)), _sum(d.amount))
        .join(Unit, Unit.id == d.commune_id)
        .where(_paid(), d.fund_year_id == year.id)
        .group_by(Unit.name, d.category_id)
    ):
        cells, sums = table.setdefault(commune, ({}, [0, 0]))
        cells[cat_id] = int(amount)
        sums[0] += int(count)
        sums[1] += int(amount)
    rows = [(name, cells, sums[0], sums[1]) for name, (cells, sums) in table.items()]
    rows.sort(key=lambda r: vi_sort_key(r[0]))
    return cats, rows


def pending_approval() -> int:
    return int(db.session.scalar(select(func.count(Disbursement.id)).where(Disbursement.state == "proposed")) or 0)


__all__ = ["FundError", "LedgerLocked"]
