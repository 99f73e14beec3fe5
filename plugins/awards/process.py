"""From registration to decision: đăng ký thi đua, Quyết định khen thưởng (and its Tờ trình, .docx, Giấy khen),
achievement records and the look-back eligibility rule. Services without a request where possible."""
from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from flask import current_app
from sqlalchemy import false, func, or_, select
from sqlalchemy.exc import IntegrityError

from portal.toolkit import (
    Refused,
    Unit,
    _,
    _l,
    db,
    fold,
    format_date,
    format_doc_date,
    format_money,
    lazy_pgettext,
    lock,
    ngettext,
    notify_unit,
    pgettext,
    utcnow,
    vi_sort_key,
)

from .models import (
    NOMINEE_KINDS,
    Achievement,
    AwardType,
    Decision,
    DecisionCounter,
    DecisionLine,
    DecisionSession,
    Nomination,
    NominationRound,
    Registration,
    RegistrationEntry,
    VotingSession,
)
from .services import KIND_LABELS

REGISTRATION_STATE_LABELS = {
    "draft": lazy_pgettext("registration", "Draft"), "submitted": _l("Submitted"),
    "approved": lazy_pgettext("registration", "Approved"), "returned": _l("Returned"),
}
DECISION_STATE_LABELS = {"draft": lazy_pgettext("decision", "Draft"), "issued": _l("Issued")}
SOURCE_LABELS = {"decision": _l("Our decision"), "manual": _l("Entered by hand")}
KIND_GROUP_LABELS = {"collective": _l("Collectives"), "individual": _l("Individuals"), "household": _l("Households")}

MAX_ENTRIES = 200  # registered titles per unit and round
MAX_LINES = 2000  # awardees per decision


def cfg(key: str) -> Any:
    return current_app.config[key]


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


# --- registration (đăng ký thi đua) ---------------------------------------------------------------------------

def expected_units(nomination_round: NominationRound) -> list[Unit]:
    """Units expected to register in a round: the configured kinds, valid during the round's year."""
    start, end = dt.date(nomination_round.year, 1, 1), dt.date(nomination_round.year, 12, 31)
    stmt = select(Unit).where(
        Unit.kind.in_(list(cfg("AWARDS_REGISTRATION_UNIT_KINDS"))),
        or_(Unit.valid_from.is_(None), Unit.valid_from <= end), or_(Unit.valid_to.is_(None), Unit.valid_to >= start),
    )
    return sorted(db.session.scalars(stmt), key=lambda u: vi_sort_key(u.name))


@dataclass
class EntryInput:
    award_type_id: int
    kind: str
    name: str
    position_text: str


def parse_entries(form: Any, types: dict[int, AwardType]) -> list[EntryInput]:
    """Read the repeated rows ``entry_type`` / ``entry_kind`` / ``entry_name`` / ``entry_position`` of the
    registration form; blank rows are skipped; anything else wrong refuses with 400 (nothing stored)."""
    rows = zip(form.getlist("entry_type"), form.getlist("entry_kind"), form.getlist("entry_name"),
               form.getlist("entry_position"), strict=False)
    out: list[EntryInput] = []
    for type_raw, kind, name, position in rows:
        name, position = (name or "").strip(), (position or "").strip()
        if not name and not type_raw:
            continue
        try:
            award_type = types[int(type_raw)]
        except (KeyError, ValueError):
            raise Refused(400, _("Choose a title for every registered name.")) from None
        if not name:
            raise Refused(400, _("Write the name of the collective, person or household for %(title)s.",
                                 title=award_type.name))
        if kind not in NOMINEE_KINDS or kind not in award_type.kinds:
            raise Refused(400, _("%(title)s is not given to this kind of nominee.", title=award_type.name))
        if len(name) > 200 or len(position) > 200 or "<" in name + position:
            raise Refused(400, _("Names and positions are plain text of at most 200 characters."))
        out.append(EntryInput(award_type.id, kind, name, position))
    if len(out) > MAX_ENTRIES:
        raise Refused(400, _("At most %(num)s titles can be registered at once.", num=MAX_ENTRIES))
    return out


def save_registration(round_id: int, unit_id: int, commitment: str, entries: list[EntryInput], submit: bool) -> Registration:
    """Create or update a unit's registration (draft or returned ones only) and optionally submit it."""
    nomination_round = db.session.get(NominationRound, round_id)
    if nomination_round is None or not nomination_round.open:
        raise Refused(409, _("This round no longer accepts registrations."))
    existing = db.session.scalar(select(Registration.id).where(Registration.round_id == round_id,
                                                               Registration.unit_id == unit_id))
    if existing is not None:
        reg = lock(Registration, existing)
        if reg.state not in ("draft", "returned"):
            raise Refused(409, _("This registration was already sent; it can be changed only if the office "
                                 "returns it."))
    else:
        reg = Registration(round_id=round_id, unit_id=unit_id)
        db.session.add(reg)
    commitment = (commitment or "").strip()
    if len(commitment) > 8000 or "<script" in commitment.lower():
        raise Refused(400, _("The commitment is plain text of at most 8000 characters."))
    if submit and not commitment:
        raise Refused(400, _("Write the unit's emulation commitment before sending the registration."))
    reg.commitment = commitment
    reg.entries = [RegistrationEntry(award_type_id=e.award_type_id, kind=e.kind, name=e.name, name_fold=fold(e.name),
                                     position_text=e.position_text, position=n) for n, e in enumerate(entries)]
    if submit:
        reg.state, reg.submitted_at = "submitted", utcnow()
    elif reg.state != "returned":
        reg.state = "draft"
    try:
        db.session.flush()
    except IntegrityError:  # a concurrent first registration of the same unit and round
        db.session.rollback()
        raise Refused(409, _("This unit's registration was just created by someone else. Reload the page.")) from None
    return reg


def review_registration(registration_id: int, approve: bool, note: str) -> Registration:
    reg = lock(Registration, registration_id)
    if reg is None:
        raise Refused(404, _("Unknown registration."))
    if reg.state != "submitted":
        raise Refused(409, _("Only a sent registration can be approved or returned."))
    note = (note or "").strip()[:2000]
    if not approve and not note:
        raise Refused(400, _("Say why the registration is returned."))
    reg.state, reg.review_note = ("approved" if approve else "returned"), note
    return reg


def registration_problem(round_id: int, unit_id: int, award_type: AwardType, kind: str, nominee: str) -> str | None:
    """Why a nomination may not be made under the award type's registration rule, or None when it may."""
    if not award_type.requires_registration:
        return None
    entry = db.session.scalar(
        select(RegistrationEntry).join(Registration).where(
            Registration.round_id == round_id, Registration.unit_id == unit_id, Registration.state == "approved",
            RegistrationEntry.award_type_id == award_type.id, RegistrationEntry.kind == kind,
            RegistrationEntry.name_fold == fold(nominee),
        ).limit(1)
    )
    if entry is not None:
        return None
    return _("%(title)s requires an approved emulation registration: %(name)s is not registered for it by this "
             "unit in this round (or the unit's registration is not approved yet).",
             title=award_type.name, name=nominee)


@dataclass
class RegistrationRow:
    unit: Unit
    registration: Registration | None


def registration_overview(nomination_round: NominationRound) -> list[RegistrationRow]:
    """Every expected unit with its registration (or None: not registered); two queries."""
    regs = {r.unit_id: r for r in db.session.scalars(
        select(Registration).where(Registration.round_id == nomination_round.id))}
    units = expected_units(nomination_round)
    seen = {u.id for u in units}
    extra = [r.unit for r in regs.values() if r.unit_id not in seen]  # registered although not expected
    return [RegistrationRow(u, regs.get(u.id)) for u in units + extra]


def registration_counts(round_id: int) -> dict[int, dict[int, int]]:
    """registration id → {award type id: number of registered names} (one query)."""
    out: dict[int, dict[int, int]] = {}
    rows = db.session.execute(
        select(RegistrationEntry.registration_id, RegistrationEntry.award_type_id, func.count())
        .join(Registration).where(Registration.round_id == round_id)
        .group_by(RegistrationEntry.registration_id, RegistrationEntry.award_type_id)
    )
    for reg_id, type_id, n in rows:
        out.setdefault(reg_id, {})[type_id] = n
    return out


def registration_sheets(nomination_round: NominationRound) -> list[tuple[str, list[str], list[list[Any]]]]:
    """The district summary of registrations: one row per unit, then one row per registered title."""
    rows = registration_overview(nomination_round)
    summary = [[r.unit.name, str(REGISTRATION_STATE_LABELS[r.registration.state]) if r.registration else
                _("Not registered"), len(r.registration.entries) if r.registration else 0,
                r.registration.commitment if r.registration else ""] for r in rows]
    entries: list[list[Any]] = []
    for r in rows:
        if r.registration is None:
            continue
        for e in r.registration.entries:
            entries.append([r.unit.name, e.award_type.name, str(KIND_LABELS[e.kind]), e.name, e.position_text,
                            str(REGISTRATION_STATE_LABELS[r.registration.state])])
    return [
        (_("Units"), [_("Unit"), _("State"), _("Titles registered"), _("Commitment")], summary),
        (_("Titles"), [_("Unit"), pgettext("award", "Title"), _("Nominee kind"), _("Name"), _("Position or address"), _("State")],
         entries),
    ]


# --- achievement records and the look-back rule ----------------------------------------------------------------

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
    return stmt.order_by(Achievement.holder_fold, Achievement.year.desc(), Achievement.id)


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


# --- decisions -------------------------------------------------------------------------------------------------

def decided_nomination_ids() -> set[int]:
    """Nominations already on a line of some decision (draft or issued)."""
    return set(db.session.scalars(select(DecisionLine.nomination_id).where(DecisionLine.nomination_id.is_not(None))))


def _default_texts(decision: Decision, sessions: Sequence[VotingSession]) -> None:
    decision.basis = "\n".join(cfg("AWARDS_DECISION_BASIS"))
    decision.signer_title = cfg("AWARDS_SIGNER_TITLE")
    decision.proposal = _("At the proposal of the Head of the Home Affairs Office (Standing body of the Emulation "
                          "and Commendation Council).")
    decision.article2 = _("The Chairman's certificate of merit (Giấy khen) and the bonus are paid from the district's "
                          "emulation and commendation fund under current regulations.")
    decision.article3 = _("The Chief of the Office of the People's Council and People's Committee, the Head of the "
                          "Home Affairs Office, the heads of the agencies concerned and the collectives, "
                          "individuals and households named in Article 1 are responsible for implementing this "
                          "decision.")
    decision.recipients = "\n".join(cfg("AWARDS_DECISION_RECIPIENTS"))
    meetings = "; ".join(
        _("meeting of %(date)s (minutes no. %(number)s)", date=format_date(s.meeting_date), number=s.number or "…")
        for s in sessions)
    decision.submission_text = _(
        "Based on the results of the secret ballot of the district Emulation and Commendation Council (%(meetings)s), "
        "the Home Affairs Office respectfully submits to the Chairman of the district People's Committee for "
        "consideration and decision the award of the forms listed below to the collectives, individuals and "
        "households with outstanding achievements.", meetings=meetings or "…")


def draft_decision(session_ids: Iterable[int], subject: str, decision_date: dt.date) -> Decision:
    """A draft decision (with its Tờ trình) listing the approved nominees of published sessions that are on no
    other decision yet."""
    ids = sorted(set(session_ids))
    sessions = list(db.session.scalars(select(VotingSession).where(VotingSession.id.in_(ids)))) if ids else []
    if not sessions or len(sessions) != len(ids):
        raise Refused(400, _("Choose at least one voting session."))
    if any(s.state != "published" or not s.result for s in sessions):
        raise Refused(409, _("Only sessions whose results the chair has published can be decided."))
    taken = decided_nomination_ids()
    approved = [(s, i) for s in sessions for i in s.result["items"]
                if i["verdict"] == "approved" and i["nomination"] not in taken]
    if not approved:
        raise Refused(409, _("These sessions have no approved nominee that is not already on a decision."))
    noms = {n.id: n for n in db.session.scalars(
        select(Nomination).where(Nomination.id.in_([i["nomination"] for _s, i in approved])))}
    decision = Decision(subject=subject, decision_date=decision_date, submission_date=decision_date)
    _default_texts(decision, sessions)
    order = {k: n for n, k in enumerate(NOMINEE_KINDS)}
    rows = sorted((noms[i["nomination"]] for _s, i in approved),
                  key=lambda n: (order[n.kind], vi_sort_key(n.award_type.name), vi_sort_key(n.nominee)))
    decision.lines = [
        DecisionLine(position=k, nomination_id=n.id, award_type_id=n.award_type_id, award_name=n.award_type.name,
                     kind=n.kind, nominee=n.nominee, position_text=n.position, unit_id=n.unit_id,
                     unit_name=n.unit.name, bonus=n.award_type.bonus or 0,
                     achievement=_("for outstanding achievements in the emulation movement of %(year)s",
                                   year=n.round.year))
        for k, n in enumerate(rows)
    ]
    decision.sessions = [DecisionSession(session_id=s.id) for s in sessions]
    db.session.add(decision)
    db.session.flush()
    return decision


def locked_draft(decision_id: int) -> Decision:
    """Lock a decision for a change and refuse unless it is still a draft (an issued decision is append-only)."""
    decision = lock(Decision, decision_id)
    if decision is None:
        raise Refused(404, _("Unknown decision."))
    if decision.state != "draft":
        raise Refused(409, _("Decision %(number)s is issued and can no longer be changed; issue a new decision "
                             "that amends it.", number=decision.number))
    return decision


def next_number(year: int) -> int:
    """Take the year's counter under its row lock and return the next number (gapless: it commits with the issue)."""
    counter = lock(DecisionCounter, year, column="year")
    if counter is None:
        counter = DecisionCounter(year=year, last=0)
        db.session.add(counter)
        try:
            db.session.flush()
        except IntegrityError:  # another issue created this year's counter at the same moment
            db.session.rollback()
            raise Refused(409, _("Another decision is being issued right now. Please try again.")) from None
    counter.last += 1
    return counter.last


def issue_decision(decision_id: int, user_id: int | None) -> Decision:
    """Issue a draft: lock it, number it (gapless per year), record the achievements, notify the units."""
    decision = locked_draft(decision_id)
    if not decision.lines:
        raise Refused(409, _("A decision needs at least one awardee in Article 1."))
    if not decision.signer_name.strip():
        raise Refused(400, _("Write the name of the signer before issuing."))
    year = decision.decision_date.year
    seq = next_number(year)
    decision.year, decision.seq = year, seq
    decision.number = f"{seq:02d}/{cfg('AWARDS_DECISION_SUFFIX')}"
    decision.state, decision.issued_at, decision.issued_by_id = "issued", utcnow(), user_id
    for line in decision.lines:
        add_achievement(kind=line.kind, holder=line.nominee, position_text=line.position_text, unit_id=line.unit_id,
                        year=_line_year(line, year), award_type_id=line.award_type_id, title=line.award_name,
                        decision_number=decision.number, decision_date=decision.decision_date,
                        decision_id=decision.id, source="decision")
    return decision


def _line_year(line: DecisionLine, default: int) -> int:
    """The year an award is for: the nomination round's year (a 2025 title decided in January 2026 is 2025's)."""
    if line.nomination_id is not None:
        nom = db.session.get(Nomination, line.nomination_id)
        if nom is not None:
            return nom.round.year
    return default


def notify_decision(decision: Decision, link: str) -> int:
    """Tell each awardee's unit about the issued decision; return the number of notices."""
    sent = 0
    for unit_id in sorted({line.unit_id for line in decision.lines if line.unit_id}):
        names = [line.nominee for line in decision.lines if line.unit_id == unit_id]
        sent += notify_unit(unit_id, _("Decision %(number)s of %(date)s awards: %(names)s", number=decision.number,
                                       date=format_date(decision.decision_date), names="; ".join(names)[:400]), link)
    return sent


def amend_decision(decision_id: int) -> Decision:
    """A new draft that amends an issued decision: same texts and list, to be corrected, then issued itself."""
    original = db.session.get(Decision, decision_id)
    if original is None:
        raise Refused(404, _("Unknown decision."))
    if original.state != "issued":
        raise Refused(409, _("Only an issued decision can be amended; change the draft itself."))
    new = Decision(amends_id=original.id, decision_date=original.decision_date,
                   subject=_("Amending Decision %(number)s: %(subject)s", number=original.number,
                             subject=original.subject)[:300])
    for attr in ("signer_title", "signer_name", "proposal", "article2", "article3", "recipients", "public",
                 "submission_text"):
        setattr(new, attr, getattr(original, attr))
    new.basis = "\n".join([*_lines(original.basis), _("Decision %(number)s of %(date)s of the Chairman of the "
                                                       "district People's Committee;", number=original.number,
                                                       date=format_date(original.decision_date))])
    new.lines = [DecisionLine(**{c: getattr(line, c) for c in ("position", "nomination_id", "award_type_id",
                                                               "award_name", "kind", "nominee", "position_text",
                                                               "unit_id", "unit_name", "bonus", "achievement")})
                 for line in original.lines]
    new.sessions = [DecisionSession(session_id=s.session_id) for s in original.sessions]
    db.session.add(new)
    db.session.flush()
    return new


def amended_by(decision_id: int) -> list[Decision]:
    return list(db.session.scalars(select(Decision).where(Decision.amends_id == decision_id).order_by(Decision.id)))


def grouped_lines(decision: Decision) -> list[tuple[str, list[DecisionLine]]]:
    """Điều 1's list by nominee kind: collectives, individuals, households (only kinds present)."""
    return [(str(KIND_GROUP_LABELS[k]), [line for line in decision.lines if line.kind == k])
            for k in NOMINEE_KINDS if any(line.kind == k for line in decision.lines)]


def totals(decision: Decision) -> dict[str, int]:
    counts = {k: sum(1 for line in decision.lines if line.kind == k) for k in NOMINEE_KINDS}
    return {**counts, "bonus": sum(line.bonus for line in decision.lines)}


def whom(decision: Decision) -> str:
    """ "3 collectives, 2 individuals and 1 household" (kinds without awardees left out)."""
    t = totals(decision)
    forms = {"collective": ngettext("%(num)s collective", "%(num)s collectives", t["collective"]),
             "individual": ngettext("%(num)s individual", "%(num)s individuals", t["individual"]),
             "household": ngettext("%(num)s household", "%(num)s households", t["household"])}
    parts = [forms[k] for k in NOMINEE_KINDS if t[k]]
    if len(parts) < 2:
        return parts[0] if parts else "0"
    return _("%(first)s and %(last)s", first=", ".join(parts[:-1]), last=parts[-1])


def article1_intro(decision: Decision) -> str:
    return _("To award %(whom)s the forms listed below, for their achievements:", whom=whom(decision))


# --- the .docx for Word -----------------------------------------------------------------------------------------

def decision_docx(decision: Decision) -> bytes:
    """The decision as a Word document: the official two-column header table, numbered article headings, the list
    table of Điều 1 grouped by kind, Điều 2–3, Nơi nhận and the signature."""
    from docx import Document
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt

    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin = section.bottom_margin = Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    for style_name in ("Normal", "Heading 1", "Heading 2", "Title"):
        style = doc.styles[style_name]
        style.font.name = "Times New Roman"
        style.font.size = Pt(14 if style_name == "Normal" else 13)
        style.element.rPr.rFonts.set(qn("w:eastAsia"), "Times New Roman")
        if style_name != "Normal":
            style.font.color.rgb = None
            style.font.bold = True

    def para(text: str = "", bold: bool = False, italic: bool = False, center: bool = False, size: int | None = None,
             container: Any = None) -> Any:
        p = (container or doc).add_paragraph()
        run = p.add_run(text)
        run.bold, run.italic = bold, italic
        if size:
            run.font.size = Pt(size)
        if center:
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        p.paragraph_format.space_after = Pt(2)
        return p

    issuer = cfg("AWARDS_DECISION_ISSUER")
    header = doc.add_table(rows=1, cols=2)
    header.alignment = WD_TABLE_ALIGNMENT.CENTER
    left, right = header.rows[0].cells
    left.width, right.width = Mm(65), Mm(100)
    left.paragraphs[0].text = ""
    for n, line in enumerate(_lines(issuer.replace("|", "\n"))):
        target = left.paragraphs[0] if n == 0 else left.add_paragraph()
        run = target.add_run(line.upper())
        run.bold, run.font.size = True, Pt(13)
        target.alignment = WD_ALIGN_PARAGRAPH.CENTER
    para("———", center=True, container=left, size=10)
    para(f"{_('No.')}: {decision.number or '…/' + cfg('AWARDS_DECISION_SUFFIX')}", center=True, container=left,
         size=13)
    right.paragraphs[0].text = ""
    run = right.paragraphs[0].add_run("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    run.bold, run.font.size = True, Pt(12)
    right.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    para("Độc lập - Tự do - Hạnh phúc", bold=True, center=True, container=right, size=13)
    para("———————", center=True, container=right, size=10)
    para(format_doc_date(decision.decision_date), italic=True, center=True, container=right, size=13)

    title = doc.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.paragraph_format.space_before = Pt(12)
    r = title.add_run(_("DECISION"))
    r.bold, r.font.size = True, Pt(14)
    para(decision.subject, bold=True, center=True)
    para(cfg("AWARDS_DECISION_AUTHORITY").upper(), bold=True, center=True)
    for line in _lines(decision.basis):
        para(line, italic=True)
    if decision.proposal:
        para(decision.proposal, italic=True)
    para(_("DECIDES:"), bold=True, center=True)

    doc.add_heading(_("Article 1."), level=2)
    para(article1_intro(decision))
    table = doc.add_table(rows=1, cols=6)
    table.style = "Table Grid"
    heads = [pgettext("table column", "No."), _("Name of the awardee"), _("Position or address"), _("Unit"),
             _("Award form"), _("Bonus (đồng)")]
    for cell, text in zip(table.rows[0].cells, heads, strict=True):
        cell.text = ""
        cell.paragraphs[0].add_run(str(text)).bold = True
    n = 0
    for group, lines in grouped_lines(decision):
        row = table.add_row().cells
        merged = row[0].merge(row[5])
        merged.text = ""
        merged.paragraphs[0].add_run(group).bold = True
        for line in lines:
            n += 1
            values = [str(n), line.nominee, line.position_text, line.unit_name, line.award_name,
                      format_money(line.bonus) if line.bonus else "—"]
            for cell, text in zip(table.add_row().cells, values, strict=True):
                cell.text = text
    t = totals(decision)
    if t["bonus"]:
        para(_("Total bonus: %(amount)s.", amount=format_money(t["bonus"])))
    doc.add_heading(_("Article 2."), level=2)
    para(decision.article2)
    doc.add_heading(_("Article 3."), level=2)
    para(decision.article3)

    foot = doc.add_table(rows=1, cols=2)
    recv, sign = foot.rows[0].cells
    recv.paragraphs[0].text = ""
    run = recv.paragraphs[0].add_run(_("Recipients:"))
    run.bold, run.italic, run.font.size = True, True, Pt(12)
    for line in _lines(decision.recipients):
        para(line, container=recv, size=11)
    sign.paragraphs[0].text = ""
    run = sign.paragraphs[0].add_run(decision.signer_title.upper())
    run.bold = True
    sign.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    for _i in range(3):
        para("", container=sign)
    para(decision.signer_name, bold=True, center=True, container=sign)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def visible_lines_stmt(unit_clause: Any, public_only: bool = False) -> Any:
    """Lines of issued decisions, newest first; for the units' page (unit scope) or the public page."""
    stmt = (select(DecisionLine, Decision).join(Decision, DecisionLine.decision_id == Decision.id)
            .where(Decision.state == "issued"))
    if public_only:
        stmt = stmt.where(Decision.public.is_(True))
    stmt = stmt.where(unit_clause if unit_clause is not None else false())
    return stmt.order_by(Decision.decision_date.desc(), Decision.id.desc(), DecisionLine.position)
