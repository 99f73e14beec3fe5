"""Fixtures of the inspections plugin tests: the plugin enabled, checklist and inspection factories."""
from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from flask import Flask

from portal.extensions import db


@pytest.fixture
def enabled_plugins() -> list[str]:
    return ["inspections"]


def jpeg_bytes(size: tuple[int, int] = (640, 480), color: tuple[int, int, int] = (30, 120, 60)) -> bytes:
    """A real JPEG made with Pillow (a phone photo stand-in)."""
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", size, color).save(buf, "JPEG")
    return buf.getvalue()


@pytest.fixture
def make_template(app: Flask) -> Callable[..., int]:
    """Create a checklist version: ``items`` is a list of dicts (section index, text, answer_type, ...).

    ``make_template(n=10)`` makes n pass/fail items spread over sections of 10.
    """
    from plugins.inspections.models import ChecklistItem, ChecklistSection, ChecklistTemplate

    counter = iter(range(1, 10_000))

    def make(n: int = 0, items: list[dict[str, Any]] | None = None, frozen: bool = False) -> int:
        k = next(counter)
        items = items if items is not None else [{"section": i // 10, "text": f"Mục kiểm tra {i + 1}"} for i in range(n)]
        with app.app_context():
            t = ChecklistTemplate(code=f"test-{k}", version=1, title=f"Bảng kiểm tra {k}", frozen=frozen)
            db.session.add(t)
            db.session.flush()
            sections: dict[int, ChecklistSection] = {}
            for pos, spec in enumerate(items, start=1):
                s_idx = spec.get("section", 0)
                if s_idx not in sections:
                    sections[s_idx] = ChecklistSection(template_id=t.id, position=s_idx + 1, title=f"Phần {s_idx + 1}")
                    db.session.add(sections[s_idx])
                    db.session.flush()
                kind = spec.get("answer_type", "pass_fail")
                db.session.add(ChecklistItem(
                    template_id=t.id, section_id=sections[s_idx].id, position=pos, text=spec.get("text", f"Mục {pos}"),
                    answer_type=kind,
                    max_score=Decimal(str(spec["max_score"])) if spec.get("max_score") is not None else (Decimal(1) if kind == "pass_fail" else None),
                    weight=Decimal(str(spec.get("weight", 1))),
                    note_required_on_fail=spec.get("note_required", False), photo_required=spec.get("photo_required", False),
                ))
            db.session.commit()
            return t.id

    return make


@pytest.fixture
def make_inspection(app: Flask) -> Callable[..., int]:
    """Create an inspection of ``unit_id`` with ``template_id`` led by ``leader_id``; state in_progress by default."""
    from plugins.inspections.models import Inspection
    from plugins.inspections.services.conduct import set_team

    def make(template_id: int, unit_id: int, leader_id: int, members: tuple[int, ...] = (), state: str = "in_progress",
             year: int = 2025, previous_id: int | None = None) -> int:
        with app.app_context():
            i = Inspection(template_id=template_id, unit_id=unit_id, year=year, planned_date=dt.date(year, 5, 20),
                           state=state, previous_id=previous_id)
            set_team(i, leader_id, members)
            db.session.add(i)
            db.session.commit()
            return i.id

    return make


@pytest.fixture
def item_ids(app: Flask) -> Callable[[int], list[int]]:
    """Item ids of a template, in checklist order."""
    from plugins.inspections.services.checklists import load_checklist

    def get(template_id: int) -> list[int]:
        with app.app_context():
            return [i.id for _s, items in load_checklist(template_id) for i in items]

    return get
