"""Receipts: the list, recording a gift, a receipt and its printable form, a correcting entry."""
from __future__ import annotations

from typing import Any

from flask import abort, flash, request, url_for
from flask.typing import ResponseReturnValue

from portal.toolkit import (
    Refused,
    _,
    current_user,
    db,
    form_status,
    hx_trigger,
    idempotent,
    local_today,
    redirect_or_hx,
    render,
    require_permission,
    unit_choices,
)

from ..forms import ContributionForm, ReasonForm
from ..models import Contribution
from ..permissions import CONFIDENTIAL, PLEDGE, RECORD, VIEW
from ..services.entries import record_contribution, reversal_of, reverse_contribution
from ..services.lists import receipt_page
from .common import all_years, bodies_on, campaign_choices, chosen_year, refused_into, size


@require_permission(VIEW)
def contributions() -> ResponseReturnValue:
    year = chosen_year()
    campaign_id = request.args.get("campaign", 0, type=int)
    page, rows = receipt_page(year, campaign_id, size(), current_user.can(CONFIDENTIAL))
    return render("fund/contributions.html", fragment="contribution_list", entries=rows,
                  page=page, year=year, years=all_years(), campaign_id=campaign_id,
                  campaigns=campaign_choices(_("All campaigns")))


def _contribution_form() -> ContributionForm:
    form = ContributionForm()
    form.donor_unit_id.choices = unit_choices(blank="—")
    form.mobilised_by_id.choices = form.donor_unit_id.choices
    form.campaign_id.choices = campaign_choices(_("By the date received"))
    if request.method == "GET" and not form.date.data:
        form.date.data = local_today()
    return form


def _values(form: ContributionForm) -> dict[str, Any]:
    values = {k: v for k, v in form.data.items() if k not in ("csrf_token", "submit")}
    for key in ("donor_unit_id", "campaign_id", "mobilised_by_id", "donor_name", "donor_address",
                "in_kind_description", "note"):
        values[key] = values[key] or None
    if values["method"] != "in_kind":
        values["in_kind_description"] = None
    return values


@require_permission(RECORD)
@idempotent
def contribution_new() -> ResponseReturnValue:
    form = _contribution_form()
    status = 200
    if form.validate_on_submit():
        try:
            entry = record_contribution(_values(form), current_user.id)
        except Refused as exc:
            status = refused_into(form, exc)
        else:
            db.session.commit()
            flash(_("Receipt %(code)s recorded.", code=entry.code), "success")
            return redirect_or_hx(url_for("fund.contribution", entry_id=entry.id))
    elif request.method == "POST":
        status = form_status(form)
    return render("fund/contribution_form.html", fragment="contribution_form", form=form, status=status)


def _scoped_contribution(entry_id: int) -> Contribution:
    entry = db.get_or_404(Contribution, entry_id)
    if not current_user.can(VIEW):
        units = {entry.donor_unit_id, entry.mobilised_by_id} - {None}
        if not any(current_user.can(PLEDGE, u) for u in units):
            abort(403)
    return entry


@require_permission(VIEW, PLEDGE)
def contribution(entry_id: int) -> ResponseReturnValue:
    entry = _scoped_contribution(entry_id)
    return render("fund/contribution.html", entry=entry, reversal=reversal_of(Contribution, entry.id),
                  form=ReasonForm())


@require_permission(VIEW, PLEDGE)
def receipt(entry_id: int) -> ResponseReturnValue:
    entry = _scoped_contribution(entry_id)
    return render("fund/receipt.html", entry=entry, bodies=bodies_on(entry.date))


@require_permission(RECORD)
@idempotent
def contribution_reverse(entry_id: int) -> ResponseReturnValue:
    entry = db.get_or_404(Contribution, entry_id)
    form = ReasonForm()
    if form.validate_on_submit():
        try:
            reversal = reverse_contribution(entry.id, form.reason.data, current_user.id, form.date.data)
        except Refused as exc:
            status = refused_into(form, exc, "reason")
        else:
            db.session.commit()
            flash(_("Correction %(code)s recorded. The original entry is kept unchanged.", code=reversal.code),
                  "success")
            return hx_trigger(redirect_or_hx(url_for("fund.contribution", entry_id=reversal.id)), "fund:reversed")
    else:
        status = form_status(form)
    # after a lost race: the winner's correction
    return render("fund/contribution.html", fragment="reverse_form", entry=entry, form=form, status=status,
                  reversal=reversal_of(Contribution, entry.id))
