"""What several fund pages read from the request: the fund year, paging, a period, campaign choices."""
from __future__ import annotations

import datetime as dt
from typing import Any

from flask import abort, request
from sqlalchemy import select

from portal.toolkit import Refused, Series, _, bar_chart, db, format_money, get_plugin_config, local_today, page_size

from ..models import Campaign, FundYear
from ..services.years import current_year


def page_arg(name: str = "page") -> int:
    return request.args.get(name, 1, type=int) or 1


def size() -> int:
    return page_size(int(get_plugin_config("FUND_PAGE_SIZE", 50)))


def chosen_year() -> FundYear | None:
    """The fund year of ``?year=`` (404 if there is none such), else the current one."""
    label = request.args.get("year", type=int)
    if label:
        year = db.session.scalar(select(FundYear).where(FundYear.label == label))
        if year is None:
            abort(404)
        return year
    return current_year()


def all_years() -> list[FundYear]:
    return list(db.session.scalars(select(FundYear).order_by(FundYear.start.desc())))


def campaign_choices(blank: str) -> list[tuple[int, str]]:
    rows = db.session.scalars(select(Campaign).order_by(Campaign.start.desc()))
    return [(0, blank)] + [(c.id, c.name) for c in rows]


def chart(rows: list[tuple[str, int, int]]) -> Any:
    return bar_chart(
        [label[:2] for label, _r, _s in rows],
        [Series(_("Receipts"), [r for _l, r, _s in rows], "s1"), Series(_("Spending"), [s for _l, _r, s in rows], "s2")],
        title=_("Receipts and spending per month"),
        value_format=format_money,
    )


def period() -> tuple[dt.date, dt.date, FundYear | None]:
    """``?from=&to=`` (default: the chosen fund year), never ending after today."""
    year = chosen_year()
    start = _date_arg("from") or (year.start if year else dt.date(local_today().year, 1, 1))
    end = _date_arg("to") or (year.end if year else dt.date(local_today().year, 12, 31))
    end = max(start, min(end, local_today()))  # a closing balance is never dated in the future
    return start, end, year


def _date_arg(name: str) -> dt.date | None:
    raw = request.args.get(name, "").strip()
    if not raw:
        return None
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(raw, fmt).date()
        except ValueError:
            continue
    raise Refused(400, _("Enter a date as dd/mm/yyyy."))


def bodies_on(day: dt.date | None) -> dict[str, str]:
    """Superior, issuer and place line of a fund document dated ``day`` (FUND_LATER_BODIES, else the base bodies)."""
    bodies = {"superior": get_plugin_config("FUND_SUPERIOR_BODY", ""), "issuer": get_plugin_config("FUND_ISSUING_BODY", ""),
              "place": get_plugin_config("PORTAL_PLACE", "Tam Đường")}
    for later in sorted(get_plugin_config("FUND_LATER_BODIES", []) or [], key=lambda b: str(b.get("from", ""))):
        try:
            starts = dt.date.fromisoformat(str(later.get("from", "")))
        except ValueError:
            continue
        if day is not None and day >= starts:
            bodies = {**bodies, **{k: v for k, v in later.items() if k in bodies and v}}
    return bodies


def refused_into(form: Any, exc: Refused, field: str | None = None) -> int:
    """Show a service's refusal on the form it came from (the user keeps what was typed); the status to answer."""
    db.session.rollback()
    (getattr(form, field).errors if field else form.form_errors).append(exc.message)
    return exc.status
