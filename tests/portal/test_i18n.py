"""Vietnamese first: complete, current catalogs; Babel-backed formats; folding and Vietnamese sorting."""
from __future__ import annotations

import datetime as dt
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from portal.i18n import fold, format_date, format_datetime, format_doc_date, format_money, format_number, format_percent, number_format, vi_sort_key

ROOT = Path(__file__).resolve().parents[2]
KEYWORDS = ["-k", "_l", "-k", "lazy_gettext", "-k", "lazy_pgettext:1c,2"]
AREAS = [pytest.param("core", id="core")] + [
    pytest.param(p.parent.name, id=p.parent.name) for p in sorted((ROOT / "plugins").glob("*/translations"))
]


def _source(area: str) -> tuple[list[str], Path]:
    if area == "core":
        return ["portal", "templates"], ROOT / "translations"
    return [f"plugins/{area}"], ROOT / "plugins" / area / "translations"


def _read(path: Path):
    with path.open("rb") as f:
        return read_po(f)


def _key(message) -> tuple[str, str | None]:
    msgid = message.id if isinstance(message.id, str) else message.id[0]
    return msgid, message.context


@pytest.mark.parametrize("area", AREAS)
def test_vi_catalog_is_complete_without_fuzzy_entries(area):
    catalog = _read(_source(area)[1] / "vi" / "LC_MESSAGES" / "messages.po")
    untranslated, fuzzy = [], []
    for message in catalog:
        if not message.id:
            continue
        strings = [message.string] if isinstance(message.string, str) else list(message.string)
        if not all(s.strip() for s in strings):
            untranslated.append(message.id)
        if message.fuzzy:
            fuzzy.append(message.id)
    assert not untranslated, f"untranslated in {area}: {untranslated[:10]}"
    assert not fuzzy, f"fuzzy in {area}: {fuzzy[:10]}"


@pytest.mark.parametrize("area", AREAS)
def test_vi_catalog_is_up_to_date_with_the_code(area, tmp_path):
    inputs, translations = _source(area)
    pot = tmp_path / "messages.pot"
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "-q", "extract", "-F", str(ROOT / "babel.cfg"), *KEYWORDS,
         "--no-location", "-o", str(pot), *inputs],
        check=True, cwd=ROOT,
    )
    extracted = {_key(m) for m in _read(pot) if m.id}
    assert extracted, "extraction found nothing: the test would pass vacuously"
    translated = {_key(m) for m in _read(translations / "vi" / "LC_MESSAGES" / "messages.po") if m.id}
    missing = sorted(k[0] for k in extracted - translated)
    assert not missing, f"run `flask i18n extract/update {area}` and translate: {missing[:10]}"


@pytest.mark.parametrize("area", AREAS)
def test_catalogs_compile(area, tmp_path):
    for po in _source(area)[1].glob("*/LC_MESSAGES/messages.po"):
        with (tmp_path / "out.mo").open("wb") as f:
            write_mo(f, _read(po))


def test_wtforms_messages_are_vietnamese(app):
    from portal.forms import wtforms_messages

    with app.test_request_context("/"):
        vi = wtforms_messages()
    assert all(vi) and "Trường này là bắt buộc." in vi
    assert not any(m.startswith(("Field ", "This field", "Not a valid", "Invalid")) for m in vi), vi


def test_english_falls_back_to_the_msgids(app, client):
    client.post("/language", data={"lang": "en", "next": "/login"})
    body = client.get("/login").get_data(as_text=True)
    assert '<html lang="en">' in body and "Log in" in body and "Đăng nhập" not in body


# --- formats ---

@pytest.fixture
def vi(app):
    with app.test_request_context("/"):
        yield


def test_money_in_vietnamese(vi):
    assert format_money(15_000_000) == "15.000.000 đồng"
    assert format_money(0) == "0 đồng"
    assert format_money(-250_000) == "-250.000 đồng"
    assert format_money(None) == ""


def test_numbers_and_percentages(vi):
    assert format_number(1_234_567) == "1.234.567"
    assert format_number(8.7) == "8,7"
    assert format_number(Decimal("8.75"), 1) in ("8,8", "8,7")  # Babel rounds half-even
    assert format_number(3, 2) == "3,00"
    assert format_percent(8, 9) == "88,9 %"
    assert format_percent(1, 0) == "—"


def test_plural_messages_show_their_number_grouped(app):
    from flask import render_template_string
    from flask_babel import force_locale

    from portal.i18n import ngettext, npgettext

    with app.test_request_context("/"):
        assert ngettext("%(num)s entry", "%(num)s entries", 201_000) == "201.000 entries"
        assert npgettext("ledger", "%(num)s entry", "%(num)s entries", 1234) == "1.234 entries"
        page = "{{ ngettext('%(num)s entry', '%(num)s entries', n) }} {{ npgettext('x', '%(num)s a', '%(num)s b', n) }}"
        assert render_template_string(page, n=201_000) == "201.000 entries 201.000 b"
        with force_locale("en"):
            assert ngettext("%(num)s entry", "%(num)s entries", 201_000) == "201,000 entries"


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_fast_number_and_date_formats_match_babel(app, lang):
    """format_number(x, digits) and the date formats skip Babel per call; they must give Babel's own text."""
    from babel.numbers import format_decimal
    from flask_babel import format_datetime as babel_datetime
    from hypothesis import given, settings, strategies as st

    @settings(max_examples=300, deadline=None)
    @given(st.decimals(min_value=-10**9, max_value=10**9, allow_nan=False, allow_infinity=False, places=4),
           st.integers(min_value=0, max_value=3),
           st.datetimes(min_value=dt.datetime(1990, 1, 1), max_value=dt.datetime(2100, 1, 1)))
    def check(value, digits, moment):
        rounded = round(Decimal(value), digits)
        rounded = abs(rounded) if rounded == 0 else rounded  # "-0,0" (Babel) is no number a reader wants: "0,0"
        pattern = "#,##0." + "0" * digits if digits else "#,##0"
        assert format_number(value, digits) == format_decimal(rounded, format=pattern, locale=lang)
        assert number_format(digits)(value) == format_number(value, digits)  # the column formatter: the same text
        assert format_datetime(moment) == babel_datetime(moment, "dd/MM/yyyy HH:mm")
        assert format_date(moment) == babel_datetime(moment, "dd/MM/yyyy")

    with app.test_request_context("/"):
        from flask import session

        session["lang"] = lang
        check()


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_plain_numbers_and_columns_read_as_babel_writes_them(app, lang):
    """format_number(decimal) (Babel's default pattern) and format_number(x, digits) skip Babel per call:
    the same text in each language, for signs, zeros, rounding and grouping."""
    from flask_babel import force_locale
    from flask_babel import format_decimal

    values = [0, 7, -7, 999, 1000, -1234567, 8.7, 0.05, -0.04, 2.675, 1e15, Decimal("8.75"), Decimal("-0.004"),
              Decimal("1234567.891"), Decimal("1E+3"), Decimal("-0"), Decimal("0.0000005"), Decimal("12345.5")]
    with app.test_request_context("/"), force_locale(lang):
        for value in values:
            for digits in range(7):
                rounded = round(Decimal(value), digits)
                rounded = abs(rounded) if rounded == 0 else rounded  # a rounded "-0" shows as "0"
                pattern = "#,##0." + "0" * digits if digits else "#,##0"
                assert format_number(value, digits) == format_decimal(rounded, format=pattern), (value, digits)
            if not isinstance(value, int):  # no digits: Babel's default pattern, at most three decimals
                assert format_number(value) == format_decimal(value), value
        for value in (Decimal("1.0005"), Decimal("1.0015"), Decimal("-2.50"), Decimal("1234.5670"), 0.1 + 0.2,
                      Decimal("-0.0001"), Decimal("1E+5"), Decimal("12.3456789")):
            assert format_number(value) == format_decimal(value), value


def test_numbers_follow_a_forced_locale_and_back_within_one_request(app):
    from flask_babel import force_locale

    with app.test_request_context("/"):
        assert (format_number(1234.5, 1), format_money(12345)) == ("1.234,5", "12.345 đồng")
        with force_locale("en"):
            assert (format_number(1234.5, 1), format_money(12345)) == ("1,234.5", "12,345 VND")
        assert (format_number(1234.5, 1), format_money(12345)) == ("1.234,5", "12.345 đồng")


def test_dates(vi):
    assert format_date(dt.date(2024, 11, 5)) == "05/11/2024"
    # stored datetimes are UTC; Vietnam is UTC+7
    assert format_datetime(dt.datetime(2024, 11, 5, 20, 30)) == "06/11/2024 03:30"


@pytest.mark.parametrize(
    "day,expected",
    [
        (dt.date(2024, 11, 5), "Tam Đường, ngày 05 tháng 11 năm 2024"),
        (dt.date(2025, 3, 5), "Tam Đường, ngày 05 tháng 3 năm 2025"),
        (dt.date(2025, 1, 20), "Tam Đường, ngày 20 tháng 01 năm 2025"),
        (dt.date(2025, 2, 9), "Tam Đường, ngày 09 tháng 02 năm 2025"),
        (dt.date(2023, 12, 31), "Tam Đường, ngày 31 tháng 12 năm 2023"),
    ],
)
def test_document_date_follows_decree_30(vi, day, expected):
    assert format_doc_date(day) == expected


def test_document_date_place_and_filter(app, vi):
    assert format_doc_date(dt.date(2025, 3, 5), place="") == ", ngày 05 tháng 3 năm 2025"
    tpl = app.jinja_env.from_string("{{ d|docdate('Bản Bo') }} · {{ 15000000|money }} · {{ d|date }}")
    assert tpl.render(d=dt.date(2025, 3, 5)) == "Bản Bo, ngày 05 tháng 3 năm 2025 · 15.000.000 đồng · 05/03/2025"


def test_formats_in_english(app, client):
    client.post("/language", data={"lang": "en", "next": "/"})
    with client.session_transaction() as sess:
        assert sess["lang"] == "en"
    with app.test_request_context("/"):
        from flask import session

        session["lang"] = "en"
        assert format_money(15_000_000) == "15,000,000 VND"
        assert format_doc_date(dt.date(2024, 11, 5)) == "Tam Đường, day 05 month 11 year 2024"


def test_fold_fast_path_gives_the_unicode_normalisation_result():
    """fold() maps precomposed letters by table; every other text takes the NFD path: same answers either way."""
    import random

    from portal.vietnamese import _fold_slow

    singles = [chr(c) for c in range(0x20, 0x3000) if not 0xD800 <= c < 0xE000]
    assert [fold(c) for c in singles] == [_fold_slow(c) for c in singles]
    rng = random.Random(18)
    letters = singles[:0x600] + list("ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ \u0301\u0323") * 4
    texts = ["".join(rng.choice(letters) for _ in range(rng.randint(1, 12))) for _ in range(5000)]
    assert [fold(t) for t in texts] == [_fold_slow(t) for t in texts]
    assert fold("Đe\u0301 NFD") == "de nfd"  # combining marks: the normalisation path


def test_fold_strips_diacritics_and_case():
    assert fold("Xã Bản Bo") == "xa ban bo"
    assert fold("NGUYỄN Thị Đào") == "nguyen thi dao"
    assert fold("  Thèn   Sin ") == "then sin"
    assert fold(None) == ""
    assert fold("Ư Ơ Ă Â Ê Ô") == "u o a a e o"
    assert len(fold("한" * 200)) == 200  # recomposed: never longer than the name


def test_vietnamese_sort_order():
    names = ["Đông", "Dân", "Ân", "An", "Ăn", "Bình", "Ba", "Ốc", "Ơn", "Ô", "Uyên", "Ửng", "Ý", "Yên", "Xã 10", "Xã 2"]
    assert sorted(names, key=vi_sort_key) == [
        "An", "Ăn", "Ân", "Ba", "Bình", "Dân", "Đông", "Ô", "Ốc", "Ơn", "Uyên", "Ửng", "Xã 2", "Xã 10", "Ý", "Yên",
    ]
    # numbers inside names sort by value, and before letters
    assert sorted(["Thôn 10", "Thôn 9", "Thôn 1A", "Thôn 1", "Thôn A"], key=vi_sort_key) == [
        "Thôn 1", "Thôn 1A", "Thôn 9", "Thôn 10", "Thôn A",
    ]
    # tones only break ties between otherwise equal words: ma, mà, mả, mã, má, mạ
    assert sorted(["mạ", "má", "mã", "mả", "mà", "ma"], key=vi_sort_key) == ["ma", "mà", "mả", "mã", "má", "mạ"]


def test_per_locale_makes_its_words_once_in_each_language(app):
    """toolkit.per_locale: made on the first call in a language, given again after; each language its own."""
    from flask_babel import force_locale

    from portal.toolkit import _, per_locale

    made = []

    @per_locale
    def title() -> str:
        made.append(1)
        return _("Log out")

    with app.test_request_context("/"):
        with force_locale("vi"):
            assert title() == title() == "Đăng xuất"
        with force_locale("en"):
            assert title() == "Log out"
        with force_locale("vi"):
            assert title() == "Đăng xuất"
    assert len(made) == 2
