"""Every name the reports plugin shows for a state, kind or choice, declared once. Templates read them as
``labels.reports.NAME``; the audit log reads RECORDS and FIELDS."""
from __future__ import annotations

from portal.toolkit import UNIT_KIND_LABELS, _l

__all__ = ["UNIT_KIND_LABELS"]  # the directory's names for unit kinds, under the same name for templates

KIND_LABELS = {
    "integer": _l("Whole number"),
    "decimal": _l("Decimal number"),
    "text": _l("Short text"),
    "longtext": _l("Long text"),
    "choice": _l("Single choice"),
    "multichoice": _l("Multiple choice"),
    "date": _l("Date"),
    "file": _l("File attachment"),
}

STATE_LABELS = {
    "draft": _l("Draft"),
    "submitted": _l("Submitted"),
    "returned": _l("Returned"),
    "accepted": _l("Accepted"),
}

PERIOD_KIND_LABELS = {
    "annual": _l("Annual report"),
    "midterm": _l("Mid-term review"),
    "final": _l("Final summary"),
    "other": _l("Other"),
}

POLICY_LABELS = {"accept": _l("Accept and mark late"), "lock": _l("Lock after the deadline")}

#: Matrix statuses, in display order.

STATUS_LABELS = {
    "not_started": _l("Not started"),
    "draft": _l("Draft"),
    "on_time": _l("Submitted on time"),
    "late": _l("Submitted late"),
    "returned": _l("Returned"),
    "accepted": _l("Accepted"),
    "missing": _l("Missing after deadline"),
}

STATUS_SHORT = {
    "not_started": "–",
    "draft": _l("Draft"),
    "on_time": _l("On time"),
    "late": _l("Late"),
    "returned": _l("Returned"),
    "accepted": _l("Accepted"),
    "missing": _l("Missing"),
}

ON_TIME_RULE_LABELS = {
    "before": _l("Before the deadline day (the day before at the latest)"),
    "through": _l("Until the end of the deadline day"),
}

BUCKET_LABELS = {
    "returned": _l("Returned for correction"),
    "overdue": _l("Overdue"),
    "due_soon": _l("Due soon"),
    "owed": _l("To submit"),
    "locked": _l("Closed"),
    "submitted": _l("Waiting for review"),
    "accepted": _l("Accepted"),
}

AGGREGATION_LABELS = {
    "sum": _l("Sum"),
    "average": _l("Average"),
    "min": _l("Minimum"),
    "max": _l("Maximum"),
    "latest": _l("Latest value"),
    "count": _l("Count per option"),
    "none": _l("Not aggregated"),
}

#: Comparisons of a cross-field rule, as the builder offers them (the stored operator is the key).
OPERATOR_LABELS = {
    "<=": _l("is at most (≤)"),
    "<": _l("is less than (<)"),
    "=": _l("equals (=)"),
    ">=": _l("is at least (≥)"),
    ">": _l("is more than (>)"),
    "!=": _l("differs from (≠)"),
}

#: What happened to a report, as its history lists it.
EVENT_LABELS = {
    "submitted": _l("submitted"),
    "resubmitted": _l("resubmitted"),
    "returned": _l("returned"),
    "accepted": _l("accepted"),
    "reminded": _l("reminded"),
}

#: Audited tables, as the history shows them.
RECORDS = {
    "reports_form": _l("Report form"),
    "reports_form_version": _l("Report form version"),
    "reports_form_field": _l("Report form field"),
    "reports_form_rule": _l("Cross-field rule"),
    "reports_period": _l("Report period"),
    "reports_period_unit": _l("Unit assigned to a period"),
    "reports_submission": _l("Unit report"),
    "reports_indicator": _l("Indicator"),
}
FIELDS = {
    "reports_form.name": _l("Name"),
    "reports_form.description": _l("Description"),
    "reports_form.created_at": _l("Created"),
    "reports_form_version.form_id": _l("Report form"),
    "reports_form_version.number": _l("Version"),
    "reports_form_version.created_at": _l("Created"),
    "reports_form_field.version_id": _l("Form version"),
    "reports_form_field.key": _l("Key"),
    "reports_form_field.label": _l("Label"),
    "reports_form_field.kind": _l("Field type"),
    "reports_form_field.help": _l("Help text"),
    "reports_form_field.required": _l("Required"),
    "reports_form_field.min_value": _l("Minimum"),
    "reports_form_field.max_value": _l("Maximum"),
    "reports_form_field.choices": _l("Options"),
    "reports_form_field.aggregation": _l("Roll-up"),
    "reports_form_field.unit_kinds": _l("Unit kinds counted"),
    "reports_form_field.position": _l("Position"),
    "reports_form_rule.version_id": _l("Form version"),
    "reports_form_rule.left": _l("Field"),
    "reports_form_rule.operator": _l("Comparison"),
    "reports_form_rule.right": _l("Compared with"),
    "reports_form_rule.message": _l("Message"),
    "reports_period.name": _l("Name"),
    "reports_period.kind": _l("Kind"),
    "reports_period.year": _l("Year"),
    "reports_period.version_id": _l("Form version"),
    "reports_period.opens_on": _l("Opens on"),
    "reports_period.deadline": _l("Deadline"),
    "reports_period.late_policy": _l("After the deadline"),
    "reports_period.on_time_rule": _l("On time"),
    "reports_period.created_at": _l("Created"),
    "reports_period_unit.period_id": _l("Report period"),
    "reports_period_unit.unit_id": _l("Unit"),
    "reports_period_unit.extended_until": _l("Extended until"),
    "reports_submission.period_id": _l("Report period"),
    "reports_submission.unit_id": _l("Unit"),
    "reports_submission.state": _l("State"),
    "reports_submission.values": _l("Figures"),
    "reports_submission.first_submitted_at": _l("First submitted"),
    "reports_submission.submitted_at": _l("Submitted"),
    "reports_submission.late": _l("Late"),
    "reports_submission.review_comment": _l("Review comment"),
    "reports_submission.field_comments": _l("Comments on fields"),
    "reports_submission.reviewed_at": _l("Reviewed"),
    "reports_submission.reviewed_by": _l("Reviewed by"),
    "reports_submission.updated_at": _l("Last changed"),
    "reports_indicator.code": _l("Code"),
    "reports_indicator.name": _l("Name"),
    "reports_indicator.numerator": _l("Numerator"),
    "reports_indicator.denominator": _l("Denominator"),
    "reports_indicator.multiplier": _l("Multiplier"),
    "reports_indicator.unit_label": _l("Unit of measure"),
    "reports_indicator.decimals": _l("Decimals"),
    "reports_indicator.lower_is_better": _l("Lower is better"),
    "reports_indicator.unit_kinds": _l("Unit kinds"),
    "reports_indicator.position": _l("Position"),
    "reports_indicator.description": _l("Description"),
}

#: Coded values the audit log shows by their label.
VALUES = {
    "reports_submission.state": STATE_LABELS,
    "reports_period.kind": PERIOD_KIND_LABELS,
    "reports_period.late_policy": POLICY_LABELS,
    "reports_period.on_time_rule": ON_TIME_RULE_LABELS,
    "reports_form_field.kind": KIND_LABELS,
    "reports_form_field.aggregation": AGGREGATION_LABELS,
    "reports_form_field.unit_kinds": UNIT_KIND_LABELS,
    "reports_indicator.unit_kinds": UNIT_KIND_LABELS,
    "reports_form_rule.operator": OPERATOR_LABELS,
}

#: Records a link in the audit log shows by name (few rows: all are read once a request).
NAMES = {"reports_form": "name", "reports_period": "name"}
