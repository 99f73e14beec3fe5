"""What "reports:submission:<id>" names, for other plugins (Plugin.resolve_ref; portal/refs.py)."""
from __future__ import annotations

from flask import url_for

from portal.plugin import RefInfo
from portal.toolkit import Unit, _, db

from .models import Submission


def resolve_ref(kind: str, ident: int) -> RefInfo | None:
    if kind != "submission":
        return None
    sub = db.session.get(Submission, ident)
    if sub is None:
        return None
    unit = db.session.get(Unit, sub.unit_id)
    return RefInfo(label=_("Report: %(name)s – %(unit)s", name=sub.period.name, unit=unit.name if unit else ""),
                   url=url_for("reports.report", period_id=sub.period_id, unit_id=sub.unit_id), unit_id=sub.unit_id)
