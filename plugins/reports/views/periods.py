"""Report periods: creating one for its units, late policy and on-time rule, extensions."""
from __future__ import annotations


from flask import (
    flash,
    redirect,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from sqlalchemy import func, select

from portal.toolkit import (
    INVALID_FORM,
    form_status,
    is_fragment_request,
    unit_choices,
    Unit,
    _,
    db,
    format_date,
    local_today,
    render,
    require_permission,
)

from ..forms import ExtensionForm, PeriodForm
from ..models import (
    FormVersion,
    Period,
    PeriodUnit,
    ReportForm,
)
from .. import labels
from ..services import periods as periods_svc
from ..permissions import MANAGE


def _version_choices() -> list[tuple[int, str]]:
    rows = db.session.execute(
        select(FormVersion.id, FormVersion.number, ReportForm.name).join(ReportForm)
        .order_by(ReportForm.name, FormVersion.number.desc())
    ).all()
    return [(r.id, f"{r.name} (v{r.number})") for r in rows]


@require_permission(MANAGE)
def periods() -> ResponseReturnValue:
    form = PeriodForm()
    # the form (every unit in its list) only when asked: opened box, no-JavaScript ?add=1, or a post
    adding = request.method == "POST" or request.args.get("add") == "1"
    if adding:
        form.version_id.choices = _version_choices()
        form.unit_ids.choices = unit_choices()
    if request.method == "GET":
        form.year.data = local_today().year
        form.unit_kinds.data = ["agency", "mass_org", "commune"]
        if adding and is_fragment_request():
            return render("reports/periods.html", fragment="new_period", form=form,
                          annual_deadline=periods_svc.annual_deadline_text())
    elif form.validate_on_submit():
        deadline = form.deadline.data or periods_svc.default_deadline(form.year.data)
        unit_ids = periods_svc.units_for(form.unit_kinds.data or [], form.unit_ids.data or [], form.opens_on.data)
        if deadline < form.opens_on.data:
            form.deadline.errors.append(_("The deadline must not be before the opening date."))
        if not unit_ids:
            ended, successors = periods_svc.successors_of_ended(form.unit_kinds.data or [], form.opens_on.data)
            if successors:
                form.unit_ids.data = [uid for uid, _name in successors]
                form.unit_kinds.errors.append(_(
                    "No unit of the chosen kinds is in force on %(day)s: %(num)s of them had ended (merged into "
                    "other units). The units that took over from them are ticked below: %(names)s. Check them and "
                    "create the period again.", day=format_date(form.opens_on.data), num=ended,
                    names=", ".join(name for _uid, name in successors)))
            elif ended:
                form.unit_kinds.errors.append(_(
                    "No unit of the chosen kinds is in force on %(day)s: %(num)s of them had ended and none has a "
                    "successor in force. Pick the units below.", day=format_date(form.opens_on.data), num=ended))
            else:
                form.unit_kinds.errors.append(_("Assign at least one unit."))
        if not form.errors:
            period = Period(name=form.name.data, kind=form.kind.data, year=form.year.data,
                            version_id=form.version_id.data, opens_on=form.opens_on.data, deadline=deadline,
                            late_policy=form.late_policy.data, on_time_rule=form.on_time_rule.data)
            db.session.add(period)
            periods_svc.assign_units(period, unit_ids)
            db.session.commit()
            flash(_("Period created for %(num)s units.", num=len(unit_ids)), "success")
            return redirect(url_for("reports.period", period_id=period.id))
    counts = dict(db.session.execute(select(PeriodUnit.period_id, func.count()).group_by(PeriodUnit.period_id)).all())
    rows = list(db.session.scalars(select(Period).order_by(Period.opens_on.desc())))
    return render("reports/periods.html", form=form, rows=rows, counts=counts, status=form_status(form),
                  adding=adding, annual_deadline=periods_svc.annual_deadline_text())


@require_permission(MANAGE)
def period(period_id: int) -> ResponseReturnValue:
    period = db.get_or_404(Period, period_id)
    form = ExtensionForm()
    units = {u.id: u for u in db.session.scalars(
        select(Unit).join(PeriodUnit, PeriodUnit.unit_id == Unit.id).where(PeriodUnit.period_id == period.id))}
    form.unit_id.choices = unit_choices(scope=Unit.id.in_(list(units)))
    status = 200
    if request.method == "POST":
        action = request.form.get("action")
        if action == "policy" and request.form.get("late_policy") in labels.POLICY_LABELS and \
                request.form.get("on_time_rule", period.on_time_rule) in labels.ON_TIME_RULE_LABELS:
            period.late_policy = request.form["late_policy"]
            period.on_time_rule = request.form.get("on_time_rule", period.on_time_rule)
            db.session.commit()
            flash(_("Saved."), "success")
            return redirect(url_for("reports.period", period_id=period.id))
        if action == "extend" and form.validate_on_submit():
            link = periods_svc.assignment(period.id, form.unit_id.data)
            if form.until.data <= period.deadline:
                form.until.errors.append(_("An extension must end after the deadline (%(day)s).",
                                           day=format_date(period.deadline)))
            else:
                link.extended_until = form.until.data  # type: ignore[union-attr]
                db.session.commit()
                flash(_("Extension saved for %(unit)s.", unit=units[form.unit_id.data].name), "success")
                return redirect(url_for("reports.period", period_id=period.id))
        status = INVALID_FORM
    extended = [(units[a.unit_id], a.extended_until) for a in period.assignments if a.extended_until]
    return render("reports/period.html", period=period, form=form, units=units, extended=extended,
                  status=status)
