"""Fixtures of the review tests: every plugin with its demo data (the review draws on all of them)."""
from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from tests.helpers import PASSWORD, seed_once

PLUGINS = ["reports", "inspections", "awards", "fund", "exemplars"]


@pytest.fixture
def enabled_plugins() -> list[str]:
    return PLUGINS


@pytest.fixture
def demo(app: Flask) -> Any:
    from portal.seed import seed_demo

    seed_once(app, "demo", lambda: seed_demo(PASSWORD))
    return app
