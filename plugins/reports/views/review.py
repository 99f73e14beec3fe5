"""The standing office's side: the review inbox, accept or return a submitted report (a comment per field), the
list of submissions."""
from __future__ import annotations


from flask import flash, request, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import func, select

from portal.toolkit import (
    INVALID_FORM,
    confirm,
    redirect_or_hx,
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
from ..services import inbox as inbox_svc
from ..services import submissions as submissions_svc
from .filling import _files, _load, _report_page
from .matrix import _period_choices
from ..permissions import REVIEW, REVIEWED_NOTICE, VIEW

NOTE_MAX = 1000


def _review_target(sub_id: int) -> Submission:
    """The report to review, with its row lock (a second accept or a racing return sees the first one's state)."""
    sub = db.get_or_404(Submission, sub_id)
    check_unit(REVIEW, sub.unit_id)
    return lock(Submission, sub_id)  # type: ignore[return-value]


def _after_review(sub: Submission) -> ResponseReturnValue:
    """From the inbox: on to the next report waiting (or back to the inbox); from the report page: back to it."""
    if request.form.get("from") == "inbox":
        nxt = inbox_svc.after(inbox_svc.waiting(unit_clause(REVIEW, Submission.unit_id)), sub.id)
        return redirect_or_hx(url_for("reports.inbox_item", sub_id=nxt) if nxt else url_for("reports.inbox"))
    return redirect_or_hx(url_for("reports.report", period_id=sub.period_id, unit_id=sub.unit_id))


def _field_notes(sub: Submission) -> dict[str, str]:
    """The reviewer's comment per field (``note.<key>``), for the fields of the report's form only."""
    keys = {f.key for f in sub.period.version.fields}
    notes = {k[5:]: v.strip() for k, v in request.form.items() if k.startswith("note.") and k[5:] in keys}
    if any(len(v) > NOTE_MAX for v in notes.values()):
        raise Refused(422, _("A comment is too long (at most %(num)s characters).", num=NOTE_MAX))
    return {k: v for k, v in notes.items() if v}


@require_permission(REVIEW)
def accept(sub_id: int) -> ResponseReturnValue:
    sub = _review_target(sub_id)
    if sub.state == "submitted":
        unit = db.session.get(Unit, sub.unit_id)
        asked = confirm(_("Accept the report of %(unit)s?", unit=unit.name if unit else ""), [
            _("The report is locked: the unit can no longer change it."),
            _("Its figures count in the district roll-up."),
        ], button=_("Accept the report"), danger=False)
        if asked is not None:
            return asked
    submissions_svc.review(sub, "accept", current_user, utcnow())
    notify_unit(sub.unit_id, _("Your report \"%(name)s\" was accepted.", name=sub.period.name),
                url_for("reports.report", period_id=sub.period_id, unit_id=sub.unit_id), kind=REVIEWED_NOTICE)
    db.session.commit()
    flash(_("Report accepted and locked."), "success")
    return _after_review(sub)


@require_permission(REVIEW)
def return_report(sub_id: int) -> ResponseReturnValue:
    sub = _review_target(sub_id)
    form = ReturnForm()
    notes = _field_notes(sub)
    if not form.validate_on_submit() or not (form.comment.data or notes):
        if sub.state != "submitted":
            raise Refused(409, _("Only a submitted report can be reviewed."))
        error = form.comment.errors[0] if form.comment.errors else _("Write what the unit must correct.")
        if request.form.get("from") == "inbox":
            return _inbox_page(sub, error=error, notes=notes, status=INVALID_FORM)
        period, link, sub2 = _load(sub.period_id, sub.unit_id)
        return _report_page(period, link, sub2, {"_return": error}, status=INVALID_FORM)
    submissions_svc.review(sub, "return", current_user, utcnow(), form.comment.data, notes)
    link = url_for("reports.report", period_id=sub.period_id, unit_id=sub.unit_id)
    told = form.comment.data or _("%(num)s fields to correct", num=len(notes))
    notify_unit(sub.unit_id, _("Your report \"%(name)s\" was returned: %(comment)s", name=sub.period.name,
                               comment=told), link,
                email_subject=_("Report returned for correction"), kind=REVIEWED_NOTICE)
    db.session.commit()
    flash(_("Report returned to the unit with your comment."), "success")
    return _after_review(sub)


@require_permission(REVIEW)
def inbox() -> ResponseReturnValue:
    page = paginate(inbox_svc.waiting_query(unit_clause(REVIEW, Submission.unit_id)), inbox_svc.INBOX_ORDER,
                    rows="row", count=True)
    return render("reports/inbox.html", fragment="inbox_list", rows=page.items, page=page)


def _inbox_page(sub: Submission, error: str | None = None, notes: dict[str, str] | None = None,
                status: int = 200) -> ResponseReturnValue:
    rows = inbox_svc.waiting(unit_clause(REVIEW, Submission.unit_id))
    prev_id, next_id, position = inbox_svc.neighbours(rows, sub.id)
    unit = db.session.get(Unit, sub.unit_id)
    return render("reports/inbox_item.html", fragment="inbox_item", sub=sub, period=sub.period, unit=unit,
                  version=sub.period.version, values=sub.values or {}, files=_files(sub), prev_id=prev_id,
                  next_id=next_id, position=position, total=len(rows), error=error, notes=notes or {},
                  return_form=ReturnForm(formdata=None) if error is None else ReturnForm(), status=status)


@require_permission(REVIEW)
def inbox_item(sub_id: int) -> ResponseReturnValue:
    sub = db.get_or_404(Submission, sub_id)
    check_unit(REVIEW, sub.unit_id)
    return _inbox_page(sub)


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
