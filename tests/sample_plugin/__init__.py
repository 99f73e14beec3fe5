"""A plugin that lives only in the tests: it proves a plugin adds a page, nav entry, permission, widget
and table without touching the core."""
from __future__ import annotations

from pathlib import Path

from flask import Blueprint
from sqlalchemy import select

from portal.plugin import NavItem, Permission, Plugin, Widget
from portal.toolkit import _l, db, render, require_permission

from . import models

bp = Blueprint("sample", __name__, template_folder="templates")


@bp.route("/")
@require_permission("sample.view")
def index():  # type: ignore[no-untyped-def]
    notes = list(db.session.scalars(select(models.Note)))
    return render("sample/index.html", fragment="notes", notes=notes)


@bp.route("/widget")
@require_permission("sample.view")
def widget_count():  # type: ignore[no-untyped-def]
    count = db.session.scalar(select(db.func.count(models.Note.id)))
    return render("sample/index.html", fragment="notes", notes=[], count=count)


plugin = Plugin(
    name="sample",
    title=_l("Sample"),
    blueprint=bp,
    models=models,
    permissions=(Permission("sample.view", _l("See samples"), {"unit_reporter": "unit", "admin": "all"}),),
    nav=(NavItem("sample.index", _l("Samples"), permission="sample.view", order=5),),
    widgets=(Widget("sample.widget_count", _l("Sample count"), permission="sample.view"),),
    default_config={"SAMPLE_GREETING": "xin chào"},
    translations=Path(__file__).with_name("translations"),
    migrations=Path(__file__).with_name("migrations"),
)
