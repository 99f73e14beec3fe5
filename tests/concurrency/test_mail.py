"""The e-mail outbox with several senders at once over a live server: every gunicorn worker sends the mail its
request just committed from a background thread, while the cron command (``flask portal mail send``, in its own
process, run back to back) sends whatever is due. A row is claimed by a conditional UPDATE before it is sent, so
each mail reaches the SMTP server exactly once and is recorded sent once."""
from __future__ import annotations

import json
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from portal.extensions import db
from tests.concurrency import world
from tests.concurrency.client import Client, fire
from tests.concurrency.conftest import ROOT, rounds, server_env
from tests.concurrency.rounds import Tally
from tests.concurrency.test_awards import council, open_session


@pytest.fixture
def cron(portal: Any, conc_tmp: Path, mail_sink: Any, tmp_path: Path) -> Any:
    """The cron sender running back to back in its own process; yields a function that stops it and returns its
    result (runs, mails sent, errors)."""
    env = server_env(portal.database_url, conc_tmp, mail_sink.port)
    log = (tmp_path / "cron.log").open("wb")
    proc = subprocess.Popen([sys.executable, "-m", "tests.concurrency.mail_cron", str(tmp_path)], cwd=ROOT, env=env,
                            stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while not (tmp_path / "ready").exists():
        assert proc.poll() is None and time.monotonic() < deadline, (tmp_path / "cron.log").read_text()[-2000:]
        time.sleep(0.05)

    def stop() -> dict[str, Any]:
        (tmp_path / "stop").touch()
        proc.wait(30)
        return json.loads((tmp_path / "result.json").read_text())

    try:
        yield stop
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(5)
        log.close()


def _outbox(app: Any) -> list[dict[str, Any]]:
    from portal.models import MailOutbox

    with world.ctx(app):
        return [{c: getattr(row, c) for c in ("id", "to_addr", "subject", "attempts", "claim", "sent_at", "failed_at")}
                for row in db.session.scalars(select(MailOutbox).order_by(MailOutbox.id))]


def test_worker_and_cron_senders_send_each_mail_once(portal, seed_app, mail_sink, cron):
    """Three secretaries open three sessions at once: each open queues a notice to every council member with an
    address and its worker sends them after the commit, while the cron command keeps sending what is due."""
    members = [f"tv{i:02d}" for i in range(4)]
    council(seed_app, members, emails=True)
    for i in range(3):
        world.user(seed_app, f"thuky{i + 1}", ["council_secretariat"])
    tabs = [Client(portal.base, f"thuky{i + 1}").logged_in(f"thuky{i + 1}") for i in range(3)]
    tally = Tally("outbox sent by worker threads and the cron at once", rounds(4))
    queued = 0
    for r in tally:
        titles = [f"Phiên thư {r}-{i}" for i in range(3)]
        sessions = [open_session(seed_app, f"thu-{r}-{i}", opened=False, title=t) for i, t in enumerate(titles)]
        forms = [tab.form(f"/awards/sessions/{s}", "/open") for tab, s in zip(tabs, sessions, strict=True)]
        shots = fire(3, lambda i: tabs[i].post(forms[i].action, forms[i].values()))
        tally.check(r, all(s.response is not None and s.response.ok for s in shots), f"opening answered {shots}")
        queued += len(titles) * len(members)
        deadline = time.monotonic() + 15
        while True:  # the senders run in the background: wait until nothing is left to send
            rows = _outbox(seed_app)
            if len(rows) >= queued and all(row["sent_at"] or row["failed_at"] for row in rows):
                break
            if time.monotonic() > deadline:
                tally.fail(r, f"{sum(1 for row in rows if not row['sent_at'])} of {len(rows)} mails still unsent")
                break
            time.sleep(0.05)
        with mail_sink.lock:
            got = Counter((rcpt, subject) for rcpt, subject in mail_sink.delivered
                          if any(t in subject for t in titles))
        wanted = {(f"{m}@tamduong.test", t) for m in members for t in titles}
        seen = {(rcpt, next(t for t in titles if t in subject)) for rcpt, subject in got}
        twice = {key: n for key, n in got.items() if n > 1}
        tally.check(r, not twice, f"sent more than once: {twice}")
        tally.check(r, seen == wanted, f"delivered {len(seen)} distinct mails, queued {len(wanted)}; "
                                       f"missing {sorted(wanted - seen)[:3]}")
        mine = [row for row in rows if any(t in row["subject"] for t in titles)]
        bad = [row for row in mine if row["attempts"] != 1 or row["claim"] or row["failed_at"] or not row["sent_at"]]
        tally.check(r, len(mine) == len(wanted) and not bad,
                    f"{len(mine)} outbox rows for {len(wanted)} mails; not sent once and released: {bad[:2]}")
    result = cron()
    tally.done([f"cron runs failed: {result['errors']}"] if result["errors"] else [])
