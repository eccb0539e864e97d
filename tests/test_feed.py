"""The podcast feed, read back by feedparser and by its XML: what a podcast app relies on."""

from __future__ import annotations

import datetime as dt
import email.utils
import json
import re
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import feedparser
import pytest
from click.testing import CliRunner

from narrator.build import build
from narrator.cli import main
from narrator.config import load_config
from narrator.model import BuildOptions
from narrator.publish.feed import PODCAST_NS, podcast_guid, refresh
from narrator.script import chapters_to_build

from .conftest import SEED, requires_tool

pytestmark = requires_tool("ffmpeg", "ffprobe")

SECOND_CHAPTER = """\
Chapter Two

The drive to Iowa takes nine hours. Izzie counts the fields.

"Are we there yet?" Izzie asks.

"No," Alex says. "Go to sleep."
"""
THIRD_CHAPTER = """\
Chapter Three

"We're here," Alex says, and Izzie wakes.
"""


SHORT_FIRST_CHAPTER = """\
Summary: A family emergency has Alex Karev racing back to Iowa.

Chapter 1

Izzie pours two mugs of coffee. "You should drink something," she tells him.

"I'm fine," Alex says.
"""


def make_book(
    root: Path, base_url: str | None = None, *, short: bool = False
) -> tuple[Path, BuildOptions]:
    """A project of two chapters on the tone engine, built (the first is the seed chapter,
    or when `short` a few lines with the same summary); its voices.yaml path."""
    (root / "chapters").mkdir(parents=True)
    first = SHORT_FIRST_CHAPTER if short else SEED.read_text(encoding="utf-8")
    (root / "chapters" / "chapter-01.txt").write_text(first, encoding="utf-8")
    (root / "chapters" / "chapter-02.txt").write_text(SECOND_CHAPTER, encoding="utf-8")
    base = f"  base_url: {base_url}\n" if base_url else ""
    (root / "voices.yaml").write_text(
        f"book:\n  title: The Test Book\n  author: Ann Author\n{base}engine: tone\n"
        "characters:\n  Izzie: {gender: female}\n  Alex: {gender: male}\n",
        encoding="utf-8",
    )
    options = BuildOptions(out_dir=root / "output", cache_dir=root / "cache")
    build(chapters_to_build([], root / "chapters"), load_config(root / "voices.yaml"), options)
    return root / "voices.yaml", options


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, BuildOptions]:
    return make_book(tmp_path_factory.mktemp("book"), "https://example.org/pod cast")


def _ffprobe_seconds(path: Path) -> float:
    done = subprocess.run(
        ["ffprobe", "-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0",
         str(path)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    return float(done.stdout)


def _feed_items(out_dir: Path) -> list[dict[str, str]]:
    parsed = feedparser.parse((out_dir / "feed.xml").read_bytes())
    return [
        {"guid": e.id, "published": e.published, "length": e.enclosures[0].length}
        for e in parsed.entries
    ]


def test_feedparser_reads_the_channel_without_complaint(book: tuple[Path, BuildOptions]) -> None:
    _, options = book
    parsed = feedparser.parse((options.out_dir / "feed.xml").read_bytes())
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "rss20"
    channel = parsed.feed
    assert channel.title == "The Test Book"
    assert channel.author_detail.name == "Ann Author"
    # The description is the book's summary from the seed's front matter.
    assert channel.summary.startswith("A family emergency has Alex Karev racing back to Iowa.")
    assert channel.language == "en"
    assert channel.image.href == "https://example.org/pod%20cast/cover.jpg"
    assert (options.out_dir / "cover.jpg").read_bytes()[:2] == b"\xff\xd8"


def test_every_episode_has_what_a_podcast_app_needs(book: tuple[Path, BuildOptions]) -> None:
    _, options = book
    out = options.out_dir
    entries = feedparser.parse((out / "feed.xml").read_bytes()).entries
    assert [e.title for e in entries] == ["Chapter 1", "Chapter Two"]
    for number, (entry, stem) in enumerate(
        zip(entries, ["chapter-01", "chapter-02"], strict=False), 1
    ):
        [enclosure] = entry.enclosures
        mp3 = out / f"{stem}.mp3"
        # The address carries a version of the sound (see test_a_rebuilt_chapter_...).
        assert re.fullmatch(
            rf"https://example\.org/pod%20cast/{stem}\.mp3\?v=[0-9a-f]{{12}}", enclosure.href
        ), enclosure.href
        assert int(enclosure.length) == mp3.stat().st_size
        assert enclosure.type == "audio/mpeg"
        assert abs(int(entry.itunes_duration) - _ffprobe_seconds(mp3)) <= 1
        assert int(entry.itunes_episode) == number
        assert entry.guidislink is False
    guids = [e.id for e in entries]
    assert len(set(guids)) == len(guids)
    dates = [email.utils.parsedate_to_datetime(e.published) for e in entries]
    assert dates == sorted(dates)
    assert dates[0] < dates[1]


def test_items_link_transcript_and_chapters_in_the_podcast_namespace(
    book: tuple[Path, BuildOptions],
) -> None:
    _, options = book
    root = ET.parse(options.out_dir / "feed.xml").getroot()
    channel = root.find("channel")
    assert channel is not None
    assert channel.findtext(f"{{{PODCAST_NS}}}guid")
    itunes = "http://www.itunes.com/dtds/podcast-1.0.dtd"
    assert channel.findtext(f"{{{itunes}}}type") == "serial"
    for item in channel.findall("item"):
        transcript = item.find(f"{{{PODCAST_NS}}}transcript")
        chapters = item.find(f"{{{PODCAST_NS}}}chapters")
        assert transcript is not None
        assert chapters is not None
        assert transcript.get("type") == "text/vtt"
        assert chapters.get("type") == "application/json+chapters"
        stem = transcript.get("url", "").rsplit("/", 1)[1].removesuffix(".vtt")
        assert (options.out_dir / f"{stem}.vtt").read_text(encoding="utf-8").startswith("WEBVTT")
        listed = json.loads((options.out_dir / f"{stem}.chapters.json").read_text("utf-8"))
        assert chapters.get("url", "").endswith(f"/{stem}.chapters.json")
        assert listed["chapters"][0]["startTime"] == 0


def test_rebuilds_keep_guid_length_and_date_and_a_new_chapter_comes_last(tmp_path: Path) -> None:
    config_path, options = make_book(tmp_path, short=True)
    first = _feed_items(options.out_dir)
    config = load_config(config_path)

    build(chapters_to_build([], tmp_path / "chapters"), config, options)  # nothing to do
    assert _feed_items(options.out_dir) == first
    forced = BuildOptions(out_dir=options.out_dir, cache_dir=options.cache_dir, force=True)
    build(chapters_to_build([], tmp_path / "chapters"), config, forced)  # everything made again
    assert _feed_items(options.out_dir) == first

    (tmp_path / "chapters" / "chapter-03.txt").write_text(THIRD_CHAPTER, encoding="utf-8")
    build(chapters_to_build([], tmp_path / "chapters"), config, options)
    after = _feed_items(options.out_dir)
    assert after[:2] == first
    dates = [email.utils.parsedate_to_datetime(item["published"]) for item in after]
    assert dates[2] > dates[1]
    assert len({item["guid"] for item in after}) == 3


def test_the_feed_command_rewrites_the_feed_for_another_address(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_book(tmp_path, short=True)
    monkeypatch.chdir(tmp_path)
    feed = tmp_path / "output" / "feed.xml"
    assert "http://127.0.0.1:8000/chapter-01.mp3" in feed.read_text(encoding="utf-8")
    result = CliRunner().invoke(main, ["feed", "--base-url", "http://192.0.2.7:9000"])
    assert result.exit_code == 0, result.output
    assert (
        result.output.strip() == "output/feed.xml: 2 episodes, served from http://192.0.2.7:9000/"
    )
    assert "http://192.0.2.7:9000/chapter-01.mp3" in feed.read_text(encoding="utf-8")
    # The address is remembered: the next build's feed keeps pointing there.
    (tmp_path / "chapters" / "chapter-03.txt").write_text(THIRD_CHAPTER, encoding="utf-8")
    assert CliRunner().invoke(main, ["build", "-q"]).exit_code == 0
    hrefs = [e.enclosures[0].href for e in feedparser.parse(feed.read_bytes()).entries]
    assert [h.split("?")[0] for h in hrefs] == [
        f"http://192.0.2.7:9000/chapter-0{n}.mp3" for n in (1, 2, 3)
    ]


def test_the_feed_command_needs_an_output_folder(project: Path) -> None:
    result = CliRunner().invoke(main, ["feed", "--out", "nowhere"])
    assert result.exit_code == 2
    assert "nowhere: no such folder" in result.output


def test_damaged_feed_state_does_not_stop_the_feed(tmp_path: Path) -> None:
    config_path, options = make_book(tmp_path, short=True)
    state = options.out_dir / ".narrator" / "feed.json"
    state.write_text("{not json", encoding="utf-8")
    build(chapters_to_build([], tmp_path / "chapters"), load_config(config_path), options)
    parsed = feedparser.parse((options.out_dir / "feed.xml").read_bytes())
    assert not parsed.bozo
    assert len(parsed.entries) == 2
    assert json.loads(state.read_text(encoding="utf-8"))["episodes"].keys() == {
        "chapter-01",
        "chapter-02",
    }
    now = dt.datetime.now(dt.UTC)
    assert all(
        abs(email.utils.parsedate_to_datetime(e.published) - now) < dt.timedelta(hours=1)
        for e in parsed.entries
    )


def test_the_shows_guid_follows_podcasting_2_0_and_survives_a_move(tmp_path: Path) -> None:
    # The namespace specification's own examples.
    assert podcast_guid("https://mp3s.nashownotes.com/pc20rss.xml") == (
        "917393e3-1b1e-5cef-ace4-edaa54e1f810"
    )
    assert podcast_guid("podnews.net/rss////") == "9b024349-ccf0-5f69-a609-6b82873eab3c"

    config_path, options = make_book(tmp_path, short=True)
    feed = options.out_dir / "feed.xml"

    def show_guid() -> str | None:
        return ET.parse(feed).getroot().findtext(f"channel/{{{PODCAST_NS}}}guid")

    assert show_guid() == podcast_guid("http://127.0.0.1:8000/feed.xml")
    refresh(options.out_dir, load_config(config_path), "http://192.0.2.7:8000/")
    assert show_guid() == podcast_guid("http://127.0.0.1:8000/feed.xml")


def test_a_rebuilt_chapter_keeps_its_episode_and_moves_its_address(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Podcast apps key an episode on its guid: the same guid and date keep a rebuilt
    chapter one episode; a new address (the sound's version) makes apps that fetch it
    again (streaming, or after deleting their copy) get the new audio. Rebuilding the
    same sound changes nothing."""
    make_book(tmp_path, short=True)
    monkeypatch.chdir(tmp_path)
    feed = tmp_path / "output" / "feed.xml"

    def entries() -> dict[str, tuple[str, str, str]]:
        parsed = feedparser.parse(feed.read_bytes()).entries
        return {e.title: (e.id, e.published, e.enclosures[0].href) for e in parsed}

    before = entries()
    assert CliRunner().invoke(main, ["build", "-q", "--force"]).exit_code == 0
    assert entries() == before  # the same sound: the same address
    voices = tmp_path / "voices.yaml"
    voices.write_text(
        voices.read_text(encoding="utf-8").replace("Alex: {gender: male}",
                                                   "Alex: {gender: male, pitch: 20}"),
        encoding="utf-8",
    )  # fmt: skip
    assert CliRunner().invoke(main, ["build", "-q"]).exit_code == 0
    after = entries()
    assert after.keys() == before.keys()
    for title in before:
        assert after[title][:2] == before[title][:2]  # guid and date kept
    assert any(after[t][2] != before[t][2] for t in before)
