"""The public showcase without login: verified exemplars only, by commune and field, Open Graph tags from the base
URL, the A4 sheet, and consent: nothing personal (name, contact, photos) unless "đồng ý công khai" was ticked."""
from __future__ import annotations

import io
import re

import pytest

from portal.extensions import db
from tests.plugins.exemplars.conftest import jpeg_bytes


@pytest.fixture
def app_config() -> dict[str, str]:
    return {"PORTAL_BASE_URL": "https://tamduong.example.vn"}


def _with_photo(app, ex_id):
    from werkzeug.datastructures import FileStorage

    from plugins.exemplars.models import Exemplar
    from plugins.exemplars.services import cycle

    with app.test_request_context():
        cycle.add_photo(db.session.get(Exemplar, ex_id), FileStorage(io.BytesIO(jpeg_bytes((800, 600))), "a.jpg"), "Vườn")
        db.session.commit()
        return db.session.get(Exemplar, ex_id).photos[0].id


def test_only_verified_exemplars_are_public_and_filters_work(client, communes, make_exemplar, hx):
    make_exemplar("Mô hình chưa xác minh")
    tea = make_exemplar("Hợp tác xã chè Bản Bo", state="verified")
    cattle = make_exemplar("Tổ hợp tác nuôi bò sinh sản", state="verified", unit_id=communes["ho_thau"],
                           sector="savings")
    body = client.get("/exemplars/public").get_data(as_text=True)  # no login
    assert "Hợp tác xã chè Bản Bo" in body and "Tổ hợp tác nuôi bò" in body and "chưa xác minh" not in body
    only = client.get(f"/exemplars/public?unit={communes['ho_thau']}", headers=hx)
    text = only.get_data(as_text=True)
    assert only.status_code == 200 and "<html" not in text and "nuôi bò" in text and "chè Bản Bo" not in text
    assert "nuôi bò" not in client.get("/exemplars/public?sector=livelihood").get_data(as_text=True)
    assert client.get(f"/exemplars/public/{tea}").status_code == 200
    assert client.get(f"/exemplars/public/{cattle}/sheet").status_code == 200


def test_a_proposed_or_archived_exemplar_has_no_public_page(client, login_as, make_exemplar):
    proposed = make_exemplar()
    assert client.get(f"/exemplars/public/{proposed}").status_code == 404
    archived = make_exemplar(state="verified")
    login_as("vanphong", ["standing_office"])
    client.post(f"/exemplars/{archived}/archive", data={"note": "Kết thúc", "confirmed": "1"})
    client.get("/logout")
    assert client.get(f"/exemplars/public/{archived}").status_code == 404


def test_without_consent_nothing_personal_is_public(app, client, make_exemplar):
    ex = make_exemplar("Nuôi ong lấy mật", state="verified", holder="Hộ ông Lò Văn Pằn",
                       contact="0987 654 321", holder_kind="household", consent_public=False)
    photo = _with_photo(app, ex)
    for url in ("/exemplars/public", f"/exemplars/public/{ex}", f"/exemplars/public/{ex}/sheet"):
        body = client.get(url).get_data(as_text=True)
        assert "Nuôi ong lấy mật" in body, url
        assert "Lò Văn Pằn" not in body and "0987 654 321" not in body and f"/photos/{photo}" not in body, url
        assert "og:image" not in body
    assert client.get(f"/exemplars/photos/{photo}").status_code == 404  # not even by its address


def test_with_consent_name_contact_photo_and_open_graph_are_public(app, client, make_exemplar):
    ex = make_exemplar("Nuôi ong lấy mật", state="verified", holder="Hộ ông Lò Văn Pằn", contact="0987 654 321",
                       holder_kind="household", consent_public=True)
    photo = _with_photo(app, ex)
    body = client.get(f"/exemplars/public/{ex}").get_data(as_text=True)
    assert "Lò Văn Pằn" in body and "0987 654 321" in body and f"/exemplars/photos/{photo}" in body
    og = dict(re.findall(r'<meta property="og:(\w+)" content="([^"]*)"', body))
    assert og["url"] == f"https://tamduong.example.vn/exemplars/public/{ex}"
    assert og["image"] == f"https://tamduong.example.vn/exemplars/photos/{photo}"
    assert og["title"] == "Nuôi ong lấy mật" and og["description"]
    resp = client.get(f"/exemplars/photos/{photo}")
    assert resp.status_code == 200 and resp.mimetype == "image/jpeg" and resp.data.startswith(b"\xff\xd8")
    resp.close()
    listing = client.get("/exemplars/public").get_data(as_text=True)
    assert f'src="/exemplars/photos/{photo}"' in listing and f'href="/exemplars/public/{ex}"' in listing


def test_the_sheet_is_a_named_a4_page_in_the_plugin_css(app):
    from pathlib import Path

    text = (Path(app.blueprints["exemplars"].static_folder) / "exemplars.css").read_text(encoding="utf-8")
    assert re.search(r"@page exemplar-sheet \{ size: A4", text)
    assert "page: exemplar-sheet" in text
