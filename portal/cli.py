"""CLI: `flask --app portal portal init|seed-demo|create-user|backup|restore` and `flask i18n ...`."""
from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from sqlalchemy import select

from portal.clock import local_now
from portal.extensions import db

portal_cli = AppGroup("portal", help="Portal administration.")
i18n_cli = AppGroup("i18n", help="Translation catalogs (pybabel).")

ROOT = Path(__file__).resolve().parent.parent


def init_database() -> None:
    """Create or upgrade the schema with the migrations, then sync roles and permissions."""
    from flask_migrate import upgrade

    from portal.roles import sync_roles

    upgrade(directory=str(ROOT / "migrations"))
    sync_roles(current_app)


@portal_cli.command("init")
def init_cmd() -> None:
    """Create or upgrade the database and seed roles."""
    init_database()
    click.echo("Database ready: " + db.engine.url.render_as_string(hide_password=True))


@portal_cli.command("seed-demo")
def seed_demo_cmd() -> None:
    """Load Tam Đường units, one demo user per role, and each enabled plugin's demo data."""
    from portal.audit import set_cli_actor
    from portal.roles import sync_roles
    from portal.seed import demo_password, seed_units, seed_users

    set_cli_actor("seed-demo")
    sync_roles(current_app)
    added = seed_units()
    from portal.seed import CREATED

    password, generated = demo_password(os.environ.get("PORTAL_DEMO_PASSWORD"))
    CREATED.clear()
    seed_users(password)
    db.session.commit()
    for plugin in current_app.extensions["portal"].plugins.values():
        if plugin.seed_demo is not None:
            plugin.seed_demo(password)
            db.session.commit()
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
    """Write a consistent online backup (database + uploads) to a zip file."""
    src = _sqlite_path()
    stamp = local_now().strftime("%Y%m%d-%H%M%S")
    output = output or Path(current_app.instance_path) / "backups" / f"portal-{stamp}.zip"
    output.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        snap = Path(tmp) / "portal.db"
        with sqlite3.connect(src) as source, sqlite3.connect(snap) as target:
            source.backup(target)  # SQLite's online backup: consistent while the portal runs
        with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as zf:
            zf.write(snap, "portal.db")
            uploads = _upload_dir()
            for f in sorted(uploads.rglob("*")):
                if f.is_file():
                    zf.write(f, "uploads/" + f.relative_to(uploads).as_posix())
    click.echo(f"Backup written: {output}")


@portal_cli.command("restore")
@click.argument("archive", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def restore_cmd(archive: Path, yes: bool) -> None:
    """Replace the database and uploads with a backup (stop the portal first)."""
    dest = _sqlite_path()
    with zipfile.ZipFile(archive) as zf:
        names = zf.namelist()
        if "portal.db" not in names:
            raise click.ClickException("not a portal backup (portal.db missing)")
        for name in names:
            if name != "portal.db" and (not name.startswith("uploads/") or ".." in Path(name).parts):
                raise click.ClickException(f"unexpected entry in backup: {name}")
        if not yes:
            click.confirm(f"Replace {dest} and the uploads with {archive.name}?", abort=True)
        db.session.remove()
        db.engine.dispose()
        with tempfile.TemporaryDirectory() as tmp:
            zf.extract("portal.db", tmp)
            with sqlite3.connect(Path(tmp) / "portal.db") as source, sqlite3.connect(dest) as target:
                source.backup(target)
            uploads = _upload_dir()
            for f in uploads.rglob("*"):
                if f.is_file():
                    f.unlink()
            for name in names:
                if name.startswith("uploads/") and not name.endswith("/"):
                    target_path = uploads / name[len("uploads/"):]
                    target_path.parent.mkdir(parents=True, exist_ok=True)
                    target_path.write_bytes(zf.read(name))
    click.echo(f"Restored from {archive}")


def _catalog_sources(area: str) -> tuple[Path, Path]:
    """Return (source folder, translations folder) for "core" or a plugin name."""
    if area == "core":
        return ROOT, ROOT / "translations"
    return ROOT / "plugins" / area, ROOT / "plugins" / area / "translations"


def _pybabel(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "-q", *args], check=True, cwd=ROOT)


@i18n_cli.command("extract")
@click.argument("area", default="core")
def extract_cmd(area: str) -> None:
    """Extract messages of the core (portal/, templates/) or of one plugin into messages.pot."""
    src, trans = _catalog_sources(area)
    trans.mkdir(parents=True, exist_ok=True)
    pot = trans / "messages.pot"
    if area == "core":
        _pybabel("extract", "-F", str(ROOT / "babel.cfg"), "-k", "_l", "-k", "lazy_gettext", "-k", "lazy_pgettext:1c,2",
                 "--no-location", "-o", str(pot), "portal", "templates")
    else:
        _pybabel("extract", "-F", str(ROOT / "babel.cfg"), "-k", "_l", "-k", "lazy_gettext", "-k", "lazy_pgettext:1c,2",
                 "--no-location", "-o", str(pot), str(src.relative_to(ROOT)))
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


@i18n_cli.command("compile")
def compile_cmd() -> None:
    """Compile every catalog (core and plugins) to .mo files."""
    for trans in [ROOT / "translations", *sorted((ROOT / "plugins").glob("*/translations"))]:
        if any(trans.glob("*/LC_MESSAGES/messages.po")):
            _pybabel("compile", "-d", str(trans))
    click.echo("Catalogs compiled.")


def init_app(app: Flask) -> None:
    app.cli.add_command(portal_cli)
    app.cli.add_command(i18n_cli)
