"""Benchmark: serve the portal with gunicorn on 127.0.0.1, seed data, measure pages against a static file.

Not a test: it prints a table, and exits 1 when a page breaks its budget (BUDGETS, issue 18), so a regression
shows at once. Figures are only comparable within one run (ratios to the static file, measured again right before
each page, in --rounds pairs of which the median counts), never across machines.

A bench hook's pages() gives (label, path) or (label, path, kind), kind one of BUDGETS: "page" (default),
"dashboard", "fragment" (sent as an htmx request), "document" (print views, minutes, drafts) or "export".

    .venv/bin/python bench/run.py                      # SQLite, every installed plugin that has a bench module (<package>/bench.py)
    .venv/bin/python bench/run.py --plugins reports    # one plugin
    DATABASE_URL=postgresql+psycopg://... .venv/bin/python bench/run.py
"""
from __future__ import annotations

import argparse
import http.client
import importlib
import importlib.util
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))  # this checkout's portal and plugins, not those of an editable install elsewhere
PASSWORD = "bench-password-1"
CORE_UNITS = 500

#: The core's pages, measured as the bench_core administrator (bench/profiling.py profiles the same list).
CORE_PAGES: list[tuple[str, ...]] = [
    ("dashboard", "/", "dashboard"), ("units list", "/units/"), ("units search (htmx)", "/units/?q=ban+bo", "fragment"),
    ("units, print view (all)", "/units/print", "document"), ("units export", "/units/export.xlsx", "export"),
    ("audit log", "/admin/audit/"), ("users", "/admin/users/"),
]

#: Per kind of page: minimum req/s as a share of the static file's, p95 ms, raw bytes, gzipped bytes (None: no limit).
BUDGETS: dict[str, dict[str, float | None]] = {
    "page": {"ratio": 0.1, "p95": 100, "raw": 60_000, "gzip": 10_000},
    "dashboard": {"ratio": 0.25, "p95": 100, "raw": 60_000, "gzip": 10_000},
    "fragment": {"ratio": 0.25, "p95": 100, "raw": None, "gzip": 8_000},
    "document": {"ratio": None, "p95": 300, "raw": 300_000, "gzip": None},
    "export": {"ratio": None, "p95": 300, "raw": 300_000, "gzip": None},
}


def over_budget(kind: str, r: dict[str, float | str], ratio: float) -> list[str]:
    """What a measured page breaks in its kind's budget (empty: within it)."""
    b = BUDGETS[kind]
    out = []
    if r["status"] != "200":
        out.append(f"status {r['status']}")
    if b["ratio"] is not None and ratio < b["ratio"]:
        out.append(f"rate {ratio:.2f} < {b['ratio']}")
    if b["p95"] is not None and float(r["p95"]) > b["p95"]:
        out.append(f"p95 > {b['p95']:.0f} ms")
    if b["raw"] is not None and float(r["bytes"]) > b["raw"]:
        out.append(f"raw > {b['raw'] / 1000:.0f} KB")
    if b["gzip"] is not None and float(r["gzip"]) > b["gzip"]:
        out.append(f"gzip > {b['gzip'] / 1000:.0f} KB")
    return out


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _bench_module(name: str) -> str | None:
    """The bench hook of an installed plugin lives in its own package: <package>.bench."""
    from importlib.metadata import entry_points

    for ep in entry_points(group="portal.plugins", name=name):
        module = ep.value.split(":")[0] + ".bench"
        if importlib.util.find_spec(module) is not None:
            return module
    return None


def load_hook(name: str):  # type: ignore[no-untyped-def]
    module = _bench_module(name)
    if module is None:
        raise SystemExit(f"plugin {name!r} is not installed or has no bench module")
    return importlib.import_module(module)


Pages = dict[str, list[tuple[str, str, str]]]


def _with_kind(pages: list[tuple[str, ...]]) -> list[tuple[str, str, str]]:
    out = []
    for entry in pages:
        label, path, kind = (*entry, "page")[:3]
        if kind not in BUDGETS:
            raise SystemExit(f"page {label!r}: kind {kind!r} is not one of {sorted(BUDGETS)}")
        out.append((label, path, kind))
    return out


def seed(env: dict[str, str], plugins: list[str]) -> Pages:
    """Create schema, demo data, CORE_UNITS extra units and each plugin's bench data; return pages per user."""
    os.environ.update(env)
    from sqlalchemy import insert

    from portal import create_app
    from portal.audit import set_cli_actor
    from portal.cli import init_database
    from portal.extensions import db
    from portal.i18n import fold
    from portal.models import Unit
    from portal.seed import ensure_demo_user, seed_units

    app = create_app()
    pages: Pages = {}
    with app.app_context():
        set_cli_actor("bench")
        init_database()
        seed_units()
        rows = [
            {"code": f"bench-{i}", "name": f"Thôn Bản Thử {i}", "search_name": fold(f"Thôn Bản Thử {i}"),
             "kind": "village", "is_sample": True}
            for i in range(CORE_UNITS)
        ]
        db.session.execute(insert(Unit), rows)
        ensure_demo_user("bench_core", "Bench Admin", ["admin"], None, PASSWORD)
        db.session.commit()
        pages["bench_core"] = _with_kind(CORE_PAGES)
        for name in plugins:
            hook = load_hook(name)
            started = time.perf_counter()
            hook.seed(PASSWORD)
            db.session.commit()
            print(f"  seeded {name} in {time.perf_counter() - started:.1f} s", flush=True)
            pages[hook.USERNAME] = _with_kind(list(hook.pages()))
        if plugins:
            pages["bench_core"] += _review_pages()
    return pages


def existing(env: dict[str, str], plugins: list[str]) -> Pages:
    """The pages per user of an instance seeded by an earlier ``--keep`` run (no seeding)."""
    os.environ.update(env)
    from sqlalchemy import func, select

    from portal import create_app
    from portal.extensions import db
    from portal.review.models import Review

    app = create_app()
    pages: Pages = {"bench_core": _with_kind(CORE_PAGES)}
    with app.app_context():
        for name in plugins:
            hook = load_hook(name)
            pages[hook.USERNAME] = _with_kind(list(hook.pages()))
        review_id = db.session.scalar(select(func.max(Review.id)))
        if plugins and review_id:
            pages["bench_core"] += _review_pages(review_id)
    return pages


def _review_pages(review_id: int | None = None) -> list[tuple[str, str, str]]:
    """The core's movement review over the bench years and every unit, drafted once from every plugin's data
    (its drafting time is printed); then its pages, measured as documents."""
    from portal.extensions import db
    from portal.review.services import draft

    if review_id is None:
        started = time.perf_counter()
        review = draft({"kind": "final", "title": "Tổng kết thử 2016–2025", "year_from": 2016, "year_to": 2025,
                        "unit_kinds": ["commune", "agency", "mass_org"]}, None)
        db.session.commit()
        print(f"  review drafted (every plugin's bench data) in {time.perf_counter() - started:.2f} s", flush=True)
        review_id = review.id
    return _with_kind([
        ("review document (draft view)", f"/review/{review_id}", "document"),
        ("review print", f"/review/{review_id}/print", "document"),
        ("review .docx", f"/review/{review_id}.docx", "export"),
    ])


class Client:
    """A keep-alive HTTP client with a session cookie."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.cookie = ""

    def request(self, method: str, path: str, body: str | None = None, extra: dict[str, str] | None = None) -> tuple[int, bytes]:
        headers = {"Cookie": self.cookie} if self.cookie else {}
        headers.update(extra or {})
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            self.conn.request(method, path, body=body, headers=headers)
            resp = self.conn.getresponse()
        except (http.client.HTTPException, OSError):
            self.conn.close()
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            self.conn.request(method, path, body=body, headers=headers)
            resp = self.conn.getresponse()
        data = resp.read()
        for key, value in resp.getheaders():
            if key.lower() == "set-cookie" and value.startswith("session="):
                self.cookie = value.split(";", 1)[0]
        return resp.status, data

    def login(self, username: str) -> None:
        _, page = self.request("GET", "/login")
        token = re.search(rb'name="csrf_token" type="hidden" value="([^"]+)"', page) or re.search(
            rb'name="csrf_token" value="([^"]+)"', page
        )
        assert token, "no CSRF token on the login page"
        body = urllib.parse.urlencode({"csrf_token": token.group(1).decode(), "username": username, "password": PASSWORD})
        status, _ = self.request("POST", "/login", body)
        assert status == 302, f"login of {username} failed ({status})"


def measure(port: int, cookie: str, path: str, requests: int, concurrency: int,
            headers: dict[str, str] | None = None) -> dict[str, float | str]:
    latencies: list[float] = []
    statuses: set[int] = set()
    size = 0
    lock = threading.Lock()
    per_thread = max(1, requests // concurrency)

    def worker() -> None:
        nonlocal size
        client = Client(port)
        client.cookie = cookie
        local = []
        for _ in range(per_thread):
            t0 = time.perf_counter()
            status, body = client.request("GET", path, extra=headers)
            local.append(time.perf_counter() - t0)
            with lock:
                statuses.add(status)
                size = len(body)
        with lock:
            latencies.extend(local)

    client = Client(port)
    client.cookie = cookie
    client.request("GET", path, extra=headers)  # warm up
    _, packed = client.request("GET", path, extra={**(headers or {}), "Accept-Encoding": "gzip"})  # bytes on the wire
    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    latencies.sort()
    return {
        "rps": len(latencies) / elapsed,
        "p50": statistics.median(latencies) * 1000,
        "p95": latencies[int(len(latencies) * 0.95) - 1] * 1000,
        "bytes": size,
        "gzip": len(packed),
        "status": ",".join(str(s) for s in sorted(statuses)),
    }


def main() -> int:
    from importlib.metadata import entry_points

    available = sorted(ep.name for ep in entry_points(group="portal.plugins") if _bench_module(ep.name))
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--plugins", nargs="*", default=available, help=f"bench hooks to run (default: {available})")
    parser.add_argument("--requests", type=int, default=300, help="requests per page and round (the static file: five times as many)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of (static file, page) per page; the median counts")
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--keep", action="store_true", help="keep the temporary instance folder")
    parser.add_argument("--no-budget", action="store_true", help="print the table only, exit 0 whatever the figures")
    parser.add_argument("--instance", help="measure an instance kept by an earlier --keep run (no seeding; kept)")
    parser.add_argument("--only", default="", help="measure only pages whose label contains one of these (a|b)")
    args = parser.parse_args()

    instance = Path(args.instance) if args.instance else Path(tempfile.mkdtemp(prefix="portal-bench-"))
    env = {
        "PORTAL_INSTANCE_PATH": str(instance),
        "FLASK_PORTAL_PLUGINS": "[" + ",".join(f'"{p}"' for p in args.plugins) + "]",
    }
    db_label = "PostgreSQL" if os.environ.get("DATABASE_URL", "").startswith("postgres") else "SQLite"
    if args.instance:
        pages = existing(env, args.plugins)
    else:
        print(f"Seeding ({db_label}, instance {instance}) ...", flush=True)
        started = time.perf_counter()
        pages = seed(env, args.plugins)
        print(f"Seeded in {time.perf_counter() - started:.1f} s", flush=True)
    if args.only:
        pages = {user: [p for p in user_pages if any(o in p[0] for o in args.only.split("|"))]
                 for user, user_pages in pages.items()}
        pages = {user: user_pages for user, user_pages in pages.items() if user_pages}

    port = free_port()
    gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent)) or "gunicorn"
    server = subprocess.Popen(
        [gunicorn, "-w", str(args.workers), "-b", f"127.0.0.1:{port}", "--log-level", "warning", "portal:create_app()"],
        cwd=ROOT, env={**os.environ, **env},
    )
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        # the static file answers five to ten times faster than a page: five times the requests, so that its window
        # lasts about as long as the page's (300 requests of it took 0.3 s, and its rate went from 757 to 1,638 req/s
        # within one run; a longer window evens out the VM's moments)
        static_requests = args.requests * 5
        baseline = measure(port, "", "/static/portal.css", static_requests, args.concurrency)
        rows = [("static baseline", "/static/portal.css", "static", baseline)]
        for username, user_pages in pages.items():
            client = Client(port)
            client.login(username)
            for label, path, kind in user_pages:
                headers = {"HX-Request": "true"} if kind == "fragment" else None
                # the static file again right before each page, and the pair several times: this VM's speed drifts
                # within seconds (the static rate went from 400 to 1,009 req/s in one run), so one pair can put a
                # page a third above or below its rate; the round of the median ratio is the page's figure
                pairs = []
                for _ in range(args.rounds):
                    static = measure(port, "", "/static/portal.css", static_requests, args.concurrency)
                    r = measure(port, client.cookie, path, args.requests, args.concurrency, headers)
                    r["static"] = static["rps"]
                    pairs.append((float(r["rps"]) / float(static["rps"]), r))
                pairs.sort(key=lambda pair: pair[0])
                r = pairs[len(pairs) // 2][1]
                r["low"], r["high"] = pairs[0][0], pairs[-1][0]
                rows.append((label, path, kind, r))
                print(f"  measured {label}: p95 {r['p95']:.0f} ms", flush=True)
    finally:
        server.terminate()
        server.wait(10)
        if not args.keep and not args.instance:
            shutil.rmtree(instance, ignore_errors=True)

    load = os.getloadavg()
    statics = [float(r.get("static", r["rps"])) for _l, _p, _k, r in rows]
    print(f"\n{db_label}, gunicorn {args.workers} workers, {args.concurrency} client threads, {args.requests} requests/page,"
          f" load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} on {os.cpu_count()} CPUs;"
          f" static file measured before each page ({args.rounds} rounds a page, the median round shown):"
          f" {min(statics):.0f}-{max(statics):.0f} req/s")
    print(f"{'page':<34} {'kind':<9} {'status':>6} {'bytes':>9} {'gzip':>8} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7}"
          f" {'vs static':>9} {'rounds':>9}  budget")
    broken = 0
    for label, path, kind, r in rows:
        static_rps = float(r.get("static", baseline["rps"]))
        ratio = float(r["rps"]) / static_rps if static_rps else 0
        problems = [] if kind == "static" else over_budget(kind, r, ratio)
        broken += bool(problems)
        verdict = "-" if kind == "static" else ("ok" if not problems else "OVER: " + ", ".join(problems))
        spread = f"{r['low']:.2f}-{r['high']:.2f}" if "low" in r else "-"
        print(f"{label[:34]:<34} {kind:<9} {r['status']:>6} {int(r['bytes']):>9} {int(r['gzip']):>8} {r['rps']:>7.0f}"
              f" {r['p50']:>7.1f} {r['p95']:>7.1f} {ratio:>9.2f} {spread:>9}  {verdict}")
    if broken:
        print(f"\n{broken} page(s) over budget" + (" (ignored: --no-budget)" if args.no_budget else ""))
        return 0 if args.no_budget else 1
    print("\nEvery page within budget.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
