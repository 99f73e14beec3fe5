"""The only core surface plugins import (besides portal.plugin). Keep it stable."""
from __future__ import annotations

from typing import Any

from flask import current_app
from flask_login import current_user

from portal import signals
from portal.clock import local_date, local_now, local_today, to_local
from portal.audit import history_for
from portal.charts import Series, bar_chart, line_chart
from portal.exports import DATE, MONEY, NUMBER, PERCENT, Column, Money, Percent, Sheet, read_rows, workbook_bytes, xlsx_response
from portal.directory.services import KIND_LABELS as UNIT_KIND_LABELS
from portal.directory.services import (
    area_links,
    final_successors,
    predecessor_map,
    predecessors,
    predecessors_in,
    unit_choices,
    unit_lineage,
)
from portal.confirm import confirm
from portal.urls import absolute, absolute_url, base_url, url_maker
from portal.docx_tables import row_writer as docx_row_writer
from portal.documents import Issuer, issue_number, issued_number, issuer_of
from portal.errors import user_error
from portal.extensions import db, select_rows
from portal.forms import INVALID_FORM, MAX_MONEY, DateField, FlaskForm, MoneyField, NoMarkup, UnitsField, form_status, strip
from portal.forms import LeanSelect
from portal.integrity import Refused, expect_state, idempotent, lock, lock_or_404, lock_or_create, once_input, upsert
from portal.i18n import (
    coerce_money,
    fold,
    format_date,
    format_datetime,
    format_doc_date,
    format_money,
    format_number,
    format_percent,
    number_format,
    gettext,
    amount_in_words,
    lazy_gettext,
    lazy_pgettext,
    ngettext,
    pgettext,
    vi_sort_key,
)
from portal.per_locale import per_locale
from portal.plugin import Link, RefInfo
from portal.refs import make_ref, parse_ref, record_links, ref_resolver, resolve_ref
from portal.models import Audited, Role, Unit, Upload, User, utcnow
from portal.seed import ensure_demo_user
from portal.paging import MAX_PAGE_SIZE, Page, page_size, paginate
from portal.notifications import notify_unit, notify_users
from portal.rendering import hx_redirect, hx_retarget, hx_trigger, is_fragment_request, redirect_or_hx, render
from portal.security import check_unit, public, require_login, require_permission, scoped, unit_clause
from portal.uploads import UploadError, check_file, downscale_image, send_upload, store

_ = gettext
_l = lazy_gettext


def get_plugin_config(key: str, default: Any = None) -> Any:
    """Read a plugin's config key (``<NAME>_...``) from the current app."""
    return current_app.config.get(key, default)


__all__ = [
    "Link",
    "RefInfo",
    "make_ref",
    "parse_ref",
    "record_links",
    "ref_resolver",
    "resolve_ref",
    "Audited",
    "Refused",
    "expect_state",
    "idempotent",
    "lock",
    "lock_or_404",
    "lock_or_create",
    "once_input",
    "upsert",
    "select_rows",
    "DateField",
    "absolute",
    "absolute_url",
    "base_url",
    "confirm",
    "INVALID_FORM",
    "UnitsField",
    "LeanSelect",
    "form_status",
    "unit_choices",
    "FlaskForm",
    "Issuer",
    "MAX_MONEY",
    "MAX_PAGE_SIZE",
    "MoneyField",
    "Page",
    "NoMarkup",
    "Series",
    "Role",
    "Unit",
    "UNIT_KIND_LABELS",
    "Upload",
    "UploadError",
    "User",
    "_",
    "_l",
    "amount_in_words",
    "area_links",
    "bar_chart",
    "check_file",
    "check_unit",
    "coerce_money",
    "current_user",
    "db",
    "downscale_image",
    "ensure_demo_user",
    "fold",
    "final_successors",
    "format_date",
    "format_datetime",
    "format_doc_date",
    "format_money",
    "format_number",
    "number_format",
    "format_percent",
    "get_plugin_config",
    "gettext",
    "history_for",
    "hx_redirect",
    "hx_retarget",
    "hx_trigger",
    "is_fragment_request",
    "issue_number",
    "docx_row_writer",
    "issued_number",
    "issuer_of",
    "local_date",
    "local_now",
    "local_today",
    "lazy_gettext",
    "line_chart",
    "lazy_pgettext",
    "ngettext",
    "notify_unit",
    "notify_users",
    "page_size",
    "paginate",
    "pgettext",
    "predecessor_map",
    "predecessors",
    "predecessors_in",
    "public",
    "read_rows",
    "Column",
    "DATE",
    "MONEY",
    "NUMBER",
    "PERCENT",
    "Money",
    "Percent",
    "Sheet",
    "redirect_or_hx",
    "render",
    "require_login",
    "require_permission",
    "send_upload",
    "signals",
    "store",
    "strip",
    "to_local",
    "unit_clause",
    "scoped",
    "unit_lineage",
    "url_maker",
    "per_locale",
    "user_error",
    "utcnow",
    "vi_sort_key",
    "workbook_bytes",
    "xlsx_response",
]
