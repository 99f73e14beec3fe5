"""Rows of Article 1 as HTML built in Python: a draft of two hundred awardees spent a third of its time in the
template's per-cell escaping and attribute lookups (about 120 calls a row; here a dozen)."""
from __future__ import annotations

from typing import Any

from markupsafe import Markup, escape

from portal.toolkit import _, format_number


def line_row(line: Any, edit: str, saved: bool = False) -> Markup:
    """One line as the draft and the issued decision show it; ``edit``: the word of its edit link (none when the
    decision is issued); ``saved``: the mark after the line's form was saved (htmx)."""
    i = int(line.id)
    bonus = format_number(line.bonus) if line.bonus else "—"
    action = ""
    if edit:
        mark = ""
        if saved:
            word = _("Saved")  # outside the f-string, where the catalog's extractor sees it
            mark = f' <span class="saved">✓ {escape(word)}</span>'
        action = f'<td><a href="?edit={i}#line-{i}" hx-get="?edit={i}">{escape(edit)}</a>{mark}</td>'
    return Markup(f'<tr id="line-{i}"><td>{escape(line.nominee)}</td><td>{escape(line.position_text)}</td>'
                  f'<td>{escape(line.unit_name)}</td><td>{escape(line.award_name)}</td>'
                  f'<td class="num">{bonus}</td>{action}</tr>')
