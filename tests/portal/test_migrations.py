"""The migrations build the schema the models describe, per branch (core, each plugin), on SQLite and PostgreSQL;
an upgrade keeps existing rows, also from the release where the core's 0002 held every plugin's tables.

The test app (tests/conftest.py) builds its schema with db.create_all() for speed; these tests are the ones that
run the real migration path of the core and of every installed plugin."""
from __future__ import annotations

import base64
import datetime as dt
import gzip
import json
import os
from decimal import Decimal
from importlib.metadata import entry_points
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade
from sqlalchemy import MetaData, create_engine, select, text

import portal.loader
from portal import create_app
from portal.extensions import db
from portal.i18n import vi_sort_text

MIGRATIONS = str(Path(__file__).resolve().parents[2] / "migrations")
LEGACY = Path(__file__).resolve().parent / "legacy_0002"  # migrations/ as released at 8ef7f5f (frozen)
PLUGINS = sorted(ep.name for ep in entry_points(group="portal.plugins"))
CORE_PREFIXES = ("portal_", "directory_")
PG_URL = os.environ.get("TEST_DATABASE_URL", "")


def _backends() -> list[pytest.param]:
    params = [pytest.param("sqlite", id="sqlite")]
    pg = pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres)
    if not PG_URL.startswith("postgresql"):
        pg = pytest.param("postgresql", id="postgresql", marks=pytest.mark.skip(reason="TEST_DATABASE_URL is not PostgreSQL"))
    return params + [pg]


def _reset_pg() -> None:
    engine = create_engine(PG_URL)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture
def empty_db(request, tmp_path, monkeypatch):
    """Yield a factory for an app on an empty database of the wanted backend."""
    monkeypatch.setenv("PORTAL_INSTANCE_PATH", str(tmp_path / "instance"))
    backend = request.param
    url = "sqlite:///" + str(tmp_path / "migrated.db") if backend == "sqlite" else PG_URL
    if backend == "postgresql":
        _reset_pg()

    apps = []

    def make(plugins: list[str] | None = None):
        app = create_app({"TESTING": True, "SECRET_KEY": "x" * 32, "SQLALCHEMY_DATABASE_URI": url,
                          "PORTAL_PLUGINS": plugins or []})
        apps.append(app)
        return app

    yield make
    for app in apps:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()  # close pooled connections now, not at garbage collection
    if backend == "postgresql":
        _reset_pg()  # leave an empty schema: the other tests create their tables themselves


def _differences(app, prefixes: tuple[str, ...]) -> list:
    def table_of(obj, type_):
        if type_ == "table":
            return obj.name
        table = getattr(obj, "table", None)
        return table.name if table is not None else ""

    def include(obj, name, type_, reflected, compare_to):
        return table_of(obj, type_).startswith(prefixes)

    with app.app_context(), db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True, "include_object": include})
        return compare_metadata(context, db.metadata)


def _tables(app) -> set[str]:
    with app.app_context(), db.engine.connect() as conn:
        return set(db.inspect(conn).get_table_names()) - {"alembic_version"}


def _versions(app) -> set[str]:
    with app.app_context(), db.engine.connect() as conn:
        return set(conn.execute(text("SELECT version_num FROM alembic_version")).scalars())


def _counts(app) -> dict[str, int]:
    with app.app_context(), db.engine.connect() as conn:
        return {t: conn.execute(text(f'SELECT count(*) FROM "{t}"')).scalar_one() for t in sorted(_tables(app))}


def _init(app) -> str:
    result = app.test_cli_runner().invoke(args=["portal", "init"])
    assert result.exit_code == 0, (result.output, result.exception)
    return result.output


@pytest.mark.parametrize("empty_db", _backends(), indirect=True)
def test_core_tables_match_the_migrations(empty_db, monkeypatch):
    """Core only: passes while plugins are still being written (their models are not imported)."""
    monkeypatch.setattr(portal.loader, "load_all_models", lambda find=None: [])
    app = empty_db()
    with app.app_context():
        upgrade(directory=MIGRATIONS, revision="portal@head")
    diff = _differences(app, CORE_PREFIXES)
    assert diff == [], diff
    assert {"portal_user", "portal_role", "portal_audit", "directory_unit", "directory_unit_name"} <= _tables(app)
    assert not [t for t in _tables(app) if t.startswith(tuple(f"{n}_" for n in PLUGINS))]


@pytest.mark.parametrize("empty_db", _backends(), indirect=True)
def test_each_plugin_branch_creates_exactly_its_models(empty_db):
    """`portal init` with one plugin enabled: the core and that plugin's tables, equal to their models, and
    no table of another plugin. Every installed plugin in turn, on one database (each adds only its own)."""
    app = empty_db()
    _init(app)
    before = _tables(app)
    for name in PLUGINS:
        app = empty_db([name])
        _init(app)
        after = _tables(app)
        assert after - before and all(t.startswith(name + "_") for t in after - before), (name, after - before)
        assert _differences(app, CORE_PREFIXES + (name + "_",)) == [], name
        before = after
    assert _differences(app, CORE_PREFIXES + tuple(f"{n}_" for n in PLUGINS)) == []
    result = app.test_cli_runner().invoke(args=["db", "check"])  # Flask-Migrate's own models == migrations check
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("empty_db", _backends(), indirect=True)
def test_enabling_a_plugin_later_creates_only_its_tables_and_disabling_keeps_them(empty_db):
    app = empty_db(["reports"])
    _init(app)
    with app.app_context(), db.engine.begin() as conn:
        conn.execute(text("INSERT INTO reports_form (id, name, created_at) VALUES (1, 'Báo cáo giảm nghèo', '2024-11-05 08:00:00')"))
    before = _counts(app)
    assert not [t for t in before if t.startswith("fund_")]

    app = empty_db(["reports", "fund"])
    _init(app)
    after = _counts(app)
    new = set(after) - set(before)
    assert new and all(t.startswith("fund_") for t in new), new
    # nothing else touched, except that init writes the new plugin's permissions and default grants (audited)
    grants = {"portal_known_permission", "portal_role_grant", "portal_audit"}
    assert {t: after[t] for t in before if t not in grants} == {t: n for t, n in before.items() if t not in grants}
    assert all(after[t] > before[t] for t in grants)

    app = empty_db([])  # disabled: the tables and their rows stay, start-up and init still work
    _init(app)
    assert set(_counts(app)) == set(after) and _counts(app)["reports_form"] == 1
    out = app.test_cli_runner().invoke(args=["portal", "plugins"]).output
    assert "fund           disabled  schema up to date" in out, out


@pytest.mark.parametrize("empty_db", _backends(), indirect=True)
def test_plugin_downgrade_and_upgrade_touch_only_that_plugin(empty_db):
    app = empty_db(["awards", "fund"])
    _init(app)
    everything = _tables(app)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["portal", "db", "downgrade", "--plugin", "fund", "base"])
    assert result.exit_code == 0, (result.output, result.exception)
    assert _tables(app) == {t for t in everything if not t.startswith("fund_")}
    history = runner.invoke(args=["portal", "db", "history", "--plugin", "fund"]).output
    assert "fund_0001" in history and "not created" in history, history
    assert not [line for line in history.splitlines() if line.startswith(("0001", "0002"))], history  # core not listed
    result = runner.invoke(args=["portal", "db", "upgrade", "--plugin", "fund"])
    assert result.exit_code == 0, (result.output, result.exception)
    assert _tables(app) == everything
    assert "fund_0001" in runner.invoke(args=["portal", "db", "history", "--plugin", "fund"]).output
    assert runner.invoke(args=["portal", "db", "history", "--plugin", "nope"]).exit_code != 0


@pytest.mark.parametrize("empty_db", _backends(), indirect=True)
def test_an_upgrade_keeps_existing_rows(empty_db, monkeypatch):
    monkeypatch.setattr(portal.loader, "load_all_models", lambda find=None: [])
    app = empty_db()
    with app.app_context():
        upgrade(directory=MIGRATIONS, revision="0001")
        with db.engine.begin() as conn:
            conn.execute(text(
                "INSERT INTO directory_unit (id, code, name, search_name, kind, is_sample, valid_from) "
                "VALUES (1, 'xa-ban-bo', 'Xã Bản Bo', 'xa ban bo', 'commune', false, '2021-01-01')"
            ))
            conn.execute(text(
                "INSERT INTO portal_user (id, username, full_name, password_hash, active, unit_id, created_at) "
                "VALUES (1, 'banbo', 'Lù Văn Bản', 'x', true, 1, '2024-11-05 08:00:00')"
            ))
        upgrade(directory=MIGRATIONS, revision="portal@head")
        with db.engine.connect() as conn:
            version = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
            units = conn.execute(text("SELECT code, name FROM directory_unit")).all()
            users = conn.execute(text("SELECT username, unit_id FROM portal_user")).all()
            sort_key = conn.execute(text("SELECT sort_key FROM directory_unit")).scalar()
    assert version and units == [("xa-ban-bo", "Xã Bản Bo")] and users == [("banbo", 1)]
    assert sort_key == vi_sort_text("Xã Bản Bo")  # 0007 backfills the key of existing units


def _decode(value):
    """Values of demo_rows.json.gz: dates, datetimes, decimals and bytes are tagged, the rest is JSON."""
    if isinstance(value, dict) and len(value) == 1:
        (tag, raw), = value.items()
        if tag == "__dt__":
            return dt.datetime.fromisoformat(raw)
        if tag == "__d__":
            return dt.date.fromisoformat(raw)
        if tag == "__dec__":
            return Decimal(raw)
        if tag == "__b64__":
            return base64.b64decode(raw)
    return value


def _load_previous_release(app) -> dict[str, set]:
    """Build the previous release's database: its own migrations (run by plain Alembic), then its demo rows.

    Return the primary keys of every table, to compare after the upgrade.
    """
    from alembic import command
    from alembic.config import Config

    dump = json.loads(gzip.decompress((LEGACY / "demo_rows.json.gz").read_bytes()))
    with app.app_context():
        old = Config()
        old.set_main_option("script_location", str(LEGACY))
        command.upgrade(old, "head")
        with db.engine.begin() as conn:
            meta = MetaData()
            meta.reflect(conn)
            for table in meta.sorted_tables:  # parents before children
                if table.name in dump:
                    cols = dump[table.name]["columns"]
                    rows = [dict(zip(cols, map(_decode, row))) for row in dump[table.name]["rows"]]
                    if rows:
                        conn.execute(table.insert(), rows)
            if conn.dialect.name == "postgresql":  # explicit ids leave the sequences behind
                for table in meta.sorted_tables:
                    if "id" in table.c and table.c.id.autoincrement and dump.get(table.name, {}).get("rows"):
                        conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                                          f"(SELECT max(id) FROM \"{table.name}\"))"))
    assert _versions(app) == {"0002"}
    return _keys(app)


def _keys(app) -> dict[str, set]:
    with app.app_context(), db.engine.connect() as conn:
        meta = MetaData()
        meta.reflect(conn)
        out = {}
        for table in meta.sorted_tables:
            if table.name != "alembic_version":
                key = list(table.primary_key.columns) or list(table.columns)
                out[table.name] = {tuple(r) for r in conn.execute(select(*key))}
        return out


@pytest.mark.parametrize("empty_db", _backends(), indirect=True)
def test_a_database_of_the_previous_release_keeps_every_row(empty_db, monkeypatch):
    """The release where core revision 0002 created every plugin's tables, with every plugin's demo data (frozen in
    tests/portal/legacy_0002): `portal init` of this release adopts those tables (stamps each plugin's base
    revision), keeps every row of every table, leaves a schema equal to the models, and the data stays usable."""
    app = empty_db(PLUGINS)
    before = _load_previous_release(app)
    assert sum(map(len, before.values())) == 2795
    assert all(before[t] for t in ("reports_submission", "inspections_answer", "awards_nomination", "fund_contribution"))

    out = _init(app)
    assert "Database ready" in out
    after = _keys(app)
    # New permissions of this release add their grants (and audit entries); every other table is row for row the same.
    grown = {"portal_known_permission", "portal_role_grant", "portal_audit"}
    assert ({t: len(k) for t, k in after.items() if t in before and t not in grown}
            == {t: len(k) for t, k in before.items() if t not in grown})
    assert all(after[t] >= before[t] for t in before)  # the very same rows, by primary key
    assert all(any(v.startswith(f"{n}_") for v in _versions(app)) for n in PLUGINS)  # every branch applied
    assert _differences(app, CORE_PREFIXES + tuple(f"{n}_" for n in PLUGINS)) == []
    status = app.test_cli_runner().invoke(args=["portal", "plugins"]).output
    assert all(f"{n:<14} enabled   schema up to date" in status for n in PLUGINS), status

    _init(app)  # a second init is a no-op
    monkeypatch.setenv("PORTAL_DEMO_PASSWORD", "demo-password-2024")
    result = app.test_cli_runner().invoke(args=["portal", "seed-demo"])  # today's code reads and extends the old data
    assert result.exit_code == 0, (result.output, result.exception)
    # the old demo's people are kept; only what the previous release lacked is added (the units of 01/07/2025 and
    # their accounts), each account printed once
    assert "  admin " not in result.output and result.output.count("  vhxh_binhlu ") == 1
    final = _keys(app)
    assert all(final[t] >= before[t] for t in before)


@pytest.mark.parametrize("empty_db", ["sqlite"], indirect=True)
def test_tables_without_recorded_migrations_are_named(empty_db):
    """A plugin whose tables exist (made by hand or create_all) but whose branch was never applied: init says so."""
    app = empty_db()
    _init(app)
    with app.app_context(), db.engine.begin() as conn:
        conn.execute(text("CREATE TABLE fund_year (id INTEGER PRIMARY KEY)"))
    app = empty_db(["fund"])
    result = app.test_cli_runner().invoke(args=["portal", "init"])
    assert result.exit_code != 0
    message = str(result.exception)
    assert "plugin 'fund': tables fund_year exist but none of its migrations is recorded as applied" in message
    assert "(and fund_attachment, fund_campaign," in message and "db stamp fund_0001" in message
