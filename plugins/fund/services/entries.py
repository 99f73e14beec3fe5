"""Receipts and disbursements: recording, the approval flow and reversals (entries never change)."""
from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func, select

from portal.toolkit import Refused, _l, db, format_money, get_plugin_config, local_today, lock, utcnow

from .. import labels
from ..models import Attachment, Contribution, Disbursement, FundYear
from .totals import balance_on, bump, bump_commune, bump_units
from .years import campaign_for, lock_ledger, next_number, year_or_refuse


# --- contributions ---

def record_contribution(values: dict[str, Any], user_id: int | None) -> Contribution:
    """Receipt a gift: checks the values, takes the next receipt number and adds the entry (caller commits)."""
    if not values.get("donor_unit_id") and not (values.get("donor_name") or "").strip():
        raise Refused(422, _l("Choose a unit or enter the donor's name."))
    if values["method"] == "in_kind" and not (values.get("in_kind_description") or "").strip():
        raise Refused(422, _l("Describe the goods given in kind."))
    if not values.get("amount") or values["amount"] <= 0:
        raise Refused(422, _l("The amount must be greater than zero."))
    year = year_or_refuse(values["date"])
    if not values.get("campaign_id"):
        campaign = campaign_for(values["date"])
        values["campaign_id"] = campaign.id if campaign else None
    number = next_number(year.id, "receipt")
    entry = Contribution(fund_year_id=year.id, number=number, recorded_by_id=user_id, **values)
    db.session.add(entry)
    db.session.flush()
    _bump_receipt(entry)
    return entry


def _bump_receipt(entry: Contribution) -> None:
    bump("R", entry.date, entry.fund_year_id, entry.amount, donor_type=entry.donor_type, method=entry.method,
          campaign_id=entry.campaign_id)
    bump_units(entry)


def _reversal_day(entry: Any, reason: str, day: dt.date | None, already: Any) -> tuple[dt.date, FundYear]:
    """Checks shared by both reversals (on the locked entry); return the reversal's date (default today) and its
    fund year."""
    if reversal_of(type(entry), entry.id) is not None:
        raise Refused(409, already)
    if not reason.strip():
        raise Refused(422, _l("Give the reason for the correction."))
    day = day or local_today()
    return day, year_or_refuse(day)


def reverse_contribution(entry_id: int, reason: str, user_id: int | None, day: dt.date | None = None) -> Contribution:
    """Cancel a receipt by a linked negative entry with its own number; the original stays as it was.

    Under the ledger lock and the entry's lock, so a second reversal of the same receipt sees the first."""
    lock_ledger()
    entry = lock(Contribution, entry_id)
    if entry is None:
        raise Refused(404, _l("The receipt was not found."))
    if entry.reverses_id is not None:
        raise Refused(409, _l("A reversing entry cannot itself be reversed."))
    day, year = _reversal_day(entry, reason, day, _l("This receipt has already been reversed."))
    number = next_number(year.id, "receipt")
    reversal = Contribution(
        fund_year_id=year.id, number=number, date=day, donor_unit_id=entry.donor_unit_id, donor_name=entry.donor_name,
        donor_address=entry.donor_address,
        donor_type=entry.donor_type, amount=-entry.amount, method=entry.method,
        in_kind_description=entry.in_kind_description, campaign_id=entry.campaign_id,
        mobilised_by_id=entry.mobilised_by_id, anonymous=entry.anonymous, recorded_by_id=user_id,
        reverses_id=entry.id, reason=reason.strip(),
    )
    db.session.add(reversal)
    db.session.flush()
    _bump_receipt(reversal)
    return reversal


# --- disbursements ---

def propose(values: dict[str, Any], user_id: int | None) -> Disbursement:
    if not values.get("amount") or values["amount"] <= 0:
        raise Refused(422, _l("The amount must be greater than zero."))
    item = Disbursement(state="proposed", proposed_by_id=user_id, proposed_at=utcnow(), **values)
    db.session.add(item)
    db.session.flush()
    return item


def _expect(item: Disbursement, state: str) -> None:
    if item.state != state:
        raise Refused(409, _l("This disbursement is %(state)s; the action is not possible.",
                           state=str(labels.STATES.get(item.state, item.state)).lower()))


def _locked(item_id: int) -> Disbursement:
    item = lock(Disbursement, item_id)
    if item is None:
        raise Refused(404, _l("The disbursement was not found."))
    return item


def approve(item_id: int, user_id: int | None) -> Disbursement:
    item = _locked(item_id)
    _expect(item, "proposed")
    if get_plugin_config("FUND_SEPARATE_APPROVER", True) and user_id is not None and user_id == item.proposed_by_id:
        raise Refused(409, _l("The person who proposed a disbursement cannot approve it."))
    item.state, item.approved_by_id, item.approved_at = "approved", user_id, utcnow()
    db.session.flush()
    return item


def reject(item_id: int, user_id: int | None, reason: str) -> Disbursement:
    item = _locked(item_id)
    if item.state not in ("proposed", "approved"):
        _expect(item, "proposed")  # raises: paid and rejected disbursements stay as they are
    if not reason.strip():
        raise Refused(422, _l("Give the reason for the rejection."))
    item.state, item.approved_by_id, item.approved_at = "rejected", user_id, utcnow()
    item.note = ((item.note or "") + "\n" if item.note else "") + reason.strip()
    db.session.flush()
    return item


def check_payable(item: Disbursement, day: dt.date) -> FundYear:
    """Refuse a payment the fund cannot make (state, fund year, balance); return the payment's fund year.

    ``pay`` calls it under the ledger lock; a view may call it first, so nobody confirms a payment bound to fail."""
    _expect(item, "approved")
    year = year_or_refuse(day)
    # Neither the balance on the payment's day nor the balance after every later entry may go below zero.
    balance = min(balance_on(day), balance_on(dt.date.max))
    if item.amount > balance:
        raise Refused(409, _l("The fund balance (%(balance)s) is too low for this payment.", balance=format_money(balance)))
    return year


def pay(item_id: int, user_id: int | None, day: dt.date, at: dt.datetime | None = None) -> Disbursement:
    """Pay an approved disbursement: it gets the next voucher number of the fund year and becomes a ledger entry.

    The state check, the balance check, the number and the day total all happen under the ledger lock, so a
    second payment of the same disbursement is refused and two payments cannot overdraw the fund.
    ``at`` is when the payment was recorded (now, unless entering old vouchers)."""
    lock_ledger()
    item = _locked(item_id)
    year = check_payable(item, day)
    item.voucher_number = next_number(year.id, "voucher")
    item.state, item.paid_by_id, item.paid_at, item.paid_on, item.fund_year_id = "paid", user_id, at or utcnow(), day, year.id
    db.session.flush()
    bump("C", day, year.id, item.amount, category_id=item.category_id)
    bump_commune(item)
    return item


def reverse_disbursement(item_id: int, reason: str, user_id: int | None, day: dt.date | None = None) -> Disbursement:
    """Cancel a payment (money returned) by a linked negative, paid entry with its own voucher number."""
    lock_ledger()
    item = _locked(item_id)
    if item.state != "paid" or item.reverses_id is not None:
        raise Refused(409, _l("Only a paid disbursement can be reversed."))
    day, year = _reversal_day(item, reason, day, _l("This payment has already been reversed."))
    now = utcnow()
    reversal = Disbursement(
        category_id=item.category_id, beneficiary=item.beneficiary, commune_id=item.commune_id, village=item.village,
        household_status=item.household_status, amount=-item.amount, purpose=item.purpose,
        decision_no=item.decision_no, state="paid", proposed_by_id=user_id, proposed_at=now, approved_by_id=user_id,
        approved_at=now, paid_by_id=user_id, paid_at=now, paid_on=day, fund_year_id=year.id,
        voucher_number=next_number(year.id, "voucher"), reverses_id=item.id, reason=reason.strip(),
    )
    db.session.add(reversal)
    db.session.flush()
    bump("C", day, year.id, reversal.amount, category_id=reversal.category_id)
    bump_commune(reversal)
    return reversal


def attach(item: Disbursement, upload_id: int) -> None:
    db.session.add(Attachment(disbursement_id=item.id, upload_id=upload_id))


def reversal_of(model: type, entry_id: int) -> Any:
    return db.session.scalar(select(model).where(model.reverses_id == entry_id))


def pending_approval() -> int:
    return int(db.session.scalar(select(func.count(Disbursement.id)).where(Disbursement.state == "proposed")) or 0)
