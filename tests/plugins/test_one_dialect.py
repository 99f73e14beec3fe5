"""One way to do each thing (issue 12): no plugin keeps its own copy of a shared piece, no module grows past ~500
lines. Parsed from the source, so a new plugin is checked the moment it is installed."""
from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from tests.plugins.test_contract import ENTRY_POINTS, _folder

ROOT = Path(__file__).resolve().parents[2]
MAX_LINES = 520  # "about 500"; migrations are data, not code, and are left out
#: Functions that are a copy of a toolkit piece: unit pickers, paginators, clocks, refusal wrappers.
OWN_COPY = re.compile(r"^_?(unit_choices|paged?|paginate|today|now|utc_now|refuse|refusing|fail|step|error)$")
#: Toolkit names a plugin must not use (deprecated, or the hand-built partials they stand for).
DEPRECATED = {"user_error", "render_template_string"}
NOTIFY = {"notify_users", "notify_unit"}  # every notice names its kind (Plugin.notice_kinds), for the e-mail choice
#: String methods that cut or patch a URL around an id (``url.replace(str(marker), str(row.id))``).
CUTTING = {"replace", "split", "rsplit", "partition", "rpartition"}
#: A URL cut in a template (``url_for('x', item_id=0)[:-1]``).
TEMPLATE_CUT = re.compile(r"url_for\([^()]*\)\s*\[")
EXCEPTION_BASES = {"Exception", "ValueError", "RuntimeError", "LookupError", "Refused", "HTTPException"}
#: Exception classes that are not refusals shown to users (internal signals between a service and its caller).
INTERNAL_EXCEPTIONS = {
    "_Leave",  # awards: leaves the ballot transaction; turned into a Refused by its caller
    "LedgerLocked",  # fund: a guard in the model layer against writing a closed ledger (a bug, not a user's error)
    "FieldError",  # reports: one field's value refused, shown at the field like a WTForms ValidationError
}

PARAMS = [pytest.param(ep, id=ep.name) for ep in ENTRY_POINTS]


def _sources(folder: Path) -> list[Path]:
    return [p for p in sorted(folder.rglob("*.py")) if "migrations" not in p.parts]


def dialect_violations(folder: Path) -> list[str]:
    bad = []
    for path in _sources(folder):
        where = path.relative_to(folder.parent)
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        urls = {t.id for node in ast.walk(tree) if isinstance(node, ast.Assign) and _is_call_of(node.value, "url_for")
                for t in node.targets if isinstance(t, ast.Name)}  # names holding a url_for result
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef):
                bases = {b.id if isinstance(b, ast.Name) else getattr(b, "attr", "") for b in node.bases}
                if bases & EXCEPTION_BASES and node.name not in INTERNAL_EXCEPTIONS:
                    bad.append(f"{where}:{node.lineno} class {node.name}: raise toolkit.Refused instead")
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and OWN_COPY.match(node.name):
                bad.append(f"{where}:{node.lineno} def {node.name}: use the toolkit's")
            elif isinstance(node, ast.ImportFrom) and any(a.name in DEPRECATED for a in node.names):
                bad.append(f"{where}:{node.lineno} import of user_error/render_template_string: deprecated")
            elif isinstance(node, ast.Name) and node.id in DEPRECATED:
                bad.append(f"{where}:{node.lineno} {node.id}: deprecated (Refused / render)")
            elif isinstance(node, ast.Attribute) and node.attr in DEPRECATED:
                bad.append(f"{where}:{node.lineno} {node.attr}: deprecated (Refused / render)")
            elif isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", "")) in NOTIFY \
                    and not any(k.arg == "kind" for k in node.keywords):
                bad.append(f"{where}:{node.lineno} notify without kind=: users cannot choose it for e-mail")
            elif isinstance(node, ast.Attribute) and node.attr == "today" and getattr(node.value, "attr", "") == "date":
                bad.append(f"{where}:{node.lineno} date.today(): use toolkit.local_today()")
            if _cuts_a_url(node, urls):
                bad.append(f"{where}:{node.lineno} a URL cut around an id: use toolkit.url_maker")
    for path in sorted(folder.rglob("*.html")):
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if TEMPLATE_CUT.search(line):
                bad.append(f"{path.relative_to(folder.parent)}:{n} a URL cut around an id: use url_maker")
    return bad


def _is_call_of(node: ast.AST, name: str) -> bool:
    return isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", "")) == name


def _cuts_a_url(node: ast.AST, urls: set[str]) -> bool:
    """``x.replace(str(marker), …)`` / ``.rsplit(str(marker))``, ``url_for(…)[…]`` or ``url[:-1]`` on a url_for
    result: the placeholder-id trick written by hand (toolkit.url_maker does it once, checked)."""

    def is_url(value: ast.AST) -> bool:
        return _is_call_of(value, "url_for") or isinstance(value, ast.Name) and value.id in urls

    if isinstance(node, ast.Subscript):
        return is_url(node.value)
    return (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in CUTTING
            and (is_url(node.func.value) or bool(node.args) and _is_call_of(node.args[0], "str")))


@pytest.mark.parametrize("ep", PARAMS)
def test_plugin_keeps_no_copy_of_a_toolkit_piece(ep):
    assert dialect_violations(_folder(ep)) == []


@pytest.mark.parametrize("ep", [p for p in PARAMS if _folder(p.values[0]).parent == ROOT / "plugins"])
def test_plugin_layout_route_table_labels_permissions(ep):
    """The plugins of this repository: a route table, labels and permission codes each declared once."""
    folder = _folder(ep)
    names = {p.name for p in folder.iterdir()}
    assert {"blueprint.py", "labels.py", "permissions.py"} <= names, sorted(names)
    plugin = ep.load()
    assert plugin.labels is not None, "Plugin(labels=labels)"


def test_the_dialect_check_catches_offenders(tmp_path):
    pkg = tmp_path / "bad"
    pkg.mkdir()
    (pkg / "views.py").write_text(
        "import datetime as dt\n"
        "from portal.toolkit import Refused, user_error\n"
        "class FundError(Refused):\n    pass\n"
        "def _unit_choices():\n    return dt.date.today()\n"
        "def tell():\n    notify_unit(1, 'x')\n"
        "def view():\n    raise user_error(409, 'x')\n"
        "def links(rows):\n    url = url_for('x.detail', item_id=_ID)\n"
        "    return [url.replace(str(_ID), str(r.id)) for r in rows]\n"
        "def stem():\n    return url_for('x.detail', item_id=0)[:-1]\n"
        "def halves():\n    return url_for('x.detail', item_id=9).rsplit('9', 1)\n"
        "def last_cut():\n    url = url_for('x.detail', item_id=0)\n    return url[:-1]\n",
        encoding="utf-8",
    )
    (pkg / "templates").mkdir()
    (pkg / "templates" / "list.html").write_text(
        "{% set edit = url_for('x.edit', item_id=0)[:-1] %}\n<a href=\"{{ url_for('x.new') }}\">\n", encoding="utf-8")
    found = "\n".join(dialect_violations(pkg))
    assert found.count("a URL cut around an id") == 5, found
    assert all(f"views.py:{n} a URL cut" in found for n in (13, 15, 17, 20))
    assert "list.html:1 a URL cut around an id: use url_maker" in found
    assert "notify without kind=" in found
    assert "class FundError" in found and "def _unit_choices" in found and "date.today()" in found
    assert "import of user_error" in found and found.count("user_error: deprecated") == 1


def test_the_core_cuts_no_url_either():
    """The core's code and templates make per-row links with url_maker too (portal/urls.py is where it is cut)."""
    found = [v for top in ("portal", "templates") for v in dialect_violations(ROOT / top) if "URL cut" in v]
    assert [v for v in found if not v.startswith("portal/urls.py:")] == []
    assert found, "portal/urls.py cuts the URL once: the check sees it"


def test_no_module_over_about_500_lines():
    long = []
    for top in ("portal", "plugins"):
        for path in _sources(ROOT / top):
            n = len(path.read_text(encoding="utf-8").splitlines())
            if n > MAX_LINES:
                long.append(f"{path.relative_to(ROOT)}: {n}")
    assert long == []
