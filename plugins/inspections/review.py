"""The inspections plugin's section of the movement review: visits per year, scores, findings fixed and open."""
from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import Any

from sqlalchemy import func, select

from portal.plugin import ReviewContext, ReviewSection, ReviewTable
from portal.toolkit import _, db, format_number

from .models import CLOSED, COMPLETED, SIGNED, Finding, Inspection


def _pct(achieved: Fraction, applicable: Fraction) -> Decimal | None:
    if not applicable:
        return None
    ratio = achieved * 100 / applicable
    return round(Decimal(ratio.numerator) / Decimal(ratio.denominator), 1)


def review_sections(ctx: ReviewContext) -> list[ReviewSection]:
    units = Inspection.unit_id.in_(list(ctx.unit_ids) or [0])
    in_years = (Inspection.year >= ctx.year_from) & (Inspection.year <= ctx.year_to)
    done = (COMPLETED, SIGNED)
    per_year = {y: [0, 0, Fraction(0), Fraction(0)] for y in ctx.years}  # visits, communes, achieved, applicable
    for year, n, communes, achieved, applicable in db.session.execute(
        select(Inspection.year, func.count(Inspection.id), func.count(Inspection.unit_id.distinct()),
               func.sum(Inspection.achieved), func.sum(Inspection.applicable))
        .where(in_years, units, Inspection.state.in_(done)).group_by(Inspection.year)
    ):
        # the stored points are exact decimals: sum them, divide once (never average the percentages)
        per_year[year] = [int(n), int(communes), Fraction(str(achieved or 0)), Fraction(str(applicable or 0))]
    findings = {y: [0, 0] for y in ctx.years}  # closed, still open
    for year, state, n in db.session.execute(
        select(Inspection.year, Finding.state, func.count(Finding.id))
        .join(Finding, Finding.inspection_id == Inspection.id)
        .where(in_years, units).group_by(Inspection.year, Finding.state)
    ):
        findings[year][0 if state == CLOSED else 1] += int(n)
    if not any(v[0] for v in per_year.values()) and not any(sum(v) for v in findings.values()):
        return []
    rows: list[list[Any]] = []
    total = [0, Fraction(0), Fraction(0), 0, 0]
    for y in ctx.years:
        n, communes, achieved, applicable = per_year[y]
        closed, still_open = findings[y]
        rows.append([str(y), n, communes, _pct(achieved, applicable), closed + still_open, closed, still_open])
        total[0] += n
        total[1] += achieved
        total[2] += applicable
        total[3] += closed
        total[4] += still_open
    rows.append([_("Total"), total[0], None, _pct(total[1], total[2]), total[3] + total[4], total[3], total[4]])
    score = _pct(total[1], total[2])
    text = _("The inspection teams carried out %(n)s inspections in %(y1)s–%(y2)s, with an overall score of "
             "%(score)s %%; of %(found)s findings, %(closed)s were fixed and verified and %(open)s are still open.",
             n=total[0], y1=ctx.year_from, y2=ctx.year_to, score=format_number(score) if score is not None else "—",
             found=total[3] + total[4], closed=total[3], open=total[4])
    return [ReviewSection(
        key="inspections", title=_("Inspections in the communes"), order=30, narrative=text, highlights=[text],
        tables=[ReviewTable([_("Year"), _("Inspections"), _("Units inspected"), _("Score (%)"), _("Findings"),
                             _("Fixed"), _("Still open")], rows, _("Inspections and findings per year"))],
    )]
