"""Fund races over real HTTP (issue 9, defects 1, 2, 8, 9): double payment, overdraft, double reversal, duplicate
contribution, and receipts, reversals and payments of two fund years all at once. Every round prepares fresh
records, scrapes the real forms (CSRF and any hidden key included), fires the posts at the same instant and checks
what the round itself changed; after the rounds the whole ledger must hold together (day and year totals =
entries, gapless numbers, the pages' balance = the ledger's)."""
from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tests.concurrency import world
from tests.concurrency.client import Client, fire, is_vietnamese
from tests.concurrency.conftest import rounds
from tests.concurrency.rounds import Tally

CARRIED = 1_000_000_000_000  # enough money that only the overdraft case ever runs short


@pytest.fixture
def board(portal: Any, seed_app: Any) -> dict[str, Any]:
    """A fund with money, and two fund-board members logged in (two cashiers, or two tabs of one)."""
    f = world.fund(seed_app, carried_in=CARRIED)
    for name in ("thuquy1", "thuquy2"):
        world.user(seed_app, name, ["fund_board"])
    clients = [Client(portal.base, n).logged_in(n) for n in ("thuquy1", "thuquy2")]
    return {"fund": f, "clients": clients}


def _refusal(shot: Any) -> str | None:
    """None when ``shot`` is a clean 409 with a Vietnamese message, else what is wrong with it."""
    if shot.status != 409:
        return f"loser answered {shot!r}, expected 409"
    alerts = shot.response.alerts()
    if not any(is_vietnamese(a) for a in alerts):
        return f"409 without a Vietnamese message: {alerts or shot.body[:200]!r}"
    return None


def _one_winner(tally: Tally, r: int, shots: list[Any]) -> None:
    ok = [s for s in shots if s.response is not None and s.response.ok]
    tally.check(r, len(ok) == 1, f"{len(ok)} of {len(shots)} succeeded: {shots}")
    for s in shots:
        if s not in ok:
            problem = _refusal(s)
            tally.check(r, problem is None, problem or "")


def _finish(tally: Tally, portal: Any, seed_app: Any, viewer: Client) -> None:
    led = world.ledger(seed_app)
    tally.done(led.problems() + world.page_balance_problems(portal.base, seed_app, viewer) +
               ([f"balance is negative: {led.balance}"] if led.balance < 0 else []))


def test_double_payment(portal, seed_app, board):
    """Two 'record the payment' posts for one approved disbursement: one payment, one voucher number, one total."""
    a, b = board["clients"]
    tally = Tally("double payment", rounds(10))
    amount = 4_000_000
    for r in tally:
        item = world.disbursement(seed_app, board["fund"], amount)
        forms = [c.form(f"/fund/disbursements/{item}", "/pay") for c in (a, b)]
        before = world.ledger(seed_app)
        shots = fire(2, lambda i: (a, b)[i].post(forms[i].action, forms[i].values(confirmed=1)))
        after = world.ledger(seed_app)
        _one_winner(tally, r, shots)
        vouchers = sum(after.counters.values()) - sum(before.counters.values())
        tally.check(r, vouchers == 1, f"{vouchers} voucher numbers taken")
        tally.check(r, after.n_paid - before.n_paid == 1, f"{after.n_paid - before.n_paid} payments stored")
        tally.check(r, after.day_c - before.day_c == amount,
                    f"day totals grew by {after.day_c - before.day_c}, the payment is {amount}")
        label = world.safe_day().year  # the pay form's date: today
        grew = _moved(before.year(label, "C"), after.year(label, "C"))
        tally.check(r, grew == (1, amount), f"year totals of {label} moved by {grew}, the payment is (1, {amount})")
        row = world.fund_row(seed_app, "Disbursement", item)
        tally.check(r, row["state"] == "paid" and row["voucher_number"] is not None, f"disbursement {row}")
    _finish(tally, portal, seed_app, a)


def test_overdraft(portal, seed_app, board):
    """Two approved disbursements each above half the balance, paid at once: one is paid, the other refused."""
    a, b = board["clients"]
    target, amount = 2_514_979_000, 1_508_987_000
    # spend the large opening balance down to exactly ``target`` first (a plain payment, not part of the race)
    first = world.disbursement(seed_app, board["fund"], CARRIED - target)
    resp = a.post(*_pay(a, first))
    assert resp.ok, resp
    tally = Tally("overdraft", rounds(10))
    for r in tally:
        balance = world.ledger(seed_app).balance
        if balance < target:  # top up to exactly ``target`` (after a refused round, or after an overdraft)
            world.contribution(seed_app, target - balance, day=world.safe_day(), donor="Công ty Điện lực")
        items = [world.disbursement(seed_app, board["fund"], amount, beneficiary=f"Hộ {r}-{i}") for i in (0, 1)]
        forms = [c.form(f"/fund/disbursements/{items[i]}", "/pay") for i, c in enumerate((a, b))]
        shots = fire(2, lambda i: (a, b)[i].post(forms[i].action, forms[i].values(confirmed=1)))
        after = world.ledger(seed_app)
        _one_winner(tally, r, shots)
        tally.check(r, after.balance >= 0, f"balance {after.balance} after both payments")
        tally.check(r, after.balance == target - amount, f"balance {after.balance}, expected {target - amount}")
        states = sorted(world.fund_row(seed_app, "Disbursement", i)["state"] for i in items)
        tally.check(r, states == ["approved", "paid"], f"states {states}")
    _finish(tally, portal, seed_app, a)


def _pay(client: Client, item: int) -> tuple[str, list[tuple[str, str]]]:
    form = client.form(f"/fund/disbursements/{item}", "/pay")
    return form.action, form.values(confirmed=1)  # as after "yes" on the confirmation


def test_double_reversal(portal, seed_app, board):
    """Two reversals of one receipt at once: one correction with its own number, the other a 409, never a 500."""
    a, b = board["clients"]
    tally = Tally("double reversal", rounds(8))
    for r in tally:
        entry = world.contribution(seed_app, 2_500_000, day=world.safe_day())
        forms = [c.form(f"/fund/contributions/{entry}", "/reverse") for c in (a, b)]
        before = world.ledger(seed_app)
        shots = fire(2, lambda i: (a, b)[i].post(forms[i].action, forms[i].values(reason="Ghi nhầm số tiền"),
                                                  hx=True))
        after = world.ledger(seed_app)
        _one_winner(tally, r, shots)
        tally.check(r, after.n_receipts - before.n_receipts == 1,
                    f"{after.n_receipts - before.n_receipts} reversing entries stored")
        taken = sum(after.counters.values()) - sum(before.counters.values())
        tally.check(r, taken == 1, f"{taken} receipt numbers taken")
        tally.check(r, before.receipts - after.receipts == 2_500_000, "ledger moved by "
                    f"{after.receipts - before.receipts}")
        label = world.safe_day().year
        moved = _moved(before.year(label, "R"), after.year(label, "R"))
        tally.check(r, moved == (-1, -2_500_000), f"year totals of {label} moved by {moved}, expected (-1, -2500000)")
    _finish(tally, portal, seed_app, a)


def _moved(before: tuple[int, int], after: tuple[int, int]) -> tuple[int, int]:
    """How (entries, amount) of a year total changed."""
    return after[0] - before[0], after[1] - before[1]


def _contribution_form(client: Client, amount: int, donor: str) -> tuple[str, list[tuple[str, str]]]:
    form = client.form("/fund/contributions/new", "/contributions/new")
    return form.action, form.values(amount=str(amount), donor_name=donor, donor_type="person", method="cash",
                                    date=world.safe_day().strftime("%d/%m/%Y"))


def _receipt_target(resp: Any) -> str | None:
    loc = resp.location or ""
    return loc.split("?")[0].rstrip("/") if "/fund/contributions/" in loc else None


def test_duplicate_contribution(portal, seed_app, board):
    """The same rendered contribution form posted twice at once (a double tap), and posted again after the first
    answer (a retry after a lost response): one receipt, and every answer leads to it."""
    a = board["clients"][0]
    tally = Tally("duplicate contribution", rounds(8))
    for r in tally:
        action, values = _contribution_form(a, 1_000_000 + r, f"Nhà hảo tâm {r}")
        before = world.ledger(seed_app)
        shots = fire(2, lambda i: a.post(action, values, hx=True))  # one browser, two taps
        mid = world.ledger(seed_app)
        replay = a.post(action, values)  # the browser resends the form (no JS, after a connection error)
        after = world.ledger(seed_app)
        made = mid.n_receipts - before.n_receipts
        tally.check(r, made == 1, f"double tap stored {made} receipts: {shots}")
        tally.check(r, after.n_receipts == mid.n_receipts, "the replayed form stored another receipt")
        taken = sum(after.counters.values()) - sum(before.counters.values())
        tally.check(r, taken == 1, f"{taken} receipt numbers taken")
        targets = {_receipt_target(s.response) for s in shots if s.response is not None} | {_receipt_target(replay)}
        tally.check(r, all(s.response is not None and s.response.ok for s in shots) and replay.ok,
                    f"answers {shots} / replay {replay!r}")
        tally.check(r, len(targets) == 1 and None not in targets, f"answers lead to {targets}")
    _finish(tally, portal, seed_app, a)


def test_receipts_reversals_and_payments_of_two_years_at_once(portal, seed_app, board):
    """Six cashiers' tabs post at the same instant: receipts dated last year and this year, the reversal of a
    receipt and payments dated in both years. Receipts and payments of one day share their day's rows (day net),
    entries of one year and side share its year total: each year total moves by exactly what was posted in it,
    and the day totals still equal the entries (checked after the rounds)."""
    tabs = board["clients"] + [Client(portal.base, f"tab{i}").logged_in(("thuquy1", "thuquy2")[i % 2])
                               for i in range(4)]
    this_day = world.safe_day()
    last_day = dt.date(world.local_today().year - 1, 6, 15)  # inside last fund year in every time zone
    tally = Tally("receipts, reversals and payments of two years at once", rounds(6))
    for r in tally:
        to_reverse = world.contribution(seed_app, 700_000 + r, day=this_day, donor=f"Người góp {r}")
        items = [world.disbursement(seed_app, board["fund"], 3_000_000 + 1000 * i + r, beneficiary=f"Hộ {r}-{i}")
                 for i in (0, 1)]
        gifts = [(0, 1_100_000 + r, last_day), (1, 1_200_000 + r, this_day), (2, 1_300_000 + r, last_day)]
        posts: list[tuple[Client, str, list[tuple[str, str]]]] = []
        for i, amount, day in gifts:
            form = tabs[i].form("/fund/contributions/new", "/contributions/new")
            posts.append((tabs[i], form.action, form.values(amount=str(amount), donor_name=f"Nhà hảo tâm {r}-{i}",
                                                            donor_type="person", method="cash",
                                                            date=day.strftime("%d/%m/%Y"))))
        form = tabs[3].form(f"/fund/contributions/{to_reverse}", "/reverse")
        posts.append((tabs[3], form.action, form.values(reason="Ghi nhầm số tiền",
                                                        date=this_day.strftime("%d/%m/%Y"))))
        for tab, item, day in ((tabs[4], items[0], last_day), (tabs[5], items[1], this_day)):
            form = tab.form(f"/fund/disbursements/{item}", "/pay")
            posts.append((tab, form.action, form.values(confirmed=1, paid_on=day.strftime("%d/%m/%Y"))))
        before = world.ledger(seed_app)
        shots = fire(len(posts), lambda i: posts[i][0].post(posts[i][1], posts[i][2]))
        after = world.ledger(seed_app)
        tally.check(r, all(s.response is not None and s.response.ok for s in shots), f"answers {shots}")
        paid = [3_000_000 + r, 3_001_000 + r]
        expected = {  # (label, side) -> (entries, amount) this round added
            (last_day.year, "R"): (2, gifts[0][1] + gifts[2][1]),
            (this_day.year, "R"): (0, gifts[1][1] - (700_000 + r)),  # one receipt in, one reversed
            (last_day.year, "C"): (1, paid[0]),
            (this_day.year, "C"): (1, paid[1]),
        }
        for (label, side), want in expected.items():
            moved = _moved(before.year(label, side), after.year(label, side))
            tally.check(r, moved == want, f"year totals of {label} side {side} moved by {moved}, posted {want}")
        tally.check(r, not after.problems(), "; ".join(after.problems()[:2]))
    _finish(tally, portal, seed_app, board["clients"][0])
