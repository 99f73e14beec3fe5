"""Integers from the URL stay inside the database's range: huge ids are not found, huge parameters are ignored."""
from __future__ import annotations

import pytest
from flask import request

from portal.requests import DB_INT_MAX

HUGE = 2**63  # beyond BIGINT; SQLite raised OverflowError, PostgreSQL "out of range"


@pytest.mark.parametrize("path", [f"/units/{HUGE}", f"/units/{DB_INT_MAX + 1}/edit", f"/admin/users/{HUGE}"])
def test_an_id_beyond_the_database_range_is_not_found(client, login_as, path):
    login_as("quantri", ["admin"])
    assert client.get(path).status_code == 404


def test_the_largest_database_id_still_routes(client, login_as):
    login_as("quantri", ["admin"])
    assert client.get(f"/units/{DB_INT_MAX}").status_code == 404  # matched the rule, then not in the table
    assert client.get("/units/0").status_code == 404


def test_type_int_refuses_numbers_beyond_the_range(app):
    query = f"/?page={HUGE}&year=2024&low=-{HUGE}&max={DB_INT_MAX}"
    with app.test_request_context(query, method="POST", data={"page": "3", "n": str(HUGE)}):
        assert request.args.get("page", 1, type=int) == 1
        assert request.args.get("low", type=int) is None
        assert request.args.get("year", type=int) == 2024
        assert request.args.get("max", type=int) == DB_INT_MAX
        assert request.form.get("n", 0, type=int) == 0
        assert request.values.get("page", type=int) == 3  # the query's is refused, the form's is used
        assert request.values.get("n", 7, type=int) == 7
        assert request.args.get("page") == str(HUGE)  # as text it is still there


def test_listing_with_a_huge_page_number_answers(client, login_as):
    login_as("quantri", ["admin"])
    assert client.get(f"/admin/audit/?page={HUGE}").status_code == 200
