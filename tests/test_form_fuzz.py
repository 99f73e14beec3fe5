"""Property-based fuzzing of every form: hypothesis posts generated values to every POST route of the url_map.

All four plugins run with their demo data; the user holds every role (so role-guarded forms validate their input).
The fields of each form are read from the pages (tests.test_routes_robustness collects them). Each form gets at
most ``EXAMPLES`` generated bodies: empty and whitespace-only values, control characters, 100k strings, invalid
dates, huge and negative numbers, lists where one value is expected, missing fields; then every field once
whitespace-only and once with a control character. Two properties:

- no response is >= 500;
- a 4xx stored nothing: every table's row count and the upload folder are unchanged.
"""
from __future__ import annotations

import os
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select, text
from werkzeug.datastructures import MultiDict

from portal.extensions import db
from tests.helpers import login
from tests.helpers import PASSWORD
from tests.test_routes_robustness import PLUGINS, _collect_forms, _path_args, _plausible, _seed, _url, _Walk

ROOT_USER = "fuzz_root"  # every role, the administrator's included: allowed on every form

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "15"))  # per form; at most 25 keeps a backend under ~2 minutes
# Routes that end the fuzzing user's session; the login form is fuzzed anonymously.
SKIP = {"auth.logout", "auth.logout_everywhere"}
# Tables a refused request may legitimately write: the login throttle counts refused logins.
MAY_CHANGE_ON_4XX = {"portal_login_attempt", "portal_login_throttle", "portal_user_session"}

CONTROL = st.text(st.characters(min_codepoint=1, max_codepoint=31), min_size=1, max_size=8)
TEXT = st.text(st.characters(blacklist_categories=["Cs"], blacklist_characters="\x00"), max_size=40)
VALUES = st.one_of(
    st.just(""),
    st.sampled_from([" ", "   ", "\t", "\n", " \r\n ", "\u00a0", "\u3000"]),
    st.builds(lambda a, c, b: a + c + b, TEXT, CONTROL, TEXT),
    st.just("x" * 100_000),
    st.just("Tiếng Việt có dấu " * 6000),
    st.sampled_from(["31/02/2024", "00/00/0000", "2024-13-45", "15/03/99999", "1/1/1", "32.13.2024", "hôm qua"]),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.sampled_from(["-1", "0", "2147483648", "9223372036854775808", "1e309", "NaN", "-0", "1.5", "15.000.000,5"]),
    st.sampled_from(["[]", "{}", "null", "true", "<b>x</b>", "' OR 1=1 --", "../../etc/passwd"]),
    TEXT,
)


def _table_counts() -> dict[str, int]:
    tables = [t.name for t in db.metadata.sorted_tables]
    sql = " UNION ALL ".join(f"SELECT '{t}' AS tbl, count(*) AS n FROM \"{t}\"" for t in tables)
    return {tbl: n for tbl, n in db.session.execute(text(sql))}


def _files(app: Flask) -> set[str]:
    folder = Path(app.config["PORTAL_UPLOAD_FOLDER"])
    return {p.name for p in folder.iterdir()} if folder.exists() else set()


@pytest.fixture
def enabled_plugins() -> list[str]:
    return PLUGINS


def _forms(app: Flask, walk: _Walk, client: Any) -> tuple[list[Any], dict[str, list[list[dict[str, Any]]]], dict[int, str]]:
    """POST rules, the forms found on the pages (by endpoint), and one real URL per POST rule."""
    rules = [r for r in app.url_map.iter_rules() if not r.endpoint.endswith("static") and r.endpoint != "static"]
    with app.app_context():
        arg_sets = {id(r): _path_args(r) for r in rules}
    targets = {k: v[0] for k, v in arg_sets.items()}
    forms: dict[str, list[list[dict[str, Any]]]] = defaultdict(list)
    forms["/login"].append([{"name": n, "tag": "input", "type": t, "value": "", "options": []}
                            for n, t in (("username", "text"), ("password", "password"))])
    for rule in rules:
        if "GET" in rule.methods:
            for values in arg_sets[id(rule)][:2]:  # the real records of the demo data (then come bad ids)
                url = _url(rule, values)
                resp = walk.send(client, ROOT_USER, "GET", url)
                if resp is not None and resp.mimetype == "text/html":
                    _collect_forms(forms, url, resp.get_data(as_text=True))
    posts = [r for r in rules if "POST" in r.methods and r.endpoint not in SKIP]
    # a form found on a page posts to a real record the page offers: fuzz that URL, with that form's fields
    adapter = app.url_map.bind("localhost")
    urls = {id(r): _url(r, targets[id(r)]) for r in posts}
    by_endpoint: dict[str, list[list[dict[str, Any]]]] = {}
    found_at: dict[str, str] = {}
    for path, field_lists in forms.items():
        try:
            endpoint, _args = adapter.match(path, method="POST")
        except Exception:  # a GET-only page, or an outside link
            continue
        named = [fs for fs in field_lists if any(f["name"] != "csrf_token" for f in fs)]
        if named and endpoint not in found_at:
            found_at[endpoint], by_endpoint[endpoint] = path, named
    for r in posts:
        if r.endpoint in found_at:
            urls[id(r)] = found_at[r.endpoint]
    return posts, by_endpoint, urls


def test_no_form_answers_500_or_half_stores(app: Flask) -> None:
    _seed(app)
    with app.app_context():
        from portal.models import Role
        from portal.seed import ensure_demo_user

        ensure_demo_user(ROOT_USER, "Thử Toàn Quyền", [r.code for r in db.session.scalars(select(Role))], "xa-ban-bo",
                         PASSWORD)
        db.session.commit()
    walk = _Walk(app)
    client = app.test_client()
    login(client, ROOT_USER)
    anonymous = app.test_client()
    started = time.monotonic()
    half_stored: list[str] = []
    sent = defaultdict(int)
    with_fields = 0
    try:
        posts, forms, urls = _forms(app, walk, client)
        assert len(posts) > 70, len(posts)
        all_names = sorted({f["name"] for fls in forms.values() for fs in fls for f in fs
                            if f["type"] not in ("submit", "file")} - {"csrf_token"})
        for rule in sorted(posts, key=lambda r: ("delete" in r.endpoint, r.endpoint)):
            url = urls[id(rule)]
            fields = [f for fs in forms.get(rule.endpoint, []) for f in fs]
            names = sorted({f["name"] for f in fields if f["type"] not in ("submit", "file")} - {"csrf_token"})
            plausible = MultiDict()
            for f in fields:
                value = _plausible(f)
                if value is not None and f["type"] != "file":
                    plausible.add(f["name"], value)
            with_fields += bool(names)
            # a form not found on a page (its record is in another state): every field name the pages use
            names = names or all_names
            who = anonymous if rule.endpoint == "auth.login" else client
            label = "anonymous" if who is anonymous else ROOT_USER

            def check(body: MultiDict, htmx: bool) -> None:
                with app.app_context():
                    before = _table_counts()
                files = _files(app)
                resp = walk.send(who, label, "POST", url, data=body, headers={"HX-Request": "true"} if htmx else {})
                sent[rule.endpoint] += 1
                if resp is None or resp.status_code >= 500:
                    return  # listed by walk.failures
                if 400 <= resp.status_code < 500:
                    with app.app_context():
                        after = _table_counts()
                    changed = {t for t in before if before[t] != after.get(t)} - MAY_CHANGE_ON_4XX
                    if changed or _files(app) != files:
                        half_stored.append(f"{rule.endpoint} {url} {resp.status_code}: tables {sorted(changed)}, "
                                           f"files {sorted(_files(app) ^ files)[:3]}, body {body.to_dict(flat=False)!r:.200}")

            def mutate(base: MultiDict, changes: dict[str, Any]) -> MultiDict:
                body = base.copy()
                for name, value in changes.items():
                    if value is None:
                        body.poplist(name)  # the field is missing
                    elif isinstance(value, list):
                        body.setlist(name, value)  # several values where one is expected
                    else:
                        body.setlist(name, [value])
                return body

            @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                      suppress_health_check=list(HealthCheck))
            @given(
                # mostly one hostile field in an otherwise valid form (so that field's check is what answers),
                # sometimes several, sometimes no valid base at all
                target=st.sampled_from(names),
                value=st.one_of(st.none(), VALUES, st.lists(VALUES, min_size=2, max_size=3)),
                others=st.dictionaries(st.sampled_from(names), st.one_of(st.none(), VALUES), max_size=2),
                start_plausible=st.sampled_from([True, True, True, False]),
                htmx=st.booleans(),
            )
            def post_once(target: str, value: Any, others: dict[str, Any], start_plausible: bool, htmx: bool) -> None:
                base = plausible if start_plausible else MultiDict()
                changes = {**(others if not start_plausible or len(others) < 2 else {}), target: value}
                check(mutate(base, changes), htmx)

            # every field once whitespace-only and once with a control character (the defects seen)
            for name in names if names is not all_names else []:
                for value in ("   ", "a\x01\x1b[31mb"):
                    check(mutate(plausible, {name: value}), htmx=False)
            post_once()
    finally:
        walk.close()
    elapsed = time.monotonic() - started
    print(f"\nfuzzed {len(sent)} POST routes ({with_fields} with fields read from their pages), "
          f"{sum(sent.values())} bodies in {elapsed:.0f}s")
    assert len(sent) > 70 and with_fields > 35 and sum(sent.values()) >= len(sent) * min(EXAMPLES, 5)
    assert not walk.failures, f"{len(walk.failures)} responses >= 500:\n" + "\n".join(walk.failures[:40])
    assert not half_stored, f"{len(half_stored)} refused requests stored something:\n" + "\n".join(half_stored[:40])
