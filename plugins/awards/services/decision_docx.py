"""The decision as a .docx for Word (the Nghị định 30/2020 layout)."""
from __future__ import annotations

import io
from typing import Any


from portal.toolkit import _, docx_row_writer, format_doc_date, format_money, get_plugin_config, pgettext

from ..models import Decision
from .decisions import article1_intro, grouped_lines, text_lines, totals


# --- the .docx for Word -----------------------------------------------------------------------------------------

def decision_docx(decision: Decision) -> bytes:
    """The decision as a Word document: the official two-column header table, numbered article headings, the list
    table of Điều 1 grouped by kind, Điều 2–3, Nơi nhận and the signature."""
    from docx import Document
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt

    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin = section.bottom_margin = Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    for style_name in ("Normal", "Heading 1", "Heading 2", "Title"):
        style = doc.styles[style_name]
        style.font.name = "Times New Roman"
        style.font.size = Pt(14 if style_name == "Normal" else 13)
        style.element.rPr.rFonts.set(qn("w:eastAsia"), "Times New Roman")
        if style_name != "Normal":
            style.font.color.rgb = None
            style.font.bold = True

    def para(text: str = "", bold: bool = False, italic: bool = False, center: bool = False, size: int | None = None,
             container: Any = None) -> Any:
        p = (container or doc).add_paragraph()
        run = p.add_run(text)
        run.bold, run.italic = bold, italic
        if size:
            run.font.size = Pt(size)
        if center:
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        p.paragraph_format.space_after = Pt(2)
        return p

    issuer = get_plugin_config("AWARDS_DECISION_ISSUER")
    header = doc.add_table(rows=1, cols=2)
    header.alignment = WD_TABLE_ALIGNMENT.CENTER
    left, right = header.rows[0].cells
    left.width, right.width = Mm(65), Mm(100)
    left.paragraphs[0].text = ""
    for n, line in enumerate(text_lines(issuer.replace("|", "\n"))):
        target = left.paragraphs[0] if n == 0 else left.add_paragraph()
        run = target.add_run(line.upper())
        run.bold, run.font.size = True, Pt(13)
        target.alignment = WD_ALIGN_PARAGRAPH.CENTER
    para("———", center=True, container=left, size=10)
    para(f"{_('No.')}: {decision.number or '…/' + get_plugin_config('AWARDS_DECISION_SUFFIX')}", center=True, container=left,
         size=13)
    right.paragraphs[0].text = ""
    run = right.paragraphs[0].add_run("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    run.bold, run.font.size = True, Pt(12)
    right.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    para("Độc lập - Tự do - Hạnh phúc", bold=True, center=True, container=right, size=13)
    para("———————", center=True, container=right, size=10)
    para(format_doc_date(decision.decision_date), italic=True, center=True, container=right, size=13)

    title = doc.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.paragraph_format.space_before = Pt(12)
    r = title.add_run(_("DECISION"))
    r.bold, r.font.size = True, Pt(14)
    para(decision.subject, bold=True, center=True)
    para(get_plugin_config("AWARDS_DECISION_AUTHORITY").upper(), bold=True, center=True)
    for line in text_lines(decision.basis):
        para(line, italic=True)
    if decision.proposal:
        para(decision.proposal, italic=True)
    para(_("DECIDES:"), bold=True, center=True)

    doc.add_heading(_("Article 1."), level=2)
    para(article1_intro(decision))
    table = doc.add_table(rows=1, cols=6)
    table.style = "Table Grid"
    heads = [pgettext("table column", "No."), _("Name of the awardee"), _("Position or address"), _("Unit"),
             _("Award form"), _("Bonus (đồng)")]
    for cell, text in zip(table.rows[0].cells, heads, strict=True):
        cell.text = ""
        cell.paragraphs[0].add_run(str(text)).bold = True
    heading, awardee = docx_row_writer(table, bold=True, span=True), docx_row_writer(table, right={5})
    n = 0
    for group, lines in grouped_lines(decision):
        heading([group])
        for line in lines:
            n += 1
            awardee([str(n), line.nominee, line.position_text, line.unit_name, line.award_name,
                     format_money(line.bonus) if line.bonus else "—"])
    t = totals(decision)
    if t["bonus"]:
        para(_("Total bonus: %(amount)s.", amount=format_money(t["bonus"])))
    doc.add_heading(_("Article 2."), level=2)
    para(decision.article2)
    doc.add_heading(_("Article 3."), level=2)
    para(decision.article3)

    foot = doc.add_table(rows=1, cols=2)
    recv, sign = foot.rows[0].cells
    recv.paragraphs[0].text = ""
    run = recv.paragraphs[0].add_run(_("Recipients:"))
    run.bold, run.italic, run.font.size = True, True, Pt(12)
    for line in text_lines(decision.recipients):
        para(line, container=recv, size=11)
    sign.paragraphs[0].text = ""
    run = sign.paragraphs[0].add_run(decision.signer_title.upper())
    run.bold = True
    sign.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    for _i in range(3):
        para("", container=sign)
    para(decision.signer_name, bold=True, center=True, container=sign)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()
