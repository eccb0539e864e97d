"""Fan-fiction archives' plain-text downloads: the header, tags, summaries and notes are
recognised by their layout and never read aloud; title, author, summary and chapter
titles reach the tags and the feed; the header's characters seed `init`'s cast."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from narrator.cli import main
from narrator.text.ingest import ingest_all

from .conftest import ROOT

ARCHIVES = ROOT / "tests" / "data" / "archives"
NEVER_SPOKEN = (
    "Posted originally", "Archive of Our Own", "Rating", "Archive Warning", "Fandom",
    "Relationship", "Characters", "Additional Tags", "Language", "Stats", "Words:",
    "Published", "Summary", "Notes", "Chapter Text", "See the end", "Afterword",
    "Please drop by", "Works inspired", "Tumblr", "Kudos", "beta", "Story URL",
    "fanfiction.net", "End file", "First fic",
)  # fmt: skip
EXPECTED = {
    "ao3-oneshot.txt": (
        "Low Tide", "tidewater_writes", "Izzie drags Alex to the beach",
        ["Low Tide"], "The sand was still cold", "Izzie laughed and took his hand.",
    ),
    "ao3-multichapter.txt": (
        "The Night Shift", "scrubsandstitches", "Two interns, one pager",
        ["Chapter 1: Lapsang", "Chapter 2: Bailey Finds Out"],
        "Meredith was asleep on a gurney", '"Both of you. Pit. Now."',
    ),
    "ao3-endnotes.txt": (
        "Paper Cranes", "origami_heart", "Arizona leaves a paper crane",
        ["Paper Cranes"], "There were forty-one cranes", "and smiled.",
    ),
    "ffn-story.txt": (
        "Static", "HollowPine", "The radio in the on-call room",
        ["Chapter 1: Frequencies", "Chapter 2: Signal"], "George turned the dial", "He didn't.",
    ),
}  # fmt: skip


def _story(path: Path) -> str:
    return "\n".join(
        c.text[p.start : p.end] for c in ingest_all(path) for p in c.paragraphs if not p.heading
    )


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_archive_downloads_read_only_the_story(name: str) -> None:
    title, author, summary, chapters, first, last = EXPECTED[name]
    read = ingest_all(ARCHIVES / name)
    assert [c.title for c in read] == chapters
    assert {c.source_title for c in read} == {title}
    assert {c.source_author for c in read} == {author}
    assert all((c.summary or "").startswith(summary) for c in read)
    story = _story(ARCHIVES / name)
    assert story.startswith(first)
    assert story.endswith(last)
    for words in NEVER_SPOKEN:
        assert words.lower() not in story.lower(), words


def test_a_plain_story_with_field_like_lines_is_not_taken_for_a_download(tmp_path: Path) -> None:
    path = tmp_path / "chapter.txt"
    path.write_text(
        "Rating: she gave the diner five stars.\n\nThe coffee was fine. Words: none.\n",
        encoding="utf-8",
    )
    [chapter] = ingest_all(path)
    assert chapter.text == path.read_text(encoding="utf-8")  # passed through untouched


def test_summary_and_notes_on_lines_of_their_own_are_set_apart(tmp_path: Path) -> None:
    path = tmp_path / "chapter.txt"
    path.write_text(
        "Summary:\n\nMeredith loses a bet.\n\nAuthor's Note\n\nThanks to my beta.\n\n"
        'Meredith sighed. "Fine," she said.\n',
        encoding="utf-8",
    )
    [chapter] = ingest_all(path)
    assert chapter.summary == "Meredith loses a bet."
    assert [n.label for n in chapter.notes] == ["summary", "author's note"]
    assert [chapter.text[p.start : p.end] for p in chapter.paragraphs] == [
        'Meredith sighed. "Fine," she said.'
    ]


@pytest.mark.integration
def test_a_multichapter_download_builds_with_the_summary_in_the_feed_and_titles_in_tags(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from mutagen.id3 import ID3

    (tmp_path / "chapters").mkdir()
    shutil.copy(ARCHIVES / "ao3-multichapter.txt", tmp_path / "chapters" / "night-shift.txt")
    (tmp_path / "voices.yaml").write_text(
        "engine: tone\ncharacters:\n  Meredith: {gender: female}\n  Cristina: {gender: female}\n",
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["build", "--quiet"])
    assert result.exit_code == 0, result.output
    scripted = CliRunner().invoke(main, ["script", "--json", "chapters/night-shift.txt#1"])
    assert scripted.exit_code == 0, scripted.output
    spoken = " ".join(s["text"] for s in json.loads(scripted.stdout)["segments"])
    for words in NEVER_SPOKEN:
        assert words.lower() not in spoken.lower(), words
    mp3s = sorted((tmp_path / "output").glob("*.mp3"))
    assert len(mp3s) == 2
    titles = [str(ID3(mp3)["TIT2"]) for mp3 in mp3s]
    assert titles == ["Chapter 1: Lapsang", "Chapter 2: Bailey Finds Out"]
    assert {str(ID3(mp3)["TALB"]) for mp3 in mp3s} == {"The Night Shift"}
    vtt = " ".join(m.with_suffix(".vtt").read_text(encoding="utf-8") for m in mp3s)
    for words in ("Posted originally", "Chapter Summary", "Next chapter", "Fandom"):
        assert words not in vtt
    feed = (tmp_path / "output" / "feed.xml").read_text(encoding="utf-8")
    assert "Two interns, one pager, and a very long night at Seattle Grace." in feed
    assert "scrubsandstitches" in feed


def test_init_takes_the_cast_from_the_downloads_characters_field(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    source = ARCHIVES / "ao3-endnotes.txt"
    result = CliRunner().invoke(main, ["init", str(source), "--engine", "tone"])
    assert result.exit_code == 0, result.output
    written = (tmp_path / "voices.yaml").read_text(encoding="utf-8")
    for name in ("Callie Torres", "Arizona Robbins", "Mark Sloan"):
        assert f"  {name}:" in written
    assert "Origami" not in written  # a tag, not a character
