"""Casting a ballot: the member's own online ballot, written ballots of absent members, the dossier."""
from __future__ import annotations

from flask import abort, request
from flask.typing import ResponseReturnValue

from portal.toolkit import (
    INVALID_FORM, Refused, _, current_user, db, hx_trigger, make_ref, render, require_permission, signals,
)

from ..models import SessionItem, VotingSession
from ..permissions import MANAGE, VIEW, VOTE
from ..services import records as rec
from ..services import pages, voting
from .common import session_of


@require_permission(VOTE)
def session_vote(session_id: int) -> ResponseReturnValue:
    session = session_of(session_id)
    entry = voting.roll_entry(session, current_user.id)
    if entry is None:
        raise Refused(403, _("You are not on the roll of this session, so you cannot vote in it."))
    receipt = None
    if request.method == "POST":
        try:
            if session.state != "open":
                raise Refused(409, _("Voting in this session is closed."))
            choices = voting.parse_choices(session, request.form)
            receipt = voting.cast_ballot(session.id, current_user.id, choices, request.form.get("receipt") or None)
        except Refused as exc:
            db.session.rollback()
            return render("awards/vote.html", fragment="ballot", status=exc.status, session=session, error=exc.message,
                          items=pages.item_rows(session),
                          has_voted=current_user.id in voting.voted_user_ids(session.id), receipt=None)
    has_voted = current_user.id in voting.voted_user_ids(session.id)
    resp = render("awards/vote.html", fragment="ballot", session=session, error=None, has_voted=has_voted,
                  items=pages.item_rows(session) if receipt is None and session.state == "open" else [],
                  receipt=voting.format_receipt(receipt) if receipt else None)
    if receipt:
        resp.headers["Cache-Control"] = "no-store"
        resp = hx_trigger(resp, "awards:voted")
    return resp


@require_permission(MANAGE)
def session_written(session_id: int) -> ResponseReturnValue:
    session = session_of(session_id)
    voted = voting.voted_user_ids(session.id)
    absent = [r for r in session.roll if not r.present and r.user_id not in voted]
    receipt, error, status = None, None, 200
    if request.method == "POST":
        try:
            entry = next((r for r in session.roll if str(r.id) == request.form.get("entry")), None)
            if entry is None:
                raise Refused(INVALID_FORM, _("Choose the absent member whose written ballot this is."))
            voting.check_written_allowed(session, entry)
            choices = voting.parse_choices(session, request.form, written=True)
            receipt = voting.format_receipt(voting.cast_ballot(session.id, entry.user_id, choices, written=True))
            absent = [r for r in absent if r.id != entry.id]
        except Refused as exc:
            db.session.rollback()
            error, status = exc.message, exc.status
    return render("awards/written.html", fragment="written_form", status=status, session=session, absent=absent,
                  error=error, receipt=receipt, blocker=voting.written_blocker(session, absent))


# --- the nominee's dossier on the ballot ----------------------------------------------------------------------

@require_permission(VIEW, MANAGE, VOTE)
def ballot_dossier(session_id: int, item_id: int) -> ResponseReturnValue:
    """A nominee's dossier for the member reading the ballot: a fragment into the ballot page (htmx), or a whole
    page in a new tab. Read-only, so the marked ballot is untouched either way."""
    session = db.get_or_404(VotingSession, session_id)
    item = db.session.get(SessionItem, item_id)
    if item is None or item.session_id != session.id:
        abort(404)
    if not (current_user.can(MANAGE) or voting.roll_entry(session, current_user.id) is not None
            or current_user.scope(VIEW) == "all"):
        abort(403)
    nom = item.nomination
    ctx = dict(session=session, item=item, nomination=nom,
               evidence=signals.collect_evidence(nom.unit_id, nom.round.year,
                                                 subject=make_ref("awards", "nomination", nom.id)),
               records=rec.holder_records(nom.kind, nom.nominee),
               lookback=rec.lookback(nom.award_type, nom.kind, nom.nominee, nom.round.year))
    return render("awards/dossier.html", fragment="dossier", **ctx)
