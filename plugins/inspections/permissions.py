"""Permission codes of the inspections plugin, declared once (templates: ``perms.inspections.<verb>``)."""
from __future__ import annotations

from portal.plugin import NoticeKind, Permission
from portal.toolkit import _l

VIEW = "inspections.view"  # see inspections, minutes and the summary
MANAGE = "inspections.manage"  # plan inspections, edit checklists
CONDUCT = "inspections.conduct"  # members of a team answer the checklist
FOLLOWUP = "inspections.followup"  # the responsible unit reports progress on its findings

PERMISSIONS = (
    Permission(VIEW, _l("See inspections, minutes and the summary"), {
        "admin": "all", "standing_office": "all", "council_secretariat": "all", "inspector": "all",
        "leadership": "all", "unit_reporter": "unit",
    }),
    Permission(MANAGE, _l("Plan inspections and edit checklists"), {
        "admin": "all", "standing_office": "all", "council_secretariat": "all",
    }),
    Permission(CONDUCT, _l("Conduct inspections (as a member of the team)"), {
        "inspector": "all", "standing_office": "all", "council_secretariat": "all",
    }),
    Permission(FOLLOWUP, _l("Report progress on the findings of one's unit"), {
        "unit_reporter": "unit",
    }),
)


FINDINGS_NOTICE = "inspections.findings"  # a unit is sent the findings of a signed inspection
FIXED_NOTICE = "inspections.fixed"  # a unit reports a finding fixed: verify it

NOTICE_KINDS = (
    NoticeKind(FINDINGS_NOTICE, _l("Findings of an inspection for our unit")),
    NoticeKind(FIXED_NOTICE, _l("A finding is reported fixed and waits for verification")),
)
