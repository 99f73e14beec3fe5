"""Discover plugins (entry points ∩ PORTAL_PLUGINS), validate them against the contract, register them."""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any
from importlib.metadata import EntryPoint, entry_points
from pathlib import Path, PurePosixPath

from flask import Flask

from portal.plugin import NavItem, Permission, Plugin, PluginError, Widget

GROUP = "portal.plugins"
NAME_RE = re.compile(r"^[a-z][a-z0-9_]*$")
RESERVED = frozenset({"auth", "directory", "dashboard", "portal", "static", "admin", "audit", "i18n", "db", "review"})

EntryPointFinder = Callable[[str], Iterable[EntryPoint]]


@dataclass
class PortalState:
    """Per-app plugin state, kept in ``app.extensions["portal"]`` (never in module globals)."""

    plugins: dict[str, Plugin] = field(default_factory=dict)
    permissions: dict[str, Permission] = field(default_factory=dict)
    nav: list[NavItem] = field(default_factory=list)
    widgets: list[Widget] = field(default_factory=list)
    #: (plugin name, its review_sections) in PORTAL_PLUGINS order
    review_providers: list[tuple[str, Callable[..., Any]]] = field(default_factory=list)


def state(app: Flask) -> PortalState:
    """Return the app's plugin state."""
    return app.extensions["portal"]


def _default_finder(name: str) -> Iterable[EntryPoint]:
    return entry_points(group=GROUP, name=name)


def discover(names: Iterable[str], find: EntryPointFinder = _default_finder) -> list[Plugin]:
    """Load and validate the allow-listed plugins, in order. Raise PluginError on the first problem."""
    loaded: list[Plugin] = []
    seen: set[str] = set()
    for name in names:
        if name in seen:
            raise PluginError(name, "listed twice in PORTAL_PLUGINS")
        seen.add(name)
        if not isinstance(name, str) or not NAME_RE.match(name):
            raise PluginError(str(name), "name must match ^[a-z][a-z0-9_]*$")
        if name in RESERVED:
            raise PluginError(name, "name is reserved for the core")
        eps = list(find(name))
        if not eps:
            raise PluginError(name, f"no entry point named {name!r} in group {GROUP!r} (is it installed?)")
        if len(eps) > 1:
            raise PluginError(name, f"{len(eps)} entry points share this name: " + ", ".join(ep.value for ep in eps))
        ep = eps[0]
        try:
            obj = ep.load()
        except Exception as exc:  # the message must name the plugin, whatever broke
            raise PluginError(name, f"import of {ep.value} failed: {exc!r}") from exc
        validate(obj, name, ep.value.split(":")[0], enabled=[p.name for p in loaded])
        loaded.append(obj)
    return loaded


def _owned_tables(package: str) -> list[str]:
    from portal.extensions import db

    tables = []
    for mapper in db.Model.registry.mappers:
        cls = mapper.class_
        if cls.__module__ == package or cls.__module__.startswith(package + "."):
            table = getattr(cls, "__table__", None)
            if table is not None:
                tables.append(table.name)
    return tables


def validate(plugin: object, name: str, package: str, enabled: list[str]) -> None:
    """Check a loaded object against the contract; raise PluginError naming the broken rule."""
    if not isinstance(plugin, Plugin):
        raise PluginError(name, f"entry point must point at a portal.plugin.Plugin, got {type(plugin).__name__}")
    if plugin.name != name:
        raise PluginError(name, f"Plugin.name is {plugin.name!r} but the entry point is {name!r}")
    if plugin.blueprint.name != name:
        raise PluginError(name, f"blueprint is named {plugin.blueprint.name!r}, must be {name!r}")
    tables = _owned_tables(package)
    for table in tables:
        if not table.startswith(name + "_"):
            raise PluginError(name, f"table {table!r} must start with {name + '_'!r}")
    prefix = name + "."
    for perm in plugin.permissions:
        if not perm.code.startswith(prefix):
            raise PluginError(name, f"permission {perm.code!r} must start with {prefix!r}")
    for kind in plugin.notice_kinds:
        if not kind.code.startswith(prefix):
            raise PluginError(name, f"notice kind {kind.code!r} must start with {prefix!r}")
    for item in (*plugin.nav, *plugin.widgets):
        if not item.endpoint.startswith(prefix):
            raise PluginError(name, f"endpoint {item.endpoint!r} must start with {prefix!r}")
    for key in plugin.default_config:
        if not key.startswith(name.upper() + "_"):
            raise PluginError(name, f"config key {key!r} must start with {name.upper() + '_'!r}")
    _validate_assets(plugin, name)
    if plugin.review_sections is not None and not callable(plugin.review_sections):
        raise PluginError(name, "review_sections must be callable (ReviewContext -> list of ReviewSection)")
    for req in plugin.requires:
        if req not in enabled:
            raise PluginError(name, f"requires plugin {req!r}, which must be enabled before it")
    from portal import schema

    schema.check_plugin(plugin, tables)


def _validate_assets(plugin: Plugin, name: str) -> None:
    files = [(f, ".css") for f in plugin.stylesheets] + [(f, ".js") for f in plugin.scripts]
    if not files:
        return
    folder = plugin.blueprint.static_folder
    if not folder:
        raise PluginError(name, 'declares stylesheets/scripts but its blueprint has no static_folder (static_folder="static")')
    for filename, suffix in files:
        if not isinstance(filename, str) or not filename.endswith(suffix):
            raise PluginError(name, f"asset {filename!r} must be a file name ending in {suffix}")
        path = PurePosixPath(filename)
        if path.is_absolute() or ".." in path.parts or "\\" in filename:
            raise PluginError(name, f"asset {filename!r} must be a path inside the static folder")
        if not (Path(folder) / filename).is_file():
            raise PluginError(name, f"asset {filename!r} not found in {folder}")


def register(app: Flask, plugins: list[Plugin]) -> None:
    """Register config defaults, blueprints, permissions, nav and widgets; run each setup hook."""
    st = state(app)
    for plugin in plugins:
        for key, value in plugin.default_config.items():
            app.config.setdefault(key, value)
        app.register_blueprint(plugin.blueprint, url_prefix=f"/{plugin.name}")
        for perm in plugin.permissions:
            st.permissions[perm.code] = perm
        st.nav.extend(plugin.nav)
        st.widgets.extend(plugin.widgets)
        st.plugins[plugin.name] = plugin
        if plugin.review_sections is not None:
            st.review_providers.append((plugin.name, plugin.review_sections))
        if plugin.setup is not None:
            plugin.setup(app)
    st.nav.sort(key=lambda n: (n.order, str(n.label)))
    st.widgets.sort(key=lambda w: (w.order, str(w.title)))


def load_all_models(find: Callable[[], Iterable[EntryPoint]] | None = None) -> list[str]:
    """Import every installed plugin (enabled or not) so its tables are in the metadata; return their names.

    Alembic's autogenerate and `flask db check` compare these against the migrations of every branch.
    """
    eps = list(find() if find else entry_points(group=GROUP))
    for ep in eps:
        ep.load()
    return [ep.name for ep in eps]
