"""Tables of the exemplars plugin: the register, each step of its cycle, replications, photos and citations.

Links to other plugins' records are opaque references "<plugin>:<kind>:<id>" (portal/refs.py), never foreign keys."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.toolkit import Audited, Unit, Upload, User, db, utcnow


class Exemplar(Audited, db.Model):
    """An advanced exemplar, a good model or an initiative: proposed → verified → fostered → replicated → archived."""

    __tablename__ = "exemplars_exemplar"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(12))
    holder_kind: Mapped[str | None] = mapped_column(String(12))
    title: Mapped[str] = mapped_column(String(200))
    holder: Mapped[str] = mapped_column(String(200), default="")  # personal: public only with consent
    unit_id: Mapped[int] = mapped_column(ForeignKey("directory_unit.id"), index=True)
    village: Mapped[str] = mapped_column(String(120), default="")
    sector: Mapped[str] = mapped_column(String(20), index=True)
    description: Mapped[str] = mapped_column(Text)
    story: Mapped[str] = mapped_column(Text, default="")  # the short public story
    start_year: Mapped[int | None] = mapped_column(Integer)
    households: Mapped[int] = mapped_column(Integer, default=0)
    households_out: Mapped[int] = mapped_column(Integer, default=0)  # households that left poverty
    income: Mapped[int | None] = mapped_column(Integer)  # average income per household per year, đồng
    contact: Mapped[str] = mapped_column(String(200), default="")  # personal: public only with consent
    consent_public: Mapped[bool] = mapped_column(Boolean, default=False)
    source: Mapped[str] = mapped_column(String(20))
    source_ref: Mapped[str | None] = mapped_column(String(80), index=True)  # e.g. "inspections:finding:12"
    state: Mapped[str] = mapped_column(String(12), default="proposed", index=True)
    proposed_by: Mapped[int | None] = mapped_column(ForeignKey("portal_user.id"))
    proposed_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, index=True)
    verified_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    sample: Mapped[bool] = mapped_column(Boolean, default=False)  # demo data
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)

    unit: Mapped[Unit] = relationship(lazy="joined", innerjoin=True)
    photos: Mapped[list[ExemplarPhoto]] = relationship(back_populates="exemplar", cascade="all, delete-orphan",
                                               order_by="ExemplarPhoto.id")
    steps: Mapped[list[CycleStep]] = relationship(back_populates="exemplar", cascade="all, delete-orphan",
                                             order_by="CycleStep.id")
    replications: Mapped[list[Replication]] = relationship(back_populates="exemplar", cascade="all, delete-orphan",
                                                           order_by="Replication.id")


class CycleStep(db.Model):
    """One step of the cycle, who and when (the history shown on the exemplar's page)."""

    __tablename__ = "exemplars_step"
    id: Mapped[int] = mapped_column(primary_key=True)
    exemplar_id: Mapped[int] = mapped_column(ForeignKey("exemplars_exemplar.id", ondelete="CASCADE"), index=True)
    action: Mapped[str] = mapped_column(String(12))
    state: Mapped[str] = mapped_column(String(12))  # the state after the step
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("portal_user.id"))
    note: Mapped[str] = mapped_column(Text, default="")
    visit_date: Mapped[dt.date | None] = mapped_column(Date)  # verification visit
    amount: Mapped[int | None] = mapped_column(Integer)  # support given, đồng
    disbursement_ref: Mapped[str | None] = mapped_column(String(80))  # "fund:disbursement:<id>"

    exemplar: Mapped[Exemplar] = relationship(back_populates="steps")
    user: Mapped[User | None] = relationship(lazy="joined")


class Replication(Audited, db.Model):
    """Where else the exemplar was taken up, and by how many households (its reach)."""

    __tablename__ = "exemplars_replication"
    id: Mapped[int] = mapped_column(primary_key=True)
    exemplar_id: Mapped[int] = mapped_column(ForeignKey("exemplars_exemplar.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("directory_unit.id"), index=True)
    households: Mapped[int] = mapped_column(Integer)
    year: Mapped[int] = mapped_column(Integer)
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)

    exemplar: Mapped[Exemplar] = relationship(back_populates="replications")
    unit: Mapped[Unit] = relationship(lazy="joined", innerjoin=True)


class ExemplarPhoto(Audited, db.Model):
    __tablename__ = "exemplars_photo"
    id: Mapped[int] = mapped_column(primary_key=True)
    exemplar_id: Mapped[int] = mapped_column(ForeignKey("exemplars_exemplar.id", ondelete="CASCADE"), index=True)
    upload_id: Mapped[int] = mapped_column(ForeignKey("portal_upload.id"))
    caption: Mapped[str] = mapped_column(String(200), default="")

    exemplar: Mapped[Exemplar] = relationship(back_populates="photos")
    upload: Mapped[Upload] = relationship(lazy="joined", innerjoin=True)


class Citation(Audited, db.Model):
    """Another plugin's record citing an exemplar: a nomination's evidence, a report naming its models."""

    __tablename__ = "exemplars_citation"
    __table_args__ = (UniqueConstraint("exemplar_id", "subject_ref"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    exemplar_id: Mapped[int] = mapped_column(ForeignKey("exemplars_exemplar.id", ondelete="CASCADE"), index=True)
    subject_ref: Mapped[str] = mapped_column(String(80), index=True)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("portal_user.id"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)

    exemplar: Mapped[Exemplar] = relationship(lazy="joined", innerjoin=True)
