"""PostgreSQL only: many members voting at the same moment lose or double no ballot and leave no xmin link."""
from __future__ import annotations

import threading

import pytest

from tests.helpers import login

from .conftest import assert_unlinkable, ballot, counts


@pytest.mark.postgres
def test_sixty_members_voting_in_parallel_give_sixty_ballots(app, make_council, make_type, make_session):
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        pytest.skip("needs PostgreSQL (TEST_DATABASE_URL)")
    w = make_council(60)
    sid, items = make_session(w, [make_type(), make_type("LĐTT")])
    clients = []
    for username in w.members:
        c = app.test_client()
        login(c, username)
        clients.append(c)
    barrier = threading.Barrier(len(clients) * 2)
    codes: list[int] = []
    lock = threading.Lock()

    def vote(c, choice):
        barrier.wait()
        code = c.post(f"/awards/sessions/{sid}/vote", data=ballot(items, choice)).status_code
        with lock:
            codes.append(code)

    # every member sends two first ballots at once: exactly one of each pair may count
    threads = [threading.Thread(target=vote, args=(c, ch)) for c in clients for ch in ("agree", "disagree")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert codes.count(200) == 60 and codes.count(409) == 60, sorted(set(codes))
    assert counts(app, sid) == (60, 60)
    assert_unlinkable(app, sid, 60, order=False)  # the serialised rewrites left a single xmin
    login(clients[0], "thuky")
    assert clients[0].post(f"/awards/sessions/{sid}/close", data={"confirmed": "1"}).status_code == 302
    from plugins.awards.models import VotingSession
    from portal.extensions import db

    with app.app_context():
        result = db.session.get(VotingSession, sid).result
    assert result["returned"] == 60 and all(i["agree"] + i["disagree"] == 60 for i in result["items"])
