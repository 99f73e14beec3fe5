"""Views of the awards plugin: thin wrappers around services.py (route table in blueprint.py)."""
from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import or_, select

from portal.toolkit import (
    paginate,
    lock_or_404,
    UploadError,
    Unit,
    User,
    _,
    check_file,
    check_unit,
    current_user,
    db,
    fold,
    get_plugin_config,
    history_for,
    hx_trigger,
    is_fragment_request,
    local_today,
    notify_users,
    redirect_or_hx,
    render,
    require_permission,
    send_upload,
    signals,
    store,
    unit_clause,
    user_error,
    vi_sort_key,
    xlsx_response,
)

from . import process, services
from .forms import AwardTypeForm, CouncilMemberForm, FileForm, NominationForm, ReviewForm, RoundForm, SessionForm
from .models import (
    NOMINATION_STATES,
    AwardType,
    CouncilMember,
    Nomination,
    NominationFile,
    NominationRound,
    RollEntry,
    VotingSession,
)
from .permissions import MANAGE, NOMINATE, VIEW, VOTE
from .services import BallotError

LABELS = {
    "kinds": services.KIND_LABELS, "functions": services.FUNCTION_LABELS, "choices": services.CHOICE_LABELS,
    "session_states": services.SESSION_STATE_LABELS, "nomination_states": services.NOMINATION_STATE_LABELS,
    "denominators": services.DENOMINATOR_LABELS, "sources": process.SOURCE_LABELS,
}


def _page(template: str, fragment: str | None = None, status: int = 200, **ctx: object) -> ResponseReturnValue:
    return render(template, fragment=fragment, status=status, labels=LABELS, svc=services, proc=process, **ctx)


def _refuse(exc: BallotError) -> ResponseReturnValue:
    raise user_error(exc.status, exc.message)


def _form_page(form: object, heading: str, back: str, intro: str | None = None, template: str = "awards/form.html",
               **ctx: object) -> ResponseReturnValue:
    """Show an edit form (400 after a refused POST so htmx swaps the errors in place)."""
    return _page(template, "edit_form", 400 if request.method == "POST" else 200, form=form,
                 heading=heading, back=back, intro=intro, action=request.path, **ctx)


# --- overview ----------------------------------------------------------------------------------

@require_permission(VIEW, MANAGE, NOMINATE, VOTE)
def index() -> ResponseReturnValue:
    rounds = list(db.session.scalars(select(NominationRound).order_by(NominationRound.year.desc(), NominationRound.id)))
    sessions = []
    if _council_side():
        sessions = list(db.session.scalars(select(VotingSession).order_by(VotingSession.meeting_date.desc())))
    return _page("awards/index.html", rounds=rounds, sessions=sessions)


# --- award types and council -------------------------------------------------------------------

@require_permission(MANAGE, VIEW)
def types() -> ResponseReturnValue:
    rows = sorted(db.session.scalars(select(AwardType)), key=lambda t: (not t.active, vi_sort_key(t.name)))
    return _page("awards/types.html", award_types=rows)


def _edit_type(award_type: AwardType | None) -> ResponseReturnValue:
    form = AwardTypeForm(obj=award_type)
    others = [t for t in db.session.scalars(select(AwardType)) if award_type is None or t.id != award_type.id]
    form.cap_of_id.choices = [(0, "—")] + [(t.id, t.name) for t in sorted(others, key=lambda t: vi_sort_key(t.name))]
    form.lookback_type_id.choices = list(form.cap_of_id.choices)
    if request.method == "GET" and award_type is not None:
        form.nominee_kinds.data = award_type.kinds
        form.cap_of_id.data = award_type.cap_of_id or 0
        form.lookback_type_id.data = award_type.lookback_type_id or 0
    if form.validate_on_submit():
        target = award_type or AwardType()
        form.populate_obj(target)
        target.nominee_kinds = ",".join(form.nominee_kinds.data)
        target.cap_of_id = form.cap_of_id.data or None
        target.cap_percent = form.cap_percent.data if target.cap_of_id else None
        target.lookback_type_id = form.lookback_type_id.data or None
        target.lookback_years = form.lookback_years.data if target.lookback_type_id else None
        target.bonus = form.bonus.data or 0
        if award_type is None:
            db.session.add(target)
        db.session.commit()
        flash(_("Award type %(name)s saved.", name=target.name), "success")
        return redirect(url_for("awards.types"))
    return _form_page(form, _("Edit award type") if award_type else _("New award type"), url_for("awards.types"),
                      intro=_("Fractions are stored exactly as two whole numbers: a quorum of two thirds is 2 and 3, "
                              "a threshold of ninety per cent is 90 and 100."))


@require_permission(MANAGE)
def type_new() -> ResponseReturnValue:
    return _edit_type(None)


@require_permission(MANAGE)
def type_edit(type_id: int) -> ResponseReturnValue:
    return _edit_type(db.get_or_404(AwardType, type_id))


@require_permission(MANAGE)
def council() -> ResponseReturnValue:
    form = CouncilMemberForm()
    members = services.council()
    taken = {m.user_id for m in members}
    users = db.session.scalars(select(User).where(User.active.is_(True)))
    form.user_id.choices = [(u.id, f"{u.full_name} ({u.username})")
                            for u in sorted(users, key=lambda u: vi_sort_key(u.full_name)) if u.id not in taken]
    if form.validate_on_submit():
        member = db.session.scalar(select(CouncilMember).where(CouncilMember.user_id == form.user_id.data))
        if member is None:
            member = CouncilMember(user_id=form.user_id.data)
            db.session.add(member)
        member.function, member.active = form.function.data, True
        db.session.commit()
        flash(_("Council member added."), "success")
        return redirect(url_for("awards.council"))
    return _page("awards/council.html", status=400 if request.method == "POST" else 200, form=form, members=members)


@require_permission(MANAGE)
def council_remove(member_id: int) -> ResponseReturnValue:
    member = db.get_or_404(CouncilMember, member_id)
    member.active = False
    db.session.commit()
    flash(_("%(name)s left the council. Rolls of sessions already opened keep them.", name=member.user.full_name),
          "success")
    return redirect(url_for("awards.council"))


# --- rounds and nominations --------------------------------------------------------------------

def _round_form(nomination_round: NominationRound | None) -> ResponseReturnValue:
    form = RoundForm(obj=nomination_round)
    if nomination_round is None and request.method == "GET":
        form.year.data = local_today().year
    if form.validate_on_submit():
        target = nomination_round or NominationRound()
        form.populate_obj(target)
        if nomination_round is None:
            db.session.add(target)
        db.session.commit()
        return redirect(url_for("awards.round_detail", round_id=target.id))
    back = url_for("awards.round_detail", round_id=nomination_round.id) if nomination_round else url_for("awards.index")
    return _form_page(form, _("Edit round") if nomination_round else _("New nomination round"), back)


@require_permission(MANAGE)
def round_new() -> ResponseReturnValue:
    return _round_form(None)


@require_permission(MANAGE)
def round_edit(round_id: int) -> ResponseReturnValue:
    return _round_form(db.get_or_404(NominationRound, round_id))


def _nomination_scope() -> object:
    return or_(*(unit_clause(code, Nomination.unit_id) for code in (VIEW, NOMINATE, MANAGE)))


@require_permission(VIEW, MANAGE, NOMINATE)
def round_detail(round_id: int) -> ResponseReturnValue:
    nomination_round = db.get_or_404(NominationRound, round_id)
    q = (request.args.get("q") or "").strip()[:100]
    state = request.args.get("state", "")
    stmt = (select(Nomination).join(Unit, Unit.id == Nomination.unit_id)
            .where(Nomination.round_id == round_id, _nomination_scope()))
    if state in NOMINATION_STATES:
        stmt = stmt.where(Nomination.state == state)
    if q:
        # diacritic-insensitive on the nominee (folded here: SQLite has no unaccent), only ids leave Python
        needle = fold(q)
        ids = [nid for nid, name in db.session.execute(
            select(Nomination.id, Nomination.nominee).where(Nomination.round_id == round_id)) if needle in fold(name)]
        stmt = stmt.where(or_(Nomination.id.in_(ids), Unit.search_name.contains(needle, autoescape=True)))
    # award types in the order they were set up, then units in Vietnamese order: paged in SQL
    page = paginate(stmt, (Nomination.award_type_id, Unit.sort_key, Nomination.id), count=True)
    sessions = list(db.session.scalars(
        select(VotingSession).where(VotingSession.round_id == round_id).order_by(VotingSession.meeting_date)
    ))
    return _page("awards/round.html", "nomination_list", nomination_round=nomination_round, nominations=page.items,
                 sessions=sessions, q=q, state=state, page=page, total=page.total)


def _district_wide() -> bool:
    return current_user.can(MANAGE) or current_user.scope(VIEW) == "all"


@require_permission(VIEW, MANAGE)
def round_export(round_id: int) -> ResponseReturnValue:
    if not _district_wide():  # the district's whole list is for district roles, not a commune's own view
        abort(403)
    nomination_round = db.get_or_404(NominationRound, round_id)
    headers = [_("Award"), _("Nominee kind"), _("Nominee"), _("Position or address"), _("Nominating unit"),
               _("Agree"), _("Out of"), _("Session")]
    rows = [(r.award, r.kind, r.nominee, r.position, r.unit, r.agree, r.denominator, r.session)
            for r in services.approved_rows(nomination_round.id)]
    return xlsx_response(f"khen-thuong-{nomination_round.year}-dot-{nomination_round.id}.xlsx",
                         [(_("Approved"), headers, rows)], title=_("Approved awards"), period=nomination_round.name)


def _nomination_choices(form: NominationForm) -> None:
    units = db.session.scalars(select(Unit).where(unit_clause(NOMINATE, Unit.id)))
    form.unit_id.choices = [(u.id, u.name) for u in sorted(units, key=lambda u: vi_sort_key(u.name))]
    active = db.session.scalars(select(AwardType).where(AwardType.active.is_(True)))
    form.award_type_id.choices = [(t.id, t.name) for t in sorted(active, key=lambda t: vi_sort_key(t.name))]


def _save_nomination(form: NominationForm, nomination_round: NominationRound,
                     nomination: Nomination | None) -> ResponseReturnValue | None:
    if not form.validate_on_submit():
        return None
    check_unit(NOMINATE, form.unit_id.data)
    award_type = db.session.get(AwardType, form.award_type_id.data)
    if award_type is None or form.kind.data not in award_type.kinds:
        form.kind.errors.append(_("This award is not given to this kind of nominee."))
        return None
    problem = process.registration_problem(nomination_round.id, form.unit_id.data, award_type, form.kind.data,
                                           form.nominee.data)
    if problem:
        form.award_type_id.errors.append(problem)
        return None
    target = nomination or Nomination(round_id=nomination_round.id)
    form.populate_obj(target)
    target.state, target.review_note = "submitted", ""
    if nomination is None:
        db.session.add(target)
    db.session.commit()
    flash(_("Nomination of %(name)s saved.", name=target.nominee), "success")
    return redirect(url_for("awards.nomination_detail", nomination_id=target.id))


@require_permission(NOMINATE)
def nomination_new(round_id: int) -> ResponseReturnValue:
    nomination_round = db.get_or_404(NominationRound, round_id)
    if not nomination_round.open:
        raise user_error(409, _("This round no longer accepts nominations."))
    form = NominationForm()
    _nomination_choices(form)
    if request.method == "GET" and current_user.unit_id:
        form.unit_id.data = current_user.unit_id
    done = _save_nomination(form, nomination_round, None)
    return done or _form_page(form, _("New nomination"), url_for("awards.round_detail", round_id=round_id),
                              intro=nomination_round.name, template="awards/nomination_form.html",
                              round_id=round_id)


def _editable(nomination: Nomination) -> bool:
    return nomination.round.open and nomination.state in ("submitted", "ineligible") and not (
        nomination.id in services.scheduled_nomination_ids(nomination.round_id)
    )


@require_permission(NOMINATE)
def nomination_edit(nomination_id: int) -> ResponseReturnValue:
    nomination = db.get_or_404(Nomination, nomination_id)
    check_unit(NOMINATE, nomination.unit_id)
    if not _editable(nomination):
        raise user_error(409, _("This nomination can no longer be changed."))
    form = NominationForm(obj=nomination)
    _nomination_choices(form)
    done = _save_nomination(form, nomination.round, nomination)
    return done or _form_page(form, _("Edit nomination"),
                              url_for("awards.nomination_detail", nomination_id=nomination.id),
                              template="awards/nomination_form.html", round_id=nomination.round_id)


def _visible_nomination(nomination_id: int) -> Nomination:
    nomination = db.get_or_404(Nomination, nomination_id)
    if not (current_user.can(MANAGE) or current_user.can(VIEW, nomination.unit_id)
            or current_user.can(NOMINATE, nomination.unit_id)):
        abort(403)
    return nomination


@require_permission(VIEW, MANAGE, NOMINATE)
def nomination_detail(nomination_id: int) -> ResponseReturnValue:
    nomination = _visible_nomination(nomination_id)
    evidence = signals.collect_unit_evidence(nomination.unit_id, nomination.round.year)
    history = history_for("awards_nomination", nomination.id) if current_user.can("portal.audit") else []
    review = ReviewForm(decision=nomination.state if nomination.state in ("eligible", "ineligible") else "eligible",
                        note=nomination.review_note)
    check = process.lookback(nomination.award_type, nomination.kind, nomination.nominee, nomination.round.year)
    return _page("awards/nomination.html", nomination=nomination, evidence=evidence, history=history, lookback=check,
                 review=review, file_form=FileForm(), editable=_editable(nomination),
                 can_upload=current_user.can(NOMINATE, nomination.unit_id) or current_user.can(MANAGE))


@require_permission(MANAGE)
def nomination_review(nomination_id: int) -> ResponseReturnValue:
    nomination = lock_or_404(Nomination, nomination_id)  # checked below on its committed state
    form = ReviewForm()
    if nomination.state not in ("submitted", "eligible", "ineligible") or (
        nomination.id in services.scheduled_nomination_ids(nomination.round_id)
    ):
        raise user_error(409, _("This nomination is already on a voting session."))
    if not form.validate_on_submit():
        raise user_error(400, _("Choose eligible or not eligible."))
    nomination.state, nomination.review_note = form.decision.data, form.note.data or ""
    db.session.commit()
    flash(_("Review saved."), "success")
    return redirect_or_hx(url_for("awards.nomination_detail", nomination_id=nomination.id))


@require_permission(NOMINATE, MANAGE)
def nomination_upload(nomination_id: int) -> ResponseReturnValue:
    nomination = _visible_nomination(nomination_id)
    if not (current_user.can(NOMINATE, nomination.unit_id) or current_user.can(MANAGE)):
        abort(403)
    try:
        checked = check_file(request.files.get("file"), ("pdf", "docx", "xlsx", "jpg", "jpeg", "png"),
                             get_plugin_config("AWARDS_MAX_FILE_BYTES"))
    except UploadError as exc:
        raise user_error(400, str(exc)) from None
    nomination.files.append(NominationFile(upload=store(checked, "awards")))
    db.session.commit()
    flash(_("File %(name)s attached.", name=checked.original_name), "success")
    return redirect_or_hx(url_for("awards.nomination_detail", nomination_id=nomination.id))


@require_permission(VIEW, MANAGE, NOMINATE)
def nomination_file(nomination_id: int, file_id: int) -> ResponseReturnValue:
    nomination = _visible_nomination(nomination_id)
    attached = db.get_or_404(NominationFile, file_id)
    if attached.nomination_id != nomination.id:
        abort(404)
    return send_upload(attached.upload)


# --- voting sessions ---------------------------------------------------------------------------

def _council_side() -> bool:
    """Sessions are the council's business: the secretariat, members and district-wide viewers."""
    return current_user.can(MANAGE) or current_user.can(VOTE) or current_user.scope(VIEW) == "all"


def _session(session_id: int) -> VotingSession:
    session = db.get_or_404(VotingSession, session_id)
    if not _council_side():
        abort(403)
    return session


def _watcher(session: VotingSession) -> bool:
    """The secretariat and the chair follow turnout and may close voting."""
    return current_user.can(MANAGE) or services.is_chair(session, current_user.id)


def _results_visible(session: VotingSession) -> bool:
    """Nobody sees a count before closing; then the roll and secretariat; everyone with VIEW once published."""
    if session.state == "closed":
        return current_user.can(MANAGE) or services.roll_entry(session, current_user.id) is not None
    return session.state == "published"


@require_permission(MANAGE)
def session_new(round_id: int) -> ResponseReturnValue:
    nomination_round = db.get_or_404(NominationRound, round_id)
    form = SessionForm()
    today = local_today()
    committees = db.session.scalars(select(Unit).where(
        Unit.kind.in_(("district", "commune")), or_(Unit.valid_from.is_(None), Unit.valid_from <= today),
        or_(Unit.valid_to.is_(None), Unit.valid_to >= today)))
    form.council_unit_id.choices = [(0, _("The configured bodies"))] + sorted(
        ((u.id, u.name) for u in committees), key=lambda c: vi_sort_key(c[1]))
    if request.method == "GET":
        form.meeting_date.data = today
    if form.validate_on_submit():
        session = VotingSession(round_id=nomination_round.id)
        form.populate_obj(session)
        session.council_unit_id = session.council_unit_id or None
        db.session.add(session)
        db.session.commit()
        return redirect(url_for("awards.session_detail", session_id=session.id))
    return _form_page(form, _("New voting session"), url_for("awards.round_detail", round_id=round_id),
                      intro=nomination_round.name)


def _candidates(session: VotingSession) -> list[Nomination]:
    if session.state != "draft":
        return []
    scheduled = services.scheduled_nomination_ids(session.round_id)
    noms = db.session.scalars(select(Nomination).where(Nomination.round_id == session.round_id,
                                                       Nomination.state == "eligible"))
    return sorted((n for n in noms if n.id not in scheduled),
                  key=lambda n: (vi_sort_key(n.award_type.name), vi_sort_key(n.nominee)))


def _session_page(session: VotingSession, fragment: str | None = None, status: int = 200) -> ResponseReturnValue:
    entry = services.roll_entry(session, current_user.id)
    return _page("awards/session.html", fragment, status, session=session, entry=entry,
                 watcher=_watcher(session), voted=services.voted_user_ids(session.id),
                 candidates=_candidates(session) if current_user.can(MANAGE) else [],
                 results_visible=_results_visible(session),
                 poll=get_plugin_config("AWARDS_TURNOUT_POLL_SECONDS"))


@require_permission(VIEW, MANAGE, VOTE)
def session_detail(session_id: int) -> ResponseReturnValue:
    return _session_page(_session(session_id))


@require_permission(MANAGE)
def session_items(session_id: int) -> ResponseReturnValue:
    session = _session(session_id)
    try:
        ids = {int(v) for v in request.form.getlist("nomination")}
    except ValueError:
        raise user_error(400, _("Unknown nomination.")) from None
    noms = list(db.session.scalars(select(Nomination).where(Nomination.id.in_(ids)))) if ids else []
    if len(noms) != len(ids) or any(n not in _candidates(session) for n in noms):
        raise user_error(400, _("Only eligible nominations of this round that are on no other session can be added."))
    try:
        added = services.add_items(session, noms)
    except BallotError as exc:
        return _refuse(exc)
    db.session.commit()
    flash(_("%(num)s nominations put on the session.", num=added), "success")
    return redirect_or_hx(url_for("awards.session_detail", session_id=session.id))


@require_permission(MANAGE)
def session_open(session_id: int) -> ResponseReturnValue:
    session = _session(session_id)
    try:
        services.open_session(session)
    except BallotError as exc:
        db.session.rollback()
        return _refuse(exc)
    members = list(db.session.scalars(select(User).where(User.id.in_([r.user_id for r in session.roll]))))
    notify_users(members, _("Voting is open: %(title)s", title=session.title),
                 url_for("awards.session_vote", session_id=session.id))
    db.session.commit()
    flash(_("Voting is open. The roll of %(num)s members is frozen.", num=len(session.roll)), "success")
    return redirect_or_hx(url_for("awards.session_detail", session_id=session.id))


@require_permission(MANAGE)
def session_presence(session_id: int, entry_id: int) -> ResponseReturnValue:
    session = _session(session_id)
    entry = db.get_or_404(RollEntry, entry_id)
    if entry.session_id != session.id:
        abort(404)
    try:
        services.set_presence(session, entry, request.form.get("present") == "1")
    except BallotError as exc:
        return _refuse(exc)
    db.session.commit()
    return _session_page(session, "presence")


@require_permission(VIEW, MANAGE, VOTE)
def session_turnout(session_id: int) -> ResponseReturnValue:
    session = _session(session_id)
    if not _watcher(session):
        abort(403)
    resp = _session_page(session, "turnout")
    if session.state != "open" and is_fragment_request():
        resp.status_code = 286  # htmx stops polling on 286
    return resp


@require_permission(VOTE)
def session_vote(session_id: int) -> ResponseReturnValue:
    session = _session(session_id)
    entry = services.roll_entry(session, current_user.id)
    if entry is None:
        raise user_error(403, _("You are not on the roll of this session, so you cannot vote in it."))
    receipt = None
    if request.method == "POST":
        try:
            if session.state != "open":
                raise BallotError(409, _("Voting in this session is closed."))
            choices = services.parse_choices(session, request.form)
            receipt = services.cast_ballot(session.id, current_user.id, choices, request.form.get("receipt") or None)
        except BallotError as exc:
            db.session.rollback()
            return _page("awards/vote.html", "ballot", exc.status, session=session, error=exc.message,
                         has_voted=current_user.id in services.voted_user_ids(session.id), receipt=None)
    has_voted = current_user.id in services.voted_user_ids(session.id)
    resp = _page("awards/vote.html", "ballot", session=session, error=None, has_voted=has_voted,
                 receipt=services.format_receipt(receipt) if receipt else None)
    if receipt:
        resp.headers["Cache-Control"] = "no-store"
        resp = hx_trigger(resp, "awards:voted")
    return resp


@require_permission(MANAGE)
def session_written(session_id: int) -> ResponseReturnValue:
    session = _session(session_id)
    voted = services.voted_user_ids(session.id)
    absent = [r for r in session.roll if not r.present and r.user_id not in voted]
    receipt, error, status = None, None, 200
    if request.method == "POST":
        try:
            entry = next((r for r in session.roll if str(r.id) == request.form.get("entry")), None)
            if entry is None:
                raise BallotError(400, _("Choose the absent member whose written ballot this is."))
            services.check_written_allowed(session, entry)
            choices = services.parse_choices(session, request.form, written=True)
            receipt = services.format_receipt(services.cast_ballot(session.id, entry.user_id, choices, written=True))
            absent = [r for r in absent if r.id != entry.id]
        except BallotError as exc:
            db.session.rollback()
            error, status = exc.message, exc.status
    return _page("awards/written.html", "written_form", status, session=session, absent=absent, error=error,
                 receipt=receipt)


@require_permission(MANAGE, VOTE)
def session_close(session_id: int) -> ResponseReturnValue:
    session = _session(session_id)
    if not _watcher(session):
        abort(403)
    try:
        services.close_session(session.id)
    except BallotError as exc:
        return _refuse(exc)
    flash(_("Voting is closed and the ballots are counted."), "success")
    return redirect_or_hx(url_for("awards.session_minutes", session_id=session.id))


@require_permission(VOTE, MANAGE)
def session_publish(session_id: int) -> ResponseReturnValue:
    session = _session(session_id)
    if not services.is_chair(session, current_user.id):
        raise user_error(403, _("Only the chair of the council publishes the results."))
    try:
        services.publish_session(session)
    except BallotError as exc:
        return _refuse(exc)
    db.session.commit()
    flash(_("The results are published."), "success")
    return redirect_or_hx(url_for("awards.session_minutes", session_id=session.id))


def _result_session(session_id: int) -> VotingSession:
    session = _session(session_id)
    if session.state in ("draft", "open"):
        raise user_error(409, _("Results are available only after voting has closed."))
    if not _results_visible(session):
        raise user_error(403, _("The results stay confidential until the chair publishes them."))
    return session


@require_permission(VIEW, MANAGE, VOTE)
def session_minutes(session_id: int) -> ResponseReturnValue:
    session = _result_session(session_id)
    result = session.result
    signers = [(r.function, r.full_name) for r in session.roll]
    chair = next((n for f, n in signers if f == "chair"), "")
    secretary = next((n for f, n in signers if f == "secretary"), "")
    return _page("awards/minutes.html", session=session, result=result, verified=services.result_verified(session),
                 chair=chair, secretary=secretary, is_chair=services.is_chair(session, current_user.id))


@require_permission(VIEW, MANAGE, VOTE)
def session_ballots(session_id: int) -> ResponseReturnValue:
    session = _result_session(session_id)
    return _page("awards/ballots.html", session=session, ballots=services.published_ballots(session.id))


# --- dashboard widgets -------------------------------------------------------------------------

@require_permission(VOTE)
def widget_vote() -> ResponseReturnValue:
    sessions = list(db.session.scalars(
        select(VotingSession).join(RollEntry).where(VotingSession.state == "open", RollEntry.user_id == current_user.id)
    ))
    voted = {s.id: current_user.id in services.voted_user_ids(s.id) for s in sessions}
    return _page("awards/widgets.html", "vote_widget", sessions=sessions, voted=voted)


@require_permission(MANAGE)
def widget_review() -> ResponseReturnValue:
    count = db.session.scalar(select(db.func.count(Nomination.id)).where(Nomination.state == "submitted")) or 0
    return _page("awards/widgets.html", "review_widget", count=count)


@require_permission(VIEW)
def widget_results() -> ResponseReturnValue:
    """Awards given per year: approved items of published sessions, collectives and individuals apart."""
    years: dict[int, dict[str, int]] = {}
    rows = db.session.execute(
        select(NominationRound.year, VotingSession.result).join(VotingSession, VotingSession.round_id == NominationRound.id)
        .where(VotingSession.state == "published")
    ).all()
    ids = {item.get("nomination") for _y, result in rows for item in (result or {}).get("items", [])}
    kinds = dict(db.session.execute(select(Nomination.id, Nomination.kind).where(Nomination.id.in_(ids))).all()) \
        if ids else {}
    for year, result in rows:
        for item in (result or {}).get("items", []):
            if item.get("verdict") == "approved":
                counts = years.setdefault(year, {"collective": 0, "other": 0})
                counts["collective" if kinds.get(item.get("nomination")) == "collective" else "other"] += 1
    pending = db.session.scalar(select(db.func.count(Nomination.id)).where(Nomination.state.in_(("submitted", "eligible")))) or 0
    return _page("awards/widgets.html", "results_widget", years=sorted(years.items()), pending=pending)
