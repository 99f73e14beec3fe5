"""In-app notifications to users and units, and e-mail through an outbox.

``notify_users`` stores the notification and, for users who want that kind of notice by e-mail, an outbox row in
the caller's transaction. After the commit a background thread sends just those rows (never inside the
transaction, so no lock is held while an SMTP server is slow); ``flask portal mail send`` (cron) sends what is
left, with retries and backoff. A row is claimed by a conditional UPDATE before it is sent, so two senders never
send one mail twice.
"""
from __future__ import annotations

import datetime as dt
import logging
import secrets
import smtplib
import ssl
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Any

from flask import Flask, current_app
from sqlalchemy import event, or_, select, update
from sqlalchemy.orm import Session

from portal.extensions import db
from portal.i18n import gettext as _, lazy_gettext as _l
from portal.models import MailOutbox, NoticePreference, Notification, User, utcnow
from portal.plugin import NoticeKind
from portal.urls import absolute, absolute_url

log = logging.getLogger(__name__)

#: The core's own kind, for notices a plugin sends without naming one.
GENERAL = NoticeKind("general", _l("Other notices"), default_email=True)
SECURITY_MODES = ("starttls", "tls", "none")


def notice_kinds(app: Flask | None = None) -> list[NoticeKind]:
    """Every kind users can choose for e-mail: the plugins' (in PORTAL_PLUGINS order), then the core's."""
    app = app or current_app
    kinds = [k for p in app.extensions["portal"].plugins.values() for k in p.notice_kinds]
    return kinds + [GENERAL]


def _kind(code: str) -> NoticeKind:
    found = next((k for k in notice_kinds() if k.code == code), None)
    if found is None:
        log.warning("notice kind %r is not declared by any plugin; users' 'general' choice applies", code)
        return GENERAL
    return found


def email_choices(user_id: int) -> dict[str, bool]:
    """The user's e-mail choice for each kind (their saved choice, else the kind's default)."""
    saved = dict(db.session.execute(
        select(NoticePreference.kind, NoticePreference.email).where(NoticePreference.user_id == user_id)).all())
    return {k.code: bool(saved.get(k.code, k.default_email)) for k in notice_kinds()}


def save_email_choices(user_id: int, wanted: Iterable[str]) -> None:
    """Store the user's choice for every declared kind (the caller commits)."""
    wanted = set(wanted)
    saved = {p.kind: p for p in db.session.scalars(select(NoticePreference).where(NoticePreference.user_id == user_id))}
    for kind in notice_kinds():
        pref = saved.get(kind.code) or NoticePreference(user_id=user_id, kind=kind.code)
        pref.email = kind.code in wanted
        db.session.add(pref)


def _wanting_email(users: Sequence[User], kind: NoticeKind) -> list[User]:
    with_address = [u for u in users if u.email]
    if not with_address:
        return []
    saved = dict(db.session.execute(select(NoticePreference.user_id, NoticePreference.email).where(
        NoticePreference.kind == kind.code, NoticePreference.user_id.in_([u.id for u in with_address]))).all())
    return [u for u in with_address if saved.get(u.id, kind.default_email)]


def notify_users(users: list[User], message: str, link: str | None = None, email_subject: str | None = None,
                 *, kind: str = GENERAL.code) -> int:
    """Add a notification for each active user, and queue an e-mail for those who want ``kind`` by e-mail.

    Both are written in the caller's transaction: nothing is sent if it rolls back. Return how many were notified.
    """
    active = [u for u in users if u.active]
    for user in active:
        db.session.add(Notification(user_id=user.id, message=message, link=link))
    if current_app.config.get("PORTAL_SMTP_HOST") and active:
        lines = str(email_subject or message or "").strip().splitlines()
        subject = lines[0][:200] if lines else str(GENERAL.label)
        target = absolute(link) if link else None
        footer = _("Choose which notices come by e-mail: %(url)s", url=absolute_url("dashboard.notice_settings"))
        body = message + (f"\n\n{target}" if target else "") + "\n\n-- \n" + footer
        the_kind = _kind(kind)
        for user in _wanting_email(active, the_kind):
            db.session.add(MailOutbox(user_id=user.id, kind=the_kind.code, to_addr=user.email, subject=subject,
                                      body=body))
    return len(active)


def notify_unit(unit_id: int, message: str, link: str | None = None, email_subject: str | None = None,
                *, kind: str = GENERAL.code) -> int:
    """Notify every active user of a unit."""
    users = list(db.session.scalars(select(User).where(User.unit_id == unit_id, User.active.is_(True))))
    return notify_users(users, message, link, email_subject, kind=kind)


def unread_count(user_id: int) -> int:
    return db.session.scalar(
        select(db.func.count(Notification.id)).where(Notification.user_id == user_id, Notification.read_at.is_(None))
    ) or 0


# --- after the commit: send this transaction's mail in the background --------------------------------------------

_senders: list[threading.Thread] = []


@event.listens_for(Session, "after_flush")
def _collect(session: Session, flush_context: Any) -> None:
    ids = [o.id for o in session.new if isinstance(o, MailOutbox)]
    if ids:
        session.info.setdefault("portal_mail_ids", []).extend(ids)


@event.listens_for(Session, "after_commit")
def _send_after_commit(session: Session) -> None:
    ids = session.info.pop("portal_mail_ids", None)
    if not ids or not current_app.config.get("PORTAL_MAIL_SEND_AFTER_COMMIT", True):
        return
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    thread = threading.Thread(target=_send_in_thread, args=(app, ids), name="portal-mail", daemon=True)
    _senders[:] = [t for t in _senders if t.is_alive()] + [thread]
    thread.start()


@event.listens_for(Session, "after_soft_rollback")
def _drop_on_rollback(session: Session, previous_transaction: object) -> None:
    session.info.pop("portal_mail_ids", None)


def _send_in_thread(app: Flask, ids: list[int]) -> None:
    with app.app_context():
        try:
            send_due(ids=ids)
        except Exception:  # the rows stay queued for the cron command
            log.exception("sending mail after commit failed")
        finally:
            db.session.remove()


def wait_for_senders(timeout: float = 30) -> None:
    """Wait for the background senders started so far (tests, and the CLI before it exits)."""
    for thread in list(_senders):
        thread.join(timeout)


# --- the sender: claim, send, record ------------------------------------------------------------------------------

@dataclass
class SendResult:
    sent: int = 0
    retry: int = 0
    gave_up: int = 0

    def add(self, outcome: str) -> None:
        setattr(self, outcome, getattr(self, outcome) + 1)


def _claim(ids: Sequence[int] | None, limit: int) -> tuple[str, list[MailOutbox]]:
    """Claim due rows with a conditional UPDATE each (another sender's claim makes it match nothing); commit."""
    cfg = current_app.config
    now = utcnow()
    stale = now - dt.timedelta(minutes=int(cfg["PORTAL_MAIL_CLAIM_MINUTES"]))
    open_row = (MailOutbox.sent_at.is_(None), MailOutbox.failed_at.is_(None),
                or_(MailOutbox.claimed_at.is_(None), MailOutbox.claimed_at < stale))
    stmt = select(MailOutbox.id).where(*open_row).order_by(MailOutbox.id).limit(limit)
    stmt = stmt.where(MailOutbox.id.in_(list(ids))) if ids is not None else stmt.where(MailOutbox.next_try_at <= now)
    token = secrets.token_hex(16)
    claimed = []
    for row_id in db.session.scalars(stmt).all():
        result = db.session.execute(
            update(MailOutbox).where(MailOutbox.id == row_id, *open_row)
            .values(claim=token, claimed_at=now, attempts=MailOutbox.attempts + 1)
            .execution_options(synchronize_session=False))
        if result.rowcount == 1:
            claimed.append(row_id)
    db.session.commit()
    rows = list(db.session.scalars(select(MailOutbox).where(MailOutbox.id.in_(claimed), MailOutbox.claim == token)
                                   .order_by(MailOutbox.id))) if claimed else []
    db.session.commit()  # nothing is held open while the SMTP server answers
    return token, rows


def _connect() -> smtplib.SMTP:
    cfg = current_app.config
    security = (cfg.get("PORTAL_SMTP_SECURITY") or "starttls").lower()
    if security not in SECURITY_MODES:
        raise smtplib.SMTPException(f"PORTAL_SMTP_SECURITY must be one of {', '.join(SECURITY_MODES)}")
    host, port, timeout = cfg["PORTAL_SMTP_HOST"], int(cfg["PORTAL_SMTP_PORT"]), float(cfg["PORTAL_SMTP_TIMEOUT"])
    context = ssl.create_default_context(cafile=cfg.get("PORTAL_SMTP_CAFILE") or None)
    smtp: smtplib.SMTP
    if security == "tls":
        smtp = smtplib.SMTP_SSL(host, port, timeout=timeout, context=context)
    else:
        smtp = smtplib.SMTP(host, port, timeout=timeout)
        if security == "starttls":
            smtp.starttls(context=context)
    try:
        if cfg.get("PORTAL_SMTP_USER"):
            smtp.login(cfg["PORTAL_SMTP_USER"], cfg.get("PORTAL_SMTP_PASSWORD") or "")
    except BaseException:
        smtp.close()
        raise
    return smtp


def _message(row: MailOutbox) -> EmailMessage:
    msg = EmailMessage()
    msg["Subject"] = row.subject
    msg["From"] = current_app.config["PORTAL_MAIL_FROM"]
    msg["To"] = row.to_addr
    msg["Date"] = formatdate(localtime=True)
    msg["Message-ID"] = make_msgid(domain=str(msg["From"]).rpartition("@")[2].strip(">") or None)
    msg.set_content(row.body)
    return msg


def _record(row_id: int, token: str, error: str | None, attempts: int) -> str:
    cfg = current_app.config
    now = utcnow()
    values: dict[str, Any] = {"claim": None, "claimed_at": None}
    if error is None:
        values["sent_at"] = now
        outcome = "sent"
    else:
        values["last_error"] = error[:500]
        if attempts >= int(cfg["PORTAL_MAIL_MAX_ATTEMPTS"]):
            values["failed_at"] = now
            outcome = "gave_up"
        else:  # 5, 10, 20 … minutes, at most a day
            wait = min(int(cfg["PORTAL_MAIL_RETRY_MINUTES"]) * 2 ** (attempts - 1), 24 * 60)
            values["next_try_at"] = now + dt.timedelta(minutes=wait)
            outcome = "retry"
    db.session.execute(update(MailOutbox).where(MailOutbox.id == row_id, MailOutbox.claim == token).values(**values)
                       .execution_options(synchronize_session=False))
    db.session.commit()
    return outcome


def send_due(ids: Sequence[int] | None = None, limit: int = 200) -> SendResult:
    """Send queued mail: the rows ``ids`` (just committed), or every row whose next try is due."""
    result = SendResult()
    if not current_app.config.get("PORTAL_SMTP_HOST"):
        return result
    token, rows = _claim(ids, limit)
    if not rows:
        return result
    pending = [(r.id, r.attempts, _message(r)) for r in rows]
    try:
        smtp = _connect()
    except (OSError, smtplib.SMTPException) as exc:
        log.warning("SMTP server unreachable: %s", exc)
        for row_id, attempts, _msg in pending:
            result.add(_record(row_id, token, f"{type(exc).__name__}: {exc}", attempts))
        return result
    with smtp:
        for row_id, attempts, msg in pending:
            try:
                smtp.send_message(msg)
                error = None
            except (OSError, smtplib.SMTPException) as exc:
                error = f"{type(exc).__name__}: {exc}"
                log.warning("mail %s to %s failed: %s", row_id, msg["To"], exc)
            result.add(_record(row_id, token, error, attempts))
    return result


def prune_outbox(days: int) -> int:
    """Delete mail sent or given up more than ``days`` ago (the outbox is a queue, not an archive); commit."""
    cutoff = utcnow() - dt.timedelta(days=days)
    done = db.session.execute(db.delete(MailOutbox).where(
        or_(MailOutbox.sent_at < cutoff, MailOutbox.failed_at < cutoff)).execution_options(synchronize_session=False))
    db.session.commit()
    return done.rowcount or 0
