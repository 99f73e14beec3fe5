"""Reminders to the units that have not submitted: the standing office's page (text editable before sending) and
the command for a timer, ``flask reports send-reminders``."""
from __future__ import annotations

import click
from flask import current_app, flash, request, url_for
from flask.typing import ResponseReturnValue

from portal.toolkit import (
    Unit,
    _,
    current_user,
    db,
    local_today,
    redirect_or_hx,
    render,
    require_permission,
    unit_clause,
    utcnow,
)

from ..models import Period
from ..permissions import REVIEW
from ..services import reminders as svc

MAX_TEXT = 1000


@require_permission(REVIEW)
def reminders(period_id: int) -> ResponseReturnValue:
    period = db.get_or_404(Period, period_id)
    missing = svc.not_submitted(period, unit_clause(REVIEW, Unit.id))
    default = svc.default_text(period)
    text = (request.form.get("text", default) or "").strip() if request.method == "POST" else default
    error = None
    if request.method == "POST":
        if not text:
            error = _("Write the reminder text.")
        elif len(text) > MAX_TEXT:
            error = _("The reminder text is too long (at most %(num)s characters).", num=MAX_TEXT)
        else:
            # the text as offered keeps each unit's own deadline (extensions); an edited one goes out as written
            units, users = svc.send(period, missing, url_for("reports.index"), utcnow(),
                                    None if text == default else text, current_user)
            db.session.commit()
            flash(_("Reminder sent to %(units)s units (%(users)s users).", units=units, users=users), "success")
            without = len(missing) - units
            if without:
                flash(_("%(num)s units have no account to receive it: call them.", num=without), "warning")
            return redirect_or_hx(url_for("reports.reminders", period_id=period.id))
    return render("reports/reminders.html", period=period, missing=missing, text=text, error=error,
                  without=[r for r in missing if not r.accounts], today=local_today(),
                  status=422 if error else 200)


def send_reminders_command() -> None:
    """Remind the units of open periods whose report is due soon or overdue (once per unit and day): for cron or
    a systemd timer, e.g. every morning."""
    day = local_today()
    units = users = 0
    with current_app.test_request_context("/"):  # the link as every notification stores it (a path)
        link = url_for("reports.index")
    for period, rows in svc.due(day):
        u, n = svc.send(period, rows, link, utcnow())
        units, users = units + u, users + n
        click.echo(_("%(name)s: %(units)s units reminded.", name=period.name, units=len(rows)))
    db.session.commit()
    click.echo(_("Reminder sent to %(units)s units (%(users)s users).", units=units, users=users))
