"""Schema per plugin: the core's Alembic history plus one branch per plugin, found through ``Plugin.migrations``.

Layout (see README, "Write a plugin"):

- core: ``migrations/versions/``, branch label ``portal`` (on 0001), revisions ``0001``, ``0002``, ... in one line;
- plugin ``<name>``: ``<package>/migrations/versions/``, one base revision with ``branch_labels = ("<name>",)``,
  ``down_revision = None`` and ``depends_on`` = a core revision; later revisions follow it in one line.

Every installed plugin's branch is on the version path (a disabled plugin's rows in ``alembic_version`` must
resolve), but ``flask portal init`` upgrades only the core and the *enabled* plugins. Disabling a plugin keeps its
tables; enabling it later creates them on the next init.
"""
from __future__ import annotations

import logging
import re
import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib.metadata import entry_points
from pathlib import Path

from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import Script, ScriptDirectory
from flask import Flask, current_app
from sqlalchemy import inspect

from portal.extensions import db, migrate
from portal.plugin import Plugin, PluginError

ROOT = Path(__file__).resolve().parent.parent
MIGRATIONS = ROOT / "migrations"
CORE_VERSIONS = MIGRATIONS / "versions"
CORE_LABEL = "portal"
CORE_TABLE_PREFIXES = ("portal_", "directory_")  # the core's tables; a plugin's start with "<name>_"

log = logging.getLogger(__name__)


def versions_dir(plugin: Plugin) -> Path | None:
    return Path(plugin.migrations) / "versions" if plugin.migrations is not None else None


def _fingerprint(folder: Path) -> tuple[tuple[str, int], ...]:
    return tuple(sorted((p.name, p.stat().st_mtime_ns) for p in folder.glob("*.py"))) if folder.is_dir() else ()


@lru_cache(maxsize=64)
def _load(locations: tuple[str, ...], _stamp: tuple) -> tuple[ScriptDirectory, tuple[str, ...]]:
    """Parse the revisions in ``locations``; return the script directory and the ids Alembic saw twice."""
    script = ScriptDirectory(str(MIGRATIONS), version_locations=list(locations))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        script.revision_map.heads  # noqa: B018 -- builds the map, which reports duplicate ids as warnings
    twice = tuple(str(w.message) for w in caught if "present more than once" in str(w.message))
    return script, twice


def script_directory(locations: Iterable[Path]) -> tuple[ScriptDirectory, tuple[str, ...]]:
    locs = tuple(str(p) for p in locations)
    return _load(locs, tuple(_fingerprint(Path(p)) for p in locs))


_REVISION_RE = re.compile(r"^revision\s*(?::\s*str\s*)?=\s*['\"]([^'\"]+)['\"]", re.M)


def revision_ids(folder: Path) -> dict[str, str]:
    """Revision id -> file name, read from the files' text (before Alembic, which stops at the first clash)."""
    ids: dict[str, str] = {}
    for path in sorted(folder.glob("*.py")):
        m = _REVISION_RE.search(path.read_text(encoding="utf-8", errors="replace"))
        if m:
            ids.setdefault(m.group(1), path.name)
    return ids


def _revisions_in(script: ScriptDirectory, folder: Path) -> list[Script]:
    return [r for r in script.walk_revisions() if Path(r.path).resolve().parent == folder.resolve()]


# --- contract: checked at start-up for every enabled plugin --------------------------------------------------

def check_plugin(plugin: Plugin, tables: list[str]) -> None:
    """Raise PluginError unless the plugin's migrations form one branch of its own that depends on the core."""
    name = plugin.name
    folder = versions_dir(plugin)
    if folder is None:
        if tables:
            raise PluginError(name, f"has tables ({', '.join(sorted(tables))}) but no Plugin.migrations: "
                                    "its schema would never be created")
        return
    if not any(folder.glob("*.py")):
        raise PluginError(name, f"migrations are missing: no revision files in {folder}")
    taken = sorted(set(revision_ids(folder)) & set(revision_ids(CORE_VERSIONS)))
    if taken:
        raise PluginError(name, f"migrations conflict with the core's: revision id(s) {', '.join(taken)} already used by "
                                "the core (name plugin revisions <plugin>_NNNN)")
    try:
        script, twice = script_directory([CORE_VERSIONS, folder])
        own = _revisions_in(script, folder)
        core_ids = {r.revision for r in _revisions_in(script, CORE_VERSIONS)}
    except Exception as exc:  # alembic raises many kinds; the message must name the plugin
        raise PluginError(name, f"migrations in {folder} do not load: {exc}") from exc
    if twice:
        raise PluginError(name, "migrations conflict with the core's: " + "; ".join(twice))
    own_ids = {r.revision for r in own}
    bases = [r for r in own if not r.down_revision]
    if len(bases) != 1 or name not in (bases[0].branch_labels or ()):
        raise PluginError(name, f"migrations must have exactly one base revision (down_revision = None) with "
                                f"branch_labels = ({name!r},); found {len(bases)}: "
                                + ", ".join(f"{r.revision} {tuple(r.branch_labels or ())}" for r in bases))
    for rev in own:
        for down in _as_tuple(rev.down_revision):
            if down not in own_ids:
                raise PluginError(name, f"migration {rev.revision} revises {down}, which is not one of the plugin's "
                                        "(name core revisions in depends_on, not down_revision)")
    base = bases[0]
    deps = set(_as_tuple(base.dependencies))
    if not deps & core_ids:
        raise PluginError(name, f"migration branch does not depend on the core: set depends_on in {base.revision} "
                                f"to a core revision (one of {', '.join(sorted(core_ids))})")
    heads = [r.revision for r in own if not r.nextrev]
    if len(heads) != 1:
        raise PluginError(name, f"migrations conflict: {len(heads)} heads ({', '.join(sorted(heads))}); "
                                f"merge them with `flask db merge` in {folder}")


def check_together(plugins: Iterable[Plugin]) -> None:
    """Raise PluginError when two plugins' revision ids clash (each branch alone may be fine)."""
    plugins = [p for p in plugins if versions_dir(p) is not None]
    if len(plugins) < 2:
        return
    owner: dict[str, str] = {}
    for p in plugins:
        for rev in revision_ids(versions_dir(p)):  # type: ignore[arg-type]
            if rev in owner:
                raise PluginError(p.name, f"migrations conflict: revision id {rev!r} is also used by plugin {owner[rev]!r}")
            owner[rev] = p.name
    _, twice = script_directory([CORE_VERSIONS, *(versions_dir(p) for p in plugins)])  # type: ignore[misc]
    if twice:
        names = [p.name for p in plugins if any(str(versions_dir(p)) in t for t in twice)]
        raise PluginError(names[0] if names else plugins[0].name, "migrations conflict: " + "; ".join(twice))


def _as_tuple(value: str | Iterable[str] | None) -> tuple[str, ...]:
    if not value:
        return ()
    return (value,) if isinstance(value, str) else tuple(value)


# --- which branches are on the version path ---------------------------------------------------------------------

def installed_plugins(app: Flask) -> dict[str, Plugin]:
    """Enabled plugins plus every installed one that imports (a disabled plugin keeps its schema history)."""
    from portal.loader import GROUP, state

    found: dict[str, Plugin] = {}
    for ep in entry_points(group=GROUP):
        try:
            obj = ep.load()
        except Exception as exc:  # a broken disabled plugin must not stop the others' migrations
            log.warning("plugin %r: not importable (%r); its migrations are left out", ep.name, exc)
            continue
        if isinstance(obj, Plugin) and obj.name == ep.name:
            found[ep.name] = obj
    found.update(state(app).plugins)
    return found


def version_locations(app: Flask) -> list[Path]:
    plugins = installed_plugins(app).values()
    return [CORE_VERSIONS, *(d for p in plugins if (d := versions_dir(p)) is not None and d.is_dir())]


@migrate.configure
def _configure(config: Config) -> Config:
    """Put every plugin branch on the version path, for `flask db ...` and for this module alike."""
    locations = version_locations(current_app)
    config.set_main_option("path_separator", "os")
    config.set_main_option("version_locations", _join(locations))
    return config


def _join(paths: Iterable[Path]) -> str:
    import os

    return os.pathsep.join(str(p).replace("%", "%%") for p in paths)


# --- status and upgrade ------------------------------------------------------------------------------------------

def applied_heads() -> tuple[str, ...]:
    with db.engine.connect() as conn:
        return tuple(MigrationContext.configure(conn).get_current_heads())


def script_for_app() -> ScriptDirectory:
    script, twice = script_directory(version_locations(current_app))
    if twice:  # installed-but-disabled plugins are not checked at start-up; say which files clash
        raise PluginError("migrations", "revision ids used twice: " + "; ".join(twice))
    return script


def branch_revisions(script: ScriptDirectory, label: str) -> list[Script]:
    """Revisions of one branch (its down_revision line, not the revisions it depends on), newest first."""
    ids = _on_branch(script, label)
    return [r for r in script.iterate_revisions(f"{label}@head", "base") if r.revision in ids]


def _on_branch(script: ScriptDirectory, label: str) -> set[str]:
    try:
        head = script.get_revision(f"{label}@head")
    except Exception:
        return set()
    ids: set[str] = set()
    todo = [head.revision] if head else []
    while todo:
        rev = script.get_revision(todo.pop())
        if rev is None or rev.revision in ids:
            continue
        ids.add(rev.revision)
        todo.extend(_as_tuple(rev.down_revision))
    return ids


def _applied_closure(script: ScriptDirectory, heads: Iterable[str]) -> set[str]:
    """Every revision the database has passed: the applied heads and all they revise or depend on.

    Alembic keeps only heads in alembic_version: once a plugin branch depending on core 0002 is applied, the
    core's row is folded into it.
    """
    done: set[str] = set()
    for h in heads:
        done |= {r.revision for r in script.iterate_revisions(h, "base")}
    return done


@dataclass(frozen=True)
class BranchStatus:
    label: str
    head: str  # newest revision in the code
    current: str | None  # revision the database is at on this branch (None: not created)

    @property
    def up_to_date(self) -> bool:
        return self.current == self.head


def status(label: str) -> BranchStatus:
    script = script_for_app()
    head = script.get_revision(f"{label}@head").revision
    passed = _applied_closure(script, applied_heads())
    current = next((r.revision for r in branch_revisions(script, label) if r.revision in passed), None)
    return BranchStatus(label, head, current)


def check_known_versions() -> None:
    """Stop with a clear message when the database holds a revision no installed code knows."""
    script = script_for_app()
    unknown = [v for v in applied_heads() if _safe_get(script, v) is None]
    if unknown:
        raise PluginError(unknown[0].split("_")[0], f"the database is at revision(s) {', '.join(unknown)}, which no "
                          "installed migration knows: install that plugin again (or a newer portal), then retry")


def _safe_get(script: ScriptDirectory, rev: str) -> Script | None:
    try:
        return script.get_revision(rev)
    except Exception:
        return None


_CREATE_RE = re.compile(r"create_table\(\s*['\"]([A-Za-z0-9_]+)['\"]")


def created_tables(rev: Script) -> set[str]:
    """The tables a revision file creates (read from its text)."""
    return set(_CREATE_RE.findall(Path(rev.path).read_text(encoding="utf-8")))


def adopt_legacy_tables() -> list[str]:
    """Stamp (not run) a plugin branch's base revision where the database already has its tables from the core.

    Databases made before plugins owned their migrations are at core revision 0002, which created the tables
    of the four shipped plugins. Each of those plugins' base revision says ``adopted_from = "0002"``. For a
    branch with no applied revision, whose ``adopted_from`` is at or below the core's current revision and all of
    whose base tables exist, the base is stamped so the next upgrade continues from there. An enabled plugin with
    some tables but no applied revision otherwise stops init with its name. Return the stamped ids.
    """
    from flask_migrate import stamp

    from portal.loader import state

    heads = applied_heads()
    if not heads:
        return []
    script = script_for_app()
    passed = _applied_closure(script, heads)
    with db.engine.connect() as conn:
        tables = set(inspect(conn).get_table_names())
    stamped = []
    for name, plugin in installed_plugins(current_app).items():
        if versions_dir(plugin) is None:
            continue
        ids = _on_branch(script, name)
        if not ids or ids & passed:
            continue
        base = next(r for r in branch_revisions(script, name) if not r.down_revision)
        adopted = getattr(base.module, "adopted_from", None)
        existing = {t for t in tables if t.startswith(name + "_")}
        if not existing:
            continue
        expected = created_tables(base)
        if adopted and adopted in passed and expected and expected <= tables:
            stamped.append(base.revision)
        elif name in state(current_app).plugins:  # its upgrade would fail on "table exists": say why instead
            missing = sorted(expected - tables)
            raise PluginError(name, f"tables {', '.join(sorted(existing))} exist but none of its migrations is recorded "
                                    "as applied" + (f" (and {', '.join(missing)} are missing)" if missing else "")
                                    + f"; check them against {base.revision}, then run "
                                    f"`flask --app portal db stamp {base.revision}` or drop them")
    if stamped:
        stamp(directory=str(MIGRATIONS), revision=stamped)
        log.warning("adopted plugin tables made by core revision 0002: stamped %s", ", ".join(stamped))
    return stamped


def upgrade_enabled(app: Flask) -> list[str]:
    """Upgrade the core and every enabled plugin that has migrations; return the branches upgraded."""
    from flask_migrate import upgrade

    from portal.loader import state

    check_known_versions()
    adopt_legacy_tables()
    upgrade(directory=str(MIGRATIONS), revision=f"{CORE_LABEL}@head")
    done = [CORE_LABEL]
    for name, plugin in state(app).plugins.items():
        if plugin.migrations is not None:
            upgrade(directory=str(MIGRATIONS), revision=f"{name}@head")
            done.append(name)
    return done
