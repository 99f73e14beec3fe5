"""CLI: `flask --app portal portal init|seed-demo|create-user|backup|restore` and `flask i18n ...`."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from sqlalchemy import select

from portal.clock import utcnow
from portal.extensions import db

portal_cli = AppGroup("portal", help="Portal administration.")
i18n_cli = AppGroup("i18n", help="Translation catalogs (pybabel).")

ROOT = Path(__file__).resolve().parent.parent


def init_database() -> None:
    """Create or upgrade the schema with the migrations, then sync roles and permissions."""
    from portal.roles import sync_roles
    from portal.schema import upgrade_enabled

    upgrade_enabled(current_app)
    created, written = sync_roles(current_app)
    if written:
        click.echo(f"Default grants written or brought up to date: {written}")


@portal_cli.command("init")
def init_cmd() -> None:
    """Create or upgrade the database and seed roles."""
    init_database()
    click.echo("Database ready: " + db.engine.url.render_as_string(hide_password=True))


db_cli = AppGroup("db", help="Schema of the core or of one plugin (its own Alembic branch).")
portal_cli.add_command(db_cli)
PLUGIN_OPTION = click.option("--plugin", "plugin", default=None, metavar="NAME",
                             help="A plugin's branch (default: the core, or for upgrade the core and every enabled plugin).")


def _branch(name: str | None) -> str:
    """Return the Alembic branch label of the core or of an installed plugin with migrations."""
    from portal.schema import CORE_LABEL, installed_plugins

    if name is None:
        return CORE_LABEL
    plugin = installed_plugins(current_app).get(name)
    if plugin is None:
        raise click.ClickException(f"plugin {name!r} is not installed")
    if plugin.migrations is None:
        raise click.ClickException(f"plugin {name!r} has no migrations (Plugin.migrations is not set)")
    return name


@db_cli.command("upgrade")
@PLUGIN_OPTION
@click.argument("revision", default="head")
def db_upgrade_cmd(plugin: str | None, revision: str) -> None:
    """Upgrade one branch to REVISION (default head); without --plugin, the core and every enabled plugin."""
    from flask_migrate import upgrade

    from portal.schema import MIGRATIONS, adopt_legacy_tables, check_known_versions, upgrade_enabled

    if plugin is None and revision == "head":
        done = upgrade_enabled(current_app)
        click.echo("Upgraded: " + ", ".join(done))
        return
    label = _branch(plugin)
    check_known_versions()
    adopt_legacy_tables()
    upgrade(directory=str(MIGRATIONS), revision=revision if "@" in revision else f"{label}@{revision}")
    click.echo(f"Upgraded {label} to {revision}")


@db_cli.command("downgrade")
@PLUGIN_OPTION
@click.argument("revision", default="-1")
def db_downgrade_cmd(plugin: str | None, revision: str) -> None:
    """Downgrade one branch by one revision, or to REVISION ("base" drops all of a plugin's tables)."""
    from flask_migrate import downgrade

    from portal.schema import MIGRATIONS

    label = _branch(plugin)
    downgrade(directory=str(MIGRATIONS), revision=revision if "@" in revision else f"{label}@{revision}")
    click.echo(f"Downgraded {label} to {revision}")


@db_cli.command("history")
@PLUGIN_OPTION
def db_history_cmd(plugin: str | None) -> None:
    """List the revisions of one branch, newest first, marking the one the database is at."""
    from portal.schema import branch_revisions, script_for_app, status

    label = _branch(plugin)
    st = status(label)
    for rev in branch_revisions(script_for_app(), label):
        mark = "  <- database" if rev.revision == st.current else ""
        deps = f" (depends on {', '.join(_tuple(rev.dependencies))})" if rev.dependencies else ""
        click.echo(f"{rev.revision:<20} {rev.doc.splitlines()[0] if rev.doc else ''}{deps}{mark}")
    if st.current is None:
        click.echo(f"(the database has no revision of {label!r}: its tables are not created)")


def _tuple(value: object) -> tuple[str, ...]:
    return (value,) if isinstance(value, str) else tuple(value or ())  # type: ignore[arg-type]


@portal_cli.command("plugins")
def plugins_cmd() -> None:
    """List installed plugins: enabled or not, schema state, catalogs."""
    from portal.i18n import missing_catalogs
    from portal.schema import installed_plugins, status

    def schema_of(label: str) -> str:
        try:
            st = status(label)
        except Exception as exc:  # a listing must not crash on one plugin
            return f"schema unknown: {exc}"
        if st.up_to_date:
            return f"schema up to date ({st.head})"
        return "tables not created" if st.current is None else f"schema at {st.current}, head {st.head}"

    click.echo(f"{'(core)':<14} {'':<8}  {schema_of('portal')}")
    enabled = current_app.extensions["portal"].plugins
    for name, plugin in sorted(installed_plugins(current_app).items()):
        schema = "no tables" if plugin.migrations is None else schema_of(name)
        missing = missing_catalogs(plugin, current_app.config["PORTAL_LANGUAGES"])
        catalogs = "catalogs: " + ("MISSING " + ", ".join(missing) if missing else "ok")
        flag = "enabled " if name in enabled else "disabled"
        click.echo(f"{name:<14} {flag}  {schema}; {catalogs}")


@portal_cli.command("seed-demo")
def seed_demo_cmd() -> None:
    """Load Tam Đường units, one demo user per role, and each enabled plugin's demo data."""
    from portal.audit import set_cli_actor
    from portal.roles import sync_roles
    from portal.seed import demo_password, seed_demo

    set_cli_actor("seed-demo")
    sync_roles(current_app)
    from portal.seed import CREATED

    password, generated = demo_password(os.environ.get("PORTAL_DEMO_PASSWORD"))
    CREATED.clear()
    added = seed_demo(password)
    click.echo(f"Units added: {added}")
    made = list(CREATED)  # every account this run created, the plugins' (council, fund board…) included
    if made:
        lines = [f"  {u:<16} {roles}" for u, roles in made]
        shown = password if not generated else f"{password}  (generated; set PORTAL_DEMO_PASSWORD to choose)"
        text = "Demo accounts (password: " + shown + "):\n" + "\n".join(lines)
        click.echo(text)
        note = Path(current_app.instance_path) / "demo-accounts.txt"
        note.write_text(text + "\n", encoding="utf-8")
        note.chmod(0o600)
    else:
        click.echo("Demo users already exist (see instance/demo-accounts.txt).")


@portal_cli.command("create-user")
@click.argument("username")
@click.option("--password", required=True, help="Initial password (at least 8 characters).")
@click.option("--role", "roles", multiple=True, required=True, help="Role code; repeat for several.")
@click.option("--unit", "unit_code", default=None, help="Unit code the user belongs to.")
@click.option("--name", "full_name", default=None, help="Full name (defaults to the username).")
def create_user_cmd(username: str, password: str, roles: tuple[str, ...], unit_code: str | None, full_name: str | None) -> None:
    """Create a user with roles and an optional unit."""
    from portal.audit import set_cli_actor
    from portal.models import Role, Unit, User
    from portal.roles import sync_roles

    set_cli_actor("cli")
    sync_roles(current_app)
    import re

    if not re.fullmatch(r"[a-z0-9._-]{3,60}", username.lower()):
        raise click.ClickException("username: 3 to 60 letters a-z, digits, dot, dash or underscore")
    if len(password) < 8:
        raise click.ClickException("password must have at least 8 characters")
    if db.session.scalar(select(User).where(User.username == username.lower())):
        raise click.ClickException(f"user {username!r} exists")
    found = {r.code: r for r in db.session.scalars(select(Role).where(Role.code.in_(roles)))}
    missing = [r for r in roles if r not in found]
    if missing:
        raise click.ClickException(f"unknown role(s): {', '.join(missing)}")
    unit = None
    if unit_code:
        unit = db.session.scalar(select(Unit).where(Unit.code == unit_code))
        if unit is None:
            raise click.ClickException(f"unknown unit code {unit_code!r}")
    user = User(username=username.lower(), full_name=full_name or username, unit_id=unit.id if unit else None)
    user.set_password(password)
    user.roles = [found[r] for r in roles]
    db.session.add(user)
    db.session.commit()
    click.echo(f"User {user.username} created.")


def _sqlite_path() -> Path:
    url = db.engine.url
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        raise click.ClickException("backup/restore works on the SQLite database; use pg_dump/pg_restore for PostgreSQL")
    return Path(url.database)


def _upload_dir() -> Path:
    from portal.uploads import upload_folder

    return upload_folder()


@portal_cli.command("backup")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), default=None)
def backup_cmd(output: Path | None) -> None:
    """Write a consistent online backup (database + uploads) to a zip file (readable by the owner only)."""
    from portal.backup import write_backup

    stamp = utcnow().strftime("%Y%m%d-%H%M%SZ")  # a file name, in UTC like every stored time
    output = output or Path(current_app.instance_path) / "backups" / f"portal-{stamp}.zip"
    write_backup(_sqlite_path(), _upload_dir(), output)
    click.echo(f"Backup written: {output}")


@portal_cli.command("restore")
@click.argument("archive", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@click.option("--force", is_flag=True, help="Restore even though portal processes seem to be running.")
def restore_cmd(archive: Path, yes: bool, force: bool) -> None:
    """Replace the database and uploads with a backup, all or nothing (stop the portal first)."""
    from portal.backup import BackupError, check_archive, exclusive, restore

    dest = _sqlite_path()
    try:
        check_archive(archive)
        if not yes:
            click.confirm(f"Replace {dest} and the uploads with {archive.name}?", abort=True)
        db.session.remove()
        db.engine.dispose()
        with exclusive(current_app.instance_path, force):
            restore(archive, dest, _upload_dir())
    except BackupError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Restored from {archive}")


def _catalog_sources(area: str) -> tuple[Path, Path]:
    """Return (source folder, translations folder) for "core" or an installed plugin, wherever it is installed."""
    if area == "core":
        return ROOT, ROOT / "translations"
    from portal.schema import installed_plugins

    plugin = installed_plugins(current_app).get(area)
    if plugin is None:
        raise click.ClickException(f"plugin {area!r} is not installed")
    if plugin.translations is None:
        raise click.ClickException(f"plugin {area!r} declares no translations folder")
    trans = Path(plugin.translations)
    return trans.parent, trans


def _pybabel(*args: str, cwd: Path = ROOT) -> None:
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "-q", *args], check=True, cwd=cwd)


KEYWORDS = ("-k", "_l", "-k", "lazy_gettext", "-k", "lazy_pgettext:1c,2")


@i18n_cli.command("extract")
@click.argument("area", default="core")
def extract_cmd(area: str) -> None:
    """Extract messages of the core (portal/, templates/) or of one plugin into messages.pot."""
    src, trans = _catalog_sources(area)
    trans.mkdir(parents=True, exist_ok=True)
    pot = trans / "messages.pot"
    if area == "core":
        _pybabel("extract", "-F", str(ROOT / "babel.cfg"), *KEYWORDS, "--no-location", "-o", str(pot), "portal", "templates")
    else:  # run beside the plugin's package, so its own paths are what babel.cfg's patterns see
        _pybabel("extract", "-F", str(ROOT / "babel.cfg"), *KEYWORDS, "--no-location", "-o", str(pot), src.name,
                 cwd=src.parent)
    click.echo(f"Wrote {pot}")


@i18n_cli.command("update")
@click.argument("area", default="core")
def update_cmd(area: str) -> None:
    """Merge messages.pot into the vi and en catalogs (creating them when missing)."""
    _, trans = _catalog_sources(area)
    pot = trans / "messages.pot"
    for lang in current_app.config["PORTAL_LANGUAGES"]:
        po = trans / lang / "LC_MESSAGES" / "messages.po"
        if po.exists():
            _pybabel("update", "-i", str(pot), "-d", str(trans), "-l", lang, "--no-fuzzy-matching")
        else:
            _pybabel("init", "-i", str(pot), "-d", str(trans), "-l", lang)


def catalog_folders() -> list[tuple[str, Path]]:
    """The core's translations folder and that of every installed plugin (enabled or not), wherever installed."""
    from portal.schema import installed_plugins

    folders = [("core", ROOT / "translations")]
    for name, plugin in sorted(installed_plugins(current_app).items()):
        if plugin.translations is not None:
            folders.append((name, Path(plugin.translations)))
    return folders


@i18n_cli.command("compile")
def compile_cmd() -> None:
    """Compile the catalogs of the core and of every installed plugin to .mo files, in place.

    A plugin installed from a wheel ships compiled catalogs; its folder is skipped when they are current and
    reported when they are not and cannot be written.
    """
    for name, trans in catalog_folders():
        pos = sorted(trans.glob("*/LC_MESSAGES/messages.po"))
        if not pos:
            continue
        stale = [po for po in pos if not po.with_suffix(".mo").exists()
                 or po.with_suffix(".mo").stat().st_mtime < po.stat().st_mtime]
        if name != "core" and not stale:
            continue
        if not os.access(trans, os.W_OK):
            click.echo(f"{name}: catalogs in {trans} are not compiled and the folder is read-only", err=True)
            continue
        _pybabel("compile", "-d", str(trans))
    click.echo("Catalogs compiled.")


mail_cli = AppGroup("mail", help="The e-mail outbox.")
portal_cli.add_command(mail_cli)


@mail_cli.command("send")
@click.option("--limit", default=500, show_default=True, help="Most mails sent by this run.")
def mail_send_cmd(limit: int) -> None:
    """Send queued e-mail that is due (for cron or a systemd timer, e.g. every 5 minutes)."""
    from portal.notifications import prune_outbox, send_due

    if not current_app.config.get("PORTAL_SMTP_HOST"):
        raise click.ClickException("PORTAL_SMTP_HOST is not set: no mail can be sent")
    result = send_due(limit=limit)
    pruned = prune_outbox(int(current_app.config["PORTAL_MAIL_KEEP_DAYS"]))
    click.echo(f"sent: {result.sent}, to retry: {result.retry}, given up: {result.gave_up}, "
               f"old rows removed: {pruned}")


def init_app(app: Flask) -> None:
    app.cli.add_command(portal_cli)
    app.cli.add_command(i18n_cli)
