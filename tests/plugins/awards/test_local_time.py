"""At 23:30 UTC it is the next morning in Vietnam: the awards plugin's defaults and minutes follow Vietnam."""
from __future__ import annotations

import datetime as dt

from tests.helpers import login


def test_session_and_round_defaults_use_the_local_day(app, client, world, frozen_at):
    w = world(3)
    login(client, "thuky")
    frozen_at(dt.datetime(2025, 11, 19, 23, 30))  # 06:30 on 20/11/2025 in Tam Đường
    page = client.get(f"/awards/rounds/{w.round_id}/sessions/new").get_data(as_text=True)
    assert 'value="20/11/2025"' in page
    frozen_at(dt.datetime(2025, 12, 31, 23, 30))  # already 2026 in Vietnam
    page = client.get("/awards/rounds/new").get_data(as_text=True)
    assert 'value="2026"' in page
