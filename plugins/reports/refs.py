"""What "reports:submission:<id>" names, for other plugins (Plugin.resolve_ref; portal/refs.py)."""
from __future__ import annotations

from flask import url_for

from portal.plugin import RefInfo
from portal.toolkit import Unit, _, db, ref_resolver

from .models import Submission


def _submission(sub: Submission) -> RefInfo:
    unit = db.session.get(Unit, sub.unit_id)
    return RefInfo(label=_("Report: %(name)s – %(unit)s", name=sub.period.name, unit=unit.name if unit else ""),
                   url=url_for("reports.report", period_id=sub.period_id, unit_id=sub.unit_id), unit_id=sub.unit_id)


resolve_ref = ref_resolver(submission=(Submission, _submission))
