"""EPUB books (2 and 3): chapters in spine order, titled by the table of contents (the
EPUB 3 navigation document, else the NCX); the book's title, author, description and
cover from the package document. Title pages and other front matter before the first
chapter of the table of contents are not read as chapters."""

from __future__ import annotations

import posixpath
import zipfile
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final
from urllib.parse import unquote, urldefrag

from narrator.errors import InputError
from narrator.text.formats import html
from narrator.text.formats.document import (
    DraftChapter,
    Part,
    SourceBook,
    chapters_from_blocks,
    compose,
    lift_notes,
    one_line,
    with_preface,
)
from narrator.text.formats.text import read_bytes

if TYPE_CHECKING:
    from pathlib import Path

    from lxml.etree import _Element
    from lxml.html import HtmlElement

_MAX_MEMBER_BYTES: Final = 64 * 1024 * 1024
"""No single file inside the archive is read past this size (a zip bomb guard)."""
_DOCUMENT_TYPES: Final = frozenset({"application/xhtml+xml", "text/html"})
_IMAGE_TYPES: Final = frozenset({"image/jpeg", "image/png"})


@dataclass(frozen=True, slots=True)
class _Item:
    href: str
    """Its path inside the archive."""
    media_type: str
    properties: frozenset[str]


def read(path: Path) -> list[Part]:
    """The chapters of an EPUB file."""
    read_bytes(path)  # The path's own problems (missing, a folder) are told first.
    try:
        with zipfile.ZipFile(path) as archive:
            return _read(_Archive(path, archive))
    except zipfile.BadZipFile:
        raise InputError(f"{path}: not an EPUB (not a zip archive)", "give a .epub file") from None


class _Archive:
    def __init__(self, path: Path, archive: zipfile.ZipFile) -> None:
        self.path = path
        self.archive = archive

    def bytes(self, name: str) -> bytes:
        try:
            info = self.archive.getinfo(name)
        except KeyError:
            raise InputError(
                f"{self.path}: the EPUB lacks {name}", "is the file complete? export it again"
            ) from None
        if info.file_size > _MAX_MEMBER_BYTES:
            raise InputError(f"{self.path}: {name} is too large to read", "is it really a book?")
        try:
            return self.archive.read(info)
        except (zipfile.BadZipFile, OSError, EOFError) as exc:
            raise InputError(
                f"{self.path}: cannot read {name} ({exc})", "export it again"
            ) from None

    def xml(self, name: str) -> _Element:
        from lxml import etree

        parser = etree.XMLParser(resolve_entities=False, no_network=True, recover=True)
        root = etree.fromstring(self.bytes(name), parser)
        if root is None:
            raise InputError(f"{self.path}: {name} is not XML", "export the EPUB again")
        return root

    def page(self, name: str) -> HtmlElement:
        return html.page(html.decode_html(self.bytes(name), self.path))


def _read(archive: _Archive) -> list[Part]:
    package_name = _package_name(archive)
    package = archive.xml(package_name)
    base = posixpath.dirname(package_name)
    manifest = {
        item.get("id", ""): _Item(
            _join(base, item.get("href", "")),
            item.get("media-type", ""),
            frozenset((item.get("properties") or "").split()),
        )
        for item in _children(package, "manifest", "item")
    }
    book = _book(package)
    cover = _cover(archive, package, manifest)
    titles = _titles(archive, package, manifest)
    spine = [
        manifest[ref.get("idref", "")]
        for ref in _children(package, "spine", "itemref")
        if ref.get("linear", "yes") != "no" and ref.get("idref", "") in manifest
    ]
    documents = [
        item
        for item in spine
        if item.media_type in _DOCUMENT_TYPES and "nav" not in item.properties
    ]
    first_listed = next((n for n, item in enumerate(documents) if item.href in titles), 0)
    chapters: list[DraftChapter] = []
    for number, item in enumerate(documents):
        root = archive.page(item.href)
        if root.get_element_by_id("preface", None) is not None:
            book = _with_notes(book, html.labelled_notes(root))  # AO3's EPUBs have one.
            continue
        if number < first_listed:
            # A title page, a dedication: not a chapter; its labelled notes are the book's.
            front = _chapter(root, None)
            lift_notes(front)
            book = _with_notes(book, front.front + front.end)
            continue
        if root.get_element_by_id("afterword", None) is not None and chapters:
            chapters[-1].end += html.labelled_notes(root)
            continue
        listed = titles.get(item.href, [])
        if len(listed) > 1:
            # One document holding several chapters of the table of contents.
            book, found = chapters_from_blocks(html.blocks(root), book)
            chapters += found
            continue
        chapters.append(_chapter(root, listed[0] if listed else None))
    for chapter in chapters:
        lift_notes(chapter)
    return [compose(book, chapter, cover) for chapter in chapters if chapter.has_story()]


def _package_name(archive: _Archive) -> str:
    container = archive.xml("META-INF/container.xml")
    for element in container.iter():
        if _local(element) == "rootfile" and element.get("full-path"):
            return unquote(element.get("full-path", ""))
    raise InputError(f"{archive.path}: the EPUB names no package document", "export it again")


def _book(package: _Element) -> SourceBook:
    metadata = {
        _local(e): _text(e)
        for e in reversed(list(_children(package, "metadata", "*")))
        if isinstance(e.tag, str)
    }
    creators = [_text(e) for e in _children(package, "metadata", "*") if _local(e) == "creator"]
    description = metadata.get("description")
    if description and "<" in description:
        description = " ".join(text for _, text in html.blocks(html.page(description)))
    return SourceBook(metadata.get("title") or None, ", ".join(c for c in creators if c) or None,
                description or None)  # fmt: skip


def _cover(archive: _Archive, package: _Element, manifest: dict[str, _Item]) -> bytes | None:
    named = next(
        (m.get("content", "") for m in _children(package, "metadata", "meta")
         if m.get("name") == "cover"),
        None,
    )  # fmt: skip
    item = manifest.get(named or "") or next(
        (i for i in manifest.values() if "cover-image" in i.properties), None
    )
    if item is None or item.media_type not in _IMAGE_TYPES:
        return None
    return archive.bytes(item.href)


def _titles(
    archive: _Archive, package: _Element, manifest: dict[str, _Item]
) -> dict[str, list[str]]:
    """Document path -> the titles the table of contents gives to places in it."""
    entries: list[tuple[str, str]] = []
    nav = next((i for i in manifest.values() if "nav" in i.properties), None)
    if nav is not None:
        for toc in archive.xml(nav.href).iter():
            if _local(toc) == "nav" and "toc" in _attribute(toc, "type").split():
                base = posixpath.dirname(nav.href)
                entries = [
                    (_join(base, a.get("href", "")), _text(a))
                    for a in toc.iter()
                    if _local(a) == "a" and a.get("href")
                ]
                break
    spine = next(iter(_children(package, "spine", None)), None)
    ncx = manifest.get(spine.get("toc", "") if spine is not None else "") or next(
        (i for i in manifest.values() if i.media_type == "application/x-dtbncx+xml"), None
    )
    if not entries and ncx is not None:
        base = posixpath.dirname(ncx.href)
        for point in archive.xml(ncx.href).iter():
            if _local(point) != "navPoint":
                continue
            label = next((e for e in point if _local(e) == "navLabel"), None)
            content = next((e for e in point if _local(e) == "content"), None)
            if label is not None and content is not None and content.get("src"):
                entries.append((_join(base, content.get("src", "")), _text(label)))
    titles: dict[str, list[str]] = {}
    for href, title in entries:
        titles.setdefault(href, []).append(title)
    return titles


def _chapter(root: HtmlElement, title: str | None) -> DraftChapter:
    body = root.find("body")
    found = html.blocks(body if body is not None else root)
    heading = next((text for level, text in found if level), None)
    return DraftChapter(title=title or heading, body=[text for _, text in found])


def _with_notes(book: SourceBook, notes: list[tuple[str, str]]) -> SourceBook:
    """The book with a preface's notes: its summary as the book's, the rest as notes."""
    return with_preface(book, DraftChapter(front=list(notes)))


def _children(root: _Element, section: str, name: str | None) -> list[_Element]:
    """Elements named `name` (any, for "*"; the section itself, for None) in `section`."""
    found: list[_Element] = []
    for element in root.iter():
        if _local(element) == section:
            if name is None:
                return [element]
            found += [c for c in element if name == "*" or _local(c) == name]
    return found


def _local(element: _Element) -> str:
    tag = element.tag
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _text(element: _Element) -> str:
    return one_line("".join(str(piece) for piece in element.itertext()))


def _attribute(element: _Element, name: str) -> str:
    """An attribute by its local name, whatever its namespace (`epub:type`)."""
    return next(
        (str(v) for k, v in element.attrib.items() if str(k).rsplit("}", 1)[-1] == name), ""
    )


def _join(base: str, href: str) -> str:
    path = unquote(urldefrag(href)[0])
    return posixpath.normpath(posixpath.join(base, path)) if base else posixpath.normpath(path)
