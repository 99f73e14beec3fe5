"""Aggregation per field, indicators from summed numerators and denominators (exact fractions), comparison on the
same units, merged communes carrying their predecessors' history, the indicator pages and their query counts."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction
from types import SimpleNamespace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import insert, select

from portal.extensions import db
from tests.helpers import count_queries


def _f(kind, aggregation, choices=(), unit_kinds=()):
    from plugins.reports.models import FormField

    return FormField(key="k", label="K", kind=kind, aggregation=aggregation, choices=list(choices),
                     unit_kinds=list(unit_kinds))


ITEMS = [(1, (1,), 10), (2, (1,), "4.5"), (1, (2,), 7), (3, (1,), None)]  # unit, order (period), value


@pytest.mark.parametrize("how,expected", [
    ("sum", Decimal("21.5")), ("average", Decimal("7.17")), ("min", Decimal("4.5")), ("max", Decimal(10)),
    ("latest", Decimal("11.5")),  # unit 1's latest (7, period 2) + unit 2's 4.5
    ("none", None),
])
def test_every_numeric_aggregation(app, how, expected):
    from plugins.reports.services import rollup

    agg = rollup.aggregate_field(_f("decimal", how), ITEMS)
    assert agg.value == expected and agg.count == 3 and agg.total == Decimal("21.5")


@given(st.lists(st.one_of(st.none(), st.integers(-10**15, 10**15)), max_size=30),
       st.sampled_from(["sum", "average", "min", "max", "latest", "none"]))
@settings(max_examples=60, deadline=None)
def test_whole_numbers_roll_up_as_their_text_does(values, how):
    """Whole numbers take a shortcut (summed as ints, made Decimal once): every figure is what the same numbers
    give when stored as text, which goes the general way."""
    from plugins.reports.services import rollup

    f = _f("integer", how)
    ints = rollup.aggregate_field(f, [(i % 4, (i,), v) for i, v in enumerate(values)])
    texts = rollup.aggregate_field(f, [(i % 4, (i,), None if v is None else str(v)) for i, v in enumerate(values)])
    assert (ints.count, ints.total, ints.average, ints.low, ints.high, ints.value) == (
        texts.count, texts.total, texts.average, texts.low, texts.high, texts.value)


def test_choices_and_text_are_counted_per_option(app):
    from plugins.reports.services import rollup

    single = rollup.aggregate_field(_f("choice", "count", ["Tốt", "Khá", "Đạt"]),
                                 [(1, 0, "Tốt"), (2, 0, "Tốt"), (3, 0, "Đạt"), (4, 0, None)])
    assert single.choice_counts == [("Tốt", 2), ("Khá", 0), ("Đạt", 1)] and single.value == 3
    multi = rollup.aggregate_field(_f("multichoice", "count", ["Loa", "Hội nghị"]),
                                [(1, 0, ["Loa", "Hội nghị"]), (2, 0, ["Loa"])])
    assert multi.choice_counts == [("Loa", 2), ("Hội nghị", 1)]
    text = rollup.aggregate_field(_f("text", "count"), [(1, 0, "a"), (2, 0, ""), (3, 0, "b")])
    assert text.value == 2 and text.choice_counts == []
    assert rollup.aggregate_field(_f("choice", "none", ["A", "B"]), [(1, 0, "A")]).choice_counts == []
    # a stored aggregation that does not fit the kind falls back to the kind's default
    assert rollup.aggregate_field(_f("choice", "sum", ["A", "B"]), [(1, 0, "A")]).choice_counts == [("A", 1), ("B", 0)]


def test_mass_organisations_are_not_added_to_the_communes_households(app):
    from plugins.reports.services import rollup
    from plugins.reports.models import FormField, FormVersion

    version = FormVersion(number=1)
    version.fields = [FormField(key="ho", label="Hộ nghèo", kind="integer", aggregation="sum", unit_kinds=["commune"]),
                      FormField(key="tien", label="Tiền", kind="integer", aggregation="sum", unit_kinds=[])]
    rows = [SimpleNamespace(unit_id=1, kind="commune", values={"ho": 300, "tien": 5}),
            SimpleNamespace(unit_id=2, kind="commune", values={"ho": 200, "tien": 5}),
            SimpleNamespace(unit_id=3, kind="mass_org", values={"ho": 40, "tien": 7})]
    aggs = rollup.aggregate(version, rows)
    assert aggs["ho"].value == 500 and aggs["tien"].value == 17


def _indicator(**kw):
    from plugins.reports.models import Indicator

    base = dict(code="x", name="X", numerator="poor", denominator="households", multiplier="100", decimals=2,
                unit_kinds=["commune"], lower_is_better=True)
    return Indicator(**{**base, **kw})


def test_indicators_divide_the_sums_exactly_never_add_rates(app):
    from plugins.reports.services import indicators as ind_svc

    rate = ind_svc.Formula(_indicator())
    reports = [{"poor": 1, "households": 3}, {"poor": 1, "households": 7}, {"poor": 5}]  # the last lacks a field
    parts = rate.parts(reports)
    assert (parts.numerator, parts.denominator, parts.reports) == (2, 10, 2)
    assert rate.value(parts) == Fraction(20)  # 2/10, not 33,33 % + 14,29 % (47,62) nor their mean (23,81)
    assert ind_svc.rounded(rate.indicator, Fraction(1, 3) * 100) == Decimal("33.33")
    drop = ind_svc.Formula(_indicator(numerator="start - end", denominator="start", lower_is_better=False))
    assert drop.value(drop.parts([{"start": 300, "end": 240}, {"start": 100, "end": 95}])) == Fraction(65 * 100, 400)
    count = ind_svc.Formula(_indicator(numerator="escaped", denominator=None, multiplier="1"))
    assert count.value(count.parts([{"escaped": 12}, {"escaped": "3"}])) == 15
    assert count.value(count.parts([])) is None
    zero = ind_svc.Formula(_indicator())
    assert zero.value(zero.parts([{"poor": 0, "households": 0}])) is None
    assert ind_svc.direction(rate.indicator, Fraction(-1)) == "better"
    assert ind_svc.direction(drop.indicator, Fraction(-1)) == "worse"


def test_comparison_uses_the_same_units_and_names_the_others(app):
    from plugins.reports.services import rollup

    now = [SimpleNamespace(unit_id=1, name="Xã A", kind="commune", values={"poor": 90}),
           SimpleNamespace(unit_id=2, name="Xã B", kind="commune", values={"poor": 50})]
    before = [SimpleNamespace(unit_id=1, name="Xã A", kind="commune", values={"poor": 100}),
              SimpleNamespace(unit_id=3, name="Xã C", kind="commune", values={"poor": 70})]
    now_same, before_same, cmp = rollup.match_previous(now, before, {1: None, 2: None, 3: None})
    assert [r.unit_id for r in now_same] == [1] and [r.values["poor"] for r in before_same] == [100]
    assert cmp.only_now == ["Xã B"] and cmp.only_before == ["Xã C"] and cmp.compared == ["Xã A"]


def test_a_successor_is_compared_with_the_sum_of_its_predecessors(app):
    from plugins.reports.services import rollup

    now = [SimpleNamespace(unit_id=9, name="Xã Mới", kind="commune", values={"poor": 120})]
    before = [SimpleNamespace(unit_id=1, name="Xã A", kind="commune", values={"poor": 100}),
              SimpleNamespace(unit_id=2, name="Xã B", kind="commune", values={"poor": 60})]
    now_same, before_same, cmp = rollup.match_previous(now, before, {1: 9, 2: 9, 9: None})
    assert sum(r.values["poor"] for r in before_same) == 160 and cmp.merged == {"Xã Mới": ["Xã A", "Xã B"]}
    assert cmp.only_before == [] and cmp.only_now == []


def _period(version_id, year, kind="annual"):
    from plugins.reports.models import Period

    p = Period(name=f"Báo cáo năm {year}", kind=kind, year=year, version_id=version_id,
               opens_on=dt.date(year, 9, 1), deadline=dt.date(year, 11, 10))
    db.session.add(p)
    db.session.flush()
    return p


@pytest.fixture
def merged(app, make_unit):
    """Two old communes merged on 1/7/2025 into a new one; the old report 2023–2024, the new one 2025."""
    from plugins.reports.models import Indicator, Submission
    from tests.plugins.reports.conftest import build_form

    new = make_unit("Xã Bản Bo (mới)", code="xa-ban-bo-2025", valid_from=dt.date(2025, 7, 1))
    old_a = make_unit("Xã Bản Bo", code="xa-ban-bo", valid_to=dt.date(2025, 6, 30), successor_id=new)
    old_b = make_unit("Xã Nà Tăm", code="xa-na-tam", valid_to=dt.date(2025, 6, 30), successor_id=new)
    other = make_unit("Xã Khác", code="xa-khac")
    org = make_unit("Hội Nông dân", kind="mass_org", code="hoi-nd")
    with app.app_context():
        form = build_form([("poor", "integer", {}), ("households", "integer", {})], [])
        ind = Indicator(code="ty_le", name="Tỷ lệ hộ nghèo", numerator="poor", denominator="households",
                        multiplier="100", decimals=2, lower_is_better=True, unit_kinds=["commune"], unit_label="%")
        db.session.add(ind)
        data = {2023: {old_a: (30, 100), old_b: (10, 300), other: (50, 200), org: (5, 5)},
                2024: {old_a: (20, 100), old_b: (10, 300), other: (40, 200)},
                2025: {new: (24, 400), other: (30, 200)}}
        for year, rows in data.items():
            p = _period(form.latest.id, year)
            for uid, (poor, households) in rows.items():
                db.session.add(Submission(period_id=p.id, unit_id=uid, state="accepted",
                                          values={"poor": poor, "households": households}))
        db.session.commit()
        return SimpleNamespace(new=new, old_a=old_a, old_b=old_b, other=other, ind=ind.id)


def test_predecessors_follow_the_successor_links(app, merged, make_unit):
    from portal.toolkit import predecessors

    later = make_unit("Xã Sau", code="xa-sau")
    with app.app_context():
        assert predecessors(merged.new) == sorted([merged.old_a, merged.old_b])
        db.session.execute(db.update(db.Model.metadata.tables["directory_unit"])
                           .where(db.Model.metadata.tables["directory_unit"].c.id == merged.new)
                           .values(successor_id=later))
        assert predecessors(later) == sorted([merged.new, merged.old_a, merged.old_b])  # recursive
        assert predecessors(merged.other) == []


def test_a_merged_communes_trend_includes_its_predecessors(app, merged):
    from plugins.reports.services import trend as trend_svc
    from plugins.reports.models import Indicator

    with app.app_context():
        ind = db.session.get(Indicator, merged.ind)
        periods = trend_svc.trend_periods(2021, 2025)
        trend = trend_svc.build_trend(ind, periods, trend_svc.load_reports([p.id for p in periods]))
        rows = {r.unit.name: r for r in trend.rows}
        new = rows["Xã Bản Bo (mới)"]
        assert new.values == [Fraction(40 * 100, 400), Fraction(30 * 100, 400), Fraction(24 * 100, 400)]
        assert new.merged_from == ["Xã Bản Bo", "Xã Nà Tăm"]
        assert rows["Xã Bản Bo"].values == [Fraction(30), Fraction(20), None]  # history under the old name
        # district: each report once (the mass organisation is not a commune), from the sums
        assert trend.district == [Fraction(90 * 100, 600), Fraction(70 * 100, 600), Fraction(54 * 100, 600)]
        assert "Hội Nông dân" not in rows


def test_trend_page_table_chart_and_export(app, client, login_as, merged):
    login_as("lanhdao", ["leadership"])
    page = client.get(f"/reports/indicators/{merged.ind}?unit={merged.new}").get_data(as_text=True)
    assert "<svg" in page and "polyline" in page and "Xã Bản Bo (mới)" in page.split("<svg")[1].split("</svg>")[0]
    row = page.split(f'id="trend-unit-{merged.new}"')[1].split("</tr>")[0]
    assert ">10,00<" in row and ">7,50<" in row and ">6,00<" in row and "gồm số liệu của Xã Bản Bo, Xã Nà Tăm" in row
    assert client.get(f"/reports/indicators/{merged.ind}?from=2025&to=2021").status_code == 400
    assert client.get(f"/reports/indicators/{merged.ind}.xlsx").status_code == 200
    assert client.post("/reports/indicators", data={"code": "a", "name": "A", "numerator": "poor"}).status_code == 403


def test_the_standing_office_edits_indicators(app, client, login_as, merged):
    from plugins.reports.models import Indicator

    login_as("thuongtruc", ["standing_office"])
    bad = client.post("/reports/indicators", data={"code": "Sai Mã", "name": "X", "numerator": "khong_co + 1",
                                                  "multiplier": "-3"})
    body = bad.get_data(as_text=True)
    assert bad.status_code == 422 and "Unknown" not in body
    assert "khong_co" in body and "Hãy nhập một số dương" in body
    ok = client.post("/reports/indicators", data={"code": "so_ho", "name": "Số hộ nghèo", "numerator": "poor",
                                                 "multiplier": "1", "decimals": "0", "unit_kinds": ["commune"]})
    assert ok.status_code == 302
    with app.app_context():
        ind = db.session.scalar(select(Indicator).where(Indicator.code == "so_ho"))
        assert (ind.denominator, ind.multiplier, ind.unit_kinds) == (None, "1", ["commune"])
    dup = client.post(f"/reports/indicators/{ind.id}/edit", data={"code": "ty_le", "name": "X", "numerator": "poor"})
    assert dup.status_code == 422 and "Mã này đã được chỉ tiêu khác dùng." in dup.get_data(as_text=True)
    assert client.post(f"/reports/indicators/{ind.id}/delete").status_code == 302
    page = client.get(f"/reports/rollup?period=").get_data(as_text=True)
    assert "Tỷ lệ hộ nghèo" in page


def test_the_builder_sets_a_fields_aggregation(app, client, login_as, world):
    from plugins.reports.models import ReportForm

    login_as("thuongtruc", ["standing_office"])
    resp = client.post(f"/reports/forms/{world.form_id}/fields/rate/aggregation",
                       data={"aggregation": "average", "unit_kinds": ["commune"]})
    assert resp.status_code == 302
    bad = client.post(f"/reports/forms/{world.form_id}/fields/ways/aggregation", data={"aggregation": "sum"})
    assert bad.status_code == 422
    with app.app_context():
        f = next(f for f in db.session.get(ReportForm, world.form_id).latest.fields if f.key == "rate")
        assert (f.aggregation, f.unit_kinds) == ("average", ["commune"])
    page = client.get(f"/reports/forms/{world.form_id}").get_data(as_text=True)
    assert 'value="average" selected' in page


def _grow(app, version_id, units, years, start=0):
    from portal.models import Unit
    from plugins.reports.models import Submission

    with app.app_context():
        ids = []
        for i in range(start, start + units):
            db.session.execute(insert(Unit).values(code=f"q-{i}", name=f"Xã Q {i}", search_name=f"xa q {i}",
                                                   kind="commune", is_sample=False))
        ids = list(db.session.scalars(select(Unit.id).where(Unit.code.like("q-%"))))
        for year in years:
            p = _period(version_id, year)
            db.session.execute(insert(Submission), [dict(period_id=p.id, unit_id=u, state="accepted",
                                                         values={"poor": 10, "households": 100}, versions={},
                                                         late=False, updated_at=dt.datetime(year, 11, 1))
                                                    for u in ids])
        db.session.commit()


def test_trend_and_rollup_queries_do_not_grow(app, client, login_as, merged):
    from plugins.reports.models import FormVersion

    login_as("thuongtruc", ["standing_office"])
    with app.app_context():
        version_id = db.session.scalar(select(FormVersion.id))
    urls = [f"/reports/indicators/{merged.ind}?from=2015&to=2025", "/reports/indicators", "/", "/reports/widget/movement",
            "/reports/rollup?include=submitted", "/reports/rollup?include=submitted&units=1"]

    def measure():
        counts = []
        for url in urls:
            client.get(url)
            with count_queries(app) as statements:
                assert client.get(url).status_code == 200
            counts.append(len(statements))
        return counts

    _grow(app, version_id, 5, [2021])
    few = measure()
    _grow(app, version_id, 60, [2018, 2019, 2020], start=5)
    assert measure() == few


def _reference(text, values):
    """The expression over one report as the first version computed it: every term through Decimal, exactly."""
    from plugins.reports.services.indicators import terms
    from plugins.reports.services.values import numeric

    total = Fraction(0)
    for sign, term in terms(text):
        n = numeric(values.get(term)) if term[0].isalpha() else Decimal(term)
        if n is None:
            return None
        total += sign * Fraction(n)
    return total


@pytest.mark.parametrize("numerator,denominator", [
    ("a - b", "c"), ("a + 2,5 - b", "c + 1"), ("a", None), ("3 - a", "b - c"),
])
def test_a_formula_reads_each_report_as_exact_decimals_would(numerator, denominator):
    """Whole numbers are added as ints and text read with int() (fast paths): the same numbers as Decimal gives,
    decimals as exact fractions, and a report missing a field (empty, None, not a number) counts nowhere."""
    from plugins.reports.services.indicators import Formula

    ind = SimpleNamespace(numerator=numerator, denominator=denominator, multiplier="100", unit_kinds=[])
    f = Formula(ind)
    samples = [1500, -3, 0, "1500", " 42 ", "007", "12.5", "-0.25", "1_000", 2.5, "", None, "x", True, "1e3"]
    reports = [{"a": a, "b": b, "c": c} for a in samples for b in samples[:7] for c in (200, "12.5", None, "0")]
    for values in reports:
        n, d = _reference(numerator, values), _reference(denominator, values) if denominator else Fraction(0)
        got = f.report(values)
        assert got == (None if n is None or d is None else (n, d)), values
    parts = f.parts(reports)
    counted = [(_reference(numerator, v), _reference(denominator, v) if denominator else Fraction(0)) for v in reports]
    counted = [(n, d) for n, d in counted if n is not None and d is not None]
    assert (parts.numerator, parts.denominator, parts.reports) == (
        sum(n for n, _d in counted), sum(d for _n, d in counted), len(counted))
