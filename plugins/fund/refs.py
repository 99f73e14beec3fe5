"""What "fund:disbursement:<id>" names, for other plugins (Plugin.resolve_ref; portal/refs.py): e.g. the support
an exemplar was fostered with."""
from __future__ import annotations

from flask import url_for

from portal.plugin import RefInfo
from portal.toolkit import _, format_money, ref_resolver

from .models import Disbursement


def _disbursement(item: Disbursement) -> RefInfo:
    return RefInfo(label=_("Fund disbursement no. %(id)s: %(purpose)s, %(amount)s", id=item.id, purpose=item.purpose,
                           amount=format_money(item.amount)),
                   url=url_for("fund.disbursement", entry_id=item.id), unit_id=item.commune_id)


resolve_ref = ref_resolver(disbursement=(Disbursement, _disbursement))
