"""Voting sessions: preparing, opening, presence and turnout, closing, publishing, minutes."""
from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import or_, select

from portal.toolkit import (
    Refused, Unit, User, _, confirm, current_user, db, get_plugin_config, is_fragment_request, local_today, ngettext,
    notify_users, redirect_or_hx, render, require_permission, vi_sort_key,
)

from ..forms import SessionForm
from ..models import Nomination, NominationRound, VotingSession
from ..permissions import MANAGE, VIEW, VOTE, VOTING_NOTICE
from ..services import pages, tally, voting
from .common import form_page, results_visible, session_of, watcher


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
        return redirect_or_hx(url_for("awards.session_detail", session_id=session.id))
    return form_page(form, _("New voting session"), url_for("awards.round_detail", round_id=round_id),
                     intro=nomination_round.name)


def _candidates(session: VotingSession) -> list[Nomination]:
    if session.state != "draft":
        return []
    scheduled = voting.scheduled_nomination_ids(session.round_id)
    noms = db.session.scalars(select(Nomination).where(Nomination.round_id == session.round_id,
                                                       Nomination.state == "eligible"))
    return sorted((n for n in noms if n.id not in scheduled),
                  key=lambda n: (vi_sort_key(n.award_type.name), vi_sort_key(n.nominee)))


def _session_page(session: VotingSession, fragment: str | None = None, status: int = 200) -> ResponseReturnValue:
    entry = voting.roll_entry(session, current_user.id)
    voted = voting.voted_user_ids(session.id)
    # the polled turnout fragment shows no nominee: it skips their query
    items = [] if fragment == "turnout" and is_fragment_request() else pages.item_rows(session, rules=True)
    roll = pages.roll_rows(session, session.roll, voted)
    return render("awards/session.html", fragment=fragment, status=status, session=session, items=items, roll=roll,
                  entry=entry, watcher=watcher(session), voted=voted, turnout=voting.turnout(session, voted),
                  candidates=_candidates(session) if current_user.can(MANAGE) else [],
                  results_visible=results_visible(session),
                  poll=get_plugin_config("AWARDS_TURNOUT_POLL_SECONDS"))


@require_permission(VIEW, MANAGE, VOTE)
def session_detail(session_id: int) -> ResponseReturnValue:
    return _session_page(session_of(session_id))


@require_permission(MANAGE)
def session_items(session_id: int) -> ResponseReturnValue:
    session = session_of(session_id)
    try:
        ids = {int(v) for v in request.form.getlist("nomination")}
    except ValueError:
        raise Refused(400, _("Unknown nomination.")) from None
    noms = list(db.session.scalars(select(Nomination).where(Nomination.id.in_(ids)))) if ids else []
    if len(noms) != len(ids) or any(n not in _candidates(session) for n in noms):
        raise Refused(400, _("Only eligible nominations of this round that are on no other session can be added."))
    added = voting.add_items(session, noms)
    db.session.commit()
    flash(_("%(num)s nominations put on the session.", num=added), "success")
    return redirect_or_hx(url_for("awards.session_detail", session_id=session.id))


@require_permission(MANAGE)
def session_open(session_id: int) -> ResponseReturnValue:
    session = session_of(session_id)
    voting.open_session(session)
    members = list(db.session.scalars(select(User).where(User.id.in_([r.user_id for r in session.roll]))))
    notify_users(members, _("Voting is open: %(title)s", title=session.title),
                 url_for("awards.session_vote", session_id=session.id), kind=VOTING_NOTICE)
    db.session.commit()
    flash(_("Voting is open. The roll of %(num)s members is frozen.", num=len(session.roll)), "success")
    return redirect_or_hx(url_for("awards.session_detail", session_id=session.id))


@require_permission(MANAGE)
def session_presence(session_id: int, entry_id: int) -> ResponseReturnValue:
    session = session_of(session_id)
    voting.set_presence(session, entry_id, request.form.get("present") == "1")
    db.session.commit()
    return _session_page(session, "presence")


@require_permission(MANAGE)
def session_roll(session_id: int) -> ResponseReturnValue:
    """The presence list's one form: the pressed button names the member, ``present=<entry>`` or ``absent=<entry>``."""
    session = session_of(session_id)
    present = "present" in request.form
    # type=int: the request's guard also refuses numbers no INTEGER column holds (never a driver overflow, a 500)
    entry_id = request.form.get("present" if present else "absent", type=int)
    if entry_id is None:
        raise Refused(400, _("Choose the member whose presence changes."))
    voting.set_presence(session, entry_id, present)
    db.session.commit()
    if not is_fragment_request():  # a browser without JavaScript: back to the page (reloading sends nothing again)
        return redirect(url_for("awards.session_detail", session_id=session.id) + "#presence")
    return _session_page(session, "presence")


@require_permission(VIEW, MANAGE, VOTE)
def session_turnout(session_id: int) -> ResponseReturnValue:
    session = session_of(session_id)
    if not watcher(session):
        abort(403)
    resp = _session_page(session, "turnout")
    if session.state != "open" and is_fragment_request():
        resp.status_code = 286  # htmx stops polling on 286
    return resp


@require_permission(MANAGE, VOTE)
def session_close(session_id: int) -> ResponseReturnValue:
    session = session_of(session_id)
    if not watcher(session):
        abort(403)
    if session.state == "open":
        counts = voting.turnout(session, voting.voted_user_ids(session.id))
        if counts.missing and (answer := confirm(
            _("Close voting and count the ballots?"),
            [ngettext("%(num)s member has not voted.", "%(num)s members have not voted.", counts.missing),
             _("Voted: %(voted)s/%(members)s.", voted=counts.voted, members=counts.members),
             _("After closing nobody can vote or change a ballot.")],
            button=_("Close voting and count"))) is not None:
            return answer
    tally.close_session(session.id)
    flash(_("Voting is closed and the ballots are counted."), "success")
    return redirect_or_hx(url_for("awards.session_minutes", session_id=session.id))


@require_permission(VOTE, MANAGE)
def session_publish(session_id: int) -> ResponseReturnValue:
    session = session_of(session_id)
    if not voting.is_chair(session, current_user.id):
        raise Refused(403, _("Only the chair of the council publishes the results."))
    if session.state == "closed" and (answer := confirm(
            _("Sign the minutes and publish the results?"),
            [_("Each nomination on the session takes its verdict; the result can no longer change."),
             _("Members with the right to see results can then read the minutes and the ballot list.")],
            button=_("Publish the results"))) is not None:
        return answer
    tally.publish_session(session)
    db.session.commit()
    flash(_("The results are published."), "success")
    return redirect_or_hx(url_for("awards.session_minutes", session_id=session.id))


def _result_session(session_id: int) -> VotingSession:
    session = session_of(session_id)
    if session.state in ("draft", "open"):
        raise Refused(409, _("Results are available only after voting has closed."))
    if not results_visible(session):
        raise Refused(403, _("The results stay confidential until the chair publishes them."))
    return session


@require_permission(VIEW, MANAGE, VOTE)
def session_minutes(session_id: int) -> ResponseReturnValue:
    session = _result_session(session_id)
    result = session.result
    signers = [(r.function, r.full_name) for r in session.roll]
    chair = next((n for f, n in signers if f == "chair"), "")
    secretary = next((n for f, n in signers if f == "secretary"), "")
    return render("awards/minutes.html", session=session, issuer=tally.minutes_issuer(session),
                  result=result, rows=pages.result_rows(result), verified=tally.result_verified(session),
                  chair=chair, secretary=secretary, is_chair=voting.is_chair(session, current_user.id))


@require_permission(VIEW, MANAGE, VOTE)
def session_ballots(session_id: int) -> ResponseReturnValue:
    session = _result_session(session_id)
    return render("awards/ballots.html", session=session, ballots=tally.ballot_table(session))
