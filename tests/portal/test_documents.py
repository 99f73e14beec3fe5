"""Document headers from the directory and numbers per issuer and year, gapless."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from portal.documents import issue_number, issued_number, issuer_of, take_number
from portal.extensions import db
from portal.models import DocumentNumber, Unit


def test_issuer_superior_and_place_come_from_the_directory(app, make_unit):
    district = make_unit("UBND huyện Tam Đường", kind="district", code="ubnd-huyen")
    commune = make_unit("Xã Bản Bo", parent_id=district, code="xa-ban-bo")
    agency = make_unit("Phòng Nội vụ", kind="agency", parent_id=district, code="phong-noi-vu")
    front = make_unit("Ủy ban MTTQ Việt Nam huyện", kind="mass_org", parent_id=district, code="mttq-huyen")
    farmers = make_unit("Hội Nông dân huyện", kind="mass_org", parent_id=front, code="hoi-nong-dan")
    new_commune = make_unit("Xã Bình Lư", code="xa-binh-lu-2025", valid_from=dt.date(2025, 7, 1))
    with app.app_context():
        c = issuer_of(db.session.get(Unit, commune))
        assert (c.name, c.superior, c.place, c.abbreviation) == ("ỦY BAN NHÂN DÂN XÃ BẢN BO", None, "Bản Bo", "UBND")
        a = issuer_of(db.session.get(Unit, agency))
        assert (a.name, a.superior, a.place) == ("PHÒNG NỘI VỤ", "ỦY BAN NHÂN DÂN HUYỆN TAM ĐƯỜNG", "Tam Đường")
        assert issuer_of(db.session.get(Unit, front)).superior is None
        assert issuer_of(db.session.get(Unit, farmers)).superior == "ỦY BAN MTTQ VIỆT NAM HUYỆN"
        n = issuer_of(db.session.get(Unit, new_commune))
        assert (n.name, n.superior, n.place) == ("ỦY BAN NHÂN DÂN XÃ BÌNH LƯ", None, "Bình Lư")


def test_numbers_run_per_issuer_and_year_and_a_rollback_leaves_no_gap(app, make_unit):
    commune = make_unit("Xã Bản Bo")
    with app.app_context():
        iss = issuer_of(db.session.get(Unit, commune))
        day = dt.date(2025, 11, 5)
        assert issue_number("reports_submission", 1, iss, "BC", day) == "1/BC-UBND"
        assert issue_number("reports_submission", 1, iss, "BC", day) == "1/BC-UBND"  # once per record
        db.session.commit()
        assert issue_number("reports_submission", 2, iss, "BC", day) == "2/BC-UBND"
        db.session.rollback()  # the document was not issued: its number is free again
        assert issue_number("reports_submission", 3, iss, "BC", day) == "2/BC-UBND"
        assert issue_number("reports_submission", 4, iss, "BC", dt.date(2026, 1, 2)) == "1/BC-UBND"
        assert take_number("other-issuer", 2025) == 1
        db.session.commit()
        assert issued_number("reports_submission", 2) is None and issued_number("reports_submission", 3) == "2/BC-UBND"
        rows = {(r.issuer_key, r.year): r.last for r in db.session.scalars(select(DocumentNumber))}
        assert rows == {(iss.key, 2025): 2, (iss.key, 2026): 1, ("other-issuer", 2025): 1}
