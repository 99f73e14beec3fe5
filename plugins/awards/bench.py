"""Benchmark hook of the awards plugin: a council of 60, 600 nominations, a closed session with 40 nominees and
60 ballots, an open session with 40 nominees where the benchmark user (the chair) votes and watches turnout, and
an issued decision of 200 awardees (the movement's closing review awards about that many) with its certificates,
and a draft of 200 more that the secretariat edits line by line."""
from __future__ import annotations

import datetime as dt
import secrets

from sqlalchemy import func, insert, select
from werkzeug.security import generate_password_hash

from .services import decisions, tally, voting
from .models import (
    AwardType,
    Ballot,
    CouncilMember,
    Nomination,
    NominationRound,
    Participation,
    Decision,
    DecisionLine,
    SessionItem,
    VotingSession,
)
from portal.toolkit import Unit, User, db, ensure_demo_user

USERNAME = "bench_awards"
MEMBERS = 60
NOMINATIONS = 600
ITEMS = 40
AWARDEES = 200
KINDS = ("collective", "individual", "household")


def _council(password: str) -> list[int]:
    chair = ensure_demo_user(USERNAME, "Chủ tịch Hội đồng (đo)", ["council_secretariat", "council_member"],
                             "ubnd-huyen", password)
    hashed = generate_password_hash(password)
    db.session.execute(insert(User), [
        {"username": f"bench_hd{n:02d}", "full_name": f"Thành viên Hội đồng {n:02d}", "password_hash": hashed}
        for n in range(1, MEMBERS)
    ])
    others = list(db.session.scalars(select(User.id).where(User.username.like("bench_hd%")).order_by(User.username)))
    members = [chair.id, *others]
    db.session.execute(insert(CouncilMember), [
        {"user_id": uid, "function": "chair" if n == 0 else "member", "active": True} for n, uid in enumerate(members)
    ])
    return members


def _session(round_id: int, nomination_ids: list[int], title: str) -> VotingSession:
    session = VotingSession(round_id=round_id, title=title, number="99/BB-HĐTĐKT", meeting_date=dt.date(2025, 11, 20),
                            counting_head="Thành viên Hội đồng 01")
    db.session.add(session)
    db.session.flush()
    db.session.execute(insert(SessionItem), [
        {"session_id": session.id, "nomination_id": nid, "position": n} for n, nid in enumerate(nomination_ids)
    ])
    db.session.refresh(session)
    voting.open_session(session)
    for entry in session.roll:
        entry.present = True
    db.session.flush()
    return session


def seed(password: str) -> None:
    members = _council(password)
    award = AwardType(name="Giấy khen (đo)", giver="Chủ tịch UBND huyện", nominee_kinds=",".join(KINDS),
                      quorum_num=2, quorum_den=3, threshold_num=1, threshold_den=2, strictly_more=True,
                      denominator="present", is_example=True)
    nomination_round = NominationRound(name="Tổng kết phong trào 2021–2025 (đo)", year=2025, open=True)
    db.session.add_all([award, nomination_round])
    db.session.flush()
    communes = list(db.session.scalars(select(Unit.id).where(Unit.kind == "commune").order_by(Unit.code)))
    db.session.execute(insert(Nomination), [
        {"round_id": nomination_round.id, "award_type_id": award.id, "unit_id": communes[n % len(communes)],
         "kind": KINDS[n % 3], "nominee": f"Đối tượng đề nghị số {n + 1}", "position": f"Thôn {n % 17 + 1}",
         "achievements": "Vận động hộ nghèo thoát nghèo bền vững. " * 4, "state": "eligible"}
        for n in range(NOMINATIONS)
    ])
    noms = list(db.session.scalars(select(Nomination.id).where(Nomination.round_id == nomination_round.id)
                                   .order_by(Nomination.id)))
    closed = _session(nomination_round.id, noms[:ITEMS], "Phiên đã kiểm phiếu (đo)")
    items = [str(i.id) for i in closed.items]
    ballots, parts = [], []
    for n, uid in enumerate(members):
        code = secrets.token_hex(12).upper()
        ballots.append({"id": secrets.token_hex(16), "session_id": closed.id, "receipt_no": code[:8],
                        "receipt_hash": voting.receipt_hash(closed.id, code, uid),
                        "choices": {k: ("agree" if (n + j) % 4 else "disagree") for j, k in enumerate(items)}})
        parts.append({"session_id": closed.id, "user_id": uid, "written": False})
    db.session.execute(insert(Participation), parts)
    db.session.execute(insert(Ballot), ballots)
    db.session.commit()
    tally.close_session(closed.id)
    open_session = _session(nomination_round.id, noms[ITEMS:2 * ITEMS], "Phiên đang bỏ phiếu (đo)")
    db.session.execute(insert(Participation), [
        {"session_id": open_session.id, "user_id": uid, "written": False} for uid in members[1:MEMBERS // 2]
    ])
    db.session.commit()
    start = 2 * ITEMS
    _decision(noms[start:start + AWARDEES], "Khen thưởng tổng kết phong trào 2021–2025 (đo)", members[0])
    _decision(noms[start + AWARDEES:start + 2 * AWARDEES], "Dự thảo khen thưởng (đo)", None)


def _decision(nomination_ids: list[int], subject: str, issued_by: int | None) -> None:
    """A decision whose lines are nominations the sessions above do not hold: issued by the service, or a draft."""
    decision = Decision(subject=subject, decision_date=dt.date(2025, 12, 5),
                        signer_title="Chủ tịch", signer_name="Người ký (đo)")
    db.session.add(decision)
    db.session.flush()
    noms = db.session.scalars(select(Nomination).where(Nomination.id.in_(nomination_ids)).order_by(Nomination.id))
    db.session.execute(insert(DecisionLine), [
        {"decision_id": decision.id, "position": k, "nomination_id": n.id, "award_type_id": n.award_type_id,
         "award_name": n.award_type.name, "kind": n.kind, "nominee": n.nominee, "position_text": n.position,
         "unit_id": n.unit_id, "unit_name": n.unit.name, "bonus": 500_000,
         "achievement": "thành tích xuất sắc trong phong trào thi đua năm 2025"}
        for k, n in enumerate(noms)
    ])
    db.session.expire(decision)
    if issued_by is not None:
        decisions.issue_decision(decision.id, issued_by)
    db.session.commit()


def pages() -> list[tuple[str, ...]]:
    r = db.session.scalar(select(NominationRound.id).where(NominationRound.name.like("%(đo)")))
    closed = db.session.scalar(select(VotingSession.id).where(VotingSession.title == "Phiên đã kiểm phiếu (đo)"))
    open_ = db.session.scalar(select(VotingSession.id).where(VotingSession.title == "Phiên đang bỏ phiếu (đo)"))
    decision = db.session.scalar(select(Decision.id).where(Decision.subject.like("Khen thưởng tổng kết%(đo)")))
    draft = db.session.scalar(select(Decision.id).where(Decision.subject == "Dự thảo khen thưởng (đo)"))
    first_line = db.session.scalar(select(func.min(DecisionLine.id)).where(DecisionLine.decision_id == draft))
    return [
        ("awards index", "/awards/"),
        ("round: 600 nominations", f"/awards/rounds/{r}"),
        ("round search", f"/awards/rounds/{r}?q=so+12"),
        ("open session + turnout", f"/awards/sessions/{open_}"),
        ("ballot, 40 nominees", f"/awards/sessions/{open_}/vote"),
        ("minutes, 40 nominees", f"/awards/sessions/{closed}/minutes", "document"),
        ("ballot list, 60 x 40", f"/awards/sessions/{closed}/ballots"),
        ("decision, 200 awardees", f"/awards/decisions/{decision}"),
        ("decision draft, 200 awardees", f"/awards/decisions/{draft}"),
        ("decision draft, one line's form (htmx)", f"/awards/decisions/{draft}?edit={first_line}", "fragment"),
        ("decision print", f"/awards/decisions/{decision}/print", "document"),
        ("certificates, 200", f"/awards/decisions/{decision}/certificates", "document"),
        ("decision .docx", f"/awards/decisions/{decision}/decision.docx", "export"),
    ]
