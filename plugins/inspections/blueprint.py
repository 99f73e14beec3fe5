"""The inspections blueprint: every URL of the plugin in one table, with who may use it."""
from __future__ import annotations

from flask import Blueprint

from portal.toolkit import require_permission

from .permissions import CONDUCT, FOLLOWUP, MANAGE, VIEW
from .views import answers as an, checklists as ck, conduct as cd, findings as fd, plans, summary as sm

bp = Blueprint("inspections", __name__, template_folder="templates", static_folder="static")

GET, POST, BOTH = ["GET"], ["POST"], ["GET", "POST"]
_ROUTES = [
    ("/", "index", plans.index, GET, (VIEW,)),
    ("/new", "new", plans.new, BOTH, (MANAGE,)),
    ("/unit/<int:unit_id>", "unit_history", plans.unit_history, GET, (VIEW,)),
    ("/<int:inspection_id>/edit", "edit", plans.edit, BOTH, (MANAGE,)),
    ("/<int:inspection_id>/delete", "delete", plans.delete, POST, (MANAGE,)),
    ("/<int:inspection_id>", "detail", cd.detail, GET, (VIEW, CONDUCT)),
    ("/<int:inspection_id>/sections/<sid>", "section_items", cd.section_items, GET, (VIEW, CONDUCT)),
    ("/<int:inspection_id>/start", "start", cd.start, POST, (CONDUCT,)),
    ("/<int:inspection_id>/complete", "complete", cd.complete, POST, (CONDUCT,)),
    ("/<int:inspection_id>/sign", "sign", cd.sign, POST, (CONDUCT,)),
    ("/<int:inspection_id>/minutes", "minutes", cd.minutes, GET, (VIEW, CONDUCT)),
    ("/<int:inspection_id>/items/<int:item_id>/answer", "answer", an.answer, POST, (CONDUCT,)),
    ("/<int:inspection_id>/answers", "answers", an.answers, POST, (CONDUCT,)),
    ("/<int:inspection_id>/items/<int:item_id>/photos", "photo", an.photo, POST, (CONDUCT,)),
    ("/photos/<int:photo_id>", "photo_file", an.photo_file, GET, (VIEW, CONDUCT)),
    ("/photos/<int:photo_id>/delete", "photo_delete", an.photo_delete, POST, (CONDUCT,)),
    ("/<int:inspection_id>/findings/new", "finding_new", fd.finding_new, BOTH, (CONDUCT,)),
    ("/<int:inspection_id>/findings/<int:finding_id>", "finding_edit", fd.finding_edit, BOTH, (CONDUCT,)),
    ("/findings/", "findings", fd.findings, GET, (VIEW, FOLLOWUP)),
    ("/findings.xlsx", "findings_xlsx", fd.findings_xlsx, GET, (VIEW, FOLLOWUP)),
    ("/findings/<int:finding_id>", "finding", fd.finding, GET, (VIEW, FOLLOWUP, CONDUCT)),
    ("/findings/<int:finding_id>/progress", "finding_progress", fd.finding_progress, POST, (FOLLOWUP,)),
    ("/findings/<int:finding_id>/verify", "finding_verify", fd.finding_verify, POST, (CONDUCT,)),
    ("/summary", "summary", sm.summary, GET, (VIEW,)),
    ("/summary.xlsx", "summary_xlsx", sm.summary_xlsx, GET, (VIEW,)),
    ("/templates/", "templates", ck.templates, BOTH, (MANAGE,)),
    ("/templates/<int:template_id>", "template", ck.template, BOTH, (MANAGE,)),
    ("/templates/<int:template_id>/version", "template_version", ck.template_version, POST, (MANAGE,)),
    ("/templates/<int:template_id>/items/<int:item_id>", "item_edit", ck.item_edit, BOTH, (MANAGE,)),
    ("/templates/<int:template_id>/items/<int:item_id>/delete", "item_delete", ck.item_delete, POST, (MANAGE,)),
    ("/widgets/mine", "widget_mine", sm.widget_mine, GET, (CONDUCT,)),
    ("/widgets/overdue", "widget_overdue", sm.widget_overdue, GET, (FOLLOWUP, VIEW)),
    ("/widgets/overview", "widget_overview", sm.widget_overview, GET, (VIEW,)),
]
_guarded = {}
for rule, endpoint, view, methods, codes in _ROUTES:
    _guarded[endpoint] = require_permission(*codes)(view)
    bp.add_url_rule(rule, endpoint, _guarded[endpoint], methods=methods)
# a new item: the same view without an item id
bp.add_url_rule("/templates/<int:template_id>/items/new", "item_edit", _guarded["item_edit"], methods=BOTH,
                defaults={"item_id": None})
