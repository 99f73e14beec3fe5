"""Report intake logic, free of request state: values, rules, versions, deadlines, workflow, matrix, roll-up.

Time comes in as parameters (``now`` in UTC, ``day`` in local time); views pass the toolkit's ``utcnow()`` and
``local_today()``, tests freeze ``portal.clock``.
"""
from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from fractions import Fraction
from typing import Any

from sqlalchemy import ColumnElement, func, select, true

from portal.toolkit import (
    UNIT_KIND_LABELS,
    Unit,
    _,
    _l,
    db,
    fold,
    format_date,
    format_number,
    get_plugin_config,
    issue_number,
    issuer_of,
    local_date,
    lock,
    predecessor_map,
    user_error,
    utcnow,
    vi_sort_key,
)

from .models import (
    FIELD_KINDS,
    NUMERIC_AGGREGATIONS,
    NUMERIC_KINDS,
    OTHER_AGGREGATIONS,
    RULE_OPERATORS,
    Event,
    FormField,
    FormRule,
    FormVersion,
    Period,
    PeriodUnit,
    ReportForm,
    Revision,
    Submission,
)

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
ATTACHMENT_KINDS = ("pdf", "docx", "xlsx", "jpg", "jpeg", "png")


# --- field values -------------------------------------------------------------------------------------------

class FieldError(ValueError):
    """A value was refused; the message is translated and shown at the field."""


_GROUPED = re.compile(r"^-?\d{1,3}(\.\d{3})+$")


def _number_text(raw: str) -> str:
    """Normalise "1.234", "1 234", "12,5" (Vietnamese decimal comma) to "1234" / "12.5"."""
    text = raw.strip().replace("\u00a0", "").replace(" ", "")
    if "," in text:
        return text.replace(".", "").replace(",", ".")
    if _GROUPED.match(text):
        return text.replace(".", "")
    return text


def parse_number(raw: str, kind: str) -> Decimal:
    text = _number_text(raw)
    if kind == "integer":
        if not re.fullmatch(r"-?\d{1,15}", text):
            raise FieldError(_("Enter a whole number, e.g. 1.234."))
        return Decimal(text)
    if not re.fullmatch(r"-?\d{1,15}(\.\d{1,6})?", text):
        raise FieldError(_("Enter a number, e.g. 12,5."))
    try:
        return Decimal(text)
    except InvalidOperation:
        raise FieldError(_("Enter a number, e.g. 12,5.")) from None


def parse_date(raw: str) -> dt.date:
    for fmt in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            day = dt.datetime.strptime(raw.strip(), fmt).date()
        except ValueError:
            continue
        if 1900 <= day.year <= 2200:
            return day
    raise FieldError(_("Enter a date as dd/mm/yyyy."))


def _limit(text: str | None) -> Decimal | None:
    return Decimal(text) if text not in (None, "") else None


def parse_value(f: FormField, raw: Any) -> Any:
    """Turn what the user typed into the stored value (None when empty); raise FieldError with a message."""
    if f.kind == "multichoice":
        picked = [str(v) for v in (raw or []) if str(v).strip()]
        bad = [v for v in picked if v not in f.choices]
        if bad:
            raise FieldError(_("Choose from the listed options."))
        return [c for c in f.choices if c in picked] or None
    text = (raw if isinstance(raw, str) else ("" if raw is None else str(raw))).strip()
    if not text:
        return None
    if f.kind in NUMERIC_KINDS:
        number = parse_number(text, f.kind)
        low, high = _limit(f.min_value), _limit(f.max_value)
        if low is not None and number < low:
            raise FieldError(_("The value must be at least %(min)s.", min=format_number(low)))
        if high is not None and number > high:
            raise FieldError(_("The value must be at most %(max)s.", max=format_number(high)))
        return int(number) if f.kind == "integer" else format(number.normalize(), "f")
    if f.kind == "date":
        return parse_date(text).isoformat()
    if f.kind == "choice":
        if text not in f.choices:
            raise FieldError(_("Choose from the listed options."))
        return text
    limit = 500 if f.kind == "text" else 10000
    if len(text) > limit:
        raise FieldError(_("At most %(num)s characters.", num=format_number(limit)))
    return text


def display_value(f: FormField, value: Any, files: dict[int, str] | None = None) -> str:
    """A stored value as people read it (1.234 / 12,5 / 05/11/2024 / names of files)."""
    if value in (None, "", []):
        return ""
    if f.kind in NUMERIC_KINDS:
        return format_number(Decimal(str(value)))
    if f.kind == "date":
        return format_date(dt.date.fromisoformat(value))
    if f.kind == "multichoice":
        return "; ".join(value)
    if f.kind == "file":
        return (files or {}).get(int(value), _("attached file"))
    return str(value)


def numeric(value: Any) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


# --- cross-field rules (data, evaluated without eval) ------------------------------------------------------

_TERM = re.compile(r"\s*([+-])?\s*([a-z][a-z0-9_]*|\d+(?:[.,]\d+)?)\s*")


def parse_expression(text: str, numeric_keys: Iterable[str]) -> list[tuple[int, str]]:
    """Split "a + b - 3" into signed terms; every name must be a numeric field. Raise FieldError otherwise."""
    keys = set(numeric_keys)
    terms: list[tuple[int, str]] = []
    pos = 0
    text = (text or "").strip()
    if not text:
        raise FieldError(_("Write the right side, e.g. a + b."))
    while pos < len(text):
        m = _TERM.match(text, pos)
        if not m or m.end() == pos or (terms and not m.group(1)):
            raise FieldError(_("Use field keys and numbers joined by + or -, e.g. a + b."))
        sign = -1 if m.group(1) == "-" else 1
        term = m.group(2).replace(",", ".")
        if term[0].isalpha() and term not in keys:
            raise FieldError(_("Unknown number field: %(key)s.", key=term))
        terms.append((sign, term))
        pos = m.end()
    return terms


def evaluate_rule(rule: FormRule, values: dict[str, Any], numeric_keys: Iterable[str]) -> bool | None:
    """True/False when every operand has a value; None when something is still empty (required checks that)."""
    left = numeric(values.get(rule.left))
    if left is None:
        return None
    total = Decimal(0)
    for sign, term in parse_expression(rule.right, numeric_keys):
        number = numeric(values.get(term)) if term[0].isalpha() else Decimal(term)
        if number is None:
            return None
        total += sign * number
    return {
        "<=": left <= total, "<": left < total, "=": left == total,
        ">=": left >= total, ">": left > total, "!=": left != total,
    }[rule.operator]


def numeric_keys(version: FormVersion) -> list[str]:
    return [f.key for f in version.fields if f.kind in NUMERIC_KINDS]


def validate_all(version: FormVersion, values: dict[str, Any]) -> dict[str, str]:
    """Errors by field key for a submission: required fields, stored values re-checked, then the rules."""
    errors: dict[str, str] = {}
    for f in version.fields:
        value = values.get(f.key)
        if value in (None, "", []):
            if f.required:
                errors[f.key] = _("This field is required.")
            continue
        if f.kind not in ("file", "multichoice"):
            try:
                parse_value(f, format_plain(f, value))
            except FieldError as exc:
                errors[f.key] = str(exc)
    keys = numeric_keys(version)
    for rule in version.rules:
        if rule.left in errors:
            continue
        if evaluate_rule(rule, values, keys) is False:
            errors[rule.left] = rule.message
    return errors


def format_plain(f: FormField, value: Any) -> str:
    """A stored value as the form input shows it (numbers without grouping so they parse back)."""
    if value in (None, ""):
        return ""
    if f.kind == "date":
        return dt.date.fromisoformat(value).strftime("%d/%m/%Y")
    if f.kind == "decimal":
        return str(value).replace(".", ",")
    return str(value)


def diff(version: FormVersion, old: dict[str, Any], new: dict[str, Any], files: dict[int, str] | None = None
         ) -> list[tuple[str, str, str]]:
    """(label, before, after) for each field whose value changed."""
    return [
        (f.label, display_value(f, old.get(f.key), files), display_value(f, new.get(f.key), files))
        for f in version.fields
        if old.get(f.key) != new.get(f.key)
    ]


# --- form builder and versions ------------------------------------------------------------------------------

def version_in_use(version: FormVersion) -> bool:
    return db.session.scalar(select(func.count(Period.id)).where(Period.version_id == version.id)) > 0


def clone_version(version: FormVersion) -> FormVersion:
    new = FormVersion(form=version.form, number=version.number + 1)
    for f in version.fields:
        new.fields.append(FormField(
            position=f.position, key=f.key, label=f.label, kind=f.kind, help=f.help, required=f.required,
            min_value=f.min_value, max_value=f.max_value, choices=list(f.choices or []),
            aggregation=f.aggregation, unit_kinds=list(f.unit_kinds or []),
        ))
    for r in version.rules:
        new.rules.append(FormRule(left=r.left, operator=r.operator, right=r.right, message=r.message))
    db.session.add(new)
    db.session.flush()
    return new


def editable_version(form: ReportForm) -> FormVersion:
    """The version edits go to: the latest one, or a new copy of it when a period already uses it."""
    latest = form.latest
    return clone_version(latest) if version_in_use(latest) else latest


def make_key(label: str, taken: Iterable[str]) -> str:
    base = re.sub(r"[^a-z0-9]+", "_", fold(label)).strip("_")[:36] or "field"
    if base[0].isdigit():
        base = "f_" + base
    key, n, used = base, 2, set(taken)
    while key in used:
        key, n = f"{base}_{n}", n + 1
    return key


def check_field_values(data: dict[str, Any]) -> dict[str, str]:
    """Errors in a field definition (min/max, choices) by form-field name."""
    errors: dict[str, str] = {}
    if data["kind"] not in FIELD_KINDS:
        errors["kind"] = _("Choose a field type.")
    limits = {}
    for name in ("min_value", "max_value"):
        raw = data.get(name)
        if raw:
            try:
                limits[name] = parse_number(raw, "decimal")
            except FieldError as exc:
                errors[name] = str(exc)
    if len(limits) == 2 and limits["min_value"] > limits["max_value"]:
        errors["max_value"] = _("The maximum must not be below the minimum.")
    if data["kind"] in ("choice", "multichoice") and len(data.get("choices") or []) < 2:
        errors["choices"] = _("Give at least two options, one per line.")
    if data["kind"] in FIELD_KINDS and data.get("aggregation") and data["aggregation"] not in aggregations_for(data["kind"]):
        errors["aggregation"] = _("This roll-up does not apply to this field type: numbers take sum, average, "
                                  "minimum, maximum or latest value; text and choices take a count.")
    return errors


def set_aggregation(version: FormVersion, key: str, aggregation: str, unit_kinds: Sequence[str]) -> None:
    """Change how a field rolls up (the version edits go to, see editable_version)."""
    f = field_by_key(version, key)
    if f is None:
        raise user_error(404, _("The field was not found."))
    if aggregation not in aggregations_for(f.kind):
        raise FieldError(_("This roll-up does not apply to this field type: numbers take sum, average, "
                           "minimum, maximum or latest value; text and choices take a count."))
    f.aggregation = aggregation
    f.unit_kinds = [k for k in UNIT_KIND_LABELS if k in set(unit_kinds)]


def add_field(version: FormVersion, data: dict[str, Any]) -> FormField:
    taken = [f.key for f in version.fields]
    f = FormField(
        key=make_key(data["label"], taken), label=data["label"], kind=data["kind"], help=data.get("help") or None,
        required=bool(data.get("required")), position=(max([x.position for x in version.fields] or [0]) + 1),
        choices=list(data.get("choices") or []) if data["kind"] in ("choice", "multichoice") else [],
        aggregation=data.get("aggregation") or default_aggregation(data["kind"]),
        unit_kinds=list(data.get("unit_kinds") or []),
    )
    if data["kind"] in NUMERIC_KINDS:
        for name in ("min_value", "max_value"):
            raw = data.get(name)
            setattr(f, name, str(parse_number(raw, "decimal")) if raw else None)
    version.fields.append(f)
    return f


def field_by_key(version: FormVersion, key: str) -> FormField | None:
    return next((f for f in version.fields if f.key == key), None)


def remove_field(version: FormVersion, key: str) -> None:
    f = field_by_key(version, key)
    if f is None:
        raise user_error(404, _("The field was not found."))
    used = [r for r in version.rules if r.left == key or key in {t for _s, t in _terms_loose(r.right)}]
    if used:
        raise user_error(409, _("A cross-field rule uses this field; remove the rule first."))
    version.fields.remove(f)


def _terms_loose(text: str) -> list[tuple[int, str]]:
    return [(1, t) for t in re.findall(r"[a-z][a-z0-9_]*", text or "")]


def move_field(version: FormVersion, key: str, step: int) -> None:
    fields = list(version.fields)
    idx = next((i for i, f in enumerate(fields) if f.key == key), None)
    if idx is None:
        raise user_error(404, _("The field was not found."))
    other = idx + step
    if 0 <= other < len(fields):
        fields[idx], fields[other] = fields[other], fields[idx]
    for i, f in enumerate(fields, start=1):
        f.position = i


def add_rule(version: FormVersion, left: str, operator: str, right: str, message: str) -> FormRule:
    keys = numeric_keys(version)
    if left not in keys:
        raise FieldError(_("Choose a number field."))
    if operator not in RULE_OPERATORS:
        raise FieldError(_("Choose a comparison."))
    parse_expression(right, keys)
    rule = FormRule(left=left, operator=operator, right=right.strip(), message=message)
    version.rules.append(rule)
    return rule


# --- periods and deadlines ----------------------------------------------------------------------------------

def default_deadline(year: int) -> dt.date:
    """The annual deadline for ``year`` from REPORTS_ANNUAL_DEADLINE ("MM-DD", default 10 November)."""
    text = str(get_plugin_config("REPORTS_ANNUAL_DEADLINE", "11-10"))
    month, day = (int(p) for p in text.split("-"))
    return dt.date(year, month, day)


def annual_deadline_text() -> str:
    """REPORTS_ANNUAL_DEADLINE ("MM-DD") as people write it: "10/11"."""
    month, day = (int(p) for p in str(get_plugin_config("REPORTS_ANNUAL_DEADLINE", "11-10")).split("-"))
    return f"{day:02d}/{month:02d}"


def units_for(kinds: Sequence[str], unit_ids: Sequence[int], on: dt.date | None = None) -> list[int]:
    """Units of ``kinds`` plus the picked ones; those of a kind only when in force on ``on``."""
    by_kind = Unit.kind.in_(list(kinds))
    if on is not None:
        by_kind = by_kind & ((Unit.valid_from.is_(None)) | (Unit.valid_from <= on)) & (
            (Unit.valid_to.is_(None)) | (Unit.valid_to >= on))
    return list(db.session.scalars(select(Unit.id).where(by_kind | Unit.id.in_(list(unit_ids)))))


def assign_units(period: Period, unit_ids: Iterable[int]) -> int:
    have = {a.unit_id for a in period.assignments}
    added = 0
    for uid in unit_ids:
        if uid not in have:
            period.assignments.append(PeriodUnit(unit_id=uid))
            have.add(uid)
            added += 1
    return added


def assignment(period_id: int, unit_id: int) -> PeriodUnit | None:
    return db.session.scalar(select(PeriodUnit).where(PeriodUnit.period_id == period_id, PeriodUnit.unit_id == unit_id))


ON_TIME_RULE_LABELS = {
    "before": _l("Before the deadline day (the day before at the latest)"),
    "through": _l("Until the end of the deadline day"),
}


def effective_deadline(period: Period, extended_until: dt.date | None) -> dt.date:
    """The deadline date as written (an extension replaces it when later)."""
    return max(period.deadline, extended_until) if extended_until else period.deadline


def last_on_time_day(deadline: dt.date, rule: str | None, extended_until: dt.date | None = None) -> dt.date:
    """The last local day a report counts as on time: "trước ngày 10/11" ends on 9/11; an extension runs to its end."""
    base = deadline - dt.timedelta(days=1) if (rule or "before") == "before" else deadline
    return max(base, extended_until) if extended_until else base


def period_last_day(period: Period, extended_until: dt.date | None) -> dt.date:
    return last_on_time_day(period.deadline, period.on_time_rule, extended_until)


def deadline_hint(period: Period, extended_until: dt.date | None = None) -> str:
    """How the deadline reads: "trước ngày 10/11/2025", "đến hết ngày 10/11/2025" (extensions: to the end of)."""
    if extended_until and extended_until >= period.deadline:
        return _("until the end of %(day)s", day=format_date(extended_until))
    if (period.on_time_rule or "before") == "before":
        return _("before %(day)s", day=format_date(period.deadline))
    return _("until the end of %(day)s", day=format_date(period.deadline))


def is_locked(period: Period, extended_until: dt.date | None, sub: Submission | None, day: dt.date) -> bool:
    """A 'lock' period refuses reports never submitted once its (extended) deadline has passed.

    A report returned for correction may always be resubmitted: the office asked for it.
    """
    if period.late_policy != "lock" or day <= period_last_day(period, extended_until):
        return False
    return sub is None or sub.first_submitted_at is None


# --- the unit's workflow ------------------------------------------------------------------------------------

def _lock_message(period: Period, extended_until: dt.date | None) -> str:
    return _(
        "The period \"%(name)s\" closed on %(day)s and no longer accepts reports. Ask the standing office for an extension.",
        name=period.name, day=format_date(period_last_day(period, extended_until)),
    )


def ensure_editable(period: Period, link: PeriodUnit | None, sub: Submission | None, day: dt.date) -> None:
    """Refuse (4xx) any change to a report that is not assigned, already submitted, accepted or locked."""
    if link is None:
        raise user_error(404, _("This unit has no report to make for this period."))
    if day < period.opens_on:
        raise user_error(409, _("The period opens on %(day)s.", day=format_date(period.opens_on)))
    if sub is not None and sub.state == "accepted":
        raise user_error(409, _("This report has been accepted and is locked."))
    if sub is not None and sub.state == "submitted":
        raise user_error(409, _("This report has been submitted and is waiting for review."))
    if is_locked(period, link.extended_until, sub, day):
        raise user_error(409, _lock_message(period, link.extended_until))


def lock_submission(period: Period, unit_id: int) -> Submission:
    """Return the unit's report for the period, created as a draft if needed, with its row lock held.

    Every change of a report (a field's autosave, the whole form, submit, review) takes this lock first, so they
    run one after another: a save cannot slip between the values checked on submit and the revision stored."""
    table = Submission.__table__
    if db.session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    db.session.execute(insert(table).values(
        period_id=period.id, unit_id=unit_id, state="draft", values={}, versions={}, late=False, updated_at=utcnow(),
    ).on_conflict_do_nothing(index_elements=["period_id", "unit_id"]))
    sub_id = db.session.scalar(select(Submission.id).where(Submission.period_id == period.id,
                                                           Submission.unit_id == unit_id))
    sub = lock(Submission, sub_id)
    assert sub is not None
    return sub


def get_or_create(period: Period, unit_id: int) -> Submission:
    return lock_submission(period, unit_id)


class FieldConflict(FieldError):
    """The field was saved elsewhere since this page showed it: both values go back to the user (409)."""

    def __init__(self, f: FormField, theirs: Any, version: int) -> None:
        self.key, self.theirs, self.version = f.key, theirs, version
        super().__init__(_("Someone saved this field meanwhile (saved value: %(value)s). Your value was not saved: "
                           "keep the saved value, or save yours again.", value=format_plain(f, theirs) or "—"))


def field_version(sub: Submission | None, key: str) -> int:
    return int(((sub.versions if sub else None) or {}).get(key, 0))


def save_value(sub: Submission, f: FormField, value: Any, based_on: int | None = None) -> None:
    """Change one field of a (locked) report and bump that field's version; other fields stay as stored.

    ``based_on`` is the field's version the user's page showed: when another save came in between with a
    different value, nothing changes and FieldConflict is raised (whoever sent it, the same user included)."""
    values = dict(sub.values or {})
    versions = dict(sub.versions or {})
    current = int(versions.get(f.key, 0))
    empty = value in (None, "", [])
    if based_on is not None and based_on != current and values.get(f.key) != (None if empty else value):
        raise FieldConflict(f, values.get(f.key), current)
    if empty:
        values.pop(f.key, None)
    else:
        values[f.key] = value
    versions[f.key] = current + 1
    sub.values = values
    sub.versions = versions


def _event(sub: Submission, action: str, user: Any, at: dt.datetime, comment: str | None = None) -> None:
    db.session.add(Event(
        submission_id=sub.id, period_id=sub.period_id, unit_id=sub.unit_id, action=action, comment=comment, at=at,
        user_id=getattr(user, "id", None), actor=getattr(user, "full_name", "") or "",
    ))


def submit(sub: Submission, link: PeriodUnit, user: Any, at: dt.datetime) -> dict[str, str]:
    """Check and submit the locked report (see lock_submission); return errors by field (nothing changes then).
    Timeliness is judged on the first submission."""
    period = sub.period
    errors = validate_all(period.version, sub.values or {})
    if errors:
        return errors
    resubmission = sub.first_submitted_at is not None
    if not resubmission:
        sub.first_submitted_at = at
        sub.late = local_date(at) > period_last_day(period, link.extended_until)
        db.session.flush()
        unit = db.session.get(Unit, sub.unit_id)
        if unit is not None:  # the report's number in the unit's register, taken with the submission
            issue_number("reports_submission", sub.id, issuer_of(unit), "BC", local_date(at))
    sub.submitted_at = at
    sub.state = "submitted"
    sub.revisions.append(Revision(number=len(sub.revisions) + 1, values=dict(sub.values or {}), at=at,
                                  by=getattr(user, "id", None)))
    _event(sub, "resubmitted" if resubmission else "submitted", user, at)
    return {}


def review(sub: Submission, action: str, user: Any, at: dt.datetime, comment: str | None = None) -> None:
    """Accept (locks the report) or return it with a comment; only a submitted report can be reviewed."""
    if sub.state == "accepted":
        raise user_error(409, _("This report has been accepted and is locked."))
    if sub.state != "submitted":
        raise user_error(409, _("Only a submitted report can be reviewed."))
    if action == "return" and not (comment or "").strip():
        raise FieldError(_("Write what the unit must correct."))
    sub.state = "accepted" if action == "accept" else "returned"
    sub.review_comment = (comment or "").strip() or None
    sub.reviewed_at = at
    sub.reviewed_by = getattr(user, "id", None)
    _event(sub, "accepted" if action == "accept" else "returned", user, at, sub.review_comment)


# --- status of one unit for one period ----------------------------------------------------------------------

def status_of(state: str | None, late: bool, first_submitted: bool, deadline: dt.date, day: dt.date) -> str:
    if state == "accepted":
        return "accepted"
    if state == "returned":
        return "returned"
    if state == "submitted":
        return "late" if late else "on_time"
    if day > deadline and not first_submitted:
        return "missing"
    return "draft" if state == "draft" else "not_started"


@dataclass
class OwedItem:
    period: Period
    deadline: dt.date
    sub: Submission | None
    bucket: str  # owed, due_soon, overdue, returned, locked, submitted, accepted
    hint: str = ""  # "trước ngày 10/11/2025"


def owed_for_unit(unit_id: int, day: dt.date) -> list[OwedItem]:
    """The unit's open periods, most urgent first, with what is owed (3 queries whatever the count)."""
    rows = db.session.execute(
        select(Period, PeriodUnit.extended_until)
        .join(PeriodUnit, PeriodUnit.period_id == Period.id)
        .where(PeriodUnit.unit_id == unit_id, Period.opens_on <= day)
    ).all()
    subs = {s.period_id: s for s in db.session.scalars(select(Submission).where(Submission.unit_id == unit_id))}
    soon = int(get_plugin_config("REPORTS_DUE_SOON_DAYS", 7))
    items = []
    for period, extended in rows:
        sub = subs.get(period.id)
        deadline = effective_deadline(period, extended)
        last = period_last_day(period, extended)
        state = sub.state if sub else None
        if state in ("submitted", "accepted", "returned"):
            bucket = state
        elif is_locked(period, extended, sub, day):
            bucket = "locked"
        elif day > last:
            bucket = "overdue"
        elif (last - day).days <= soon:
            bucket = "due_soon"
        else:
            bucket = "owed"
        items.append(OwedItem(period, deadline, sub, bucket, deadline_hint(period, extended)))
    order = {"returned": 0, "overdue": 1, "due_soon": 2, "owed": 3, "locked": 4, "submitted": 5, "accepted": 6}
    items.sort(key=lambda i: (order[i.bucket], i.deadline))
    return items


BUCKET_LABELS = {
    "returned": _l("Returned for correction"),
    "overdue": _l("Overdue"),
    "due_soon": _l("Due soon"),
    "owed": _l("To submit"),
    "locked": _l("Closed"),
    "submitted": _l("Waiting for review"),
    "accepted": _l("Accepted"),
}


# --- completeness and timeliness matrix ---------------------------------------------------------------------

@dataclass
class Matrix:
    periods: list[Any]
    units: list[Any]
    cells: dict[tuple[int, int], str]  # (unit_id, period_id) -> status
    by_kind: list[dict[str, Any]] = field(default_factory=list)
    totals: dict[str, int] = field(default_factory=dict)


def _counts() -> dict[str, int]:
    return {"expected": 0, "submitted": 0, "on_time": 0, "late": 0, "missing": 0, "accepted": 0}


def build_matrix(
    day: dt.date, scope: ColumnElement[bool] | None = None, year: int | None = None, unit_kind: str = "",
    period_ids: Sequence[int] = (), state: str = "",
) -> Matrix:
    """Units × periods with each cell's status and counts per unit kind, in four queries whatever the size."""
    # newest period first: the column that matters this month is the one beside the unit names
    pq = (select(Period.id, Period.name, Period.year, Period.deadline, Period.kind, Period.on_time_rule)
          .order_by(Period.opens_on.desc(), Period.id.desc()))
    if year:
        pq = pq.where(Period.year == year)
    if period_ids:
        pq = pq.where(Period.id.in_(list(period_ids)))
    periods = db.session.execute(pq).all()
    pid_list = [p.id for p in periods]
    scope = scope if scope is not None else true()
    links = db.session.execute(
        select(PeriodUnit.period_id, PeriodUnit.unit_id, PeriodUnit.extended_until)
        .join(Unit, Unit.id == PeriodUnit.unit_id)
        .where(PeriodUnit.period_id.in_(pid_list), scope, (Unit.kind == unit_kind) if unit_kind else true())
    ).all()
    subs = {
        (s.unit_id, s.period_id): s
        for s in db.session.execute(
            select(Submission.unit_id, Submission.period_id, Submission.state, Submission.late,
                   Submission.first_submitted_at)
            .join(Unit, Unit.id == Submission.unit_id)
            .where(Submission.period_id.in_(pid_list), scope, (Unit.kind == unit_kind) if unit_kind else true())
        )
    }
    unit_ids = {link.unit_id for link in links}
    units = db.session.execute(
        select(Unit.id, Unit.name, Unit.kind, Unit.code).where(Unit.id.in_(unit_ids or [0]))
    ).all()
    rules = {p.id: (p.deadline, p.on_time_rule) for p in periods}
    cells: dict[tuple[int, int], str] = {}
    kind_of = {u.id: u.kind for u in units}
    per_kind: dict[str, dict[str, int]] = defaultdict(_counts)
    for link in links:
        s = subs.get((link.unit_id, link.period_id))
        deadline = last_on_time_day(*rules[link.period_id], link.extended_until)
        st = status_of(s.state if s else None, bool(s and s.late), bool(s and s.first_submitted_at), deadline, day)
        cells[(link.unit_id, link.period_id)] = st
        c = per_kind[kind_of[link.unit_id]]
        c["expected"] += 1
        if s is not None and s.first_submitted_at is not None:
            c["submitted"] += 1
            c["late" if s.late else "on_time"] += 1
        if st == "missing":
            c["missing"] += 1
        if st == "accepted":
            c["accepted"] += 1
    if state:
        keep = {uid for (uid, _pid), st in cells.items() if st == state}
        units = [u for u in units if u.id in keep]
    units = sorted(units, key=lambda u: (list(UNIT_KIND_LABELS).index(u.kind) if u.kind in UNIT_KIND_LABELS else 99,
                                         vi_sort_key(u.name)))
    by_kind = [dict(kind=k, **per_kind[k]) for k in UNIT_KIND_LABELS if k in per_kind]
    totals = _counts()
    for row in by_kind:
        for key in totals:
            totals[key] += row[key]
    return Matrix(list(periods), units, cells, by_kind, totals)


# --- roll-up ------------------------------------------------------------------------------------------------

def previous_period(period: Period) -> Period | None:
    return db.session.scalar(
        select(Period).where(Period.kind == period.kind, Period.opens_on < period.opens_on, Period.id != period.id)
        .order_by(Period.opens_on.desc()).limit(1)
    )


def rollup_rows(period: Period, include_submitted: bool, scope: ColumnElement[bool] | None = None) -> list[Any]:
    states = ["accepted", "submitted"] if include_submitted else ["accepted"]
    return db.session.execute(
        select(Submission.unit_id, Submission.values, Submission.state, Submission.late, Submission.submitted_at,
               Unit.name, Unit.kind)
        .join(Unit, Unit.id == Submission.unit_id)
        .where(Submission.period_id == period.id, Submission.state.in_(states),
               scope if scope is not None else true())
    ).all()


AGGREGATION_LABELS = {
    "sum": _l("Sum"),
    "average": _l("Average"),
    "min": _l("Minimum"),
    "max": _l("Maximum"),
    "latest": _l("Latest value"),
    "count": _l("Count per option"),
    "none": _l("Not aggregated"),
}


def aggregations_for(kind: str) -> tuple[str, ...]:
    return NUMERIC_AGGREGATIONS if kind in NUMERIC_KINDS else OTHER_AGGREGATIONS


def default_aggregation(kind: str) -> str:
    if kind in NUMERIC_KINDS:
        return "sum"
    return "count" if kind in ("choice", "multichoice", "text") else "none"


def effective_aggregation(f: FormField) -> str:
    """The field's aggregation, or its kind's default when the stored one does not apply to the kind."""
    how = f.aggregation or ""
    return how if how in aggregations_for(f.kind) else default_aggregation(f.kind)


def counts_kind(f: FormField, unit_kind: str) -> bool:
    """Whether values of units of ``unit_kind`` enter the roll-up of ``f``."""
    return not f.unit_kinds or unit_kind in f.unit_kinds


@dataclass
class Aggregate:
    """One field rolled up as its aggregation says; ``value`` is what the district sees."""

    field: FormField
    count: int  # reports that gave a value (of the counted unit kinds)
    total: Decimal | None
    average: Decimal | None
    low: Decimal | None
    high: Decimal | None
    value: Decimal | None = None
    choice_counts: list[tuple[str, int]] = field(default_factory=list)
    same_units: Decimal | None = None  # this period's value over only the units compared with the previous one
    previous: Decimal | None = None  # the same aggregation over the same units in the previous period
    compared: int = 0  # units in the comparison

    @property
    def aggregation(self) -> str:
        return effective_aggregation(self.field)

    @property
    def change(self) -> Decimal | None:
        if self.same_units is None or self.previous is None:
            return None
        return self.same_units - self.previous


def _exact(value: Fraction, places: int = 2) -> Decimal:
    """A Fraction as a Decimal rounded half up, only for display."""
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)


def aggregate_field(f: FormField, items: Sequence[tuple[int, Any, Any]]) -> Aggregate:
    """Roll up ``items`` (unit id, order, value), ``order`` sorting a unit's values in time (period, submitted)."""
    how = effective_aggregation(f)
    if f.kind not in NUMERIC_KINDS:
        counts: dict[str, int] = {}
        answered = 0
        for _uid, _order, value in items:
            if value in (None, "", []):
                continue
            answered += 1
            for option in (value if isinstance(value, list) else [value]):
                if f.kind in ("choice", "multichoice"):
                    counts[str(option)] = counts.get(str(option), 0) + 1
        options = [(c, counts.get(c, 0)) for c in f.choices] if f.kind in ("choice", "multichoice") else []
        extra = [(c, n) for c, n in counts.items() if c not in (f.choices or [])]  # options removed since
        agg = Aggregate(f, answered, None, None, None, None)
        if how == "count":
            agg.value = Decimal(answered)
            agg.choice_counts = options + extra
        return agg
    nums = [(uid, order, n) for uid, order, n in ((u, o, numeric(v)) for u, o, v in items) if n is not None]
    values = [n for _u, _o, n in nums]
    total = sum(values, Decimal(0)) if values else None
    average = _exact(Fraction(total) / len(values)) if values else None
    agg = Aggregate(f, len(values), total, average, min(values) if values else None, max(values) if values else None)
    if not values or how == "none":
        return agg
    if how == "sum":
        agg.value = total
    elif how == "average":
        agg.value = average
    elif how == "min":
        agg.value = agg.low
    elif how == "max":
        agg.value = agg.high
    elif how == "latest":
        last: dict[int, tuple[Any, Decimal]] = {}
        for uid, order, n in nums:
            if uid not in last or order >= last[uid][0]:
                last[uid] = (order, n)
        agg.value = sum((n for _o, n in last.values()), Decimal(0))
    return agg


def _order(row: Any) -> tuple[Any, ...]:
    return (getattr(row, "period_order", 0), getattr(row, "submitted_at", None) or dt.datetime.min)


def aggregate(version: FormVersion, rows: Sequence[Any]) -> dict[str, Aggregate]:
    """Every field of ``version`` over ``rows`` (unit_id, kind, values[, period_order, submitted_at])."""
    out: dict[str, Aggregate] = {}
    for f in version.fields:
        if f.kind == "file":
            continue
        items = [(r.unit_id, _order(r), (r.values or {}).get(f.key)) for r in rows if counts_kind(f, r.kind)]
        out[f.key] = aggregate_field(f, items)
    return out


@dataclass
class Comparison:
    """The previous period on the same units: who is compared, who reported in only one of the two."""

    previous: Period | None
    compared: list[str] = field(default_factory=list)
    only_now: list[str] = field(default_factory=list)  # reported now, not before (names)
    only_before: list[str] = field(default_factory=list)  # reported before, not now
    merged: dict[str, list[str]] = field(default_factory=dict)  # successor -> predecessors compared with it
    now_rows: list[Any] = field(default_factory=list)  # this period's reports of the compared units
    before_rows: list[Any] = field(default_factory=list)  # their (or their predecessors') previous reports


def match_previous(now_rows: Sequence[Any], before_rows: Sequence[Any], links: dict[int, int | None]
                   ) -> tuple[list[Any], list[Any], Comparison]:
    """Keep the units that reported in both periods; a successor commune is compared with the sum of its
    predecessors' reports (``links``: unit id -> successor id). Returns (now rows, before rows, who is who)."""
    before_by_unit = {r.unit_id: r for r in before_rows}
    names = {r.unit_id: r.name for r in (*now_rows, *before_rows)}
    keep_now, keep_before, cmp = [], [], Comparison(None)
    used: set[int] = set()
    merged_into = predecessor_map(links)
    for r in now_rows:
        family = [u for u in [r.unit_id, *merged_into.get(r.unit_id, ())] if u in before_by_unit and u not in used]
        if not family:
            cmp.only_now.append(r.name)
            continue
        keep_now.append(r)
        used.update(family)
        keep_before.extend(_as_unit(before_by_unit[u], r.unit_id, r.kind) for u in family)
        cmp.compared.append(r.name)
        if family != [r.unit_id]:
            cmp.merged[r.name] = [names[u] for u in family if u != r.unit_id]
    cmp.only_before = sorted((names[u] for u in before_by_unit if u not in used), key=vi_sort_key)
    cmp.only_now.sort(key=vi_sort_key)
    return keep_now, keep_before, cmp


@dataclass(frozen=True)
class _Row:
    unit_id: int
    kind: str
    name: str
    values: dict[str, Any]
    submitted_at: dt.datetime | None = None
    period_order: int = 0


def _as_unit(row: Any, unit_id: int, kind: str) -> _Row:
    """A predecessor's report counted as its successor's (its kind decides what is counted)."""
    return _Row(unit_id, kind, row.name, row.values or {}, getattr(row, "submitted_at", None))


def unit_links() -> dict[int, int | None]:
    """unit id -> successor id, for every unit (one query)."""
    return {uid: succ for uid, succ in db.session.execute(select(Unit.id, Unit.successor_id))}


def rollup(period: Period, include_submitted: bool, scope: ColumnElement[bool] | None = None
           ) -> tuple[list[Any], list[Aggregate], Comparison]:
    """The period's roll-up by each field's aggregation, beside the previous period on the same units."""
    rows = sorted(rollup_rows(period, include_submitted, scope), key=lambda r: vi_sort_key(r.name))
    aggs = aggregate(period.version, rows)
    prev = previous_period(period)
    cmp = Comparison(prev)
    if prev is not None:
        now_rows, before_rows, cmp = match_previous(rows, rollup_rows(prev, include_submitted, scope), unit_links())
        cmp.previous, cmp.now_rows, cmp.before_rows = prev, now_rows, before_rows
        now_same = aggregate(period.version, now_rows)
        before = aggregate(prev.version, before_rows)
        for key, agg in aggs.items():
            if key in before and agg.field.kind in NUMERIC_KINDS:
                agg.same_units = now_same[key].value
                agg.previous = before[key].value
                agg.compared = len(now_rows)
    return rows, list(aggs.values()), cmp


# --- reminders and evidence ---------------------------------------------------------------------------------

def not_submitted(period: Period, scope: ColumnElement[bool] | None = None) -> list[Any]:
    """Assigned units that have never submitted for ``period`` (drafts included), in Vietnamese order."""
    done = select(Submission.unit_id).where(Submission.period_id == period.id,
                                            Submission.first_submitted_at.is_not(None))
    rows = db.session.execute(
        select(Unit.id, Unit.name, Unit.kind, PeriodUnit.extended_until)
        .join(PeriodUnit, PeriodUnit.unit_id == Unit.id)
        .where(PeriodUnit.period_id == period.id, Unit.id.not_in(done), scope if scope is not None else true())
    ).all()
    return sorted(rows, key=lambda r: vi_sort_key(r.name))


def unit_history(unit_ids: Sequence[int]) -> list[tuple[Period, Unit, Submission | None]]:
    """Every period owed by these units (a unit and its predecessors), newest first, with each unit's submission."""
    rows = db.session.execute(
        select(Period, Unit, Submission)
        .join(PeriodUnit, PeriodUnit.period_id == Period.id)
        .join(Unit, Unit.id == PeriodUnit.unit_id)
        .outerjoin(Submission, (Submission.period_id == Period.id) & (Submission.unit_id == PeriodUnit.unit_id))
        .where(PeriodUnit.unit_id.in_(list(unit_ids)))
        .order_by(Period.opens_on.desc(), Period.id.desc())
    ).all()
    return [(p, u, s) for p, u, s in rows]


def evidence_rows(unit_id: int, year: int | None) -> list[tuple[Period, Submission | None]]:
    query = (
        select(Period, Submission)
        .join(PeriodUnit, (PeriodUnit.period_id == Period.id) & (PeriodUnit.unit_id == unit_id))
        .outerjoin(Submission, (Submission.period_id == Period.id) & (Submission.unit_id == unit_id))
        .order_by(Period.opens_on)
    )
    if year is not None:
        query = query.where(Period.year == year)
    return [(p, s) for p, s in db.session.execute(query).all()]
