"""The CLI names the README relies on: portal init, seed-demo, create-user, backup and restore (SQLite file)."""
from __future__ import annotations

import re
import sqlite3
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import func, select

import portal.loader
from portal import create_app
from portal.extensions import db
from portal.models import Role, Unit, User

CORE_DEMO_USERS = {"admin", "thuongtruc", "noivu", "hoidong", "mttq", "banbo", "binhlu", "kiemtra", "lanhdao",
                   # the bodies of the communes formed on 01/07/2025
                   "vhxh_binhlu", "ubnd_binhlu", "ubnd_banbo", "ubnd_taleng", "kiemtra_binhlu", "chutich_binhlu"}


@pytest.fixture
def cli_app(tmp_path, monkeypatch):
    """An app on its own SQLite file, no plugins; migrations see only the core (plugins are tested elsewhere)."""
    monkeypatch.setenv("PORTAL_INSTANCE_PATH", str(tmp_path / "instance"))
    monkeypatch.delenv("PORTAL_DEMO_PASSWORD", raising=False)
    monkeypatch.setattr(portal.loader, "load_all_models", lambda find=None: [])
    app = create_app({
        "TESTING": True, "SECRET_KEY": "x" * 32, "PORTAL_PLUGINS": [], "WTF_CSRF_ENABLED": False,
        "SQLALCHEMY_DATABASE_URI": "sqlite:///" + str(tmp_path / "portal.db"),
        "PORTAL_UPLOAD_FOLDER": str(tmp_path / "uploads"),
    })
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def cli(cli_app):
    runner = cli_app.test_cli_runner()

    def run(*args, ok=True, **kw):
        result = runner.invoke(args=["portal", *args], **kw)
        if ok:
            assert result.exit_code == 0, result.output + repr(result.exception)
        return result

    return run


def _count(app, model, *where):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_init_creates_the_schema_and_roles_twice_without_harm(cli_app, cli):
    assert "Database ready" in cli("init").output
    cli("init")
    with cli_app.app_context():
        assert {r.code for r in db.session.scalars(select(Role))} >= {"admin", "unit_reporter", "leadership"}
        admin = db.session.scalar(select(Role).where(Role.code == "admin"))
        assert {"portal.admin", "portal.audit", "directory.edit"} <= {g.permission for g in admin.grants}


def test_seed_demo_with_a_chosen_password_is_idempotent(cli_app, cli, monkeypatch):
    cli("init")
    monkeypatch.setenv("PORTAL_DEMO_PASSWORD", "demo-mat-khau-1")
    first = cli("seed-demo").output
    assert "Units added: 47" in first and "demo-mat-khau-1" in first and "generated" not in first
    assert _count(cli_app, Unit) == 47
    assert _count(cli_app, Unit, Unit.kind == "commune") == 13 + 5  # the five communes formed on 01/07/2025
    assert _count(cli_app, Unit, Unit.is_sample.is_(True)) == 3  # two enterprises and a village
    with cli_app.app_context():
        users = {u.username: u for u in db.session.scalars(select(User))}
        assert set(users) == CORE_DEMO_USERS
        per_role = {r.code for u in users.values() for r in u.roles}
        assert per_role == set(portal.plugin.ROLE_CODES)
        assert users["banbo"].unit.code == "xa-ban-bo" and users["admin"].check_password("demo-mat-khau-1")
        communes = sorted(db.session.scalars(select(Unit.name).where(Unit.kind == "commune")))
        assert "Xã Bản Bo" in communes and "Thị trấn Tam Đường" in communes
    second = cli("seed-demo").output
    assert "Units added: 0" in second and "already exist" in second
    assert _count(cli_app, Unit) == 47 and _count(cli_app, User) == len(CORE_DEMO_USERS)
    client = cli_app.test_client()
    assert client.post("/login", data={"username": "admin", "password": "demo-mat-khau-1"}).status_code == 302
    listing = client.get("/units/?kind=commune").get_data(as_text=True)
    assert listing.count('<td><a href="/units/') == 18
    assert "Xã Bản Bo" in client.get("/units/?q=ban+bo").get_data(as_text=True)


def test_seed_demo_prints_a_generated_password_once(cli_app, cli):
    cli("init")
    out = cli("seed-demo").output
    match = re.search(r"Demo accounts \(password: (\S+)  \(generated", out)
    assert match, out
    password = match.group(1)
    assert len(password) >= 10
    with cli_app.app_context():
        assert db.session.scalar(select(User).where(User.username == "lanhdao")).check_password(password)
    note = Path(cli_app.instance_path) / "demo-accounts.txt"
    assert password in note.read_text(encoding="utf-8") and oct(note.stat().st_mode)[-3:] == "600"
    assert password not in cli("seed-demo").output


def test_create_user(cli_app, cli):
    cli("init")
    cli("seed-demo")
    out = cli("create-user", "CanBo1", "--password", "mat-khau-dai-1", "--role", "unit_reporter", "--role", "inspector",
              "--unit", "xa-na-tam", "--name", "Lò Văn Cán").output
    assert "canbo1 created" in out
    with cli_app.app_context():
        user = db.session.scalar(select(User).where(User.username == "canbo1"))
        assert user.full_name == "Lò Văn Cán" and user.unit.code == "xa-na-tam"
        assert sorted(r.code for r in user.roles) == ["inspector", "unit_reporter"] and user.check_password("mat-khau-dai-1")


@pytest.mark.parametrize(
    "args,message",
    [
        (["x1user", "--password", "mat-khau-dai-1", "--role", "emperor"], "unknown role(s): emperor"),
        (["x2user", "--password", "mat-khau-dai-1", "--role", "unit_reporter", "--unit", "xa-khong-co"], "unknown unit code"),
        (["x3user", "--password", "ngan", "--role", "admin"], "at least 8 characters"),
        (["Tên Có Dấu", "--password", "mat-khau-dai-1", "--role", "admin"], "username"),
        (["admin", "--password", "mat-khau-dai-1", "--role", "admin"], "exists"),
    ],
)
def test_create_user_refuses_bad_input(cli_app, cli, args, message):
    cli("init")
    cli("seed-demo")
    before = _count(cli_app, User)
    result = cli("create-user", *args, ok=False)
    assert result.exit_code != 0 and message in result.output
    assert _count(cli_app, User) == before


def test_backup_and_restore_round_trip_with_an_upload(cli_app, cli, tmp_path):
    cli("init")
    cli("seed-demo")
    uploads = Path(cli_app.config["PORTAL_UPLOAD_FOLDER"])
    uploads.mkdir(parents=True, exist_ok=True)
    (uploads / "bienban.pdf").write_bytes(b"%PDF-1.4 bien ban")
    archive = tmp_path / "backup.zip"
    assert "Backup written" in cli("backup", "-o", str(archive)).output
    with zipfile.ZipFile(archive) as zf:
        assert sorted(zf.namelist()) == ["portal.db", "uploads/bienban.pdf"]
    # change everything after the backup
    with cli_app.app_context():
        db.session.execute(db.delete(Unit).where(Unit.code == "dn-mau-1"))
        db.session.commit()
        db.session.remove()
    (uploads / "bienban.pdf").unlink()
    (uploads / "later.pdf").write_bytes(b"%PDF later")
    assert _count(cli_app, Unit) == 46
    assert "Restored" in cli("restore", str(archive), "--yes").output
    assert _count(cli_app, Unit) == 47
    assert sorted(p.name for p in uploads.iterdir()) == ["bienban.pdf"]
    assert (uploads / "bienban.pdf").read_bytes() == b"%PDF-1.4 bien ban"
    with sqlite3.connect(str(tmp_path / "portal.db")) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)


def test_restore_refuses_a_foreign_archive(cli_app, cli, tmp_path):
    cli("init")
    bad = tmp_path / "bad.zip"
    with zipfile.ZipFile(bad, "w") as zf:
        zf.writestr("portal.db", b"")
        zf.writestr("../../etc/passwd", b"x")
    result = cli("restore", str(bad), "--yes", ok=False)
    assert result.exit_code != 0 and "unexpected entry" in result.output


def _flip_byte_in_entry(archive: Path, name: str, out: Path) -> None:
    """Copy the archive with one byte of ``name``'s compressed data flipped (CRC no longer matches)."""
    data = bytearray(archive.read_bytes())
    with zipfile.ZipFile(archive) as zf:
        info = zf.getinfo(name)
    # local header: 30 bytes + file name + extra field, then the data
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    data[start + info.compress_size // 2] ^= 0xFF
    out.write_bytes(bytes(data))


def test_restore_from_a_damaged_archive_changes_nothing(cli_app, cli, tmp_path):
    cli("init")
    cli("seed-demo")
    uploads = Path(cli_app.config["PORTAL_UPLOAD_FOLDER"])
    uploads.mkdir(parents=True, exist_ok=True)
    (uploads / "anh.jpg").write_bytes(b"\xff\xd8" + b"photo" * 2000)
    archive = tmp_path / "good.zip"
    cli("backup", "-o", str(archive))
    bad = tmp_path / "bad.zip"
    _flip_byte_in_entry(archive, "uploads/anh.jpg", bad)
    (uploads / "later.pdf").write_bytes(b"%PDF later")
    before_units = _count(cli_app, Unit)
    result = cli("restore", str(bad), "--yes", ok=False)
    assert result.exit_code != 0 and "damaged" in result.output and "Traceback" not in result.output
    # neither the database nor the uploads were touched
    assert _count(cli_app, Unit) == before_units
    assert sorted(p.name for p in uploads.iterdir()) == ["anh.jpg", "later.pdf"]
    assert not list(tmp_path.glob(".restore-*"))


def test_restore_refuses_while_the_portal_runs_unless_forced(cli_app, cli, tmp_path):
    import fcntl

    from portal.backup import lock_path

    cli("init")
    archive = tmp_path / "b.zip"
    cli("backup", "-o", str(archive))
    with open(lock_path(cli_app.instance_path), "a+") as worker:  # what a serving worker holds
        fcntl.flock(worker.fileno(), fcntl.LOCK_SH)
        result = cli("restore", str(archive), "--yes", ok=False)
        assert result.exit_code != 0 and "running" in result.output
        assert "Restored" in cli("restore", str(archive), "--yes", "--force").output


def test_instance_files_are_private(cli_app, cli, tmp_path):
    cli("init")
    archive = tmp_path / "b.zip"
    cli("backup", "-o", str(archive))
    assert archive.stat().st_mode & 0o077 == 0
    db_file = tmp_path / "portal.db"
    assert db_file.stat().st_mode & 0o077 == 0
    for extra in (tmp_path / "portal.db-wal", tmp_path / "portal.db-shm"):
        if extra.exists():
            assert extra.stat().st_mode & 0o077 == 0
