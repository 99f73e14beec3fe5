"""Real browser on a phone-sized screen: a team leader conducts an inspection end to end and prints the minutes."""
from __future__ import annotations

import subprocess

import pytest

from tests.helpers import PASSWORD

from .conftest import jpeg_bytes


@pytest.mark.browser
def test_leader_conducts_inspection_on_a_phone_and_prints_minutes(page, live_server, make_unit, make_user,
                                                                  make_template, make_inspection, item_ids,
                                                                  tmp_path) -> None:
    unit = make_unit("Xã Bản Bo", code="xa-ban-bo")
    leader = make_user("truongdoan", ["inspector"], full_name="Vàng A Kiểm")
    tid = make_template(items=[
        {"text": "Ban hành kế hoạch thực hiện phong trào", "note_required": True},
        {"text": "Mô hình giảm nghèo tại bản", "photo_required": True},
        {"text": "Báo cáo định kỳ đúng hạn", "section": 1},
    ])
    iid = make_inspection(tid, unit, leader.id, state="planned")
    first, second, third = item_ids(tid)
    photo = tmp_path / "mo-hinh.jpg"
    photo.write_bytes(jpeg_bytes((1200, 900)))

    page.set_viewport_size({"width": 390, "height": 844})
    # tests.helpers.browser_login clicks the first submit button, which is the header's language switch
    page.goto(f"{live_server}/login")
    page.fill("#username", "truongdoan")
    page.fill("#password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(lambda url: "/login" not in url)
    page.goto(f"{live_server}/inspections/{iid}")
    page.get_by_role("button", name="Bắt đầu kiểm tra").click()
    page.wait_for_selector(f"form[data-insp-answer] #item-{first} label.pass")

    # each answer is saved the moment it is given
    page.locator(f"#item-{first} label.fail").click()
    page.wait_for_selector(f"#item-{first}-state .saved")
    page.fill(f"#note-{first}", "Chưa ban hành kế hoạch riêng của xã")
    page.locator(f"#note-{first}").blur()
    # (a selector, not wait_for_function: the page's CSP forbids the eval that polling a JS string needs)
    page.wait_for_selector(f"#item-{first}-state input[name='version.{first}'][value='2']", state="attached")
    page.locator(f"#item-{second} label.pass").click()
    page.wait_for_selector(f"#item-{second}-state .saved")
    page.set_input_files(f"#p-{second}", str(photo))
    page.wait_for_selector(f"#item-{second} .insp-photos img")
    # a note typed, then the item's "Save" pressed: the note leaving focus saves it, the button adds no second,
    # stale post of the whole form (which the server would refuse as saved elsewhere)
    version = page.locator(f"#item-{second}-state input[name='version.{second}']").get_attribute("value")
    page.fill(f"#note-{second}", "Mô hình nuôi bò sinh sản của 12 hộ")
    page.locator(f"#item-{second}").get_by_role("button", name="Lưu").click()
    page.wait_for_selector(f"#item-{second}-state input[name='version.{second}'][value='{int(version) + 1}']",
                           state="attached")
    page.wait_for_timeout(300)  # a second save would have been sent by now
    assert page.url.endswith(f"/inspections/{iid}") and "nơi khác" not in page.inner_text("main")
    assert page.locator(f"#item-{second}-state input[name='version.{second}']").get_attribute("value") == \
        str(int(version) + 1)

    # the next section loads when opened; a lost connection queues the answer, sent once back online
    page.locator("details.insp-section").nth(1).locator("summary").click()
    page.wait_for_selector(f"#item-{third} label.pass")
    page.context.set_offline(True)
    page.locator(f"#item-{third} label.pass").click()
    page.wait_for_selector(f"#item-{third} .queued-mark")
    assert "chờ gửi" in page.inner_text(f"#item-{third}")
    page.context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    page.wait_for_selector(f"#item-{third}-state .saved")
    assert "Đã lưu" in page.inner_text(f"#item-{third}-state")
    page.screenshot(path=str(tmp_path / "conduct.png"), full_page=True)

    page.get_by_role("button", name="Hoàn thành kiểm tra").click()
    page.click("#confirm-yes")  # asked in the page first
    page.wait_for_selector("#findings")
    page.locator("#findings li").get_by_role("link", name="Sửa").click()
    recommendation = page.locator("#findings li textarea[name=recommendation]")
    assert recommendation.input_value() == "Chưa ban hành kế hoạch riêng của xã"  # the note, as a first draft
    recommendation.fill("UBND xã ban hành kế hoạch thực hiện phong trào trước ngày 31/12")
    page.locator("#findings li button[type=submit]").click()
    page.wait_for_selector("#findings .saved")
    page.fill("#number", "12/BB-ĐKT")
    page.fill("#unit_representative", "Lù Văn Bản")
    page.get_by_role("button", name="Ký biên bản").last.click()
    page.click("#confirm-yes")
    page.wait_for_selector("article.document")

    pdf = tmp_path / "bien-ban.pdf"
    page.pdf(path=str(pdf), format="A4", print_background=True)
    raw = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    text = " ".join(raw.split())  # table cells wrap their text over several lines
    for part in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "ĐOÀN KIỂM TRA", "12/BB-ĐKT",
                 "BIÊN BẢN", "Xã Bản Bo", "Ban hành kế hoạch", "UBND xã ban hành kế hoạch", "66,7 %",
                 "TRƯỞNG ĐOÀN", "Vàng A Kiểm", "Lù Văn Bản"):
        assert part in text, part
    assert "Đăng xuất" not in text  # the portal's menus are not printed
