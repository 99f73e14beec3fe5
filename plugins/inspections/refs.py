"""What "inspections:finding:<id>" names, for other plugins (Plugin.resolve_ref; portal/refs.py)."""
from __future__ import annotations

from flask import url_for

from portal.plugin import RefInfo
from portal.toolkit import _, ref_resolver

from .models import Finding


def _finding(f: Finding) -> RefInfo:
    return RefInfo(label=_("Finding of the inspection of %(unit)s", unit=f.inspection.unit.name),
                   url=url_for("inspections.finding", finding_id=f.id), unit_id=f.inspection.unit_id,
                   summary="\n".join(t for t in (f.description, f.recommendation) if t))


resolve_ref = ref_resolver(finding=(Finding, _finding))
