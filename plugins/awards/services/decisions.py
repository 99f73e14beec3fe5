"""Award decisions (Quyết định khen thưởng): drafting from published sessions, numbering, issuing, amending."""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import false, select

from portal.toolkit import (
    INVALID_FORM,
    Refused, _, db, format_date, get_plugin_config, lock, lock_or_create, ngettext, notify_unit, select_rows, utcnow,
    vi_sort_key,
)

from .. import labels
from ..permissions import DECISION_NOTICE
from ..models import (
    NOMINEE_KINDS, Decision, DecisionCounter, DecisionLine, DecisionSession, Nomination, VotingSession,
)
from .records import add_achievement


MAX_LINES = 2000  # awardees per decision

#: Lines of issued decisions: newest decision first, then Article 1's order (the id keeps paging exact).
LINES_ORDER = (Decision.decision_date.desc(), Decision.id.desc(), DecisionLine.position, DecisionLine.id)


def text_lines(text: str) -> list[str]:
    """The non-empty lines of a multi-line field, stripped."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


# --- decisions -------------------------------------------------------------------------------------------------

def decided_nomination_ids() -> set[int]:
    """Nominations already on a line of some decision (draft or issued)."""
    return set(db.session.scalars(select(DecisionLine.nomination_id).where(DecisionLine.nomination_id.is_not(None))))


def _default_texts(decision: Decision, sessions: Sequence[VotingSession]) -> None:
    decision.basis = "\n".join(get_plugin_config("AWARDS_DECISION_BASIS"))
    decision.signer_title = get_plugin_config("AWARDS_SIGNER_TITLE")
    decision.proposal = _("At the proposal of the Head of the Home Affairs Office (Standing body of the Emulation "
                          "and Commendation Council).")
    decision.article2 = _("The Chairman's certificate of merit (Giấy khen) and the bonus are paid from the district's "
                          "emulation and commendation fund under current regulations.")
    decision.article3 = _("The Chief of the Office of the People's Council and People's Committee, the Head of the "
                          "Home Affairs Office, the heads of the agencies concerned and the collectives, "
                          "individuals and households named in Article 1 are responsible for implementing this "
                          "decision.")
    decision.recipients = "\n".join(get_plugin_config("AWARDS_DECISION_RECIPIENTS"))
    meetings = "; ".join(
        _("meeting of %(date)s (minutes no. %(number)s)", date=format_date(s.meeting_date), number=s.number or "…")
        for s in sessions)
    decision.submission_text = _(
        "Based on the results of the secret ballot of the district Emulation and Commendation Council (%(meetings)s), "
        "the Home Affairs Office respectfully submits to the Chairman of the district People's Committee for "
        "consideration and decision the award of the forms listed below to the collectives, individuals and "
        "households with outstanding achievements.", meetings=meetings or "…")


def draft_decision(session_ids: Iterable[int], subject: str, decision_date: dt.date) -> Decision:
    """A draft decision (with its Tờ trình) listing the approved nominees of published sessions that are on no
    other decision yet."""
    ids = sorted(set(session_ids))
    sessions = list(db.session.scalars(select(VotingSession).where(VotingSession.id.in_(ids)))) if ids else []
    if not sessions or len(sessions) != len(ids):
        raise Refused(INVALID_FORM, _("Choose at least one voting session."))
    if any(s.state != "published" or not s.result for s in sessions):
        raise Refused(409, _("Only sessions whose results the chair has published can be decided."))
    taken = decided_nomination_ids()
    approved = [(s, i) for s in sessions for i in s.result["items"]
                if i["verdict"] == "approved" and i["nomination"] not in taken]
    if not approved:
        raise Refused(409, _("These sessions have no approved nominee that is not already on a decision."))
    noms = {n.id: n for n in db.session.scalars(
        select(Nomination).where(Nomination.id.in_([i["nomination"] for _s, i in approved])))}
    decision = Decision(subject=subject, decision_date=decision_date, submission_date=decision_date)
    _default_texts(decision, sessions)
    order = {k: n for n, k in enumerate(NOMINEE_KINDS)}
    rows = sorted((noms[i["nomination"]] for _s, i in approved),
                  key=lambda n: (order[n.kind], vi_sort_key(n.award_type.name), vi_sort_key(n.nominee)))
    decision.lines = [
        DecisionLine(position=k, nomination_id=n.id, award_type_id=n.award_type_id, award_name=n.award_type.name,
                     kind=n.kind, nominee=n.nominee, position_text=n.position, unit_id=n.unit_id,
                     unit_name=n.unit.name, bonus=n.award_type.bonus or 0,
                     achievement=_("for outstanding achievements in the emulation movement of %(year)s",
                                   year=n.round.year))
        for k, n in enumerate(rows)
    ]
    decision.sessions = [DecisionSession(session_id=s.id) for s in sessions]
    db.session.add(decision)
    db.session.flush()
    return decision


def locked_draft(decision_id: int) -> Decision:
    """Lock a decision for a change and refuse unless it is still a draft (an issued decision is append-only)."""
    decision = lock(Decision, decision_id)
    if decision is None:
        raise Refused(404, _("Unknown decision."))
    if decision.state != "draft":
        raise Refused(409, _("Decision %(number)s is issued and can no longer be changed; issue a new decision "
                             "that amends it.", number=decision.number))
    return decision


def next_number(year: int) -> int:
    """Take the year's counter under its row lock and return the next number (gapless: it commits with the issue)."""
    counter = lock_or_create(DecisionCounter, {"year": year}, last=0)
    counter.last += 1
    return counter.last


def issue_blocker(decision: Decision, lines: Sequence[Any] | None = None) -> str | None:
    """Why a draft cannot be issued yet (None when it can): shown beside the disabled button, and refused."""
    if not (decision.lines if lines is None else lines):
        return _("A decision needs at least one awardee in Article 1.")
    if not decision.signer_name.strip():
        return _("Write the name of the signer before issuing.")
    return None


def issue_decision(decision_id: int, user_id: int | None) -> Decision:
    """Issue a draft: lock it, number it (gapless per year), record the achievements, notify the units."""
    decision = locked_draft(decision_id)
    problem = issue_blocker(decision)
    if problem:
        raise Refused(409 if not decision.lines else INVALID_FORM, problem)
    year = decision.decision_date.year
    seq = next_number(year)
    decision.year, decision.seq = year, seq
    decision.number = f"{seq:02d}/{get_plugin_config('AWARDS_DECISION_SUFFIX')}"
    decision.state, decision.issued_at, decision.issued_by_id = "issued", utcnow(), user_id
    for line in decision.lines:
        add_achievement(kind=line.kind, holder=line.nominee, position_text=line.position_text, unit_id=line.unit_id,
                        year=_line_year(line, year), award_type_id=line.award_type_id, title=line.award_name,
                        decision_number=decision.number, decision_date=decision.decision_date,
                        decision_id=decision.id, source="decision")
    return decision


def _line_year(line: DecisionLine, default: int) -> int:
    """The year an award is for: the nomination round's year (a 2025 title decided in January 2026 is 2025's)."""
    if line.nomination_id is not None:
        nom = db.session.get(Nomination, line.nomination_id)
        if nom is not None:
            return nom.round.year
    return default


def notify_decision(decision: Decision, link: str) -> int:
    """Tell each awardee's unit about the issued decision; return the number of notices."""
    sent = 0
    for unit_id in sorted({line.unit_id for line in decision.lines if line.unit_id}):
        names = [line.nominee for line in decision.lines if line.unit_id == unit_id]
        sent += notify_unit(unit_id, _("Decision %(number)s of %(date)s awards: %(names)s", number=decision.number,
                                       date=format_date(decision.decision_date), names="; ".join(names)[:400]), link,
                            kind=DECISION_NOTICE)
    return sent


def amend_decision(decision_id: int) -> Decision:
    """A new draft that amends an issued decision: same texts and list, to be corrected, then issued itself."""
    original = db.session.get(Decision, decision_id)
    if original is None:
        raise Refused(404, _("Unknown decision."))
    if original.state != "issued":
        raise Refused(409, _("Only an issued decision can be amended; change the draft itself."))
    new = Decision(amends_id=original.id, decision_date=original.decision_date,
                   subject=_("Amending Decision %(number)s: %(subject)s", number=original.number,
                             subject=original.subject)[:300])
    for attr in ("signer_title", "signer_name", "proposal", "article2", "article3", "recipients", "public",
                 "submission_text"):
        setattr(new, attr, getattr(original, attr))
    new.basis = "\n".join([*text_lines(original.basis), _("Decision %(number)s of %(date)s of the Chairman of the "
                                                       "district People's Committee;", number=original.number,
                                                       date=format_date(original.decision_date))])
    new.lines = [DecisionLine(**{c: getattr(line, c) for c in ("position", "nomination_id", "award_type_id",
                                                               "award_name", "kind", "nominee", "position_text",
                                                               "unit_id", "unit_name", "bonus", "achievement")})
                 for line in original.lines]
    new.sessions = [DecisionSession(session_id=s.session_id) for s in original.sessions]
    db.session.add(new)
    db.session.flush()
    return new


def amended_by(decision_id: int) -> list[Decision]:
    return list(db.session.scalars(select(Decision).where(Decision.amends_id == decision_id).order_by(Decision.id)))


def shown_lines(decision_id: int) -> list[Any]:
    """Article 1's lines as plain rows, in order, for the pages that only show them (the same attribute names as a
    DecisionLine: two hundred ORM objects cost more than the rest of the page)."""
    line = DecisionLine
    return list(select_rows(
        select(line.id, line.kind, line.nominee, line.position_text, line.unit_id, line.unit_name, line.award_name,
               line.bonus, line.achievement)
        .where(line.decision_id == decision_id).order_by(line.position, line.id)))


def grouped_lines(decision: Decision, lines: Sequence[Any] | None = None) -> list[tuple[str, list[Any]]]:
    """Điều 1's list by nominee kind: collectives, individuals, households (only kinds present); ``lines``:
    shown_lines() where the page only shows them."""
    lines = decision.lines if lines is None else lines
    return [(str(labels.KIND_GROUPS[k]), [line for line in lines if line.kind == k])
            for k in NOMINEE_KINDS if any(line.kind == k for line in lines)]


def totals(decision: Decision, lines: Sequence[Any] | None = None) -> dict[str, int]:
    lines = decision.lines if lines is None else lines
    counts = {k: sum(1 for line in lines if line.kind == k) for k in NOMINEE_KINDS}
    return {**counts, "bonus": sum(line.bonus for line in lines)}


def whom(decision: Decision) -> str:
    """ "3 collectives, 2 individuals and 1 household" (kinds without awardees left out)."""
    t = totals(decision)
    forms = {"collective": ngettext("%(num)s collective", "%(num)s collectives", t["collective"]),
             "individual": ngettext("%(num)s individual", "%(num)s individuals", t["individual"]),
             "household": ngettext("%(num)s household", "%(num)s households", t["household"])}
    parts = [forms[k] for k in NOMINEE_KINDS if t[k]]
    if len(parts) < 2:
        return parts[0] if parts else "0"
    return _("%(first)s and %(last)s", first=", ".join(parts[:-1]), last=parts[-1])


def article1_intro(decision: Decision) -> str:
    return _("To award %(whom)s the forms listed below, for their achievements:", whom=whom(decision))


def visible_lines_stmt(unit_clause: Any, public_only: bool = False) -> Any:
    """Lines of issued decisions, newest first; for the units' page (unit scope) or the public page."""
    stmt = (select(DecisionLine, Decision).join(Decision, DecisionLine.decision_id == Decision.id)
            .where(Decision.state == "issued"))
    if public_only:
        stmt = stmt.where(Decision.public.is_(True))
    stmt = stmt.where(unit_clause if unit_clause is not None else false())
    return stmt.order_by(*LINES_ORDER)
