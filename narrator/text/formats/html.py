"""HTML chapters (lxml): AO3 downloads (preface, chapters with their notes, afterword), a
saved FanFiction.Net chapter page, and any other page, split at its headings as Markdown is.
Markup is dropped; paragraphs, line breaks and scene breaks (`<hr>`) are kept."""

from __future__ import annotations

import codecs
import re
from typing import TYPE_CHECKING, Final

from narrator.text.formats.document import (
    SCENE_BREAK,
    Block,
    DraftChapter,
    Part,
    SourceBook,
    compose,
    lift_notes,
    note_label,
    one_line,
    split_chapters,
)
from narrator.text.formats.text import decode, read_bytes

if TYPE_CHECKING:
    from pathlib import Path

    from lxml.html import HtmlElement

_CHARSET: Final = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([\w.:\-]+)""", re.IGNORECASE)
_XML_DECLARATION: Final = re.compile(r"\A\s*<\?xml[^>]*\?>")
_BLOCK_TAGS: Final = frozenset(
    "p div blockquote li ul ol dl dt dd h1 h2 h3 h4 h5 h6 pre section article main header "
    "footer aside center table tbody thead tr td th figure figcaption body html hr address "
    "details summary".split()
)
_SKIPPED_TAGS: Final = frozenset("head script style noscript template nav form select".split())
_HEADING: Final = {f"h{n}": n for n in range(1, 7)}
_FFN_OPTION: Final = re.compile(r"^\s*(\d+)\.\s*(.*)$")


def read(path: Path) -> list[Part]:
    return parse(decode_html(read_bytes(path), path))


def decode_html(raw: bytes, path: Path) -> str:
    """The page's text: in the charset its `<meta>` names, else as a text file is read."""
    found = _CHARSET.search(raw[:4096])
    if found is not None:
        try:
            codec = codecs.lookup(found.group(1).decode("ascii")).name
        except (LookupError, UnicodeDecodeError):
            codec = None
        if codec is not None and not codec.startswith("utf-16"):
            try:
                return raw.decode(codec).replace("\r\n", "\n").replace("\r", "\n")
            except UnicodeDecodeError:
                pass  # A page that lies about its charset: tell it from the bytes instead.
    return decode(raw, path)


def parse(source: str) -> list[Part]:
    """The chapters of an HTML page."""
    root = page(source)
    if root.get_element_by_id("chapters", None) is not None:
        return _ao3(root)
    if root.get_element_by_id("storytext", None) is not None:
        return _fanfiction_net(root)
    body = root.find("body")
    return split_chapters(blocks(body if body is not None else root), SourceBook())


def page(source: str) -> HtmlElement:
    """An HTML (or XHTML) document parsed leniently, as browsers do."""
    import lxml.html
    from lxml.etree import ParserError

    source = _XML_DECLARATION.sub("", source.lstrip("\ufeff"), count=1)
    try:
        return lxml.html.document_fromstring(source or "<html></html>")
    except ParserError:
        return lxml.html.document_fromstring("<html></html>")


def blocks(element: HtmlElement) -> list[Block]:
    """(heading level or 0, text) for every paragraph-like block under `element`."""
    found: list[Block] = []
    _walk(element, found)
    return found


def _walk(element: HtmlElement, found: list[Block]) -> None:
    tag = element.tag if isinstance(element.tag, str) else ""
    if tag in _SKIPPED_TAGS or element.get("hidden") is not None:
        return
    if tag == "hr":
        found.append((0, SCENE_BREAK))
        return
    if not any(_is_block(child) for child in element):
        text = inline_text(element)
        if text:
            found.append((_HEADING.get(tag, 0), text))
        return
    # Mixed content: runs of inline content between blocks are paragraphs of their own.
    pieces: list[str] = [element.text or ""]
    for child in element:
        if _is_block(child):
            _flush(pieces, found)
            _walk(child, found)
            pieces = [child.tail or ""]
        else:
            pieces.append(inline_text(child, keep_lines=True))
            pieces.append(child.tail or "")
    _flush(pieces, found)


def _is_block(element: HtmlElement) -> bool:
    return isinstance(element.tag, str) and (
        element.tag in _BLOCK_TAGS or element.tag in _SKIPPED_TAGS
    )


def _flush(pieces: list[str], found: list[Block]) -> None:
    text = _tidy("".join(pieces))
    if text:
        found.append((0, text))


def inline_text(element: HtmlElement, *, keep_lines: bool = False) -> str:
    """The words of an element: markup dropped, `<br>` as a line break, no images."""
    pieces: list[str] = []

    def visit(node: HtmlElement) -> None:
        tag = node.tag if isinstance(node.tag, str) else ""
        if tag in _SKIPPED_TAGS:
            pass
        elif tag == "br":
            pieces.append("\n")
        elif tag:
            pieces.append(node.text or "")
            for child in node:
                visit(child)
        if node is not element:
            pieces.append(node.tail or "")

    visit(element)
    text = "".join(pieces)
    return text if keep_lines else _tidy(text)


def _tidy(text: str) -> str:
    lines = (" ".join(line.split()) for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


def _ao3(root: HtmlElement) -> list[Part]:
    """An AO3 download: `#preface` (title, byline, summary, notes), `#chapters`, and
    `#afterword` (the work's end notes)."""
    preface = root.get_element_by_id("preface", None)
    book = SourceBook()
    if preface is not None:
        title = preface.find(".//h1")
        authors = [one_line(a.text_content()) for a in preface.iterfind(".//a[@rel='author']")]
        notes = labelled_notes(preface)
        summary = next((text for label, text in notes if label == "Summary"), None)
        book = SourceBook(
            title=one_line(title.text_content()) if title is not None else None,
            author=", ".join(authors) or None,
            summary=summary,
            notes=tuple((label, text) for label, text in notes if label != "Summary"),
        )
    chapters: list[DraftChapter] = []
    current: DraftChapter | None = None
    for child in root.get_element_by_id("chapters"):
        classes = set((child.get("class") or "").split())
        if "meta" in classes and child.find(".//h2") is not None:
            heading = child.find(".//h2")
            current = DraftChapter(
                title=one_line(heading.text_content()) if heading is not None else None
            )
            current.front += labelled_notes(child)
            chapters.append(current)
        elif "meta" in classes and current is not None:
            current.end += labelled_notes(child)
        elif "userstuff" in classes:
            if current is None:
                current = DraftChapter(title=book.title)
                chapters.append(current)
            current.body += [text for _, text in blocks(child)]
    afterword = root.get_element_by_id("afterword", None)
    if afterword is not None and chapters:
        chapters[-1].end += [(label, text) for label, text in labelled_notes(afterword)]
    for chapter in chapters:
        lift_notes(chapter)
    return [compose(book, chapter) for chapter in chapters if chapter.has_story()]


def labelled_notes(element: HtmlElement) -> list[tuple[str, str]]:
    """AO3's notes: a `<p>` label ("Summary", "Chapter Notes") and the blockquote after it."""
    notes: list[tuple[str, str]] = []
    label: str | None = None
    for node in element.iter():
        if not isinstance(node.tag, str):
            continue
        if (
            node.tag == "p"
            and node.getparent() is not None
            and node.getparent().tag != "blockquote"
        ):
            label = note_label(node.text_content())
        elif node.tag == "blockquote" and label is not None:
            text = " ".join(text for _, text in blocks(node))
            if text:
                notes.append((label, text))
            label = None
    return notes


def _fanfiction_net(root: HtmlElement) -> list[Part]:
    """A saved FanFiction.Net chapter: the story's title, author and summary from
    `#profile_top`, the chapter's title from the chapter menu, the text from `#storytext`."""
    profile = root.get_element_by_id("profile_top", None)
    book = SourceBook()
    if profile is not None:
        title = profile.find(".//b")
        author = next((a for a in profile.iterfind(".//a") if "/u/" in (a.get("href") or "")), None)
        summary = next(
            (d for d in profile.iterfind("div") if "xcontrast_txt" in (d.get("class") or "")), None
        )
        book = SourceBook(
            title=one_line(title.text_content()) if title is not None else None,
            author=one_line(author.text_content()) if author is not None else None,
            summary=one_line(summary.text_content()) if summary is not None else None,
        )
    chapter = DraftChapter(title=_ffn_chapter_title(root))
    chapter.body = [text for _, text in blocks(root.get_element_by_id("storytext"))]
    lift_notes(chapter)
    return [compose(book, chapter)] if chapter.has_story() else []


def _ffn_chapter_title(root: HtmlElement) -> str | None:
    menu = root.get_element_by_id("chap_select", None)
    if menu is None:
        return None
    chosen = next(iter(menu.xpath(".//option[@selected]")), None)
    if chosen is None:
        return None
    found = _FFN_OPTION.match(one_line(chosen.text_content()))
    if found is None:
        return one_line(chosen.text_content()) or None
    number, name = found.groups()
    return f"Chapter {number}: {name}" if name else f"Chapter {number}"


__all__ = ["blocks", "decode_html", "inline_text", "labelled_notes", "page", "parse", "read"]
