"""The awards blueprint: every URL of the plugin in one table (views.py never imports bp)."""
from __future__ import annotations

from flask import Blueprint

from . import process_views as pv
from . import views

bp = Blueprint("awards", __name__, template_folder="templates", static_folder="static")

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
    ("/sessions/<int:session_id>/items/<int:item_id>/dossier", "ballot_dossier", pv.ballot_dossier, ["GET"]),
    ("/rounds/<int:round_id>/lookback", "nomination_lookback", pv.nomination_lookback, ["GET"]),
    ("/rounds/<int:round_id>/registrations", "registrations", pv.registrations, ["GET"]),
    ("/rounds/<int:round_id>/registrations.xlsx", "registrations_export", pv.registrations_export, ["GET"]),
    ("/rounds/<int:round_id>/register", "register", pv.register, ["GET", "POST"]),
    ("/registrations/<int:registration_id>", "registration_detail", pv.registration_detail, ["GET"]),
    ("/registrations/<int:registration_id>/review", "registration_review", pv.registration_review, ["POST"]),
    ("/decisions/", "decisions", pv.decisions, ["GET"]),
    ("/decisions/new", "decision_new", pv.decision_new, ["GET", "POST"]),
    ("/decisions/<int:decision_id>", "decision_detail", pv.decision_detail, ["GET"]),
    ("/decisions/<int:decision_id>/edit", "decision_edit", pv.decision_edit, ["POST"]),
    ("/decisions/<int:decision_id>/lines", "decision_line_add", pv.decision_line_add, ["POST"]),
    ("/decisions/<int:decision_id>/lines/<int:line_id>", "decision_line_edit", pv.decision_line_edit, ["POST"]),
    ("/decisions/<int:decision_id>/lines/<int:line_id>/remove", "decision_line_remove", pv.decision_line_remove,
     ["POST"]),
    ("/decisions/<int:decision_id>/issue", "decision_issue", pv.decision_issue, ["POST"]),
    ("/decisions/<int:decision_id>/amend", "decision_amend", pv.decision_amend, ["POST"]),
    ("/decisions/<int:decision_id>/print", "decision_print", pv.decision_print, ["GET"]),
    ("/decisions/<int:decision_id>/submission", "decision_submission", pv.decision_submission, ["GET"]),
    ("/decisions/<int:decision_id>/decision.docx", "decision_docx", pv.decision_docx, ["GET"]),
    ("/decisions/<int:decision_id>/certificates", "decision_certificates", pv.decision_certificates, ["GET"]),
    ("/decided", "decided", pv.decided, ["GET"]),
    ("/public", "public_awards", pv.public_awards, ["GET"]),
    ("/records/", "records", pv.records, ["GET"]),
    ("/records/new", "record_new", pv.record_new, ["GET", "POST"]),
    ("/records/holder", "record_holder", pv.record_holder, ["GET"]),
    ("/records/<int:record_id>/remove", "record_remove", pv.record_remove, ["POST"]),
    ("/widgets/vote", "widget_vote", views.widget_vote, ["GET"]),
    ("/widgets/review", "widget_review", views.widget_review, ["GET"]),
    ("/widgets/results", "widget_results", views.widget_results, ["GET"]),
]
for rule, endpoint, view, methods in _ROUTES:
    bp.add_url_rule(rule, endpoint, view, methods=methods)
