"""The append-only ledger: reversals, no route that edits or deletes an entry, balances that add up, SQL totals."""
from __future__ import annotations

import datetime as dt
import random
import re

import pytest
from sqlalchemy import select

from portal.extensions import db
from tests.helpers import count_queries


@pytest.fixture
def app_config() -> dict:
    return {"FUND_PAGE_SIZE": 10}  # several ledger pages with little data


def _snapshot(app) -> dict:
    from plugins.fund.models import Contribution, Disbursement

    with app.app_context():
        rows = {}
        for model in (Contribution, Disbursement):
            for obj in db.session.scalars(select(model)):
                if model is Contribution or obj.state == "paid":
                    cols = {c.key: getattr(obj, c.key) for c in db.inspect(model).mapper.column_attrs}
                    rows[(model.__name__, obj.id)] = cols
        return rows


def test_reversal_flow(app, client, login_as, fund, give, spend):
    wrong = give(50_000_000, donor_name="Trần Thị Lan")
    login_as("thuquy", ["fund_board"])
    assert client.post(f"/fund/contributions/{wrong}/reverse", data={"reason": ""}).status_code == 422
    resp = client.post(f"/fund/contributions/{wrong}/reverse", data={"reason": "Nhập nhầm số tiền", "date": "02/03/2024"})
    assert resp.status_code == 302
    again = client.post(f"/fund/contributions/{wrong}/reverse", data={"reason": "lần nữa"})
    assert again.status_code == 409 and "đã được điều chỉnh" in again.get_data(as_text=True)
    from plugins.fund.services.entries import reversal_of
    from plugins.fund.services.totals import balance_on
    from plugins.fund.models import Contribution, Disbursement

    with app.app_context():
        original = db.session.get(Contribution, wrong)
        reversal = reversal_of(Contribution, wrong)
        assert original.amount == 50_000_000 and reversal.amount == -50_000_000
        assert reversal.reason == "Nhập nhầm số tiền" and reversal.code == "2024/000002"
        assert balance_on(dt.date(2024, 12, 31)) == 10_000_000
    page = client.get(f"/fund/contributions/{wrong}").get_data(as_text=True)
    assert "2024/000002" in page and "Nhập nhầm số tiền" in page
    assert client.post(f"/fund/contributions/{reversal.id}/reverse", data={"reason": "x"}).status_code == 409

    give(30_000_000)
    paid = spend(20_000_000)
    resp = client.post(f"/fund/disbursements/{paid}/reverse", data={"reason": "Hộ đã hoàn trả", "date": "05/06/2024"})
    assert resp.status_code == 302
    with app.app_context():
        back = reversal_of(Disbursement, paid)
        assert back.amount == -20_000_000 and back.state == "paid" and back.code == "2024/000002"
        assert db.session.get(Disbursement, paid).amount == 20_000_000
        assert balance_on(dt.date(2024, 12, 31)) == 40_000_000
    ledger = client.get("/fund/ledger?year=2024").get_data(as_text=True)
    assert ledger.count("điều chỉnh") >= 2


def test_services_refuse_to_change_or_delete_entries(app, fund, give, spend):
    from plugins.fund.models import Contribution, Disbursement, LedgerLocked

    entry_id, item_id = give(5_000_000), spend(1_000_000)
    with app.app_context():
        for change in (lambda e, d: setattr(e, "amount", 1), lambda e, d: db.session.delete(e),
                       lambda e, d: setattr(d, "beneficiary", "X"), lambda e, d: db.session.delete(d),
                       lambda e, d: setattr(d, "state", "approved")):
            entry, item = db.session.get(Contribution, entry_id), db.session.get(Disbursement, item_id)
            change(entry, item)
            with pytest.raises(LedgerLocked):
                db.session.flush()
            db.session.rollback()


def _fill(url: str, args: dict) -> str:
    return re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(args[m.group(1)]), url)


def test_no_route_edits_or_deletes_a_receipt_or_a_paid_entry(app, client, login_as, fund, give, spend):
    """Walk url_map: every fund route that accepts a write is tried against a receipt and a paid disbursement."""
    entry, paid = give(9_000_000), spend(2_000_000)
    login_as("admin1", ["admin", "fund_board"])
    before = _snapshot(app)
    writes = []
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("fund."):
            continue
        assert not rule.methods & {"PUT", "PATCH", "DELETE"}, rule
        assert not re.search(r"edit|delete|update|remove", rule.rule), rule
        if "POST" in rule.methods:
            writes.append(rule)
    assert writes, "the walk found no write routes"
    payload = {"amount": "1", "reason": "thử", "date": "01/03/2024", "paid_on": "01/03/2024", "beneficiary": "Đổi tên",
               "name": "Đổi", "donor_name": "Đổi", "state": "proposed", "goal": "1", "start": "01/01/2024",
               "end": "02/01/2024", "label": "2030", "kind": "other", "unit_id": str(fund["agency"])}
    for rule in writes:
        for target in (entry, paid):
            url = _fill(rule.rule, {"entry_id": target, "attachment_id": 1, "campaign_id": fund["campaign"],
                                    "category_id": fund["house"]})
            resp = client.post(url, data=payload)
            assert resp.status_code < 500, (url, resp.status_code)
    after = _snapshot(app)
    assert {k: v for k, v in after.items() if k in before} == before


def _random_ledger(give, spend, seed: int) -> None:
    rng = random.Random(seed)
    for _ in range(25):
        day = dt.date(2024, 1, 1) + dt.timedelta(days=rng.randrange(366))
        give(rng.randrange(1, 50) * 100_000, day, donor_type=rng.choice(["person", "agency", "household"]))
    for _ in range(8):
        day = dt.date(2024, 7, 1) + dt.timedelta(days=rng.randrange(180))
        spend(rng.randrange(1, 20) * 100_000, day)


def test_every_period_adds_up(app, client, login_as, fund, give, spend):
    from plugins.fund.services.totals import balance_on, day_totals_match, period_report, rebuild_day_totals, years_summary
    from plugins.fund.services.years import create_year

    _random_ledger(give, spend, 5)
    with app.app_context():
        create_year(2025, carried_in=1_234_000)
        db.session.commit()
    give(700_000, dt.date(2025, 2, 3))
    periods = [(dt.date(2024, 1, 1), dt.date(2024, 12, 31)), (dt.date(2024, 7, 15), dt.date(2025, 3, 1))]
    periods += [(dt.date(2024, m, 1), dt.date(2024 + m // 12, m % 12 + 1, 1) - dt.timedelta(days=1)) for m in range(1, 13)]
    with app.app_context():
        rep_before = period_report(*periods[1])
        for start, end in periods:
            rep = period_report(start, end)
            assert rep.opening + rep.carried_in + rep.receipts_total - rep.spending_total == rep.closing, (start, end)
            assert rep.closing == balance_on(end)
            carried_at_start = {dt.date(2024, 1, 1): 10_000_000, dt.date(2025, 1, 1): 1_234_000}.get(start, 0)
            assert rep.opening == balance_on(start - dt.timedelta(days=1)) + carried_at_start
        assert day_totals_match()
        rows = years_summary()
        for prev, row in zip(rows, rows[1:]):
            assert row.opening == prev.closing + row.year.carried_in
        assert rows[-1].closing == balance_on(dt.date(2025, 12, 31))
        rebuild_day_totals()  # what a bulk import does afterwards gives the same totals
        assert day_totals_match() and period_report(*periods[1]) == rep_before
    login_as("lanhdao", ["leadership"])
    page = client.get("/fund/report?year=2024").get_data(as_text=True)
    numbers = dict(re.findall(r'data-k="(\w+)">(?:<strong>)?([\d.]+) đồng', page))
    value = {k: int(v.replace(".", "")) for k, v in numbers.items()}
    assert value["opening"] + value["receipts"] - value["spending"] == value["closing"]


@pytest.mark.parametrize("path", ["/fund/ledger?year=2024", "/fund/ledger?year=2024&page=2", "/fund/report?year=2024",
                                  "/fund/public?year=2024", "/fund/public/print?year=2024", "/fund/", "/fund/units",
                                  "/fund/contributions?year=2024", "/fund/disbursements"])
def test_pages_run_a_constant_number_of_queries(app, client, login_as, fund, give, spend, path):
    login_as("lanhdao", ["leadership"])
    counts, sizes = [], []
    for seed in (1, 2):
        _random_ledger(give, spend, seed)
        client.get(path)
        with count_queries(app) as statements:
            resp = client.get(path)
        assert resp.status_code == 200
        counts.append(len(statements))
        sizes.append(len(resp.data))
        for sql in statements:  # totals come from SQL: the contribution table is never read row by row without a limit
            if "FROM fund_contribution" in sql and "LIMIT" not in sql.upper():
                assert re.search(r"\b(sum|count)\(", sql, re.I), sql
    assert counts[0] == counts[1], counts
    assert counts[0] <= 25


def test_ledger_pages_cover_every_entry_once_with_running_balances(app, client, login_as, fund, give, spend):
    from plugins.fund.services.ledger import day_window, ledger_page, window_rows
    from plugins.fund.services.public import public_donors
    from plugins.fund.models import Contribution, Disbursement, FundYear

    _random_ledger(give, spend, 9)
    give(1_000_000, dt.date(2024, 8, 8))
    give(2_000_000, dt.date(2024, 8, 8))  # several entries on one day, split across pages
    spend(300_000, dt.date(2024, 8, 8))
    spend(400_000, dt.date(2024, 8, 8))  # a page may start at a payment with receipts and payments above it
    with app.app_context():
        year = db.session.get(FundYear, fund["year_id"])
        entries = [("R", c.id, c.date, c.amount) for c in db.session.scalars(select(Contribution))]
        entries += [("C", d.id, d.paid_on, -d.amount) for d in db.session.scalars(select(Disbursement)) if d.state == "paid"]
        entries.sort(key=lambda e: (e[2], e[0] == "R", e[1]))  # oldest first, as the balance accrues
        balance, expected = 10_000_000, []
        for kind, entry_id, _day, signed in entries:
            balance += signed
            expected.append((kind, entry_id, balance))
        expected.reverse()
        for size in (1, 4, 7):  # size 1: every entry is once the top row of its page
            got, page = [], 1
            while True:
                data = ledger_page(year, page, size)
                got += [(r["kind"], r["id"], r["balance"]) for r in data.rows]
                if page >= data.pages:
                    break
                page += 1
            assert got == expected and data.total == len(expected), size
        seen = []
        for page in range(1, 10):
            win = day_window(year, page, 4, "R")
            seen += [r["id"] for r in window_rows(public_donors(year), Contribution.date, win, 4, Contribution.id.desc())]
            if page == win.pages:
                break
        assert sorted(seen) == sorted(e[1] for e in entries if e[0] == "R") and len(seen) == len(set(seen))


def test_ledger_rows_show_links_amounts_and_anonymity_by_permission(app, client, login_as, fund, give, spend):
    from plugins.fund.services.entries import reverse_contribution

    secret = give(3_000_000, dt.date(2024, 3, 2), donor_name="Ông Kín Tên", anonymous=True)
    paid = spend(1_250_000, dt.date(2024, 3, 3))
    with app.app_context():
        reversal = reverse_contribution(secret, "Ghi nhầm", None, dt.date(2024, 3, 4)).id
        db.session.commit()
    login_as("lanhdao", ["leadership"])  # sees the ledger, not the names of anonymous donors
    body = client.get("/fund/ledger?year=2024").get_data(as_text=True)
    rows = re.findall(r"<tr>(.*?)</tr>", body, re.S)[1:]
    assert len(rows) == 3 and "Ông Kín Tên" not in body
    newest, payment, gift = rows
    assert f'href="/fund/contributions/{reversal}"' in newest and 'class="tag danger"' in newest
    assert "-3.000.000 đồng" in newest and "8.750.000 đồng" in newest  # 10.000.000 + 3.000.000 - 1.250.000 - 3.000.000
    assert f'href="/fund/disbursements/{paid}"' in payment and "Phiếu chi 2024/000001" in payment
    assert "1.250.000 đồng" in payment and "11.750.000 đồng" in payment
    assert f'href="/fund/contributions/{secret}"' in gift and "Biên lai 2024/000001" in gift
    assert "Nhà hảo tâm" in gift and "13.000.000 đồng" in gift
    client.post("/logout")
    login_as("kinhphi", ["fund_board"])  # fund.confidential: the name
    assert "Ông Kín Tên" in client.get("/fund/ledger?year=2024").get_data(as_text=True)
    hx = client.get("/fund/ledger?year=2024", headers={"HX-Request": "true", "HX-Target": "ledger-table"})
    assert hx.status_code == 200 and "<html" not in hx.get_data(as_text=True) and "Ông Kín Tên" in hx.get_data(as_text=True)


def test_reports_of_whole_fund_years_read_the_year_totals_and_agree_with_the_days(app, fund, give, spend):
    from plugins.fund.models import YearTotal
    from plugins.fund.services.entries import reverse_contribution
    from plugins.fund.services.totals import day_totals_match, period_report
    from plugins.fund.services.years import create_year

    _random_ledger(give, spend, 11)
    with app.app_context():
        create_year(2025)
        db.session.commit()
    late = give(900_000, dt.date(2025, 1, 5), donor_type="enterprise", method="transfer")
    with app.app_context():
        reverse_contribution(late, "Ghi nhầm", None, dt.date(2025, 1, 6))
        db.session.commit()

    def lines(rep):
        return ([(x.key, x.count, x.amount) for x in rep.receipts], [(x.key, x.count, x.amount) for x in rep.methods],
                [(x.key, x.count, x.amount) for x in rep.spending], rep.houses, rep.gifts)

    def by_days(start, end):  # the same period as runs of single days: never a whole fund year, so day totals only
        reps = [period_report(start + dt.timedelta(days=i), start + dt.timedelta(days=i))
                for i in range((end - start).days + 1)]
        sums = {}
        for rep in reps:
            for group, items in (("r", rep.receipts), ("m", rep.methods), ("s", rep.spending)):
                for x in items:
                    count, amount = sums.get((group, x.key), (0, 0))
                    sums[(group, x.key)] = (count + x.count, amount + x.amount)
        return sums

    with app.app_context():
        assert db.session.scalar(select(db.func.count()).select_from(YearTotal)) > 0 and day_totals_match()
        for start, end in [(dt.date(2024, 1, 1), dt.date(2024, 12, 31)), (dt.date(2023, 12, 20), dt.date(2025, 1, 10)),
                           (dt.date(2024, 1, 1), dt.date(2025, 12, 31))]:
            rep, days = period_report(start, end), by_days(start, min(end, dt.date(2025, 1, 10)))
            for group, items in (("r", rep.receipts), ("m", rep.methods), ("s", rep.spending)):
                for x in items:
                    assert (x.count, x.amount) == days.get((group, x.key), (0, 0)), (start, end, group, x.key)
        whole = lines(period_report(dt.date(2025, 1, 1), dt.date(2025, 12, 31)))
        assert ("enterprise", 0, 0) in whole[0] and ("transfer", 0, 0) in whole[1]  # the gift and its reversal
