"""Real browser: a unit registers and the office approves; after a session the office drafts the Tờ trình, issues
the decision, prints two Giấy khen (PDF, one page rendered to PNG) and opens the .docx; a member reads a dossier on
the ballot without losing the marks."""
from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from portal.extensions import db
from tests.helpers import browser_login

from .test_process import _published


@pytest.mark.browser
def test_registration_to_decision_certificates_and_docx(app, client, live_server, browser, make_council, make_type, make_session,
                                                        make_user, login_as, tmp_path):
    from docx import Document

    from plugins.awards.models import Decision, Registration

    w = make_council(3)
    ldtt = make_type("Lao động tiên tiến", nominee_kinds="individual", requires_registration=True)
    make_user("canbo", ["unit_reporter"], unit_id=w.unit_id, full_name="Cán bộ Bản Bo")

    # the unit registers
    context = browser.new_context()
    page = context.new_page()
    browser_login(page, live_server, "canbo")
    page.goto(f"{live_server}/awards/rounds/{w.round_id}")
    page.click("#register-link")
    page.fill("#commitment", "Phấn đấu 100% cán bộ hoàn thành tốt nhiệm vụ, không có hộ tái nghèo.")
    row = page.locator("#entries tbody tr").first
    row.locator("select[name=entry_type]").select_option(label="Lao động tiên tiến")
    row.locator("select[name=entry_kind]").select_option(value="individual")
    row.locator("input[name=entry_name]").fill("Nguyễn Văn An")
    row.locator("input[name=entry_position]").fill("Công chức Văn phòng – Thống kê")
    page.click("#send-registration")
    page.wait_for_selector("#registration-state")
    assert page.inner_text("#registration-state") == "Đã gửi"
    context.close()

    # the office sees who has not registered, and approves
    context = browser.new_context()
    page = context.new_page()
    browser_login(page, live_server, "thuky")
    page.goto(f"{live_server}/awards/rounds/{w.round_id}")
    page.click("#registrations-link")
    assert "1 đơn vị chưa đăng ký" in page.inner_text("#missing-count")  # Xã Bình Lư
    page.locator(f"#registrations tr[data-unit='{w.unit_id}'] a").click()
    page.select_option("#decision", "approve")
    page.click("#review-registration")
    page.wait_for_url("**/registrations")
    with app.app_context():
        assert db.session.query(Registration).one().state == "approved"

    # a published session (votes through HTTP), then the Tờ trình and the decision in the browser
    sid, _noms = _published(app, client, w, make_type, make_session, login_as, type_id=ldtt,
                            names=("Nguyễn Văn An", "Lò Thị Xuân"), kinds=("individual", "individual"))
    page.goto(f"{live_server}/awards/decisions/")
    page.click("#new-decision")
    page.check(f"input[name=sessions][value='{sid}']")
    page.fill("#decision_date", "25/11/2025")
    page.click("#edit-form button[type=submit]")
    page.wait_for_selector("#decision-state")
    assert page.inner_text("#decision-state") == "Dự thảo"
    # a line is edited in its row: htmx swaps in its form, saves, and swaps back the plain row
    row = page.locator("table.decision-lines tbody tr").first
    row_id = row.get_attribute("id")
    page.evaluate("window.sameDocument = true")  # gone if the browser loads the page again
    row.get_by_role("link", name="Sửa").click()
    page.locator(f"#{row_id} input[name=position_text]").fill("Trưởng bản Nà Bỏ")
    page.locator(f"#{row_id}").get_by_role("button", name="Lưu").click()
    page.wait_for_selector(f"#{row_id} .saved")
    assert "Trưởng bản Nà Bỏ" in page.inner_text(f"#{row_id}") and page.locator(f"#{row_id} form").count() == 0
    assert page.evaluate("window.sameDocument === true")
    page.click("#submission-link")
    submission = page.inner_text("#submission")
    assert "TỜ TRÌNH" in submission and "Nguyễn Văn An" in submission and "Lò Thị Xuân" in submission
    page.pdf(path="/tmp/awards-to-trinh.pdf", format="A4")
    page.go_back()
    page.fill("#signer_name", "Hoàng Văn Chủ")
    page.click("#decision-form button[type=submit]")
    page.wait_for_selector(".flash-success")
    # signed: the texts' box is closed now, and htmx brings its form when it is opened
    assert page.locator("#signer_name").count() == 0
    page.click("#decision-texts summary")
    assert page.locator("#decision-texts #signer_name").input_value(timeout=5000) == "Hoàng Văn Chủ"
    page.click("#issue-decision")
    page.wait_for_selector("#confirm-question")  # issuing is irreversible: asked first, in the page
    assert "Ban hành quyết định?" in page.inner_text(".confirm") and "2 đối tượng" in page.inner_text(".confirm")
    page.click("#confirm-yes")
    page.wait_for_selector("#decision-state >> text=Đã ban hành")
    with app.app_context():
        decision = db.session.query(Decision).one()
        assert decision.number == "01/QĐ-UBND"
        did = decision.id

    # two Giấy khen, printed to PDF (A4 landscape), one page looked at as PNG
    page.click("#certificates-link")
    assert page.locator(".cert").count() == 2
    pdf = page.pdf(path=str(tmp_path / "giay-khen.pdf"), prefer_css_page_size=True, print_background=True)
    assert pdf.startswith(b"%PDF")
    if shutil.which("pdfinfo"):
        info = subprocess.run(["pdfinfo", str(tmp_path / "giay-khen.pdf")], capture_output=True, text=True).stdout
        assert "Pages:           2" in info
        width, height = map(float, re.search(r"Page size:\s+([\d.]+) x ([\d.]+)", info).groups())
        assert abs(width - 842) < 2 and abs(height - 595) < 2  # A4 landscape, in points
    if shutil.which("pdftoppm"):
        subprocess.run(["pdftoppm", "-png", "-r", "50", "-f", "1", "-l", "1", str(tmp_path / "giay-khen.pdf"),
                        str(tmp_path / "giay-khen")], check=True)
        shutil.copy(next(tmp_path.glob("giay-khen*.png")), "/tmp/awards-giay-khen.png")

    # the decision printed in the Nghị định 30 layout and the .docx for Word
    page.goto(f"{live_server}/awards/decisions/{did}/print")
    text = page.inner_text("#decision")
    assert "QUYẾT ĐỊNH" in text and "Điều 1." in text and "Nơi nhận:" in text and "Số: 01/QĐ-UBND" in text
    page.pdf(path="/tmp/awards-quyet-dinh.pdf", format="A4")
    page.goto(f"{live_server}/awards/decisions/{did}")
    with page.expect_download() as download:
        page.click("#docx-link")
    doc = Document(str(download.value.path()))
    names = [row.cells[1].text for row in doc.tables[1].rows]
    assert "Nguyễn Văn An" in names and "Lò Thị Xuân" in names
    context.close()


@pytest.mark.browser
def test_a_member_opens_a_dossier_on_the_ballot_without_losing_the_marks(app, live_server, browser, make_council, make_type,
                                                                        make_session):
    from plugins.awards.services import records as process

    w = make_council(3)
    t = make_type("Giấy khen")
    sid, items = make_session(w, [t, t])
    with app.app_context():
        process.add_achievement(kind="individual", holder="Ứng viên 2", year=2023, title="Lao động tiên tiến",
                                decision_number="31/QĐ-UBND", source="manual")
        db.session.commit()
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    browser_login(page, live_server, w.members[1])
    page.goto(f"{live_server}/awards/sessions/{sid}/vote")
    first, second = page.locator("fieldset.ballot-item").nth(0), page.locator("fieldset.ballot-item").nth(1)
    first.get_by_label("Đồng ý", exact=True).check()
    second.locator("details.dossier summary").click()
    second.locator(".dossier-body .dossier-content").wait_for()
    assert "31/QĐ-UBND" in second.inner_text()
    assert first.get_by_label("Đồng ý", exact=True).is_checked()  # the marked ballot survives
    second.get_by_label("Không đồng ý", exact=True).check()
    # without JS the plain link opens the same dossier in a new tab
    with context.expect_page() as tab:
        second.locator("a.dossier-tab").click()
    tab.value.wait_for_load_state()
    assert "31/QĐ-UBND" in tab.value.inner_text("main")
    tab.value.close()
    assert first.get_by_label("Đồng ý", exact=True).is_checked()
    page.click("#send-ballot")
    page.wait_for_selector("#receipt")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    context.close()
