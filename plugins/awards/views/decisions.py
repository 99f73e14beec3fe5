"""Award decisions with their Tờ trình, print, .docx and Giấy khen."""
from __future__ import annotations

from flask import Response, abort, flash, redirect, request, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import func, select

from portal.toolkit import (
    INVALID_FORM, Refused, _, confirm, current_user, db, fold, idempotent, is_fragment_request, ngettext,
    redirect_or_hx, render, require_permission,
)

from ..forms import DecisionForm, DraftDecisionForm, LineForm
from ..models import Decision, DecisionLine, VotingSession
from ..permissions import MANAGE, VIEW
from ..services import decision_docx as docx, decisions as dec
from .common import form_page
from .rows import line_row


# --- decisions -------------------------------------------------------------------------------------------------

def _can_see_decision(decision: Decision) -> bool:
    if current_user.can(MANAGE):
        return True
    if decision.state != "issued":
        return False
    if current_user.scope(VIEW) == "all":
        return True
    return any(current_user.can(VIEW, line.unit_id) for line in decision.lines if line.unit_id)


def _decision(decision_id: int) -> Decision:
    decision = db.get_or_404(Decision, decision_id)
    if not _can_see_decision(decision):
        abort(403)
    return decision


@require_permission(MANAGE, VIEW)
def decisions() -> ResponseReturnValue:
    stmt = select(Decision)
    if not current_user.can(MANAGE):
        stmt = stmt.where(Decision.state == "issued")
        if current_user.scope(VIEW) != "all":
            return redirect_or_hx(url_for("awards.decided"))
    counts = {k: n for k, n in db.session.execute(
        select(DecisionLine.decision_id, func.count()).group_by(DecisionLine.decision_id))}
    rows = list(db.session.scalars(stmt.order_by(Decision.decision_date.desc(), Decision.id.desc())))
    return render("awards/decisions.html", decisions=rows, counts=counts)


def _published_sessions() -> list[VotingSession]:
    return list(db.session.scalars(select(VotingSession).where(VotingSession.state == "published")
                                   .order_by(VotingSession.meeting_date.desc())))


@require_permission(MANAGE)
def decision_new() -> ResponseReturnValue:
    form = DraftDecisionForm()
    sessions = _published_sessions()
    form.sessions.choices = [(s.id, f"{s.title} ({s.meeting_date:%d/%m/%Y})") for s in sessions]
    if request.method == "GET":
        chosen = request.args.get("session", type=int)
        form.sessions.data = [chosen] if chosen else []
        if not form.subject.data:
            form.subject.data = _("On awarding the collectives, individuals and households with outstanding "
                                  "achievements in the emulation movement")
    if form.validate_on_submit():
        try:
            decision = dec.draft_decision(form.sessions.data, form.subject.data, form.decision_date.data)
        except Refused as exc:
            db.session.rollback()
            form.sessions.errors.append(exc.message)
        else:
            db.session.commit()
            flash(_("Draft decision with its submission prepared from the session results."), "success")
            return redirect_or_hx(url_for("awards.decision_detail", decision_id=decision.id))
    return form_page(form, _("Draft a submission and decision"), url_for("awards.decisions"),
                     intro=_("The list of Article 1 takes the approved nominees of the chosen published sessions "
                              "that are on no other decision."))


@require_permission(MANAGE, VIEW)
def decision_detail(decision_id: int) -> ResponseReturnValue:
    decision = _decision(decision_id)
    editable = decision.state == "draft" and current_user.can(MANAGE)
    editing = request.args.get("edit", type=int) if editable else None
    if editing and is_fragment_request():  # one line's form, swapped into its row (the other lines not read)
        line = db.session.get(DecisionLine, editing)
        if line is None or line.decision_id != decision.id:
            abort(404)
        return _decision_page(fragment="line_rows", decision=decision, lines=[line], editing=editing)
    adding = editable and request.args.get("add") == "1"  # the hand-added line's box, open
    if adding and is_fragment_request():  # the box opened: its form only
        return _decision_page(fragment="line_add_form", decision=decision, line_form=LineForm(formdata=None))
    texts = editable and request.args.get("texts") == "1"  # the box of the texts, open
    if texts and is_fragment_request():
        return _decision_page(fragment="texts_form", decision=decision, form=DecisionForm(obj=decision))
    return _detail_page(decision, editable, editing, LineForm(formdata=None) if adding else None, texts=texts)


def _decision_page(fragment: str | None = None, status: int = 200, **context: object) -> ResponseReturnValue:
    """decision.html, whole or one fragment; its rows are built in Python (rows.line_row)."""
    return render("awards/decision.html", fragment=fragment, status=status, line_row=line_row, **context)


def _detail_page(decision: Decision, editable: bool, editing: int | None, line_form: LineForm | None,
                 status: int = 200, texts: bool = False) -> ResponseReturnValue:
    """The decision page; with ``line_form``, the hand-added line's box open with that form (and its errors); the
    texts' box is open when asked (``texts``) or while the draft has no signer, which issuing needs."""
    lines = dec.shown_lines(decision.id)
    texts_open = editable and (texts or not decision.signer_name.strip())
    return _decision_page(status=status, decision=decision, issue_blocker=dec.issue_blocker(decision, lines),
                          editable=editable, form=DecisionForm(obj=decision) if texts_open else None, texts_open=texts_open,
                          line_form=line_form, editing=editing,
                          adding=line_form is not None, amended_by=dec.amended_by(decision.id),
                          groups=dec.grouped_lines(decision, lines), totals=dec.totals(decision, lines))


@require_permission(MANAGE)
def decision_edit(decision_id: int) -> ResponseReturnValue:
    decision = dec.locked_draft(decision_id)
    form = DecisionForm()
    if not form.validate_on_submit():
        db.session.rollback()
        errors = "; ".join(f"{form[name].label.text}: {msgs[0]}" for name, msgs in form.errors.items())
        raise Refused(INVALID_FORM, errors or _("Check the fields of the decision."))
    form.populate_obj(decision)
    db.session.commit()
    flash(_("Decision saved."), "success")
    return redirect_or_hx(url_for("awards.decision_detail", decision_id=decision.id))


def _line_values() -> dict[str, object]:
    form = LineForm()
    if not form.validate_on_submit():
        db.session.rollback()
        errors = "; ".join(f"{form[name].label.text}: {msgs[0]}" for name, msgs in form.errors.items())
        raise Refused(INVALID_FORM, errors or _("Check the line."))
    return _values_of(form)


def _values_of(form: LineForm) -> dict[str, object]:
    return {"kind": form.kind.data, "nominee": form.nominee.data, "position_text": form.position_text.data or "",
            "unit_name": form.unit_name.data or "", "award_name": form.award_name.data, "bonus": form.bonus.data or 0}


@require_permission(MANAGE)
def decision_line_add(decision_id: int) -> ResponseReturnValue:
    decision = dec.locked_draft(decision_id)
    form = LineForm()
    if not form.validate_on_submit():  # the page again, the box open with what was typed and what is wrong
        db.session.rollback()
        return _detail_page(decision, True, None, form, status=INVALID_FORM)
    values = _values_of(form)
    if len(decision.lines) >= dec.MAX_LINES:
        raise Refused(409, _("A decision lists at most %(num)s awardees.", num=dec.MAX_LINES))
    decision.lines.append(DecisionLine(position=len(decision.lines), achievement="", **values))
    db.session.commit()
    flash(_("%(name)s added to Article 1.", name=values["nominee"]), "success")
    return redirect_or_hx(url_for("awards.decision_detail", decision_id=decision.id) + "#lines")


def _line(decision: Decision, line_id: int) -> DecisionLine:
    line = next((x for x in decision.lines if x.id == line_id), None)
    if line is None:
        abort(404)
    return line


@require_permission(MANAGE)
def decision_line_edit(decision_id: int, line_id: int) -> ResponseReturnValue:
    """Save a line of a draft: the row again to htmx (the page to a browser)."""
    decision = dec.locked_draft(decision_id)
    line = _line(decision, line_id)
    for key, value in _line_values().items():
        setattr(line, key, value)
    db.session.commit()
    if is_fragment_request():
        return _decision_page(fragment="line_rows", decision=decision, lines=[line], saved=True)
    flash(_("Line saved."), "success")
    return redirect(url_for("awards.decision_detail", decision_id=decision.id) + f"#line-{line.id}")


@require_permission(MANAGE)
def decision_line_remove(decision_id: int, line_id: int) -> ResponseReturnValue:
    decision = dec.locked_draft(decision_id)
    decision.lines.remove(_line(decision, line_id))
    db.session.commit()
    flash(_("Line removed."), "success")
    return redirect_or_hx(url_for("awards.decision_detail", decision_id=decision.id) + "#lines")


@require_permission(MANAGE)
@idempotent
def decision_issue(decision_id: int) -> ResponseReturnValue:
    draft = db.get_or_404(Decision, decision_id)
    if draft.state == "draft" and dec.issue_blocker(draft) is None and (answer := confirm(
            _("Issue the decision?"),
            [ngettext("%(num)s awardee in Article 1.", "%(num)s awardees in Article 1.", len(draft.lines)),
             _("It takes the next number of %(year)s and can no longer be edited; a correction is an amending "
               "decision.", year=draft.decision_date.year),
             _("The units are notified and the awards enter the achievement records.")],
            button=_("Issue the decision"))) is not None:
        return answer
    decision = dec.issue_decision(decision_id, current_user.id)
    dec.notify_decision(decision, url_for("awards.decided"))
    db.session.commit()
    flash(_("Decision %(number)s issued; the units are notified.", number=decision.number), "success")
    return redirect_or_hx(url_for("awards.decision_detail", decision_id=decision.id))


@require_permission(MANAGE)
def decision_amend(decision_id: int) -> ResponseReturnValue:
    new = dec.amend_decision(decision_id)
    db.session.commit()
    flash(_("A draft amending decision was created; correct it and issue it."), "success")
    return redirect_or_hx(url_for("awards.decision_detail", decision_id=new.id))


@require_permission(MANAGE, VIEW)
def decision_print(decision_id: int) -> ResponseReturnValue:
    decision = _decision(decision_id)
    return render("awards/decision_print.html", decision=decision, article1_intro=dec.article1_intro,
                  groups=dec.grouped_lines(decision), totals=dec.totals(decision), amended_by=dec.amended_by(decision.id))


@require_permission(MANAGE)
def decision_submission(decision_id: int) -> ResponseReturnValue:
    decision = _decision(decision_id)
    return render("awards/submission.html", decision=decision, whom=dec.whom, groups=dec.grouped_lines(decision),
                  totals=dec.totals(decision))


@require_permission(MANAGE, VIEW)
def decision_docx(decision_id: int) -> ResponseReturnValue:
    decision = _decision(decision_id)
    resp = Response(docx.decision_docx(decision), mimetype="application/vnd.openxmlformats-officedocument."
                                                              "wordprocessingml.document")
    name = fold(decision.number or f"du-thao-{decision.id}").replace("/", "-").replace(" ", "-")  # ASCII header
    resp.headers["Content-Disposition"] = f'attachment; filename="quyet-dinh-{name}.docx"'
    return resp


@require_permission(MANAGE, VIEW)
def decision_certificates(decision_id: int) -> ResponseReturnValue:
    decision = _decision(decision_id)
    if decision.state != "issued":
        raise Refused(409, _("Certificates are printed from an issued decision (they carry its number)."))
    lines = decision.lines
    only = request.args.getlist("line", type=int)
    if only:
        lines = [line for line in lines if line.id in set(only)]
    if not current_user.can(MANAGE) and current_user.scope(VIEW) != "all":
        lines = [line for line in lines if current_user.can(VIEW, line.unit_id or -1)]
    return render("awards/certificates.html", decision=decision, lines=lines)
