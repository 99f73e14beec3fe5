"""Award types, council, nomination rounds, voting sessions and (secret) ballots: tables ``awards_*``.

Secrecy by construction: ``Ballot`` has no column and no foreign-key path that leads to a user, no timestamp and
a random primary key; ``Participation`` (who has voted) is a separate table without any link to a ballot. Neither
inherits ``Audited``: the audit log would otherwise put a user and a time next to a ballot. See README.md.
"""
from __future__ import annotations

import datetime as dt

from typing import Any

from sqlalchemy import JSON, Boolean, Date, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.toolkit import Audited, Unit, Upload, User, db, fold

#: Nominee kinds and council functions are codes; their labels live in labels.py (translated).
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
    # A nomination needs an approved registration (đăng ký thi đua) of the same title and nominee in the round.
    requires_registration: Mapped[bool] = mapped_column(Boolean, default=False)
    # Look-back: the nominee must hold ``lookback_type`` in ``lookback_years`` consecutive years, ending with the
    # round's year when ``lookback_through_round_year``, otherwise with the year before it.
    lookback_type_id: Mapped[int | None] = mapped_column(ForeignKey("awards_type.id"))
    lookback_years: Mapped[int | None] = mapped_column(Integer)
    lookback_through_round_year: Mapped[bool] = mapped_column(Boolean, default=False)
    bonus: Mapped[int] = mapped_column(Integer, default=0)  # bonus proposed in a decision line, integer đồng

    cap_of: Mapped[AwardType | None] = relationship(remote_side=[id], foreign_keys=[cap_of_id])
    lookback_type: Mapped[AwardType | None] = relationship(remote_side=[id], foreign_keys=[lookback_type_id])

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
    __audit_exclude__ = ("nominee_fold",)
    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("awards_round.id"), index=True)
    award_type_id: Mapped[int] = mapped_column(ForeignKey("awards_type.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("directory_unit.id"), index=True)
    kind: Mapped[str] = mapped_column(String(12))
    nominee: Mapped[str] = mapped_column(String(200))
    #: fold(nominee): the round's search filters in SQL (kept by _nominee_fold below; Core inserts: the default)
    nominee_fold: Mapped[str] = mapped_column(
        String(200), default=lambda ctx: fold(ctx.get_current_parameters().get("nominee")), server_default="")
    position: Mapped[str] = mapped_column(String(200), default="")  # title / address of the nominee
    achievements: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(14), default="submitted", index=True)
    review_note: Mapped[str] = mapped_column(Text, default="")

    round: Mapped[NominationRound] = relationship(lazy="joined")
    award_type: Mapped[AwardType] = relationship(lazy="joined")
    unit: Mapped[Unit] = relationship(lazy="joined")
    files: Mapped[list[NominationFile]] = relationship(back_populates="nomination", cascade="all, delete-orphan")


@event.listens_for(Nomination, "before_insert")
@event.listens_for(Nomination, "before_update")
def _nominee_fold(mapper: Any, connection: Any, nomination: Nomination) -> None:
    """Every ORM write keeps the folded name in step with the name."""
    folded = fold(nomination.nominee)
    if nomination.nominee_fold != folded:
        nomination.nominee_fold = folded


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


# --- registration, decisions, achievement records (issue 16) ----------------------------------------------

REGISTRATION_STATES = ("draft", "submitted", "approved", "returned")
DECISION_STATES = ("draft", "issued")
RECORD_SOURCES = ("decision", "manual")


class Registration(Audited, db.Model):
    """A unit's emulation registration (đăng ký thi đua) in a round: its collective commitment and the titles
    its collective and people register for. Approved or returned with a comment by the secretariat."""

    __tablename__ = "awards_registration"
    __table_args__ = (UniqueConstraint("round_id", "unit_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("awards_round.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("directory_unit.id"), index=True)
    commitment: Mapped[str] = mapped_column(Text, default="")
    state: Mapped[str] = mapped_column(String(10), default="draft", index=True)
    review_note: Mapped[str] = mapped_column(Text, default="")
    submitted_at: Mapped[dt.datetime | None] = mapped_column(DateTime)

    round: Mapped[NominationRound] = relationship(lazy="joined")
    unit: Mapped[Unit] = relationship(lazy="joined")
    entries: Mapped[list[RegistrationEntry]] = relationship(
        back_populates="registration", cascade="all, delete-orphan", order_by="RegistrationEntry.position"
    )


class RegistrationEntry(Audited, db.Model):
    """One registered title: "Lao động tiên tiến — Lò Thị Xuân" (or the unit itself for a collective title)."""

    __tablename__ = "awards_registration_entry"
    __audit_exclude__ = ("name_fold",)  # fold(name) for the search: a copy of the name
    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(ForeignKey("awards_registration.id"), index=True)
    award_type_id: Mapped[int] = mapped_column(ForeignKey("awards_type.id"))
    kind: Mapped[str] = mapped_column(String(12))
    name: Mapped[str] = mapped_column(String(200))
    name_fold: Mapped[str] = mapped_column(String(200), default="")
    position_text: Mapped[str] = mapped_column(String(200), default="")
    position: Mapped[int] = mapped_column(Integer, default=0)

    registration: Mapped[Registration] = relationship(back_populates="entries")
    award_type: Mapped[AwardType] = relationship(lazy="joined")


class Decision(Audited, db.Model):
    """A Quyết định khen thưởng with its Tờ trình. Draft while the secretariat prepares it; once issued it is
    append-only: no route changes it, a correction is a new decision whose ``amends_id`` points here."""

    __tablename__ = "awards_decision"
    __table_args__ = (UniqueConstraint("year", "seq", name="uq_awards_decision_year_seq"),)
    # year and seq are the register's key, written with the number they make (the number is audited)
    __audit_exclude__ = ("year", "seq")
    id: Mapped[int] = mapped_column(primary_key=True)
    state: Mapped[str] = mapped_column(String(8), default="draft", index=True)
    year: Mapped[int | None] = mapped_column(Integer)  # set with seq when issued: gapless per year
    seq: Mapped[int | None] = mapped_column(Integer)
    number: Mapped[str] = mapped_column(String(40), default="")
    decision_date: Mapped[dt.date] = mapped_column(Date)
    subject: Mapped[str] = mapped_column(String(300))
    signer_title: Mapped[str] = mapped_column(String(120), default="")
    signer_name: Mapped[str] = mapped_column(String(120), default="")
    basis: Mapped[str] = mapped_column(Text, default="")  # "Căn cứ …" lines, one per line
    proposal: Mapped[str] = mapped_column(Text, default="")  # "Xét đề nghị của …"
    article2: Mapped[str] = mapped_column(Text, default="")
    article3: Mapped[str] = mapped_column(Text, default="")
    recipients: Mapped[str] = mapped_column(Text, default="")  # Nơi nhận, one per line
    submission_number: Mapped[str] = mapped_column(String(40), default="")  # the Tờ trình
    submission_date: Mapped[dt.date | None] = mapped_column(Date)
    submission_text: Mapped[str] = mapped_column(Text, default="")
    public: Mapped[bool] = mapped_column(Boolean, default=False)  # listed on the public page once issued
    amends_id: Mapped[int | None] = mapped_column(ForeignKey("awards_decision.id"), index=True)
    issued_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("portal_user.id"))

    amends: Mapped[Decision | None] = relationship(remote_side=[id])
    lines: Mapped[list[DecisionLine]] = relationship(
        back_populates="decision", cascade="all, delete-orphan", order_by="DecisionLine.position"
    )
    sessions: Mapped[list[DecisionSession]] = relationship(back_populates="decision", cascade="all, delete-orphan")


class DecisionSession(db.Model):
    """A voting session whose results a decision is drafted from (one decision may cover several)."""

    __tablename__ = "awards_decision_session"
    decision_id: Mapped[int] = mapped_column(ForeignKey("awards_decision.id"), primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("awards_session.id"), primary_key=True)
    decision: Mapped[Decision] = relationship(back_populates="sessions")
    session: Mapped[VotingSession] = relationship(lazy="joined")


class DecisionLine(Audited, db.Model):
    """One awardee in Điều 1: a collective, individual or household, its award form and bonus (integer đồng)."""

    __tablename__ = "awards_decision_line"
    id: Mapped[int] = mapped_column(primary_key=True)
    decision_id: Mapped[int] = mapped_column(ForeignKey("awards_decision.id"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    nomination_id: Mapped[int | None] = mapped_column(ForeignKey("awards_nomination.id"), index=True)
    award_type_id: Mapped[int | None] = mapped_column(ForeignKey("awards_type.id"))
    award_name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(12))
    nominee: Mapped[str] = mapped_column(String(200))
    position_text: Mapped[str] = mapped_column(String(200), default="")
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("directory_unit.id"), index=True)
    unit_name: Mapped[str] = mapped_column(String(200), default="")
    bonus: Mapped[int] = mapped_column(Integer, default=0)
    achievement: Mapped[str] = mapped_column(Text, default="")  # "Đã có thành tích xuất sắc …" on the certificate

    decision: Mapped[Decision] = relationship(back_populates="lines")


class DecisionCounter(db.Model):
    """The last decision number issued in a year; locked while a decision is issued (gapless numbering)."""

    __tablename__ = "awards_decision_counter"
    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last: Mapped[int] = mapped_column(Integer, default=0)


class Achievement(Audited, db.Model):
    """An award or title a collective, person or household received (hồ sơ thành tích): written when one of our
    decisions is issued, or entered by hand for earlier years with the decision number."""

    __tablename__ = "awards_achievement"
    __audit_exclude__ = ("holder_fold", "title_fold")  # folded copies for the search
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(12))
    holder: Mapped[str] = mapped_column(String(200))
    holder_fold: Mapped[str] = mapped_column(String(200), index=True, default="")
    position_text: Mapped[str] = mapped_column(String(200), default="")
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("directory_unit.id"), index=True)
    year: Mapped[int] = mapped_column(Integer, index=True)
    award_type_id: Mapped[int | None] = mapped_column(ForeignKey("awards_type.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    title_fold: Mapped[str] = mapped_column(String(200), default="")
    decision_number: Mapped[str] = mapped_column(String(60), default="")
    decision_date: Mapped[dt.date | None] = mapped_column(Date)
    decision_id: Mapped[int | None] = mapped_column(ForeignKey("awards_decision.id"), index=True)
    source: Mapped[str] = mapped_column(String(10), default="manual")
    note: Mapped[str] = mapped_column(Text, default="")

    unit: Mapped[Unit | None] = relationship(lazy="joined")
