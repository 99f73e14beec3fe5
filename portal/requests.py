"""Integers from the URL stay inside what the database can store.

Path ids (``<int:...>``) and ``request.args/form/values.get(..., type=int)`` feed straight into queries. A number
beyond the INTEGER range made the driver raise (SQLite: OverflowError; PostgreSQL: "out of range") and the user
saw a 500. Here such a number is simply not a valid integer: the path gives 404, ``get`` gives its default.
"""
from __future__ import annotations

from typing import Any

from flask import Flask
from werkzeug.datastructures import CombinedMultiDict, ImmutableMultiDict
from werkzeug.routing import IntegerConverter
from werkzeug.utils import cached_property

#: The range of an INTEGER column on PostgreSQL (ids, years, page numbers); SQLite's is wider.
DB_INT_MIN, DB_INT_MAX = -(2**31), 2**31 - 1


def db_int(value: Any) -> int:
    """int(value), refusing (ValueError) numbers the database could not compare or store."""
    number = int(value)
    if not DB_INT_MIN <= number <= DB_INT_MAX:
        raise ValueError(f"{number} is outside the database integer range")
    return number


class _IntGuard:
    def get(self, key: Any, default: Any = None, type: Any = None) -> Any:  # noqa: A002 - werkzeug's name
        return super().get(key, default, db_int if type is int else type)  # type: ignore[misc]


class _Params(_IntGuard, ImmutableMultiDict):  # type: ignore[type-arg]
    """Query string and form data."""


class _Combined(_IntGuard, CombinedMultiDict):  # type: ignore[type-arg]
    """``request.values``."""


class PortalRequestMixin:
    """Put in front of the app's request class (htmx-flask brings its own)."""

    parameter_storage_class = _Params

    @cached_property
    def values(self) -> CombinedMultiDict:  # type: ignore[type-arg]
        # as werkzeug's: the form counts only for requests that are not GET
        sources = [self.args] if self.method == "GET" else [self.args, self.form]  # type: ignore[attr-defined]
        return _Combined(sources)


class IdConverter(IntegerConverter):
    """``<int:...>`` matching only numbers an INTEGER column can hold; larger ones are not found (404)."""

    def __init__(self, map: Any, *args: Any, **kwargs: Any) -> None:  # noqa: A002 - werkzeug's name
        kwargs.setdefault("max", DB_INT_MAX)
        super().__init__(map, *args, **kwargs)


def init_app(app: Flask) -> None:
    """Install both; call before any blueprint is registered (rules pick their converter when added)."""
    if not issubclass(app.request_class, PortalRequestMixin):
        app.request_class = type("PortalRequest", (PortalRequestMixin, app.request_class), {})
    app.url_map.converters["int"] = IdConverter
