"""Demo data: fund years 2021–2025 with realistic gifts (anonymous ones, gifts in kind), support paid to poor
households, pledges, and one reversed receipt. Idempotent: does nothing once fund years exist."""
from __future__ import annotations

import datetime as dt
import random

from sqlalchemy import func, select

from portal.toolkit import Unit, db, ensure_demo_user, local_today

from .services.entries import approve, pay, propose, record_contribution, reverse_contribution
from .services.units import save_pledge
from .services.years import create_year, ensure_categories
from .models import Campaign, Category, FundYear

PEOPLE = [
    "Nguyễn Văn Hùng", "Trần Thị Lan", "Lò Văn Thắng", "Hoàng Thị Mai", "Phạm Minh Tuấn", "Đặng Thị Hoa",
    "Vàng A Chứ", "Tẩn Thị Mẩy", "Lê Quang Huy", "Sùng A Páo", "Bùi Thị Thu", "Giàng Seo Phử",
]
HOUSEHOLDS = ["Hộ ông Lù Văn Pằn", "Hộ bà Lò Thị Xuân", "Hộ ông Nguyễn Văn Lợi", "Hộ ông Tao Văn Ón"]
ORGS = ["Ngân hàng Chính sách xã hội huyện", "Bộ Chỉ huy Quân sự huyện", "Công an huyện Tam Đường", "Chi nhánh Điện lực Tam Đường"]
BENEFICIARIES = [
    "Lò Văn Xương", "Tẩn A Sinh", "Vàng Thị Dính", "Sùng A Lử", "Giàng Thị Sao", "Lù Văn Ến", "Chảo Láo Tả",
    "Phàn A Chạn", "Lý Thị Mẩy", "Tao Văn Khiêm", "Hạng A Chá", "Đèo Văn Lả", "Mào Thị Inh", "Lường Văn Piếng",
]
VILLAGES = ["Bản Nà Khum", "Bản Sin Chải", "Bản Cốc Phát", "Bản Hồ Thầu", "Bản Nậm Đích", "Bản Phiêng Phát",
            "Bản Coóc Lầu", "Bản Lản Nhì Thàng"]
IN_KIND = [("50 bao gạo loại 25 kg", 18_750_000), ("120 chiếc chăn ấm", 30_000_000), ("300 bộ sách vở cho học sinh", 15_000_000),
           ("2 tấn xi măng làm nhà Đại đoàn kết", 3_200_000)]
PURPOSES = {
    "house": "Hỗ trợ làm nhà Đại đoàn kết",
    "gift": "Tặng quà cho hộ nghèo",
    "other": "Hỗ trợ hộ nghèo",
}


def _day(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=rng.randrange((end - start).days + 1))


def _at(day: dt.date) -> dt.datetime:
    """A working-hours timestamp (UTC) on ``day`` for demo records."""
    return dt.datetime.combine(day, dt.time(2, 30))


def _round(amount: int) -> int:
    return amount // 100_000 * 100_000


def _valid(unit: Unit, start: dt.date, end: dt.date) -> bool:
    """The unit exists over the whole window: no gift or payment is dated outside its life."""
    return (unit.valid_from is None or unit.valid_from <= start) and (unit.valid_to is None or unit.valid_to >= end)


DISTRICT_END = dt.date(2025, 6, 30)  # the district level (and its Front committee) ends; the communes carry on
PLAN = [("Nhà Đại đoàn kết", 3, 40_000_000, 60_000_000), ("Sinh kế, hỗ trợ sản xuất", 3, 10_000_000, 20_000_000),
        ("Y tế", 2, 3_000_000, 8_000_000), ("Giáo dục", 3, 1_000_000, 3_000_000), ("Quà Tết", 8, 500_000, 1_000_000),
        ("Cứu trợ đột xuất", 1, 5_000_000, 10_000_000), ("Công trình an sinh", 1, 80_000_000, 150_000_000)]


def seed(password: str) -> None:
    board = ensure_demo_user("mttq", "Lê Thị Mặt Trận", ["fund_board"], "mttq-huyen", password)
    head = ensure_demo_user("truongban", "Giàng A Trưởng", ["fund_board"], "mttq-huyen", password)
    ensure_categories()
    if db.session.scalar(select(func.count(FundYear.id))):
        return
    rng = random.Random(2021)
    units = {u.code: u for u in db.session.scalars(select(Unit))}
    mttq = units.get("mttq-huyen")
    cats = {c.name: c for c in db.session.scalars(select(Category))}
    today = local_today()
    years: dict[int, FundYear] = {}
    for label in range(2021, 2026):
        years[label] = create_year(label, carried_in=350_000_000 if label == 2021 else 0)
        _season(rng, years[label], years[label].start, min(years[label].end, DISTRICT_END), units, cats, board, head,
                mobiliser=mttq, pending=False, sample=False)
    # From 01/07/2025 the Fatherland Front committee of xã Bình Lư (the former district seat) runs the fund.
    if "mttq-xa-binh-lu-2025" not in units or today <= DISTRICT_END:
        db.session.flush()
        return
    board = ensure_demo_user("mttq_binhlu", "Tẩn Thị Quỹ", ["fund_board"], "mttq-xa-binh-lu-2025", password)
    head = ensure_demo_user("truongban_binhlu", "Lò Văn Ban", ["fund_board"], "mttq-xa-binh-lu-2025", password)
    for label in range(2025, today.year + 1):
        year = years.get(label) or create_year(label)
        start = max(year.start, DISTRICT_END + dt.timedelta(days=1))
        end = min(year.end, today)
        if end >= start:
            _season(rng, year, start, end, units, cats, board, head, mobiliser=units["mttq-xa-binh-lu-2025"],
                    pending=label == today.year, sample=True)
    db.session.flush()


def _season(rng: random.Random, year: FundYear, start: dt.date, end: dt.date, units: dict[str, Unit],
            cats: dict[str, Category], board: object, head: object, mobiliser: Unit | None, pending: bool,
            sample: bool) -> None:
    """Gifts, payments and pledges of one fund year between ``start`` and ``end`` by the bodies alive then."""
    note = "Dữ liệu mẫu" if sample else None
    agencies = [u for u in units.values() if u.kind in ("agency", "mass_org", "district") and _valid(u, start, end)]
    communes = [u for u in units.values() if u.kind == "commune" and _valid(u, start, end)]
    enterprises = [u for u in units.values() if u.kind == "enterprise" and _valid(u, start, end)]
    label = year.label
    for campaign in db.session.scalars(select(Campaign).where(Campaign.fund_year_id == year.id)):
        campaign.goal = 500_000_000 + (int(label) - 2021) * 50_000_000
    gifts = []
    for unit in agencies:  # one day's pay of every official, mostly in the peak month
        gifts.append(dict(donor_unit_id=unit.id, donor_type="agency", amount=_round(rng.randint(3_000_000, 25_000_000)),
                          method=rng.choice(["cash", "transfer"]), mobilised_by_id=mobiliser.id if mobiliser else None))
    for unit in enterprises:
        gifts.append(dict(donor_unit_id=unit.id, donor_type="enterprise", amount=_round(rng.randint(30_000_000, 120_000_000)),
                          method="transfer", mobilised_by_id=mobiliser.id if mobiliser else None))
    for name in rng.sample(ORGS, 3):
        gifts.append(dict(donor_name=name, donor_type="organisation", amount=_round(rng.randint(10_000_000, 60_000_000)),
                          method="transfer"))
    for name in rng.sample(PEOPLE, 6):
        gifts.append(dict(donor_name=name, donor_type="person", amount=_round(rng.randint(500_000, 10_000_000)),
                          method="cash", anonymous=rng.random() < 0.3,
                          mobilised_by_id=rng.choice(communes).id if communes else None))
    for name in rng.sample(HOUSEHOLDS, 2):
        gifts.append(dict(donor_name=name, donor_type="household", amount=_round(rng.randint(200_000, 2_000_000)),
                          method="cash"))
    for _i in range(2):
        gifts.append(dict(donor_name="Nhà hảo tâm giấu tên", donor_type="person", anonymous=True, method="cash",
                          amount=_round(rng.randint(5_000_000, 50_000_000))))
    what, value = IN_KIND[int(label) % len(IN_KIND)]
    gifts.append(dict(donor_unit_id=enterprises[0].id if enterprises else None,
                      donor_name=None if enterprises else "Doanh nghiệp tư nhân Hoa Ban", donor_type="enterprise",
                      amount=value, method="in_kind", in_kind_description=what))
    peak = db.session.scalar(select(Campaign).where(Campaign.fund_year_id == year.id))
    in_window = peak is not None and start <= peak.start and peak.end <= end
    for values in gifts:
        day = _day(rng, peak.start, peak.end) if in_window and rng.random() < 0.7 else _day(rng, start, end)
        record_contribution({"date": day, "recorded_at": _at(day), "note": note, **values}, board.id)
    if label == 2023 or label == "2023":  # a receipt typed with the wrong amount: reversed, then entered again
        wrong = record_contribution(dict(date=dt.date(2023, 10, 20), donor_name="Trần Thị Lan", donor_type="person",
                                            amount=50_000_000, method="cash"), board.id)
        reverse_contribution(wrong.id, "Nhập nhầm số tiền: đúng là 5.000.000 đồng", board.id, dt.date(2023, 10, 21))
        record_contribution(dict(date=dt.date(2023, 10, 21), donor_name="Trần Thị Lan", donor_type="person",
                                    amount=5_000_000, method="cash"), board.id)
    for cat_name, count, low, high in PLAN:
        cat = cats[cat_name]
        for n in range(count):
            if not communes:
                break
            commune, village = rng.choice(communes), rng.choice(VILLAGES)
            tet = dt.date(int(label), 1, 20)
            if cat_name == "Quà Tết" and start <= tet <= end:
                day = tet  # before Tết
            else:  # most support is paid after the peak month has filled the fund
                after_peak = dt.date(int(label), 11, 20)
                day = _day(rng, after_peak, end) if after_peak <= end and not pending else \
                    _day(rng, min(start + dt.timedelta(days=30), end), end)
            item = propose(dict(
                category_id=cat.id, commune_id=commune.id, village=village,
                beneficiary=f"Nhà văn hóa {village}" if cat_name == "Công trình an sinh" else rng.choice(BENEFICIARIES),
                household_status=rng.choice(["poor", "poor", "near_poor"]), amount=_round(rng.randint(low, high)),
                purpose=f"{PURPOSES[cat.kind]} ({cat_name})", decision_no=f"{rng.randint(10, 250)}/QĐ-MTTQ",
                note=note), board.id)
            item.proposed_at = _at(max(start, day - dt.timedelta(days=21)))
            if pending and n == count - 1 and cat_name in ("Nhà Đại đoàn kết", "Y tế"):
                continue  # waits for approval in the current year
            approve(item.id, head.id)
            item.approved_at = _at(max(start, day - dt.timedelta(days=7)))
            pay(item.id, board.id, day, at=_at(day))
    if peak and _valid_at_start(peak.start, end):
        pledgers = [u for u in agencies if u.code in ("phong-ldtbxh", "hoi-nong-dan", "hoi-phu-nu", "huyen-doan")]
        pledgers += [u for u in units.values() if u.kind in ("commune", "mass_org") and _valid(u, peak.start, peak.end)
                     and u.valid_from and u.valid_from > DISTRICT_END]
        for unit in (pledgers if sample else pledgers + communes[:4]):
            if _valid(unit, peak.start, peak.start):
                save_pledge(peak.id, unit.id, _round(rng.randint(5_000_000, 40_000_000)))


def _valid_at_start(campaign_start: dt.date, end: dt.date) -> bool:
    return campaign_start <= end
