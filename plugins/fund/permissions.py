"""Permission codes of the fund plugin (templates: ``perms.fund.<verb>``)."""
from __future__ import annotations

from portal.plugin import Permission
from portal.toolkit import _l

VIEW = "fund.view"  # receipts, spending, ledger and reports
RECORD = "fund.record"  # the fund board records gifts, proposes and pays
APPROVE = "fund.approve"
CONFIDENTIAL = "fund.confidential"  # anonymous donors' names, internal notes
PLEDGE = "fund.pledge"  # a unit sees its own pledges and gifts

PERMISSIONS = (
    Permission(VIEW, _l("See the fund's receipts, spending, ledger and reports"),
               {"fund_board": "all", "leadership": "all", "inspector": "all", "admin": "all"}),
    Permission(RECORD, _l("Record contributions, propose and pay disbursements"), {"fund_board": "all"}),
    Permission(APPROVE, _l("Approve or reject disbursements"), {"fund_board": "all"}),
    Permission(CONFIDENTIAL, _l("See anonymous donors' names and internal notes"), {"fund_board": "all"}),
    Permission(PLEDGE, _l("See the own unit's pledges and contributions"),
               {"unit_reporter": "unit", "fund_board": "all"}),
)
