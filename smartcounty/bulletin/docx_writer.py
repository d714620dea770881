"""Document → DOCX with python-docx (opens in Word and WPS).

python-docx has no footnote API, so a source note is a superscript number in the text and
the notes are listed at the end (注释). East-Asian font names are set through ``w:eastAsia``:
Word only applies ``w:ascii`` to Latin text, and CJK would otherwise fall back to whatever
the viewer picks.
"""

from __future__ import annotations

import io
from pathlib import Path

from docx import Document as new_docx
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from smartcounty.bulletin.model import Document, Figure, Heading, Note, Paragraph, Table

# The faces of an official bulletin; Word and WPS substitute Noto/other CJK faces when absent.
BODY_FONT = ("Times New Roman", "仿宋")
HEADING_FONT = ("Arial", "黑体")
TITLE_FONT = ("Times New Roman", "宋体")


def _set_font(target, latin: str, east_asian: str, size: float | None = None, bold: bool | None = None) -> None:
    """``target``: a run or a style (both have ``.font`` and an rPr element)."""
    target.font.name = latin
    if size is not None:
        target.font.size = Pt(size)
    if bold is not None:
        target.font.bold = bold
    element = target.element if hasattr(target, "element") else target._element
    rpr = element.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(rfonts)
    rfonts.set(qn("w:eastAsia"), east_asian)


def _styles(docx) -> None:
    _set_font(docx.styles["Normal"], *BODY_FONT, size=12)
    docx.styles["Normal"].paragraph_format.line_spacing = 1.4
    for name, size in (("Title", 20), ("Heading 1", 15), ("Heading 2", 13)):
        style = docx.styles[name]
        _set_font(style, *(TITLE_FONT if name == "Title" else HEADING_FONT), size=size, bold=name != "Title")
        style.font.color.rgb = None


def render(doc: Document) -> bytes:
    docx = new_docx()
    _styles(docx)
    section = docx.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    notes: list[str] = []
    for block in doc.blocks:
        if isinstance(block, Heading):
            para = docx.add_heading(block.text, level=block.level)
            if block.level == 0:
                para.alignment = WD_ALIGN_PARAGRAPH.CENTER
        elif isinstance(block, Paragraph):
            _paragraph(docx, block, notes)
        elif isinstance(block, Figure):
            docx.add_picture(io.BytesIO(block.png), width=Cm(block.width_cm))
            docx.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
            caption = docx.add_paragraph(block.caption)
            caption.alignment = WD_ALIGN_PARAGRAPH.CENTER
        elif isinstance(block, Table):
            _table(docx, block)
    if notes:
        docx.add_heading("注释", level=1)
        for i, note in enumerate(notes, start=1):
            para = docx.add_paragraph()
            para.add_run(str(i)).font.superscript = True
            para.add_run(f" {note}").font.size = Pt(9)
    out = io.BytesIO()
    docx.save(out)
    return out.getvalue()


def _paragraph(docx, block: Paragraph, notes: list[str]) -> None:
    para = docx.add_paragraph()
    if block.style in ("masthead", "meta"):
        para.alignment = WD_ALIGN_PARAGRAPH.CENTER
    else:
        para.paragraph_format.first_line_indent = Pt(24)
    for part in block.parts:
        if isinstance(part, Note):
            notes.append(part.text)
            para.add_run(str(len(notes))).font.superscript = True
            continue
        run = para.add_run(part)
        if block.style == "masthead":
            _set_font(run, *TITLE_FONT, size=26, bold=True)
        elif block.style == "lead":
            _set_font(run, *("Times New Roman", "楷体"))


def _table(docx, block: Table) -> None:
    caption = docx.add_paragraph(block.caption)
    caption.alignment = WD_ALIGN_PARAGRAPH.CENTER
    table = docx.add_table(rows=1, cols=len(block.header))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, label in zip(table.rows[0].cells, block.header):
        cell.text = label
        cell.paragraphs[0].runs[0].font.bold = True
    for row in block.rows:
        for cell, value in zip(table.add_row().cells, row):
            cell.text = value
            cell.paragraphs[0].runs[0].font.size = Pt(9)


def write(doc: Document, path: Path) -> None:
    Path(path).write_bytes(render(doc))
