"""The fund's overview, dashboard widgets, ledger and period report (page and workbook)."""
from __future__ import annotations

from typing import Any

from flask.typing import ResponseReturnValue
from sqlalchemy import select

from portal.toolkit import (
    MONEY,
    Column,
    Money,
    _,
    current_user,
    db,
    format_date,
    local_today,
    render,
    require_permission,
    xlsx_response,
)

from ..models import Campaign
from ..permissions import CONFIDENTIAL, VIEW
from ..services import ledger as ledger_sv
from ..services.entries import pending_approval
from ..services.totals import balance_on, campaign_totals, monthly, period_report, years_summary
from ..services.years import campaign_for, current_year
from .common import all_years, chart, chosen_year, page_arg, period, size


@require_permission(VIEW)
def index() -> ResponseReturnValue:
    year = chosen_year()
    campaigns = list(db.session.scalars(select(Campaign).order_by(Campaign.start.desc()).limit(5)))
    return render("fund/index.html", year=year, years=years_summary(), campaigns=campaigns,
                  totals=campaign_totals([c.id for c in campaigns]),
                  chart=chart(monthly(year.start, year.end)) if year else None, pending=pending_approval())


@require_permission(VIEW)
def widget_summary() -> ResponseReturnValue:
    today = local_today()
    campaign = campaign_for(today) or db.session.scalar(select(Campaign).order_by(Campaign.start.desc()))
    raised = campaign_totals([campaign.id]).get(campaign.id, 0) if campaign else 0
    return render("fund/widget.html", fragment="widget_fund", balance=balance_on(today), campaign=campaign,
                  raised=raised, pending=pending_approval())


@require_permission(VIEW)
def widget_overview() -> ResponseReturnValue:
    """This fund year at a glance: raised, spent by category, houses built."""
    year = current_year(local_today())
    report = period_report(year.start, year.end) if year else None
    return render("fund/widget.html", fragment="widget_overview", year=year, report=report)


@require_permission(VIEW)
def ledger() -> ResponseReturnValue:
    year = chosen_year()
    data = ledger_sv.show_rows(ledger_sv.ledger_page(year, page_arg(), size()),
                                current_user.can(CONFIDENTIAL)) if year else None
    return render("fund/ledger.html", fragment="ledger_table", year=year, years=all_years(), data=data)


@require_permission(VIEW)
def report() -> ResponseReturnValue:
    start, end, year = period()
    return render("fund/report.html", report=period_report(start, end), year=year, years=all_years(),
                  chart=chart(monthly(start, end)))


@require_permission(VIEW)
def report_xlsx() -> ResponseReturnValue:
    start, end, _year = period()
    rep = period_report(start, end)
    summary = [
        (_("Opening balance"), Money(rep.opening)), (_("Carried in"), Money(rep.carried_in)),
        (_("Receipts"), Money(rep.receipts_total)), (_("Spending"), Money(rep.spending_total)),
        (_("Closing balance"), Money(rep.closing)), (_("Houses"), rep.houses), (_("Gifts given"), rep.gifts),
    ]
    headers = [_("Item"), Column(_("Count"), total=True), Column(_("Amount (đồng)"), MONEY, total=True)]

    def lines(items: list[Any]) -> list[tuple[str, int, int]]:
        return [(str(line.label), line.count, line.amount) for line in items]

    return xlsx_response(f"quy-vi-nguoi-ngheo-{start:%Y%m%d}-{end:%Y%m%d}.xlsx", [
        (_("Summary"), [_("Item"), _("Amount (đồng)")], summary),
        (_("Receipts by donor type"), headers, lines(rep.receipts)),
        (_("Spending by category"), headers, lines(rep.spending)),
        (_("Ledger"), [_("Date"), _("Kind"), _("Number"), _("Donor or beneficiary"),
                       Column(_("Receipts"), MONEY, total=True), Column(_("Spending"), MONEY, total=True),
                       Column(_("Balance"), MONEY)],
         ledger_sv.ledger_rows(start, end, current_user.can(CONFIDENTIAL))),
    ], title=_("Poverty fund report"), period=f"{format_date(start)} – {format_date(end)}")
