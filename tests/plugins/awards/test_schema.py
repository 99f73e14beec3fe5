"""Secrecy by construction, checked on the schema itself (db.metadata), not on code paths."""
from __future__ import annotations

from sqlalchemy import DateTime, Integer

from portal.extensions import db

BALLOT_TABLES = {"awards_ballot"}


def _reachable(start: str) -> set[str]:
    """Every table reachable from ``start`` by following foreign keys outwards (what a row can be joined to)."""
    tables = db.metadata.tables
    seen, todo = set(), [start]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        todo.extend(fk.column.table.name for fk in tables[name].foreign_keys)
    return seen


def test_no_foreign_key_path_leads_from_a_ballot_to_a_user(app):
    import plugins.awards.models  # noqa: F401  (tables in the metadata)

    for name in BALLOT_TABLES:
        reachable = _reachable(name)
        assert "portal_user" not in reachable, reachable
        assert "awards_participation" not in reachable and "awards_roll_entry" not in reachable
    # and nothing that points at a ballot knows a user either: no table references awards_ballot at all
    referencing = [t.name for t in db.metadata.tables.values()
                   if any(fk.column.table.name in BALLOT_TABLES for fk in t.foreign_keys)]
    assert referencing == []


def test_ballot_has_no_voter_column_no_time_and_a_random_key():
    table = db.metadata.tables["awards_ballot"]
    names = set(table.columns.keys())
    assert names == {"id", "session_id", "receipt_no", "receipt_hash", "choices"}
    assert not any(isinstance(c.type, DateTime) for c in table.columns)
    pk = list(table.primary_key.columns)
    assert [c.name for c in pk] == ["id"] and not isinstance(pk[0].type, Integer)
    assert pk[0].autoincrement in (False, "auto") and not isinstance(pk[0].type, Integer)


def test_participation_has_no_link_to_a_ballot_and_no_serial_id():
    table = db.metadata.tables["awards_participation"]
    assert {c.name for c in table.primary_key.columns} == {"session_id", "user_id"}
    assert not any(fk.column.table.name in BALLOT_TABLES for fk in table.foreign_keys)
    assert not any(isinstance(c.type, DateTime) for c in table.columns)


def test_ballot_tables_are_not_audited():
    from portal.toolkit import Audited
    from plugins.awards.models import Ballot, Participation

    assert not issubclass(Ballot, Audited) and not issubclass(Participation, Audited)


def test_casting_a_ballot_writes_no_audit_entry(app, client, make_council, make_type, make_session, login_as):
    from sqlalchemy import func, select

    from portal.models import AuditEntry

    from .conftest import ballot

    w = make_council(9)
    sid, items = make_session(w, [make_type()])
    login_as(w.members[1])
    with app.app_context():
        before = db.session.scalar(select(func.count(AuditEntry.id)))
    assert client.post(f"/awards/sessions/{sid}/vote", data=ballot(items, "agree")).status_code == 200
    with app.app_context():
        assert db.session.scalar(select(func.count(AuditEntry.id))) == before
