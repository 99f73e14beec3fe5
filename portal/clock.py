"""The portal's one clock: UTC for storage, Vietnamese local time (BABEL_DEFAULT_TIMEZONE) for everything a person sees.

Every "now" and "today" in the core and the plugins comes from here, so a test can freeze the whole portal with
``freeze(moment)`` and a server running in UTC still prints tomorrow's date after 17:00 UTC.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import re
from collections.abc import Iterator
from functools import lru_cache
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context

__all__ = ["utcnow", "local_now", "local_today", "to_local", "local_date", "local_zone", "freeze"]

DEFAULT_ZONE = "Asia/Ho_Chi_Minh"
_frozen: dt.datetime | None = None


@lru_cache(maxsize=8)
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def local_zone() -> ZoneInfo:
    """The portal's time zone (BABEL_DEFAULT_TIMEZONE, Asia/Ho_Chi_Minh by default)."""
    name = current_app.config.get("BABEL_DEFAULT_TIMEZONE", DEFAULT_ZONE) if has_app_context() else DEFAULT_ZONE
    return _zone(name or DEFAULT_ZONE)


def _aware_utc() -> dt.datetime:
    return _frozen if _frozen is not None else dt.datetime.now(dt.UTC)


def utcnow() -> dt.datetime:
    """The current UTC time as a naive datetime: how timestamps are stored on SQLite and PostgreSQL alike."""
    return _aware_utc().replace(tzinfo=None)


def local_now() -> dt.datetime:
    """The current time in the portal's zone, timezone-aware."""
    return _aware_utc().astimezone(local_zone())


def local_today() -> dt.date:
    """Today's date in the portal's zone (in Vietnam the day starts at 17:00 UTC)."""
    return local_now().date()


def to_local(stored: dt.datetime | None) -> dt.datetime | None:
    """A stored timestamp (naive = UTC) as an aware local datetime, for display and for day judgements."""
    if stored is None:
        return None
    if stored.tzinfo is None:
        stored = stored.replace(tzinfo=dt.UTC)
    return stored.astimezone(local_zone())


def local_date(stored: dt.datetime) -> dt.date:
    """The local calendar day of a stored UTC timestamp."""
    local = to_local(stored)
    assert local is not None
    return local.date()


def _as_utc(moment: dt.datetime) -> dt.datetime:
    return moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment.astimezone(dt.UTC)


@contextlib.contextmanager
def freeze(moment: dt.datetime) -> Iterator[None]:
    """Stop the clock at ``moment`` (naive = UTC) for the whole portal; for tests and reproducible demos."""
    global _frozen
    before = _frozen
    _frozen = _as_utc(moment)
    try:
        yield
    finally:
        _frozen = before


def set_frozen(moment: dt.datetime | None) -> None:
    """Freeze (or, with None, release) the clock without a ``with`` block; tests move a frozen clock this way."""
    global _frozen
    _frozen = _as_utc(moment) if moment is not None else None


_ISO_STAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$")


def local_stamp(value: object) -> object:
    """An audit value shown to people: ISO UTC timestamps become local "dd/MM/yyyy HH:mm", dates "dd/MM/yyyy"."""
    if isinstance(value, str) and _ISO_STAMP.match(value):
        local = to_local(dt.datetime.fromisoformat(value))
        assert local is not None
        return local.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return dt.date.fromisoformat(value).strftime("%d/%m/%Y")
    return value
