"""Tables of the review document: the review and its sections, each with the figures it was drafted with."""
from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Date, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models import Audited, utcnow

REVIEW_KINDS = ("midterm", "final", "annual")
GENERAL_PARTS = ("results", "limits", "lessons", "proposals")


class Review(Audited, db.Model):
    __tablename__ = "portal_review"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(12))
    title: Mapped[str] = mapped_column(String(255))
    year_from: Mapped[int] = mapped_column(Integer)
    year_to: Mapped[int] = mapped_column(Integer)
    unit_kinds: Mapped[list[str]] = mapped_column(JSON, default=list)
    number: Mapped[str] = mapped_column(String(40), default="")  # số hiệu, e.g. 125/BC-UBND
    doc_date: Mapped[dt.date | None] = mapped_column(Date)
    signer_title: Mapped[str] = mapped_column(String(120), default="")
    signer_name: Mapped[str] = mapped_column(String(120), default="")
    # The general parts the office writes (the portal offers the sections' highlights for "results").
    results: Mapped[str] = mapped_column(Text, default="")
    limits: Mapped[str] = mapped_column(Text, default="")
    lessons: Mapped[str] = mapped_column(Text, default="")
    proposals: Mapped[str] = mapped_column(Text, default="")
    drafted_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)  # when the figures were taken
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("portal_user.id"))
    sections: Mapped[list[ReviewSection]] = relationship(
        back_populates="review", order_by="ReviewSection.position", cascade="all, delete-orphan", lazy="selectin"
    )


class ReviewSection(Audited, db.Model):
    """A plugin's section: its figures as JSON (tables, figures) taken at ``taken_at``, and the office's text."""

    __tablename__ = "portal_review_section"
    __table_args__ = (UniqueConstraint("review_id", "source", "key"),)
    # Not in the audit log: the figures and the plugin's draft text are generated from the other tables and taken
    # again on every regeneration (a dump of tables that filled screens, saying nothing a reader can check; the
    # entry's taken_at says when they were taken); key is the plugin's internal name of the section (title says it).
    # The narrative the office writes is audited.
    __audit_exclude__ = ("data", "default_narrative", "key")
    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("portal_review.id", ondelete="CASCADE"), index=True)
    source: Mapped[str] = mapped_column(String(40))  # plugin name
    key: Mapped[str] = mapped_column(String(60))
    position: Mapped[int] = mapped_column(Integer, default=0)
    title: Mapped[str] = mapped_column(String(255))
    narrative: Mapped[str] = mapped_column(Text, default="")
    default_narrative: Mapped[str] = mapped_column(Text, default="")
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # {"tables": [...], "figures": [...], ...}
    taken_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    review: Mapped[Review] = relationship(back_populates="sections")
