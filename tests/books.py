"""Source files as fan-fiction sites and e-book tools make them, written by the tests."""

from __future__ import annotations

import html
import io
import zipfile
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path


@dataclass(frozen=True)
class Story:
    title: str
    author: str
    summary: str
    chapters: tuple[tuple[str, tuple[str, ...]], ...]
    """(chapter title, paragraphs)."""


DINER = Story(
    title="Road Trip",
    author="Anonymous Fan",
    summary="Alex and Izzie drive to Iowa.",
    chapters=(
        (
            "The Diner",
            (
                "Izzie pours two mugs of coffee at the counter.",
                "\u201cYou should drink something,\u201d Izzie says.",
                "\u201cI\u2019m fine,\u201d Alex says. He stares at the rain.",
            ),
        ),
        (
            "The Motel",
            (
                "The motel sign buzzes in the dark.",
                "\u201cOne room or two?\u201d Alex asks.",
                "\u201cTwo,\u201d Izzie says, and takes her key.",
            ),
        ),
    ),
)


def _paragraphs(paragraphs: tuple[str, ...]) -> str:
    return "\n".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)


def ao3_html(story: Story, path: Path) -> Path:
    """An AO3 download ("Download: HTML") as the archive's templates lay it out."""
    chapters = []
    for number, (title, paragraphs) in enumerate(story.chapters, 1):
        chapters.append(
            f"""<div class="meta group">
  <h2 class="heading">Chapter {number}: {html.escape(title)}</h2>
  <p>Chapter Notes</p>
  <blockquote class="userstuff"><p>Thanks to my beta for chapter {number}.</p></blockquote>
</div>
<!--chapter content-->
<div class="userstuff">
{_paragraphs(paragraphs)}
</div>
<!--/chapter content-->
<div class="meta" id="endnotes{number}">
  <p>Chapter End Notes</p>
  <blockquote class="userstuff"><p>Comments are love!</p></blockquote>
</div>"""
        )
    page = f"""<!DOCTYPE html>
<html>
<head>
<meta charset="UTF-8">
<title>{html.escape(story.title)} - {html.escape(story.author)} - Grey's Anatomy [Archive of Our Own]</title>
<style type="text/css">body {{ font-family: serif; }}</style>
</head>
<body>
<div id="preface">
  <h2 class="toc-heading">Preface</h2>
  <p class="message"><b>{html.escape(story.title)}</b><br/>Posted originally on the
  <a href="http://archiveofourown.org/">Archive of Our Own</a>.</p>
  <div class="meta">
    <dl class="tags">
      <dt>Rating:</dt><dd><a href="#">Teen And Up Audiences</a></dd>
      <dt>Fandom:</dt><dd><a href="#">Grey's Anatomy</a></dd>
      <dt>Stats:</dt><dd>Published: 2020-01-01 Words: 120 Chapters: 2/2</dd>
    </dl>
    <h1>{html.escape(story.title)}</h1>
    <div class="byline">by <a rel="author" href="#">{html.escape(story.author)}</a></div>
    <p>Summary</p>
    <blockquote class="userstuff"><p>{html.escape(story.summary)}</p></blockquote>
    <p>Notes</p>
    <blockquote class="userstuff"><p>Disclaimer: not mine.</p></blockquote>
  </div>
</div>
<div id="chapters" class="userstuff">
{"".join(chapters)}
</div>
<div id="afterword">
  <h2 class="toc-heading">Afterword</h2>
  <p class="message">Please <a href="#">drop by the archive and comment</a>.</p>
</div>
</body>
</html>
"""
    path.write_text(page, encoding="utf-8")
    return path


def _xhtml(title: str, body: str) -> str:
    return f"""<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE html>
<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops">
<head><title>{html.escape(title)}</title></head>
<body>
{body}
</body>
</html>
"""


def cover_jpeg(size: int = 600) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (size, size), (200, 40, 40)).save(out, format="JPEG")
    return out.getvalue()


def epub(story: Story, path: Path, *, cover: bytes | None = None) -> Path:
    """An EPUB 3 with a title page, a navigation document, a chapter per file and a cover."""
    chapters = {
        f"Text/chapter{n}.xhtml": _xhtml(
            title, f"<h1>{html.escape(title)}</h1>\n{_paragraphs(paragraphs)}"
        )
        for n, (title, paragraphs) in enumerate(story.chapters, 1)
    }
    titlepage = _xhtml(
        story.title,
        f'<div class="title"><h1>{html.escape(story.title)}</h1>'
        f"<p>by {html.escape(story.author)}</p></div>",
    )
    nav_items = "\n".join(
        f'<li><a href="Text/chapter{n}.xhtml">{html.escape(title)}</a></li>'
        for n, (title, _) in enumerate(story.chapters, 1)
    )
    nav = _xhtml("Contents", f'<nav epub:type="toc" id="toc"><ol>{nav_items}</ol></nav>')
    manifest = "\n".join(
        f'<item id="c{n}" href="Text/chapter{n}.xhtml" media-type="application/xhtml+xml"/>'
        for n in range(1, len(chapters) + 1)
    )
    spine = "\n".join(f'<itemref idref="c{n}"/>' for n in range(1, len(chapters) + 1))
    cover_item = (
        '<item id="cover-image" href="Images/cover.jpg" media-type="image/jpeg" '
        'properties="cover-image"/>'
        if cover
        else ""
    )
    opf = f"""<?xml version="1.0" encoding="utf-8"?>
<package xmlns="http://www.idpf.org/2007/opf" version="3.0" unique-identifier="id">
  <metadata xmlns:dc="http://purl.org/dc/elements/1.1/">
    <dc:identifier id="id">urn:uuid:12345678-1234-5678-1234-567812345678</dc:identifier>
    <dc:title>{html.escape(story.title)}</dc:title>
    <dc:creator>{html.escape(story.author)}</dc:creator>
    <dc:language>en</dc:language>
    <dc:description>&lt;p&gt;{html.escape(story.summary)}&lt;/p&gt;</dc:description>
    <meta property="dcterms:modified">2020-01-01T00:00:00Z</meta>
  </metadata>
  <manifest>
    <item id="nav" href="nav.xhtml" media-type="application/xhtml+xml" properties="nav"/>
    <item id="title" href="Text/title.xhtml" media-type="application/xhtml+xml"/>
    {manifest}
    {cover_item}
  </manifest>
  <spine>
    <itemref idref="title"/>
    <itemref idref="nav" linear="no"/>
    {spine}
  </spine>
</package>
"""
    container = """<?xml version="1.0" encoding="UTF-8"?>
<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">
  <rootfiles>
    <rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/>
  </rootfiles>
</container>
"""
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/epub+zip", compress_type=zipfile.ZIP_STORED)
        archive.writestr("META-INF/container.xml", container, compress_type=zipfile.ZIP_DEFLATED)
        archive.writestr("OEBPS/content.opf", opf, compress_type=zipfile.ZIP_DEFLATED)
        archive.writestr("OEBPS/nav.xhtml", nav, compress_type=zipfile.ZIP_DEFLATED)
        archive.writestr("OEBPS/Text/title.xhtml", titlepage, compress_type=zipfile.ZIP_DEFLATED)
        for name, text in chapters.items():
            archive.writestr(f"OEBPS/{name}", text, compress_type=zipfile.ZIP_DEFLATED)
        if cover:
            archive.writestr("OEBPS/Images/cover.jpg", cover, compress_type=zipfile.ZIP_STORED)
    return path
