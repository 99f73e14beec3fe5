"""Routes of the inspections plugin: thin views over services.py."""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal, InvalidOperation
from typing import Any

from flask import Blueprint, flash, make_response, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import func, or_, select
from werkzeug.exceptions import HTTPException

from portal.toolkit import (
    PERCENT,
    Column,
    paginate,
    Series,
    Unit,
    UploadError,
    User,
    _,
    bar_chart,
    check_file,
    current_user,
    db,
    downscale_image,
    local_today,
    format_date,
    format_number,
    get_plugin_config,
    hx_retarget,
    hx_trigger,
    idempotent,
    is_fragment_request,
    notify_unit,
    redirect_or_hx,
    render,
    require_permission,
    send_upload,
    store,
    unit_clause,
    unit_lineage,
    user_error,
    vi_sort_key,
    xlsx_response,
)

from . import services as sv
from .forms import FindingForm, ItemForm, PlanForm, ProgressForm, SectionForm, SignForm, TemplateForm, VerifyForm
from .models import (
    CLOSED,
    COMPLETED,
    FAIL,
    IN_PROGRESS,
    NA,
    NUMBER,
    PASS,
    PASS_FAIL,
    PLANNED,
    SIGNED,
    STATES,
    TEXT,
    ChecklistItem,
    ChecklistSection,
    ChecklistTemplate,
    Finding,
    Inspection,
    Photo,
)

bp = Blueprint("inspections", __name__, template_folder="templates", static_folder="static")

PHOTO_KINDS = ("jpg", "jpeg", "png", "webp")
VIEW, MANAGE, CONDUCT, FOLLOWUP = "inspections.view", "inspections.manage", "inspections.conduct", "inspections.followup"


# --- helpers ---

def _today() -> dt.date:
    return local_today()


def _threshold() -> Any:
    return get_plugin_config("INSPECTIONS_PASS_THRESHOLD", 80)


def _get_inspection(inspection_id: int) -> Inspection:
    """Load an inspection the current user may see (404/403 with a Vietnamese message otherwise)."""
    inspection = db.session.get(Inspection, inspection_id)
    if inspection is None:
        raise user_error(404, _("This inspection does not exist."))
    if not (current_user.can(VIEW, inspection.unit_id) or current_user.id in inspection.team_ids()):
        raise user_error(403, _("You may not see this inspection."))
    return inspection


def _require_team(inspection: Inspection, leader: bool = False) -> None:
    if not current_user.can(CONDUCT):
        raise user_error(403, _("You may not conduct inspections."))
    if leader and inspection.leader_id != current_user.id:
        raise user_error(403, _("Only the team leader may do this."))
    if current_user.id not in inspection.team_ids():
        raise user_error(403, _("Only members of this inspection team may do this."))


@contextmanager
def _refusing() -> Iterator[None]:
    """Turn an action the rules refuse into a 409 carrying its Vietnamese message."""
    try:
        yield
    except (sv.AnswerConflict, sv.IncompleteError):
        raise  # answered with a re-rendered fragment by the view
    except sv.InspectionError as exc:
        raise user_error(409, str(exc)) from None


def _get_item(inspection: Inspection, item_id: int) -> ChecklistItem:
    item = db.session.get(ChecklistItem, item_id)
    if item is None or item.template_id != inspection.template_id:
        raise user_error(404, _("This item does not belong to the checklist of this inspection."))
    return item


def _visible_findings() -> Any:
    """Findings about the user's own unit (inspected or responsible), or all of them for district roles."""
    return or_(unit_clause(VIEW, Inspection.unit_id), unit_clause(FOLLOWUP, Finding.responsible_unit_id))


def _unit_choices() -> list[tuple[int, str]]:
    units = db.session.scalars(select(Unit).where(Unit.kind.in_(("commune", "agency", "mass_org", "district"))))
    return [(u.id, u.name) for u in sorted(units, key=lambda u: vi_sort_key(u.name))]


def _user_choices() -> list[tuple[int, str]]:
    users = db.session.scalars(select(User).where(User.active.is_(True)))
    return [(u.id, u.full_name) for u in sorted(users, key=lambda u: vi_sort_key(u.full_name))]


def _year() -> int:
    """The year asked for, else the latest year with a completed inspection (else this year)."""
    year = request.args.get("year", type=int)  # the core refuses numbers beyond the database's integers
    if year is not None:
        return year
    latest = db.session.scalar(select(func.max(Inspection.year)).where(Inspection.state.in_((COMPLETED, SIGNED))))
    return latest or _today().year


# --- inspections: list and plans ---

@bp.route("/")
@require_permission(VIEW)
def index() -> ResponseReturnValue:
    state = request.args.get("state", "")
    year = request.args.get("year", type=int)
    q = select(Inspection).where(unit_clause(VIEW, Inspection.unit_id))
    if state in STATES:
        q = q.where(Inspection.state == state)
    if year:
        q = q.where(Inspection.year == year)
    page = paginate(q, (Inspection.planned_date.desc(), Inspection.id.desc()))
    return render("inspections/index.html", fragment="inspection_list", inspections=page.items, page=page,
                  state=state, year=year,
                  states=STATES, threshold=_threshold())


def _plan_form(inspection: Inspection | None) -> PlanForm:
    form = PlanForm(obj=inspection)
    templates = sv.latest_templates()
    if inspection is not None and inspection.template not in templates:
        templates.append(inspection.template)
    form.template_id.choices = [(t.id, f"{t.title} (v{t.version})") for t in templates]
    form.unit_id.choices = _unit_choices()
    users = _user_choices()
    form.leader_id.choices = users
    form.member_ids.choices = users
    done = db.session.scalars(
        select(Inspection).where(Inspection.state.in_((COMPLETED, SIGNED))).order_by(Inspection.year.desc(), Inspection.id.desc())
    )
    form.previous_id.choices = [(0, "—")] + [(i.id, f"{i.unit.name} – {format_date(i.planned_date)}") for i in done]
    if request.method == "GET":
        if inspection is None:
            form.year.data = _today().year
            previous = db.session.get(Inspection, request.args.get("previous", 0, type=int))
            if previous is not None:
                form.previous_id.data, form.unit_id.data = previous.id, previous.unit_id
                form.template_id.data = next((t.id for t in templates if t.code == previous.template.code), None)
        else:
            form.member_ids.data = [m.user_id for m in inspection.members]
            form.previous_id.data = inspection.previous_id or 0
    return form


def _save_plan(form: PlanForm, inspection: Inspection) -> None:
    previous = db.session.get(Inspection, form.previous_id.data) if form.previous_id.data else None
    sv.check_previous(previous, form.unit_id.data)
    template = db.session.get(ChecklistTemplate, form.template_id.data)
    if template is None:
        raise sv.InspectionError(_("Choose a checklist."))
    inspection.template_id = template.id
    template.frozen = True  # an inspection keeps this version; edits now make a new one
    inspection.unit_id = form.unit_id.data
    inspection.year = form.year.data
    inspection.planned_date = form.planned_date.data
    inspection.scope = form.scope.data or None
    inspection.previous_id = previous.id if previous else None
    sv.set_team(inspection, form.leader_id.data, form.member_ids.data)


@bp.route("/new", methods=["GET", "POST"])
@require_permission(MANAGE)
def new() -> ResponseReturnValue:
    form = _plan_form(None)
    if form.validate_on_submit():
        inspection = Inspection(state=PLANNED)
        try:
            _save_plan(form, inspection)
        except sv.InspectionError as exc:
            form.previous_id.errors.append(str(exc))
        else:
            db.session.add(inspection)
            db.session.commit()
            flash(_("The inspection is planned."), "success")
            return redirect_or_hx(url_for(".detail", inspection_id=inspection.id))
    return render("inspections/edit.html", fragment="plan_form", form=form, inspection=None,
                  status=422 if form.errors else 200)


@bp.route("/unit/<int:unit_id>")
@require_permission(VIEW)
def unit_history(unit_id: int) -> ResponseReturnValue:
    """A unit's inspections over the years (its score trend), with those of the units merged into it."""
    unit = db.get_or_404(Unit, unit_id)
    if not current_user.can(VIEW, unit.id):
        raise user_error(403, _("You may not see this unit's inspections."))
    lineage = unit_lineage(unit.id)
    rows = list(db.session.scalars(select(Inspection).where(Inspection.unit_id.in_(lineage))
                                   .order_by(Inspection.year.desc(), Inspection.planned_date.desc())))
    return render("inspections/unit_history.html", unit=unit, rows=rows, predecessors=len(lineage) - 1,
                  score=sv.stored_score, threshold=_threshold())


@bp.route("/<int:inspection_id>/edit", methods=["GET", "POST"])
@require_permission(MANAGE)
def edit(inspection_id: int) -> ResponseReturnValue:
    inspection = _get_inspection(inspection_id)
    with _refusing():
        sv.require_state(inspection, PLANNED)
    form = _plan_form(inspection)
    if form.validate_on_submit():
        try:
            _save_plan(form, inspection)
        except sv.InspectionError as exc:
            form.previous_id.errors.append(str(exc))
        else:
            db.session.commit()
            flash(_("The plan is saved."), "success")
            return redirect_or_hx(url_for(".detail", inspection_id=inspection.id))
    return render("inspections/edit.html", fragment="plan_form", form=form, inspection=inspection,
                  status=422 if form.errors else 200)


@bp.route("/<int:inspection_id>/delete", methods=["POST"])
@require_permission(MANAGE)
def delete(inspection_id: int) -> ResponseReturnValue:
    inspection = _get_inspection(inspection_id)
    with _refusing():
        sv.require_state(inspection, PLANNED)
    db.session.delete(inspection)
    db.session.commit()
    flash(_("The planned inspection was deleted."), "success")
    return redirect_or_hx(url_for(".index"))


# --- conducting ---

def _detail_context(inspection: Inspection) -> dict[str, Any]:
    checklist = sv.load_checklist(inspection.template_id)
    answers = sv.load_answers(inspection.id)
    photos = sv.load_photos(inspection.id)
    earlier = sv.load_earlier(inspection.previous_id)
    recheck, sections = sv.groups_for(checklist, earlier)
    per_section, total = sv.score(checklist, answers)
    on_team = current_user.id in inspection.team_ids() and current_user.can(CONDUCT)
    findings = sv.load_findings(inspection.id) if inspection.state in (COMPLETED, SIGNED) else []
    # items numbered by section (1.1, 1.2, 2.1 ...); the open section is the asked one, else the first unanswered's
    numbers = {item.id: f"{section.position}.{k}" for section, items in checklist for k, item in enumerate(items, 1)}
    groups: list[tuple[Any, ChecklistSection | None, list[ChecklistItem]]] = \
        ([("recheck", None, recheck)] if recheck else []) + [(s.id, s, items) for s, items in sections]

    def given(item: ChecklistItem) -> bool:
        return bool(answers.get(item.id) and answers[item.id].given)

    unanswered = [(sid, i) for sid, _s, items in groups for i in items if not given(i)]
    group_counts = {sid: (sum(1 for i in items if given(i)), len(items)) for sid, _s, items in groups}
    asked = request.args.get("section", "")
    ids = [str(sid) for sid, _s, _items in groups]
    if asked in ids:
        open_section: Any = groups[ids.index(asked)][0]
    else:
        open_section = unanswered[0][0] if unanswered else (groups[0][0] if groups else None)
    item_count = len(numbers)
    return dict(
        inspection=inspection, checklist=checklist, sections=sections, recheck=recheck, answers=answers,
        photos=photos, earlier=earlier, per_section=per_section, total=total, threshold=_threshold(),
        on_team=on_team, is_leader=on_team and inspection.leader_id == current_user.id,
        editable=on_team and inspection.state == IN_PROGRESS, findings=findings, today=_today(),
        missing=sv.missing_for_completion(checklist, answers, photos) if inspection.state == IN_PROGRESS else [],
        unit_choices=_unit_choices() if findings and on_team and inspection.state == COMPLETED else [],
        sign_form=SignForm() if inspection.state == COMPLETED else None,
        numbers=numbers, open_section=open_section, item_count=item_count, groups=groups, group_counts=group_counts,
        answered_count=item_count - len(unanswered) if inspection.state != PLANNED else None,
        next_item=unanswered[0][1] if unanswered else None,
    )


@bp.route("/<int:inspection_id>")
@require_permission(VIEW, CONDUCT)
def detail(inspection_id: int) -> ResponseReturnValue:
    inspection = _get_inspection(inspection_id)
    return render("inspections/detail.html", fragment="score", **_detail_context(inspection))


@bp.route("/<int:inspection_id>/sections/<sid>")
@require_permission(VIEW, CONDUCT)
def section_items(inspection_id: int, sid: str) -> ResponseReturnValue:
    """The items of one section, loaded when it is opened: the page itself carries only the current section."""
    inspection = _get_inspection(inspection_id)
    ctx = _detail_context(inspection)
    items = {str(k): v for k, _s, v in ctx["groups"]}.get(sid)
    if items is None:
        raise user_error(404, _("This section does not exist."))
    resp = make_response(render_template("inspections/_section_items.html", items=items, **ctx))
    resp.vary.add("HX-Request")
    return resp


@bp.route("/<int:inspection_id>/start", methods=["POST"])
@require_permission(CONDUCT)
def start(inspection_id: int) -> ResponseReturnValue:
    inspection = _get_inspection(inspection_id)
    _require_team(inspection)
    with _refusing():
        sv.start(inspection)
    db.session.commit()
    return redirect_or_hx(url_for(".detail", inspection_id=inspection.id))


def _parse_answer(item: ChecklistItem, suffix: str = "") -> dict[str, Any]:
    """Read one item's answer from the form (fields ``result<suffix>`` ...: the checklist form names them
    ``result.<item id>``); refuse bad values with a 400 and a clear message."""
    form = request.form
    result = form.get("result" + suffix) or None
    number: Decimal | None = None
    text = (form.get("text" + suffix) or "").strip() or None
    note = (form.get("note" + suffix) or "").strip() or None
    raw_number = (form.get("number" + suffix) or "").strip()
    if item.answer_type == PASS_FAIL:
        if result not in (None, PASS, FAIL, NA):
            raise user_error(400, _("Choose pass, fail or not applicable."))
    else:
        if result not in (None, NA):
            raise user_error(400, _("Choose pass, fail or not applicable."))
    if item.answer_type == NUMBER and result != NA and raw_number:
        try:
            number = Decimal(raw_number.replace(",", "."))
        except InvalidOperation:
            raise user_error(400, _("Enter a number.")) from None
        if not number.is_finite() or number < 0 or (item.max_score is not None and number > item.max_score):
            raise user_error(400, _("The number must be between 0 and %(max)s.", max=format_number(item.max_score)
                                    if item.max_score is not None else "∞"))
    if item.answer_type != TEXT:
        text = None
    for value in (text, note):
        if value is not None and len(value) > 4000:
            raise user_error(400, _("The text is too long (at most 4000 characters)."))
    return dict(result=result, number=number, text=text, note=note)


def _item_response(inspection: Inspection, item: ChecklistItem, status: int = 200,
                   message: str | None = None) -> ResponseReturnValue:
    """The whole item row for htmx (R6), or back to the page for a plain form."""
    if not is_fragment_request():
        if message:
            raise user_error(status, message)
        return redirect(url_for(".detail", inspection_id=inspection.id) + f"#item-{item.id}", code=303)
    body = render_template("inspections/_item.html", item=item, message=message, **_detail_context(inspection))
    resp = make_response(body, status)
    resp.vary.add("HX-Request")
    if status == 200:
        hx_trigger(resp, "inspections:answered")
    # the answer form targets its small saved-state box; a photo or a conflict replaces the whole item instead
    return hx_retarget(resp, f"#item-{item.id}", "outerHTML")


def _save_answer(inspection: Inspection, item: ChecklistItem, suffix: str) -> ResponseReturnValue:
    try:
        values = _parse_answer(item, suffix)
    except HTTPException as exc:
        if not is_fragment_request():
            raise
        # shown next to the item (a number out of range must not fail silently)
        resp = make_response(render_template("inspections/_item_state.html", item=item, error=exc.description,
                                             a=sv.load_answers(inspection.id).get(item.id)), 422)
        return hx_retarget(resp, f"#item-{item.id}-state", "outerHTML")
    try:
        seen: int | None = int(request.form.get("version" + suffix, ""))
    except ValueError:
        seen = None
    try:
        with _refusing():
            saved = sv.save_answer(inspection, item, current_user.id, seen, **values)
    except sv.AnswerConflict as exc:
        db.session.rollback()
        return _item_response(inspection, item, 409, str(exc))
    db.session.commit()
    if not is_fragment_request():
        return _item_response(inspection, item)
    # only the saved-state box is swapped, so text being typed elsewhere in the item is never replaced
    resp = make_response(render_template("inspections/_item_state.html", item=item, a=saved, show_saved=True))
    resp.vary.add("HX-Request")
    hx_retarget(resp, f"#item-{item.id}-state", "outerHTML")
    return hx_trigger(resp, "inspections:answered")


@bp.route("/<int:inspection_id>/items/<int:item_id>/answer", methods=["POST"])
@require_permission(CONDUCT)
@idempotent
def answer(inspection_id: int, item_id: int) -> ResponseReturnValue:
    inspection = _get_inspection(inspection_id)
    _require_team(inspection)
    return _save_answer(inspection, _get_item(inspection, item_id), "")


@bp.route("/<int:inspection_id>/answers", methods=["POST"])
@require_permission(CONDUCT)
@idempotent
def answers(inspection_id: int) -> ResponseReturnValue:
    """The checklist form: one form for every item, saving the item named by ``item`` (its button, or the
    script on each change); without JavaScript a photo chosen for that item is stored with it."""
    inspection = _get_inspection(inspection_id)
    _require_team(inspection)
    raw = request.form.get("item", "")
    if not raw.isdigit() or len(raw) > 10:
        raise user_error(400, _("Choose the item to save."))
    item = _get_item(inspection, int(raw))
    storage = request.files.get(f"photo.{item.id}")
    if storage is not None and storage.filename and not is_fragment_request():
        _store_photo(inspection, item, storage)
    return _save_answer(inspection, item, f".{item.id}")


def _store_photo(inspection: Inspection, item: ChecklistItem, storage: Any) -> None:
    with _refusing():
        sv.require_state(inspection, IN_PROGRESS)
    try:
        checked = check_file(storage, PHOTO_KINDS, get_plugin_config("INSPECTIONS_MAX_PHOTO_BYTES"))
        small = downscale_image(checked, max_side=get_plugin_config("INSPECTIONS_PHOTO_MAX_SIDE", 1600))
    except UploadError as exc:
        raise user_error(400, str(exc)) from None
    upload = store(small, owner="inspections")
    db.session.flush()
    db.session.add(Photo(inspection_id=inspection.id, item_id=item.id, upload_id=upload.id, created_by=current_user.id))
    db.session.commit()


@bp.route("/<int:inspection_id>/items/<int:item_id>/photos", methods=["POST"])
@require_permission(CONDUCT)
@idempotent
def photo(inspection_id: int, item_id: int) -> ResponseReturnValue:
    inspection = _get_inspection(inspection_id)
    _require_team(inspection)
    item = _get_item(inspection, item_id)
    _store_photo(inspection, item, request.files.get("photo") or request.files.get(f"photo.{item.id}"))
    return _item_response(inspection, item)


def _get_photo(photo_id: int) -> tuple[Photo, Inspection]:
    photo_row = db.session.get(Photo, photo_id)
    if photo_row is None:
        raise user_error(404, _("This photo does not exist."))
    return photo_row, _get_inspection(photo_row.inspection_id)


@bp.route("/photos/<int:photo_id>")
@require_permission(VIEW, CONDUCT)
def photo_file(photo_id: int) -> ResponseReturnValue:
    photo_row, _inspection = _get_photo(photo_id)
    return send_upload(photo_row.upload, inline=True)


@bp.route("/photos/<int:photo_id>/delete", methods=["POST"])
@require_permission(CONDUCT)
def photo_delete(photo_id: int) -> ResponseReturnValue:
    photo_row, inspection = _get_photo(photo_id)
    _require_team(inspection)
    with _refusing():
        sv.require_state(inspection, IN_PROGRESS)
    item = _get_item(inspection, photo_row.item_id)
    db.session.delete(photo_row)
    db.session.commit()
    return _item_response(inspection, item)


@bp.route("/<int:inspection_id>/complete", methods=["POST"])
@require_permission(CONDUCT)
def complete(inspection_id: int) -> ResponseReturnValue:
    inspection = _get_inspection(inspection_id)
    _require_team(inspection, leader=True)
    try:
        with _refusing():
            made = sv.complete(inspection, _today(), get_plugin_config("INSPECTIONS_FINDING_DAYS", 30))
    except sv.IncompleteError as exc:
        db.session.rollback()
        ctx = _detail_context(inspection)
        ctx["missing"] = exc.missing
        return render("inspections/detail.html", fragment="completion", status=409, refused=str(exc), **ctx)
    db.session.commit()
    flash(_("The inspection is completed with %(n)s findings.", n=len(made)), "success")
    # no "#findings" here: htmx's redirect to the same path with only a new hash would not reload the page
    return redirect_or_hx(url_for(".detail", inspection_id=inspection.id))


@bp.route("/<int:inspection_id>/findings/<int:finding_id>", methods=["POST"])
@require_permission(CONDUCT)
def finding_edit(inspection_id: int, finding_id: int) -> ResponseReturnValue:
    inspection = _get_inspection(inspection_id)
    _require_team(inspection)
    finding = db.session.get(Finding, finding_id)
    if finding is None or finding.inspection_id != inspection.id:
        raise user_error(404, _("This finding does not belong to this inspection."))
    with _refusing():
        sv.require_state(inspection, COMPLETED)
    form = FindingForm()
    form.responsible_unit_id.choices = _unit_choices()
    if not form.validate_on_submit():
        messages = "; ".join(f"{form[name].label.text}: {' '.join(errs)}" for name, errs in form.errors.items())
        raise user_error(400, messages)
    form.populate_obj(finding)
    db.session.commit()
    if is_fragment_request():
        ctx = _detail_context(inspection)
        return render_template("inspections/_finding_row.html", finding=finding, saved=True, **ctx)
    flash(_("The finding is saved."), "success")
    return redirect(url_for(".detail", inspection_id=inspection.id) + "#findings", code=303)


@bp.route("/<int:inspection_id>/sign", methods=["POST"])
@require_permission(CONDUCT)
def sign(inspection_id: int) -> ResponseReturnValue:
    inspection = _get_inspection(inspection_id)
    _require_team(inspection, leader=True)
    form = SignForm()
    if not form.validate_on_submit():
        ctx = _detail_context(inspection)
        ctx["sign_form"] = form
        return render("inspections/detail.html", fragment="completion", status=422, **ctx)
    with _refusing():
        sv.sign(inspection, form.number.data, form.unit_representative.data, form.conclusion.data or None)
    link = url_for(".findings")
    for unit_id in {f.responsible_unit_id for f in sv.load_findings(inspection.id)}:
        notify_unit(unit_id, _("New findings from the inspection of %(unit)s: please report progress.",
                               unit=inspection.unit.name), link)
    db.session.commit()
    flash(_("The minutes are signed."), "success")
    return redirect_or_hx(url_for(".minutes", inspection_id=inspection.id))


@bp.route("/<int:inspection_id>/minutes")
@require_permission(VIEW, CONDUCT)
def minutes(inspection_id: int) -> ResponseReturnValue:
    inspection = _get_inspection(inspection_id)
    if inspection.state not in (COMPLETED, SIGNED):
        raise user_error(409, _("The minutes are ready once the inspection is completed."))
    return render("inspections/minutes.html", svc=sv, **_detail_context(inspection))


# --- findings and follow-up ---

@bp.route("/findings/")
@require_permission(VIEW, FOLLOWUP)
def findings() -> ResponseReturnValue:
    state = request.args.get("state", "active")
    overdue = request.args.get("overdue") == "1"
    today = _today()
    page = paginate(sv.findings_query(_visible_findings(), state, today if overdue else None), sv.FINDING_ORDER)
    return render("inspections/findings.html", fragment="finding_list", findings=page.items, page=page, state=state,
                  overdue=overdue, today=today)


@bp.route("/findings.xlsx")
@require_permission(VIEW, FOLLOWUP)
def findings_xlsx() -> ResponseReturnValue:
    """The whole filtered list of findings (the page shows it a page at a time)."""
    state = request.args.get("state", "active")
    today = _today()
    overdue = request.args.get("overdue") == "1"
    rows = [
        [f.recommendation or f.description, f.inspection.unit.name, f.responsible_unit.name, f.due_date,
         str(sv.finding_state_label(f.state))]
        for f in db.session.scalars(sv.findings_query(_visible_findings(), state, today if overdue else None))
    ]
    headers = [_("Finding"), _("Unit inspected"), _("Responsible unit"), _("Due date"), _("State")]
    return xlsx_response("ton-tai-kien-nghi.xlsx", [(_("Findings"), headers, rows)],
                         title=_("Findings and recommendations"))


def _get_finding(finding_id: int) -> Finding:
    finding = db.session.scalar(select(Finding).join(Inspection, Finding.inspection_id == Inspection.id)
                                .where(Finding.id == finding_id))
    if finding is None:
        raise user_error(404, _("This finding does not exist."))
    visible = (current_user.can(VIEW, finding.inspection.unit_id) or current_user.can(FOLLOWUP, finding.responsible_unit_id)
               or current_user.id in finding.inspection.team_ids())
    if not visible:
        raise user_error(403, _("You may not see this finding."))
    return finding


def _finding_page(finding: Finding, status: int = 200, **forms: Any) -> ResponseReturnValue:
    can_report = finding.state != CLOSED and current_user.can(FOLLOWUP, finding.responsible_unit_id)
    on_team = current_user.id in finding.inspection.team_ids() and current_user.can(CONDUCT)
    return render("inspections/finding.html", fragment="finding_followup", status=status, finding=finding,
                  today=_today(), can_report=can_report, on_team=on_team,
                  progress_form=forms.get("progress_form") or ProgressForm(),
                  verify_form=forms.get("verify_form") or VerifyForm())


@bp.route("/findings/<int:finding_id>")
@require_permission(VIEW, FOLLOWUP, CONDUCT)
def finding(finding_id: int) -> ResponseReturnValue:
    return _finding_page(_get_finding(finding_id))


@bp.route("/findings/<int:finding_id>/progress", methods=["POST"])
@require_permission(FOLLOWUP)
def finding_progress(finding_id: int) -> ResponseReturnValue:
    finding = _get_finding(finding_id)
    if not current_user.can(FOLLOWUP, finding.responsible_unit_id):
        raise user_error(403, _("Only the responsible unit reports progress on this finding."))
    form = ProgressForm()
    if not form.validate_on_submit():
        return _finding_page(finding, 422, progress_form=form)
    with _refusing():
        sv.report_progress(finding, current_user.id, form.text.data, form.done.data)
    db.session.commit()
    flash(_("Your report is saved."), "success")
    return redirect_or_hx(url_for(".finding", finding_id=finding.id))


@bp.route("/findings/<int:finding_id>/verify", methods=["POST"])
@require_permission(CONDUCT)
def finding_verify(finding_id: int) -> ResponseReturnValue:
    finding = _get_finding(finding_id)
    _require_team(finding.inspection)
    form = VerifyForm()
    if not form.validate_on_submit():
        return _finding_page(finding, 422, verify_form=form)
    with _refusing():
        sv.verify(finding, current_user.id, form.text.data, close=request.form.get("action") != "reopen")
    db.session.commit()
    flash(_("The finding is closed.") if finding.state == CLOSED else _("The finding is open again."), "success")
    return redirect_or_hx(url_for(".finding", finding_id=finding.id))


# --- summary ---

def _summary_rows(year: int) -> list[sv.UnitSummary]:
    return sv.summary(year, _today(), unit_clause(VIEW, Inspection.unit_id))


@bp.route("/summary")
@require_permission(VIEW)
def summary() -> ResponseReturnValue:
    year = _year()
    rows = _summary_rows(year)
    scored = [r for r in rows if r.score and r.score.ratio is not None]
    chart = bar_chart(
        [r.unit_name for r in scored],
        [Series(_("Score (%)"), [float(sv.percent_text(r.score.ratio)) for r in scored])],
        title=_("Latest score per unit, %(year)s", year=year),
        value_format=lambda v: format_number(v, 1) + " %",
    ) if scored else None
    years = list(db.session.scalars(select(Inspection.year).distinct().order_by(Inspection.year.desc())))
    return render("inspections/summary.html", fragment="summary_table", rows=rows, year=year, years=years,
                  chart=chart, threshold=_threshold())


@bp.route("/summary.xlsx")
@require_permission(VIEW)
def summary_xlsx() -> ResponseReturnValue:
    year = _year()
    rows = []
    for r in _summary_rows(year):
        s = r.score
        passed = s.passed(_threshold()) if s else None
        rows.append([r.unit_name, r.inspections, s.ratio if s else None,
                     "" if passed is None else (_("pass") if passed else _("fail")), r.open_findings, r.overdue_findings])
    headers = [_("Unit"), Column(_("Inspections"), total=True), Column(_("Latest score (%)"), PERCENT), _("Result"),
               Column(_("Open findings"), total=True), Column(_("Overdue findings"), total=True)]
    return xlsx_response(f"kiem-tra-{year}.xlsx", [(_("Summary %(year)s", year=year), headers, rows)],
                         title=_("Inspection summary"), period=str(year))


# --- checklist templates ---

@bp.route("/templates/", methods=["GET", "POST"])
@require_permission(MANAGE)
def templates() -> ResponseReturnValue:
    form = TemplateForm()
    if form.validate_on_submit():
        if db.session.scalar(select(func.count(ChecklistTemplate.id)).where(ChecklistTemplate.code == form.code.data)):
            form.code.errors.append(_("This code is already used."))
        else:
            template = ChecklistTemplate(code=form.code.data, version=1, title=form.title.data,
                                         description=form.description.data or None)
            db.session.add(template)
            db.session.commit()
            return redirect_or_hx(url_for(".template", template_id=template.id))
    rows = list(db.session.scalars(select(ChecklistTemplate).order_by(ChecklistTemplate.code, ChecklistTemplate.version.desc())))
    counts = dict(db.session.execute(
        select(ChecklistItem.template_id, func.count(ChecklistItem.id)).group_by(ChecklistItem.template_id)).all())
    return render("inspections/templates.html", fragment="template_form", status=422 if form.errors else 200,
                  form=form, templates=rows, counts=counts)


def _get_template(template_id: int) -> ChecklistTemplate:
    template = db.session.get(ChecklistTemplate, template_id)
    if template is None:
        raise user_error(404, _("This checklist does not exist."))
    return template


@bp.route("/templates/<int:template_id>", methods=["GET", "POST"])
@require_permission(MANAGE)
def template(template_id: int) -> ResponseReturnValue:
    template = _get_template(template_id)
    form = SectionForm()
    if form.validate_on_submit():
        with _refusing():
            sv.require_editable(template)
        db.session.add(ChecklistSection(template_id=template.id, title=form.title.data, position=form.position.data))
        db.session.commit()
        return redirect_or_hx(url_for(".template", template_id=template.id))
    return render("inspections/template.html", fragment="section_form", status=422 if form.errors else 200,
                  template=template, checklist=sv.load_checklist(template.id), form=form)


@bp.route("/templates/<int:template_id>/version", methods=["POST"])
@require_permission(MANAGE)
def template_version(template_id: int) -> ResponseReturnValue:
    copy = sv.new_version(_get_template(template_id))
    db.session.commit()
    flash(_("Version %(v)s created; edit it, then plan new inspections with it.", v=copy.version), "success")
    return redirect_or_hx(url_for(".template", template_id=copy.id))


@bp.route("/templates/<int:template_id>/items/new", methods=["GET", "POST"], defaults={"item_id": None})
@bp.route("/templates/<int:template_id>/items/<int:item_id>", methods=["GET", "POST"])
@require_permission(MANAGE)
def item_edit(template_id: int, item_id: int | None) -> ResponseReturnValue:
    template = _get_template(template_id)
    with _refusing():
        sv.require_editable(template)
    item = db.session.get(ChecklistItem, item_id) if item_id else None
    if item_id and (item is None or item.template_id != template.id):
        raise user_error(404, _("This item does not belong to this checklist."))
    form = ItemForm(obj=item)
    form.section_id.choices = [(s.id, s.title) for s in template.sections]
    if not form.section_id.choices:
        raise user_error(409, _("Add a section first."))
    if request.method == "GET" and item is None:
        form.section_id.data = request.args.get("section", type=int)
    if form.validate_on_submit():
        if form.answer_type.data == PASS_FAIL and form.max_score.data is None:
            form.max_score.data = Decimal(1)
        item = item or ChecklistItem(template_id=template.id)
        form.populate_obj(item)
        db.session.add(item)
        db.session.commit()
        return redirect_or_hx(url_for(".template", template_id=template.id) + f"#titem-{item.id}")
    return render("inspections/item_edit.html", fragment="item_form", status=422 if form.errors else 200,
                  template=template, item=item, form=form)


@bp.route("/templates/<int:template_id>/items/<int:item_id>/delete", methods=["POST"])
@require_permission(MANAGE)
def item_delete(template_id: int, item_id: int) -> ResponseReturnValue:
    template = _get_template(template_id)
    with _refusing():
        sv.require_editable(template)
    item = db.session.get(ChecklistItem, item_id)
    if item is None or item.template_id != template.id:
        raise user_error(404, _("This item does not belong to this checklist."))
    db.session.delete(item)
    db.session.commit()
    return redirect_or_hx(url_for(".template", template_id=template.id))


# --- dashboard widgets ---

@bp.route("/widgets/mine")
@require_permission(CONDUCT)
def widget_mine() -> ResponseReturnValue:
    return render("inspections/widgets.html", fragment="mine_widget", inspections=sv.my_inspections(current_user.id))


@bp.route("/widgets/overdue")
@require_permission(FOLLOWUP, VIEW)
def widget_overdue() -> ResponseReturnValue:
    today = _today()
    rows = list(db.session.scalars(sv.findings_query(_visible_findings(), None, today).limit(20)))
    return render("inspections/widgets.html", fragment="overdue_widget", findings=rows, today=today)


@bp.route("/widgets/overview")
@require_permission(VIEW)
def widget_overview() -> ResponseReturnValue:
    """The district at a glance: inspections done per year of the movement, findings fixed, open and overdue."""
    today = _today()
    visible = unit_clause(VIEW, Inspection.unit_id)
    done = dict(db.session.execute(
        select(Inspection.year, func.count(Inspection.id))
        .where(Inspection.state.in_((COMPLETED, SIGNED)), visible).group_by(Inspection.year)
    ).all())
    counts = db.session.execute(
        select(func.count(Finding.id), func.sum(db.case((Finding.state == CLOSED, 1), else_=0)),
               func.sum(db.case(((Finding.state != CLOSED) & (Finding.due_date < today), 1), else_=0)))
        .join(Inspection, Finding.inspection_id == Inspection.id).where(visible)
    ).one()
    total, closed, overdue = int(counts[0] or 0), int(counts[1] or 0), int(counts[2] or 0)
    return render("inspections/widgets.html", fragment="overview_widget", done=sorted(done.items()),
                  findings_total=total, findings_closed=closed, findings_open=total - closed,
                  findings_overdue=overdue)
