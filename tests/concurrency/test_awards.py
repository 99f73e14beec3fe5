"""Ballot replacement over real HTTP (issue 9, defect 5): a council member who posts a replacement ballot with
another member's receipt code must be refused, and the other member's ballot must stay as it was."""
from __future__ import annotations

import datetime as dt
import re
from typing import Any

from sqlalchemy import func, select

from portal.extensions import db
from tests.concurrency import world
from tests.concurrency.client import Client, Form, fire
from tests.concurrency.conftest import rounds
from tests.concurrency.rounds import Tally
from tests.concurrency.test_transitions import _winner  # one check of "exactly one won, the other 409"


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


# --- competing state changes: exactly one takes effect (issue 17) ----------------------------------------------------

def test_issuing_a_decision_twice_at_once_numbers_it_once(portal, seed_app):
    from plugins.awards.models import Achievement, Decision, DecisionCounter, DecisionLine

    for name in ("thuky1", "thuky2"):
        world.user(seed_app, name, ["council_secretariat"])
    a, b = (Client(portal.base, n).logged_in(n) for n in ("thuky1", "thuky2"))
    tally = Tally("decision issued twice at once", rounds(6))
    for r in tally:
        with world.ctx(seed_app):
            d = Decision(decision_date=dt.date(2025, 12, 1), subject=f"Về việc khen thưởng {r}",
                         signer_name="Nguyễn Văn Chủ tịch")
            d.lines = [DecisionLine(position=n, award_name="Giấy khen", kind="individual", nominee=f"Người {r}-{n}")
                       for n in range(2)]
            db.session.add(d)
            db.session.commit()
            did = d.id
        url = f"/awards/decisions/{did}"
        forms = [c.form(url, "/issue") for c in (a, b)]  # each has its own once-key: two different submissions
        posts = [(c, f.action, f.values(confirmed="1")) for c, f in zip((a, b), forms, strict=True)]
        shots = fire(2, lambda i: posts[i][0].post(posts[i][1], posts[i][2]))
        _winner(tally, r, shots, ["issue by thuky1", "issue by thuky2"])
        with world.ctx(seed_app):
            row = db.session.get(Decision, did)
            records = db.session.scalar(select(func.count(Achievement.id)).where(Achievement.decision_id == did))
            counter = db.session.get(DecisionCounter, 2025)
            numbered = db.session.scalar(select(func.count(Decision.id)).where(Decision.year == 2025))
        tally.check(r, row.state == "issued" and row.seq, f"state {row.state}, seq {row.seq}")
        tally.check(r, records == 2, f"{records} achievement records for 2 awardees")
        tally.check(r, counter is not None and counter.last == numbered == r + 1,
                    f"counter {counter and counter.last} for {numbered} issued decisions (a number taken twice)")
    tally.done()


def test_approving_and_returning_a_registration_at_once(portal, seed_app):
    from plugins.awards.models import AwardType, NominationRound, Registration
    from plugins.awards.services import registrations

    for name in ("vanphong1", "vanphong2"):
        world.user(seed_app, name, ["standing_office"])
    a, b = (Client(portal.base, n).logged_in(n) for n in ("vanphong1", "vanphong2"))
    with world.ctx(seed_app):
        rnd = NominationRound(name="Thi đua 2026", year=2026, open=True)
        kind = AwardType(name="Tập thể lao động tiên tiến", giver="Chủ tịch UBND huyện", nominee_kinds="collective",
                         quorum_num=2, quorum_den=3, threshold_num=1, threshold_den=2, strictly_more=True,
                         denominator="valid", legal_basis="")
        db.session.add_all([rnd, kind])
        db.session.commit()
        round_id, type_id = rnd.id, kind.id
    tally = Tally("registration approved and returned at once", rounds(6))
    for r in tally:
        unit_id = world.unit(seed_app, f"Xã Đăng Ký {r}", f"xa-dang-ky-{r}")
        with world.ctx(seed_app):
            reg = registrations.save_registration(
                round_id, unit_id, "Phấn đấu hoàn thành vượt mức chỉ tiêu giảm nghèo.",
                [registrations.EntryInput(type_id, "collective", f"UBND xã Đăng Ký {r}", "")], submit=True)
            db.session.commit()
            reg_id = reg.id
        url = f"/awards/registrations/{reg_id}"
        approve, back = a.form(url, "/review"), b.form(url, "/review")
        posts = [(a, approve.action, approve.values(decision="approve", note="")),
                 (b, back.action, back.values(decision="return", note="Bổ sung cam kết"))]
        shots = fire(2, lambda i: posts[i][0].post(posts[i][1], posts[i][2]))
        won = _winner(tally, r, shots, ["approve", "return"])
        with world.ctx(seed_app):
            state = db.session.get(Registration, reg_id).state
        if won:
            tally.check(r, state == {"approve": "approved", "return": "returned"}[won], f"{won} won, state {state}")
    tally.done()
