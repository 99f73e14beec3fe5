"""Fixtures of the reports plugin tests: a small form (with a rule), a period, two communes; the clock frozen on 5/11/2024 (root frozen_at)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest

from portal.extensions import db


@pytest.fixture
def enabled_plugins() -> list[str]:
    return ["reports"]


@dataclass
class World:
    period_id: int
    form_id: int
    unit_a: int
    unit_b: int

    def url(self, unit_id: int | None = None, tail: str = "") -> str:
        return f"/reports/p/{self.period_id}/u/{unit_id or self.unit_a}{tail}"


def build_form(fields: list[tuple[str, str, dict[str, Any]]], rules: list[tuple[str, str, str, str]]) -> Any:
    from plugins.reports.models import FormField, FormRule, FormVersion, ReportForm

    form = ReportForm(name="Mẫu thử")
    version = FormVersion(number=1)
    form.versions.append(version)
    for i, (key, kind, extra) in enumerate(fields, start=1):
        version.fields.append(FormField(position=i, key=key, label=extra.pop("label", key), kind=kind, **extra))
    for left, op, right, message in rules:
        version.rules.append(FormRule(left=left, operator=op, right=right, message=message))
    db.session.add(form)
    db.session.flush()
    return form


@pytest.fixture
def world(app: Any, make_unit: Any, frozen_at: Any) -> World:
    from plugins.reports.models import Period, PeriodUnit

    frozen_at(dt.datetime(2024, 11, 5, 3, 0))

    a = make_unit("Xã Bản Bo", code="xa-ban-bo")
    b = make_unit("Xã Bình Lư", code="xa-binh-lu")
    with app.app_context():
        form = build_form(
            [
                ("poor", "integer", {"label": "Số hộ nghèo đầu năm", "required": True, "min_value": "0", "max_value": "1000"}),
                ("escaped", "integer", {"label": "Số hộ thoát nghèo", "required": True, "min_value": "0"}),
                ("rate", "decimal", {"label": "Tỷ lệ hộ nghèo (%)", "min_value": "0", "max_value": "100"}),
                ("ways", "multichoice", {"label": "Hình thức", "choices": ["Hội nghị", "Loa"]}),
                ("note", "longtext", {"label": "Khó khăn"}),
                ("scan", "file", {"label": "Bản scan"}),
            ],
            [("escaped", "<=", "poor", "Số hộ thoát nghèo không được lớn hơn số hộ nghèo đầu năm.")],
        )
        period = Period(name="Báo cáo năm 2024", kind="annual", year=2024, version_id=form.latest.id,
                        opens_on=dt.date(2024, 9, 1), deadline=dt.date(2024, 11, 10), late_policy="accept")
        period.assignments = [PeriodUnit(unit_id=a), PeriodUnit(unit_id=b)]
        db.session.add(period)
        db.session.commit()
        return World(period.id, form.id, a, b)
