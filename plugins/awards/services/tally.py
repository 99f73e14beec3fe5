"""Closing a session: the tally under each award type's rule, caps, the canonical result and its hash."""
from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select

from portal.toolkit import (
    Issuer, Refused, Unit, _, db, get_plugin_config, issue_number, issuer_of, local_date, utcnow, vi_sort_key,
)

from .. import labels
from ..models import CHOICES, AwardType, Ballot, Nomination, SessionItem, VotingSession
from .rules import reaches
from .voting import lock_session, rewrite_session_rows, voted_user_ids


# --- tally -------------------------------------------------------------------------------------

def _count_items(session: VotingSession, ballots: list[dict[str, str]]) -> dict[int, dict[str, int]]:
    counts = {i.id: dict.fromkeys(CHOICES, 0) for i in session.items}
    for choices in ballots:
        for key, value in choices.items():
            if int(key) in counts and value in CHOICES:
                counts[int(key)][value] += 1
    return counts


def _approved_elsewhere(session: VotingSession, type_id: int) -> int:
    """Nominations of a type already approved in the same round by earlier published sessions."""
    on_this = select(SessionItem.nomination_id).where(SessionItem.session_id == session.id)
    return db.session.scalar(
        select(func.count(Nomination.id)).where(
            Nomination.round_id == session.round_id, Nomination.award_type_id == type_id,
            Nomination.state == "approved", Nomination.id.not_in(on_this),
        )
    ) or 0


def _apply_caps(session: VotingSession, items: list[dict[str, Any]], types: dict[int, AwardType]) -> None:
    """Rank the passing nominees of capped award types by agree votes; those beyond the cap fail."""
    for type_id, t in types.items():
        if t.cap_percent is None or t.cap_of_id is None:
            continue
        base = _approved_elsewhere(session, t.cap_of_id) + sum(
            1 for i in items if i["award_type"] == t.cap_of_id and i["verdict"] == "approved"
        )
        limit = base * t.cap_percent // 100
        passing = sorted((i for i in items if i["award_type"] == type_id and i["verdict"] == "approved"),
                         key=lambda i: -i["agree"])
        for i in (i for i in items if i["award_type"] == type_id):
            i["cap_limit"] = limit
        for i in passing:
            tied = sum(1 for j in passing if j["agree"] == i["agree"])
            before = sum(1 for j in passing if j["agree"] > i["agree"])
            if before + tied <= limit:
                continue
            i["verdict"] = "not_approved"
            i["reason"] = "cap_tie" if before < limit else "cap"


def tally(session: VotingSession) -> dict[str, Any]:
    """Count a session's ballots and decide each nominee under its award type's rule (exact fractions).

    Returns the canonical result (plain JSON data) that the minutes print and hash.
    """
    ballots = list(db.session.scalars(select(Ballot.choices).where(Ballot.session_id == session.id)))
    voted = voted_user_ids(session.id)
    members = len(session.roll)
    written = sum(1 for w in voted.values() if w)
    present = sum(1 for r in session.roll if r.present or voted.get(r.user_id) is False)
    invalid_ballots = sum(1 for b in ballots if not b or "invalid" in b.values())
    counts = _count_items(session, ballots)
    types: dict[int, AwardType] = {}
    items: list[dict[str, Any]] = []
    for item in session.items:
        nom = item.nomination
        t = nom.award_type
        types[t.id] = t
        c = counts[item.id]
        returned = sum(c.values())
        valid = returned - c["invalid"]
        taking_part = present + (written if t.written_ballots else 0)
        denominator = {"members": members, "present": taking_part, "returned": returned, "valid": valid}[t.denominator]
        quorum_met = reaches(present, members, t.quorum_num, t.quorum_den)
        passes = reaches(c["agree"], denominator, t.threshold_num, t.threshold_den, t.strictly_more)
        items.append({
            "item": item.id, "nomination": nom.id, "nominee": nom.nominee, "kind": nom.kind, "unit": nom.unit.name,
            "award_type": t.id, "award": t.name,
            "agree": c["agree"], "disagree": c["disagree"], "abstain": c["abstain"], "invalid": c["invalid"],
            "returned": returned, "valid": valid, "members": members, "present": present,
            "denominator": denominator, "denominator_kind": t.denominator,
            "threshold": [t.threshold_num, t.threshold_den], "strictly_more": t.strictly_more,
            "quorum": [t.quorum_num, t.quorum_den], "quorum_met": quorum_met, "passes_threshold": passes,
            "verdict": "approved" if quorum_met and passes else "not_approved",
            "reason": None if quorum_met and passes else ("quorum" if not quorum_met else "threshold"),
            "cap_limit": None,
        })
    _apply_caps(session, items, types)
    return {
        "session": session.id, "title": session.title, "number": session.number,
        "meeting_date": session.meeting_date.isoformat(),
        "members": members, "present": present, "written": written,
        "issued": present + written, "returned": len(ballots),
        "valid": len(ballots) - invalid_ballots, "invalid": invalid_ballots,
        "items": items,
    }


def canonical_sha256(result: Mapping[str, Any]) -> str:
    """SHA-256 of the canonical JSON of a result (sorted keys, no spaces, UTF-8)."""
    text = json.dumps(result, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def minutes_issuer(session: VotingSession) -> Issuer:
    """The emulation council of the committee that meets (from the directory), else the configured bodies."""
    name = str(_("Emulation and Commendation Council")).upper()
    unit = db.session.get(Unit, session.council_unit_id) if session.council_unit_id else None
    if unit is not None:
        committee = issuer_of(unit)
        return Issuer(key=f"awards:{committee.key}", name=name, superior=committee.name, place=committee.place,
                      abbreviation="HĐTĐKT", unit_id=unit.id)
    return Issuer(key="awards:config", name=name, superior=str(get_plugin_config("PORTAL_ISSUING_BODY", "")).upper() or None,
                  place=str(get_plugin_config("PORTAL_PLACE", "Tam Đường")), abbreviation="HĐTĐKT")


def close_session(session_id: int) -> VotingSession:
    """Close voting (waiting for ballots in flight), tally and store the canonical result with its hash."""
    lock_session(session_id)  # waits for ballots in flight; later ballots then find the session closed
    session = db.session.get(VotingSession, session_id)  # refreshed by the lock; ORM changes: audited
    if session is None or session.state != "open":
        db.session.rollback()
        raise Refused(409, _("Only an open session can be closed."))
    session.state, session.closed_at = "closed", utcnow()
    if not session.number:  # the minutes take the council's next number for the year
        session.number = issue_number("awards_session", session.id, minutes_issuer(session), "BB", local_date(utcnow()))
    db.session.flush()
    rewrite_session_rows(session_id)  # also orders ballots written by bulk loads (bench, imports)
    result = tally(session)
    session.result = result
    session.result_sha256 = canonical_sha256(result)
    db.session.commit()
    forget_write_history()
    return session


def forget_write_history() -> None:
    """After closing: on SQLite, fold the write-ahead log into the database and truncate it, so the casting order
    of the ballots cannot be replayed from a copy of the files (secure_delete zeroes freed pages). PostgreSQL
    keeps old row versions until VACUUM: see README.md (threat model) for what the operator does."""
    if db.session.get_bind().dialect.name != "sqlite":
        return
    with db.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")


def publish_session(session: VotingSession) -> None:
    """Publish a closed session's results and record each nomination's outcome."""
    lock_session(session.id)
    if session.state != "closed" or session.result is None:
        raise Refused(409, _("Only a closed session can be published."))
    verdicts = {i["nomination"]: i["verdict"] for i in session.result["items"]}
    for item in session.items:
        item.nomination.state = verdicts.get(item.nomination_id, "not_approved")
    session.state = "published"
    session.published_at = utcnow()


def published_ballots(session_id: int) -> list[tuple[str, dict[str, str]]]:
    """The ballots of a closed session as (public receipt number, choices), sorted by receipt number."""
    rows = db.session.execute(
        select(Ballot.receipt_no, Ballot.choices).where(Ballot.session_id == session_id).order_by(Ballot.receipt_no)
    )
    return [(no, choices) for no, choices in rows]


@dataclass(frozen=True)
class BallotTable:
    """The published ballot list as text: the nominees in ballot order and one row per ballot."""

    nominees: list[str]
    rows: list[tuple[str, list[str]]]  # (receipt number "ABCD-EFGH", one answer per nominee in ballot order)


def ballot_table(session: VotingSession) -> BallotTable:
    """The published ballot list, sorted by receipt number.

    Labels are translated once per answer, not once per cell (60 ballots × 40 nominees = 2,400 cells); the
    nominees are read as two columns, not as ORM items with their nomination, award type, unit and round."""
    words = {code: str(label) for code, label in labels.CHOICES.items()}
    items = db.session.execute(
        select(SessionItem.id, Nomination.nominee).join(Nomination, Nomination.id == SessionItem.nomination_id)
        .where(SessionItem.session_id == session.id).order_by(SessionItem.position, SessionItem.id)
    ).all()
    keys = [str(item_id) for item_id, _nominee in items]
    return BallotTable([nominee for _id, nominee in items],
                       [(f"{no[:4]}-{no[4:]}", [words.get(choices.get(k, ""), "—") for k in keys])
                        for no, choices in published_ballots(session.id)])


def result_verified(session: VotingSession) -> bool:
    return session.result is not None and canonical_sha256(session.result) == session.result_sha256


@dataclass(frozen=True)
class ApprovedRow:
    award: str
    kind: str
    nominee: str
    position: str
    unit: str
    agree: int
    denominator: int
    session: str


def approved_rows(round_id: int) -> list[ApprovedRow]:
    """Approved nominees of a round's published sessions, for the decision (Excel)."""
    sessions = db.session.scalars(
        select(VotingSession).where(VotingSession.round_id == round_id, VotingSession.state == "published")
    )
    noms = {n.id: n for n in db.session.scalars(select(Nomination).where(Nomination.round_id == round_id))}
    rows = []
    for s in sessions:
        for i in s.result["items"]:
            if i["verdict"] == "approved":
                n = noms[i["nomination"]]
                rows.append(ApprovedRow(i["award"], str(labels.KINDS[n.kind]), n.nominee, n.position, n.unit.name,
                                        i["agree"], i["denominator"], s.number or s.title))
    return sorted(rows, key=lambda r: (vi_sort_key(r.award), vi_sort_key(r.unit), vi_sort_key(r.nominee)))
