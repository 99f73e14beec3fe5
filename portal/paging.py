"""One paginator for every list that can grow: pages in SQL, keyset cursors, links for htmx and for plain browsers.

Keyset ("after the last row shown") instead of OFFSET: page 500 of the fund ledger costs what page 1 costs, and
a row inserted meanwhile does not shift the next page. The ordering must end with a unique column (the id) and its
columns must not be NULL. The cursor is opaque (base64 of the last row's sort values); a damaged one is refused
with a 400, never a 500.

    page = paginate(select(Unit).where(...), order=[Unit.sort_key, Unit.id], size=50)
    page.items, page.next_url, page.prev_url, page.total

Templates show it with ``{% from "macros/paging.html" import pager %}{{ pager(page, "#unit-list") }}``.
"""
from __future__ import annotations

import base64
import datetime as dt
import json
import weakref
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from flask import current_app, request, url_for
from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.sql import operators
from sqlalchemy.sql.elements import ColumnElement, UnaryExpression

from portal.extensions import db, loads_objects, select_rows
from portal.integrity import Refused
from portal.i18n import gettext as _

#: Hard cap of rows per page, whatever a caller or ``?size=`` asks.
MAX_PAGE_SIZE = 100


@dataclass
class Page:
    """One page of rows and the links around it."""

    items: list[Any]
    size: int
    next_cursor: str | None = None
    prev_cursor: str | None = None
    total: int | None = None  # only when asked (count=True): a COUNT over a large table is not free
    first: bool = True
    args: dict[str, Any] = field(default_factory=dict)  # the request's other query arguments, kept in the links

    @property
    def has_next(self) -> bool:
        return self.next_cursor is not None

    @property
    def has_prev(self) -> bool:
        return self.prev_cursor is not None

    def _url(self, **cursor: str) -> str:
        args = {k: v for k, v in self.args.items() if k not in ("after", "before", "page")}
        args.update(cursor)
        if not request.endpoint:
            return "?" + "&".join(f"{k}={v}" for k, v in args.items())
        return url_for(request.endpoint, **(request.view_args or {}), **args)

    @property
    def next_url(self) -> str | None:
        return self._url(after=self.next_cursor) if self.next_cursor else None

    @property
    def prev_url(self) -> str | None:
        return self._url(before=self.prev_cursor) if self.prev_cursor else None

    @property
    def first_url(self) -> str:
        return self._url()


def _direction(term: ColumnElement[Any]) -> tuple[ColumnElement[Any], bool]:
    """(column, descending) of an ORDER BY term such as ``Unit.id`` or ``Entry.day.desc()``."""
    if isinstance(term, UnaryExpression) and term.modifier in (operators.desc_op, operators.asc_op):
        return term.element, term.modifier is operators.desc_op  # type: ignore[return-value]
    return term, False


def _encode(values: Sequence[Any]) -> str:
    out = []
    for v in values:
        if isinstance(v, dt.datetime):
            out.append({"t": v.isoformat()})
        elif isinstance(v, dt.date):
            out.append({"d": v.isoformat()})
        else:
            out.append(v)
    raw = json.dumps(out, separators=(",", ":"), ensure_ascii=False).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode(cursor: str, n: int) -> list[Any]:
    try:
        values = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        if not isinstance(values, list) or len(values) != n:
            raise ValueError
        out: list[Any] = []
        for v in values:
            if isinstance(v, dict) and "t" in v:
                out.append(dt.datetime.fromisoformat(v["t"]))
            elif isinstance(v, dict) and "d" in v:
                out.append(dt.date.fromisoformat(v["d"]))
            elif v is None or isinstance(v, (dict, list)):
                raise ValueError
            else:
                out.append(v)
        return out
    except (ValueError, TypeError, UnicodeDecodeError, json.JSONDecodeError):
        raise Refused(400, _("This page link is damaged or out of date: start again from the first page.")) from None


def _beyond(columns: Sequence[tuple[ColumnElement[Any], bool]], values: Sequence[Any], forward: bool) -> ColumnElement[bool]:
    """Rows strictly after (forward) or before the row whose sort values are ``values``."""
    clauses = []
    for i, (col, desc) in enumerate(columns):
        later = (col < values[i]) if desc == forward else (col > values[i])
        clauses.append(and_(*(c == values[j] for j, (c, _d) in enumerate(columns[:i])), later))
    return or_(*clauses)


def page_size(default: int | None = None) -> int:
    """The page size: ``?size=`` if given, else the default (PORTAL_PAGE_SIZE), always between 1 and 100."""
    base = default or int(current_app.config.get("PORTAL_PAGE_SIZE", 50))
    asked = request.args.get("size", type=int) if request else None
    return max(1, min(asked or base, MAX_PAGE_SIZE))


@dataclass(frozen=True)
class _Shape:
    """What paginate derives from a statement and its ordering: built once per statement object, so a caller that
    keeps its statement (module level, or built once per shape with bind parameters) pays neither the building
    nor SQLAlchemy's cache key of the page's statement again (a third of a matrix page's paging)."""

    order: tuple[ColumnElement[Any], ...]  # held, so that the ids in the cache key stay this ordering's
    columns: list[tuple[ColumnElement[Any], bool]]
    keyed: Select[Any]
    ordered: Select[Any]
    objects: bool
    first_pages: dict[int, Select[Any]]  # size -> the first page's statement


_SHAPES: weakref.WeakKeyDictionary[Select[Any], dict[tuple[int, ...], _Shape]] = weakref.WeakKeyDictionary()


def _shape(stmt: Select[Any], order: Sequence[ColumnElement[Any]]) -> _Shape:
    by_order = _SHAPES.setdefault(stmt, {})
    key = tuple(map(id, order))
    shape = by_order.get(key)
    if shape is None:
        if len(by_order) >= 8:  # a kept statement paged by an ordering built anew each time: keep a few
            by_order.clear()
        columns = [_direction(term) for term in order]
        keyed = stmt.add_columns(*(col.label(f"_pk{i}") for i, (col, _d) in enumerate(columns)))
        ordered = keyed.order_by(None).order_by(*(col.desc() if desc else col.asc() for col, desc in columns))
        shape = by_order[key] = _Shape(tuple(order), columns, keyed, ordered, loads_objects(stmt), {})
    return shape


def paginate(
    stmt: Select[Any], order: Sequence[ColumnElement[Any]], *, size: int | None = None, rows: str = "entity",
    count: bool = False, after: str | None = None, before: str | None = None, params: Mapping[str, Any] | None = None,
) -> Page:
    """Run one page of ``stmt`` ordered by ``order`` (ending with a unique column), keyset-paged in SQL.

    ``rows``: "entity" gives the first column of each row (``select(Unit)`` → units), "mapping" gives row mappings,
    "row" the rows (with the sort values as extra ``_pk0``... columns). ``after``/``before`` default to the request's ``?after=``/``?before=`` cursors.
    ``params``: values of the statement's bind parameters (a statement built once with ``bindparam``).
    One query for the page (size + 1 rows to know whether there is a next one), one more when ``count``.
    """
    size = max(1, min(size or page_size(), MAX_PAGE_SIZE))
    args = request.args.to_dict() if request else {}
    if after is None and before is None:
        after, before = args.get("after") or None, args.get("before") or None
    shape = _shape(stmt, order)
    columns = shape.columns
    bound = dict(params) if params else None

    def run(query: Select[Any]) -> list[Any]:  # objects need the ORM, columns do not
        return (db.session.execute(query, bound) if shape.objects else select_rows(query, bound)).all()

    n = len(columns)
    total = None
    if count:
        total = int(db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()), bound) or 0)
    if before:
        values = _decode(before, n)
        reverse = [col.asc() if desc else col.desc() for col, desc in columns]
        got = run(shape.keyed.where(_beyond(columns, values, False)).order_by(None).order_by(*reverse).limit(size + 1))
        if len(got) <= size:  # back at the start: show a full first page rather than a short one
            return paginate(stmt, order, size=size, rows=rows, count=count, after="", before="", params=params)
        got = got[:size][::-1]
        has_prev, has_next = True, True
    else:
        if after:
            got = run(shape.ordered.where(_beyond(columns, _decode(after, n), True)).limit(size + 1))
        else:
            first = shape.first_pages.get(size)
            if first is None:
                first = shape.first_pages[size] = shape.ordered.limit(size + 1)
            got = run(first)
        has_next = len(got) > size
        got = got[:size]
        has_prev = bool(after)
    keys = [tuple(row[len(row) - n:]) for row in got]
    if rows == "entity":
        items = [row[0] for row in got]
    elif rows == "mapping":
        items = [row._mapping for row in got]
    else:
        items = got  # whole rows; the extra _pk* columns are harmless
    return Page(
        items=items, size=size, total=total, args=args, first=not has_prev,
        next_cursor=_encode(keys[-1]) if has_next and keys else None,
        prev_cursor=_encode(keys[0]) if has_prev and keys else None,
    )
