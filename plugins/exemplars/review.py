"""The exemplars' section of the movement review: discovered, fostered and replicated in the period, by field
and by commune (days judged in local time)."""
from __future__ import annotations

from collections import Counter
from typing import Any

from sqlalchemy import select

from portal.plugin import ReviewContext, ReviewSection, ReviewTable
from portal.toolkit import Unit, _, db, local_date, vi_sort_key

from . import labels
from .models import Exemplar, Replication, CycleStep


def _in(ctx: ReviewContext, stamp: Any) -> bool:
    return stamp is not None and ctx.start <= local_date(stamp) <= ctx.end


def review_sections(ctx: ReviewContext) -> list[ReviewSection]:
    units = set(ctx.unit_ids)
    exemplars = {e.id: e for e in db.session.scalars(select(Exemplar).where(Exemplar.unit_id.in_(list(units) or [0])))}
    if not exemplars:
        return []
    discovered = [e for e in exemplars.values() if _in(ctx, e.proposed_at)]
    fostered = {s.exemplar_id for s in db.session.scalars(
        select(CycleStep).where(CycleStep.action == "foster", CycleStep.exemplar_id.in_(list(exemplars)))) if _in(ctx, s.at)}
    reps = [r for r in db.session.scalars(select(Replication).where(Replication.exemplar_id.in_(list(exemplars))))
            if ctx.year_from <= r.year <= ctx.year_to]
    replicated = {r.exemplar_id for r in reps}
    households = sum(r.households for r in reps)

    def count(ids: Any, key: str) -> Counter[str]:
        return Counter(getattr(exemplars[i], key) for i in ids)

    found_ids = [e.id for e in discovered]
    by_sector = [count(found_ids, "sector"), count(fostered, "sector"), count(replicated, "sector")]
    sector_rows = [[str(name), *(c.get(code, 0) for c in by_sector)] for code, name in labels.SECTORS.items()
                   if any(c.get(code, 0) for c in by_sector)]
    by_unit = [count(found_ids, "unit_id"), count(fostered, "unit_id"), count(replicated, "unit_id")]
    taken_up = Counter(r.unit_id for r in reps)
    unit_ids = set().union(*by_unit, taken_up)
    names = {u.id: u.name for u in db.session.scalars(select(Unit).where(Unit.id.in_(list(unit_ids) or [0])))}
    unit_rows = sorted(([names[u], *(c.get(u, 0) for c in by_unit), taken_up.get(u, 0)] for u in unit_ids),
                       key=lambda r: vi_sort_key(r[0]))
    text = _("In %(y1)s–%(y2)s the units discovered %(found)s exemplars and good models; %(fostered)s were fostered "
             "and %(replicated)s replicated in other communes, reaching %(households)s more households.",
             y1=ctx.year_from, y2=ctx.year_to, found=len(discovered), fostered=len(fostered),
             replicated=len(replicated), households=households)
    head = [_("Discovered"), _("Fostered"), _("Replicated")]
    return [ReviewSection(
        key="exemplars", title=_("Exemplars, good models and initiatives"), order=55, narrative=text,
        highlights=[text],
        tables=[
            ReviewTable([_("Field"), *head], sector_rows, _("Exemplars by field")),
            ReviewTable([_("Commune or unit"), *head, _("Replications taken up here")], unit_rows,
                        _("Exemplars by commune")),
        ],
    )]
