"""The shared pieces every plugin uses the same way (issue 12): unit choices, form status, template names."""
from __future__ import annotations

import datetime as dt

import pytest
from flask import render_template_string

from portal.forms import INVALID_FORM, UnitsField, form_status
from portal.integrity import Refused
from portal.plugin import Permission, Plugin
from portal.templating import Names, UnknownName, init_app as init_templating
from portal.toolkit import FlaskForm, unit_choices


def test_unit_choices_sorted_in_vietnamese_order_with_filters(app, make_unit):
    ids = {name: make_unit(name, kind=kind, **extra) for name, kind, extra in [
        ("Xã Sơn Bình", "commune", {}),
        ("Xã Bản Bo", "commune", {}),
        ("Xã Đông Hồ", "commune", {"valid_to": dt.date(2000, 1, 1)}),
        ("Phòng Nội vụ", "agency", {}),
    ]}
    with app.test_request_context():
        names = [n for _i, n in unit_choices(kinds=["commune"])]
        assert names == ["Xã Bản Bo", "Xã Đông Hồ", "Xã Sơn Bình"]  # Đ after D, before S
        assert [n for _i, n in unit_choices(kinds=["commune"], current=True)] == ["Xã Bản Bo", "Xã Sơn Bình"]
        first = unit_choices(blank="—", exclude=ids["Xã Bản Bo"])
        assert first[0] == (0, "—") and ids["Xã Bản Bo"] not in [i for i, _n in first]
        coded = dict(unit_choices(with_code=True))
        assert coded[ids["Phòng Nội vụ"]].startswith("Phòng Nội vụ (")


def test_form_status_is_422_only_with_errors(app):
    class F(FlaskForm):
        units = UnitsField("Units", choices=[(1, "A"), (2, "B")])

    with app.test_request_context(method="POST", data={"units": ["1", "9"]}):
        form = F(meta={"csrf": False})
        assert form_status(form) == 200
        assert not form.validate()
        assert form_status(form) == INVALID_FORM == 422
    with app.test_request_context(method="POST", data={"units": ["2", "1"]}):
        form = F(meta={"csrf": False})
        assert form.validate() and form.units.data == [2, 1]


def test_template_names_declared_once_and_misspellings_fail(app):
    from flask import Blueprint

    class L:  # a labels module stand-in: only UPPER names are exported
        STATES = {"open": "Mở"}
        lower = "hidden"

    import types

    mod = types.ModuleType("x_labels")
    mod.STATES = L.STATES
    mod.helper = L.lower
    p = Plugin(name="xdemo", title="X", blueprint=Blueprint("xdemo", __name__), labels=mod,
               permissions=(Permission("xdemo.manage", "Manage"),))
    init_templating(app, [p])
    with app.test_request_context():
        out = render_template_string("{{ labels.xdemo.STATES['open'] }}|{{ perms.xdemo.manage }}")
        assert out == "Mở|xdemo.manage"
        with pytest.raises(UnknownName):
            render_template_string("{{ labels.xdemo.STATUS }}")
        with pytest.raises(UnknownName):
            render_template_string("{{ labels.xdemo.helper }}")
        with pytest.raises(UnknownName):
            render_template_string("{{ perms.xdemo.approve }}")
    assert "STATES" in Names("n", {"STATES": 1})


def test_refused_answers_in_the_fragment_for_htmx(app, client, login_as, hx):
    login_as("quantri", ["admin"])
    resp = client.get("/units/?after=garbage", headers=hx)
    assert resp.status_code == 400 and resp.headers["HX-Retarget"] == "#flashes"
    assert Refused(409, "x").status == 409


def test_absolute_url_from_base_url_setting(app):
    from portal.urls import absolute, absolute_url

    with app.app_context():
        assert absolute_url("dashboard.index") == "http://localhost/"
        app.config["PORTAL_BASE_URL"] = "https://tamduong.example.vn/portal/"
        assert absolute_url("directory.index") == "https://tamduong.example.vn/portal/units/"
        assert absolute("/reports/p/6/u/23") == "https://tamduong.example.vn/portal/reports/p/6/u/23"
        assert absolute("https://x.vn/a") == "https://x.vn/a"
    with app.test_request_context("/", base_url="http://10.0.0.5:8000"):
        assert absolute_url("directory.index") == "https://tamduong.example.vn/portal/units/"
        app.config["PORTAL_BASE_URL"] = None
        assert absolute_url("directory.index") == "http://10.0.0.5:8000/units/"


def _confirm_app(app):
    from portal.confirm import confirm
    from portal.integrity import idempotent, once_input
    from portal.security import require_login

    done = []

    @require_login
    @idempotent
    def close_vote():
        if (r := confirm("Đóng phiên bỏ phiếu?", ["2 thành viên chưa bỏ phiếu", ""])) is not None:
            return r
        done.append(1)
        from flask import redirect

        return redirect("/")

    app.add_url_rule("/_test/close", "test_close", close_vote, methods=["POST"])
    return done


def test_confirm_asks_then_acts_once_without_js(app, client, login_as):
    done = _confirm_app(app)
    login_as("thuky", ["council_secretariat"])
    resp = client.post("/_test/close?x=1", data={"_once": "k" * 20, "note": "a"}, headers={"Referer": "http://localhost/awards/s/1"})
    body = resp.get_data(as_text=True)
    assert resp.status_code == 200 and done == []
    assert "Đóng phiên bỏ phiếu?" in body and "2 thành viên chưa bỏ phiếu" in body and "<html" in body.lower()
    assert 'name="confirmed" value="1"' in body and 'name="note" value="a"' in body and 'action="/_test/close?x=1"' in body
    assert 'href="/awards/s/1"' in body  # "no" goes back to the page the question came from
    resp = client.post("/_test/close?x=1", data={"_once": "k" * 20, "note": "a", "confirmed": "1"})
    assert resp.status_code == 302 and done == [1]
    resp = client.post("/_test/close?x=1", data={"_once": "k" * 20, "note": "a", "confirmed": "1"})
    assert resp.status_code == 302 and done == [1]  # the same form again is replayed, not done twice


def test_confirm_overlay_for_htmx(app, client, login_as, hx):
    done = _confirm_app(app)
    login_as("thuky", ["council_secretariat"])
    resp = client.post("/_test/close", data={}, headers={**hx, "HX-Current-URL": "http://evil.example/x"})
    body = resp.get_data(as_text=True)
    assert resp.status_code == 200 and done == []
    assert resp.headers["HX-Retarget"] == "body" and resp.headers["HX-Reswap"] == "beforeend"
    assert "<html" not in body.lower() and 'class="confirm-overlay"' in body and "data-dismiss-confirm" in body
    assert 'href="/"' in body  # a foreign page is never the way back
