"""Administration of users and role grants, through HTTP: good input, bad input, nothing half-stored."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from portal.extensions import db
from portal.models import Role, RoleGrant, User
from tests.helpers import PASSWORD, login


@pytest.fixture
def admin(login_as):
    return login_as("quantri", ["admin"])


def _role_id(app, code):
    with app.app_context():
        return db.session.scalar(select(Role.id).where(Role.code == code))


def _user(app, username):
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == username))
        if user is not None:
            user.role_codes = sorted(r.code for r in user.roles)
        return user


def _count_users(app):
    with app.app_context():
        return db.session.scalar(select(func.count(User.id)))


def test_user_list_and_search_ignoring_diacritics(client, admin, make_user):
    an = make_user("nguyen", ["inspector"], full_name="Nguyễn Văn An")
    make_user("lo", ["inspector"], full_name="Lò Thị Bình")
    page = client.get("/admin/users/")
    assert page.status_code == 200 and "Người dùng" in page.get_data(as_text=True)
    assert f'<a href="/admin/users/{an.id}">Nguyễn Văn An</a>' in page.get_data(as_text=True)
    found = client.get("/admin/users/?q=nguyen van", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "Nguyễn Văn An" in found and "Lò Thị Bình" not in found and "<html" not in found


def test_admin_creates_a_user_with_roles_and_unit(app, client, admin, make_unit):
    unit = make_unit("Xã Bản Bo", code="xa-ban-bo")
    assert "Thêm người dùng" in client.get("/admin/users/new").get_data(as_text=True)
    resp = client.post("/admin/users/new", data={
        "username": "BanBo2", "full_name": "Lù Văn Bản", "email": "banbo@example.vn", "phone": "0213 3875 123",
        "unit_id": unit, "roles": [_role_id(app, "unit_reporter"), _role_id(app, "inspector")],
        "active": "y", "password": "mat-khau-ban-dau",
    })
    assert resp.status_code == 302
    user = _user(app, "banbo2")
    assert user.full_name == "Lù Văn Bản" and user.unit_id == unit and user.active
    assert user.role_codes == ["inspector", "unit_reporter"]
    client.post("/logout")
    login(client, "banbo2", "mat-khau-ban-dau")


def test_admin_edits_deactivates_and_reassigns(app, client, admin, make_user, make_unit):
    unit = make_unit("Xã Bình Lư", code="xa-binh-lu")
    made = make_user("binhlu", ["unit_reporter"], full_name="Nguyễn Thị Bình")
    form = client.get(f"/admin/users/{made.id}").get_data(as_text=True)
    assert "Nguyễn Thị Bình" in form and "Đặt lại mật khẩu" in form
    resp = client.post(f"/admin/users/{made.id}", data={
        "username": "binhlu", "full_name": "Nguyễn Thị Bình Lư", "unit_id": unit,
        "roles": [_role_id(app, "leadership")],
    })  # "active" left out: the checkbox is unticked
    assert resp.status_code == 302
    user = _user(app, "binhlu")
    assert user.full_name == "Nguyễn Thị Bình Lư" and user.unit_id == unit and not user.active
    assert user.role_codes == ["leadership"]
    client.post("/logout")
    denied = client.post("/login", data={"username": "binhlu", "password": PASSWORD})
    assert denied.status_code == 401  # same answer as a wrong password


def test_admin_resets_a_password(app, client, admin, make_user):
    made = make_user("quenmk", ["leadership"])
    short = client.post(f"/admin/users/{made.id}/password", data={"password": "ngan"})
    assert short.status_code == 303
    assert "từ 8 đến 200 ký tự" in client.get(short.headers["Location"]).get_data(as_text=True)
    assert _user(app, "quenmk").check_password(PASSWORD)
    ok = client.post(f"/admin/users/{made.id}/password", data={"password": "mat-khau-moi-9"})
    assert ok.status_code == 302
    assert _user(app, "quenmk").check_password("mat-khau-moi-9")


def test_admin_cannot_lock_themselves_out(app, client, admin):
    resp = client.post(f"/admin/users/{admin.id}", data={
        "username": "quantri", "full_name": "Quản trị", "unit_id": 0, "roles": [_role_id(app, "admin")],
    })
    assert resp.status_code == 422 and "tự khóa tài khoản" in resp.get_data(as_text=True)
    resp = client.post(f"/admin/users/{admin.id}", data={
        "username": "quantri", "full_name": "Quản trị", "unit_id": 0, "roles": [], "active": "y",
    })
    assert resp.status_code == 422 and "vai trò quản trị" in resp.get_data(as_text=True)
    assert _user(app, "quantri").role_codes == ["admin"]


GOOD = {"username": "moi", "full_name": "Người Mới", "unit_id": 0, "active": "y", "password": "mat-khau-du-dai"}


@pytest.mark.parametrize(
    "field,value,message",
    [
        ("username", "", "Trường này là bắt buộc"),
        ("full_name", "", "Trường này là bắt buộc"),
        ("username", "a" * 61, "từ 3 đến 60 ký tự"),
        ("full_name", "N" * 121, "Không được dài quá 120 ký tự"),
        ("full_name", "<script>alert(1)</script>", "Không được dùng mã HTML"),
        ("username", "<b>x</b>", "Chỉ dùng chữ a-z"),
        ("email", "khong-phai-email", "thư điện tử hợp lệ"),
        ("email", "<script>@x.vn", "thư điện tử hợp lệ"),
        ("phone", "goi-ngay", "số điện thoại hợp lệ"),
        ("password", "", "đặt mật khẩu ban đầu"),
        ("password", "ngan", "từ 8 đến 200 ký tự"),
        ("unit_id", "999999", "Lựa chọn không hợp lệ"),
        ("unit_id", "abc", "Lựa chọn không hợp lệ"),
        ("roles", "999999", "không phải lựa chọn hợp lệ"),
    ],
)
def test_bad_user_input_is_refused_at_the_field(app, client, admin, field, value, message):
    before = _count_users(app)
    resp = client.post("/admin/users/new", data={**GOOD, field: value})
    assert resp.status_code == 422
    body = resp.get_data(as_text=True)
    assert message in body, body[body.find('class="error"') - 300:][:800]
    assert 'class="error"' in body and "<script>alert" not in body
    assert _count_users(app) == before


def test_duplicate_username_is_refused(app, client, admin, make_user):
    make_user("trung", ["leadership"])
    before = _count_users(app)
    resp = client.post("/admin/users/new", data={**GOOD, "username": "Trung"})
    assert resp.status_code == 422 and "Tên đăng nhập này đã có người dùng" in resp.get_data(as_text=True)
    assert _count_users(app) == before


def test_role_grants_can_be_added_and_removed(app, client, admin):
    role_id = _role_id(app, "leadership")
    page = client.get(f"/admin/roles/{role_id}")
    assert page.status_code == 200 and "directory.view" in page.get_data(as_text=True)
    resp = client.post(f"/admin/roles/{role_id}", data={"permission": "portal.audit", "scope": "unit"})
    assert resp.status_code == 302
    with app.app_context():
        grant = db.session.scalar(select(RoleGrant).where(RoleGrant.role_id == role_id, RoleGrant.permission == "portal.audit"))
        assert grant.scope == "unit"
        grant_id = grant.id
    bad = client.post(f"/admin/roles/{role_id}", data={"permission": "khong.co", "scope": "all"})
    assert bad.status_code == 422
    assert client.post(f"/admin/roles/{role_id}/grants/{grant_id}/delete").status_code == 302
    with app.app_context():
        assert db.session.get(RoleGrant, grant_id) is None
    assert "Vai trò và phân quyền" in client.get("/admin/roles/").get_data(as_text=True)


def test_refused_grant_from_htmx_shows_the_form_again(client, admin, app, hx):
    """The grants fragment is rendered alone for htmx: it must import its own macros (it answered 500)."""
    role_id = _role_id(app, "leadership")
    assert client.get(f"/admin/roles/{role_id}", headers=hx).status_code == 200
    bad = client.post(f"/admin/roles/{role_id}", data={"permission": "khong.co", "scope": "all"}, headers=hx)
    assert bad.status_code == 422
    assert '<section id="grants"' in bad.get_data(as_text=True)


def test_admin_role_keeps_the_admin_permission(app, client, admin):
    role_id = _role_id(app, "admin")
    with app.app_context():
        grant_id = db.session.scalar(select(RoleGrant.id).where(RoleGrant.role_id == role_id, RoleGrant.permission == "portal.admin"))
    resp = client.post(f"/admin/roles/{role_id}/grants/{grant_id}/delete")
    assert resp.status_code == 303
    with app.app_context():
        assert db.session.get(RoleGrant, grant_id) is not None


def test_a_granted_permission_takes_effect(app, client, make_user, make_unit):
    unit = make_unit("Xã Nà Tăm", code="xa-na-tam")
    make_user("natam", ["unit_reporter"], unit_id=unit)
    login(client, "natam")
    assert client.get("/admin/audit/").status_code == 403
    with app.app_context():
        role = db.session.scalar(select(Role).where(Role.code == "unit_reporter"))
        role.grants.append(RoleGrant(permission="portal.audit", scope="all"))
        db.session.commit()
    assert client.get("/admin/audit/").status_code == 200


def test_the_roles_page_marks_a_grant_limited_to_the_unit(app, client, admin):
    role_id = _role_id(app, "leadership")
    assert client.post(f"/admin/roles/{role_id}", data={"permission": "portal.audit", "scope": "unit"}).status_code == 302
    assert "(đơn vị mình)</span>" in client.get("/admin/roles/").get_data(as_text=True)
