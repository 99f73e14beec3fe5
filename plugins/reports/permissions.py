"""Permission codes of the reports plugin, declared once (Python uses the constants, templates perms.reports.*)."""
from __future__ import annotations

from portal.plugin import Permission
from portal.toolkit import _l

SUBMIT = "reports.submit"  # the unit's reporter fills in and submits the unit's reports
VIEW = "reports.view"
REVIEW = "reports.review"  # the standing office accepts or returns reports and sends reminders
MANAGE = "reports.manage"  # report forms and periods
INDICATORS = "reports.indicators"
#: Who may open a unit's report: those who see reports and the unit's own reporter.
VIEWERS = (VIEW, SUBMIT)

PERMISSIONS = (
    Permission(SUBMIT, _l("Fill in and submit the unit's reports"), {"unit_reporter": "unit"}),
    Permission(VIEW, _l("See reports, completeness and roll-up"),
               {"admin": "all", "standing_office": "all", "leadership": "all", "unit_reporter": "unit"}),
    Permission(REVIEW, _l("Accept or return reports, send reminders"), {"admin": "all", "standing_office": "all"}),
    Permission(MANAGE, _l("Define report forms and periods"), {"admin": "all", "standing_office": "all"}),
    Permission(INDICATORS, _l("See indicators, trends and the movement at a glance"),
               {"admin": "all", "standing_office": "all", "leadership": "all"}),
)
