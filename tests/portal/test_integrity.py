"""The core's integrity pieces: mail leaves after the commit, forms that take effect once, row locks."""
from __future__ import annotations

import re

from flask import Blueprint
from sqlalchemy import func, select

from portal.extensions import db


def test_mail_goes_out_after_the_commit_and_never_after_a_rollback(app, make_user, monkeypatch):
    from portal import notifications
    from portal.models import MailOutbox, User

    sent: list[list[int]] = []
    monkeypatch.setattr(notifications, "send_due", lambda ids=None, limit=200: sent.append(list(ids or [])))
    app.config["PORTAL_SMTP_HOST"] = "127.0.0.1"
    made = make_user("canbo", ["unit_reporter"])
    with app.test_request_context():
        user = db.session.get(User, made.id)
        user.email = "canbo@example.org"
        db.session.commit()
        notifications.notify_users([user], "Báo cáo bị trả lại", email_subject="Trả lại")
        db.session.flush()
        notifications.wait_for_senders()
        assert sent == []  # still inside the transaction: nothing leaves while its locks are held
        db.session.commit()
        notifications.wait_for_senders()
        queued = list(db.session.execute(select(MailOutbox.id, MailOutbox.subject, MailOutbox.to_addr)))
        assert [(s, to) for _i, s, to in queued] == [("Trả lại", "canbo@example.org")] and sent == [[queued[0][0]]]
        notifications.notify_users([user], "Lần hai", email_subject="Lần hai")
        db.session.flush()
        db.session.rollback()
        db.session.commit()
        notifications.wait_for_senders()
        assert sent == [[queued[0][0]]] and db.session.scalar(select(func.count(MailOutbox.id))) == 1


def test_a_repeated_form_answers_with_the_first_result_and_changes_nothing(app, client, login_as):
    from portal.integrity import idempotent, once_input
    from portal.models import IdempotencyKey, Notification
    from portal.rendering import redirect_or_hx
    from portal.security import require_login

    bp = Blueprint("oncetest", __name__)

    @bp.route("/once", methods=["GET", "POST"])
    @require_login
    @idempotent
    def once():  # type: ignore[no-untyped-def]
        from flask import request
        from flask_login import current_user

        if request.method == "GET":
            return f'<form method="post">{once_input()}</form>'
        row = Notification(user_id=current_user.id, message="x")
        db.session.add(row)
        db.session.commit()
        return redirect_or_hx(f"/done/{row.id}")

    app.register_blueprint(bp)
    login_as("thuquy", ["fund_board"])
    key = re.search(r'name="_once" value="([^"]+)"', client.get("/once").get_data(as_text=True)).group(1)
    first = client.post("/once", data={"_once": key})
    again = client.post("/once", data={"_once": key})
    assert first.status_code == again.status_code == 302
    assert first.headers["Location"] == again.headers["Location"]
    with app.app_context():
        assert db.session.scalar(select(func.count(Notification.id))) == 1
        assert db.session.scalar(select(func.count()).select_from(IdempotencyKey)) == 1
    # a fresh form (new key) is a new action
    other = re.search(r'value="([^"]+)"', client.get("/once").get_data(as_text=True)).group(1)
    assert client.post("/once", data={"_once": other}).headers["Location"] != first.headers["Location"]
    # htmx gets the replay as an HX-Redirect
    replay = client.post("/once", data={"_once": key}, headers={"HX-Request": "true"})
    assert replay.headers["HX-Redirect"] == first.headers["Location"]
