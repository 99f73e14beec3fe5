"""The login throttle holds under truly concurrent requests: gunicorn, several worker processes, one database.

20 wrong passwords sent at the same moment must check at most PORTAL_LOGIN_MAX_FAILURES (5) of them; the others
answer 429 without a password check. Runs on SQLite and, with TEST_DATABASE_URL, on PostgreSQL.
"""
from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from sqlalchemy import func, select
from werkzeug.security import generate_password_hash

from portal.extensions import db
from portal.models import LoginAttempt, User
from tests.helpers import PASSWORD

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).with_name("gunicorn")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def gunicorn(app, database_url, tmp_path):
    if not GUNICORN.exists() and not shutil.which("gunicorn"):
        pytest.skip("gunicorn is not installed")
    port = _free_port()
    env = {
        **os.environ,
        "PORTAL_INSTANCE_PATH": str(tmp_path / "gunicorn-instance"),
        "FLASK_SECRET_KEY": "concurrency-test-secret-key",
        "FLASK_SQLALCHEMY_DATABASE_URI": database_url,
        "FLASK_PORTAL_PLUGINS": "[]",
        "FLASK_WTF_CSRF_ENABLED": "false",
        "FLASK_PORTAL_PASSWORD_HASH": "scrypt",  # real cost, so requests overlap in the password check
    }
    log = open(tmp_path / "gunicorn.log", "wb")  # noqa: SIM115 - closed in finally
    proc = subprocess.Popen(
        [str(GUNICORN if GUNICORN.exists() else shutil.which("gunicorn")), "-w", "4", "-k", "gthread", "--threads", "5",
         "-b", f"127.0.0.1:{port}", "--log-level", "warning", "portal:create_app()"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/login", timeout=5).read()
                break
            except OSError:  # not listening yet, or no worker booted yet
                if proc.poll() is not None:
                    raise AssertionError((tmp_path / "gunicorn.log").read_text()[-3000:]) from None
                time.sleep(0.1)
        else:
            raise AssertionError("gunicorn did not start")
        # every worker is up before the burst (each builds its app on its first request)
        for _ in range(12):
            try:
                urllib.request.urlopen(base + "/login", timeout=10).read()
            except OSError as exc:
                raise AssertionError((tmp_path / "gunicorn.log").read_text()[-3000:]) from exc
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)
        log.close()
        errors = (tmp_path / "gunicorn.log").read_text()
        assert "Traceback" not in errors, errors[-3000:]


def _post(url: str, data: dict[str, str]) -> int:
    body = urllib.parse.urlencode(data).encode()
    try:
        with urllib.request.urlopen(urllib.request.Request(url, body), timeout=60) as resp:
            return resp.status
    except urllib.error.HTTPError as exc:
        return exc.code


def _burst(base: str, payloads: list[dict[str, str]]) -> list[int]:
    barrier = threading.Barrier(len(payloads))

    def send(data: dict[str, str]) -> int:
        barrier.wait()
        return _post(base + "/login", data)

    with ThreadPoolExecutor(len(payloads)) as pool:
        return list(pool.map(send, payloads))


def test_twenty_simultaneous_wrong_passwords_check_at_most_five(app, make_user, gunicorn):
    made = make_user("dongthoi", ["admin"])
    with app.app_context():
        db.session.get(User, made.id).password_hash = generate_password_hash(PASSWORD, "scrypt")
        db.session.commit()
    codes = _burst(gunicorn, [{"username": "dongthoi", "password": f"sai-{i}"} for i in range(20)])
    assert sorted(set(codes)) == [401, 429], codes
    assert codes.count(401) <= 5 and codes.count(401) + codes.count(429) == 20, codes
    with app.app_context():
        checked = db.session.scalar(select(func.count()).select_from(LoginAttempt).where(LoginAttempt.username == "dongthoi"))
    assert checked == codes.count(401)
    # the account stays locked, right password or not
    assert _post(gunicorn + "/login", {"username": "dongthoi", "password": PASSWORD}) == 429


def test_the_address_limit_holds_under_a_burst_over_many_accounts(app, gunicorn):
    limit = app.config["PORTAL_LOGIN_MAX_FAILURES_PER_ADDRESS"]
    codes = _burst(gunicorn, [{"username": f"ai-{i}", "password": "x"} for i in range(limit + 10)])
    assert codes.count(401) <= limit and codes.count(429) >= 10, json.dumps(codes)
