"""The receipts and disbursements lists as shown: plain rows from one column query, words and amounts made
once per page."""
from __future__ import annotations

from typing import NamedTuple

from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from portal.toolkit import Page, Unit, _l, format_date, format_money, paginate, url_maker

from .. import labels
from ..models import Campaign, Category, Contribution, Disbursement, FundYear


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
    money, methods = format_money, {k: str(v) for k, v in labels.METHODS.items()}
    anonymous = str(_l("Anonymous benefactor"))
    url = url_maker("fund.contribution", "entry_id")
    label = year.label if year else ""
    rows = [ReceiptRow(url(r.id), f"{label}/{r.number:06d}", format_date(r.date),
                       (r.donor or "") if not r.anonymous or reveal_anonymous else anonymous, bool(r.anonymous),
                       bool(r.reverses_id), methods.get(r.method, ""), r.campaign or "—", money(r.amount), r.amount < 0)
            for r in page.items]
    return page, rows


class PaymentRow(NamedTuple):
    url: str
    beneficiary: str
    correction: bool
    commune: str  # with the village
    category: str
    state: str  # in words
    tag: str  # the state's tag class
    code: str
    amount: str


TAGS = {"paid": "ok", "approved": "ok", "rejected": "danger", "proposed": "warn"}


def disbursement_page(state: str, size: int) -> tuple[Page, list[PaymentRow]]:
    """One keyset page of the disbursements, newest proposal first, optionally in one state, and its rows as shown.

    Columns, not entities: an entity row joined six relationships (category, commune, year and three users)."""
    d, commune = Disbursement, aliased(Unit)
    stmt = (
        select(d.id, d.beneficiary, d.reverses_id, d.village, d.state, d.voucher_number, d.amount,
               commune.name.label("commune"), Category.name.label("category"), FundYear.label.label("year"))
        .join(commune, commune.id == d.commune_id)
        .join(Category, Category.id == d.category_id)
        .outerjoin(FundYear, FundYear.id == d.fund_year_id)
    )
    if state in labels.STATES:
        stmt = stmt.where(d.state == state)
    page = paginate(stmt, (d.proposed_at.desc(), d.id.desc()), size=size, rows="row")
    money, states = format_money, {k: str(v) for k, v in labels.STATES.items()}
    url = url_maker("fund.disbursement", "entry_id")
    rows = [PaymentRow(url(r.id), r.beneficiary, bool(r.reverses_id),
                       f"{r.commune}, {r.village}" if r.village else r.commune, r.category, states.get(r.state, ""),
                       TAGS.get(r.state, ""),
                       f"{r.year}/{r.voucher_number:06d}" if r.voucher_number is not None and r.year is not None else "",
                       money(r.amount)) for r in page.items]
    return page, rows
