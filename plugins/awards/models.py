"""Award types, council, nomination rounds, voting sessions and (secret) ballots: tables ``awards_*``.

Secrecy by construction: ``Ballot`` has no column and no foreign-key path that leads to a user, no timestamp and
a random primary key; ``Participation`` (who has voted) is a separate table without any link to a ballot. Neither
inherits ``Audited``: the audit log would otherwise put a user and a time next to a ballot. See README.md.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, Boolean, Date, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.toolkit import Audited, Unit, Upload, User, db

#: Nominee kinds and council functions are codes; their labels live in services.py (translated).
NOMINEE_KINDS = ("collective", "individual", "household")
FUNCTIONS = ("chair", "vice_chair", "secretary", "member")
#: What the approval threshold is a fraction of.
DENOMINATORS = ("members", "present", "returned", "valid")
#: Ballot choices; "invalid" is only entered for a spoiled written ballot.
CHOICES = ("agree", "disagree", "abstain", "invalid")

SESSION_STATES = ("draft", "open", "closed", "published")
NOMINATION_STATES = ("submitted", "eligible", "ineligible", "approved", "not_approved")


class AwardType(Audited, db.Model):
    """An award or title with the decision rule the council applies to it (all fractions exact)."""

    __tablename__ = "awards_type"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    giver: Mapped[str] = mapped_column(String(200))
    nominee_kinds: Mapped[str] = mapped_column(String(60))  # comma-separated NOMINEE_KINDS
    quorum_num: Mapped[int] = mapped_column(Integer)  # members present * quorum_den >= quorum_num * members
    quorum_den: Mapped[int] = mapped_column(Integer)
    threshold_num: Mapped[int] = mapped_column(Integer)  # agree * threshold_den >= (>) threshold_num * denominator
    threshold_den: Mapped[int] = mapped_column(Integer)
    strictly_more: Mapped[bool] = mapped_column(Boolean, default=False)  # "more than" instead of "at least"
    denominator: Mapped[str] = mapped_column(String(12))
    written_ballots: Mapped[bool] = mapped_column(Boolean, default=False)  # absent members' written ballots count
    allow_abstain: Mapped[bool] = mapped_column(Boolean, default=True)  # "không ý kiến" offered on the ballot
    cap_percent: Mapped[int | None] = mapped_column(Integer)  # at most cap_percent % of ...
    cap_of_id: Mapped[int | None] = mapped_column(ForeignKey("awards_type.id"))  # ... those approved for this type
    legal_basis: Mapped[str] = mapped_column(Text, default="")
    is_example: Mapped[bool] = mapped_column(Boolean, default=False)  # seeded example: check against regulation
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    cap_of: Mapped[AwardType | None] = relationship(remote_side=[id])

    @property
    def kinds(self) -> list[str]:
        return [k for k in self.nominee_kinds.split(",") if k]


class CouncilMember(Audited, db.Model):
    """A member of the Emulation and Commendation Council and their function on it."""

    __tablename__ = "awards_council_member"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("portal_user.id"), unique=True)
    function: Mapped[str] = mapped_column(String(12))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    user: Mapped[User] = relationship(lazy="joined")


class NominationRound(Audited, db.Model):
    """A review in which units nominate, e.g. "Tổng kết phong trào 2021–2025"."""

    __tablename__ = "awards_round"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    year: Mapped[int] = mapped_column(Integer)
    deadline: Mapped[dt.date | None] = mapped_column(Date)
    open: Mapped[bool] = mapped_column(Boolean, default=True)  # units may still nominate


class Nomination(Audited, db.Model):
    """A collective, individual or household that a unit proposes for an award type."""

    __tablename__ = "awards_nomination"
    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("awards_round.id"), index=True)
    award_type_id: Mapped[int] = mapped_column(ForeignKey("awards_type.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("directory_unit.id"), index=True)
    kind: Mapped[str] = mapped_column(String(12))
    nominee: Mapped[str] = mapped_column(String(200))
    position: Mapped[str] = mapped_column(String(200), default="")  # title / address of the nominee
    achievements: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(14), default="submitted", index=True)
    review_note: Mapped[str] = mapped_column(Text, default="")

    round: Mapped[NominationRound] = relationship(lazy="joined")
    award_type: Mapped[AwardType] = relationship(lazy="joined")
    unit: Mapped[Unit] = relationship(lazy="joined")
    files: Mapped[list[NominationFile]] = relationship(back_populates="nomination", cascade="all, delete-orphan")


class NominationFile(Audited, db.Model):
    """An attachment (decision, report, photo) of a nomination."""

    __tablename__ = "awards_nomination_file"
    id: Mapped[int] = mapped_column(primary_key=True)
    nomination_id: Mapped[int] = mapped_column(ForeignKey("awards_nomination.id"), index=True)
    upload_id: Mapped[int] = mapped_column(ForeignKey("portal_upload.id"))
    nomination: Mapped[Nomination] = relationship(back_populates="files")
    upload: Mapped[Upload] = relationship(lazy="joined")


class VotingSession(Audited, db.Model):
    """A council meeting that votes on a set of nominations. Only session-level actions are audited."""

    __tablename__ = "awards_session"
    __audit_exclude__ = ("result",)  # the result is printed and hashed on the minutes instead
    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("awards_round.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    number: Mapped[str] = mapped_column(String(40), default="")  # minutes number, e.g. 12/BB-HĐTĐKT
    meeting_date: Mapped[dt.date] = mapped_column(Date)
    counting_head: Mapped[str] = mapped_column(String(120), default="")  # Trưởng ban kiểm phiếu
    counting_members: Mapped[str] = mapped_column(Text, default="", server_default="")  # other members of the Ban kiểm phiếu, one a line
    place: Mapped[str] = mapped_column(String(200), default="", server_default="")  # where the council meets, for the minutes
    #: the People's Committee whose council meets (its header and place line); empty: the configured bodies
    council_unit_id: Mapped[int | None] = mapped_column(ForeignKey("directory_unit.id"))
    state: Mapped[str] = mapped_column(String(10), default="draft", index=True)
    opened_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    closed_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    published_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    result: Mapped[dict | None] = mapped_column(JSON)  # canonical tally, written once at closing
    result_sha256: Mapped[str | None] = mapped_column(String(64))

    round: Mapped[NominationRound] = relationship(lazy="joined")
    items: Mapped[list[SessionItem]] = relationship(
        back_populates="session", cascade="all, delete-orphan", order_by="SessionItem.position"
    )
    roll: Mapped[list[RollEntry]] = relationship(
        back_populates="session", cascade="all, delete-orphan", order_by="RollEntry.position"
    )


class SessionItem(Audited, db.Model):
    """A nomination on a session's ballot."""

    __tablename__ = "awards_session_item"
    __table_args__ = (UniqueConstraint("session_id", "nomination_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("awards_session.id"), index=True)
    nomination_id: Mapped[int] = mapped_column(ForeignKey("awards_nomination.id"))
    position: Mapped[int] = mapped_column(Integer, default=0)
    session: Mapped[VotingSession] = relationship(back_populates="items")
    nomination: Mapped[Nomination] = relationship(lazy="joined")


class RollEntry(Audited, db.Model):
    """A member on a session's roll, frozen when the session opens (names and functions as they were)."""

    __tablename__ = "awards_roll_entry"
    __table_args__ = (UniqueConstraint("session_id", "user_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("awards_session.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("portal_user.id"))
    full_name: Mapped[str] = mapped_column(String(120))
    function: Mapped[str] = mapped_column(String(12))
    position: Mapped[int] = mapped_column(Integer, default=0)
    present: Mapped[bool] = mapped_column(Boolean, default=False)  # ticked by the secretariat
    session: Mapped[VotingSession] = relationship(back_populates="roll")


class Participation(db.Model):
    """Who has voted in a session (online or by written ballot). No link to any ballot; not audited.

    The unique constraint is the lock that allows exactly one counted ballot per member: the first ballot
    inserts this row in the same transaction; a second concurrent first ballot fails on it.
    """

    __tablename__ = "awards_participation"
    # The composite primary key is the unique (session, member) constraint; no serial id orders the voters.
    session_id: Mapped[int] = mapped_column(ForeignKey("awards_session.id"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("portal_user.id"), primary_key=True)
    written: Mapped[bool] = mapped_column(Boolean, default=False)


class Ballot(db.Model):
    """One member's secret ballot in a session: random id, no voter, no time, replaced in place. Not audited.

    ``choices`` maps session item id (as text) to a CHOICES code. ``receipt_no`` is the public half of the
    receipt code (shown in the published ballot list); ``receipt_hash`` is SHA-256 of the whole code, which
    only the voter holds and which authorises replacing the ballot.
    """

    __tablename__ = "awards_ballot"
    __table_args__ = (
        UniqueConstraint("session_id", "receipt_no", name="uq_awards_ballot_receipt_no"),
        UniqueConstraint("session_id", "receipt_hash", name="uq_awards_ballot_receipt_hash"),
    )
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("awards_session.id"), index=True)
    receipt_no: Mapped[str] = mapped_column(String(12))
    receipt_hash: Mapped[str] = mapped_column(String(64))
    choices: Mapped[dict] = mapped_column(JSON)
