"""Exemplars: advanced exemplars, good models and initiatives — discovered, verified, fostered, replicated and
shown to the public (issue 15). Talks to other plugins only through the core: opaque references, record links
and subject evidence."""
from __future__ import annotations

from pathlib import Path

from flask import Flask

from portal.plugin import NavItem, Plugin, Widget
from portal.toolkit import _l, signals

from . import labels, models
from .blueprint import bp
from .permissions import PERMISSIONS, VIEW
from .review import review_sections
from .services import links


def setup(app: Flask) -> None:
    signals.subject_evidence.connect(links.subject_evidence)


def seed_demo(password: str) -> None:
    from .demo import seed

    seed(password)


plugin = Plugin(
    name="exemplars",
    title=_l("Exemplars and good models"),
    blueprint=bp,
    models=models,
    labels=labels,
    permissions=PERMISSIONS,
    nav=(NavItem("exemplars.index", _l("Good models"), permission=VIEW, order=45),),
    widgets=(Widget("exemplars.widget_exemplars", _l("Exemplars and good models"), permission=VIEW, order=30),),
    default_config={
        "EXEMPLARS_MAX_PHOTO_BYTES": 10 * 1024 * 1024,  # before downscaling
        "EXEMPLARS_PHOTO_MAX_SIDE": 1600,  # pixels, the longer side after downscaling
    },
    stylesheets=("exemplars.css",),
    translations=Path(__file__).with_name("translations"),
    migrations=Path(__file__).with_name("migrations"),
    setup=setup,
    seed_demo=seed_demo,
    review_sections=review_sections,
    resolve_ref=links.resolve,
    record_links=links.record_links,
)
