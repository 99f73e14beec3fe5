"""The public showcase (no login): verified exemplars by commune and field, a shareable page each with Open
Graph tags, and a printable A4 sheet. Nothing personal unless the people agreed (consent_public)."""
from __future__ import annotations

from flask import request
from flask.typing import ResponseReturnValue

from portal.toolkit import absolute_url, local_today, public, render

from .. import labels
from ..services import register


@public
def showcase() -> ResponseReturnValue:
    filters = register.Filters.from_args(request.args, states=labels.PUBLIC_STATES)
    page = register.public_page(filters)
    return render("exemplars/public.html", fragment="showcase", page=page, filters=filters,
                  cards=register.showcase_cards(page.items, register.reach(page.items)),
                  units=register.unit_filter_choices(public=True))


def _context(exemplar_id: int) -> dict[str, object]:
    ex = register.public_exemplar(exemplar_id)
    photos = ex.photos if ex.consent_public else []
    # Open Graph: a shared link shows the story and (with consent) the first photo, from the base URL
    og = {"title": ex.title, "description": (ex.story or ex.description)[:300], "type": "article",
          "url": absolute_url("exemplars.public_detail", exemplar_id=ex.id)}
    if photos:
        og["image"] = absolute_url("exemplars.photo_file", photo_id=photos[0].id)
    return dict(ex=ex, spread=register.reach([ex])[ex.id], photos=photos, today=local_today(), og=og)


@public
def public_detail(exemplar_id: int) -> ResponseReturnValue:
    return render("exemplars/public_detail.html", **_context(exemplar_id))


@public
def public_sheet(exemplar_id: int) -> ResponseReturnValue:
    return render("exemplars/sheet.html", **_context(exemplar_id))
