"""Reading the register: lists (paged in SQL), the public showcase, reach, the widget and the Excel rows."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from flask import abort
from sqlalchemy import func, select

from portal.toolkit import Page, Unit, current_user, db, format_date, format_number, paginate, unit_clause, url_maker

from .. import labels
from ..models import Exemplar, ExemplarPhoto, Replication
from ..permissions import MANAGE, VIEW


@dataclass(frozen=True)
class Filters:
    state: str = ""
    sector: str = ""
    unit_id: int = 0
    q: str = ""

    @classmethod
    def from_args(cls, args: Any, states: Sequence[str] = tuple(labels.STATES)) -> Filters:
        state = args.get("state", "")
        sector = args.get("sector", "")
        unit = args.get("unit", "")
        return cls(state=state if state in states else "", sector=sector if sector in labels.SECTORS else "",
                   unit_id=int(unit) if unit.isdigit() and len(unit) < 12 else 0, q=(args.get("q") or "")[:100])

    def apply(self, stmt: Any) -> Any:
        if self.state:
            stmt = stmt.where(Exemplar.state == self.state)
        if self.sector:
            stmt = stmt.where(Exemplar.sector == self.sector)
        if self.unit_id:
            stmt = stmt.where(Exemplar.unit_id == self.unit_id)
        if self.q.strip():
            stmt = stmt.where(Exemplar.title.ilike("%" + self.q.strip().replace("%", "").replace("_", "") + "%"))
        return stmt


def can_see(exemplar: Exemplar) -> bool:
    return current_user.can(VIEW, exemplar.unit_id) or current_user.can(MANAGE)


def visible(exemplar_id: int) -> Exemplar:
    exemplar = db.get_or_404(Exemplar, exemplar_id)
    if not can_see(exemplar):
        abort(403)
    return exemplar


def register_page(filters: Filters) -> Page:
    stmt = filters.apply(select(Exemplar).where(unit_clause(VIEW, Exemplar.unit_id)))
    return paginate(stmt, order=[Exemplar.proposed_at.desc(), Exemplar.id.desc()], size=25)


def public_page(filters: Filters) -> Page:
    stmt = filters.apply(select(Exemplar).where(Exemplar.state.in_(labels.PUBLIC_STATES),
                                                Exemplar.verified_at.is_not(None)))
    return paginate(stmt, order=[Exemplar.verified_at.desc(), Exemplar.id.desc()], size=24)


def public_exemplar(exemplar_id: int) -> Exemplar:
    exemplar = db.session.get(Exemplar, exemplar_id)
    if exemplar is None or exemplar.state not in labels.PUBLIC_STATES:
        abort(404)
    return exemplar


def public_photo(photo: ExemplarPhoto) -> bool:
    """A photo may be served to anyone only when its exemplar is public and the people agreed to publication."""
    ex = photo.exemplar
    return ex.state in labels.PUBLIC_STATES and ex.consent_public


def covers(ids: Sequence[int]) -> dict[int, ExemplarPhoto]:
    """The first photo of each exemplar in one query (list pages stay at a constant number of queries)."""
    if not ids:
        return {}
    first = (select(func.min(ExemplarPhoto.id)).where(ExemplarPhoto.exemplar_id.in_(list(ids))).group_by(ExemplarPhoto.exemplar_id))
    return {p.exemplar_id: p for p in db.session.scalars(select(ExemplarPhoto).where(ExemplarPhoto.id.in_(first)))}


@dataclass(frozen=True)
class Reach:
    units: int  # communes or units that took it up
    households: int  # households of the model and of its replications


def reach(exemplars: Sequence[Exemplar]) -> dict[int, Reach]:
    """Each exemplar's reach: its own households plus those of its replications (one query for a page)."""
    ids = [e.id for e in exemplars]
    got: dict[int, tuple[int, int]] = {}
    if ids:
        for ex_id, n_units, n_households in db.session.execute(
            select(Replication.exemplar_id, func.count(func.distinct(Replication.unit_id)),
                   func.coalesce(func.sum(Replication.households), 0))
            .where(Replication.exemplar_id.in_(ids)).group_by(Replication.exemplar_id)
        ):
            got[ex_id] = (int(n_units), int(n_households))
    return {e.id: Reach(got.get(e.id, (0, 0))[0], e.households + got.get(e.id, (0, 0))[1]) for e in exemplars}


def _words(mapping: Any) -> dict[str, str]:
    return {code: str(word) for code, word in mapping.items()}


@dataclass(frozen=True)
class RegisterRow:
    url: str
    title: str
    sample: bool
    kind: str
    place: str  # the unit, and the village when there is one
    sector: str
    state: str  # the code (the tag's class)
    state_word: str
    households: str  # reached, formatted
    proposed: str  # the local day, formatted


def register_rows(exemplars: Sequence[Exemplar], spread: dict[int, Reach]) -> list[RegisterRow]:
    """The register's rows as plain words (labels translated once, links built once, numbers and days formatted)."""
    kinds, sectors, states = _words(labels.KINDS), _words(labels.SECTORS), _words(labels.STATES)
    url = url_maker("exemplars.detail", "exemplar_id")
    return [RegisterRow(url(ex.id), ex.title, bool(ex.sample), kinds[ex.kind],
                        f"{ex.unit.name}, {ex.village}" if ex.village else ex.unit.name, sectors[ex.sector], ex.state,
                        states[ex.state], format_number(spread[ex.id].households), format_date(ex.proposed_at))
            for ex in exemplars]


@dataclass(frozen=True)
class ShowcaseCard:
    url: str
    title: str
    cover_url: str  # "" without a cover photo (or without the people's consent)
    cover_alt: str
    place: str
    sector: str
    text: str  # story or description (the template shortens it)
    households_out: str
    households: str


def showcase_cards(exemplars: Sequence[Exemplar], spread: dict[int, Reach]) -> list[ShowcaseCard]:
    """The public showcase's cards as plain words; a cover only where the people agreed to publication."""
    first = covers([e.id for e in exemplars if e.consent_public])
    sectors = _words(labels.SECTORS)
    url = url_maker("exemplars.public_detail", "exemplar_id")
    photo = url_maker("exemplars.photo_file", "photo_id")
    cards = []
    for ex in exemplars:
        cover = first.get(ex.id) if ex.consent_public else None
        cards.append(ShowcaseCard(
            url(ex.id), ex.title, photo(cover.id) if cover else "",
            (cover.caption or ex.title) if cover else "", ex.unit.name, sectors[ex.sector], ex.story or ex.description,
            format_number(ex.households_out), format_number(spread[ex.id].households)))
    return cards


def unit_filter_choices(public: bool) -> list[tuple[int, str]]:
    """Units that have exemplars (for the filter), in the directory's Vietnamese order."""
    stmt = select(Unit.id, Unit.name).where(Unit.id.in_(
        select(Exemplar.unit_id).where(Exemplar.state.in_(labels.PUBLIC_STATES) if public
                                       else unit_clause(VIEW, Exemplar.unit_id))))
    return [(r.id, r.name) for r in db.session.execute(stmt.order_by(Unit.sort_key, Unit.id))]


def state_counts() -> dict[str, int]:
    """Exemplars per state that the user may see (the dashboard widget)."""
    rows = db.session.execute(select(Exemplar.state, func.count(Exemplar.id))
                              .where(unit_clause(VIEW, Exemplar.unit_id)).group_by(Exemplar.state))
    return {state: int(n) for state, n in rows}


def export_rows() -> list[list[Any]]:
    """Every exemplar the user may see, for Excel (personal fields included: the export is not public). One query
    of plain columns with the reach summed in SQL: the whole register, not a page of it."""
    spread = (select(Replication.exemplar_id, func.count(func.distinct(Replication.unit_id)).label("units"),
                     func.sum(Replication.households).label("households"))
              .group_by(Replication.exemplar_id).subquery())
    e = Exemplar
    stmt = (select(e.id, e.title, e.kind, e.holder, Unit.name, e.village, e.sector, e.start_year, e.households,
                   e.households_out, e.income, func.coalesce(spread.c.units, 0),
                   e.households + func.coalesce(spread.c.households, 0), e.state, e.source, e.consent_public,
                   e.contact, e.sample)
            .join(Unit, Unit.id == e.unit_id).outerjoin(spread, spread.c.exemplar_id == e.id)
            .where(unit_clause(VIEW, e.unit_id)).order_by(e.proposed_at, e.id))
    kinds, sectors, states, sources = (
        {k: str(v) for k, v in d.items()} for d in (labels.KINDS, labels.SECTORS, labels.STATES, labels.SOURCES))
    return [[r[0], r[1], kinds[r[2]], r[3], r[4], r[5], sectors[r[6]], r[7], r[8], r[9], r[10], int(r[11]), int(r[12]),
             states[r[13]], sources.get(r[14], r[14]), r[15], r[16], r[17]] for r in db.session.execute(stmt)]
