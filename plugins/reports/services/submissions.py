"""The unit's workflow (draft, autosave with field versions, submit, review) and what a unit owes."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from portal.toolkit import (
    Role,
    User,
    Unit,
    _,
    db,
    format_date,
    get_plugin_config,
    issue_number,
    issuer_of,
    local_date,
    lock_or_create,
    Refused,
    utcnow,
)

from ..permissions import REVIEW
from ..models import (
    Event,
    FormField,
    Period,
    PeriodUnit,
    Revision,
    Submission,
)
from .values import FieldError, format_plain, validate_all
from .periods import deadline_hint, effective_deadline, is_locked, period_last_day


# --- the unit's workflow ------------------------------------------------------------------------------------

def _lock_message(period: Period, extended_until: dt.date | None) -> str:
    return _(
        "The period \"%(name)s\" closed on %(day)s and no longer accepts reports. Ask the standing office for an extension.",
        name=period.name, day=format_date(period_last_day(period, extended_until)),
    )


def ensure_editable(period: Period, link: PeriodUnit | None, sub: Submission | None, day: dt.date) -> None:
    """Refuse (4xx) any change to a report that is not assigned, already submitted, accepted or locked."""
    if link is None:
        raise Refused(404, _("This unit has no report to make for this period."))
    if day < period.opens_on:
        raise Refused(409, _("The period opens on %(day)s.", day=format_date(period.opens_on)))
    if sub is not None and sub.state == "accepted":
        raise Refused(409, _("This report has been accepted and is locked."))
    if sub is not None and sub.state == "submitted":
        raise Refused(409, _("This report has been submitted and is waiting for review."))
    if is_locked(period, link.extended_until, sub, day):
        raise Refused(409, _lock_message(period, link.extended_until))


def lock_submission(period: Period, unit_id: int) -> Submission:
    """Return the unit's report for the period, created as a draft if needed, with its row lock held.

    Every change of a report (a field's autosave, the whole form, submit, review) takes this lock first, so they
    run one after another: a save cannot slip between the values checked on submit and the revision stored."""
    return lock_or_create(Submission, {"period_id": period.id, "unit_id": unit_id}, state="draft", values={},
                          versions={}, late=False, updated_at=utcnow())


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


def review(sub: Submission, action: str, user: Any, at: dt.datetime, comment: str | None = None,
           field_comments: dict[str, str] | None = None) -> None:
    """Accept (locks the report) or return it with a comment and/or a comment per field; only a submitted report
    can be reviewed."""
    if sub.state == "accepted":
        raise Refused(409, _("This report has been accepted and is locked."))
    if sub.state != "submitted":
        raise Refused(409, _("Only a submitted report can be reviewed."))
    notes = {k: v.strip() for k, v in (field_comments or {}).items() if v and v.strip()} if action == "return" else {}
    if action == "return" and not (comment or "").strip() and not notes:
        raise FieldError(_("Write what the unit must correct."))
    sub.state = "accepted" if action == "accept" else "returned"
    sub.review_comment = (comment or "").strip() or None
    sub.field_comments = notes
    sub.reviewed_at = at
    sub.reviewed_by = getattr(user, "id", None)
    labels = {f.key: f.label for f in sub.period.version.fields}
    told = [sub.review_comment or ""] + [f"{labels.get(k, k)}: {v}" for k, v in notes.items()]
    _event(sub, "accepted" if action == "accept" else "returned", user, at, "\n".join(t for t in told if t) or None)


def reviewers() -> list[User]:
    """The active users told when a unit submits: those whose role reviews every unit's reports (the standing
    office); the administrator role is left out (it runs the site, not the reports)."""
    return list(db.session.scalars(select(User).where(
        User.active.is_(True),
        User.roles.any((Role.code != "admin") & Role.grants.any(permission=REVIEW, scope="all")),
    ).order_by(User.id)))


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


#: What the unit still has to act on (a closed period never submitted is shown there too, with the reason).
OWED_BUCKETS = ("returned", "overdue", "due_soon", "owed", "locked")


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
