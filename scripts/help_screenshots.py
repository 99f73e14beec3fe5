"""Pictures of our own pages for the help guides (portal/help.py), taken with Playwright against the demo data.

    .venv/bin/python scripts/help_screenshots.py                     # writes portal/static/help/*.png
    .venv/bin/python scripts/help_screenshots.py --pages DIR         # also the core pages at 360 and 1366 px

A fresh SQLite instance in a temporary folder gets `portal init` and `portal seed-demo` (every plugin), is served on
127.0.0.1 in a thread, and each guide's step is shot as the guide's demo user at 360×740 (a phone: what most
users have). The PNGs are reduced to a 64-colour palette with Pillow, so each stays under ~80 KB. Needs Debian's
/usr/bin/chromium (as the browser tests). Run it again after a page changes visibly.
"""
from __future__ import annotations

import argparse
import io
import os
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PLUGINS = ["reports", "inspections", "awards", "fund", "exemplars"]
PASSWORD = "help-screenshots-1"
OUT = ROOT / "portal" / "static" / "help"
LIMIT = 80_000
#: core pages for the look-over at both widths (--pages), as the demo user who sees them
CORE_PAGES = [
    ("admin", "/", "dashboard"), ("admin", "/units/", "units"), ("admin", "/units/tree", "units-tree"),
    ("admin", "/units/new", "unit-new"), ("admin", "/admin/users/", "users"), ("admin", "/admin/roles/", "roles"),
    ("admin", "/admin/audit/", "audit"), ("admin", "/notifications/", "notifications"),
    ("admin", "/review/", "review"), ("admin", "/help/", "help"), ("ubnd_binhlu", "/help/unit_reporter", "help-reporter"),
    ("admin", "/account/password", "password"), (None, "/login", "login"),
]


def optimise(png: bytes) -> bytes:
    """A 64-colour palette PNG: screenshots of flat pages lose nothing visible and shrink five to ten times."""
    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("RGB").quantize(colors=64, method=Image.Quantize.MEDIANCUT)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def make_app(folder: Path):  # type: ignore[no-untyped-def]
    os.environ["PORTAL_INSTANCE_PATH"] = str(folder / "instance")
    os.environ["PORTAL_DEMO_PASSWORD"] = PASSWORD
    from portal import create_app

    import logging

    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    app = create_app({
        "SECRET_KEY": "help-screenshots-secret-key", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'demo.db'}",
        "PORTAL_PLUGINS": PLUGINS, "PORTAL_UPLOAD_FOLDER": str(folder / "uploads"),
        "PORTAL_PASSWORD_HASH": "pbkdf2:sha256:1000",
    })
    runner = app.test_cli_runner()
    for args in (["portal", "init"], ["portal", "seed-demo"]):
        result = runner.invoke(args=args)
        if result.exit_code != 0:
            raise SystemExit(f"{' '.join(args)} failed:\n{result.output}")
    return app


def serve(app):  # type: ignore[no-untyped-def]
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_port}"


def login(context, base: str, username: str):  # type: ignore[no-untyped-def]
    page = context.new_page()
    page.goto(base + "/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_url(lambda url: "/login" not in url)
    return page


def shoot_guides(browser, base: str) -> list[str]:  # type: ignore[no-untyped-def]
    from portal.help import GUIDES

    OUT.mkdir(parents=True, exist_ok=True)
    report = []
    for guide in GUIDES:
        context = browser.new_context(viewport={"width": 360, "height": 740}, locale="vi-VN")
        page = login(context, base, guide.demo_user)
        for step in guide.steps:
            if not step.shot:
                continue
            page.goto(base + step.path)
            page.wait_for_load_state("networkidle")  # the dashboard's widgets come by htmx after the page
            if step.follow:
                link = page.locator(step.follow).first
                if link.count():
                    link.click()
                    page.wait_for_load_state("networkidle")
            data = optimise(page.screenshot())
            if len(data) > LIMIT:
                raise SystemExit(f"{step.shot}: {len(data)} bytes, over {LIMIT}")
            (OUT / step.shot).write_bytes(data)
            report.append(f"{step.shot}: {page.url.removeprefix(base)} as {guide.demo_user}, {len(data) // 1024} KB")
        context.close()
    return report


def follow_first(page, base: str, pattern: str) -> bool:  # type: ignore[no-untyped-def]
    """Open the first link on the page whose path matches ``pattern`` (a regex), or with ``click:SELECTOR`` click
    that element (e.g. a form's button); steps may be chained with " > ". False if a step finds nothing."""
    if " > " in pattern:
        return all(follow_first(page, base, step) for step in pattern.split(" > "))
    if pattern.startswith("click:"):
        target = page.locator(pattern.removeprefix("click:")).first
        if not target.count() or not target.is_visible():  # e.g. the phone's menu button on a desktop
            return False
        target.click()
        page.wait_for_load_state("networkidle")
        return True
    href = page.evaluate(
        "p => { const r = new RegExp(p); const a = [...document.querySelectorAll('main a[href]')]"
        ".find(a => r.test(new URL(a.href).pathname)); return a ? a.href : null; }", pattern)
    if not href:
        return False
    page.goto(href)
    page.wait_for_load_state("networkidle")
    return True


def shoot_pages(browser, base: str, folder: Path, pages=None) -> list[str]:  # type: ignore[no-untyped-def]
    """Shoot ``pages`` (user, path, name[, link regex to follow]; default CORE_PAGES) at 360 and 1366 px, full page."""
    pages = [tuple(p) + (None,) * (4 - len(p)) for p in (pages or CORE_PAGES)]
    folder.mkdir(parents=True, exist_ok=True)
    report = []
    for width, height in ((360, 740), (1366, 768)):
        for user in dict.fromkeys(u for u, _p, _n, _f in pages):
            context = browser.new_context(viewport={"width": width, "height": height}, locale="vi-VN")
            page = login(context, base, user) if user else context.new_page()
            for who, path, name, follow in pages:
                if who != user:
                    continue
                page.goto(base + path)
                page.wait_for_load_state("networkidle")
                if follow and not follow_first(page, base, follow):
                    report.append(f"{name}-{width}: no link matching {follow} on {path} as {user}")
                    continue
                target = folder / f"{name}-{width}.png"
                target.write_bytes(optimise(page.screenshot(full_page=True)))
                wide = page.evaluate("document.documentElement.scrollWidth")
                report.append(f"{target.name}: {page.url.removeprefix(base)} as {user}, scrollWidth {wide}"
                              f"{' (SIDEWAYS)' if wide > width else ''}")
            context.close()
    return report


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=Path, help="also shoot the core pages at 360 and 1366 px into this folder")
    parser.add_argument("--no-guides", action="store_true", help="only the --pages look-over")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="portal-help-") as tmp:
        app = make_app(Path(tmp))
        server, base = serve(app)
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path="/usr/bin/chromium",
                                            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"])
                lines = [] if args.no_guides else shoot_guides(browser, base)
                if args.pages:
                    lines += shoot_pages(browser, base, args.pages)
                browser.close()
        finally:
            server.shutdown()
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
