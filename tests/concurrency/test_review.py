"""The movement review over real HTTP: "take the figures again" runs under the review's lock, so an office member's
paragraph saved at the same instant is never lost, and two regenerations at once never duplicate a section."""
from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from portal.extensions import db
from tests.concurrency import world
from tests.concurrency.client import Client, fire
from tests.concurrency.conftest import rounds
from tests.concurrency.rounds import Tally


def _review(app: Any) -> tuple[int, int, list[int]]:
    from portal.review.models import Review
    from portal.review.services import draft

    period = world.report_period(app)["period"]  # so the reports plugin gives a section (completeness)
    world.report_unit(app, period, 1, reporters=0)
    with world.ctx(app):
        year = world.local_today().year
        review = draft({"kind": "annual", "title": f"Báo cáo năm {year}", "year_from": year, "year_to": year,
                        "unit_kinds": ["commune"]}, None)
        db.session.commit()
        review = db.session.get(Review, review.id)
        return period, review.id, [s.id for s in review.sections]


def _sections(app: Any, review_id: int) -> dict[int, str]:
    from portal.review.models import ReviewSection

    with world.ctx(app):
        rows = db.session.execute(select(ReviewSection.id, ReviewSection.narrative)
                                  .where(ReviewSection.review_id == review_id)).all()
        return {r.id: r.narrative for r in rows}


def _untouched(app: Any, section_id: int) -> None:
    """The paragraph as drafted (never edited), the only kind regenerating rewrites."""
    from portal.review.models import ReviewSection

    with world.ctx(app):
        row = db.session.get(ReviewSection, section_id)
        row.narrative = row.default_narrative
        db.session.commit()


def test_regenerate_races_a_paragraph_and_itself(portal, seed_app):
    period, review_id, section_ids = _review(seed_app)
    assert section_ids, "the plugins gave no review section"
    for name in ("vanphong1", "vanphong2"):
        world.user(seed_app, name, ["standing_office"])
    a, b = (Client(portal.base, n).logged_in(n) for n in ("vanphong1", "vanphong2"))
    target = section_ids[0]
    tally = Tally("review regenerate vs paragraph / regenerate", rounds(6))
    for r in tally:
        # the figures change before each round, so regenerating writes a new default paragraph: without the lock
        # it would overwrite the paragraph saved meanwhile
        world.report_unit(seed_app, period, r + 2, reporters=0)
        _untouched(seed_app, target)
        regen = a.form(f"/review/{review_id}/regenerate", f"/review/{review_id}/regenerate")
        edit = b.form(f"/review/{review_id}/s/{target}", f"/s/{target}")
        text = f"Đoạn văn của văn phòng, lần {r}."
        posts = [(a, regen.action, regen.values(confirm="yes")), (b, edit.action, edit.values(text=text))]
        shots = fire(2, lambda i: posts[i][0].post(posts[i][1], posts[i][2]))
        tally.check(r, all(s.response is not None and s.response.status == 302 for s in shots), f"{shots}")
        after = _sections(seed_app, review_id)
        tally.check(r, after.get(target) == text, f"the paragraph was lost: {after.get(target)!r}")
        tally.check(r, sorted(after) == sorted(section_ids), f"sections changed: {sorted(after)} != {section_ids}")
        # two regenerations at the same instant: both succeed one after the other, no section is added twice
        forms = [c.form(f"/review/{review_id}/regenerate", f"/review/{review_id}/regenerate") for c in (a, b)]
        shots = fire(2, lambda i: (a, b)[i].post(forms[i].action, forms[i].values(confirm="yes")))
        tally.check(r, all(s.response is not None and s.response.status == 302 for s in shots), f"{shots}")
        after = _sections(seed_app, review_id)
        tally.check(r, sorted(after) == sorted(section_ids) and after[target] == text,
                    f"after two regenerations: {sorted(after)}, paragraph {after.get(target)!r}")
    with world.ctx(seed_app):
        from portal.review.models import ReviewSection

        n = db.session.scalar(select(func.count()).select_from(ReviewSection).where(ReviewSection.review_id == review_id))
    assert n == len(section_ids)
    tally.done()
