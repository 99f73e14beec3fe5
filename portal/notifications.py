"""In-app notifications to users and units; e-mail as well when SMTP is configured."""
from __future__ import annotations

import logging
import smtplib
from email.message import EmailMessage

from flask import current_app
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from portal.extensions import db
from portal.models import Notification, User

log = logging.getLogger(__name__)


def notify_users(users: list[User], message: str, link: str | None = None, email_subject: str | None = None) -> int:
    """Add a notification for each active user; e-mail them too if SMTP is set. Return how many were notified."""
    active = [u for u in users if u.active]
    for user in active:
        db.session.add(Notification(user_id=user.id, message=message, link=link))
    host = current_app.config.get("PORTAL_SMTP_HOST")
    if host and email_subject:
        recipients = [u.email for u in active if u.email]
        if recipients:
            # Sent after the commit (never while the transaction holds its locks), and not at all on rollback.
            outbox = db.session.info.setdefault("portal_outbox", [])
            outbox.append((current_app._get_current_object(), host, recipients, email_subject,  # type: ignore[attr-defined]
                           message + (f"\n\n{link}" if link else "")))
    return len(active)


@event.listens_for(Session, "after_commit")
def _send_after_commit(session: Session) -> None:
    outbox = session.info.pop("portal_outbox", [])
    for app, host, recipients, subject, body in outbox:
        with app.app_context():
            _send_mail(host, recipients, subject, body)


@event.listens_for(Session, "after_soft_rollback")
def _drop_on_rollback(session: Session, previous_transaction: object) -> None:
    session.info.pop("portal_outbox", None)


def notify_unit(unit_id: int, message: str, link: str | None = None, email_subject: str | None = None) -> int:
    """Notify every active user of a unit."""
    users = list(db.session.scalars(select(User).where(User.unit_id == unit_id, User.active.is_(True))))
    return notify_users(users, message, link, email_subject)


def _send_mail(host: str, recipients: list[str], subject: str, body: str) -> None:
    msg = EmailMessage()
    msg["Subject"] = subject
    msg["From"] = current_app.config["PORTAL_MAIL_FROM"]
    msg["To"] = ", ".join(recipients)
    msg.set_content(body)
    try:
        with smtplib.SMTP(host, current_app.config["PORTAL_SMTP_PORT"], timeout=10) as smtp:
            smtp.send_message(msg)
    except (OSError, smtplib.SMTPException):
        # the in-app notification is already stored; a mail outage must not fail the request
        log.exception("mail to %s failed", recipients)


def unread_count(user_id: int) -> int:
    return db.session.scalar(
        select(db.func.count(Notification.id)).where(Notification.user_id == user_id, Notification.read_at.is_(None))
    ) or 0
