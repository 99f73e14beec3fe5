"""A real browser without a connection: a commune officer opens an owed report offline, fills it in, attaches a
photo, closes the browser; back online the values and the photo arrive once. A value changed on the server
meanwhile is shown beside the officer's, the server's kept until they choose. Logout warns and forgets."""
from __future__ import annotations

import io

import pytest
from sqlalchemy import select

from portal.extensions import db
from tests.offline_helpers import QUEUED, kept, login, offline, online, persistent, wait_kept, wait_until

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
    assert "Chưa lưu" in page.inner_text("#rf-poor")  # the field says it is not saved yet
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


def test_a_value_changed_on_the_server_meanwhile_is_shown_beside_mine(browser, live_server, world, make_user,
                                                                      login_as, client, hx, app):
    make_user("banbo", ["unit_reporter"], world.unit_a)
    ctx = browser.new_context(viewport={"width": 360, "height": 740})
    page = ctx.new_page()
    login(page, live_server, "banbo")
    page.goto(live_server + world.url())
    offline(ctx)
    page.fill("#f-poor", "300")
    page.press("#f-poor", "Tab")
    page.wait_for_selector("#offline-queue:has-text('chờ gửi (1)')")

    login_as("lo", ["unit_reporter"], world.unit_a)  # a colleague saves the same field meanwhile
    resp = client.post(world.url(tail="/field/poor"), data={"poor": "250", "_v.poor": "0", "_fields": "poor"}, headers=hx)
    assert resp.status_code == 200

    online(ctx)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    page.wait_for_selector("#rf-poor .conflict")
    assert page.input_value("#f-poor") == "250"  # the server's value stays in the field
    assert "300" in page.inner_text("#rf-poor .conflict")
    assert _sub(app, world)[0]["poor"] == 250
    page.wait_for_selector("#offline-queue", state="hidden")
    page.locator("#rf-poor").scroll_into_view_if_needed()
    page.screenshot(path="/tmp/offline-report-conflict.png")
    page.click("#rf-poor .conflict button")  # the user chooses theirs
    page.wait_for_selector("#rf-poor .saved")
    assert _sub(app, world)[0]["poor"] == 300
    ctx.close()


def test_logout_warns_about_unsent_changes_and_forgets_the_users_pages(browser, live_server, world, make_user, app):
    make_user("banbo", ["unit_reporter"], world.unit_a)
    ctx = browser.new_context(viewport={"width": 360, "height": 740})
    page = ctx.new_page()
    login(page, live_server, "banbo")
    wait_kept(page, world.url())
    page.goto(live_server + world.url())
    offline(ctx)
    page.fill("#f-poor", "300")
    page.press("#f-poor", "Tab")
    page.wait_for_selector("#offline-queue:has-text('chờ gửi (1)')")
    online(ctx)
    ctx.route("**/field/**", lambda route: route.abort())  # the link is still too weak to send the answer
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path="/tmp/offline-report-unsent.png")

    messages = []

    def dismiss(dialog):
        messages.append(dialog.message)
        dialog.dismiss()

    page.once("dialog", dismiss)
    page.click("form[data-logout] button")
    page.wait_for_timeout(300)
    assert "Còn 1 thay đổi chưa gửi" in messages[0]
    assert "/login" not in page.url and page.evaluate(QUEUED) == 1  # nothing lost when the user says no

    page.once("dialog", lambda dialog: dialog.accept())
    page.click("form[data-logout] button")
    page.wait_for_url(lambda url: "/login" in url)
    wait_until(lambda: page.evaluate(QUEUED) == 0, what="the queue to be forgotten")
    wait_until(lambda: not kept(page, world.url()), what="the kept pages to be forgotten")
    assert "poor" not in _sub(app, world)[0]

    offline(ctx)
    try:
        page.goto(live_server + world.url())
    except Exception:  # noqa: BLE001 - the browser's own "no connection" page
        pass
    page.wait_for_load_state()
    page.wait_for_timeout(300)
    assert "Số hộ nghèo đầu năm" not in page.content()
    ctx.close()


def test_a_browser_whose_session_is_gone_opens_no_kept_page(browser, live_server, world, make_user):
    make_user("banbo", ["unit_reporter"], world.unit_a)
    ctx = browser.new_context(viewport={"width": 360, "height": 740})
    page = ctx.new_page()
    login(page, live_server, "banbo")
    wait_kept(page, world.url())
    ctx.clear_cookies()  # the session ended (browser restarted, cookie gone) while the phone is offline
    offline(ctx)
    try:
        page.goto(live_server + world.url())
    except Exception:  # noqa: BLE001 - the browser's own "no connection" page
        pass
    page.wait_for_load_state()
    page.wait_for_timeout(300)
    assert "Số hộ nghèo đầu năm" not in page.content()
    ctx.close()
