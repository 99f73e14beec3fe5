"""The exemplars blueprint: every URL of the plugin in one table."""
from __future__ import annotations

from flask import Blueprint

from .views import cycle as cv
from .views import public as pub
from .views import register as rv

bp = Blueprint("exemplars", __name__, template_folder="templates", static_folder="static")

_ROUTES = [
    ("/", "index", rv.index, ["GET"]),
    ("/new", "propose", rv.propose, ["GET", "POST"]),
    ("/export.xlsx", "export", rv.export, ["GET"]),
    ("/<int:exemplar_id>", "detail", rv.detail, ["GET"]),
    ("/<int:exemplar_id>/photos", "photo_add", rv.photo_add, ["POST"]),
    ("/photos/<int:photo_id>", "photo_file", rv.photo_file, ["GET"]),
    ("/<int:exemplar_id>/verify", "verify", cv.verify, ["POST"]),
    ("/<int:exemplar_id>/foster", "foster", cv.foster, ["POST"]),
    ("/<int:exemplar_id>/replicate", "replicate", cv.replicate, ["POST"]),
    ("/<int:exemplar_id>/archive", "archive", cv.archive, ["POST"]),
    ("/cite", "cite", cv.cite, ["GET", "POST"]),
    ("/public", "public", pub.showcase, ["GET"]),
    ("/public/<int:exemplar_id>", "public_detail", pub.public_detail, ["GET"]),
    ("/public/<int:exemplar_id>/sheet", "public_sheet", pub.public_sheet, ["GET"]),
    ("/widgets/exemplars", "widget_exemplars", rv.widget_exemplars, ["GET"]),
]
for rule, endpoint, view, methods in _ROUTES:
    bp.add_url_rule(rule, endpoint, view, methods=methods)
