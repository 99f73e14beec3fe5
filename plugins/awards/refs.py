"""What "awards:nomination:<id>" names, for other plugins (Plugin.resolve_ref; portal/refs.py)."""
from __future__ import annotations

from flask import url_for

from portal.plugin import RefInfo
from portal.toolkit import _, ref_resolver

from .models import Nomination


def _nomination(nom: Nomination) -> RefInfo:
    return RefInfo(label=_("Nomination: %(nominee)s (%(round)s)", nominee=nom.nominee, round=nom.round.name),
                   url=url_for("awards.nomination_detail", nomination_id=nom.id), unit_id=nom.unit_id,
                   summary=nom.achievements)


resolve_ref = ref_resolver(nomination=(Nomination, _nomination))
