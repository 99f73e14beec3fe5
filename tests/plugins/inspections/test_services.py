"""Scoring arithmetic (exact, N/A excluded, weights), completion rules and template versions."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from plugins.inspections.services import checklists, conduct, scoring
from portal.toolkit import Refused
from plugins.inspections.models import Answer, ChecklistItem, ChecklistSection


def _item(i: int, kind: str = "pass_fail", score: str | None = "1", weight: str = "1", **kw: object) -> ChecklistItem:
    return ChecklistItem(id=i, section_id=1 if i < 100 else 2, answer_type=kind,
                         max_score=Decimal(score) if score is not None else None, weight=Decimal(weight), **kw)


def _answer(item_id: int, result: str | None = None, number: str | None = None, note: str | None = None) -> Answer:
    return Answer(item_id=item_id, result=result, number=Decimal(number) if number is not None else None, note=note)


def test_score_excludes_not_applicable_and_applies_weights() -> None:
    s1, s2 = ChecklistSection(id=1, title="I"), ChecklistSection(id=2, title="II")
    items1 = [_item(1, score="2"), _item(2, score="1", weight="3"), _item(3, score="5", weight="2")]
    items2 = [_item(101, kind="number", score="10"), _item(102, kind="text", score=None),
              _item(103, kind="number", score=None)]
    answers = {a.item_id: a for a in [
        _answer(1, "pass"), _answer(2, "fail"), _answer(3, "na"),
        _answer(101, number="7"), _answer(103, number="42"),
    ]}
    per_section, total = scoring.score([(s1, items1), (s2, items2)], answers)
    # I: pass 2×1 of 2, fail 0 of 1×3, N/A left out -> 2/5
    assert (per_section[1].achieved, per_section[1].applicable) == (Fraction(2), Fraction(5))
    # II: number 7 of 10; text and unscored number do not count
    assert (per_section[2].achieved, per_section[2].applicable) == (Fraction(7), Fraction(10))
    assert total.ratio == Fraction(9, 15)
    assert total.passed(60) is True and total.passed(80) is False


def test_threshold_is_compared_exactly_not_rounded() -> None:
    s = scoring.Score(Fraction(2), Fraction(3))  # 66.666…%
    assert s.passed("66.66") is True
    assert s.passed("66.67") is False
    assert scoring.percent_text(s.ratio) == Decimal("66.7")
    assert scoring.Score().passed(80) is None  # nothing applicable: no verdict


def test_all_not_applicable_section_has_no_ratio() -> None:
    section = ChecklistSection(id=1, title="I")
    per_section, total = scoring.score([(section, [_item(1), _item(2)])], {1: _answer(1, "na"), 2: _answer(2, "na")})
    assert per_section[1].ratio is None and total.ratio is None


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["pass", "fail", "na", None]), st.integers(1, 5), st.integers(0, 4)),
                min_size=1, max_size=25))
def test_score_matches_a_plain_sum(rows: list[tuple[str | None, int, int]]) -> None:
    items = [_item(i + 1, score=str(points), weight=str(weight)) for i, (_r, points, weight) in enumerate(rows)]
    answers = {i + 1: _answer(i + 1, r) for i, (r, _p, _w) in enumerate(rows) if r is not None}
    _per, total = scoring.score([(ChecklistSection(id=1, title="I"), items)], answers)
    achieved = sum(p * w for r, p, w in rows if r == "pass")
    applicable = sum(p * w for r, p, w in rows if r in ("pass", "fail"))
    assert total.achieved == achieved and total.applicable == applicable
    if applicable:
        assert 0 <= total.ratio <= 1


_DECIMALS = st.decimals(min_value=Decimal("-50"), max_value=Decimal("99999999.99"), places=2,
                        allow_nan=False, allow_infinity=False)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["pass_fail", "number", "text"]),
                          st.one_of(st.none(), _DECIMALS), _DECIMALS,
                          st.sampled_from(["pass", "fail", "na", None]), st.one_of(st.none(), _DECIMALS),
                          st.booleans(), st.integers(1, 3)),
                min_size=0, max_size=40))
def test_score_equals_the_sum_of_item_fractions(rows: list[tuple]) -> None:
    """score() adds decimals and makes Fractions per section: exactly what adding every item's Fractions gives."""
    sections = {k: ChecklistSection(id=k, title=str(k)) for k in (1, 2, 3)}
    by_section: dict[int, list[ChecklistItem]] = {1: [], 2: [], 3: []}
    answers = {}
    for i, (kind, top, weight, result, number, answered, sid) in enumerate(rows, 1):
        item = ChecklistItem(id=i, section_id=sid, answer_type=kind, max_score=top, weight=weight)
        by_section[sid].append(item)
        if answered:
            answers[i] = Answer(item_id=i, result=result, number=number)
    checklist = [(sections[k], by_section[k]) for k in (1, 2, 3)]
    per_section, total = scoring.score(checklist, answers)
    want_total = [Fraction(0), Fraction(0)]
    for sid, items in by_section.items():
        want = [Fraction(0), Fraction(0)]
        for item in items:
            points = scoring.item_points(item, answers.get(item.id))
            if points:
                want = [want[0] + points[0], want[1] + points[1]]
        assert (per_section[sid].achieved, per_section[sid].applicable) == tuple(want)
        assert isinstance(per_section[sid].achieved, Fraction) and isinstance(per_section[sid].applicable, Fraction)
        want_total = [want_total[0] + want[0], want_total[1] + want[1]]
    assert (total.achieved, total.applicable) == tuple(want_total)


def test_score_beyond_decimal_precision_stays_exact() -> None:
    """Digits that do not fit the decimal sum (never in a real checklist) are added as Fractions, not rounded."""
    tiny = Decimal("1e-70")
    items = [ChecklistItem(id=1, section_id=1, answer_type="pass_fail", max_score=Decimal("1e20"), weight=tiny),
             ChecklistItem(id=2, section_id=1, answer_type="number", max_score=Decimal("3"), weight=Decimal("1e30"))]
    answers = {1: Answer(item_id=1, result="pass"), 2: Answer(item_id=2, number=Decimal("2"))}
    _per, total = scoring.score([(ChecklistSection(id=1, title="I"), items)], answers)
    assert total.achieved == Fraction(10) ** -50 + 2 * Fraction(10) ** 30
    assert total.applicable == Fraction(10) ** -50 + 3 * Fraction(10) ** 30


def test_missing_lists_unanswered_note_and_photo() -> None:
    section = ChecklistSection(id=1, title="I")
    items = [_item(1, note_required_on_fail=True), _item(2, photo_required=True), _item(3),
             _item(4, photo_required=True), _item(5, kind="text", score=None)]
    answers = {1: _answer(1, "fail"), 2: _answer(2, "pass"), 4: _answer(4, "na")}
    missing = conduct.missing_for_completion([(section, items)], answers, {})
    assert [(m.item.id, len(m.reasons)) for m in missing] == [(1, 1), (2, 1), (3, 1)]


def test_new_version_copies_items_with_their_keys(app, make_template) -> None:
    from portal.extensions import db
    from plugins.inspections.models import ChecklistTemplate

    tid = make_template(n=12, frozen=True)
    with app.app_context():
        original = db.session.get(ChecklistTemplate, tid)
        copy = checklists.new_version(original)
        db.session.commit()
        old = [(i.key, i.text) for _s, its in checklists.load_checklist(tid) for i in its]
        new = [(i.key, i.text) for _s, its in checklists.load_checklist(copy.id) for i in its]
        assert copy.version == 2 and not copy.frozen and copy.code == original.code
        assert new == old and len(new) == 12
        with pytest.raises(Refused):
            checklists.require_editable(original)


def test_complete_keeps_exact_score_and_makes_findings(app, make_template, make_inspection, make_unit, make_user) -> None:
    from portal.extensions import db
    from plugins.inspections.models import Inspection

    unit = make_unit("Xã Thử")
    leader = make_user("truongdoan", ["inspector"])
    tid = make_template(items=[{"text": "A", "weight": 2}, {"text": "B"}, {"text": "C", "max_score": 3}])
    iid = make_inspection(tid, unit, leader.id)
    with app.app_context():
        insp = db.session.get(Inspection, iid)
        items = [i for _s, its in checklists.load_checklist(tid) for i in its]
        for item, result in zip(items, ["pass", "fail", "pass"]):
            conduct.save_answer(insp, item, leader.id, 0, result=result, number=None, text=None, note="Ghi chú")
        findings = conduct.complete(insp, dt.date(2025, 5, 20), 30)
        db.session.commit()
        assert [f.description for f in findings] == ["B"]
        assert findings[0].due_date == dt.date(2025, 6, 19) and findings[0].recommendation == "Ghi chú"
        assert scoring.stored_score(insp).ratio == Fraction(5, 6)
