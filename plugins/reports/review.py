"""The reports plugin's sections of the movement review: completeness of the reports and the indicators' trend."""
from __future__ import annotations

from typing import Any

from sqlalchemy import select

from portal.plugin import ReviewContext, ReviewFigure, ReviewSection, ReviewTable
from portal.toolkit import UNIT_KIND_LABELS, Unit, _, db, format_percent, local_today

from .services import indicators as ind_svc
from .services import trend as trend_svc
from .services.matrix import build_matrix
from .models import Period, Submission


def _periods(ctx: ReviewContext) -> list[Period]:
    return list(db.session.scalars(
        select(Period).where(Period.year >= ctx.year_from, Period.year <= ctx.year_to)
        .order_by(Period.opens_on, Period.id)
    ))


def _completeness(ctx: ReviewContext, periods: list[Period]) -> ReviewSection:
    units = Unit.id.in_(list(ctx.unit_ids) or [0])
    m = build_matrix(local_today(), units, period_ids=[p.id for p in periods])
    rows: list[list[Any]] = []
    expected = submitted = late = 0
    for p in m.periods:
        cells = [st for (uid, pid), st in m.cells.items() if pid == p.id]
        done = sum(1 for st in cells if st in ("on_time", "late", "accepted", "returned"))
        n_late = sum(1 for (uid, pid), st in m.cells.items() if pid == p.id and st == "late")
        missing = sum(1 for st in cells if st == "missing")
        rows.append([p.name, len(cells), done, sum(1 for st in cells if st == "accepted"), missing])
        expected += len(cells)
        submitted += done
        late += n_late
    kind_rows = [[str(UNIT_KIND_LABELS.get(k["kind"], k["kind"])), k["expected"], k["submitted"], k["on_time"],
                  k["late"], k["missing"]] for k in m.by_kind]
    text = _("In %(y1)s–%(y2)s the units owed %(expected)s reports in %(periods)s periods and sent %(done)s of them "
             "(%(pct)s), %(late)s after the deadline.", y1=ctx.year_from, y2=ctx.year_to, expected=expected,
             periods=len(periods), done=submitted, pct=format_percent(submitted, expected), late=late)
    return ReviewSection(
        key="completeness", title=_("Reporting by the units"), order=10, narrative=text,
        highlights=[text],
        tables=[
            ReviewTable([_("Period"), _("Reports owed"), _("Submitted"), _("Accepted"), _("Missing")], rows,
                        _("Reports per period")),
            ReviewTable([_("Unit kind"), _("Reports owed"), _("Submitted"), _("On time"), _("Late"), _("Missing")],
                        kind_rows, _("Reports per unit kind")),
        ],
    )


def _indicators(ctx: ReviewContext) -> ReviewSection | None:
    inds = ind_svc.all_indicators()
    periods = trend_svc.trend_periods(ctx.year_from, ctx.year_to)
    if not inds or not periods:
        return None
    data = trend_svc.load_reports([p.id for p in periods], trend_svc.STATES_ACCEPTED,
                                Submission.unit_id.in_(list(ctx.unit_ids) or [0]),
                                {k for ind in inds for k in ind_svc.Formula(ind).keys})
    years = [str(p.year) for p in periods]
    rows: list[list[Any]] = []
    sentences: list[str] = []
    figures: list[ReviewFigure] = []
    tables: list[ReviewTable] = []
    for n, ind in enumerate(inds):
        trend = trend_svc.build_trend(ind, periods, data)
        values = [ind_svc.rounded(ind, v) for v in trend.district]
        rows.append([ind.name + (f" ({ind.unit_label})" if ind.unit_label else ""), *values])
        unit = f" {ind.unit_label}" if ind.unit_label else ""
        known = [(p, v) for p, v in zip(periods, trend.district) if v is not None]
        if len(known) >= 2:
            (p1, v1), (p2, v2) = known[0], known[-1]
            sentences.append(_("%(name)s: %(first)s in %(y1)s, %(last)s in %(y2)s.", name=ind.name,
                               first=ind_svc.shown(ind, v1) + unit, y1=p1.year, last=ind_svc.shown(ind, v2) + unit,
                               y2=p2.year))
        if n == 0:
            figures.append(ReviewFigure(ind.name, years, [(_("District"), [None if v is None else float(v)
                                                                             for v in values])]))
            tables.append(ReviewTable(
                [_("Unit"), *years],
                [[r.unit.name + (" (" + _("includes %(names)s", names=", ".join(r.merged_from)) + ")"
                                 if r.merged_from else ""),
                  *[ind_svc.rounded(ind, v) for v in r.values]] for r in trend.rows],
                _("%(name)s by unit", name=ind.name)))
    tables.insert(0, ReviewTable([_("Indicator"), *years], rows, _("Indicators, district-wide")))
    text = " ".join(sentences) or _("The indicators have no accepted reports in these years.")
    return ReviewSection(key="indicators", title=_("Poverty reduction indicators"), order=20, narrative=text,
                         tables=tables, figures=figures, highlights=sentences[:3])


def review_sections(ctx: ReviewContext) -> list[ReviewSection]:
    periods = _periods(ctx)
    out = [_completeness(ctx, periods)] if periods else []
    section = _indicators(ctx)
    if section is not None:
        out.append(section)
    return out
