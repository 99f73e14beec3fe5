"""The core's UI pieces through HTTP (issue 17): money and date fields, the unit checkbox list, refusal pages,
the unavailable() macro, the compact menu and the help guides."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import render_template_string
from sqlalchemy import select
from wtforms.validators import DataRequired

from portal.extensions import db
from portal.forms import DateField, FlaskForm, MoneyField, UnitsField
from portal.help import GUIDES
from portal.integrity import Refused
from tests.helpers import HX

STATIC = Path(__file__).resolve().parents[2] / "portal" / "static"


class _Form(FlaskForm):
    amount = MoneyField("Amount")
    day = DateField("Day")
    units = UnitsField("Units")


def _bound(app, data):
    with app.test_request_context("/", method="POST", data=data):
        form = _Form(meta={"csrf": False})
        form.units.choices = []
        ok = form.validate()
        return ok, form.amount.data, form.amount(), form.day.data, form.day(), form.errors


@pytest.mark.parametrize("typed", ["42500000", "42.500.000", "42 500 000", "42500000 đồng"])
def test_an_understood_amount_comes_back_grouped_however_it_was_typed(app, typed):
    ok, value, html, *_ = _bound(app, {"amount": typed})
    assert ok and value == 42_500_000
    assert 'value="42.500.000"' in html and "data-money" in html


class _Required(FlaskForm):
    amount = MoneyField("Amount", validators=[DataRequired()])
    day = DateField("Day", validators=[DataRequired(message="Nhập ngày.")])


@pytest.mark.parametrize("field, typed, message", [
    ("day", "31/02/2027", "Nhập ngày theo dạng dd/mm/yyyy."), ("day", "30-02-2026", "Nhập ngày theo dạng dd/mm/yyyy."),
    ("amount", "nhiều", None),
])
def test_a_required_field_typed_wrongly_says_what_is_wrong_not_that_it_is_required(app, field, typed, message):
    with app.test_request_context("/", method="POST", data={"amount": "1.000", "day": "01/01/2026", field: typed}):
        form = _Required(meta={"csrf": False})
        assert not form.validate()
        errors = form.errors[field]
        assert len(errors) == 1 and "bắt buộc" not in errors[0] and errors[0] != "Nhập ngày."
        if message:
            assert errors[0] == message
    with app.test_request_context("/", method="POST", data={"amount": "1.000", "day": "01/01/2026", field: ""}):
        form = _Required(meta={"csrf": False})
        assert not form.validate() and list(form.errors) == [field]  # empty: still refused as required


def test_an_amount_not_understood_comes_back_as_typed_with_the_reason(app):
    ok, value, html, _d, _h, errors = _bound(app, {"amount": "42.50.000"})
    assert not ok and value is None
    assert 'value="42.50.000"' in html and errors["amount"]


@pytest.mark.parametrize("typed, day", [("01122026", "01/12/2026"), ("112026", "01/01/2026"), ("1/12/2026", "01/12/2026"),
                                        ("01/12/2026", "01/12/2026"), ("2026-12-01", "01/12/2026")])
def test_dates_typed_on_a_numeric_keypad_are_understood(app, typed, day):
    ok, _v, _h, value, html, _e = _bound(app, {"day": typed})
    assert ok and value.strftime("%d/%m/%Y") == day
    assert f'value="{day}"' in html


@pytest.mark.parametrize("typed", ["1122026", "31022026", "0112202", "32/01/2026"])
def test_ambiguous_or_impossible_digit_dates_are_refused_and_shown_as_typed(app, typed):
    ok, _v, _h, value, html, errors = _bound(app, {"day": typed})
    assert not ok and value is None and "dd/mm/yyyy" in errors["day"][0]
    assert f'value="{typed}"' in html


@pytest.fixture
def admin(login_as):
    return login_as("quantri", ["admin"])


def test_the_unit_picker_is_a_checkbox_list_with_its_tools_and_communes_marked(app, client, admin, make_unit):
    district = make_unit("UBND huyện Tam Đường", kind="district", code="huyen")
    old = make_unit("Xã Cũ", code="xa-cu", parent_id=district)
    commune = make_unit("Xã Bản Bo", code="xa-ban-bo", parent_id=district)
    agency = make_unit("Phòng Nội vụ", kind="agency", code="noi-vu", parent_id=district)
    page = client.get(f"/units/{old}/merge").get_data(as_text=True)
    assert "<select multiple" not in page and "data-units" in page
    box = page[page.index("data-units"):]
    assert re.search(rf'<label data-c><input type="checkbox" name="area_to_ids" value="{commune}">', box)
    assert re.search(rf'<label><input type="checkbox" name="area_to_ids" value="{agency}">', box)
    # the tools need JavaScript: hidden in the markup, shown by portal.js
    assert "data-units-tools hidden" in box and "Chọn tất cả xã" in box and "Lọc theo tên" in box
    resp = client.post(f"/units/{old}/merge", data={"successor_id": commune, "effective": "01072025",
                                                     "area_to_ids": [agency, district]})
    assert resp.status_code == 302
    from portal.models import Unit

    with app.app_context():
        merged = db.session.get(Unit, old)
        assert merged.successor_id == commune and merged.valid_to is not None


@pytest.fixture
def refusing(app):
    """A route refusing as a service does (added before the app's first request)."""
    @app.route("/_refuse", methods=["GET", "POST"])
    def _refuse():
        raise Refused(409, "Bạn là người đề xuất khoản chi này: một thành viên khác phê duyệt.")


def test_a_refused_action_without_htmx_says_so_in_words_with_a_link_back(app, refusing, client, admin):
    resp = client.post("/_refuse", headers={"Referer": "http://localhost/fund/disbursements/7?tab=1"})
    page = resp.get_data(as_text=True)
    assert resp.status_code == 409
    assert "<h1>Không thể thực hiện thao tác này</h1>" in page and "Lỗi 409" not in page
    assert "một thành viên khác phê duyệt" in page
    assert 'href="/fund/disbursements/7?tab=1"' in page and "Quay lại trang trước" in page
    # another site as Referer, or a trick path: no link back, only the dashboard
    for ref in ("http://evil.example/x", "http://localhost//evil.example/x", "http://localhost/\\evil.example"):
        page = client.post("/_refuse", headers={"Referer": ref}).get_data(as_text=True)
        assert "Quay lại trang trước" not in page and "evil" not in page
    # htmx: the message goes into #flashes of the page it came from
    resp = client.post("/_refuse", headers=HX)
    assert resp.headers["HX-Retarget"] == "#flashes" and "<h1>" not in resp.get_data(as_text=True)


def test_the_unavailable_macro_shows_the_reason_as_text_tied_to_the_button(app):
    with app.test_request_context("/"):
        html = render_template_string(
            '{% from "macros/forms.html" import unavailable %}{{ unavailable("Phê duyệt", "Bạn là người đề xuất.") }}')
    button = re.search(r'<button type="button" class="" disabled aria-describedby="([^"]+)">Phê duyệt</button>', html)
    assert button and f'<small class="reason" id="{button.group(1)}">Bạn là người đề xuất.</small>' in html


def test_the_menu_is_a_details_element_naming_the_current_section(client, admin):
    page = client.get("/units/").get_data(as_text=True)
    header = page[page.index("<header"):page.index("</header>")]
    assert '<details class="menu" data-menu>' in header and "<summary" in header
    assert '<span class="section-now" aria-hidden="true">Đơn vị</span>' in header
    assert re.search(r'<a href="/units/" aria-current="page">Đơn vị</a>', header)
    # log out stays outside the menu (shared computers), the offline queue too
    assert header.index("data-logout") > header.index("</details>")
    assert header.index('id="offline-queue"') < header.index("<details")


@pytest.mark.parametrize("enabled_plugins", [["reports", "fund"]])
def test_help_lists_a_guide_per_role_and_each_plugin_page_links_to_its_guide(client, login_as):
    login_as("ketoan", ["fund_board"])
    index = client.get("/help/").get_data(as_text=True)
    for guide in ("unit_reporter", "standing_office", "fund_board", "admin"):
        assert f'href="/help/{guide}"' in index
    assert "vai trò của anh/chị" in index
    assert 'href="/help/inspector"' not in index  # no inspections plugin here: no guide about it
    page = client.get("/help/fund_board").get_data(as_text=True)
    assert "Ban vận động Quỹ" in page and "Ghi nhận ủng hộ" in page and 'src="/static/help/fund-receipt.png?v=' in page
    assert client.get("/help/nobody").status_code == 404
    # the layout's "Help" link: the guide of the user's own role on the dashboard
    assert 'href="/help/fund_board">Hướng dẫn: Ban vận động Quỹ' in client.get("/").get_data(as_text=True)
    assert 'href="/help/fund_board">Hướng dẫn: Ban vận động Quỹ' in client.get("/fund/").get_data(as_text=True)


def test_the_help_link_follows_the_blueprint_of_the_page(client, admin):
    assert 'href="/help/admin">Hướng dẫn: Quản trị hệ thống' in client.get("/units/").get_data(as_text=True)
    assert 'class="page-help' not in client.get("/help/").get_data(as_text=True)


def test_every_help_picture_exists_and_is_small():
    shots = [s.shot for g in GUIDES for s in g.steps if s.shot]
    assert len(shots) == len(set(shots)) >= 8
    for shot in shots:
        path = STATIC / "help" / shot
        assert path.exists(), f"{shot}: run scripts/help_screenshots.py"
        assert path.stat().st_size <= 80_000, shot


def test_help_needs_a_login(client):
    assert client.get("/help/").status_code == 302


def test_every_page_names_its_icon_so_browsers_do_not_ask_for_a_missing_favicon(client):
    import re

    page = client.get("/login").get_data(as_text=True)
    href = re.search(r'<link rel="icon" href="([^"]+)" type="image/svg\+xml">', page).group(1)
    icon = client.get(href)
    body = icon.get_data()
    icon.close()  # a file response holds the file open until closed
    assert icon.status_code == 200 and icon.mimetype == "image/svg+xml" and b"<svg" in body
