"""Plugin "fund": the "Vì người nghèo" fund – receipts, disbursements, an append-only ledger, public disclosure."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask, url_for

from portal.plugin import NavItem, Plugin, Widget
from portal.toolkit import _, _l, db, format_money, signals

from . import labels, models
from .blueprint import bp
from .permissions import PERMISSIONS, PLEDGE, VIEW
from .refs import resolve_ref
from .review import review_sections


def unit_evidence(sender: Any, unit_id: int, year: int | None = None, **kwargs: Any) -> list[signals.Evidence] | None:
    """Evidence for award nominations: what a unit gave to and raised for the fund (in a fund year or overall)."""
    if not signals.plugin_enabled("fund"):
        return None
    from sqlalchemy import select

    from .services.units import unit_totals

    fund_year = db.session.scalar(select(models.FundYear).where(models.FundYear.label == year)) if year else None
    if year and fund_year is None:
        return []
    given, raised = unit_totals(unit_id, fund_year)
    if not given and not raised:
        return []
    when = _("fund year %(year)s", year=year) if year else _("all years")
    link = url_for("fund.units", year=year) if year else None
    return [
        signals.Evidence("fund", _("Contributed to the fund for the poor (%(when)s)", when=when), format_money(given), link),
        signals.Evidence("fund", _("Mobilised for the fund for the poor (%(when)s)", when=when), format_money(raised), link),
    ]


def setup(app: Flask) -> None:
    signals.unit_evidence.connect(unit_evidence)


def seed_demo(password: str) -> None:
    from .demo import seed

    seed(password)


plugin = Plugin(
    name="fund",
    title=_l("Fund for the poor"),
    blueprint=bp,
    models=models,
    stylesheets=("fund.css",),
    permissions=PERMISSIONS,
    nav=(NavItem("fund.index", _l("Fund for the poor"), permission=VIEW, order=40),
         NavItem("fund.pledges", _l("Pledges"), permission=PLEDGE, order=41)),
    widgets=(Widget("fund.widget_summary", _l("Fund for the poor"), permission=VIEW, order=40),
             Widget("fund.widget_overview", _l("Fund: raised and spent"), permission=VIEW, order=7,
                    all_units=True)),
    default_config={
        "FUND_YEAR_START_MONTH": 1,  # month a fund year starts (1 = calendar year)
        "FUND_PUBLIC_BENEFICIARY": "initials_village",  # "full" | "initials_village" | "hidden"
        "FUND_SEPARATE_APPROVER": True,  # the proposer of a disbursement may not approve it
        "FUND_PAGE_SIZE": 50,
        "FUND_PRINT_ROWS": 500,
        # header of receipts, vouchers and the public table (official layout)
        "FUND_SUPERIOR_BODY": "Ủy ban MTTQ Việt Nam huyện Tam Đường",
        "FUND_ISSUING_BODY": "Ban vận động Quỹ “Vì người nghèo”",  # beneficiaries listed on the printable public table
        # later bodies, by the date a document is dated: when the district ended, the commune's Front took over
        "FUND_LATER_BODIES": [
            {"from": "2025-07-01", "superior": "Ủy ban MTTQ Việt Nam xã Bình Lư",
             "issuer": "Ban vận động Quỹ “Vì người nghèo” xã Bình Lư", "place": "Bình Lư"},
        ],
    },
    translations=Path(__file__).with_name("translations"),
    migrations=Path(__file__).with_name("migrations"),
    setup=setup,
    seed_demo=seed_demo,
    review_sections=review_sections,
    labels=labels,
    resolve_ref=resolve_ref,
)
