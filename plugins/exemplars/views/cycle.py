"""The cycle's steps (standing office) and citations from other plugins' records. Views stay thin: the service
locks the exemplar and refuses a step its state does not allow (409)."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import request, url_for
from flask.typing import ResponseReturnValue

from portal.toolkit import (
    INVALID_FORM, _, confirm, current_user, db, idempotent, redirect_or_hx, render, require_permission, unit_choices,
)

from ..forms import ArchiveForm, CiteForm, FosterForm, ReplicateForm, VerifyForm
from ..permissions import CITE, MANAGE
from ..services import cycle, links
from .register import detail_context


def _done(exemplar_id: int) -> ResponseReturnValue:
    db.session.commit()
    return redirect_or_hx(url_for("exemplars.detail", exemplar_id=exemplar_id))


def _invalid(exemplar_id: int, **forms: object) -> ResponseReturnValue:
    return render("exemplars/detail.html", fragment="cycle", status=INVALID_FORM,
                  **detail_context(exemplar_id, **forms))


def _cycle_step(exemplar_id: int, form: Any, key: str, run: Callable[[Any], object]) -> ResponseReturnValue:
    """Validate the step's form (422 in the cycle fragment), run the locked service step, commit, back to the page."""
    if not form.validate():
        return _invalid(exemplar_id, **{key: form})
    run(form)
    return _done(exemplar_id)


@require_permission(MANAGE)
@idempotent
def verify(exemplar_id: int) -> ResponseReturnValue:
    return _cycle_step(exemplar_id, VerifyForm(), "verify_form", lambda f: cycle.verify(
        exemplar_id, current_user.id, f.visit_date.data, f.note.data))


@require_permission(MANAGE)
@idempotent
def foster(exemplar_id: int) -> ResponseReturnValue:
    return _cycle_step(exemplar_id, FosterForm(), "foster_form", lambda f: cycle.foster(
        exemplar_id, current_user.id, f.note.data, f.amount.data, f.disbursement.data))


@require_permission(MANAGE)
@idempotent
def replicate(exemplar_id: int) -> ResponseReturnValue:
    form = ReplicateForm()
    form.unit_id.choices = unit_choices(kinds=("commune",), blank="—")  # the blank choice (0) fails DataRequired
    return _cycle_step(exemplar_id, form, "replicate_form", lambda f: cycle.replicate(
        exemplar_id, current_user.id, f.unit_id.data, f.households.data, f.year.data, f.note.data or ""))


@require_permission(MANAGE)
@idempotent
def archive(exemplar_id: int) -> ResponseReturnValue:
    form = ArchiveForm()
    if form.validate() and (asked := confirm(_("Archive this exemplar?"),
                                             [_("Its cycle is closed and it leaves the public showcase.")])) is not None:
        return asked
    return _cycle_step(exemplar_id, form, "archive_form", lambda f: cycle.archive(exemplar_id, current_user.id, f.note.data))


@require_permission(CITE, MANAGE)
@idempotent
def cite() -> ResponseReturnValue:
    """Cite an exemplar in another plugin's record (a nomination's evidence, a report naming its models)."""
    ref, info = links.citing_subject(request.values.get("ref"))
    form = CiteForm()
    form.exemplar_id.choices = links.citable(info)
    if request.method == "POST" and form.validate():
        links.cite(ref, form.exemplar_id.data)
        db.session.commit()
        return redirect_or_hx(info.url or url_for("exemplars.index"))
    status = INVALID_FORM if request.method == "POST" else 200
    return render("exemplars/cite.html", fragment="cite_form", status=status, form=form, ref=ref, info=info,
                  cited=links.citations(ref))
