"""The fund's section of the movement review: raised by donor type, spent by category, houses and households."""
from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from portal.plugin import ReviewContext, ReviewFigure, ReviewSection, ReviewTable
from portal.toolkit import _, db, format_money

from .services.totals import period_report
from .services.years import year_bounds
from .models import Disbursement


def _households(ctx: ReviewContext) -> int:
    """Distinct beneficiaries (name, commune, village) of payments in the years, less those reversed."""
    reversed_ids = select(Disbursement.reverses_id).where(Disbursement.reverses_id.is_not(None))
    return int(db.session.scalar(
        select(func.count()).select_from(
            select(Disbursement.beneficiary, Disbursement.commune_id, Disbursement.village)
            .where(Disbursement.state == "paid", Disbursement.reverses_id.is_(None),
                   Disbursement.id.not_in(reversed_ids),
                   Disbursement.paid_on >= ctx.start, Disbursement.paid_on <= ctx.end)
            .distinct().subquery()
        )
    ) or 0)


def review_sections(ctx: ReviewContext) -> list[ReviewSection]:
    report = period_report(ctx.start, ctx.end)
    if not report.receipts_total and not report.spending_total and not report.opening:
        return []
    raised: list[list[Any]] = [[str(line.label), line.count, line.amount] for line in report.receipts if line.amount]
    raised.append([_("Total"), report.gifts_received, report.receipts_total])
    spent: list[list[Any]] = [[str(line.label), line.count, line.amount] for line in report.spending if line.amount]
    spent.append([_("Total"), sum(line.count for line in report.spending), report.spending_total])
    households = _households(ctx)
    per_year = [(str(y), period_report(*year_bounds(y, 1))) for y in ctx.years] if len(ctx.years) <= 6 else []
    text = _("In %(y1)s–%(y2)s the fund \"For the poor\" raised %(raised)s and spent %(spent)s: %(houses)s houses "
             "built or repaired, %(households)s households helped; the balance at the end is %(closing)s.",
             y1=ctx.year_from, y2=ctx.year_to, raised=format_money(report.receipts_total),
             spent=format_money(report.spending_total), houses=report.houses, households=households,
             closing=format_money(report.closing))
    figures = [ReviewFigure(_("Raised and spent per year (VND)"), [y for y, _r in per_year],
                            [(_("Raised"), [r.receipts_total for _y, r in per_year]),
                             (_("Spent"), [r.spending_total for _y, r in per_year])], kind="bar")] if per_year else []
    return [ReviewSection(
        key="fund", title=_("The fund \"For the poor\""), order=40, narrative=text, highlights=[text],
        tables=[
            ReviewTable([_("Donor type"), _("Contributions"), _("Amount (VND)")], raised, _("Raised by donor type")),
            ReviewTable([_("Category"), _("Payments"), _("Amount (VND)")], spent, _("Spent by category")),
            ReviewTable([_("Item"), _("Value")], [
                [_("Opening balance (VND)"), report.opening], [_("Raised (VND)"), report.receipts_total],
                [_("Spent (VND)"), report.spending_total], [_("Closing balance (VND)"), report.closing],
                [_("Houses built or repaired"), report.houses], [_("Households helped"), households],
            ], _("Summary")),
        ],
        figures=figures,
    )]
