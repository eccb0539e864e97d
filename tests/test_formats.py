"""Chapter sources beyond plain text: Markdown, HTML (AO3, FanFiction.Net, any page), EPUB."""

from __future__ import annotations

import io
import subprocess
import zipfile
from pathlib import Path

import feedparser
import pytest
from click.testing import CliRunner
from PIL import Image

from narrator.cli import main
from narrator.errors import InputError
from narrator.text.formats import html, markdown, read_parts
from narrator.text.ingest import ingest, ingest_all

from .books import DINER, ao3_html, cover_jpeg, epub
from .conftest import requires_tool


def _story(path: Path, number: int | None = None) -> list[str]:
    """The story paragraphs of a chapter as ingest reads them (notes left out)."""
    chapter = ingest(path if number is None else f"{path}#{number}")
    return [" ".join(chapter.text[p.start : p.end].split()) for p in chapter.paragraphs]


def test_markdown_headings_make_chapters_and_markup_is_not_read(tmp_path: Path) -> None:
    source = tmp_path / "story.md"
    source.write_text(
        "---\ntitle: Road Trip\nauthor: Anonymous Fan\nsummary: They drive.\n---\n\n"
        "# Road Trip\n\n## The Diner\n\n\u201cYou *should* drink something,\u201d Izzie says.\n"
        "She points at the [menu](http://example.com) ![a mug](mug.png).\n\n"
        "***\n\nLater, the rain stops.\n\n## The Motel\n\nThe sign buzzes.\n",
        encoding="utf-8",
    )
    first, second = ingest_all(source)
    assert (first.title, second.title) == ("The Diner", "The Motel")
    assert (first.name, second.name) == ("story-01", "story-02")
    assert _story(source, 1) == [
        "The Diner",
        "\u201cYou should drink something,\u201d Izzie says. She points at the menu .",
        "Later, the rain stops.",
    ]
    assert [p.scene for p in first.paragraphs] == [0, 0, 1]
    assert first.summary == "They drive."
    assert {n.label: n.text for n in first.notes}["author"] == "Anonymous Fan"


def test_markdown_with_one_heading_is_one_chapter_titled_by_it() -> None:
    (part,) = markdown.parse("# The Diner\n\nA/N: thanks!\n\nShe waits.\n")
    assert part.title == "The Diner"
    assert part.text == "Author's Note: thanks!\n\nThe Diner\n\nShe waits.\n"


def test_ao3_download_gives_chapters_titles_and_notes_apart(tmp_path: Path) -> None:
    source = ao3_html(DINER, tmp_path / "road-trip.html")
    chapters = ingest_all(source)
    assert [c.title for c in chapters] == ["Chapter 1: The Diner", "Chapter 2: The Motel"]
    assert _story(source, 2) == ["Chapter 2: The Motel", *DINER.chapters[1][1]]
    notes = {(n.label, n.text) for n in chapters[0].notes}
    assert ("title", "Road Trip") in notes
    assert ("author", "Anonymous Fan") in notes
    assert ("summary", DINER.summary) in notes
    assert ("note", "Thanks to my beta for chapter 1.") in notes
    assert ("note", "Comments are love!") in notes  # the chapter's end notes
    assert chapters[0].summary == DINER.summary


def test_fanfiction_net_page_is_one_chapter(tmp_path: Path) -> None:
    source = tmp_path / "ffn.html"
    source.write_text(
        """<html><head><title>Road Trip Chapter 3, a Grey's Anatomy fanfic | FanFiction</title>
<script>var x = "not story";</script></head><body>
<div id="profile_top"><b class="xcontrast_txt">Road Trip</b> By:
<a class="xcontrast_txt" href="/u/123/anon">Anonymous Fan</a>
<div class="xcontrast_txt" style="margin-top:2px">Alex and Izzie drive to Iowa.</div>
<span class="xgray xcontrast_txt">Rated: T - English - Words: 1,234</span></div>
<select id="chap_select"><option value="1">1. The Diner</option>
<option value="3" selected>3. The Motel</option></select>
<div class="storytext xcontrast_txt nocopy" id="storytext">
<p>The sign buzzes.<br>It is late.</p><hr size="1" noshade><p>&#8220;Two,&#8221; Izzie says.</p>
</div></body></html>""",
        encoding="utf-8",
    )
    chapter = ingest(source)
    assert chapter.title == "Chapter 3: The Motel"
    assert chapter.summary == "Alex and Izzie drive to Iowa."
    # A line break is a paragraph break, as in a text file: many fics set paragraphs so.
    assert _story(source) == [
        "Chapter 3: The Motel",
        "The sign buzzes.",
        "It is late.",
        "\u201cTwo,\u201d Izzie says.",
    ]
    assert [p.scene for p in chapter.paragraphs] == [0, 0, 0, 1]


def test_any_html_page_reads_its_paragraphs_without_scripts_or_styles() -> None:
    (part,) = html.parse(
        "<html><head><style>p {color: red}</style></head><body><h1>Night</h1>"
        "<div>Loose text <em>in</em> a div<p>A paragraph.</p>tail text</div>"
        "<script>alert(1)</script><p>Last&nbsp;one.</p></body></html>"
    )
    assert part.title == "Night"
    assert part.text == "Night\n\nLoose text in a div\n\nA paragraph.\n\ntail text\n\nLast one.\n"


def test_html_in_the_charset_its_meta_names(tmp_path: Path) -> None:
    source = tmp_path / "old.htm"
    source.write_bytes(
        b'<html><head><meta http-equiv="Content-Type" content="text/html; charset=windows-1252">'
        b"</head><body><p>\x93Caf\xe9?\x94 she asks.</p></body></html>"
    )
    assert _story(source) == ["\u201cCaf\u00e9?\u201d she asks."]


def test_epub_chapters_follow_the_spine_titled_by_the_table_of_contents(tmp_path: Path) -> None:
    cover = cover_jpeg()
    source = epub(DINER, tmp_path / "road-trip.epub", cover=cover)
    chapters = ingest_all(source)
    # The title page (before the first listed chapter) and the navigation are not chapters.
    assert [c.title for c in chapters] == ["The Diner", "The Motel"]
    assert [c.reference for c in chapters] == [f"{source}#1", f"{source}#2"]
    assert _story(source, 1) == ["The Diner", *DINER.chapters[0][1]]
    assert chapters[1].paragraphs[0].heading
    assert all(c.cover_image == cover for c in chapters)
    notes = {n.label: n.text for n in chapters[0].notes}
    assert notes == {"title": "Road Trip", "author": "Anonymous Fan", "summary": DINER.summary}


def test_epub_2_titles_come_from_the_ncx(tmp_path: Path) -> None:
    source = tmp_path / "old.epub"
    with zipfile.ZipFile(source, "w") as archive:
        archive.writestr("mimetype", "application/epub+zip")
        archive.writestr(
            "META-INF/container.xml",
            '<container xmlns="urn:oasis:names:tc:opendocument:xmlns:container"><rootfiles>'
            '<rootfile full-path="content.opf"/></rootfiles></container>',
        )
        archive.writestr(
            "content.opf",
            '<package xmlns="http://www.idpf.org/2007/opf" version="2.0"><metadata '
            'xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>Old</dc:title></metadata>'
            '<manifest><item id="ncx" href="toc.ncx" media-type="application/x-dtbncx+xml"/>'
            '<item id="a" href="a%20b.html" media-type="application/xhtml+xml"/></manifest>'
            '<spine toc="ncx"><itemref idref="a"/></spine></package>',
        )
        archive.writestr(
            "toc.ncx",
            '<ncx xmlns="http://www.daisy.org/z3986/2005/ncx/"><navMap><navPoint id="p1">'
            '<navLabel><text>One Night</text></navLabel><content src="a%20b.html#start"/>'
            "</navPoint></navMap></ncx>",
        )
        archive.writestr("a b.html", "<html><body><p>She waits.</p></body></html>")
    (chapter,) = ingest_all(source)
    assert chapter.title == "One Night"
    assert chapter.name == "old"
    assert _story(source) == ["One Night", "She waits."]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"not a zip at all", r"old\.epub: not an EPUB \(not a zip archive\)"),
        (None, r"old\.epub: the EPUB lacks META-INF/container\.xml"),
    ],
)
def test_a_broken_epub_is_one_clear_error(
    tmp_path: Path, content: bytes | None, message: str
) -> None:
    source = tmp_path / "old.epub"
    if content is None:
        with zipfile.ZipFile(source, "w") as archive:
            archive.writestr("mimetype", "application/epub+zip")
    else:
        source.write_bytes(content)
    with pytest.raises(InputError, match=message):
        read_parts(source)


def test_a_book_file_needs_its_chapter_named(tmp_path: Path) -> None:
    source = epub(DINER, tmp_path / "road.epub")
    with pytest.raises(InputError, match=r"road\.epub: holds 2 chapters") as raised:
        ingest(source)
    assert raised.value.hint == f"name one of them: {source}#1 to {source}#2"
    with pytest.raises(InputError, match=r"road\.epub#3: there is no chapter 3"):
        ingest(f"{source}#3")


def test_an_unknown_suffix_is_refused_by_name(tmp_path: Path) -> None:
    source = tmp_path / "story.docx"
    source.write_bytes(b"PK\x03\x04")
    with pytest.raises(InputError, match=r"story\.docx: narrator cannot read \.docx"):
        ingest(source)


@pytest.mark.integration
@requires_tool("espeak-ng", "ffmpeg")
def test_an_epub_and_an_ao3_download_build_into_an_mp3_per_chapter(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Acceptance of issue 6: both made here, built by the CLI with the default engine."""
    from mutagen.id3 import ID3

    monkeypatch.chdir(tmp_path)
    (tmp_path / "voices.yaml").write_text(
        "characters:\n  Izzie: {gender: female}\n  Alex: {gender: male}\n", encoding="utf-8"
    )
    cover = cover_jpeg()
    book = epub(DINER, tmp_path / "road-trip.epub", cover=cover)
    download = ao3_html(DINER, tmp_path / "road-trip-ao3.html")
    for source, out, titles in [
        (book, "epub-out", ["The Diner", "The Motel"]),
        (download, "html-out", ["Chapter 1: The Diner", "Chapter 2: The Motel"]),
    ]:
        result = CliRunner().invoke(main, ["build", str(source), "--out", out, "--quiet"])
        assert result.exit_code == 0, result.output
        built = sorted((tmp_path / out).glob("*.mp3"))
        assert [p.name for p in built] == [f"{source.stem}-01.mp3", f"{source.stem}-02.mp3"]
        for number, (mp3, title) in enumerate(zip(built, titles, strict=True), 1):
            tag = ID3(mp3)
            assert str(tag["TIT2"]) == title
            assert (str(tag["TALB"]), str(tag["TPE1"]), str(tag["TRCK"])) == (
                "Road Trip", "Anonymous Fan", str(number),
            )  # fmt: skip
            picture = tag.getall("APIC")[0].data
            if source == book:  # the EPUB's own cover, scaled up to what podcast apps want
                with Image.open(io.BytesIO(picture)) as shown, Image.open(io.BytesIO(cover)) as own:
                    assert min(shown.size) == 1400
                    assert abs(shown.width / shown.height - own.width / own.height) < 0.01
            else:
                assert picture != cover
            decoded = subprocess.run(
                ["ffmpeg", "-v", "error", "-xerror", "-i", str(mp3), "-map", "0:a",
                 "-f", "s16le", "-"],
                capture_output=True, check=True,
            ).stdout  # fmt: skip
            assert len(decoded) / 2 / 22_050 > 3.0  # three sentences or more, spoken
        feed = feedparser.parse(str(tmp_path / out / "feed.xml"))
        assert not feed.bozo
        assert feed.feed.title == "Road Trip"
        assert sorted(entry.title for entry in feed.entries) == titles
