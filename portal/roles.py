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
    """Create missing roles and write default grants for permission codes seen for the first time.

    Return (roles created, grants written). Grants an administrator changed are never touched again.
    """
    roles = {r.code: r for r in db.session.scalars(select(Role))}
    created = 0
    for code, name in ROLE_NAMES.items():
        if code not in roles:
            roles[code] = Role(code=code, name=name)
            db.session.add(roles[code])
            created += 1
    db.session.flush()
    known = set(db.session.scalars(select(KnownPermission.code)))
    written = 0
    for perm in app.extensions["portal"].permissions.values():
        if perm.code in known:
            continue
        for role_code, scope in perm.default_roles.items():
            role = roles.get(role_code)
            if role is not None and not any(g.permission == perm.code for g in role.grants):
                role.grants.append(RoleGrant(permission=perm.code, scope=scope))
                written += 1
        db.session.add(KnownPermission(code=perm.code))
    db.session.commit()
    return created, written
