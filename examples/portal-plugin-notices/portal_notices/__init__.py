"""Plugin "notices": a notice board (bảng thông báo) for district-wide announcements.

A complete plugin in one package, published on its own (see ../README.md): one table with its own migration
branch, one page, one permission, one dashboard widget, the audit log's words, a Vietnamese catalog and demo data.
"""
from __future__ import annotations

from pathlib import Path

from portal.plugin import NavItem, Permission, Plugin, Widget
from portal.toolkit import _l

from . import labels, models
from .views import bp

HERE = Path(__file__).resolve().parent
POST = "notices.post"


def seed_demo(password: str) -> None:
    from .demo import seed

    seed()


plugin = Plugin(
    name="notices",
    title=_l("Notice board"),
    blueprint=bp,
    models=models,
    labels=labels,  # the audit log's words for the table (RECORDS, FIELDS)
    permissions=(Permission(POST, _l("Post notices on the notice board"), {"admin": "all", "standing_office": "all"}),),
    nav=(NavItem("notices.index", _l("Notices"), order=90),),
    widgets=(Widget("notices.widget_latest", _l("Latest notices"), order=90),),
    default_config={"NOTICES_WIDGET_COUNT": 3},  # notices shown on the dashboard
    translations=HERE / "translations",
    migrations=HERE / "migrations",
    seed_demo=seed_demo,
)
