"""Sessions and secret ballots: the council, the frozen roll, casting and replacing a ballot, presence."""
from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, OperationalError

from portal.toolkit import INVALID_FORM, Refused, _, db, lock, utcnow, vi_sort_key

from ..models import Ballot, CouncilMember, Nomination, Participation, RollEntry, SessionItem, VotingSession

FUNCTION_ORDER = {"chair": 0, "vice_chair": 1, "secretary": 2, "member": 3}

# Receipt codes: 8 public characters (printed in the ballot list) + 16 secret ones; no look-alike letters.
_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


# --- council and sessions ----------------------------------------------------------------------

def council() -> list[CouncilMember]:
    members = db.session.scalars(select(CouncilMember).where(CouncilMember.active.is_(True)))
    return sorted(members, key=lambda m: (FUNCTION_ORDER.get(m.function, 9), vi_sort_key(m.user.full_name)))


def open_session(session: VotingSession) -> None:
    """Freeze the roll from the active council and open voting. Raise Refused when it cannot open."""
    lock_session(session.id)  # a second "open" waits, then sees the session open (no second roll, no notices)
    if session.state != "draft":
        raise Refused(409, _("Only a draft session can be opened."))
    if not session.items:
        raise Refused(409, _("Put at least one nomination on the session before opening it."))
    members = [m for m in council() if m.user.active]
    if not members:
        raise Refused(409, _("The council has no members."))
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


@dataclass(frozen=True)
class Turnout:
    """Who has voted so far, in counts (never how): shown in words, not by symbols."""

    members: int
    online: int
    written: int

    @property
    def voted(self) -> int:
        return self.online + self.written

    @property
    def missing(self) -> int:
        return self.members - self.voted


def turnout(session: VotingSession, voted: Mapping[int, bool]) -> Turnout:
    on_roll = {r.user_id for r in session.roll}
    written = sum(1 for uid, w in voted.items() if w and uid in on_roll)
    online = sum(1 for uid, w in voted.items() if not w and uid in on_roll)
    return Turnout(len(on_roll), online, written)


def written_blocker(session: VotingSession, absent: Sequence[RollEntry]) -> str | None:
    """Why no written ballot can be entered now (None when one can)."""
    if session.state != "open":
        return _("Voting in this session is closed.")
    if not any(i.nomination.award_type.written_ballots for i in session.items):
        return _("No award on this session lets absent members vote in writing.")
    if not absent:
        return _("Every member on the roll is present or has already voted, so nobody is left to vote in writing.")
    return None


def parse_choices(session: VotingSession, form: Mapping[str, str], written: bool = False) -> dict[str, str]:
    """Read ``item-<id>`` fields into {item id: choice}; refuse unknown items and tampered values with 400, a missing answer with 422.

    An online ballot must answer every item. A written ballot answers only the items whose award type lets
    absent members vote in writing, and may mark an item "invalid" (a spoiled paper ballot).
    """
    items = {str(i.id): i for i in session.items}
    if written:
        items = {k: i for k, i in items.items() if i.nomination.award_type.written_ballots}
    sent = {k[5:]: v for k, v in form.items() if k.startswith("item-")}
    unknown = set(sent) - set(items)
    if unknown:
        raise Refused(400, _("The ballot names a nominee that is not on this session."))
    choices: dict[str, str] = {}
    for key, item in items.items():
        value = sent.get(key)
        if not value:
            raise Refused(INVALID_FORM, _("Choose an answer for every nominee."))
        allowed = {"agree", "disagree"}
        if item.nomination.award_type.allow_abstain:
            allowed.add("abstain")
        if written:
            allowed.add("invalid")
        if value not in allowed:
            raise Refused(400, _("The ballot contains a choice that is not allowed."))
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
    key = str(current_app.config["SECRET_KEY"]).encode()
    return hmac.new(key, f"awards-voter:{session_id}:{user_id}".encode(), hashlib.sha256).hexdigest()


def receipt_hash(session_id: int, code: str, user_id: int) -> str:
    """The stored hash of a receipt: it covers the voter's secret too, so a receipt only works for the member it
    was given to (another member posting it matches no ballot), while the ballot row still names nobody."""
    secret = _voter_secret(session_id, user_id)
    return hashlib.sha256(f"awards:{session_id}:{secret}:{normalise_receipt(code)}".encode()).hexdigest()


def lock_session(session_id: int) -> str | None:
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
    rows of the session are rewritten (see ``rewrite_session_rows``). Commits or rolls back; raises
    Refused with a 4xx/503 status.
    """
    already = "already"
    try:
        if lock_session(session_id) != "open":
            raise _Leave(409, "closed")
        if written and present_on_roll(session_id, user_id):  # marked present meanwhile: votes in person
            raise _Leave(409, "present")
        if receipt:
            code = normalise_receipt(receipt)
            part = db.session.get(Participation, (session_id, user_id))
            if part is None or part.written != written:
                raise _Leave(403, "receipt")
            if not rewrite_session_rows(session_id, replace=(receipt_hash(session_id, code, user_id), choices)):
                raise _Leave(403, "receipt")
        else:
            db.session.add(Participation(session_id=session_id, user_id=user_id, written=written))
            db.session.flush()  # a second first ballot of this member fails here
            code = _new_receipt()
            db.session.add(Ballot(id=secrets.token_hex(16), session_id=session_id, receipt_no=code[:8],
                                  receipt_hash=receipt_hash(session_id, code, user_id), choices=choices))
            db.session.flush()
            rewrite_session_rows(session_id)
        db.session.commit()
        return code
    except _Leave as exc:
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
        "present": _("This member is present and votes in person."),
    }
    raise Refused(status, messages[reason])


class _Leave(Exception):
    """Internal: leave the ballot transaction with (status, reason)."""


def set_presence(session: VotingSession, entry_id: int, present: bool) -> RollEntry:
    """Mark a member on the roll present or absent; return the entry.

    Under the session's lock, like the ballots and the closing, and on the entry as committed: the roll a view read
    before the lock may be stale (another secretary's tick, a written ballot just entered), and a change computed
    from it would be lost or recorded twice."""
    lock_session(session.id)
    if session.state != "open":
        raise Refused(409, _("Presence can only be recorded while voting is open."))
    entry = db.session.scalars(select(RollEntry).where(RollEntry.id == entry_id, RollEntry.session_id == session.id)
                               .execution_options(populate_existing=True)).first()
    if entry is None:
        raise Refused(404, _("This member is not on the roll of this session."))
    if present and voted_user_ids(session.id).get(entry.user_id):
        raise Refused(409, _("A written ballot was entered for this member, who is therefore absent."))
    entry.present = present
    return entry


def present_on_roll(session_id: int, user_id: int) -> bool:
    """Whether the member is marked present, as committed (call it under the session lock)."""
    return bool(db.session.scalar(select(RollEntry.present).where(RollEntry.session_id == session_id,
                                                                   RollEntry.user_id == user_id)))


def check_written_allowed(session: VotingSession, entry: RollEntry) -> None:
    """Raise Refused unless a written ballot may be entered for this absent member now (the early answer, before
    the ballot form is read; ``cast_ballot`` checks presence again under the session lock)."""
    if session.state != "open":
        raise Refused(409, _("Voting in this session is closed."))
    if not any(i.nomination.award_type.written_ballots for i in session.items):
        raise Refused(409, _("No award on this session lets absent members vote in writing."))
    if entry.present:
        raise Refused(409, _("This member is present and votes in person."))
    if entry.user_id in voted_user_ids(session.id):
        raise Refused(409, _("This member has already voted."))


def rewrite_session_rows(session_id: int, replace: tuple[str, dict[str, str]] | None = None) -> bool:
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


# --- nominations -------------------------------------------------------------------------------

def add_items(session: VotingSession, nominations: Iterable[Nomination]) -> int:
    """Put eligible nominations of the session's round on a draft session; return how many were added."""
    lock_session(session.id)
    if session.state != "draft":
        raise Refused(409, _("Nominations can only be added while the session is a draft."))
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
