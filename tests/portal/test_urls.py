"""``url_maker``: one url_for for a table's links, each row's link the same text url_for would write."""
from __future__ import annotations

from typing import Any
from urllib.parse import unquote

import pytest
from flask import Flask, render_template_string, url_for
from werkzeug.routing import BaseConverter

from portal.toolkit import url_maker

IDS = (0, 7, 42, 123456, 987654321)


class HexConverter(BaseConverter):
    """Writes an int in hex: the placeholder's digits do not come out as they went in."""

    def to_python(self, value: str) -> int:
        return int(value, 16)

    def to_url(self, value: Any) -> str:
        return format(int(value), "x")


@pytest.fixture
def routes() -> Flask:
    """A bare app with the URL shapes the portal uses: the id last, in the middle, a string segment, a query."""
    app = Flask(__name__)
    app.url_map.converters["hex"] = HexConverter

    def view(**_kw: Any) -> str:
        return ""

    for rule, endpoint in [
        ("/items/<int:item_id>", "item"),
        ("/p/<int:period_id>/u/<int:unit_id>/print", "print_report"),
        ("/<int:inspection_id>/sections/<sid>", "section"),
        ("/items", "items"),
        ("/h/<hex:code>", "hexed"),
    ]:
        app.add_url_rule(rule, endpoint, view)
    return app


@pytest.mark.parametrize(("endpoint", "key", "values"), [
    ("item", "item_id", {}),
    ("item", "item_id", {"_anchor": "row-1"}),
    ("print_report", "period_id", {"unit_id": 23}),  # the id in the middle of the path
    ("print_report", "unit_id", {"period_id": 6}),
    ("items", "page", {"q": "Sơn Bình & co", "size": 50}),  # the id in the query string, among other values
    ("items", "edit", {}),
])
def test_link_is_what_url_for_writes_wherever_the_id_sits(routes, endpoint, key, values):
    with routes.test_request_context("/"):
        link = url_maker(endpoint, key, **values)
        for ident in IDS:
            assert link(ident) == url_for(endpoint, **values, **{key: ident})


@pytest.mark.parametrize(("endpoint", "key", "values"), [
    ("items", "page", {"q": "Sơn Bình & co", "size": 50}),  # "&" between and inside the query's values
    ("items", "edit", {"q": "<b>\"x\"</b>"}),
    ("print_report", "unit_id", {"period_id": 6}),
])
def test_an_html_link_is_the_escaped_link(routes, endpoint, key, values):
    from markupsafe import escape

    with routes.test_request_context("/"):
        plain, html = url_maker(endpoint, key, **values), url_maker(endpoint, key, html=True, **values)
        for ident in (*IDS, "Sơn Bình", "a&b"):
            assert html(ident) == str(escape(plain(ident)))
        assert "&amp;" in html(7) or endpoint == "print_report"


def test_a_string_id_in_a_path_segment(routes):
    with routes.test_request_context("/"):
        link = url_maker("section", "sid", inspection_id=5)
        for sid in ("recheck", "12", "a-b_c.d~e", "Sơn Bình"):
            assert link(sid) == url_for("section", inspection_id=5, sid=sid)
        # reserved characters are encoded more than url_for does, and route to the same value
        adapter = routes.url_map.bind("localhost")
        for sid in ("a&b=c", "50%", "?#", "a b+c"):
            assert "?" not in link(sid) and "#" not in link(sid)
            # the server routes the percent-decoded path (WSGI's PATH_INFO)
            assert adapter.match(unquote(link(sid))) == ("section", {"inspection_id": 5, "sid": sid})


def test_a_script_name_prefix_is_kept(routes):
    with routes.test_request_context("/", base_url="http://intranet.example.vn/tamduong"):
        link = url_maker("print_report", "unit_id", period_id=6)
        assert link(23) == url_for("print_report", period_id=6, unit_id=23) == "/tamduong/p/6/u/23/print"
        external = url_maker("item", "item_id", _external=True)
        assert external(9) == url_for("item", item_id=9, _external=True)
        assert external(9) == "http://intranet.example.vn/tamduong/items/9"


def test_a_placeholder_not_there_exactly_once_is_refused(routes):
    with routes.test_request_context("/"):
        with pytest.raises(ValueError, match=r"stands 2 times in '/items/987654321\?q=987654321'"):
            url_maker("item", "item_id", q=987654321)
        with pytest.raises(ValueError, match=r"stands 0 times in '/h/3ade68b1'"):
            url_maker("hexed", "code")


def test_an_id_that_is_not_an_int_or_a_str_is_refused(app, routes):
    with routes.test_request_context("/"):
        link = url_maker("item", "item_id")
        with pytest.raises(TypeError, match="an id is an int or a str, not None"):
            link(None)
    with app.test_request_context("/"):  # a misspelt name in a template fails its page's test instead of linking nowhere
        with pytest.raises(TypeError, match="not Undefined"):
            render_template_string("{% set edit = url_maker('admin.user_edit', 'user_id') %}{{ edit(u.idd) }}", u=object())


def test_templates_make_links_with_the_global(app):
    page = ("{% set edit = url_maker('admin.user_edit', 'user_id') %}"
            "{% for i in ids %}{{ edit(i) }}={{ url_for('admin.user_edit', user_id=i) }};{% endfor %}")
    for base in ("http://localhost", "http://localhost/portal"):
        with app.test_request_context("/", base_url=base):
            out = render_template_string(page, ids=IDS)
            pairs = [p.split("=") for p in out.rstrip(";").split(";")]
            assert len(pairs) == len(IDS) and all(made == written for made, written in pairs)
            assert pairs[2][0] == base.removeprefix("http://localhost") + "/admin/users/42"
