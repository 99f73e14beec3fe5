"""The plugin contract: what a plugin declares and the core registers for it."""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

from flask import Blueprint, Flask

#: Role codes the core seeds (see DOMAIN.md). Permissions name them in ``default_roles``.
ROLE_CODES = (
    "admin",
    "standing_office",
    "council_secretariat",
    "council_member",
    "fund_board",
    "unit_reporter",
    "inspector",
    "leadership",
)

#: Scope of a grant: every unit, or only the user's own unit.
SCOPE_ALL = "all"
SCOPE_UNIT = "unit"


class PluginError(RuntimeError):
    """A plugin could not be loaded; start-up stops with this message."""

    def __init__(self, plugin: str, rule: str) -> None:
        super().__init__(f"plugin {plugin!r}: {rule}")
        self.plugin = plugin
        self.rule = rule


@dataclass(frozen=True)
class Permission:
    """A permission code (``<plugin>.<verb>``) with its label and initial grants.

    ``default_roles`` maps a role code to a scope (``"all"`` or ``"unit"``); these grants are
    written once, when the permission is first seen by ``flask portal init``. Administrators
    change them afterwards on the roles page.
    """

    code: str
    label: Any  # lazy string
    default_roles: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class NavItem:
    """An entry in the main navigation, shown to users holding ``permission``."""

    endpoint: str
    label: Any
    permission: str | None = None
    order: int = 100


@dataclass(frozen=True)
class Widget:
    """A dashboard panel: an ordinary endpoint that renders a fragment, loaded on its own."""

    endpoint: str
    title: Any
    permission: str | None = None
    order: int = 100


@dataclass(frozen=True, kw_only=True)
class Plugin:
    """Everything a plugin gives the core. One instance per plugin, named ``plugin``."""

    name: str  # == entry-point name == blueprint name == table/config/permission prefix
    title: Any  # lazy string shown to administrators
    blueprint: Blueprint  # routes, templates (templates/<name>/...), static, CLI (bp.cli)
    models: ModuleType | None = None  # module defining the plugin's tables (<name>_*)
    permissions: tuple[Permission, ...] = ()
    nav: tuple[NavItem, ...] = ()
    widgets: tuple[Widget, ...] = ()
    default_config: Mapping[str, object] = field(default_factory=dict)  # keys <NAME>_*
    translations: Path | None = None  # folder holding <locale>/LC_MESSAGES/messages.po (and .mo once compiled)
    # Folder holding versions/: the plugin's own Alembic branch (label = name, one base that depends_on a core
    # revision). Required when the plugin has tables; `flask portal init` upgrades it when the plugin is enabled.
    migrations: Path | None = None
    requires: tuple[str, ...] = ()  # plugins that must be enabled earlier in PORTAL_PLUGINS
    setup: Callable[[Flask], None] | None = None  # connect signals, filters, context processors
    # Called by `flask portal seed-demo` in app context with the demo password (for any demo users it makes,
    # see toolkit.ensure_demo_user). Must be idempotent: running seed-demo twice adds nothing the second time.
    seed_demo: Callable[[str], None] | None = None
    # Files in the blueprint's static folder (Blueprint(..., static_folder="static")), served at /<name>/static/
    # with a content version in the URL, linked by the layout on every page (boosted navigation swaps only the
    # body), in this order. Scope rules to the plugin's pages: main[data-plugin="<name>"] ..., and write scripts
    # as delegated listeners that look for their elements. No inline <style>/<script>: the CSP forbids them.
    stylesheets: tuple[str, ...] = ()  # e.g. ("reports.css",)
    scripts: tuple[str, ...] = ()  # e.g. ("reports.js",), loaded with defer after htmx
    # Pages (local URLs) this user needs in the field without a connection: the service worker keeps a copy of
    # each for them only (portal/offline.py). Return only pages the user may see; never public pages.
    offline_pages: Callable[[Any], list[str]] | None = None
