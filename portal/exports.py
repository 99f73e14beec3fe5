"""Excel (xlsx) export and import helpers shared by the core and plugins.

Every sheet opens with a title block (what, which period, exported when and by whom), then the header row and the
rows. Columns may be typed (``Column(label, MONEY, total=True)``): money gets thousands separators, percentages
(fractions, 0.375) show as 37,5 %, dates as dates; a totals row sums the columns marked ``total``. A single cell can
be typed too (``Money(v)``, ``Percent(v)``) where one column mixes kinds. Text is always text, never a formula.
"""
from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

from flask import Response, has_request_context
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from portal.i18n import fold, gettext as _

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

TEXT, NUMBER, MONEY, PERCENT, DATE = "text", "number", "money", "percent", "date"
#: Excel number formats; Excel shows the separators of the reader's locale (1.234.567 in Vietnamese).
FORMATS = {NUMBER: "#,##0.##", MONEY: "#,##0", PERCENT: "0.0%", DATE: "dd/mm/yyyy"}
DATETIME_FORMAT = "dd/mm/yyyy hh:mm"


@dataclass(frozen=True)
class Column:
    """A typed column header: ``kind`` is TEXT, NUMBER, MONEY, PERCENT (values are fractions) or DATE."""

    label: Any
    kind: str = TEXT
    total: bool = False  # sum it in a totals row under the table


@dataclass(frozen=True)
class Money:
    """One money cell (integer đồng) in a column that is not all money."""

    value: int | None


@dataclass(frozen=True)
class Percent:
    """One percentage cell; ``value`` is a fraction (0.375 → 37,5 %)."""

    value: float | Decimal | Fraction | None


@dataclass(frozen=True)
class Sheet:
    """A sheet: name (tab), columns (str or Column), rows; ``title`` and ``period`` head its title block."""

    name: Any
    columns: Sequence[Any]
    rows: Iterable[Sequence[Any]]
    title: Any = None
    period: Any = None


def xml_safe(text: str) -> str:
    """Drop the characters XML 1.0 cannot hold (C0 controls but tab/newline/CR); openpyxl refuses them."""
    return ILLEGAL_CHARACTERS_RE.sub("", text)


def _text_cell(ws: Any, value: str, bold: bool = False, size: int | None = None) -> Any:
    cell = WriteOnlyCell(ws, value=xml_safe(value))
    cell.data_type = "s"  # openpyxl would otherwise store text starting with '=' as a formula
    if bold or size:
        cell.font = Font(bold=bold, size=size)
    return cell


def _number(value: Any) -> Any:
    return float(value) if isinstance(value, Fraction) else value


def _cell(ws: Any, value: Any, kind: str = TEXT) -> Any:
    """One cell; text is always a string cell, never a formula (a unit named '=HYPERLINK(...)' stays text)."""
    if isinstance(value, Money):
        return _cell(ws, value.value, MONEY)
    if isinstance(value, Percent):
        return _cell(ws, value.value, PERCENT)
    if isinstance(value, str):
        return _text_cell(ws, value)
    if isinstance(value, bool):
        return _text_cell(ws, _("Yes") if value else _("No"))
    if value is not None and not isinstance(value, (int, float, dt.date, dt.time, Decimal, Fraction)):
        return _text_cell(ws, str(value))  # lazy strings and other objects: their text
    cell = WriteOnlyCell(ws, value=_number(value))
    if isinstance(value, dt.datetime):
        cell.number_format = DATETIME_FORMAT
    elif isinstance(value, dt.date):
        cell.number_format = FORMATS[DATE]
    elif isinstance(value, (int, float, Decimal, Fraction)) and kind in FORMATS:
        cell.number_format = FORMATS[kind]
    return cell


def _shown_width(value: Any, kind: str) -> int:
    if value is None:
        return 0
    if isinstance(value, (Money, Percent)):
        return _shown_width(value.value, MONEY if isinstance(value, Money) else PERCENT)
    if isinstance(value, (dt.date, dt.datetime)):
        return 16 if isinstance(value, dt.datetime) else 10
    if kind == MONEY and isinstance(value, (int, float, Decimal)):
        return len(f"{int(value):,}")
    return min(60, len(str(value)))


def _exported_line() -> str:
    from portal.clock import local_now

    who = _("the system")
    if has_request_context():
        from flask_login import current_user

        if current_user and current_user.is_authenticated:
            who = current_user.full_name or current_user.username
    return _("Exported on %(when)s by %(who)s", when=local_now().strftime("%d/%m/%Y %H:%M"), who=who)


def _totals(columns: Sequence[Column], rows: list[Sequence[Any]]) -> list[Any] | None:
    if not any(c.total for c in columns):
        return None
    out: list[Any] = [None] * len(columns)
    for i, col in enumerate(columns):
        if col.total:
            values = [r[i].value if isinstance(r[i], (Money, Percent)) else r[i] for r in rows if i < len(r)]
            out[i] = sum(v for v in values if isinstance(v, (int, float, Decimal, Fraction)) and not isinstance(v, bool))
    if not columns[0].total:
        out[0] = _("Total")
    return out


def _as_sheet(item: Sheet | tuple[Any, ...]) -> Sheet:
    return item if isinstance(item, Sheet) else Sheet(*item)


def workbook_bytes(sheets: Sequence[Sheet | tuple[Any, Sequence[Any], Iterable[Sequence[Any]]]],
                   title: Any = None, period: Any = None) -> bytes:
    """Build an xlsx from Sheets or (name, headers, rows) triples; numbers stay numbers so Excel can sum them.

    ``title``/``period`` head every sheet's title block unless the sheet has its own. Write-only mode streams rows
    to the file instead of keeping a cell object per value: several times faster on the thousand-row exports.
    """
    wb = Workbook(write_only=True)
    exported = _exported_line()
    for item in sheets:
        sheet = _as_sheet(item)
        columns = [c if isinstance(c, Column) else Column(c) for c in sheet.columns]
        safe_title = re.sub(r"[\\/*?:\[\]]", " ", xml_safe(str(sheet.name))).strip()[:31] or "Sheet"
        ws = wb.create_sheet(title=safe_title)
        rows = list(sheet.rows)
        totals = _totals(columns, rows)
        widths = [len(str(c.label)) for c in columns]
        for row in rows + ([totals] if totals else []):
            for i, value in enumerate(row[: len(widths)]):
                widths[i] = max(widths[i], _shown_width(value, columns[i].kind))
        for i, width in enumerate(widths, start=1):  # before the first row: write-only sheets need them first
            ws.column_dimensions[get_column_letter(i)].width = width + 2
        block = [(str(sheet.title or title or sheet.name), 14)]
        period_text = sheet.period or period
        if period_text:
            block.append((_("Period: %(period)s", period=period_text), None))
        block.append((exported, None))
        ws.freeze_panes = f"A{len(block) + 3}"  # title block, a blank row and the header stay in view
        for text, size in block:
            ws.append([_text_cell(ws, text, bold=size is not None, size=size)])
        ws.append([])
        ws.append([_text_cell(ws, str(c.label), bold=True) for c in columns])
        for row in rows:
            ws.append([_cell(ws, value, columns[i].kind if i < len(columns) else TEXT) for i, value in enumerate(row)])
        if totals:
            cells = [_cell(ws, value, columns[i].kind) for i, value in enumerate(totals)]
            for cell in cells:
                cell.font = Font(bold=True)
            ws.append(cells)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def xlsx_response(filename: str, sheets: Sequence[Sheet | tuple[Any, Sequence[Any], Iterable[Sequence[Any]]]],
                  *, title: Any = None, period: Any = None) -> Response:
    """Return an xlsx download (see ``workbook_bytes``)."""
    resp = Response(workbook_bytes(sheets, title=title, period=period), mimetype=XLSX_MIME)
    resp.headers["Content-Disposition"] = f"attachment; filename=\"{filename}\""
    return resp


def _header_row(rows: list[list[Any]], known: Iterable[str] | None) -> int:
    """The index of the header row: the first with two of the ``known`` column names (folded), else the first row
    with two filled cells (a title block above the table has one cell a row)."""
    names = {fold(str(k)) for k in known} if known is not None else None
    for i, row in enumerate(rows):
        cells = [fold(str(v)) for v in row if v not in (None, "")]
        if names is not None:
            if sum(1 for c in cells if c in names) >= min(2, len(names)):
                return i
        elif len(cells) >= 2:
            return i
    return 0


def read_rows(data: bytes, known: Iterable[str] | None = None, sheet: int = 0) -> tuple[list[str], list[list[Any]]]:
    """Read a sheet (the first) of an xlsx: (headers, rows below them). Raise ValueError if it is not a workbook.

    The header row is found by its column names (``known``), so the portal's own exports, with their title block,
    read back; a sheet that starts with its header row reads as before."""
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a broken file
        raise ValueError(str(exc)) from exc
    ws = wb.worksheets[sheet]
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    wb.close()
    if not rows:
        return [], []
    start = _header_row(rows, known)
    headers = [str(h).strip() if h is not None else "" for h in rows[start]]
    body = [r for r in rows[start + 1:] if any(v not in (None, "") for v in r)]
    return headers, body
