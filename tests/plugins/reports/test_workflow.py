"""The unit's report through HTTP: autosave, validation, submit, return, resubmit, accept, locks and access."""
from __future__ import annotations

import datetime as dt
import io

import pytest
from sqlalchemy import func, select

from portal.extensions import db
from tests.helpers import HX, login

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _sub(app, world, unit_id=None):
    from plugins.reports.models import Submission

    with app.app_context():
        sub = db.session.scalar(select(Submission).where(Submission.period_id == world.period_id,
                                                         Submission.unit_id == (unit_id or world.unit_a)))
        if sub is not None:
            db.session.expunge(sub)
        return sub


def _version(client, world, key):
    """The field's version as the report page shows it (the page sends it back with each save)."""
    import re

    page = client.get(world.url()).get_data(as_text=True)
    return re.search(rf'name="_v\.{key}" value="(\d+)"', page).group(1)


def _fill(client, world, **values):
    data = {"_fields": list(values), **values}
    return client.post(world.url(tail="/submit"), data=data)


def test_autosave_stores_one_field_and_the_page_shows_it(client, login_as, world, app):
    login_as("banbo", ["unit_reporter"], world.unit_a)
    resp = client.post(world.url(tail="/field/poor"), data={"poor": "1.234"}, headers=HX)
    assert resp.status_code == 422  # above the maximum of 1000
    assert "tối đa" in resp.get_data(as_text=True) or "at most" in resp.get_data(as_text=True)
    assert _sub(app, world) is None or "poor" not in _sub(app, world).values
    resp = client.post(world.url(tail="/field/poor"), data={"poor": "320"}, headers=HX)
    body = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "Đã lưu" in body and 'id="rf-poor"' in body and "<html" not in body
    assert _sub(app, world).values == {"poor": 320}
    page = client.get(world.url()).get_data(as_text=True)
    assert 'value="320"' in page


@pytest.mark.parametrize(
    ("key", "raw", "message"),
    [
        ("poor", "ba trăm", "Nhập một số nguyên"),
        ("poor", "-1", "ít nhất"),
        ("poor", "1001", "tối đa"),
        ("rate", "12,5,1", "Nhập một số"),
        ("ways", "Khác", "Hãy chọn"),
    ],
)
def test_bad_values_are_refused_at_the_field(client, login_as, world, app, key, raw, message):
    login_as("banbo", ["unit_reporter"], world.unit_a)
    resp = client.post(world.url(tail=f"/field/{key}"), data={key: raw}, headers=HX)
    body = resp.get_data(as_text=True)
    assert resp.status_code == 422
    assert message in body and f'id="{key}-err"' in body
    sub = _sub(app, world)
    assert sub is None or key not in sub.values


def test_broken_rule_blocks_submission_and_stores_nothing(client, login_as, world, app):
    login_as("banbo", ["unit_reporter"], world.unit_a)
    resp = _fill(client, world, poor="100", escaped="150")
    body = resp.get_data(as_text=True)
    assert resp.status_code == 422
    assert "Số hộ thoát nghèo không được lớn hơn số hộ nghèo đầu năm." in body and 'id="escaped-err"' in body
    sub = _sub(app, world)
    assert sub is None or (sub.state == "draft" and sub.values == {})


def test_required_fields_are_checked_on_submit(client, login_as, world):
    login_as("banbo", ["unit_reporter"], world.unit_a)
    resp = _fill(client, world, poor="100")
    assert resp.status_code == 422 and "Trường này là bắt buộc." in resp.get_data(as_text=True)


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("virus.exe", b"MZ\x90\x00", "Loại tệp không được phép"),
        ("../../etc/passwd.pdf", PDF, "Tên tệp không được phép"),
        ("..\\..\\boot.pdf", PDF, "Tên tệp không được phép"),
        ("fake.pdf", b"not a pdf at all", "không khớp"),
        ("big.pdf", PDF + b"0" * 3000, "quá lớn"),
    ],
)
def test_bad_uploads_are_refused(client, login_as, world, app, name, data, message):
    from portal.models import Upload

    app.config["REPORTS_MAX_UPLOAD_BYTES"] = 2000
    login_as("banbo", ["unit_reporter"], world.unit_a)
    resp = client.post(world.url(tail="/field/scan"), data={"scan": (io.BytesIO(data), name)},
                       headers=HX, content_type="multipart/form-data")
    assert resp.status_code == 422
    assert message in resp.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count(Upload.id))) == 0
    sub = _sub(app, world)
    assert sub is None or "scan" not in sub.values


def test_attachment_is_stored_and_served_only_to_allowed_users(client, login_as, make_user, world, app):
    login_as("banbo", ["unit_reporter"], world.unit_a)
    resp = client.post(world.url(tail="/field/scan"), data={"scan": (io.BytesIO(PDF), "bao-cao.pdf")},
                       headers=HX, content_type="multipart/form-data")
    assert resp.status_code == 200 and "bao-cao.pdf" in resp.get_data(as_text=True)
    upload_id = _sub(app, world).values["scan"]
    served = client.get(world.url(tail=f"/files/{upload_id}"))
    assert served.data == PDF
    served.close()
    make_user("binhlu", ["unit_reporter"], world.unit_b)
    other = app.test_client()
    login(other, "binhlu")
    assert other.get(world.url(tail=f"/files/{upload_id}")).status_code == 403
    assert other.get(world.url(world.unit_b, f"/files/{upload_id}")).status_code == 404


def test_reporter_cannot_see_or_change_another_units_report(client, login_as, world, app):
    login_as("banbo", ["unit_reporter"], world.unit_a)
    b = world.unit_b
    assert client.get(world.url(b)).status_code == 403
    assert client.get(world.url(b, "/print")).status_code == 403
    assert client.post(world.url(b, "/field/poor"), data={"poor": "5"}, headers=HX).status_code == 403
    assert client.post(world.url(b, "/save"), data={"_fields": ["poor"], "poor": "5"}).status_code == 403
    assert client.post(world.url(b, "/submit"), data={"_fields": ["poor"], "poor": "5"}).status_code == 403
    assert _sub(app, world, b) is None
    # the lists only show the reporter's own unit
    assert "Xã Bình Lư" not in client.get("/reports/matrix").get_data(as_text=True)
    assert "Xã Bình Lư" not in client.get("/reports/submissions").get_data(as_text=True)


def test_full_cycle_submit_return_resubmit_accept_then_locked(client, login_as, make_user, world, app):
    reporter = login_as("banbo", ["unit_reporter"], world.unit_a)
    assert _fill(client, world, poor="300", escaped="40", note="Đường xa").status_code == 302
    sub = _sub(app, world)
    assert sub.state == "submitted" and not sub.late and len(sub.values) == 3
    # a submitted report waits for review: the unit cannot change it
    assert client.post(world.url(tail="/field/poor"), data={"poor": "1"}, headers=HX).status_code == 409

    make_user("thuongtruc", ["standing_office"])
    office = app.test_client()
    login(office, "thuongtruc")
    assert office.post(f"/reports/s/{sub.id}/return", data={"comment": ""}).status_code == 422
    assert office.post(f"/reports/s/{sub.id}/return", data={"comment": "Kiểm tra lại số hộ thoát nghèo"}).status_code == 302
    page = client.get(world.url()).get_data(as_text=True)
    assert "Kiểm tra lại số hộ thoát nghèo" in page and "Nộp lại báo cáo" in page

    assert client.post(world.url(tail="/field/escaped"), data={"escaped": "45", "_v.escaped": _version(client, world, "escaped")},
                       headers=HX).status_code == 200
    page = client.get(world.url()).get_data(as_text=True)
    assert "Thay đổi so với lần nộp trước" in page
    assert _fill(client, world, escaped="45").status_code == 302
    assert _sub(app, world).state == "submitted"

    asked = office.post(f"/reports/s/{sub.id}/accept")  # an irreversible step: the page asks first
    assert asked.status_code == 200 and "Tiếp nhận báo cáo của Xã Bản Bo?" in asked.get_data(as_text=True)
    assert _sub(app, world).state == "submitted"
    assert office.post(f"/reports/s/{sub.id}/accept", data={"confirmed": "1"}).status_code == 302
    accepted = _sub(app, world)
    assert accepted.state == "accepted"
    with app.app_context():
        from plugins.reports.models import Revision

        revisions = list(db.session.scalars(select(Revision).where(Revision.submission_id == sub.id)
                                            .order_by(Revision.number)))
        assert [r.values["escaped"] for r in revisions] == [40, 45]
    history = office.get(world.url()).get_data(as_text=True)
    assert "Phiên bản 2" in history and "<del>40</del>" in history and "<ins>45</ins>" in history

    # accepted is locked against every route, for everyone
    for who in (client, office):
        assert who.post(world.url(tail="/field/poor"), data={"poor": "1"}, headers=HX).status_code in (403, 409)
        assert who.post(world.url(tail="/save"), data={"_fields": ["poor"], "poor": "1"}).status_code in (403, 409)
        assert who.post(world.url(tail="/submit"), data={"_fields": ["poor"], "poor": "1"}).status_code in (403, 409)
        assert who.post(f"/reports/s/{sub.id}/accept", data={"confirmed": "1"}).status_code in (403, 409)
        assert who.post(f"/reports/s/{sub.id}/accept").status_code in (403, 409)  # refused, not asked
        assert who.post(f"/reports/s/{sub.id}/return", data={"comment": "x"}).status_code in (403, 409)
    locked = client.post(world.url(tail="/field/poor"), data={"poor": "1"}, headers=HX)
    assert "đã được tiếp nhận và bị khóa" in locked.get_data(as_text=True)
    assert _sub(app, world).values == accepted.values and _sub(app, world).state == "accepted"
    assert reporter.unit_id == world.unit_a


def test_submission_after_the_deadline_is_marked_late(client, login_as, make_user, world, app, frozen_at):
    """"Trước ngày 10/11" (the default rule): 23:59 on 9/11 in Vietnam is on time, 00:30 on 10/11 is late."""
    login_as("banbo", ["unit_reporter"], world.unit_a)
    frozen_at(dt.datetime(2024, 11, 9, 16, 59))  # 23:59 on 9/11 in Tam Đường: still on time
    assert _fill(client, world, poor="10", escaped="1").status_code == 302
    assert _sub(app, world).late is False
    frozen_at(dt.datetime(2024, 11, 9, 17, 30))  # 00:30 on 10/11 local time, still 9/11 in UTC
    from portal.clock import local_today as today

    assert today() == dt.date(2024, 11, 10)
    make_user("binhlu", ["unit_reporter"], world.unit_b)
    client = app.test_client()
    login(client, "binhlu")
    assert _fill(client, world, poor="10", escaped="1").status_code == 403  # other unit's URL
    assert client.post(world.url(world.unit_b, "/submit"),
                       data={"_fields": ["poor", "escaped"], "poor": "10", "escaped": "1"}).status_code == 302
    assert _sub(app, world, world.unit_b).late is True
    assert "trước ngày 10/11/2024" in client.get("/reports/").get_data(as_text=True)
    make_user("lanhdao", ["leadership"])
    client = app.test_client()
    login(client, "lanhdao")
    matrix = client.get("/reports/matrix").get_data(as_text=True)
    assert 's-late' in matrix and 's-on_time' in matrix


def test_through_rule_keeps_the_deadline_day_on_time(client, login_as, world, app, frozen_at):
    """A period set to "đến hết ngày 10/11" accepts 23:59 on 10/11 as on time and 00:00 on 11/11 as late."""
    from plugins.reports.models import Period

    with app.app_context():
        db.session.get(Period, world.period_id).on_time_rule = "through"
        db.session.commit()
    login_as("banbo", ["unit_reporter"], world.unit_a)
    assert "đến hết ngày 10/11/2024" in client.get("/reports/").get_data(as_text=True)
    frozen_at(dt.datetime(2024, 11, 10, 16, 59))  # 23:59 on 10/11 local
    assert _fill(client, world, poor="10", escaped="1").status_code == 302
    assert _sub(app, world).late is False
    from plugins.reports.services import periods

    assert periods.last_on_time_day(dt.date(2024, 11, 10), "through") == dt.date(2024, 11, 10)
    assert periods.last_on_time_day(dt.date(2024, 11, 10), "before") == dt.date(2024, 11, 9)
    assert periods.last_on_time_day(dt.date(2024, 11, 10), "before", dt.date(2024, 11, 20)) == dt.date(2024, 11, 20)


def test_locked_period_refuses_submissions_with_a_clear_message(client, login_as, world, app, frozen_at):
    from plugins.reports.models import Period, PeriodUnit

    with app.app_context():
        db.session.get(Period, world.period_id).late_policy = "lock"
        db.session.commit()
    login_as("banbo", ["unit_reporter"], world.unit_a)
    frozen_at(dt.datetime(2024, 11, 12, 3, 0))
    resp = _fill(client, world, poor="10", escaped="1")
    assert resp.status_code == 409
    assert "không còn nhận báo cáo" in resp.get_data(as_text=True)
    assert client.post(world.url(tail="/field/poor"), data={"poor": "10"}, headers=HX).status_code == 409
    assert _sub(app, world) is None
    page = client.get(world.url()).get_data(as_text=True)
    assert "không còn nhận báo cáo" in page and 'id="report-form"' not in page
    # an extension reopens it for that unit only
    with app.app_context():
        link = db.session.scalar(select(PeriodUnit).where(PeriodUnit.unit_id == world.unit_a))
        link.extended_until = dt.date(2024, 11, 20)
        db.session.commit()
    assert _fill(client, world, poor="10", escaped="1").status_code == 302
    assert _sub(app, world).late is False


def test_reminders_notify_units_that_have_not_submitted(client, login_as, make_user, world, app):
    from portal.models import Notification

    make_user("banbo", ["unit_reporter"], world.unit_a)
    make_user("binhlu", ["unit_reporter"], world.unit_b)
    login(client, "banbo")
    _fill(client, world, poor="10", escaped="1")
    make_user("thuongtruc", ["standing_office"])
    client = app.test_client()
    login(client, "thuongtruc")
    page = client.get(f"/reports/periods/{world.period_id}/reminders").get_data(as_text=True)
    assert "Xã Bình Lư" in page and "Xã Bản Bo" not in page
    assert client.post(f"/reports/periods/{world.period_id}/reminders").status_code == 302
    with app.app_context():
        notes = list(db.session.scalars(select(Notification)))
        assert len(notes) == 1 and "Báo cáo năm 2024" in notes[0].message


def test_print_uses_the_official_layout_with_the_unit_as_issuer(client, login_as, world):
    login_as("banbo", ["unit_reporter"], world.unit_a)
    _fill(client, world, poor="300", escaped="40")
    page = client.get(world.url(tail="/print")).get_data(as_text=True)
    assert 'class="document"' in page and "XÃ BẢN BO" in page and "Độc lập - Tự do - Hạnh phúc" in page
    assert "300" in page


def test_every_page_answers_for_the_standing_office(client, login_as, world):
    login_as("thuongtruc", ["standing_office"])
    for url in ["/reports/", "/reports/matrix", "/reports/rollup", "/reports/submissions", "/reports/periods",
                f"/reports/periods/{world.period_id}", "/reports/forms", f"/reports/forms/{world.form_id}",
                "/reports/widget/completeness", world.url(), f"/reports/periods/{world.period_id}/reminders", "/"]:
        resp = client.get(url, follow_redirects=True)
        assert resp.status_code == 200, url
    assert client.get("/reports/widget/owed").status_code == 403


def test_two_fields_saved_from_two_tabs_are_both_kept(client, login_as, world, app):
    login_as("banbo", ["unit_reporter"], world.unit_a)
    v_poor, v_note = _version(client, world, "poor"), _version(client, world, "note")
    assert client.post(world.url(tail="/field/poor"), data={"poor": "300", "_v.poor": v_poor}, headers=HX).status_code == 200
    assert client.post(world.url(tail="/field/note"), data={"note": "Đường xa", "_v.note": v_note}, headers=HX).status_code == 200
    assert _sub(app, world).values == {"poor": 300, "note": "Đường xa"}


def test_same_field_from_a_stale_page_answers_409_with_both_values(client, login_as, world, app):
    login_as("banbo", ["unit_reporter"], world.unit_a)
    stale = _version(client, world, "poor")
    assert client.post(world.url(tail="/field/poor"), data={"poor": "300", "_v.poor": stale}, headers=HX).status_code == 200
    # the other tab still shows the old version: its save must not overwrite 300 silently
    resp = client.post(world.url(tail="/field/poor"), data={"poor": "310", "_v.poor": stale}, headers=HX)
    body = resp.get_data(as_text=True)
    assert resp.status_code == 409
    assert 'value="300"' in body and "310" in body and "Lưu giá trị của tôi" in body
    assert _sub(app, world).values == {"poor": 300}
    # the same value again is no conflict (a retry of the save that won)
    assert client.post(world.url(tail="/field/poor"), data={"poor": "300", "_v.poor": stale}, headers=HX).status_code == 200
    # choosing "save my value" sends the version the conflict showed
    fresh = _version(client, world, "poor")
    assert client.post(world.url(tail="/field/poor"), data={"poor": "310", "_v.poor": fresh}, headers=HX).status_code == 200
    assert _sub(app, world).values == {"poor": 310}


def test_whole_form_save_from_a_stale_page_is_refused_and_shows_the_conflict(client, login_as, world, app):
    login_as("banbo", ["unit_reporter"], world.unit_a)
    stale = _version(client, world, "poor")
    client.post(world.url(tail="/field/poor"), data={"poor": "300", "_v.poor": stale}, headers=HX)
    resp = client.post(world.url(tail="/save"), data={"_fields": ["poor"], "poor": "250", "_v.poor": stale})
    assert resp.status_code == 409 and "250" in resp.get_data(as_text=True)
    assert _sub(app, world).values == {"poor": 300}
