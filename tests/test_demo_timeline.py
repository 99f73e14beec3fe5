"""The demo tells a true story: nothing is dated after its unit (or its actor's unit) ended, and whatever the day,
every plugin shows live work carried by the communes formed on 1/7/2025."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from portal.extensions import db
from tests.helpers import PASSWORD, login

PLUGINS = ["reports", "inspections", "awards", "fund", "exemplars"]


@pytest.fixture
def enabled_plugins() -> list[str]:
    return PLUGINS


def _seed(app, runner) -> str:
    import os

    os.environ["PORTAL_DEMO_PASSWORD"] = PASSWORD
    try:
        result = runner.invoke(args=["portal", "seed-demo"])
    finally:
        del os.environ["PORTAL_DEMO_PASSWORD"]
    assert result.exit_code == 0, result.output
    return result.output


def _day(value) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        from portal.clock import local_date

        return local_date(value)
    return value


def _violations(app) -> list[str]:
    from portal.models import Unit, User
    from plugins.awards.models import Ballot, Nomination, NominationRound, VotingSession
    from plugins.fund.models import Campaign, Contribution, Disbursement, Pledge
    from plugins.inspections.models import Inspection
    from plugins.reports.models import Period, PeriodUnit, Submission

    units = {u.id: u for u in db.session.scalars(select(Unit))}
    users = {u.id: u for u in db.session.scalars(select(User))}
    bad: list[str] = []

    def unit_on(unit_id, day, what):
        unit, day = units.get(unit_id), _day(day)
        if unit is None or day is None:
            return
        if unit.valid_to and day > unit.valid_to:
            bad.append(f"{what}: {unit.name} ended {unit.valid_to}, record dated {day}")
        if unit.valid_from and day < unit.valid_from:
            bad.append(f"{what}: {unit.name} began {unit.valid_from}, record dated {day}")

    def actor_on(user_id, day, what):
        user = users.get(user_id)
        if user is not None and user.unit_id:
            unit_on(user.unit_id, day, f"{what} by {user.username}")

    for c in db.session.scalars(select(Contribution)):
        unit_on(c.donor_unit_id, c.date, f"receipt {c.number}")
        unit_on(c.mobilised_by_id, c.date, f"receipt {c.number} (mobilised)")
        actor_on(c.recorded_by_id, c.date, f"receipt {c.number}")
    for d in db.session.scalars(select(Disbursement)):
        day = d.paid_on or d.proposed_at
        unit_on(d.commune_id, day, f"payment {d.id}")
        actor_on(d.proposed_by_id, d.proposed_at, f"proposal {d.id}")
        actor_on(d.approved_by_id, d.approved_at, f"approval {d.id}")
        actor_on(d.paid_by_id, d.paid_on, f"payment {d.id}")
    campaigns = {c.id: c for c in db.session.scalars(select(Campaign))}
    for p in db.session.scalars(select(Pledge)):
        unit_on(p.unit_id, campaigns[p.campaign_id].start, f"pledge {p.id}")
    periods = {p.id: p for p in db.session.scalars(select(Period))}
    for link in db.session.scalars(select(PeriodUnit)):
        unit_on(link.unit_id, periods[link.period_id].opens_on, f"period {periods[link.period_id].name}")
    for s in db.session.scalars(select(Submission)):
        unit_on(s.unit_id, s.first_submitted_at, f"report {s.id}")
        actor_on(s.reviewed_by, s.reviewed_at, f"review {s.id}")
    for i in db.session.scalars(select(Inspection)):
        unit_on(i.unit_id, i.started_at or i.planned_date, f"inspection {i.id}")
        actor_on(i.leader_id, i.started_at or i.planned_date, f"inspection {i.id}")
    rounds = {r.id: r for r in db.session.scalars(select(NominationRound))}
    for s in db.session.scalars(select(VotingSession)):
        unit_on(s.council_unit_id or next(u.id for u in units.values() if u.code == "ubnd-huyen"), s.meeting_date,
                f"council session {s.title}")
    sessions = {s.id: s for s in db.session.scalars(select(VotingSession))}
    from plugins.awards.models import RollEntry

    for r in db.session.scalars(select(RollEntry)):
        actor_on(r.user_id, sessions[r.session_id].meeting_date, f"council member in {sessions[r.session_id].title}")
    for b in db.session.scalars(select(Ballot)):
        if getattr(b, "voter_id", None):
            actor_on(b.voter_id, sessions[b.session_id].meeting_date, f"ballot {b.id}")
    for n in db.session.scalars(select(Nomination)):
        unit_on(n.unit_id, dt.date(rounds[n.round_id].year, 1, 1), f"nomination {n.nominee}")
    return bad


@pytest.mark.parametrize("today", [dt.datetime(2026, 12, 1, 23, 30), dt.datetime(2027, 6, 15, 3, 0)])
def test_demo_timeline_and_live_work(app, runner, frozen_at, today):
    frozen_at(today)
    output = _seed(app, runner)
    with app.app_context():
        assert _violations(app) == []
        from portal.clock import local_today
        from plugins.awards.models import VotingSession
        from plugins.fund.services.totals import campaign_totals
        from plugins.fund.services.years import current_year
        from plugins.inspections.models import Inspection
        from plugins.reports.models import Period, PeriodUnit, Submission

        day = local_today()
        year = current_year(day)
        assert year is not None and year.start <= day <= year.end  # a current fund year
        campaigns = year_campaigns(year)  # the year's peak month, with gifts received for it (or still to come)
        assert campaigns and (campaign_totals([c.id for c in campaigns]) or campaigns[0].start > day)
        period = db.session.scalar(select(Period).where(Period.opens_on <= day, Period.deadline > day))
        assert period is not None and "mẫu" in period.name  # an open period, marked as sample data
        owed = db.session.scalars(select(PeriodUnit.unit_id).where(PeriodUnit.period_id == period.id)).all()
        submitted = db.session.scalars(select(Submission.unit_id).where(Submission.period_id == period.id,
                                                                         Submission.first_submitted_at.is_not(None))).all()
        assert set(owed) - set(submitted)  # reports still owed
        live = db.session.scalar(select(VotingSession).where(VotingSession.state == "open"))
        assert live is not None and live.council_unit_id is not None and "mẫu" in live.title
        assert db.session.scalar(select(Inspection).where(Inspection.state == "in_progress",
                                                          Inspection.year == day.year)) is not None
    from pathlib import Path

    text = (Path(app.instance_path) / "demo-accounts.txt").read_text(encoding="utf-8")
    for name in ("admin", "hd_chutich", "truongban", "vhxh_binhlu", "mttq_binhlu", "kiemtra_binhlu"):
        assert name in text and output.count(f"  {name} ") == 1, name
    client = app.test_client()
    login(client, "ubnd_banbo")
    assert client.get("/reports/").status_code == 200


def year_campaigns(year):
    from plugins.fund.models import Campaign

    return db.session.scalars(select(Campaign).where(Campaign.fund_year_id == year.id)).all()
