"""Text responses are gzipped for clients that accept it; files and small bodies are left alone."""
from __future__ import annotations

import gzip

from tests.helpers import HX

GZ = {"Accept-Encoding": "gzip, deflate"}


def test_large_page_is_gzipped_and_decompresses_to_the_same_html(client, login_as, make_unit):
    for i in range(60):
        make_unit(f"Thôn Nà {i}", kind="village")
    login_as("gz-admin", ["admin"])
    plain = client.get("/units/")
    packed = client.get("/units/", headers=GZ)
    assert "Content-Encoding" not in plain.headers
    assert packed.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed.headers["Vary"]
    assert gzip.decompress(packed.data) == plain.data
    assert len(packed.data) * 4 < len(plain.data)


def test_htmx_fragment_is_gzipped_too(client, login_as, make_unit):
    for i in range(30):
        make_unit(f"Bản Hon {i}", kind="village")
    login_as("gz-admin2", ["admin"])
    resp = client.get("/units/?q=ban+hon", headers={**HX, **GZ})
    assert resp.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(resp.data).lstrip().startswith(b'<section id="unit-list"')


def test_small_bodies_and_static_files_are_not_compressed(client):
    small = client.get("/healthz", headers=GZ)
    assert "Content-Encoding" not in small.headers
    static = client.get("/static/portal.css", headers=GZ)
    assert "Content-Encoding" not in static.headers
    static.close()
