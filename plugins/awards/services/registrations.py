"""Emulation registration (đăng ký thi đua): who must register, saving, review, the district summary."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError

from portal.toolkit import INVALID_FORM, Refused, Unit, _, db, fold, get_plugin_config, lock, pgettext, utcnow, vi_sort_key

from .. import labels
from ..models import NOMINEE_KINDS, AwardType, NominationRound, Registration, RegistrationEntry


MAX_ENTRIES = 200  # registered titles per unit and round


# --- registration (đăng ký thi đua) ---------------------------------------------------------------------------

def expected_units(nomination_round: NominationRound) -> list[Unit]:
    """Units expected to register in a round: the configured kinds, valid during the round's year."""
    start, end = dt.date(nomination_round.year, 1, 1), dt.date(nomination_round.year, 12, 31)
    stmt = select(Unit).where(
        Unit.kind.in_(list(get_plugin_config("AWARDS_REGISTRATION_UNIT_KINDS"))),
        or_(Unit.valid_from.is_(None), Unit.valid_from <= end), or_(Unit.valid_to.is_(None), Unit.valid_to >= start),
    )
    return sorted(db.session.scalars(stmt), key=lambda u: vi_sort_key(u.name))


@dataclass
class EntryInput:
    award_type_id: int
    kind: str
    name: str
    position_text: str


def parse_entries(form: Any, types: dict[int, AwardType]) -> list[EntryInput]:
    """Read the repeated rows ``entry_type`` / ``entry_kind`` / ``entry_name`` / ``entry_position`` of the
    registration form; blank rows are skipped; anything else wrong refuses with INVALID_FORM (422) (nothing stored)."""
    rows = zip(form.getlist("entry_type"), form.getlist("entry_kind"), form.getlist("entry_name"),
               form.getlist("entry_position"), strict=False)
    out: list[EntryInput] = []
    for type_raw, kind, name, position in rows:
        name, position = (name or "").strip(), (position or "").strip()
        if not name and not type_raw:
            continue
        try:
            award_type = types[int(type_raw)]
        except (KeyError, ValueError):
            raise Refused(INVALID_FORM, _("Choose a title for every registered name.")) from None
        if not name:
            raise Refused(INVALID_FORM, _("Write the name of the collective, person or household for %(title)s.",
                                 title=award_type.name))
        if kind not in NOMINEE_KINDS or kind not in award_type.kinds:
            raise Refused(INVALID_FORM, _("%(title)s is not given to this kind of nominee.", title=award_type.name))
        if len(name) > 200 or len(position) > 200 or "<" in name + position:
            raise Refused(INVALID_FORM, _("Names and positions are plain text of at most 200 characters."))
        out.append(EntryInput(award_type.id, kind, name, position))
    if len(out) > MAX_ENTRIES:
        raise Refused(INVALID_FORM, _("At most %(num)s titles can be registered at once.", num=MAX_ENTRIES))
    return out


def save_registration(round_id: int, unit_id: int, commitment: str, entries: list[EntryInput], submit: bool) -> Registration:
    """Create or update a unit's registration (draft or returned ones only) and optionally submit it."""
    nomination_round = db.session.get(NominationRound, round_id)
    if nomination_round is None or not nomination_round.open:
        raise Refused(409, _("This round no longer accepts registrations."))
    existing = db.session.scalar(select(Registration.id).where(Registration.round_id == round_id,
                                                               Registration.unit_id == unit_id))
    if existing is not None:
        reg = lock(Registration, existing)
        if reg.state not in ("draft", "returned"):
            raise Refused(409, _("This registration was already sent; it can be changed only if the office "
                                 "returns it."))
    else:
        reg = Registration(round_id=round_id, unit_id=unit_id)
        db.session.add(reg)
    commitment = (commitment or "").strip()
    if len(commitment) > 8000 or "<script" in commitment.lower():
        raise Refused(INVALID_FORM, _("The commitment is plain text of at most 8000 characters."))
    if submit and not commitment:
        raise Refused(INVALID_FORM, _("Write the unit's emulation commitment before sending the registration."))
    reg.commitment = commitment
    reg.entries = [RegistrationEntry(award_type_id=e.award_type_id, kind=e.kind, name=e.name, name_fold=fold(e.name),
                                     position_text=e.position_text, position=n) for n, e in enumerate(entries)]
    if submit:
        reg.state, reg.submitted_at = "submitted", utcnow()
    elif reg.state != "returned":
        reg.state = "draft"
    try:
        db.session.flush()
    except IntegrityError:  # a concurrent first registration of the same unit and round
        db.session.rollback()
        raise Refused(409, _("This unit's registration was just created by someone else. Reload the page.")) from None
    return reg


def review_registration(registration_id: int, approve: bool, note: str) -> Registration:
    reg = lock(Registration, registration_id)
    if reg is None:
        raise Refused(404, _("Unknown registration."))
    if reg.state != "submitted":
        raise Refused(409, _("Only a sent registration can be approved or returned."))
    note = (note or "").strip()[:2000]
    if not approve and not note:
        raise Refused(INVALID_FORM, _("Say why the registration is returned."))
    reg.state, reg.review_note = ("approved" if approve else "returned"), note
    return reg


def registration_problem(round_id: int, unit_id: int, award_type: AwardType, kind: str, nominee: str) -> str | None:
    """Why a nomination may not be made under the award type's registration rule, or None when it may."""
    if not award_type.requires_registration:
        return None
    entry = db.session.scalar(
        select(RegistrationEntry).join(Registration).where(
            Registration.round_id == round_id, Registration.unit_id == unit_id, Registration.state == "approved",
            RegistrationEntry.award_type_id == award_type.id, RegistrationEntry.kind == kind,
            RegistrationEntry.name_fold == fold(nominee),
        ).limit(1)
    )
    if entry is not None:
        return None
    return _("%(title)s requires an approved emulation registration: %(name)s is not registered for it by this "
             "unit in this round (or the unit's registration is not approved yet).",
             title=award_type.name, name=nominee)


@dataclass
class RegistrationRow:
    unit: Unit
    registration: Registration | None


def registration_overview(nomination_round: NominationRound) -> list[RegistrationRow]:
    """Every expected unit with its registration (or None: not registered); two queries."""
    regs = {r.unit_id: r for r in db.session.scalars(
        select(Registration).where(Registration.round_id == nomination_round.id))}
    units = expected_units(nomination_round)
    seen = {u.id for u in units}
    extra = [r.unit for r in regs.values() if r.unit_id not in seen]  # registered although not expected
    return [RegistrationRow(u, regs.get(u.id)) for u in units + extra]


def registration_counts(round_id: int) -> dict[int, dict[int, int]]:
    """registration id → {award type id: number of registered names} (one query)."""
    out: dict[int, dict[int, int]] = {}
    rows = db.session.execute(
        select(RegistrationEntry.registration_id, RegistrationEntry.award_type_id, func.count())
        .join(Registration).where(Registration.round_id == round_id)
        .group_by(RegistrationEntry.registration_id, RegistrationEntry.award_type_id)
    )
    for reg_id, type_id, n in rows:
        out.setdefault(reg_id, {})[type_id] = n
    return out


def registration_sheets(nomination_round: NominationRound) -> list[tuple[str, list[str], list[list[Any]]]]:
    """The district summary of registrations: one row per unit, then one row per registered title."""
    rows = registration_overview(nomination_round)
    summary = [[r.unit.name, str(labels.REGISTRATION_STATES[r.registration.state]) if r.registration else
                _("Not registered"), len(r.registration.entries) if r.registration else 0,
                r.registration.commitment if r.registration else ""] for r in rows]
    entries: list[list[Any]] = []
    for r in rows:
        if r.registration is None:
            continue
        for e in r.registration.entries:
            entries.append([r.unit.name, e.award_type.name, str(labels.KINDS[e.kind]), e.name, e.position_text,
                            str(labels.REGISTRATION_STATES[r.registration.state])])
    return [
        (_("Units"), [_("Unit"), _("State"), _("Titles registered"), _("Commitment")], summary),
        (_("Titles"), [_("Unit"), pgettext("award", "Title"), _("Nominee kind"), _("Name"), _("Position or address"), _("State")],
         entries),
    ]
