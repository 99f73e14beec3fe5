"""Core tables: users, roles and grants, units, audit log, notifications, uploads, login attempts."""
from __future__ import annotations

import datetime as dt
from typing import Any

from flask_login import AnonymousUserMixin, UserMixin
from sqlalchemy import false as sa_false
from sqlalchemy import event
from sqlalchemy import JSON, Boolean, Date, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint, select
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from portal import clock
from portal.extensions import db
from portal.i18n import vi_sort_text
from portal.plugin import SCOPE_ALL, SCOPE_UNIT


def utcnow() -> dt.datetime:
    """Return the current UTC time as a naive datetime (stored the same on SQLite and PostgreSQL).

    Goes through portal.clock so a frozen test clock reaches every column default.
    """
    return clock.utcnow()


class Audited:
    """Mixin: every insert, update and delete of this model is written to the audit log."""

    __audit_exclude__: tuple[str, ...] = ()


user_roles = db.Table(
    "portal_user_role",
    db.Column("user_id", ForeignKey("portal_user.id", ondelete="CASCADE"), primary_key=True),
    db.Column("role_id", ForeignKey("portal_role.id", ondelete="CASCADE"), primary_key=True),
)


class Role(Audited, db.Model):
    __tablename__ = "portal_role"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    grants: Mapped[list[RoleGrant]] = relationship(
        back_populates="role", cascade="all, delete-orphan", lazy="selectin"
    )

    def __repr__(self) -> str:
        return f"<Role {self.code}>"


class RoleGrant(Audited, db.Model):
    """Role ``role`` holds ``permission``, for every unit or only for the user's own unit."""

    __tablename__ = "portal_role_grant"
    __table_args__ = (UniqueConstraint("role_id", "permission"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    role_id: Mapped[int] = mapped_column(ForeignKey("portal_role.id", ondelete="CASCADE"))
    permission: Mapped[str] = mapped_column(String(80))
    scope: Mapped[str] = mapped_column(String(8), default=SCOPE_ALL)
    role: Mapped[Role] = relationship(back_populates="grants")


class KnownPermission(db.Model):
    """A permission code already seeded, the default grants last applied and whether an administrator changed them.

    ``portal init`` brings the grants of an unedited permission up to changed defaults (so a tightened default
    reaches running sites); once an administrator edits a grant of it, the site's choice wins.
    """

    __tablename__ = "portal_known_permission"
    code: Mapped[str] = mapped_column(String(80), primary_key=True)
    defaults: Mapped[dict[str, str] | None] = mapped_column(JSON)
    edited: Mapped[bool] = mapped_column(Boolean, default=False, server_default=sa_false())


class User(UserMixin, Audited, db.Model):
    __tablename__ = "portal_user"
    __audit_exclude__ = ("password_hash",)
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(60), unique=True)
    full_name: Mapped[str] = mapped_column(String(120))
    email: Mapped[str | None] = mapped_column(String(120))
    phone: Mapped[str | None] = mapped_column(String(30))
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("directory_unit.id"))
    locale: Mapped[str | None] = mapped_column(String(8))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    roles: Mapped[list[Role]] = relationship(secondary=user_roles, lazy="selectin")
    unit: Mapped[Unit | None] = relationship(foreign_keys=[unit_id], lazy="joined")

    def set_password(self, password: str) -> None:
        from flask import current_app, has_app_context

        method = current_app.config["PORTAL_PASSWORD_HASH"] if has_app_context() else "scrypt"
        self.password_hash = generate_password_hash(password, method=method)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    #: Token of the server-side session this user object was loaded for (set by the login view and the loader).
    session_token = None  # type: str | None
    #: Unread notifications when the session loader read this user (None: not loaded that way).
    unread_notices = None  # type: int | None

    def get_id(self) -> str:
        """What the session cookie holds: "<user id>:<session token>"; the loader checks the token's row."""
        return f"{self.id}:{self.session_token}" if self.session_token else str(self.id)

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return bool(self.active)

    def _grants(self) -> dict[str, str]:
        cached = self.__dict__.get("_grant_cache")
        if cached is None:
            self.remember_grants([(r.code, g.permission, g.scope) for r in self.roles for g in r.grants]
                                 + [(r.code, None, None) for r in self.roles])
            cached = self.__dict__["_grant_cache"]
        return cached

    def remember_grants(self, rows: list[tuple[str, str | None, str | None]]) -> None:
        """Keep this request's (role code, permission, scope) rows: the session loader reads them in one query
        instead of loading the role and grant objects on every request."""
        grants: dict[str, str] = {}
        for _code, permission, scope in rows:
            # "all" beats "unit" when two roles grant the same permission
            if permission is not None and scope is not None and grants.get(permission) != SCOPE_ALL:
                grants[permission] = scope
        self.__dict__["_grant_cache"] = grants
        self.__dict__["_role_codes"] = frozenset(code for code, _p, _s in rows)

    def scope(self, permission: str) -> str | None:
        """Return "all", "unit" or None: how far this user holds ``permission``."""
        if not self.is_active:
            return None
        scope = self._grants().get(permission)
        if scope == SCOPE_UNIT and self.unit_id is None:
            return None
        return scope

    def can(self, permission: str, unit_id: int | None = None) -> bool:
        """Whether the user holds ``permission`` (for ``unit_id`` when given)."""
        scope = self.scope(permission)
        if scope is None:
            return False
        if unit_id is None or scope == SCOPE_ALL:
            return True
        return unit_id == self.unit_id

    def has_role(self, code: str) -> bool:
        codes = self.__dict__.get("_role_codes")
        return code in codes if codes is not None else any(r.code == code for r in self.roles)

    def __repr__(self) -> str:
        return f"<User {self.username}>"


class AnonymousUser(AnonymousUserMixin):
    """The visitor who is not logged in: holds no permission, so templates may call ``current_user.can`` freely."""

    unit_id = None
    unit = None
    roles: list[Role] = []
    locale = None

    def scope(self, permission: str) -> str | None:
        return None

    def can(self, permission: str, unit_id: int | None = None) -> bool:
        return False

    def has_role(self, code: str) -> bool:
        return False


class LoginAttempt(db.Model):
    __tablename__ = "portal_login_attempt"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(60), index=True)
    address: Mapped[str] = mapped_column(String(64))
    success: Mapped[bool] = mapped_column(Boolean)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, index=True)


class UnitAreaLink(Audited, db.Model):
    """Part of a unit's area went to another unit besides its main successor: recorded and shown, never totalled."""

    __tablename__ = "directory_unit_area_link"
    __table_args__ = (UniqueConstraint("unit_id", "to_unit_id", name="uq_directory_unit_area_link"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("directory_unit.id", ondelete="CASCADE"), index=True)
    to_unit_id: Mapped[int] = mapped_column(ForeignKey("directory_unit.id", ondelete="CASCADE"), index=True)
    note: Mapped[str | None] = mapped_column(String(300))


class DocumentNumber(db.Model):
    """The last number an issuer gave its documents in a year ("Số: 12/BC-UBND"): one counter row per issuer and year,
    taken in the caller's transaction so a rolled-back document leaves no gap."""

    __tablename__ = "portal_document_number"
    __table_args__ = (UniqueConstraint("issuer_key", "year", name="uq_portal_document_number_issuer_year"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    issuer_id: Mapped[int | None] = mapped_column(ForeignKey("directory_unit.id"))
    issuer_key: Mapped[str] = mapped_column(String(60))
    year: Mapped[int] = mapped_column(Integer)
    last: Mapped[int] = mapped_column(Integer, default=0)



class IssuedDocument(db.Model):
    """The register of documents sent out (sổ đăng ký văn bản đi): which record got which number from which issuer."""

    __tablename__ = "portal_issued_document"
    __table_args__ = (UniqueConstraint("object_type", "object_id", name="uq_portal_issued_document_object"),
                      UniqueConstraint("issuer_key", "year", "number", name="uq_portal_issued_document_number"))
    id: Mapped[int] = mapped_column(primary_key=True)
    object_type: Mapped[str] = mapped_column(String(60))
    object_id: Mapped[int] = mapped_column(Integer)
    issuer_key: Mapped[str] = mapped_column(String(60))
    year: Mapped[int] = mapped_column(Integer)
    number: Mapped[int] = mapped_column(Integer)
    code: Mapped[str] = mapped_column(String(60))
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class IdempotencyKey(db.Model):
    """A form that took effect: a repeated post with the same key replays this answer (see portal.integrity)."""

    __tablename__ = "portal_idempotency_key"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)  # sha256 of user, action and the form's key
    endpoint: Mapped[str] = mapped_column(String(120))
    status: Mapped[int | None] = mapped_column(Integer)
    location: Mapped[str | None] = mapped_column(String(1000))
    body: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, index=True)


class UserSession(db.Model):
    """One logged-in browser. Deleting the row ends that session, even for a copied cookie.

    Only a hash of the token is stored, so a database dump does not hand out sessions.
    """

    __tablename__ = "portal_user_session"
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("portal_user.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class LoginThrottle(db.Model):
    """Login tries counted per account ("u:<name>") and per client address ("a:<address>") in a fixed window.

    A try takes a slot with one conditional UPDATE before the password is checked, so concurrent requests
    (several gunicorn workers) cannot check more passwords than the limit allows.
    """

    __tablename__ = "portal_login_throttle"
    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    window_start: Mapped[dt.datetime] = mapped_column(DateTime, index=True)
    count: Mapped[int] = mapped_column(Integer, default=0)


UNIT_KINDS = ("district", "agency", "mass_org", "commune", "village", "enterprise", "other")


#: Binary order on PostgreSQL too (its default collation would not follow the encoded key).
SORT_KEY_TYPE = String(1300).with_variant(String(1300, collation="C"), "postgresql")


class Unit(Audited, db.Model):
    """An agency, mass organisation, commune/town, village, enterprise... with validity dates."""

    __tablename__ = "directory_unit"
    __audit_exclude__ = ("search_name", "sort_key")
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    search_name: Mapped[str] = mapped_column(String(200), index=True, default="")
    #: vi_sort_text(name): lists sort and page in SQL in Vietnamese order (kept by _unit_sort_key below).
    sort_key: Mapped[str] = mapped_column(
        SORT_KEY_TYPE, index=True, default=lambda ctx: vi_sort_text(ctx.get_current_parameters().get("name")),
        server_default="",
    )
    kind: Mapped[str] = mapped_column(String(20))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("directory_unit.id"))
    head: Mapped[str | None] = mapped_column(String(120))
    phone: Mapped[str | None] = mapped_column(String(30))
    email: Mapped[str | None] = mapped_column(String(120))
    address: Mapped[str | None] = mapped_column(String(255))
    valid_from: Mapped[dt.date | None] = mapped_column(Date)
    valid_to: Mapped[dt.date | None] = mapped_column(Date)
    successor_id: Mapped[int | None] = mapped_column(ForeignKey("directory_unit.id"))
    note: Mapped[str | None] = mapped_column(Text)
    is_sample: Mapped[bool] = mapped_column(Boolean, default=False)

    parent: Mapped[Unit | None] = relationship(remote_side=[id], foreign_keys=[parent_id])
    successor: Mapped[Unit | None] = relationship(remote_side=[id], foreign_keys=[successor_id])
    names: Mapped[list[UnitName]] = relationship(
        back_populates="unit", cascade="all, delete-orphan", order_by="UnitName.valid_to"
    )

    def is_valid_on(self, day: dt.date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (self.valid_to is None or day <= self.valid_to)

    def name_on(self, day: dt.date | None) -> str:
        """Return the name the unit bore on ``day`` (earlier names are kept when it is renamed)."""
        if day is not None:
            for old in self.names:
                if (old.valid_from is None or old.valid_from <= day) and day <= old.valid_to:
                    return old.name
        return self.name

    def __repr__(self) -> str:
        return f"<Unit {self.code}>"


@event.listens_for(Unit, "before_insert")
@event.listens_for(Unit, "before_update")
def _unit_sort_key(mapper: Any, connection: Any, unit: Unit) -> None:
    """Every ORM write keeps the sort key in step with the name (Core inserts get it from the column default)."""
    key = vi_sort_text(unit.name)
    if unit.sort_key != key:
        unit.sort_key = key


class UnitName(db.Model):
    """A former name of a unit and the dates it was used."""

    __tablename__ = "directory_unit_name"
    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("directory_unit.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    valid_from: Mapped[dt.date | None] = mapped_column(Date)
    valid_to: Mapped[dt.date] = mapped_column(Date)
    unit: Mapped[Unit] = relationship(back_populates="names")


class AuditEntry(db.Model):
    """Who changed what, when: written in the same transaction as the change."""

    __tablename__ = "portal_audit"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(Integer)  # no FK: entries outlive users
    actor: Mapped[str] = mapped_column(String(120))
    action: Mapped[str] = mapped_column(String(10))  # create / update / delete
    object_type: Mapped[str] = mapped_column(String(80))
    object_id: Mapped[str] = mapped_column(String(80))
    summary: Mapped[str] = mapped_column(String(255), default="")
    changes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    __table_args__ = (db.Index("ix_portal_audit_object", "object_type", "object_id"),)


class Notification(db.Model):
    """An in-app message to one user."""

    __tablename__ = "portal_notification"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("portal_user.id", ondelete="CASCADE"), index=True)
    message: Mapped[str] = mapped_column(Text)
    link: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    read_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


class MailOutbox(db.Model):
    """An e-mail waiting to be sent (written with its notification, sent after the commit or by the cron command)."""

    __tablename__ = "portal_mail_outbox"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("portal_user.id", ondelete="SET NULL"), index=True)
    kind: Mapped[str] = mapped_column(String(80), default="general")
    to_addr: Mapped[str] = mapped_column(String(255))
    subject: Mapped[str] = mapped_column(String(255))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_try_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, index=True)
    # A sender owns the row while claimed_at is recent (a crashed sender's claim expires).
    claimed_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    claim: Mapped[str | None] = mapped_column(String(32))
    sent_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    failed_at: Mapped[dt.datetime | None] = mapped_column(DateTime)  # gave up after the last try
    last_error: Mapped[str | None] = mapped_column(String(500))


class NoticePreference(db.Model):
    """A user's choice of whether one kind of notice also comes by e-mail (no row: the kind's default)."""

    __tablename__ = "portal_notice_preference"
    user_id: Mapped[int] = mapped_column(ForeignKey("portal_user.id", ondelete="CASCADE"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(80), primary_key=True)
    email: Mapped[bool] = mapped_column(Boolean, default=True)


class Upload(db.Model):
    """A stored file: generated name on disk, original name kept for download."""

    __tablename__ = "portal_upload"
    id: Mapped[int] = mapped_column(primary_key=True)
    stored_name: Mapped[str] = mapped_column(String(80), unique=True)
    original_name: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(120))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    owner: Mapped[str] = mapped_column(String(40))  # plugin or core area that references it
    uploaded_by: Mapped[int | None] = mapped_column(ForeignKey("portal_user.id"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)

