"""Demo data for `flask portal seed-demo`: the annual report form, the 2022–2025 periods with the 2023 mid-term
and 2025 final reviews, and submissions that are on time, late, returned and missing. Idempotent."""
from __future__ import annotations

import datetime as dt
import random

from sqlalchemy import select

from portal.toolkit import Unit, User, db, local_today, utcnow

from .models import (
    Event, FormField, FormRule, FormVersion, Indicator, Period, PeriodUnit, ReportForm, Revision, Submission,
)

FORM_NAME = "Báo cáo kết quả phong trào \"Tam Đường chung tay vì người nghèo\""

FIELDS = [
    # key, label, kind, required, min, max, help, choices
    ("tong_so_ho", "Tổng số hộ trên địa bàn", "integer", False, "0", "50000", "Xã, thị trấn ghi; cơ quan, đoàn thể bỏ trống", []),
    ("ho_ngheo_dau_nam", "Số hộ nghèo đầu năm", "integer", True, "0", "5000", "Theo kết quả rà soát cuối năm trước", []),
    ("ho_thoat_ngheo", "Số hộ thoát nghèo trong năm", "integer", True, "0", "5000", None, []),
    ("ho_ngheo_cuoi_nam", "Số hộ nghèo cuối năm", "integer", False, "0", "5000", "Theo kết quả rà soát cuối năm", []),
    ("ho_can_ngheo", "Số hộ cận nghèo", "integer", True, "0", "5000", None, []),
    ("ty_le_ho_ngheo", "Tỷ lệ hộ nghèo cuối năm (%)", "decimal", False, "0", "100", "Ví dụ 18,5", []),
    ("tien_van_dong", "Số tiền vận động được (đồng)", "integer", True, "0", "100000000000", "Tiền mặt và hiện vật quy đổi", []),
    ("nha_dai_doan_ket", "Số nhà Đại đoàn kết xây mới, sửa chữa", "integer", True, "0", "500", None, []),
    ("mo_hinh", "Số mô hình giảm nghèo", "integer", False, "0", "200", "Chăn nuôi, trồng chè, dược liệu, du lịch cộng đồng…", []),
    ("tuyen_truyen", "Số buổi tuyên truyền", "integer", False, "0", "1000", None, []),
    ("hinh_thuc", "Hình thức tuyên truyền", "multichoice", False, None, None, None,
     ["Hội nghị", "Loa truyền thanh", "Sinh hoạt thôn, bản", "Mạng xã hội", "Pa nô, áp phích"]),
    ("tu_danh_gia", "Tự đánh giá", "choice", True, None, None, None,
     ["Hoàn thành xuất sắc", "Hoàn thành tốt", "Hoàn thành", "Chưa hoàn thành"]),
    ("kho_khan", "Khó khăn, vướng mắc", "longtext", False, None, None, None, []),
    ("de_xuat", "Đề xuất, kiến nghị", "longtext", False, None, None, None, []),
    ("ban_ky", "Báo cáo có chữ ký, đóng dấu (bản scan)", "file", False, None, None, "PDF, DOCX, XLSX, JPG hoặc PNG", []),
]

# How each field rolls up in the district: household counts from communes only (agencies and mass organisations
# report the households they help, which are already in a commune's count); rates are never added up (the
# indicators compute them from the sums); money and activities from every unit.
ROLLUP = {
    "tong_so_ho": ("sum", ["commune"]), "ho_ngheo_dau_nam": ("sum", ["commune"]),
    "ho_thoat_ngheo": ("sum", ["commune"]), "ho_ngheo_cuoi_nam": ("latest", ["commune"]),
    "ho_can_ngheo": ("sum", ["commune"]), "ty_le_ho_ngheo": ("none", []), "tien_van_dong": ("sum", []),
    "nha_dai_doan_ket": ("sum", []), "mo_hinh": ("sum", []), "tuyen_truyen": ("sum", []), "hinh_thuc": ("count", []),
    "tu_danh_gia": ("count", []), "kho_khan": ("none", []), "de_xuat": ("none", []), "ban_ky": ("none", []),
}

# The plan's indicators (sample data the standing office edits): code, name, numerator, denominator, multiplier,
# unit label, decimals, lower is better.
INDICATORS = [
    ("ty_le_ho_ngheo", "Tỷ lệ hộ nghèo", "ho_ngheo_cuoi_nam", "tong_so_ho", "100", "%", 2, True),
    ("so_ho_thoat_ngheo", "Số hộ thoát nghèo", "ho_thoat_ngheo", None, "1", "hộ", 0, False),
    ("ty_le_giam_ngheo", "Tỷ lệ giảm hộ nghèo trong năm", "ho_ngheo_dau_nam - ho_ngheo_cuoi_nam", "ho_ngheo_dau_nam",
     "100", "%", 2, False),
    ("ty_le_ho_can_ngheo", "Tỷ lệ hộ cận nghèo", "ho_can_ngheo", "tong_so_ho", "100", "%", 2, True),
    ("ty_le_thoat_ngheo", "Tỷ lệ hộ thoát nghèo so với hộ nghèo đầu năm", "ho_thoat_ngheo", "ho_ngheo_dau_nam",
     "100", "%", 2, False),
]

PERIODS = [
    # name, kind, year, opens, deadline, policy
    ("Báo cáo năm 2021", "annual", 2021, dt.date(2021, 9, 15), dt.date(2021, 11, 10), "accept"),
    ("Báo cáo năm 2022", "annual", 2022, dt.date(2022, 9, 15), dt.date(2022, 11, 10), "accept"),
    ("Sơ kết giữa kỳ 2023", "midterm", 2023, dt.date(2023, 4, 1), dt.date(2023, 5, 31), "accept"),
    ("Báo cáo năm 2023", "annual", 2023, dt.date(2023, 9, 15), dt.date(2023, 11, 10), "accept"),
    ("Báo cáo năm 2024", "annual", 2024, dt.date(2024, 9, 15), dt.date(2024, 11, 10), "accept"),
    ("Tổng kết phong trào 2021–2025", "final", 2025, dt.date(2025, 3, 1), dt.date(2025, 5, 15), "lock"),
    # the district level ends on 30/06/2025, so the 2025 report is due before the reorganisation
    ("Báo cáo năm 2025 (đến 30/6/2025)", "annual", 2025, dt.date(2025, 5, 20), dt.date(2025, 6, 20), "accept"),
]

DIFFICULTIES = [
    "Địa bàn rộng, giao thông đi lại khó khăn vào mùa mưa.",
    "Một bộ phận hộ nghèo còn tư tưởng trông chờ, ỷ lại vào sự hỗ trợ của Nhà nước.",
    "Nguồn vận động xã hội hóa còn hạn chế, chủ yếu dựa vào cán bộ, công chức.",
    "Giá vật liệu xây dựng tăng nên chi phí làm nhà Đại đoàn kết vượt mức hỗ trợ.",
]
PROPOSALS = [
    "Đề nghị huyện tiếp tục bố trí vốn vay ưu đãi cho hộ nghèo phát triển chăn nuôi.",
    "Đề nghị hỗ trợ giống chè, giống dược liệu cho các bản vùng cao.",
    "Đề nghị tăng mức hỗ trợ xây nhà Đại đoàn kết lên 60 triệu đồng/nhà.",
]
RETURN_COMMENT = "Số hộ thoát nghèo chưa khớp với danh sách đã được UBND xã phê duyệt; đề nghị rà soát và bổ sung bản scan có chữ ký."


CHOICES = {key: choices for key, *_rest, choices in FIELDS}


def _values(rng: random.Random, poor: int, kind: str, households: int) -> tuple[dict, int]:
    escaped = max(1, int(poor * rng.uniform(0.12, 0.22)))
    near = int(poor * rng.uniform(0.35, 0.6))
    scale = 1 if kind == "commune" else 0.3
    end = poor - escaped + rng.randrange(2, 12)
    values = {
        "ho_ngheo_dau_nam": poor,
        "ho_thoat_ngheo": escaped,
        "ho_ngheo_cuoi_nam": end,
        "ho_can_ngheo": near,
        "tien_van_dong": int(rng.randrange(40, 420) * 1_000_000 * scale) // 100_000 * 100_000,
        "nha_dai_doan_ket": int(rng.randrange(1, 14) * scale) or 1,
        "mo_hinh": rng.randrange(1, 7),
        "tuyen_truyen": rng.randrange(6, 36),
        "hinh_thuc": sorted(rng.sample(CHOICES["hinh_thuc"], 3), key=CHOICES["hinh_thuc"].index),
        "tu_danh_gia": rng.choice(CHOICES["tu_danh_gia"][:3]),
        "kho_khan": rng.choice(DIFFICULTIES),
        "de_xuat": rng.choice(PROPOSALS),
    }
    if kind == "commune":
        values["tong_so_ho"] = households
        values["ty_le_ho_ngheo"] = str(round(end * 100 / households, 1))  # "17.3", as parse_value stores it
    return values, end


def _at(day: dt.date, hour: int = 3) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, 15))


def seed_indicators() -> None:
    """The plan's indicators, once (an indicator the office deleted or changed is left alone)."""
    have = set(db.session.scalars(select(Indicator.code)))
    for pos, (code, name, num, den, mult, label, decimals, lower) in enumerate(INDICATORS, start=1):
        if code not in have:
            db.session.add(Indicator(code=code, name=name, numerator=num, denominator=den, multiplier=mult,
                                     unit_label=label, decimals=decimals, lower_is_better=lower,
                                     unit_kinds=["commune"], position=pos,
                                     description="Dữ liệu mẫu theo Kế hoạch phong trào (mục II, V)."))


def seed_demo(password: str) -> None:
    if db.session.scalar(select(ReportForm.id).where(ReportForm.name == FORM_NAME)):
        return
    seed_indicators()
    form = ReportForm(name=FORM_NAME, description="Mẫu báo cáo hằng năm, sơ kết và tổng kết gửi Thường trực phong trào.")
    version = FormVersion(number=1)
    form.versions.append(version)
    for i, (key, label, kind, required, low, high, help_text, choices) in enumerate(FIELDS, start=1):
        how, kinds = ROLLUP[key]
        version.fields.append(FormField(position=i, key=key, label=label, kind=kind, required=required, min_value=low,
                                        max_value=high, help=help_text, choices=choices, aggregation=how,
                                        unit_kinds=kinds))
    version.rules.append(FormRule(left="ho_thoat_ngheo", operator="<=", right="ho_ngheo_dau_nam",
                                  message="Số hộ thoát nghèo không được lớn hơn số hộ nghèo đầu năm."))
    db.session.add(form)
    db.session.flush()
    units = list(db.session.scalars(select(Unit).where(Unit.kind.in_(["commune", "mass_org"])).order_by(Unit.code)))
    users = {u.username: u for u in db.session.scalars(select(User))}
    # the standing office: Phòng LĐ-TB&XH until 28/02/2025, then Phòng Nội vụ until the district ends on 30/06/2025
    reviewers = [(dt.date(2025, 2, 28), users.get("thuongtruc")), (dt.date(2025, 6, 30), users.get("noivu"))]
    rng = random.Random(2021)
    poor = {u.id: (rng.randrange(160, 460) if u.kind == "commune" else rng.randrange(20, 80)) for u in units}
    households = {u.id: rng.randrange(900, 2600) for u in units}
    for p_index, (name, kind, year, opens, deadline, policy) in enumerate(PERIODS):
        period = Period(name=name, kind=kind, year=year, version_id=version.id, opens_on=opens, deadline=deadline,
                        late_policy=policy)
        db.session.add(period)
        last = p_index == len(PERIODS) - 1
        owing = [u for u in units if (not u.valid_to or u.valid_to >= deadline) and (not u.valid_from or u.valid_from <= opens)]
        for u in owing:
            period.assignments.append(PeriodUnit(unit_id=u.id))
        db.session.flush()
        for n, u in enumerate(owing):
            values, next_poor = _values(rng, poor[u.id], u.kind, households[u.id])
            if kind == "annual":
                poor[u.id] = next_poor
                households[u.id] += rng.randrange(5, 30)
            roll = rng.random()
            if roll < 0.08 and u.code not in ("xa-ban-bo", "xa-binh-lu"):
                continue  # missing after the deadline
            late = roll > 0.85
            # "trước ngày 10/11": on time means by the day before the deadline
            day = (deadline + dt.timedelta(days=rng.randrange(0, 12)) if late
                   else deadline - dt.timedelta(days=rng.randrange(1, 20)))
            if u.valid_to and day > u.valid_to:
                day = u.valid_to
            submitted = _at(day)
            state = "accepted"
            if last and (u.code == "xa-ban-bo" or n % 7 == 3):
                state = "returned"
            elif last and n % 5 == 1:
                state = "submitted"
            sub = Submission(period_id=period.id, unit_id=u.id, state=state, values=values, late=late,
                             first_submitted_at=submitted, submitted_at=submitted)
            sub.revisions.append(Revision(number=1, values=dict(values), at=submitted))
            db.session.add(sub)
            db.session.flush()
            db.session.add(Event(submission_id=sub.id, period_id=period.id, unit_id=u.id, action="submitted",
                                 at=submitted, actor=u.name))
            reviewed = submitted + dt.timedelta(days=3)
            reviewer = next((r for until, r in reviewers if reviewed.date() <= until), None)
            if state in ("accepted", "returned") and reviewer is None:
                sub.state = state = "submitted"  # the district ended before anyone reviewed it
            if state in ("accepted", "returned"):
                sub.reviewed_at = reviewed
                sub.reviewed_by = reviewer.id if reviewer else None
                sub.review_comment = RETURN_COMMENT if state == "returned" else None
                db.session.add(Event(submission_id=sub.id, period_id=period.id, unit_id=u.id,
                                     action=state, comment=sub.review_comment, at=reviewed,
                                     user_id=sub.reviewed_by, actor=reviewer.full_name if reviewer else ""))
    db.session.flush()
    _live_period(version, rng, users)


def _live_period(version: FormVersion, rng: random.Random, users: dict[str, User]) -> None:
    """Whatever the day: an open period of this year owed by the communes formed on 01/07/2025, some reports in."""
    today = local_today()
    communes = list(db.session.scalars(select(Unit).where(Unit.kind == "commune", Unit.valid_from >= dt.date(2025, 7, 1))
                                       .order_by(Unit.code)))
    if not communes:
        return
    period = Period(name=f"Báo cáo phong trào năm {today.year} của các xã (dữ liệu mẫu)", kind="annual", year=today.year,
                    version_id=version.id, opens_on=today - dt.timedelta(days=20), deadline=today + dt.timedelta(days=25),
                    late_policy="accept")
    period.assignments = [PeriodUnit(unit_id=u.id) for u in communes]
    db.session.add(period)
    db.session.flush()
    for u in communes[:2]:  # two communes have filed; the others still owe their report
        values, _next = _values(rng, rng.randrange(160, 460), "commune", rng.randrange(900, 2600))
        at = utcnow() - dt.timedelta(days=2)
        sub = Submission(period_id=period.id, unit_id=u.id, state="submitted", values=values, late=False,
                         first_submitted_at=at, submitted_at=at)
        sub.revisions.append(Revision(number=1, values=dict(values), at=at))
        db.session.add(sub)
        db.session.flush()
        db.session.add(Event(submission_id=sub.id, period_id=period.id, unit_id=u.id, action="submitted", at=at,
                             actor=u.name))
    db.session.flush()
