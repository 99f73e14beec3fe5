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
    "exemplars_replication.households": _l("Households taking part"),
}
