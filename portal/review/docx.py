"""The review as a Word document (python-docx): the Nghị định 30 two-column header, numbered headings, the
sections' tables, the general parts and the signature block. Times New Roman 13–14 pt on A4, margins 20/15/30/20."""
from __future__ import annotations

import io
from typing import Any

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from flask import current_app

from portal.docx_tables import row_writer
from portal.i18n import format_doc_date, gettext as _

from .models import Review
from .services import PART_LABELS, cell_number, cell_text, paragraphs

FONT = "Times New Roman"
ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"]


def _font(run: Any, size: float = 13, bold: bool = False, italic: bool = False) -> None:
    run.font.name = FONT
    run.font.size = Pt(size)
    run.bold = bold
    run.italic = italic
    rpr = run._element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.append(fonts)
    fonts.set(qn("w:eastAsia"), FONT)


def _para(container: Any, text: str, size: float = 13, bold: bool = False, italic: bool = False,
          align: Any = None, indent: bool = False, style: str | None = None) -> Any:
    p = container.add_paragraph(style=style) if style else container.add_paragraph()
    if align is not None:
        p.alignment = align
    if indent:
        p.paragraph_format.first_line_indent = Mm(12.7)
    p.paragraph_format.space_after = Pt(4)
    _font(p.add_run(text), size, bold, italic)
    return p


def _heading(doc: Any, text: str, level: int) -> None:
    p = doc.add_heading(level=level)
    _font(p.add_run(text), 13 if level > 1 else 14, bold=True)
    for run in p.runs:
        run.font.color.rgb = None
    p.paragraph_format.space_before = Pt(8)


def _table(doc: Any, table: dict[str, Any]) -> None:
    header, rows = table.get("header", []), table.get("rows", [])
    if table.get("title"):
        _para(doc, table["title"], 12, italic=True)
    t = doc.add_table(rows=1, cols=max(len(header), 1))
    t.style = "Table Grid"  # its font (Times New Roman 12 pt) is set once in review_docx: cells need no run fonts
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    for i, h in enumerate(header):
        par = t.rows[0].cells[i].paragraphs[0]
        par.add_run(str(h)).bold = True
        par.alignment = WD_ALIGN_PARAGRAPH.CENTER
    write = row_writer(t)
    for row in rows:
        cells = row[: len(header)]
        write([cell_text(value) for value in cells], {i for i, value in enumerate(cells) if cell_number(value) is not None})
    doc.add_paragraph()


def _header(doc: Any, review: Review) -> None:
    """Two columns without borders: superior body and issuer with the number; the national motto and the date."""
    cfg = current_app.config
    t = doc.add_table(rows=1, cols=2)
    t.autofit = False
    left, right = t.rows[0].cells
    left.width, right.width = Mm(70), Mm(95)
    left.text = right.text = ""
    lp = left.paragraphs[0]
    lp.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(lp.add_run(str(cfg.get("PORTAL_SUPERIOR_BODY", "")).upper()), 13)
    _para(left, str(cfg.get("PORTAL_ISSUING_BODY", "")).upper(), 13, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    _para(left, "———", 11, align=WD_ALIGN_PARAGRAPH.CENTER)
    _para(left, f"{_('No.')}: {review.number or '      /BC'}", 13, align=WD_ALIGN_PARAGRAPH.CENTER)
    rp = right.paragraphs[0]
    rp.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(rp.add_run("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"), 12, bold=True)
    _para(right, "Độc lập - Tự do - Hạnh phúc", 13, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    _para(right, "—————————", 11, align=WD_ALIGN_PARAGRAPH.CENTER)
    if review.doc_date:
        _para(right, format_doc_date(review.doc_date), 13, italic=True, align=WD_ALIGN_PARAGRAPH.CENTER)


def review_docx(review: Review, subject: str) -> bytes:
    doc = Document()
    for section in doc.sections:
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin, section.bottom_margin = Mm(20), Mm(20)
        section.left_margin, section.right_margin = Mm(30), Mm(15)
    for name, size in (("Normal", 13), ("Table Grid", 12)):
        style = doc.styles[name]
        style.font.name = FONT
        style.font.size = Pt(size)
        fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
        fonts.set(qn("w:eastAsia"), FONT)
    _header(doc, review)
    _para(doc, _("REPORT"), 14, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER).paragraph_format.space_before = Pt(12)
    _para(doc, subject, 14, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)

    _heading(doc, f"{ROMAN[0]}. {_('Results of the movement')}", 1)
    for n, s in enumerate(review.sections, start=1):
        _heading(doc, f"{n}. {s.title}", 2)
        for text in paragraphs(s.narrative):
            _para(doc, text, indent=True, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
        for table in s.data.get("tables", []):
            _table(doc, table)
    _heading(doc, f"{ROMAN[1]}. {_('General assessment')}", 1)
    for n, part in enumerate(("results", "limits", "lessons"), start=1):
        _heading(doc, f"{n}. {PART_LABELS[part]}", 2)
        for text in paragraphs(getattr(review, part)):
            _para(doc, text, indent=True, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
    _heading(doc, f"{ROMAN[2]}. {PART_LABELS['proposals']}", 1)
    for text in paragraphs(review.proposals):
        _para(doc, text, indent=True, align=WD_ALIGN_PARAGRAPH.JUSTIFY)

    sign = doc.add_table(rows=1, cols=2)
    left, right = sign.rows[0].cells
    left.text = right.text = ""
    _font(left.paragraphs[0].add_run(_("Recipients:")), 12, bold=True, italic=True)
    _para(left, "- " + _("As above;"), 11)
    _para(left, "- " + _("Filed: office."), 11)
    rp = right.paragraphs[0]
    rp.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(rp.add_run((review.signer_title or _("Head of the unit")).upper()), 13, bold=True)
    _para(right, _("(Signature, full name)"), 12, italic=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    for _i in range(3):
        right.add_paragraph()
    _para(right, review.signer_name or "", 13, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()
