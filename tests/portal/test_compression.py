"""Text responses and static files are compressed (brotli, else gzip) for clients that accept it; small bodies
and uploads are left alone; PORTAL_GZIP = False leaves everything to a proxy."""
from __future__ import annotations

import gzip
import re

import brotli
import pytest

from tests.helpers import HX

GZ = {"Accept-Encoding": "gzip, deflate"}


def _no_tokens(body: bytes) -> bytes:
    """The page without its CSRF tokens: they carry a timestamp, so two requests a second apart differ there."""
    return re.sub(rb'(name="csrf_token" value="|"X-CSRFToken": ")[^"]*', rb"\1", body)


def test_large_page_is_gzipped_and_decompresses_to_the_same_html(client, login_as, make_unit):
    for i in range(60):
        make_unit(f"Thôn Nà {i}", kind="village")
    login_as("gz-admin", ["admin"])
    plain = client.get("/units/")
    packed = client.get("/units/", headers=GZ)
    assert "Content-Encoding" not in plain.headers
    assert packed.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed.headers["Vary"]
    assert _no_tokens(gzip.decompress(packed.data)) == _no_tokens(plain.data)
    assert len(packed.data) * 4 < len(plain.data)


def test_htmx_fragment_is_gzipped_too(client, login_as, make_unit):
    for i in range(30):
        make_unit(f"Bản Hon {i}", kind="village")
    login_as("gz-admin2", ["admin"])
    resp = client.get("/units/?q=ban+hon", headers={**HX, **GZ})
    assert resp.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(resp.data).lstrip().startswith(b'<section id="unit-list"')


def test_brotli_is_preferred_when_accepted(client, login_as, make_unit):
    for i in range(30):
        make_unit(f"Bản Hon {i}", kind="village")
    login_as("br-admin", ["admin"])
    plain = client.get("/units/")
    packed = client.get("/units/", headers={"Accept-Encoding": "gzip, deflate, br"})
    assert packed.headers["Content-Encoding"] == "br" and _no_tokens(brotli.decompress(packed.data)) == _no_tokens(plain.data)
    refused = client.get("/units/", headers={"Accept-Encoding": "br;q=0, gzip"})
    assert refused.headers["Content-Encoding"] == "gzip"


def test_small_bodies_are_not_compressed(client):
    small = client.get("/healthz", headers=GZ)
    assert "Content-Encoding" not in small.headers


@pytest.mark.parametrize("name", ["htmx.min.js", "portal.css"])
def test_static_files_are_compressed_versioned_and_cached_for_a_year(app, client, name):
    with app.test_request_context():
        from portal.assets import asset_url

        url = asset_url("static", name)
    assert "?v=" in url
    raw = client.get(url)
    raw_body = raw.data
    raw.close()
    assert "Content-Encoding" not in raw.headers and "Accept-Encoding" in raw.headers["Vary"]
    for header, decode in (("gzip", gzip.decompress), ("gzip, br", brotli.decompress)):
        resp = client.get(url, headers={"Accept-Encoding": header})
        assert resp.headers["Content-Encoding"] == ("br" if "br" in header else "gzip")
        assert decode(resp.data) == raw_body and len(resp.data) * 2 < len(raw_body)
        assert int(resp.headers["Content-Length"]) == len(resp.data)
        assert "immutable" in resp.headers["Cache-Control"] and "max-age=31536000" in resp.headers["Cache-Control"]
        assert resp.headers.get("ETag") != raw.headers.get("ETag")  # a cache never mixes the encodings
    if name == "htmx.min.js":
        assert len(client.get(url, headers={"Accept-Encoding": "gzip"}).data) < 20_000  # 52 KB raw


def test_static_conditional_and_range_requests_still_work(client):
    first = client.get("/static/portal.css", headers={"Accept-Encoding": "gzip"})
    etag = first.headers["ETag"]
    again = client.get("/static/portal.css", headers={"Accept-Encoding": "gzip", "If-None-Match": etag})
    assert again.status_code == 304
    part = client.get("/static/portal.css", headers={"Range": "bytes=0-9"})
    assert part.status_code == 206 and len(part.data) == 10
    for resp in (first, again, part):
        resp.close()


@pytest.mark.parametrize("app_config", [{"PORTAL_GZIP": False}])
def test_portal_gzip_off_leaves_compression_to_the_proxy(client, login_as, make_unit):
    for i in range(60):
        make_unit(f"Thôn Nà {i}", kind="village")
    login_as("gz-off", ["admin"])
    assert "Content-Encoding" not in client.get("/units/", headers=GZ).headers
    static = client.get("/static/htmx.min.js", headers=GZ)
    assert "Content-Encoding" not in static.headers
    static.close()
