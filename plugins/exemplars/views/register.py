"""The register: list, propose (also from another plugin's record), an exemplar's page, photos, Excel, widget."""
from __future__ import annotations

from typing import Any

from flask import abort, request, url_for
from flask.typing import ResponseReturnValue

from portal.toolkit import (
    INVALID_FORM, Refused, Unit, UploadError, _, check_unit, current_user, db, form_status, idempotent, local_today,
    redirect_or_hx, render, require_permission, public, resolve_ref, send_upload, unit_choices, unit_clause,
    xlsx_response,
)

from .. import labels
from ..forms import ArchiveForm, FosterForm, PhotoForm, ProposeForm, ReplicateForm, VerifyForm
from ..models import ExemplarPhoto
from ..permissions import MANAGE, PROPOSE, VIEW
from ..services import cycle, links, register


@require_permission(VIEW, MANAGE)
def index() -> ResponseReturnValue:
    filters = register.Filters.from_args(request.args)
    page = register.register_page(filters)
    rows = register.register_rows(page.items, register.reach(page.items))
    return render("exemplars/index.html", fragment="exemplar_list", page=page, filters=filters, rows=rows,
                  units=register.unit_filter_choices(public=False))


def _propose_form(form: ProposeForm) -> ProposeForm:
    form.unit_id.choices = unit_choices(current=True, scope=unit_clause(PROPOSE, Unit.id))
    if current_user.scope(PROPOSE) != "all":  # a unit proposes as itself
        form.source.choices = [("unit", labels.SOURCES["unit"])]
    return form


@require_permission(PROPOSE)
@idempotent
def propose() -> ResponseReturnValue:
    source_ref, defaults = links.source_prefill(request.args.get("source") or request.form.get("source_ref"))
    form = _propose_form(ProposeForm(data=defaults) if request.method == "GET" else ProposeForm())
    source = resolve_ref(source_ref) if source_ref else None
    if request.method == "POST" and form.validate():
        check_unit(PROPOSE, form.unit_id.data)
        ex = cycle.propose(form.data, current_user.id, source_ref=source_ref)
        if form.photo.data and getattr(form.photo.data, "filename", ""):
            try:
                cycle.add_photo(ex, form.photo.data, form.caption.data or "")
            except UploadError as exc:
                raise Refused(INVALID_FORM, str(exc)) from None
        db.session.commit()
        return redirect_or_hx(url_for("exemplars.detail", exemplar_id=ex.id))
    return render("exemplars/propose.html", fragment="propose_form", status=form_status(form), form=form,
                  source=source, source_ref=source_ref)


def detail_context(exemplar_id: int, **forms: Any) -> dict[str, Any]:
    ex = register.visible(exemplar_id)
    year = local_today().year
    rep = forms.get("replicate_form") or ReplicateForm(year=year)
    rep.unit_id.choices = unit_choices(kinds=("commune",), exclude=ex.unit_id, blank="—")
    return dict(
        ex=ex, cycle=cycle, spread=register.reach([ex])[ex.id],
        steps=ex.steps, cited_by=[(c, resolve_ref(c.subject_ref)) for c in links.citations_of(ex.id)],
        source=resolve_ref(ex.source_ref) if ex.source_ref else None,
        fostering=[(s, resolve_ref(s.disbursement_ref) if s.disbursement_ref else None)
                   for s in ex.steps if s.action == "foster"],
        verify_form=forms.get("verify_form") or VerifyForm(visit_date=local_today()),
        foster_form=forms.get("foster_form") or FosterForm(),
        replicate_form=rep, archive_form=forms.get("archive_form") or ArchiveForm(),
        photo_form=forms.get("photo_form") or PhotoForm(),
        can_manage=current_user.can(MANAGE),
        can_add_photo=current_user.can(PROPOSE, ex.unit_id) or current_user.can(MANAGE),
    )


@require_permission(VIEW, MANAGE)
def detail(exemplar_id: int) -> ResponseReturnValue:
    return render("exemplars/detail.html", fragment="cycle", **detail_context(exemplar_id))


@require_permission(PROPOSE, MANAGE)
@idempotent
def photo_add(exemplar_id: int) -> ResponseReturnValue:
    ex = register.visible(exemplar_id)
    if not (current_user.can(PROPOSE, ex.unit_id) or current_user.can(MANAGE)):
        abort(403)
    form = PhotoForm()
    if form.validate():
        try:
            cycle.add_photo(ex, form.photo.data, form.caption.data or "")
        except UploadError as exc:
            form.photo.errors = [str(exc)]
        else:
            db.session.commit()
            return redirect_or_hx(url_for("exemplars.detail", exemplar_id=ex.id))
    return render("exemplars/detail.html", fragment="photos", status=INVALID_FORM,
                  **detail_context(exemplar_id, photo_form=form))


@public
def photo_file(photo_id: int) -> ResponseReturnValue:
    """Anyone may see a photo of a public exemplar whose people agreed; otherwise only who sees the register."""
    photo = db.get_or_404(ExemplarPhoto, photo_id)
    if not register.public_photo(photo) and not (current_user.is_authenticated and register.can_see(photo.exemplar)):
        abort(404)
    resp = send_upload(photo.upload, inline=True)
    resp.headers["Cache-Control"] = "private, max-age=3600" if not register.public_photo(photo) else "public, max-age=86400"
    return resp


@require_permission(VIEW, MANAGE)
def export() -> ResponseReturnValue:
    headers = [_("No."), _("Name of the exemplar"), _("Kind"), _("Person, household or collective"), _("Unit"),
               _("Village"), _("Field"), _("Start year"), _("Households taking part"), _("Households that left poverty"),
               _("Average income per household per year"), _("Units that replicated it"), _("Households reached"),
               _("State"), _("Proposed by"), _("Consent to publish"), _("Contact"), _("Sample data")]
    return xlsx_response(f"mo-hinh-dien-hinh-{local_today():%Y%m%d}.xlsx",
                         [(_("Exemplars"), headers, register.export_rows())])


@require_permission(VIEW, MANAGE)
def widget_exemplars() -> ResponseReturnValue:
    return render("exemplars/widgets.html", fragment="widget_exemplars", counts=register.state_counts())
