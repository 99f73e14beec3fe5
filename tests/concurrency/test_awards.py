"""Ballot replacement over real HTTP (issue 9, defect 5): a council member who posts a replacement ballot with
another member's receipt code must be refused, and the other member's ballot must stay as it was."""
from __future__ import annotations

import datetime as dt
import re
from typing import Any

from sqlalchemy import select

from portal.extensions import db
from tests.concurrency import world
from tests.concurrency.client import Client, Form
from tests.concurrency.conftest import rounds
from tests.concurrency.rounds import Tally


def voting_session(app: Any, members: list[str], items: int = 2) -> int:
    """An open voting session with ``items`` nominations and a council of ``members`` (first is chair)."""
    from plugins.awards.services import voting
    from plugins.awards.models import AwardType, CouncilMember, Nomination, NominationRound, VotingSession

    unit = world.unit(app, "Xã Bình Lư", "xa-binh-lu")
    ids = [world.user(app, name, ["council_member"], full_name=f"Thành viên {name[-2:]}") for name in members]
    with world.ctx(app):
        for n, uid in enumerate(ids):
            db.session.add(CouncilMember(user_id=uid, function=("chair", "vice_chair", "secretary")[n] if n < 3
                                         else "member"))
        rnd = NominationRound(name="Tổng kết 2021–2025", year=2025, open=True)
        kind = AwardType(name="Giấy khen", giver="Chủ tịch UBND huyện", nominee_kinds="collective,individual,household",
                         quorum_num=2, quorum_den=3, threshold_num=1, threshold_den=2, strictly_more=True,
                         denominator="valid", written_ballots=False, allow_abstain=True, legal_basis="")
        db.session.add_all([rnd, kind])
        db.session.flush()
        noms = [Nomination(round_id=rnd.id, award_type_id=kind.id, unit_id=unit, kind="individual",
                           nominee=f"Ứng viên {n + 1}", achievements="Thành tích", state="eligible")
                for n in range(items)]
        db.session.add_all(noms)
        s = VotingSession(round_id=rnd.id, title="Phiên họp xét khen thưởng", number="12/BB-HĐTĐKT",
                          meeting_date=dt.date(2025, 11, 20), counting_head="Thành viên 05")
        db.session.add(s)
        db.session.flush()
        voting.add_items(s, noms)
        voting.open_session(s)
        for entry in s.roll:
            entry.present = True
        db.session.commit()
        return s.id


def ballot_values(form: Form, choice: str, receipt: str | None = None) -> list[tuple[str, str]]:
    items = sorted({n for n in form.names if n.startswith("item-")})
    assert items, f"no ballot items in {form.names}"
    extra = {name: choice for name in items}
    if receipt is not None:
        extra["receipt"] = receipt
    return form.values(**extra)


def receipt_of(body: str) -> str | None:
    m = re.search(r'data-receipt="([^"]+)"', body)
    return m.group(1) if m else None


def stored_choices(app: Any, session_id: int) -> dict[str, list[str]]:
    """receipt_no (public half of the code) -> the choices of that ballot."""
    from plugins.awards.models import Ballot

    with world.ctx(app):
        return {b.receipt_no: sorted(b.choices.values())
                for b in db.session.scalars(select(Ballot).where(Ballot.session_id == session_id))}


def _public(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch.isalnum())[:8]


def test_ballot_cannot_be_replaced_with_another_members_receipt(portal, seed_app):
    n = rounds(3)
    members = [f"tv{i:02d}" for i in range(2 * n + 1)]
    session = voting_session(seed_app, members)
    url = f"/awards/sessions/{session}/vote"
    tally = Tally("ballot with another member's receipt", n)
    for r in tally:
        a = Client(portal.base, members[2 * r + 1]).logged_in(members[2 * r + 1])
        b = Client(portal.base, members[2 * r + 2]).logged_in(members[2 * r + 2])
        first = a.post(url, ballot_values(a.form(url, "/vote"), "agree"), hx=True)
        code_a = receipt_of(first.body)
        second = b.post(url, ballot_values(b.form(url, "/vote"), "disagree"), hx=True)
        code_b = receipt_of(second.body)
        assert code_a and code_b, (first, second)
        # B, who has voted, "replaces my ballot" with A's receipt code
        stolen = b.post(url, ballot_values(b.form(url, "/vote"), "abstain", receipt=code_a), hx=True)
        kept = stored_choices(seed_app, session)
        tally.check(r, 400 <= stolen.status < 500 and not receipt_of(stolen.body),
                    f"replacement with another member's receipt answered {stolen!r}")
        tally.check(r, kept.get(_public(code_a)) == ["agree", "agree"],
                    f"A's ballot is now {kept.get(_public(code_a))}")
        tally.check(r, kept.get(_public(code_b)) == ["disagree", "disagree"],
                    f"B's ballot is now {kept.get(_public(code_b))}")
        # and B can still replace B's own ballot
        own = b.post(url, ballot_values(b.form(url, "/vote"), "agree", receipt=code_b), hx=True)
        tally.check(r, own.status == 200 and receipt_of(own.body), f"B replacing B's own ballot answered {own!r}")
    tally.done()
