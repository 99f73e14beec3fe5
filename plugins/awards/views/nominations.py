"""Rounds and nominations: the list, the form with its look-back preview, review and files."""
from __future__ import annotations

from flask import abort, flash, request, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import or_, select

from portal.toolkit import (
    INVALID_FORM,
    Refused, Unit, UploadError, _, check_file, check_unit, current_user, db, fold, get_plugin_config, history_for,
    is_fragment_request, local_today, lock_or_404, make_ref, paginate, redirect_or_hx, render, require_permission,
    send_upload, signals, store, unit_clause, vi_sort_key, xlsx_response,
)

from ..forms import FileForm, NominationForm, ReviewForm, RoundForm
from ..models import (
    NOMINATION_STATES, NOMINEE_KINDS, AwardType, Nomination, NominationFile, NominationRound, VotingSession,
)
from ..permissions import MANAGE, NOMINATE, VIEW
from ..services import records as rec, registrations as reg_svc
from ..services import pages, tally, voting
from .common import form_page


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
        return redirect_or_hx(url_for("awards.round_detail", round_id=target.id))
    back = url_for("awards.round_detail", round_id=nomination_round.id) if nomination_round else url_for("awards.index")
    return form_page(form, _("Edit round") if nomination_round else _("New nomination round"), back)


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
    stmt = pages.nomination_columns().where(Nomination.round_id == round_id, _nomination_scope())
    if state in NOMINATION_STATES:
        stmt = stmt.where(Nomination.state == state)
    if q:
        # diacritic-insensitive on the nominee and the unit, on their stored folded names (SQLite has no unaccent)
        needle = fold(q)
        stmt = stmt.where(or_(Nomination.nominee_fold.contains(needle, autoescape=True),
                              Unit.search_name.contains(needle, autoescape=True)))
    # award types in the order they were set up, then units in Vietnamese order: paged in SQL
    page = paginate(stmt, (Nomination.award_type_id, Unit.sort_key, Nomination.id), rows="mapping", count=True)
    sessions = list(db.session.scalars(
        select(VotingSession).where(VotingSession.round_id == round_id).order_by(VotingSession.meeting_date)
    ))
    return render("awards/round.html", fragment="nomination_list", nomination_round=nomination_round,
                  nominations=pages.nomination_rows(page.items), sessions=sessions, q=q, state=state, page=page, total=page.total)


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
            for r in tally.approved_rows(nomination_round.id)]
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
    problem = reg_svc.registration_problem(nomination_round.id, form.unit_id.data, award_type, form.kind.data,
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
    return redirect_or_hx(url_for("awards.nomination_detail", nomination_id=target.id))


@require_permission(NOMINATE)
def nomination_new(round_id: int) -> ResponseReturnValue:
    nomination_round = db.get_or_404(NominationRound, round_id)
    if not nomination_round.open:
        raise Refused(409, _("This round no longer accepts nominations."))
    form = NominationForm()
    _nomination_choices(form)
    if request.method == "GET" and current_user.unit_id:
        form.unit_id.data = current_user.unit_id
    done = _save_nomination(form, nomination_round, None)
    return done or form_page(form, _("New nomination"), url_for("awards.round_detail", round_id=round_id),
                             intro=nomination_round.name, template="awards/nomination_form.html",
                             round_id=round_id)


def _editable(nomination: Nomination) -> bool:
    return nomination.round.open and nomination.state in ("submitted", "ineligible") and not (
        nomination.id in voting.scheduled_nomination_ids(nomination.round_id)
    )


@require_permission(NOMINATE)
def nomination_edit(nomination_id: int) -> ResponseReturnValue:
    nomination = db.get_or_404(Nomination, nomination_id)
    check_unit(NOMINATE, nomination.unit_id)
    if not _editable(nomination):
        raise Refused(409, _("This nomination can no longer be changed."))
    form = NominationForm(obj=nomination)
    _nomination_choices(form)
    done = _save_nomination(form, nomination.round, nomination)
    return done or form_page(form, _("Edit nomination"),
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
    evidence = signals.collect_evidence(nomination.unit_id, nomination.round.year,
                                        subject=make_ref("awards", "nomination", nomination.id))
    history = history_for("awards_nomination", nomination.id) if current_user.can("portal.audit") else []
    review = ReviewForm(decision=nomination.state if nomination.state in ("eligible", "ineligible") else "eligible",
                        note=nomination.review_note)
    check = rec.lookback(nomination.award_type, nomination.kind, nomination.nominee, nomination.round.year)
    return render("awards/nomination.html", nomination=nomination,
                  records=rec.holder_records(nomination.kind, nomination.nominee), evidence=evidence, history=history,
                  lookback=check,
                  review=review, file_form=FileForm(), editable=_editable(nomination),
                  can_upload=current_user.can(NOMINATE, nomination.unit_id) or current_user.can(MANAGE))


@require_permission(MANAGE)
def nomination_review(nomination_id: int) -> ResponseReturnValue:
    nomination = lock_or_404(Nomination, nomination_id)  # checked below on its committed state
    form = ReviewForm()
    if nomination.state not in ("submitted", "eligible", "ineligible") or (
        nomination.id in voting.scheduled_nomination_ids(nomination.round_id)
    ):
        raise Refused(409, _("This nomination is already on a voting session."))
    if not form.validate_on_submit():
        raise Refused(INVALID_FORM, _("Choose eligible or not eligible."))
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
        raise Refused(INVALID_FORM, str(exc)) from None
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


@require_permission(MANAGE)
def nomination_lookback(round_id: int) -> ResponseReturnValue:
    """The look-back arithmetic for the nomination being typed (the secretariat sees it while nominating)."""
    nomination_round = db.get_or_404(NominationRound, round_id)
    if not is_fragment_request():  # a fragment of the nomination form; without htmx, the form itself
        return redirect_or_hx(url_for("awards.nomination_new", round_id=round_id))
    award_type = db.session.get(AwardType, request.args.get("award_type_id", 0, type=int) or 0)
    kind = request.args.get("kind", "")
    nominee = (request.args.get("nominee") or "").strip()[:200]
    check = None
    if award_type is not None and kind in NOMINEE_KINDS and nominee:
        check = rec.lookback(award_type, kind, nominee, nomination_round.year)
    return render("awards/nomination_form.html", fragment="lookback_preview", lookback=check, round_id=round_id)
