"""Competing state changes of one record at the same instant (issue 9: "one way for every state change"): two
different transitions race, exactly one takes effect, the other answers 409 with a Vietnamese message, and the
record ends in the winner's state with one set of side effects (voucher number, event, notification)."""
from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from portal.extensions import db
from tests.concurrency import world
from tests.concurrency.client import Client, fire, is_vietnamese
from tests.concurrency.conftest import rounds
from tests.concurrency.rounds import Tally


def _winner(tally: Tally, r: int, shots: list[Any], names: list[str]) -> str | None:
    """The name of the one transition that succeeded (and check the loser's 409), or None."""
    ok = [i for i, s in enumerate(shots) if s.response is not None and s.response.ok]
    if not tally.check(r, len(ok) == 1, f"{len(ok)} of {len(shots)} succeeded: {shots}"):
        return None
    loser = shots[1 - ok[0]]
    tally.check(r, loser.status == 409 and any(is_vietnamese(a) for a in loser.response.alerts()),
                f"{names[1 - ok[0]]} lost with {loser!r}, expected a 409 with a Vietnamese message")
    return names[ok[0]]


def test_fund_approve_or_reject_pay_or_reject(portal, seed_app):
    f = world.fund(seed_app, carried_in=1_000_000_000)
    for name in ("thuquy1", "thuquy2"):
        world.user(seed_app, name, ["fund_board"])
    a, b = (Client(portal.base, n).logged_in(n) for n in ("thuquy1", "thuquy2"))
    tally = Tally("fund approve/reject and pay/reject at once", rounds(6))
    for r in tally:
        # a proposed disbursement: one member approves while the other rejects
        item = world.disbursement(seed_app, f, 3_000_000, state="proposed", beneficiary=f"Hộ đề xuất {r}")
        url = f"/fund/disbursements/{item}"
        approve, reject = a.form(url, "/approve"), b.form(url, "/reject")
        posts = [(a, approve.action, approve.values(confirmed="1")), (b, reject.action, reject.values(reason="Không đúng đối tượng"))]
        shots = fire(2, lambda i: posts[i][0].post(posts[i][1], posts[i][2]))
        state = world.fund_row(seed_app, "Disbursement", item)["state"]
        if all(s.response is not None and s.response.ok for s in shots):
            # an approved disbursement may still be rejected, so both may succeed, but only in that order
            tally.check(r, state == "rejected", f"approve and reject both succeeded, state {state} (lost update)")
        else:
            won = _winner(tally, r, shots, ["approve", "reject"])
            if won:
                tally.check(r, state == {"approve": "approved", "reject": "rejected"}[won], f"{won} won, state {state}")
        # an approved disbursement: one member pays while the other rejects
        item = world.disbursement(seed_app, f, 2_000_000, beneficiary=f"Hộ được duyệt {r}")
        url = f"/fund/disbursements/{item}"
        before = world.ledger(seed_app)
        pay, reject = a.form(url, "/pay"), b.form(url, "/reject")
        posts = [(a, pay.action, pay.values(confirmed="1")), (b, reject.action, reject.values(reason="Hộ đã chuyển đi"))]
        shots = fire(2, lambda i: posts[i][0].post(posts[i][1], posts[i][2]))
        won = _winner(tally, r, shots, ["pay", "reject"])
        row = world.fund_row(seed_app, "Disbursement", item)
        after = world.ledger(seed_app)
        taken = sum(after.counters.values()) - sum(before.counters.values())
        if won == "pay":
            tally.check(r, row["state"] == "paid" and row["voucher_number"], f"paid won, row {row['state']}")
        elif won == "reject":
            tally.check(r, row["state"] == "rejected", f"reject won, state {row['state']}")
        tally.check(r, taken == (1 if row["state"] == "paid" else 0), f"{taken} voucher numbers for a {row['state']}")
    tally.done(world.ledger(seed_app).problems())


def test_report_accept_or_return(portal, seed_app):
    from plugins.reports.models import Event, Submission
    from portal.models import Notification, User

    period = world.report_period(seed_app)["period"]
    for name in ("vanphong1", "vanphong2"):
        world.user(seed_app, name, ["standing_office"])
    o1, o2 = (Client(portal.base, n).logged_in(n) for n in ("vanphong1", "vanphong2"))
    tally = Tally("report accept/return at once", rounds(6))
    for r in tally:
        unit_id, names = world.report_unit(seed_app, period, 200 + r, reporters=1)
        reporter = Client(portal.base, names[0]).logged_in(names[0])
        url = f"/reports/p/{period}/u/{unit_id}"
        submit = reporter.form(url, lambda f: f.action.endswith("/submit"))
        sent = reporter.post(submit.action, submit.values(poor=80, escaped=8, note="Hoàn thành"))
        assert sent.status == 302, sent
        accept, back = o1.form(url, "/accept"), o2.form(url, "/return")
        posts = [(o1, accept.action, accept.values(confirmed="1")), (o2, back.action, back.values(comment="Bổ sung số liệu"))]
        shots = fire(2, lambda i: posts[i][0].post(posts[i][1], posts[i][2]))
        won = _winner(tally, r, shots, ["accept", "return"])
        with world.ctx(seed_app):
            sub = db.session.scalar(select(Submission).where(Submission.period_id == period,
                                                             Submission.unit_id == unit_id))
            events = db.session.scalar(select(func.count(Event.id)).where(
                Event.submission_id == sub.id, Event.action.in_(("accepted", "returned"))))
            notes = db.session.scalar(select(func.count(Notification.id)).join(User, User.id == Notification.user_id)
                                      .where(User.unit_id == unit_id))
            state = sub.state
        if won:
            tally.check(r, state == {"accept": "accepted", "return": "returned"}[won], f"{won} won, state {state}")
        tally.check(r, events == 1, f"{events} review events recorded")
        tally.check(r, notes == 1, f"the unit got {notes} notifications")
    tally.done()
