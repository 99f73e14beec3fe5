"""Every awards page with a fragment answers both ways (issue 12): the whole page to a browser, only the block
(with its id) to htmx. Widgets are fragments of the dashboard and are tested in test_pages."""
from __future__ import annotations

import pytest

from tests.helpers import HX


@pytest.fixture
def seeded(app, make_council, make_type, make_session, login_as):
    w = make_council(3)
    sid, items = make_session(w, [make_type(written_ballots=True)], present=2)
    return w, sid, items


def _pages(w, sid, items):
    """(who, url, fragment's first tag) of each page with a fragment."""
    return [
        ("thuky", f"/awards/rounds/{w.round_id}", '<section id="nomination-list"'),
        ("thuky", "/awards/records/", '<section id="record-list"'),
        ("thuky", "/awards/decided", '<section class="card" id="decided-list"'),
        (None, "/awards/public", '<section class="card" id="decided-list"'),
        ("thuky", "/awards/types/new", '<section id="edit-form"'),
        ("thuky", f"/awards/sessions/{sid}/written", '<section id="written-form"'),
        ("thuky", f"/awards/sessions/{sid}/turnout", '<section id="turnout"'),
        (w.members[1], f"/awards/sessions/{sid}/vote", '<section id="ballot"'),
        (w.members[1], f"/awards/sessions/{sid}/items/{items[0]}/dossier", '<div class="dossier-content card"'),
    ]


def test_each_page_with_a_fragment_answers_as_page_and_as_fragment(app, client, seeded, login_as):
    w, sid, items = seeded
    for who, url, start in _pages(w, sid, items):
        if who:
            login_as(who)
        else:
            client.post("/logout")
        page = client.get(url)
        assert page.status_code == 200, url
        body = page.get_data(as_text=True)
        assert body.lstrip().lower().startswith("<!doctype html>") and start in body, url
        frag = client.get(url, headers=HX)
        text = frag.get_data(as_text=True)
        assert frag.status_code == 200 and text.lstrip().startswith(start), (url, text[:200])
        assert "<html" not in text, url
