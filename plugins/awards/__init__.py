"""Awards: nominations and secret-ballot voting of the Emulation and Commendation Council."""
from __future__ import annotations

from pathlib import Path

from portal.plugin import NavItem, Permission, Plugin, Widget
from portal.toolkit import _l

from . import labels, models
from .refs import resolve_ref
from .review import review_sections
from .blueprint import bp
from .demo import seed_demo
from .permissions import MANAGE, NOMINATE, NOTICE_KINDS, REGISTRATIONS, VIEW, VOTE

plugin = Plugin(
    name="awards",
    title=_l("Awards and council voting"),
    blueprint=bp,
    models=models,
    labels=labels,
    stylesheets=("awards.css",),
    scripts=("awards.js",),
    notice_kinds=NOTICE_KINDS,
    permissions=(
        Permission(NOMINATE, _l("Nominate the unit's collectives, individuals and households for awards"),
                   {"unit_reporter": "unit", "council_secretariat": "all"}),
        Permission(MANAGE, _l("Manage award types, the council, rounds and voting sessions"),
                   {"council_secretariat": "all"}),
        Permission(VOTE, _l("Vote as a council member"), {"council_member": "all"}),
        Permission(REGISTRATIONS, _l("See who has registered for emulation, approve or return registrations, export "
                                     "the district summary"), {"standing_office": "all", "council_secretariat": "all"}),
        Permission(VIEW, _l("See nominations and published award results"),
                   {"unit_reporter": "unit", "leadership": "all", "standing_office": "all", "council_member": "all",
                    "council_secretariat": "all", "admin": "all"}),
    ),
    nav=(NavItem("awards.index", _l("Awards"), permission=VIEW, order=40),),
    widgets=(
        Widget("awards.widget_vote", _l("Council votes open for me"), permission=VOTE, order=10),
        Widget("awards.widget_review", _l("Nominations awaiting review"), permission=MANAGE, order=20),
        Widget("awards.widget_results", _l("Awards given"), permission=VIEW, order=8, all_units=True),
    ),
    default_config={
        "AWARDS_TURNOUT_POLL_SECONDS": 3, "AWARDS_MAX_FILE_BYTES": 10 * 1024 * 1024,
        # unit kinds expected to register (đăng ký thi đua) in every round
        "AWARDS_REGISTRATION_UNIT_KINDS": ["agency", "mass_org", "commune", "enterprise"],
        # decisions (Quyết định khen thưởng): defaults of a new draft, all editable per decision
        "AWARDS_DECISION_SUFFIX": "QĐ-UBND",
        "AWARDS_DECISION_ISSUER": "Ủy ban nhân dân|huyện Tam Đường",  # header lines, "|" between them
        "AWARDS_DECISION_AUTHORITY": "Chủ tịch Ủy ban nhân dân huyện Tam Đường",
        "AWARDS_SIGNER_TITLE": "Chủ tịch",
        "AWARDS_SUBMISSION_ISSUER": "Phòng Nội vụ",
        "AWARDS_SUBMISSION_SUPERIOR": "UBND huyện Tam Đường",
        "AWARDS_DECISION_BASIS": [
            "Căn cứ Luật Tổ chức chính quyền địa phương;",
            "Căn cứ Luật Thi đua, khen thưởng số 06/2022/QH15 ngày 15 tháng 6 năm 2022;",
            "Căn cứ Nghị định số 98/2023/NĐ-CP ngày 31 tháng 12 năm 2023 của Chính phủ quy định chi tiết thi hành "
            "một số điều của Luật Thi đua, khen thưởng;",
        ],
        "AWARDS_DECISION_RECIPIENTS": [
            "Như Điều 3;", "Thường trực Huyện ủy, HĐND huyện (b/c);", "Chủ tịch, các Phó Chủ tịch UBND huyện;",
            "Lưu: VT, NV.",
        ],
    },
    translations=Path(__file__).with_name("translations"),
    migrations=Path(__file__).with_name("migrations"),
    seed_demo=seed_demo,
    review_sections=review_sections,
    resolve_ref=resolve_ref,
)
