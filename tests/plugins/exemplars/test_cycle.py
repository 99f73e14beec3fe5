"""The cycle proposed → verified → fostered → replicated → archived: allowed steps, refused ones (409 with a
Vietnamese message, nothing stored), invalid forms (422), history with who and when in local time."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from portal.extensions import db
from tests.plugins.exemplars.conftest import jpeg_bytes


def _state(app, ex_id):
    from plugins.exemplars.models import Exemplar

    with app.app_context():
        return db.session.get(Exemplar, ex_id).state


def _count(app, model):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def test_a_commune_proposes_with_a_photo_that_is_downscaled(app, client, login_as, communes):
    from plugins.exemplars.models import Exemplar, ExemplarPhoto

    login_as("canbo_banbo", ["unit_reporter"], communes["ban_bo"])
    page = client.get("/exemplars/new")
    assert page.status_code == 200 and "Xã Hồ Thầu" not in page.get_data(as_text=True)  # only its own unit
    resp = client.post("/exemplars/new", data={
        "kind": "model", "title": "Tổ hợp tác chè Bản Bo", "unit_id": communes["ban_bo"], "sector": "livelihood",
        "description": "Liên kết 30 hộ trồng chè shan tuyết.", "households": "30", "households_out": "12",
        "income": "45.000.000", "source": "unit", "consent_public": "y", "caption": "Đồi chè",
        "photo": (__import__("io").BytesIO(jpeg_bytes()), "doi-che.jpg"),
    }, content_type="multipart/form-data")
    assert resp.status_code == 302, resp.get_data(as_text=True)[:2000]
    with app.app_context():
        ex = db.session.scalar(select(Exemplar))
        assert (ex.state, ex.income, ex.households, ex.proposed_by is not None) == ("proposed", 45_000_000, 30, True)
        photo = db.session.scalar(select(ExemplarPhoto))
        from PIL import Image
        import io

        from portal.uploads import upload_folder

        img = Image.open(io.BytesIO((upload_folder() / photo.upload.stored_name).read_bytes()))
        assert max(img.size) == 1600 and photo.caption == "Đồi chè"


def test_a_unit_cannot_propose_for_another_unit_and_bad_forms_answer_422(app, client, login_as, communes):
    from plugins.exemplars.models import Exemplar

    login_as("canbo_banbo", ["unit_reporter"], communes["ban_bo"])
    base = {"kind": "model", "title": "Mô hình", "sector": "livelihood", "description": "Mô tả", "source": "unit"}
    assert client.post("/exemplars/new", data={**base, "unit_id": communes["ho_thau"]}).status_code == 422
    bad = client.post("/exemplars/new", data={**base, "unit_id": communes["ban_bo"], "households": "3",
                                              "households_out": "5"})
    assert bad.status_code == 422 and "thoát nghèo" in bad.get_data(as_text=True).lower()
    assert client.post("/exemplars/new", data={**base, "unit_id": communes["ban_bo"], "title": ""}).status_code == 422
    assert _count(app, Exemplar) == 0


def test_the_whole_cycle_with_history_in_local_time(app, client, login_as, communes, make_exemplar, frozen_at):
    ex = make_exemplar()
    login_as("vanphong", ["standing_office"])
    frozen_at(dt.datetime(2024, 5, 10, 18, 30))  # 01:30 on 11/05 in Vietnam
    assert client.post(f"/exemplars/{ex}/verify", data={"visit_date": "10/05/2024", "note": "Đã kiểm tra thực tế"}
                       ).status_code == 302
    assert _state(app, ex) == "verified"
    assert client.post(f"/exemplars/{ex}/foster", data={"note": "Hỗ trợ giống thảo quả", "amount": "20.000.000"}
                       ).status_code == 302
    assert _state(app, ex) == "fostered"
    assert client.post(f"/exemplars/{ex}/replicate", data={"unit_id": communes["ho_thau"], "households": "15",
                                                           "year": "2024", "note": "Bản Hồ Thầu"}).status_code == 302
    assert _state(app, ex) == "replicated"
    # support given later keeps it replicated (a step never moves an exemplar back)
    assert client.post(f"/exemplars/{ex}/foster", data={"note": "Tập huấn kỹ thuật"}).status_code == 302
    assert _state(app, ex) == "replicated"
    page = client.get(f"/exemplars/{ex}").get_data(as_text=True)
    assert "11/05/2024 01:30" in page and "Vanphong" in page and "39" in page  # 24 + 15 households reached
    resp = client.post(f"/exemplars/{ex}/archive", data={"note": "Mô hình đã kết thúc"})
    assert resp.status_code == 200 and "confirmed" in resp.get_data(as_text=True)  # asks first
    assert _state(app, ex) == "replicated"
    assert client.post(f"/exemplars/{ex}/archive", data={"note": "Mô hình đã kết thúc", "confirmed": "1"}
                       ).status_code == 302
    assert _state(app, ex) == "archived"


def test_refused_transitions_answer_409_with_a_message_and_store_nothing(app, client, login_as, communes,
                                                                        make_exemplar, hx):
    from plugins.exemplars.models import CycleStep, Replication

    ex = make_exemplar()
    login_as("vanphong", ["standing_office"])
    steps = _count(app, CycleStep)
    for url, data in ((f"/exemplars/{ex}/foster", {"note": "Hỗ trợ"}),
                      (f"/exemplars/{ex}/replicate", {"unit_id": communes["ho_thau"], "households": "5", "year": "2024"})):
        resp = client.post(url, data=data)
        assert resp.status_code == 409 and "xác minh" in resp.get_data(as_text=True)
    assert _count(app, CycleStep) == steps and _count(app, Replication) == 0 and _state(app, ex) == "proposed"
    verify = {"visit_date": "10/05/2024", "note": "Đã đến thăm"}
    assert client.post(f"/exemplars/{ex}/verify", data=verify).status_code == 302
    again = client.post(f"/exemplars/{ex}/verify", data=verify, headers=hx)
    assert again.status_code == 409 and "đã được xác minh" in again.get_data(as_text=True)
    # a replication in the model's own commune is a form problem (422), not a state one
    own = client.post(f"/exemplars/{ex}/replicate", data={"unit_id": communes["ban_bo"], "households": "5",
                                                          "year": "2024"})
    assert own.status_code == 422 and "đơn vị khác" in own.get_data(as_text=True)
    # a fund disbursement that does not exist (the fund module is not even enabled here)
    fund = client.post(f"/exemplars/{ex}/foster", data={"note": "Hỗ trợ", "disbursement": "77"})
    assert fund.status_code == 422 and "77" in fund.get_data(as_text=True)
    client.post(f"/exemplars/{ex}/archive", data={"note": "Kết thúc", "confirmed": "1"})
    for url, data in ((f"/exemplars/{ex}/verify", verify), (f"/exemplars/{ex}/foster", {"note": "Hỗ trợ"}),
                      (f"/exemplars/{ex}/archive", {"note": "Lần nữa", "confirmed": "1"})):
        resp = client.post(url, data=data)
        assert resp.status_code == 409 and "lưu trữ" in resp.get_data(as_text=True), url
    assert _state(app, ex) == "archived"


def test_invalid_step_forms_answer_422_in_the_fragment(client, login_as, make_exemplar, hx):
    ex = make_exemplar()
    login_as("vanphong", ["standing_office"])
    resp = client.post(f"/exemplars/{ex}/verify", data={"visit_date": "32/13/2024", "note": ""}, headers=hx)
    assert resp.status_code == 422
    body = resp.get_data(as_text=True)
    assert 'id="exemplar-cycle"' in body and "<html" not in body


def test_only_the_standing_office_runs_the_cycle(client, login_as, communes, make_exemplar):
    ex = make_exemplar()
    login_as("canbo_banbo", ["unit_reporter"], communes["ban_bo"])
    assert client.post(f"/exemplars/{ex}/verify", data={"visit_date": "10/05/2024", "note": "x"}).status_code == 403
    page = client.get(f"/exemplars/{ex}").get_data(as_text=True)
    assert f"/exemplars/{ex}/verify" not in page  # no button a user may not use


def test_a_doubled_form_takes_effect_once(app, client, login_as, communes, make_exemplar):
    from plugins.exemplars.models import Replication

    ex = make_exemplar(state="verified")
    login_as("vanphong", ["standing_office"])
    data = {"unit_id": communes["ho_thau"], "households": "5", "year": "2024", "_once": "k" * 24}
    first, second = (client.post(f"/exemplars/{ex}/replicate", data=data) for _ in range(2))
    assert first.status_code == second.status_code == 302
    assert _count(app, Replication) == 1
