"""Loader rules for a plugin's migrations: missing, conflicting or not depending on the core stops start-up with
a message that names the plugin (portal/schema.py check_plugin / check_together)."""
from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from flask import Blueprint

from portal import create_app
from portal.loader import validate
from portal.plugin import Plugin, PluginError
from tests.sample_plugin import plugin as sample

REVISION = '''"""{doc}"""
from alembic import op
import sqlalchemy as sa

revision = {rev!r}
down_revision = {down!r}
branch_labels = {labels!r}
depends_on = {deps!r}


def upgrade():
    op.create_table({table!r}, sa.Column("id", sa.Integer(), primary_key=True))


def downgrade():
    op.drop_table({table!r})
'''


def plugin_with(tmp_path: Path, name: str, *revisions: dict) -> Plugin:
    """A table-less plugin whose migrations folder holds the given revisions."""
    versions = tmp_path / name / "migrations" / "versions"
    versions.mkdir(parents=True)
    for i, spec in enumerate(revisions):
        values = {"doc": f"{name} {i}", "down": None, "labels": None, "deps": None, "table": f"{name}_t{i}", **spec}
        (versions / f"{values['rev']}.py").write_text(REVISION.format(**values))
    return Plugin(name=name, title=name, blueprint=Blueprint(name, __name__), migrations=versions.parent)


def refused(plugin: Plugin, package: str = __name__) -> str:
    with pytest.raises(PluginError) as err:
        validate(plugin, plugin.name, package, enabled=[])
    assert err.value.plugin == plugin.name
    return str(err.value)


def test_a_well_formed_branch_passes(tmp_path):
    plugin = plugin_with(tmp_path, "good", {"rev": "good_0001", "labels": ("good",), "deps": "0002"},
                         {"rev": "good_0002", "down": "good_0001"})
    validate(plugin, "good", __name__, enabled=[])


def test_tables_without_migrations(tmp_path):
    message = refused(dataclasses.replace(sample, migrations=None), "tests.sample_plugin")
    assert "plugin 'sample': has tables (sample_note) but no Plugin.migrations" in message


def test_missing_migrations_folder(tmp_path):
    message = refused(dataclasses.replace(sample, migrations=tmp_path / "nowhere"), "tests.sample_plugin")
    assert message.startswith("plugin 'sample': migrations are missing: no revision files in")


def test_branch_not_depending_on_the_core(tmp_path):
    message = refused(plugin_with(tmp_path, "lone", {"rev": "lone_0001", "labels": ("lone",)}))
    assert "plugin 'lone': migration branch does not depend on the core: set depends_on in lone_0001" in message


def test_branch_hung_under_a_core_revision(tmp_path):
    message = refused(plugin_with(tmp_path, "hang", {"rev": "hang_0001", "labels": ("hang",), "down": "0002"}))
    assert "plugin 'hang'" in message and "exactly one base revision" in message


def test_base_without_the_plugins_label(tmp_path):
    message = refused(plugin_with(tmp_path, "nolabel", {"rev": "nolabel_0001", "deps": "0002"}))
    assert "plugin 'nolabel': migrations must have exactly one base revision" in message
    assert "branch_labels = ('nolabel',)" in message


def test_revision_revising_something_foreign(tmp_path):
    message = refused(plugin_with(tmp_path, "odd", {"rev": "odd_0001", "labels": ("odd",), "deps": "0002"},
                                  {"rev": "odd_0002", "down": ("odd_0001", "0001")}))
    assert "plugin 'odd': migration odd_0002 revises 0001, which is not one of the plugin's" in message


def test_two_heads_conflict(tmp_path):
    message = refused(plugin_with(tmp_path, "fork", {"rev": "fork_0001", "labels": ("fork",), "deps": "0002"},
                                  {"rev": "fork_0002a", "down": "fork_0001"}, {"rev": "fork_0002b", "down": "fork_0001"}))
    assert "plugin 'fork': migrations conflict: 2 heads (fork_0002a, fork_0002b)" in message


def test_revision_id_taken_by_the_core(tmp_path):
    message = refused(plugin_with(tmp_path, "clash", {"rev": "0001", "labels": ("clash",), "deps": "0002"}))
    assert "plugin 'clash': migrations conflict with the core's" in message and "0001" in message


def test_two_plugins_with_the_same_revision_id_stop_start_up(tmp_path):
    one = plugin_with(tmp_path, "one", {"rev": "shared_0001", "labels": ("one",), "deps": "0002"})
    two = plugin_with(tmp_path, "two", {"rev": "shared_0001", "labels": ("two",), "deps": "0002"})
    with pytest.raises(PluginError) as err:
        create_app({"TESTING": True, "SECRET_KEY": "x" * 32, "SQLALCHEMY_DATABASE_URI": "sqlite://"}, plugins=[one, two])
    assert "migrations conflict" in str(err.value) and "shared_0001" in str(err.value)
    assert err.value.plugin in {"one", "two"}


def test_broken_revision_file(tmp_path):
    plugin = plugin_with(tmp_path, "broken", {"rev": "broken_0001", "labels": ("broken",), "deps": "0002"})
    (Path(plugin.migrations) / "versions" / "broken_0001.py").write_text("revision = 'broken_0001'\nthis is not python\n")
    message = refused(plugin)
    assert message.startswith("plugin 'broken': migrations in") and "do not load" in message


def test_missing_catalog_is_logged_and_listed(tmp_path, caplog, monkeypatch):
    """The sample plugin declares a translations folder that holds no compiled catalog."""
    monkeypatch.setenv("PORTAL_INSTANCE_PATH", str(tmp_path))
    app = create_app({"TESTING": True, "SECRET_KEY": "x" * 32, "SQLALCHEMY_DATABASE_URI": "sqlite://"}, plugins=[sample])
    assert any("plugin 'sample': no compiled catalog for vi" in r.getMessage() and r.levelname == "WARNING"
               for r in caplog.records), [r.getMessage() for r in caplog.records]
    out = app.test_cli_runner().invoke(args=["portal", "plugins"]).output
    (line,) = [line for line in out.splitlines() if line.startswith("sample")]
    assert "enabled" in line and "catalogs: MISSING vi" in line, out
    assert out.startswith("(core)") and "tables not created" in out.splitlines()[0]  # an empty database
    assert all("catalogs: ok" in line for line in out.splitlines()[1:] if not line.startswith("sample")), out
