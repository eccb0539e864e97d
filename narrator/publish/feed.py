"""The podcast feed: output/feed.xml, RSS 2.0 with the itunes and podcast namespaces.

Written with feedgen from what is in the output folder: every chapter MP3 narrator built
(its tags give title, track, duration and summary; the file its exact length), with its
transcript and chapters sidecars. A small state file (`.narrator/feed.json`) remembers each
episode's guid and first publication date, so rebuilding an unchanged chapter changes
neither, and publication dates always follow the chapters' order.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final
from urllib.parse import quote

from feedgen.ext.base import BaseEntryExtension, BaseExtension
from feedgen.feed import FeedGenerator
from feedgen.util import xml_elem

from narrator import __version__
from narrator.files import named_files, read_regular, write_atomically, write_text
from narrator.printable import printable, printable_or_none
from narrator.publish.cover import cover_for
from narrator.publish.id3 import Episode, episode_book, read_episode
from narrator.text.sources import resolve_book

if TYPE_CHECKING:
    from narrator.model import Config
    from narrator.publish.cover import Cover

_LOGGER = logging.getLogger(__name__)

FEED_NAME: Final = "feed.xml"
STATE: Final = Path(".narrator") / "feed.json"
DEFAULT_BASE_URL: Final = "http://127.0.0.1:8000/"
"""Where `narrator serve` listens by default: used when voices.yaml gives no base_url."""
PODCAST_NS: Final = "https://podcastindex.org/namespace/1.0"
PODCAST_GUID_NAMESPACE: Final = uuid.UUID("ead4c236-bf58-58c6-a2c6-a6b28d128cb6")
_STEP: Final = dt.timedelta(minutes=1)
_STATE_LIMIT: Final = 10_000_000


@dataclass(frozen=True, slots=True)
class Show:
    """The channel: what the feed says about the book."""

    title: str
    author: str | None
    description: str
    language: str = "en"


@dataclass(frozen=True, slots=True)
class Feed:
    """A feed written: where, with how many episodes, for which address."""

    path: Path
    episodes: int
    base_url: str


@dataclass(frozen=True, slots=True)
class Item:
    """A chapter as an episode."""

    stem: str
    episode: Episode
    size: int
    guid: str
    published: dt.datetime


def refresh(out_dir: Path, config: Config, base_url: str | None = None) -> Feed:
    """Rewrite the feed for `out_dir`, the channel described by voices.yaml and the tags
    of the chapters there.

    Enclosures point at `base_url`, else voices.yaml's book.base_url, else wherever the
    feed was last served from, else `narrator serve`'s default address.
    """
    episodes = [e for p in named_files(out_dir, "*.mp3") if (e := read_episode(p)) is not None]
    book = resolve_book(config.book, map(episode_book, episodes), config.source.parent)
    show = Show(book.title, book.author, book.summary or f"{book.title}, read aloud by narrator.")
    embedded = next((e.cover for e in episodes if e.cover), None)
    cover = cover_for(book.title, book.author, config.book.cover, embedded)
    return write_feed(out_dir, show, base_url or config.book.base_url, cover)


def write_feed(
    out_dir: Path,
    show: Show,
    base_url: str | None,
    cover: Cover | None,
    now: dt.datetime | None = None,
) -> Feed:
    """Rewrite `out_dir/feed.xml` (atomically) from the chapters in `out_dir`."""
    state = _State.load(out_dir / STATE)
    base = _base(base_url or state.base_url or DEFAULT_BASE_URL)
    # Whole seconds, as RSS dates show them: two chapters never share a shown date.
    now = (now or dt.datetime.now(dt.UTC)).replace(microsecond=0)
    items = _items(out_dir, show, state, now)
    cover_name = None
    if cover is not None:
        cover_name = f"cover{cover.suffix}"
        target = out_dir / cover_name
        if not target.is_file() or target.read_bytes() != cover.data:
            write_atomically(target, lambda temporary: temporary.write_bytes(cover.data))
    # The show's podcast:guid is made once, from the feed's first address as Podcasting 2.0
    # prescribes, and kept when the feed moves (say, from 127.0.0.1 to the LAN).
    state.show_guid = state.show_guid or podcast_guid(base + FEED_NAME)
    xml = render(show, items, base, cover_name, state.show_guid)
    feed = out_dir / FEED_NAME
    write_atomically(feed, lambda temporary: temporary.write_bytes(xml))
    state.base_url = base
    state.save(out_dir / STATE)
    return Feed(feed, len(items), base)


def render(
    show: Show, items: list[Item], base: str, cover_name: str | None, show_guid: str
) -> bytes:
    """The RSS document."""
    show = Show(
        printable(show.title) or "Untitled",
        printable_or_none(show.author),
        printable(show.description, lines=True),
        show.language,
    )
    fg = FeedGenerator()
    fg.load_extension("podcast")
    fg.register_extension("podcastindex", PodcastIndexExtension, PodcastIndexEntryExtension)
    fg.title(show.title)
    fg.link(href=base, rel="alternate")
    fg.description(show.description)
    fg.language(show.language)
    fg.generator(f"narrator {__version__}")
    fg.podcast.itunes_type("serial")
    fg.podcast.itunes_explicit("no")
    fg.podcast.itunes_category("Arts", "Books")
    fg.podcast.itunes_summary(show.description)
    if show.author:
        fg.author({"name": show.author})
        fg.podcast.itunes_author(show.author)
    if cover_name is not None:
        fg.image(url=base + quote(cover_name), title=show.title, link=base)
        fg.podcast.itunes_image(base + quote(cover_name))
    fg.podcastindex.guid(show_guid)
    for item in items:
        fe = fg.add_entry(order="append")
        title = printable(item.episode.title) or item.stem
        fe.title(title)
        fe.guid(item.guid, permalink=False)
        fe.enclosure(enclosure_url(base, item), str(item.size), "audio/mpeg")
        fe.published(item.published)
        fe.description(printable(item.episode.description or "", lines=True) or title)
        fe.podcast.itunes_duration(round(item.episode.duration_seconds))
        fe.podcast.itunes_episode(item.episode.track)
        fe.podcast.itunes_episode_type("full")
        fe.podcastindex.transcript(base + quote(f"{item.stem}.vtt"), "text/vtt")
        fe.podcastindex.chapters(
            base + quote(f"{item.stem}.chapters.json"), "application/json+chapters"
        )
    xml: bytes = fg.rss_str(pretty=True)
    return xml


def _is_date(text: str) -> bool:
    try:
        dt.datetime.fromisoformat(text)
    except ValueError:
        return False
    return True


def enclosure_url(base: str, item: Item) -> str:
    """The episode's audio address, with a version of its sound: rebuilt with other audio
    (a fixed speaker, a new voice), the address changes and podcast apps fetch it again
    as the same episode (same guid, same date); rebuilt the same, nothing changes."""
    url = base + quote(f"{item.stem}.mp3")
    version = (item.episode.audio_id or "")[:12]
    return f"{url}?v={version}" if version else url


def podcast_guid(feed_url: str) -> str:
    """Podcasting 2.0's guid for a feed: a UUIDv5 of its address without the scheme and
    trailing slashes, in the namespace the spec names."""
    bare = re.sub(r"^[a-zA-Z][a-zA-Z0-9+.-]*://", "", feed_url).rstrip("/")
    return str(uuid.uuid5(PODCAST_GUID_NAMESPACE, bare))


def _base(url: str) -> str:
    """The address with a trailing slash and anything a URL may not hold (spaces, letters
    beyond ASCII) percent-encoded; what is encoded already stays as it is."""
    return quote(url.strip().rstrip("/") + "/", safe=":/?#[]@!$&'()*+,;=%~")


@dataclass(slots=True)
class _State:
    """What the feed remembers between rewrites: each episode's guid and date, and where
    the feed was last served from."""

    episodes: dict[str, dict[str, str]]
    base_url: str | None = None
    show_guid: str | None = None

    @classmethod
    def load(cls, path: Path) -> _State:
        try:
            stored = json.loads(read_regular(path, _STATE_LIMIT).decode("utf-8"))
            episodes = {
                str(stem): {"guid": entry["guid"], "published": entry["published"]}
                for stem, entry in dict(stored["episodes"]).items()
                if isinstance(entry, dict)
                and isinstance(entry.get("guid"), str)
                and isinstance(entry.get("published"), str)
                and _is_date(entry["published"])
            }
            base_url, show_guid = stored.get("base_url"), stored.get("show_guid")
            return cls(
                episodes,
                base_url if isinstance(base_url, str) else None,
                show_guid if isinstance(show_guid, str) else None,
            )
        except (OSError, ValueError, KeyError, TypeError, AttributeError, RecursionError):
            return cls({})  # absent or damaged: guids are derived, dates start again

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        stored = {
            "base_url": self.base_url,
            "show_guid": self.show_guid,
            "episodes": self.episodes,
        }
        write_text(path, json.dumps(stored, indent=1, sort_keys=True))


def _items(out_dir: Path, show: Show, state: _State, now: dt.datetime) -> list[Item]:
    """The chapters in track order, each with its stored (or now first) guid and date."""
    found = []
    for path in named_files(out_dir, "*.mp3"):
        if path.name.startswith("preview-"):
            continue
        episode = read_episode(path)
        if episode is not None:
            found.append((episode.track, path.stem, path, episode))
    found.sort()
    items: list[Item] = []
    fresh = [stem for _, stem, _, _ in found if stem not in state.episodes]
    # Chapters published together are spaced a minute apart, the last one now.
    clock = now - _STEP * len(fresh)
    previous: dt.datetime | None = None
    for _, stem, path, episode in found:
        known = state.episodes.get(stem)
        if known is not None:
            published = dt.datetime.fromisoformat(known["published"])
            guid = known["guid"]
        else:
            clock += _STEP
            published = clock
            guid = f"narrator:{uuid.uuid5(uuid.NAMESPACE_URL, f'{show.title}/{stem}')}"
        if previous is not None and published <= previous:
            published = previous + _STEP  # keep the chapters' order
        previous = published
        state.episodes[stem] = {"guid": guid, "published": published.isoformat()}
        items.append(Item(stem, episode, path.stat().st_size, guid, published))
    return items


class PodcastIndexExtension(BaseExtension):  # type: ignore[misc]
    """The channel's podcast:guid (Podcasting 2.0)."""

    def __init__(self) -> None:
        self._guid: str | None = None

    def extend_ns(self) -> dict[str, str]:
        return {"podcast": PODCAST_NS}

    def guid(self, value: str) -> None:
        self._guid = value

    def extend_rss(self, rss: Any) -> Any:
        if self._guid:
            channel = rss[0]
            xml_elem(f"{{{PODCAST_NS}}}guid", channel).text = self._guid
        return rss


class PodcastIndexEntryExtension(BaseEntryExtension):  # type: ignore[misc]
    """An item's podcast:transcript and podcast:chapters (Podcasting 2.0)."""

    def __init__(self) -> None:
        self._links: list[tuple[str, str, str]] = []

    def transcript(self, url: str, mime: str) -> None:
        self._links.append(("transcript", url, mime))

    def chapters(self, url: str, mime: str) -> None:
        self._links.append(("chapters", url, mime))

    def extend_rss(self, item: Any) -> Any:
        for name, url, mime in self._links:
            element = xml_elem(f"{{{PODCAST_NS}}}{name}", item)
            element.attrib["url"] = url
            element.attrib["type"] = mime
            if name == "transcript":
                element.attrib["language"] = "en"
        return item
