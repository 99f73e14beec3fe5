"""What "inspections:finding:<id>" names, for other plugins (Plugin.resolve_ref; portal/refs.py)."""
from __future__ import annotations

from flask import url_for

from portal.plugin import RefInfo
from portal.toolkit import _, db

from .models import Finding


def resolve_ref(kind: str, ident: int) -> RefInfo | None:
    if kind != "finding":
        return None
    finding = db.session.get(Finding, ident)
    if finding is None:
        return None
    summary = "\n".join(t for t in (finding.description, finding.recommendation) if t)
    return RefInfo(label=_("Finding of the inspection of %(unit)s", unit=finding.inspection.unit.name),
                   url=url_for("inspections.finding", finding_id=finding.id), unit_id=finding.inspection.unit_id,
                   summary=summary)
