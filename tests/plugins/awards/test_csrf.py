"""With CSRF protection on (as in production), ballots and session actions without the token are refused."""
from __future__ import annotations

import pytest

from .conftest import ballot, counts


@pytest.fixture
def app_config():
    return {"WTF_CSRF_ENABLED": True}


def test_unsafe_awards_routes_refuse_requests_without_the_token(app, client, make_council, make_type, make_session, login_as):
    w = make_council(9)
    sid, items = make_session(w, [make_type()])
    # log in through the form with its token, then post without one
    import re

    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    assert client.post("/login", data={"username": w.members[0], "password": "secret-pass-1",
                                       "csrf_token": token}).status_code == 302
    for path, data in [(f"/awards/sessions/{sid}/vote", ballot(items, "agree")), (f"/awards/sessions/{sid}/close", {}),
                       (f"/awards/sessions/{sid}/publish", {})]:
        resp = client.post(path, data=data)
        assert resp.status_code == 400, path
    assert counts(app, sid) == (0, 0)
    vote_page = client.get(f"/awards/sessions/{sid}/vote").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', vote_page).group(1)
    assert client.post(f"/awards/sessions/{sid}/vote", data={**ballot(items, "agree"), "csrf_token": token}).status_code == 200
    assert counts(app, sid) == (1, 1)
