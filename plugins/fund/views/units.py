"""Units: the leaderboard (merged units counted under their successors) and pledges."""
from __future__ import annotations

import datetime as dt
from typing import Any

from flask import abort, flash, request, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import select

from portal.toolkit import (
    INVALID_FORM,
    Unit,
    _,
    current_user,
    db,
    final_successors,
    is_fragment_request,
    local_today,
    redirect_or_hx,
    render,
    require_permission,
    unit_choices,
    unit_clause,
)

from ..forms import PledgeForm
from ..models import Campaign, Pledge
from ..permissions import PLEDGE, RECORD, VIEW
from ..services.units import leader_rows, leaderboard, pledge_rows, save_pledge
from ..services.years import campaign_for
from .common import all_years, campaign_choices, chosen_year


@require_permission(VIEW)
def units() -> ResponseReturnValue:
    campaign_id = request.args.get("campaign", 0, type=int)
    campaign = db.session.get(Campaign, campaign_id) if campaign_id else None
    year = None if campaign else chosen_year()
    end = campaign.end if campaign else (year.end if year else local_today())
    rows = leader_rows(_fold_into_successors(leaderboard(campaign, year), end))
    return render("fund/units.html", fragment="leaderboard", rows=rows, campaign=campaign,
                  year=year, years=all_years(), campaigns=campaign_choices(_("Whole fund year")))


def _fold_into_successors(rows: list[dict[str, Any]], end: dt.date) -> list[dict[str, Any]]:
    """A merged unit's totals count under its main successor when the successor existed within the period; the
    successor's row names the predecessors it takes in. Periods wholly before a merger keep the old units."""
    heads = final_successors()
    if not heads:
        return rows
    found = {u.id: u for u in db.session.scalars(select(Unit).where(Unit.id.in_(set(heads.values()))))}
    out: dict[int, dict[str, Any]] = {}
    for row in rows:
        head = found.get(heads.get(row["id"], -1))
        key = head.id if head is not None and (head.valid_from is None or head.valid_from <= end) else row["id"]
        head_unit = found.get(key)
        target = out.setdefault(key, {"id": key, "name": head_unit.name if head_unit else row["name"],
                                      "sort_key": head_unit.sort_key if head_unit else row["sort_key"],
                                      "given": 0, "raised": 0, "predecessors": []})
        target["given"] += int(row["given"])
        target["raised"] += int(row["raised"])
        if key != row["id"]:
            target["predecessors"].append(row["name"])
    # the kept Vietnamese sort key of the unit (vi_sort_key per row cost more than the rest of the page)
    return sorted(out.values(), key=lambda r: (-(r["given"] + r["raised"]), r["sort_key"]))


@require_permission(VIEW, PLEDGE)
def pledges() -> ResponseReturnValue:
    campaign_id = request.values.get("campaign", 0, type=int)
    campaign = db.session.get(Campaign, campaign_id) if campaign_id else campaign_for(local_today()) or \
        db.session.scalar(select(Campaign).order_by(Campaign.start.desc()))
    form = PledgeForm()
    # the form (every unit in its picker) only when asked: opened box, no-JavaScript ?add=1, or a post
    adding = request.method == "POST" or request.args.get("add") == "1"
    if adding:
        form.unit_id.choices = unit_choices(blank=_("Choose a unit"))
    if adding and request.method == "GET" and campaign is not None and current_user.can(RECORD) \
            and is_fragment_request():
        return render("fund/pledges.html", fragment="pledge_form", campaign=campaign, form=form)
    status = 200
    if request.method == "POST":
        if not current_user.can(RECORD):
            abort(403)
        if campaign is None:
            abort(404)
        if form.validate_on_submit() and form.unit_id.data:
            save_pledge(campaign.id, form.unit_id.data, form.amount.data)
            db.session.commit()
            flash(_("Pledge saved."), "success")
            return redirect_or_hx(url_for("fund.pledges", campaign=campaign.id))
        if not form.unit_id.data:
            form.unit_id.errors.append(_("Choose a unit."))
        status = INVALID_FORM
    scope = unit_clause(VIEW, Pledge.unit_id) if current_user.can(VIEW) else unit_clause(PLEDGE, Pledge.unit_id)
    rows = pledge_rows(campaign, scope) if campaign else []
    return render("fund/pledges.html", fragment="pledge_list", rows=rows, campaign=campaign, form=form,
                  adding=adding and current_user.can(RECORD), campaigns=campaign_choices("—")[1:], status=status)
