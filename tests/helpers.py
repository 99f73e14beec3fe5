"""Test helpers importable from any test module."""
from __future__ import annotations

import contextlib
import shutil
import tempfile
from collections.abc import Callable, Hashable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Integer, Table, bindparam, create_engine, event, text

from portal.extensions import db

PASSWORD = "secret-pass-1"
HX = {"HX-Request": "true"}


@dataclass(frozen=True)
class Made:
    id: int
    username: str
    unit_id: int | None


def reset_schema(url: str) -> None:
    """Drop and recreate PostgreSQL's public schema: nothing of an earlier run is left."""
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def empty_tables() -> None:
    """Delete every row of every table (children first), keeping the schema: a fresh database for the next test."""
    tables = [t.name for t in reversed(db.metadata.sorted_tables)]
    with db.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE"))
        else:
            for t in tables:
                conn.execute(text(f'DELETE FROM "{t}"'))


def login(client: FlaskClient, username: str, password: str = PASSWORD) -> None:
    """Log the test client in through the login form."""
    resp = client.post("/login", data={"username": username, "password": password})
    assert resp.status_code == 302, resp.get_data(as_text=True)[:500]


@contextlib.contextmanager
def count_queries(app: Flask) -> Iterator[list[str]]:
    """Collect the SQL statements the app runs inside the block."""
    statements: list[str] = []
    with app.app_context():
        engine = db.engine

    def before(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", before)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", before)


def goto(page: Any, url: str) -> None:
    """``page.goto`` that tries once more when Chromium aborts the very first navigation of a new context
    (net::ERR_ABORTED, seen now and then on a loaded machine before any page of ours had run)."""
    try:
        page.goto(url)
    except Exception as exc:  # playwright's Error
        if "ERR_ABORTED" not in str(exc):
            raise
        page.goto(url)


def browser_login(page: Any, base_url: str, username: str, password: str = PASSWORD) -> None:
    """Log in through the real login form in Playwright."""
    goto(page, base_url + "/login")
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("main form button[type=submit]")  # not the language buttons in the header
    page.wait_for_url(lambda url: "/login" not in url)


def pdf_of(page: Any, url: str, tmp_path: Any, name: str = "doc") -> tuple[str, str]:
    """Print ``url`` to PDF as the browser does (the CSS page size wins); return (text by pdftotext, pdfinfo)."""
    import subprocess

    page.goto(url)
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(page.pdf(prefer_css_page_size=True, print_background=False))
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return " ".join(text.split()), info


@dataclass
class _Snapshot:
    rows: dict[str, list[dict[str, Any]]]  # table name -> its rows, every table
    uploads: Path | None  # a copy of the upload folder as the seeding left it


_snapshots: dict[Hashable, _Snapshot] = {}


def seed_once(app: Flask, key: Hashable, seed: Callable[[], None]) -> None:
    """Seed ``app``'s (empty) database with ``seed()`` the first time this test run asks for ``key``, and keep
    every table's rows and the uploaded files; later asks get the same rows and files copied back.

    The whole demo takes 4 s to seed on SQLite and 10-19 s on PostgreSQL through the services (hashing, audit,
    numbering, one statement a record); copied back it takes well under a second. ``key`` names what ``seed`` makes
    (the same key, with the same plugins, must always mean the same data); a test that needs more seeds it after."""
    uploads = Path(app.config["PORTAL_UPLOAD_FOLDER"])
    key = (key, tuple(app.config["PORTAL_PLUGINS"]))  # what a seed makes depends on the plugins it runs with
    with app.app_context():
        snap = _snapshots.get(key)
        if snap is None:
            seed()
            db.session.commit()
            db.session.remove()
            with db.engine.connect() as conn:
                rows = {t.name: [dict(r._mapping) for r in conn.execute(t.select())] for t in db.metadata.sorted_tables}
            kept = None
            if uploads.is_dir():
                kept = Path(tempfile.mkdtemp(prefix="seed-uploads-"))
                shutil.copytree(uploads, kept, dirs_exist_ok=True)
            _snapshots[key] = _Snapshot(rows, kept)
            return
        empty_tables()
        _restore(snap.rows)
        if snap.uploads is not None:
            shutil.copytree(snap.uploads, uploads, dirs_exist_ok=True)


def _restore(rows: dict[str, list[dict[str, Any]]]) -> None:
    """Insert the kept rows, parents first and each table in id order. A value that points at a row not inserted
    yet (a commune's successor, made after it) is filled in afterwards, once every row exists; one that points
    back (a reversal at its original, which a CHECK ties to its sign) goes in with its row."""
    tables = db.metadata.sorted_tables
    order = {t.name: i for i, t in enumerate(tables)}
    with db.engine.begin() as conn:
        later: list[tuple[Table, list[str], list[dict[str, Any]]]] = []
        for t in tables:
            data = rows.get(t.name)
            if not data:
                continue
            pk = [c.name for c in t.primary_key.columns]
            own = {fk.parent.name: fk.column.name for fk in t.foreign_keys if fk.column.table is t}
            ahead = {fk.parent.name for fk in t.foreign_keys
                     if fk.column.table is not t and order.get(fk.column.table.name, -1) > order[t.name]}
            if own or ahead:
                data = sorted(data, key=lambda r: tuple(r[c] for c in pk))
                seen: dict[str, set[Any]] = {ref: set() for ref in own.values()}
                held, changes = [], []
                for r in data:
                    put = [c for c in ahead if r[c] is not None]
                    put += [c for c, ref in own.items() if r[c] is not None and r[c] not in seen[ref]]
                    if put:
                        changes.append(r)
                        r = {**r, **{c: None for c in put}}
                    held.append(r)
                    for ref in seen:
                        seen[ref].add(r[ref])
                data = held
                if changes:
                    later.append((t, sorted(own.keys() | ahead), changes))
            conn.execute(t.insert(), data)
        for t, cols, changes in later:
            pk = [c.name for c in t.primary_key.columns]
            stmt = t.update().where(*(t.c[c] == bindparam(f"pk_{c}") for c in pk)).values(
                {c: bindparam(f"v_{c}") for c in cols})
            conn.execute(stmt, [{**{f"pk_{c}": r[c] for c in pk}, **{f"v_{c}": r[c] for c in cols}} for r in changes])
        if conn.dialect.name == "postgresql":  # ids were given: the sequences go on after them
            for t in tables:
                pk = list(t.primary_key.columns)
                if rows.get(t.name) and len(pk) == 1 and pk[0].autoincrement in (True, "auto") \
                        and isinstance(pk[0].type, Integer):
                    conn.execute(text(f"SELECT setval(pg_get_serial_sequence('\"{t.name}\"', '{pk[0].name}'), "
                                      f"(SELECT max(\"{pk[0].name}\") FROM \"{t.name}\"))"))
