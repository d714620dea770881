"""Document → PDF with Typst (the ``typst`` PyPI binding), fonts embedded.

The blocks go to Typst as JSON and a fixed template lays them out: the text is never parsed
as Typst markup, so no county name or lot title can break the document. Fonts are the Noto
Serif/Sans SC files the project installs from PyPI (``pylopdf-fonts-zh-cn``), so the PDF
looks the same on every machine.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from smartcounty.bulletin.model import Document, Figure, Heading, Note, Paragraph, Table
from smartcounty.render.wordcloud_render import font_path

TEMPLATE = r"""
#let data = json("bulletin.json")
#set document(title: data.title)
#set page(paper: "a4", margin: (x: 2.5cm, y: 2.4cm), numbering: "1")
#set text(font: ("Noto Serif SC",), size: 11pt, lang: "zh", region: "cn")
#set par(justify: true, leading: 0.85em, spacing: 0.9em)
#show heading: set text(font: "Noto Sans SC", weight: "bold")
#show heading.where(level: 1): set text(size: 14pt)
#show heading.where(level: 2): set text(size: 12pt)
#set footnote.entry(separator: line(length: 30%, stroke: 0.5pt))
#show footnote.entry: set text(size: 8pt)
#for b in data.blocks {
  if b.kind == "heading" {
    if b.level == 0 {
      v(0.6em)
      align(center, text(font: "Noto Serif SC", size: 19pt, weight: "bold", b.text))
      v(0.6em)
    } else {
      heading(level: b.level, outlined: true, b.text)
    }
  } else if b.kind == "paragraph" {
    let body = for part in b.parts {
      if type(part) == str { part } else { footnote(part.note) }
    }
    if b.style == "masthead" {
      align(center, text(size: 26pt, weight: "bold", fill: rgb("#c00000"), body))
    } else if b.style == "meta" {
      align(center, text(size: 10.5pt, body))
    } else {
      par(first-line-indent: (amount: 2em, all: true), body)
    }
  } else if b.kind == "figure" {
    figure(image(b.path, width: b.width_cm * 1cm), caption: none, numbering: none)
    align(center, text(size: 10pt, b.caption))
  } else if b.kind == "table" {
    align(center, text(size: 10pt, weight: "bold", b.caption))
    set text(size: 8.5pt)
    align(center, table(
      columns: b.header.len(),
      inset: 3.5pt,
      align: center + horizon,
      table.header(..b.header.map(h => text(weight: "bold", h))),
      ..b.rows.flatten(),
    ))
  }
}
"""


def _blocks(doc: Document, folder: Path) -> list[dict]:
    out = []
    for i, block in enumerate(doc.blocks):
        if isinstance(block, Heading):
            out.append({"kind": "heading", "level": block.level, "text": block.text})
        elif isinstance(block, Paragraph):
            parts = [{"note": p.text} if isinstance(p, Note) else p for p in block.parts]
            out.append({"kind": "paragraph", "style": block.style, "parts": parts})
        elif isinstance(block, Figure):
            name = f"figure_{i}.png"
            (folder / name).write_bytes(block.png)
            out.append({"kind": "figure", "path": name, "caption": block.caption, "width_cm": block.width_cm})
        elif isinstance(block, Table):
            out.append({"kind": "table", "caption": block.caption, "header": list(block.header),
                        "rows": [list(r) for r in block.rows]})
    return out


def title_of(doc: Document) -> str:
    return next((b.text for b in doc.blocks if isinstance(b, Heading) and b.level == 0), "bulletin")


def render(doc: Document) -> bytes:
    import typst

    with tempfile.TemporaryDirectory(prefix="bulletin-typst-") as tmp:
        folder = Path(tmp)
        payload = {"title": title_of(doc), "blocks": _blocks(doc, folder)}
        (folder / "bulletin.json").write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")
        (folder / "main.typ").write_text(TEMPLATE, encoding="utf-8")
        # System fonts are ignored so the output does not depend on the machine.
        return typst.compile(str(folder / "main.typ"), root=str(folder), font_paths=[str(font_path().parent)],
                             ignore_system_fonts=True, format="pdf")


def write(doc: Document, path: Path) -> None:
    Path(path).write_bytes(render(doc))
