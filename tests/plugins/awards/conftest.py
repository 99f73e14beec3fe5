"""Fixtures of the awards tests: a council, award types with chosen rules, a round and nominations."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import text

from portal.extensions import db

FUNCTIONS = ["chair", "vice_chair", "secretary"]


@pytest.fixture
def enabled_plugins() -> list[str]:
    return ["awards"]


@dataclass
class World:
    unit_id: int
    other_unit_id: int
    members: list[str]  # usernames, members[0] is the chair
    member_ids: list[int]
    round_id: int
    types: dict[str, int] = field(default_factory=dict)


@pytest.fixture
def make_council(app: Flask, make_unit: Callable[..., int], make_user: Callable[..., Any]) -> Callable[..., World]:
    """Build a council of ``size`` members (the first is chair), a secretariat user and an open round."""
    from plugins.awards.models import CouncilMember, NominationRound

    def build(size: int = 9) -> World:
        unit_id = make_unit("Xã Bản Bo", code="xa-ban-bo")
        other = make_unit("Xã Bình Lư", code="xa-binh-lu")
        make_user("thuky", ["council_secretariat"])
        names = [f"tv{n:02d}" for n in range(size)]
        ids = [make_user(name, ["council_member"], full_name=f"Thành viên {name[-2:]}").id for name in names]
        with app.app_context():
            for n, uid in enumerate(ids):
                db.session.add(CouncilMember(user_id=uid, function=FUNCTIONS[n] if n < 3 else "member"))
            r = NominationRound(name="Tổng kết 2021–2025", year=2025, open=True)
            db.session.add(r)
            db.session.commit()
            return World(unit_id, other, names, ids, r.id)

    return build


@pytest.fixture
def make_type(app: Flask) -> Callable[..., int]:
    """Create an award type; keyword arguments override a plain "> 1/2 of valid ballots, quorum 2/3" rule."""
    from plugins.awards.models import AwardType

    def make(name: str = "Giấy khen", **rule: Any) -> int:
        values = dict(giver="Chủ tịch UBND huyện", nominee_kinds="collective,individual,household", quorum_num=2,
                      quorum_den=3, threshold_num=1, threshold_den=2, strictly_more=True, denominator="valid",
                      written_ballots=False, allow_abstain=True, legal_basis="")
        values.update(rule)
        with app.app_context():
            t = AwardType(name=name, **values)
            db.session.add(t)
            db.session.commit()
            return t.id

    return make


@pytest.fixture
def make_session(app: Flask) -> Callable[..., tuple[int, list[int]]]:
    """Create eligible nominations of the given award types, put them on a session and open it.

    Returns (session id, item ids in ballot order).
    """
    from plugins.awards.services import voting as services
    from plugins.awards.models import Nomination, VotingSession

    def make(w: World, type_ids: list[int], open_it: bool = True, present: int | None = None) -> tuple[int, list[int]]:
        with app.app_context():
            noms = [Nomination(round_id=w.round_id, award_type_id=t, unit_id=w.unit_id, kind="individual",
                               nominee=f"Ứng viên {n + 1}", achievements="Thành tích", state="eligible")
                    for n, t in enumerate(type_ids)]
            db.session.add_all(noms)
            s = VotingSession(round_id=w.round_id, title="Phiên họp xét khen thưởng", number="12/BB-HĐTĐKT",
                              meeting_date=dt.date(2025, 11, 20), counting_head="Thành viên 05")
            db.session.add(s)
            db.session.flush()
            services.add_items(s, noms)
            if open_it:
                services.open_session(s)
                for n, entry in enumerate(s.roll):
                    entry.present = present is None or n < present
            db.session.commit()
            return s.id, [i.id for i in s.items]

    return make


def ballot(item_ids: list[int], *choices: str, receipt: str | None = None) -> dict[str, str]:
    """Form data of a ballot: one choice per item (the same choice for all when only one is given)."""
    if len(choices) == 1:
        choices = choices * len(item_ids)
    data = {f"item-{i}": c for i, c in zip(item_ids, choices, strict=True)}
    if receipt:
        data["receipt"] = receipt
    return data


def counts(app: Flask, session_id: int) -> tuple[int, int]:
    """(ballots stored, participation rows) of a session."""
    from sqlalchemy import func, select

    from plugins.awards.models import Ballot, Participation

    with app.app_context():
        b = db.session.scalar(select(func.count()).select_from(Ballot).where(Ballot.session_id == session_id))
        p = db.session.scalar(select(func.count()).select_from(Participation).where(Participation.session_id == session_id))
        return b, p


def _is_postgres(app: Flask) -> bool:
    return app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql")


def physical(app: Flask, table: str, column: str, session_id: int) -> list:
    """``column`` of a session's rows in storage order (ctid on PostgreSQL, rowid on SQLite)."""
    order = "ctid" if _is_postgres(app) else "rowid"
    with app.app_context():
        return list(db.session.scalars(
            text(f"SELECT {column} FROM {table} WHERE session_id = :s ORDER BY {order}"), {"s": session_id}
        ))


def xmins(app: Flask, table: str, session_id: int) -> set[str]:
    with app.app_context():
        return set(db.session.scalars(text(f"SELECT xmin::text FROM {table} WHERE session_id = :s"), {"s": session_id}))


def assert_unlinkable(app: Flask, session_id: int, voters: int, order: bool = True) -> None:
    """No SQL-visible link between a session's participation rows and its ballots.

    On PostgreSQL every row of the session carries the xmin of one transaction (the last ballot's). With
    ``order``: storage order of ballots is receipt-hash order and of participation rows user order. (PostgreSQL
    puts a row into space a VACUUM freed elsewhere in the table, so order is only asserted where the test
    controls the table's history.)
    """
    hashes = physical(app, "awards_ballot", "receipt_hash", session_id)
    users = physical(app, "awards_participation", "user_id", session_id)
    assert len(hashes) == len(users) == voters
    if order:
        assert hashes == sorted(hashes)  # random order, unrelated to who voted when
        assert users == sorted(users)  # voter order, unrelated to casting order
    if _is_postgres(app):
        ballot_x, part_x = xmins(app, "awards_ballot", session_id), xmins(app, "awards_participation", session_id)
        assert len(ballot_x) == 1 and ballot_x == part_x, (ballot_x, part_x)
