"""Proof by a real install: examples/portal-plugin-notices is built into a wheel, installed into a throw-away
virtualenv, enabled, and the portal creates its table, loads its compiled catalog, answers its page in
Vietnamese, lists its permission and shows its widget; disabled, the portal still starts and keeps its table.

Slow (about 20-40 s: a venv, a wheel build, several `flask` processes) but it runs in CI like every test.
Nothing is downloaded: the venv sees this interpreter's packages (a .pth file) and pip runs with --no-index,
--no-deps, --no-build-isolation. PYTHONPATH puts this checkout's `portal` first.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import site
import sqlite3
import subprocess
import sys
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "portal-plugin-notices"
PASSWORD = "admin-pass-2024"


PROBE = r'''
import json, sys
from portal import create_app
app = create_app({"WTF_CSRF_ENABLED": False})
c = app.test_client()
out = {}
r = c.post("/login", data={"username": "quantri", "password": sys.argv[1]})
out["login"] = r.status_code
for name, path in [("page", "/notices/"), ("roles", "/admin/roles/"), ("dashboard", "/"), ("widget", "/notices/widget")]:
    r = c.get(path)
    out[name] = [r.status_code, r.get_data(as_text=True)]
r = c.post("/notices/", data={"title": "Họp giao ban tháng 12", "body": "Thứ hai, 8 giờ, hội trường UBND huyện."})
out["post"] = r.status_code
r = c.post("/notices/", data={"title": "", "body": "x"})
out["post_invalid"] = [r.status_code, r.get_data(as_text=True)]
out["after"] = c.get("/notices/").get_data(as_text=True)
out["audit"] = c.get("/admin/audit/?type=notices_notice").get_data(as_text=True)
from tests.plugins.test_audit_words import unlabelled
with app.app_context():
    out["unlabelled"] = unlabelled()  # every audited column of the core and the installed plugins has its words
# its migration branch builds exactly what its models describe (flask db check, narrowed to its tables)
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from portal.extensions import db
def mine(obj, name, type_, reflected, compare_to):
    table = obj if type_ == "table" else getattr(obj, "table", None)
    return table is not None and table.name.startswith("notices_")
with app.app_context(), db.engine.connect() as conn:
    ctx = MigrationContext.configure(conn, opts={"compare_type": True, "include_object": mine})
    out["diff"] = [str(d) for d in compare_metadata(ctx, db.metadata)]
print("PROBE" + json.dumps(out))
'''


def _site_dirs() -> list[str]:
    return [p for p in (*site.getsitepackages(), site.getusersitepackages()) if Path(p).is_dir()]


@pytest.fixture(scope="module")
def throwaway(tmp_path_factory):
    """A venv whose python sees this interpreter's packages (so nothing is downloaded) but not its scripts."""
    where = tmp_path_factory.mktemp("example-install")
    env_dir = where / "venv"
    venv.EnvBuilder(system_site_packages=True, with_pip=False).create(env_dir)
    python = env_dir / "bin" / "python"
    own_site = subprocess.run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                              check=True, capture_output=True, text=True).stdout.strip()
    # Appended after the venv's own site-packages, so what we install there wins. No .pth inside them runs, so
    # the project's editable finder stays out and PYTHONPATH decides which `portal` is imported.
    Path(own_site, "_project_site.pth").write_text("\n".join(_site_dirs()) + "\n")
    src = where / "src"
    shutil.copytree(EXAMPLE, src, ignore=shutil.ignore_patterns("build", "*.egg-info", "*.mo", "__pycache__"))
    return {"python": python, "site": Path(own_site), "src": src, "where": where}


def _env(where: Path, plugins: list[str]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FLASK_", "PORTAL_", "DATABASE_URL"))}
    env.update({
        "PYTHONPATH": str(ROOT),
        "PORTAL_INSTANCE_PATH": str(where / "instance"),
        "FLASK_PORTAL_PLUGINS": json.dumps(plugins),
        "FLASK_SECRET_KEY": "example-install-secret-key-0123",
        "PIP_NO_INDEX": "1",
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
    })
    return env


def _run(box: dict, plugins: list[str], *args: str, check: bool = True) -> subprocess.CompletedProcess:
    proc = subprocess.run([str(box["python"]), *args], cwd=box["where"], env=_env(box["where"], plugins),
                          capture_output=True, text=True, timeout=300)
    if check:
        assert proc.returncode == 0, (args, proc.stdout[-3000:], proc.stderr[-3000:])
    return proc


def _flask(box: dict, plugins: list[str], *args: str, check: bool = True) -> subprocess.CompletedProcess:
    return _run(box, plugins, "-m", "flask", "--app", "portal", *args, check=check)


def _pip(box: dict, *args: str) -> None:
    _run(box, [], "-m", "pip", "-q", *args)


def test_the_example_honours_the_contract():
    """The example imports the core only through portal.plugin / portal.toolkit, and its catalog is complete."""
    from babel.messages.pofile import read_po

    from tests.plugins.test_contract import import_violations

    assert import_violations(EXAMPLE / "portal_notices", "portal_notices", {"reports", "inspections", "awards", "fund"}) == []
    with (EXAMPLE / "portal_notices" / "translations" / "vi" / "LC_MESSAGES" / "messages.po").open("rb") as f:
        catalog = read_po(f)
    assert len(catalog) > 5 and not [m.id for m in catalog if m.id and not m.string]


@pytest.mark.slow
def test_the_installed_example_plugin_works_and_can_be_disabled(throwaway):
    box = throwaway
    _pip(box, "install", "--no-deps", "--no-build-isolation", "--no-index", str(box["src"]))
    try:
        where_from = _run(box, [], "-c", "import portal, portal_notices; print(portal.__file__, portal_notices.__file__)")
        portal_file, plugin_file = where_from.stdout.split()
        assert Path(portal_file).is_relative_to(ROOT), portal_file  # this checkout's core
        installed = Path(plugin_file).parent
        assert installed.is_relative_to(box["site"]), installed  # the wheel, not the source folder
        mo = installed / "translations" / "vi" / "LC_MESSAGES" / "messages.mo"
        assert mo.is_file(), "the wheel ships the compiled catalog"

        on = ["reports", "notices"]
        init = _flask(box, on, "portal", "init")
        assert "no compiled catalog" not in init.stderr, init.stderr
        db = box["where"] / "instance" / "portal.db"
        with sqlite3.connect(db) as conn:
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            versions = {r[0] for r in conn.execute("SELECT version_num FROM alembic_version")}
        assert "notices_notice" in tables and "reports_form" in tables and "fund_year" not in tables
        # the core's head, the reports branch's head and the example's only revision; no other plugin's branch
        assert "notices_0001" in versions and any(v.startswith("reports_") for v in versions)
        assert not any(v.startswith(("fund_", "awards_", "inspections_")) for v in versions), versions
        listing = _flask(box, on, "portal", "plugins").stdout
        assert "notices        enabled   schema up to date (notices_0001); catalogs: ok" in listing, listing
        _flask(box, on, "portal", "create-user", "quantri", "--password", PASSWORD, "--role", "admin")
        _flask(box, on, "i18n", "compile")  # the wheel's catalogs are current: nothing to write in site-packages
        assert "notices_0001" in _flask(box, on, "portal", "db", "history", "--plugin", "notices").stdout

        probe = _run(box, on, "-c", PROBE, PASSWORD).stdout
        out = json.loads(probe.split("PROBE", 1)[1])
        assert out["login"] == 302
        status, page = out["page"]
        assert status == 200 and "<h1>Bảng thông báo</h1>" in page and "Soạn thông báo" in page and 'lang="vi"' in page
        status, roles = out["roles"]
        assert status == 200 and "Đăng thông báo lên bảng thông báo" in roles  # by its label, grouped under the plugin
        status, dashboard = out["dashboard"]
        assert status == 200 and 'hx-get="/notices/widget"' in dashboard and "Thông báo mới" in dashboard
        status, widget = out["widget"]
        assert status == 200 and "Mở bảng thông báo" in widget
        assert out["diff"] == []
        assert out["post"] == 302 and "Họp giao ban tháng 12" in out["after"]
        assert out["unlabelled"] == []
        audit = re.sub(r"\s+", " ", re.sub(r"<[^>]*>", " ", out["audit"]))  # the text, not the record keys
        assert "Thông báo" in audit and "Tiêu đề: Họp giao ban tháng 12" in audit and "Ghim lên đầu: Không" in audit
        assert "notices_notice" not in audit and "pinned" not in audit
        status, refused = out["post_invalid"]
        assert status == 422 and "Soạn thông báo" in refused

        off = ["reports"]
        assert _flask(box, off, "portal", "init").returncode == 0
        listing = _flask(box, off, "portal", "plugins").stdout
        assert "notices        disabled  schema up to date" in listing, listing
        probe = _run(box, off, "-c", "from portal import create_app; c = create_app().test_client(); "
                                     "print(c.get('/login').status_code, c.get('/notices/').status_code)").stdout
        assert probe.split() == ["200", "404"]
        with sqlite3.connect(db) as conn:  # disabling keeps the table and its rows
            assert conn.execute("SELECT count(*) FROM notices_notice").fetchone()[0] == 1
    finally:
        _pip(box, "uninstall", "-y", "portal-plugin-notices")
    gone = _run(box, [], "-c", "import importlib.util; print(importlib.util.find_spec('portal_notices'))").stdout
    assert gone.strip() == "None"


@pytest.mark.slow
def test_a_checkout_install_compiles_its_catalog_in_place(throwaway):
    """Editable install (a developer's checkout): no .mo until `flask i18n compile`, which writes it in the
    plugin's own folder; until then start-up warns and `portal plugins` says the catalog is missing."""
    box = throwaway
    _pip(box, "install", "--no-deps", "--no-build-isolation", "--no-index", "-e", str(box["src"]))
    try:
        mo = box["src"] / "portal_notices" / "translations" / "vi" / "LC_MESSAGES" / "messages.mo"
        assert not mo.exists()
        listing = _flask(box, ["notices"], "portal", "plugins")
        assert "catalogs: MISSING vi" in listing.stdout, listing.stdout
        assert "plugin 'notices': no compiled catalog for vi" in listing.stderr, listing.stderr
        _flask(box, ["notices"], "i18n", "compile")
        assert mo.is_file()
        listing = _flask(box, ["notices"], "portal", "plugins")
        assert "catalogs: ok" in listing.stdout and "no compiled catalog" not in listing.stderr
    finally:
        _pip(box, "uninstall", "-y", "portal-plugin-notices")
