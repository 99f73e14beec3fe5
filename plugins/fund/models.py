"""Fund tables: fund years, campaigns, contributions (receipts), pledges, disbursements (vouchers).

Money is integer đồng in BigInteger columns. Contributions and paid disbursements are ledger entries:
never updated or deleted once written (see ``services.guard_ledger``); a correction is a new entry with
the opposite sign that points at the original through ``reverses_id``.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, Boolean, CheckConstraint, Date, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy import UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.toolkit import Audited, Unit, Upload, User, db, utcnow

DONOR_TYPES = ("agency", "enterprise", "organisation", "household", "person")
METHODS = ("cash", "transfer", "in_kind")
HOUSEHOLD_STATUSES = ("poor", "near_poor", "other")
STATES = ("proposed", "approved", "paid", "rejected")
CATEGORY_KINDS = ("house", "gift", "other")  # what the period report counts


def _sign_rule(table: str) -> CheckConstraint:
    """Entries are positive; only a reversal (which points at its original) is negative."""
    return CheckConstraint("(reverses_id IS NULL AND amount > 0) OR (reverses_id IS NOT NULL AND amount < 0)",
                           name=f"ck_{table}_sign")


class FundYear(Audited, db.Model):
    """A fund year: ``label`` is the year it starts in; ``carried_in`` is money brought in from outside the ledger
    (e.g. the balance when the portal started), counted on ``start``."""

    __tablename__ = "fund_year"
    id: Mapped[int] = mapped_column(primary_key=True)
    label: Mapped[int] = mapped_column(Integer, unique=True)
    start: Mapped[dt.date] = mapped_column(Date)
    end: Mapped[dt.date] = mapped_column(Date)
    carried_in: Mapped[int] = mapped_column(BigInteger, default=0)

    @property
    def name(self) -> str:
        return str(self.label)


class Counter(db.Model):
    """Last document number used per fund year and kind ("receipt" / "voucher"); bumped inside the writing
    transaction so numbers are unique and gapless."""

    __tablename__ = "fund_counter"
    fund_year_id: Mapped[int] = mapped_column(ForeignKey("fund_year.id", ondelete="CASCADE"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(10), primary_key=True)
    last: Mapped[int] = mapped_column(Integer, default=0)


class DayTotal(db.Model):
    """Receipts (side "R") or payments (side "C") of one day, per donor type, method, campaign and category.

    Kept in the same transaction as every ledger entry (the ledger is append-only, so adding is exact); balances
    and reports sum these few rows instead of millions of entries. ``services.rebuild_day_totals`` recomputes
    them from the entries (after a bulk load) and ``services.day_totals_match`` checks them.
    """

    __tablename__ = "fund_day_total"
    __table_args__ = (
        UniqueConstraint("day", "side", "donor_type", "method", "campaign_id", "category_id", name="uq_fund_day_total_key"),
        # a campaign's total reads only the campaigns' rows (most rows have none: 0), whatever the statistics say
        Index("ix_fund_day_total_campaign", "campaign_id", "side", "amount",
              sqlite_where=text("campaign_id != 0"), postgresql_where=text("campaign_id != 0")),
        # a period's sums by donor type and method, or by category, read the index alone
        Index("ix_fund_day_total_period", "side", "day", "donor_type", "method", "category_id", "entries", "amount"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[dt.date] = mapped_column(Date)
    side: Mapped[str] = mapped_column(String(1))
    fund_year_id: Mapped[int] = mapped_column(ForeignKey("fund_year.id"), index=True)
    donor_type: Mapped[str] = mapped_column(String(20), default="")
    method: Mapped[str] = mapped_column(String(10), default="")
    campaign_id: Mapped[int] = mapped_column(Integer, default=0, index=True)  # 0: none (no FK: no NULLs in the key)
    category_id: Mapped[int] = mapped_column(Integer, default=0)
    entries: Mapped[int] = mapped_column(Integer, default=0)  # gifts or payments, minus their reversals
    lines: Mapped[int] = mapped_column(Integer, default=0)  # ledger lines, reversals included
    amount: Mapped[int] = mapped_column(BigInteger, default=0)


class YearTotal(db.Model):
    """Receipts or payments of one fund year per donor type, method and category, kept with every entry like the
    day totals: the report of whole fund years (the public page, a past year's report) sums these few rows rather
    than a year of day totals."""

    __tablename__ = "fund_year_total"
    __table_args__ = (
        UniqueConstraint("fund_year_id", "side", "donor_type", "method", "category_id", name="uq_fund_year_total_key"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    fund_year_id: Mapped[int] = mapped_column(ForeignKey("fund_year.id"))
    side: Mapped[str] = mapped_column(String(1))
    donor_type: Mapped[str] = mapped_column(String(20), default="")
    method: Mapped[str] = mapped_column(String(10), default="")
    category_id: Mapped[int] = mapped_column(Integer, default=0)
    entries: Mapped[int] = mapped_column(Integer, default=0)
    amount: Mapped[int] = mapped_column(BigInteger, default=0)


class DayNet(db.Model):
    """One row per day with an entry: what came in and went out, and how many ledger lines (reversals included).

    Kept with every entry like the day totals, of which it is the sum per day: balances, year sums and the pages'
    day windows read a few hundred rows a year instead of the day totals' thousands."""

    __tablename__ = "fund_day_net"
    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    fund_year_id: Mapped[int] = mapped_column(ForeignKey("fund_year.id"), index=True)
    received: Mapped[int] = mapped_column(BigInteger, default=0)
    spent: Mapped[int] = mapped_column(BigInteger, default=0)
    receipt_lines: Mapped[int] = mapped_column(Integer, default=0)
    payment_lines: Mapped[int] = mapped_column(Integer, default=0)


class CommuneTotal(db.Model):
    """Support paid per fund year, commune and category (households supported, minus reversals, and amount): the
    public commune × category table, kept with every payment."""

    __tablename__ = "fund_commune_total"
    __table_args__ = (UniqueConstraint("fund_year_id", "commune_id", "category_id", name="uq_fund_commune_total_key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    fund_year_id: Mapped[int] = mapped_column(ForeignKey("fund_year.id"))
    commune_id: Mapped[int] = mapped_column(ForeignKey("directory_unit.id"))
    category_id: Mapped[int] = mapped_column(ForeignKey("fund_category.id"))
    entries: Mapped[int] = mapped_column(Integer, default=0)
    amount: Mapped[int] = mapped_column(BigInteger, default=0)


class UnitTotal(db.Model):
    """What a unit gave ("given", as donor) or raised ("raised", as the credited mobiliser of someone else's gift)
    per fund year and campaign; kept with every receipt like the day totals (leaderboard, pledges, evidence)."""

    __tablename__ = "fund_unit_total"
    __table_args__ = (UniqueConstraint("unit_id", "role", "fund_year_id", "campaign_id", name="uq_fund_unit_total_key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("directory_unit.id"))
    role: Mapped[str] = mapped_column(String(6))
    fund_year_id: Mapped[int] = mapped_column(ForeignKey("fund_year.id"))
    campaign_id: Mapped[int] = mapped_column(Integer, default=0)
    amount: Mapped[int] = mapped_column(BigInteger, default=0)


class Campaign(Audited, db.Model):
    __tablename__ = "fund_campaign"
    id: Mapped[int] = mapped_column(primary_key=True)
    fund_year_id: Mapped[int] = mapped_column(ForeignKey("fund_year.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    start: Mapped[dt.date] = mapped_column(Date)
    end: Mapped[dt.date] = mapped_column(Date)
    goal: Mapped[int] = mapped_column(BigInteger, default=0)
    fund_year: Mapped[FundYear] = relationship(lazy="joined")


class Contribution(Audited, db.Model):
    """A receipted gift (positive) or the reversal of one (negative, ``reverses_id`` set)."""

    __tablename__ = "fund_contribution"
    __table_args__ = (
        UniqueConstraint("fund_year_id", "number", name="uq_fund_contribution_number"),
        _sign_rule("fund_contribution"),
        Index("ix_fund_contribution_year_date", "fund_year_id", "date", "id"),
        Index("ix_fund_contribution_date", "date"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    fund_year_id: Mapped[int] = mapped_column(ForeignKey("fund_year.id"))
    number: Mapped[int] = mapped_column(Integer)
    date: Mapped[dt.date] = mapped_column(Date)
    donor_unit_id: Mapped[int | None] = mapped_column(ForeignKey("directory_unit.id"), index=True)
    donor_name: Mapped[str | None] = mapped_column(String(200))
    donor_address: Mapped[str | None] = mapped_column(String(300))  # printed on the receipt (form C40-BB)
    donor_type: Mapped[str] = mapped_column(String(20))
    amount: Mapped[int] = mapped_column(BigInteger)
    method: Mapped[str] = mapped_column(String(10))
    in_kind_description: Mapped[str | None] = mapped_column(String(300))
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("fund_campaign.id"), index=True)
    mobilised_by_id: Mapped[int | None] = mapped_column(ForeignKey("directory_unit.id"), index=True)
    anonymous: Mapped[bool] = mapped_column(Boolean, default=False)
    note: Mapped[str | None] = mapped_column(Text)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("portal_user.id"))
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    reverses_id: Mapped[int | None] = mapped_column(ForeignKey("fund_contribution.id"), unique=True)
    reason: Mapped[str | None] = mapped_column(String(500))

    fund_year: Mapped[FundYear] = relationship(lazy="joined")
    donor_unit: Mapped[Unit | None] = relationship(foreign_keys=[donor_unit_id], lazy="joined")
    mobilised_by: Mapped[Unit | None] = relationship(foreign_keys=[mobilised_by_id], lazy="joined")
    campaign: Mapped[Campaign | None] = relationship(lazy="joined")
    recorded_by: Mapped[User | None] = relationship(lazy="joined")
    reverses: Mapped[Contribution | None] = relationship(remote_side=[id], foreign_keys=[reverses_id])

    @property
    def code(self) -> str:
        return f"{self.fund_year.label}/{self.number:06d}"

    @property
    def donor(self) -> str:
        return self.donor_unit.name if self.donor_unit else (self.donor_name or "")


class Pledge(Audited, db.Model):
    """What a unit promised to raise in a campaign (paid is computed from contributions)."""

    __tablename__ = "fund_pledge"
    __table_args__ = (UniqueConstraint("campaign_id", "unit_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("fund_campaign.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("directory_unit.id"), index=True)
    amount: Mapped[int] = mapped_column(BigInteger)
    campaign: Mapped[Campaign] = relationship(lazy="joined")
    unit: Mapped[Unit] = relationship(lazy="joined")


class Category(Audited, db.Model):
    """A spending category (configurable list)."""

    __tablename__ = "fund_category"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    kind: Mapped[str] = mapped_column(String(10), default="other")
    position: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Disbursement(Audited, db.Model):
    """Support to a household: proposed → approved → paid (or rejected). Paid ones are ledger entries."""

    __tablename__ = "fund_disbursement"
    __table_args__ = (
        UniqueConstraint("fund_year_id", "voucher_number", name="uq_fund_disbursement_voucher"),
        _sign_rule("fund_disbursement"),
        Index("ix_fund_disbursement_paid", "state", "paid_on"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("fund_category.id"), index=True)
    beneficiary: Mapped[str] = mapped_column(String(200))
    commune_id: Mapped[int] = mapped_column(ForeignKey("directory_unit.id"), index=True)
    village: Mapped[str] = mapped_column(String(120), default="")
    household_status: Mapped[str] = mapped_column(String(10), default="poor")
    amount: Mapped[int] = mapped_column(BigInteger)
    purpose: Mapped[str] = mapped_column(String(500))
    decision_no: Mapped[str | None] = mapped_column(String(80))
    note: Mapped[str | None] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(10), default="proposed")
    proposed_by_id: Mapped[int | None] = mapped_column(ForeignKey("portal_user.id"))
    proposed_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("portal_user.id"))
    approved_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    paid_by_id: Mapped[int | None] = mapped_column(ForeignKey("portal_user.id"))
    paid_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    paid_on: Mapped[dt.date | None] = mapped_column(Date)
    fund_year_id: Mapped[int | None] = mapped_column(ForeignKey("fund_year.id"))
    voucher_number: Mapped[int | None] = mapped_column(Integer)
    reverses_id: Mapped[int | None] = mapped_column(ForeignKey("fund_disbursement.id"), unique=True)
    reason: Mapped[str | None] = mapped_column(String(500))

    category: Mapped[Category] = relationship(lazy="joined")
    commune: Mapped[Unit] = relationship(lazy="joined")
    fund_year: Mapped[FundYear | None] = relationship(lazy="joined")
    proposed_by: Mapped[User | None] = relationship(foreign_keys=[proposed_by_id], lazy="joined")
    approved_by: Mapped[User | None] = relationship(foreign_keys=[approved_by_id], lazy="joined")
    paid_by: Mapped[User | None] = relationship(foreign_keys=[paid_by_id], lazy="joined")
    reverses: Mapped[Disbursement | None] = relationship(remote_side=[id], foreign_keys=[reverses_id])

    @property
    def code(self) -> str:
        if self.voucher_number is None or self.fund_year is None:
            return ""
        return f"{self.fund_year.label}/{self.voucher_number:06d}"


class Attachment(db.Model):
    """A file (decision, photo of the house, signed voucher) attached to a disbursement."""

    __tablename__ = "fund_attachment"
    id: Mapped[int] = mapped_column(primary_key=True)
    disbursement_id: Mapped[int] = mapped_column(ForeignKey("fund_disbursement.id"), index=True)
    upload_id: Mapped[int] = mapped_column(ForeignKey("portal_upload.id"))
    upload: Mapped[Upload] = relationship(lazy="joined")


class LedgerLocked(RuntimeError):
    """Raised when code tries to change or delete a ledger entry (a receipt or a paid disbursement)."""


@db.event.listens_for(Contribution, "before_update")
def _contribution_update(mapper, connection, target) -> None:  # type: ignore[no-untyped-def]
    raise LedgerLocked(f"contribution {target.id} is receipted and cannot be changed")


@db.event.listens_for(Contribution, "before_delete")
def _contribution_delete(mapper, connection, target) -> None:  # type: ignore[no-untyped-def]
    raise LedgerLocked(f"contribution {target.id} is receipted and cannot be deleted")


@db.event.listens_for(Disbursement, "before_update")
def _disbursement_update(mapper, connection, target) -> None:  # type: ignore[no-untyped-def]
    history = db.inspect(target).attrs.state.history
    if "paid" in (history.deleted or ()) or (target.state == "paid" and not history.has_changes()):
        raise LedgerLocked(f"disbursement {target.id} is paid and cannot be changed")


@db.event.listens_for(Disbursement, "before_delete")
def _disbursement_delete(mapper, connection, target) -> None:  # type: ignore[no-untyped-def]
    if target.state == "paid":
        raise LedgerLocked(f"disbursement {target.id} is paid and cannot be deleted")
