"""Answers and photos of the checklist items: one item saved at a time, refusals shown beside the item."""
from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from flask import redirect, request, url_for
from flask.typing import ResponseReturnValue

from portal.toolkit import (
    Refused,
    UploadError,
    _,
    check_file,
    current_user,
    db,
    downscale_image,
    format_number,
    get_plugin_config,
    hx_retarget,
    hx_trigger,
    idempotent,
    is_fragment_request,
    render,
    send_upload,
    store,
)

from ..models import FAIL, IN_PROGRESS, NA, NUMBER, PASS, PASS_FAIL, TEXT, ChecklistItem, Inspection, Photo
from ..services import checklists, conduct
from .common import get_inspection, get_item, require_team
from .conduct import detail_context

PHOTO_KINDS = ("jpg", "jpeg", "png", "webp")


def _parse_answer(item: ChecklistItem, suffix: str = "") -> dict[str, Any]:
    """Read one item's answer from the form (fields ``result<suffix>`` ...: the checklist form names them
    ``result.<item id>``); refuse a bad value (422) with a message said beside the item."""
    form = request.form
    result = form.get("result" + suffix) or None
    number: Decimal | None = None
    text = (form.get("text" + suffix) or "").strip() or None
    note = (form.get("note" + suffix) or "").strip() or None
    raw_number = (form.get("number" + suffix) or "").strip()
    if result not in ((None, PASS, FAIL, NA) if item.answer_type == PASS_FAIL else (None, NA)):
        raise Refused(422, _("Choose pass, fail or not applicable."))
    if item.answer_type == NUMBER and result != NA and raw_number:
        try:
            number = Decimal(raw_number.replace(",", "."))
        except InvalidOperation:
            raise Refused(422, _("Enter a number.")) from None
        if not number.is_finite() or number < 0 or (item.max_score is not None and number > item.max_score):
            raise Refused(422, _("The number must be between 0 and %(max)s.", max=format_number(item.max_score)
                                 if item.max_score is not None else "∞"))
    if item.answer_type != TEXT:
        text = None
    for value in (text, note):
        if value is not None and len(value) > 4000:
            raise Refused(422, _("The text is too long (at most 4000 characters)."))
    return dict(result=result, number=number, text=text, note=note)


def _item_response(inspection: Inspection, item: ChecklistItem, status: int = 200,
                   message: str | None = None) -> ResponseReturnValue:
    """The whole item row for htmx, or back to the page (the item's section open) for a plain form."""
    if not is_fragment_request():
        if message:
            return _page_with_error(inspection, item, message, status)
        return redirect(url_for(".detail", inspection_id=inspection.id) + f"#item-{item.id}", code=303)
    resp = render("inspections/_item.html", fragment="item", status=status, item=item, message=message,
                  **detail_context(inspection))
    if status == 200:
        hx_trigger(resp, "inspections:answered")
    # the answer form targets its small saved-state box; a photo or a conflict replaces the whole item instead
    return hx_retarget(resp, f"#item-{item.id}", "outerHTML")


def _page_with_error(inspection: Inspection, item: ChecklistItem, message: str, status: int,
                     suffix: str | None = None) -> ResponseReturnValue:
    """Without JavaScript: the inspection page again, the item's section open, the message beside the item and
    what was typed kept in its fields."""
    ctx = detail_context(inspection, open_item=item.id)
    ctx["item_errors"] = {item.id: message}
    if suffix is not None:
        ctx["typed"] = {item.id: {name: request.form.get(name + suffix, "")
                                  for name in ("result", "number", "text", "note")}}
    return render("inspections/detail.html", status=status, **ctx)


def _save_answer(inspection: Inspection, item: ChecklistItem, suffix: str) -> ResponseReturnValue:
    try:
        values = _parse_answer(item, suffix)
    except Refused as exc:
        if not is_fragment_request():
            return _page_with_error(inspection, item, exc.message, exc.status, suffix)
        # shown next to the item (a number out of range must not fail silently)
        resp = render("inspections/_item_state.html", fragment="item_state", status=exc.status, item=item,
                      error=exc.message, a=checklists.load_answers(inspection.id).get(item.id))
        return hx_retarget(resp, f"#item-{item.id}-state", "outerHTML")
    seen: int | None = request.form.get("version" + suffix, type=int)  # None when not a number the database holds
    try:
        saved = conduct.save_answer(inspection, item, current_user.id, seen, **values)
    except Refused as exc:  # saved meanwhile, or the inspection's state changed: shown with the saved answer
        db.session.rollback()
        return _item_response(inspection, item, exc.status, exc.message)
    db.session.commit()
    if not is_fragment_request():
        return _item_response(inspection, item)
    # only the saved-state box is swapped, so text being typed elsewhere in the item is never replaced
    resp = render("inspections/_item_state.html", fragment="item_state", item=item, a=saved, show_saved=True)
    hx_retarget(resp, f"#item-{item.id}-state", "outerHTML")
    return hx_trigger(resp, "inspections:answered")


@idempotent
def answer(inspection_id: int, item_id: int) -> ResponseReturnValue:
    inspection = get_inspection(inspection_id)
    require_team(inspection)
    return _save_answer(inspection, get_item(inspection, item_id), "")


@idempotent
def answers(inspection_id: int) -> ResponseReturnValue:
    """The checklist form: one form for every item, saving the item named by ``item`` (its button, or the
    script on each change); without JavaScript a photo chosen for that item is stored with it."""
    inspection = get_inspection(inspection_id)
    require_team(inspection)
    raw = request.form.get("item", "")
    if not raw.isdigit() or len(raw) > 10:
        raise Refused(400, _("Choose the item to save."))
    item = get_item(inspection, int(raw))
    storage = request.files.get(f"photo.{item.id}")
    if storage is not None and storage.filename and not is_fragment_request():
        _store_photo(inspection, item, storage)
    return _save_answer(inspection, item, f".{item.id}")


def _store_photo(inspection: Inspection, item: ChecklistItem, storage: Any) -> None:
    conduct.require_state(inspection, IN_PROGRESS)
    try:
        checked = check_file(storage, PHOTO_KINDS, get_plugin_config("INSPECTIONS_MAX_PHOTO_BYTES"))
        small = downscale_image(checked, max_side=get_plugin_config("INSPECTIONS_PHOTO_MAX_SIDE", 1600))
    except UploadError as exc:
        raise Refused(422, str(exc)) from None
    upload = store(small, owner="inspections")
    db.session.flush()
    db.session.add(Photo(inspection_id=inspection.id, item_id=item.id, upload_id=upload.id, created_by=current_user.id))
    db.session.commit()


@idempotent
def photo(inspection_id: int, item_id: int) -> ResponseReturnValue:
    inspection = get_inspection(inspection_id)
    require_team(inspection)
    item = get_item(inspection, item_id)
    _store_photo(inspection, item, request.files.get("photo") or request.files.get(f"photo.{item.id}"))
    return _item_response(inspection, item)


def _get_photo(photo_id: int) -> tuple[Photo, Inspection]:
    photo_row = db.session.get(Photo, photo_id)
    if photo_row is None:
        raise Refused(404, _("This photo does not exist."))
    return photo_row, get_inspection(photo_row.inspection_id)


def photo_file(photo_id: int) -> ResponseReturnValue:
    photo_row, _inspection = _get_photo(photo_id)
    return send_upload(photo_row.upload, inline=True)


def photo_delete(photo_id: int) -> ResponseReturnValue:
    photo_row, inspection = _get_photo(photo_id)
    require_team(inspection)
    conduct.require_state(inspection, IN_PROGRESS)
    item = get_item(inspection, photo_row.item_id)
    db.session.delete(photo_row)
    db.session.commit()
    return _item_response(inspection, item)
