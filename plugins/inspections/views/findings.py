"""Findings: added by hand or edited by the team, the list and its export, the follow-up by the responsible unit
and the team's verification."""
from __future__ import annotations

from typing import Any

from flask import flash, redirect, request, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import select

from portal.toolkit import (
    INVALID_FORM,
    Refused,
    _,
    confirm,
    current_user,
    db,
    is_fragment_request,
    local_today,
    notify_users,
    paginate,
    redirect_or_hx,
    render,
    xlsx_response,
)

from .. import labels
from ..forms import FindingForm, ManualFindingForm, ProgressForm, VerifyForm
from ..models import CLOSED, COMPLETED, REPORTED, Finding, Inspection
from ..permissions import CONDUCT, FIXED_NOTICE, FOLLOWUP, VIEW
from ..services import conduct, findings as fs
from .common import get_inspection, require_team, responsible_units, visible_findings
from .conduct import _finding_form, detail_context


def findings() -> ResponseReturnValue:
    state = request.args.get("state", "active")
    overdue = request.args.get("overdue") == "1"
    today = local_today()
    page = paginate(fs.finding_rows_query(visible_findings(), state, today if overdue else None), fs.FINDING_ORDER,
                    rows="row")
    return render("inspections/findings.html", fragment="finding_list", findings=page.items, page=page, state=state,
                  overdue=overdue, today=today,
                  state_words={code: str(label) for code, label in labels.FINDING_STATES.items()})


def findings_xlsx() -> ResponseReturnValue:
    """The whole filtered list of findings (the page shows it a page at a time)."""
    state = request.args.get("state", "active")
    today = local_today()
    overdue = request.args.get("overdue") == "1"
    rows = [
        [f.recommendation or f.description, f.inspection.unit.name, f.responsible_unit.name, f.due_date,
         str(labels.FINDING_STATES.get(f.state, f.state))]
        for f in db.session.scalars(fs.findings_query(visible_findings(), state, today if overdue else None))
    ]
    headers = [_("Finding"), _("Unit inspected"), _("Responsible unit"), _("Due date"), _("State")]
    return xlsx_response("ton-tai-kien-nghi.xlsx", [(_("Findings"), headers, rows)],
                         title=_("Findings and recommendations"))


def finding_new(inspection_id: int) -> ResponseReturnValue:
    """A finding written by hand by the team (an item is optional), until the minutes are signed. GET: its form,
    asked when the inspection page's box opens (htmx), or the page with the form open (no JavaScript)."""
    inspection = get_inspection(inspection_id)
    require_team(inspection)
    conduct.require_state(inspection, COMPLETED)
    if request.method == "GET":
        if not is_fragment_request():
            return redirect(url_for(".detail", inspection_id=inspection.id, add=1) + "#add-finding")
        return render("inspections/detail.html", fragment="add_finding", inspection=inspection,
                      finding_form=_finding_form(inspection))
    ctx = detail_context(inspection)
    form = _finding_form(inspection, ManualFindingForm())
    item_id = {number: iid for iid, number in ctx["numbers"].items()}.get((form.item_number.data or "").rstrip("."))
    valid = form.validate_on_submit()
    if valid and form.item_number.data and item_id is None:
        form.item_number.errors.append(_("No item of this checklist has this number."))
        valid = False
    if not valid:
        ctx["finding_form"] = form
        return render("inspections/detail.html", fragment="findings", status=INVALID_FORM, **ctx)
    fs.add_finding(inspection, item_id, form.description.data, form.recommendation.data or "",
                   form.responsible_unit_id.data, form.due_date.data)
    db.session.commit()
    flash(_("The finding is added."), "success")
    if is_fragment_request():
        return render("inspections/detail.html", fragment="findings", **detail_context(inspection))
    return redirect_or_hx(url_for(".detail", inspection_id=inspection.id) + "#findings")


def finding_edit(inspection_id: int, finding_id: int) -> ResponseReturnValue:
    """GET: the finding's row with its form (htmx; a plain request gets the page with it); POST: save it."""
    inspection = get_inspection(inspection_id)
    require_team(inspection)
    finding = db.session.get(Finding, finding_id)
    if finding is None or finding.inspection_id != inspection.id:
        raise Refused(404, _("This finding does not belong to this inspection."))
    if request.method == "GET":
        if not is_fragment_request():
            return redirect(url_for(".detail", inspection_id=inspection.id, edit=finding.id) + f"#finding-{finding.id}")
        ctx = detail_context(inspection)
        ctx["editing"] = finding.id
        ctx["unit_choices"] = responsible_units(inspection.unit_id, finding.responsible_unit_id)
        return render("inspections/_finding_row.html", fragment="finding_row", finding=finding, **ctx)
    conduct.require_state(inspection, COMPLETED)
    form = FindingForm()
    form.responsible_unit_id.choices = responsible_units(inspection.unit_id, finding.responsible_unit_id)
    if not form.validate_on_submit():
        messages = "; ".join(f"{form[name].label.text}: {' '.join(errs)}" for name, errs in form.errors.items())
        raise Refused(INVALID_FORM, messages)
    form.populate_obj(finding)
    db.session.commit()
    if is_fragment_request():
        return render("inspections/_finding_row.html", fragment="finding_row", finding=finding, saved=True,
                      **detail_context(inspection))
    flash(_("The finding is saved."), "success")
    return redirect_or_hx(url_for(".detail", inspection_id=inspection.id) + "#findings")


def _get_finding(finding_id: int) -> Finding:
    finding = db.session.scalar(select(Finding).join(Inspection, Finding.inspection_id == Inspection.id)
                                .where(Finding.id == finding_id))
    if finding is None:
        raise Refused(404, _("This finding does not exist."))
    visible = (current_user.can(VIEW, finding.inspection.unit_id)
               or current_user.can(FOLLOWUP, finding.responsible_unit_id)
               or current_user.id in finding.inspection.team_ids())
    if not visible:
        raise Refused(403, _("You may not see this finding."))
    return finding


def _finding_page(finding: Finding, status: int = 200, **forms: Any) -> ResponseReturnValue:
    can_report = finding.state != CLOSED and current_user.can(FOLLOWUP, finding.responsible_unit_id)
    on_team = current_user.id in finding.inspection.team_ids() and current_user.can(CONDUCT)
    return render("inspections/finding.html", fragment="finding_followup", status=status, finding=finding,
                  today=local_today(), can_report=can_report, on_team=on_team,
                  progress_form=forms.get("progress_form") or ProgressForm(),
                  verify_form=forms.get("verify_form") or VerifyForm())


def finding(finding_id: int) -> ResponseReturnValue:
    return _finding_page(_get_finding(finding_id))


def finding_progress(finding_id: int) -> ResponseReturnValue:
    finding = _get_finding(finding_id)
    if not current_user.can(FOLLOWUP, finding.responsible_unit_id):
        raise Refused(403, _("Only the responsible unit reports progress on this finding."))
    form = ProgressForm()
    if not form.validate_on_submit():
        return _finding_page(finding, INVALID_FORM, progress_form=form)
    fs.report_progress(finding, current_user.id, form.text.data, form.done.data)
    if finding.state == REPORTED:
        notify_users(fs.verifiers(finding), _("%(unit)s reports a finding fixed: please verify it.",
                                              unit=finding.responsible_unit.name),
                     url_for(".finding", finding_id=finding.id),
                     email_subject=_("A finding is reported fixed"), kind=FIXED_NOTICE)
    db.session.commit()
    flash(_("Your report is saved."), "success")
    return redirect_or_hx(url_for(".finding", finding_id=finding.id))


def finding_verify(finding_id: int) -> ResponseReturnValue:
    finding = _get_finding(finding_id)
    require_team(finding.inspection)
    form = VerifyForm()
    if not form.validate_on_submit():
        return _finding_page(finding, INVALID_FORM, verify_form=form)
    close = request.form.get("action") != "reopen"
    if close and (r := confirm(_("Close this finding as verified?"), [
        _("The responsible unit can then no longer report on it."),
    ], button=_("Verified: close the finding"))) is not None:
        return r
    fs.verify(finding, current_user.id, form.text.data, close=close)
    db.session.commit()
    flash(_("The finding is closed.") if finding.state == CLOSED else _("The finding is open again."), "success")
    return redirect_or_hx(url_for(".finding", finding_id=finding.id))
