"""The whole book as one M4B (AAC in MP4) for audiobook apps: a chapter atom per chapter,
the cover, and the book's tags.

Made from the chapter MP3s a build left in the output folder, so it never synthesises
anything; a hash of those files' build ids is kept in the M4B, and an unchanged book is
not made again.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from mutagen import MutagenError
from mutagen.mp4 import MP4, MP4Cover, MP4FreeForm

from narrator import __version__, audio
from narrator.audio import ffmetadata_escape
from narrator.errors import NarratorError
from narrator.files import os_error, slug, write_atomically
from narrator.printable import printable, printable_or_none
from narrator.publish.cover import cover_for
from narrator.publish.id3 import GENRE, episode_book, read_episode, read_ids
from narrator.text.sources import resolve_book

if TYPE_CHECKING:
    from collections.abc import Sequence
    from pathlib import Path

    from narrator.model import Config
    from narrator.publish.cover import Cover
    from narrator.publish.id3 import Episode

BUILD_ATOM: Final = "----:org.narrator:build"
"""Freeform MP4 atom holding the hash of everything the book was made from."""
_AUDIOBOOK_MEDIA_KIND: Final = 2
"""iTunes' `stik` value for an audiobook."""


@dataclass(frozen=True, slots=True)
class Audiobook:
    """What the M4B holds: its chapters in order and the book's tags."""

    title: str
    author: str | None
    summary: str | None
    cover: Cover | None
    parts: tuple[Path, ...]
    episodes: tuple[Episode, ...]


@dataclass(frozen=True, slots=True)
class AudiobookResult:
    """The M4B written (or found up to date)."""

    output: Path
    chapters: int
    duration_seconds: float
    up_to_date: bool


def collect(parts: Sequence[Path], config: Config) -> Audiobook:
    """The book made of the chapter MP3s `parts` (in track order), their tags read back;
    its cover voices.yaml's, else the one in the chapters' tags, else one made from the
    title."""
    found: list[tuple[int, Path, Episode]] = []
    for path in parts:
        episode = read_episode(path)
        if episode is None:
            raise NarratorError(
                f"{path}: not a chapter narrator built", "run `narrator build` first"
            )
        found.append((episode.track, path, episode))
    if not found:
        raise NarratorError("there are no chapters to make a book of", "add a chapter first")
    found.sort(key=lambda item: (item[0], item[1].name))
    episodes = tuple(episode for _, _, episode in found)
    book = resolve_book(config.book, map(episode_book, episodes), config.source.parent)
    return Audiobook(
        title=book.title,
        author=book.author,
        summary=book.summary,
        cover=cover_for(
            book.title,
            book.author,
            config.book.cover,
            next((e.cover for e in episodes if e.cover), None),
        ),
        parts=tuple(path for _, path, _ in found),
        episodes=episodes,
    )


def make_book(book: Audiobook, out_dir: Path, *, force: bool = False) -> AudiobookResult:
    """Write `out_dir/<title>.m4b` (atomically) unless an identical one is there."""
    output = out_dir / f"{slug(book.title, 'book')}.m4b"
    identity = _book_id(book)
    duration = sum(e.duration_seconds for e in book.episodes)
    if not force and _stored_id(output) == identity:
        return AudiobookResult(output, len(book.parts), duration, up_to_date=True)

    def write(temporary: Path) -> None:
        audio.encode_audiobook(book.parts, ffmetadata(book), temporary)
        try:
            _tag(temporary, book, identity)
        except MutagenError as exc:
            cause = os_error(exc)
            if cause is not None:
                raise cause from None  # a full disk, said as such by write_atomically
            # The encoder said it succeeded; what it wrote is not an audiobook.
            raise NarratorError(
                f"{output}: the encoder's output is damaged ({exc})",
                "check the free space on the disk and run narrator book again",
            ) from None

    write_atomically(output, write)
    return AudiobookResult(output, len(book.parts), duration, up_to_date=False)


def ffmetadata(book: Audiobook) -> str:
    """The chapters (one per chapter MP3, at their running start times) as ffmetadata."""
    lines = [";FFMETADATA1"]
    start = 0
    for episode in book.episodes:
        end = start + round(episode.duration_seconds * 1000)
        lines += [
            "",
            "[CHAPTER]",
            "TIMEBASE=1/1000",
            f"START={start}",
            f"END={end}",
            f"title={ffmetadata_escape(printable(episode.title))}",
        ]
        start = end
    return "\n".join(lines) + "\n"


def _tag(path: Path, book: Audiobook, identity: str) -> None:
    """The book's tags, written with mutagen (ffmpeg's own tags would name ffmpeg)."""
    mp4 = MP4(path)  # type: ignore[no-untyped-call]
    tags = mp4.tags
    if tags is None:
        mp4.add_tags()  # type: ignore[no-untyped-call]
        tags = mp4.tags
    assert tags is not None
    title = printable(book.title) or "Untitled"
    tags["\xa9nam"] = [title]
    tags["\xa9alb"] = [title]
    tags["\xa9gen"] = [GENRE]
    tags["\xa9too"] = [f"narrator {__version__}"]
    tags["stik"] = [_AUDIOBOOK_MEDIA_KIND]
    if author := printable_or_none(book.author):
        tags["\xa9ART"] = [author]
        tags["aART"] = [author]
    if summary := printable_or_none(book.summary):
        tags["desc"] = [summary]
    if book.cover is not None:
        kind = MP4Cover.FORMAT_PNG if book.cover.mime == "image/png" else MP4Cover.FORMAT_JPEG
        tags["covr"] = [MP4Cover(book.cover.data, imageformat=kind)]
    tags[BUILD_ATOM] = [MP4FreeForm(identity.encode("ascii"))]
    mp4.save()


def _stored_id(path: Path) -> str | None:
    try:
        tags = MP4(path).tags  # type: ignore[no-untyped-call]
    except Exception:  # absent, truncated or not an MP4: make it again
        return None
    values = tags.get(BUILD_ATOM) if tags is not None else None
    return bytes(values[0]).decode("ascii", "replace") if values else None


def _book_id(book: Audiobook) -> str:
    """A hash of the chapters' build ids and of the book's tags and cover."""
    material = {
        "generator": __version__,
        "bitrate": audio.AAC_BITRATE,
        "title": book.title,
        "author": book.author,
        "summary": book.summary,
        "cover": hashlib.sha256(book.cover.data).hexdigest() if book.cover else None,
        "parts": [[p.name, read_ids(p), p.stat().st_size] for p in book.parts],
    }
    text = json.dumps(material, sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
