"""Where a page's time goes: SQL vs template rendering vs the rest, with cProfile, in-process (no gunicorn).

Runs against an instance kept by ``bench/run.py --keep`` (same data as the benchmark):

    .venv/bin/python bench/profiling.py /tmp/portal-bench-XXXX [--requests 20] [--top 12] [--only units]

For each bench page: milliseconds per request split into SQL (the DB-API execute and fetch calls), template
(Jinja rendering, SQL issued from inside templates excluded) and other Python, and the top functions by own time.
"""
from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import run as bench  # noqa: E402


def _cum(stats: pstats.Stats, match: tuple[str, ...]) -> float:
    """Cumulative seconds of functions whose (file, name) contains all of ``match`` (outermost calls only)."""
    total = 0.0
    for (filename, _line, name), (_cc, _nc, _tt, ct, callers) in stats.stats.items():  # type: ignore[attr-defined]
        label = f"{filename}:{name}"
        if all(m in label for m in match):
            # count only calls not made from another matching function (no double counting of recursion)
            if not any(all(m in f"{c[0]}:{c[2]}" for m in match) for c in callers):
                total += ct
    return total


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("instance")
    parser.add_argument("--plugins", nargs="*", default=["awards", "fund", "inspections", "reports", "exemplars"])
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--top", type=int, default=8)
    parser.add_argument("--only", default="", help="profile only pages whose label contains this")
    args = parser.parse_args()
    os.environ["PORTAL_INSTANCE_PATH"] = args.instance
    os.environ["FLASK_PORTAL_PLUGINS"] = "[" + ",".join(f'"{p}"' for p in args.plugins) + "]"

    from portal import create_app

    app = create_app()
    app.config["WTF_CSRF_ENABLED"] = False  # the test client logs in by posting the form directly
    pages: dict[str, list[tuple[str, str, str]]] = {"bench_core": bench._with_kind(bench.CORE_PAGES)}
    with app.app_context():
        for name in args.plugins:
            hook = bench.load_hook(name)
            pages[hook.USERNAME] = bench._with_kind(list(hook.pages()))
    for username, user_pages in pages.items():
        client = app.test_client()
        resp = client.post("/login", data={"username": username, "password": bench.PASSWORD})
        assert resp.status_code == 302, f"login {username}: {resp.status_code}"
        for label, path, kind in user_pages:
            if args.only and args.only not in label:
                continue
            headers = {"HX-Request": "true"} if kind == "fragment" else {}
            client.get(path, headers=headers)  # warm up
            prof = cProfile.Profile()
            started = time.perf_counter()
            prof.enable()
            for _ in range(args.requests):
                client.get(path, headers=headers)
            prof.disable()
            wall = (time.perf_counter() - started) / args.requests * 1000
            stats = pstats.Stats(prof)
            n = args.requests
            sql = (_cum(stats, ("sqlalchemy/engine/default.py", "do_execute"))
                   + _cum(stats, ("sqlalchemy/engine/default.py", "do_executemany"))
                   + _cum(stats, ("fetchall",)) + _cum(stats, ("fetchone",))) / n * 1000
            template = _cum(stats, ("flask/templating.py", "_render")) / n * 1000
            print(f"\n== {label} ({path}): {wall:.1f} ms/request under the profiler;"
                  f" SQL {sql:.1f} ms, template {template:.1f} ms (incl. SQL from templates), other {max(0.0, wall - sql - template):.1f} ms")
            stats.sort_stats("tottime")
            rows = sorted(stats.stats.items(), key=lambda kv: kv[1][2], reverse=True)[: args.top]  # type: ignore[attr-defined]
            for (filename, line, name), (_cc, nc, tt, ct, _callers) in rows:
                short = "/".join(filename.split("/")[-2:])
                print(f"   {tt / n * 1000:7.2f} ms own {ct / n * 1000:7.2f} ms cum {nc // n:>7} calls  {short}:{line} {name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
