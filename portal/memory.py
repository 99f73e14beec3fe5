"""Garbage collection that does not walk the app's own objects.

A portal process holds about 200,000 long-lived objects (modules, the ORM's mappers, compiled templates and
statements). Python's full collection walks all of them: measured on the fund's public page, collections took
1.5 ms of every request's 10 ms, in pauses of about 100 ms. Objects that live as long as the process are moved
out of the collector's reach (``gc.freeze``) once the app is built, and once more after its first requests have
filled the template and statement caches. Tests build many apps and are left alone.
"""
from __future__ import annotations

import gc

from flask import Flask

#: Requests after which the caches they filled are frozen too.
WARM_REQUESTS = 200


def init_app(app: Flask) -> None:
    if app.testing or not app.config.get("PORTAL_GC_FREEZE", True):
        return
    _freeze()
    served = [0]

    @app.teardown_request
    def _freeze_once_warm(_exc: BaseException | None) -> None:
        served[0] += 1
        if served[0] == WARM_REQUESTS:
            _freeze()


def _freeze() -> None:
    gc.collect()  # what is garbage now is freed first, not kept for ever
    gc.freeze()
