"""Demo data: example award types, a council of 9, the 2023 and 2025 rounds, one closed and published session."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from portal.toolkit import Unit, db, ensure_demo_user, local_now, local_today

from .services import decisions, records, registrations, tally, voting
from .models import AwardType, CouncilMember, Decision, Nomination, NominationRound, Registration, VotingSession

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

# xã Bình Lư's emulation council, from 01/07/2025 (the commune chairman gives Giấy khen, Luật 06/2022 Điều 80 khoản 3)
COMMUNE_COUNCIL = [
    ("hdx_chutich", "Hoàng Văn Chủ", "chair", "xa-binh-lu-2025"),
    ("hdx_phochutich", "Lò Thị Phó", "vice_chair", "xa-binh-lu-2025"),
    ("hdx_thuky", "Đỗ Thị Văn Hóa", "secretary", "xa-binh-lu-2025"),
    ("hdx_mttq", "Tẩn Văn Mặt", "member", "mttq-xa-binh-lu-2025"),
    ("hdx_uyvien", "Vàng Thị Viên", "member", "xa-binh-lu-2025"),
]
COMMUNE_NOMINATIONS = [
    ("collective", "Bản mẫu C (dữ liệu mẫu)", "Bản mẫu C, xã Bình Lư", "ban-mau-binh-lu"),
    ("household", "Hộ ông Lò Văn Mẫu (dữ liệu mẫu)", "Bản mẫu C, xã Bình Lư", "ban-mau-binh-lu"),
    ("individual", "Tao Thị Mẫu (dữ liệu mẫu)", "Trưởng bản mẫu C", "ban-mau-binh-lu"),
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


def _council(password: str, members: list[tuple[str, str, str, str]] = COUNCIL) -> list[int]:
    ids = []
    for username, full_name, function, unit_code in members:
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
        # the district council's last round: it meets before the district level ends on 30/06/2025
        2025: NominationRound(name="Tổng kết phong trào \"Tam Đường chung tay vì người nghèo\" 2021–2025",
                              year=2025, deadline=dt.date(2025, 5, 31), open=False),
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
                          number="", meeting_date=dt.date(2025, 6, 20), counting_head="Sùng A Mặt",
                          place="Phòng họp UBND huyện Tam Đường")
    db.session.add_all([closed, draft])
    db.session.flush()
    voting.add_items(closed, noms[2023])
    voting.add_items(draft, [n for n in noms[2025] if n.state == "eligible"])
    voting.open_session(closed)
    for entry in closed.roll:
        entry.present = entry.user_id != member_ids[-1]  # the last member is away and votes in writing
    db.session.commit()
    letters = {"a": "agree", "d": "disagree", "o": "abstain"}
    for user_id, row in zip(member_ids, BALLOTS_2023, strict=True):
        written = "." in row
        choices = {str(item.id): letters[ch] for item, ch in zip(closed.items, row, strict=True) if ch != "."}
        voting.cast_ballot(closed.id, user_id, choices, written=written)
    tally.close_session(closed.id)
    tally.publish_session(db.session.get(VotingSession, closed.id))
    _dated(db.session.get(VotingSession, closed.id), dt.datetime(2023, 11, 20, 1, 30))
    db.session.commit()
    # Phòng LĐ-TB&XH merged into Phòng Nội vụ on 01/03/2025: its member leaves the council before the 2025 session
    for member in db.session.scalars(select(CouncilMember).join(CouncilMember.user)):
        if member.user.username == "hd_ldtbxh":
            member.active = False
    voting.open_session(draft)
    db.session.commit()
    for user_id in [m for m in member_ids if m != member_ids[5]]:
        choices = {str(item.id): "agree" for item in draft.items}
        voting.cast_ballot(draft.id, user_id, choices)
    tally.close_session(draft.id)
    tally.publish_session(db.session.get(VotingSession, draft.id))
    _dated(db.session.get(VotingSession, draft.id), dt.datetime(2025, 6, 20, 1, 30))
    db.session.commit()
    _commune_round(password, types[-1])


def _dated(session: VotingSession, opened: dt.datetime) -> None:
    """Sessions of past years carry their own meeting times, not the day the demo was loaded."""
    session.opened_at = opened
    session.closed_at = opened + dt.timedelta(hours=2)
    session.published_at = opened + dt.timedelta(hours=3)


def _commune_round(password: str, giay_khen: AwardType) -> None:
    """Live work after the district: xã Bình Lư's council votes today on Giấy khen of the commune chairman."""
    for member in db.session.scalars(select(CouncilMember)):
        member.active = False  # the district council ended with the district on 30/06/2025
    commune_ids = _council(password, COMMUNE_COUNCIL)
    for member in db.session.scalars(select(CouncilMember).where(CouncilMember.user_id.in_(commune_ids))):
        member.active = True
    units = {u.code: u for u in db.session.scalars(select(Unit))}
    today = local_today()
    live = NominationRound(name=f"Khen thưởng phong trào năm {today.year} – xã Bình Lư (dữ liệu mẫu)",
                           year=today.year, deadline=today + dt.timedelta(days=10), open=True)
    db.session.add(live)
    db.session.flush()
    noms = [Nomination(round_id=live.id, award_type_id=giay_khen.id, unit_id=units[code].id, kind=kind, nominee=nominee,
                       position=position, achievements=ACHIEVEMENTS, state="eligible")
            for kind, nominee, position, code in COMMUNE_NOMINATIONS]
    db.session.add_all(noms)
    session = VotingSession(round_id=live.id, title=f"Phiên họp Hội đồng TĐKT xã Bình Lư năm {today.year} (dữ liệu mẫu)",
                            number="", meeting_date=today, counting_head="Tẩn Văn Mặt", counting_members="Vàng Thị Viên",
                            place="Hội trường UBND xã Bình Lư", council_unit_id=units["xa-binh-lu-2025"].id)
    db.session.add(session)
    db.session.flush()
    voting.add_items(session, noms)
    voting.open_session(session)
    session.opened_at = local_now().astimezone(dt.UTC).replace(tzinfo=None) - dt.timedelta(minutes=30)
    db.session.commit()
    voting.cast_ballot(session.id, commune_ids[0], {str(item.id): "agree" for item in session.items})
    db.session.commit()


SAMPLE = "Dữ liệu mẫu – "  # every registration, decision and hand-entered record of the demo says so

# unit code, state, commitment, [(award index, kind, name, position)]
# registrations in today's round of xã Bình Lư's council, by the communes formed on 01/07/2025
REGISTRATIONS = [
    ("xa-ban-bo-2025", "approved", "Phấn đấu giảm 3 % hộ nghèo, 100 % cán bộ hoàn thành tốt nhiệm vụ, không có hộ tái nghèo.",
     [(1, "individual", "Lò Thị Xuân", "Cán bộ Hội Nông dân xã Bản Bo"),
      (0, "collective", "UBND xã Bản Bo", "Xã Bản Bo")]),
    ("xa-binh-lu-2025", "submitted", "Vận động 100 % cán bộ, công chức ủng hộ ít nhất một ngày lương cho Quỹ \"Vì người nghèo\".",
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
    live = db.session.scalar(select(NominationRound).where(NominationRound.open.is_(True))
                             .order_by(NominationRound.id.desc()).limit(1))
    if len(types) < len(TYPES) or live is None:
        return
    units = {u.code: u.id for u in db.session.scalars(select(Unit))}
    # rules as data: Lao động tiên tiến needs a registration; the provincial title looks back at 3 years of CSTĐCS
    types[1].requires_registration = True
    types[3].lookback_type_id, types[3].lookback_years = types[2].id, 3
    types[0].bonus = 300_000
    for code, state, commitment, entries in REGISTRATIONS:
        reg = registrations.save_registration(
            live.id, units[code], SAMPLE + commitment,
            [registrations.EntryInput(types[i].id, kind, name, pos) for i, kind, name, pos in entries], submit=True)
        if state == "approved":
            db.session.flush()
            registrations.review_registration(reg.id, True, "")
    for kind, holder, code, year, i, number, day in RECORDS:
        records.add_achievement(kind=kind, holder=holder, unit_id=units[code], year=year, award_type_id=types[i].id,
                                title=types[i].name, decision_number=number, decision_date=day, source="manual",
                                note=SAMPLE + "nhập từ hồ sơ giấy")
    published = db.session.scalar(select(VotingSession).where(VotingSession.state == "published"))
    if published is not None:
        decision = decisions.draft_decision([published.id], SAMPLE + "Về việc khen thưởng các tập thể, cá nhân, hộ gia "
                                          "đình có thành tích xuất sắc trong sơ kết phong trào 2021–2023",
                                          dt.date(2023, 11, 28))
        decision.signer_name, decision.public = "Nguyễn Văn Mẫu", True
        decision.submission_number = "25/TTr-NV"
        db.session.flush()
        decisions.issue_decision(decision.id, None)
    db.session.commit()
