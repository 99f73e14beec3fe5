"""Backup and restore of the SQLite database and the uploads, and the lock that tells a running portal.

Restore never destroys the current state before the new one is known to be whole: the archive is checked
entry by entry (CRC), extracted into a folder beside the instance, its database checked (``integrity_check``
and the portal's tables), and only then swapped in with renames; a failure before the swap leaves everything
as it was, and the previous files are kept until the swap succeeded.
"""
from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import sqlite3
import tempfile
import zipfile
import zlib
from pathlib import Path
from typing import IO

from portal.extensions import private_dir, private_file

DB_ENTRY = "portal.db"
UPLOADS = "uploads/"

#: Held (shared) by every process that serves requests; restore needs it exclusively.
_running_lock: IO[str] | None = None


class BackupError(Exception):
    """A short message for the operator (shown without a traceback)."""


def lock_path(instance_path: str | Path) -> Path:
    return Path(instance_path) / "portal.running.lock"


def hold_running_lock(instance_path: str | Path) -> None:
    """Mark this process as a running portal (once per process): restore refuses while any holds it."""
    global _running_lock
    if _running_lock is not None:
        return
    path = lock_path(instance_path)
    f = open(path, "a+")  # noqa: SIM115 - kept open for the life of the process
    private_file(path)
    try:
        fcntl.flock(f.fileno(), fcntl.LOCK_SH | fcntl.LOCK_NB)
    except OSError:  # a restore is under way: serve anyway, it will see us on its next check
        f.close()
        return
    _running_lock = f


@contextlib.contextmanager
def exclusive(instance_path: str | Path, force: bool):
    """Hold the running lock exclusively (no portal process serves meanwhile), or refuse unless ``force``."""
    path = lock_path(instance_path)
    with open(path, "a+") as f:
        try:
            fcntl.flock(f.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            if not force:
                raise BackupError("the portal is running (its workers hold the instance lock): stop it first, "
                                  "or pass --force if you are sure") from None
        yield


def write_backup(db_path: Path, uploads: Path, output: Path) -> None:
    """A consistent online backup (SQLite's backup API) of the database, plus every upload, into ``output``."""
    private_dir(output.parent)
    with tempfile.TemporaryDirectory() as tmp:
        snap = Path(tmp) / DB_ENTRY
        with contextlib.closing(sqlite3.connect(db_path)) as source, contextlib.closing(sqlite3.connect(snap)) as target:
            source.backup(target)
        fd = os.open(output, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as out, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
            zf.write(snap, DB_ENTRY)
            for f in sorted(uploads.rglob("*")):
                if f.is_file():
                    zf.write(f, UPLOADS + f.relative_to(uploads).as_posix())


def check_archive(archive: Path) -> list[str]:
    """Check the archive whole before anything changes; return its entry names."""
    try:
        with zipfile.ZipFile(archive) as zf:
            names = zf.namelist()
            if DB_ENTRY not in names:
                raise BackupError("not a portal backup (portal.db missing)")
            for name in names:
                if name != DB_ENTRY and (not name.startswith(UPLOADS) or ".." in Path(name).parts
                                         or name.startswith("/")):
                    raise BackupError(f"unexpected entry in backup: {name}")
            bad = zf.testzip()  # reads every entry and checks its CRC
            if bad is not None:
                raise BackupError(f"the backup is damaged (checksum error in {bad}); nothing was changed")
    except BackupError:
        raise
    except zipfile.BadZipFile as exc:
        raise BackupError(f"the backup is not a readable zip file ({exc}); nothing was changed") from None
    except (zipfile.LargeZipFile, EOFError, OSError, zlib.error, ValueError) as exc:  # broken compressed data
        raise BackupError(f"the backup is damaged or cannot be read ({exc}); nothing was changed") from None
    return names


def _check_database(path: Path) -> None:
    try:
        with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as conn:
            result = conn.execute("PRAGMA integrity_check").fetchone()
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"the database in the backup is damaged ({exc}); nothing was changed") from None
    if not result or result[0] != "ok":
        raise BackupError(f"the database in the backup is damaged ({result and result[0]}); nothing was changed")
    if "portal_user" not in tables:
        raise BackupError("the database in the backup is not a portal database; nothing was changed")


def restore(archive: Path, db_path: Path, uploads: Path) -> None:
    """Replace the database and the uploads with the archive's, all or nothing (call under ``exclusive``)."""
    names = check_archive(archive)
    staging = Path(tempfile.mkdtemp(prefix=".restore-", dir=db_path.parent))  # same file system: renames are atomic
    try:
        with zipfile.ZipFile(archive) as zf:
            for name in names:
                if name.endswith("/"):
                    continue
                target = staging / name
                target.parent.mkdir(parents=True, exist_ok=True)
                with zf.open(name) as src, open(target, "wb") as dst:
                    shutil.copyfileobj(src, dst)
        _check_database(staging / DB_ENTRY)
        new_uploads = staging / UPLOADS.rstrip("/")
        new_uploads.mkdir(exist_ok=True)
        _swap(staging / DB_ENTRY, db_path, new_uploads, uploads, staging)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _swap(new_db: Path, db_path: Path, new_uploads: Path, uploads: Path, staging: Path) -> None:
    # Fold the old write-ahead log into the old file first: a WAL left beside the new file would be replayed into it.
    if db_path.exists():
        with contextlib.closing(sqlite3.connect(db_path)) as conn:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    old_db = staging / "previous.db"
    old_uploads = staging / "previous-uploads"
    done: list[str] = []
    try:
        if db_path.exists():
            os.replace(db_path, old_db)
            done.append("old_db")
        for suffix in ("-wal", "-shm"):
            with contextlib.suppress(FileNotFoundError):
                os.unlink(str(db_path) + suffix)
        if uploads.exists():
            os.replace(uploads, old_uploads)
            done.append("old_uploads")
        os.replace(new_uploads, uploads)
        done.append("new_uploads")
        os.replace(new_db, db_path)
    except OSError as exc:
        # put the previous state back, in reverse order, before reporting
        if "new_uploads" in done:
            os.replace(uploads, new_uploads)
        if "old_uploads" in done:
            os.replace(old_uploads, uploads)
        if "old_db" in done:
            os.replace(old_db, db_path)
        raise BackupError(f"restore failed while swapping files ({exc}); the previous state was put back") from None
    private_file(db_path)
    private_dir(uploads)
