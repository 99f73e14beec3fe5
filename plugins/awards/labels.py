"""Labels of the awards plugin, declared once: templates read ``labels.awards.NAME[code]``, Python imports them."""
from __future__ import annotations

from portal.toolkit import _l, lazy_pgettext

KINDS = {"collective": _l("Collective"), "individual": _l("Individual"), "household": _l("Household")}
KIND_GROUPS = {"collective": _l("Collectives"), "individual": _l("Individuals"), "household": _l("Households")}
FUNCTIONS = {"chair": _l("Chair"), "vice_chair": _l("Vice-chair"), "secretary": _l("Secretary"), "member": _l("Member")}
DENOMINATORS = {
    "members": _l("all council members"),
    "present": _l("members taking part"),
    "returned": _l("ballots returned"),
    "valid": _l("valid ballots"),
}
CHOICES = {"agree": _l("Agree"), "disagree": _l("Disagree"), "abstain": _l("No opinion"), "invalid": _l("Invalid")}
SESSION_STATES = {
    "draft": _l("Draft"), "open": _l("Voting open"), "closed": _l("Closed (confidential)"), "published": _l("Published"),
}
NOMINATION_STATES = {
    "submitted": _l("Awaiting review"), "eligible": _l("Eligible"), "ineligible": _l("Not eligible"),
    "approved": _l("Approved"), "not_approved": _l("Not approved"),
}
REGISTRATION_STATES = {
    "draft": lazy_pgettext("registration", "Draft"), "submitted": _l("Submitted"),
    "approved": lazy_pgettext("registration", "Approved"), "returned": _l("Returned"),
}
DECISION_STATES = {"draft": lazy_pgettext("decision", "Draft"), "issued": _l("Issued")}
SOURCES = {"decision": _l("Our decision"), "manual": _l("Entered by hand")}

# For the audit log and record history (ballots and participation are never audited: secrecy).
RECORDS = {
    "awards_type": _l("Award type"),
    "awards_council_member": _l("Council member"),
    "awards_round": _l("Nomination round"),
    "awards_nomination": _l("Nomination"),
    "awards_nomination_file": _l("Nomination file"),
    "awards_session": _l("Voting session"),
    "awards_session_item": _l("Nominee on a session"),
    "awards_roll_entry": _l("Member on a session's roll"),
    "awards_registration": _l("Emulation registration"),
    "awards_registration_entry": _l("Registered title"),
    "awards_decision": _l("Award decision"),
    "awards_decision_line": _l("Awardee of a decision"),
    "awards_achievement": _l("Achievement record"),
}
FIELDS = {
    "awards_type.name": _l("Name"), "awards_type.giver": _l("Awarded by"),
    "awards_type.nominee_kinds": _l("Nominee kinds"), "awards_type.denominator": _l("Threshold of"),
    "awards_type.threshold_num": _l("Threshold numerator"), "awards_type.threshold_den": _l("Threshold denominator"),
    "awards_type.quorum_num": _l("Quorum numerator"), "awards_type.quorum_den": _l("Quorum denominator"),
    "awards_type.written_ballots": _l("Absent members vote in writing"), "awards_type.active": _l("In use"),
    "awards_type.bonus": _l("Bonus (đồng)"),
    "awards_council_member.function": _l("Function"), "awards_council_member.active": _l("On the council"),
    "awards_round.name": _l("Name"), "awards_round.year": _l("Year"), "awards_round.deadline": _l("Deadline"),
    "awards_round.open": _l("Accepts nominations"),
    "awards_nomination.nominee": _l("Nominee"), "awards_nomination.kind": _l("Nominee kind"),
    "awards_nomination.position": _l("Position or address"), "awards_nomination.achievements": _l("Achievements"),
    "awards_nomination.state": _l("State"), "awards_nomination.review_note": _l("Review note"),
    "awards_session.title": _l("Title"), "awards_session.number": _l("Number"),
    "awards_session.meeting_date": _l("Meeting date"), "awards_session.state": _l("State"),
    "awards_session.place": _l("Place"),
    "awards_roll_entry.present": _l("Present"),
    "awards_registration.commitment": _l("Commitment"), "awards_registration.state": _l("State"),
    "awards_registration.review_note": _l("Review note"),
    "awards_decision.number": _l("Number"), "awards_decision.decision_date": _l("Decision date"),
    "awards_decision.subject": _l("Subject"), "awards_decision.state": _l("State"),
    "awards_decision.signer_name": _l("Signer"), "awards_decision.public": _l("Published on the public page"),
    "awards_decision_line.nominee": _l("Awardee"), "awards_decision_line.award_name": _l("Award"),
    "awards_decision_line.bonus": _l("Bonus (đồng)"),
    "awards_achievement.holder": _l("Holder"), "awards_achievement.title": _l("Title"),
    "awards_achievement.year": _l("Year"), "awards_achievement.decision_number": _l("Decision number"),
}
