"""Read-only rows for the busiest pages (a round's nominations, a session's ballot, roll and turnout).

Built once per request as plain values, with the words translated and the links made once per page, so the
templates do no per-row lookups, translations or ``url_for`` calls (a council has ~60 members, a session ~40
nominees, a round page up to 100 nominations)."""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from portal.toolkit import Unit, _, db, format_percent, url_maker

from .. import labels
from ..models import AwardType, Nomination, RollEntry, SessionItem, VotingSession
from .rules import explain, rule_text

def _words(mapping: Mapping[str, Any]) -> dict[str, str]:
    return {code: str(word) for code, word in mapping.items()}


# --- a round's nominations -----------------------------------------------------------------------

def nomination_columns() -> Any:
    """The select of the round list: only the columns its rows show (no ORM nominations with their joins)."""
    return (select(Nomination.id, Nomination.nominee, Nomination.kind, Nomination.state,
                   AwardType.name.label("award"), Unit.name.label("unit"))
            .join(Unit, Unit.id == Nomination.unit_id).join(AwardType, AwardType.id == Nomination.award_type_id))


_STATE_TAGS = {"eligible": " ok", "approved": " ok", "ineligible": " warn", "not_approved": " warn"}


@dataclass(frozen=True)
class NominationRow:
    url: str
    nominee: str
    kind: str
    award: str
    unit: str
    state: str
    tag: str  # extra class of the state tag ("", " ok", " warn")


def nomination_rows(rows: Iterable[Mapping[str, Any]]) -> list[NominationRow]:
    kinds, states = _words(labels.KINDS), _words(labels.NOMINATION_STATES)
    url = url_maker("awards.nomination_detail", "nomination_id")
    return [NominationRow(url(r["id"]), r["nominee"], kinds[r["kind"]], r["award"], r["unit"],
                          states[r["state"]], _STATE_TAGS.get(r["state"], "")) for r in rows]


# --- a session's ballot ------------------------------------------------------------------------------

@dataclass(frozen=True)
class ItemRow:
    id: int
    nominee: str
    kind: str
    unit: str
    award: str
    url: str  # the nomination's page
    dossier: str  # the nominee's dossier on the ballot
    rule: str
    choices: tuple[tuple[str, str], ...]  # (value, word) a member may choose on the ballot
    written_ballots: bool


def item_rows(session: VotingSession, rules: bool = False) -> list[ItemRow]:
    """The nominees on a session's ballot in ballot order; ``rules``: with each award type's rule in words."""
    got = db.session.execute(
        select(SessionItem.id, SessionItem.nomination_id, Nomination.nominee, Nomination.kind, Unit.name, AwardType)
        .join(Nomination, Nomination.id == SessionItem.nomination_id).join(Unit, Unit.id == Nomination.unit_id)
        .join(AwardType, AwardType.id == Nomination.award_type_id)
        .where(SessionItem.session_id == session.id).order_by(SessionItem.position, SessionItem.id)
    ).all()
    kinds, words = _words(labels.KINDS), _words(labels.CHOICES)
    nomination = url_maker("awards.nomination_detail", "nomination_id")
    dossier = url_maker("awards.ballot_dossier", "item_id", session_id=session.id)
    rule_of: dict[int, str] = {}
    choices_of: dict[bool, tuple[tuple[str, str], ...]] = {
        abstain: tuple((c, words[c]) for c in ("agree", "disagree", "abstain") if c != "abstain" or abstain)
        for abstain in (False, True)
    }
    out = []
    for item_id, nomination_id, nominee, kind, unit, t in got:
        if rules and t.id not in rule_of:
            rule_of[t.id] = rule_text(t)
        out.append(ItemRow(item_id, nominee, kinds[kind], unit, t.name,
                           nomination(nomination_id), dossier(item_id),
                           rule_of.get(t.id, ""), choices_of[bool(t.allow_abstain)], bool(t.written_ballots)))
    return out


# --- the roll: turnout and presence --------------------------------------------------------------

@dataclass(frozen=True)
class RollRow:
    id: int
    name: str
    function: str
    voted: bool | None  # None: not voted; True: in writing; False: online
    present: bool


def roll_rows(session: VotingSession, roll: Iterable[RollEntry], voted: Mapping[int, bool]) -> list[RollRow]:
    """The roll in its frozen order with each member's function in words and whether (never how) they voted."""
    functions = _words(labels.FUNCTIONS)
    return [RollRow(r.id, r.full_name, functions[r.function], voted.get(r.user_id), r.present) for r in roll]


# --- the minutes -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class ResultRow:
    nominee: str
    kind: str
    unit: str
    award: str
    agree: int
    agree_pct: str
    disagree: int
    disagree_pct: str
    abstain: int
    invalid: int
    verdict: str
    explanation: str


def result_rows(result: Mapping[str, Any]) -> list[ResultRow]:
    """The minutes' table from the stored result: words once, each distinct percentage formatted once (a session's
    counts repeat: 40 nominees × 3 percentages are a handful of distinct ratios)."""
    kinds = _words(labels.KINDS)
    verdicts = {True: str(_("Approved")), False: str(_("Not approved"))}
    seen: dict[tuple[int, int], str] = {}

    def percent(part: int, whole: int) -> str:
        if (part, whole) not in seen:
            seen[part, whole] = format_percent(part, whole)
        return seen[part, whole]

    return [ResultRow(i["nominee"], kinds[i["kind"]], i["unit"], i["award"], i["agree"],
                      percent(i["agree"], i["denominator"]), i["disagree"], percent(i["disagree"], i["denominator"]),
                      i["abstain"], i["invalid"], verdicts[i["verdict"] == "approved"], explain(i, percent))
            for i in result["items"]]
