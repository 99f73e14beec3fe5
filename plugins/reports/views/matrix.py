"""Completeness and timeliness matrix, district roll-up, their Excel exports and the completeness widget."""
from __future__ import annotations

import functools
from typing import Any

from flask import abort, request
from flask.typing import ResponseReturnValue
from sqlalchemy import select
from sqlalchemy.orm import lazyload

from portal.toolkit import (
    PERCENT,
    Column,
    is_fragment_request,
    Refused,
    Unit,
    _,
    db,
    local_today,
    render,
    require_permission,
    unit_clause,
    xlsx_response,
)

from ..services import indicators as ind_svc
from ..models import NUMERIC_KINDS, Period, Submission
from .. import labels
from ..services import matrix as matrix_svc
from ..services import rollup as rollup_svc
from ..services.values import numeric
from ..permissions import VIEW


def _years() -> list[int]:
    return list(db.session.scalars(select(Period.year).distinct().order_by(Period.year.desc())))


def _period_choices() -> list[Any]:
    return list(db.session.execute(select(Period.id, Period.name, Period.year).order_by(Period.opens_on.desc())).all())


def _matrix_year(years: list[int]) -> int | None:
    """The year asked (``?year=`` empty: all years); by default the current year, else the latest with periods."""
    raw = request.args.get("year")
    if raw is not None:
        return request.args.get("year", type=int)
    this_year = local_today().year
    return this_year if this_year in years or not years else max(years)


def _matrix_args(years: list[int]) -> dict[str, Any]:
    return {
        "year": _matrix_year(years),
        "unit_kind": request.args.get("kind", "") if request.args.get("kind", "") in labels.UNIT_KIND_LABELS else "",
        "state": request.args.get("status", "") if request.args.get("status", "") in labels.STATUS_LABELS else "",
    }


@require_permission(VIEW)
def matrix() -> ResponseReturnValue:
    # a filter's fragment names its year, and the year picker is outside the fragment: no years to look up
    years = [] if is_fragment_request() and "year" in request.args else _years()
    args = _matrix_args(years)
    m = matrix_svc.build_matrix(local_today(), unit_clause(VIEW, Unit.id), paged=True, **args)
    return render("reports/matrix.html", fragment="matrix_table", m=m, rows=matrix_svc.table_rows(m),
                  legend=matrix_svc.status_legend(), years=years, **args)


@require_permission(VIEW)
def matrix_xlsx() -> ResponseReturnValue:
    today = local_today()
    m = matrix_svc.build_matrix(today, unit_clause(VIEW, Unit.id), **_matrix_args(_years()))
    names = {k: str(v) for k, v in labels.STATUS_LABELS.items()}
    grid = [
        [matrix_svc.shown_name(u, today), str(labels.UNIT_KIND_LABELS.get(u.kind, u.kind))]
        + [names[m.cells[(u.id, p.id)]] if (u.id, p.id) in m.cells else "" for p in m.periods]
        for u in m.units
    ]
    kinds = [
        [str(labels.UNIT_KIND_LABELS.get(r["kind"], r["kind"])), r["expected"], r["submitted"], r["on_time"], r["late"],
         r["missing"], r["accepted"], r["submitted"] / r["expected"] if r["expected"] else None]
        for r in [*m.by_kind, dict(kind=_("Total"), **m.totals)]
    ]
    return xlsx_response("bao-cao-day-du-dung-han.xlsx", [
        (_("Matrix"), [_("Unit"), _("Kind"), *[p.name for p in m.periods]], grid),
        (_("By unit kind"), [_("Kind"), _("Expected"), _("Submitted"), _("On time"), _("Late"), _("Missing"),
                              _("Accepted"), Column(_("Submission rate"), PERCENT)], kinds),
    ], title=_("Reports complete and on time"))


@functools.cache
def _period_only() -> Any:
    """The period without its form version: the roll-up reads the fields itself (rollup.version_fields), as rows."""
    return lazyload(Period.version)


def _rollup_period() -> Period:
    period_only = _period_only()
    period_id = request.args.get("period", type=int)
    if period_id:
        period = db.session.get(Period, period_id, options=[period_only])
        if period is None:
            abort(404)
        return period
    period = db.session.scalar(select(Period).where(Period.opens_on <= local_today())
                               .order_by(Period.opens_on.desc()).limit(1).options(period_only))
    if period is None:
        raise Refused(404, _("No report period has been opened yet."))
    return period


@require_permission(VIEW)
def rollup() -> ResponseReturnValue:
    period = _rollup_period()
    include = request.args.get("include") == "submitted"
    by_unit = request.args.get("units") == "1"  # every unit's values: asked for when the list is opened
    rows, aggs, cmp = rollup_svc.rollup(period, include, unit_clause(VIEW, Submission.unit_id))
    if by_unit and is_fragment_request():
        return render("reports/rollup.html", fragment="rollup_units", rows=rows, aggs=aggs)
    indicators = ind_svc.compare_indicators(rows, cmp.now_rows, cmp.before_rows)
    return render("reports/rollup.html", fragment="rollup_table", period=period, rows=rows, aggs=aggs,
                  fields=rollup_svc.field_rows(aggs), cmp=cmp,
                  prev=cmp.previous, indicators=indicators, include=include, by_unit=by_unit,
                  periods=_period_choices())


@require_permission(VIEW)
def rollup_xlsx() -> ResponseReturnValue:
    period = _rollup_period()
    include = request.args.get("include") == "submitted"
    rows, aggs, cmp = rollup_svc.rollup(period, include, unit_clause(VIEW, Submission.unit_id))
    fields = [a.field for a in aggs if a.field.kind in NUMERIC_KINDS]

    def num(value: Any) -> Any:
        n = numeric(value)
        return None if n is None else (int(n) if n == n.to_integral() else float(n))

    def kinds(f: Any) -> str:
        return ", ".join(str(labels.UNIT_KIND_LABELS[k]) for k in f.unit_kinds or [] if k in labels.UNIT_KIND_LABELS) \
            or _("all kinds")

    per_unit = [
        [r.name, str(labels.UNIT_KIND_LABELS.get(r.kind, r.kind)), str(labels.STATE_LABELS[r.state]),
         _("yes") if r.late else _("no"), *[num((r.values or {}).get(f.key)) for f in fields]]
        for r in rows
    ]
    summary = [[a.field.label, str(labels.AGGREGATION_LABELS[a.aggregation]), kinds(a.field), a.count, num(a.value),
                num(a.total), num(a.average), num(a.low), num(a.high), num(a.same_units), num(a.previous)]
               for a in aggs if a.field.kind in NUMERIC_KINDS]
    choices = [[a.field.label, option, n] for a in aggs for option, n in a.choice_counts]
    indicators = [[c.indicator.name, num(ind_svc.rounded(c.indicator, c.value)),
                   num(ind_svc.rounded(c.indicator, c.same_units)), num(ind_svc.rounded(c.indicator, c.previous)),
                   c.indicator.unit_label]
                  for c in ind_svc.compare_indicators(rows, cmp.now_rows, cmp.before_rows)]
    return xlsx_response(f"tong-hop-{period.year}-{period.id}.xlsx", [
        (_("By unit"), [_("Unit"), _("Kind"), _("State"), _("Late"), *[f.label for f in fields]], per_unit),
        (_("District totals"), [_("Field"), _("Roll-up"), _("Units counted"), _("Reports"), _("Value"), _("Sum"),
                                _("Average"), _("Minimum"), _("Maximum"), _("Value, same units"),
                                _("Previous period, same units")], summary),
        (_("Options chosen"), [_("Field"), _("Option"), _("Reports")], choices),
        (_("Indicators"), [_("Indicator"), _("Value"), _("Value, same units"), _("Previous period, same units"),
                           _("Unit of measure")], indicators),
    ], title=_("Roll-up of reports"), period=period.name)


@require_permission(VIEW)
def widget_completeness() -> ResponseReturnValue:
    day = local_today()
    current = db.session.scalar(select(Period).where(Period.opens_on <= day).order_by(Period.opens_on.desc()).limit(1))
    m = matrix_svc.build_matrix(day, unit_clause(VIEW, Unit.id), period_ids=[current.id]) if current else None
    return render("reports/widgets.html", fragment="widget_completeness", current=current, m=m)
