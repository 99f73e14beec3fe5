"""Public disclosure, no login: the fund's page and the table printed for the communes' notice boards."""
from __future__ import annotations

from typing import Any

from flask import request
from flask.typing import ResponseReturnValue

from portal.toolkit import db, get_plugin_config, local_today, public, render

from ..models import Disbursement
from ..services import ledger as ledger_sv
from ..services import public as public_sv
from ..services.totals import period_report, years_summary
from .common import bodies_on, chosen_year, size


def _public_context() -> dict[str, Any]:
    year = chosen_year()
    context: dict[str, Any] = {"year": year, "years": years_summary(), "mode": get_plugin_config(
        "FUND_PUBLIC_BENEFICIARY", "initials_village")}
    if year:
        campaigns, totals = public_sv.campaigns_raised(year)
        report = period_report(year.start, year.end, [row.year for row in context["years"]])
        context.update(report=report, campaigns=campaigns, totals=totals,
                       table=public_sv.by_commune_category(year, [(int(line.key), line.label) for line in report.spending]))
    return context


@public
def public_page() -> ResponseReturnValue:
    context = _public_context()
    year = context["year"]
    if year:
        n, per_day = size(), ledger_sv.lines_per_day(year)  # one read of the day rows for both lists
        donors = ledger_sv.day_window(year, request.args.get("donors", 1, type=int) or 1, n, "R", per_day)
        payments = ledger_sv.day_window(year, request.args.get("payments", 1, type=int) or 1, n, "C", per_day)
        context.update(
            donors=public_sv.donor_rows(public_sv.window_page("R", year, donors, n), year.label),
            donor_page=donors.page, donor_pages=donors.pages,
            payments=public_sv.payment_rows(public_sv.window_page("C", year, payments, n), context["mode"], year.label),
            payment_page=payments.page, payment_pages=payments.pages,
        )
    return render("fund/public.html", **context)


@public
def public_print() -> ResponseReturnValue:
    context = _public_context()
    today = local_today()
    if context["year"]:
        limit = int(get_plugin_config("FUND_PRINT_ROWS", 500))
        stmt = public_sv.public_payments(context["year"]).order_by(Disbursement.paid_on.desc(), Disbursement.id.desc())
        context["payments"] = public_sv.payment_rows(list(db.session.execute(stmt.limit(limit)).mappings()),
                                                     context["mode"], context["year"].label)
    return render("fund/public_print.html", today=today, bodies=bodies_on(today), **context)
