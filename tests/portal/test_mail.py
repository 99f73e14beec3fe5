"""E-mail through the outbox: STARTTLS/TLS with login on a local aiosmtpd server, sent after the commit, a failing
server leaves the page fast and the row queued, retries and giving up, two senders, the user's choices."""
from __future__ import annotations

import datetime as dt
import email
import email.policy
import re
import socket
import ssl
import subprocess
import threading
import time
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from flask import Blueprint, request, url_for
from sqlalchemy import create_engine, func, select

from portal.extensions import db
from portal.models import MailOutbox, Notification, NoticePreference, User
from portal.notifications import send_due, wait_for_senders
from portal.plugin import NoticeKind, Plugin
from portal.toolkit import Refused, notify_users, require_login

SMTP_PASSWORD = "mat-khau-smtp-tu-moi-truong"

bp = Blueprint("mailtest", __name__)


@bp.route("/announce", methods=["POST"])
@require_login
def announce():  # type: ignore[no-untyped-def]
    users = list(db.session.scalars(select(User).order_by(User.id)))
    notify_users(users, "Có báo cáo mới của Xã Bản Bo", url_for("dashboard.notifications"), "Báo cáo mới",
                 kind=request.form.get("kind", "mailtest.news"))
    if request.form.get("refuse"):
        raise Refused(409, "Không thể gửi lúc này.")
    db.session.commit()
    return "đã gửi"


PLUGIN = Plugin(name="mailtest", title="Thử thư", blueprint=bp, notice_kinds=(
    NoticeKind("mailtest.news", "Tin mới", default_email=True),
    NoticeKind("mailtest.digest", "Tóm tắt tuần", default_email=False),
))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def cert(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, str]:
    folder = tmp_path_factory.mktemp("tls")
    crt, key = str(folder / "server.crt"), str(folder / "server.key")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", crt,
                    "-days", "2", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"],
                   check=True, capture_output=True)
    return crt, key


class Inbox:
    """aiosmtpd handler: keeps what arrives and, at that moment, what another connection sees committed."""

    def __init__(self, database_url: str, delay: float = 0.0) -> None:
        self.messages: list[Any] = []
        self.committed_notes: list[int] = []
        self.engine = create_engine(database_url)
        self.delay = delay

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self.engine.connect() as conn:
            self.committed_notes.append(conn.scalar(select(func.count()).select_from(Notification.__table__)))
        if self.delay:
            time.sleep(self.delay)  # a slow server: lets two senders overlap
        self.messages.append(envelope)
        return "250 OK"


def _auth(server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any) -> AuthResult:
    ok = isinstance(auth_data, LoginPassword) and auth_data.login == b"portal" and auth_data.password == SMTP_PASSWORD.encode()
    return AuthResult(success=ok, handled=False)  # handled=False: aiosmtpd answers 535 itself


def _server_context(cert: tuple[str, str]) -> ssl.SSLContext:
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(*cert)
    return ctx


@pytest.fixture
def smtp_port() -> int:
    return _free_port()


@pytest.fixture
def plugin_objects() -> list[Any]:
    return [PLUGIN]


@pytest.fixture
def app_config(smtp_port: int, cert: tuple[str, str], monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    # the password comes from the environment, as in production (FLASK_ prefixed variables)
    monkeypatch.setenv("FLASK_PORTAL_SMTP_PASSWORD", SMTP_PASSWORD)
    return {"PORTAL_SMTP_HOST": "127.0.0.1", "PORTAL_SMTP_PORT": smtp_port, "PORTAL_SMTP_SECURITY": "starttls",
            "PORTAL_SMTP_USER": "portal", "PORTAL_SMTP_CAFILE": cert[0], "PORTAL_SMTP_TIMEOUT": 2,
            "PORTAL_BASE_URL": "https://congthong.tamduong.vn", "PORTAL_MAIL_FROM": "congthong@tamduong.vn"}


@pytest.fixture
def starttls_server(database_url: str, smtp_port: int, cert: tuple[str, str]) -> Any:
    inbox = Inbox(database_url)
    ctrl = Controller(inbox, hostname="127.0.0.1", port=smtp_port, tls_context=_server_context(cert),
                      require_starttls=True, authenticator=_auth, auth_required=True, auth_require_tls=True)
    ctrl.start()
    yield inbox
    ctrl.stop()
    inbox.engine.dispose()


def _with_email(app: Any, user_id: int, email: str) -> None:
    with app.app_context():
        db.session.get(User, user_id).email = email
        db.session.commit()


def _rows(app: Any) -> list[MailOutbox]:
    with app.app_context():
        rows = list(db.session.scalars(select(MailOutbox).order_by(MailOutbox.id)))
        db.session.expunge_all()
        return rows


def test_starttls_login_sends_after_the_commit_with_absolute_links(app, client, login_as, make_user, starttls_server):
    me = login_as("vanphong", ["standing_office"])
    _with_email(app, me.id, "vanphong@tamduong.vn")
    make_user("khongthu", ["unit_reporter"])  # no address: in-app only
    assert client.post("/mailtest/announce").status_code == 200
    wait_for_senders()
    assert len(starttls_server.messages) == 1
    envelope = starttls_server.messages[0]
    assert envelope.rcpt_tos == ["vanphong@tamduong.vn"] and envelope.mail_from == "congthong@tamduong.vn"
    mail = email.message_from_bytes(envelope.content, policy=email.policy.default)
    body = mail.get_content()
    assert mail["Subject"] == "Báo cáo mới" and body.startswith("Có báo cáo mới của Xã Bản Bo")
    assert "https://congthong.tamduong.vn/notifications/" in body
    assert "https://congthong.tamduong.vn/notifications/settings" in body
    assert starttls_server.committed_notes == [2]  # both notifications were committed before the mail went out
    [row] = _rows(app)
    assert row.sent_at is not None and row.attempts == 1 and row.claim is None and row.kind == "mailtest.news"


# aiosmtpd does not count implicit TLS as TLS for AUTH and warns; the connection is TLS all the same
@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
def test_implicit_tls(app, client, login_as, database_url, smtp_port, cert):
    app.config["PORTAL_SMTP_SECURITY"] = "tls"
    inbox = Inbox(database_url)
    ctrl = Controller(inbox, hostname="127.0.0.1", port=smtp_port, ssl_context=_server_context(cert),
                      authenticator=_auth, auth_required=True, auth_require_tls=False)
    ctrl.start()
    try:
        me = login_as("vanphong", ["standing_office"])
        _with_email(app, me.id, "vanphong@tamduong.vn")
        client.post("/mailtest/announce")
        wait_for_senders()
    finally:
        ctrl.stop()
        inbox.engine.dispose()
    assert [m.rcpt_tos for m in inbox.messages] == [["vanphong@tamduong.vn"]]


def test_wrong_smtp_password_keeps_the_row_with_the_error(app, client, login_as, starttls_server):
    app.config["PORTAL_SMTP_PASSWORD"] = "sai"
    me = login_as("vanphong", ["standing_office"])
    _with_email(app, me.id, "vanphong@tamduong.vn")
    client.post("/mailtest/announce")
    wait_for_senders()
    [row] = _rows(app)
    assert starttls_server.messages == [] and row.sent_at is None and "Authentication" in row.last_error


def test_a_refused_action_queues_and_sends_nothing(app, client, login_as, starttls_server):
    me = login_as("vanphong", ["standing_office"])
    _with_email(app, me.id, "vanphong@tamduong.vn")
    resp = client.post("/mailtest/announce", data={"refuse": "1"})
    assert resp.status_code == 409 and "Không thể gửi lúc này." in resp.get_data(as_text=True)
    wait_for_senders()
    assert _rows(app) == [] and starttls_server.messages == []


@pytest.fixture
def silent_server(smtp_port: int) -> Any:
    """Accepts connections and never says a word: a mail server that hangs."""
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", smtp_port))
    sock.listen(8)
    yield sock
    sock.close()


def test_a_hanging_smtp_server_leaves_the_page_fast_and_the_row_queued(app, client, login_as, silent_server,
                                                                      runner, frozen_at, database_url, cert, smtp_port):
    me = login_as("vanphong", ["standing_office"])
    _with_email(app, me.id, "vanphong@tamduong.vn")
    started = time.monotonic()
    resp = client.post("/mailtest/announce")
    took = time.monotonic() - started
    assert resp.status_code == 200 and took < 1.5  # the server's 2 s timeout is waited out in the background
    wait_for_senders()
    [row] = _rows(app)
    assert row.sent_at is None and row.failed_at is None and row.attempts == 1 and row.claim is None
    assert "timed out" in row.last_error and row.next_try_at > row.created_at
    # not due yet: the cron run leaves it alone
    assert "sent: 0, to retry: 0, given up: 0," in runner.invoke(args=["portal", "mail", "send"]).output
    # the server is back, five minutes later the cron command sends it
    silent_server.close()
    inbox = Inbox(database_url)
    ctrl = Controller(inbox, hostname="127.0.0.1", port=smtp_port, tls_context=_server_context(cert),
                      require_starttls=True, authenticator=_auth, auth_required=True)
    ctrl.start()
    try:
        frozen_at(row.next_try_at + dt.timedelta(seconds=1))
        result = runner.invoke(args=["portal", "mail", "send"])
    finally:
        ctrl.stop()
        inbox.engine.dispose()
    assert "sent: 1, to retry: 0, given up: 0," in result.output
    [row] = _rows(app)
    assert row.sent_at is not None and row.attempts == 2 and len(inbox.messages) == 1


def test_retries_back_off_and_then_give_up(app, client, login_as, frozen_at, runner):
    app.config.update(PORTAL_SMTP_PORT=_free_port(), PORTAL_MAIL_MAX_ATTEMPTS=3)  # nothing listens: refused
    now = dt.datetime(2026, 3, 2, 1, 0)
    frozen_at(now)
    me = login_as("vanphong", ["standing_office"])
    _with_email(app, me.id, "vanphong@tamduong.vn")
    client.post("/mailtest/announce")
    wait_for_senders()
    waits = []
    for _try in range(2):
        [row] = _rows(app)
        waits.append(row.next_try_at - now)
        now = row.next_try_at
        frozen_at(now)
        with app.app_context():
            send_due()
    [row] = _rows(app)
    assert waits == [dt.timedelta(minutes=5), dt.timedelta(minutes=10)]
    assert row.attempts == 3 and row.failed_at == now and row.sent_at is None and "Connection" in row.last_error
    frozen_at(now + dt.timedelta(days=2))
    with app.app_context():  # given up: never tried again
        assert send_due().retry == 0
    assert _rows(app)[0].attempts == 3
    frozen_at(now + dt.timedelta(days=31))  # kept a month with its error, then the cron run removes it
    assert "old rows removed: 1" in runner.invoke(args=["portal", "mail", "send"]).output and _rows(app) == []


def test_two_senders_never_send_one_mail_twice(app, client, login_as, make_user, database_url, smtp_port, cert):
    app.config["PORTAL_MAIL_SEND_AFTER_COMMIT"] = False  # all left to the senders below
    login_as("vanphong", ["standing_office"])
    for i in range(12):
        made = make_user(f"xa{i}", ["unit_reporter"])
        _with_email(app, made.id, f"xa{i}@tamduong.vn")
    assert client.post("/mailtest/announce").status_code == 200
    assert len(_rows(app)) == 12
    inbox = Inbox(database_url, delay=0.02)
    ctrl = Controller(inbox, hostname="127.0.0.1", port=smtp_port, tls_context=_server_context(cert),
                      require_starttls=True, authenticator=_auth, auth_required=True)
    ctrl.start()
    results = []

    def sender() -> None:
        with app.app_context():
            results.append(send_due())
            db.session.remove()

    try:
        threads = [threading.Thread(target=sender) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
    finally:
        ctrl.stop()
        inbox.engine.dispose()
    sent_to = sorted(r for m in inbox.messages for r in m.rcpt_tos)
    assert sent_to == sorted(f"xa{i}@tamduong.vn" for i in range(12))  # each once
    assert sum(r.sent for r in results) == 12
    assert all(r.sent_at is not None for r in _rows(app))


def test_the_user_chooses_which_notices_come_by_email(app, client, login_as, make_user, hx):
    me = login_as("vanphong", ["standing_office"])
    page = client.get("/notifications/settings")
    body = page.get_data(as_text=True)
    assert page.status_code == 200 and "Tin mới" in body and "Tóm tắt tuần" in body and 'id="no-email"' in body
    checked = set(re.findall(r'<input checked id="kinds-\d+" name="kinds" type="checkbox" value="([\w.]+)"', body))
    assert checked == {"mailtest.news", "general"}
    with app.app_context():
        from portal.notifications import email_choices

        assert email_choices(me.id) == {"mailtest.news": True, "mailtest.digest": False, "general": True}
    bad = client.post("/notifications/settings", data={"email": "không-phải-thư", "kinds": ["general"]})
    assert bad.status_code == 422 and "Nhập địa chỉ thư điện tử hợp lệ." in bad.get_data(as_text=True)
    saved = client.post("/notifications/settings", data={"email": "vanphong@tamduong.vn", "kinds": ["mailtest.digest"]})
    assert saved.status_code == 302
    with app.app_context():
        assert db.session.get(User, me.id).email == "vanphong@tamduong.vn"
        prefs = dict(db.session.execute(select(NoticePreference.kind, NoticePreference.email)
                                        .where(NoticePreference.user_id == me.id)).all())
    assert prefs == {"mailtest.news": False, "mailtest.digest": True, "general": False}
    other = make_user("xa1", ["unit_reporter"])
    _with_email(app, other.id, "xa1@tamduong.vn")  # never saved: the kinds' defaults
    app.config["PORTAL_MAIL_SEND_AFTER_COMMIT"] = False
    client.post("/mailtest/announce", data={"kind": "mailtest.news"})
    client.post("/mailtest/announce", data={"kind": "mailtest.digest"})
    assert sorted((r.to_addr, r.kind) for r in _rows(app)) == [
        ("vanphong@tamduong.vn", "mailtest.digest"), ("xa1@tamduong.vn", "mailtest.news")]


def test_a_kind_must_carry_the_plugins_prefix():
    from portal.loader import validate
    from portal.plugin import PluginError

    bad = Plugin(name="mailtest", title="x", blueprint=Blueprint("mailtest", __name__),
                 notice_kinds=(NoticeKind("news", "Tin"),))
    with pytest.raises(PluginError, match="notice kind 'news' must start with 'mailtest.'"):
        validate(bad, "mailtest", __name__, [])


def test_without_a_mail_server_nothing_is_queued_and_the_command_says_why(app, client, login_as, runner):
    app.config["PORTAL_SMTP_HOST"] = None
    me = login_as("vanphong", ["standing_office"])
    _with_email(app, me.id, "vanphong@tamduong.vn")
    assert client.post("/mailtest/announce").status_code == 200
    with app.app_context():
        assert db.session.scalar(select(func.count(Notification.id))) == 1  # in-app notices still work
    assert _rows(app) == []
    result = runner.invoke(args=["portal", "mail", "send"])
    assert result.exit_code == 1 and "PORTAL_SMTP_HOST is not set" in result.output
