"""Every audited column of the core and of every installed plugin has words in the audit log: the record's name
(RECORDS), the field's label (FIELDS), declared by the table's owner; bulky or internal columns are left out of the
log instead (``__audit_exclude__``). Through HTTP: an inspection answer and a review section read as words only."""
from __future__ import annotations

import datetime as dt
import html
import re
from decimal import Decimal

import pytest
from sqlalchemy import inspect as sa_inspect
from sqlalchemy import select

from portal.extensions import db
from tests.plugins.test_contract import ENTRY_POINTS, _requirements


def _every_plugin() -> list[str]:
    """Every installed plugin, each after the plugins it requires."""
    out: list[str] = []
    for ep in ENTRY_POINTS:
        out += [name for name in _requirements(ep.name) if name not in out]
    return out


@pytest.fixture
def enabled_plugins() -> list[str]:
    return _every_plugin()


def _owner(table: str, plugins: list[str]) -> str:
    return next((p for p in plugins if table.startswith(p + "_")), "core")


def _audited() -> dict[str, tuple[type, list[str]]]:
    """Table -> (model, the keys the audit log records for it: columns and many-to-many links)."""
    from portal.audit import _columns
    from portal.models import Audited

    out = {}
    for mapper in db.Model.registry.mappers:
        cls = mapper.class_
        # a test's own sample plugin, imported by another test of this process, is no installed plugin
        if not issubclass(cls, Audited) or cls.__module__.startswith("tests."):
            continue
        excluded = set(getattr(cls, "__audit_exclude__", ()))
        keys = [k for k in _columns(cls) if k != "id"]
        keys += [r.key for r in sa_inspect(cls).relationships
                 if r.secondary is not None and r.uselist and r.key not in excluded]
        out[cls.__tablename__] = (cls, keys)
    return out


def unlabelled() -> list[str]:
    """Audited tables without a record name and audited columns without a label, in the current app (also run
    by tests/plugins/test_example_install.py with the example plugin installed)."""
    from portal.admin import history

    audited = _audited()
    records, fields = history._declared("RECORDS"), history._declared("FIELDS")
    missing = [t for t in audited if t not in records]
    return missing + [f"{t}.{k}" for t, (_cls, keys) in audited.items() for k in keys if f"{t}.{k}" not in fields]


def test_every_audited_column_has_a_label_declared_by_its_owner(app, enabled_plugins):
    from portal.admin import history
    from portal.loader import state
    from portal.templating import _public

    assert set(enabled_plugins) == {ep.name for ep in ENTRY_POINTS}
    with app.app_context():
        audited = _audited()
        records = history._declared("RECORDS")
        plugins = state(app).plugins
        missing = unlabelled()
        assert not missing, f"give these a name in the owner's RECORDS / FIELDS, or __audit_exclude__ them: {missing}"
        # each plugin owns its tables' words (labels.py), the core its own (portal/admin/history.py)
        for name, plugin in plugins.items():
            declared = _public(plugin.labels)
            for kind in ("RECORDS", "FIELDS", "VALUES", "MONEY", "NAMES"):
                foreign = [k for k in declared.get(kind) or () if not k.startswith(name + "_")]
                assert not foreign, f"plugin {name!r} declares {kind} of tables it does not own: {foreign}"
        core = [k for k in (*history.RECORDS, *history.FIELDS, *history.VALUES, *history.NAMES)
                if _owner(k, list(plugins)) != "core"]
        assert not core, f"the core declares words of plugin tables: {core}"
        assert len(audited) > 40 and all(str(records[t]) for t in audited)  # the models were really found
        # a coded column's labels and a named link point at real columns
        for key in history._declared("VALUES"):
            table, column = key.split(".")
            assert table in audited and (column in audited[table][1]), f"VALUES of an unaudited column: {key}"
        for table, column in history._declared("NAMES").items():
            assert column in db.metadata.tables[table].c, f"NAMES: {table}.{column} is no column"


def test_left_out_columns_are_neither_recorded_nor_shown(app):
    """A review section's figures are not recorded, and an entry written before they were left out hides them."""
    from portal.admin.history import in_words
    from portal.models import AuditEntry
    from portal.review.models import ReviewSection

    with app.app_context():
        assert {"data", "default_narrative"} <= set(ReviewSection.__audit_exclude__)
        old = AuditEntry(at=dt.datetime(2025, 1, 1), actor="x", action="update", object_type="portal_review_section",
                         object_id="1", summary="", changes={"data": [{"tables": []}, {"tables": [1]}],
                                                             "narrative": ["a", "b"]})
        (words,) = in_words([old])
        assert [c.label for c in words.changes] == ["Nội dung"]


def test_a_mapping_shows_only_the_keys_that_changed(app):
    """A report's figures by field: one line per changed field, not two dumps of the whole dict."""
    from portal.admin.history import in_words
    from portal.models import AuditEntry

    def entry(action, before, after):
        return AuditEntry(at=dt.datetime(2025, 1, 1), actor="x", action=action, object_type="reports_submission",
                          object_id="1", summary="", changes={"values": [before, after]})

    figures = {"ho_ngheo": 120, "ho_thoat_ngheo": 16, "ghi_chu": "Bản Bo", "co_ke_hoach": True}
    with app.test_request_context("/"):
        created, updated = in_words([entry("create", None, figures),
                                     entry("update", figures, {**figures, "ho_thoat_ngheo": 1800, "moi": [1, 2]})])
    assert [(c.label, c.after) for c in created.changes] == [
        ("Số liệu", "ho_ngheo: 120; ho_thoat_ngheo: 16; ghi_chu: Bản Bo; co_ke_hoach: Có")]
    assert [(c.label, c.before, c.after) for c in updated.changes] == [
        ("Số liệu – ho_thoat_ngheo", "16", "1.800"), ("Số liệu – moi", "—", "1, 2")]


def _inspection_with_answer(client, make_unit, login_as) -> tuple[int, int]:
    """An in-progress inspection whose leader saves one item's answer through HTTP; (inspection id, item id)."""
    from plugins.inspections.models import ChecklistItem, ChecklistSection, ChecklistTemplate, Inspection
    from plugins.inspections.services.conduct import set_team

    unit = make_unit("Xã Bản Bo", code="xa-ban-bo")
    leader = login_as("truongdoan", ["inspector"], full_name="Lò Văn Trưởng")
    with client.application.app_context():
        template = ChecklistTemplate(code="tdt", version=1, title="Bảng kiểm tra xã 2025", frozen=True)
        db.session.add(template)
        db.session.flush()
        section = ChecklistSection(template_id=template.id, position=1, title="Tuyên truyền")
        db.session.add(section)
        db.session.flush()
        item = ChecklistItem(template_id=template.id, section_id=section.id, position=1,
                             text="Có kế hoạch tuyên truyền", max_score=Decimal("2.50"))
        db.session.add(item)
        inspection = Inspection(template_id=template.id, unit_id=unit, year=2025, planned_date=dt.date(2025, 5, 20),
                                state="in_progress")
        set_team(inspection, leader.id, ())
        db.session.add(inspection)
        db.session.commit()
        iid, item_id = inspection.id, item.id
    resp = client.post(f"/inspections/{iid}/items/{item_id}/answer",
                       data={"result": "pass", "version": "0", "note": "Có biên bản hội nghị"})
    assert resp.status_code == 303, resp.status_code  # back to the checklist (no htmx)
    resp = client.post(f"/inspections/{iid}/items/{item_id}/answer",
                       data={"result": "fail", "version": "1", "note": "Chưa có biên bản"})
    assert resp.status_code == 303, resp.status_code  # back to the checklist (no htmx)
    return iid, item_id


def _shown(body: str) -> str:
    """The page's text as read: tags and attribute values (record keys, filter options) left out."""
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]*>", " ", body)))


RAW = ("inspection_id", "item_id", "answered_by", "answered_at", "version", "review_id", "source", "position",
       "narrative", "default_narrative", "taken_at", "{'tables'", "'figures'", "inspections_answer",
       "portal_review_section", "None")


def test_an_inspection_answer_and_a_review_section_read_as_words(app, client, make_unit, login_as):
    _inspection_with_answer(client, make_unit, login_as)
    with app.app_context():  # a round of 2025: the awards plugin gives the review a section with tables
        from plugins.awards.models import NominationRound

        db.session.add(NominationRound(name="Tổng kết phong trào 2021–2025", year=2025))
        db.session.commit()
    client.post("/logout")
    login_as("thuongtruc", ["standing_office"])
    resp = client.post("/review/", data={
        "kind": "final", "title": "Báo cáo tổng kết 2021–2025", "year_from": "2021", "year_to": "2025",
        "unit_kinds": ["commune"], "number": "125/BC-UBND", "doc_date": "15/06/2025"})
    assert resp.status_code == 302, _shown(resp.get_data(as_text=True))[-800:]
    review_id = int(re.search(r"/review/(\d+)", resp.headers["Location"]).group(1))
    with app.app_context():
        from portal.review.models import ReviewSection

        section = db.session.scalar(select(ReviewSection).where(ReviewSection.review_id == review_id)
                                    .order_by(ReviewSection.position).limit(1))
        assert section is not None and section.data.get("tables"), "a plugin gives the review a section with tables"
        section_id, section_title, plugin = section.id, section.title, section.source
    text = "Trong giai đoạn, các xã đã tổ chức tuyên truyền."
    assert client.post(f"/review/{review_id}/s/{section_id}", data={"text": text}).status_code == 302

    client.post("/logout")
    login_as("quantri", ["admin"])
    answers = _shown(client.get("/admin/audit/?type=inspections_answer").get_data(as_text=True))
    assert "Kết quả mục kiểm tra" in answers  # the record's name
    assert "Cuộc kiểm tra: #" in answers and "Mục kiểm tra: #" in answers  # links by number, under their labels
    assert "Kết quả: Đạt" in answers and "Kết quả: Đạt → Không đạt" in answers  # codes by their words
    assert "Người trả lời: Lò Văn Trưởng" in answers and "Trả lời lúc:" in answers
    assert "Ghi chú: Có biên bản hội nghị → Chưa có biên bản" in answers
    inspections = _shown(client.get("/admin/audit/?type=inspections_inspection").get_data(as_text=True))
    assert "Bảng kiểm tra: Bảng kiểm tra xã 2025" in inspections  # a checklist by its title (NAMES)
    assert "Trạng thái: đang kiểm tra" in inspections and "Trưởng đoàn: Lò Văn Trưởng" in inspections
    items = _shown(client.get("/admin/audit/?type=inspections_item").get_data(as_text=True))
    assert "Phần của bảng kiểm tra: Tuyên truyền" in items and "Điểm: 2,5" in items  # a decimal as written

    sections = _shown(client.get("/admin/audit/?type=portal_review_section").get_data(as_text=True))
    assert "Phần của báo cáo sơ kết, tổng kết" in sections
    assert f"Báo cáo: Báo cáo tổng kết 2021–2025" in sections  # the review by its title
    with app.app_context():
        from portal.loader import state

        plugin_title = str(state(app).plugins[plugin].title)
    assert f"Số liệu lấy từ phân hệ: {plugin_title}" in sections and f"Tiêu đề: {section_title}" in sections
    assert f"Nội dung: {text}" in sections or f"→ {text}" in sections
    reviews = _shown(client.get("/admin/audit/?type=portal_review").get_data(as_text=True))
    assert "Loại: Tổng kết" in reviews and "Đơn vị trong phạm vi báo cáo: Xã, thị trấn" in reviews
    assert "Số văn bản: 125/BC-UBND" in reviews and "Ngày văn bản: 15/06/2025" in reviews
    for page in (answers, inspections, items, sections, reviews):
        for raw in RAW:
            assert raw not in page, raw
