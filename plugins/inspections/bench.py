"""Benchmark hook of the inspections plugin: a 200-item checklist, 60 inspections with every item answered."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import insert, select

from portal.toolkit import Unit, db, ensure_demo_user
from .models import (
    Answer,
    ChecklistItem,
    ChecklistSection,
    ChecklistTemplate,
    Finding,
    Inspection,
)

USERNAME = "bench_inspections"
ITEMS = 200
INSPECTIONS = 60


def seed(password: str) -> None:
    user = ensure_demo_user(USERNAME, "Người đo kiểm tra", ["inspector", "standing_office"], "phong-ldtbxh", password)
    template = ChecklistTemplate(code="bench", version=1, title="Bảng kiểm tra 200 mục", frozen=True)
    db.session.add(template)
    db.session.flush()
    sections = []
    for s in range(10):
        section = ChecklistSection(template_id=template.id, position=s + 1, title=f"Phần {s + 1}")
        db.session.add(section)
        sections.append(section)
    db.session.flush()
    db.session.execute(insert(ChecklistItem), [
        {"template_id": template.id, "section_id": sections[i // 20].id, "key": f"bench{i:04d}", "position": i + 1,
         "text": f"Nội dung kiểm tra số {i + 1}: đơn vị thực hiện đúng kế hoạch", "answer_type": "pass_fail",
         "max_score": Decimal(1), "weight": Decimal(1 + i % 3), "note_required_on_fail": i % 5 == 0,
         "photo_required": False}
        for i in range(ITEMS)
    ])
    items = list(db.session.scalars(select(ChecklistItem.id).where(ChecklistItem.template_id == template.id)
                                    .order_by(ChecklistItem.position)))
    communes = list(db.session.scalars(select(Unit.id).where(Unit.kind == "commune").order_by(Unit.code)))
    rows = []
    for n in range(INSPECTIONS):
        done = n % 2 == 0
        rows.append({"template_id": template.id, "unit_id": communes[n % len(communes)], "year": 2023 + n % 3,
                     "planned_date": dt.date(2023 + n % 3, 1 + n % 12, 10), "leader_id": user.id,
                     "state": "completed" if done else "in_progress",
                     "achieved": Decimal(300) if done else None, "applicable": Decimal(380) if done else None,
                     "completed_at": dt.datetime(2023 + n % 3, 1 + n % 12, 11) if done else None})
    db.session.execute(insert(Inspection), rows)
    ids = list(db.session.scalars(select(Inspection.id).where(Inspection.template_id == template.id).order_by(Inspection.id)))
    answers, findings = [], []
    for iid in ids:
        for k, item in enumerate(items):
            failed = k % 10 == 0
            answers.append({"inspection_id": iid, "item_id": item, "result": "fail" if failed else "pass",
                            "note": "Chưa thực hiện" if failed else None, "version": 1, "answered_by": user.id,
                            "answered_at": dt.datetime(2025, 1, 1)})
    db.session.execute(insert(Answer), answers)
    unit_of = dict(db.session.execute(select(Inspection.id, Inspection.unit_id).where(Inspection.id.in_(ids))).all())
    for iid in ids[0::2]:
        for item in items[0::10]:
            findings.append({"inspection_id": iid, "item_id": item, "description": "Nội dung chưa đạt",
                             "recommendation": "Khắc phục trong 30 ngày", "responsible_unit_id": unit_of[iid],
                             "due_date": dt.date(2025, 3, 1), "state": "open"})
    db.session.execute(insert(Finding), findings)
    db.session.commit()


def pages() -> list[tuple[str, ...]]:
    ids = list(db.session.scalars(select(Inspection.id).join(ChecklistTemplate).where(ChecklistTemplate.code == "bench")
                                  .order_by(Inspection.id).limit(2)))
    done, ongoing = ids[0], ids[1]
    return [
        ("inspections list", "/inspections/"),
        ("inspection (200 items, in progress)", f"/inspections/{ongoing}"),
        ("inspection (200 items, completed)", f"/inspections/{done}"),
        ("minutes", f"/inspections/{done}/minutes", "document"),
        ("findings", "/inspections/findings/"),
        ("summary", "/inspections/summary?year=2023"),
    ]
