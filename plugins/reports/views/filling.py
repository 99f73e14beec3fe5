"""The unit's side: what it owes, filling in a report (autosave per field), submitting, files, print."""
from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, request, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import select

from portal.toolkit import (
    notify_users,
    Refused,
    Unit,
    Upload,
    UploadError,
    _,
    check_file,
    check_unit,
    current_user,
    db,
    get_plugin_config,
    idempotent,
    is_fragment_request,
    issued_number,
    issuer_of,
    local_date,
    local_now,
    local_today,
    render,
    require_permission,
    send_upload,
    store,
    unit_lineage,
    utcnow,
)

from ..forms import ReturnForm
from ..models import (
    Attachment,
    Event,
    FormVersion,
    Period,
    PeriodUnit,
    Submission,
)
from ..services import history as history_svc
from ..services import submissions as submissions_svc
from ..services.builder import field_by_key
from ..services.periods import assignment, effective_deadline
from ..services.submissions import OWED_BUCKETS, reviewers, FieldConflict, ensure_editable, lock_submission, owed_for_unit, save_value
from ..services.values import ATTACHMENT_KINDS, FieldError, diff, parse_value
from ..permissions import SUBMITTED_NOTICE, SUBMIT, VIEW, VIEWERS


def _can_see(unit_id: int) -> bool:
    return current_user.can(VIEW, unit_id) or current_user.can(SUBMIT, unit_id)


def _load(period_id: int, unit_id: int) -> tuple[Period, PeriodUnit | None, Submission | None]:
    period = db.get_or_404(Period, period_id)
    if not _can_see(unit_id):
        abort(403)
    link = assignment(period.id, unit_id)
    sub = db.session.scalar(select(Submission).where(Submission.period_id == period.id, Submission.unit_id == unit_id))
    if link is None and sub is None:
        abort(404)
    return period, link, sub


def _files(sub: Submission | None) -> dict[int, str]:
    if sub is None:
        return {}
    rows = db.session.execute(
        select(Upload.id, Upload.original_name).join(Attachment, Attachment.upload_id == Upload.id)
        .where(Attachment.submission_id == sub.id)
    ).all()
    return {r.id: r.original_name for r in rows}


def _saved_at() -> str:
    return local_now().strftime("%H:%M")


def _report_page(period: Period, link: PeriodUnit | None, sub: Submission | None, errors: dict[str, str] | None = None,
                 raw: dict[str, Any] | None = None, status: int = 200,
                 conflicts: dict[str, Any] | None = None) -> ResponseReturnValue:
    unit = db.session.get(Unit, link.unit_id if link else sub.unit_id)  # type: ignore[union-attr]
    files = _files(sub)
    revisions = list(sub.revisions) if sub else []
    diffs = []
    for i, rev in enumerate(revisions):
        before = revisions[i - 1].values if i else {}
        diffs.append((rev, diff(period.version, before, rev.values, files) if i else []))
    pending = []
    if sub is not None and sub.state == "returned" and revisions:
        pending = diff(period.version, revisions[-1].values, sub.values or {}, files)
    events = list(db.session.scalars(select(Event).where(Event.submission_id == sub.id).order_by(Event.at))) if sub else []
    lock_reason, editable = None, False
    if link is not None and current_user.can(SUBMIT, link.unit_id):
        try:
            ensure_editable(period, link, sub, local_today())
            editable = True
        except Refused as exc:  # shown to the unit as the reason the form is read-only
            lock_reason = exc.message
    return render(
        "reports/report.html", fragment="report_body", period=period, link=link, sub=sub, unit=unit,
        version=period.version, values=(sub.values if sub else {}) or {}, raw=raw or {}, errors=errors or {},
        files=files, editable=editable, lock_reason=lock_reason, diffs=list(reversed(diffs)),
        pending=pending, events=events, deadline=effective_deadline(period, link.extended_until if link else None),
        return_form=ReturnForm(), status=status, conflicts=conflicts or {},
    )


def _check_filename(name: str | None) -> None:
    if name and ("/" in name or "\\" in name or ".." in name or "\x00" in name):
        raise FieldError(_("The file name is not allowed. Rename the file (letters, digits, - and _) and try again."))


def _store_file(sub: Submission, f: Any) -> None:
    storage = request.files.get(f.key)
    _check_filename(storage.filename if storage else None)
    limit = int(get_plugin_config("REPORTS_MAX_UPLOAD_BYTES", 5 * 1024 * 1024))
    try:
        checked = check_file(storage, ATTACHMENT_KINDS, limit)
    except UploadError as exc:
        raise FieldError(str(exc)) from None
    upload = store(checked, owner="reports")
    db.session.flush()
    db.session.add(Attachment(submission_id=sub.id, field_key=f.key, upload_id=upload.id))
    save_value(sub, f, upload.id, _based_on(f.key))


def _based_on(key: str) -> int:
    """The version of field ``key`` the user's page showed (sent as ``_v.<key>``; none means a new field)."""
    raw = request.form.get("_v." + key, "")
    return int(raw) if raw.isdigit() and len(raw) < 10 else 0


def _apply_posted(sub: Submission, version: FormVersion) -> tuple[dict[str, str], dict[str, Any], dict[str, Any]]:
    """Parse every posted field into the draft; return (errors, raw values typed, conflicts: the user's values
    of fields saved elsewhere meanwhile)."""
    errors: dict[str, str] = {}
    raw: dict[str, Any] = {}
    conflicts: dict[str, Any] = {}
    posted = set(request.form.getlist("_fields"))
    for f in version.fields:
        try:
            if f.kind == "file":
                storage = request.files.get(f.key)
                if storage is not None and storage.filename:
                    _store_file(sub, f)
                continue
            if f.key not in posted:
                continue
            value = request.form.getlist(f.key) if f.kind == "multichoice" else request.form.get(f.key, "")
            raw[f.key] = value
            save_value(sub, f, parse_value(f, value), _based_on(f.key))
        except FieldError as exc:
            errors[f.key] = str(exc)
            if isinstance(exc, FieldConflict):
                conflicts[f.key] = raw.pop(f.key, None)
    return errors, raw, conflicts


def _editing(period_id: int, unit_id: int) -> tuple[Period, PeriodUnit, Submission]:
    """Load a report for a change by its unit; refuse (4xx) anything locked, accepted or not assigned."""
    check_unit(SUBMIT, unit_id)
    period = db.get_or_404(Period, period_id)
    link = assignment(period.id, unit_id)
    ensure_editable(period, link, None, local_today())  # not assigned / not open yet: refuse before creating
    sub = lock_submission(period, unit_id)  # held until commit: changes of one report run one at a time
    ensure_editable(period, link, sub, local_today())
    return period, link, sub  # type: ignore[return-value]


@require_permission(SUBMIT, VIEW)
def index() -> ResponseReturnValue:
    if not current_user.can(SUBMIT) or current_user.unit_id is None:
        return redirect(url_for("reports.matrix"))
    items = owed_for_unit(current_user.unit_id, local_today())
    return render("reports/index.html", owed=[i for i in items if i.bucket in OWED_BUCKETS],
                  waiting=[i for i in items if i.bucket == "submitted"],
                  done=[i for i in items if i.bucket == "accepted"], today=local_today())


@require_permission(*VIEWERS)
def unit_history(unit_id: int) -> ResponseReturnValue:
    """A unit's reports over the years, with those its predecessors filed before they merged into it."""
    unit = db.get_or_404(Unit, unit_id)
    if not (current_user.can(VIEW, unit.id) or current_user.can(SUBMIT, unit.id)):
        abort(403)
    lineage = unit_lineage(unit.id)
    rows = history_svc.unit_history(lineage)
    return render("reports/unit_history.html", unit=unit, rows=rows, predecessors=len(lineage) - 1,
                  today=local_today())


@require_permission(*VIEWERS)
def report(period_id: int, unit_id: int) -> ResponseReturnValue:
    period, link, sub = _load(period_id, unit_id)
    return _report_page(period, link, sub)


@require_permission(SUBMIT)
@idempotent
def save_field(period_id: int, unit_id: int, key: str) -> ResponseReturnValue:
    period, link, sub = _editing(period_id, unit_id)
    f = field_by_key(period.version, key)
    if f is None:
        abort(404)
    error, raw, conflict = None, None, None
    try:
        if f.kind == "file":
            _store_file(sub, f)
        else:
            raw = request.form.getlist(key) if f.kind == "multichoice" else request.form.get(key, "")
            save_value(sub, f, parse_value(f, raw), _based_on(key))
    except FieldError as exc:
        error = str(exc)
        conflict = exc if isinstance(exc, FieldConflict) else None
        db.session.rollback()
        sub = db.session.scalar(select(Submission).where(Submission.period_id == period.id,
                                                         Submission.unit_id == unit_id))
    else:
        db.session.commit()
    status = 409 if conflict else 422
    if not is_fragment_request():
        if error:
            return _report_page(period, link, sub, {key: error}, {} if conflict else {key: raw}, status=status,
                                conflicts={key: raw} if conflict else None)
        flash(_("Draft saved."), "success")
        return redirect(url_for("reports.report", period_id=period.id, unit_id=unit_id))
    # On a conflict the field shows the saved value, the user's value beside it, and a button to keep theirs.
    return render(
        "reports/_field.html", fragment="report_field", status=status if error else 200, f=f, period=period,
        link=link, sub=sub, values=(sub.values if sub else {}) or {}, raw={key: raw} if error and not conflict else {},
        errors={key: error} if error else {}, files=_files(sub), editable=True, saved=None if error else _saved_at(),
        conflicts={key: raw} if conflict else {},
    )


@require_permission(SUBMIT)
def save(period_id: int, unit_id: int) -> ResponseReturnValue:
    period, link, sub = _editing(period_id, unit_id)
    errors, raw, conflicts = _apply_posted(sub, period.version)
    if errors:
        db.session.rollback()
        period, link, sub = _load(period_id, unit_id)
        return _report_page(period, link, sub, errors, raw, status=409 if conflicts else 422, conflicts=conflicts)
    db.session.commit()
    flash(_("Draft saved."), "success")
    return redirect(url_for("reports.report", period_id=period.id, unit_id=unit_id))


@require_permission(SUBMIT)
def submit(period_id: int, unit_id: int) -> ResponseReturnValue:
    period, link, sub = _editing(period_id, unit_id)
    errors, raw, conflicts = _apply_posted(sub, period.version)
    if not errors:
        errors = submissions_svc.submit(sub, link, current_user, utcnow())
    if errors:
        db.session.rollback()
        period, link, sub = _load(period_id, unit_id)
        flash(_("The report was not submitted. Please correct the fields marked below."), "error")
        return _report_page(period, link, sub, errors, raw, status=409 if conflicts else 422, conflicts=conflicts)
    unit = db.session.get(Unit, unit_id)
    notify_users(reviewers(), _("%(unit)s submitted the report \"%(name)s\"; it is waiting for review.",
                                unit=unit.name if unit else "", name=period.name),
                 url_for("reports.inbox_item", sub_id=sub.id),
                 email_subject=_("Report submitted: %(unit)s", unit=unit.name if unit else ""),
                 kind=SUBMITTED_NOTICE)
    db.session.commit()
    if sub.late:
        flash(_("Report submitted after the deadline; it is marked late."), "warning")
    else:
        flash(_("Report submitted. The standing office will review it."), "success")
    return redirect(url_for("reports.report", period_id=period.id, unit_id=unit_id))


@require_permission(*VIEWERS)
def download(period_id: int, unit_id: int, upload_id: int) -> ResponseReturnValue:
    period, _link, sub = _load(period_id, unit_id)
    if sub is None:
        abort(404)
    found = db.session.scalar(select(Attachment).where(Attachment.submission_id == sub.id,
                                                       Attachment.upload_id == upload_id))
    if found is None:
        abort(404)
    return send_upload(db.session.get(Upload, upload_id))


@require_permission(*VIEWERS)
def print_report(period_id: int, unit_id: int) -> ResponseReturnValue:
    period, link, sub = _load(period_id, unit_id)
    unit = db.session.get(Unit, unit_id)
    if unit is None:
        abort(404)
    number = issued_number("reports_submission", sub.id) if sub else None
    return render("reports/print.html", period=period, sub=sub, unit=unit, issuer=issuer_of(unit), number=number,
                  version=period.version,
                  values=(sub.values if sub else {}) or {}, files=_files(sub),
                  doc_day=local_date(sub.submitted_at) if sub and sub.submitted_at else local_today())


@require_permission(SUBMIT)
def widget_owed() -> ResponseReturnValue:
    items = [i for i in owed_for_unit(current_user.unit_id, local_today())
             if i.bucket in OWED_BUCKETS] if current_user.unit_id else []
    return render("reports/widgets.html", fragment="widget_owed", items=items)
