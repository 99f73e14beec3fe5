"""Official documents (Nghị định 30/2020/NĐ-CP): who issues them, the body above, the place line and their numbers.

The issuer comes from the unit directory, so a commune's report is headed "ỦY BAN NHÂN DÂN XÃ BẢN BO" with no
district line above it, and is dated at the commune. Numbers run per issuer and year ("Số: 12/BC-UBND"); they are
taken inside the caller's transaction, so a document that is rolled back leaves no gap.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import select

from portal.extensions import db
from portal.integrity import upsert
from portal.i18n import fold
from portal.models import DocumentNumber, IssuedDocument, Unit

__all__ = ["Issuer", "issuer_of", "take_number", "issue_number", "issued_number"]

# Bodies whose head is the People's Committee of their level: their documents carry no superior line.
_COMMITTEE_KINDS = ("commune", "district")
_PREFIXES = ("thị trấn ", "xã ", "phường ", "huyện ", "ubnd huyện ", "ubnd ")


@dataclass(frozen=True)
class Issuer:
    key: str  # the numbering key: one counter per key and year
    name: str  # upper case, as printed
    superior: str | None  # the body above, upper case, only where one exists
    place: str  # the place line: where the issuer sits
    abbreviation: str  # after the document kind: BC-UBND
    unit_id: int | None = None


def _place_name(unit: Unit) -> str:
    name = unit.name
    lowered = name.lower()
    for prefix in _PREFIXES:
        if lowered.startswith(prefix):
            return name[len(prefix):].strip()
    return name


def _committee_name(unit: Unit) -> str:
    name = unit.name
    if name.lower().startswith("ubnd "):
        name = name[5:]
    return f"Ủy ban nhân dân {name[0].lower() + name[1:]}"


def _initials(name: str) -> str:
    words = [w for w in fold(name).replace("-", " ").split() if w not in ("va", "huyen", "xa", "thi", "tran")]
    return "".join(w[0] for w in words).upper()[:8] or "VB"


def _seat(unit: Unit) -> Unit:
    """The commune or district a body belongs to: its place line."""
    seen = 0
    current = unit
    while current.kind not in _COMMITTEE_KINDS and current.parent is not None and seen < 10:
        current, seen = current.parent, seen + 1
    return current


def issuer_of(unit: Unit) -> Issuer:
    """Header facts for a document a unit issues, from the directory."""
    if unit.kind in _COMMITTEE_KINDS:
        return Issuer(key=f"unit:{unit.id}", name=_committee_name(unit).upper(), superior=None,
                      place=_place_name(unit), abbreviation="UBND", unit_id=unit.id)
    parent = unit.parent
    superior = None
    if parent is not None and unit.kind not in ("enterprise", "other"):
        if parent.kind in _COMMITTEE_KINDS:
            # an agency works under its People's Committee; a Front or mass organisation does not
            superior = _committee_name(parent).upper() if unit.kind in ("agency", "village") else None
        else:
            superior = parent.name.upper()
    seat = _seat(unit)
    place = _place_name(seat) if seat is not unit else current_app.config["PORTAL_PLACE"]
    return Issuer(key=f"unit:{unit.id}", name=unit.name.upper(), superior=superior, place=place,
                  abbreviation=_initials(unit.name), unit_id=unit.id)


def take_number(issuer_key: str, year: int, issuer_id: int | None = None) -> int:
    """The next number of ``issuer_key`` in ``year``, in the current transaction (the row stays locked until commit)."""
    # One statement: the year's first document creates the counter, a concurrent first waits for it and bumps it.
    table = DocumentNumber.__table__
    stmt = upsert(table).values(issuer_key=issuer_key, issuer_id=issuer_id, year=year, last=1)
    stmt = stmt.on_conflict_do_update(index_elements=["issuer_key", "year"], set_={"last": table.c.last + 1})
    return int(db.session.execute(stmt.returning(table.c.last)).scalar_one())


def issue_number(object_type: str, object_id: int, issuer: Issuer, kind: str, day: dt.date) -> str:
    """Give a record its document number once ("12/BC-UBND") and register it; later calls return the same code."""
    known = issued_number(object_type, object_id)
    if known:
        return known
    number = take_number(issuer.key, day.year, issuer.unit_id)
    code = f"{number}/{kind}-{issuer.abbreviation}"
    db.session.add(IssuedDocument(object_type=object_type, object_id=object_id, issuer_key=issuer.key, year=day.year,
                                  number=number, code=code))
    db.session.flush()
    return code


def issued_number(object_type: str, object_id: int) -> str | None:
    """The document code a record was given, if any."""
    return db.session.scalar(select(IssuedDocument.code).where(IssuedDocument.object_type == object_type,
                                                               IssuedDocument.object_id == object_id))
