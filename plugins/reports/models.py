"""Tables of the report intake: versioned forms, periods with assigned units, submissions and their revisions."""
from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import text, JSON, Boolean, Date, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.toolkit import Audited, db, utcnow

FIELD_KINDS = ("integer", "decimal", "text", "longtext", "choice", "multichoice", "date", "file")
NUMERIC_KINDS = ("integer", "decimal")
RULE_OPERATORS = ("<=", "<", "=", ">=", ">", "!=")
STATES = ("draft", "submitted", "returned", "accepted")
LATE_POLICIES = ("accept", "lock")
PERIOD_KINDS = ("annual", "midterm", "final", "other")
#: How a field's values combine in the roll-up (DHIS2's aggregation type). "latest" takes each unit's value of the
#: latest period and sums them across units (a stock such as poor households at the end of the year).
NUMERIC_AGGREGATIONS = ("sum", "average", "min", "max", "latest", "none")
OTHER_AGGREGATIONS = ("count", "none")  # text and choices: how many answered / chose each option


class ReportForm(Audited, db.Model):
    """A report template (mẫu báo cáo); its fields live in numbered versions."""

    __tablename__ = "reports_form"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    versions: Mapped[list[FormVersion]] = relationship(
        back_populates="form", order_by="FormVersion.number", cascade="all, delete-orphan"
    )

    @property
    def latest(self) -> FormVersion:
        return self.versions[-1]


class FormVersion(Audited, db.Model):
    """One frozen-once-used set of fields and rules. Periods point at a version, never at the form."""

    __tablename__ = "reports_form_version"
    __table_args__ = (UniqueConstraint("form_id", "number"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    form_id: Mapped[int] = mapped_column(ForeignKey("reports_form.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    form: Mapped[ReportForm] = relationship(back_populates="versions")
    fields: Mapped[list[FormField]] = relationship(
        back_populates="version", order_by="FormField.position", cascade="all, delete-orphan", lazy="selectin"
    )
    rules: Mapped[list[FormRule]] = relationship(
        back_populates="version", order_by="FormRule.id", cascade="all, delete-orphan", lazy="selectin"
    )

    @property
    def label(self) -> str:
        return f"{self.form.name} (v{self.number})"


class FormField(Audited, db.Model):
    __tablename__ = "reports_form_field"
    __table_args__ = (UniqueConstraint("version_id", "key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("reports_form_version.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer, default=0)
    key: Mapped[str] = mapped_column(String(40))  # stable across versions; used by rules and the roll-up
    label: Mapped[str] = mapped_column(String(255))
    kind: Mapped[str] = mapped_column(String(20))
    help: Mapped[str | None] = mapped_column(String(500))
    required: Mapped[bool] = mapped_column(Boolean, default=False)
    min_value: Mapped[str | None] = mapped_column(String(30))  # decimal text, for number kinds
    max_value: Mapped[str | None] = mapped_column(String(30))
    choices: Mapped[list[str]] = mapped_column(JSON, default=list)
    aggregation: Mapped[str] = mapped_column(String(12), default="sum", server_default="sum")
    # Unit kinds whose values enter the roll-up; empty = every kind. Household counts name only "commune", so
    # mass organisations and agencies are not added to the communes' households unless the form says so.
    unit_kinds: Mapped[list[str]] = mapped_column(JSON, default=list)
    version: Mapped[FormVersion] = relationship(back_populates="fields")


class FormRule(Audited, db.Model):
    """A cross-field check stored as data: ``left <op> right`` where right is e.g. "a + b - 3"."""

    __tablename__ = "reports_form_rule"
    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("reports_form_version.id", ondelete="CASCADE"))
    left: Mapped[str] = mapped_column(String(40))
    operator: Mapped[str] = mapped_column(String(2))
    right: Mapped[str] = mapped_column(String(255))
    message: Mapped[str] = mapped_column(String(255))
    version: Mapped[FormVersion] = relationship(back_populates="rules")


class Period(Audited, db.Model):
    """A reporting round (kỳ báo cáo) with its form version, deadline and assigned units."""

    __tablename__ = "reports_period"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20), default="annual")
    year: Mapped[int] = mapped_column(Integer, index=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("reports_form_version.id"))
    opens_on: Mapped[dt.date] = mapped_column(Date)
    deadline: Mapped[dt.date] = mapped_column(Date)
    late_policy: Mapped[str] = mapped_column(String(10), default="accept")
    #: "before": on time when submitted before the deadline day begins in Vietnam ("trước ngày 10/11");
    #: "through": on time until the end of the deadline day ("đến hết ngày 10/11").
    on_time_rule: Mapped[str] = mapped_column(String(10), default="before", server_default="before")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    version: Mapped[FormVersion] = relationship(lazy="joined")
    assignments: Mapped[list[PeriodUnit]] = relationship(back_populates="period", cascade="all, delete-orphan")


class PeriodUnit(Audited, db.Model):
    """A unit that owes a report for a period, with its own extended deadline if granted."""

    __tablename__ = "reports_period_unit"
    __table_args__ = (UniqueConstraint("period_id", "unit_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    period_id: Mapped[int] = mapped_column(ForeignKey("reports_period.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("directory_unit.id"), index=True)
    extended_until: Mapped[dt.date | None] = mapped_column(Date)
    period: Mapped[Period] = relationship(back_populates="assignments")


class Submission(Audited, db.Model):
    """A unit's report for a period: draft → submitted → returned → submitted … → accepted (locked)."""

    __tablename__ = "reports_submission"
    __table_args__ = (UniqueConstraint("period_id", "unit_id"),)
    __audit_exclude__ = ("versions",)  # per-field save counters of the optimistic check, nothing a reader needs
    id: Mapped[int] = mapped_column(primary_key=True)
    period_id: Mapped[int] = mapped_column(ForeignKey("reports_period.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("directory_unit.id"), index=True)
    state: Mapped[str] = mapped_column(String(12), default="draft", index=True)
    values: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # Per field: how many times it was saved. A save names the version it was based on (optimistic check).
    versions: Mapped[dict[str, int]] = mapped_column(JSON, default=dict, server_default=text("'{}'"))
    first_submitted_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    submitted_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    late: Mapped[bool] = mapped_column(Boolean, default=False)
    review_comment: Mapped[str | None] = mapped_column(Text)
    #: field key -> what the reviewer asks to correct in it (set on return, cleared on the next review)
    field_comments: Mapped[dict[str, str]] = mapped_column(JSON, default=dict, server_default=text("'{}'"))
    reviewed_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    reviewed_by: Mapped[int | None] = mapped_column(ForeignKey("portal_user.id"))
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
    period: Mapped[Period] = relationship()
    revisions: Mapped[list[Revision]] = relationship(
        back_populates="submission", order_by="Revision.number", cascade="all, delete-orphan"
    )


class Revision(db.Model):
    """A copy of the values as submitted (every submission and resubmission), for the diff."""

    __tablename__ = "reports_revision"
    __table_args__ = (UniqueConstraint("submission_id", "number"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("reports_submission.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    values: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    by: Mapped[int | None] = mapped_column(ForeignKey("portal_user.id"))
    submission: Mapped[Submission] = relationship(back_populates="revisions")


class Event(db.Model):
    """What happened to a submission: submitted, returned (with the comment), accepted, reminded."""

    __tablename__ = "reports_event"
    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int | None] = mapped_column(ForeignKey("reports_submission.id", ondelete="CASCADE"), index=True)
    period_id: Mapped[int] = mapped_column(ForeignKey("reports_period.id", ondelete="CASCADE"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("directory_unit.id"))
    action: Mapped[str] = mapped_column(String(20))
    comment: Mapped[str | None] = mapped_column(Text)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("portal_user.id"))
    actor: Mapped[str] = mapped_column(String(120), default="")


class Attachment(db.Model):
    """An uploaded file attached to a submission field (the values hold the upload id)."""

    __tablename__ = "reports_attachment"
    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("reports_submission.id", ondelete="CASCADE"), index=True)
    field_key: Mapped[str] = mapped_column(String(40))
    upload_id: Mapped[int] = mapped_column(ForeignKey("portal_upload.id"))


class Indicator(Audited, db.Model):
    """An indicator as data: (Σ numerator ÷ Σ denominator) × multiplier over report fields, never summed rates.

    Expressions are field keys and numbers joined by + or - (e.g. "ho_ngheo_dau_nam - ho_ngheo_cuoi_nam")."""

    __tablename__ = "reports_indicator"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    numerator: Mapped[str] = mapped_column(String(255))
    denominator: Mapped[str | None] = mapped_column(String(255))
    multiplier: Mapped[str] = mapped_column(String(20), default="1")  # decimal text: 100 for a percentage
    unit_label: Mapped[str] = mapped_column(String(40), default="")
    decimals: Mapped[int] = mapped_column(Integer, default=2)
    lower_is_better: Mapped[bool] = mapped_column(Boolean, default=False)
    unit_kinds: Mapped[list[str]] = mapped_column(JSON, default=list)  # empty = every kind
    position: Mapped[int] = mapped_column(Integer, default=0)
    description: Mapped[str | None] = mapped_column(Text)
