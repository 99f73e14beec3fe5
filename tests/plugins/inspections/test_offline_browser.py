"""A real phone without a connection: an inspector opens the inspection offline, answers five items (one in a
section opened offline) and takes a photo, looks at what waits and discards one answer; back online the rest is
sent once, in order."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from portal.extensions import db
from tests.offline_helpers import QUEUED, login, offline, online, wait_kept, wait_until

from .conftest import jpeg_bytes

pytestmark = pytest.mark.browser


def test_inspector_answers_offline_and_syncs(browser, live_server, app, make_unit, make_user, make_template,
                                             make_inspection, item_ids, tmp_path):
    from plugins.inspections.models import Answer, Photo

    unit = make_unit("Xã Bản Bo", code="xa-ban-bo")
    leader = make_user("truongdoan", ["inspector"], full_name="Vàng A Kiểm")
    tid = make_template(items=[{"text": f"Nội dung {k + 1}", "section": 0 if k < 4 else 1} for k in range(6)])
    iid = make_inspection(tid, unit, leader.id)
    ids = item_ids(tid)
    photo = tmp_path / "hien-truong.jpg"
    photo.write_bytes(jpeg_bytes((2400, 1800)))
    ctx = browser.new_context(viewport={"width": 360, "height": 740})
    page = ctx.new_page()
    login(page, live_server, "truongdoan")
    wait_kept(page, f"/inspections/{iid}")

    offline(ctx)
    page.goto(f"{live_server}/inspections/{iid}")
    page.locator("#offline-banner").wait_for(state="visible")
    for k, item in enumerate(ids[:4]):
        page.locator(f"#item-{item} label.{'fail' if k == 1 else 'pass'}").click()
        page.wait_for_selector(f"#item-{item} .queued-mark")
    page.fill(f"#note-{ids[1]}", "Chưa có sổ theo dõi")
    page.locator(f"#note-{ids[1]}").blur()
    page.set_input_files(f"#p-{ids[0]}", str(photo))
    page.locator("details.insp-section").nth(1).locator("summary").click()  # kept by the worker too
    page.wait_for_selector(f"#item-{ids[4]} label.na")
    page.locator(f"#item-{ids[4]} label.na").click()
    page.wait_for_selector("#offline-queue:has-text('chờ gửi (6)')")  # the note replaced its item's first answer
    assert "5</strong>/6" in page.inner_html("#insp-progress")
    assert page.inner_text("details.insp-section >> nth=1 >> summary small") == "1/2"  # per section too
    page.locator("#insp-progress").scroll_into_view_if_needed()
    page.screenshot(path="/tmp/offline-inspection-items.png")
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path="/tmp/offline-inspection-queued.png")
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Answer)) == 0
    # what is waiting can be seen, and one change discarded
    page.click("#offline-queue")
    page.wait_for_selector("#offline-panel li")
    assert page.locator("#offline-panel li").count() == 6 and "2.1" in page.inner_text("#offline-panel")
    page.screenshot(path="/tmp/offline-inspection-panel.png")
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("#offline-panel li", has_text="2.1").locator("button").click()
    page.wait_for_selector("#offline-queue:has-text('chờ gửi (5)')")

    online(ctx)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    wait_until(lambda: page.evaluate(QUEUED) == 0, what="the queue to be sent")
    page.wait_for_selector("#offline-queue", state="hidden")
    with app.app_context():
        rows = {a.item_id: (a.result, a.note, a.version) for a in db.session.scalars(select(Answer))}
        photos = db.session.scalar(select(func.count()).select_from(Photo))
    assert rows == {ids[0]: ("pass", None, 1), ids[1]: ("fail", "Chưa có sổ theo dõi", 1), ids[2]: ("pass", None, 1),
                    ids[3]: ("pass", None, 1)}  # the discarded answer was never sent
    assert photos == 1
    page.wait_for_selector(f"#item-{ids[0]} .insp-photos img")
    page.screenshot(path="/tmp/offline-inspection-synced.png")
    ctx.close()
