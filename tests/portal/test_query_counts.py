"""The number of SQL queries of the main pages does not grow with the data (no N+1)."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import insert, select

from portal.extensions import db
from portal.i18n import fold
from portal.models import Unit
from tests.helpers import HX, count_queries


def _add_units(app, n, start=0):
    with app.app_context():
        parent = db.session.scalar(select(Unit.id).where(Unit.code == "root"))
        if parent is None:
            unit = Unit(code="root", name="UBND huyện Tam Đường", search_name="ubnd huyen tam duong", kind="district")
            db.session.add(unit)
            db.session.flush()
            parent = unit.id
        rows = [
            {"code": f"xa-{i}", "name": f"Xã Thử Nghiệm {i}", "search_name": fold(f"Xã Thử Nghiệm {i}"), "kind": "commune",
             "parent_id": parent, "valid_from": dt.date(2021, 1, 1), "is_sample": False}
            for i in range(start, start + n)
        ]
        db.session.execute(insert(Unit), rows)
        db.session.commit()


def _measure(app, client, url, headers=None):
    client.get(url, headers=headers)  # warm up (first request loads the user, fills caches)
    with count_queries(app) as statements:
        resp = client.get(url, headers=headers)
    assert resp.status_code == 200
    return len(statements), len(resp.data)


@pytest.mark.parametrize("url,headers", [("/units/", None), ("/units/?q=nghiem", HX), ("/units/tree", None), ("/", None),
                                         ("/units/print", None), ("/units/export.xlsx", None)])
def test_queries_do_not_grow_from_10_to_500_units(app, client, login_as, url, headers):
    login_as("dem", ["admin"])
    _add_units(app, 10)
    few, small = _measure(app, client, url, headers)
    _add_units(app, 490, start=10)
    many, large = _measure(app, client, url, headers)
    print(f"\n{url} {headers or ''}: {few} queries / {small} bytes with 10 units; {many} queries / {large} bytes with 500")
    assert few == many
    assert few <= 8
    if url.startswith("/units"):
        assert large > small  # the 490 extra units really are on the page
        assert (large - small) / 490 < 300, "bytes per unit row grew: keep the list light for commune connections"
    else:
        assert large < 6000


def test_unit_detail_queries_do_not_grow_with_members(app, client, login_as, make_user):
    login_as("dem", ["admin"])
    _add_units(app, 3)
    with app.app_context():
        unit_id = db.session.scalar(select(Unit.id).where(Unit.code == "xa-1"))
    make_user("m0", ["unit_reporter"], unit_id=unit_id)
    few, _ = _measure(app, client, f"/units/{unit_id}")
    for i in range(1, 8):
        make_user(f"m{i}", ["unit_reporter", "inspector"], unit_id=unit_id)
    many, _ = _measure(app, client, f"/units/{unit_id}")
    assert few == many


def test_the_unit_checkbox_list_costs_the_same_queries_for_500_units(app, client, login_as):
    login_as("dem", ["admin"])
    _add_units(app, 10)
    with app.app_context():
        first = db.session.scalar(select(Unit.id).where(Unit.code == "xa-0"))
    few, small = _measure(app, client, f"/units/{first}/merge")
    _add_units(app, 490, start=10)
    many, large = _measure(app, client, f"/units/{first}/merge")
    assert few == many and large > small
    assert (large - small) / 490 < 300, "the merge form lists every unit twice (select and checkboxes): keep both lean"
