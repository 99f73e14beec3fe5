"""Helpers shared by the awards views: the edit form page, who may see sessions, active award types."""
from __future__ import annotations

from flask import abort, request
from flask.typing import ResponseReturnValue
from sqlalchemy import select

from portal.toolkit import current_user, db, form_status, render, vi_sort_key

from ..models import AwardType, VotingSession
from ..permissions import MANAGE, VIEW, VOTE
from ..services import voting


def form_page(form: object, heading: str, back: str, intro: str | None = None, template: str = "awards/form.html",
              **ctx: object) -> ResponseReturnValue:
    """Show an edit form; after a refused POST with INVALID_FORM (422), so htmx swaps the errors in place."""
    status = form_status(form) if request.method == "POST" else 200
    return render(template, fragment="edit_form", status=status, form=form, heading=heading, back=back, intro=intro,
                  action=request.full_path.rstrip("?"), **ctx)


# --- voting sessions ---------------------------------------------------------------------------

def council_side() -> bool:
    """Sessions are the council's business: the secretariat, members and district-wide viewers."""
    return current_user.can(MANAGE) or current_user.can(VOTE) or current_user.scope(VIEW) == "all"


def session_of(session_id: int) -> VotingSession:
    session = db.get_or_404(VotingSession, session_id)
    if not council_side():
        abort(403)
    return session


def watcher(session: VotingSession) -> bool:
    """The secretariat and the chair follow turnout and may close voting."""
    return current_user.can(MANAGE) or voting.is_chair(session, current_user.id)


def results_visible(session: VotingSession) -> bool:
    """Nobody sees a count before closing; then the roll and secretariat; everyone with VIEW once published."""
    if session.state == "closed":
        return current_user.can(MANAGE) or voting.roll_entry(session, current_user.id) is not None
    return session.state == "published"


def active_types() -> dict[int, AwardType]:
    rows = db.session.scalars(select(AwardType).where(AwardType.active.is_(True)))
    return {t.id: t for t in sorted(rows, key=lambda t: vi_sort_key(t.name))}
