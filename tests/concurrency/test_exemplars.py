"""Exemplars under real concurrency (gunicorn, CSRF on): two officers verify the same proposed exemplar at the same
instant; exactly one verification takes effect, the other answers 409 with a Vietnamese message; and the same
verification form posted twice at once (a double tap) is recorded once."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from portal.extensions import db
from tests.concurrency import world
from tests.concurrency.client import Client, fire, is_vietnamese
from tests.concurrency.conftest import rounds
from tests.concurrency.rounds import Tally


def _proposed(app, unit_id: int, r: int) -> int:
    from plugins.exemplars.services import cycle

    with world.ctx(app):
        ex = cycle.propose({"kind": "model", "title": f"Mô hình chè {r}", "unit_id": unit_id, "sector": "livelihood",
                            "description": "Liên kết trồng chè", "source": "unit", "households": 10}, None)
        db.session.commit()
        return ex.id


def _verifications(app, ex_id: int) -> tuple[str, int]:
    from plugins.exemplars.models import CycleStep, Exemplar

    with world.ctx(app):
        state = db.session.get(Exemplar, ex_id).state
        n = db.session.scalar(select(func.count(CycleStep.id)).where(CycleStep.exemplar_id == ex_id,
                                                                     CycleStep.action == "verify"))
        return state, int(n)


def test_verifying_twice_at_once_takes_effect_once(portal, seed_app):
    commune = world.unit(seed_app, "Xã Bản Bo", "xa-ban-bo-conc")
    for name in ("vanphong1", "vanphong2"):
        world.user(seed_app, name, ["standing_office"])
    a, b = (Client(portal.base, n).logged_in(n) for n in ("vanphong1", "vanphong2"))
    tally = Tally("exemplar verified by two officers at once", rounds(6))
    day = dt.date(2024, 5, 10).strftime("%d/%m/%Y")
    for r in tally:
        ex = _proposed(seed_app, commune, r)
        url = f"/exemplars/{ex}"
        fa, fb = a.form(url, "/verify"), b.form(url, "/verify")
        posts = [(a, fa.action, fa.values(visit_date=day, note="Đã xác minh A")),
                 (b, fb.action, fb.values(visit_date=day, note="Đã xác minh B"))]
        shots = fire(2, lambda i: posts[i][0].post(posts[i][1], posts[i][2]))
        ok = [s for s in shots if s.response is not None and s.response.ok]
        lost = [s for s in shots if s not in ok]
        tally.check(r, len(ok) == 1, f"{len(ok)} of 2 verifications succeeded: {shots}")
        if len(lost) == 1:
            tally.check(r, lost[0].status == 409 and any(is_vietnamese(t) for t in lost[0].response.alerts()),
                        f"the second verification answered {lost[0]!r}, expected 409 with a Vietnamese message")
        state, n = _verifications(seed_app, ex)
        tally.check(r, (state, n) == ("verified", 1), f"state {state}, {n} verification steps")
        # a double tap: the same rendered form posted twice at once is recorded once, both answers succeed
        ex = _proposed(seed_app, commune, 100 + r)
        form = a.form(f"/exemplars/{ex}", "/verify")
        values = form.values(visit_date=day, note="Một lần")
        shots = fire(2, lambda i: a.post(form.action, values))
        tally.check(r, all(s.response is not None and s.response.ok for s in shots), f"double tap: {shots}")
        state, n = _verifications(seed_app, ex)
        tally.check(r, (state, n) == ("verified", 1), f"double tap: state {state}, {n} verification steps")
    tally.done()
