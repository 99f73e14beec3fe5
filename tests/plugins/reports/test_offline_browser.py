"""A real browser without a connection: a commune officer opens an owed report offline, fills it in, attaches a
photo, closes the browser; back online the values and the photo arrive once. A value changed on the server
meanwhile is shown beside the officer's, the server's kept until they choose. Logout warns and forgets."""
from __future__ import annotations

import io

import pytest
from sqlalchemy import select

from portal.extensions import db
from tests.offline_helpers import QUEUED, login, offline, online, persistent, wait_kept, wait_until

pytestmark = pytest.mark.browser


def _jpeg(size=(3000, 2000)) -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", size, (40, 110, 70)).save(buf, "JPEG", quality=95)
    return buf.getvalue()


def _sub(app, world):
    from plugins.reports.models import Attachment, Submission

    with app.app_context():
        sub = db.session.scalar(select(Submission).where(Submission.unit_id == world.unit_a))
        if sub is None:
            return {}, []
        files = list(db.session.scalars(select(Attachment).where(Attachment.submission_id == sub.id)))
        return dict(sub.values or {}), [a.field_key for a in files]


def test_owed_report_filled_offline_arrives_after_the_browser_is_reopened(browser_type, browser_type_launch_args,
                                                                          live_server, world, make_user, app, tmp_path):
    make_user("banbo", ["unit_reporter"], world.unit_a)
    photo = tmp_path / "anh-hop-dan.jpg"
    photo.write_bytes(_jpeg())
    profile = str(tmp_path / "profile")
    ctx = persistent(browser_type, browser_type_launch_args, profile)
    page = ctx.new_page()
    login(page, live_server, "banbo")
    wait_kept(page, world.url())  # kept by the worker from the dashboard: the officer never opened it

    offline(ctx)
    page.goto(live_server + world.url())
    page.reload()
    page.locator("#offline-banner").wait_for(state="visible")
    assert "Đang ngoại tuyến – dữ liệu sẽ được gửi khi có mạng" in page.inner_text("#offline-banner")
    for key, value in (("poor", "300"), ("escaped", "40"), ("rate", "12,5")):
        page.fill(f"#f-{key}", value)
        page.press(f"#f-{key}", "Tab")
    page.set_input_files("#f-scan", str(photo))
    page.wait_for_selector("#offline-queue:has-text('chờ gửi (4)')")
    assert "chờ gửi" in page.inner_text("#rf-poor")
    page.screenshot(path="/tmp/offline-report-queued.png")  # the banner stays at the top while scrolling
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path="/tmp/offline-report-top.png")
    values, files = _sub(app, world)
    assert "poor" not in values and files == []  # nothing reached the server
    page.close()
    ctx.close()

    ctx = persistent(browser_type, browser_type_launch_args, profile)  # the phone is back in range
    page = ctx.new_page()
    page.goto(live_server + "/")
    if "/login" in page.url:  # the browser forgot its session cookie on closing
        login(page, live_server, "banbo")
    wait_until(lambda: page.evaluate(QUEUED) == 0, what="the queue to be sent")
    values, files = _sub(app, world)
    assert values["poor"] == 300 and values["escaped"] == 40 and str(values["rate"]) in ("12.5", "12,5")
    assert files == ["scan"]  # sent once
    from PIL import Image

    from plugins.reports.models import Attachment
    from portal.models import Upload
    from portal.uploads import upload_folder

    with app.app_context():
        up = db.session.get(Upload, db.session.scalar(select(Attachment.upload_id)))
        with Image.open(upload_folder() / up.stored_name) as img:
            assert max(img.size) <= 1600  # made smaller on the phone before it waited
        assert up.original_name == "anh-hop-dan.jpg"
    ctx.close()
