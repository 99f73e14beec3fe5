"""Permission codes of the reports plugin, declared once (Python uses the constants, templates perms.reports.*)."""
from __future__ import annotations

from portal.plugin import NoticeKind, Permission
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

#: Kinds of notices the plugin sends (each user chooses which also come by e-mail).
SUBMITTED_NOTICE = "reports.submitted"  # to the standing office: a unit submitted
REVIEWED_NOTICE = "reports.reviewed"  # to the unit: its report was accepted or returned
REMINDER_NOTICE = "reports.reminder"  # to the unit: a report is due
NOTICE_KINDS = (
    NoticeKind(SUBMITTED_NOTICE, _l("A unit submitted a report")),
    NoticeKind(REVIEWED_NOTICE, _l("Our report was accepted or returned")),
    NoticeKind(REMINDER_NOTICE, _l("Reminder: a report is due")),
)
