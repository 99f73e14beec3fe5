"""Routes of the report intake. Thin: access checks, form handling, rendering; the logic is in services."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, make_response, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import func, select
from werkzeug.exceptions import HTTPException

from portal.toolkit import (
    PERCENT,
    Column,
    paginate,
    Unit,
    Upload,
    UploadError,
    _,
    check_file,
    check_unit,
    current_user,
    db,
    format_date,
    get_plugin_config,
    idempotent,
    is_fragment_request,
    issued_number,
    issuer_of,
    local_date,
    local_now,
    local_today,
    lock,
    notify_unit,
    render,
    require_permission,
    send_upload,
    store,
    unit_clause,
    unit_lineage,
    user_error,
    utcnow,
    vi_sort_key,
    xlsx_response,
)

from . import indicators as ind_svc
from . import services as svc
from .forms import AggregationForm, ExtensionForm, FieldForm, PeriodForm, ReportFormForm, ReturnForm, RuleForm
from .models import NUMERIC_KINDS, Attachment, Event, FormVersion, Period, PeriodUnit, ReportForm, Submission

bp = Blueprint("reports", __name__, template_folder="templates", static_folder="static")

VIEWERS = ("reports.view", "reports.submit")


# --- helpers ------------------------------------------------------------------------------------------------

def _can_see(unit_id: int) -> bool:
    return current_user.can("reports.view", unit_id) or current_user.can("reports.submit", unit_id)


def _load(period_id: int, unit_id: int) -> tuple[Period, PeriodUnit | None, Submission | None]:
    period = db.get_or_404(Period, period_id)
    if not _can_see(unit_id):
        abort(403)
    link = svc.assignment(period.id, unit_id)
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
        diffs.append((rev, svc.diff(period.version, before, rev.values, files) if i else []))
    pending = []
    if sub is not None and sub.state == "returned" and revisions:
        pending = svc.diff(period.version, revisions[-1].values, sub.values or {}, files)
    events = list(db.session.scalars(select(Event).where(Event.submission_id == sub.id).order_by(Event.at))) if sub else []
    lock_reason, editable = None, False
    if link is not None and current_user.can("reports.submit", link.unit_id):
        try:
            svc.ensure_editable(period, link, sub, local_today())
            editable = True
        except HTTPException as exc:  # shown to the unit as the reason the form is read-only
            lock_reason = exc.description
    return render(
        "reports/report.html", fragment="report_body", period=period, link=link, sub=sub, unit=unit,
        version=period.version, values=(sub.values if sub else {}) or {}, raw=raw or {}, errors=errors or {},
        files=files, editable=editable, lock_reason=lock_reason, diffs=list(reversed(diffs)),
        pending=pending, events=events, deadline=svc.effective_deadline(period, link.extended_until if link else None),
        return_form=ReturnForm(), svc=svc, status=status, conflicts=conflicts or {},
    )


def _check_filename(name: str | None) -> None:
    if name and ("/" in name or "\\" in name or ".." in name or "\x00" in name):
        raise svc.FieldError(_("The file name is not allowed. Rename the file (letters, digits, - and _) and try again."))


def _store_file(sub: Submission, f: Any) -> None:
    storage = request.files.get(f.key)
    _check_filename(storage.filename if storage else None)
    limit = int(get_plugin_config("REPORTS_MAX_UPLOAD_BYTES", 5 * 1024 * 1024))
    try:
        checked = check_file(storage, svc.ATTACHMENT_KINDS, limit)
    except UploadError as exc:
        raise svc.FieldError(str(exc)) from None
    upload = store(checked, owner="reports")
    db.session.flush()
    db.session.add(Attachment(submission_id=sub.id, field_key=f.key, upload_id=upload.id))
    svc.save_value(sub, f, upload.id, _based_on(f.key))


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
            svc.save_value(sub, f, svc.parse_value(f, value), _based_on(f.key))
        except svc.FieldError as exc:
            errors[f.key] = str(exc)
            if isinstance(exc, svc.FieldConflict):
                conflicts[f.key] = raw.pop(f.key, None)
    return errors, raw, conflicts


def _editing(period_id: int, unit_id: int) -> tuple[Period, PeriodUnit, Submission]:
    """Load a report for a change by its unit; refuse (4xx) anything locked, accepted or not assigned."""
    check_unit("reports.submit", unit_id)
    period = db.get_or_404(Period, period_id)
    link = svc.assignment(period.id, unit_id)
    svc.ensure_editable(period, link, None, local_today())  # not assigned / not open yet: refuse before creating
    sub = svc.lock_submission(period, unit_id)  # held until commit: changes of one report run one at a time
    svc.ensure_editable(period, link, sub, local_today())
    return period, link, sub  # type: ignore[return-value]


# --- unit side ----------------------------------------------------------------------------------------------

@bp.route("/")
@require_permission("reports.submit", "reports.view")
def index() -> ResponseReturnValue:
    if not current_user.can("reports.submit") or current_user.unit_id is None:
        return redirect(url_for("reports.matrix"))
    items = svc.owed_for_unit(current_user.unit_id, local_today())
    return render("reports/index.html", items=items, buckets=svc.BUCKET_LABELS, today=local_today())


@bp.route("/unit/<int:unit_id>")
@require_permission(*VIEWERS)
def unit_history(unit_id: int) -> ResponseReturnValue:
    """A unit's reports over the years, with those its predecessors filed before they merged into it."""
    unit = db.get_or_404(Unit, unit_id)
    if not (current_user.can("reports.view", unit.id) or current_user.can("reports.submit", unit.id)):
        abort(403)
    lineage = unit_lineage(unit.id)
    rows = svc.unit_history(lineage)
    return render("reports/unit_history.html", unit=unit, rows=rows, predecessors=len(lineage) - 1, svc=svc,
                  today=local_today())


@bp.route("/p/<int:period_id>/u/<int:unit_id>")
@require_permission(*VIEWERS)
def report(period_id: int, unit_id: int) -> ResponseReturnValue:
    period, link, sub = _load(period_id, unit_id)
    return _report_page(period, link, sub)


@bp.route("/p/<int:period_id>/u/<int:unit_id>/field/<key>", methods=["POST"])
@require_permission("reports.submit")
@idempotent
def save_field(period_id: int, unit_id: int, key: str) -> ResponseReturnValue:
    period, link, sub = _editing(period_id, unit_id)
    f = svc.field_by_key(period.version, key)
    if f is None:
        abort(404)
    error, raw, conflict = None, None, None
    try:
        if f.kind == "file":
            _store_file(sub, f)
        else:
            raw = request.form.getlist(key) if f.kind == "multichoice" else request.form.get(key, "")
            svc.save_value(sub, f, svc.parse_value(f, raw), _based_on(key))
    except svc.FieldError as exc:
        error = str(exc)
        conflict = exc if isinstance(exc, svc.FieldConflict) else None
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
    body = render_template(
        "reports/_field.html", f=f, period=period, link=link, sub=sub, values=(sub.values if sub else {}) or {},
        raw={key: raw} if error and not conflict else {}, errors={key: error} if error else {}, files=_files(sub),
        editable=True, saved=None if error else _saved_at(), svc=svc, conflicts={key: raw} if conflict else {},
    )
    resp = make_response(body, status if error else 200)
    resp.vary.add("HX-Request")
    return resp


@bp.route("/p/<int:period_id>/u/<int:unit_id>/save", methods=["POST"])
@require_permission("reports.submit")
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


@bp.route("/p/<int:period_id>/u/<int:unit_id>/submit", methods=["POST"])
@require_permission("reports.submit")
def submit(period_id: int, unit_id: int) -> ResponseReturnValue:
    period, link, sub = _editing(period_id, unit_id)
    errors, raw, conflicts = _apply_posted(sub, period.version)
    if not errors:
        errors = svc.submit(sub, link, current_user, utcnow())
    if errors:
        db.session.rollback()
        period, link, sub = _load(period_id, unit_id)
        flash(_("The report was not submitted. Please correct the fields marked below."), "error")
        return _report_page(period, link, sub, errors, raw, status=409 if conflicts else 422, conflicts=conflicts)
    db.session.commit()
    if sub.late:
        flash(_("Report submitted after the deadline; it is marked late."), "warning")
    else:
        flash(_("Report submitted. The standing office will review it."), "success")
    return redirect(url_for("reports.report", period_id=period.id, unit_id=unit_id))


@bp.route("/p/<int:period_id>/u/<int:unit_id>/files/<int:upload_id>")
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


@bp.route("/p/<int:period_id>/u/<int:unit_id>/print")
@require_permission(*VIEWERS)
def print_report(period_id: int, unit_id: int) -> ResponseReturnValue:
    period, link, sub = _load(period_id, unit_id)
    unit = db.session.get(Unit, unit_id)
    if unit is None:
        abort(404)
    number = issued_number("reports_submission", sub.id) if sub else None
    return render("reports/print.html", period=period, sub=sub, unit=unit, issuer=issuer_of(unit), number=number,
                  version=period.version,
                  values=(sub.values if sub else {}) or {}, files=_files(sub), svc=svc,
                  doc_day=local_date(sub.submitted_at) if sub and sub.submitted_at else local_today())


# --- review side --------------------------------------------------------------------------------------------

def _review_target(sub_id: int) -> Submission:
    """The report to review, with its row lock (a second accept or a racing return sees the first one's state)."""
    sub = db.get_or_404(Submission, sub_id)
    check_unit("reports.review", sub.unit_id)
    return lock(Submission, sub_id)  # type: ignore[return-value]


@bp.route("/s/<int:sub_id>/accept", methods=["POST"])
@require_permission("reports.review")
def accept(sub_id: int) -> ResponseReturnValue:
    sub = _review_target(sub_id)
    svc.review(sub, "accept", current_user, utcnow())
    notify_unit(sub.unit_id, _("Your report \"%(name)s\" was accepted.", name=sub.period.name),
                url_for("reports.report", period_id=sub.period_id, unit_id=sub.unit_id))
    db.session.commit()
    flash(_("Report accepted and locked."), "success")
    return redirect(url_for("reports.report", period_id=sub.period_id, unit_id=sub.unit_id))


@bp.route("/s/<int:sub_id>/return", methods=["POST"])
@require_permission("reports.review")
def return_report(sub_id: int) -> ResponseReturnValue:
    sub = _review_target(sub_id)
    form = ReturnForm()
    if not form.validate_on_submit():
        if sub.state != "submitted":
            raise user_error(409, _("Only a submitted report can be reviewed."))
        period, link, sub2 = _load(sub.period_id, sub.unit_id)
        form_errors = {"_return": _("Write what the unit must correct.")}
        return _report_page(period, link, sub2, form_errors, status=422)
    svc.review(sub, "return", current_user, utcnow(), form.comment.data)
    link = url_for("reports.report", period_id=sub.period_id, unit_id=sub.unit_id)
    notify_unit(sub.unit_id, _("Your report \"%(name)s\" was returned: %(comment)s", name=sub.period.name,
                               comment=form.comment.data), link,
                email_subject=_("Report returned for correction"))
    db.session.commit()
    flash(_("Report returned to the unit with your comment."), "success")
    return redirect(link)


def _years() -> list[int]:
    return list(db.session.scalars(select(Period.year).distinct().order_by(Period.year.desc())))


def _period_choices() -> list[Any]:
    return list(db.session.execute(select(Period.id, Period.name, Period.year).order_by(Period.opens_on.desc())).all())


@bp.route("/submissions")
@require_permission("reports.view")
def submissions() -> ResponseReturnValue:
    period_id = request.args.get("period", type=int)
    state = request.args.get("state", "")
    kind = request.args.get("kind", "")
    query = (
        select(Submission.id, Submission.period_id, Submission.unit_id, Submission.state, Submission.late,
               Submission.submitted_at, Unit.name.label("unit_name"), Unit.kind, Period.name.label("period_name"))
        .join(Unit, Unit.id == Submission.unit_id).join(Period, Period.id == Submission.period_id)
        .where(unit_clause("reports.view", Submission.unit_id), Submission.first_submitted_at.is_not(None))
    )
    if period_id:
        query = query.where(Submission.period_id == period_id)
    if state in svc.STATE_LABELS:
        query = query.where(Submission.state == state)
    if kind:
        query = query.where(Unit.kind == kind)
    # submitted_at is empty while a returned report is being corrected: the first submission keeps its place
    sent = func.coalesce(Submission.submitted_at, Submission.first_submitted_at)
    page = paginate(query, (sent.desc(), Submission.id.desc()), rows="row", count=True)
    return render(
        "reports/submissions.html", fragment="submission_list", rows=page.items, total=page.total, page=page,
        periods=_period_choices(), period_id=period_id, state=state, kind=kind, svc=svc,
    )


def _matrix_year(years: list[int]) -> int | None:
    """The year asked (``?year=`` empty: all years); by default the current year, else the latest with periods."""
    raw = request.args.get("year")
    if raw is not None:
        return request.args.get("year", type=int)
    this_year = local_today().year
    return this_year if this_year in years or not years else max(years)


def _matrix_args(years: list[int]) -> dict[str, Any]:
    return {
        "year": _matrix_year(years),
        "unit_kind": request.args.get("kind", "") if request.args.get("kind", "") in svc.UNIT_KIND_LABELS else "",
        "state": request.args.get("status", "") if request.args.get("status", "") in svc.STATUS_LABELS else "",
    }


@bp.route("/matrix")
@require_permission("reports.view")
def matrix() -> ResponseReturnValue:
    years = _years()
    args = _matrix_args(years)
    m = svc.build_matrix(local_today(), unit_clause("reports.view", Unit.id), **args)
    return render("reports/matrix.html", fragment="matrix_table", m=m, years=years, svc=svc, **args)


@bp.route("/matrix.xlsx")
@require_permission("reports.view")
def matrix_xlsx() -> ResponseReturnValue:
    m = svc.build_matrix(local_today(), unit_clause("reports.view", Unit.id), **_matrix_args(_years()))
    labels = {k: str(v) for k, v in svc.STATUS_LABELS.items()}
    grid = [
        [u.name, str(svc.UNIT_KIND_LABELS.get(u.kind, u.kind))]
        + [labels[m.cells[(u.id, p.id)]] if (u.id, p.id) in m.cells else "" for p in m.periods]
        for u in m.units
    ]
    kinds = [
        [str(svc.UNIT_KIND_LABELS.get(r["kind"], r["kind"])), r["expected"], r["submitted"], r["on_time"], r["late"],
         r["missing"], r["accepted"], r["submitted"] / r["expected"] if r["expected"] else None]
        for r in [*m.by_kind, dict(kind=_("Total"), **m.totals)]
    ]
    return xlsx_response("bao-cao-day-du-dung-han.xlsx", [
        (_("Matrix"), [_("Unit"), _("Kind"), *[p.name for p in m.periods]], grid),
        (_("By unit kind"), [_("Kind"), _("Expected"), _("Submitted"), _("On time"), _("Late"), _("Missing"),
                              _("Accepted"), Column(_("Submission rate"), PERCENT)], kinds),
    ], title=_("Reports complete and on time"))


def _rollup_period() -> Period:
    period_id = request.args.get("period", type=int)
    if period_id:
        return db.get_or_404(Period, period_id)
    period = db.session.scalar(select(Period).where(Period.opens_on <= local_today())
                               .order_by(Period.opens_on.desc()).limit(1))
    if period is None:
        raise user_error(404, _("No report period has been opened yet."))
    return period


@bp.route("/rollup")
@require_permission("reports.view")
def rollup() -> ResponseReturnValue:
    period = _rollup_period()
    include = request.args.get("include") == "submitted"
    rows, aggs, cmp = svc.rollup(period, include, unit_clause("reports.view", Submission.unit_id))
    indicators = ind_svc.compare_indicators(rows, cmp.now_rows, cmp.before_rows)
    return render("reports/rollup.html", fragment="rollup_table", period=period, rows=rows, aggs=aggs, cmp=cmp,
                  prev=cmp.previous, indicators=indicators, ind_svc=ind_svc, include=include,
                  periods=_period_choices(), svc=svc)


@bp.route("/rollup.xlsx")
@require_permission("reports.view")
def rollup_xlsx() -> ResponseReturnValue:
    period = _rollup_period()
    include = request.args.get("include") == "submitted"
    rows, aggs, cmp = svc.rollup(period, include, unit_clause("reports.view", Submission.unit_id))
    fields = [a.field for a in aggs if a.field.kind in NUMERIC_KINDS]

    def num(value: Any) -> Any:
        n = svc.numeric(value)
        return None if n is None else (int(n) if n == n.to_integral() else float(n))

    def kinds(f: Any) -> str:
        return ", ".join(str(svc.UNIT_KIND_LABELS[k]) for k in f.unit_kinds or [] if k in svc.UNIT_KIND_LABELS) \
            or _("all kinds")

    per_unit = [
        [r.name, str(svc.UNIT_KIND_LABELS.get(r.kind, r.kind)), str(svc.STATE_LABELS[r.state]),
         _("yes") if r.late else _("no"), *[num((r.values or {}).get(f.key)) for f in fields]]
        for r in rows
    ]
    summary = [[a.field.label, str(svc.AGGREGATION_LABELS[a.aggregation]), kinds(a.field), a.count, num(a.value),
                num(a.total), num(a.average), num(a.low), num(a.high), num(a.same_units), num(a.previous)]
               for a in aggs if a.field.kind in NUMERIC_KINDS]
    choices = [[a.field.label, option, n] for a in aggs for option, n in a.choice_counts]
    indicators = [[c.indicator.name, num(ind_svc.rounded(c.indicator, c.value)),
                   num(ind_svc.rounded(c.indicator, c.same_units)), num(ind_svc.rounded(c.indicator, c.previous)),
                   c.indicator.unit_label]
                  for c in ind_svc.compare_indicators(rows, cmp.now_rows, cmp.before_rows)]
    return xlsx_response(f"tong-hop-{period.year}-{period.id}.xlsx", [
        (_("By unit"), [_("Unit"), _("Kind"), _("State"), _("Late"), *[f.label for f in fields]], per_unit),
        (_("District totals"), [_("Field"), _("Roll-up"), _("Units counted"), _("Reports"), _("Value"), _("Sum"),
                                _("Average"), _("Minimum"), _("Maximum"), _("Value, same units"),
                                _("Previous period, same units")], summary),
        (_("Options chosen"), [_("Field"), _("Option"), _("Reports")], choices),
        (_("Indicators"), [_("Indicator"), _("Value"), _("Value, same units"), _("Previous period, same units"),
                           _("Unit of measure")], indicators),
    ], title=_("Roll-up of reports"), period=period.name)


@bp.route("/periods/<int:period_id>/reminders", methods=["GET", "POST"])
@require_permission("reports.review")
def reminders(period_id: int) -> ResponseReturnValue:
    period = db.get_or_404(Period, period_id)
    missing = svc.not_submitted(period, unit_clause("reports.review", Unit.id))
    if request.method == "POST":
        link = url_for("reports.index")
        deadline = format_date(period.deadline)
        notified = 0
        for row in missing:
            notified += notify_unit(
                row.id, _("Reminder: the report \"%(name)s\" is due %(day)s.", name=period.name,
                          day=svc.deadline_hint(period, row.extended_until)),
                link, email_subject=_("Report reminder: %(name)s", name=period.name),
            )
            db.session.add(Event(period_id=period.id, unit_id=row.id, action="reminded", user_id=current_user.id,
                                 actor=current_user.full_name, at=utcnow(), comment=deadline))
        db.session.commit()
        flash(_("Reminder sent to %(units)s units (%(users)s users).", units=len(missing), users=notified), "success")
        return redirect(url_for("reports.reminders", period_id=period.id))
    return render("reports/reminders.html", period=period, missing=missing, svc=svc, today=local_today())


# --- periods ------------------------------------------------------------------------------------------------

def _version_choices() -> list[tuple[int, str]]:
    rows = db.session.execute(
        select(FormVersion.id, FormVersion.number, ReportForm.name).join(ReportForm)
        .order_by(ReportForm.name, FormVersion.number.desc())
    ).all()
    return [(r.id, f"{r.name} (v{r.number})") for r in rows]


def _unit_choices() -> list[tuple[int, str]]:
    units = sorted(db.session.execute(select(Unit.id, Unit.name)).all(), key=lambda u: vi_sort_key(u.name))
    return [(u.id, u.name) for u in units]


@bp.route("/periods", methods=["GET", "POST"])
@require_permission("reports.manage")
def periods() -> ResponseReturnValue:
    form = PeriodForm()
    form.version_id.choices = _version_choices()
    form.unit_ids.choices = _unit_choices()
    status = 200
    if request.method == "GET":
        form.year.data = local_today().year
        form.unit_kinds.data = ["agency", "mass_org", "commune"]
    elif form.validate_on_submit():
        deadline = form.deadline.data or svc.default_deadline(form.year.data)
        unit_ids = svc.units_for(form.unit_kinds.data or [], form.unit_ids.data or [], form.opens_on.data)
        if deadline < form.opens_on.data:
            form.deadline.errors.append(_("The deadline must not be before the opening date."))
        if not unit_ids:
            form.unit_kinds.errors.append(_("Assign at least one unit."))
        if not form.errors:
            period = Period(name=form.name.data, kind=form.kind.data, year=form.year.data,
                            version_id=form.version_id.data, opens_on=form.opens_on.data, deadline=deadline,
                            late_policy=form.late_policy.data, on_time_rule=form.on_time_rule.data)
            db.session.add(period)
            svc.assign_units(period, unit_ids)
            db.session.commit()
            flash(_("Period created for %(num)s units.", num=len(unit_ids)), "success")
            return redirect(url_for("reports.period", period_id=period.id))
        status = 400
    else:
        status = 400
    counts = dict(db.session.execute(select(PeriodUnit.period_id, func.count()).group_by(PeriodUnit.period_id)).all())
    rows = list(db.session.scalars(select(Period).order_by(Period.opens_on.desc())))
    return render("reports/periods.html", form=form, rows=rows, counts=counts, svc=svc, status=status)


@bp.route("/periods/<int:period_id>", methods=["GET", "POST"])
@require_permission("reports.manage")
def period(period_id: int) -> ResponseReturnValue:
    period = db.get_or_404(Period, period_id)
    form = ExtensionForm()
    units = {u.id: u for u in db.session.scalars(
        select(Unit).join(PeriodUnit, PeriodUnit.unit_id == Unit.id).where(PeriodUnit.period_id == period.id))}
    form.unit_id.choices = sorted(((u.id, u.name) for u in units.values()), key=lambda c: vi_sort_key(c[1]))
    status = 200
    if request.method == "POST":
        action = request.form.get("action")
        if action == "policy" and request.form.get("late_policy") in svc.POLICY_LABELS and \
                request.form.get("on_time_rule", period.on_time_rule) in svc.ON_TIME_RULE_LABELS:
            period.late_policy = request.form["late_policy"]
            period.on_time_rule = request.form.get("on_time_rule", period.on_time_rule)
            db.session.commit()
            flash(_("Saved."), "success")
            return redirect(url_for("reports.period", period_id=period.id))
        if action == "extend" and form.validate_on_submit():
            link = svc.assignment(period.id, form.unit_id.data)
            if form.until.data <= period.deadline:
                form.until.errors.append(_("An extension must end after the deadline (%(day)s).",
                                           day=format_date(period.deadline)))
            else:
                link.extended_until = form.until.data  # type: ignore[union-attr]
                db.session.commit()
                flash(_("Extension saved for %(unit)s.", unit=units[form.unit_id.data].name), "success")
                return redirect(url_for("reports.period", period_id=period.id))
        status = 400
    extended = [(units[a.unit_id], a.extended_until) for a in period.assignments if a.extended_until]
    return render("reports/period.html", period=period, form=form, units=units, extended=extended, svc=svc,
                  status=status)


# --- form builder -------------------------------------------------------------------------------------------

@bp.route("/forms", methods=["GET", "POST"])
@require_permission("reports.manage")
def forms() -> ResponseReturnValue:
    form = ReportFormForm()
    if form.validate_on_submit():
        rf = ReportForm(name=form.name.data, description=form.description.data or None)
        rf.versions.append(FormVersion(number=1))
        db.session.add(rf)
        db.session.commit()
        return redirect(url_for("reports.builder", form_id=rf.id))
    rows = list(db.session.scalars(select(ReportForm).order_by(ReportForm.id)))
    return render("reports/forms.html", form=form, rows=rows, status=400 if request.method == "POST" else 200)


def _builder_page(rf: ReportForm, field_form: FieldForm | None = None, rule_form: RuleForm | None = None,
                  status: int = 200) -> ResponseReturnValue:
    version = rf.latest
    rule_form = rule_form or RuleForm(formdata=None)
    rule_form.left.choices = [(f.key, f.label) for f in version.fields if f.kind in NUMERIC_KINDS]
    return render("reports/builder.html", rf=rf, version=version, in_use=svc.version_in_use(version),
                  field_form=field_form or FieldForm(formdata=None), rule_form=rule_form, svc=svc, status=status)


def _changed(rf: ReportForm, before: int) -> ResponseReturnValue:
    db.session.commit()
    if rf.latest.number != before:
        flash(_("Version %(old)s is used by a period, so your change made version %(new)s; existing reports keep "
                "their version.", old=before, new=rf.latest.number), "info")
    else:
        flash(_("Saved."), "success")
    return redirect(url_for("reports.builder", form_id=rf.id))


@bp.route("/forms/<int:form_id>")
@require_permission("reports.manage")
def builder(form_id: int) -> ResponseReturnValue:
    return _builder_page(db.get_or_404(ReportForm, form_id))


@bp.route("/forms/<int:form_id>/fields", methods=["POST"])
@require_permission("reports.manage")
def add_field(form_id: int) -> ResponseReturnValue:
    rf = db.get_or_404(ReportForm, form_id)
    ff = FieldForm()
    if ff.validate_on_submit():
        data = {name: getattr(ff, name).data for name in ("label", "kind", "help", "required", "min_value", "max_value",
                                                          "aggregation", "unit_kinds")}
        if data["kind"] not in NUMERIC_KINDS and data["aggregation"] == "sum":  # the form's default is for numbers
            data["aggregation"] = svc.default_aggregation(data["kind"])
        data["choices"] = [c.strip() for c in (ff.choices.data or "").splitlines() if c.strip()]
        errors = svc.check_field_values(data)
        for name, message in errors.items():
            getattr(ff, name).errors.append(message)
        if not errors:
            before = rf.latest.number
            svc.add_field(svc.editable_version(rf), data)
            return _changed(rf, before)
    return _builder_page(rf, field_form=ff, status=422)


@bp.route("/forms/<int:form_id>/fields/<key>/<action>", methods=["POST"])
@require_permission("reports.manage")
def change_field(form_id: int, key: str, action: str) -> ResponseReturnValue:
    rf = db.get_or_404(ReportForm, form_id)
    if action not in ("up", "down", "delete") or svc.field_by_key(rf.latest, key) is None:
        abort(404)
    before = rf.latest.number
    version = svc.editable_version(rf)
    if action == "delete":
        svc.remove_field(version, key)
    else:
        svc.move_field(version, key, -1 if action == "up" else 1)
    return _changed(rf, before)


@bp.route("/forms/<int:form_id>/fields/<key>/aggregation", methods=["POST"])
@require_permission("reports.manage")
def field_aggregation(form_id: int, key: str) -> ResponseReturnValue:
    rf = db.get_or_404(ReportForm, form_id)
    if svc.field_by_key(rf.latest, key) is None:
        abort(404)
    form = AggregationForm()
    if not form.validate_on_submit():
        raise user_error(422, _("Choose how the field rolls up."))
    before = rf.latest.number
    try:
        svc.set_aggregation(svc.editable_version(rf), key, form.aggregation.data, form.unit_kinds.data or [])
    except svc.FieldError as exc:
        db.session.rollback()
        raise user_error(422, str(exc)) from None
    return _changed(rf, before)


@bp.route("/forms/<int:form_id>/rules", methods=["POST"])
@require_permission("reports.manage")
def add_rule(form_id: int) -> ResponseReturnValue:
    rf = db.get_or_404(ReportForm, form_id)
    rule_form = RuleForm()
    rule_form.left.choices = [(f.key, f.label) for f in rf.latest.fields if f.kind in NUMERIC_KINDS]
    if rule_form.validate_on_submit():
        try:
            svc.parse_expression(rule_form.right.data, svc.numeric_keys(rf.latest))
        except svc.FieldError as exc:
            rule_form.right.errors.append(str(exc))
        else:
            before = rf.latest.number
            svc.add_rule(svc.editable_version(rf), rule_form.left.data, rule_form.operator.data,
                         rule_form.right.data, rule_form.message.data)
            return _changed(rf, before)
    return _builder_page(rf, rule_form=rule_form, status=422)


@bp.route("/forms/<int:form_id>/rules/<int:index>/delete", methods=["POST"])
@require_permission("reports.manage")
def delete_rule(form_id: int, index: int) -> ResponseReturnValue:
    rf = db.get_or_404(ReportForm, form_id)
    if not 0 <= index < len(rf.latest.rules):
        abort(404)
    before = rf.latest.number
    version = svc.editable_version(rf)
    version.rules.remove(version.rules[index])
    return _changed(rf, before)


# --- dashboard widgets --------------------------------------------------------------------------------------

@bp.route("/widget/owed")
@require_permission("reports.submit")
def widget_owed() -> ResponseReturnValue:
    items = [i for i in svc.owed_for_unit(current_user.unit_id, local_today())
             if i.bucket in ("returned", "overdue", "due_soon", "owed")] if current_user.unit_id else []
    return render("reports/widgets.html", fragment="widget_owed", items=items, buckets=svc.BUCKET_LABELS)


@bp.route("/widget/completeness")
@require_permission("reports.view")
def widget_completeness() -> ResponseReturnValue:
    day = local_today()
    current = db.session.scalar(select(Period).where(Period.opens_on <= day).order_by(Period.opens_on.desc()).limit(1))
    m = svc.build_matrix(day, unit_clause("reports.view", Unit.id), period_ids=[current.id]) if current else None
    return render("reports/widgets.html", fragment="widget_completeness", current=current, m=m, svc=svc)

