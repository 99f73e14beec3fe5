"""Emulation registration (đăng ký thi đua): the district overview, a unit's form, review."""
from __future__ import annotations

from flask import abort, flash, request, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import select

from portal.toolkit import (
    INVALID_FORM,
    Refused, Unit, _, check_unit, current_user, db, redirect_or_hx, render, require_permission, vi_sort_key,
    xlsx_response,
)

from ..forms import RegistrationReviewForm
from ..models import NominationRound, Registration
from ..permissions import NOMINATE, REGISTRATIONS, VIEW
from ..services import registrations as reg_svc
from .common import active_types


# --- registration (đăng ký thi đua) ----------------------------------------------------------------------------

@require_permission(REGISTRATIONS)
def registrations(round_id: int) -> ResponseReturnValue:
    nomination_round = db.get_or_404(NominationRound, round_id)
    everyone = reg_svc.registration_overview(nomination_round)
    waiting = ("draft", "returned")
    missing = sum(1 for r in everyone if r.registration is None or r.registration.state in waiting)
    show = request.args.get("show", "")
    rows = everyone
    if show == "missing":
        rows = [r for r in everyone if r.registration is None or r.registration.state in waiting]
    elif show == "waiting":
        rows = [r for r in everyone if r.registration is not None and r.registration.state == "submitted"]
    return render("awards/registrations.html", nomination_round=nomination_round, rows=rows, show=show,
                  missing=missing, counts=reg_svc.registration_counts(round_id), types=active_types())


@require_permission(REGISTRATIONS)
def registrations_export(round_id: int) -> ResponseReturnValue:
    nomination_round = db.get_or_404(NominationRound, round_id)
    return xlsx_response(f"dang-ky-thi-dua-{nomination_round.year}-dot-{nomination_round.id}.xlsx",
                         reg_svc.registration_sheets(nomination_round), title=_("Emulation registrations"),
                         period=nomination_round.name)


def _register_unit() -> int:
    """The unit a registration form is for: one's own unit, or (district-wide rights) the chosen one."""
    raw = request.values.get("unit", type=int)
    unit_id = raw if raw else current_user.unit_id
    if not unit_id and current_user.scope(NOMINATE) == "all":  # the office registers on a unit's behalf
        nomination_round = db.get_or_404(NominationRound, request.view_args["round_id"])
        first = next(iter(reg_svc.expected_units(nomination_round)), None)
        unit_id = first.id if first else None
    if not unit_id or db.session.get(Unit, unit_id) is None:
        raise Refused(400, _("Choose the unit that registers."))
    check_unit(NOMINATE, unit_id)
    return unit_id


@require_permission(NOMINATE)
def register(round_id: int) -> ResponseReturnValue:
    nomination_round = db.get_or_404(NominationRound, round_id)
    unit_id = _register_unit()
    reg = db.session.scalar(select(Registration).where(Registration.round_id == round_id,
                                                       Registration.unit_id == unit_id))
    types = active_types()
    error, status = None, 200
    if request.method == "POST":
        try:
            entries = reg_svc.parse_entries(request.form, types)
            reg = reg_svc.save_registration(round_id, unit_id, request.form.get("commitment", ""), entries,
                                            submit=request.form.get("action") == "submit")
            db.session.commit()
            flash(_("Registration sent to the office.") if reg.state == "submitted" else _("Registration saved."),
                  "success")
            return redirect_or_hx(url_for("awards.registration_detail", registration_id=reg.id))
        except Refused as exc:
            db.session.rollback()
            error, status = exc.message, exc.status
            reg = db.session.scalar(select(Registration).where(Registration.round_id == round_id,
                                                               Registration.unit_id == unit_id))
    editable = nomination_round.open and (reg is None or reg.state in ("draft", "returned"))
    units = []
    if current_user.scope(NOMINATE) == "all":
        units = sorted(reg_svc.expected_units(nomination_round), key=lambda u: vi_sort_key(u.name))
    posted = request.form if request.method == "POST" else None
    if posted is not None:
        rows = [(int(t) if t.isdigit() else 0, k, n, p) for t, k, n, p in zip(
            posted.getlist("entry_type"), posted.getlist("entry_kind"), posted.getlist("entry_name"),
            posted.getlist("entry_position"), strict=False)][:reg_svc.MAX_ENTRIES]
    else:
        rows = [(e.award_type_id, e.kind, e.name, e.position_text) for e in (reg.entries if reg else [])]
    return render("awards/register.html", status=status, nomination_round=nomination_round, reg=reg, types=types,
                  unit=db.session.get(Unit, unit_id), units=units, editable=editable, error=error, posted=posted,
                  rows=rows)


def _visible_registration(registration_id: int) -> Registration:
    reg = db.get_or_404(Registration, registration_id)
    if not (current_user.can(REGISTRATIONS) or current_user.can(NOMINATE, reg.unit_id)
            or current_user.can(VIEW, reg.unit_id)):
        abort(403)
    return reg


@require_permission(REGISTRATIONS, NOMINATE, VIEW)
def registration_detail(registration_id: int) -> ResponseReturnValue:
    reg = _visible_registration(registration_id)
    form = RegistrationReviewForm()
    return render("awards/registration.html", reg=reg, review=form)


@require_permission(REGISTRATIONS)
def registration_review(registration_id: int) -> ResponseReturnValue:
    form = RegistrationReviewForm()
    if not form.validate_on_submit():
        raise Refused(INVALID_FORM, _("Choose approve or return."))
    reg = reg_svc.review_registration(registration_id, form.decision.data == "approve", form.note.data or "")
    db.session.commit()
    flash(_("Registration of %(unit)s approved.", unit=reg.unit.name) if reg.state == "approved"
          else _("Registration of %(unit)s returned.", unit=reg.unit.name), "success")
    return redirect_or_hx(url_for("awards.registrations", round_id=reg.round_id))
