"""The yearly summary per unit (page and export) and the dashboard widgets."""
from __future__ import annotations

from flask.typing import ResponseReturnValue
from sqlalchemy import func, select

from portal.toolkit import (
    PERCENT,
    Column,
    Series,
    _,
    bar_chart,
    current_user,
    db,
    format_number,
    local_today,
    render,
    unit_clause,
    xlsx_response,
)

from ..models import CLOSED, COMPLETED, SIGNED, Finding, Inspection
from ..permissions import VIEW
from ..services import conduct, findings as fs
from ..services.scoring import percent_text
from .common import asked_year, threshold, visible_findings


def _summary_rows(year: int) -> list[fs.UnitSummary]:
    return fs.summary(year, local_today(), unit_clause(VIEW, Inspection.unit_id))


def summary() -> ResponseReturnValue:
    year = asked_year()
    rows = _summary_rows(year)
    scored = [r for r in rows if r.score and r.score.ratio is not None]
    chart = bar_chart(
        [r.unit_name for r in scored],
        [Series(_("Score (%)"), [float(percent_text(r.score.ratio)) for r in scored])],
        title=_("Latest score per unit, %(year)s", year=year),
        value_format=lambda v: format_number(v, 1) + " %",
    ) if scored else None
    years = list(db.session.scalars(select(Inspection.year).distinct().order_by(Inspection.year.desc())))
    return render("inspections/summary.html", fragment="summary_table", rows=rows, year=year, years=years,
                  chart=chart, threshold=threshold())


def summary_xlsx() -> ResponseReturnValue:
    year = asked_year()
    rows = []
    for r in _summary_rows(year):
        s = r.score
        passed = s.passed(threshold()) if s else None
        rows.append([r.unit_name, r.inspections, s.ratio if s else None,
                     "" if passed is None else (_("pass") if passed else _("fail")), r.open_findings,
                     r.overdue_findings])
    headers = [_("Unit"), Column(_("Inspections"), total=True), Column(_("Latest score (%)"), PERCENT), _("Result"),
               Column(_("Open findings"), total=True), Column(_("Overdue findings"), total=True)]
    return xlsx_response(f"kiem-tra-{year}.xlsx", [(_("Summary %(year)s", year=year), headers, rows)],
                         title=_("Inspection summary"), period=str(year))


def widget_mine() -> ResponseReturnValue:
    return render("inspections/widgets.html", fragment="widget_mine", inspections=conduct.my_inspections(current_user.id))


def widget_overdue() -> ResponseReturnValue:
    today = local_today()
    rows = list(db.session.scalars(fs.findings_query(visible_findings(), None, today).limit(20)))
    return render("inspections/widgets.html", fragment="widget_overdue", findings=rows, today=today)


def widget_overview() -> ResponseReturnValue:
    """The district at a glance: inspections done per year of the movement, findings fixed, open and overdue."""
    today = local_today()
    visible = unit_clause(VIEW, Inspection.unit_id)
    done = dict(db.session.execute(
        select(Inspection.year, func.count(Inspection.id))
        .where(Inspection.state.in_((COMPLETED, SIGNED)), visible).group_by(Inspection.year)
    ).all())
    counts = db.session.execute(
        select(func.count(Finding.id), func.sum(db.case((Finding.state == CLOSED, 1), else_=0)),
               func.sum(db.case(((Finding.state != CLOSED) & (Finding.due_date < today), 1), else_=0)))
        .join(Inspection, Finding.inspection_id == Inspection.id).where(visible)
    ).one()
    total, closed, overdue = int(counts[0] or 0), int(counts[1] or 0), int(counts[2] or 0)
    return render("inspections/widgets.html", fragment="widget_overview", done=sorted(done.items()),
                  findings_total=total, findings_closed=closed, findings_open=total - closed,
                  findings_overdue=overdue)
