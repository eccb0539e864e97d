"""Markdown chapters (markdown-it-py, CommonMark): headings give chapter titles, and a file
with several headings of one level is several chapters; emphasis, links and images are
markup, not words; a thematic break (`---`, `* * *`) is a scene break."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Final

from narrator.text.formats.document import SCENE_BREAK, Part, SourceBook, split_chapters
from narrator.text.formats.text import decode, read_bytes

if TYPE_CHECKING:
    from pathlib import Path

    from markdown_it.token import Token

_FRONT_MATTER: Final = re.compile(r"\A---[ \t]*\n(.*?\n)(?:---|\.\.\.)[ \t]*\n", re.DOTALL)
_FIELD: Final = re.compile(r"^([A-Za-z][\w ]*?)\s*:\s*(.*?)\s*$", re.MULTILINE)
_TAG: Final = re.compile(r"<[^>]*>")


def read(path: Path) -> list[Part]:
    return parse(decode(read_bytes(path), path))


def parse(source: str) -> list[Part]:
    """The chapters of a Markdown document."""
    from markdown_it import MarkdownIt

    book, source = _front_matter(source.lstrip("\ufeff"))
    return split_chapters(_blocks(MarkdownIt("commonmark").parse(source)), book)


def _front_matter(source: str) -> tuple[SourceBook, str]:
    """The book's title, author and summary from a leading `---` block of `key: value`."""
    found = _FRONT_MATTER.match(source)
    if found is None:
        return SourceBook(), source
    fields = {key.lower(): value.strip("\"'") for key, value in _FIELD.findall(found.group(1))}
    book = SourceBook(
        title=fields.get("title"),
        author=fields.get("author") or fields.get("authors"),
        summary=fields.get("summary") or fields.get("description"),
    )
    return book, source[found.end() :]


def _blocks(tokens: list[Token]) -> list[tuple[int, str]]:
    """(heading level or 0, text) for every block, SCENE_BREAK for a thematic break."""
    blocks: list[tuple[int, str]] = []
    heading = 0
    for token in tokens:
        if token.type == "heading_open":
            heading = int(token.tag[1])
        elif token.type == "heading_close":
            heading = 0
        elif token.type == "inline":
            text = _inline(token.children or [])
            if text:
                blocks.append((heading, text))
        elif token.type == "hr":
            blocks.append((0, SCENE_BREAK))
        elif token.type in ("fence", "code_block"):
            blocks += [(0, line.strip()) for line in token.content.split("\n\n") if line.strip()]
        elif token.type == "html_block":
            text = " ".join(_TAG.sub(" ", token.content).split())
            if text:
                blocks.append((0, text))
    return blocks


def _inline(children: list[Token]) -> str:
    """The words of a paragraph: emphasis and link markup dropped, images left out."""
    pieces: list[str] = []
    for child in children:
        if child.type in ("text", "code_inline"):
            pieces.append(child.content)
        elif child.type == "softbreak":
            pieces.append(" ")
        elif child.type == "hardbreak":
            pieces.append("\n")
    lines = ("".join(pieces)).split("\n")
    return "\n".join(" ".join(line.split()) for line in lines if line.strip())
