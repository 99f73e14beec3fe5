"""Awards: nominations and secret-ballot voting of the Emulation and Commendation Council."""
from __future__ import annotations

from pathlib import Path

from portal.plugin import NavItem, Permission, Plugin, Widget
from portal.toolkit import _l

from . import models
from .review import review_sections
from .blueprint import bp
from .demo import seed_demo
from .permissions import MANAGE, NOMINATE, VIEW, VOTE

plugin = Plugin(
    name="awards",
    title=_l("Awards and council voting"),
    blueprint=bp,
    models=models,
    permissions=(
        Permission(NOMINATE, _l("Nominate the unit's collectives, individuals and households for awards"),
                   {"unit_reporter": "unit", "council_secretariat": "all"}),
        Permission(MANAGE, _l("Manage award types, the council, rounds and voting sessions"),
                   {"council_secretariat": "all"}),
        Permission(VOTE, _l("Vote as a council member"), {"council_member": "all"}),
        Permission(VIEW, _l("See nominations and published award results"),
                   {"unit_reporter": "unit", "leadership": "all", "standing_office": "all", "council_member": "all",
                    "council_secretariat": "all", "admin": "all"}),
    ),
    nav=(NavItem("awards.index", _l("Awards"), permission=VIEW, order=40),),
    widgets=(
        Widget("awards.widget_vote", _l("Council votes open for me"), permission=VOTE, order=10),
        Widget("awards.widget_review", _l("Nominations awaiting review"), permission=MANAGE, order=20),
        Widget("awards.widget_results", _l("Awards given"), permission=VIEW, order=8, all_units=True),
    ),
    default_config={"AWARDS_TURNOUT_POLL_SECONDS": 3, "AWARDS_MAX_FILE_BYTES": 10 * 1024 * 1024},
    translations=Path(__file__).with_name("translations"),
    seed_demo=seed_demo,
    review_sections=review_sections,
)
