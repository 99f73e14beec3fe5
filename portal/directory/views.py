"""Unit directory: list with live search, tree, detail with members and history, edit, merge, Excel."""
from __future__ import annotations


from flask import Blueprint, flash, redirect, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from sqlalchemy import select

from portal.audit import history_for
from portal.clock import local_today
from portal.directory import services
from portal.directory.forms import ImportForm, MergeForm, UnitForm
from portal.exports import read_rows, xlsx_response
from portal.extensions import db
from portal.forms import INVALID_FORM
from portal.i18n import gettext as _, vi_sort_key
from portal.models import Unit, User
from portal.paging import paginate
from portal.rendering import render
from portal.security import check_unit, require_permission, unit_clause
from portal.uploads import UploadError, check_file

bp = Blueprint("directory", __name__)


def _choices(exclude: int | None = None) -> list[tuple[int, str]]:
    units = db.session.scalars(select(Unit).order_by(*services.UNIT_ORDER))
    return [(0, "—")] + [(u.id, f"{u.name} ({u.code})") for u in units if u.id != exclude]


@bp.route("/")
@require_permission("directory.view")
def index() -> ResponseReturnValue:
    q = (request.args.get("q") or "").strip()[:100]
    kind = request.args.get("kind", "")
    state = request.args.get("status", "all")
    stmt = services.units_query(q, kind, state, scope=unit_clause("directory.view", Unit.id))
    page = paginate(stmt, services.UNIT_ORDER, count=True)
    return render(
        "directory/index.html", fragment="unit_list", page=page, units=page.items, q=q, kind=kind, state=state,
        kinds=services.KIND_LABELS, today=local_today(),
    )


@bp.route("/print")
@require_permission("directory.view")
def print_list() -> ResponseReturnValue:
    """The whole filtered list on one page, lean (no links per cell), for paper."""
    q = (request.args.get("q") or "").strip()[:100]
    units = services.unit_table(q, request.args.get("kind", ""), request.args.get("status", "all"),
                                scope=unit_clause("directory.view", Unit.id))
    kinds = {k: str(v) for k, v in services.KIND_LABELS.items()}  # translated once, not once a row
    return render("directory/print.html", units=units, kinds=kinds, q=q)


@bp.route("/tree")
@require_permission("directory.view")
def tree() -> ResponseReturnValue:
    units = services.search_units(scope=unit_clause("directory.view", Unit.id))
    return render("directory/tree.html", roots=services.unit_tree(units), kinds=services.KIND_LABELS, today=local_today())


@bp.route("/<int:unit_id>")
@require_permission("directory.view")
def detail(unit_id: int) -> ResponseReturnValue:
    unit = db.get_or_404(Unit, unit_id)
    check_unit("directory.view", unit.id)
    members = sorted(db.session.scalars(select(User).where(User.unit_id == unit.id)), key=lambda u: vi_sort_key(u.full_name))
    children = list(db.session.scalars(select(Unit).where(Unit.parent_id == unit.id).order_by(*services.UNIT_ORDER)))
    predecessors = list(db.session.scalars(select(Unit).where(Unit.successor_id == unit.id)))
    history = history_for("directory_unit", unit.id) if current_user.can("portal.audit") else []
    area_to, area_from = services.area_links(unit.id)
    return render(
        "directory/detail.html", unit=unit, members=members, children=children, predecessors=predecessors,
        area_to=area_to, area_from=area_from,
        history=history, kinds=services.KIND_LABELS, today=local_today(),
    )


def _form_values(form: UnitForm) -> dict:
    return {
        "code": form.code.data, "name": form.name.data, "kind": form.kind.data,
        "parent_id": form.parent_id.data or None, "head": form.head.data or None,
        "phone": form.phone.data or None, "email": form.email.data or None,
        "address": form.address.data or None, "valid_from": form.valid_from.data,
        "valid_to": form.valid_to.data, "successor_id": form.successor_id.data or None,
        "note": form.note.data or None,
    }


def _edit(unit: Unit | None) -> ResponseReturnValue:
    form = UnitForm(obj=unit)
    form.parent_id.choices = _choices(unit.id if unit else None)
    form.successor_id.choices = form.parent_id.choices
    if request.method == "GET" and unit is not None:
        form.parent_id.data = unit.parent_id or 0
        form.successor_id.data = unit.successor_id or 0
    status = 200
    if form.validate_on_submit():
        values = _form_values(form)
        errors = services.check_unit_values(values, unit.id if unit else None, services.parent_map())
        clash = db.session.scalar(select(Unit.id).where(Unit.code == values["code"], Unit.id != (unit.id if unit else 0)))
        if clash:
            errors["code"] = _("This code is already used by another unit.")
        effective = form.rename_on.data or local_today()
        if unit is not None and (problem := services.check_rename(unit, values["name"], effective)):
            errors["rename_on"] = problem
        if not errors:
            target = unit or Unit()
            old_name = services.apply_unit(target, values, effective)
            if unit is None:
                db.session.add(target)
            db.session.commit()
            if old_name:
                services.announce_rename(target, old_name, effective)
            flash(_("Unit %(name)s saved.", name=target.name), "success")
            return redirect(url_for("directory.detail", unit_id=target.id))
        for name, message in errors.items():
            getattr(form, name).errors.append(message)
        status = INVALID_FORM
    elif request.method == "POST":
        status = INVALID_FORM
    return render("directory/edit.html", form=form, unit=unit, status=status)


@bp.route("/new", methods=["GET", "POST"])
@require_permission("directory.edit")
def new() -> ResponseReturnValue:
    return _edit(None)


@bp.route("/<int:unit_id>/edit", methods=["GET", "POST"])
@require_permission("directory.edit")
def edit(unit_id: int) -> ResponseReturnValue:
    return _edit(db.get_or_404(Unit, unit_id))


@bp.route("/<int:unit_id>/merge", methods=["GET", "POST"])
@require_permission("directory.edit")
def merge(unit_id: int) -> ResponseReturnValue:
    unit = db.get_or_404(Unit, unit_id)
    form = MergeForm()
    form.successor_id.choices = _choices(unit.id)
    form.area_to_ids.choices = _choices(unit.id)[1:]
    status = 200
    if form.validate_on_submit():
        successor = db.session.get(Unit, form.successor_id.data) if form.successor_id.data else None
        if successor is None:
            form.successor_id.errors.append(_("Choose the unit it is merged into."))
            status = INVALID_FORM
        elif unit.valid_from and form.effective.data <= unit.valid_from:
            form.effective.errors.append(_("The merger must take effect after the unit's start date."))
            status = INVALID_FORM
        else:
            others = [u for u in (db.session.get(Unit, i) for i in form.area_to_ids.data or []) if u is not None]
            services.merge_unit(unit, successor, form.effective.data, others)
            db.session.commit()
            flash(_("%(old)s is merged into %(new)s. Its history is kept.", old=unit.name, new=successor.name), "success")
            return redirect(url_for("directory.detail", unit_id=unit.id))
    elif request.method == "POST":
        status = INVALID_FORM
    return render("directory/merge.html", form=form, unit=unit, status=status)


@bp.route("/export.xlsx")
@require_permission("directory.view")
def export() -> ResponseReturnValue:
    units = services.unit_table(scope=unit_clause("directory.view", Unit.id))
    return xlsx_response("don-vi.xlsx", [(_("Units"), services.export_headers(), services.export_rows(units))],
                         title=_("Directory of units"))


@bp.route("/import", methods=["GET", "POST"])
@require_permission("directory.edit")
def import_units() -> ResponseReturnValue:
    form = ImportForm()
    result = None
    status = 200
    if form.validate_on_submit():
        try:
            checked = check_file(form.file.data, ("xlsx",))
            headers, rows = read_rows(checked.data, services.import_header_names())
        except UploadError as exc:
            form.file.errors.append(str(exc))
            status = INVALID_FORM
        except ValueError:
            form.file.errors.append(_("The file is not a readable Excel workbook."))
            status = INVALID_FORM
        else:
            result = services.import_units(headers, rows)
            if result.errors:
                db.session.rollback()
                status = INVALID_FORM
            else:
                db.session.commit()
                flash(_("Import done: %(created)s created, %(updated)s updated.", created=result.created, updated=result.updated), "success")
                for n, message in result.warnings:
                    flash(_("Row %(row)s: %(message)s", row=n, message=message), "warning")
                return redirect(url_for("directory.index"))
    elif request.method == "POST":
        status = INVALID_FORM
    return render("directory/import.html", form=form, result=result, columns=services.export_headers(), status=status)
