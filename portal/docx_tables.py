"""Long Word tables written at lxml's speed.

python-docx's ``table.add_row()`` and ``cell.text = …`` walk and rebuild the XML through its element classes:
about 0.15 ms per cell, so a decision of 200 awardees × 6 columns cost 170 ms before any other work. Here one
prototype row is built once by python-docx and every row is a C-level deep copy of it with its texts set.
"""
from __future__ import annotations

import copy
from collections.abc import Callable, Collection, Sequence
from typing import Any

from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

__all__ = ["row_writer"]

_T, _P, _PPR, _JC = qn("w:t"), qn("w:p"), qn("w:pPr"), qn("w:jc")
_SPACE = qn("xml:space")


def _align_right(paragraph: Any) -> None:
    ppr = paragraph.find(_PPR)
    if ppr is None:
        ppr = OxmlElement("w:pPr")
        paragraph.insert(0, ppr)
    jc = ppr.find(_JC)
    if jc is None:
        jc = OxmlElement("w:jc")
        ppr.append(jc)
    jc.set(qn("w:val"), "right")


def row_writer(table: Any, *, bold: bool = False, span: bool = False,
               right: Collection[int] = ()) -> Callable[[Sequence[str], Collection[int]], None]:
    """A function appending one row of texts to ``table`` (a python-docx Table) per call.

    ``span`` merges the row's cells into one (a group heading: pass one text); ``bold`` sets its runs bold;
    ``right`` (here or per call) right-aligns those columns (numbers). A text with a line break or a tab goes
    through python-docx, which writes them as Word breaks and tabs.
    """
    from docx.table import _Cell

    proto_row = table.add_row()
    if span:
        proto_row.cells[0].merge(proto_row.cells[-1])
    for index, cell in enumerate(proto_row.cells if not span else proto_row.cells[:1]):
        paragraph = cell.paragraphs[0]
        run = paragraph.add_run()
        run._r.add_t("")  # the text element each copy fills
        run.bold = bold or None
        if index in right:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    proto = proto_row._tr
    tbl = proto.getparent()
    tbl.remove(proto)
    for t in proto.iter(_T):
        t.set(_SPACE, "preserve")  # keep leading and trailing spaces, as python-docx does when it needs to

    def write(texts: Sequence[str], right_now: Collection[int] = ()) -> None:
        tr = copy.deepcopy(proto)
        cells = tr.findall(qn("w:tc"))
        for index, (tc, text) in enumerate(zip(cells, texts)):
            text = str(text)
            if "\n" in text or "\t" in text:
                _Cell(tc, table).paragraphs[0].runs[0].text = text  # the run keeps its bold
            else:
                tc.find(_P).find(qn("w:r")).find(_T).text = text
            if index in right_now:
                _align_right(tc.find(_P))
        tbl.append(tr)

    return write
