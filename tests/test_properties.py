"""Property tests (hypothesis) of ingest and segmentation, for any text.

Texts are built from what fiction files hold: quotes of every style (straight, curly,
single, guillemets, low-9), apostrophes and elisions, every kind of line ending, scene
breaks, front-matter labels, and arbitrary unicode. Whatever comes in:

- the file decodes to the text that was written, in every encoding narrator reads;
- segments are in order, do not overlap and stay within the text;
- every non-whitespace character outside quote marks, skipped front matter and scene-break
  lines belongs to exactly one segment (nothing dropped, nothing read twice).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from narrator.model import Chapter, Segment
from narrator.text.ingest import chapter_from_text, ingest, is_scene_break, paragraph_spans
from narrator.text.segment import segment
from narrator.text.speech import QUOTE_MARKS

_MARKS = ['"', "\u201c", "\u201d", "'", "\u2018", "\u2019", "\u00ab", "\u00bb", "\u201e"]
_WORDS = [
    "Hi", "she said", "said Izzie", "Alex asks", "don't", "'tis", "the girls'", "o'clock",
    "Mr.", "Dr. Bailey", "\u2026", "\u2014", "-", ",", ".", "?", "!", ":", ";", "(", ")",
    "_word_", "*", "caf\u00e9", "na\u00efve", "\U0001f600", "\u05e9\u05dc\u05d5\u05dd",
    "e\u0301", "\u00a0", "\u200b",
]  # fmt: skip
_LINES = [" ", " ", "\t", "\n", "\n\n", "\n\n\n", "\r\n", "\r\n\r\n", "\r", "\n    "]
_BLOCKS = [
    "* * *", "***", "#", "~~~", "Summary:", "A/N:", "Disclaimer:", "Author's Note:",
    "Chapter Summary;", "Notes:", "Chapter 1", "Overall Summary;",
]  # fmt: skip
_UNICODE = st.text(
    st.characters(exclude_categories=("Cc", "Cs", "Co", "Cn"), exclude_characters="\ufeff"),
    min_size=1,
    max_size=6,
)
PIECES = st.one_of(
    st.sampled_from(_MARKS),
    st.sampled_from(_WORDS),
    st.sampled_from(_LINES),
    st.sampled_from(_BLOCKS).map(lambda block: f"\n\n{block}\n\n"),
    _UNICODE,
)
_INVISIBLE = "\u200b\ufeff"
"""Zero-width space and no-break space: blank, as ingest treats them at a paragraph's edge."""
TEXTS = st.lists(PIECES, max_size=60).map("".join)


def check_segments(
    chapter: Chapter,
    segments: tuple[Segment, ...],
    *,
    notes_read: bool = False,
    marks: str = QUOTE_MARKS,
) -> None:
    """In order, in bounds, no overlap, each its own text; the story wholly covered but
    for the quotation `marks` (and the notes, unless they are read aloud)."""
    text = chapter.text
    owner = [-1] * len(text)
    end = 0
    for index, seg in enumerate(segments):
        assert seg.index == index
        assert end <= seg.start < seg.end <= len(text)
        assert text[seg.start : seg.end] == seg.text
        end = seg.end
        for i in range(seg.start, seg.end):
            assert owner[i] == -1  # exactly one segment
            owner[i] = index
    skipped = [False] * len(text)
    for note in () if notes_read else chapter.notes:
        for i in range(note.span.start, note.span.end):
            skipped[i] = True
    for span in paragraph_spans(text):
        if is_scene_break(text[span.start : span.end]):
            for i in range(span.start, span.end):
                skipped[i] = True
    for i, char in enumerate(text):
        if owner[i] == -1 and not skipped[i]:
            assert char.isspace() or char in _INVISIBLE or char in marks, (
                i,
                text[max(0, i - 20) : i + 20],
            )


@pytest.mark.slow
@settings(max_examples=3000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TEXTS)
def test_segmentation_holds_for_any_text(text: str) -> None:
    chapter = chapter_from_text(text.replace("\r\n", "\n").replace("\r", "\n"), Path("c.txt"))
    check_segments(chapter, segment(chapter))


@settings(max_examples=500, deadline=None)
@given(TEXTS)
def test_front_matter_read_aloud_is_covered_too(text: str) -> None:
    normal = text.replace("\r\n", "\n").replace("\r", "\n")
    chapter = chapter_from_text(normal, Path("c.txt"), read_front_matter=True)
    check_segments(chapter, segment(chapter), notes_read=True)


def _valid_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


@pytest.mark.slow
@settings(max_examples=1500, deadline=None)
@given(
    TEXTS,
    st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-16-be-bom", "utf-32", "cp1252"]),
)
def test_any_file_decodes_to_what_was_written(text: str, encoding: str) -> None:
    assume(text.strip())
    if encoding == "utf-16-be-bom":
        data = b"\xfe\xff" + text.encode("utf-16-be")
    elif encoding == "cp1252":
        try:
            data = text.encode("cp1252")
        except UnicodeEncodeError:
            assume(False)
            return
        # Bytes that are also valid UTF-8 are UTF-8 (plain ASCII, say): read as such.
        assume(not _valid_utf8(data))
    else:
        data = text.encode(encoding)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "chapter.txt"
        path.write_bytes(data)
        chapter = ingest(path)
    # A UTF-8 BOM stays, as Python's "utf-8" codec keeps it: offsets then agree with any
    # tool that reads the file as UTF-8 (the eval scorer does). Segments never include it.
    kept = "\ufeff" if encoding == "utf-8-sig" else ""
    assert chapter.text == kept + text.replace("\r\n", "\n").replace("\r", "\n")
    check_segments(chapter, segment(chapter))
