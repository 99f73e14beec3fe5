"""Each demo role's main journey at 360×740 and 1366×768, for a look-over of the whole product after merges.

    .venv/bin/python scripts/walk_screenshots.py DIR [--only NAME ...]

Reuses help_screenshots.py (the temporary demo instance, the server thread, login, the shooter); a row may name a
link to follow (a regex on its path) so that "an inspection" is the first one the list shows, whatever its id.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import help_screenshots as hs  # noqa: E402

#: (demo user, path, file name, link to follow from that page or None)
JOURNEYS = [
    ("ubnd_binhlu", "/", "reporter-dashboard", None),
    ("ubnd_binhlu", "/", "reporter-menu-open", "click:summary.menu-button"),
    ("ubnd_binhlu", "/reports/", "reporter-owed", None),
    ("ubnd_binhlu", "/reports/", "reporter-form", r"^/reports/p/\d+/u/\d+$"),
    ("vhxh_binhlu", "/reports/inbox", "office-inbox", None),
    ("vhxh_binhlu", "/reports/inbox", "office-inbox-item", r"^/reports/inbox/\d+$"),
    ("thuongtruc", "/", "office-dashboard", None),
    ("thuongtruc", "/review/", "office-reviews", None),
    ("thuongtruc", "/review/", "office-review-doc", "click:#review-form button[type=submit]"),
    ("kiemtra_binhlu", "/inspections/", "inspector-list", None),
    ("kiemtra_binhlu", "/inspections/", "inspector-checklist", r"^/inspections/\d+$"),
    ("kiemtra_binhlu", "/inspections/findings/", "inspector-finding", r"^/inspections/findings/\d+$"),
    ("noivu", "/awards/", "secretariat-awards", None),
    ("noivu", "/awards/", "secretariat-round", r"^/awards/rounds/\d+$"),
    ("noivu", "/awards/", "secretariat-session", r"^/awards/sessions/\d+$"),
    ("vhxh_binhlu", "/awards/", "secretariat-commune-session", r"^/awards/sessions/\d+$"),
    ("hoidong", "/", "member-dashboard", None),
    ("hdx_uyvien", "/", "member-commune-dashboard", None),
    ("hdx_uyvien", "/awards/", "member-session", r"^/awards/sessions/\d+$"),
    ("hdx_uyvien", "/", "member-ballot", r"^/awards/sessions/\d+/vote$"),
    ("mttq_binhlu", "/fund/", "fund-overview", None),
    ("mttq_binhlu", "/fund/disbursements", "fund-disbursement", r"^/fund/disbursements/\d+$"),
    ("mttq_binhlu", "/fund/contributions", "fund-contributions", None),
    (None, "/fund/public", "fund-public", None),
    ("admin", "/admin/audit/", "admin-audit", None),
    ("admin", "/admin/roles/", "admin-roles", None),
    ("vhxh_binhlu", "/exemplars/", "exemplars-register", None),
    ("vhxh_binhlu", "/exemplars/", "exemplars-detail", r"^/exemplars/\d+$"),
    (None, "/exemplars/public", "exemplars-public", None),
    ("ubnd_binhlu", "/help/", "help", None),
]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folder", type=Path)
    parser.add_argument("--only", nargs="*", help="file names (without width) to shoot, default all")
    args = parser.parse_args()
    rows = [r for r in JOURNEYS if not args.only or r[2] in args.only]
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="portal-walk-") as tmp:
        app = hs.make_app(Path(tmp))
        server, base = hs.serve(app)
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path="/usr/bin/chromium",
                                            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"])
                lines = hs.shoot_pages(browser, base, args.folder, rows)
                browser.close()
        finally:
            server.shutdown()
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
