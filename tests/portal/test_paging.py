"""The toolkit paginator through HTTP: keyset pages in SQL, plain links, htmx fragments, bad cursors, the sort key."""
from __future__ import annotations

import html
import re

import pytest
from sqlalchemy import insert, select

from portal.extensions import db
from portal.i18n import fold, vi_sort_key, vi_sort_text
from portal.models import Unit
from portal.paging import MAX_PAGE_SIZE
from tests.helpers import HX, count_queries

NAMES = ["Thôn Đông", "Thôn Dao", "Thôn 10", "Thôn 2", "Ăn Uống", "An Bình", "Ấp Mới", "Bản Bo", "Bạn Bè", "bản Lang",
         "Thôn Ðặc", "Xã Ứng Hòa", "Xã Ưng", "Xã Uông", "Zô", "thôn 02", "Thôn Dao Hai"]


def test_stored_sort_key_sorts_like_vi_sort_key():
    assert sorted(NAMES, key=vi_sort_text) == sorted(NAMES, key=vi_sort_key)


def _units(app, n, prefix="Thôn Thử"):
    with app.app_context():
        db.session.execute(insert(Unit), [
            {"code": f"u-{prefix[-3:]}-{i}", "name": f"{prefix} {i}", "search_name": fold(f"{prefix} {i}"), "kind": "village"}
            for i in range(n)
        ])
        db.session.commit()


def _names(body: str) -> list[str]:
    return re.findall(r'/units/\d+">([^<]+)</a>', body)


def test_units_are_sorted_in_sql_and_kept_up_to_date(app, client, login_as, make_unit):
    login_as("quantri", ["admin"])
    for i, name in enumerate(NAMES):
        make_unit(name, code=f"n{i}")
    body = client.get("/units/").get_data(as_text=True)
    assert _names(body) == sorted(NAMES, key=vi_sort_key)
    with app.app_context():  # an ORM rename updates the key (the event), a Core insert gets it from the default
        unit = db.session.scalar(select(Unit).where(Unit.code == "n0"))
        unit.name = "A Đầu Tiên"
        db.session.commit()
        db.session.execute(insert(Unit), [{"code": "core", "name": "Ă Core", "search_name": "a core", "kind": "other"}])
        db.session.commit()
        keys = dict(db.session.execute(select(Unit.name, Unit.sort_key)).all())
    assert keys["A Đầu Tiên"] == vi_sort_text("A Đầu Tiên") and keys["Ă Core"] == vi_sort_text("Ă Core")
    expected = sorted(["A Đầu Tiên", "Ă Core", *NAMES[1:]], key=vi_sort_key)
    assert _names(client.get("/units/").get_data(as_text=True)) == expected and expected[0] == "A Đầu Tiên"


def test_units_pages_by_keyset_with_plain_links_and_htmx_fragments(app, client, login_as):
    login_as("quantri", ["admin"])
    app.config["PORTAL_PAGE_SIZE"] = 20
    _units(app, 45)
    first = client.get("/units/?q=thu").get_data(as_text=True)
    assert "45 đơn vị" in first and len(_names(first)) == 20 and 'rel="prev"' not in first
    # without JavaScript: a real href carrying the filter and an opaque keyset cursor (no page number, no offset)
    href = html.unescape(re.search(r'<a href="([^"]+)"[^>]*rel="next"', first).group(1))
    assert "q=thu" in href and "after=" in href and "page=" not in href
    second = client.get(href).get_data(as_text=True)
    assert "<html" in second and len(_names(second)) == 20
    # with htmx: the same link answers the list alone, which swaps itself in place
    fragment = client.get(href, headers=HX).get_data(as_text=True)
    assert fragment.lstrip().startswith('<section id="unit-list"') and "<html" not in fragment
    assert 'hx-target="#unit-list"' in fragment and _names(fragment) == _names(second)
    third_href = html.unescape(re.search(r'<a href="([^"]+)"[^>]*rel="next"', second).group(1))
    third = client.get(third_href).get_data(as_text=True)
    assert len(_names(third)) == 5 and 'rel="next"' not in third
    everything = _names(first) + _names(second) + _names(third)
    assert everything == sorted({f"Thôn Thử {i}" for i in range(45)}, key=vi_sort_key)
    # back from the third page: the second page again
    prev = html.unescape(re.search(r'<a href="([^"]+)"[^>]*rel="prev"', third).group(1))
    assert "before=" in prev and _names(client.get(prev).get_data(as_text=True)) == _names(second)
    # a unit added before the cursor does not shift the next page (an offset would)
    _units(app, 1, prefix="Thôn Thử 0 B")  # sorts on the first page
    assert _names(client.get(third_href).get_data(as_text=True)) == _names(third)


def test_page_size_is_capped_and_damaged_cursors_are_refused(app, client, login_as):
    login_as("quantri", ["admin"])
    _units(app, MAX_PAGE_SIZE + 20)
    assert len(_names(client.get("/units/?size=100000").get_data(as_text=True))) == MAX_PAGE_SIZE
    for bad in ("x", "eyJhIjoxfQ", "WzEsMiwzXQ", "W251bGwsMV0"):
        resp = client.get(f"/units/?after={bad}")
        assert resp.status_code == 400 and "Liên kết trang này bị hỏng" in resp.get_data(as_text=True)
    assert client.get("/units/?before=%%%").status_code == 400


def test_print_view_and_export_keep_the_whole_list(app, client, login_as):
    login_as("quantri", ["admin"])
    app.config["PORTAL_PAGE_SIZE"] = 10
    _units(app, 30)
    printed = client.get("/units/print?q=thu").get_data(as_text=True)
    assert printed.count("Thôn Thử") == 30
    assert client.get("/units/export.xlsx").status_code == 200


def test_paged_lists_query_count_does_not_grow(app, client, login_as):
    login_as("quantri", ["admin"])
    counts = {}
    for n in (5, 300):
        _units(app, n, prefix=f"Thôn N{n}")
        with count_queries(app) as statements:
            for url in ("/units/", "/admin/users/", "/admin/audit/"):
                assert client.get(url).status_code == 200
                assert client.get(url, headers=HX).status_code == 200
        counts[n] = len(statements)
    assert counts[5] == counts[300]


def test_select_rows_reads_columns_without_the_orm_and_refuses_a_select_of_objects(app):
    from sqlalchemy import func, select
    from sqlalchemy.orm import aliased

    from portal.extensions import db, loads_objects, select_rows
    from portal.models import Unit
    from portal.paging import paginate

    with app.app_context():
        db.session.add_all([Unit(code=f"sr-{i}", name=f"Xã {i}", kind="commune") for i in range(3)])
        db.session.commit()
        assert loads_objects(select(Unit)) and loads_objects(select(aliased(Unit))) and loads_objects(select(Unit, Unit.name))
        assert not loads_objects(select(Unit.id, Unit.name)) and not loads_objects(select(func.count(Unit.id)))
        rows = select_rows(select(Unit.code, Unit.name).where(Unit.code.like("sr-%")).order_by(Unit.code)).all()
        assert [(r.code, r.name) for r in rows] == [("sr-0", "Xã 0"), ("sr-1", "Xã 1"), ("sr-2", "Xã 2")]
        with pytest.raises(TypeError):
            select_rows(select(Unit))
    with app.test_request_context("/"):
        # a page of objects still comes through the ORM, a page of columns without it: both give what they name
        units = paginate(select(Unit).where(Unit.code.like("sr-%")), (Unit.code,), size=2)
        assert [u.code for u in units.items] == ["sr-0", "sr-1"] and units.next_cursor
        mixed = paginate(select(Unit, Unit.name).where(Unit.code.like("sr-%")), (Unit.code,), size=2, rows="row")
        assert [(r[0].code, r[1]) for r in mixed.items] == [("sr-0", "Xã 0"), ("sr-1", "Xã 1")]
        names = paginate(select(Unit.id, Unit.name).where(Unit.code.like("sr-%")), (Unit.code,), size=2, rows="mapping")
        assert [m["name"] for m in names.items] == ["Xã 0", "Xã 1"]


def test_a_kept_statement_is_paged_with_its_parameters_and_its_shapes_built_once(app):
    """A statement built once with bind parameters (as the reports matrix keeps its own) is paged with each call's
    values: the first page's statement paginate derives is kept with it, not reused for other values or sizes."""
    from sqlalchemy import bindparam, select

    from portal.extensions import db
    from portal.models import Unit
    from portal.paging import _SHAPES, paginate

    with app.app_context():
        db.session.add_all([Unit(code=f"kp-{k}-{i}", name=f"Xã {k}{i}", kind=k) for k in ("commune", "village")
                            for i in range(3)])
        db.session.commit()
    kept = select(Unit.code).where(Unit.code.like("kp-%"), Unit.kind == bindparam("kind"))
    order = (Unit.code,)
    with app.test_request_context("/"):
        first = paginate(kept, order, size=2, rows="row", params={"kind": "commune"})
        assert [r.code for r in first.items] == ["kp-commune-0", "kp-commune-1"] and first.has_next
        other = paginate(kept, order, size=2, rows="row", params={"kind": "village"})
        assert [r.code for r in other.items] == ["kp-village-0", "kp-village-1"]
        bigger = paginate(kept, order, size=5, rows="row", params={"kind": "village"})
        assert [r.code for r in bigger.items] == ["kp-village-0", "kp-village-1", "kp-village-2"]
        shape = _SHAPES[kept][tuple(map(id, order))]
        assert set(shape.first_pages) == {2, 5}
    with app.test_request_context(f"/?after={first.next_cursor}"):
        rest = paginate(kept, order, size=2, rows="row", params={"kind": "commune"})
        assert [r.code for r in rest.items] == ["kp-commune-2"] and rest.has_prev and not rest.has_next
    with app.test_request_context(f"/?before={rest.prev_cursor}"):
        back = paginate(kept, order, size=2, rows="row", params={"kind": "commune"})
        assert [r.code for r in back.items] == ["kp-commune-0", "kp-commune-1"]
    with app.test_request_context("/"):
        # an ordering built anew at each call does not pile up shapes on a kept statement
        for _ in range(20):
            paginate(kept, (Unit.code.asc(),), size=2, rows="row", params={"kind": "commune"})
        assert len(_SHAPES[kept]) <= 8
