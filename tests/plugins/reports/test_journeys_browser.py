"""Real browsers at 360×740: a commune reporter fills in a field, loses the link, sees "chưa lưu" beside it, and
sees it saved once the link returns; the standing office works through its review inbox (a comment per field,
next report, accept after the in-page question). Screenshots of the key pages at 360 and 1366 px go to
SHOTS (looked at by hand)."""
from __future__ import annotations

import os
from pathlib import Path

import pytest
from sqlalchemy import select

from portal.extensions import db
from tests.offline_helpers import QUEUED, login, offline, online, wait_until

pytestmark = pytest.mark.browser

SHOTS = Path(os.environ.get("REPORTS_SHOTS", "/tmp/reports-shots"))
PHONE = {"width": 360, "height": 740}
DESK = {"width": 1366, "height": 768}


def _shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _values(app, world, unit_id=None):
    from plugins.reports.models import Submission

    with app.app_context():
        sub = db.session.scalar(select(Submission).where(Submission.unit_id == (unit_id or world.unit_a)))
        return (dict(sub.values or {}), sub.state) if sub else ({}, None)


def test_reporter_fills_in_offline_sees_not_saved_and_then_saved(browser, live_server, world, make_user, app):
    make_user("banbo", ["unit_reporter"], world.unit_a)
    ctx = browser.new_context(viewport=PHONE)
    page = ctx.new_page()
    login(page, live_server, "banbo")
    page.goto(live_server + "/reports/")
    _shot(page, "index-360")
    page.goto(live_server + world.url())
    page.fill("#f-poor", "300")
    page.press("#f-poor", "Tab")
    page.wait_for_selector("#rf-poor .saved")  # online: saved at once

    offline(ctx)  # the link drops in the middle of the form
    page.fill("#f-escaped", "40")
    page.press("#f-escaped", "Tab")
    page.wait_for_selector("#rf-escaped .queued-mark")
    assert "Chưa lưu" in page.inner_text("#rf-escaped .queued-mark")
    assert _values(app, world)[0].get("escaped") is None
    page.locator("#rf-escaped").scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / "report-offline-360.png"))

    online(ctx)  # back in range: the waiting save goes out by itself and the field says so
    page.evaluate("window.dispatchEvent(new Event('online'))")
    page.wait_for_selector("#rf-escaped .saved")
    assert "Chưa lưu" not in page.inner_text("#rf-escaped")
    wait_until(lambda: page.evaluate(QUEUED) == 0, what="the queue to be sent")
    assert _values(app, world)[0] == {"poor": 300, "escaped": 40}
    page.locator("#rf-escaped").scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / "report-back-online-360.png"))
    page.click("text=Nộp báo cáo")
    page.wait_for_selector("text=Đã nộp báo cáo")
    assert _values(app, world)[1] == "submitted"
    _shot(page, "report-submitted-360")
    ctx.close()


def _submitted(app, world, unit_id, values):
    from plugins.reports.models import Submission

    with app.app_context():
        db.session.add(Submission(period_id=world.period_id, unit_id=unit_id, state="submitted", values=values,
                                  first_submitted_at=db.func.now(), submitted_at=db.func.now()))
        db.session.commit()


@pytest.mark.parametrize("viewport,tag", [(PHONE, "360"), (DESK, "1366")])
def test_office_reviews_from_its_inbox(browser, live_server, world, make_user, make_unit, app, viewport, tag):
    from plugins.reports.models import PeriodUnit

    late = make_unit("Xã Khun Há")  # has not submitted and has no account: the reminders page says so
    with app.app_context():
        db.session.add(PeriodUnit(period_id=world.period_id, unit_id=late))
        db.session.commit()
    _submitted(app, world, world.unit_a, {"poor": 300, "escaped": 40})
    _submitted(app, world, world.unit_b, {"poor": 120, "escaped": 12})
    make_user("thuongtruc", ["standing_office"])
    ctx = browser.new_context(viewport=viewport)
    page = ctx.new_page()
    login(page, live_server, "thuongtruc")
    page.goto(live_server + "/reports/inbox")
    assert "2 báo cáo đang chờ duyệt" in page.inner_text("main")
    _shot(page, f"inbox-{tag}")
    page.click("#start-review")
    page.wait_for_selector("#inbox-item")
    assert "1/2 đang chờ" in page.inner_text(".inbox-nav")
    _shot(page, f"inbox-item-{tag}")
    page.fill("#note-poor", "Số hộ nghèo chưa khớp danh sách rà soát")
    page.click("text=Trả lại đơn vị")
    page.wait_for_selector("text=Đã trả lại báo cáo")
    assert "Xã Bình Lư" in page.inner_text("h1")  # on to the next report waiting
    assert _values(app, world)[1] == "returned"
    page.click("#accept-form button")
    page.wait_for_selector("#confirm-yes")  # asked in the page before the report is locked
    assert "Tiếp nhận báo cáo của Xã Bình Lư?" in page.inner_text("main")
    _shot(page, f"inbox-confirm-{tag}")
    assert _values(app, world, world.unit_b)[1] == "submitted"
    page.click("#confirm-yes")
    page.wait_for_selector("#inbox-empty")
    assert _values(app, world, world.unit_b)[1] == "accepted"
    if tag == "1366":  # the other key pages of the office, wide
        for url, name in (("/reports/matrix", "matrix"), (f"/reports/rollup?period={world.period_id}", "rollup"),
                          (f"/reports/periods/{world.period_id}/reminders", "reminders"),
                          (f"/reports/forms/{world.form_id}", "builder"),
                          (f"/reports/forms/{world.form_id}/preview", "preview")):
            page.goto(live_server + url)
            _shot(page, f"{name}-1366")
        assert "Không có gì được lưu" in page.inner_text("#preview-note")
    ctx.close()
