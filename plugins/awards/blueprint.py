"""The awards blueprint: every URL of the plugin in one table (views.py never imports bp)."""
from __future__ import annotations

from flask import Blueprint

from . import views

bp = Blueprint("awards", __name__, template_folder="templates")

_ROUTES = [
    ("/", "index", views.index, ["GET"]),
    ("/types/", "types", views.types, ["GET"]),
    ("/types/new", "type_new", views.type_new, ["GET", "POST"]),
    ("/types/<int:type_id>/edit", "type_edit", views.type_edit, ["GET", "POST"]),
    ("/council/", "council", views.council, ["GET", "POST"]),
    ("/council/<int:member_id>/remove", "council_remove", views.council_remove, ["POST"]),
    ("/rounds/new", "round_new", views.round_new, ["GET", "POST"]),
    ("/rounds/<int:round_id>", "round_detail", views.round_detail, ["GET"]),
    ("/rounds/<int:round_id>/edit", "round_edit", views.round_edit, ["GET", "POST"]),
    ("/rounds/<int:round_id>/approved.xlsx", "round_export", views.round_export, ["GET"]),
    ("/rounds/<int:round_id>/nominate", "nomination_new", views.nomination_new, ["GET", "POST"]),
    ("/rounds/<int:round_id>/sessions/new", "session_new", views.session_new, ["GET", "POST"]),
    ("/nominations/<int:nomination_id>", "nomination_detail", views.nomination_detail, ["GET"]),
    ("/nominations/<int:nomination_id>/edit", "nomination_edit", views.nomination_edit, ["GET", "POST"]),
    ("/nominations/<int:nomination_id>/review", "nomination_review", views.nomination_review, ["POST"]),
    ("/nominations/<int:nomination_id>/files", "nomination_upload", views.nomination_upload, ["POST"]),
    ("/nominations/<int:nomination_id>/files/<int:file_id>", "nomination_file", views.nomination_file, ["GET"]),
    ("/sessions/<int:session_id>", "session_detail", views.session_detail, ["GET"]),
    ("/sessions/<int:session_id>/items", "session_items", views.session_items, ["POST"]),
    ("/sessions/<int:session_id>/open", "session_open", views.session_open, ["POST"]),
    ("/sessions/<int:session_id>/roll/<int:entry_id>", "session_presence", views.session_presence, ["POST"]),
    ("/sessions/<int:session_id>/turnout", "session_turnout", views.session_turnout, ["GET"]),
    ("/sessions/<int:session_id>/vote", "session_vote", views.session_vote, ["GET", "POST"]),
    ("/sessions/<int:session_id>/written", "session_written", views.session_written, ["GET", "POST"]),
    ("/sessions/<int:session_id>/close", "session_close", views.session_close, ["POST"]),
    ("/sessions/<int:session_id>/publish", "session_publish", views.session_publish, ["POST"]),
    ("/sessions/<int:session_id>/minutes", "session_minutes", views.session_minutes, ["GET"]),
    ("/sessions/<int:session_id>/ballots", "session_ballots", views.session_ballots, ["GET"]),
    ("/widgets/vote", "widget_vote", views.widget_vote, ["GET"]),
    ("/widgets/review", "widget_review", views.widget_review, ["GET"]),
    ("/widgets/results", "widget_results", views.widget_results, ["GET"]),
]
for rule, endpoint, view, methods in _ROUTES:
    bp.add_url_rule(rule, endpoint, view, methods=methods)
