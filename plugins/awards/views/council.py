"""The overview, award types and the council."""
from __future__ import annotations

from flask import flash, request, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import select

from portal.toolkit import User, _, db, form_status, redirect_or_hx, render, require_permission, vi_sort_key

from ..forms import AwardTypeForm, CouncilMemberForm
from ..models import AwardType, CouncilMember, NominationRound, VotingSession
from ..permissions import MANAGE, NOMINATE, VIEW, VOTE
from ..services import rules, voting
from .common import council_side, form_page


# --- overview ----------------------------------------------------------------------------------

@require_permission(VIEW, MANAGE, NOMINATE, VOTE)
def index() -> ResponseReturnValue:
    rounds = list(db.session.scalars(select(NominationRound).order_by(NominationRound.year.desc(), NominationRound.id)))
    sessions = []
    if council_side():
        sessions = list(db.session.scalars(select(VotingSession).order_by(VotingSession.meeting_date.desc())))
    return render("awards/index.html", rounds=rounds, sessions=sessions)


# --- award types and council -------------------------------------------------------------------

@require_permission(MANAGE, VIEW)
def types() -> ResponseReturnValue:
    rows = sorted(db.session.scalars(select(AwardType)), key=lambda t: (not t.active, vi_sort_key(t.name)))
    return render("awards/types.html", award_types=rows, rule_text=rules.rule_text)


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
        return redirect_or_hx(url_for("awards.types"))
    return form_page(form, _("Edit award type") if award_type else _("New award type"), url_for("awards.types"),
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
    members = voting.council()
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
        return redirect_or_hx(url_for("awards.council"))
    return render("awards/council.html", status=form_status(form), form=form, members=members)


@require_permission(MANAGE)
def council_remove(member_id: int) -> ResponseReturnValue:
    member = db.get_or_404(CouncilMember, member_id)
    member.active = False
    db.session.commit()
    flash(_("%(name)s left the council. Rolls of sessions already opened keep them.", name=member.user.full_name),
          "success")
    return redirect_or_hx(url_for("awards.council"))
