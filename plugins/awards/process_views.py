"""Views from registration to decision (route table in blueprint.py): registrations, decisions with their Tờ trình,
.docx and Giấy khen, achievement records, the nominee's dossier on the ballot, and the published lists."""
from __future__ import annotations

from flask import Response, abort, flash, redirect, request, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import func, or_, select, true

from portal.toolkit import (
    Refused,
    Unit,
    _,
    check_unit,
    current_user,
    db,
    fold,
    get_plugin_config,
    idempotent,
    is_fragment_request,
    public,
    redirect_or_hx,
    render,
    require_permission,
    signals,
    unit_clause,
    user_error,
    vi_sort_key,
    xlsx_response,
)

from . import process, services
from .forms import AchievementForm, DecisionForm, DraftDecisionForm, LineForm, RegistrationReviewForm
from .models import NOMINEE_KINDS, Achievement, AwardType, Decision, DecisionLine, NominationRound, Registration, \
    SessionItem, VotingSession
from .permissions import MANAGE, NOMINATE, REGISTRATIONS, VIEW, VOTE

LABELS = {
    "kinds": services.KIND_LABELS, "registration_states": process.REGISTRATION_STATE_LABELS,
    "decision_states": process.DECISION_STATE_LABELS, "sources": process.SOURCE_LABELS,
    "groups": process.KIND_GROUP_LABELS,
}


def _page(template: str, fragment: str | None = None, status: int = 200, **ctx: object) -> ResponseReturnValue:
    return render(template, fragment=fragment, status=status, labels=LABELS, svc=services, proc=process, **ctx)


def _form_page(form: object, heading: str, back: str, intro: str | None = None) -> ResponseReturnValue:
    return _page("awards/form.html", "edit_form", 400 if request.method == "POST" else 200, form=form,
                 heading=heading, back=back, intro=intro, action=request.full_path.rstrip("?"))


def _page_of(stmt: object, count_stmt: object) -> tuple[list, int, int, int]:
    """Rows of one page of a SELECT (size PORTAL_PAGE_SIZE): (rows, page, last, total); two queries."""
    size = get_plugin_config("PORTAL_PAGE_SIZE", 50)
    total = db.session.scalar(count_stmt) or 0
    last = max(1, -(-total // size))
    page = min(last, max(1, request.args.get("page", 1, type=int) or 1))
    rows = list(db.session.execute(stmt.limit(size).offset((page - 1) * size)))  # type: ignore[attr-defined]
    return rows, page, last, total


# --- registration (đăng ký thi đua) ----------------------------------------------------------------------------

def _active_types() -> dict[int, AwardType]:
    rows = db.session.scalars(select(AwardType).where(AwardType.active.is_(True)))
    return {t.id: t for t in sorted(rows, key=lambda t: vi_sort_key(t.name))}


@require_permission(REGISTRATIONS)
def registrations(round_id: int) -> ResponseReturnValue:
    nomination_round = db.get_or_404(NominationRound, round_id)
    everyone = process.registration_overview(nomination_round)
    waiting = ("draft", "returned")
    missing = sum(1 for r in everyone if r.registration is None or r.registration.state in waiting)
    show = request.args.get("show", "")
    rows = everyone
    if show == "missing":
        rows = [r for r in everyone if r.registration is None or r.registration.state in waiting]
    elif show == "waiting":
        rows = [r for r in everyone if r.registration is not None and r.registration.state == "submitted"]
    return _page("awards/registrations.html", nomination_round=nomination_round, rows=rows, show=show,
                 missing=missing, counts=process.registration_counts(round_id), types=_active_types())


@require_permission(REGISTRATIONS)
def registrations_export(round_id: int) -> ResponseReturnValue:
    nomination_round = db.get_or_404(NominationRound, round_id)
    return xlsx_response(f"dang-ky-thi-dua-{nomination_round.year}-dot-{nomination_round.id}.xlsx",
                         process.registration_sheets(nomination_round), title=_("Emulation registrations"),
                         period=nomination_round.name)


def _register_unit() -> int:
    """The unit a registration form is for: one's own unit, or (district-wide rights) the chosen one."""
    raw = request.values.get("unit", type=int)
    unit_id = raw if raw else current_user.unit_id
    if not unit_id and current_user.scope(NOMINATE) == "all":  # the office registers on a unit's behalf
        nomination_round = db.get_or_404(NominationRound, request.view_args["round_id"])
        first = next(iter(process.expected_units(nomination_round)), None)
        unit_id = first.id if first else None
    if not unit_id or db.session.get(Unit, unit_id) is None:
        raise user_error(400, _("Choose the unit that registers."))
    check_unit(NOMINATE, unit_id)
    return unit_id


@require_permission(NOMINATE)
def register(round_id: int) -> ResponseReturnValue:
    nomination_round = db.get_or_404(NominationRound, round_id)
    unit_id = _register_unit()
    reg = db.session.scalar(select(Registration).where(Registration.round_id == round_id,
                                                       Registration.unit_id == unit_id))
    types = _active_types()
    error, status = None, 200
    if request.method == "POST":
        try:
            entries = process.parse_entries(request.form, types)
            reg = process.save_registration(round_id, unit_id, request.form.get("commitment", ""), entries,
                                            submit=request.form.get("action") == "submit")
            db.session.commit()
            flash(_("Registration sent to the office.") if reg.state == "submitted" else _("Registration saved."),
                  "success")
            return redirect(url_for("awards.registration_detail", registration_id=reg.id))
        except Refused as exc:
            db.session.rollback()
            error, status = exc.message, exc.status
            reg = db.session.scalar(select(Registration).where(Registration.round_id == round_id,
                                                               Registration.unit_id == unit_id))
    editable = nomination_round.open and (reg is None or reg.state in ("draft", "returned"))
    units = []
    if current_user.scope(NOMINATE) == "all":
        units = sorted(process.expected_units(nomination_round), key=lambda u: vi_sort_key(u.name))
    posted = request.form if request.method == "POST" else None
    if posted is not None:
        rows = [(int(t) if t.isdigit() else 0, k, n, p) for t, k, n, p in zip(
            posted.getlist("entry_type"), posted.getlist("entry_kind"), posted.getlist("entry_name"),
            posted.getlist("entry_position"), strict=False)][:process.MAX_ENTRIES]
    else:
        rows = [(e.award_type_id, e.kind, e.name, e.position_text) for e in (reg.entries if reg else [])]
    return _page("awards/register.html", status=status, nomination_round=nomination_round, reg=reg, types=types,
                 unit=db.session.get(Unit, unit_id), units=units, editable=editable, error=error, posted=posted,
                 rows=rows)


def _visible_registration(registration_id: int) -> Registration:
    reg = db.get_or_404(Registration, registration_id)
    if not (current_user.can(REGISTRATIONS) or current_user.can(NOMINATE, reg.unit_id)
            or current_user.can(VIEW, reg.unit_id)):
        abort(403)
    return reg


@require_permission(REGISTRATIONS, NOMINATE, VIEW)
def registration_detail(registration_id: int) -> ResponseReturnValue:
    reg = _visible_registration(registration_id)
    form = RegistrationReviewForm()
    return _page("awards/registration.html", reg=reg, review=form)


@require_permission(REGISTRATIONS)
def registration_review(registration_id: int) -> ResponseReturnValue:
    form = RegistrationReviewForm()
    if not form.validate_on_submit():
        raise user_error(400, _("Choose approve or return."))
    reg = process.review_registration(registration_id, form.decision.data == "approve", form.note.data or "")
    db.session.commit()
    flash(_("Registration of %(unit)s approved.", unit=reg.unit.name) if reg.state == "approved"
          else _("Registration of %(unit)s returned.", unit=reg.unit.name), "success")
    return redirect_or_hx(url_for("awards.registrations", round_id=reg.round_id))


# --- decisions -------------------------------------------------------------------------------------------------

def _can_see_decision(decision: Decision) -> bool:
    if current_user.can(MANAGE):
        return True
    if decision.state != "issued":
        return False
    if current_user.scope(VIEW) == "all":
        return True
    return any(current_user.can(VIEW, line.unit_id) for line in decision.lines if line.unit_id)


def _decision(decision_id: int) -> Decision:
    decision = db.get_or_404(Decision, decision_id)
    if not _can_see_decision(decision):
        abort(403)
    return decision


@require_permission(MANAGE, VIEW)
def decisions() -> ResponseReturnValue:
    stmt = select(Decision)
    if not current_user.can(MANAGE):
        stmt = stmt.where(Decision.state == "issued")
        if current_user.scope(VIEW) != "all":
            return redirect(url_for("awards.decided"))
    counts = {k: n for k, n in db.session.execute(
        select(DecisionLine.decision_id, func.count()).group_by(DecisionLine.decision_id))}
    rows = list(db.session.scalars(stmt.order_by(Decision.decision_date.desc(), Decision.id.desc())))
    return _page("awards/decisions.html", decisions=rows, counts=counts)


def _published_sessions() -> list[VotingSession]:
    return list(db.session.scalars(select(VotingSession).where(VotingSession.state == "published")
                                   .order_by(VotingSession.meeting_date.desc())))


@require_permission(MANAGE)
def decision_new() -> ResponseReturnValue:
    form = DraftDecisionForm()
    sessions = _published_sessions()
    form.sessions.choices = [(s.id, f"{s.title} ({s.meeting_date:%d/%m/%Y})") for s in sessions]
    if request.method == "GET":
        chosen = request.args.get("session", type=int)
        form.sessions.data = [chosen] if chosen else []
        if not form.subject.data:
            form.subject.data = _("On awarding the collectives, individuals and households with outstanding "
                                  "achievements in the emulation movement")
    if form.validate_on_submit():
        try:
            decision = process.draft_decision(form.sessions.data, form.subject.data, form.decision_date.data)
        except Refused as exc:
            db.session.rollback()
            form.sessions.errors.append(exc.message)
        else:
            db.session.commit()
            flash(_("Draft decision with its submission prepared from the session results."), "success")
            return redirect_or_hx(url_for("awards.decision_detail", decision_id=decision.id))
    return _form_page(form, _("Draft a submission and decision"), url_for("awards.decisions"),
                      intro=_("The list of Article 1 takes the approved nominees of the chosen published sessions "
                              "that are on no other decision."))


@require_permission(MANAGE, VIEW)
def decision_detail(decision_id: int) -> ResponseReturnValue:
    decision = _decision(decision_id)
    form = DecisionForm(obj=decision) if decision.state == "draft" and current_user.can(MANAGE) else None
    return _page("awards/decision.html", decision=decision, form=form, line_form=LineForm(formdata=None),
                 amended_by=process.amended_by(decision.id), groups=process.grouped_lines(decision),
                 totals=process.totals(decision))


@require_permission(MANAGE)
def decision_edit(decision_id: int) -> ResponseReturnValue:
    decision = process.locked_draft(decision_id)
    form = DecisionForm()
    if not form.validate_on_submit():
        db.session.rollback()
        errors = "; ".join(f"{form[name].label.text}: {msgs[0]}" for name, msgs in form.errors.items())
        raise user_error(400, errors or _("Check the fields of the decision."))
    form.populate_obj(decision)
    db.session.commit()
    flash(_("Decision saved."), "success")
    return redirect_or_hx(url_for("awards.decision_detail", decision_id=decision.id))


def _line_values(decision: Decision) -> dict[str, object]:
    form = LineForm()
    if not form.validate_on_submit():
        db.session.rollback()
        errors = "; ".join(f"{form[name].label.text}: {msgs[0]}" for name, msgs in form.errors.items())
        raise user_error(400, errors or _("Check the line."))
    return {"kind": form.kind.data, "nominee": form.nominee.data, "position_text": form.position_text.data or "",
            "unit_name": form.unit_name.data or "", "award_name": form.award_name.data, "bonus": form.bonus.data or 0}


@require_permission(MANAGE)
def decision_line_add(decision_id: int) -> ResponseReturnValue:
    decision = process.locked_draft(decision_id)
    values = _line_values(decision)
    if len(decision.lines) >= process.MAX_LINES:
        raise user_error(409, _("A decision lists at most %(num)s awardees.", num=process.MAX_LINES))
    decision.lines.append(DecisionLine(position=len(decision.lines), achievement="", **values))
    db.session.commit()
    flash(_("%(name)s added to Article 1.", name=values["nominee"]), "success")
    return redirect_or_hx(url_for("awards.decision_detail", decision_id=decision.id) + "#lines")


def _line(decision: Decision, line_id: int) -> DecisionLine:
    line = next((x for x in decision.lines if x.id == line_id), None)
    if line is None:
        abort(404)
    return line


@require_permission(MANAGE)
def decision_line_edit(decision_id: int, line_id: int) -> ResponseReturnValue:
    decision = process.locked_draft(decision_id)
    line = _line(decision, line_id)
    for key, value in _line_values(decision).items():
        setattr(line, key, value)
    db.session.commit()
    flash(_("Line saved."), "success")
    return redirect_or_hx(url_for("awards.decision_detail", decision_id=decision.id) + "#lines")


@require_permission(MANAGE)
def decision_line_remove(decision_id: int, line_id: int) -> ResponseReturnValue:
    decision = process.locked_draft(decision_id)
    decision.lines.remove(_line(decision, line_id))
    db.session.commit()
    flash(_("Line removed."), "success")
    return redirect_or_hx(url_for("awards.decision_detail", decision_id=decision.id) + "#lines")


@require_permission(MANAGE)
@idempotent
def decision_issue(decision_id: int) -> ResponseReturnValue:
    decision = process.issue_decision(decision_id, current_user.id)
    process.notify_decision(decision, url_for("awards.decided"))
    db.session.commit()
    flash(_("Decision %(number)s issued; the units are notified.", number=decision.number), "success")
    return redirect_or_hx(url_for("awards.decision_detail", decision_id=decision.id))


@require_permission(MANAGE)
def decision_amend(decision_id: int) -> ResponseReturnValue:
    new = process.amend_decision(decision_id)
    db.session.commit()
    flash(_("A draft amending decision was created; correct it and issue it."), "success")
    return redirect_or_hx(url_for("awards.decision_detail", decision_id=new.id))


@require_permission(MANAGE, VIEW)
def decision_print(decision_id: int) -> ResponseReturnValue:
    decision = _decision(decision_id)
    return _page("awards/decision_print.html", decision=decision, groups=process.grouped_lines(decision),
                 totals=process.totals(decision), amended_by=process.amended_by(decision.id))


@require_permission(MANAGE)
def decision_submission(decision_id: int) -> ResponseReturnValue:
    decision = _decision(decision_id)
    return _page("awards/submission.html", decision=decision, groups=process.grouped_lines(decision),
                 totals=process.totals(decision))


@require_permission(MANAGE, VIEW)
def decision_docx(decision_id: int) -> ResponseReturnValue:
    decision = _decision(decision_id)
    resp = Response(process.decision_docx(decision), mimetype="application/vnd.openxmlformats-officedocument."
                                                              "wordprocessingml.document")
    name = fold(decision.number or f"du-thao-{decision.id}").replace("/", "-").replace(" ", "-")  # ASCII header
    resp.headers["Content-Disposition"] = f'attachment; filename="quyet-dinh-{name}.docx"'
    return resp


@require_permission(MANAGE, VIEW)
def decision_certificates(decision_id: int) -> ResponseReturnValue:
    decision = _decision(decision_id)
    if decision.state != "issued":
        raise user_error(409, _("Certificates are printed from an issued decision (they carry its number)."))
    lines = decision.lines
    only = request.args.getlist("line", type=int)
    if only:
        lines = [line for line in lines if line.id in set(only)]
    if not current_user.can(MANAGE) and current_user.scope(VIEW) != "all":
        lines = [line for line in lines if current_user.can(VIEW, line.unit_id or -1)]
    return _page("awards/certificates.html", decision=decision, lines=lines)


# --- the published lists -------------------------------------------------------------------------------------

@require_permission(VIEW, MANAGE, NOMINATE)
def decided() -> ResponseReturnValue:
    """Awards decided for the user's unit (or all, with district-wide rights): published to units."""
    clause = or_(unit_clause(VIEW, DecisionLine.unit_id), unit_clause(MANAGE, DecisionLine.unit_id))
    stmt = process.visible_lines_stmt(clause)
    count = select(func.count()).select_from(stmt.order_by(None).subquery())
    rows, page, last, total = _page_of(stmt, count)
    return _page("awards/decided.html", rows=rows, page=page, last=last, total=total, public_view=False)


@public
def public_awards() -> ResponseReturnValue:
    """The public page: only lines of issued decisions that were marked public."""
    stmt = process.visible_lines_stmt(true(), public_only=True)
    count = select(func.count()).select_from(stmt.order_by(None).subquery())
    rows, page, last, total = _page_of(stmt, count)
    return _page("awards/decided.html", rows=rows, page=page, last=last, total=total, public_view=True)


# --- achievement records (hồ sơ thành tích) --------------------------------------------------------------------

def _records_clause() -> object:
    return or_(unit_clause(MANAGE, Achievement.unit_id), unit_clause(VIEW, Achievement.unit_id))


@require_permission(MANAGE, VIEW)
def records() -> ResponseReturnValue:
    q = (request.args.get("q") or "").strip()[:100]
    kind = request.args.get("kind", "")
    stmt = process.search_achievements(q, kind, _records_clause())
    count = select(func.count()).select_from(stmt.order_by(None).subquery())
    rows, page, last, total = _page_of(stmt, count)
    return _page("awards/records.html", "record_list", rows=[r[0] for r in rows], page=page, last=last, total=total,
                 q=q, kind=kind)


def _record_choices(form: AchievementForm) -> None:
    units = sorted(db.session.scalars(select(Unit)), key=lambda u: vi_sort_key(u.name))
    form.unit_id.choices = [(0, "—")] + [(u.id, u.name) for u in units]
    form.award_type_id.choices = [(0, "—")] + [(t.id, t.name) for t in _active_types().values()]


@require_permission(MANAGE)
def record_new() -> ResponseReturnValue:
    form = AchievementForm()
    _record_choices(form)
    if form.validate_on_submit():
        award_type = db.session.get(AwardType, form.award_type_id.data) if form.award_type_id.data else None
        row = process.add_achievement(
            kind=form.kind.data, holder=form.holder.data, position_text=form.position_text.data or "",
            unit_id=form.unit_id.data or None, year=form.year.data,
            award_type_id=award_type.id if award_type else None,
            title=form.title.data or (award_type.name if award_type else ""),
            decision_number=form.decision_number.data, decision_date=form.decision_date.data,
            note=form.note.data or "", source="manual")
        db.session.commit()
        flash(_("Achievement of %(name)s recorded.", name=row.holder), "success")
        return redirect_or_hx(url_for("awards.record_holder", kind=row.kind, name=row.holder))
    return _form_page(form, _("Enter an earlier award"), url_for("awards.records"),
                      intro=_("For awards received before the portal, from the decision (with its number)."))


@require_permission(MANAGE, VIEW)
def record_holder() -> ResponseReturnValue:
    kind = request.args.get("kind", "")
    name = (request.args.get("name") or "").strip()[:200]
    if kind not in NOMINEE_KINDS or not name:
        raise user_error(400, _("Choose a collective, person or household."))
    rows = [r for r in process.holder_records(kind, name)
            if current_user.can(MANAGE) or current_user.can(VIEW, r.unit_id or -1)]
    return _page("awards/record_holder.html", rows=rows, kind=kind, name=name)


@require_permission(MANAGE)
def record_remove(record_id: int) -> ResponseReturnValue:
    row = db.get_or_404(Achievement, record_id)
    if row.source != "manual":
        raise user_error(409, _("This award comes from an issued decision and stays on record; a correction is an "
                                "amending decision."))
    db.session.delete(row)
    db.session.commit()
    flash(_("Record removed."), "success")
    return redirect_or_hx(url_for("awards.records"))


# --- the nominee's dossier on the ballot ----------------------------------------------------------------------

@require_permission(VIEW, MANAGE, VOTE)
def ballot_dossier(session_id: int, item_id: int) -> ResponseReturnValue:
    """A nominee's dossier for the member reading the ballot: a fragment into the ballot page (htmx), or a whole
    page in a new tab. Read-only, so the marked ballot is untouched either way."""
    session = db.get_or_404(VotingSession, session_id)
    item = db.session.get(SessionItem, item_id)
    if item is None or item.session_id != session.id:
        abort(404)
    if not (current_user.can(MANAGE) or services.roll_entry(session, current_user.id) is not None
            or current_user.scope(VIEW) == "all"):
        abort(403)
    nom = item.nomination
    ctx = dict(session=session, item=item, nomination=nom,
               evidence=signals.collect_unit_evidence(nom.unit_id, nom.round.year),
               records=process.holder_records(nom.kind, nom.nominee),
               lookback=process.lookback(nom.award_type, nom.kind, nom.nominee, nom.round.year))
    if is_fragment_request():
        return _page("awards/dossier.html", "dossier", **ctx)
    return _page("awards/dossier.html", **ctx)


@require_permission(MANAGE)
def nomination_lookback(round_id: int) -> ResponseReturnValue:
    """The look-back arithmetic for the nomination being typed (the secretariat sees it while nominating)."""
    nomination_round = db.get_or_404(NominationRound, round_id)
    if not is_fragment_request():  # a fragment of the nomination form; without htmx, the form itself
        return redirect(url_for("awards.nomination_new", round_id=round_id))
    award_type = db.session.get(AwardType, request.args.get("award_type_id", 0, type=int) or 0)
    kind = request.args.get("kind", "")
    nominee = (request.args.get("nominee") or "").strip()[:200]
    check = None
    if award_type is not None and kind in NOMINEE_KINDS and nominee:
        check = process.lookback(award_type, kind, nominee, nomination_round.year)
    return _page("awards/nomination_form.html", "lookback_preview", lookback=check, round_id=round_id)
