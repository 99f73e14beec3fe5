"""Reminders to the units that have not submitted: by the standing office's button (text editable) or on a
schedule (``flask reports send-reminders``, once per unit and period per local day)."""
from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, func, select, true

from portal.toolkit import (
    Unit,
    User,
    _,
    db,
    get_plugin_config,
    local_date,
    notify_unit,
)

from ..models import Event, Period, PeriodUnit, Submission
from ..permissions import REMINDER_NOTICE
from .periods import deadline_hint, is_locked, period_last_day

REMINDED = "reminded"


def not_submitted(period: Period, scope: ColumnElement[bool] | None = None) -> list[Any]:
    """Assigned units that have never submitted for ``period`` (drafts included), in Vietnamese order, each with
    ``accounts``: how many active users it has to receive a reminder."""
    done = select(Submission.unit_id).where(Submission.period_id == period.id,
                                            Submission.first_submitted_at.is_not(None))
    accounts = (select(func.count(User.id)).where(User.unit_id == Unit.id, User.active.is_(True))
                .correlate(Unit).scalar_subquery())
    rows = db.session.execute(
        select(Unit.id, Unit.name, Unit.kind, PeriodUnit.extended_until, accounts.label("accounts"))
        .join(PeriodUnit, PeriodUnit.unit_id == Unit.id)
        .where(PeriodUnit.period_id == period.id, Unit.id.not_in(done), scope if scope is not None else true())
        .order_by(Unit.sort_key, Unit.id)
    ).all()
    return list(rows)


def default_text(period: Period, extended_until: dt.date | None = None) -> str:
    return _("Reminder: the report \"%(name)s\" is due %(day)s.", name=period.name,
             day=deadline_hint(period, extended_until))


def send(period: Period, rows: Sequence[Any], link: str, at: dt.datetime, text: str | None = None,
         user: Any = None) -> tuple[int, int]:
    """Notify every active user of each unit in ``rows`` and note it in the report's history; ``text`` None means
    each unit's own deadline (extensions included). Return (units reached, users notified)."""
    units = users = 0
    for row in rows:
        n = notify_unit(row.id, text or default_text(period, row.extended_until), link,
                        email_subject=_("Report reminder: %(name)s", name=period.name),
                        kind=REMINDER_NOTICE)
        units += 1 if n else 0
        users += n
        db.session.add(Event(period_id=period.id, unit_id=row.id, action=REMINDED, at=at,
                             user_id=getattr(user, "id", None),
                             actor=getattr(user, "full_name", None) or _("Scheduled reminder"),
                             comment=text or deadline_hint(period, row.extended_until)))
    return units, users


def due(day: dt.date) -> list[tuple[Period, list[Any]]]:
    """What the scheduled reminder sends on ``day``: in each open period, the units that have not submitted,
    still may, and whose last on-time day is at most REPORTS_DUE_SOON_DAYS away (or past), not reminded yet that
    local day by anyone."""
    soon = int(get_plugin_config("REPORTS_DUE_SOON_DAYS", 7))
    periods = list(db.session.scalars(select(Period).where(Period.opens_on <= day).order_by(Period.opens_on)))
    since = dt.datetime.combine(day - dt.timedelta(days=1), dt.time())  # UTC; the local day is checked below
    reminded = {
        (e.period_id, e.unit_id)
        for e in db.session.execute(select(Event.period_id, Event.unit_id, Event.at).where(
            Event.action == REMINDED, Event.at >= since, Event.period_id.in_([p.id for p in periods] or [0])))
        if local_date(e.at) == day
    }
    out = []
    for period in periods:
        rows = [r for r in not_submitted(period)
                if (period.id, r.id) not in reminded and not is_locked(period, r.extended_until, None, day)
                and (period_last_day(period, r.extended_until) - day).days <= soon]
        if rows:
            out.append((period, rows))
    return out
