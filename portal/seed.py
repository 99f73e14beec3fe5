"""Demo data: the Tam Đường unit directory and one demo user per role."""
from __future__ import annotations

import csv
import datetime as dt
import secrets
from pathlib import Path

from sqlalchemy import select

from portal.extensions import db
from portal.i18n import fold
from portal.models import Role, Unit, User

UNITS_CSV = Path(__file__).with_name("data") / "tam-duong-units.csv"

# username, full name, role codes, unit code. The district-era accounts belong to bodies that ended (Phòng
# LĐ-TB&XH on 28/02/2025, the district on 30/06/2025): their records stop there. The communes formed on 01/07/2025
# carry the live work with their own people.
DEMO_USERS = [
    ("admin", "Quản trị hệ thống", ["admin"], None),
    ("thuongtruc", "Lò Thị Thường Trực", ["standing_office"], "phong-ldtbxh"),
    ("noivu", "Hoàng Văn Nội", ["council_secretariat", "standing_office"], "phong-noi-vu"),
    ("hoidong", "Tẩn Văn Hội", ["council_member"], "vp-hdnd-ubnd"),
    ("mttq", "Lê Thị Mặt Trận", ["fund_board"], "mttq-huyen"),
    ("banbo", "Lù Văn Bản", ["unit_reporter"], "xa-ban-bo"),
    ("binhlu", "Nguyễn Thị Bình", ["unit_reporter"], "xa-binh-lu"),
    ("kiemtra", "Vàng A Kiểm", ["inspector"], "phong-ldtbxh"),
    ("lanhdao", "Sùng Lử Lãnh", ["leadership"], "ubnd-huyen"),
    # from 01/07/2025: xã Bình Lư (the former district seat) and xã Bản Bo
    ("vhxh_binhlu", "Đỗ Thị Văn Hóa", ["standing_office", "council_secretariat"], "xa-binh-lu-2025"),
    ("ubnd_binhlu", "Tao Văn Bình", ["unit_reporter"], "xa-binh-lu-2025"),
    ("ubnd_banbo", "Lò Thị Bo", ["unit_reporter"], "xa-ban-bo-2025"),
    ("ubnd_taleng", "Sùng A Lèng", ["unit_reporter"], "xa-ta-leng-2025"),
    ("kiemtra_binhlu", "Lường Văn Kiểm", ["inspector"], "xa-binh-lu-2025"),
    ("chutich_binhlu", "Hoàng Văn Chủ", ["leadership"], "xa-binh-lu-2025"),
]

#: accounts made by this run of seed-demo (core and plugins), printed once and listed in instance/demo-accounts.txt
CREATED: list[tuple[str, str]] = []


def _date(text: str) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


def seed_units(path: Path = UNITS_CSV) -> int:
    """Load units from the CSV (code,name,kind,parent_code,valid_from,valid_to,note); skip codes already present."""
    existing = {u.code: u for u in db.session.scalars(select(Unit))}
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    added = 0
    for row in rows:
        if row["code"] in existing:
            continue
        unit = Unit(
            code=row["code"],
            name=row["name"],
            search_name=fold(row["name"]),
            kind=row["kind"],
            valid_from=_date(row["valid_from"]),
            valid_to=_date(row["valid_to"]),
            note=row.get("note") or None,
            # the CSV marks sample rows in their name or note
            is_sample="dữ liệu mẫu" in row["name"] or "sample data" in (row.get("note") or ""),
        )
        db.session.add(unit)
        existing[unit.code] = unit
        added += 1
    db.session.flush()
    for row in rows:
        unit = existing[row["code"]]
        if row["parent_code"] and unit.parent_id is None:
            unit.parent_id = existing[row["parent_code"]].id
        # the main successor (whose totals take the unit's history); only links the data set states
        if row.get("successor_code") and unit.successor_id is None:
            unit.successor_id = existing[row["successor_code"]].id
    db.session.flush()
    return added


def seed_users(password: str) -> list[tuple[str, str]]:
    """Create the demo users that do not exist yet; return (username, role names) of those created."""
    roles = {r.code: r for r in db.session.scalars(select(Role))}
    units = {u.code: u for u in db.session.scalars(select(Unit))}
    made = []
    for username, full_name, role_codes, unit_code in DEMO_USERS:
        if db.session.scalar(select(User).where(User.username == username)):
            continue
        user = User(username=username, full_name=full_name, unit_id=units[unit_code].id if unit_code else None)
        user.set_password(password)
        user.roles = [roles[c] for c in role_codes]
        db.session.add(user)
        made.append((username, ", ".join(roles[c].name for c in role_codes)))
    db.session.flush()
    CREATED.extend(made)
    return made


def ensure_demo_user(
    username: str, full_name: str, role_codes: list[str], unit_code: str | None, password: str
) -> User:
    """Return the demo user ``username``, creating it with these roles and unit if it does not exist."""
    user = db.session.scalar(select(User).where(User.username == username))
    if user is not None:
        return user
    roles = list(db.session.scalars(select(Role).where(Role.code.in_(role_codes))))
    unit = db.session.scalar(select(Unit).where(Unit.code == unit_code)) if unit_code else None
    user = User(username=username, full_name=full_name, unit_id=unit.id if unit else None)
    user.set_password(password)
    user.roles = roles
    db.session.add(user)
    db.session.flush()
    CREATED.append((username, ", ".join(r.name for r in roles)))
    return user


def demo_password(configured: str | None) -> tuple[str, bool]:
    """Return (password, generated?)."""
    if configured:
        return configured, False
    return secrets.token_urlsafe(9), True


def seed_demo(password: str) -> int:
    """Tam Đường units, one demo user per role, then every enabled plugin's demo data (each committed on its own,
    as `flask portal seed-demo` does; idempotent). Returns how many units were added. Call in app context."""
    from flask import current_app

    from portal.audit import set_cli_actor

    set_cli_actor("seed-demo")
    added = seed_units()
    seed_users(password)
    db.session.commit()
    for plugin in current_app.extensions["portal"].plugins.values():
        if plugin.seed_demo is not None:
            plugin.seed_demo(password)
            db.session.commit()
    return added
