"""Browser helpers for the offline tests: log in, wait until the service worker kept a page, cut the link.

``context.set_offline`` does not cut the service worker's own fetches, so the server is also blocked with a route.
"""
from __future__ import annotations

import time
from typing import Any

from tests.helpers import PASSWORD

KEPT = """async (path) => {
  for (const name of await caches.keys()) {
    if (name.startsWith('portal-pages-') && await (await caches.open(name)).match(path)) { return true; }
  }
  return false;
}"""

QUEUED = """() => new Promise((ok) => {
  const r = indexedDB.open('portal-offline', 1);
  r.onupgradeneeded = () => r.result.createObjectStore('queue', { keyPath: 'id', autoIncrement: true });
  r.onsuccess = () => { const q = r.result.transaction('queue').objectStore('queue').count(); q.onsuccess = () => ok(q.result); };
})"""


def login(page: Any, base: str, username: str) -> None:
    page.goto(base + "/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(lambda url: "/login" not in url)


def kept(page: Any, path: str) -> bool:
    return bool(page.evaluate(KEPT, path))


def wait_kept(page: Any, path: str, timeout: float = 20) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if kept(page, path):
            return
        time.sleep(0.2)
    raise AssertionError(f"the service worker did not keep {path}")


def offline(context: Any) -> None:
    context.set_offline(True)
    context.route("**/*", lambda route: route.abort())


def online(context: Any) -> None:
    context.unroute("**/*")
    context.set_offline(False)


def wait_until(check: Any, timeout: float = 20, what: str = "condition") -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if check():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def persistent(browser_type: Any, launch_args: dict[str, Any], profile: str) -> Any:
    """A browser whose profile (IndexedDB, caches, service worker) survives being closed and opened again."""
    return browser_type.launch_persistent_context(
        profile, executable_path=launch_args["executable_path"], args=launch_args["args"],
        viewport={"width": 360, "height": 740},
    )
