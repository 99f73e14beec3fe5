"""The fast Word table rows (portal.docx_tables): what Word reads back is what python-docx itself would write."""
from __future__ import annotations

import io

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH

from portal.toolkit import docx_row_writer


def _reread(doc):
    buf = io.BytesIO()
    doc.save(buf)
    return Document(io.BytesIO(buf.getvalue())).tables[0]


def test_rows_keep_texts_alignment_spans_and_bold():
    doc = Document()
    table = doc.add_table(rows=1, cols=3)
    heading, row = docx_row_writer(table, bold=True, span=True), docx_row_writer(table, right={2})
    heading(["I. Tập thể"])
    row(["1", " Hộ bà Lò Thị Mai ", "500.000"])
    row(["2", "Bản Hon\nThôn 3", "1.000.000"], {1})
    table = _reread(doc)
    assert len(table.rows) == 4
    group = table.rows[1]
    assert len(group._tr.tc_lst) == 1 and group.cells[0].text == "I. Tập thể"  # one cell across the row
    assert all(run.bold for run in group.cells[0].paragraphs[0].runs)
    first, second = table.rows[2].cells, table.rows[3].cells
    assert [c.text for c in first] == ["1", " Hộ bà Lò Thị Mai ", "500.000"]  # spaces kept
    assert not any(run.bold for c in first for run in c.paragraphs[0].runs)
    assert first[2].paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.RIGHT
    assert first[1].paragraphs[0].alignment is None
    assert second[1].text == "Bản Hon\nThôn 3"  # a Word line break, not a raw newline in the text
    assert "<w:br/>" in second[1]._tc.xml
    assert second[1].paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.RIGHT  # aligned for this call only
    assert second[2].paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.RIGHT


def test_right_alignment_per_call_and_rows_appended_in_order():
    doc = Document()
    table = doc.add_table(rows=1, cols=2)
    write = docx_row_writer(table)
    for n in range(50):
        write([f"Dòng {n}", str(n)], {1} if n % 2 else ())
    table = _reread(doc)
    assert [r.cells[0].text for r in table.rows[1:]] == [f"Dòng {n}" for n in range(50)]
    aligned = [r.cells[1].paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.RIGHT for r in table.rows[1:]]
    assert aligned == [bool(n % 2) for n in range(50)]
