"""Award logic without a request: decision rules with exact fractions, secret ballots, tally, minutes hash."""
from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError, OperationalError

from portal.toolkit import (
    Issuer,
    Unit,
    _,
    _l,
    db,
    format_number,
    format_percent,
    get_plugin_config,
    issue_number,
    issuer_of,
    local_date,
    lock,
    utcnow,
    vi_sort_key,
)

from .models import (
    CHOICES,
    AwardType,
    Ballot,
    CouncilMember,
    Nomination,
    Participation,
    RollEntry,
    SessionItem,
    VotingSession,
)

KIND_LABELS = {"collective": _l("Collective"), "individual": _l("Individual"), "household": _l("Household")}
FUNCTION_LABELS = {
    "chair": _l("Chair"), "vice_chair": _l("Vice-chair"), "secretary": _l("Secretary"), "member": _l("Member"),
}
DENOMINATOR_LABELS = {
    "members": _l("all council members"),
    "present": _l("members taking part"),
    "returned": _l("ballots returned"),
    "valid": _l("valid ballots"),
}
CHOICE_LABELS = {
    "agree": _l("Agree"), "disagree": _l("Disagree"), "abstain": _l("No opinion"), "invalid": _l("Invalid"),
}
SESSION_STATE_LABELS = {
    "draft": _l("Draft"), "open": _l("Voting open"), "closed": _l("Closed (confidential)"), "published": _l("Published"),
}
NOMINATION_STATE_LABELS = {
    "submitted": _l("Awaiting review"), "eligible": _l("Eligible"), "ineligible": _l("Not eligible"),
    "approved": _l("Approved"), "not_approved": _l("Not approved"),
}
FUNCTION_ORDER = {"chair": 0, "vice_chair": 1, "secretary": 2, "member": 3}

# Receipt codes: 8 public characters (printed in the ballot list) + 16 secret ones; no look-alike letters.
_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


class BallotError(Exception):
    """A ballot was refused; ``status`` is the HTTP status and ``message`` a translated text."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


# --- exact fractions ---------------------------------------------------------------------------

def reaches(part: int, whole: int, num: int, den: int, strictly: bool = False) -> bool:
    """Whether part/whole reaches num/den (``>`` when ``strictly``), in integer arithmetic only."""
    if whole <= 0:
        return False
    left, right = part * den, num * whole
    return left > right if strictly else left >= right


def fraction_label(num: int, den: int) -> str:
    """Show a fraction as a percentage: exact ones as "90 %", others with one decimal and the fraction."""
    if (num * 100) % den == 0:
        return f"{format_number(num * 100 // den)} %"
    return f"{format_percent(num, den)} ({num}/{den})"


def rule_text(t: AwardType) -> str:
    """Describe the rule in words: "at least 90 % of all council members; quorum 66,7 % (2/3) of members"."""
    values = {"threshold": fraction_label(t.threshold_num, t.threshold_den), "basis": DENOMINATOR_LABELS[t.denominator]}
    parts = [
        _("more than %(threshold)s of %(basis)s", **values) if t.strictly_more
        else _("at least %(threshold)s of %(basis)s", **values),
        _("quorum %(quorum)s of members", quorum=fraction_label(t.quorum_num, t.quorum_den)),
    ]
    if t.written_ballots:
        parts.append(_("absent members vote in writing"))
    if t.cap_percent is not None and t.cap_of is not None:
        parts.append(_("at most %(pct)s %% of those approved for %(other)s", pct=t.cap_percent, other=t.cap_of.name))
    return "; ".join(parts)


def explain(item: Mapping[str, Any]) -> str:
    """The arithmetic behind one verdict: "8/9 all council members = 88,9 % < 90 % → Not approved"."""
    verdict = _("Approved") if item["verdict"] == "approved" else _("Not approved")
    if not item["quorum_met"]:
        return _("Quorum not met: %(present)s/%(members)s members present, %(quorum)s required → %(verdict)s",
                 present=item["present"], members=item["members"],
                 quorum=fraction_label(*item["quorum"]), verdict=verdict)
    num, den = item["threshold"]
    ok = item["passes_threshold"]
    strict = item["strictly_more"]
    op = (">" if strict else "≥") if ok else ("≤" if strict else "<")
    text = _("%(agree)s/%(total)s %(basis)s = %(pct)s %(op)s %(threshold)s → %(verdict)s",
             agree=item["agree"], total=item["denominator"], basis=DENOMINATOR_LABELS[item["denominator_kind"]],
             pct=format_percent(item["agree"], item["denominator"]), op=op, threshold=fraction_label(num, den),
             verdict=verdict)
    if item["reason"] == "cap":
        text += " " + _("(over the cap of %(limit)s)", limit=item["cap_limit"])
    elif item["reason"] == "cap_tie":
        text += " " + _("(tied at the cap of %(limit)s: the council decides)", limit=item["cap_limit"])
    return text


# --- council and sessions ----------------------------------------------------------------------

def council() -> list[CouncilMember]:
    members = db.session.scalars(select(CouncilMember).where(CouncilMember.active.is_(True)))
    return sorted(members, key=lambda m: (FUNCTION_ORDER.get(m.function, 9), vi_sort_key(m.user.full_name)))


def open_session(session: VotingSession) -> None:
    """Freeze the roll from the active council and open voting. Raise BallotError when it cannot open."""
    _lock_session(session.id)  # a second "open" waits, then sees the session open (no second roll, no notices)
    if session.state != "draft":
        raise BallotError(409, _("Only a draft session can be opened."))
    if not session.items:
        raise BallotError(409, _("Put at least one nomination on the session before opening it."))
    members = [m for m in council() if m.user.active]
    if not members:
        raise BallotError(409, _("The council has no members."))
    session.roll = [
        RollEntry(user_id=m.user_id, full_name=m.user.full_name, function=m.function, position=i)
        for i, m in enumerate(members)
    ]
    session.state = "open"
    session.opened_at = utcnow()


def roll_entry(session: VotingSession, user_id: int) -> RollEntry | None:
    return next((r for r in session.roll if r.user_id == user_id), None)


def is_chair(session: VotingSession, user_id: int) -> bool:
    entry = roll_entry(session, user_id)
    return entry is not None and entry.function == "chair"


def voted_user_ids(session_id: int) -> dict[int, bool]:
    """Members who have voted in a session: user id → whether by written ballot. Never how."""
    rows = db.session.execute(
        select(Participation.user_id, Participation.written).where(Participation.session_id == session_id)
    )
    return {uid: written for uid, written in rows}


def parse_choices(session: VotingSession, form: Mapping[str, str], written: bool = False) -> dict[str, str]:
    """Read ``item-<id>`` fields into {item id: choice}; refuse unknown items and tampered values with 400.

    An online ballot must answer every item. A written ballot answers only the items whose award type lets
    absent members vote in writing, and may mark an item "invalid" (a spoiled paper ballot).
    """
    items = {str(i.id): i for i in session.items}
    if written:
        items = {k: i for k, i in items.items() if i.nomination.award_type.written_ballots}
    sent = {k[5:]: v for k, v in form.items() if k.startswith("item-")}
    unknown = set(sent) - set(items)
    if unknown:
        raise BallotError(400, _("The ballot names a nominee that is not on this session."))
    choices: dict[str, str] = {}
    for key, item in items.items():
        value = sent.get(key)
        if not value:
            raise BallotError(400, _("Choose an answer for every nominee."))
        allowed = {"agree", "disagree"}
        if item.nomination.award_type.allow_abstain:
            allowed.add("abstain")
        if written:
            allowed.add("invalid")
        if value not in allowed:
            raise BallotError(400, _("The ballot contains a choice that is not allowed."))
        choices[key] = value
    return choices


def _new_receipt() -> str:
    return "".join(secrets.choice(_ALPHABET) for _i in range(24))


def normalise_receipt(code: str | None) -> str:
    return "".join(ch for ch in (code or "").upper() if ch.isalnum())


def format_receipt(code: str) -> str:
    """Group a receipt code for reading: ABCD-EFGH-JKLM-NPQR-STUV-WXYZ (the first 8 are public)."""
    return "-".join(code[i:i + 4] for i in range(0, len(code), 4))


def _voter_secret(session_id: int, user_id: int) -> str:
    """A per-voter secret that is never stored: derived from the app's secret key, the session and the voter."""
    from flask import current_app

    key = str(current_app.config["SECRET_KEY"]).encode()
    return hmac.new(key, f"awards-voter:{session_id}:{user_id}".encode(), hashlib.sha256).hexdigest()


def receipt_hash(session_id: int, code: str, user_id: int) -> str:
    """The stored hash of a receipt: it covers the voter's secret too, so a receipt only works for the member it
    was given to (another member posting it matches no ballot), while the ballot row still names nobody."""
    secret = _voter_secret(session_id, user_id)
    return hashlib.sha256(f"awards:{session_id}:{secret}:{normalise_receipt(code)}".encode()).hexdigest()


def _lock_session(session_id: int) -> str | None:
    """Take the session's write lock first thing in a ballot or closing transaction; return its state.

    Through the core's row lock, so the ballots of one session and its closing run one after another and a
    transaction that waited sees the state the previous one committed."""
    session = lock(VotingSession, session_id)
    return session.state if session is not None else None


def cast_ballot(
    session_id: int, user_id: int, choices: dict[str, str], receipt: str | None = None, written: bool = False
) -> str:
    """Store a member's ballot (or replace it when ``receipt`` is given) and return the receipt code.

    One transaction: the session row is locked (ballots of a session and its closing are serialised), the
    participation row is inserted (its primary key admits one per member, so a second first ballot fails),
    the ballot is written with a random id and no trace of the voter, and then all ballots and participation
    rows of the session are rewritten (see ``_rewrite_session_rows``). Commits or rolls back; raises
    BallotError with a 4xx/503 status.
    """
    already = "already"
    try:
        if _lock_session(session_id) != "open":
            raise _Refused(409, "closed")
        if receipt:
            code = normalise_receipt(receipt)
            part = db.session.get(Participation, (session_id, user_id))
            if part is None or part.written != written:
                raise _Refused(403, "receipt")
            if not _rewrite_session_rows(session_id, replace=(receipt_hash(session_id, code, user_id), choices)):
                raise _Refused(403, "receipt")
        else:
            db.session.add(Participation(session_id=session_id, user_id=user_id, written=written))
            db.session.flush()  # a second first ballot of this member fails here
            code = _new_receipt()
            db.session.add(Ballot(id=secrets.token_hex(16), session_id=session_id, receipt_no=code[:8],
                                  receipt_hash=receipt_hash(session_id, code, user_id), choices=choices))
            db.session.flush()
            _rewrite_session_rows(session_id)
        db.session.commit()
        return code
    except _Refused as exc:
        status, reason = exc.args
    except IntegrityError:
        status, reason = 409, already
    except OperationalError:
        status, reason = 503, "busy"
    db.session.rollback()  # before anything else touches the session (translations read the user's locale)
    messages = {
        "closed": _("Voting in this session is closed."),
        "receipt": _("This receipt code does not match a ballot of yours."),
        already: _("You have already voted. Enter your receipt code to change your ballot."),
        "busy": _("The server is busy. Please send your ballot again."),
    }
    raise BallotError(status, messages[reason])


class _Refused(Exception):
    """Internal: leave the ballot transaction with (status, reason)."""


def set_presence(session: VotingSession, entry: RollEntry, present: bool) -> None:
    _lock_session(session.id)
    if session.state != "open":
        raise BallotError(409, _("Presence can only be recorded while voting is open."))
    if present and voted_user_ids(session.id).get(entry.user_id):
        raise BallotError(409, _("A written ballot was entered for this member, who is therefore absent."))
    entry.present = present


def check_written_allowed(session: VotingSession, entry: RollEntry) -> None:
    """Raise BallotError unless a written ballot may be entered for this absent member now."""
    if session.state != "open":
        raise BallotError(409, _("Voting in this session is closed."))
    if not any(i.nomination.award_type.written_ballots for i in session.items):
        raise BallotError(409, _("No award on this session lets absent members vote in writing."))
    if entry.present:
        raise BallotError(409, _("This member is present and votes in person."))
    if entry.user_id in voted_user_ids(session.id):
        raise BallotError(409, _("This member has already voted."))


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


def _rewrite_session_rows(session_id: int, replace: tuple[str, dict[str, str]] | None = None) -> bool:
    """Delete and re-insert all ballots of a session sorted by receipt hash and all its participation rows sorted
    by user id; with ``replace`` = (receipt hash, choices), that ballot is re-inserted with the new choices.
    Return whether the ballot to replace was found (True without ``replace``).

    Runs in every ballot transaction (after the session lock) and at closing. Otherwise SQL alone links a
    voter to a ballot: the two rows written by one transaction share PostgreSQL's ``xmin``, and ``ctid`` /
    SQLite's ``rowid`` follow insertion order, i.e. casting order. Afterwards every row of the session carries
    the ``xmin`` of the last ballot transaction and was stored in hash (ballots) or user (participation) order.
    A replacement is not an in-place UPDATE: PostgreSQL would reuse that row version's slot at once, out of
    order. Cost: two statements per table and one row per member. See README.md for what remains.
    """
    found = replace is None
    for table, order in ((Ballot.__table__, "receipt_hash"), (Participation.__table__, "user_id")):
        rows = [dict(r._mapping) for r in db.session.execute(
            select(table).where(table.c.session_id == session_id).order_by(table.c[order])
        )]
        for row in rows:
            if replace is not None and row.get("receipt_hash") == replace[0]:
                row["choices"], found = replace[1], True
        if not found:
            return False
        db.session.execute(table.delete().where(table.c.session_id == session_id))
        if rows:
            db.session.execute(table.insert(), rows)
    return True


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
    _lock_session(session_id)  # waits for ballots in flight; later ballots then find the session closed
    session = db.session.get(VotingSession, session_id)  # refreshed by the lock; ORM changes: audited
    if session is None or session.state != "open":
        db.session.rollback()
        raise BallotError(409, _("Only an open session can be closed."))
    session.state, session.closed_at = "closed", utcnow()
    if not session.number:  # the minutes take the council's next number for the year
        session.number = issue_number("awards_session", session.id, minutes_issuer(session), "BB", local_date(utcnow()))
    db.session.flush()
    _rewrite_session_rows(session_id)  # also orders ballots written by bulk loads (bench, imports)
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
    _lock_session(session.id)
    if session.state != "closed" or session.result is None:
        raise BallotError(409, _("Only a closed session can be published."))
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


def result_verified(session: VotingSession) -> bool:
    return session.result is not None and canonical_sha256(session.result) == session.result_sha256


# --- nominations -------------------------------------------------------------------------------

def add_items(session: VotingSession, nominations: Iterable[Nomination]) -> int:
    """Put eligible nominations of the session's round on a draft session; return how many were added."""
    _lock_session(session.id)
    if session.state != "draft":
        raise BallotError(409, _("Nominations can only be added while the session is a draft."))
    present = {i.nomination_id for i in session.items}
    added = 0
    for nom in sorted(nominations, key=lambda n: n.id):  # one lock order everywhere: no deadlock
        lock(Nomination, nom.id)  # a review racing this sees it scheduled; this sees the review's state
        if nom.id in present or nom.state != "eligible" or nom.round_id != session.round_id:
            continue
        session.items.append(SessionItem(nomination=nom, position=len(session.items)))
        added += 1
    return added


def scheduled_nomination_ids(round_id: int) -> set[int]:
    """Nominations of a round that are already on some session."""
    return set(db.session.scalars(
        select(SessionItem.nomination_id).join(VotingSession).where(VotingSession.round_id == round_id)
    ))


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
                rows.append(ApprovedRow(i["award"], str(KIND_LABELS[n.kind]), n.nominee, n.position, n.unit.name,
                                        i["agree"], i["denominator"], s.number or s.title))
    return sorted(rows, key=lambda r: (vi_sort_key(r.award), vi_sort_key(r.unit), vi_sort_key(r.nominee)))
