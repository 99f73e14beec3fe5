"""Fund years, campaigns, spending categories, the ledger lock and the gapless numbering."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import and_, func, or_, select, update

from portal.toolkit import Refused, _l, db, get_plugin_config, local_today, lock

from ..models import Campaign, Category, Counter, FundYear


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
        raise Refused(422, _l("Fund year %(year)s overlaps an existing fund year.", year=label))
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
        raise Refused(422, _l("The campaign must end after it starts."))
    year = year_for(start)
    if year is None or end > year.end:
        raise Refused(422, _l("The campaign must lie inside one fund year."))
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
        raise Refused(409, _l("This fund year has no number counter."))
    return int(number)


def year_or_refuse(day: dt.date) -> FundYear:
    year = year_for(day)
    if year is None:
        raise Refused(422, _l("No fund year covers %(day)s. Create the fund year first.", day=day.strftime("%d/%m/%Y")))
    return year
