"""Audit log: every flush of an ``Audited`` model writes who/when/what (before → after) in the same transaction."""
from __future__ import annotations

import contextvars
import datetime as dt
import decimal
from typing import Any

from flask import has_request_context
from sqlalchemy import event, insert, inspect, select
from sqlalchemy.orm import Session

from portal.extensions import db
from portal.models import AuditEntry, Audited, utcnow

# Actor for work outside a request (CLI, seeding): (user_id, name).
_cli_actor: contextvars.ContextVar[tuple[int | None, str]] = contextvars.ContextVar(
    "portal_cli_actor", default=(None, "system")
)


def set_cli_actor(name: str, user_id: int | None = None) -> None:
    """Name who acts outside a request (shown in the audit log)."""
    _cli_actor.set((user_id, name))


def _actor() -> tuple[int | None, str]:
    if has_request_context():
        from flask_login import current_user

        if current_user and current_user.is_authenticated:
            return current_user.id, current_user.username
        return None, "anonymous"
    return _cli_actor.get()


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return str(value)


def _columns(obj: Audited) -> list[str]:
    exclude = set(getattr(obj, "__audit_exclude__", ()))
    return [c.key for c in inspect(obj).mapper.column_attrs if c.key not in exclude]


def _object_id(obj: Any) -> str:
    # read the primary key from the instance: a new object has no identity key yet during after_flush
    state = inspect(obj)
    ident = state.identity or state.mapper.primary_key_from_instance(obj)
    return ",".join(str(i) for i in ident) if ident and None not in ident else "?"


def _changes(obj: Audited, action: str) -> dict[str, Any]:
    state = inspect(obj)
    out: dict[str, Any] = {}
    for key in _columns(obj):
        attr = state.attrs[key]
        if action == "create":
            out[key] = [None, _plain(attr.value)]
        elif action == "delete":
            out[key] = [_plain(attr.loaded_value if attr.loaded_value is not None else attr.value), None]
        else:
            hist = attr.load_history()
            if hist.has_changes():
                before = hist.deleted[0] if hist.deleted else None
                after = hist.added[0] if hist.added else None
                if _plain(before) != _plain(after):
                    out[key] = [_plain(before), _plain(after)]
    # Many-to-many links (a user's roles) belong to the record: show them as lists of names.
    for rel in state.mapper.relationships:
        if rel.secondary is None or not rel.uselist or rel.key in getattr(obj, "__audit_exclude__", ()):
            continue
        hist = state.attrs[rel.key].load_history()
        if action == "create" and hist.added:
            out[rel.key] = [None, sorted(_summary(o) for o in hist.added)]
        elif action == "update" and (hist.added or hist.deleted):
            kept = list(hist.unchanged)
            out[rel.key] = [sorted(_summary(o) for o in kept + list(hist.deleted)),
                            sorted(_summary(o) for o in kept + list(hist.added))]
    return out


def _summary(obj: Any) -> str:
    for attr in ("name", "title", "username", "code"):
        value = getattr(obj, attr, None)
        if isinstance(value, str) and value:
            return value[:255]
    return ""


def _after_flush(session: Session, flush_context: Any) -> None:
    rows = []
    user_id, actor = _actor()
    now = utcnow()
    for action, objs in (("create", session.new), ("update", session.dirty), ("delete", session.deleted)):
        for obj in objs:
            if not isinstance(obj, Audited):
                continue
            if action == "update" and not session.is_modified(obj):
                continue
            changes = _changes(obj, action)
            if action == "update" and not changes:
                continue
            rows.append(
                {
                    "at": now,
                    "user_id": user_id,
                    "actor": actor,
                    "action": action,
                    "object_type": type(obj).__tablename__,
                    "object_id": _object_id(obj),
                    "summary": _summary(obj),
                    "changes": changes,
                }
            )
    if rows:
        session.connection().execute(insert(AuditEntry.__table__), rows)


def init_app() -> None:
    """Attach the flush listener once (it is process-wide, like the session class)."""
    if not event.contains(Session, "after_flush", _after_flush):
        event.listen(Session, "after_flush", _after_flush)


def history_for(object_type: str, object_id: Any, limit: int = 200) -> list[AuditEntry]:
    """Return the audit entries of one record, newest first."""
    stmt = (
        select(AuditEntry)
        .where(AuditEntry.object_type == object_type, AuditEntry.object_id == str(object_id))
        .order_by(AuditEntry.id.desc())
        .limit(limit)
    )
    return list(db.session.scalars(stmt))


def record_event(action: str, obj: Any, changes: dict[str, Any] | None = None) -> None:
    """Write an entry for something that is no column change (a password set, sessions ended); the caller commits.

    ``action`` is at most 10 characters ("password", "sessions"); the audit page names it.
    """
    user_id, actor = _actor()
    db.session.add(
        AuditEntry(
            at=utcnow(), user_id=user_id, actor=actor, action=action[:10], object_type=type(obj).__tablename__,
            object_id=_object_id(obj), summary=_summary(obj), changes={k: _plain(v) for k, v in (changes or {}).items()},
        )
    )
