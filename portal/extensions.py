"""Flask extensions, created unbound and initialised in create_app()."""
from __future__ import annotations

from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from htmx_flask import Htmx
import contextlib
import os
import sqlite3
from pathlib import Path
from typing import Any

from sqlalchemy import Executable, MetaData, event
from sqlalchemy.engine import Engine, Result
from sqlalchemy.orm import DeclarativeBase

# Stable constraint names so Alembic migrations work the same on SQLite and PostgreSQL.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


db = SQLAlchemy(model_class=Base)
login_manager = LoginManager()
csrf = CSRFProtect()
migrate = Migrate()
htmx = Htmx()


def select_rows(stmt: Executable, params: dict[str, Any] | None = None) -> Result[Any]:
    """Run a SELECT of columns (not of mapped objects) on the session's connection, in its transaction.

    ``db.session.execute`` sets up the ORM for every statement, even one that loads no object: on the reports
    matrix that setup was a fifth of the request (about 0.3 ms a statement). Nothing pending is flushed first, so
    this is for reading: pages, exports and the reading half of a service."""
    if loads_objects(stmt):
        raise TypeError("select_rows reads columns: a select of mapped objects goes through db.session.execute")
    return db.session.connection().execute(stmt, params)


def loads_objects(stmt: Executable) -> bool:
    """Whether a select names a whole mapped class (or an alias of one): its rows are objects, made by the ORM.
    Read from what the select names itself (there a class is a selectable marked with its mapper, a column or a
    function is not): the public ``column_descriptions`` cost 28 us a statement, a tenth of what select_rows saves."""
    return any(c.is_selectable and "parententity" in c._annotations for c in getattr(stmt, "_raw_columns", ()))


def private_file(path: str | os.PathLike[str]) -> None:
    """Make an instance file readable by the portal's user only (0600), and its folder 0700."""
    p = Path(path)
    with contextlib.suppress(OSError):
        if p.exists():
            p.chmod(0o600)


def private_dir(path: str | os.PathLike[str]) -> Path:
    """Create (if needed) a folder only the portal's user can enter (0700)."""
    p = Path(path)
    p.mkdir(parents=True, exist_ok=True)
    with contextlib.suppress(OSError):
        p.chmod(0o700)
    return p


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    """Make SQLite behave like the PostgreSQL deployment: enforce foreign keys, wait on locks, allow readers
    during writes (several gunicorn workers share one file)."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        cur = dbapi_connection.cursor()
        # The file holds votes and personal data: owner-only, before the WAL and shared-memory files are made
        # (SQLite gives them the database file's mode).
        for _seq, name, path in cur.execute("PRAGMA database_list").fetchall():
            if name == "main" and path:
                private_file(path)
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=10000")
        cur.execute("PRAGMA journal_mode=WAL")
        # Freed pages are zeroed: a replaced ballot or a reversed draft leaves no bytes in the file.
        cur.execute("PRAGMA secure_delete=ON")
        cur.close()
