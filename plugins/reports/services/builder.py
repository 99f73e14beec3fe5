"""The form builder: fields, their order and roll-up, cross-field rules, versions kept for periods in use."""
from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import func, select

from portal.toolkit import (
    UNIT_KIND_LABELS,
    _,
    db,
    fold,
    Refused,
)

from ..models import (
    FIELD_KINDS,
    NUMERIC_KINDS,
    RULE_OPERATORS,
    FormField,
    FormRule,
    FormVersion,
    Period,
    ReportForm,
)
from .values import FieldError, numeric_keys, parse_expression, parse_number
from .rollup import aggregations_for, default_aggregation


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
        raise Refused(404, _("The field was not found."))
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


def keys_in_rules(version: FormVersion) -> set[str]:
    """Field keys a cross-field rule of ``version`` uses (such a field cannot be removed before its rule)."""
    return {k for r in version.rules for k in (r.left, *(t for _s, t in _terms_loose(r.right)))}


def remove_field(version: FormVersion, key: str) -> None:
    f = field_by_key(version, key)
    if f is None:
        raise Refused(404, _("The field was not found."))
    if key in keys_in_rules(version):
        raise Refused(409, _("A cross-field rule uses this field; remove the rule first."))
    version.fields.remove(f)


def _terms_loose(text: str) -> list[tuple[int, str]]:
    return [(1, t) for t in re.findall(r"[a-z][a-z0-9_]*", text or "")]


def move_field(version: FormVersion, key: str, step: int) -> None:
    fields = list(version.fields)
    idx = next((i for i, f in enumerate(fields) if f.key == key), None)
    if idx is None:
        raise Refused(404, _("The field was not found."))
    other = idx + step
    if 0 <= other < len(fields):
        fields[idx], fields[other] = fields[other], fields[idx]
    for i, f in enumerate(fields, start=1):
        f.position = i


def rule_expression(version: FormVersion, fields: Sequence[str], number: str | None) -> str:
    """The right side of a rule from the builder's lists: the sum of ``fields`` (number fields of the version)
    plus ``number``; raise FieldError when neither is given or a name is not a number field."""
    keys = set(numeric_keys(version))
    unknown = [k for k in fields if k not in keys]
    if unknown:
        raise FieldError(_("Unknown number field: %(key)s.", key=", ".join(unknown)))
    terms = list(dict.fromkeys(fields))
    if number:
        terms.append(str(parse_number(number, "decimal")))
    if not terms:
        raise FieldError(_("Choose at least one field to compare with, or give a number."))
    return " + ".join(terms)


def rule_text(version: FormVersion, rule: FormRule) -> str:
    """A rule as people read it: "Số hộ thoát nghèo ≤ Số hộ nghèo đầu năm + 5" (field labels, not keys)."""
    names = {f.key: f.label for f in version.fields}
    try:
        terms = parse_expression(rule.right, names)
    except FieldError:  # a rule stored before the lists: shown as written
        return f"{names.get(rule.left, rule.left)} {rule.operator} {rule.right}"
    right = ""
    for i, (sign, term) in enumerate(terms):
        shown = names.get(term, term)
        right += (" − " if sign < 0 else (" + " if i else "")) + shown
    symbol = {"<=": "≤", ">=": "≥", "!=": "≠"}.get(rule.operator, rule.operator)
    return f"{names.get(rule.left, rule.left)} {symbol} {right}"


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
