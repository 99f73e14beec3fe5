"""Demo data: example award types, a council of 9, the 2023 and 2025 rounds, one closed and published session."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from portal.toolkit import Unit, db, ensure_demo_user

from . import process, services
from .models import AwardType, CouncilMember, Decision, Nomination, NominationRound, Registration, VotingSession

EXAMPLE = "Ví dụ – cần đối chiếu với quy định hiện hành trước khi sử dụng. "

# name, giver, kinds, quorum, threshold, strictly more, denominator, written ballots, abstain, legal basis
TYPES = [
    ("Giấy khen của Chủ tịch UBND huyện", "Chủ tịch UBND huyện Tam Đường", "collective,individual,household",
     (2, 3), (1, 2), True, "present", False, True,
     "Luật Thi đua, khen thưởng 2022, Điều 80 (thẩm quyền của Chủ tịch UBND cấp huyện); quy chế Hội đồng TĐKT huyện."),
    ("Lao động tiên tiến", "Chủ tịch UBND huyện Tam Đường", "individual",
     (2, 3), (1, 2), True, "valid", False, True, "Luật Thi đua, khen thưởng 2022, Điều 26."),
    ("Chiến sĩ thi đua cơ sở", "Chủ tịch UBND huyện Tam Đường", "individual",
     (2, 3), (70, 100), False, "valid", False, True,
     "Luật Thi đua, khen thưởng 2022, Điều 25; tỷ lệ không quá 15 % số cá nhân đạt Lao động tiên tiến."),
    ("Đề nghị Chiến sĩ thi đua cấp tỉnh", "Chủ tịch UBND tỉnh Lai Châu (huyện đề nghị)", "individual",
     (2, 3), (90, 100), False, "members", True, False,
     "Nghị định 91/2017/NĐ-CP: từ 90 % tổng số thành viên Hội đồng đồng ý; thành viên vắng mặt cho ý kiến bằng văn bản."),
    ("Đề nghị Bằng khen của Chủ tịch UBND tỉnh", "Chủ tịch UBND tỉnh Lai Châu (huyện đề nghị)",
     "collective,individual,household", (2, 3), (70, 100), False, "members", True, True,
     "Luật Thi đua, khen thưởng 2022, Điều 74; quy chế Hội đồng TĐKT tỉnh."),
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
    """Create the demo award data once (idempotent: each part is added only when it is missing)."""
    if db.session.scalar(select(AwardType.id).limit(1)) is None:
        _seed_voting(password)
    _seed_process()


def _seed_voting(password: str) -> None:
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


SAMPLE = "Dữ liệu mẫu – "  # every registration, decision and hand-entered record of the demo says so

# unit code, state, commitment, [(award index, kind, name, position)]
REGISTRATIONS = [
    ("xa-ban-bo", "approved", "Phấn đấu giảm 3 % hộ nghèo, 100 % cán bộ hoàn thành tốt nhiệm vụ, không có hộ tái nghèo.",
     [(1, "individual", "Lò Thị Xuân", "Cán bộ Hội Nông dân xã Bản Bo"),
      (0, "collective", "UBND xã Bản Bo", "Xã Bản Bo")]),
    ("xa-binh-lu", "submitted", "Vận động 100 % cán bộ, công chức ủng hộ ít nhất một ngày lương cho Quỹ \"Vì người nghèo\".",
     [(2, "individual", "Vàng A Sáng", "Phó Chủ tịch UBND xã Bình Lư")]),
]

# earlier awards entered by hand: (kind, holder, unit code, year, award index, decision number, date)
RECORDS = [
    ("individual", "Nguyễn Thị Hằng", "xa-binh-lu", 2021, 2, "86/QĐ-UBND", dt.date(2021, 12, 20)),
    ("individual", "Nguyễn Thị Hằng", "xa-binh-lu", 2022, 2, "112/QĐ-UBND", dt.date(2022, 12, 16)),
    ("individual", "Vàng A Sáng", "xa-binh-lu", 2024, 1, "95/QĐ-UBND", dt.date(2024, 12, 18)),
    ("collective", "UBND xã Bản Bo", "xa-ban-bo", 2022, 0, "110/QĐ-UBND", dt.date(2022, 12, 16)),
]


def _seed_process() -> None:
    """Registrations of the 2025 round, the decision on the published 2023 session, earlier awards by hand."""
    if db.session.scalar(select(Decision.id).limit(1)) is not None or \
            db.session.scalar(select(Registration.id).limit(1)) is not None:
        return
    types = list(db.session.scalars(select(AwardType).where(AwardType.is_example.is_(True)).order_by(AwardType.id)))
    rounds = {r.year: r for r in db.session.scalars(select(NominationRound))}
    if len(types) < len(TYPES) or 2025 not in rounds:
        return
    units = {u.code: u.id for u in db.session.scalars(select(Unit))}
    # rules as data: Lao động tiên tiến needs a registration; the provincial title looks back at 3 years of CSTĐCS
    types[1].requires_registration = True
    types[3].lookback_type_id, types[3].lookback_years = types[2].id, 3
    types[0].bonus = 300_000
    for code, state, commitment, entries in REGISTRATIONS:
        reg = process.save_registration(
            rounds[2025].id, units[code], SAMPLE + commitment,
            [process.EntryInput(types[i].id, kind, name, pos) for i, kind, name, pos in entries], submit=True)
        if state == "approved":
            db.session.flush()
            process.review_registration(reg.id, True, "")
    for kind, holder, code, year, i, number, day in RECORDS:
        process.add_achievement(kind=kind, holder=holder, unit_id=units[code], year=year, award_type_id=types[i].id,
                                title=types[i].name, decision_number=number, decision_date=day, source="manual",
                                note=SAMPLE + "nhập từ hồ sơ giấy")
    published = db.session.scalar(select(VotingSession).where(VotingSession.state == "published"))
    if published is not None:
        decision = process.draft_decision([published.id], SAMPLE + "Về việc khen thưởng các tập thể, cá nhân, hộ gia "
                                          "đình có thành tích xuất sắc trong sơ kết phong trào 2021–2023",
                                          dt.date(2023, 11, 28))
        decision.signer_name, decision.public = "Nguyễn Văn Mẫu", True
        decision.submission_number = "25/TTr-NV"
        db.session.flush()
        process.issue_decision(decision.id, None)
    db.session.commit()
