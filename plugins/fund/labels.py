"""Names the fund shows for its codes, declared once (templates: ``labels.fund.NAME``)."""
from __future__ import annotations

from portal.toolkit import _l, lazy_pgettext

DONOR_TYPES = {
    "agency": _l("Agency or unit"),
    "enterprise": _l("Enterprise"),
    "organisation": _l("Organisation or armed forces"),
    "household": _l("Household"),
    "person": _l("Individual"),
}
METHODS = {"cash": _l("Cash"), "transfer": _l("Bank transfer"), "in_kind": _l("In kind")}
STATUSES = {"poor": _l("Poor household"), "near_poor": _l("Near-poor household"), "other": _l("Other hardship")}
STATES = {"proposed": _l("Proposed"), "approved": _l("Approved"), "paid": _l("Paid"), "rejected": _l("Rejected")}
CATEGORY_KINDS = {"house": _l("Houses"), "gift": _l("Gifts"), "other": _l("Other support")}
#: Ledger line kinds: R a receipt, C a payment (what the ledger and its export show)
ENTRY_KINDS = {"R": lazy_pgettext("ledger line", "Receipt"), "C": lazy_pgettext("ledger line", "Payment")}

# For the audit log and record history
RECORDS = {
    "fund_year": _l("Fund year"),
    "fund_campaign": _l("Fund campaign"),
    "fund_contribution": _l("Fund receipt"),
    "fund_pledge": _l("Fund pledge"),
    "fund_category": _l("Spending category"),
    "fund_disbursement": _l("Fund disbursement"),
}
FIELDS = {
    "fund_year.label": _l("Fund year"),
    "fund_year.start": _l("Starts"),
    "fund_year.end": _l("Ends"),
    "fund_year.carried_in": _l("Carried in"),
    "fund_campaign.fund_year_id": _l("Fund year"),
    "fund_campaign.name": _l("Name"),
    "fund_campaign.start": _l("Starts"),
    "fund_campaign.end": _l("Ends"),
    "fund_campaign.goal": _l("Goal"),
    "fund_contribution.number": _l("Receipt number"),
    "fund_contribution.date": _l("Date"),
    "fund_contribution.donor_unit_id": _l("Donor unit"),
    "fund_contribution.donor_name": _l("Donor"),
    "fund_contribution.donor_address": _l("Address"),
    "fund_contribution.donor_type": _l("Donor type"),
    "fund_contribution.amount": _l("Amount"),
    "fund_contribution.method": _l("Method"),
    "fund_contribution.in_kind_description": _l("Goods given in kind"),
    "fund_contribution.campaign_id": _l("Campaign"),
    "fund_contribution.mobilised_by_id": _l("Mobilised by"),
    "fund_contribution.anonymous": _l("Anonymous in public"),
    "fund_contribution.note": _l("Internal note"),
    "fund_contribution.reason": _l("Reason"),
    "fund_contribution.fund_year_id": _l("Fund year"),
    "fund_contribution.recorded_by_id": _l("Recorded by"),
    "fund_contribution.recorded_at": _l("Recorded on"),
    "fund_contribution.reverses_id": _l("Reversal of receipt"),
    "fund_pledge.campaign_id": _l("Campaign"),
    "fund_pledge.unit_id": _l("Unit"),
    "fund_pledge.amount": _l("Pledged"),
    "fund_category.name": _l("Name"),
    "fund_category.kind": _l("Counted as"),
    "fund_category.active": _l("Active"),
    "fund_category.position": _l("Position"),
    "fund_disbursement.category_id": _l("Category"),
    "fund_disbursement.beneficiary": _l("Beneficiary"),
    "fund_disbursement.commune_id": _l("Commune"),
    "fund_disbursement.village": _l("Village"),
    "fund_disbursement.household_status": _l("Household status"),
    "fund_disbursement.amount": _l("Amount"),
    "fund_disbursement.purpose": _l("Purpose"),
    "fund_disbursement.decision_no": _l("Decision"),
    "fund_disbursement.note": _l("Internal note"),
    "fund_disbursement.state": _l("State"),
    "fund_disbursement.paid_on": _l("Paid on"),
    "fund_disbursement.voucher_number": _l("Voucher"),
    "fund_disbursement.reason": _l("Reason"),
    "fund_disbursement.proposed_by_id": _l("Proposed by"),
    "fund_disbursement.proposed_at": _l("Proposed on"),
    "fund_disbursement.approved_by_id": _l("Approved or rejected by"),
    "fund_disbursement.approved_at": _l("Approved or rejected on"),
    "fund_disbursement.paid_by_id": _l("Paid by"),
    "fund_disbursement.paid_at": _l("Payment recorded on"),
    "fund_disbursement.fund_year_id": _l("Fund year"),
    "fund_disbursement.reverses_id": _l("Reversal of voucher"),
}
#: Coded columns shown by their label in the audit log
VALUES = {
    "fund_contribution.donor_type": DONOR_TYPES,
    "fund_contribution.method": METHODS,
    "fund_category.kind": CATEGORY_KINDS,
    "fund_disbursement.household_status": STATUSES,
    "fund_disbursement.state": STATES,
}
#: Records a link in the audit log shows by name (few rows: all are read once a request)
NAMES = {"fund_year": "label", "fund_campaign": "name", "fund_category": "name"}
