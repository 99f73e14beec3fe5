"""Every installed plugin honours the contract: boots alone, endpoints resolve, templates and catalogs compile,
and it imports core code only from portal.plugin and portal.toolkit (never another plugin)."""
from __future__ import annotations

import ast
from importlib.metadata import entry_points
from pathlib import Path

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from portal import create_app
from portal.loader import state

ROOT = Path(__file__).resolve().parents[2]
ENTRY_POINTS = sorted(entry_points(group="portal.plugins"), key=lambda ep: ep.name)
ALLOWED_CORE = {"portal.plugin", "portal.toolkit"}
SAMPLE = ROOT / "tests" / "sample_plugin"


def _folder(ep) -> Path:
    module = ep.value.split(":")[0]
    return ROOT.joinpath(*module.split("."))


def _requirements(name: str) -> list[str]:
    (ep,) = [e for e in ENTRY_POINTS if e.name == name]
    out: list[str] = []
    for req in ep.load().requires:
        out += [r for r in _requirements(req) if r not in out]
    return out + [name]


def import_violations(folder: Path, own_package: str, plugin_names: set[str]) -> list[str]:
    """Return "file:line module" for every import of core code other than portal.plugin/portal.toolkit,
    and every import of another plugin."""
    bad = []
    for path in sorted(folder.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            modules: list[str] = []
            if isinstance(node, ast.Import):
                modules = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                modules = [node.module]
                if node.module == "portal":  # "from portal import toolkit" names the module in the alias
                    modules = [f"portal.{a.name}" for a in node.names]
            for module in modules:
                top = module.split(".")[0]
                if top == "portal" and module not in ALLOWED_CORE:
                    bad.append(f"{path.relative_to(folder.parent)}:{node.lineno} {module}")
                if top == "plugins":
                    parts = module.split(".")
                    if len(parts) == 1 or (parts[1] in plugin_names and parts[1] != own_package):
                        bad.append(f"{path.relative_to(folder.parent)}:{node.lineno} {module}")
    return bad


PARAMS = [pytest.param(ep, id=ep.name) for ep in ENTRY_POINTS]


@pytest.mark.parametrize("ep", PARAMS)
def test_plugin_boots_alone_and_its_endpoints_resolve(ep, tmp_path, monkeypatch):
    monkeypatch.setenv("PORTAL_INSTANCE_PATH", str(tmp_path))
    app = create_app({"TESTING": True, "SECRET_KEY": "x" * 32, "SQLALCHEMY_DATABASE_URI": "sqlite://",
                      "PORTAL_PLUGINS": _requirements(ep.name)})
    plugin = state(app).plugins[ep.name]
    endpoints = {r.endpoint for r in app.url_map.iter_rules()}
    own = {e for e in endpoints if e.startswith(ep.name + ".")}
    assert own, "the plugin registers no routes"
    for item in (*plugin.nav, *plugin.widgets):
        assert item.endpoint in endpoints, item.endpoint
    for perm in plugin.permissions:
        assert perm.code.startswith(ep.name + ".") and str(perm.label)
    perms = state(app).permissions
    for item in (*plugin.nav, *plugin.widgets):
        assert item.permission is None or item.permission in perms, item.permission


@pytest.mark.parametrize("ep", PARAMS)
def test_plugin_templates_compile(ep, tmp_path, monkeypatch):
    monkeypatch.setenv("PORTAL_INSTANCE_PATH", str(tmp_path))
    app = create_app({"TESTING": True, "SECRET_KEY": "x" * 32, "SQLALCHEMY_DATABASE_URI": "sqlite://",
                      "PORTAL_PLUGINS": _requirements(ep.name)})
    folder = _folder(ep) / "templates"
    names = [p.relative_to(folder).as_posix() for p in folder.rglob("*.html")]
    assert names, "no templates"
    assert all(n.startswith(ep.name + "/") for n in names), "templates must live in templates/<name>/"
    for name in names:
        app.jinja_env.get_template(name)


@pytest.mark.parametrize("ep", PARAMS)
def test_plugin_catalogs_compile(ep, tmp_path):
    catalogs = sorted((_folder(ep) / "translations").glob("*/LC_MESSAGES/messages.po"))
    assert any(p.parts[-3] == "vi" for p in catalogs), "no Vietnamese catalog"
    for po in catalogs:
        with po.open("rb") as f:
            catalog = read_po(f)
        with (tmp_path / "messages.mo").open("wb") as f:
            write_mo(f, catalog)


@pytest.mark.parametrize("ep", PARAMS)
def test_plugin_imports_only_the_toolkit(ep):
    names = {e.name for e in ENTRY_POINTS}
    bad = import_violations(_folder(ep), ep.name, names)
    assert not bad, "import core code only from portal.plugin / portal.toolkit: " + ", ".join(bad)


def test_the_import_check_passes_the_sample_plugin_and_catches_offenders(tmp_path):
    assert import_violations(SAMPLE, "sample", {"sample", "fund"}) == []
    offender = tmp_path / "offender"
    offender.mkdir()
    (offender / "views.py").write_text(
        "from portal.models import User\nimport portal.security\nfrom portal import extensions\n"
        "from plugins.fund import services\nfrom portal.toolkit import db\nfrom . import models\n"
    )
    bad = import_violations(offender, "offender", {"fund", "offender"})
    assert [b.split(" ")[1] for b in bad] == ["portal.models", "portal.security", "portal.extensions", "plugins.fund"]
