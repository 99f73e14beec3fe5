"""The fund blueprint: every URL of the plugin in one table. There is deliberately no route that edits or deletes
a receipt or a paid disbursement."""
from __future__ import annotations

import click
from flask import Blueprint

from portal.toolkit import db

from .services.totals import day_totals_match, rebuild_day_totals
from .views import contributions as co
from .views import disbursements as di
from .views import overview as ov
from .views import public as pu
from .views import settings as se
from .views import units as un

bp = Blueprint("fund", __name__, template_folder="templates", static_folder="static")

_ROUTES = [
    ("/", "index", ov.index, ["GET"]),
    ("/widget", "widget_summary", ov.widget_summary, ["GET"]),
    ("/widget/overview", "widget_overview", ov.widget_overview, ["GET"]),
    ("/ledger", "ledger", ov.ledger, ["GET"]),
    ("/report", "report", ov.report, ["GET"]),
    ("/report.xlsx", "report_xlsx", ov.report_xlsx, ["GET"]),
    ("/contributions", "contributions", co.contributions, ["GET"]),
    ("/contributions/new", "contribution_new", co.contribution_new, ["GET", "POST"]),
    ("/contributions/<int:entry_id>", "contribution", co.contribution, ["GET"]),
    ("/contributions/<int:entry_id>/receipt", "receipt", co.receipt, ["GET"]),
    ("/contributions/<int:entry_id>/reverse", "contribution_reverse", co.contribution_reverse, ["POST"]),
    ("/disbursements", "disbursements", di.disbursements, ["GET"]),
    ("/disbursements/new", "disbursement_new", di.disbursement_new, ["GET", "POST"]),
    ("/disbursements/<int:entry_id>", "disbursement", di.disbursement, ["GET"]),
    ("/disbursements/<int:entry_id>/approve", "disbursement_approve", di.disbursement_approve, ["POST"]),
    ("/disbursements/<int:entry_id>/reject", "disbursement_reject", di.disbursement_reject, ["POST"]),
    ("/disbursements/<int:entry_id>/pay", "disbursement_pay", di.disbursement_pay, ["POST"]),
    ("/disbursements/<int:entry_id>/reverse", "disbursement_reverse", di.disbursement_reverse, ["POST"]),
    ("/disbursements/<int:entry_id>/attachments", "attachment_add", di.attachment_add, ["POST"]),
    ("/disbursements/<int:entry_id>/attachments/<int:attachment_id>", "attachment", di.attachment, ["GET"]),
    ("/disbursements/<int:entry_id>/voucher", "voucher", di.voucher, ["GET"]),
    ("/units", "units", un.units, ["GET"]),
    ("/pledges", "pledges", un.pledges, ["GET", "POST"]),
    ("/settings", "settings", se.settings, ["GET"]),
    ("/settings/years", "year_add", se.year_add, ["POST"]),
    ("/settings/campaigns", "campaign_save", se.campaign_save, ["POST"]),
    ("/settings/campaigns/<int:campaign_id>", "campaign_save", se.campaign_save, ["POST"]),
    ("/settings/categories", "category_save", se.category_save, ["POST"]),
    ("/settings/categories/<int:category_id>", "category_save", se.category_save, ["POST"]),
    ("/public", "public_page", pu.public_page, ["GET"]),
    ("/public/print", "public_print", pu.public_print, ["GET"]),
]
for rule, endpoint, view, methods in _ROUTES:
    bp.add_url_rule(rule, endpoint, view, methods=methods)


@bp.cli.command("rebuild-totals")
def rebuild_totals_cmd() -> None:
    """Recompute the fund's day totals from the entries (after a bulk import) and check them."""
    rebuild_day_totals()
    db.session.commit()
    click.echo("Day totals rebuilt; they match the entries." if day_totals_match() else "Day totals do NOT match!")
