"""Demo data for `flask portal seed-demo` (idempotent: adds nothing when the board has notices)."""
from __future__ import annotations

from sqlalchemy import select

from portal.toolkit import db

from .models import Notice

NOTICES = (
    ("Hạn nộp báo cáo năm 2024: ngày 10/11", "Các xã, thị trấn gửi báo cáo kết quả phong trào trên cổng trước ngày 10/11.", True),
    ("Lịch kiểm tra tháng 11", "Đoàn kiểm tra của huyện làm việc tại xã Bản Bo và xã Bình Lư trong tuần thứ hai.", False),
)


def seed() -> None:
    if db.session.scalar(select(Notice.id).limit(1)) is not None:
        return
    for title, body, pinned in NOTICES:
        db.session.add(Notice(title=title, body=body, pinned=pinned))
