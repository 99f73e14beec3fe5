"""Fixtures of the review tests: every plugin with its demo data (the review draws on all of them)."""
from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from portal.extensions import db
from tests.helpers import PASSWORD

PLUGINS = ["reports", "inspections", "awards", "fund"]


@pytest.fixture
def enabled_plugins() -> list[str]:
    return PLUGINS


@pytest.fixture
def demo(app: Flask) -> Any:
    from portal.audit import set_cli_actor
    from portal.seed import seed_units, seed_users

    with app.app_context():
        set_cli_actor("seed-demo")
        seed_units()
        seed_users(PASSWORD)
        db.session.commit()
        for plugin in app.extensions["portal"].plugins.values():
            if plugin.seed_demo is not None:
                plugin.seed_demo(PASSWORD)
                db.session.commit()
    return app
