"""Plugin `reports`: report forms, periods with deadlines, unit submissions with review, completeness and
timeliness, district roll-up and Excel exports (DOMAIN.md, "Plugin A")."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask, url_for

from portal.plugin import NavItem, Plugin, Widget
from portal.toolkit import _, _l, local_today, signals, unit_lineage

from . import labels, models
from .blueprint import bp
from .refs import resolve_ref
from .demo import seed_demo
from .permissions import INDICATORS, NOTICE_KINDS, PERMISSIONS, REVIEW, SUBMIT, VIEW
from .review import review_sections


def unit_evidence(sender: Any, unit_id: int, year: int | None = None, **_kwargs: Any) -> list[signals.Evidence] | None:
    """Tell other plugins (e.g. awards) how a unit reported: "Annual report 2024: accepted (late)"."""
    if not signals.plugin_enabled("reports"):
        return None
    from .services import indicators
    from .services.history import evidence_rows
    from .services.periods import period_last_day

    out = []
    day = local_today()
    formulas = [indicators.Formula(ind) for ind in indicators.all_indicators()]
    rows = [(p, s, uid) for uid in unit_lineage(unit_id) for p, s in evidence_rows(uid, year)]
    for period, sub, owner in rows:  # the unit's own reports, then those of the units merged into it
        if sub is not None and sub.first_submitted_at is not None:
            value = str(labels.STATE_LABELS[sub.state]) + (" – " + _("late") if sub.late else "")
        elif day > period_last_day(period, None):
            value = str(labels.STATUS_LABELS["missing"])
        else:
            value = str(labels.STATUS_LABELS["not_started"])
        out.append(signals.Evidence(
            source="reports", label=_("Report: %(name)s", name=period.name), value=value,
            url=url_for("reports.report", period_id=period.id, unit_id=owner),
        ))
        if sub is not None and sub.state == "accepted":
            # what the unit reported, as indicators (from its own figures, exactly as the district computes them)
            for f in formulas:
                value = f.value(f.parts([sub.values or {}]))
                if value is not None:
                    unit = f" {f.indicator.unit_label}" if f.indicator.unit_label else ""
                    out.append(signals.Evidence(
                        source="reports", label=_("%(indicator)s – %(name)s", indicator=f.indicator.name,
                                                  name=period.name),
                        value=indicators.shown(f.indicator, value) + unit,
                        url=url_for("reports.indicator_trend", ind_id=f.indicator.id),
                    ))
    return out


def offline_pages(user: Any) -> list[str]:
    """The reports a unit officer owes (drafts and returned ones included), to fill in without a connection."""
    if user.unit_id is None or not user.can(SUBMIT, user.unit_id):
        return []
    from .services.submissions import owed_for_unit

    owed = [i for i in owed_for_unit(user.unit_id, local_today())
            if i.bucket in ("returned", "overdue", "due_soon", "owed")]  # a closed one cannot be filled in
    return [url_for("reports.index")] + [
        url_for("reports.report", period_id=i.period.id, unit_id=user.unit_id) for i in owed]


def setup(app: Flask) -> None:
    signals.unit_evidence.connect(unit_evidence)


plugin = Plugin(
    name="reports",
    title=_l("Reports"),
    blueprint=bp,
    models=models,
    labels=labels,
    stylesheets=("reports.css",),
    permissions=PERMISSIONS,
    notice_kinds=NOTICE_KINDS,
    nav=(
        NavItem("reports.index", _l("Reports"), permission=VIEW, order=10),
    ),
    widgets=(
        Widget("reports.widget_owed", _l("Reports my unit owes"), permission=SUBMIT, order=10),
        Widget("reports.widget_completeness", _l("Report completeness"), permission=REVIEW, order=11),
        Widget("reports.widget_movement", _l("The movement at a glance"), permission=INDICATORS, order=5),
    ),
    default_config={
        "REPORTS_ANNUAL_DEADLINE": "11-10",  # month-day of the annual deadline
        "REPORTS_DUE_SOON_DAYS": 7,  # "due soon" this many days before the deadline
        "REPORTS_RECIPIENT": "",  # who reports go to ("Nơi nhận"); empty: the standing office of the movement
        "REPORTS_MAX_UPLOAD_BYTES": 5 * 1024 * 1024,  # per attachment
    },
    translations=Path(__file__).with_name("translations"),
    migrations=Path(__file__).with_name("migrations"),
    setup=setup,
    offline_pages=offline_pages,
    seed_demo=seed_demo,
    review_sections=review_sections,
    resolve_ref=resolve_ref,
)
