"""Unit directory logic, free of request state: search, tree, validation, rename, merge, Excel rows."""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, Select, or_, select, true
from sqlalchemy.orm import joinedload

from portal.clock import local_today
from portal.extensions import db
from portal.i18n import fold, format_date, gettext as _, lazy_gettext as _l, vi_sort_key
from portal.models import UNIT_KINDS, Unit, UnitAreaLink, UnitName
from portal.signals import unit_merged, unit_renamed

KIND_LABELS = {
    "district": _l("District"),
    "agency": _l("Agency / office"),
    "mass_org": _l("Fatherland Front / mass organisation"),
    "commune": _l("Commune / town"),
    "village": _l("Village"),
    "enterprise": _l("Enterprise / cooperative"),
    "other": _l("Other"),
}
CODE_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{0,39}$")
EMAIL_RE = re.compile(r"^[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+$")
PHONE_RE = re.compile(r"^[0-9 +().-]{3,30}$")
EXPORT_COLUMNS = (
    "code", "name", "kind", "parent_code", "head", "phone", "email", "address",
    "valid_from", "valid_to", "successor_code", "note",
)
#: Column headers of the exported workbook; the import reads these (in Vietnamese or English) or the codes above.
COLUMN_LABELS = {
    "code": _l("Code"), "name": _l("Name"), "kind": _l("Kind"), "parent_code": _l("Parent unit code"),
    "head": _l("Head"), "phone": _l("Phone"), "email": _l("E-mail"), "address": _l("Address"),
    "valid_from": _l("Valid from"), "valid_to": _l("Valid until"), "successor_code": _l("Successor unit code"),
    "note": _l("Note"),
}


def _in_every_language(labels: dict[str, Any]) -> dict[str, str]:
    """Folded label (in each interface language) and folded code -> code, to read what any export wrote."""
    from flask import current_app
    from flask_babel import force_locale

    out = {fold(code): code for code in labels}
    for lang in current_app.config.get("PORTAL_LANGUAGES", ("vi", "en")):
        with force_locale(lang):
            out.update({fold(str(label)): code for code, label in labels.items()})
    return out


def import_header_names() -> list[str]:
    """Every name a column header may have (each language, folded, and the codes): finds the header row."""
    return list(_in_every_language(COLUMN_LABELS))


def export_headers() -> list[str]:
    return [str(COLUMN_LABELS[c]) for c in EXPORT_COLUMNS]


def units_query(
    q: str = "", kind: str = "", status: str = "all", scope: ColumnElement[bool] | None = None,
    today: dt.date | None = None,
) -> Select[tuple[Unit]]:
    """Units matching a diacritic- and case-insensitive query (unordered: page it with ``UNIT_ORDER``)."""
    today = today or local_today()
    stmt = select(Unit).options(joinedload(Unit.parent)).where(scope if scope is not None else true())
    folded = fold(q)
    if folded:
        stmt = stmt.where(
            or_(Unit.search_name.contains(folded, autoescape=True), Unit.code.contains(folded, autoescape=True))
        )
    if kind in UNIT_KINDS:
        stmt = stmt.where(Unit.kind == kind)
    if status == "current":
        stmt = stmt.where(or_(Unit.valid_to.is_(None), Unit.valid_to >= today))
    elif status == "ended":
        stmt = stmt.where(Unit.valid_to < today)
    return stmt


#: Vietnamese order from the stored key, the id breaking ties (and making keyset cursors unique).
UNIT_ORDER = (Unit.sort_key, Unit.id)


def unit_choices(
    kinds: Sequence[str] | None = None, blank: str | None = None, exclude: int | None = None,
    with_code: bool = False, current: bool = False, scope: ColumnElement[bool] | None = None,
) -> list[tuple[int, str]]:
    """(id, name) pairs for a unit picker, in Vietnamese order (sorted in SQL). ``blank`` puts (0, blank) first;
    ``current`` keeps only units in force today (local date); ``scope`` is a ``unit_clause`` for the user."""
    stmt = select(Unit.id, Unit.name, Unit.code)
    if kinds:
        stmt = stmt.where(Unit.kind.in_(tuple(kinds)))
    if exclude is not None:
        stmt = stmt.where(Unit.id != exclude)
    if current:
        stmt = stmt.where(or_(Unit.valid_to.is_(None), Unit.valid_to >= local_today()))
    if scope is not None:
        stmt = stmt.where(scope)
    rows = db.session.execute(stmt.order_by(*UNIT_ORDER)).all()
    out = [(r.id, f"{r.name} ({r.code})" if with_code else r.name) for r in rows]
    return ([(0, blank)] if blank is not None else []) + out


def search_units(
    q: str = "", kind: str = "", status: str = "all", scope: ColumnElement[bool] | None = None,
    today: dt.date | None = None,
) -> list[Unit]:
    """Every matching unit in Vietnamese order, sorted in SQL (for the tree, the export and the print view)."""
    return list(db.session.scalars(units_query(q, kind, status, scope, today).order_by(*UNIT_ORDER)))


@dataclass
class TreeNode:
    unit: Unit
    children: list[TreeNode] = field(default_factory=list)


def unit_tree(units: Sequence[Unit]) -> list[TreeNode]:
    """Arrange units under their parents (any depth; units whose parent is not listed become roots)."""
    nodes = {u.id: TreeNode(u) for u in units}
    roots: list[TreeNode] = []
    for u in units:
        parent = nodes.get(u.parent_id) if u.parent_id else None
        (parent.children if parent else roots).append(nodes[u.id])
    for node in nodes.values():
        node.children.sort(key=lambda n: (n.unit.sort_key, n.unit.id))
    roots.sort(key=lambda n: (n.unit.sort_key, n.unit.id))
    return roots


def would_cycle(unit_id: int | None, parent_id: int | None, parents: dict[int, int | None]) -> bool:
    """Whether making ``parent_id`` the parent of ``unit_id`` closes a loop."""
    seen: set[int] = set()
    current = parent_id
    while current is not None:
        if current == unit_id or current in seen:
            return True
        seen.add(current)
        current = parents.get(current)
    return False


def parent_map() -> dict[int, int | None]:
    return {unit_id: parent_id for unit_id, parent_id in db.session.execute(select(Unit.id, Unit.parent_id))}


def check_unit_values(values: dict[str, Any], unit_id: int | None, parents: dict[int, int | None]) -> dict[str, str]:
    """Check the rules a form cannot express alone; return {field: message}."""
    errors: dict[str, str] = {}
    vf, vt = values.get("valid_from"), values.get("valid_to")
    if vf and vt and vt < vf:
        errors["valid_to"] = _("The end date is before the start date.")
    parent_id = values.get("parent_id")
    if parent_id and unit_id and parent_id == unit_id:
        errors["parent_id"] = _("A unit cannot be its own parent.")
    elif parent_id and would_cycle(unit_id, parent_id, parents):
        errors["parent_id"] = _("This parent would create a loop in the hierarchy.")
    successor_id = values.get("successor_id")
    if successor_id and unit_id and successor_id == unit_id:
        errors["successor_id"] = _("A unit cannot succeed itself.")
    return errors


def check_rename(unit: Unit, new_name: str, effective: dt.date) -> str | None:
    """Return an error when a rename taking effect on ``effective`` would leave the former name no days."""
    if unit.id is None or new_name == unit.name:
        return None
    last_end = max((n.valid_to for n in unit.names), default=None)
    start = last_end + dt.timedelta(days=1) if last_end else unit.valid_from
    if start is not None and effective <= start:
        return _("The new name must take effect after %(date)s.", date=format_date(start))
    return None


def apply_unit(unit: Unit, values: dict[str, Any], rename_on: dt.date | None = None) -> str | None:
    """Write values into ``unit``; keep the former name when the name changes. Return the old name if renamed."""
    old_name = unit.name if unit.id is not None else None
    for key, value in values.items():
        setattr(unit, key, value)
    unit.search_name = fold(unit.name)[:200]  # the column's length: folding can lengthen rare characters
    if old_name and old_name != unit.name:
        effective = rename_on or local_today()
        last_end = max((n.valid_to for n in unit.names), default=None)
        unit.names.append(
            UnitName(
                name=old_name,
                valid_from=(last_end + dt.timedelta(days=1)) if last_end else unit.valid_from,
                valid_to=effective - dt.timedelta(days=1),
            )
        )
        return old_name
    return None


def announce_rename(unit: Unit, old_name: str, effective: dt.date) -> None:
    unit_renamed.send(unit, unit=unit, old_name=old_name, effective=effective)


def merge_unit(unit: Unit, successor: Unit, effective: dt.date, area_to: Iterable[Unit] = ()) -> None:
    """Close ``unit`` the day before ``effective`` and point it at its main successor (whose totals take its history);
    ``area_to`` are other units that received part of its area: recorded and shown only. History keeps the old unit."""
    unit.valid_to = effective - dt.timedelta(days=1)
    unit.successor_id = successor.id
    have = {link.to_unit_id for link in db.session.scalars(select(UnitAreaLink).where(UnitAreaLink.unit_id == unit.id))}
    for other in area_to:
        if other.id not in (successor.id, unit.id) and other.id not in have:
            db.session.add(UnitAreaLink(unit_id=unit.id, to_unit_id=other.id))
            have.add(other.id)
    unit_merged.send(unit, unit=unit, successor=successor)


# --- lineage: a unit and the units merged into it ---

def _successor_pairs() -> list[tuple[int, int]]:
    return [(r.id, r.successor_id) for r in db.session.execute(
        select(Unit.id, Unit.successor_id).where(Unit.successor_id.is_not(None)))]


def unit_lineage(unit_id: int) -> list[int]:
    """The unit and every unit whose main successor (followed through later mergers) it is: ``unit_id`` first.

    Plugins use it so a successor's pages and totals take in its predecessors' history, which stays stored under
    the old units. One query.
    """
    children: dict[int, list[int]] = {}
    for uid, succ in _successor_pairs():
        children.setdefault(succ, []).append(uid)
    out, todo, seen = [], [unit_id], set()
    while todo:
        current = todo.pop(0)
        if current in seen:
            continue
        seen.add(current)
        out.append(current)
        todo.extend(children.get(current, []))
    return out


def final_successors() -> dict[int, int]:
    """Each merged unit mapped to the unit its history now belongs to (the end of its main-successor chain)."""
    nxt = dict(_successor_pairs())
    out = {}
    for uid in nxt:
        current, hops = uid, 0
        while current in nxt and hops < 50:
            current, hops = nxt[current], hops + 1
        out[uid] = current
    return out


def area_links(unit_id: int) -> tuple[list[Unit], list[Unit]]:
    """(units that received part of this unit's area, units part of whose area this unit received)."""
    gave = list(db.session.scalars(select(Unit).join(UnitAreaLink, UnitAreaLink.to_unit_id == Unit.id)
                                   .where(UnitAreaLink.unit_id == unit_id)))
    took = list(db.session.scalars(select(Unit).join(UnitAreaLink, UnitAreaLink.unit_id == Unit.id)
                                   .where(UnitAreaLink.to_unit_id == unit_id)))
    return sorted(gave, key=lambda u: vi_sort_key(u.name)), sorted(took, key=lambda u: vi_sort_key(u.name))


# --- Excel import/export ---

def export_rows(units: Iterable[Unit]) -> list[list[Any]]:
    by_id = {u.id: u for u in db.session.scalars(select(Unit))}
    rows = []
    for u in units:
        rows.append([
            u.code, u.name, str(KIND_LABELS.get(u.kind, u.kind)),
            by_id[u.parent_id].code if u.parent_id in by_id else "",
            u.head or "", u.phone or "", u.email or "", u.address or "",
            u.valid_from, u.valid_to,
            by_id[u.successor_id].code if u.successor_id in by_id else "",
            u.note or "",
        ])
    return rows


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)  # (Excel row number, message)
    warnings: list[tuple[int, str]] = field(default_factory=list)  # written anyway, but worth a look


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _cell_date(value: Any) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    for fmt in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            pass
    raise ValueError(text)


def import_units(headers: list[str], rows: list[list[Any]]) -> ImportResult:
    """Create or update units by code from spreadsheet rows. Nothing is written when any row is invalid."""
    result = ImportResult()
    columns = _in_every_language(COLUMN_LABELS)
    kinds = _in_every_language(KIND_LABELS)
    index: dict[str, int] = {}
    for i, h in enumerate(headers):
        code = columns.get(fold(str(h or "")))
        if code and code not in index:
            index[code] = i
    for required in ("code", "name", "kind"):
        if required not in index:
            result.errors.append((1, _("Missing column: %(col)s.", col=required)))
    if result.errors:
        return result
    if not rows:
        result.errors.append((1, _("The file has no data rows.")))
        return result

    def get(row: list[Any], col: str) -> Any:
        i = index.get(col)
        return row[i] if i is not None and i < len(row) else None

    existing = {u.code: u for u in db.session.scalars(select(Unit))}
    parsed: list[tuple[int, dict[str, Any]]] = []
    codes_in_file: dict[str, int] = {}
    for n, row in enumerate(rows, start=2):
        errs: list[str] = []
        code = _cell_text(get(row, "code")).lower()
        name = _cell_text(get(row, "name"))
        kind_text = _cell_text(get(row, "kind"))
        kind = kinds.get(fold(kind_text), kind_text)
        if not CODE_RE.match(code):
            errs.append(_("invalid code %(code)r", code=code))
        elif code in codes_in_file:
            errs.append(_("code %(code)s repeats row %(row)s", code=code, row=codes_in_file[code]))
        else:
            codes_in_file[code] = n
        if not name or len(name) > 200 or "<" in name or ">" in name:
            errs.append(_("name is empty, too long or contains < >"))
        if kind not in UNIT_KINDS:
            errs.append(_("unknown kind %(kind)r (use: %(kinds)s)", kind=kind_text,
                          kinds=", ".join(str(KIND_LABELS.get(k, k)) for k in UNIT_KINDS)))
        for col, limit in (("head", 120), ("address", 255), ("note", 2000)):
            text = _cell_text(get(row, col))
            if len(text) > limit or "<" in text or ">" in text:
                errs.append(_("%(col)s is too long or contains < >", col=col))
        email = _cell_text(get(row, "email"))
        if email and (len(email) > 120 or not EMAIL_RE.match(email)):
            errs.append(_("invalid e-mail %(email)r", email=email))
        phone = _cell_text(get(row, "phone"))
        if phone and not PHONE_RE.match(phone):
            errs.append(_("invalid phone %(phone)r", phone=phone))
        try:
            vf = _cell_date(get(row, "valid_from"))
            vt = _cell_date(get(row, "valid_to"))
        except ValueError as exc:
            errs.append(_("invalid date %(value)r (use dd/mm/yyyy)", value=str(exc)))
            vf = vt = None
        if vf and vt and vt < vf:
            errs.append(_("end date before start date"))
        values = {
            "code": code, "name": name, "kind": kind,
            "head": _cell_text(get(row, "head")) or None, "phone": phone or None, "email": email or None,
            "address": _cell_text(get(row, "address")) or None, "note": _cell_text(get(row, "note")) or None,
            "valid_from": vf, "valid_to": vt,
            "_parent": _cell_text(get(row, "parent_code")).lower(),
            "_successor": _cell_text(get(row, "successor_code")).lower(),
        }
        for msg in errs:
            result.errors.append((n, msg))
        parsed.append((n, values))

    known_codes = set(existing) | set(codes_in_file)
    for n, values in parsed:
        for ref in ("_parent", "_successor"):
            if values[ref] and values[ref] not in known_codes:
                result.errors.append((n, _("unknown unit code %(code)r", code=values[ref])))
    if result.errors:
        return result

    # Check the resulting hierarchy for loops before writing anything.
    code_parent = {code: (u.parent.code if u.parent else None) for code, u in existing.items()}
    for _n, values in parsed:
        code_parent[values["code"]] = values["_parent"] or None
    for n, values in parsed:
        seen, cur = set(), code_parent.get(values["code"])
        while cur:
            if cur == values["code"] or cur in seen:
                result.errors.append((n, _("parent_code creates a loop in the hierarchy")))
                break
            seen.add(cur)
            cur = code_parent.get(cur)
    if result.errors:
        return result

    # A unit added under a unit that has ended is allowed (history) but usually a mistake: say so.
    ends = {code: u.valid_to for code, u in existing.items()}
    ends.update({values["code"]: values["valid_to"] for _n, values in parsed})
    names = {code: u.name for code, u in existing.items()} | {v["code"]: v["name"] for _n, v in parsed}
    for n, values in parsed:
        parent_end = ends.get(values["_parent"]) if values["_parent"] else None
        starts = values["valid_from"] or local_today()
        if parent_end is not None and starts > parent_end:
            result.warnings.append((n, _("%(unit)s is placed under %(parent)s, which ended on %(day)s.",
                                         unit=values["name"], parent=names.get(values["_parent"], values["_parent"]),
                                         day=format_date(parent_end))))

    units = dict(existing)
    for _n, values in parsed:
        plain = {k: v for k, v in values.items() if not k.startswith("_")}
        unit = units.get(values["code"])
        if unit is None:
            unit = Unit()
            apply_unit(unit, plain)
            db.session.add(unit)
            units[unit.code] = unit
            result.created += 1
        else:
            apply_unit(unit, plain)
            result.updated += 1
    db.session.flush()
    for _n, values in parsed:
        unit = units[values["code"]]
        unit.parent_id = units[values["_parent"]].id if values["_parent"] else None
        unit.successor_id = units[values["_successor"]].id if values["_successor"] else None
    return result


# --- successors and predecessors (merged communes) ---------------------------------------------------------------

def predecessors_in(links: dict[int, int | None], unit_id: int,
                    children: dict[int, list[int]] | None = None) -> list[int]:
    """Units merged into ``unit_id``, directly or through earlier mergers, from ``links`` (unit id -> successor id).

    Pure (no query) so pages that need it for many units load the links once; a loop in the links ends the walk."""
    if children is None:
        children = {}
        for uid, succ in links.items():
            if succ is not None and succ != uid:
                children.setdefault(succ, []).append(uid)
    out: list[int] = []
    seen = {unit_id}
    todo = list(children.get(unit_id, ()))
    while todo:
        uid = todo.pop(0)
        if uid in seen:
            continue
        seen.add(uid)
        out.append(uid)
        todo.extend(children.get(uid, ()))
    return sorted(out)


def predecessor_map(links: dict[int, int | None]) -> dict[int, list[int]]:
    """Every unit's predecessors at once (unit id -> sorted ids), for pages that need them for many units."""
    children: dict[int, list[int]] = {}
    for uid, succ in links.items():
        if succ is not None and succ != uid:
            children.setdefault(succ, []).append(uid)
    return {uid: predecessors_in(links, uid, children) for uid in children}


def predecessors(unit_id: int) -> list[int]:
    """Ids of the units whose successor (recursively) is ``unit_id``: a new commune's old communes (one query)."""
    return unit_lineage(unit_id)[1:]  # one definition of "merged into": the lineage, without the unit itself
