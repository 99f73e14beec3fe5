"""Reminders to the units that have not submitted."""
from __future__ import annotations


from flask import (
    flash,
    redirect,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue

from portal.toolkit import (
    Unit,
    _,
    current_user,
    db,
    format_date,
    local_today,
    notify_unit,
    render,
    require_permission,
    unit_clause,
    utcnow,
)

from ..models import Event, Period
from ..services.history import not_submitted
from ..services.periods import deadline_hint
from ..permissions import REVIEW


@require_permission(REVIEW)
def reminders(period_id: int) -> ResponseReturnValue:
    period = db.get_or_404(Period, period_id)
    missing = not_submitted(period, unit_clause(REVIEW, Unit.id))
    if request.method == "POST":
        link = url_for("reports.index")
        deadline = format_date(period.deadline)
        notified = 0
        for row in missing:
            notified += notify_unit(
                row.id, _("Reminder: the report \"%(name)s\" is due %(day)s.", name=period.name,
                          day=deadline_hint(period, row.extended_until)),
                link, email_subject=_("Report reminder: %(name)s", name=period.name),
            )
            db.session.add(Event(period_id=period.id, unit_id=row.id, action="reminded", user_id=current_user.id,
                                 actor=current_user.full_name, at=utcnow(), comment=deadline))
        db.session.commit()
        flash(_("Reminder sent to %(units)s units (%(users)s users).", units=len(missing), users=notified), "success")
        return redirect(url_for("reports.reminders", period_id=period.id))
    return render("reports/reminders.html", period=period, missing=missing, today=local_today())
