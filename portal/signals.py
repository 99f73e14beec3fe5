"""Events between the core and plugins (blinker). Receivers accept **kwargs so signals can grow."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from blinker import Namespace
from flask import current_app

_signals = Namespace()

#: Sent after a unit's name changes. kwargs: unit (Unit), old_name (str), effective (date).
unit_renamed = _signals.signal("unit_renamed")

#: Sent after units are merged into a successor. kwargs: unit (Unit, the merged one), successor (Unit).
unit_merged = _signals.signal("unit_merged")

#: Asked when a page wants evidence about a unit from other plugins (e.g. an award nomination).
#: kwargs: unit_id (int), year (int | None). Receivers return a list of Evidence, or None when their
#: plugin is not enabled in current_app.
unit_evidence = _signals.signal("unit_evidence")

#: Asked for evidence attached to a subject rather than a unit: a person, a household, an exemplar, or a record
#: that cites evidence (an award nomination), named by an opaque reference "<plugin>:<kind>:<id>" (portal/refs.py).
#: kwargs: subject (str), unit_id (int | None), year (int | None). Receivers return a list of Evidence or None.
subject_evidence = _signals.signal("subject_evidence")


@dataclass(frozen=True)
class Evidence:
    """One line of evidence about a unit: "Báo cáo năm 2024: đã tiếp nhận"."""

    source: str  # plugin name
    label: str
    value: str
    url: str | None = None


def collect_unit_evidence(unit_id: int, year: int | None = None) -> list[Evidence]:
    """Ask every enabled plugin for evidence about a unit."""
    return collect_evidence(unit_id, year)


def collect_evidence(unit_id: int | None = None, year: int | None = None, subject: str | None = None) -> list[Evidence]:
    """Evidence about a unit (in a year) and/or attached to a subject reference, from every enabled plugin:
    the unit's first, then the subject's (e.g. a nomination: its unit's reports and fund figures, then the
    exemplars it cites)."""
    out: list[Evidence] = []
    app: Any = current_app._get_current_object()  # type: ignore[attr-defined]
    if unit_id is not None:
        for _receiver, result in unit_evidence.send(app, unit_id=unit_id, year=year):
            out.extend(result or ())
    if subject:
        for _receiver, result in subject_evidence.send(app, subject=subject, unit_id=unit_id, year=year):
            out.extend(result or ())
    return out


def plugin_enabled(name: str) -> bool:
    """Whether ``name`` is enabled in the current app (receivers return early when it is not)."""
    return name in current_app.extensions["portal"].plugins
