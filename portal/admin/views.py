"""Administration: users, roles and grants, the audit log."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from sqlalchemy import false as sa_false, func, or_, select
from sqlalchemy.orm import joinedload, selectinload

from portal import sessions
from portal.roles import mark_edited
from portal.audit import record_event
from portal.admin import history
from portal.admin.forms import AuditFilterForm, GrantForm, ResetPasswordForm, UserForm
from portal.extensions import db
from portal.forms import INVALID_FORM, form_status
from portal.i18n import fold, gettext as _, vi_sort_key
from portal.models import AuditEntry, Role, RoleGrant, Unit, User
from portal.paging import page_size, paginate
from portal.rendering import render
from portal.security import require_permission

bp = Blueprint("admin", __name__)

#: Entries per page of the audit log: each lists every changed field, so 50 made a 58 KB page.
AUDIT_PAGE = 25


def _unit_choices() -> list[tuple[int, str]]:
    units = sorted(db.session.scalars(select(Unit)), key=lambda u: vi_sort_key(u.name))
    return [(0, "—")] + [(u.id, u.name) for u in units]


def _fill_choices(form: UserForm) -> list[Role]:
    roles = list(db.session.scalars(select(Role).order_by(Role.id)))
    form.unit_id.choices = _unit_choices()
    form.roles.choices = [(r.id, r.name) for r in roles]
    return roles


@bp.route("/users/")
@require_permission("portal.admin")
def users() -> ResponseReturnValue:
    q = (request.args.get("q") or "").strip()[:100]
    stmt = select(User).options(selectinload(User.roles), joinedload(User.unit))
    if q:
        like = f"%{q.lower()}%"
        # diacritic-insensitive match on the full name too, folded here (SQLite has no unaccent): ids only
        folded = fold(q)
        ids = [uid for uid, name in db.session.execute(select(User.id, User.full_name)) if folded in fold(name)]
        stmt = stmt.where(or_(func.lower(User.username).like(like), func.lower(User.full_name).like(like), User.id.in_(ids)))
    page = paginate(stmt, (User.username, User.id), count=True)
    return render("admin/users.html", fragment="user_list", users=page.items, page=page, q=q)


def _save_user(form: UserForm, user: User, roles: list[Role]) -> bool:
    clash = db.session.scalar(select(User).where(User.username == form.username.data, User.id != (user.id or 0)))
    if clash:
        form.username.errors.append(_("This username is taken."))
        return False
    user.username = form.username.data
    user.full_name = form.full_name.data
    user.email = form.email.data or None
    user.phone = form.phone.data or None
    chosen = set(form.roles.data or [])
    if user.id is not None and user.id == current_user.id:
        # an administrator must not lock themselves out
        if not form.active.data:
            form.active.errors.append(_("You cannot deactivate your own account."))
            return False
        if current_user.has_role("admin") and not any(r.code == "admin" and r.id in chosen for r in roles):
            form.roles.errors.append(_("You cannot remove your own administrator role."))
            return False
    user.unit_id = form.unit_id.data or None
    deactivated = user.id is not None and user.active and not form.active.data
    user.active = form.active.data
    user.roles = [r for r in roles if r.id in chosen]
    if deactivated:
        sessions.end_all(user.id)
    if form.password.data:
        user.set_password(form.password.data)
        if user.id is not None:
            record_event("password", user, {"sessions_ended": [None, sessions.end_all(user.id, keep=_me(user))]})
    return True


def _me(user: User) -> User | None:
    """The administrator's own session survives a password they set for themselves."""
    return current_user._get_current_object() if user.id == current_user.id else None


@bp.route("/users/new", methods=["GET", "POST"])
@require_permission("portal.admin")
def user_new() -> ResponseReturnValue:
    form = UserForm()
    roles = _fill_choices(form)
    status = 200
    if form.validate_on_submit():
        if not form.password.data:
            form.password.errors.append(_("Set an initial password."))
        else:
            user = User()
            if _save_user(form, user, roles):
                db.session.add(user)
                db.session.commit()
                flash(_("User %(name)s created.", name=user.username), "success")
                return redirect(url_for("admin.users"))
        status = INVALID_FORM
    elif request.method == "POST":
        status = INVALID_FORM
    return render("admin/user_edit.html", form=form, user=None, status=status)


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@require_permission("portal.admin")
def user_edit(user_id: int) -> ResponseReturnValue:
    user = db.get_or_404(User, user_id)
    form = UserForm(obj=user)
    roles = _fill_choices(form)
    if request.method == "GET":
        form.unit_id.data = user.unit_id or 0
        form.roles.data = [r.id for r in user.roles]
    status = 200
    if form.validate_on_submit():
        if _save_user(form, user, roles):
            db.session.commit()
            flash(_("User %(name)s saved.", name=user.username), "success")
            return redirect(url_for("admin.users"))
        status = INVALID_FORM
    elif request.method == "POST":
        status = INVALID_FORM
    return render("admin/user_edit.html", form=form, user=user, reset_form=ResetPasswordForm(), status=status)


@bp.route("/users/<int:user_id>/password", methods=["POST"])
@require_permission("portal.admin")
def user_password(user_id: int) -> ResponseReturnValue:
    user = db.get_or_404(User, user_id)
    form = ResetPasswordForm()
    if not form.validate_on_submit():
        for err in form.password.errors:
            flash(str(err), "error")
        return redirect(url_for("admin.user_edit", user_id=user.id)), 303
    user.set_password(form.password.data)
    # a reset is for a lost or leaked password: every session of that user ends
    record_event("password", user, {"sessions_ended": [None, sessions.end_all(user.id, keep=_me(user))]})
    db.session.commit()
    flash(_("The password of %(name)s has been reset.", name=user.username), "success")
    return redirect(url_for("admin.user_edit", user_id=user.id))


@bp.route("/roles/")
@require_permission("portal.admin")
def roles() -> ResponseReturnValue:
    all_roles = list(db.session.scalars(select(Role).order_by(Role.id)))
    scopes = {r.id: {g.permission: g.scope for g in r.grants} for r in all_roles}
    groups = {r.id: history.permission_groups(list(scopes[r.id])) for r in all_roles}
    return render("admin/roles.html", roles=all_roles, groups=groups, scopes=scopes)


@bp.route("/roles/<int:role_id>", methods=["GET", "POST"])
@require_permission("portal.admin")
def role_edit(role_id: int) -> ResponseReturnValue:
    role = db.get_or_404(Role, role_id)
    form = GrantForm()
    form.permission.choices = dict(history.permission_groups())  # one option group per plugin
    status = 200
    if form.validate_on_submit():
        grant = next((g for g in role.grants if g.permission == form.permission.data), None)
        if grant:
            grant.scope = form.scope.data
        else:
            role.grants.append(RoleGrant(permission=form.permission.data, scope=form.scope.data))
        mark_edited(form.permission.data)
        db.session.commit()
        flash(_("Permission granted."), "success")
        return redirect(url_for("admin.role_edit", role_id=role.id))
    elif request.method == "POST":
        status = INVALID_FORM
    grants = {g.permission: g for g in role.grants}
    return render("admin/role_edit.html", fragment="grants", role=role, form=form, status=status, grants=grants,
                  groups=history.permission_groups(list(grants)))


@bp.route("/roles/<int:role_id>/grants/<int:grant_id>/delete", methods=["POST"])
@require_permission("portal.admin")
def grant_delete(role_id: int, grant_id: int) -> ResponseReturnValue:
    grant = db.get_or_404(RoleGrant, grant_id)
    if grant.role_id != role_id:
        abort(404)
    if grant.role.code == "admin" and grant.permission == "portal.admin":
        flash(_("The administrator role cannot lose the administration permission."), "error")
        return redirect(url_for("admin.role_edit", role_id=role_id)), 303
    mark_edited(grant.permission)
    db.session.delete(grant)
    db.session.commit()
    flash(_("Permission removed."), "success")
    return redirect(url_for("admin.role_edit", role_id=role_id))


@bp.route("/audit/")
@require_permission("portal.audit")
def audit() -> ResponseReturnValue:
    form = AuditFilterForm(request.args)
    types = list(db.session.scalars(select(AuditEntry.object_type).distinct()))
    form.type.choices = [("", _("All"))] + history.record_choices(types)
    stmt = select(AuditEntry)
    if form.validate():
        if form.type.data:
            stmt = stmt.where(AuditEntry.object_type == form.type.data)
        if form.actor.data:
            stmt = stmt.where(AuditEntry.actor == form.actor.data)
        low, high = history.day_bounds(form.date_from.data, form.date_to.data)
        if low:
            stmt = stmt.where(AuditEntry.at >= low)
        if high:
            stmt = stmt.where(AuditEntry.at < high)
    else:
        stmt = stmt.where(sa_false())  # a filter that cannot be read shows nothing rather than everything
    page = paginate(stmt, (AuditEntry.id.desc(),), size=page_size(min(AUDIT_PAGE, current_app.config["PORTAL_PAGE_SIZE"])))
    return render("admin/audit.html", fragment="audit_list", entries=page.items, page=page, form=form,
                  status=form_status(form))


@bp.app_template_global("audit_in_words")
def _audit_in_words(entries: list[AuditEntry]) -> list[history.EntryWords]:
    return history.in_words(entries)
