"""The standing office's side: accept or return a submitted report, the list of submissions."""
from __future__ import annotations


from flask import (
    flash,
    redirect,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from sqlalchemy import func, select

from portal.toolkit import (
    Refused,
    paginate,
    Unit,
    _,
    check_unit,
    current_user,
    db,
    lock,
    notify_unit,
    render,
    require_permission,
    unit_clause,
    utcnow,
)

from ..forms import ReturnForm
from ..models import Period, Submission
from .. import labels
from ..services import submissions as submissions_svc
from .filling import _load, _report_page
from .matrix import _period_choices
from ..permissions import REVIEW, VIEW


def _review_target(sub_id: int) -> Submission:
    """The report to review, with its row lock (a second accept or a racing return sees the first one's state)."""
    sub = db.get_or_404(Submission, sub_id)
    check_unit(REVIEW, sub.unit_id)
    return lock(Submission, sub_id)  # type: ignore[return-value]


@require_permission(REVIEW)
def accept(sub_id: int) -> ResponseReturnValue:
    sub = _review_target(sub_id)
    submissions_svc.review(sub, "accept", current_user, utcnow())
    notify_unit(sub.unit_id, _("Your report \"%(name)s\" was accepted.", name=sub.period.name),
                url_for("reports.report", period_id=sub.period_id, unit_id=sub.unit_id))
    db.session.commit()
    flash(_("Report accepted and locked."), "success")
    return redirect(url_for("reports.report", period_id=sub.period_id, unit_id=sub.unit_id))


@require_permission(REVIEW)
def return_report(sub_id: int) -> ResponseReturnValue:
    sub = _review_target(sub_id)
    form = ReturnForm()
    if not form.validate_on_submit():
        if sub.state != "submitted":
            raise Refused(409, _("Only a submitted report can be reviewed."))
        period, link, sub2 = _load(sub.period_id, sub.unit_id)
        form_errors = {"_return": _("Write what the unit must correct.")}
        return _report_page(period, link, sub2, form_errors, status=422)
    submissions_svc.review(sub, "return", current_user, utcnow(), form.comment.data)
    link = url_for("reports.report", period_id=sub.period_id, unit_id=sub.unit_id)
    notify_unit(sub.unit_id, _("Your report \"%(name)s\" was returned: %(comment)s", name=sub.period.name,
                               comment=form.comment.data), link,
                email_subject=_("Report returned for correction"))
    db.session.commit()
    flash(_("Report returned to the unit with your comment."), "success")
    return redirect(link)


@require_permission(VIEW)
def submissions() -> ResponseReturnValue:
    period_id = request.args.get("period", type=int)
    state = request.args.get("state", "")
    kind = request.args.get("kind", "")
    query = (
        select(Submission.id, Submission.period_id, Submission.unit_id, Submission.state, Submission.late,
               Submission.submitted_at, Unit.name.label("unit_name"), Unit.kind, Period.name.label("period_name"))
        .join(Unit, Unit.id == Submission.unit_id).join(Period, Period.id == Submission.period_id)
        .where(unit_clause(VIEW, Submission.unit_id), Submission.first_submitted_at.is_not(None))
    )
    if period_id:
        query = query.where(Submission.period_id == period_id)
    if state in labels.STATE_LABELS:
        query = query.where(Submission.state == state)
    if kind:
        query = query.where(Unit.kind == kind)
    # submitted_at is empty while a returned report is being corrected: the first submission keeps its place
    sent = func.coalesce(Submission.submitted_at, Submission.first_submitted_at)
    page = paginate(query, (sent.desc(), Submission.id.desc()), rows="row", count=True)
    return render(
        "reports/submissions.html", fragment="submission_list", rows=page.items, total=page.total, page=page,
        periods=_period_choices(), period_id=period_id, state=state, kind=kind,
    )
