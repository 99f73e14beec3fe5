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
    "awards_type.strictly_more": _l("Strictly more than the threshold (otherwise at least)"),
    "awards_type.allow_abstain": _l("Ballot offers \"no opinion\""),
    "awards_type.cap_percent": _l("Cap: at most this percentage"),
    "awards_type.cap_of_id": _l("Cap: of those approved for"),
    "awards_type.legal_basis": _l("Legal basis"),
    "awards_type.is_example": _l("Example: to be checked against current regulations"),
    "awards_type.requires_registration": _l("A nomination needs an approved emulation registration of this title"),
    "awards_type.lookback_type_id": _l("Look-back: the nominee must already hold"),
    "awards_type.lookback_years": _l("Look-back: in this many consecutive years"),
    "awards_type.lookback_through_round_year": _l("Look-back: the years end with the round's year (otherwise the "
                                                  "year before it)"),
    "awards_council_member.user_id": _l("Council member"),
    "awards_council_member.function": _l("Function"), "awards_council_member.active": _l("On the council"),
    "awards_round.name": _l("Name"), "awards_round.year": _l("Year"), "awards_round.deadline": _l("Deadline"),
    "awards_round.open": _l("Accepts nominations"),
    "awards_nomination.round_id": _l("Nomination round"), "awards_nomination.award_type_id": _l("Award type"),
    "awards_nomination.unit_id": _l("Proposing unit"),
    "awards_nomination_file.nomination_id": _l("Nomination"), "awards_nomination_file.upload_id": _l("File"),
    "awards_nomination.nominee": _l("Nominee"), "awards_nomination.kind": _l("Nominee kind"),
    "awards_nomination.position": _l("Position or address"), "awards_nomination.achievements": _l("Achievements"),
    "awards_nomination.state": _l("State"), "awards_nomination.review_note": _l("Review note"),
    "awards_session.title": _l("Title"), "awards_session.number": _l("Number"),
    "awards_session.meeting_date": _l("Meeting date"), "awards_session.state": _l("State"),
    "awards_session.place": _l("Place"),
    "awards_session.round_id": _l("Nomination round"), "awards_session.council_unit_id": _l("Council of"),
    "awards_session.counting_head": _l("Head of the counting board"),
    "awards_session.counting_members": _l("Other members of the counting board"),
    "awards_session.opened_at": _l("Voting opened"), "awards_session.closed_at": _l("Voting closed"),
    "awards_session.published_at": _l("Results published"),
    "awards_session.result_sha256": _l("Check code of the result (SHA-256)"),
    "awards_session_item.session_id": _l("Voting session"), "awards_session_item.nomination_id": _l("Nomination"),
    "awards_session_item.position": _l("Order"),
    "awards_roll_entry.session_id": _l("Voting session"), "awards_roll_entry.user_id": _l("Council member"),
    "awards_roll_entry.full_name": _l("Full name"), "awards_roll_entry.function": _l("Function"),
    "awards_roll_entry.position": _l("Order"),
    "awards_roll_entry.present": _l("Present"),
    "awards_registration.round_id": _l("Nomination round"), "awards_registration.unit_id": _l("Unit"),
    "awards_registration.submitted_at": _l("Submitted on"),
    "awards_registration.commitment": _l("Commitment"), "awards_registration.state": _l("State"),
    "awards_registration.review_note": _l("Review note"),
    "awards_registration_entry.registration_id": _l("Emulation registration"),
    "awards_registration_entry.award_type_id": _l("Award type"), "awards_registration_entry.kind": _l("Nominee kind"),
    "awards_registration_entry.name": _l("Name"), "awards_registration_entry.position_text": _l("Position or address"),
    "awards_registration_entry.position": _l("Order"),
    "awards_decision.number": _l("Number"), "awards_decision.decision_date": _l("Decision date"),
    "awards_decision.subject": _l("Subject"), "awards_decision.state": _l("State"),
    "awards_decision.signer_name": _l("Signer"), "awards_decision.public": _l("Published on the public page"),
    "awards_decision.signer_title": _l("Signer's title"), "awards_decision.basis": _l("Legal basis"),
    "awards_decision.proposal": _l("Proposal line"), "awards_decision.article2": _l("Article 2"),
    "awards_decision.article3": _l("Article 3"), "awards_decision.recipients": _l("Recipients"),
    "awards_decision.submission_number": _l("Submission number"),
    "awards_decision.submission_date": _l("Date of the submission"),
    "awards_decision.submission_text": _l("Submission text"), "awards_decision.amends_id": _l("Amends the decision"),
    "awards_decision.issued_at": _l("Issued on"), "awards_decision.issued_by_id": _l("Issued by"),
    "awards_decision_line.nominee": _l("Awardee"), "awards_decision_line.award_name": _l("Award"),
    "awards_decision_line.bonus": _l("Bonus (đồng)"),
    "awards_decision_line.decision_id": _l("Decision"), "awards_decision_line.position": _l("Order"),
    "awards_decision_line.nomination_id": _l("Nomination"), "awards_decision_line.award_type_id": _l("Award type"),
    "awards_decision_line.kind": _l("Nominee kind"), "awards_decision_line.position_text": _l("Position or address"),
    "awards_decision_line.unit_id": _l("Unit"), "awards_decision_line.unit_name": _l("Unit as written"),
    "awards_decision_line.achievement": _l("Achievement on the certificate"),
    "awards_achievement.holder": _l("Holder"), "awards_achievement.title": _l("Title"),
    "awards_achievement.year": _l("Year"), "awards_achievement.decision_number": _l("Decision number"),
    "awards_achievement.kind": _l("Nominee kind"), "awards_achievement.position_text": _l("Position or address"),
    "awards_achievement.unit_id": _l("Unit"), "awards_achievement.award_type_id": _l("Award or title"),
    "awards_achievement.decision_date": _l("Decision date"), "awards_achievement.decision_id": _l("Decision"),
    "awards_achievement.source": _l("Source"), "awards_achievement.note": _l("Note"),
}
#: Coded columns shown by their label in the audit log.
VALUES = {
    "awards_type.denominator": DENOMINATORS, "awards_type.nominee_kinds": KINDS,
    "awards_council_member.function": FUNCTIONS, "awards_roll_entry.function": FUNCTIONS,
    "awards_nomination.kind": KINDS, "awards_nomination.state": NOMINATION_STATES,
    "awards_session.state": SESSION_STATES,
    "awards_registration.state": REGISTRATION_STATES, "awards_registration_entry.kind": KINDS,
    "awards_decision.state": DECISION_STATES, "awards_decision_line.kind": KINDS,
    "awards_achievement.kind": KINDS, "awards_achievement.source": SOURCES,
}
#: Integer columns in đồng, shown as money in the audit log.
MONEY = ("awards_type.bonus", "awards_decision_line.bonus")
#: Records a link in the audit log shows by name (few rows: all are read once a request).
NAMES = {"awards_type": "name", "awards_round": "name", "awards_session": "title"}
