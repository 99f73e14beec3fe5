"""What plain SQL shows about an open session: no shared xmin, no physical order that follows casting order.

Each ballot transaction rewrites all ballots (receipt-hash order) and participation rows (user order) of its
session, so a reader with SELECT rights cannot pair the n-th voter with the n-th ballot, nor a participation
row with the ballot of the same transaction. Runs on SQLite (rowid) and PostgreSQL (ctid, xmin).
"""
from __future__ import annotations

import re

from sqlalchemy import select, text

from portal.extensions import db

from .conftest import assert_unlinkable, ballot, counts, physical


def fresh_heap(app) -> None:
    """PostgreSQL: start the ballot tables on new, empty files, so that no free space left by earlier tests'
    rows (after autovacuum) receives a rewritten row out of insertion order."""
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        with app.app_context():
            db.session.execute(text("TRUNCATE awards_ballot, awards_participation"))
            db.session.commit()


def test_open_session_gives_sql_no_link_between_voter_and_ballot(app, client, make_council, make_type, make_session, login_as):
    from plugins.awards.models import Ballot, VotingSession

    fresh_heap(app)
    w = make_council(9)
    sid, items = make_session(w, [make_type(written_ballots=True)], present=7)  # tv07, tv08 absent
    url = f"/awards/sessions/{sid}/vote"
    receipts = {}

    def vote(n: int, choice: str, receipt: str | None = None) -> None:
        login_as(w.members[n])
        resp = client.post(url, data=ballot(items, choice, receipt=receipt))
        assert resp.status_code == 200, resp.get_data(as_text=True)[:500]
        receipts[n] = re.search(r'data-receipt="([A-Z0-9-]+)"', resp.get_data(as_text=True)).group(1)

    # casting order deliberately not user order; the written ballot comes in the middle
    for n, choice in ((5, "agree"), (3, "disagree"), (6, "agree")):
        vote(n, choice)
    login_as("thuky")
    with app.app_context():
        absent = next(r for r in db.session.get(VotingSession, sid).roll if r.user_id == w.member_ids[8])
    assert client.post(f"/awards/sessions/{sid}/written",
                       data={"entry": absent.id, f"item-{items[0]}": "disagree"}).status_code == 200
    for n, choice in ((0, "agree"), (1, "abstain")):
        vote(n, choice)
    vote(3, "agree", receipt=receipts[3])  # the last transaction only replaces a ballot
    with app.app_context():
        assert db.session.get(VotingSession, sid).state == "open"
        stored = sorted(c[str(items[0])] for c in db.session.scalars(select(Ballot.choices).where(Ballot.session_id == sid)))
    assert stored == ["abstain", "agree", "agree", "agree", "agree", "disagree"]  # rewritten unchanged
    assert counts(app, sid) == (6, 6)
    assert_unlinkable(app, sid, 6)
    # every stored receipt still authorises its replacement after the rewrites
    vote(5, "disagree", receipt=receipts[5])
    assert_unlinkable(app, sid, 6)
    login_as(w.members[0])
    assert client.post(f"/awards/sessions/{sid}/close", data={"confirmed": "1"}).status_code == 302
    assert_unlinkable(app, sid, 6)
    with app.app_context():
        result = db.session.get(VotingSession, sid).result
    assert (result["returned"], result["items"][0]["agree"], result["items"][0]["disagree"]) == (6, 3, 2)


def test_closing_puts_bulk_loaded_ballots_in_receipt_order(app, make_council, make_type, make_session):
    """Ballots that did not come through a ballot transaction (bench data, imports) are reordered at closing."""
    from plugins.awards.services import tally as services
    from plugins.awards.models import Ballot, Participation

    fresh_heap(app)
    w = make_council(9)
    sid, items = make_session(w, [make_type()])
    with app.app_context():
        for n, uid in enumerate(reversed(w.member_ids)):
            db.session.add(Participation(session_id=sid, user_id=uid))
            db.session.add(Ballot(id=f"{n:032d}", session_id=sid, receipt_no=f"R{n:07d}",
                                  receipt_hash=f"{9 - n:064d}", choices={str(items[0]): "agree"}))
            db.session.flush()
        db.session.commit()
    loaded = physical(app, "awards_ballot", "receipt_hash", sid)
    assert loaded == sorted(loaded, reverse=True)
    with app.app_context():
        services.close_session(sid)
    assert_unlinkable(app, sid, 9)
