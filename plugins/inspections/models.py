"""Tables of the inspections plugin: checklist templates (versioned), inspections, answers, photos, findings."""
from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.toolkit import Audited, Unit, Upload, User, db, utcnow

# Answer types of a checklist item.
PASS_FAIL = "pass_fail"
NUMBER = "number"
TEXT = "text"
ANSWER_TYPES = (PASS_FAIL, NUMBER, TEXT)

# Results of a pass/fail item.
PASS, FAIL, NA = "pass", "fail", "na"
RESULTS = (PASS, FAIL, NA)

# Inspection states, in order.
PLANNED, IN_PROGRESS, COMPLETED, SIGNED = "planned", "in_progress", "completed", "signed"
STATES = (PLANNED, IN_PROGRESS, COMPLETED, SIGNED)

# Finding states: open (to fix), reported (the unit says it is fixed), closed (the team verified it).
OPEN, REPORTED, CLOSED = "open", "reported", "closed"
FINDING_STATES = (OPEN, REPORTED, CLOSED)


def _new_key() -> str:
    return uuid.uuid4().hex


class ChecklistTemplate(Audited, db.Model):
    """One version of a checklist. A version used by an inspection is frozen; editing makes the next version."""

    __tablename__ = "inspections_template"
    __table_args__ = (UniqueConstraint("code", "version"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40))  # shared by all versions
    version: Mapped[int] = mapped_column(Integer, default=1)
    title: Mapped[str] = mapped_column(String(255))
    description: Mapped[str | None] = mapped_column(Text)
    frozen: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)

    sections: Mapped[list[ChecklistSection]] = relationship(
        back_populates="template", cascade="all, delete-orphan", order_by="ChecklistSection.position"
    )


class ChecklistSection(Audited, db.Model):
    __tablename__ = "inspections_section"
    id: Mapped[int] = mapped_column(primary_key=True)
    template_id: Mapped[int] = mapped_column(ForeignKey("inspections_template.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=1)
    title: Mapped[str] = mapped_column(String(255))

    template: Mapped[ChecklistTemplate] = relationship(back_populates="sections")
    items: Mapped[list[ChecklistItem]] = relationship(
        back_populates="section", cascade="all, delete-orphan", order_by="ChecklistItem.position"
    )


class ChecklistItem(Audited, db.Model):
    """A question. ``key`` stays the same across template versions, so follow-ups can match earlier answers."""

    __tablename__ = "inspections_item"
    __audit_exclude__ = ("key",)  # a random code matching the item across versions; the text names it
    id: Mapped[int] = mapped_column(primary_key=True)
    template_id: Mapped[int] = mapped_column(ForeignKey("inspections_template.id", ondelete="CASCADE"), index=True)
    section_id: Mapped[int] = mapped_column(ForeignKey("inspections_section.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(32), default=_new_key)
    position: Mapped[int] = mapped_column(Integer, default=1)
    text: Mapped[str] = mapped_column(Text)
    guidance: Mapped[str | None] = mapped_column(Text)
    answer_type: Mapped[str] = mapped_column(String(12), default=PASS_FAIL)
    # Points of the item (pass/fail: earned on "đạt"; number: the largest value). None for number = not scored.
    max_score: Mapped[Decimal | None] = mapped_column(Numeric(10, 2), default=Decimal(1))
    weight: Mapped[Decimal] = mapped_column(Numeric(10, 2), default=Decimal(1))
    note_required_on_fail: Mapped[bool] = mapped_column(Boolean, default=False)
    photo_required: Mapped[bool] = mapped_column(Boolean, default=False)

    section: Mapped[ChecklistSection] = relationship(back_populates="items")

    @property
    def scored(self) -> bool:
        return self.answer_type == PASS_FAIL or (self.answer_type == NUMBER and bool(self.max_score))


class Inspection(Audited, db.Model):
    __tablename__ = "inspections_inspection"
    id: Mapped[int] = mapped_column(primary_key=True)
    template_id: Mapped[int] = mapped_column(ForeignKey("inspections_template.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("directory_unit.id"), index=True)
    year: Mapped[int] = mapped_column(Integer, index=True)
    planned_date: Mapped[dt.date] = mapped_column(Date)
    scope: Mapped[str | None] = mapped_column(Text)  # content and scope of the inspection
    state: Mapped[str] = mapped_column(String(12), default=PLANNED, index=True)
    leader_id: Mapped[int] = mapped_column(ForeignKey("portal_user.id"))
    previous_id: Mapped[int | None] = mapped_column(ForeignKey("inspections_inspection.id"))
    started_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    completed_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    signed_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    # Filled when signing the minutes.
    number: Mapped[str | None] = mapped_column(String(40))
    unit_representative: Mapped[str | None] = mapped_column(String(120))
    conclusion: Mapped[str | None] = mapped_column(Text)
    # Score kept at completion (exact: achieved and applicable points) for lists and the summary.
    achieved: Mapped[Decimal | None] = mapped_column(Numeric(14, 4))
    applicable: Mapped[Decimal | None] = mapped_column(Numeric(14, 4))

    template: Mapped[ChecklistTemplate] = relationship(lazy="joined", innerjoin=True)
    unit: Mapped[Unit] = relationship(lazy="joined", innerjoin=True)
    leader: Mapped[User] = relationship(lazy="joined", innerjoin=True, foreign_keys=[leader_id])
    previous: Mapped[Inspection | None] = relationship(remote_side=[id])
    members: Mapped[list[TeamMember]] = relationship(
        back_populates="inspection", cascade="all, delete-orphan", lazy="selectin"
    )

    def team_ids(self) -> set[int]:
        return {self.leader_id, *(m.user_id for m in self.members)}


class TeamMember(Audited, db.Model):
    __tablename__ = "inspections_member"
    __table_args__ = (UniqueConstraint("inspection_id", "user_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    inspection_id: Mapped[int] = mapped_column(ForeignKey("inspections_inspection.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("portal_user.id"), index=True)

    inspection: Mapped[Inspection] = relationship(back_populates="members")
    user: Mapped[User] = relationship(lazy="joined", innerjoin=True)


class Answer(Audited, db.Model):
    """One row per item answer, so team members filling different items never overwrite each other."""

    __tablename__ = "inspections_answer"
    __table_args__ = (UniqueConstraint("inspection_id", "item_id"),)
    __audit_exclude__ = ("version",)  # only the lock counter of concurrent saves (see __mapper_args__)
    id: Mapped[int] = mapped_column(primary_key=True)
    inspection_id: Mapped[int] = mapped_column(ForeignKey("inspections_inspection.id", ondelete="CASCADE"))
    item_id: Mapped[int] = mapped_column(ForeignKey("inspections_item.id"))
    result: Mapped[str | None] = mapped_column(String(8))  # pass / fail / na (pass/fail items)
    number: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    text: Mapped[str | None] = mapped_column(Text)
    note: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer, default=1)
    answered_by: Mapped[int | None] = mapped_column(ForeignKey("portal_user.id"))
    answered_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)

    # The ORM adds "WHERE version = ?" to every UPDATE: a lost race raises StaleDataError instead of overwriting.
    __mapper_args__ = {"version_id_col": version}

    @property
    def given(self) -> bool:
        return self.result is not None or self.number is not None or bool(self.text)


class Photo(Audited, db.Model):
    __tablename__ = "inspections_photo"
    id: Mapped[int] = mapped_column(primary_key=True)
    inspection_id: Mapped[int] = mapped_column(ForeignKey("inspections_inspection.id", ondelete="CASCADE"), index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("inspections_item.id"))
    upload_id: Mapped[int] = mapped_column(ForeignKey("portal_upload.id"))
    created_by: Mapped[int | None] = mapped_column(ForeignKey("portal_user.id"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)

    upload: Mapped[Upload] = relationship(lazy="joined", innerjoin=True)


class Finding(Audited, db.Model):
    """A failed item (or what the team saw, written by hand) turned into a recommendation for a responsible unit, followed up until the team closes it."""

    __tablename__ = "inspections_finding"
    id: Mapped[int] = mapped_column(primary_key=True)
    inspection_id: Mapped[int] = mapped_column(ForeignKey("inspections_inspection.id", ondelete="CASCADE"), index=True)
    item_id: Mapped[int | None] = mapped_column(ForeignKey("inspections_item.id"))  # None: written by hand
    description: Mapped[str] = mapped_column(Text)
    recommendation: Mapped[str] = mapped_column(Text, default="")
    responsible_unit_id: Mapped[int] = mapped_column(ForeignKey("directory_unit.id"), index=True)
    due_date: Mapped[dt.date] = mapped_column(Date)
    state: Mapped[str] = mapped_column(String(10), default=OPEN, index=True)
    closed_at: Mapped[dt.datetime | None] = mapped_column(DateTime)

    inspection: Mapped[Inspection] = relationship(lazy="joined", innerjoin=True)
    responsible_unit: Mapped[Unit] = relationship(lazy="joined", innerjoin=True)
    item: Mapped[ChecklistItem | None] = relationship(lazy="joined")
    updates: Mapped[list[FindingUpdate]] = relationship(
        back_populates="finding", cascade="all, delete-orphan", order_by="FindingUpdate.id"
    )

    def overdue(self, today: dt.date) -> bool:
        return self.state != CLOSED and self.due_date < today

    @property
    def responsible_unit_name(self) -> str:  # as the plain rows the inspection page reads carry it
        return self.responsible_unit.name


class FindingUpdate(Audited, db.Model):
    """A progress report by the unit, or the team's verification (close / reopen)."""

    __tablename__ = "inspections_finding_update"
    id: Mapped[int] = mapped_column(primary_key=True)
    finding_id: Mapped[int] = mapped_column(ForeignKey("inspections_finding.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("portal_user.id"))
    kind: Mapped[str] = mapped_column(String(10))  # progress / done / close / reopen
    text: Mapped[str] = mapped_column(Text)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)

    finding: Mapped[Finding] = relationship(back_populates="updates")
    user: Mapped[User | None] = relationship(lazy="joined")
