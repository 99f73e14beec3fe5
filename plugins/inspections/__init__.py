"""Inspection checklists: versioned templates, inspection teams in the communes, scoring, findings, minutes."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask
from flask_babel import format_datetime

from portal.plugin import NavItem, Plugin, Widget
from portal.toolkit import _l

from . import labels, models
from .blueprint import bp
from .refs import resolve_ref
from .demo import seed_demo
from .permissions import CONDUCT, FOLLOWUP, NOTICE_KINDS, PERMISSIONS, VIEW
from .review import review_sections


def _roman(n: int) -> str:
    """Section numbers of the checklist and the minutes: I, II, III, ..."""
    out = ""
    for value, letters in ((10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while n >= value:
            out += letters
            n -= value
    return out


def _setup(app: Flask) -> None:
    from .services.scoring import percent_text, points_decimal

    app.jinja_env.filters["inspections_time"] = lambda value: format_datetime(value, "HH:mm") if value else ""
    app.jinja_env.filters["inspections_pct"] = percent_text
    app.jinja_env.filters["inspections_roman"] = _roman
    app.jinja_env.filters["inspections_points"] = points_decimal


def _offline_pages(user: Any) -> list[str]:
    """The inspections this user conducts (planned or under way), each page holding its whole checklist."""
    if not user.can(CONDUCT):
        return []
    from flask import url_for
    from sqlalchemy import select

    from portal.toolkit import db

    from .models import ChecklistSection
    from .services.conduct import my_inspections

    out = []
    for i in my_inspections(user.id):
        out.append(url_for("inspections.detail", inspection_id=i.id))
        sids = db.session.scalars(select(ChecklistSection.id).where(ChecklistSection.template_id == i.template_id))
        out += [url_for("inspections.section_items", inspection_id=i.id, sid=sid)
                for sid in ([*(["recheck"] if i.previous_id else []), *sids])]
    return out


plugin = Plugin(
    name="inspections",
    title=_l("Inspections"),
    blueprint=bp,
    models=models,
    stylesheets=("inspections.css",),
    scripts=("inspections.js",),
    permissions=PERMISSIONS,
    notice_kinds=NOTICE_KINDS,
    labels=labels,
    nav=(NavItem("inspections.index", _l("Inspections"), permission=VIEW, order=20),),
    widgets=(
        Widget("inspections.widget_mine", _l("My inspections"), permission=CONDUCT, order=20),
        Widget("inspections.widget_overview", _l("Inspections at a glance"), permission=VIEW, order=6,
               all_units=True),
        Widget("inspections.widget_overdue", _l("Overdue findings"), permission=FOLLOWUP, order=21),
    ),
    default_config={
        # Percent of the applicable points an inspection needs to pass (compared exactly).
        "INSPECTIONS_PASS_THRESHOLD": 80,
        # Days the responsible unit gets to fix a finding (the team may change each due date).
        "INSPECTIONS_FINDING_DAYS": 30,
        # Largest photo accepted before downscaling, and the longest side kept after it.
        "INSPECTIONS_MAX_PHOTO_BYTES": 8 * 1024 * 1024,
        "INSPECTIONS_PHOTO_MAX_SIDE": 1600,
        # Header of the minutes (Nghị định 30/2020): superior body and issuing body.
        "INSPECTIONS_DOC_SUPERIOR": "UBND huyện Tam Đường",
        "INSPECTIONS_DOC_ISSUER": "Đoàn kiểm tra",
    },
    translations=Path(__file__).with_name("translations"),
    migrations=Path(__file__).with_name("migrations"),
    setup=_setup,
    seed_demo=seed_demo,
    review_sections=review_sections,
    offline_pages=_offline_pages,
    resolve_ref=resolve_ref,
)
