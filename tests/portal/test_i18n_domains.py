"""One catalog per plugin: a msgid two catalogs translate differently takes the translation of the plugin whose code
or template asks (the core's for the core), and a plugin's missing msgids fall back to the core's catalog."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from flask import render_template
from flask_babel import force_locale

from portal.extensions import db

ALL = ["reports", "inspections", "awards", "fund", "exemplars"]


@pytest.fixture
def enabled_plugins() -> list[str]:
    return ALL


def _run_in(module: str, source: str) -> object:
    """Evaluate ``source`` as code of ``module`` (the catalog follows the calling module's ``__name__``)."""
    scope: dict[str, object] = {"__name__": module}
    exec("from portal.toolkit import _, _l, ngettext, pgettext, lazy_pgettext\nresult = " + source, scope)
    return scope["result"]


def test_each_page_shows_its_own_plugins_word(app, client, login_as):
    """Before: every page showed the last catalog's word ("Approved" = fund's "Đã duyệt" on awards pages too)."""
    from plugins.awards.models import NominationRound

    login_as("quantri", ["admin"])
    with app.app_context():
        nomination_round = NominationRound(name="Tổng kết 2025", year=2025, deadline=dt.date(2025, 12, 31))
        db.session.add(nomination_round)
        db.session.commit()
        round_id = nomination_round.id

    awards = client.get(f"/awards/rounds/{round_id}")
    assert awards.status_code == 200
    awards_body = awards.get_data(as_text=True)
    assert '<option value="approved" >Đạt</option>' in awards_body  # the state filter: a vote's result
    assert "Đã duyệt" not in awards_body

    fund = client.get("/fund/disbursements")
    assert fund.status_code == 200
    assert '<option value="approved" >Đã duyệt</option>' in fund.get_data(as_text=True)  # a payment approved

    admin = client.get("/admin/users/new").get_data(as_text=True)  # the core's form label, not fund's "Đang dùng"
    assert "Đang hoạt động" in admin and "Đang dùng" not in admin


def test_python_strings_follow_the_calling_plugin(app):
    with app.test_request_context("/"):
        assert _run_in("plugins.awards.services.probe", '_("Approved")') == "Đạt"
        assert _run_in("plugins.fund.views.probe", '_("Approved")') == "Đã duyệt"
        assert _run_in("portal.admin.probe", '_("Active")') == "Đang hoạt động"
        assert _run_in("plugins.fund", '_("Active")') == "Đang dùng"  # the package itself (its __init__)
        assert _run_in("plugins.reports.x", '_("Previous")') == "Trước"
        assert _run_in("plugins.awards.x", 'pgettext("registration", "Approved")') == "Đã duyệt"
        assert _run_in("plugins.awards.x", '_("%(first)s and %(last)s", first="A", last="B")') == "A và B"
        # a module that merely starts like a plugin's package is not the plugin's
        assert _run_in("plugins.fundraising", '_("Active")') == "Đang hoạt động"


def test_a_msgid_missing_from_the_plugin_catalog_falls_back_to_the_core(app, site_templates):
    with app.test_request_context("/"):
        assert _run_in("plugins.awards.views.probe", '_("Dashboard")') == "Bảng điều khiển"  # core only
        assert _run_in("plugins.awards.views.probe", '_("No such message anywhere")') == "No such message anywhere"
        assert render_template("awards/probe.html") == "Đăng nhập|Đạt"


def test_lazy_strings_take_the_catalog_of_the_module_defining_them(app):
    from plugins.awards import labels as awards_labels
    from plugins.fund import labels as fund_labels

    awards_approved = awards_labels.NOMINATION_STATES["approved"]
    fund_approved = fund_labels.STATES["approved"]
    lazy = _run_in("plugins.reports.forms", '_l("Previous")')
    with app.test_request_context("/"):
        assert (str(awards_approved), str(fund_approved), str(lazy)) == ("Đạt", "Đã duyệt", "Trước")
        with force_locale("en"):  # translated when shown, in the language of that moment
            assert str(awards_approved) == "Approved"
        assert str(awards_approved) == "Đạt"
        from portal.admin.forms import UserForm

        assert UserForm().active.label.text == "Đang hoạt động"


def test_wtforms_messages_of_a_plugin_form_come_from_the_core(app):
    with app.test_request_context("/"):
        from plugins.fund.forms import ReasonForm  # a plugin's form: its own catalog, then the core's

        form = ReasonForm(formdata=None)
        assert form.meta.get_translations(form).gettext("This field is required.") == "Trường này là bắt buộc."


@pytest.fixture
def site_templates(app) -> Path:
    """Templates in the instance's override folder: found by the same names as the core's and the plugins'."""
    folder = Path(app.instance_path) / "templates"
    (folder / "macros").mkdir(parents=True, exist_ok=True)
    (folder / "reports").mkdir(exist_ok=True)
    (folder / "awards").mkdir(exist_ok=True)
    (folder / "awards" / "probe.html").write_text('{{ _("Log in") }}|{{ _("Approved") }}')
    (folder / "macros" / "probe.html").write_text('{% macro previous() %}{{ _("Previous") }}{% endmacro %}')
    (folder / "probe_base.html").write_text('[{{ _("Previous") }}]{% block body %}{% endblock %}')
    (folder / "reports" / "probe.html").write_text(
        '{% extends "probe_base.html" %}{% import "macros/probe.html" as m %}{% block body %}'
        '{{ _("Previous") }}|{{ m.previous() }}|{% trans %}Previous{% endtrans %}|'
        '{{ ngettext("%(num)s unit", "%(num)s units", 3) }}|{{ _("Hello %(name)s", name=who) }}{% endblock %}'
    )
    (folder / "reports" / "probe_include.html").write_text('{{ _("Previous") }}/{% include "probe_core.html" %}')
    (folder / "probe_core.html").write_text('{{ _("Previous") }}')
    return folder


def test_templates_use_their_plugins_catalog_and_core_templates_the_cores(app, site_templates):
    with app.test_request_context("/"):
        out = render_template("reports/probe.html", who="<b>")
        base, _, body = out.partition("]")
        assert base == "[Trang trước"  # the core's base template, even while rendering a plugin's page
        words = body.split("|")
        assert words[:3] == ["Trước", "Trang trước", "Trước"]  # the plugin's, the core macro's, {% trans %}
        assert words[4] == "Hello &lt;b&gt;"  # formatting and autoescape as before
        assert render_template("reports/probe_include.html") == "Trước/Trang trước"
        assert render_template("probe_core.html") == "Trang trước"


def test_a_plugin_installed_from_outside_does_not_retranslate_the_core(tmp_path, monkeypatch):
    """An outside distribution (its own top package) translating a core msgid differently keeps it to itself."""
    import importlib
    import sys

    from babel.messages.catalog import Catalog
    from babel.messages.mofile import write_mo

    from portal import create_app

    package = tmp_path / "site" / "outside_notes"
    (package / "templates" / "outside_notes").mkdir(parents=True)
    (package / "templates" / "outside_notes" / "page.html").write_text('{{ _("Active") }}|{{ _("Dashboard") }}')
    (package / "__init__.py").write_text(
        "from pathlib import Path\nfrom flask import Blueprint\nfrom portal.plugin import Plugin\n"
        "from portal.toolkit import _l\n"
        "from . import labels\n"
        "plugin = Plugin(name='outside_notes', title=_l('Notes'), labels=labels, translations=Path(__file__).parent / "
        "'translations', blueprint=Blueprint('outside_notes', __name__, template_folder='templates'))\n"
    )
    (package / "labels.py").write_text("from portal.toolkit import _l\nSTATES = {'on': _l('Active')}\n")
    catalog = Catalog(locale="vi")
    catalog.add("Active", "Đang bật")
    mo = package / "translations" / "vi" / "LC_MESSAGES" / "messages.mo"
    mo.parent.mkdir(parents=True)
    with mo.open("wb") as f:
        write_mo(f, catalog)
    monkeypatch.syspath_prepend(str(tmp_path / "site"))
    monkeypatch.setenv("PORTAL_INSTANCE_PATH", str(tmp_path / "instance"))
    outside = importlib.import_module("outside_notes")
    try:
        app = create_app({"TESTING": True, "SECRET_KEY": "test-secret-key-0123456789",
                          "SQLALCHEMY_DATABASE_URI": "sqlite://", "PORTAL_PLUGINS": ["outside_notes"]},
                         plugins=[outside.plugin])
        with app.test_request_context("/"):
            assert str(outside.labels.STATES["on"]) == "Đang bật"
            assert render_template("outside_notes/page.html") == "Đang bật|Bảng điều khiển"
            from portal.admin.forms import UserForm

            assert UserForm().active.label.text == "Đang hoạt động"  # the core keeps its word
    finally:
        for name in [n for n in sys.modules if n == "outside_notes" or n.startswith("outside_notes.")]:
            del sys.modules[name]
