"""The plugin loader: discovery = entry points ∩ allow-list, the contract's rules, plugin state per app."""
from __future__ import annotations

import re

from importlib.metadata import EntryPoint

import pytest
from flask import Blueprint, render_template_string
from sqlalchemy import select

from portal import create_app
from portal.extensions import db
from portal.loader import GROUP, discover, state
from portal.plugin import NavItem, Permission, Plugin, PluginError, Widget
from tests.helpers import HX

SAMPLE = "tests.sample_plugin:plugin"
HERE = __name__


def ep(name: str, value: str) -> EntryPoint:
    return EntryPoint(name=name, value=value, group=GROUP)


def finder(*eps: EntryPoint):
    return lambda name: [e for e in eps if e.name == name]


def _plugin(name: str, **kw) -> Plugin:
    return Plugin(name=name, title=name, blueprint=kw.pop("blueprint", Blueprint(name, __name__)), **kw)


# Small broken plugins, one rule each (entry points below point at them).
not_a_plugin = object()
misnamed = _plugin("other")
bad_blueprint = _plugin("badbp", blueprint=Blueprint("something_else", __name__))
foreign_permission = _plugin("perm", permissions=(Permission("portal.admin", "steal"),))
foreign_nav = _plugin("nav", nav=(NavItem("directory.index", "Units"),))
foreign_widget = _plugin("widget", widgets=(Widget("admin.users", "Users"),))
bad_config = _plugin("conf", default_config={"SECRET_KEY": "x"})
needs_sample = _plugin("needy", requires=("sample",))
auth = _plugin("auth")


def test_discover_loads_the_allow_listed_plugin():
    (plugin,) = discover(["sample"], finder(ep("sample", SAMPLE), ep("unused", "no.such.module:plugin")))
    assert plugin.name == "sample"


def test_installed_but_not_listed_is_not_loaded():
    assert discover([], finder(ep("broken", "no.such.module:plugin"))) == []


@pytest.mark.parametrize(
    "names,eps,message",
    [
        (["ghost"], [], "no entry point named 'ghost'"),
        (["sample"], [ep("sample", SAMPLE), ep("sample", SAMPLE)], "2 entry points share this name"),
        (["sample", "sample"], [ep("sample", SAMPLE)], "listed twice"),
        (["Bad-Name"], [], "must match"),
        (["auth"], [ep("auth", f"{HERE}:auth")], "reserved"),
        (["x"], [ep("x", f"{HERE}:not_a_plugin")], "must point at a portal.plugin.Plugin"),
        (["mine"], [ep("mine", f"{HERE}:misnamed")], "Plugin.name is 'other' but the entry point is 'mine'"),
        (["badbp"], [ep("badbp", f"{HERE}:bad_blueprint")], "blueprint is named 'something_else'"),
        (["tables"], [ep("tables", "tests.portal.stray_plugin:plugin")], "table 'stray_table' must start with 'tables_'"),
        (["perm"], [ep("perm", f"{HERE}:foreign_permission")], "permission 'portal.admin' must start with 'perm.'"),
        (["nav"], [ep("nav", f"{HERE}:foreign_nav")], "endpoint 'directory.index' must start with 'nav.'"),
        (["widget"], [ep("widget", f"{HERE}:foreign_widget")], "endpoint 'admin.users' must start with 'widget.'"),
        (["conf"], [ep("conf", f"{HERE}:bad_config")], "config key 'SECRET_KEY' must start with 'CONF_'"),
        (["needy"], [ep("needy", f"{HERE}:needs_sample")], "requires plugin 'sample'"),
        (["needy", "sample"], [ep("needy", f"{HERE}:needs_sample"), ep("sample", SAMPLE)], "requires plugin 'sample'"),
        (["broken"], [ep("broken", "tests.no_such_plugin:plugin")], "plugin 'broken': import of tests.no_such_plugin"),
    ],
    ids=["missing", "duplicate", "listed-twice", "bad-name", "reserved", "not-a-plugin", "name-mismatch",
         "bad-blueprint", "bad-table-prefix", "foreign-permission", "foreign-nav", "foreign-widget", "bad-config-key",
         "unmet-requires", "requires-order", "import-error"],
)
def test_loader_stops_with_a_clear_message(names, eps, message):
    with pytest.raises(PluginError) as err:
        discover(names, finder(*eps))
    assert message in str(err.value)
    assert str(err.value).startswith("plugin '")


def test_requires_met_when_listed_first():
    loaded = discover(["sample", "needy"], finder(ep("needy", f"{HERE}:needs_sample"), ep("sample", SAMPLE)))
    assert [p.name for p in loaded] == ["sample", "needy"]


def test_start_up_fails_on_a_missing_plugin(tmp_path, monkeypatch):
    monkeypatch.setenv("PORTAL_INSTANCE_PATH", str(tmp_path))
    with pytest.raises(PluginError, match="no entry point named 'nope'"):
        create_app({"TESTING": True, "SECRET_KEY": "x" * 32, "SQLALCHEMY_DATABASE_URI": "sqlite://", "PORTAL_PLUGINS": ["nope"]})


def test_plugins_argument_bypasses_discovery_but_not_validation(tmp_path, monkeypatch):
    from tests.sample_plugin import plugin

    monkeypatch.setenv("PORTAL_INSTANCE_PATH", str(tmp_path))
    config = {"TESTING": True, "SECRET_KEY": "x" * 32, "SQLALCHEMY_DATABASE_URI": "sqlite://", "PORTAL_PLUGINS": ["nope"]}
    app = create_app(config, plugins=[plugin])
    assert list(state(app).plugins) == ["sample"]
    with pytest.raises(PluginError, match="permission 'portal.admin'"):
        create_app(config, plugins=[foreign_permission])


def test_plugin_state_lives_on_each_app(tmp_path, monkeypatch):
    from tests.sample_plugin import plugin

    monkeypatch.setenv("PORTAL_INSTANCE_PATH", str(tmp_path))
    config = {"TESTING": True, "SECRET_KEY": "x" * 32, "SQLALCHEMY_DATABASE_URI": "sqlite://"}
    with_sample = create_app(config, plugins=[plugin])
    without = create_app(config, plugins=[])
    assert "sample" in state(with_sample).plugins and state(without).plugins == {}
    assert "sample.view" in state(with_sample).permissions and "sample.view" not in state(without).permissions
    assert with_sample.config["SAMPLE_GREETING"] == "xin chào" and "SAMPLE_GREETING" not in without.config
    assert "sample.index" in with_sample.view_functions and "sample.index" not in without.view_functions
    assert state(with_sample) is not state(without)


class TestSamplePlugin:
    """The test plugin adds a page, a nav entry, a permission, a widget and a table without touching the core."""

    @pytest.fixture
    def plugin_objects(self):
        from tests.sample_plugin import plugin

        return [plugin]

    def test_page_nav_and_table(self, app, client, login_as):
        from tests.sample_plugin.models import Note

        login_as("quantri", ["admin"])
        with app.app_context():
            db.session.add(Note(text="Ghi chú thử"))
            db.session.commit()
        page = client.get("/sample/")
        body = page.get_data(as_text=True)
        assert page.status_code == 200 and "Ghi chú thử" in body and "xin chào" in body
        assert '<a href="/sample/"' in body  # the nav entry
        with app.app_context():
            from portal.models import AuditEntry

            assert db.session.scalar(select(AuditEntry.object_type).where(AuditEntry.object_type == "sample_note"))

    def test_permission_default_grants_are_written_by_sync_roles(self, app, client, login_as, make_unit):
        from portal.models import Role

        with app.app_context():
            grants = {r.code: {g.permission: g.scope for g in r.grants} for r in db.session.scalars(select(Role))}
        assert grants["unit_reporter"]["sample.view"] == "unit" and grants["admin"]["sample.view"] == "all"
        assert "sample.view" not in grants["leadership"]
        login_as("lanhdao", ["leadership"])
        assert client.get("/sample/").status_code == 403
        assert '<a href="/sample/"' not in client.get("/").get_data(as_text=True)

    def test_widget_is_its_own_fragment_on_the_dashboard(self, app, client, login_as):
        login_as("quantri", ["admin"])
        dashboard = client.get("/").get_data(as_text=True)
        assert 'id="widget-sample-widget-count"' in dashboard and 'hx-get="/sample/widget"' in dashboard
        assert 'hx-trigger="load"' in dashboard
        widget = client.get("/sample/widget", headers=HX).get_data(as_text=True)
        assert widget.startswith('<section id="notes">') and '<p class="count">0</p>' in widget

    def test_a_failing_widget_does_not_break_the_dashboard(self, app, client, login_as, monkeypatch):
        login_as("quantri", ["admin"])

        def broken():
            raise RuntimeError("widget broke")

        monkeypatch.setitem(app.view_functions, "sample.widget_count", broken)
        assert client.get("/").status_code == 200
        resp = client.get("/sample/widget", headers=HX)
        assert resp.status_code == 500 and resp.headers["HX-Retarget"] == "#flashes"


class TestNavHighlight:
    """A plugin with two nav entries lights up only the entry of the current page."""

    @pytest.fixture
    def plugin_objects(self):
        bp = Blueprint("twonav", __name__)

        from portal.toolkit import require_login

        @bp.route("/")
        @require_login
        def index():
            return render_template_string('{% extends "layout.html" %}')

        @bp.route("/other")
        @require_login
        def other():
            return render_template_string('{% extends "layout.html" %}')

        @bp.route("/detail")
        @require_login
        def detail():
            return render_template_string('{% extends "layout.html" %}')

        return [
            Plugin(
                name="twonav", title="Two", blueprint=bp,
                nav=(NavItem("twonav.index", "First entry", order=1), NavItem("twonav.other", "Second entry", order=2)),
            )
        ]

    @pytest.mark.parametrize(
        ("path", "current"),
        [("/twonav/", "First entry"), ("/twonav/other", "Second entry"), ("/twonav/detail", "First entry")],
    )
    def test_only_one_entry_is_current(self, client, login_as, path, current):
        login_as("navuser")
        html = client.get(path).get_data(as_text=True)
        marked = re.findall(r'aria-current="page">([^<]+)</a>', html)
        assert marked == [current]
