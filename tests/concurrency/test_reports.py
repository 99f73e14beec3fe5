"""Report autosave races over real HTTP (issue 9, defects 3 and 4).

A field save is what htmx sends from ``reports/_field.html``: the element carrying ``hx-post`` sits inside the
report form, so htmx posts the whole form (every field, every hidden input such as a version) with the changed
field's new value, to that field's URL. The tests scrape the page and post exactly that."""
from __future__ import annotations

from typing import Any

import pytest

from tests.concurrency import world
from tests.concurrency.client import Client, fire, text_of
from tests.concurrency.conftest import rounds
from tests.concurrency.rounds import Tally


def same(value: Any, expected: Any) -> bool:
    return str(value) == str(expected)


def _field(client: Client, url: str, key: str) -> Any:
    return client.form(url, f"/field/{key}")


@pytest.mark.parametrize("browsers", ["two reporters", "one browser"])
def test_two_fields_saved_at_once_are_both_kept(portal, seed_app, browsers):
    """Two different fields of one report saved at the same instant: both answers say saved, both values stay."""
    period = world.report_period(seed_app)["period"]
    unit_id, names = world.report_unit(seed_app, period, 1)
    a = Client(portal.base, names[0]).logged_in(names[0])
    b = a if browsers == "one browser" else Client(portal.base, names[1]).logged_in(names[1])
    url = f"/reports/p/{period}/u/{unit_id}"
    tally = Tally(f"lost autosave ({browsers})", rounds(15))
    for r in tally:
        page_a, page_b = a.get(url), b.get(url)
        fa, fb = a.form(url, "/field/poor", page=page_a), b.form(url, "/field/escaped", page=page_b)
        poor, escaped = 200 + r, 100 + r
        posts = [(a, fa, fa.hx_values(poor=poor)), (b, fb, fb.hx_values(escaped=escaped))]
        shots = fire(2, lambda i: posts[i][0].post(posts[i][1].action, posts[i][2], hx=True))
        _state, values, _rev = world.report_state(seed_app, period, unit_id)
        tally.check(r, all(s.status == 200 for s in shots), f"answers {shots}")
        tally.check(r, same(values.get("poor"), poor) and same(values.get("escaped"), escaped),
                    f"stored poor={values.get('poor')} escaped={values.get('escaped')}, saved {poor}/{escaped}")
    tally.done()


def test_same_field_from_two_tabs(portal, seed_app):
    """One field saved from two tabs that show the same version: one is saved, the other answers 409 and shows
    both values (never a silent last-write-wins)."""
    period = world.report_period(seed_app)["period"]
    unit_id, names = world.report_unit(seed_app, period, 2, reporters=1)
    a = Client(portal.base, names[0]).logged_in(names[0])
    url = f"/reports/p/{period}/u/{unit_id}"
    tally = Tally("same field from two tabs", rounds(10))
    for r in tally:
        tabs = [a.form(url, "/field/note"), a.form(url, "/field/note")]  # two tabs loaded before either saves
        texts = [f"Thiếu vốn sản xuất (tab 1, lần {r})", f"Thiếu đất canh tác (tab 2, lần {r})"]
        shots = fire(2, lambda i: a.post(tabs[i].action, tabs[i].hx_values(note=texts[i]), hx=True))
        _state, values, _rev = world.report_state(seed_app, period, unit_id)
        ok = [i for i, s in enumerate(shots) if s.status == 200]
        refused = [i for i, s in enumerate(shots) if s.status == 409]
        if not tally.check(r, len(ok) == 1 and len(refused) == 1, f"answers {shots}"):
            continue
        tally.check(r, values.get("note") == texts[ok[0]], f"stored {values.get('note')!r}, saved {texts[ok[0]]!r}")
        shown = text_of(shots[refused[0]].body)
        tally.check(r, texts[0] in shown and texts[1] in shown, f"the 409 does not show both values: {shown[:300]!r}")
    tally.done()


def test_autosave_racing_submit(portal, seed_app):
    """A field save from one reporter and the submit from another, at once: the stored values equal the submitted
    revision (the save is either included or refused), never values that were not submitted."""
    period = world.report_period(seed_app)["period"]
    tally = Tally("autosave racing submit", rounds(20))
    for r in tally:
        unit_id, names = world.report_unit(seed_app, period, 100 + r)
        a, b = (Client(portal.base, n).logged_in(n) for n in names)
        url = f"/reports/p/{period}/u/{unit_id}"
        note = b.form(url, "/field/note")  # the draft exists: an earlier autosave
        assert b.post(note.action, note.hx_values(note="Đang rà soát"), hx=True).status == 200
        submit = a.form(url, lambda f: f.action.endswith("/submit"))
        save = b.form(url, "/field/poor")
        posts = [(a, submit.action, submit.values(poor=100, escaped=10, note="Đã rà soát"), False),
                 (b, save.action, save.hx_values(poor=120), True)]
        shots = fire(2, lambda i: posts[i][0].post(posts[i][1], posts[i][2], hx=posts[i][3]))
        state, values, revision = world.report_state(seed_app, period, unit_id)
        tally.check(r, all(s.status is not None and s.status < 500 for s in shots), f"answers {shots}")
        tally.check(r, any(s.response is not None and s.response.ok for s in shots), f"nothing succeeded: {shots}")
        if state == "submitted":
            tally.check(r, revision is not None and all(same(values.get(k), revision.get(k)) for k in
                                                        ("poor", "escaped", "note")),
                        f"stored {values} but the submitted revision is {revision} ({shots})")
        else:
            tally.check(r, not (shots[0].response and shots[0].response.ok),
                        f"submit answered {shots[0]!r} but the report is {state}")
    tally.done()
