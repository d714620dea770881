"""The bulletin as plain blocks that every writer (DOCX, PDF) renders the same way."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Note:
    """A footnote: where the numbers of the sentence it follows come from."""

    text: str


@dataclass(frozen=True)
class Paragraph:
    """Running text; a ``Note`` among the parts becomes a footnote marker at that place."""

    parts: tuple[str | Note, ...]
    style: str = "body"  # body | lead | masthead | meta

    @property
    def text(self) -> str:
        return "".join(p for p in self.parts if isinstance(p, str))


@dataclass(frozen=True)
class Heading:
    text: str
    level: int  # 0 title, 1 一、, 2 （一）


@dataclass(frozen=True)
class Figure:
    png: bytes
    caption: str
    width_cm: float = 13.0


@dataclass(frozen=True)
class Table:
    caption: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass
class Document:
    blocks: list = field(default_factory=list)

    def add(self, block) -> None:
        self.blocks.append(block)
