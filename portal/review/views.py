"""Routes of the review document (/review). Thin: the snapshot and the texts are in services, Word in docx."""
from __future__ import annotations

import hashlib
import json
from collections import OrderedDict
from typing import Any

from flask import Blueprint, Response, abort, current_app, flash, redirect, request, url_for
from flask_babel import get_locale
from flask.typing import ResponseReturnValue
from flask_login import current_user
from sqlalchemy import select

from portal.charts import Series, bar_chart, line_chart
from portal.exports import xlsx_response
from portal.extensions import db
from portal.i18n import format_number, gettext as _
from portal.rendering import is_fragment_request, render
from portal.security import require_permission

from . import services as svc
from .docx import review_docx
from .forms import DetailsForm, ReviewForm, TextForm
from .models import GENERAL_PARTS, Review, ReviewSection

bp = Blueprint("review", __name__)

DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def subject(review: Review) -> str:
    return review.title


def figure_svg(fig: dict[str, Any]) -> Any:
    series = [Series(label, values, f"s{n % 4 + 1}") for n, (label, values) in enumerate(fig.get("series", []))]
    draw = bar_chart if fig.get("kind") == "bar" else line_chart
    return draw(fig.get("categories", []), series, title=fig.get("title", ""), value_format=format_number)


def _page(review: Review, details: DetailsForm | None = None, status: int = 200) -> ResponseReturnValue:
    return render("review/review.html", review=review, svc=svc, figure_svg=figure_svg, parts=GENERAL_PARTS,
                  can_manage=current_user.can("review.manage"),
                  details=details or DetailsForm(formdata=None, obj=review), status=status)


@bp.route("/", methods=["GET", "POST"])
@require_permission("review.view", "review.manage")
def index() -> ResponseReturnValue:
    form = ReviewForm(formdata=request.form if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if not current_user.can("review.manage"):
            abort(403)
        if form.validate():
            values = {name: getattr(form, name).data for name in (
                "kind", "title", "year_from", "year_to", "unit_kinds", "number", "doc_date", "signer_title",
                "signer_name")}
            errors = svc.check_values(values)
            for name, message in errors.items():
                getattr(form, name).errors.append(message)
            if not errors:
                review = svc.draft(values, current_user.id)
                db.session.commit()
                flash(_("The review is drafted with the figures of today. Edit its texts, then print or export it."),
                      "success")
                return redirect(url_for("review.show", review_id=review.id))
        status = 422
    elif not form.title.data:
        form.title.data = _("Final review of the movement \"Tam Đường hand in hand for the poor – leave no one "
                            "behind\" 2021–2025")
    reviews = list(db.session.scalars(select(Review).order_by(Review.created_at.desc(), Review.id.desc())))
    return render("review/index.html", reviews=reviews, form=form, svc=svc,
                  can_manage=current_user.can("review.manage"), status=status)


def _review(review_id: int) -> Review:
    return db.get_or_404(Review, review_id)


@bp.route("/<int:review_id>")
@require_permission("review.view", "review.manage")
def show(review_id: int) -> ResponseReturnValue:
    return _page(_review(review_id))


@bp.route("/<int:review_id>/details", methods=["POST"])
@require_permission("review.manage")
def details(review_id: int) -> ResponseReturnValue:
    from portal.integrity import lock

    review = _review(review_id)
    form = DetailsForm()
    if not form.validate():
        return _page(review, form, status=422)
    review = lock(Review, review_id)
    for name in ("title", "number", "doc_date", "signer_title", "signer_name"):
        setattr(review, name, getattr(form, name).data or ("" if name != "doc_date" else None))
    db.session.commit()
    flash(_("Saved."), "success")
    return redirect(url_for("review.show", review_id=review_id))


def _section(review: Review, section_id: int) -> ReviewSection:
    row = next((s for s in review.sections if s.id == section_id), None)
    if row is None:
        abort(404)
    return row


@bp.route("/<int:review_id>/s/<int:section_id>", methods=["GET", "POST"])
@require_permission("review.manage")
def section_text(review_id: int, section_id: int) -> ResponseReturnValue:
    """GET: the editor (an htmx fragment, or a page of its own without JavaScript); POST: save the paragraph."""
    review = _review(review_id)
    row = _section(review, section_id)
    if request.method == "POST":
        form = TextForm()
        if not form.validate():
            return render("review/edit.html", fragment="editor", review=review, target=row, form=form,
                          action=request.path, label=row.title, status=422)
        row = svc.save_narrative(review_id, section_id, form.text.data or "")
        db.session.commit()
        if is_fragment_request():
            return render("review/review.html", fragment="section_text", review=review, s=row, svc=svc,
                          can_manage=True)
        flash(_("Saved."), "success")
        return redirect(url_for("review.show", review_id=review_id) + f"#section-{row.id}")
    form = TextForm(formdata=None, text=row.narrative)
    return render("review/edit.html", fragment="editor", review=review, target=row, form=form, action=request.path,
                  label=row.title)


@bp.route("/<int:review_id>/part/<part>", methods=["GET", "POST"])
@require_permission("review.manage")
def part_text(review_id: int, part: str) -> ResponseReturnValue:
    review = _review(review_id)
    if part not in GENERAL_PARTS:
        abort(404)
    if request.method == "POST":
        form = TextForm()
        if not form.validate():
            return render("review/edit.html", fragment="editor", review=review, target=None, part=part, form=form,
                          action=request.path, label=svc.PART_LABELS[part], status=422)
        review = svc.save_part(review_id, part, form.text.data or "")
        db.session.commit()
        if is_fragment_request():
            return render("review/review.html", fragment="part_text", review=review, part=part, svc=svc,
                          can_manage=True)
        flash(_("Saved."), "success")
        return redirect(url_for("review.show", review_id=review_id) + f"#part-{part}")
    form = TextForm(formdata=None, text=getattr(review, part))
    return render("review/edit.html", fragment="editor", review=review, target=None, part=part, form=form,
                  action=request.path, label=svc.PART_LABELS[part])


@bp.route("/<int:review_id>/regenerate", methods=["GET", "POST"])
@require_permission("review.manage")
def regenerate(review_id: int) -> ResponseReturnValue:
    review = _review(review_id)
    if request.method == "POST":
        if request.form.get("confirm") != "yes":
            flash(_("Tick the box to confirm that the figures are to be taken again."), "error")
            return render("review/regenerate.html", review=review, status=422)
        svc.regenerate(review_id)
        db.session.commit()
        flash(_("The figures were taken again; your texts are kept."), "success")
        return redirect(url_for("review.show", review_id=review_id))
    return render("review/regenerate.html", review=review)


@bp.route("/<int:review_id>/print")
@require_permission("review.view", "review.manage")
def print_view(review_id: int) -> ResponseReturnValue:
    review = _review(review_id)
    return render("review/print.html", review=review, svc=svc, figure_svg=figure_svg)


DOCX_CACHE_SIZE = 16


def _docx_bytes(review: Review) -> bytes:
    """The Word file, built once per content: a review changes only by an edit or a regenerate, and the file is
    asked for again and again once signed. The key covers everything the file shows (texts, figures' time, the
    header's config, the language); the cache lives in the app (per worker), not in a module global."""
    cfg = current_app.config
    key = hashlib.sha256(json.dumps([
        review.id, review.kind, review.title, review.number, str(review.doc_date), review.signer_title,
        review.signer_name, review.results, review.limits, review.lessons, review.proposals, str(review.drafted_at),
        [(s.id, s.position, s.title, s.narrative, str(s.taken_at)) for s in review.sections],
        cfg.get("PORTAL_SUPERIOR_BODY"), cfg.get("PORTAL_ISSUING_BODY"), cfg.get("PORTAL_PLACE"), str(get_locale()),
    ], ensure_ascii=False).encode()).hexdigest()
    cache: OrderedDict[str, bytes] = current_app.extensions.setdefault("portal_review_docx", OrderedDict())
    data = cache.get(key)
    if data is None:
        data = review_docx(review, subject(review))
        cache[key] = data
        while len(cache) > DOCX_CACHE_SIZE:
            cache.popitem(last=False)
    else:
        cache.move_to_end(key)
    return data


@bp.route("/<int:review_id>.docx")
@require_permission("review.view", "review.manage")
def docx(review_id: int) -> ResponseReturnValue:
    review = _review(review_id)
    resp = Response(_docx_bytes(review), mimetype=DOCX_MIME)
    resp.headers["Content-Disposition"] = f'attachment; filename="bao-cao-{review.kind}-{review.year_from}-' \
                                          f'{review.year_to}-{review.id}.docx"'
    return resp


@bp.route("/<int:review_id>.xlsx")
@require_permission("review.view", "review.manage")
def xlsx(review_id: int) -> ResponseReturnValue:
    review = _review(review_id)
    sheets = [(title, t.get("header", []), t.get("rows", [])) for title, t in svc.all_tables(review)]
    if not sheets:
        sheets = [(_("Review"), [_("Section")], [[s.title] for s in review.sections])]
    years = str(review.year_from) if review.year_from == review.year_to else f"{review.year_from}–{review.year_to}"
    return xlsx_response(f"bao-cao-{review.kind}-{review.year_from}-{review.year_to}-{review.id}.xlsx", sheets,
                         title=review.title, period=years)
