"""Things made once per language and process (``toolkit.per_locale``)."""
from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from portal.i18n import current_locale

T = TypeVar("T")


def per_locale(fn: Callable[[], T]) -> Callable[[], T]:
    """Make ``fn()`` once per locale and process: for what depends on nothing but the words (a legend of statuses
    in every matrix page cost a sixteenth of its htmx filter, in lazy labels looked up and compared each time).
    The catalogs are read once per process, so the words do not change while it runs."""
    made: dict[str, T] = {}

    def once() -> T:
        locale = current_locale()
        found = made.get(locale)
        if found is None:
            found = made[locale] = fn()
        return found

    once.__doc__ = fn.__doc__
    return once
