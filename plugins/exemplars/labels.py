"""Every name of the exemplars plugin shown to users, declared once (templates: ``labels.exemplars.NAME``)."""
from __future__ import annotations

from portal.toolkit import _l

KINDS = {
    "person": _l("Advanced exemplar (person or collective)"),
    "model": _l("Good model or way of working"),
    "initiative": _l("Initiative"),
}
HOLDER_KINDS = {
    "individual": _l("Individual"),
    "household": _l("Household"),
    "collective": _l("Collective"),
    "enterprise": _l("Enterprise or cooperative"),
}
#: Holder kinds whose name is personal (shown publicly only with consent).
PERSONAL_HOLDERS = ("individual", "household")
SECTORS = {
    "livelihood": _l("Livelihoods"),
    "housing": _l("Housing"),
    "education": _l("Education"),
    "health": _l("Health"),
    "employment": _l("Jobs"),
    "water": _l("Clean water and sanitation"),
    "information": _l("Information access"),
    "savings": _l("Savings and credit"),
    "other": _l("Other"),
}
SOURCES = {
    "unit": _l("A unit"),
    "inspection": _l("An inspection team"),
    "front": _l("The Fatherland Front"),
    "standing_office": _l("The standing office"),
}
STATES = {
    "proposed": _l("Proposed"),
    "verified": _l("Verified"),
    "fostered": _l("Fostered"),
    "replicated": _l("Replicated"),
    "archived": _l("Archived"),
}
ACTIONS = {
    "propose": _l("Proposed"),
    "verify": _l("Verified"),
    "foster": _l("Support given"),
    "replicate": _l("Replicated"),
    "archive": _l("Archived"),
}
#: States shown on the public showcase (verified by the standing office, not archived).
PUBLIC_STATES = ("verified", "fostered", "replicated")

RECORDS = {
    "exemplars_exemplar": _l("Exemplar"),
    "exemplars_photo": _l("Exemplar photo"),
    "exemplars_citation": _l("Exemplar citation"),
    "exemplars_replication": _l("Replication of an exemplar"),
}
FIELDS = {
    "exemplars_exemplar.title": _l("Name of the exemplar"),
    "exemplars_exemplar.holder": _l("Person, household or collective"),
    "exemplars_exemplar.state": _l("State"),
    "exemplars_exemplar.description": _l("Description"),
    "exemplars_exemplar.story": _l("Short story"),
    "exemplars_exemplar.households": _l("Households taking part"),
    "exemplars_exemplar.households_out": _l("Households that left poverty"),
    "exemplars_exemplar.income": _l("Average income per household per year"),
    "exemplars_exemplar.contact": _l("Contact"),
    "exemplars_exemplar.consent_public": _l("Consent to publish"),
    "exemplars_exemplar.kind": _l("Kind"),
    "exemplars_exemplar.holder_kind": _l("Who carries it"),
    "exemplars_exemplar.unit_id": _l("Commune or unit"),
    "exemplars_exemplar.village": _l("Village"),
    "exemplars_exemplar.sector": _l("Field"),
    "exemplars_exemplar.start_year": _l("Start year"),
    "exemplars_exemplar.source": _l("Proposed by"),
    "exemplars_exemplar.source_ref": _l("Proposed from"),
    "exemplars_exemplar.proposed_by": _l("Proposer"),
    "exemplars_exemplar.proposed_at": _l("Proposed on"),
    "exemplars_exemplar.verified_at": _l("Verified on"),
    "exemplars_exemplar.sample": _l("Sample data"),
    "exemplars_exemplar.updated_at": _l("Last changed"),
    "exemplars_photo.exemplar_id": _l("Exemplar"),
    "exemplars_photo.upload_id": _l("File"),
    "exemplars_photo.caption": _l("Photo caption"),
    "exemplars_citation.exemplar_id": _l("Exemplar"),
    "exemplars_citation.subject_ref": _l("Cited by"),
    "exemplars_citation.created_by": _l("Added by"),
    "exemplars_citation.created_at": _l("Added on"),
    "exemplars_replication.exemplar_id": _l("Exemplar"),
    "exemplars_replication.unit_id": _l("Commune or unit that took it up"),
    "exemplars_replication.households": _l("Households taking part"),
    "exemplars_replication.year": _l("Year"),
    "exemplars_replication.note": _l("Note"),
    "exemplars_replication.created_at": _l("Added on"),
}
#: Integer columns in đồng, shown as money in the audit log (BigInteger ones need no entry)
MONEY = ("exemplars_exemplar.income",)
#: coded columns shown by their label in the audit log
VALUES = {
    "exemplars_exemplar.kind": KINDS,
    "exemplars_exemplar.holder_kind": HOLDER_KINDS,
    "exemplars_exemplar.sector": SECTORS,
    "exemplars_exemplar.source": SOURCES,
    "exemplars_exemplar.state": STATES,
}
