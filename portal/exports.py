"""Excel (xlsx) export and import helpers shared by the core and plugins."""
from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal
from collections.abc import Iterable, Sequence
from typing import Any

from flask import Response
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.cell import WriteOnlyCell
from openpyxl.utils import get_column_letter

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xml_safe(text: str) -> str:
    """Drop the characters XML 1.0 cannot hold (C0 controls but tab/newline/CR); openpyxl refuses them."""
    return ILLEGAL_CHARACTERS_RE.sub("", text)


_PLAIN = (int, float, dt.date, dt.datetime, dt.time, Decimal, bool)


def _cell(ws: Any, value: Any) -> Any:
    """One cell; text is always a string cell, never a formula (a unit named '=HYPERLINK(...)' stays text)."""
    if isinstance(value, str):
        cell = WriteOnlyCell(ws, value=xml_safe(value))
        cell.data_type = "s"  # openpyxl would otherwise store text starting with '=' as a formula
        return cell
    if value is not None and not isinstance(value, _PLAIN):
        return _cell(ws, str(value))  # lazy strings and other objects: their text
    return WriteOnlyCell(ws, value=value)


def _value(ws: Any, value: Any) -> Any:
    """What a row holds for one value: the plain value wherever openpyxl reads it right (it then fills one reused
    cell: a cell object per value costs a second conversion and a caught error each, most of an export's time),
    a string cell only for text openpyxl would take for a formula."""
    if isinstance(value, str):
        text = xml_safe(value)
        return _cell(ws, text) if text.startswith("=") else text
    if value is None or isinstance(value, _PLAIN):
        return value
    return _value(ws, str(value))


def workbook_bytes(sheets: Sequence[tuple[str, Sequence[str], Iterable[Sequence[Any]]]]) -> bytes:
    """Build an xlsx from (title, headers, rows) triples; numbers stay numbers so Excel can sum them.

    Write-only mode streams rows to the file instead of keeping a cell object per value: several times faster
    on the thousand-row exports (the whole lists behind the paged pages).
    """
    wb = Workbook(write_only=True)
    for title, headers, rows in sheets:
        safe_title = re.sub(r"[\\/*?:\[\]]", " ", xml_safe(str(title))).strip()[:31] or "Sheet"
        ws = wb.create_sheet(title=safe_title)
        rows = list(rows)
        widths = [len(str(h)) for h in headers]
        for row in rows:
            for i, value in enumerate(row[: len(widths)]):
                widths[i] = max(widths[i], min(60, len(str(value)) if value is not None else 0))
        for i, width in enumerate(widths, start=1):  # before the first row: write-only sheets need them first
            ws.column_dimensions[get_column_letter(i)].width = width + 2
        ws.freeze_panes = "A2"
        header_cells = []
        for header in headers:
            cell = _cell(ws, str(header))
            cell.font = Font(bold=True)
            header_cells.append(cell)
        ws.append(header_cells)
        for row in rows:
            ws.append([_value(ws, value) for value in row])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def xlsx_response(filename: str, sheets: Sequence[tuple[str, Sequence[str], Iterable[Sequence[Any]]]]) -> Response:
    """Return an xlsx download."""
    resp = Response(workbook_bytes(sheets), mimetype=XLSX_MIME)
    resp.headers["Content-Disposition"] = f"attachment; filename=\"{filename}\""
    return resp


def read_rows(data: bytes) -> tuple[list[str], list[list[Any]]]:
    """Read the first sheet of an xlsx: (headers, rows). Raise ValueError if it is not a workbook."""
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a broken file
        raise ValueError(str(exc)) from exc
    ws = wb.worksheets[0]
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    wb.close()
    if not rows:
        return [], []
    headers = [str(h).strip() if h is not None else "" for h in rows[0]]
    body = [r for r in rows[1:] if any(v not in (None, "") for v in r)]
    return headers, body
