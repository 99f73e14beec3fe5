"""Gzip for HTML and other text responses: pages shrink about tenfold on the communes' weak mobile links."""
from __future__ import annotations

import gzip

from flask import Flask, Response, request

COMPRESSIBLE = ("text/html", "text/css", "text/plain", "text/csv", "application/json", "image/svg+xml", "text/javascript")
MIN_BYTES = 1400  # below about one packet, compressing gains nothing


def _compress(resp: Response) -> Response:
    if (
        resp.direct_passthrough  # files streamed by send_file
        or resp.status_code < 200
        or resp.status_code in (204, 304)
        or "Content-Encoding" in resp.headers
        or resp.mimetype not in COMPRESSIBLE
        or "gzip" not in request.headers.get("Accept-Encoding", "").lower()
    ):
        return resp
    data = resp.get_data()
    if len(data) < MIN_BYTES:
        return resp
    resp.set_data(gzip.compress(data, compresslevel=5))
    resp.headers["Content-Encoding"] = "gzip"
    resp.vary.add("Accept-Encoding")
    return resp


def init_app(app: Flask) -> None:
    if app.config.get("PORTAL_GZIP", True):
        app.after_request(_compress)
