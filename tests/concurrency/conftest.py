"""The real portal under gunicorn for the concurrency tests.

One gunicorn (4 sync workers, all four plugins, CSRF on, fast password hashing, mail to a local SMTP server) serves
a fresh database for the tests of this folder: a SQLite file in a temporary folder, or the PostgreSQL database named by TEST_DATABASE_URL (its schema
dropped and recreated, as tests/conftest.py does). Before every test all tables are emptied and the roles synced
again, so each test starts from an empty portal and seeds what it needs through the plugins' own services
(``seed_app`` is an app of the same code and database in the test process). After every test the server logs are
checked (no traceback, no 500) and so is the fund (day and year totals = entries, gapless numbers, no half record).

CONC_ROUNDS multiplies the rounds of every case (e.g. CONC_ROUNDS=3 for a long run).
"""
from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from tests.helpers import empty_tables, reset_schema

ROOT = Path(__file__).resolve().parents[2]
PLUGINS = ["reports", "inspections", "awards", "fund", "exemplars"]
WORKERS = 4
SECRET = "concurrency-test-secret-key-0123456789"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "concurrency: real-HTTP concurrency test against gunicorn (tests/concurrency)")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.concurrency)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _gunicorn() -> str:
    local = Path(sys.executable).parent / "gunicorn"
    return str(local) if local.exists() else (shutil.which("gunicorn") or "gunicorn")


@dataclass
class Server:
    base: str
    pid: int  # the gunicorn master
    error_log: Path
    access_log: Path
    database_url: str
    process: subprocess.Popen[bytes]
    checked: tuple[int, int] = (0, 0)  # log offsets up to which a test has checked the logs

    @property
    def is_postgres(self) -> bool:
        return self.database_url.startswith("postgresql")

    def workers(self) -> list[int]:
        """Pids of the live workers (children of the master)."""
        out = subprocess.run(["ps", "--ppid", str(self.pid), "-o", "pid="], capture_output=True, text=True).stdout
        return [int(p) for p in out.split()]

    def wait_workers(self, n: int = WORKERS, timeout: float = 30) -> list[int]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            pids = self.workers()
            if len(pids) >= n:
                return pids
            time.sleep(0.1)
        raise AssertionError(f"gunicorn has {len(self.workers())} workers, expected {n}")

    def logs(self) -> tuple[int, int]:
        return self.error_log.stat().st_size, self.access_log.stat().st_size

    def log_problems(self, since: tuple[int, int] = (0, 0)) -> list[str]:
        """Tracebacks, errors logged by the app and 5xx answers written since ``since``."""
        problems = []
        with self.error_log.open("rb") as f:
            f.seek(since[0])
            errors = f.read().decode("utf-8", "replace")
        for block in re.split(r"(?=^\[\d{4}-\d\d-\d\d )", errors, flags=re.M):
            if "Traceback" in block or "unhandled error" in block or "WORKER TIMEOUT" in block:
                lines = [ln for ln in block.strip().splitlines() if ln.strip()]
                tail = [ln for ln in lines if re.match(r"^[\w.]+(Error|Exception|Exit)\b", ln)] or lines[-2:]
                problems.append(" | ".join([lines[0][:200], *(t[:400] for t in tail[-2:])]))
        with self.access_log.open("rb") as f:
            f.seek(since[1])
            for line in f.read().decode("utf-8", "replace").splitlines():
                if re.match(r"5\d\d ", line):
                    problems.append("access log: " + line)
        return problems


def _config(database_url: str, tmp: Path) -> dict[str, Any]:
    return {
        "SECRET_KEY": SECRET,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "PORTAL_PLUGINS": PLUGINS,
        "PORTAL_PASSWORD_HASH": "pbkdf2:sha256:1000",
        "PORTAL_UPLOAD_FOLDER": str(tmp / "uploads"),
    }


@pytest.fixture(scope="package")
def conc_tmp(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("concurrency")


@pytest.fixture(scope="package")
def conc_database_url(conc_tmp: Path) -> Iterator[str]:
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        yield "sqlite:///" + str(conc_tmp / "portal.db")
        return
    reset_schema(url)
    yield url
    reset_schema(url)  # leave the database empty for the rest of the suite


@pytest.fixture(scope="package")
def seed_app(conc_database_url: str, conc_tmp: Path) -> Iterator[Flask]:
    """The portal app in the test process, on the server's database: seeding and direct checks."""
    from portal import create_app
    from portal.extensions import db
    from portal.roles import sync_roles

    instance = conc_tmp / "instance"
    old = os.environ.get("PORTAL_INSTANCE_PATH")
    os.environ["PORTAL_INSTANCE_PATH"] = str(instance)
    try:
        app = create_app(_config(conc_database_url, conc_tmp))
    finally:
        if old is None:
            os.environ.pop("PORTAL_INSTANCE_PATH", None)
        else:
            os.environ["PORTAL_INSTANCE_PATH"] = old
    with app.app_context():
        db.create_all()
        sync_roles(app)
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


class MailSink:
    """A local SMTP server (aiosmtpd) that keeps every mail the portal's processes send: (recipient, subject)."""

    def __init__(self) -> None:
        import threading

        self.port = _free_port()
        self.lock = threading.Lock()
        self.delivered: list[tuple[str, str]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        import asyncio
        from email import message_from_bytes, policy

        subject = str(message_from_bytes(envelope.content, policy=policy.default)["Subject"] or "")
        await asyncio.sleep(0.005)  # a real server takes a moment: senders overlap
        with self.lock:
            self.delivered.extend((rcpt, subject) for rcpt in envelope.rcpt_tos)
        return "250 OK"


@pytest.fixture(scope="package")
def mail_sink() -> Iterator[MailSink]:
    """The SMTP server of the portal under test (plain SMTP on 127.0.0.1; only users with an address get mail)."""
    from aiosmtpd.controller import Controller

    sink = MailSink()
    ctrl = Controller(sink, hostname="127.0.0.1", port=sink.port)
    ctrl.start()
    yield sink
    ctrl.stop()


def server_env(database_url: str, tmp: Path, smtp_port: int) -> dict[str, str]:
    """The environment of a portal process under test (gunicorn, or a cron command): config as FLASK_ variables."""
    cfg = _config(database_url, tmp)
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith("FLASK_")},
        "PORTAL_INSTANCE_PATH": str(tmp / "instance"),
        "DATABASE_URL": database_url,
        "FLASK_SECRET_KEY": cfg["SECRET_KEY"],
        "FLASK_PORTAL_PLUGINS": '["' + '","'.join(PLUGINS) + '"]',
        "FLASK_PORTAL_PASSWORD_HASH": '"' + cfg["PORTAL_PASSWORD_HASH"] + '"',
        "FLASK_PORTAL_UPLOAD_FOLDER": '"' + cfg["PORTAL_UPLOAD_FOLDER"] + '"',
        # every client here comes from 127.0.0.1: the per-address limit would end the login rounds early
        "FLASK_PORTAL_LOGIN_MAX_FAILURES_PER_ADDRESS": "100000",
        "FLASK_PORTAL_SMTP_HOST": '"127.0.0.1"',
        "FLASK_PORTAL_SMTP_PORT": str(smtp_port),
        "FLASK_PORTAL_SMTP_SECURITY": '"none"',
        "FLASK_PORTAL_MAIL_FROM": '"congthong@tamduong.test"',
        "PYTHONUNBUFFERED": "1",
    }


@pytest.fixture(scope="package")
def server(seed_app: Flask, conc_database_url: str, conc_tmp: Path, mail_sink: MailSink) -> Iterator[Server]:
    """gunicorn serving ``portal:create_app()`` from the source tree; yields once all workers answer."""
    port = _free_port()
    error_log, access_log = conc_tmp / "gunicorn-error.log", conc_tmp / "gunicorn-access.log"
    error_log.touch()
    access_log.touch()
    env = server_env(conc_database_url, conc_tmp, mail_sink.port)
    cmd = [
        _gunicorn(), "--workers", str(WORKERS), "--worker-class", "sync", "--bind", f"127.0.0.1:{port}",
        "--timeout", "60", "--graceful-timeout", "5", "--backlog", "256", "--no-control-socket",
        "--error-logfile", str(error_log), "--access-logfile", str(access_log),
        "--access-logformat", "%(s)s %(m)s %(U)s %(L)ss pid=%(p)s", "--capture-output", "--log-level", "info",
        "portal:create_app()",
    ]
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    srv = Server(f"http://127.0.0.1:{port}", proc.pid, error_log, access_log, conc_database_url, proc)
    try:
        _wait_ready(srv)
        yield srv
    finally:
        _stop(proc)
    problems = srv.log_problems(srv.checked)  # what no test has checked: start-up and shut-down
    assert not problems, "gunicorn log:\n" + "\n".join(problems[:5])


def _wait_ready(srv: Server, timeout: float = 60) -> None:
    import urllib.request

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if srv.process.poll() is not None:
            raise AssertionError("gunicorn exited:\n" + srv.error_log.read_text()[-3000:])
        try:
            with urllib.request.urlopen(srv.base + "/login", timeout=5) as resp:
                if resp.status == 200:
                    break
        except OSError:
            time.sleep(0.2)
    else:
        raise AssertionError("gunicorn did not answer:\n" + srv.error_log.read_text()[-3000:])
    srv.wait_workers()
    # every worker imports the app on its own after booting: wait until all of them have answered once
    from tests.concurrency.client import Client, fire

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        shots = fire(2 * WORKERS, lambda i: Client(srv.base).get("/login"))
        pids = set(re.findall(r"pid=<?(\d+)", srv.access_log.read_text()))
        if all(s.status == 200 for s in shots) and len(pids) >= WORKERS:
            return
    raise AssertionError("not every gunicorn worker answered")


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(5)


@pytest.fixture
def portal(server: Server, seed_app: Flask) -> Iterator[Server]:
    """An empty portal (roles only) behind the running gunicorn; the test's server log must stay clean."""
    from portal.extensions import db
    from portal.roles import sync_roles

    with seed_app.app_context():
        db.session.remove()
        empty_tables()
        sync_roles(seed_app)
    since = server.logs()
    yield server
    problems = server.log_problems(since)
    server.checked = server.logs()
    if "fund_year" in db.metadata.tables:  # after every case, whatever it did: the fund's books hold together
        from tests.concurrency.world import ledger

        problems += ledger(seed_app).problems()
    assert not problems, "after this test:\n" + "\n".join(problems[:5])


def rounds(default: int) -> int:
    return default * max(1, int(os.environ.get("CONC_ROUNDS", "1")))
