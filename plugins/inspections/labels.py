"""Names users see for the plugin's states and kinds, declared once (templates: ``labels.inspections.NAME``)."""
from __future__ import annotations

from portal.toolkit import _l

from .models import CLOSED, COMPLETED, FAIL, IN_PROGRESS, NA, NUMBER, OPEN, PASS, PASS_FAIL, PLANNED, REPORTED, SIGNED, TEXT

STATES = {PLANNED: _l("planned"), IN_PROGRESS: _l("in progress"), COMPLETED: _l("completed"), SIGNED: _l("signed")}
FINDING_STATES = {OPEN: _l("open"), REPORTED: _l("reported as fixed"), CLOSED: _l("closed")}
# Item kinds (answer types of a checklist item).
ANSWER_TYPES = {PASS_FAIL: _l("Pass / fail / not applicable"), NUMBER: _l("Number"), TEXT: _l("Text")}
RESULTS = {PASS: _l("Pass"), FAIL: _l("Fail"), NA: _l("Not applicable")}
# Entries of a finding's follow-up.
UPDATE_KINDS = {"progress": _l("Progress"), "done": _l("Reported as fixed"), "close": _l("Verified and closed"),
                "reopen": _l("Reopened")}

# For the audit log and record history.
RECORDS = {
    "inspections_template": _l("Checklist"),
    "inspections_section": _l("Checklist section"),
    "inspections_item": _l("Checklist item"),
    "inspections_inspection": _l("Inspection"),
    "inspections_member": _l("Inspection team member"),
    "inspections_answer": _l("Checklist answer"),
    "inspections_photo": _l("Photo evidence"),
    "inspections_finding": _l("Finding"),
    "inspections_finding_update": _l("Finding follow-up"),
}
FIELDS = {
    "inspections_template.code": _l("Code"),
    "inspections_template.version": _l("Version"),
    "inspections_template.title": _l("Title"),
    "inspections_template.description": _l("Description"),
    "inspections_template.frozen": _l("Used by an inspection"),
    "inspections_template.created_at": _l("Created"),
    "inspections_section.template_id": _l("Checklist"),
    "inspections_section.title": _l("Section title"),
    "inspections_section.position": _l("Position"),
    "inspections_item.template_id": _l("Checklist"),
    "inspections_item.section_id": _l("Checklist section"),
    "inspections_item.text": _l("Question"),
    "inspections_item.guidance": _l("Guidance for the inspector"),
    "inspections_item.answer_type": _l("Answer type"),
    "inspections_item.max_score": _l("Score"),
    "inspections_item.weight": _l("Weight"),
    "inspections_item.position": _l("Position"),
    "inspections_item.note_required_on_fail": _l("A note is required when the item fails"),
    "inspections_item.photo_required": _l("A photo is required"),
    "inspections_inspection.unit_id": _l("Unit inspected"),
    "inspections_inspection.year": _l("Year"),
    "inspections_inspection.planned_date": _l("Planned date"),
    "inspections_inspection.scope": _l("Content and scope"),
    "inspections_inspection.state": _l("State"),
    "inspections_inspection.leader_id": _l("Team leader"),
    "inspections_inspection.number": _l("Minutes number"),
    "inspections_inspection.unit_representative": _l("Representative of the unit inspected"),
    "inspections_inspection.conclusion": _l("Conclusion"),
    "inspections_inspection.template_id": _l("Checklist"),
    "inspections_inspection.previous_id": _l("Follow-up of"),
    "inspections_inspection.started_at": _l("Started"),
    "inspections_inspection.completed_at": _l("Completed"),
    "inspections_inspection.signed_at": _l("Minutes signed"),
    "inspections_inspection.achieved": _l("Points achieved"),
    "inspections_inspection.applicable": _l("Points applicable"),
    "inspections_member.inspection_id": _l("Inspection"),
    "inspections_member.user_id": _l("Team member"),
    "inspections_answer.inspection_id": _l("Inspection"),
    "inspections_answer.item_id": _l("Checklist item"),
    "inspections_answer.answered_by": _l("Answered by"),
    "inspections_answer.answered_at": _l("Answered at"),
    "inspections_answer.result": _l("Result"),
    "inspections_answer.number": _l("Value"),
    "inspections_answer.text": _l("Answer"),
    "inspections_answer.note": _l("Note"),
    "inspections_photo.inspection_id": _l("Inspection"),
    "inspections_photo.item_id": _l("Checklist item"),
    "inspections_photo.upload_id": _l("File"),
    "inspections_photo.created_by": _l("Added by"),
    "inspections_photo.created_at": _l("Added on"),
    "inspections_finding.inspection_id": _l("Inspection"),
    "inspections_finding.item_id": _l("Checklist item"),
    "inspections_finding.closed_at": _l("Closed on"),
    "inspections_finding.description": _l("Finding"),
    "inspections_finding.recommendation": _l("Recommendation"),
    "inspections_finding.responsible_unit_id": _l("Responsible unit"),
    "inspections_finding.due_date": _l("Due date"),
    "inspections_finding.state": _l("State"),
    "inspections_finding_update.finding_id": _l("Finding"),
    "inspections_finding_update.user_id": _l("Written by"),
    "inspections_finding_update.at": _l("Written on"),
    "inspections_finding_update.kind": _l("Kind"),
    "inspections_finding_update.text": _l("Text"),
}
#: Coded columns shown by their label in the audit log.
VALUES = {
    "inspections_inspection.state": STATES,
    "inspections_finding.state": FINDING_STATES,
    "inspections_item.answer_type": ANSWER_TYPES,
    "inspections_answer.result": RESULTS,
    "inspections_finding_update.kind": UPDATE_KINDS,
}
#: Records a link in the audit log shows by name (few rows: all are read once a request).
NAMES = {"inspections_template": "title", "inspections_section": "title"}
