"""Demo data: example award types, a council of 9, the 2023 and 2025 rounds, one closed and published session."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from portal.toolkit import Unit, db, ensure_demo_user

from . import services
from .models import AwardType, CouncilMember, Nomination, NominationRound, VotingSession

EXAMPLE = "Ví dụ – cần đối chiếu với quy định hiện hành trước khi sử dụng. "

# Citations checked against the law's text: Luật Thi đua, khen thưởng số 06/2022/QH15, Điều 80 khoản 2 (Chủ tịch
# UBND cấp huyện) and khoản 3 (Chủ tịch UBND cấp xã); Nghị định 98/2023/NĐ-CP (31/12/2023, in force 01/01/2024)
# replaced Nghị định 91/2017/NĐ-CP. Articles not verified are not cited by number.
LAW = "Luật Thi đua, khen thưởng số 06/2022/QH15"
DECREE = "Nghị định 98/2023/NĐ-CP (thay thế Nghị định 91/2017/NĐ-CP)"
MOVEMENT = ("phong trào thi đua “Cả nước chung tay vì người nghèo – Không để ai bị bỏ lại phía sau” "
            "(Quyết định 666/QĐ-TTg ngày 02/6/2022; Kế hoạch 2282/KH-UBND ngày 01/7/2022 của UBND tỉnh Lai Châu)")

# name, giver, kinds, quorum, threshold, strictly more, denominator, written ballots, abstain, legal basis
TYPES = [
    ("Giấy khen của Chủ tịch UBND huyện", "Chủ tịch UBND huyện Tam Đường", "collective,individual,household",
     (2, 3), (1, 2), True, "present", False, True,
     f"{LAW}, Điều 80 khoản 2 (Chủ tịch UBND cấp huyện tặng giấy khen); khen thưởng theo {MOVEMENT}; "
     "tỷ lệ phiếu theo quy chế Hội đồng TĐKT huyện."),
    ("Lao động tiên tiến", "Chủ tịch UBND huyện Tam Đường", "individual",
     (2, 3), (1, 2), True, "valid", False, True,
     f"{LAW}, Điều 80 khoản 2 (thẩm quyền tặng danh hiệu “Lao động tiên tiến”); tiêu chuẩn theo {LAW} và {DECREE}."),
    ("Chiến sĩ thi đua cơ sở", "Chủ tịch UBND huyện Tam Đường", "individual",
     (2, 3), (70, 100), False, "valid", False, True,
     f"{LAW}, Điều 80 khoản 2 (thẩm quyền tặng danh hiệu “Chiến sĩ thi đua cơ sở”); tiêu chuẩn và tỷ lệ theo {DECREE}; "
     "tỷ lệ không quá 15 % số cá nhân đạt “Lao động tiên tiến” (quy chế của huyện)."),
    ("Đề nghị Chiến sĩ thi đua cấp tỉnh", "Chủ tịch UBND tỉnh Lai Châu (huyện đề nghị)", "individual",
     (2, 3), (90, 100), False, "members", True, False,
     f"{DECREE}: Hội đồng bỏ phiếu kín, từ 90 % tổng số thành viên Hội đồng đồng ý; thành viên vắng mặt cho ý kiến "
     "bằng văn bản (đối chiếu điều, khoản hiện hành trước khi áp dụng)."),
    ("Đề nghị Bằng khen của Chủ tịch UBND tỉnh", "Chủ tịch UBND tỉnh Lai Châu (huyện đề nghị)",
     "collective,individual,household", (2, 3), (70, 100), False, "members", True, True,
     f"{LAW} và {DECREE}; thành tích trong {MOVEMENT}; quy chế Hội đồng TĐKT tỉnh."),
    ("Giấy khen của Chủ tịch UBND xã", "Chủ tịch UBND xã (từ 01/7/2025)", "collective,individual,household",
     (2, 3), (1, 2), True, "present", False, True,
     f"{LAW}, Điều 80 khoản 3 (Chủ tịch UBND cấp xã tặng giấy khen, danh hiệu “Lao động tiên tiến”, "
     "“Gia đình văn hóa”); tỷ lệ phiếu theo quy chế Hội đồng TĐKT xã."),
]

# username, full name, function, unit code ("hoidong" is the core's demo council member)
COUNCIL = [
    ("hd_chutich", "Lò Văn Chủ", "chair", "ubnd-huyen"),
    ("hd_phochutich", "Tẩn Thị Phó", "vice_chair", "ubnd-huyen"),
    ("hd_thuky", "Hoàng Thị Thư", "secretary", "phong-noi-vu"),
    ("hoidong", "Tẩn Văn Hội", "member", "vp-hdnd-ubnd"),
    ("hd_mttq", "Sùng A Mặt", "member", "mttq-huyen"),
    ("hd_ldtbxh", "Vàng Thị Lao", "member", "phong-ldtbxh"),
    ("hd_phunu", "Lý Thị Hoa", "member", "hoi-phu-nu"),
    ("hd_nongdan", "Giàng A Nông", "member", "hoi-nong-dan"),
    ("hd_doan", "Chảo Văn Đoàn", "member", "huyen-doan"),
]

# round key, award index, unit code, kind, nominee, position, state
NOMINATIONS = [
    (2023, 0, "xa-ban-bo", "collective", "Thôn Nà Đon, xã Bản Bo", "Xã Bản Bo", "eligible"),
    (2023, 0, "xa-binh-lu", "collective", "Chi hội Phụ nữ bản Phiêng Phát", "Xã Bình Lư", "eligible"),
    (2023, 0, "xa-ban-bo", "individual", "Lù Văn Thắng", "Trưởng thôn Nà Đon", "eligible"),
    (2023, 0, "xa-ban-bo", "household", "Hộ ông Lò Văn Pình", "Thôn Nà Đon, xã Bản Bo", "eligible"),
    (2023, 3, "xa-binh-lu", "individual", "Nguyễn Thị Hằng", "Công chức Văn hóa – Xã hội xã Bình Lư", "eligible"),
    (2025, 0, "xa-ban-bo", "collective", "UBND xã Bản Bo", "Xã Bản Bo", "eligible"),
    (2025, 0, "xa-binh-lu", "household", "Hộ bà Tẩn Thị Mai", "Bản Hon, xã Bình Lư", "eligible"),
    (2025, 1, "xa-ban-bo", "individual", "Lò Thị Xuân", "Cán bộ Hội Nông dân xã Bản Bo", "submitted"),
    (2025, 2, "xa-binh-lu", "individual", "Vàng A Sáng", "Phó Chủ tịch UBND xã Bình Lư", "submitted"),
    (2025, 4, "xa-binh-lu", "collective", "Hội Cựu chiến binh xã Bình Lư", "Xã Bình Lư", "submitted"),
]

ACHIEVEMENTS = ("Vận động hộ nghèo thoát nghèo bền vững, đóng góp Quỹ \"Vì người nghèo\", tham gia xây dựng nhà "
                "Đại đoàn kết và hỗ trợ sinh kế cho các hộ khó khăn trong giai đoạn.")

# 2023 session ballots: one row per council member (in COUNCIL order), one letter per nomination on the session.
# a = agree, d = disagree, o = no opinion. The absent member (last) votes in writing, on item 5 only.
BALLOTS_2023 = ["aaaaa", "aaaaa", "aaaad", "aadaa", "aaoaa", "adaaa", "aaaaa", "daaaa", "....a"]


def _types() -> list[AwardType]:
    rows = []
    for name, giver, kinds, quorum, threshold, strict, den, written, abstain, basis in TYPES:
        rows.append(AwardType(
            name=name, giver=giver, nominee_kinds=kinds, quorum_num=quorum[0], quorum_den=quorum[1],
            threshold_num=threshold[0], threshold_den=threshold[1], strictly_more=strict, denominator=den,
            written_ballots=written, allow_abstain=abstain, legal_basis=EXAMPLE + basis, is_example=True,
        ))
    db.session.add_all(rows)
    db.session.flush()
    rows[2].cap_percent, rows[2].cap_of_id = 15, rows[1].id
    return rows


def _council(password: str) -> list[int]:
    ids = []
    for username, full_name, function, unit_code in COUNCIL:
        user = ensure_demo_user(username, full_name, ["council_member"], unit_code, password)
        if db.session.scalar(select(CouncilMember.id).where(CouncilMember.user_id == user.id)) is None:
            db.session.add(CouncilMember(user_id=user.id, function=function))
        ids.append(user.id)
    db.session.flush()
    return ids


def seed_demo(password: str) -> None:
    """Create the demo award data once (idempotent: nothing is added when award types exist)."""
    if db.session.scalar(select(AwardType.id).limit(1)) is not None:
        return
    types = _types()
    member_ids = _council(password)
    rounds = {
        2023: NominationRound(name="Sơ kết giữa kỳ phong trào \"Tam Đường chung tay vì người nghèo\" 2021–2023",
                              year=2023, deadline=dt.date(2023, 10, 31), open=False),
        2025: NominationRound(name="Tổng kết phong trào \"Tam Đường chung tay vì người nghèo\" 2021–2025",
                              year=2025, deadline=dt.date(2025, 10, 31), open=True),
    }
    db.session.add_all(rounds.values())
    db.session.flush()
    units = {u.code: u.id for u in db.session.scalars(select(Unit))}
    noms = {2023: [], 2025: []}
    for year, type_index, unit_code, kind, nominee, position, state in NOMINATIONS:
        nom = Nomination(round_id=rounds[year].id, award_type_id=types[type_index].id, unit_id=units[unit_code],
                         kind=kind, nominee=nominee, position=position, achievements=ACHIEVEMENTS, state=state)
        db.session.add(nom)
        noms[year].append(nom)
    db.session.flush()
    closed = VotingSession(round_id=rounds[2023].id, title="Phiên họp Hội đồng TĐKT xét khen thưởng sơ kết 2023",
                           number="05/BB-HĐTĐKT", meeting_date=dt.date(2023, 11, 20), counting_head="Vàng Thị Lao")
    draft = VotingSession(round_id=rounds[2025].id, title="Phiên họp Hội đồng TĐKT xét khen thưởng tổng kết 2025",
                          number="", meeting_date=dt.date(2025, 11, 25), counting_head="")
    db.session.add_all([closed, draft])
    db.session.flush()
    services.add_items(closed, noms[2023])
    services.add_items(draft, [n for n in noms[2025] if n.state == "eligible"])
    services.open_session(closed)
    for entry in closed.roll:
        entry.present = entry.user_id != member_ids[-1]  # the last member is away and votes in writing
    db.session.commit()
    letters = {"a": "agree", "d": "disagree", "o": "abstain"}
    for user_id, row in zip(member_ids, BALLOTS_2023, strict=True):
        written = "." in row
        choices = {str(item.id): letters[ch] for item, ch in zip(closed.items, row, strict=True) if ch != "."}
        services.cast_ballot(closed.id, user_id, choices, written=written)
    services.close_session(closed.id)
    services.publish_session(db.session.get(VotingSession, closed.id))
    db.session.commit()
