"""Login, logout and changing one's own password, through HTTP."""
from __future__ import annotations

from sqlalchemy import select

from portal.extensions import db
from portal.models import User
from tests.helpers import PASSWORD, login


def test_login_page_is_vietnamese_by_default(client):
    body = client.get("/login").get_data(as_text=True)
    assert '<html lang="vi">' in body and "Đăng nhập" in body and "Tên đăng nhập" in body


def test_login_then_logout(client, make_user):
    make_user("dangnhap", ["leadership"], full_name="Sùng Lử Lãnh")
    resp = client.post("/login", data={"username": "DangNhap", "password": PASSWORD})
    assert resp.status_code == 302 and resp.headers["Location"] == "/"
    assert "Xin chào, Sùng Lử Lãnh" in client.get("/").get_data(as_text=True)
    out = client.post("/logout")
    assert out.status_code == 302 and out.headers["Location"].startswith("/login")
    assert "Bạn đã đăng xuất" in client.get("/login").get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_login_follows_a_local_next(client, make_user):
    make_user("tiep", ["admin"])
    resp = client.post("/login?next=/units/%3Fq%3Dban", data={"username": "tiep", "password": PASSWORD})
    assert resp.headers["Location"] == "/units/?q=ban"


def test_wrong_password_says_so_in_vietnamese(client, make_user):
    make_user("sai", ["admin"])
    resp = client.post("/login", data={"username": "sai", "password": "nope-nope"})
    assert resp.status_code == 401
    assert "Sai tên đăng nhập hoặc mật khẩu, hoặc tài khoản đã bị khóa" in resp.get_data(as_text=True)


def test_unknown_user_and_empty_form(client):
    assert client.post("/login", data={"username": "khong-co", "password": "x"}).status_code == 401
    empty = client.post("/login", data={})
    assert empty.status_code == 422
    assert "Trường này là bắt buộc" in empty.get_data(as_text=True)


def test_change_own_password(app, client, login_as):
    made = login_as("doimk", ["leadership"])
    page = client.get("/account/password")
    assert page.status_code == 200 and "Mật khẩu hiện tại" in page.get_data(as_text=True)
    wrong = client.post("/account/password", data={"current": "bad", "new": "moi-mat-khau-1", "confirm": "moi-mat-khau-1"})
    assert wrong.status_code == 422 and "Mật khẩu hiện tại không đúng" in wrong.get_data(as_text=True)
    differ = client.post("/account/password", data={"current": PASSWORD, "new": "moi-mat-khau-1", "confirm": "khac-han-1"})
    assert differ.status_code == 422 and "không khớp" in differ.get_data(as_text=True)
    short = client.post("/account/password", data={"current": PASSWORD, "new": "ngan", "confirm": "ngan"})
    assert short.status_code == 422 and "từ 8 đến 200 ký tự" in short.get_data(as_text=True)
    ok = client.post("/account/password", data={"current": PASSWORD, "new": "moi-mat-khau-1", "confirm": "moi-mat-khau-1"})
    assert ok.status_code == 302
    with app.app_context():
        user = db.session.get(User, made.id)
        assert user.check_password("moi-mat-khau-1") and not user.check_password(PASSWORD)
        assert "moi-mat-khau-1" not in user.password_hash
    client.post("/logout")
    login(client, "doimk", "moi-mat-khau-1")


def test_password_change_needs_login(client):
    assert client.get("/account/password").status_code == 302


def test_passwords_are_hashed(app, make_user):
    make_user("bam", ["admin"])
    with app.app_context():
        stored = db.session.scalar(select(User.password_hash).where(User.username == "bam"))
    assert PASSWORD not in stored and stored.startswith(("scrypt:", "pbkdf2:"))


def test_language_switch_to_english_and_back(client, login_as):
    made = login_as("ngonngu", ["admin"])
    assert "Danh bạ đơn vị" in client.get("/units/").get_data(as_text=True)
    resp = client.post("/language", data={"lang": "en", "next": "/units/"})
    assert resp.status_code == 302 and resp.headers["Location"] == "/units/"
    english = client.get("/units/").get_data(as_text=True)
    assert '<html lang="en">' in english and "Unit directory" in english and "Danh bạ đơn vị" not in english
    # the choice is saved on the user, so it follows them to the next login
    with client.application.app_context():
        assert db.session.get(User, made.id).locale == "en"
    client.post("/language", data={"lang": "vi", "next": "/units/"})
    assert "Danh bạ đơn vị" in client.get("/units/").get_data(as_text=True)


def test_unknown_language_is_a_400(client):
    resp = client.post("/language", data={"lang": "fr"})
    assert resp.status_code == 400 and "Ngôn ngữ không được hỗ trợ" in resp.get_data(as_text=True)
