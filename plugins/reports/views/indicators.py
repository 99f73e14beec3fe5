"""Indicators: the standing office's list and editor, the trend page per indicator, the leadership widget."""
from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, request, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import func, select

from portal.toolkit import (
    Refused,
    local_today,
    Series,
    Unit,
    _,
    current_user,
    db,
    format_number,
    line_chart,
    render,
    require_permission,
    unit_clause,
    xlsx_response,
)

from ..services import indicators as ind_svc
from ..services import trend as trend_svc
from ..forms import IndicatorForm
from ..models import Indicator, Period, Submission
from .. import labels
from ..services.matrix import build_matrix
from ..permissions import INDICATORS, MANAGE, VIEW


FIRST_YEAR, LAST_YEAR = 2021, 2025  # the movement's years; the page takes others through ?from=&to=


def _form_data(form: IndicatorForm) -> dict[str, Any]:
    return {name: getattr(form, name).data for name in (
        "code", "name", "numerator", "denominator", "multiplier", "unit_label", "decimals", "lower_is_better",
        "unit_kinds", "description")}


def _list_page(form: IndicatorForm | None = None, editing: Indicator | None = None,
               status: int = 200) -> ResponseReturnValue:
    rows = ind_svc.all_indicators()
    return render("reports/indicators.html", rows=rows, form=form or IndicatorForm(formdata=None), editing=editing,
                  can_manage=current_user.can(MANAGE), keys=sorted(ind_svc.known_keys()),
                  unit_kinds=labels.UNIT_KIND_LABELS, status=status)


def _save(form: IndicatorForm, ind: Indicator | None) -> ResponseReturnValue | None:
    if not form.validate_on_submit():
        return None
    data = _form_data(form)
    errors = ind_svc.check_indicator(data, ind.id if ind else None)
    for name, message in errors.items():
        getattr(form, name).errors.append(message)
    if errors:
        return None
    if ind is None:
        ind = Indicator(position=(db.session.scalar(select(func.max(Indicator.position))) or 0) + 1)
        db.session.add(ind)
    ind_svc.apply_indicator(ind, data)
    db.session.commit()
    flash(_("Indicator saved."), "success")
    return redirect(url_for(INDICATORS))


@require_permission(INDICATORS, MANAGE)
def indicators() -> ResponseReturnValue:
    if request.method == "POST":
        if not current_user.can(MANAGE):
            abort(403)
        form = IndicatorForm()
        return _save(form, None) or _list_page(form, status=422)
    return _list_page()


@require_permission(MANAGE)
def indicator_edit(ind_id: int) -> ResponseReturnValue:
    ind = db.get_or_404(Indicator, ind_id)
    if request.method == "POST":
        form = IndicatorForm()
        return _save(form, ind) or _list_page(form, editing=ind, status=422)
    form = IndicatorForm(obj=ind)
    return _list_page(form, editing=ind)


@require_permission(MANAGE)
def indicator_delete(ind_id: int) -> ResponseReturnValue:
    ind = db.get_or_404(Indicator, ind_id)
    db.session.delete(ind)
    db.session.commit()
    flash(_("Indicator deleted."), "success")
    return redirect(url_for(INDICATORS))


def _years() -> tuple[int, int]:
    year_from = request.args.get("from", FIRST_YEAR, type=int)
    year_to = request.args.get("to", LAST_YEAR, type=int)
    if not (1990 <= year_from <= 2200 and 1990 <= year_to <= 2200) or year_from > year_to:
        raise Refused(400, _("Choose a range of years, the first not after the last."))
    return year_from, year_to


def _trend(ind: Indicator) -> tuple[trend_svc.Trend, dict[str, Any]]:
    year_from, year_to = _years()
    kind = request.args.get("kind", "annual")
    if kind not in labels.PERIOD_KIND_LABELS:
        raise Refused(400, _("Choose a kind of period."))
    include = request.args.get("include") == "submitted"
    periods = trend_svc.trend_periods(year_from, year_to, kind)
    data = trend_svc.load_reports([p.id for p in periods],
                                trend_svc.STATES_SUBMITTED if include else trend_svc.STATES_ACCEPTED,
                                unit_clause(VIEW, Submission.unit_id), ind_svc.Formula(ind).keys)
    trend = trend_svc.build_trend(ind, periods, data)
    return trend, {"year_from": year_from, "year_to": year_to, "kind": kind, "include": include}


def trend_chart(trend: trend_svc.Trend, unit_ids: list[int]) -> Any:
    ind = trend.indicator

    def num(v: Any) -> float | None:
        r = ind_svc.rounded(ind, v)
        return None if r is None else float(r)

    series = [Series(_("District"), [num(v) for v in trend.district], "s1")]
    for n, row in enumerate([r for r in trend.rows if r.unit.id in unit_ids][:3]):
        series.append(Series(row.unit.name, [num(v) for v in row.values], f"s{n + 2}"))
    return line_chart([str(p.year) for p in trend.periods], series, title=ind.name,
                      value_format=lambda v: format_number(v))


@require_permission(INDICATORS)
def indicator_trend(ind_id: int) -> ResponseReturnValue:
    ind = db.get_or_404(Indicator, ind_id)
    trend, args = _trend(ind)
    picked = [u for u in request.args.getlist("unit", type=int)][:3]
    return render("reports/trend.html", ind=ind, trend=trend, table=trend_svc.trend_table(trend), chart=trend_chart(trend, picked), picked=picked, kinds=labels.PERIOD_KIND_LABELS, unit_kinds=labels.UNIT_KIND_LABELS, **args)


@require_permission(INDICATORS)
def indicator_trend_xlsx(ind_id: int) -> ResponseReturnValue:
    ind = db.get_or_404(Indicator, ind_id)
    trend, args = _trend(ind)

    def num(v: Any) -> float | None:
        r = ind_svc.rounded(ind, v)
        return None if r is None else float(r)

    head = [_("Unit"), _("Kind"), *[p.name for p in trend.periods], _("Includes the reports of")]
    rows = [[r.unit.name, str(labels.UNIT_KIND_LABELS.get(r.unit.kind, r.unit.kind)), *[num(v) for v in r.values],
             ", ".join(r.merged_from)] for r in trend.rows]
    rows += [[_("All: %(kind)s", kind=labels.UNIT_KIND_LABELS.get(k, k)), "", *[num(v) for v in vals], ""]
             for k, vals in trend.by_kind]
    rows.append([_("District"), "", *[num(v) for v in trend.district], ""])
    return xlsx_response(f"chi-tieu-{ind.code}-{args['year_from']}-{args['year_to']}.xlsx",
                         [(ind.name[:31], head, rows)], title=ind.name,
                         period=f"{args['year_from']}–{args['year_to']}")


@require_permission(INDICATORS)
def widget_movement() -> ResponseReturnValue:
    """Poverty indicators district-wide over the movement's years, and the latest period's completeness."""
    inds = ind_svc.all_indicators()[:4]
    periods = trend_svc.trend_periods(FIRST_YEAR, LAST_YEAR)
    data = trend_svc.load_reports([p.id for p in periods], trend_svc.STATES_ACCEPTED,
                                unit_clause(VIEW, Submission.unit_id),
                                {k for ind in inds for k in ind_svc.Formula(ind).keys})
    lines = []
    for ind in inds:
        f = ind_svc.Formula(ind)
        values = [f.value(trend_svc.district_parts(f, data, p.id)) for p in periods]
        known = [(p, v) for p, v in zip(periods, values) if v is not None]
        change = known[-1][1] - known[0][1] if len(known) >= 2 else None
        lines.append((ind, known[0] if known else None, known[-1] if known else None, change))
    day = local_today()
    current = db.session.scalar(select(Period).where(Period.opens_on <= day).order_by(Period.opens_on.desc()).limit(1))
    m = build_matrix(day, unit_clause(VIEW, Unit.id), period_ids=[current.id]) if current else None
    return render("reports/widgets.html", fragment="widget_movement", lines=lines, current=current, m=m)
