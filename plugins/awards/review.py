"""The awards' section of the movement review: nominations and results, and who was awarded in the years."""
from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from portal.plugin import ReviewContext, ReviewSection, ReviewTable
from portal.toolkit import _, db, vi_sort_key

from .models import Nomination, NominationRound, VotingSession
from .labels import KINDS as KIND_LABELS, NOMINATION_STATES as NOMINATION_STATE_LABELS


def review_sections(ctx: ReviewContext) -> list[ReviewSection]:
    rounds = {r.id: r for r in db.session.scalars(
        select(NominationRound).where(NominationRound.year >= ctx.year_from, NominationRound.year <= ctx.year_to)
    )}
    if not rounds:
        return []
    units = set(ctx.unit_ids)
    counts: dict[tuple[int, str], int] = {}
    for round_id, state, n in db.session.execute(
        select(Nomination.round_id, Nomination.state, func.count(Nomination.id))
        .where(Nomination.round_id.in_(list(rounds)), Nomination.unit_id.in_(list(units) or [0]))
        .group_by(Nomination.round_id, Nomination.state)
    ):
        counts[(round_id, state)] = int(n)
    states = list(NOMINATION_STATE_LABELS)
    by_round: list[list[Any]] = []
    for r in sorted(rounds.values(), key=lambda r: (r.year, r.id)):
        row = [counts.get((r.id, s), 0) for s in states]
        by_round.append([r.name, str(r.year), sum(row), *row])
    # Who was awarded: approved items of published sessions (the result stored at closing, with its SHA-256).
    noms = {n.id: n for n in db.session.scalars(
        select(Nomination).where(Nomination.round_id.in_(list(rounds)), Nomination.unit_id.in_(list(units) or [0])))}
    awarded: list[list[Any]] = []
    for s in db.session.scalars(select(VotingSession).where(VotingSession.round_id.in_(list(rounds)),
                                                            VotingSession.state == "published")):
        for item in (s.result or {}).get("items", []):
            n = noms.get(item.get("nomination"))
            if n is not None and item.get("verdict") == "approved":
                awarded.append([str(rounds[n.round_id].year), item.get("award", ""), str(KIND_LABELS.get(n.kind, n.kind)),
                                n.nominee, n.unit.name, s.number or s.title])
    awarded.sort(key=lambda r: (r[0], vi_sort_key(r[1]), vi_sort_key(r[4]), vi_sort_key(r[3])))
    total = sum(r[2] for r in by_round)
    collectives = sum(1 for r in awarded if r[2] == str(KIND_LABELS["collective"]))
    text = _("In %(y1)s–%(y2)s the units proposed %(total)s nominations; the council approved %(n)s awards "
             "(%(collectives)s collectives, %(others)s individuals and households).", y1=ctx.year_from,
             y2=ctx.year_to, total=total, n=len(awarded), collectives=collectives, others=len(awarded) - collectives)
    return [ReviewSection(
        key="awards", title=_("Emulation and commendation"), order=50, narrative=text, highlights=[text],
        tables=[
            ReviewTable([_("Round"), _("Year"), _("Nominations"), *[str(NOMINATION_STATE_LABELS[s]) for s in states]],
                        by_round, _("Nominations and results per round")),
            ReviewTable([_("Year"), _("Award"), _("Nominee kind"), _("Nominee"), _("Unit"), _("Vote-count minutes")],
                        awarded, _("Collectives, individuals and households awarded")),
        ],
    )]
