"""Compressed responses (brotli, else gzip): pages shrink about tenfold on the communes' weak mobile links.

Pages and fragments go through Flask-Compress (it picks the encoding from Accept-Encoding, adds ``Vary``, keeps
strong ETags apart per encoding). Static files are compressed here instead, once per file version and kept in
memory: Flask-Compress compresses a streamed file on every request and never with gzip (its streaming algorithms
exclude it), while a versioned static URL never changes content. ``PORTAL_GZIP = False`` turns both off (a reverse
proxy that compresses itself).
"""
from __future__ import annotations

import gzip
from pathlib import Path

import brotli
from flask import Flask, Response, current_app, request
from flask_compress import Compress

COMPRESSIBLE = ("text/html", "text/css", "text/plain", "text/csv", "application/json", "image/svg+xml",
                "text/javascript", "application/javascript")
MIN_BYTES = 1400  # below about one packet, compressing gains nothing


def _accepted() -> str | None:
    """The encoding to send: br when the client takes it, else gzip, else none (q=0 means refused)."""
    offered = {}
    for part in request.headers.get("Accept-Encoding", "").lower().split(","):
        name, _sep, params = part.strip().partition(";")
        q = 1.0
        if params.strip().startswith("q="):
            try:
                q = float(params.strip()[2:])
            except ValueError:
                q = 0.0
        offered[name.strip()] = q
    for name in ("br", "gzip"):
        if offered.get(name, offered.get("*", 0)) > 0:
            return name
    return None


def _static_body(path: Path, encoding: str) -> bytes:
    cache: dict[tuple[str, float, str], bytes] = current_app.extensions.setdefault("portal_static_compressed", {})
    key = (str(path), path.stat().st_mtime, encoding)
    if key not in cache:
        data = path.read_bytes()
        cache[key] = brotli.compress(data, quality=11) if encoding == "br" else gzip.compress(data, compresslevel=9)
    return cache[key]


def compress_static(resp: Response) -> Response:
    """Swap a whole static file (200, compressible, large enough) for its cached compressed body."""
    from portal.assets import is_static_request, static_path

    if not is_static_request() or resp.status_code != 200 or resp.mimetype not in COMPRESSIBLE:
        return resp
    if "Content-Encoding" in resp.headers or (resp.content_length or 0) < MIN_BYTES:
        return resp
    resp.vary.add("Accept-Encoding")
    encoding = _accepted()
    path = static_path()
    if encoding is None or path is None:
        return resp
    resp.close()  # the open file of send_file
    resp.direct_passthrough = False
    resp.set_data(_static_body(path, encoding))
    resp.headers["Content-Encoding"] = encoding
    etag, weak = resp.get_etag()
    if etag:
        resp.set_etag(f"{etag}-{encoding}", weak=weak)
        resp.make_conditional(request)  # If-None-Match carries the encoded ETag: answer 304
    return resp


def init_app(app: Flask) -> None:
    if not app.config.get("PORTAL_GZIP", True):
        return
    app.config.setdefault("COMPRESS_MIMETYPES", list(COMPRESSIBLE))
    app.config.setdefault("COMPRESS_ALGORITHM", ["br", "gzip"])
    app.config.setdefault("COMPRESS_MIN_SIZE", MIN_BYTES)
    app.config.setdefault("COMPRESS_BR_LEVEL", 4)  # fast enough per request; static files get 11 above
    app.config.setdefault("COMPRESS_LEVEL", 5)
    app.config.setdefault("COMPRESS_STREAMS", False)  # static files are handled by compress_static
    Compress(app)
    app.after_request(compress_static)
