"""The council's decision rules in exact integer arithmetic, and their words."""
from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any


from portal.toolkit import _, format_number, format_percent

from .. import labels
from ..models import AwardType


# --- exact fractions ---------------------------------------------------------------------------

def reaches(part: int, whole: int, num: int, den: int, strictly: bool = False) -> bool:
    """Whether part/whole reaches num/den (``>`` when ``strictly``), in integer arithmetic only."""
    if whole <= 0:
        return False
    left, right = part * den, num * whole
    return left > right if strictly else left >= right


def fraction_label(num: int, den: int) -> str:
    """Show a fraction as a percentage: exact ones as "90 %", others with one decimal and the fraction."""
    if (num * 100) % den == 0:
        return f"{format_number(num * 100 // den)} %"
    return f"{format_percent(num, den)} ({num}/{den})"


def rule_text(t: AwardType) -> str:
    """Describe the rule in words: "at least 90 % of all council members; quorum 66,7 % (2/3) of members"."""
    values = {"threshold": fraction_label(t.threshold_num, t.threshold_den), "basis": labels.DENOMINATORS[t.denominator]}
    parts = [
        _("more than %(threshold)s of %(basis)s", **values) if t.strictly_more
        else _("at least %(threshold)s of %(basis)s", **values),
        _("quorum %(quorum)s of members", quorum=fraction_label(t.quorum_num, t.quorum_den)),
    ]
    if t.written_ballots:
        parts.append(_("absent members vote in writing"))
    if t.cap_percent is not None and t.cap_of is not None:
        parts.append(_("at most %(pct)s %% of those approved for %(other)s", pct=t.cap_percent, other=t.cap_of.name))
    return "; ".join(parts)


def explain(item: Mapping[str, Any], percent: Callable[[int, int], str] = format_percent) -> str:
    """The arithmetic behind one verdict: "8/9 all council members = 88,9 % < 90 % → Not approved".

    ``percent``: how a ratio is written (a page of many verdicts passes a memoised ``format_percent``)."""
    verdict = _("Approved") if item["verdict"] == "approved" else _("Not approved")
    if not item["quorum_met"]:
        return _("Quorum not met: %(present)s/%(members)s members present, %(quorum)s required → %(verdict)s",
                 present=item["present"], members=item["members"],
                 quorum=fraction_label(*item["quorum"]), verdict=verdict)
    num, den = item["threshold"]
    ok = item["passes_threshold"]
    strict = item["strictly_more"]
    op = (">" if strict else "≥") if ok else ("≤" if strict else "<")
    text = _("%(agree)s/%(total)s %(basis)s = %(pct)s %(op)s %(threshold)s → %(verdict)s",
             agree=item["agree"], total=item["denominator"], basis=labels.DENOMINATORS[item["denominator_kind"]],
             pct=percent(item["agree"], item["denominator"]), op=op, threshold=fraction_label(num, den),
             verdict=verdict)
    if item["reason"] == "cap":
        text += " " + _("(over the cap of %(limit)s)", limit=item["cap_limit"])
    elif item["reason"] == "cap_tie":
        text += " " + _("(tied at the cap of %(limit)s: the council decides)", limit=item["cap_limit"])
    return text
