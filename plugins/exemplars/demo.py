"""Demo data: a dozen realistic good models of Tam Đường (marked as sample data), each in a unit that exists on
its dates, proposed by the commune and taken through the cycle by the standing office of its time. Idempotent:
does nothing once sample exemplars exist."""
from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select

from portal.toolkit import Unit, User, db

from .models import Exemplar
from .services import cycle

# (title, kind, holder kind, holder, unit code, village, sector, start year, households, left poverty, income,
#  consent, proposed on, verified on, support (note, amount) or None, replications [(unit code, households, year)],
#  description, story)
MODELS: list[tuple[Any, ...]] = [
    ("Trồng thảo quả dưới tán rừng", "model", "collective", "Tổ hợp tác thảo quả Sin Chải", "xa-ban-bo", "Bản Sin Chải",
     "livelihood", 2019, 36, 14, 38_000_000, True, dt.date(2022, 3, 14), dt.date(2022, 4, 20),
     ("Hỗ trợ 2.000 cây giống và tập huấn kỹ thuật sấy", 40_000_000), [("xa-ho-thau", 22, 2023), ("xa-khun-ha", 18, 2024)],
     "Các hộ người Dao trồng thảo quả dưới tán rừng già, nhận khoán bảo vệ rừng, sấy và bán chung qua tổ hợp tác.",
     "Giữ được rừng mà vẫn có thu nhập: mỗi hộ thu 7–9 tạ quả khô một vụ."),
    ("Hợp tác xã chè Bình Lư", "model", "enterprise", "Hợp tác xã chè Bình Lư", "xa-binh-lu", "Bản Nà Bỏ",
     "livelihood", 2017, 58, 21, 52_000_000, True, dt.date(2022, 5, 9), dt.date(2022, 6, 2),
     ("Hỗ trợ máy vò chè và bao bì", 60_000_000), [("xa-ban-giang", 30, 2023), ("xa-son-binh", 25, 2024)],
     "Liên kết trồng, chế biến và tiêu thụ chè búp tươi theo hợp đồng với hộ nghèo, hộ cận nghèo.",
     "58 hộ bán chè cho hợp tác xã với giá ổn định quanh năm."),
    ("Du lịch cộng đồng homestay Thèn Sin", "model", "collective", "Tổ du lịch cộng đồng Thèn Sin",
     "xa-then-sin", "Bản Thèn Sin", "employment", 2018, 12, 5, 65_000_000, True, dt.date(2022, 8, 22),
     dt.date(2022, 9, 15), ("Tập huấn đón khách và nấu ăn", 15_000_000), [("xa-ho-thau", 6, 2024)],
     "Hộ người Dao đỏ mở homestay, dẫn khách, biểu diễn văn nghệ và bán sản phẩm thổ cẩm.",
     "Khách đến ở nhà dân, ăn cơm bản: 12 hộ có thêm việc làm quanh năm."),
    ("Tổ hợp tác nuôi bò sinh sản Nà Tăm", "model", "collective", "Tổ hợp tác chăn nuôi Nà Tăm", "xa-na-tam",
     "Bản Nà Tăm", "livelihood", 2020, 20, 9, 30_000_000, False, dt.date(2023, 2, 6), dt.date(2023, 3, 1),
     ("Hỗ trợ 10 con bò giống luân chuyển", 150_000_000), [("xa-nung-nang", 10, 2024)],
     "Bò giống giao cho hộ nghèo nuôi, bê con đầu tiên chuyển cho hộ khác: vốn quay vòng trong tổ.",
     "Mỗi con bê sinh ra là một hộ nữa có vốn."),
    ("Tổ tiết kiệm phụ nữ nghèo Bản Hon", "model", "collective", "Chi hội Phụ nữ bản Hon", "xa-ban-hon", "Bản Hon",
     "savings", 2019, 40, 11, None, True, dt.date(2023, 4, 17), dt.date(2023, 5, 10), None,
     [("xa-binh-lu", 35, 2024), ("xa-ta-leng", 28, 2024)],
     "Mỗi tháng chị em góp tiết kiệm, cho nhau vay không lãi để mua giống, nuôi lợn, trả nợ ngân hàng đúng hạn.",
     "40 chị em góp mỗi tháng 50.000 đồng; chưa ai chậm trả."),
    ("Trồng dong riềng làm miến Hồ Thầu", "model", "household", "Hộ ông Tẩn A Sinh", "xa-ho-thau", "Bản Hồ Thầu",
     "livelihood", 2021, 15, 6, 28_000_000, False, dt.date(2023, 6, 5), dt.date(2023, 7, 12), None, [],
     "Hộ trồng dong riềng trên đất dốc, làm miến thủ công và bán qua cửa hàng của xã.",
     "Cây dong riềng thay ngô trên đất dốc, ít xói mòn, lãi gấp đôi."),
    ("Nuôi lợn đen bản địa theo tổ liên kết", "model", "collective", "Tổ liên kết chăn nuôi Giang Ma", "xa-giang-ma",
     "Bản Giang Ma", "livelihood", 2020, 18, 7, 24_000_000, True, dt.date(2023, 9, 18), dt.date(2023, 10, 20),
     ("Hỗ trợ tiêm phòng và chuồng trại", 25_000_000), [],
     "Hộ nghèo nuôi lợn đen bản địa thả vườn, tổ liên kết tiêm phòng chung và bán cho thương lái theo đợt.",
     "Lợn đen bản địa bán được giá, hộ nghèo có tiền đều mỗi quý."),
    ("Thanh niên lập nghiệp trồng rau an toàn", "person", "individual", "Anh Lò Văn Thắng", "tt-tam-duong",
     "Tổ dân phố số 3", "employment", 2021, 9, 4, 45_000_000, True, dt.date(2024, 2, 26), dt.date(2024, 3, 20), None,
     [], "Thanh niên về quê thuê đất trồng rau an toàn trong nhà lưới, thuê 9 lao động của hộ nghèo.",
     "Từ một nhà lưới, anh Thắng tạo việc làm cho 9 người của hộ nghèo."),
    ("Nhà vệ sinh hợp vệ sinh do đoàn viên giúp làm", "initiative", "collective", "Đoàn thanh niên xã Khun Há",
     "xa-khun-ha", "Bản Khun Há", "water", 2022, 64, 0, None, True, dt.date(2024, 4, 8), dt.date(2024, 5, 6), None,
     [("xa-nung-nang", 40, 2024)],
     "Đoàn viên góp công, Hội Phụ nữ vận động, hộ nghèo góp vật liệu địa phương để làm nhà tiêu hợp vệ sinh.",
     "64 nhà tiêu hợp vệ sinh trong một mùa khô."),
    ("Trồng cây ăn quả ôn đới trên đất dốc", "model", "household", "Hộ bà Lý Thị Mẩy", "xa-ta-leng", "Bản Phìn Chải",
     "livelihood", 2020, 11, 3, 33_000_000, False, dt.date(2024, 7, 1), dt.date(2024, 8, 5), None, [],
     "Hộ trồng lê, mận trên đất dốc theo đường đồng mức, trồng xen cây họ đậu giữ đất.",
     "Đất dốc không còn bỏ hoang."),
    ("Sáng kiến bảng tin Zalo bản về việc làm", "initiative", "collective", "Công chức Văn hóa – Xã hội xã Sơn Bình",
     "xa-son-binh", "", "information", 2023, 230, 0, None, True, dt.date(2024, 9, 16), None, None, [],
     "Nhóm Zalo mỗi bản đăng thông tin tuyển dụng, lớp học nghề và chính sách cho hộ nghèo.", ""),
    ("Dệt thổ cẩm Dao đỏ bán qua mạng", "model", "collective", "Tổ dệt thổ cẩm Bản Giang", "xa-ban-giang",
     "Bản Nà Luông", "employment", 2022, 14, 2, 20_000_000, True, dt.date(2025, 3, 10), None, None, [],
     "Chị em người Dao đỏ dệt, thêu thổ cẩm, chụp ảnh và bán qua mạng với sự giúp đỡ của đoàn viên.", ""),
]


def _at(day: dt.date) -> dt.datetime:
    """Working hours, stored in UTC (09:30 in Vietnam)."""
    return dt.datetime.combine(day, dt.time(2, 30))


def _office(users: dict[str, User], day: dt.date) -> User | None:
    # the standing office of the time: Phòng LĐ-TB&XH until 28/02/2025, then Phòng Nội vụ
    return users.get("thuongtruc") if day <= dt.date(2025, 2, 28) else users.get("noivu")


def seed(password: str) -> None:
    if db.session.scalar(select(Exemplar.id).where(Exemplar.sample.is_(True)).limit(1)):
        return
    units = {u.code: u for u in db.session.scalars(select(Unit))}
    users = {u.username: u for u in db.session.scalars(select(User))}
    for (title, kind, holder_kind, holder, code, village, sector, start, households, out, income, consent, proposed,
         verified, support, replications, description, story) in MODELS:
        unit = units.get(code)
        if unit is None or (unit.valid_to and unit.valid_to < proposed):
            continue  # a directory without this unit (or not at that date): skip the model, never misplace it
        reporter = next((u for u in users.values() if u.unit_id == unit.id), None)
        ex = cycle.propose({
            "kind": kind, "holder_kind": holder_kind, "title": title, "holder": holder, "unit_id": unit.id,
            "village": village, "sector": sector, "description": description, "story": story, "start_year": start,
            "households": households, "households_out": out, "income": income, "contact": "",
            "consent_public": consent, "source": "unit", "proposed_at": _at(proposed),
        }, reporter.id if reporter else None, sample=True)
        if verified is None:
            continue
        office = _office(users, verified)
        office_id = office.id if office else None
        cycle.verify(ex.id, office_id, verified, "Đã đến thăm, số liệu khớp với báo cáo của xã.", at=_at(verified))
        if support:
            cycle.foster(ex.id, office_id, support[0], support[1], at=_at(verified + dt.timedelta(days=30)))
        for rep_code, rep_households, year in replications:
            rep_unit = units.get(rep_code)
            day = dt.date(year, 9, 15)
            if rep_unit is not None and rep_unit.id != unit.id and (not rep_unit.valid_to or rep_unit.valid_to >= day):
                cycle.replicate(ex.id, office_id, rep_unit.id, rep_households, year,
                                "Xã học tập, áp dụng sau buổi tham quan mô hình.", at=_at(day))
    db.session.commit()
