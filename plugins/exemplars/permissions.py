"""Permission codes of the exemplars plugin."""
from __future__ import annotations

from portal.plugin import Permission
from portal.toolkit import _l

VIEW = "exemplars.view"  # the register (a unit: its own exemplars; the district: all)
PROPOSE = "exemplars.propose"  # units, inspection teams, the Front and the office propose exemplars
CITE = "exemplars.cite"  # cite an exemplar in a nomination or name it in a report
MANAGE = "exemplars.manage"  # the standing office: verify, foster, record replications, archive

PERMISSIONS = (
    Permission(VIEW, _l("See the register of exemplars and good models"),
               {"unit_reporter": "unit", "standing_office": "all", "leadership": "all", "inspector": "all",
                "council_secretariat": "all", "fund_board": "all", "admin": "all"}),
    Permission(PROPOSE, _l("Propose exemplars, good models and initiatives"),
               {"unit_reporter": "unit", "inspector": "all", "standing_office": "all"}),
    Permission(CITE, _l("Cite exemplars as evidence in nominations and name them in reports"),
               {"unit_reporter": "unit", "council_secretariat": "all", "standing_office": "all"}),
    Permission(MANAGE, _l("Verify, foster, record replications of and archive exemplars"),
               {"standing_office": "all", "admin": "all"}),
)
