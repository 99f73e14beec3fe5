"""No route answers 500 to bad input.

The app runs with all four plugins and their demo data. The test walks ``app.url_map`` and sends every rule
hostile input: real, missing, negative and huge path ids; odd query strings on GET; garbage, almost-valid and
multipart bodies on POST (field names found on the pages themselves). It does so as the admin, as a commune's
unit reporter and (POST) anonymously, and lists every 5xx it saw. Seeded random, so a failure repeats.
"""
from __future__ import annotations

import io
import logging
import random
import re
from collections import defaultdict
from html.parser import HTMLParser
from typing import Any
from urllib.parse import quote, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, text
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.routing import IntegerConverter

from portal.extensions import db
from tests.helpers import PASSWORD, login, seed_once

PLUGINS = ["reports", "inspections", "awards", "fund", "exemplars"]
REPORTER = "banbo"  # unit_reporter of xa-ban-bo
EVERYONE = "fuzz_all"  # every role at once, so that role-guarded forms are reached and validated too
HUGE = 2**63  # beyond BIGINT
MISSING = 999999


@pytest.fixture
def enabled_plugins() -> list[str]:
    return PLUGINS


def _seed(app: Flask) -> None:
    """The demo of every plugin, a review and a user of every role (made once a test run, copied back after)."""
    seed_once(app, "routes-demo", lambda: _seed_demo(app))


def _seed_demo(app: Flask) -> None:
    from portal.models import Role
    from portal.seed import ensure_demo_user, seed_demo

    with app.app_context():
        seed_demo(PASSWORD)
        from portal.review.services import draft

        draft({"kind": "final", "title": "Tổng kết 2021–2025", "year_from": 2021, "year_to": 2025,
               "unit_kinds": ["commune", "mass_org"]}, None)  # a review, so its routes get real ids
        db.session.commit()
        roles = [r for r in db.session.scalars(select(Role)) if r.code != "admin"]
        ensure_demo_user(EVERYONE, "Thử Mọi Quyền", [r.code for r in roles], "xa-ban-bo", PASSWORD)
        db.session.commit()


# --- path parameters: ids that exist, taken from the seeded tables ---

# (endpoint prefix or "*", argument) -> SQL giving candidate values (first rows are used)
_ARG_SQL: dict[tuple[str, str], str] = {
    ("*", "role_id"): "SELECT id FROM portal_role WHERE code = 'leadership'",
    ("*", "user_id"): "SELECT id FROM portal_user WHERE username = 'lanhdao'",
    ("*", "unit_id"): "SELECT id FROM directory_unit WHERE code IN ('dn-mau-2', 'xa-ban-bo') ORDER BY code",
    ("help.", "role"): "SELECT code AS id FROM portal_role WHERE code IN ('unit_reporter', 'standing_office') ORDER BY code",  # the guides are named by role code
    ("*", "member_id"): "SELECT id FROM awards_council_member ORDER BY id",
    ("*", "nomination_id"): "SELECT id FROM awards_nomination ORDER BY id",
    ("*", "round_id"): "SELECT id FROM awards_round ORDER BY id",
    ("*", "session_id"): "SELECT id FROM awards_session ORDER BY id DESC",
    ("*", "type_id"): "SELECT id FROM awards_type ORDER BY id",
    ("*", "decision_id"): "SELECT id FROM awards_decision ORDER BY id",
    ("*", "registration_id"): "SELECT id FROM awards_registration ORDER BY id",
    ("*", "record_id"): "SELECT id FROM awards_achievement ORDER BY id",
    ("*", "campaign_id"): "SELECT id FROM fund_campaign ORDER BY id",
    ("*", "category_id"): "SELECT id FROM fund_category ORDER BY id",
    ("*", "inspection_id"): "SELECT id FROM inspections_inspection ORDER BY id",
    ("*", "finding_id"): "SELECT id FROM inspections_finding ORDER BY id",
    ("*", "template_id"): "SELECT id FROM inspections_template ORDER BY id",
    ("*", "photo_id"): "SELECT id FROM inspections_photo ORDER BY id",
    ("*", "item_id"): "SELECT id FROM inspections_item ORDER BY id",
    ("*", "sub_id"): "SELECT id FROM reports_submission ORDER BY id",
    ("*", "form_id"): "SELECT id FROM reports_form ORDER BY id",
    ("*", "period_id"): "SELECT id FROM reports_period ORDER BY id",
    ("*", "index"): "SELECT 0",
    ("*", "ind_id"): "SELECT id FROM reports_indicator ORDER BY id",
    ("*", "review_id"): "SELECT id FROM portal_review ORDER BY id",
    ("inspections.section_items", "sid"): "SELECT id FROM inspections_section ORDER BY id",
    ("fund.contribution", "entry_id"): "SELECT id FROM fund_contribution ORDER BY id",
    ("fund.receipt", "entry_id"): "SELECT id FROM fund_contribution ORDER BY id",
    ("fund.", "entry_id"): "SELECT id FROM fund_disbursement ORDER BY id",
    ("*", "exemplar_id"): "SELECT id FROM exemplars_exemplar ORDER BY id",
    ("exemplars.", "photo_id"): "SELECT id FROM exemplars_photo ORDER BY id",
}

# endpoint -> SQL whose columns are the rule's arguments, for arguments that must belong together
_COMBO_SQL: dict[str, str] = {
    "admin.grant_delete": "SELECT role_id, id AS grant_id FROM portal_role_grant "
                          "WHERE role_id = (SELECT id FROM portal_role WHERE code = 'leadership')",
    "awards.nomination_file": "SELECT nomination_id, id AS file_id FROM awards_nomination_file ORDER BY id",
    "awards.session_presence": "SELECT session_id, id AS entry_id FROM awards_roll_entry ORDER BY id",
    "awards.ballot_dossier": "SELECT session_id, id AS item_id FROM awards_session_item ORDER BY id",
    "awards.decision_line_edit": "SELECT decision_id, id AS line_id FROM awards_decision_line ORDER BY id",
    "awards.decision_line_remove": "SELECT decision_id, id AS line_id FROM awards_decision_line ORDER BY id DESC",
    "fund.attachment": "SELECT disbursement_id AS entry_id, id AS attachment_id FROM fund_attachment ORDER BY id",
    "inspections.answer": "SELECT i.id AS inspection_id, it.id AS item_id FROM inspections_inspection i "
                          "JOIN inspections_item it ON it.template_id = i.template_id ORDER BY i.state, i.id, it.id",
    "inspections.photo": "SELECT i.id AS inspection_id, it.id AS item_id FROM inspections_inspection i "
                         "JOIN inspections_item it ON it.template_id = i.template_id ORDER BY i.state, i.id, it.id",
    "inspections.finding_edit": "SELECT inspection_id, id AS finding_id FROM inspections_finding ORDER BY id",
    "inspections.item_edit": "SELECT template_id, id AS item_id FROM inspections_item ORDER BY id",
    "inspections.item_delete": "SELECT template_id, id AS item_id FROM inspections_item ORDER BY id DESC",
    "reports.download": "SELECT s.period_id, s.unit_id, a.upload_id FROM reports_attachment a "
                        "JOIN reports_submission s ON s.id = a.submission_id ORDER BY a.id",
    "review.section_text": "SELECT review_id, id AS section_id FROM portal_review_section ORDER BY id",
    "review.part_text": "SELECT id AS review_id, 'limits' AS part FROM portal_review ORDER BY id",
    "reports.field_aggregation": "SELECT v.form_id, f.key FROM reports_form_field f "
                                 "JOIN reports_form_version v ON v.id = f.version_id ORDER BY f.id DESC",
    "reports.change_field": "SELECT v.form_id, f.key, 'up' AS action FROM reports_form_field f "
                            "JOIN reports_form_version v ON v.id = f.version_id ORDER BY f.id DESC",
    "reports.save_field": "SELECT p.period_id, p.unit_id, f.key FROM reports_period_unit p "
                          "JOIN reports_period r ON r.id = p.period_id "
                          "JOIN reports_form_field f ON f.version_id = r.version_id "
                          "JOIN directory_unit u ON u.id = p.unit_id ORDER BY u.code = 'xa-ban-bo' DESC, p.id, f.id",
}
_PERIOD_UNIT = ("SELECT p.period_id, p.unit_id FROM reports_period_unit p JOIN directory_unit u ON u.id = p.unit_id "
                "ORDER BY u.code = 'xa-ban-bo' DESC, p.period_id DESC")
for _ep in ("reports.print_report", "reports.report", "reports.save", "reports.submit"):
    _COMBO_SQL[_ep] = _PERIOD_UNIT


def _rows(sql: str, limit: int = 2) -> list[dict[str, Any]]:
    return [dict(r._mapping) for r in db.session.execute(text(sql)).fetchmany(limit)]


def _arg_values(endpoint: str, arg: str) -> list[Any]:
    for (prefix, name), sql in _ARG_SQL.items():
        if name == arg and prefix != "*" and endpoint.startswith(prefix):
            return [r["id"] for r in _rows(sql)]
    sql = _ARG_SQL.get(("*", arg))
    if sql is None:
        raise AssertionError(f"no id source for <{arg}> of {endpoint}: add it to _ARG_SQL")
    return [next(iter(r.values())) for r in _rows(sql)]


def _path_args(rule: Any) -> list[dict[str, Any]]:
    """Argument sets for a rule: real ones first, then each int argument missing, negative and huge."""
    args = sorted(rule._converters)  # not rule.arguments: it also lists defaults
    if not args:
        return [{}]
    if rule.endpoint in _COMBO_SQL:
        real = [{k: r[k] for k in args} for r in _rows(_COMBO_SQL[rule.endpoint])]
    else:
        values = {a: _arg_values(rule.endpoint, a) for a in args}
        real = [{a: (values[a][i] if i < len(values[a]) else values[a][0]) for a in args}
                for i in range(max(len(v) for v in values.values()))] if all(values.values()) else []
    base = real[0] if real else {a: 1 if isinstance(rule._converters[a], IntegerConverter) else "x"
                                 for a in args}
    sets = list(real)
    for a in args:
        if isinstance(rule._converters[a], IntegerConverter):
            sets += [{**base, a: MISSING}, {**base, a: -1}, {**base, a: HUGE}]
        else:
            sets += [{**base, a: "nope%00<script>"}, {**base, a: "ẞ" * 300}]
    return sets


def _url(rule: Any, values: dict[str, Any]) -> str:
    """Build the path by hand (url_for refuses negative ids; we want to send them)."""
    path = rule.rule
    for name, value in values.items():
        path = re.sub(r"<(?:[^:>]+:)?" + name + ">", quote(str(value), safe="%"), path)
    return path


# --- forms found on the pages ---

class _Forms(HTMLParser):
    """Collect each form's action and fields (name, tag, type, value, options) from a page."""

    def __init__(self, page: str) -> None:
        super().__init__(convert_charrefs=True)
        self.page = page
        self.forms: list[tuple[str, list[dict[str, Any]]]] = []
        self._form: list[dict[str, Any]] | None = None
        self._select: dict[str, Any] | None = None
        self._textarea: dict[str, Any] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self._form = []
            action = a.get("hx-post") or a.get("action") or self.page
            self.forms.append((action, self._form))
        elif a.get("hx-post") and tag != "form":
            fields = [{"name": a["name"], "tag": tag, "type": "", "value": a.get("value", ""), "options": []}] \
                if a.get("name") else []
            self.forms.append((a["hx-post"], fields))
        if self._form is None or not a.get("name"):
            if tag == "option" and self._select is not None:
                self._select["options"].append((a.get("value", ""), "selected" in a))
            return
        field = {"name": a["name"], "tag": tag, "type": a.get("type", "").lower(), "value": a.get("value", ""),
                 "options": [], "checked": "checked" in a, "inputmode": a.get("inputmode", "")}
        if tag in ("input", "select", "textarea", "button"):
            self._form.append(field)
        if tag == "select":
            self._select = field
        if tag == "textarea":
            self._textarea = field

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._textarea["value"] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def _collect_forms(into: dict[str, list[list[dict[str, Any]]]], page: str, html: str) -> None:
    parser = _Forms(page)
    try:
        parser.feed(html)
    except Exception:  # a page the stdlib parser chokes on still counts as answered
        return
    for action, fields in parser.forms:
        path = urlsplit(action).path or page
        if fields not in into[path]:
            into[path].append(fields)


def _plausible(field: dict[str, Any]) -> str | None:
    """A value a user could have typed, so that one hostile field is what the view sees."""
    kind, name = field["type"], field["name"]
    if kind in ("submit", "button", "hidden", "file") or field["tag"] == "button":
        return field["value"] if kind != "file" else None
    if kind in ("checkbox", "radio"):
        return field["value"] or "y" if field.get("checked") or kind == "checkbox" else None
    if field["tag"] == "select":  # the selected option, else the first real one ("" and "0" mean "choose")
        chosen = [v for v, selected in field["options"] if selected and v not in ("", "0")]
        real = [v for v, _selected in field["options"] if v not in ("", "0")]
        return (chosen or real or [""])[0]
    if field["value"]:
        return field["value"]
    if kind == "date" or re.search(r"date|_on$|from|until|^valid|^start$|^end$|deadline|^due", name):
        return "15/03/2024"
    if kind == "number" or field.get("inputmode") == "numeric" or re.search(r"year|amount|goal|position|count", name):
        return "5"
    if kind == "password" or "password" in name:
        return "secret-pass-2"
    if kind == "email" or "email" in name:
        return "thu@tamduong.vn"
    if kind == "tel" or "phone" in name:
        return "0912345678"
    if name in ("code", "username", "key"):
        return f"thu{next(_SERIAL)}"
    return "Kiểm tra"


_SERIAL = iter(range(1, 10**6))


HOSTILE = [
    "", "0", "-1", "-99999999999999999999", "99999999999999999999", str(HUGE), "1e309", "NaN", "1.5", "abc",
    "<script>alert(1)</script>", "a\x00b", "\x00", "ẞ🙂 Tiếng Việt " * 40, "x" * 5000, "%", "31/02/2024",
    "00/00/0000", "9999-99-99", "15/03/99999", "[]", "{}", "' OR 1=1 --", "../../etc/passwd",
]
COMMON_NAMES = ["q", "page", "id", "unit_id", "year", "amount", "date", "state", "file", "photo", "upload",
                "files", "value", "note", "comment", "reason", "csrf_token", "next", "lang", "language"]


def _bodies(rng: random.Random, forms: list[list[dict[str, Any]]]) -> list[tuple[str, Any]]:
    """(label, form data) pairs: empty, all-hostile, plausible, plausible with one hostile field, multipart."""
    names = sorted({f["name"] for fields in forms for f in fields} | set(COMMON_NAMES))
    bodies: list[tuple[str, Any]] = [("empty", {})]
    # (NUL is refused by the core before any view; the other values reach the forms)
    for value in ("", "-1", "99999999999999999999", "<script>x</script>", "a\x00b", "ẞ🙂 " * 200):
        bodies.append((f"all={value[:12]!r}", {n: value for n in names}))
    bodies.append(("random", {n: "".join(chr(rng.randrange(1, 0x2FFF)) for _ in range(rng.randrange(1, 40)))
                              for n in names}))
    bodies.append(("lists", MultiDict([(n, v) for n in names for v in ("1", "abc")])))
    for fields in forms[:3]:
        base = MultiDict()
        for f in fields:
            value = _plausible(f)
            if value is not None:
                base.add(f["name"], value)
        bodies.append(("plausible", base))
        typed = [f for f in fields if f["type"] not in ("submit", "hidden", "file") and f["tag"] != "button"]
        for f in typed[:14]:
            mutated = base.copy()
            value = rng.choice(HOSTILE)
            mutated.setlist(f["name"], [value])
            bodies.append((f"{f['name']}={value[:20]!r}", mutated))
        files = [f["name"] for f in fields if f["type"] == "file"] or ["file", "photo", "upload"]
        multi = base.copy()
        for n in files:
            content = bytes(rng.randrange(256) for _ in range(rng.randrange(0, 3000)))
            name = rng.choice(["a.pdf", "b.jpg", "c.png", "d.xlsx", "e.exe", "../../x.pdf", "ẞ\x00.jpg", ""])
            multi.add(n, FileStorage(io.BytesIO(content), filename=name, content_type="application/octet-stream"))
        bodies.append(("multipart", multi))
    if not forms:
        multi = MultiDict({"file": FileStorage(io.BytesIO(b"%PDF-1.4 junk"), filename="x.pdf"), "year": "-1"})
        bodies.append(("multipart", multi))
    return bodies


QUERIES = [
    "page=-1", "page=abc", "page=99999999999999999999", "page=0&per_page=-5",
    "q=%25%00%3Cscript%3E&year=-1&unit=abc&unit_id=99999999999&state=%00",
    "q=" + quote("ẞ🙂 Tiếng Việt " * 200) + "&year=99999999999999999999&from=31/02/2024&to=abc",
]

# POSTs that end the actor's session, or that would lock the test out of its own account
_SKIP_POST = {"auth.logout", "auth.login"}
# run last: they delete or merge what other routes use
_LAST_WORDS = ("delete", "remove", "merge", "close", "reverse", "publish", "reject")


class _Walk:
    def __init__(self, app: Flask) -> None:
        self.app = app
        self.failures: list[str] = []
        self.forms: dict[str, list[list[dict[str, Any]]]] = defaultdict(list)
        self.requests = 0
        self.errors: list[BaseException] = []
        walk = self

        class Record(logging.Handler):  # the core logs each unhandled error before answering 500
            def emit(self, record: logging.LogRecord) -> None:
                if record.exc_info and record.exc_info[1] is not None:
                    walk.errors.append(record.exc_info[1])

        self.handler = Record(logging.ERROR)
        app.logger.addHandler(self.handler)  # the "portal" logger outlives this app: removed by close()

    def close(self) -> None:
        self.app.logger.removeHandler(self.handler)

    def send(self, client: FlaskClient, who: str, method: str, url: str, **kw: Any) -> Any:
        self.requests += 1
        self.errors.clear()
        try:
            resp = client.open(url, method=method, **kw)
        except Exception as exc:  # the app raised through the test client (PROPAGATE_EXCEPTIONS)
            self.failures.append(f"{who} {method} {url[:160]} {kw.get('data', '')!r:.200} -> {exc!r:.300}")
            with self.app.app_context():
                db.session.rollback()
            return None
        resp.get_data()  # buffer the body, then close: a file download holds its file open until then
        resp.close()
        if resp.status_code >= 500:
            body = kw.get("data")
            shown = body if not isinstance(body, MultiDict) else body.to_dict(flat=False)
            cause = repr(self.errors[-1])[:300] if self.errors else ""
            self.failures.append(f"{who} {method} {url[:160]} {shown!r:.200} -> {resp.status_code} {cause}")
        if who != "anonymous" and resp.status_code == 302 and "/login" in resp.headers.get("Location", ""):
            login(client, who)  # something logged us out (password change...): carry on as the same user
        return resp


def test_no_route_answers_500(app: Flask) -> None:
    _seed(app)
    walk = _Walk(app)
    try:
        _walk_all_routes(app, walk)
    finally:
        walk.close()
    assert walk.requests > 2000  # the walk really ran
    assert not walk.failures, f"{len(walk.failures)} responses >= 500:\n" + "\n".join(walk.failures)


def _walk_all_routes(app: Flask, walk: _Walk) -> None:
    rng = random.Random(20240315)
    rules = sorted((r for r in app.url_map.iter_rules() if r.endpoint != "static" and not r.endpoint.endswith(".static")),
                   key=lambda r: (any(w in r.endpoint for w in _LAST_WORDS), r.endpoint, r.rule))
    with app.app_context():
        targets = {id(r): _path_args(r) for r in rules}
    clients = {}
    for who in ("admin", REPORTER, EVERYONE):
        clients[who] = app.test_client()
        login(clients[who], who)
    clients["anonymous"] = app.test_client()

    assert len(rules) > 130 and {r.endpoint.split(".")[0] for r in rules} >= {"admin", "directory", *PLUGINS}
    get_rules = [r for r in rules if "GET" in r.methods]
    post_rules = [r for r in rules if "POST" in r.methods and r.endpoint not in _SKIP_POST]
    for who in ("admin", REPORTER, EVERYONE):
        client = clients[who]
        for rule in get_rules:
            for i, values in enumerate(targets[id(rule)]):
                url = _url(rule, values)
                resp = walk.send(client, who, "GET", url)
                if resp is not None and resp.mimetype == "text/html":
                    _collect_forms(walk.forms, url, resp.get_data(as_text=True))
                if i == 0:
                    for query in QUERIES:
                        walk.send(client, who, "GET", url + "?" + query)
                    walk.send(client, who, "GET", url, headers={"HX-Request": "true"})
    for who in ("admin", REPORTER, EVERYONE, "anonymous"):
        client = clients[who]
        for rule in post_rules:
            for i, values in enumerate(targets[id(rule)]):
                url = _url(rule, values)
                if i > 0 or who == "anonymous":
                    walk.send(client, who, "POST", url, data={"x": "<script>"})  # no NUL: the core refuses it first
                    continue
                for n, (_label, body) in enumerate(_bodies(rng, walk.forms.get(url, []))):
                    walk.send(client, who, "POST", url, data=body, headers={"HX-Request": "true"} if n % 2 else {})
