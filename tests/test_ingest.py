"""Ingest: decoding, offsets, front matter, titles, scenes, paragraphs."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from narrator.errors import InputError
from narrator.text.ingest import chapter_from_text, ingest, paragraph_spans, title_for

from .conftest import SEED


def test_seed_front_matter_is_kept_out_of_the_story() -> None:
    chapter = ingest(SEED)
    assert [note.label for note in chapter.notes] == ["summary", "note", "title", "chapter summary"]
    assert chapter.summary is not None
    assert chapter.summary.startswith("A family emergency has Alex Karev racing back to Iowa.")
    first = chapter.paragraphs[0]
    assert chapter.text[first.start : first.end].startswith("Izzie pours two mugs of coffee.")


def test_front_matter_is_read_when_configured() -> None:
    chapter = ingest(SEED, read_front_matter=True)
    first = chapter.paragraphs[0]
    assert chapter.text[first.start : first.end].startswith("Overall Summary;")
    assert chapter.summary is not None


@pytest.mark.parametrize(
    "label",
    ["Summary: x", "A/N: thanks for reading", "Disclaimer: I own nothing", "Author's Note: hi"],
)
def test_common_front_matter_labels(label: str) -> None:
    chapter = chapter_from_text(f"{label}\n\nShe left.\n", Path("c.txt"))
    assert len(chapter.notes) == 1
    assert [chapter.text[p.start : p.end] for p in chapter.paragraphs] == ["She left."]


def test_story_words_that_look_like_labels_stay_story() -> None:
    text = "Note-worthy things happened.\n\nAn hour later she left.\n"
    chapter = chapter_from_text(text, Path("c.txt"))
    assert chapter.notes == ()
    assert len(chapter.paragraphs) == 2


def test_trailing_authors_note_is_end_matter() -> None:
    chapter = chapter_from_text("She left.\n\nA/N: Please review!\n", Path("c.txt"))
    assert [n.label for n in chapter.notes] == ["author's note"]
    assert len(chapter.paragraphs) == 1


def test_bom_and_crlf_keep_offsets_equal_to_read_text(tmp_path: Path) -> None:
    path = tmp_path / "c.txt"
    path.write_bytes('\ufeffOne line.\r\n\r\n"Hi," she said.\r\n'.encode())
    chapter = ingest(path)
    as_python_reads_it = path.read_text(encoding="utf-8")
    assert chapter.text == as_python_reads_it
    spans = [chapter.text[p.start : p.end] for p in chapter.paragraphs]
    assert spans == ["One line.", '"Hi," she said.']


@pytest.mark.parametrize(
    ("raw", "encoding"),
    [
        ("caf\u00e9 \u201cquoted\u201d".encode("cp1252"), "Windows-1252"),
        ("caf\u00e9 \u201cquoted\u201d".encode("utf-16"), "UTF-16"),
        ("caf\u00e9 \u201cquoted\u201d".encode("utf-16-le"), "UTF-16"),
        ("caf\u00e9 \u201cquoted\u201d".encode("utf-16-be"), "UTF-16"),
        ("caf\u00e9 \u201cquoted\u201d".encode("utf-32"), "UTF-32"),
        ("caf\u00e9 \u201cquoted\u201d".encode("utf-8-sig"), "utf-8"),
    ],
)
def test_encodings_that_can_be_told_are_decoded_and_said(
    tmp_path: Path, raw: bytes, encoding: str, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "c.txt"
    path.write_bytes(raw)
    with caplog.at_level(logging.INFO, logger="narrator"):
        chapter = ingest(path)
    assert chapter.text.lstrip("\ufeff") == "caf\u00e9 \u201cquoted\u201d"
    said = [r.getMessage() for r in caplog.records]
    assert said == ([] if encoding == "utf-8" else [f"{path}: read as {encoding}"])


def test_binary_data_is_a_clear_input_error(tmp_path: Path) -> None:
    path = tmp_path / "c.txt"
    path.write_bytes(bytes(range(256)) * 8)
    with pytest.raises(InputError, match=r"c\.txt: not a text file"):
        ingest(path)


def test_stray_nul_bytes_are_dropped(tmp_path: Path) -> None:
    path = tmp_path / "c.txt"
    path.write_bytes(b'She waits.\x00 "Hi," she says.\n')
    assert ingest(path).text == 'She waits. "Hi," she says.\n'


def test_missing_file_and_folder_are_input_errors(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        ingest(tmp_path / "nope.txt")
    with pytest.raises(InputError, match="is a folder"):
        ingest(tmp_path)


def test_hard_wrapped_paragraphs_are_joined() -> None:
    text = (
        "It was a dark and stormy night, and the rain fell\n"
        "in torrents, except at occasional intervals when it\n"
        "was checked by a violent gust of wind.\n\n"
        '"Who is there?" asked the old man, who had been\n'
        "sitting by the fire for hours and did not want to\n"
        "get up.\n"
    )
    spans = paragraph_spans(text)
    assert len(spans) == 2
    assert text[spans[1].start : spans[1].end].endswith("get up.")


def test_one_paragraph_per_line_when_lines_are_not_wrapped() -> None:
    text = (
        "She walked in and sat down at the table by the window.\n"
        '"Hello," he said.\n'
        '"Hi," she said, not looking up from the menu in her hands.\n'
        "He sat down opposite her.\n"
    )
    assert len(paragraph_spans(text)) == 4


def test_scene_breaks_number_the_scenes() -> None:
    text = "One.\n\n* * *\n\nTwo.\n\noOo\n\nThree.\n"
    chapter = chapter_from_text(text, Path("c.txt"))
    assert [p.scene for p in chapter.paragraphs] == [0, 1, 2]
    assert len(chapter.paragraphs) == 3


def test_heading_gives_the_title() -> None:
    chapter = chapter_from_text("Chapter 3: The Diner\n\nShe left.\n", Path("x.txt"))
    assert chapter.title == "Chapter 3: The Diner"
    assert chapter.paragraphs[0].heading


@pytest.mark.parametrize(
    ("name", "title"),
    [
        ("chapter-01.txt", "Chapter 1"),
        ("ch12.txt", "Chapter 12"),
        ("03-the-diner.txt", "The Diner"),
    ],
)
def test_title_from_file_name(name: str, title: str) -> None:
    assert title_for(Path(name), "", []) == title
