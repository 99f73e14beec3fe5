"""The plugin contract: what a plugin declares and the core registers for it."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
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
    # Shown only to users holding ``permission`` for every unit (district overviews for leadership and the
    # standing office; a unit's own reporter does not get a district-wide tile on the dashboard).
    all_units: bool = False


@dataclass(frozen=True)
class NoticeKind:
    """A kind of notice a plugin sends (``<plugin>.<what>``); each user chooses which kinds also come by e-mail.

    ``default_email`` is the choice of users who never saved their preferences."""

    code: str
    label: Any  # lazy string shown on the user's notice settings
    default_email: bool = True


@dataclass(frozen=True)
class ReviewContext:
    """What a review document covers, handed to each plugin's ``review_sections``.

    ``unit_ids`` are the units the review is about (those of ``unit_kinds`` in force at some time in the years,
    ended ones included: history stays under the old names)."""

    kind: str  # "midterm" (sơ kết), "final" (tổng kết) or "annual"
    year_from: int
    year_to: int
    unit_ids: tuple[int, ...]
    unit_kinds: tuple[str, ...] = ()

    @property
    def start(self) -> dt.date:
        return dt.date(self.year_from, 1, 1)

    @property
    def end(self) -> dt.date:
        return dt.date(self.year_to, 12, 31)

    @property
    def years(self) -> list[int]:
        return list(range(self.year_from, self.year_to + 1))


@dataclass(frozen=True)
class ReviewTable:
    """A table of a review section: cells are str, int, Decimal/Fraction (kept as numbers in Excel) or None."""

    header: Sequence[str]
    rows: Sequence[Sequence[Any]]
    title: str = ""


@dataclass(frozen=True)
class ReviewFigure:
    """A chart drawn by the core (``kind`` "line" or "bar"); series are (label, values) pairs."""

    title: str
    categories: Sequence[str]
    series: Sequence[tuple[str, Sequence[float | None]]]
    kind: str = "line"


@dataclass(frozen=True)
class ReviewSection:
    """One part of the review a plugin contributes, with its figures as of the moment the review is drafted.

    ``key`` is unique within the plugin (the review keeps the office's narrative under it when figures are
    regenerated); ``order`` places the section among all plugins' sections; ``narrative`` is the default paragraph
    the office edits; ``highlights`` are short sentences the core offers for "results achieved"."""

    key: str
    title: str
    order: int = 100
    narrative: str = ""
    tables: Sequence[ReviewTable] = ()
    figures: Sequence[ReviewFigure] = ()
    highlights: Sequence[str] = ()


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
    # Sections of the movement review (báo cáo sơ kết / tổng kết, /review): called in app context with the review's
    # years and units, when the review is drafted and when the office regenerates its figures. Returns the
    # plugin's sections (may be empty); the core snapshots them, so they must read only committed data.
    review_sections: Callable[[ReviewContext], Sequence[ReviewSection]] | None = None
    # Pages (local URLs) this user needs in the field without a connection: the service worker keeps a copy of
    # each for them only (portal/offline.py). Return only pages the user may see; never public pages.
    offline_pages: Callable[[Any], list[str]] | None = None
    # The plugin's labels (state, kind … names shown to users), declared once in its labels.py: a module or a
    # mapping of NAME -> value. Templates of every plugin reach them the same way, ``labels.<plugin>.NAME``, and
    # permission codes as ``perms.<plugin>.<verb>`` (built from ``permissions``); a misspelt name is an error.
    labels: ModuleType | Mapping[str, Any] | None = None
    # Kinds of notices the plugin passes to notify_users(kind=...); users choose which ones come by e-mail too.
    notice_kinds: tuple[NoticeKind, ...] = ()
