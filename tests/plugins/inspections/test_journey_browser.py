"""The inspector's journey on a 360×740 phone (issue 17): open the inspection, answer items (a wrong number is said
beside its item), jump to the next unanswered item, complete after the in-page question, add a finding by hand.
Screenshots at 360 and 1366 px go to SHOTS when that folder exists (they are looked at by a person)."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.helpers import PASSWORD

pytestmark = pytest.mark.browser

SHOTS = Path(os.environ.get("INSPECTIONS_SHOTS", "/work/notes/shots/inspections"))


def _shot(page, name: str) -> None:
    if SHOTS.is_dir():
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _login(page, base: str, username: str) -> None:
    page.goto(f"{base}/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(lambda url: "/login" not in url)


def test_inspector_journey_on_a_phone(browser, live_server, make_unit, make_user, make_template, make_inspection,
                                      item_ids) -> None:
    unit = make_unit("Xã Bản Bo", code="xa-ban-bo")
    make_unit("Phòng Nông nghiệp và Môi trường", kind="agency", code="phong-nn")
    leader_id = make_user("truongdoan", ["inspector"], full_name="Vàng A Kiểm").id
    tid = make_template(items=[
        {"text": "Ban hành kế hoạch thực hiện phong trào"},
        {"text": "Tỷ lệ hộ được rà soát", "answer_type": "number", "max_score": 1},
        {"text": "Mô hình giảm nghèo tại bản", "section": 1},
        {"text": "Báo cáo định kỳ đúng hạn", "section": 1},
    ])
    iid = make_inspection(tid, unit, leader_id, state="planned")
    first, number, third, fourth = item_ids(tid)

    ctx = browser.new_context(viewport={"width": 360, "height": 740})
    page = ctx.new_page()
    _login(page, live_server, "truongdoan")
    page.goto(f"{live_server}/inspections/{iid}")
    page.get_by_role("button", name="Bắt đầu kiểm tra").click()
    page.wait_for_selector(f"#item-{first} label.pass")
    assert "0/4 đã trả lời" in " ".join(page.inner_text("#insp-progress").split())

    page.locator(f"#item-{first} label.pass").click()
    page.wait_for_selector(f"#item-{first}-state .saved")
    # a number beyond the item's largest value: said beside the item, nothing saved
    page.fill(f"#n-{number}", "37")
    page.locator(f"#n-{number}").blur()
    page.wait_for_selector(f"#item-{number}-state .danger")
    assert "Số phải từ 0 đến 1" in page.inner_text(f"#item-{number}-state")
    assert "1/4 đã trả lời" in " ".join(page.inner_text("#insp-progress").split())  # a refused value is no answer
    _shot(page, "360-wrong-number")
    page.fill(f"#n-{number}", "0.8")
    page.locator(f"#n-{number}").blur()
    page.wait_for_selector(f"#item-{number}-state .saved")
    assert "2/4 đã trả lời" in " ".join(page.inner_text("#insp-progress").split())

    # the jump opens the next section and lands on its first unanswered item
    page.click(".insp-next")
    page.wait_for_selector(f"#item-{third} label.pass")
    assert page.locator(f"#item-{third}").is_visible()
    page.locator(f"#item-{third} label.fail").click()
    page.wait_for_selector(f"#item-{third}-state .saved")
    page.click(".insp-next")
    page.locator(f"#item-{fourth} label.pass").click()
    page.wait_for_selector(f"#item-{fourth}-state .saved")
    assert "4/4 đã trả lời" in " ".join(page.inner_text("#insp-progress").split())
    assert page.locator(".insp-next").is_hidden()
    _shot(page, "360-answered")

    # completing asks first, in the page, saying what will happen
    page.get_by_role("button", name="Hoàn thành kiểm tra").click()
    page.wait_for_selector("[data-confirm-box]")
    question = page.inner_text("[data-confirm-box]")
    assert "Hoàn thành cuộc kiểm tra Xã Bản Bo?" in question and "1 mục không đạt" in question
    _shot(page, "360-confirm-complete")
    page.click("#confirm-yes")
    page.wait_for_selector("#findings")
    assert "Đã hoàn thành cuộc kiểm tra" in page.inner_text("#flashes")

    # a finding written by hand, for another unit, with a local date
    page.locator("#findings summary", has_text="Thêm tồn tại").click()
    page.fill("#description", "Sổ theo dõi hộ nghèo chưa cập nhật")
    page.select_option("#responsible_unit_id", label="Phòng Nông nghiệp và Môi trường")
    page.fill("#due_date", "31/12/2026")
    page.get_by_role("button", name="Thêm tồn tại này").click()
    page.wait_for_selector("#findings li:has-text('Sổ theo dõi hộ nghèo chưa cập nhật')")
    assert page.locator("#findings > ol > li").count() == 2
    _shot(page, "360-findings")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, width  # nothing scrolls sideways on the phone

    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto(f"{live_server}/inspections/{iid}")
    _shot(page, "1366-completed")
    page.goto(f"{live_server}/inspections/findings/")
    _shot(page, "1366-findings")
    ctx.close()

