"""Test helpers importable from any test module."""
from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import create_engine, event, text

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
