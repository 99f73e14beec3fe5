"""The audit log in words: record names and field labels (the core's and each plugin's labels.py ``RECORDS`` and
``FIELDS``), values as people read them (Có/Không, local dates, money, codes and linked records by their names),
the date range of a filter in local days."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from flask import current_app, g
from sqlalchemy import BigInteger, Boolean, Numeric, select

from portal.clock import local_stamp, local_zone
from portal.directory.services import KIND_LABELS as UNIT_KINDS
from portal.extensions import db
from portal.i18n import current_locale, format_money, format_number, gettext as _, lazy_gettext as _l, vi_sort_key
from portal.models import Audited
from portal.review.services import KIND_LABELS as REVIEW_KINDS, PART_LABELS as REVIEW_PARTS
from portal.templating import _public

#: The core's audited tables (the plugins declare theirs in labels.py).
RECORDS = {
    "directory_unit": _l("Unit"),
    "directory_unit_name": _l("Former name"),
    "directory_unit_area_link": _l("Area transfer"),
    "portal_user": _l("User"),
    "portal_role": _l("Role"),
    "portal_role_grant": _l("Role permission"),
    "portal_review": _l("Movement review"),
    "portal_review_section": _l("Section of a movement review"),
}
FIELDS = {
    "directory_unit.code": _l("Code"), "directory_unit.name": _l("Name"), "directory_unit.kind": _l("Kind"),
    "directory_unit.parent_id": _l("Parent unit"), "directory_unit.head": _l("Head"),
    "directory_unit.phone": _l("Phone"), "directory_unit.email": _l("E-mail"),
    "directory_unit.address": _l("Address"), "directory_unit.valid_from": _l("Valid from"),
    "directory_unit.valid_to": _l("Valid until"), "directory_unit.successor_id": _l("Successor unit"),
    "directory_unit.note": _l("Note"), "directory_unit.is_sample": _l("Sample data"),
    "directory_unit_name.valid_from": _l("Valid from"), "directory_unit_name.valid_to": _l("Valid until"),
    "directory_unit_area_link.note": _l("Note"), "portal_user.locale": _l("Language"),
    "portal_user.created_at": _l("Created"),
    "directory_unit_name.name": _l("Name"), "directory_unit_name.unit_id": _l("Unit"),
    "directory_unit_area_link.unit_id": _l("Unit"), "directory_unit_area_link.to_unit_id": _l("Area given to"),
    "portal_user.username": _l("Username"), "portal_user.full_name": _l("Full name"),
    "portal_user.email": _l("E-mail"), "portal_user.phone": _l("Phone"), "portal_user.unit_id": _l("Unit"),
    "portal_user.active": _l("Active"), "portal_user.roles": _l("Roles"),
    "portal_user.sessions_ended": _l("Sessions ended"),
    "portal_role.code": _l("Code"), "portal_role.name": _l("Name"),
    "portal_role_grant.role_id": _l("Role"), "portal_role_grant.permission": _l("Permission"),
    "portal_role_grant.scope": _l("Scope"),
    "portal_review.kind": _l("Kind"), "portal_review.title": _l("Title"), "portal_review.year_from": _l("From year"),
    "portal_review.year_to": _l("To year"), "portal_review.unit_kinds": _l("Units covered"),
    "portal_review.number": _l("Document number"), "portal_review.doc_date": _l("Document date"),
    "portal_review.signer_title": _l("Signer's title"), "portal_review.signer_name": _l("Signer's name"),
    **{f"portal_review.{part}": label for part, label in REVIEW_PARTS.items()},
    "portal_review.drafted_at": _l("Figures taken"), "portal_review.created_at": _l("Created"),
    "portal_review.created_by": _l("Created by"),
    "portal_review_section.review_id": _l("Review"), "portal_review_section.source": _l("Figures from"),
    "portal_review_section.position": _l("Position"), "portal_review_section.title": _l("Title"),
    "portal_review_section.narrative": _l("Text"), "portal_review_section.taken_at": _l("Figures taken"),
}

#: Coded values shown by their label: "<table>.<column>" -> {code: label} (plugins may declare VALUES too).
VALUES = {"directory_unit.kind": UNIT_KINDS, "portal_role_grant.scope": {"all": _l("All units"), "unit": _l("Own unit only")},
          "portal_review.kind": REVIEW_KINDS, "portal_review.unit_kinds": UNIT_KINDS}
#: Tables whose records a link shows by name: "<table>" -> its name column (plugins may declare NAMES for their own
#: small tables; every row is read once a request, so not for tables of thousands). Links elsewhere show "#id".
NAMES = {"directory_unit": "name", "portal_user": "full_name", "portal_role": "name", "portal_review": "title"}
_CORE = {"RECORDS": RECORDS, "FIELDS": FIELDS, "VALUES": VALUES, "NAMES": NAMES}


def _declared(name: str) -> dict[str, Any]:
    """The core's and every plugin's declared words, merged once per app: the labels are lazy strings, so the
    request's language still applies when they are shown (merging them per value was most of the log's time)."""
    cache: dict[str, Any] = current_app.extensions.setdefault("portal_audit_words", {})
    if name not in cache:
        out = dict(_CORE.get(name) or {})
        if name == "VALUES":
            out["portal_role_grant.permission"] = {
                c: p.label for c, p in current_app.extensions["portal"].permissions.items()}
            # a review section's figures come from a plugin: named by its title
            out["portal_review_section.source"] = {
                n: p.title for n, p in current_app.extensions["portal"].plugins.items()}
        for plugin in current_app.extensions["portal"].plugins.values():
            declared = _public(plugin.labels).get(name) or {}
            out.update(declared if isinstance(declared, Mapping) else dict.fromkeys(declared))  # MONEY is a tuple
        cache[name] = out
    return cache[name]


def _excluded() -> dict[str, frozenset[str]]:
    """Table -> the columns its model leaves out of the log (``__audit_exclude__``), found once per app."""
    cache: dict[str, Any] = current_app.extensions.setdefault("portal_audit_words", {})
    if "_excluded" not in cache:
        cache["_excluded"] = {
            m.class_.__tablename__: frozenset(getattr(m.class_, "__audit_exclude__", ()))
            for m in db.Model.registry.mappers if issubclass(m.class_, Audited)}
    return cache["_excluded"]


def record_name(table: str) -> str:
    """The record's name in words; an undeclared table shows as itself."""
    return str(_declared("RECORDS").get(table) or table)


def record_choices(tables: list[str]) -> list[tuple[str, str]]:
    """(table, name) for a filter, in Vietnamese order of the names (sorted once per language and set of tables)."""
    cache: dict[tuple[str, tuple[str, ...]], list[tuple[str, str]]] = current_app.extensions.setdefault(
        "portal_audit_choices", {})
    key = (str(current_locale()), tuple(sorted(tables)))
    if key not in cache:
        cache[key] = sorted(((t, record_name(t)) for t in tables), key=lambda c: vi_sort_key(c[1]))
    return list(cache[key])


def _column(table: str, column: str) -> Any:
    t = db.metadata.tables.get(table)
    return t.c.get(column) if t is not None else None


class _Words:
    """What turning values into words needs, looked up once for a page rather than once per value."""

    def __init__(self) -> None:
        self.values = _declared("VALUES")
        self.money = set(_declared("MONEY"))
        self.named = _declared("NAMES")
        self.yes, self.no = _("Yes"), _("No")

    def __call__(self, table: str, column: str, value: Any) -> str:
        if value is None or value == "" or value == []:
            return "—"
        col = _column(table, column)
        if isinstance(value, bool) or (col is not None and isinstance(col.type, Boolean) and value in (0, 1)):
            return self.yes if value else self.no
        coded = self.values.get(f"{table}.{column}")
        if coded and isinstance(value, str) and value in coded:
            return str(coded[value])
        if coded and isinstance(value, str) and "," in value and all(v in coded for v in value.split(",")):
            value = value.split(",")  # codes kept comma-separated in one column (an award type's nominee kinds)
        if isinstance(value, list):  # a list of codes (unit kinds) shows each by its label
            return ", ".join(str(coded[v]) if coded and isinstance(v, str) and v in coded else str(v) for v in value)
        target = next(iter(col.foreign_keys)).column.table.name if col is not None and col.foreign_keys else None
        if target is not None and isinstance(value, int):
            # a record of a table with a name (a unit, a fund year) by its name; others by their number
            return (_names(target, self.named[target]).get(value) if target in self.named else None) or f"#{value}"
        if isinstance(value, int) and not isinstance(value, bool) and (
                (col is not None and isinstance(col.type, BigInteger)) or f"{table}.{column}" in self.money):
            return format_money(value)  # money is integer đồng: BigInteger columns, or Integer ones declared in MONEY
        if isinstance(value, str) and col is not None and isinstance(col.type, Numeric):
            return _decimal(value)
        if isinstance(value, dict):  # a mapping (a report's figures by field): "key: value; …", not a Python dump
            return "; ".join(f"{k}: {self.plain(v)}" for k, v in value.items()) or "—"
        return str(local_stamp(value))

    def plain(self, value: Any) -> str:
        """A value inside a mapping (no column to say what it is): Có/Không, local dates, lists joined."""
        if value is None or value == "" or value == []:
            return "—"
        if isinstance(value, bool):
            return self.yes if value else self.no
        if isinstance(value, list):
            return ", ".join(self.plain(v) for v in value)
        if isinstance(value, dict):
            return "; ".join(f"{k}: {self.plain(v)}" for k, v in value.items())
        if isinstance(value, int | float):
            return format_number(value)
        return str(local_stamp(value))


def _decimal(value: str) -> str:
    """A stored decimal ("12.5000") as people write it: 12,5 (no trailing zeros, the locale's decimal mark)."""
    try:
        number = Decimal(value)
    except ArithmeticError:
        return value
    if not number.is_finite():
        return value
    number = number.quantize(Decimal(1)) if number == number.to_integral_value() else number.normalize()
    return format_number(number)


@dataclass(frozen=True)
class Change:
    label: str
    before: str | None  # None: a created or deleted record shows one value only
    after: str


@dataclass(frozen=True)
class EntryWords:
    entry: Any  # portal.models.AuditEntry
    record: str
    changes: list[Change]


_EMPTY = (None, "", [])


def in_words(entries: list[Any]) -> list[EntryWords]:
    """Audit entries ready to show: the record's name, and each change as label and values in words. Done here
    in one pass rather than per value from the template (each template call and lookup cost more than the words),
    with the words of a repeated (table, field, value) found once."""
    seen: dict[tuple[str, str, str], str] = {}
    in_words_of = _Words()

    def words(table: str, column: str, value: Any) -> str:
        key = (table, column, repr(value))
        if key not in seen:
            seen[key] = in_words_of(table, column, value)
        return seen[key]

    fields, records, excluded = _declared("FIELDS"), _declared("RECORDS"), _excluded()
    labels: dict[str, str] = {}  # a lazy label translates on each str(): once per page is enough
    out = []
    for e in entries:
        table = e.object_type
        changes = []
        left_out = excluded.get(table, ())
        for column, pair in (e.changes or {}).items():
            if column == "id" or column in left_out:  # entries written before a column was left out of the log
                continue
            name = f"{table}.{column}"
            if name not in labels:
                labels[name] = str(fields.get(name) or column)
            label = labels[name]
            before, after = pair[0], pair[1]
            if e.action == "create":
                if after not in _EMPTY:
                    changes.append(Change(label, None, words(table, column, after)))
            elif e.action == "delete":
                if before not in _EMPTY:
                    changes.append(Change(label, None, words(table, column, before)))
            elif isinstance(before, dict) or isinstance(after, dict):
                # a mapping (a report's figures by field): only the keys that changed, one line each
                old, new = before if isinstance(before, dict) else {}, after if isinstance(after, dict) else {}
                for key in [*old, *(k for k in new if k not in old)]:
                    if old.get(key) != new.get(key):
                        changes.append(Change(f"{label} – {key}", in_words_of.plain(old.get(key)),
                                              in_words_of.plain(new.get(key))))
            else:
                changes.append(Change(label, words(table, column, before), words(table, column, after)))
        out.append(EntryWords(e, str(records.get(table) or table), changes))
    return out


def _names(table: str, column: str) -> dict[int, str]:
    """id -> name of a (small) table records point at (units, users, a plugin's NAMES), read once a request."""
    cache = g.setdefault("audit_names", {})
    if table not in cache:
        t = db.metadata.tables[table]
        cache[table] = {i: str(n) for i, n in db.session.execute(select(t.c.id, t.c[column])).all() if n is not None}
    return cache[table]


def day_bounds(start: dt.date | None, end: dt.date | None) -> tuple[dt.datetime | None, dt.datetime | None]:
    """Local days from ``start`` to ``end`` (both included) as stored (naive UTC) bounds: [low, high)."""
    def utc(day: dt.date) -> dt.datetime:
        return dt.datetime.combine(day, dt.time.min, tzinfo=local_zone()).astimezone(dt.UTC).replace(tzinfo=None)

    return (utc(start) if start else None), (utc(end + dt.timedelta(days=1)) if end else None)


def permission_groups(codes: list[str] | None = None) -> list[tuple[str, list[tuple[str, str]]]]:
    """Permissions (``codes``, else all known) as (group title, [(code, label)]): the core's first, then each
    plugin's under its title, in PORTAL_PLUGINS order. A code no enabled plugin declares is named as itself."""
    state = current_app.extensions["portal"]
    known = state.permissions
    groups: dict[str, list[tuple[str, str]]] = {str(_("Portal (core)")): []}
    for plugin in state.plugins.values():
        groups[str(plugin.title)] = []
    for code in sorted(known if codes is None else codes):
        plugin = state.plugins.get(code.split(".", 1)[0])
        title = str(plugin.title) if plugin else str(_("Portal (core)")) if code in known else str(_("Not enabled"))
        label = str(known[code].label) if code in known else code
        groups.setdefault(title, []).append((code, label))
    return [(title, items) for title, items in groups.items() if items]
