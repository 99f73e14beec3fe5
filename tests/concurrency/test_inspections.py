"""Inspection answers from two phones of one account over real HTTP (issue 9, defect 11): an answer posted from a
page that shows an older version must not overwrite a newer answer (409), and two phones answering one item at
the same instant give one saved answer and one 409."""
from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import select

from portal.extensions import db
from tests.concurrency import world
from tests.concurrency.client import Client, fire
from tests.concurrency.conftest import rounds
from tests.concurrency.rounds import Tally


def inspection_world(app: Any, items: int) -> tuple[int, list[int], str]:
    """An inspection in progress of a commune with ``items`` pass/fail items, led by an inspector."""
    from plugins.inspections.services import conduct as sv
    from plugins.inspections.models import ChecklistItem, ChecklistSection, ChecklistTemplate, Inspection

    commune = world.unit(app, "Xã Sơn Bình", "xa-son-binh")
    leader = world.user(app, "doantruong", ["inspector"], full_name="Trưởng đoàn kiểm tra")
    with world.ctx(app):
        t = ChecklistTemplate(code="kiem-tra-giam-ngheo", version=1, title="Kiểm tra công tác giảm nghèo", frozen=True)
        db.session.add(t)
        db.session.flush()
        section = ChecklistSection(template_id=t.id, position=1, title="Rà soát hộ nghèo")
        db.session.add(section)
        db.session.flush()
        for pos in range(1, items + 1):
            db.session.add(ChecklistItem(template_id=t.id, section_id=section.id, position=pos,
                                         text=f"Mục kiểm tra {pos}", answer_type="pass_fail", max_score=Decimal(1),
                                         weight=Decimal(1)))
        today = world.local_today()
        i = Inspection(template_id=t.id, unit_id=commune, year=today.year, planned_date=today, state="in_progress")
        sv.set_team(i, leader, ())
        db.session.add(i)
        db.session.commit()
        ids = list(db.session.scalars(select(ChecklistItem.id).where(ChecklistItem.template_id == t.id)
                                      .order_by(ChecklistItem.position)))
        return i.id, ids, "doantruong"


def answer_of(app: Any, inspection_id: int, item_id: int) -> str | None:
    from plugins.inspections.models import Answer

    with world.ctx(app):
        return db.session.scalar(select(Answer.result).where(Answer.inspection_id == inspection_id,
                                                             Answer.item_id == item_id))


def test_answer_from_a_stale_phone_is_refused(portal, seed_app):
    n = rounds(6)
    inspection, items, leader = inspection_world(seed_app, 2 * n)
    phones = [Client(portal.base, f"phone-{k}").logged_in(leader) for k in (1, 2)]
    url = f"/inspections/{inspection}"
    tally = Tally("inspection answer from a stale phone", n)
    for r in tally:
        # one phone answers; the other still shows the page from before and answers the same item differently
        item = items[2 * r]
        # (the checklist is one form; each change posts it naming the item, fields "<name>.<item id>")
        forms = [p.form(url, "/answers") for p in phones]
        first = phones[0].post(forms[0].action, forms[0].values(
            **{"item": item, f"result.{item}": "pass", f"note.{item}": "Có danh sách niêm yết"}), hx=True)
        stale = phones[1].post(forms[1].action, forms[1].values(
            **{"item": item, f"result.{item}": "fail", f"note.{item}": "Chưa niêm yết"}), hx=True)
        tally.check(r, first.status == 200, f"first answer {first!r}")
        tally.check(r, stale.status == 409, f"stale answer {stale!r}, expected 409")
        tally.check(r, answer_of(seed_app, inspection, item) == "pass",
                    f"stored {answer_of(seed_app, inspection, item)!r}, the newer answer was 'pass'")
        # both phones answer another item at the same instant, from the same version
        item = items[2 * r + 1]
        forms = [p.form(url, "/answers") for p in phones]
        choices = ["pass", "fail"]
        shots = fire(2, lambda i: phones[i].post(forms[i].action, forms[i].values(
            **{"item": item, f"result.{item}": choices[i]}), hx=True))
        ok = [i for i, s in enumerate(shots) if s.status == 200]
        tally.check(r, len(ok) == 1 and sorted(s.status for s in shots) == [200, 409], f"answers {shots}")
        if len(ok) == 1:
            stored = answer_of(seed_app, inspection, item)
            tally.check(r, stored == choices[ok[0]], f"stored {stored!r}, the saved answer was {choices[ok[0]]!r}")
    tally.done()
