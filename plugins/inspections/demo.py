"""Demo data: a checklist drawn from the district plan and two inspections (one with open findings)."""
from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from portal.toolkit import Unit, User, check_file, db, downscale_image, ensure_demo_user, local_today, store, utcnow

from .models import (
    FAIL,
    IN_PROGRESS,
    NUMBER,
    PASS,
    PASS_FAIL,
    PLANNED,
    Answer,
    ChecklistItem,
    ChecklistSection,
    ChecklistTemplate,
    Inspection,
    Photo,
)

CODE = "kt-phong-trao"

# (section title, [(text, guidance, answer type, score, weight, note required on fail, photo required)])
CHECKLIST = [
    ("Công tác tuyên truyền", [
        ("Tổ chức quán triệt, phổ biến Kế hoạch phong trào thi đua \"Tam Đường chung tay vì người nghèo – Không để ai "
         "bị bỏ lại phía sau\" đến cán bộ, đảng viên và nhân dân", "Xem biên bản hội nghị, danh sách người dự.",
         PASS_FAIL, 2, 1, True, False),
        ("Tuyên truyền trên hệ thống loa truyền thanh, bảng tin, mạng xã hội của xã", None, PASS_FAIL, 1, 1, False, True),
    ]),
    ("Kế hoạch của đơn vị", [
        ("Ban hành kế hoạch thực hiện phong trào của đơn vị, có chỉ tiêu cụ thể", "Số, ngày ban hành kế hoạch.",
         PASS_FAIL, 2, 2, True, False),
        ("Phân công cán bộ phụ trách, theo dõi từng hộ nghèo, hộ cận nghèo", None, PASS_FAIL, 1, 1, True, False),
    ]),
    ("Huy động nguồn lực", [
        ("Số hộ nghèo được hỗ trợ sinh kế trong năm", "Đối chiếu danh sách hộ được hỗ trợ.", NUMBER, None, 1, False, False),
        ("Huy động doanh nghiệp, nhà hảo tâm, con em quê hương ủng hộ", None, PASS_FAIL, 1, 1, True, False),
    ]),
    ("Mô hình giảm nghèo", [
        ("Xây dựng, nhân rộng mô hình giảm nghèo hiệu quả (chăn nuôi, trồng trọt, du lịch cộng đồng)",
         "Chụp ảnh mô hình tại thực địa.", PASS_FAIL, 2, 1, True, True),
    ]),
    ("Quỹ \"Vì người nghèo\"", [
        ("Vận động ủng hộ Quỹ \"Vì người nghèo\" đạt chỉ tiêu giao", None, PASS_FAIL, 1, 1, True, False),
        ("Công khai thu, chi Quỹ tại trụ sở và nhà văn hóa thôn, bản", None, PASS_FAIL, 1, 1, True, True),
    ]),
    ("Chế độ báo cáo", [
        ("Gửi báo cáo định kỳ về Cơ quan thường trực đúng thời hạn", None, PASS_FAIL, 1, 1, True, False),
    ]),
    ("Khen thưởng điển hình", [
        ("Phát hiện, biểu dương, khen thưởng kịp thời các tập thể, cá nhân, hộ gia đình điển hình tiên tiến",
         None, PASS_FAIL, 1, 1, False, False),
        ("Ý kiến, kiến nghị của đơn vị", None, "text", None, 1, False, False),
    ]),
]


def _demo_photo(seed: int) -> FileStorage:
    """A small generated JPEG standing in for a photo taken in the commune."""
    from PIL import Image, ImageDraw

    img = Image.new("RGB", (320, 240), (90 + 20 * seed % 120, 140, 90))
    ImageDraw.Draw(img).rectangle((40, 60, 280, 200), outline=(255, 255, 255), width=6)
    buf = io.BytesIO()
    img.save(buf, "JPEG")
    buf.seek(0)
    return FileStorage(buf, filename=f"anh-minh-chung-{seed}.jpg", content_type="image/jpeg")


def build_checklist() -> ChecklistTemplate:
    template = ChecklistTemplate(
        code=CODE, version=1, frozen=True,
        title="Kiểm tra thực hiện phong trào thi đua \"Tam Đường chung tay vì người nghèo\"",
        description="Theo mục III.4 và VI.6 Kế hoạch của UBND huyện.",
    )
    db.session.add(template)
    db.session.flush()
    for s_pos, (title, items) in enumerate(CHECKLIST, start=1):
        section = ChecklistSection(template_id=template.id, position=s_pos, title=title)
        db.session.add(section)
        db.session.flush()
        for i_pos, (text, guidance, kind, points, weight, note, photo) in enumerate(items, start=1):
            db.session.add(ChecklistItem(
                template_id=template.id, section_id=section.id, position=i_pos, text=text, guidance=guidance,
                answer_type=kind, max_score=Decimal(points) if points is not None else None, weight=Decimal(weight),
                note_required_on_fail=note, photo_required=photo,
            ))
    db.session.flush()
    return template


def seed_demo(password: str) -> None:
    """Add the demo checklist and inspections once (idempotent)."""
    if db.session.scalar(select(ChecklistTemplate.id).where(ChecklistTemplate.code == CODE)):
        return
    from .services.checklists import load_checklist
    from .services.conduct import complete, set_team, sign

    template = build_checklist()
    units = {u.code: u for u in db.session.scalars(select(Unit).where(
        Unit.code.in_(["xa-ban-bo", "xa-binh-lu", "ban-mau-binh-lu"])))}
    users = {u.username: u for u in db.session.scalars(select(User).where(
        User.username.in_(["kiemtra", "thuongtruc", "noivu", "kiemtra_binhlu", "vhxh_binhlu"])))}
    if len(units) < 3 or len(users) < 5:
        return  # the core demo data is missing; nothing to attach inspections to
    items = [i for _s, its in load_checklist(template.id) for i in its]

    # 1) Bản Bo, 2024: completed and signed, two items failed -> open findings (one overdue).
    ban_bo = Inspection(template_id=template.id, unit_id=units["xa-ban-bo"].id, year=2024,
                        planned_date=dt.date(2024, 10, 22), state=IN_PROGRESS, started_at=dt.datetime(2024, 10, 22, 1, 30),
                        scope="Kiểm tra kết quả thực hiện phong trào năm 2024 và Quỹ \"Vì người nghèo\".")
    set_team(ban_bo, users["thuongtruc"].id, [users["kiemtra"].id, users["noivu"].id])
    db.session.add(ban_bo)
    db.session.flush()
    failing = {items[3].id: "Chưa phân công cán bộ theo dõi hộ nghèo ở 3 bản.",
               items[8].id: "Chưa niêm yết công khai thu, chi Quỹ tại nhà văn hóa các bản."}
    for item in items:
        if item.answer_type == NUMBER:
            db.session.add(Answer(inspection_id=ban_bo.id, item_id=item.id, number=Decimal(42), answered_by=users["kiemtra"].id))
        elif item.answer_type == PASS_FAIL:
            db.session.add(Answer(inspection_id=ban_bo.id, item_id=item.id, result=FAIL if item.id in failing else PASS,
                                  note=failing.get(item.id), answered_by=users["kiemtra"].id))
    db.session.flush()
    for item in items:
        if item.photo_required:
            upload = store(downscale_image(check_file(_demo_photo(item.position), ("jpg",))), owner="inspections")
            db.session.flush()
            db.session.add(Photo(inspection_id=ban_bo.id, item_id=item.id, upload_id=upload.id,
                                 created_by=users["kiemtra"].id))
    db.session.flush()
    findings = complete(ban_bo, dt.date(2024, 10, 22), 30)
    findings[1].due_date = dt.date(2025, 12, 31)
    sign(ban_bo, "15/BB-ĐKT", "Lù Văn Bản, Chủ tịch UBND xã Bản Bo",
            "Xã Bản Bo thực hiện tốt phong trào; cần khắc phục các tồn tại nêu trên.")
    # the inspection's own times, not the day the demo was loaded
    ban_bo.completed_at, ban_bo.signed_at = dt.datetime(2024, 10, 22, 9, 0), dt.datetime(2024, 10, 22, 9, 30)
    for answer in db.session.scalars(select(Answer).where(Answer.inspection_id == ban_bo.id)):
        answer.answered_at = dt.datetime(2024, 10, 22, 3, 0)
    for photo in db.session.scalars(select(Photo).where(Photo.inspection_id == ban_bo.id)):
        photo.created_at = dt.datetime(2024, 10, 22, 3, 10)

    # 2) Bình Lư, 2025: planned follow-up, led by the inspector.
    binh_lu = Inspection(template_id=template.id, unit_id=units["xa-binh-lu"].id, year=2025,
                         planned_date=dt.date(2025, 6, 10), state=PLANNED,
                         scope="Kiểm tra việc thực hiện phong trào 6 tháng đầu năm 2025.")
    # Phòng LĐ-TB&XH ended on 28/02/2025: Phòng Nội vụ leads the 2025 visit with its own inspector
    member = ensure_demo_user("kiemtra_nv", "Phạm Thị Kiểm", ["inspector"], "phong-noi-vu", password)
    set_team(binh_lu, users["noivu"].id, [member.id])
    db.session.add(binh_lu)
    db.session.flush()

    # 3) Live work: xã Bình Lư (formed 01/07/2025) inspects one of its villages this week; in progress.
    today = local_today()
    live = Inspection(template_id=template.id, unit_id=units["ban-mau-binh-lu"].id, year=today.year,
                      planned_date=today, state=IN_PROGRESS, started_at=utcnow() - dt.timedelta(hours=2),
                      scope=f"Kiểm tra thực hiện phong trào năm {today.year} tại bản (dữ liệu mẫu).")
    set_team(live, users["kiemtra_binhlu"].id, [users["vhxh_binhlu"].id])
    db.session.add(live)
    db.session.flush()
    for item in items[:3]:
        if item.answer_type == PASS_FAIL:
            db.session.add(Answer(inspection_id=live.id, item_id=item.id, result=PASS, answered_by=users["kiemtra_binhlu"].id))
    db.session.flush()
