"""Seeding through the plugins' own services and direct database checks, in the test process.

Every function takes the seeding app (``seed_app`` fixture: the same code and database as the server) and works in
its own app context, committing what it creates, so the gunicorn workers see it at once.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from flask import Flask
from sqlalchemy import case, func, select

from portal.extensions import db

from tests.concurrency.client import PASSWORD


@contextmanager
def ctx(app: Flask) -> Iterator[None]:
    with app.app_context():
        from portal.audit import set_cli_actor

        set_cli_actor("concurrency-test")
        try:
            yield
        finally:
            db.session.remove()


# --- core -----------------------------------------------------------------------------------------------------------

def unit(app: Flask, name: str, code: str, kind: str = "commune") -> int:
    from portal.i18n import fold
    from portal.models import Unit

    with ctx(app):
        u = Unit(code=code, name=name, search_name=fold(name), kind=kind)
        db.session.add(u)
        db.session.commit()
        return u.id


def user(app: Flask, username: str, roles: list[str], unit_id: int | None = None, full_name: str | None = None,
         password: str = PASSWORD, email: str | None = None) -> int:
    from portal.models import Role, User

    with ctx(app):
        u = User(username=username, full_name=full_name or username.title(), unit_id=unit_id, email=email)
        u.set_password(password)
        u.roles = list(db.session.scalars(select(Role).where(Role.code.in_(roles))))
        assert len(u.roles) == len(roles), roles
        db.session.add(u)
        db.session.commit()
        return u.id


# --- fund -----------------------------------------------------------------------------------------------------------

def local_today() -> dt.date:
    """Today where the portal is (Asia/Ho_Chi_Minh); the server may use UTC or local, so years around it exist."""
    return (dt.datetime.now(dt.timezone.utc) + dt.timedelta(hours=7)).date()


@dataclass
class Fund:
    commune: int
    house: int  # category id
    years: dict[int, int]  # label -> id


def fund(app: Flask, carried_in: int = 0) -> Fund:
    """Fund years around today (the forms default to today, in UTC or local time) with ``carried_in`` brought in
    the year before, and the default categories."""
    from plugins.fund.services.years import create_year, ensure_categories
    from plugins.fund.models import Category

    commune = unit(app, "Xã Bản Bo", "xa-ban-bo")
    today = local_today()
    with ctx(app):
        ensure_categories()
        years = {}
        for label in (today.year - 1, today.year, today.year + 1):
            years[label] = create_year(label, carried_in=carried_in if label == today.year - 1 else 0).id
        db.session.commit()
        house = db.session.scalar(select(Category.id).where(Category.kind == "house"))
        return Fund(commune, house, years)


def contribution(app: Flask, amount: int, day: dt.date | None = None, donor: str = "Nguyễn Văn Hùng") -> int:
    from plugins.fund.services.entries import record_contribution

    with ctx(app):
        entry = record_contribution({"date": day or local_today(), "amount": amount, "donor_name": donor,
                                        "donor_type": "person", "method": "cash"}, None)
        db.session.commit()
        return entry.id


def disbursement(app: Flask, f: Fund, amount: int, state: str = "approved", beneficiary: str = "Lò Văn Xương") -> int:
    from plugins.fund.services.entries import pay, propose

    with ctx(app):
        item = propose({"amount": amount, "category_id": f.house, "commune_id": f.commune,
                           "beneficiary": beneficiary, "village": "Bản Nà Khum", "purpose": "Hỗ trợ làm nhà"}, None)
        if state in ("approved", "paid"):  # approved as the approve service leaves it (no lock needed here)
            from portal.models import utcnow

            item.state, item.approved_at = "approved", utcnow()
            db.session.flush()
        if state == "paid":
            pay(_ref(pay, item), None, safe_day())
        db.session.commit()
        return item.id


def _ref(fn: Callable[..., Any], row: Any) -> Any:
    """The row or its id, whichever the service takes (services that lock take the id)."""
    import inspect

    first = next(iter(inspect.signature(fn).parameters))
    return row.id if first.endswith("_id") else row


@dataclass
class Ledger:
    """The fund as the database holds it: raw entries, counters, day totals and year totals."""

    carried_in: int
    receipts: int  # sum of contribution amounts (reversals negative)
    payments: int  # sum of paid disbursement amounts (reversals negative)
    day_r: int  # sum of day totals, receipt side
    day_c: int
    n_receipts: int
    n_paid: int
    counters: dict[tuple[int, str], int]
    numbers: dict[tuple[int, str], list[int]]
    totals_match: bool
    half_paid: list[int] = field(default_factory=list)  # paid disbursements without voucher/year/date
    #: (fund year label, side "R"/"C") -> (entries, amount): kept in fund_year_total / summed from the entries
    year_totals: dict[tuple[int, str], tuple[int, int]] = field(default_factory=dict)
    year_entries: dict[tuple[int, str], tuple[int, int]] = field(default_factory=dict)

    def year(self, label: int, side: str) -> tuple[int, int]:
        """(entries, amount) the year totals keep for one fund year and side."""
        return self.year_totals.get((label, side), (0, 0))

    @property
    def balance(self) -> int:
        return self.carried_in + self.receipts - self.payments

    @property
    def day_balance(self) -> int:
        return self.carried_in + self.day_r - self.day_c

    def problems(self) -> list[str]:
        """Everything that must hold after any case: day and year totals = ledger, gapless numbers, no half
        record."""
        out = []
        if not self.totals_match:
            out.append("kept totals (day, year, unit, commune, day net) do not match the entries "
                       "(day_totals_match() is False)")
        if (self.day_r, self.day_c) != (self.receipts, self.payments):
            out.append(f"day totals R/C {self.day_r}/{self.day_c} != ledger {self.receipts}/{self.payments}")
        for key, last in self.counters.items():
            nums = self.numbers.get(key, [])
            if nums != list(range(1, last + 1)):
                missing = sorted(set(range(1, last + 1)) - set(nums))
                dup = sorted({n for n in nums if nums.count(n) > 1})
                out.append(f"{key[1]} numbers of year {key[0]} not gapless: counter {last}, "
                           f"{len(nums)} used, missing {missing[:10]}, duplicated {dup[:10]}")
        if self.half_paid:
            out.append(f"paid disbursements without voucher number/date: {self.half_paid}")
        for key in sorted(set(self.year_totals) | set(self.year_entries)):
            kept, raw = self.year_totals.get(key, (0, 0)), self.year_entries.get(key, (0, 0))
            if kept != raw:
                out.append(f"year totals of {key[0]} side {key[1]} keep {kept[0]} entries / {kept[1]} đồng, "
                           f"the entries are {raw[0]} / {raw[1]} (a lost or doubled update)")
        return out


def ledger(app: Flask) -> Ledger:
    from plugins.fund.services.totals import day_totals_match
    from plugins.fund.models import Contribution, Counter, DayTotal, Disbursement, FundYear, YearTotal

    def s(col: Any, *where: Any) -> int:
        return int(db.session.scalar(select(func.coalesce(func.sum(col), 0)).where(*where)) or 0)

    with ctx(app):
        c, d, t = Contribution, Disbursement, DayTotal
        labels = dict(db.session.execute(select(FundYear.id, FundYear.label)).all())
        counters = {(labels[y], k): last for y, k, last in db.session.execute(
            select(Counter.fund_year_id, Counter.kind, Counter.last))}
        numbers: dict[tuple[int, str], list[int]] = {}
        for y, n in db.session.execute(select(c.fund_year_id, c.number).order_by(c.number)):
            numbers.setdefault((labels[y], "receipt"), []).append(n)
        for y, n in db.session.execute(select(d.fund_year_id, d.voucher_number).where(d.state == "paid")
                                       .order_by(d.voucher_number)):
            if y is not None and n is not None:
                numbers.setdefault((labels[y], "voucher"), []).append(n)
        half = list(db.session.scalars(select(d.id).where(d.state == "paid", (d.voucher_number.is_(None))
                                                          | d.fund_year_id.is_(None) | d.paid_on.is_(None))))
        # per fund year and side, straight from the entries (a reversal counts one entry down) and as kept
        year_entries: dict[tuple[int, str], tuple[int, int]] = {}
        for side, model, *where in (("R", c), ("C", d, d.state == "paid")):
            for y, n, amount in db.session.execute(
                    select(model.fund_year_id, func.sum(case((model.amount > 0, 1), else_=-1)), func.sum(model.amount))
                    .where(*where).group_by(model.fund_year_id)):
                year_entries[(labels[y], side)] = (int(n), int(amount))
        y = YearTotal
        year_totals = {(labels[yid], side): (int(n), int(amount)) for yid, side, n, amount in db.session.execute(
            select(y.fund_year_id, y.side, func.sum(y.entries), func.sum(y.amount)).group_by(y.fund_year_id, y.side))}
        return Ledger(
            carried_in=s(FundYear.carried_in), receipts=s(c.amount), payments=s(d.amount, d.state == "paid"),
            day_r=s(t.amount, t.side == "R"), day_c=s(t.amount, t.side == "C"),
            n_receipts=int(db.session.scalar(select(func.count(c.id))) or 0),
            n_paid=int(db.session.scalar(select(func.count(d.id)).where(d.state == "paid")) or 0),
            counters=counters, numbers=numbers, totals_match=day_totals_match(), half_paid=half,
            year_totals={k: v for k, v in year_totals.items() if v != (0, 0)},
            year_entries={k: v for k, v in year_entries.items() if v != (0, 0)},
        )


def fund_row(app: Flask, model: str, ident: int) -> dict[str, Any]:
    from plugins.fund import models

    with ctx(app):
        row = db.session.get(getattr(models, model), ident)
        return {c.key: getattr(row, c.key) for c in row.__table__.columns} if row else {}


# --- reports --------------------------------------------------------------------------------------------------------

def report_period(app: Any) -> dict[str, Any]:
    """A form (two required integers with a rule, a long text), an open period assigned to nothing yet."""
    from plugins.reports.models import FormField, FormRule, FormVersion, Period, ReportForm

    today = local_today()
    with ctx(app):
        form = ReportForm(name="Báo cáo kết quả giảm nghèo")
        version = FormVersion(number=1)
        form.versions.append(version)
        for i, (key, kind, label, required) in enumerate([
            ("poor", "integer", "Số hộ nghèo đầu năm", True),
            ("escaped", "integer", "Số hộ thoát nghèo", True),
            ("note", "longtext", "Khó khăn, vướng mắc", False),
        ], start=1):
            version.fields.append(FormField(position=i, key=key, label=label, kind=kind, required=required,
                                            min_value="0" if kind == "integer" else None))
        version.rules.append(FormRule(left="escaped", operator="<=", right="poor",
                                      message="Số hộ thoát nghèo không được lớn hơn số hộ nghèo đầu năm."))
        db.session.add(form)
        db.session.flush()
        period = Period(name=f"Báo cáo năm {today.year}", kind="annual", year=today.year, version_id=version.id,
                        opens_on=today - dt.timedelta(days=30), deadline=today + dt.timedelta(days=30),
                        late_policy="accept")
        db.session.add(period)
        db.session.commit()
        return {"period": period.id}


def report_unit(app: Any, period_id: int, n: int, reporters: int = 2) -> tuple[int, list[str]]:
    """A new commune assigned to the period, with ``reporters`` unit reporters; return (unit id, usernames)."""
    from plugins.reports.models import PeriodUnit

    unit_id = unit(app, f"Xã Thử {n}", f"xa-thu-{n}")
    with ctx(app):
        db.session.add(PeriodUnit(period_id=period_id, unit_id=unit_id))
        db.session.commit()
    names = [f"baocao{n}-{i}" for i in range(reporters)]
    for name in names:
        user(app, name, ["unit_reporter"], unit_id=unit_id)
    return unit_id, names


def report_state(app: Any, period_id: int, unit_id: int) -> tuple[str | None, dict[str, Any], dict[str, Any] | None]:
    """(state, values, values of the latest revision) of a unit's report."""
    from plugins.reports.models import Revision, Submission

    with ctx(app):
        sub = db.session.scalar(select(Submission).where(Submission.period_id == period_id,
                                                         Submission.unit_id == unit_id))
        if sub is None:
            return None, {}, None
        rev = db.session.scalar(select(Revision).where(Revision.submission_id == sub.id)
                                .order_by(Revision.number.desc()))
        return sub.state, dict(sub.values or {}), (dict(rev.values or {}) if rev else None)


# --- fund: dates and pages ------------------------------------------------------------------------------------------

def safe_day() -> dt.date:
    """A date that is today or earlier both in UTC and in Vietnam: entries dated so count on the server's today."""
    return min(dt.datetime.now(dt.timezone.utc).date(), local_today())


_MONEY = r"(-?−?[\d.]+)\s*đồng"


def _amount(text: str) -> int:
    return int(text.replace(".", "").replace("−", "-"))


def page_balance_problems(base: str, app: Flask, viewer: Any = None) -> list[str]:
    """The balance every page shows equals the ledger's: the public page's year table (closing of the last fund
    year) and, for a logged-in ``viewer`` client, the dashboard widget's "balance today"."""
    import re

    from tests.concurrency.client import Client

    led = ledger(app)
    out = []
    page = Client(base, "public").get("/fund/public")
    rows = re.findall(r'year=(\d+)">\d+</a></td>(.*?)</tr>', page.body, flags=re.S)
    if page.status != 200 or not rows:
        return [f"public page: {page!r}"]
    closing = {int(label): [_amount(a) for a in re.findall(_MONEY, cells)] for label, cells in rows}
    last = max(closing)
    if not closing[last] or closing[last][-1] != led.balance:
        out.append(f"public page: closing of {last} is {closing[last][-1:]} but the ledger says {led.balance}")
    if viewer is not None:
        widget = viewer.get("/fund/widget", hx=True)
        shown = re.findall(_MONEY, widget.body)
        if widget.status != 200 or not shown or _amount(shown[0]) != led.balance:
            out.append(f"dashboard widget: balance today {shown[:1]} but the ledger says {led.balance}")
    return out
