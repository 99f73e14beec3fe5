"""The cross-plugin contract used for real, with no import between plugins: an inspection finding proposed as an
exemplar in one click (record_links + resolve_ref), a nomination citing an exemplar and showing it among its
evidence (subject evidence), fostering linked to a fund disbursement by an opaque reference."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from portal.extensions import db


@pytest.fixture
def enabled_plugins() -> list[str]:
    return ["inspections", "awards", "fund", "exemplars"]


@pytest.fixture
def finding(app, communes, make_user) -> int:
    from plugins.inspections.models import ChecklistItem, ChecklistSection, ChecklistTemplate, Finding, Inspection

    leader = make_user("truongdoan", ["inspector"])
    with app.app_context():
        t = ChecklistTemplate(code="kt", version=1, title="Bảng kiểm tra", frozen=True)
        db.session.add(t)
        db.session.flush()
        s = ChecklistSection(template_id=t.id, position=1, title="Sinh kế")
        db.session.add(s)
        db.session.flush()
        item = ChecklistItem(template_id=t.id, section_id=s.id, position=1, text="Có mô hình sinh kế hiệu quả")
        db.session.add(item)
        i = Inspection(template_id=t.id, unit_id=communes["ban_bo"], year=2024, planned_date=dt.date(2024, 5, 20),
                       state="completed", leader_id=leader.id)
        db.session.add(i)
        db.session.flush()
        f = Finding(inspection_id=i.id, item_id=item.id, description="Tổ liên kết nuôi lợn đen của 12 hộ nghèo",
                    recommendation="Nhân rộng ra các bản", responsible_unit_id=communes["ban_bo"],
                    due_date=dt.date(2024, 12, 31))
        db.session.add(f)
        db.session.commit()
        return f.id


def test_a_finding_is_proposed_as_an_exemplar_through_the_hook(app, client, login_as, finding, communes):
    from plugins.exemplars.models import Exemplar

    login_as("ktv", ["inspector"])
    page = client.get(f"/inspections/findings/{finding}").get_data(as_text=True)
    link = f"/exemplars/new?source=inspections:finding:{finding}"
    assert "Đề xuất làm điển hình" in page and link in page
    form = client.get(link).get_data(as_text=True)
    assert "Tổ liên kết nuôi lợn đen của 12 hộ nghèo" in form  # the finding's text, through resolve_ref
    assert "Kiến nghị của đợt kiểm tra tại Xã Bản Bo" in form
    resp = client.post("/exemplars/new", data={
        "source_ref": f"inspections:finding:{finding}", "kind": "model", "title": "Tổ liên kết nuôi lợn đen",
        "unit_id": communes["ban_bo"], "sector": "livelihood", "description": "12 hộ nghèo nuôi lợn đen",
        "source": "inspection", "households": "12"})
    assert resp.status_code == 302
    with app.app_context():
        ex = db.session.scalar(select(Exemplar))
        assert (ex.source, ex.source_ref) == ("inspection", f"inspections:finding:{finding}")
    # the finding now shows the exemplar proposed from it, and the exemplar links back to the finding
    assert "Mô hình được nêu: Tổ liên kết nuôi lợn đen" in client.get(f"/inspections/findings/{finding}").get_data(as_text=True)
    assert f"/inspections/findings/{finding}" in client.get(f"/exemplars/{ex.id}").get_data(as_text=True)


def test_a_broken_source_reference_is_refused(client, login_as):
    login_as("vanphong", ["standing_office"])
    assert client.get("/exemplars/new?source=inspections:finding:999").status_code == 404
    assert client.get("/exemplars/new?source=<script>").status_code == 200  # not a reference: a plain proposal


def _nomination(app, unit_id: int) -> int:
    from plugins.awards.models import AwardType, Nomination, NominationRound

    with app.app_context():
        r = NominationRound(name="Tổng kết 2021–2025", year=2025, open=True)
        t = AwardType(name="Giấy khen", giver="Chủ tịch UBND huyện", nominee_kinds="collective,individual,household",
                      quorum_num=2, quorum_den=3, threshold_num=1, threshold_den=2, strictly_more=True,
                      denominator="valid", written_ballots=False, allow_abstain=True, legal_basis="")
        db.session.add_all([r, t])
        db.session.flush()
        n = Nomination(round_id=r.id, award_type_id=t.id, unit_id=unit_id, kind="collective",
                       nominee="Tổ hợp tác thảo quả Sin Chải", achievements="Giúp 9 hộ thoát nghèo")
        db.session.add(n)
        db.session.commit()
        return n.id


def test_a_nomination_cites_an_exemplar_and_shows_it_as_evidence(app, client, login_as, communes, make_exemplar):
    ex = make_exemplar(state="verified")
    proposed = make_exemplar("Mô hình chưa xác minh")
    nom = _nomination(app, communes["ban_bo"])
    login_as("canbo_banbo", ["unit_reporter"], communes["ban_bo"])
    page = client.get(f"/awards/nominations/{nom}").get_data(as_text=True)
    cite = f"/exemplars/cite?ref=awards:nomination:{nom}"
    assert "Dẫn chứng điển hình, mô hình" in page and cite in page
    form = client.get(cite).get_data(as_text=True)
    assert "Trồng thảo quả dưới tán rừng" in form and "chưa xác minh" not in form  # only verified ones
    assert client.post(cite, data={"exemplar_id": proposed}).status_code == 422
    resp = client.post(cite, data={"exemplar_id": ex})
    assert resp.status_code == 302 and resp.headers["Location"].endswith(f"/awards/nominations/{nom}")
    again = client.post(cite, data={"exemplar_id": ex})
    assert again.status_code == 409
    page = client.get(f"/awards/nominations/{nom}").get_data(as_text=True)
    assert "Điển hình, mô hình: Trồng thảo quả dưới tán rừng" in page  # in "Evidence from other modules"
    assert "24 hộ tham gia, 9 hộ thoát nghèo" in page
    assert "Hồ sơ đề nghị khen thưởng: Tổ hợp tác thảo quả Sin Chải" in client.get(f"/exemplars/{ex}").get_data(as_text=True)


def test_another_unit_may_not_cite_for_a_nomination(app, client, login_as, communes, make_exemplar):
    make_exemplar(state="verified")
    nom = _nomination(app, communes["ban_bo"])
    login_as("canbo_hothau", ["unit_reporter"], communes["ho_thau"])
    assert client.get(f"/exemplars/cite?ref=awards:nomination:{nom}").status_code == 403
    assert client.get("/exemplars/cite?ref=awards:nomination:999").status_code == 404
    assert client.get("/exemplars/cite?ref=fund:disbursement:1").status_code == 404  # not a citing kind


def test_fostering_links_a_fund_disbursement_by_reference(app, client, login_as, communes, make_exemplar):
    from plugins.exemplars.models import CycleStep
    from plugins.fund.models import Category, Disbursement

    ex = make_exemplar(state="verified")
    with app.app_context():
        c = Category(name="Sinh kế, hỗ trợ sản xuất", kind="out", position=1, active=True)
        db.session.add(c)
        db.session.flush()
        d = Disbursement(category_id=c.id, beneficiary="Tổ hợp tác thảo quả", commune_id=communes["ban_bo"],
                         amount=30_000_000, purpose="Hỗ trợ giống thảo quả", state="paid")
        db.session.add(d)
        db.session.commit()
        disbursement = d.id
    login_as("vanphong", ["standing_office", "fund_board"])
    resp = client.post(f"/exemplars/{ex}/foster", data={"note": "Giống thảo quả", "amount": "30.000.000",
                                                       "disbursement": str(disbursement)})
    assert resp.status_code == 302
    with app.app_context():
        step = db.session.scalar(select(CycleStep).where(CycleStep.action == "foster"))
        assert step.disbursement_ref == f"fund:disbursement:{disbursement}"
    page = client.get(f"/exemplars/{ex}").get_data(as_text=True)
    assert f"/fund/disbursements/{disbursement}" in page and "Hỗ trợ giống thảo quả" in page


def test_the_core_reference_helpers():
    from portal.toolkit import make_ref, parse_ref

    assert make_ref("awards", "nomination", 5) == "awards:nomination:5"
    assert parse_ref("awards:nomination:5") == ("awards", "nomination", 5)
    for bad in ("", None, "awards:nomination", "awards:nomination:0", "Awards:x:1", "a:b:1:2", "a:b:" + "9" * 30):
        assert parse_ref(bad) is None
    with pytest.raises(ValueError):
        make_ref("Bad Name", "x", 1)


@pytest.mark.parametrize("enabled_plugins", [["reports", "exemplars"]])
def test_a_units_report_names_its_models(app, client, login_as, communes, make_exemplar, enabled_plugins):
    from plugins.reports.models import Period, PeriodUnit, Submission
    from tests.plugins.reports.conftest import build_form

    ex = make_exemplar(state="verified")
    with app.app_context():
        form = build_form([("poor", "integer", {"label": "Số hộ nghèo"})], [])
        period = Period(name="Báo cáo năm 2024", kind="annual", year=2024, version_id=form.latest.id,
                        opens_on=dt.date(2024, 9, 1), deadline=dt.date(2024, 11, 10), late_policy="accept")
        period.assignments = [PeriodUnit(unit_id=communes["ban_bo"])]
        db.session.add(period)
        db.session.flush()
        sub = Submission(period_id=period.id, unit_id=communes["ban_bo"], values={"poor": 120})
        db.session.add(sub)
        db.session.commit()
        url, sub_id = f"/reports/p/{period.id}/u/{communes['ban_bo']}", sub.id
    login_as("canbo_banbo", ["unit_reporter"], communes["ban_bo"])
    page = client.get(url).get_data(as_text=True)
    cite = f"/exemplars/cite?ref=reports:submission:{sub_id}"
    assert "Nêu mô hình hay của đơn vị" in page and cite in page
    assert client.post(cite, data={"exemplar_id": ex}).status_code == 302
    assert "Mô hình được nêu: Trồng thảo quả dưới tán rừng" in client.get(url).get_data(as_text=True)
