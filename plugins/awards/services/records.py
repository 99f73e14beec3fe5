"""Achievement records (hồ sơ thành tích) and the look-back eligibility rule."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import or_, select

from portal.toolkit import _, db, fold

from ..models import NOMINEE_KINDS, Achievement, AwardType


# --- achievement records and the look-back rule ----------------------------------------------------------------

RECORDS_ORDER = (Achievement.holder_fold, Achievement.year.desc(), Achievement.id)


def add_achievement(**values: Any) -> Achievement:
    values.setdefault("holder_fold", fold(values["holder"]))
    values.setdefault("title_fold", fold(values["title"]))
    row = Achievement(**values)
    db.session.add(row)
    return row


def search_achievements(q: str = "", kind: str = "", unit_clause: Any = None) -> Any:
    """A SELECT of achievement records matching a diacritics-insensitive search (holder, title, decision no.)."""
    stmt = select(Achievement)
    if unit_clause is not None:
        stmt = stmt.where(unit_clause)
    if kind in NOMINEE_KINDS:
        stmt = stmt.where(Achievement.kind == kind)
    needle = fold(q)
    if needle:
        like = f"%{needle.replace('%', '').replace('_', '')}%"
        raw = f"%{q.strip().replace('%', '').replace('_', '')}%"  # decision numbers as typed ("123/QĐ")
        stmt = stmt.where(or_(Achievement.holder_fold.like(like), Achievement.title_fold.like(like),
                              Achievement.decision_number.ilike(raw)))
    return stmt.order_by(*RECORDS_ORDER)


def holder_records(kind: str, holder: str) -> list[Achievement]:
    return list(db.session.scalars(
        select(Achievement).where(Achievement.kind == kind, Achievement.holder_fold == fold(holder))
        .order_by(Achievement.year.desc(), Achievement.id)
    ))


@dataclass
class LookBack:
    """The arithmetic of an "N consecutive years of X" rule for one nominee."""

    title: str
    years: list[int]
    found: dict[int, list[Achievement]] = field(default_factory=dict)

    @property
    def missing(self) -> list[int]:
        return [y for y in self.years if y not in self.found]

    @property
    def ok(self) -> bool:
        return not self.missing

    def text(self) -> str:
        found = ", ".join(str(y) for y in self.years if y in self.found) or "—"
        missing = ", ".join(str(y) for y in self.missing) or "—"
        values = dict(n=len(self.years), title=self.title, first=self.years[0], last=self.years[-1], found=found,
                      missing=missing, count=len(self.years) - len(self.missing))
        if self.ok:
            return _("%(n)s consecutive years of %(title)s needed (%(first)s–%(last)s): found %(found)s "
                     "(%(count)s/%(n)s) → meets the rule", **values)
        return _("%(n)s consecutive years of %(title)s needed (%(first)s–%(last)s): found %(found)s; missing "
                 "%(missing)s (%(count)s/%(n)s) → does not meet the rule", **values)


def lookback(award_type: AwardType, kind: str, nominee: str, round_year: int) -> LookBack | None:
    """Check the award type's look-back rule against the nominee's achievement records (None: no rule)."""
    target = award_type.lookback_type
    if target is None or not award_type.lookback_years:
        return None
    last = round_year if award_type.lookback_through_round_year else round_year - 1
    years = list(range(last - award_type.lookback_years + 1, last + 1))
    rows = db.session.scalars(select(Achievement).where(
        Achievement.kind == kind, Achievement.holder_fold == fold(nominee), Achievement.year.in_(years),
        or_(Achievement.award_type_id == target.id, Achievement.title_fold == fold(target.name)),
    ).order_by(Achievement.year))
    result = LookBack(target.name, years)
    for row in rows:
        result.found.setdefault(row.year, []).append(row)
    return result
