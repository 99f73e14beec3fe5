"""The published lists, achievement records and the dashboard widgets."""
from __future__ import annotations

from flask import flash, request, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import or_, select, true

from portal.toolkit import (
    Refused, Unit, _, current_user, db, paginate, public, redirect_or_hx, render, require_permission, unit_clause,
    vi_sort_key,
)

from ..forms import AchievementForm
from ..models import (
    NOMINEE_KINDS, Achievement, AwardType, DecisionLine, Nomination, NominationRound, RollEntry, VotingSession,
)
from ..permissions import MANAGE, NOMINATE, VIEW, VOTE
from ..services import decisions as dec, records as rec
from ..services import voting
from .common import active_types, form_page


# --- the published lists -------------------------------------------------------------------------------------

@require_permission(VIEW, MANAGE, NOMINATE)
def decided() -> ResponseReturnValue:
    """Awards decided for the user's unit (or all, with district-wide rights): published to units."""
    clause = or_(unit_clause(VIEW, DecisionLine.unit_id), unit_clause(MANAGE, DecisionLine.unit_id))
    return _decided_page(dec.visible_lines_stmt(clause), public_view=False)


@public
def public_awards() -> ResponseReturnValue:
    """The public page: only lines of issued decisions that were marked public."""
    return _decided_page(dec.visible_lines_stmt(true(), public_only=True), public_view=True)


def _decided_page(stmt: object, public_view: bool) -> ResponseReturnValue:
    page = paginate(stmt, dec.LINES_ORDER, rows="row", count=True)
    return render("awards/decided.html", fragment="decided_list", rows=[(r[0], r[1]) for r in page.items], page=page,
                  total=page.total, public_view=public_view)


# --- achievement records (hồ sơ thành tích) --------------------------------------------------------------------

def _records_clause() -> object:
    return or_(unit_clause(MANAGE, Achievement.unit_id), unit_clause(VIEW, Achievement.unit_id))


@require_permission(MANAGE, VIEW)
def records() -> ResponseReturnValue:
    q = (request.args.get("q") or "").strip()[:100]
    kind = request.args.get("kind", "")
    stmt = rec.search_achievements(q, kind, _records_clause())
    page = paginate(stmt, rec.RECORDS_ORDER, count=True)
    return render("awards/records.html", fragment="record_list", rows=page.items, page=page, total=page.total, q=q,
                  kind=kind)


def _record_choices(form: AchievementForm) -> None:
    units = sorted(db.session.scalars(select(Unit)), key=lambda u: vi_sort_key(u.name))
    form.unit_id.choices = [(0, "—")] + [(u.id, u.name) for u in units]
    form.award_type_id.choices = [(0, "—")] + [(t.id, t.name) for t in active_types().values()]


@require_permission(MANAGE)
def record_new() -> ResponseReturnValue:
    form = AchievementForm()
    _record_choices(form)
    if form.validate_on_submit():
        award_type = db.session.get(AwardType, form.award_type_id.data) if form.award_type_id.data else None
        row = rec.add_achievement(
            kind=form.kind.data, holder=form.holder.data, position_text=form.position_text.data or "",
            unit_id=form.unit_id.data or None, year=form.year.data,
            award_type_id=award_type.id if award_type else None,
            title=form.title.data or (award_type.name if award_type else ""),
            decision_number=form.decision_number.data, decision_date=form.decision_date.data,
            note=form.note.data or "", source="manual")
        db.session.commit()
        flash(_("Achievement of %(name)s recorded.", name=row.holder), "success")
        return redirect_or_hx(url_for("awards.record_holder", kind=row.kind, name=row.holder))
    return form_page(form, _("Enter an earlier award"), url_for("awards.records"),
                     intro=_("For awards received before the portal, from the decision (with its number)."))


@require_permission(MANAGE, VIEW)
def record_holder() -> ResponseReturnValue:
    kind = request.args.get("kind", "")
    name = (request.args.get("name") or "").strip()[:200]
    if kind not in NOMINEE_KINDS or not name:
        raise Refused(400, _("Choose a collective, person or household."))
    rows = [r for r in rec.holder_records(kind, name)
            if current_user.can(MANAGE) or current_user.can(VIEW, r.unit_id or -1)]
    return render("awards/record_holder.html", rows=rows, kind=kind, name=name)


@require_permission(MANAGE)
def record_remove(record_id: int) -> ResponseReturnValue:
    row = db.get_or_404(Achievement, record_id)
    if row.source != "manual":
        raise Refused(409, _("This award comes from an issued decision and stays on record; a correction is an "
                                "amending decision."))
    db.session.delete(row)
    db.session.commit()
    flash(_("Record removed."), "success")
    return redirect_or_hx(url_for("awards.records"))


# --- dashboard widgets -------------------------------------------------------------------------

@require_permission(VOTE)
def widget_vote() -> ResponseReturnValue:
    sessions = list(db.session.scalars(
        select(VotingSession).join(RollEntry).where(VotingSession.state == "open", RollEntry.user_id == current_user.id)
    ))
    voted = {s.id: current_user.id in voting.voted_user_ids(s.id) for s in sessions}
    return render("awards/widgets.html", fragment="widget_vote", sessions=sessions, voted=voted)


@require_permission(MANAGE)
def widget_review() -> ResponseReturnValue:
    count = db.session.scalar(select(db.func.count(Nomination.id)).where(Nomination.state == "submitted")) or 0
    return render("awards/widgets.html", fragment="widget_review", count=count)


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
    return render("awards/widgets.html", fragment="widget_results", years=sorted(years.items()), pending=pending)
