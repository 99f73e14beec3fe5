"""One way for every state change: row locks, refusals, and forms that take effect once.

Every state change of the core and the plugins (approve, pay, reverse, submit, accept, vote, close, sign …) runs
as: ``row = lock(Model, id)`` (the row's write lock for the rest of the transaction, and its committed values),
then checks on the fresh row (``expect_state``), then the writes, then ``db.session.commit()``. Two requests
racing for one row run one after the other; the second sees what the first committed and gets a
:class:`Refused` (HTTP 409 with a Vietnamese message), never a second side effect.

On PostgreSQL the lock is ``SELECT … FOR UPDATE``. SQLite has no row locks: the first write of a transaction
takes the database's write lock, and with pysqlite a transaction begins only at its first write, so a no-op
UPDATE on the row takes the lock before anything is read (its snapshot is then the latest committed state).
"""
from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any, TypeVar

from flask import Response, current_app, flash, request
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from portal.extensions import db

T = TypeVar("T")


class Refused(Exception):
    """A service refuses an action: ``raise Refused(409, _("…"))``. The error handler answers ``status`` with
    the message, in the page or the htmx fragment the request came from."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(str(message))
        self.status = status
        self.message = str(message)


def _is_sqlite() -> bool:
    return db.session.get_bind().dialect.name == "sqlite"


def lock(model: type[T], ident: Any, column: str = "id") -> T | None:
    """Take the write lock of the row ``model.<column> == ident`` and return it with its committed values.

    Call it first in the transaction of a state change (before other reads of that row are trusted); it holds
    until commit or rollback. Returns None when the row does not exist.
    """
    return _lock_by(model, {column: ident})


def _lock_by(model: type[T], key: dict[str, Any]) -> T | None:
    """``lock`` of the row whose columns equal ``key`` (one column, or the columns of a unique key)."""
    table = model.__table__  # type: ignore[attr-defined]
    if _is_sqlite():
        # Core, not ORM: the no-op write is not an audited change.
        # Columns with an onupdate default (updated_at) are set to themselves too, so nothing changes.
        same = {c.name: c for c in table.columns if c.onupdate is not None or c.name in key}
        db.session.execute(update(table).where(*(table.c[c] == v for c, v in key.items())).values(same))
    # ``of=model``: joined eager loads add outer joins, and PostgreSQL refuses FOR UPDATE on their nullable side.
    stmt = (select(model).where(*(getattr(model, c) == v for c, v in key.items()))
            .with_for_update(of=model).execution_options(populate_existing=True))
    return db.session.scalars(stmt).first()


def upsert(table: Any) -> Any:
    """An INSERT of the database's dialect for ``table``: one that takes ``on_conflict_do_nothing`` and
    ``on_conflict_do_update`` (both SQLite and PostgreSQL have them)."""
    if _is_sqlite():
        from sqlalchemy.dialects.sqlite import insert
    else:
        from sqlalchemy.dialects.postgresql import insert
    return insert(table)


def lock_or_create(model: type[T], key: dict[str, Any], **defaults: Any) -> T:
    """The row of ``model`` whose unique columns equal ``key``, created with ``defaults`` if it is missing, with its
    write lock held: two requests that both find it missing do not collide (one inserts, the other then waits
    on the lock) instead of one failing on the unique key."""
    row = _lock_by(model, key)
    if row is None:  # the first time only: an insert that a concurrent first one makes wait, then do nothing
        table = model.__table__  # type: ignore[attr-defined]
        db.session.execute(upsert(table).values(**key, **defaults).on_conflict_do_nothing(index_elements=list(key)))
        row = _lock_by(model, key)
    assert row is not None  # inserted or already there, in this transaction
    return row


def lock_or_404(model: type[T], ident: Any) -> T:
    from flask import abort

    row = lock(model, ident)
    if row is None:
        abort(404)
    return row


def expect_state(row: Any, allowed: str | Iterable[str], message: str, attribute: str = "state") -> None:
    """Refuse with 409 unless ``row.<attribute>`` is one of ``allowed`` (checked on a locked row)."""
    states = (allowed,) if isinstance(allowed, str) else tuple(allowed)
    if getattr(row, attribute) not in states:
        raise Refused(409, message)


# --- forms that take effect once ------------------------------------------------------------------------------

ONCE_FIELD = "_once"
ONCE_HEADER = "Idempotency-Key"
_KEY = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
#: How long a duplicate waits for the first request's answer to be recorded (it is, right after its commit).
REPLAY_WAIT_SECONDS = 5.0


def once_input() -> Markup:
    """The hidden field that makes a form take effect once (put it in every form whose duplicate costs money or
    a vote): a new random key each time the form is rendered."""
    import secrets

    return Markup('<input type="hidden" name="{}" value="{}">').format(ONCE_FIELD, secrets.token_urlsafe(18))


def _posted_key() -> str | None:
    key = request.headers.get(ONCE_HEADER) or request.form.get(ONCE_FIELD)
    return key if key and _KEY.match(key) else None


def _scoped(key: str) -> str:
    # Keys are per user and per action: one user's key can never replay another user's answer.
    user = current_user.get_id() if current_user.is_authenticated else "-"
    return hashlib.sha256(f"{user}|{request.endpoint}|{request.view_args}|{key}".encode()).hexdigest()


def _location(resp: Response) -> str | None:
    if 300 <= resp.status_code < 400:
        return resp.headers.get("Location")
    return resp.headers.get("HX-Redirect")


#: Largest answer body kept for a replay (htmx fragments are a few KB).
MAX_REPLAY_BODY = 64 * 1024


def _replay(scoped: str) -> Response:
    """Answer a repeated form with the first request's result: a redirect to where it led."""
    from portal.i18n import gettext as _
    from portal.models import IdempotencyKey
    from portal.rendering import redirect_or_hx

    deadline = time.monotonic() + REPLAY_WAIT_SECONDS
    while True:
        db.session.rollback()  # a fresh snapshot each look
        row = db.session.get(IdempotencyKey, scoped)
        if row is not None and row.status:
            if row.location:
                flash(_("This form was already sent; it was recorded once. Here is the result."), "info")
                return redirect_or_hx(row.location)
            resp = current_app.make_response((row.body or "", row.status))
            resp.headers["X-Replayed"] = "1"
            return resp
        if time.monotonic() > deadline:
            raise Refused(409, _("This form was already sent and is still being processed. Reload the page."))
        time.sleep(0.05)


def idempotent(view: Callable[..., Any]) -> Callable[..., Any]:
    """Decorate a POST view so that a repeated post of the same rendered form (double tap, retry after a lost
    answer, a replayed offline queue) answers with the first result and changes nothing.

    The key (hidden ``_once`` field or ``Idempotency-Key`` header) is claimed by an INSERT in the view's own
    transaction, and the view's answer is recorded in that same transaction before the one commit: the action, the
    key and the answer are stored together or not at all (a refused attempt can be retried). A concurrent
    duplicate blocks on that INSERT until the first commits, then replays its answer.
    """

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        key = _posted_key() if request.method == "POST" else None
        if key is None:
            return view(*args, **kwargs)
        from portal.models import IdempotencyKey, utcnow

        scoped = _scoped(key)
        if db.session.get(IdempotencyKey, scoped) is not None:
            return _replay(scoped)
        db.session.add(IdempotencyKey(key=scoped, endpoint=request.endpoint or "", created_at=utcnow()))
        try:
            db.session.flush()
        except IntegrityError:
            return _replay(scoped)
        # The view's commits become flushes, so its changes, the key and the recorded answer commit together: a
        # worker killed after the commit still leaves an answer to replay, and one killed before leaves nothing.
        session = db.session()
        session.commit = session.flush  # type: ignore[method-assign]
        try:
            resp = current_app.make_response(view(*args, **kwargs))
        finally:
            del session.commit
        if resp.status_code >= 400 or resp.headers.get("X-Portal-Confirm"):
            # A refused attempt, or a question asked before acting (portal/confirm.py), leaves no key: the user
            # may correct and send again, or confirm with the same form.
            db.session.rollback()
            return resp
        # Record the answer with the key (if the view rolled back, this UPDATE finds nothing), then commit all.
        location = _location(resp)
        body = None
        if not location and not resp.is_streamed and resp.content_length is not None \
                and resp.content_length <= MAX_REPLAY_BODY and "gzip" not in resp.headers.get("Content-Encoding", ""):
            body = resp.get_data(as_text=True)
        db.session.execute(update(IdempotencyKey).where(IdempotencyKey.key == scoped).values(
            location=location, status=resp.status_code, body=body))
        db.session.commit()
        return resp

    return wrapper


def prune_idempotency_keys(days: int = 7) -> int:
    """Remove keys older than ``days`` (a replay after a week is a new action)."""
    import datetime as dt

    from portal.models import IdempotencyKey, utcnow

    result = db.session.execute(
        IdempotencyKey.__table__.delete().where(IdempotencyKey.created_at < utcnow() - dt.timedelta(days=days))
    )
    db.session.commit()
    return int(result.rowcount or 0)
