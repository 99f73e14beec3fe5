"""Login throttling over real HTTP (issue 9, defect 10): of 20 wrong passwords for one account sent at once, at
most PORTAL_LOGIN_MAX_FAILURES (5) are checked; the others answer 429 with a Vietnamese message."""
from __future__ import annotations

from tests.concurrency import world
from tests.concurrency.client import PASSWORD, Client, fire, is_vietnamese
from tests.concurrency.conftest import rounds
from tests.concurrency.rounds import Tally

BURST = 20
MAX_FAILURES = 5  # portal/config.py PORTAL_LOGIN_MAX_FAILURES


def test_login_throttle_counts_every_attempt(portal, seed_app):
    tally = Tally("login throttle", rounds(5))
    for r in tally:
        username = f"canbo{r}"
        world.user(seed_app, username, ["unit_reporter"])
        clients = [Client(portal.base, f"{username}-{i}") for i in range(BURST)]
        forms = [c.form("/login", lambda f: f.has("password")) for c in clients]
        shots = fire(BURST, lambda i: clients[i].post(forms[i].action or "/login",
                                                      forms[i].values(username=username, password=f"sai-{i}")))
        statuses = sorted(s.status or 0 for s in shots)
        checked = statuses.count(401)
        tally.check(r, 1 <= checked <= MAX_FAILURES,
                    f"{checked} wrong passwords were checked (at most {MAX_FAILURES} may be)")
        tally.check(r, set(statuses) <= {401, 429}, f"answers {statuses}")
        refused = [s for s in shots if s.status == 429]
        tally.check(r, all(any(is_vietnamese(a) for a in s.response.alerts()) for s in refused),
                    f"a 429 without a Vietnamese message: {refused[:1]}")
        # the account is now locked for this address, even with the right password
        late = Client(portal.base, username)
        resp = late.login(username, PASSWORD)
        tally.check(r, resp.status == 429, f"right password after the burst answered {resp!r}")
    tally.done()
