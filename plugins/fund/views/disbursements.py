"""Disbursements: propose, approve or reject, pay (each asked for in the page first), reverse, files, voucher."""
from __future__ import annotations

from typing import Any

from flask import abort, flash, request, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import select

from portal.toolkit import (
    INVALID_FORM,
    Refused,
    UploadError,
    _,
    amount_in_words,
    check_file,
    confirm,
    current_user,
    db,
    format_date,
    format_money,
    form_status,
    get_plugin_config,
    hx_trigger,
    idempotent,
    local_today,
    redirect_or_hx,
    render,
    require_permission,
    send_upload,
    store,
    unit_choices,
)

from ..forms import DisbursementForm, PayForm, ReasonForm, RejectForm
from ..models import Attachment, Category, Disbursement
from ..permissions import APPROVE, RECORD, VIEW
from ..services import entries
from ..services.lists import disbursement_page
from .common import bodies_on, refused_into, size


@require_permission(VIEW)
def disbursements() -> ResponseReturnValue:
    state = request.args.get("state", "")
    page, rows = disbursement_page(state, size())
    return render("fund/disbursements.html", fragment="disbursement_list", items=rows, page=page, state=state)


@require_permission(RECORD)
@idempotent
def disbursement_new() -> ResponseReturnValue:
    form = DisbursementForm()
    form.category_id.choices = [
        (c.id, c.name) for c in db.session.scalars(select(Category).where(Category.active).order_by(Category.position))
    ]
    form.commune_id.choices = unit_choices(("commune",), blank=_("Choose a commune"))
    if form.validate_on_submit():
        if not form.commune_id.data:
            form.commune_id.errors.append(_("Choose a commune."))
        else:
            values = {k: v for k, v in form.data.items() if k != "csrf_token"}
            values["decision_no"] = values["decision_no"] or None
            values["note"] = values["note"] or None
            item = entries.propose(values, current_user.id)
            db.session.commit()
            flash(_("Disbursement proposed; it now waits for approval."), "success")
            return redirect_or_hx(url_for("fund.disbursement", entry_id=item.id))
    status = form_status(form) if request.method == "POST" else 200
    return render("fund/disbursement_form.html", fragment="disbursement_form", form=form, status=status)


def _self_approval(item: Disbursement) -> bool:
    """Whether the current user proposed ``item`` and so may not approve it (FUND_SEPARATE_APPROVER)."""
    return bool(get_plugin_config("FUND_SEPARATE_APPROVER", True)) and item.proposed_by_id == current_user.id


def _disbursement_page(item: Disbursement, status: int = 200, **forms: Any) -> ResponseReturnValue:
    attachments = list(db.session.scalars(select(Attachment).where(Attachment.disbursement_id == item.id)))
    context = {"pay_form": PayForm(formdata=None, paid_on=local_today()), "reject_form": RejectForm(formdata=None),
               "form": ReasonForm(formdata=None), **forms}
    return render("fund/disbursement.html", fragment="disbursement_detail", item=item, attachments=attachments,
                  reversal=entries.reversal_of(Disbursement, item.id), own_proposal=_self_approval(item),
                  status=status, **context)


@require_permission(VIEW)
def disbursement(entry_id: int) -> ResponseReturnValue:
    return _disbursement_page(db.get_or_404(Disbursement, entry_id))


def _done(entry_id: int, message: str) -> ResponseReturnValue:
    db.session.commit()
    flash(message, "success")
    return hx_trigger(redirect_or_hx(url_for("fund.disbursement", entry_id=entry_id)), "fund:changed")


def _what(item: Disbursement) -> list[str]:
    """The lines a confirmation shows: how much, in words, to whom, for what."""
    return [
        _("Amount: %(amount)s (%(words)s)", amount=format_money(item.amount), words=amount_in_words(item.amount)),
        _("To: %(who)s, %(where)s", who=item.beneficiary,
          where=", ".join(p for p in (item.village, item.commune.name) if p)),
        _("Purpose: %(purpose)s", purpose=item.purpose),
    ]


@require_permission(APPROVE)
@idempotent
def disbursement_approve(entry_id: int) -> ResponseReturnValue:
    item = db.get_or_404(Disbursement, entry_id)
    if item.state == "proposed" and not _self_approval(item):
        asked = confirm(_("Approve this disbursement?"),
                        [*_what(item), _("Once approved, the fund board can pay it.")], button=_("Approve"),
                        danger=False)
        if asked is not None:
            return asked
    entries.approve(entry_id, current_user.id)  # refuses a changed state or self-approval (in the page)
    return _done(entry_id, _("Disbursement approved."))


@require_permission(APPROVE)
@idempotent
def disbursement_reject(entry_id: int) -> ResponseReturnValue:
    item = db.get_or_404(Disbursement, entry_id)
    form = RejectForm()
    if not form.validate_on_submit():
        return _disbursement_page(item, status=form_status(form), reject_form=form)
    entries.reject(entry_id, current_user.id, form.reason.data)
    return _done(entry_id, _("Disbursement rejected."))


@require_permission(RECORD)
@idempotent
def disbursement_pay(entry_id: int) -> ResponseReturnValue:
    item = db.get_or_404(Disbursement, entry_id)
    form = PayForm()
    if not form.validate_on_submit():
        return _disbursement_page(item, status=form_status(form), pay_form=form)
    if item.state == "approved":
        entries.check_payable(item, form.paid_on.data)  # a payment bound to fail is refused before it is asked
        asked = confirm(_("Pay this disbursement?"),
                        [*_what(item), _("Payment date: %(day)s", day=format_date(form.paid_on.data)),
                         _("A payment voucher number is taken and the ledger entry cannot be changed afterwards.")],
                        button=_("Record the payment"))
        if asked is not None:
            return asked
    entries.pay(entry_id, current_user.id, form.paid_on.data)
    return _done(entry_id, _("Payment recorded."))


@require_permission(RECORD)
@idempotent
def disbursement_reverse(entry_id: int) -> ResponseReturnValue:
    item = db.get_or_404(Disbursement, entry_id)
    form = ReasonForm()
    if not form.validate_on_submit():
        return _disbursement_page(item, status=form_status(form), form=form)
    try:
        reversal = entries.reverse_disbursement(item.id, form.reason.data, current_user.id, form.date.data)
    except Refused as exc:
        return _disbursement_page(item, status=refused_into(form, exc, "reason"), form=form)
    db.session.commit()
    flash(_("Correction %(code)s recorded. The original entry is kept unchanged.", code=reversal.code), "success")
    return hx_trigger(redirect_or_hx(url_for("fund.disbursement", entry_id=reversal.id)), "fund:reversed")


@require_permission(RECORD)
def attachment_add(entry_id: int) -> ResponseReturnValue:
    item = db.get_or_404(Disbursement, entry_id)
    try:
        checked = check_file(request.files.get("file"), ("pdf", "jpg", "jpeg", "png", "webp", "docx", "xlsx"))
    except UploadError as exc:
        raise Refused(INVALID_FORM, str(exc)) from None
    upload = store(checked, "fund")
    db.session.flush()
    entries.attach(item, upload.id)
    db.session.commit()
    flash(_("File attached."), "success")
    return redirect_or_hx(url_for("fund.disbursement", entry_id=item.id))


@require_permission(VIEW)
def attachment(entry_id: int, attachment_id: int) -> ResponseReturnValue:
    att = db.get_or_404(Attachment, attachment_id)
    if att.disbursement_id != entry_id:
        abort(404)
    return send_upload(att.upload)


@require_permission(VIEW)
def voucher(entry_id: int) -> ResponseReturnValue:
    item = db.get_or_404(Disbursement, entry_id)
    if item.state != "paid":
        raise Refused(409, _("A payment voucher exists only for a paid disbursement."))
    return render("fund/voucher.html", item=item, bodies=bodies_on(item.paid_on))
