"""Ballot replacement over real HTTP (issue 9, defect 5): a council member who posts a replacement ballot with
another member's receipt code must be refused, and the other member's ballot must stay as it was. Competing state
changes of decisions and registrations, and the presence roll racing itself, written ballots and the closing."""
from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest

from sqlalchemy import func, select

from portal.extensions import db
from tests.concurrency import world
from tests.concurrency.client import Client, Form, fire, is_vietnamese
from tests.concurrency.conftest import rounds
from tests.concurrency.rounds import Tally
from tests.concurrency.test_transitions import _winner  # one check of "exactly one won, the other 409"


def voting_session(app: Any, members: list[str], items: int = 2) -> int:
    """An open voting session with ``items`` nominations and a council of ``members`` (first is chair), all present."""
    council(app, members)
    session = open_session(app, "binh-lu", items=items)
    with world.ctx(app):
        from plugins.awards.models import VotingSession

        for entry in db.session.get(VotingSession, session).roll:
            entry.present = True
        db.session.commit()
    return session


def council(app: Any, members: list[str], emails: bool = False) -> None:
    """The council: ``members`` as council-member users (the first is chair, then vice chair and secretary);
    ``emails``: each with the address <username>@tamduong.test."""
    from plugins.awards.models import CouncilMember

    ids = [world.user(app, name, ["council_member"], full_name=f"Thành viên {name[-2:]}",
                      email=f"{name}@tamduong.test" if emails else None) for name in members]
    with world.ctx(app):
        for n, uid in enumerate(ids):
            db.session.add(CouncilMember(user_id=uid, function=("chair", "vice_chair", "secretary")[n] if n < 3
                                         else "member"))
        db.session.commit()


def open_session(app: Any, tag: str, items: int = 1, written: bool = False, opened: bool = True,
                 title: str = "Phiên họp xét khen thưởng") -> int:
    """A session of a new round opened through the service (the roll frozen from the council, nobody present);
    ``written``: its award lets absent members vote in writing; ``opened=False``: a draft ready to open."""
    from plugins.awards.services import voting
    from plugins.awards.models import AwardType, Nomination, NominationRound, VotingSession

    unit = world.unit(app, f"Xã Phiên {tag}", f"xa-phien-{tag}")
    with world.ctx(app):
        rnd = NominationRound(name=f"Tổng kết 2021–2025 ({tag})", year=2025, open=True)
        kind = AwardType(name="Giấy khen", giver="Chủ tịch UBND huyện", nominee_kinds="collective,individual,household",
                         quorum_num=2, quorum_den=3, threshold_num=1, threshold_den=2, strictly_more=True,
                         denominator="valid", written_ballots=written, allow_abstain=True, legal_basis="")
        db.session.add_all([rnd, kind])
        db.session.flush()
        noms = [Nomination(round_id=rnd.id, award_type_id=kind.id, unit_id=unit, kind="individual",
                           nominee=f"Ứng viên {n + 1}", achievements="Thành tích", state="eligible")
                for n in range(items)]
        db.session.add_all(noms)
        s = VotingSession(round_id=rnd.id, title=title, number="12/BB-HĐTĐKT",
                          meeting_date=dt.date(2025, 11, 20), counting_head="Thành viên 05")
        db.session.add(s)
        db.session.flush()
        voting.add_items(s, noms)
        if opened:
            voting.open_session(s)
        db.session.commit()
        return s.id


def draft_decision(app: Any, year: int, subject: str, nominees: list[str]) -> tuple[int, list[int]]:
    """A draft decision of ``year`` ready to issue (signer named), one individual line per nominee: its id and
    its lines' ids, in order."""
    from plugins.awards.models import Decision, DecisionLine

    with world.ctx(app):
        d = Decision(decision_date=dt.date(year, 12, 1), subject=subject, signer_name="Nguyễn Văn Chủ tịch")
        d.lines = [DecisionLine(position=n, award_name="Giấy khen", kind="individual", nominee=name)
                   for n, name in enumerate(nominees)]
        db.session.add(d)
        db.session.commit()
        return d.id, [line.id for line in d.lines]


def secretaries(portal: Any, app: Any, names: tuple[str, str]) -> tuple[Client, Client]:
    """Two council secretariat users, each logged in through the live server."""
    for name in names:
        world.user(app, name, ["council_secretariat"])
    a, b = (Client(portal.base, n).logged_in(n) for n in names)
    return a, b


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
    from plugins.awards.models import Achievement, Decision, DecisionCounter

    a, b = secretaries(portal, seed_app, ("thuky1", "thuky2"))
    tally = Tally("decision issued twice at once", rounds(6))
    for r in tally:
        did, _lines = draft_decision(seed_app, 2025, f"Về việc khen thưởng {r}", [f"Người {r}-{n}" for n in range(2)])
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


def test_two_drafts_issued_at_once_take_consecutive_numbers(portal, seed_app):
    """Two different drafts issued at the same moment both succeed (nothing to refuse) and share the year's
    counter under its row lock: they take the next two numbers, none doubled and none skipped."""
    from plugins.awards.models import Decision, DecisionCounter

    a, b = secretaries(portal, seed_app, ("thuky3", "thuky4"))
    year = 2024  # a year of its own: the other decision tests number 2025's
    tally = Tally("two drafts issued at once", rounds(6))
    for r in tally:
        ids = [draft_decision(seed_app, year, f"Về việc khen thưởng đợt {r}-{n}", [f"Người {r}-{n}"])[0]
               for n in range(2)]
        posts = [(c, c.form(f"/awards/decisions/{did}", "/issue")) for c, did in zip((a, b), ids, strict=True)]
        shots = fire(2, lambda i: posts[i][0].post(posts[i][1].action, posts[i][1].values(confirmed="1")))
        tally.check(r, all(s.response is not None and s.response.ok for s in shots), f"not both issued: {shots}")
        with world.ctx(seed_app):
            seqs = sorted(s or 0 for s in db.session.scalars(select(Decision.seq).where(Decision.id.in_(ids))))
            counter = db.session.get(DecisionCounter, year)
        tally.check(r, seqs == [2 * r + 1, 2 * r + 2], f"numbers {seqs}, expected {[2 * r + 1, 2 * r + 2]}")
        tally.check(r, counter is not None and counter.last == 2 * r + 2,
                    f"counter {counter and counter.last} after {2 * r + 2} issued decisions")
    tally.done()


def test_removing_a_line_while_the_draft_is_issued(portal, seed_app):
    """A secretary removes an awardee from a draft while another issues it: either the line goes first and the
    decision is issued without it, or the issue goes first and the removal is refused (409). Never an issued
    decision whose Article 1 and achievement records disagree."""
    from plugins.awards.models import Achievement, Decision

    a, b = secretaries(portal, seed_app, ("thuky5", "thuky6"))
    tally = Tally("line removed while the draft is issued", rounds(6))
    for r in tally:
        did, (_kept, removed) = draft_decision(seed_app, 2023, f"Về việc khen thưởng (bỏ dòng) {r}",
                                               [f"Người {r}-{n}" for n in range(2)])
        url = f"/awards/decisions/{did}"
        issue = a.form(url, "/issue")
        edit = b.form(f"{url}?edit={removed}", f"/lines/{removed}")
        posts = [(a, issue.action, issue.values(confirmed="1")),
                 (b, f"{url}/lines/{removed}/remove", [("csrf_token", edit.get("csrf_token") or "")])]
        shots = fire(2, lambda i: posts[i][0].post(posts[i][1], posts[i][2]))
        with world.ctx(seed_app):
            row = db.session.get(Decision, did)
            lines = sorted(line.nominee for line in row.lines)
            records = sorted(db.session.scalars(select(Achievement.holder).where(Achievement.decision_id == did)))
        tally.check(r, shots[0].response is not None and shots[0].response.ok, f"issue answered {shots[0]!r}")
        tally.check(r, row.state == "issued", f"state {row.state}")
        tally.check(r, lines == records, f"Article 1 {lines} but achievement records {records}")
        if shots[1].response is not None and shots[1].response.ok:
            tally.check(r, lines == [f"Người {r}-0"], f"removal answered OK but Article 1 is {lines}")
        else:
            tally.check(r, shots[1].status == 409 and any(is_vietnamese(x) for x in shots[1].response.alerts()),
                        f"removal lost with {shots[1]!r}, expected a 409 with a Vietnamese message")
            tally.check(r, len(lines) == 2, f"removal refused but Article 1 is {lines}")
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


# --- the presence roll (POST /awards/sessions/<id>/roll) racing itself, written ballots and closing ---------------

def roll_ids(app: Any, session_id: int) -> dict[str, int]:
    """username -> roll entry id of a session."""
    from plugins.awards.models import RollEntry
    from portal.models import User

    with world.ctx(app):
        return dict(db.session.execute(select(User.username, RollEntry.id).join(User, User.id == RollEntry.user_id)
                                       .where(RollEntry.session_id == session_id)).all())


def presence_problems(app: Any, session_id: int, only: set[int] | None = None) -> list[str]:
    """The audit of every roll entry of a session read as a chain: each change of "present" starts from what the
    previous one left, and the last one left what the row holds (a change made on a stale read breaks the chain:
    two "absent → present" in a row, or a row the audit says is absent). ``only``: these entries."""
    from plugins.awards.models import RollEntry
    from portal.models import AuditEntry

    out = []
    with world.ctx(app):
        rows = {i: p for i, p in db.session.execute(select(RollEntry.id, RollEntry.present)
                                                    .where(RollEntry.session_id == session_id))
                if only is None or i in only}
        audit = db.session.execute(select(AuditEntry.object_id, AuditEntry.changes).where(
            AuditEntry.object_type == "awards_roll_entry", AuditEntry.object_id.in_([str(i) for i in rows]))
            .order_by(AuditEntry.id)).all()
    chains: dict[int, list[list[Any]]] = {}
    for object_id, changes in audit:
        if "present" in changes:
            chains.setdefault(int(object_id), []).append(changes["present"])
    for entry, present in rows.items():
        state = False  # frozen absent when the session opened
        for before, after in chains.get(entry, []):
            if before is not None and bool(before) != state:
                out.append(f"roll entry {entry}: the audit changes present {before} -> {after} but it was {state}")
            state = bool(after)
        if state != present:
            out.append(f"roll entry {entry}: the audit leaves present={state}, the row holds {present}")
    return out


def _shows_present(body: str, entry: int) -> bool:
    """The presence fragment shows the member present (with a "mark absent" button)."""
    return f'name="absent" value="{entry}"' in body


@pytest.fixture
def secretariat(portal: Any, seed_app: Any) -> list[Client]:
    """Two secretaries of the council, logged in."""
    for name in ("thuky1", "thuky2"):
        world.user(seed_app, name, ["council_secretariat"])
    return [Client(portal.base, n).logged_in(n) for n in ("thuky1", "thuky2")]


def test_two_secretaries_saving_the_roll_at_once(portal, seed_app, secretariat):
    """Two secretaries (four tabs) press presence buttons at the same instant: both mark one member present, each
    marks another member present, and one marks a member present while the other marks the same member absent.
    Nothing is lost, nothing is recorded twice, and the audit tells the row's story in order."""
    n = rounds(5)
    members = [f"tv{i:02d}" for i in range(4 * n + 1)]
    council(seed_app, members)
    session = open_session(seed_app, "roll")
    entries = roll_ids(seed_app, session)
    url = f"/awards/sessions/{session}"
    tabs = secretariat + [Client(portal.base, f"tab{i}").logged_in(f"thuky{i + 1}") for i in range(2)]
    tally = Tally("presence roll saved by two secretaries at once", n)
    for r in tally:
        same, other_a, other_b, flip = (entries[members[4 * r + k]] for k in range(1, 5))
        forms = [t.form(url, "/roll") for t in tabs]
        presses = [("present", same), ("present", same), ("present", other_a), ("present", other_b)]
        shots = fire(4, lambda i: tabs[i].post(forms[i].action, forms[i].values(**{presses[i][0]: presses[i][1]}),
                                               hx=True))
        tally.check(r, all(s.status == 200 for s in shots), f"answers {shots}")
        for s, (_press, entry) in zip(shots, presses, strict=True):
            tally.check(r, _shows_present(s.body, entry), f"#{s.index} answered without entry {entry} present")
        # present and absent for one member at once: the later one wins, whichever it is
        forms = [t.form(url, "/roll") for t in tabs[:2]]
        presses = [("present", flip), ("absent", flip)]
        shots = fire(2, lambda i: tabs[i].post(forms[i].action, forms[i].values(**{presses[i][0]: presses[i][1]}),
                                               hx=True))
        tally.check(r, all(s.status == 200 for s in shots), f"present/absent answered {shots}")
        with world.ctx(seed_app):
            from plugins.awards.models import RollEntry

            present = dict(db.session.execute(select(RollEntry.id, RollEntry.present)
                                              .where(RollEntry.id.in_([same, other_a, other_b]))).all())
        tally.check(r, all(present.values()), f"presence stored {present}, all three were marked present")
        for problem in presence_problems(seed_app, session, {same, other_a, other_b, flip}):
            tally.fail(r, problem)
    tally.done(presence_problems(seed_app, session))


def _written_values(form: Form, entry: int) -> list[tuple[str, str]]:
    items = sorted({n for n in form.names if n.startswith("item-")})
    assert items, f"no ballot items in {form.names}"
    return form.values(entry=str(entry), **dict.fromkeys(items, "agree"))


def test_marking_present_while_a_written_ballot_is_entered(portal, seed_app, secretariat):
    """One secretary marks a member present while the other enters that member's written ballot (as absent): one of
    the two takes effect, the other is refused with 409, and the member is never both present and a written
    voter (the minutes would count them twice)."""
    from plugins.awards.models import Participation, RollEntry

    n = rounds(6)
    members = [f"tv{i:02d}" for i in range(n + 1)]
    council(seed_app, members)
    session = open_session(seed_app, "written", written=True)
    entries = roll_ids(seed_app, session)
    a, b = secretariat
    tally = Tally("presence and a written ballot for one member at once", n)
    for r in tally:
        entry = entries[members[r + 1]]
        roll = a.form(f"/awards/sessions/{session}", "/roll")
        written = b.form(f"/awards/sessions/{session}/written", "/written")
        posts = [(a, roll.action, roll.values(present=str(entry))),
                 (b, written.action, _written_values(written, entry))]
        shots = fire(2, lambda i: posts[i][0].post(posts[i][1], posts[i][2], hx=True))
        won = _winner(tally, r, shots, ["presence", "written ballot"])
        with world.ctx(seed_app):
            row = db.session.get(RollEntry, entry)
            voted = db.session.get(Participation, (session, row.user_id))
            present, written_in = row.present, voted is not None and voted.written
        tally.check(r, not (present and written_in), "the member is present and has a written ballot")
        if won:
            tally.check(r, (present, written_in) == {"presence": (True, False), "written ballot": (False, True)}[won],
                        f"{won} won, present={present}, written ballot={written_in}")
    tally.done(presence_problems(seed_app, session))


def test_saving_the_roll_while_voting_closes(portal, seed_app, secretariat):
    """Three tabs mark members present while a secretary closes voting: each presence is either saved before the
    count, and the minutes count that member, or refused (409, voting closed); the minutes' presence always equals
    the roll as stored."""
    from plugins.awards.models import VotingSession

    members = [f"tv{i:02d}" for i in range(5)]
    council(seed_app, members)
    closer = secretariat[1]
    tabs = [secretariat[0]] + [Client(portal.base, f"tab{i}").logged_in(f"thuky{i + 1}") for i in range(2)]
    tally = Tally("presence saved while voting closes", rounds(6))
    for r in tally:
        session = open_session(seed_app, f"close-{r}")
        entries = roll_ids(seed_app, session)
        url = f"/awards/sessions/{session}"
        posts = [(t, f.action, f.values(present=str(entries[members[1 + i]])))
                 for i, (t, f) in enumerate((t, t.form(url, "/roll")) for t in tabs)]
        close = closer.form(url, "/close")
        posts.append((closer, close.action, close.values(confirmed="1")))
        shots = fire(len(posts), lambda i: posts[i][0].post(posts[i][1], posts[i][2], hx=True))
        closed = shots[-1]
        tally.check(r, closed.response is not None and closed.response.ok, f"closing answered {closed!r}")
        for saved in shots[:-1]:
            tally.check(r, saved.status == 200 or (saved.status == 409 and any(
                is_vietnamese(t) for t in saved.response.alerts())), f"presence answered {saved!r}")
        with world.ctx(seed_app):
            s = db.session.get(VotingSession, session)
            stored = sum(1 for e in s.roll if e.present)
            state, result = s.state, s.result or {}
        tally.check(r, state == "closed", f"session is {state}")
        tally.check(r, result.get("present") == stored,
                    f"the minutes count {result.get('present')} present, the roll holds {stored} "
                    f"(presence answered {[s.status for s in shots[:-1]]})")
        for problem in presence_problems(seed_app, session):
            tally.fail(r, problem)
    tally.done()
