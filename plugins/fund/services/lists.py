"""The receipts list as shown: plain rows from one column query, words and amounts made once per page."""
from __future__ import annotations

from typing import NamedTuple

from flask import url_for
from sqlalchemy import func, select

from portal.toolkit import Page, Unit, _l, format_date, money_formatter, paginate

from .. import labels
from ..models import Campaign, Contribution, FundYear


class ReceiptRow(NamedTuple):  # named fields: Jinja reads an attribute at once (a dict key costs a failed getattr)
    url: str
    code: str
    date: str
    donor: str  # the name, or "Anonymous benefactor" for those who may not see it
    anonymous: bool
    correction: bool
    method: str
    campaign: str
    amount: str
    reversal: bool  # a negative entry


def receipt_page(year: FundYear | None, campaign_id: int, size: int, reveal_anonymous: bool) -> tuple[Page, list[ReceiptRow]]:
    """One keyset page of a fund year's receipts, newest first (one query whatever the page), and its rows as shown.

    Columns, not entities: an entity row joined five relationships (year, donor, mobiliser, campaign, recorder)."""
    c = Contribution
    stmt = (
        select(c.id, c.number, c.date, func.coalesce(Unit.name, c.donor_name).label("donor"), c.anonymous,
               c.reverses_id, c.method, c.amount, Campaign.name.label("campaign"))
        .outerjoin(Unit, Unit.id == c.donor_unit_id)
        .outerjoin(Campaign, Campaign.id == c.campaign_id)
        .where(c.fund_year_id == (year.id if year else None))
    )
    if campaign_id:
        stmt = stmt.where(c.campaign_id == campaign_id)
    # keyset on the (fund_year_id, date, id) index: the 20,000th page costs what the first does
    page = paginate(stmt, (c.date.desc(), c.id.desc()), size=size, rows="row")
    money, methods = money_formatter(), {k: str(v) for k, v in labels.METHODS.items()}
    anonymous = str(_l("Anonymous benefactor"))
    marker = 987654321  # one url_for per page, the id put in per row
    head, tail = url_for("fund.contribution", entry_id=marker).rsplit(str(marker), 1)
    label = year.label if year else ""
    rows = [ReceiptRow(f"{head}{r.id}{tail}", f"{label}/{r.number:06d}", format_date(r.date),
                       (r.donor or "") if not r.anonymous or reveal_anonymous else anonymous, bool(r.anonymous),
                       bool(r.reverses_id), methods.get(r.method, ""), r.campaign or "—", money(r.amount), r.amount < 0)
            for r in page.items]
    return page, rows

