"""The standing office's work and the unit's list through HTTP: what is owed apart from what is done, the review
inbox (a comment per field, accept asks first), the office told of a submission, reminders (units without an
account, an edited text, the timer's command), periods for units that have ended, rules picked from lists and
the form preview. Pages with a fragment are fetched as a page and as a fragment."""
from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import select

from portal.extensions import db
from tests.helpers import login


def _submit(client, world, unit_id=None, **values):
    values = values or {"poor": "300", "escaped": "40"}
    return client.post(world.url(unit_id, "/submit"), data={"_fields": list(values), **values})


def _sub(app, world, unit_id=None):
    from plugins.reports.models import Submission

    with app.app_context():
        sub = db.session.scalar(select(Submission).where(Submission.period_id == world.period_id,
                                                         Submission.unit_id == (unit_id or world.unit_a)))
        db.session.expunge(sub)
        return sub


def _second_period(app, world, state):
    """Another period of the same form where unit A's report is already ``state``."""
    from plugins.reports.models import Period, PeriodUnit, Submission

    with app.app_context():
        first = db.session.get(Period, world.period_id)
        p = Period(name="Báo cáo sơ kết 2024", kind="midterm", year=2024, version_id=first.version_id,
                   opens_on=dt.date(2024, 6, 1), deadline=dt.date(2024, 7, 1), late_policy="accept")
        p.assignments = [PeriodUnit(unit_id=world.unit_a)]
        db.session.add(p)
        db.session.flush()
        db.session.add(Submission(period_id=p.id, unit_id=world.unit_a, state=state, values={"poor": 1},
                                  first_submitted_at=dt.datetime(2024, 6, 20), submitted_at=dt.datetime(2024, 6, 20)))
        db.session.commit()


def test_the_unit_sees_what_is_owed_apart_from_what_is_done(client, login_as, world, app):
    _second_period(app, world, "accepted")
    login_as("banbo", ["unit_reporter"], world.unit_a)
    page = client.get("/reports/").get_data(as_text=True)
    owed = page[page.index('id="owed"'):page.index('id="done"')]
    done = page[page.index('id="done"'):]
    assert "Báo cáo năm 2024" in owed and "Báo cáo sơ kết 2024" not in owed
    assert "Báo cáo sơ kết 2024" in done and "Đã xong (đã tiếp nhận)" in done
    assert _submit(client, world).status_code == 302
    page = client.get("/reports/").get_data(as_text=True)
    assert "Báo cáo năm 2024" in page[page.index('id="waiting"'):page.index('id="done"')]
    assert "Báo cáo năm 2024" not in page[page.index('id="owed"'):page.index('id="waiting"')]
    # the state line says the state once, then when it was sent
    report = client.get(world.url()).get_data(as_text=True)
    assert "Đã nộp đã nộp" not in report and "gửi lúc 05/11/2024 10:00" in report
    # the dashboard widget lists only what is owed
    widget = client.get("/reports/widget/owed", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "Báo cáo năm 2024" not in widget and "Báo cáo sơ kết 2024" not in widget and "<html" not in widget


def test_the_office_is_told_when_a_unit_submits(client, login_as, make_user, world, app):
    from portal.models import Notification, User

    make_user("thuongtruc", ["standing_office"])
    make_user("quantri", ["admin"])
    login_as("banbo", ["unit_reporter"], world.unit_a)
    assert _submit(client, world).status_code == 302
    with app.app_context():
        sub_id = _sub(app, world).id
        notes = db.session.execute(select(User.username, Notification.message, Notification.link)
                                   .join(User, User.id == Notification.user_id)).all()
        assert [n.username for n in notes] == ["thuongtruc"]
        assert "Xã Bản Bo đã nộp báo cáo" in notes[0].message and notes[0].link == f"/reports/inbox/{sub_id}"


def test_review_inbox_next_previous_comment_per_field_and_accept_asks_first(client, login_as, make_user, world, app,
                                                                            hx):
    make_user("banbo", ["unit_reporter"], world.unit_a)
    make_user("binhlu", ["unit_reporter"], world.unit_b)
    other = app.test_client()
    for who, name, unit in ((client, "banbo", world.unit_a), (other, "binhlu", world.unit_b)):
        login(who, name)
        assert _submit(who, world, unit).status_code == 302
    first, second = _sub(app, world, world.unit_a).id, _sub(app, world, world.unit_b).id
    office = app.test_client()
    make_user("thuongtruc", ["standing_office"])
    login(office, "thuongtruc")
    inbox = office.get("/reports/inbox").get_data(as_text=True)
    assert "2 báo cáo đang chờ duyệt." in inbox and f"/reports/inbox/{first}" in inbox
    # the list is paged (oldest first); the count is of every report waiting, the pager swaps only the list
    app.config["PORTAL_PAGE_SIZE"] = 1
    one = office.get("/reports/inbox").get_data(as_text=True)
    assert "2 báo cáo đang chờ duyệt." in one and f"/reports/inbox/{first}\"" in one
    assert f"/reports/inbox/{second}\"" not in one and 'rel="next"' in one and 'id="start-review"' in one
    nxt = re.search(r'href="([^"]+)" hx-get="[^"]+" hx-target="#inbox"[^>]*rel="next"', one).group(1).replace("&amp;", "&")
    frag = office.get(nxt, headers=hx).get_data(as_text=True)
    assert frag.lstrip().startswith('<section id="inbox">') and "<html" not in frag
    assert f"/reports/inbox/{second}\"" in frag and f"/reports/inbox/{first}\"" not in frag
    assert 'id="start-review"' not in frag and 'rel="prev"' in frag
    app.config["PORTAL_PAGE_SIZE"] = 50
    page = office.get(f"/reports/inbox/{first}").get_data(as_text=True)
    assert "1/2 đang chờ" in page and f'href="/reports/inbox/{second}" rel="next"' in page and 'rel="prev"' not in page
    frag = office.get(f"/reports/inbox/{second}", headers=hx)
    body = frag.get_data(as_text=True)
    assert frag.status_code == 200 and "<html" not in body and 'id="inbox-item"' in body
    assert f'href="/reports/inbox/{first}" rel="prev"' in body and "2/2 đang chờ" in body

    # nothing written: refused in the inbox page, the report stays submitted
    resp = office.post(f"/reports/s/{first}/return", data={"from": "inbox", "note.poor": "  "})
    assert resp.status_code == 422 and "Hãy ghi nội dung đơn vị cần chỉnh sửa." in resp.get_data(as_text=True)
    assert _sub(app, world).state == "submitted"
    # a comment beside one field returns it, and the inbox moves on to the next report
    resp = office.post(f"/reports/s/{first}/return",
                       data={"from": "inbox", "note.poor": "Số hộ nghèo chưa khớp danh sách", "note.nope": "x"})
    assert resp.status_code == 302 and resp.headers["Location"].endswith(f"/reports/inbox/{second}")
    sub = _sub(app, world)
    assert sub.state == "returned" and sub.field_comments == {"poor": "Số hộ nghèo chưa khớp danh sách"}
    report = client.get(world.url()).get_data(as_text=True)
    field = report[report.index('id="rf-poor"'):report.index('id="rf-escaped"')]
    assert "Cần sửa:" in field and "Số hộ nghèo chưa khớp danh sách" in field
    assert "1 trường có nhận xét" in report

    # accepting asks first (without htmx: a page), then goes back to the (now empty) inbox
    asked = office.post(f"/reports/s/{second}/accept", data={"from": "inbox"})
    text = asked.get_data(as_text=True)
    assert asked.status_code == 200 and "Tiếp nhận báo cáo của Xã Bình Lư?" in text and 'name="from" value="inbox"' in text
    assert _sub(app, world, world.unit_b).state == "submitted"
    done = office.post(f"/reports/s/{second}/accept", data={"from": "inbox", "confirmed": "1"})
    assert done.status_code == 302 and done.headers["Location"].endswith("/reports/inbox")
    assert _sub(app, world, world.unit_b).state == "accepted"
    assert "Không có báo cáo nào đang chờ duyệt." in office.get("/reports/inbox").get_data(as_text=True)
    gone = office.get(f"/reports/inbox/{second}").get_data(as_text=True)
    assert "không còn chờ duyệt" in gone and 'id="accept-form"' not in gone
    # a unit reporter has no inbox
    assert client.get("/reports/inbox").status_code == 403


def test_report_submissions_rollup_and_widgets_as_page_and_fragment(client, login_as, world, app, hx):
    login_as("banbo", ["unit_reporter"], world.unit_a)
    assert _submit(client, world).status_code == 302
    login_as("thuongtruc", ["standing_office"])
    for url, marker in ((world.url(), 'id="report-body"'), ("/reports/submissions", "Xã Bản Bo"),
                        (f"/reports/rollup?period={world.period_id}&include=submitted", "Số hộ nghèo đầu năm"),
                        ("/reports/widget/completeness", 'id="widget-completeness"')):
        page = client.get(url)
        frag = client.get(url, headers=hx)
        assert page.status_code == frag.status_code == 200, url
        assert "<html" in page.get_data(as_text=True) and marker in page.get_data(as_text=True), url
        assert "<html" not in frag.get_data(as_text=True) and marker in frag.get_data(as_text=True), url
        assert "HX-Request" in frag.headers.get("Vary", ""), url
    # the roll-up's one row per unit comes when asked: a fragment for htmx, the whole page open without JS
    url = f"/reports/rollup?period={world.period_id}&include=submitted"
    assert 'id="rollup-units"' not in client.get(url).get_data(as_text=True)
    units = client.get(url + "&units=1", headers=hx).get_data(as_text=True)
    assert 'id="rollup-units"' in units and "Xã Bản Bo" in units and 'id="rollup-fields"' not in units
    page = client.get(url + "&units=1").get_data(as_text=True)
    assert 'id="rollup-units"' in page and '<details id="by-unit" open>' in page and "<html" in page


def test_reminders_name_units_without_account_and_send_the_edited_text(client, login_as, make_user, world, app):
    from plugins.reports.models import Event
    from portal.models import Notification

    make_user("banbo", ["unit_reporter"], world.unit_a)  # Bình Lư has no account
    login_as("thuongtruc", ["standing_office"])
    page = client.get(f"/reports/periods/{world.period_id}/reminders").get_data(as_text=True)
    assert "1 đơn vị chưa có tài khoản trên cổng nên sẽ không nhận được lời nhắc: Xã Bình Lư" in page
    assert "Nhắc nhở: báo cáo &#34;Báo cáo năm 2024&#34; hạn nộp trước ngày 10/11/2024." in page
    resp = client.post(f"/reports/periods/{world.period_id}/reminders", data={"text": "   "})
    assert resp.status_code == 422 and "Hãy nhập nội dung lời nhắc." in resp.get_data(as_text=True)
    resp = client.post(f"/reports/periods/{world.period_id}/reminders",
                       data={"text": "Đề nghị xã nộp báo cáo năm trước thứ Sáu."}, follow_redirects=True)
    text = resp.get_data(as_text=True)
    assert "Đã gửi nhắc nhở tới 1 đơn vị (1 người dùng)." in text and "1 đơn vị chưa có tài khoản để nhận" in text
    with app.app_context():
        notes = list(db.session.scalars(select(Notification)))
        assert [n.message for n in notes] == ["Đề nghị xã nộp báo cáo năm trước thứ Sáu."]
        assert db.session.query(Event).filter_by(action="reminded").count() == 2  # both units, in their history


def test_send_reminders_command_reminds_due_units_once_a_day(runner, make_user, world, app, frozen_at):
    from plugins.reports.models import Event
    from portal.models import Notification

    make_user("banbo", ["unit_reporter"], world.unit_a)
    make_user("binhlu", ["unit_reporter"], world.unit_b)
    frozen_at(dt.datetime(2024, 10, 1, 1, 0))  # 40 days before the deadline: nothing is due yet
    result = runner.invoke(args=["reports", "send-reminders"])
    assert result.exit_code == 0, result.output
    assert "Đã gửi nhắc nhở tới 0 đơn vị (0 người dùng)." in result.output
    frozen_at(dt.datetime(2024, 11, 5, 1, 0))  # due soon
    result = runner.invoke(args=["reports", "send-reminders"])
    assert "Báo cáo năm 2024: đã nhắc 2 đơn vị." in result.output and "(2 người dùng)" in result.output
    frozen_at(dt.datetime(2024, 11, 5, 15, 0))  # 22:00 the same local day: a second run sends nothing
    assert "tới 0 đơn vị" in runner.invoke(args=["reports", "send-reminders"]).output
    frozen_at(dt.datetime(2024, 11, 5, 17, 30))  # 00:30 on 6/11 local time: a new day
    assert "tới 2 đơn vị" in runner.invoke(args=["reports", "send-reminders"]).output
    with app.app_context():
        assert db.session.query(Notification).count() == 4
        events = list(db.session.scalars(select(Event).where(Event.action == "reminded")))
        assert len(events) == 4 and {e.actor for e in events} == {"Nhắc tự động"}
        link = db.session.scalar(select(Notification.link))
        assert link == "/reports/"


def test_a_period_for_communes_that_have_all_ended_offers_their_successors(client, login_as, make_unit, app):
    from plugins.reports.models import Period
    from tests.plugins.reports.conftest import build_form

    town = make_unit("Thị trấn Tam Đường mới", kind="other", valid_from=dt.date(2025, 7, 1))
    make_unit("Xã Cũ A", valid_to=dt.date(2025, 6, 30), successor_id=town)
    make_unit("Xã Cũ B", valid_to=dt.date(2025, 6, 30), successor_id=town)
    with app.app_context():
        version_id = build_form([("poor", "integer", {})], []).latest.id
        db.session.commit()
    login_as("thuongtruc", ["standing_office"])
    data = {"name": "Báo cáo năm 2025", "kind": "annual", "year": "2025", "version_id": str(version_id),
            "opens_on": "01/09/2025", "late_policy": "accept", "on_time_rule": "before", "unit_kinds": ["commune"]}
    # the list carries no form (its list of every unit) until the box is opened
    listing = client.get("/reports/periods").get_data(as_text=True)
    assert 'id="new-period"' in listing and 'name="unit_ids"' not in listing and 'href="?add=1#new-period"' in listing
    box = client.get("/reports/periods?add=1", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert box.lstrip().startswith("<form") and "<html" not in box and f'value="{town}"' in box
    assert 'id="new-period" open' in client.get("/reports/periods?add=1").get_data(as_text=True)
    resp = client.post("/reports/periods", data=data)
    page = resp.get_data(as_text=True)
    assert resp.status_code == 422 and 'id="new-period" open' in page
    assert "2 đơn vị đã kết thúc (sáp nhập vào đơn vị khác)" in page and "Thị trấn Tam Đường mới" in page
    import re
    picker = page[page.index('name="unit_ids"'):]
    assert re.search(rf'<option selected value="{town}">|value="{town}" checked|checked value="{town}"', picker), picker[:600]
    resp = client.post("/reports/periods", data={**data, "unit_ids": [str(town)]})
    assert resp.status_code == 302
    with app.app_context():
        period = db.session.scalar(select(Period).where(Period.name == "Báo cáo năm 2025"))
        assert [a.unit_id for a in period.assignments] == [town]


def test_rules_are_picked_from_lists_and_the_preview_shows_the_form(client, login_as, make_user, world, app):
    from plugins.reports.models import ReportForm

    login_as("thuongtruc", ["standing_office"])
    page = client.get(f"/reports/forms/{world.form_id}").get_data(as_text=True)
    assert "Số hộ thoát nghèo ≤ Số hộ nghèo đầu năm" in page  # labels, not keys
    assert 'name="right_fields" value="poor"' in page and 'name="right"' not in page
    assert 'class="only-choice"' in page
    # a field a rule uses cannot be removed: the button is disabled with the reason beside it
    assert 'aria-describedby="used-poor">Xóa</button> <small class="muted" id="used-poor">dùng trong quy tắc' in page
    assert client.post(f"/reports/forms/{world.form_id}/fields/poor/delete").status_code == 409
    resp = client.post(f"/reports/forms/{world.form_id}/rules",
                       data={"left": "rate", "operator": "<=", "right_fields": ["poor", "escaped"],
                             "right_number": "5", "message": "Tỷ lệ quá lớn"})
    assert resp.status_code == 302
    resp = client.post(f"/reports/forms/{world.form_id}/rules",
                       data={"left": "rate", "operator": ">=", "right_fields": ["rate"], "message": "x"})
    assert resp.status_code == 422 and "Không thể so sánh một trường với chính nó." in resp.get_data(as_text=True)
    with app.app_context():
        rule = db.session.get(ReportForm, world.form_id).latest.rules[-1]
        assert (rule.left, rule.operator, rule.right) == ("rate", "<=", "poor + escaped + 5")
    page = client.get(f"/reports/forms/{world.form_id}").get_data(as_text=True)
    assert "Tỷ lệ hộ nghèo (%) ≤ Số hộ nghèo đầu năm + Số hộ thoát nghèo + 5" in page
    preview = client.get(f"/reports/forms/{world.form_id}/preview").get_data(as_text=True)
    assert "Nothing typed here is saved" not in preview and "Không có gì được lưu" in preview
    assert 'id="f-poor"' in preview and "Hội nghị" in preview and 'hx-post="/reports' not in preview
    unit_side = app.test_client()
    make_user("banbo", ["unit_reporter"], world.unit_a)
    login(unit_side, "banbo")
    assert unit_side.get(f"/reports/forms/{world.form_id}/preview").status_code == 403

