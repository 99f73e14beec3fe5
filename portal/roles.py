"""Roles as data: the seeded roles and the one-time default grants of each permission code."""
from __future__ import annotations

from flask import Flask
from sqlalchemy import select

from portal.extensions import db
from portal.models import KnownPermission, Role, RoleGrant

# Role code -> Vietnamese name (role names are data, like unit names).
ROLE_NAMES = {
    "admin": "Quản trị hệ thống",
    "standing_office": "Cơ quan thường trực (Phòng LĐ-TB&XH)",
    "council_secretariat": "Thường trực Hội đồng TĐKT (Phòng Nội vụ)",
    "council_member": "Thành viên Hội đồng Thi đua – Khen thưởng",
    "fund_board": "Ban vận động Quỹ \"Vì người nghèo\" (MTTQ)",
    "unit_reporter": "Cán bộ đơn vị",
    "inspector": "Thành viên đoàn kiểm tra",
    "leadership": "Lãnh đạo UBND huyện (chỉ xem)",
}


def sync_roles(app: Flask) -> tuple[int, int]:
    """Create missing roles, write the default grants of new permission codes, bring unedited ones up to date.

    A permission an administrator never edited follows its defaults: when a release changes them (a tightened
    grant), the grants are rewritten to the new defaults, so the fix reaches sites already running. Once an
    administrator changes a grant of a permission on the roles page, that permission is the site's own and is
    never touched again. Return (roles created, grants written or changed).
    """
    roles = {r.code: r for r in db.session.scalars(select(Role))}
    created = 0
    for code, name in ROLE_NAMES.items():
        if code not in roles:
            roles[code] = Role(code=code, name=name)
            db.session.add(roles[code])
            created += 1
    db.session.flush()
    known = {k.code: k for k in db.session.scalars(select(KnownPermission))}
    written = 0
    for perm in app.extensions["portal"].permissions.values():
        wanted = {r: scope for r, scope in perm.default_roles.items() if r in roles}
        entry = known.get(perm.code)
        if entry is None:
            for role_code, scope in wanted.items():
                role = roles[role_code]
                if not any(g.permission == perm.code for g in role.grants):
                    role.grants.append(RoleGrant(permission=perm.code, scope=scope))
                    written += 1
            db.session.add(KnownPermission(code=perm.code, defaults=wanted, edited=False))
        elif not entry.edited and entry.defaults != wanted:
            written += _apply_defaults(perm.code, wanted, roles)
            entry.defaults = wanted
    db.session.commit()
    return created, written


def _apply_defaults(code: str, wanted: dict[str, str], roles: dict[str, Role]) -> int:
    """Make the grants of ``code`` exactly ``wanted`` (role code -> scope); return how many changed."""
    changed = 0
    for role_code, role in roles.items():
        grant = next((g for g in role.grants if g.permission == code), None)
        scope = wanted.get(role_code)
        if scope is None and grant is not None:
            role.grants.remove(grant)
            changed += 1
        elif scope is not None and grant is None:
            role.grants.append(RoleGrant(permission=code, scope=scope))
            changed += 1
        elif scope is not None and grant is not None and grant.scope != scope:
            grant.scope = scope
            changed += 1
    return changed


def mark_edited(code: str) -> None:
    """An administrator changed a grant of ``code``: from now on the site's choice wins over new defaults."""
    entry = db.session.get(KnownPermission, code)
    if entry is None:
        db.session.add(KnownPermission(code=code, defaults=None, edited=True))
    else:
        entry.edited = True
