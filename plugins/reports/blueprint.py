"""The reports blueprint: every URL of the plugin in one table (the view modules never import bp)."""
from __future__ import annotations

from flask import Blueprint

from .services.indicators import direction, shown
from .services.periods import deadline_hint
from .services.rollup import aggregations_for, default_aggregation
from .services.submissions import field_version
from .services.values import display_value, format_plain
from .views import builder, filling, indicators, matrix, periods, reminders, review

bp = Blueprint("reports", __name__, template_folder="templates", static_folder="static")

# What templates show of a period, a field value or an indicator, computed by the services (one place).
bp.add_app_template_filter(deadline_hint, "report_deadline")  # period|report_deadline(extended_until)
bp.add_app_template_filter(display_value, "report_value")  # field|report_value(value, files)
bp.add_app_template_filter(format_plain, "report_plain")  # field|report_plain(value): as typed in the form
bp.add_app_template_filter(field_version, "report_field_version")  # sub|report_field_version(key)
bp.add_app_template_filter(aggregations_for, "report_aggregations")  # kind|report_aggregations
bp.add_app_template_filter(default_aggregation, "report_default_aggregation")
bp.add_app_template_filter(shown, "indicator_value")  # indicator|indicator_value(value)
bp.add_app_template_filter(direction, "indicator_direction")  # indicator|indicator_direction(change)

_ROUTES = [
    ("/", "index", filling.index, ["GET"]),
    ("/unit/<int:unit_id>", "unit_history", filling.unit_history, ["GET"]),
    ("/p/<int:period_id>/u/<int:unit_id>", "report", filling.report, ["GET"]),
    ("/p/<int:period_id>/u/<int:unit_id>/field/<key>", "save_field", filling.save_field, ["POST"]),
    ("/p/<int:period_id>/u/<int:unit_id>/save", "save", filling.save, ["POST"]),
    ("/p/<int:period_id>/u/<int:unit_id>/submit", "submit", filling.submit, ["POST"]),
    ("/p/<int:period_id>/u/<int:unit_id>/files/<int:upload_id>", "download", filling.download, ["GET"]),
    ("/p/<int:period_id>/u/<int:unit_id>/print", "print_report", filling.print_report, ["GET"]),
    ("/widget/owed", "widget_owed", filling.widget_owed, ["GET"]),
    ("/inbox", "inbox", review.inbox, ["GET"]),
    ("/inbox/<int:sub_id>", "inbox_item", review.inbox_item, ["GET"]),
    ("/s/<int:sub_id>/accept", "accept", review.accept, ["POST"]),
    ("/s/<int:sub_id>/return", "return_report", review.return_report, ["POST"]),
    ("/submissions", "submissions", review.submissions, ["GET"]),
    ("/periods", "periods", periods.periods, ["GET", "POST"]),
    ("/periods/<int:period_id>", "period", periods.period, ["GET", "POST"]),
    ("/forms", "forms", builder.forms, ["GET", "POST"]),
    ("/forms/<int:form_id>", "builder", builder.builder, ["GET"]),
    ("/forms/<int:form_id>/fields", "add_field", builder.add_field, ["POST"]),
    ("/forms/<int:form_id>/fields/<key>/<action>", "change_field", builder.change_field, ["POST"]),
    ("/forms/<int:form_id>/fields/<key>/aggregation", "field_aggregation", builder.field_aggregation, ["POST"]),
    ("/forms/<int:form_id>/preview", "preview", builder.preview, ["GET"]),
    ("/forms/<int:form_id>/rules", "add_rule", builder.add_rule, ["POST"]),
    ("/forms/<int:form_id>/rules/<int:index>/delete", "delete_rule", builder.delete_rule, ["POST"]),
    ("/matrix", "matrix", matrix.matrix, ["GET"]),
    ("/matrix.xlsx", "matrix_xlsx", matrix.matrix_xlsx, ["GET"]),
    ("/rollup", "rollup", matrix.rollup, ["GET"]),
    ("/rollup.xlsx", "rollup_xlsx", matrix.rollup_xlsx, ["GET"]),
    ("/widget/completeness", "widget_completeness", matrix.widget_completeness, ["GET"]),
    ("/periods/<int:period_id>/reminders", "reminders", reminders.reminders, ["GET", "POST"]),
    ("/indicators", "indicators", indicators.indicators, ["GET", "POST"]),
    ("/indicators/<int:ind_id>/edit", "indicator_edit", indicators.indicator_edit, ["GET", "POST"]),
    ("/indicators/<int:ind_id>/delete", "indicator_delete", indicators.indicator_delete, ["POST"]),
    ("/indicators/<int:ind_id>", "indicator_trend", indicators.indicator_trend, ["GET"]),
    ("/indicators/<int:ind_id>.xlsx", "indicator_trend_xlsx", indicators.indicator_trend_xlsx, ["GET"]),
    ("/widget/movement", "widget_movement", indicators.widget_movement, ["GET"]),
]
for rule, endpoint, view, methods in _ROUTES:
    bp.add_url_rule(rule, endpoint, view, methods=methods)

# `flask reports send-reminders`, for cron or a systemd timer (README)
bp.cli.command("send-reminders")(reminders.send_reminders_command)
