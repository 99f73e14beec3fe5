"""The exemplars' side of the core's cross-plugin contract: what "exemplars:exemplar:<id>" names, the links
offered on other plugins' record pages, citations (a nomination's evidence, a report naming its models) and the
evidence answered for a cited subject. Nothing here imports another plugin: their records are opaque references."""
from __future__ import annotations

from typing import Any

from flask import url_for
from sqlalchemy import select

from portal.plugin import Link, RefInfo
from portal.toolkit import (
    Refused, _, current_user, db, make_ref, parse_ref, ref_resolver, resolve_ref, signals, unit_clause,
)

from .. import labels
from ..models import Citation, Exemplar
from ..permissions import CITE, MANAGE, PROPOSE, VIEW

#: Kinds of other plugins' records an exemplar may be proposed from (one click on their page).
SOURCE_KINDS = {("inspections", "finding"): "inspection"}
#: Kinds of records that may cite exemplars (evidence of a nomination, models named in a report).
CITING_KINDS = {("awards", "nomination"), ("reports", "submission")}


def ref_of(exemplar: Exemplar) -> str:
    return make_ref("exemplars", "exemplar", exemplar.id)


def _describe(ex: Exemplar) -> RefInfo:
    return RefInfo(label=ex.title, url=url_for("exemplars.detail", exemplar_id=ex.id), unit_id=ex.unit_id,
                   summary=ex.story or ex.description)


#: Plugin.resolve_ref: "exemplars:exemplar:<id>".
resolve = ref_resolver(exemplar=(Exemplar, _describe))


def citations(subject_ref: str) -> list[Citation]:
    return list(db.session.scalars(select(Citation).where(Citation.subject_ref == subject_ref).order_by(Citation.id)))


def citations_of(exemplar_id: int) -> list[Citation]:
    return list(db.session.scalars(select(Citation).where(Citation.exemplar_id == exemplar_id).order_by(Citation.id)))


def record_links(ref: str, user: Any) -> list[Link]:
    """Plugin.record_links: "Propose as an exemplar" on a finding, "Cite an exemplar" on a nomination or a report,
    and the exemplars proposed from or cited by the record."""
    parts = parse_ref(ref)
    if parts is None or not user.is_authenticated or parts[0] == "exemplars":
        return []
    key = (parts[0], parts[1])
    out: list[Link] = []
    if key in SOURCE_KINDS or key in CITING_KINDS:
        info = resolve_ref(ref)
        unit_id = info.unit_id if info else None
        if key in SOURCE_KINDS and user.can(PROPOSE, unit_id):
            out.append(Link(_("Propose as an exemplar"), url_for("exemplars.propose", source=ref), action=True))
        if key in CITING_KINDS and (user.can(CITE, unit_id) or user.can(MANAGE)):
            label = _("Cite an exemplar as evidence") if key[0] == "awards" else _("Name the unit's good models")
            out.append(Link(label, url_for("exemplars.cite", ref=ref), action=True))
    rows = list(db.session.scalars(select(Exemplar).where(Exemplar.source_ref == ref)))
    rows += [c.exemplar for c in citations(ref)]
    for ex in rows:
        if user.can(VIEW, ex.unit_id) or user.can(MANAGE):
            out.append(Link(_("Model named: %(title)s", title=ex.title),
                            url_for("exemplars.detail", exemplar_id=ex.id), note=str(labels.STATES[ex.state])))
    return out


def subject_evidence(sender: Any, subject: str, **_kwargs: Any) -> list[signals.Evidence] | None:
    """The exemplars a nomination (or any subject) cites, as evidence lines."""
    if not signals.plugin_enabled("exemplars"):
        return None
    out = []
    for c in citations(subject):
        ex = c.exemplar
        value = str(labels.STATES[ex.state])
        if ex.households:
            value += " – " + _("%(n)s households taking part, %(out)s left poverty", n=ex.households,
                               out=ex.households_out)
        out.append(signals.Evidence("exemplars", _("Exemplar: %(title)s", title=ex.title), value,
                                    url_for("exemplars.detail", exemplar_id=ex.id)))
    return out


def citing_subject(ref: str | None) -> tuple[str, RefInfo]:
    """The record that wants to cite an exemplar, checked: a known citing kind that resolves, and the user may cite
    for its unit."""
    parts = parse_ref(ref)
    info = resolve_ref(ref) if parts else None
    if parts is None or (parts[0], parts[1]) not in CITING_KINDS or info is None:
        raise Refused(404, _("The record to cite the exemplar in was not found."))
    if not (current_user.can(CITE, info.unit_id) or current_user.can(MANAGE)):
        raise Refused(403, _("You may not cite exemplars for this unit."))
    return str(ref), info


def cite(subject_ref: str, exemplar_id: int) -> Citation:
    ex = db.session.get(Exemplar, exemplar_id)
    if ex is None or ex.state == "proposed" or ex.state == "archived":
        raise Refused(422, _("Only a verified exemplar can be cited."))
    if db.session.scalar(select(Citation.id).where(Citation.subject_ref == subject_ref,
                                                   Citation.exemplar_id == exemplar_id)):
        raise Refused(409, _("This exemplar is already cited here."))
    row = Citation(exemplar_id=ex.id, subject_ref=subject_ref,
                   created_by=current_user.id if current_user.is_authenticated else None)
    db.session.add(row)
    return row


def citable(info: RefInfo) -> list[tuple[int, str]]:
    """Verified exemplars the user may see, those of the subject's unit first."""
    own_unit = Exemplar.unit_id == (info.unit_id or 0)
    rows = db.session.scalars(select(Exemplar).where(Exemplar.state.in_(labels.PUBLIC_STATES),
                                                     unit_clause(VIEW, Exemplar.unit_id))
                              .order_by(own_unit.desc(), Exemplar.title, Exemplar.id))
    return [(e.id, f"{e.title} – {e.unit.name}") for e in rows]


def source_prefill(ref: str | None) -> tuple[str | None, dict[str, Any]]:
    """The record an exemplar is proposed from (a finding), resolved by its plugin: (ref, form defaults)."""
    parts = parse_ref(ref)
    if parts is None or (parts[0], parts[1]) not in SOURCE_KINDS:
        return None, {}
    info = resolve_ref(ref)
    if info is None:
        raise Refused(404, _("The record to propose the exemplar from was not found."))
    defaults: dict[str, Any] = {"source": SOURCE_KINDS[(parts[0], parts[1])], "description": info.summary}
    if info.unit_id:
        defaults["unit_id"] = info.unit_id
    return str(ref), defaults
