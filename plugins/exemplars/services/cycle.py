"""The cycle of an exemplar as locked state changes: proposed → verified → fostered → replicated → archived.

Every change runs as lock → expect_state → writes → one commit by the view; a second request racing for the
same exemplar sees the first one's result and is refused with 409 and a Vietnamese message (portal.integrity)."""
from __future__ import annotations

import datetime as dt
from typing import Any

from portal.toolkit import (
    Refused, _, check_file, db, downscale_image, expect_state, get_plugin_config, lock, make_ref,
    resolve_ref, store, utcnow,
)

from .. import labels
from ..models import Exemplar, ExemplarPhoto, Replication, CycleStep

#: The order of the states: a later step never moves an exemplar back (support given to a replicated model
#: keeps it replicated).
ORDER = ("proposed", "verified", "fostered", "replicated", "archived")
ALLOWED = {
    "verify": ("proposed",),
    "foster": ("verified", "fostered", "replicated"),
    "replicate": ("verified", "fostered", "replicated"),
    "archive": ("proposed", "verified", "fostered", "replicated"),
}
TARGET = {"verify": "verified", "foster": "fostered", "replicate": "replicated", "archive": "archived"}
PHOTO_KINDS = ("jpg", "jpeg", "png", "webp")


def allowed(exemplar: Exemplar, action: str) -> bool:
    return exemplar.state in ALLOWED[action]


def _refusal(action: str, state: str) -> str:
    if state == "archived":
        return _("This exemplar is archived; its cycle is closed.")
    if action == "verify":
        return _("This exemplar has already been verified (it is now: %(state)s).", state=labels.STATES[state])
    return _("Only a verified exemplar can be fostered or replicated; the standing office verifies it first.")


def _locked(exemplar_id: int, action: str) -> Exemplar:
    row = lock(Exemplar, exemplar_id)
    if row is None:
        raise Refused(404, _("This exemplar does not exist."))
    expect_state(row, ALLOWED[action], _refusal(action, row.state))
    return row


def _record_step(row: Exemplar, action: str, user_id: int | None, **values: Any) -> CycleStep:
    target = TARGET[action]
    if ORDER.index(target) > ORDER.index(row.state) or action == "archive":
        row.state = target
    step = CycleStep(exemplar=row, action=action, state=row.state, user_id=user_id, **values)
    db.session.add(step)
    return step


def propose(values: dict[str, Any], user_id: int | None, source_ref: str | None = None,
            sample: bool = False) -> Exemplar:
    fields = {k: values[k] for k in (
        "kind", "holder_kind", "title", "holder", "unit_id", "village", "sector", "description", "story",
        "start_year", "households", "households_out", "income", "contact", "consent_public", "source") if k in values}
    fields["holder_kind"] = fields.get("holder_kind") or None
    for k in ("households", "households_out"):
        fields[k] = fields.get(k) or 0
    row = Exemplar(**fields, source_ref=source_ref, state="proposed", proposed_by=user_id, sample=sample)
    row.proposed_at = values.get("proposed_at") or utcnow()
    db.session.add(row)
    db.session.add(CycleStep(exemplar=row, action="propose", state="proposed", user_id=user_id, at=row.proposed_at,
                             note=str(labels.SOURCES.get(row.source, ""))))
    db.session.flush()
    return row


def add_photo(exemplar: Exemplar, file: Any, caption: str = "") -> ExemplarPhoto:
    """Check, downscale (the showcase is read on phones) and store a photo."""
    checked = check_file(file, PHOTO_KINDS, get_plugin_config("EXEMPLARS_MAX_PHOTO_BYTES"))
    small = downscale_image(checked, max_side=int(get_plugin_config("EXEMPLARS_PHOTO_MAX_SIDE", 1600)))
    photo = ExemplarPhoto(exemplar=exemplar, upload=store(small, owner="exemplars"), caption=caption or "")
    db.session.add(photo)
    return photo


def verify(exemplar_id: int, user_id: int | None, visit_date: dt.date, note: str,
           at: dt.datetime | None = None) -> Exemplar:
    row = _locked(exemplar_id, "verify")
    row.verified_at = at or utcnow()
    _record_step(row, "verify", user_id, visit_date=visit_date, note=note, at=row.verified_at)
    return row


def foster(exemplar_id: int, user_id: int | None, note: str, amount: int | None = None, disbursement: int | None = None,
           at: dt.datetime | None = None) -> CycleStep:
    """Record support given; money from the fund is linked to its disbursement by an opaque reference."""
    row = _locked(exemplar_id, "foster")
    ref = None
    if disbursement:
        ref = make_ref("fund", "disbursement", disbursement)
        if resolve_ref(ref) is None:
            raise Refused(422, _("There is no fund disbursement number %(n)s (or the fund module is not enabled).",
                                 n=disbursement))
    return _record_step(row, "foster", user_id, note=note, amount=amount, disbursement_ref=ref, at=at or utcnow())


def replicate(exemplar_id: int, user_id: int | None, unit_id: int, households: int, year: int, note: str = "",
              at: dt.datetime | None = None) -> Replication:
    row = _locked(exemplar_id, "replicate")
    if unit_id == row.unit_id:
        raise Refused(422, _("A replication is in another commune or unit than the exemplar's own."))
    _record_step(row, "replicate", user_id, note=note, at=at or utcnow())
    rep = Replication(exemplar=row, unit_id=unit_id, households=households, year=year, note=note)
    db.session.add(rep)
    return rep


def archive(exemplar_id: int, user_id: int | None, note: str) -> Exemplar:
    row = _locked(exemplar_id, "archive")
    _record_step(row, "archive", user_id, note=note)
    return row
