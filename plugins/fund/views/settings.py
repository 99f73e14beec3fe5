"""Settings of the fund board: fund years, campaigns, spending categories."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import flash, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import select

from portal.toolkit import INVALID_FORM, Refused, _, db, local_today, redirect_or_hx, render, require_permission

from ..forms import CampaignForm, CategoryForm, YearForm
from ..models import Campaign, Category
from ..permissions import RECORD
from ..services.totals import years_summary
from ..services.years import create_year, save_campaign
from .common import refused_into


def _settings(status: int = 200, **forms: Any) -> ResponseReturnValue:
    context = {
        "year_form": YearForm(formdata=None, label=local_today().year), "campaign_form": CampaignForm(formdata=None),
        "category_form": CategoryForm(formdata=None), **forms,
    }
    return render("fund/settings.html", years=years_summary(),
                  campaigns=list(db.session.scalars(select(Campaign).order_by(Campaign.start.desc()))),
                  categories=list(db.session.scalars(select(Category).order_by(Category.position, Category.id))),
                  status=status, **context)


@require_permission(RECORD)
def settings() -> ResponseReturnValue:
    return _settings()


def _saved(form: Any, save: Callable[[], Any], field: str, message: str, form_name: str) -> ResponseReturnValue:
    """Run a settings service once the form is valid: its refusal is shown on ``field``; commit and go back."""
    status = INVALID_FORM
    if form.validate_on_submit():
        try:
            save()
        except Refused as exc:
            status = refused_into(form, exc, field)
        else:
            db.session.commit()
            flash(message, "success")
            return redirect_or_hx(url_for("fund.settings"))
    return _settings(status, **{form_name: form})


@require_permission(RECORD)
def year_add() -> ResponseReturnValue:
    form = YearForm()
    return _saved(form, lambda: create_year(form.label.data, form.carried_in.data or 0), "label",
                  _("Fund year %(year)s added.", year=form.label.data), "year_form")


@require_permission(RECORD)
def campaign_save(campaign_id: int | None = None) -> ResponseReturnValue:
    campaign = db.get_or_404(Campaign, campaign_id) if campaign_id else None
    form = CampaignForm()
    return _saved(form, lambda: save_campaign(campaign, form.name.data, form.start.data, form.end.data, form.goal.data),
                  "end", _("Campaign saved."), "campaign_form")


@require_permission(RECORD)
def category_save(category_id: int | None = None) -> ResponseReturnValue:
    category = db.get_or_404(Category, category_id) if category_id else None
    form = CategoryForm()
    if form.validate_on_submit():
        clash = db.session.scalar(select(Category.id).where(Category.name == form.name.data,
                                                            Category.id != (category_id or 0)))
        if clash:
            form.name.errors.append(_("This category already exists."))
        else:
            category = category or Category(position=100)
            category.name, category.kind, category.active = form.name.data, form.kind.data, form.active.data
            db.session.add(category)
            db.session.commit()
            flash(_("Category saved."), "success")
            return redirect_or_hx(url_for("fund.settings"))
    return _settings(INVALID_FORM, category_form=form)
