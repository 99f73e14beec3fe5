"""The one clock: local (Vietnam) dates from a UTC server, frozen for tests, and no way around it in app code."""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from sqlalchemy import select

from portal import clock
from portal.i18n import amount_in_words

ROOT = Path(__file__).resolve().parents[2]


def test_local_day_starts_at_17_utc(app):
    with app.app_context():
        clock.set_frozen(dt.datetime(2025, 11, 9, 16, 59))
        assert clock.local_today() == dt.date(2025, 11, 9)
        clock.set_frozen(dt.datetime(2025, 11, 9, 23, 30))
        assert clock.local_today() == dt.date(2025, 11, 10)
        now = clock.local_now()
        assert now.utcoffset() == dt.timedelta(hours=7) and (now.hour, now.minute) == (6, 30)
        assert clock.utcnow() == dt.datetime(2025, 11, 9, 23, 30) and clock.utcnow().tzinfo is None
        assert clock.local_date(dt.datetime(2025, 6, 30, 17, 0)) == dt.date(2025, 7, 1)
        assert clock.to_local(None) is None


def test_models_utcnow_and_column_defaults_follow_the_frozen_clock(app):
    from portal.models import utcnow

    with clock.freeze(dt.datetime(2024, 1, 2, 3, 4)):
        assert utcnow() == dt.datetime(2024, 1, 2, 3, 4)
    assert abs(utcnow() - dt.datetime.now(dt.UTC).replace(tzinfo=None)) < dt.timedelta(seconds=5)


def test_the_zone_is_the_babel_setting(app):
    app.config["BABEL_DEFAULT_TIMEZONE"] = "Asia/Tokyo"
    with app.app_context(), clock.freeze(dt.datetime(2025, 1, 1, 14, 30)):
        assert clock.local_today() == dt.date(2025, 1, 1) and clock.local_now().hour == 23
    app.config["BABEL_DEFAULT_TIMEZONE"] = "Asia/Ho_Chi_Minh"


def test_audit_values_show_local_time(app):
    with app.app_context():
        assert clock.local_stamp("2025-11-09T23:30:00") == "10/11/2025 06:30"
        assert clock.local_stamp("2025-11-09") == "09/11/2025"
        assert clock.local_stamp("Bản Bo") == "Bản Bo"


FORBIDDEN = [
    (re.compile(r"\bdate\.today\("), "date.today()"),
    (re.compile(r"\bdatetime\.now\(\s*\)"), "naive datetime.now()"),
    (re.compile(r"\bdatetime\.utcnow\("), "datetime.utcnow()"),
    (re.compile(r"\bdatetime\.now\("), "datetime.now(...) outside portal/clock.py"),
    (re.compile(r"timedelta\(hours\s*=\s*7\)"), "a private UTC+7 offset"),
    (re.compile(r"\btime\.(time|localtime)\(\)"), "time.time()/localtime() for dates"),
]


def test_app_code_asks_the_clock_for_time():
    """No date.today(), naive now or private offsets may come back into the core or the plugins."""
    offenders = []
    files = [p for base in ("portal", "plugins") for p in (ROOT / base).rglob("*.py")]
    assert len(files) > 30
    for path in files:
        if path == ROOT / "portal" / "clock.py":
            continue
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            code = line.split("#", 1)[0]
            for pattern, what in FORBIDDEN:
                if pattern.search(code) and "perf_counter" not in code:
                    offenders.append(f"{path.relative_to(ROOT)}:{n}: {what}")
    assert not offenders, "\n".join(offenders)


WORDS = [
    (0, "Không đồng"),
    (5, "Năm đồng"),
    (10, "Mười đồng"),
    (14, "Mười bốn đồng"),
    (15, "Mười lăm đồng"),
    (21, "Hai mươi mốt đồng"),
    (24, "Hai mươi tư đồng"),
    (25, "Hai mươi lăm đồng"),
    (100, "Một trăm đồng"),
    (105, "Một trăm linh năm đồng"),
    (110, "Một trăm mười đồng"),
    (111, "Một trăm mười một đồng"),
    (1_005, "Một nghìn không trăm linh năm đồng"),
    (1_010, "Một nghìn không trăm mười đồng"),
    (15_000, "Mười lăm nghìn đồng"),
    (1_000_000, "Một triệu đồng"),
    (1_200_000, "Một triệu hai trăm nghìn đồng"),
    (1_000_005, "Một triệu không trăm linh năm đồng"),
    (2_059_050_000, "Hai tỷ không trăm năm mươi chín triệu không trăm năm mươi nghìn đồng"),
    (1_000_000_000_000, "Một nghìn tỷ đồng"),
    (-21, "Âm hai mươi mốt đồng"),
]


@pytest.mark.parametrize(("amount", "words"), WORDS)
def test_amount_in_words_as_accountants_write_it(amount, words):
    assert amount_in_words(amount) == words


def test_audit_log_shows_local_times_only(app, client, login_as, frozen_at):
    from portal.extensions import db
    from portal.models import User

    login_as("quantri", ["admin"])
    frozen_at(dt.datetime(2025, 11, 9, 23, 30))  # 06:30 on 10/11 in Vietnam
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == "quantri"))
        user.full_name = "Quản Trị Mới"  # audited at the frozen moment; the user's creation holds created_at stamps
        db.session.commit()
    page = client.get("/admin/audit/").get_data(as_text=True)
    assert "10/11/2025 06:30" in page
    assert not re.search(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}", page)  # no raw ISO UTC stamps left among the changes
