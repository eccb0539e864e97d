"""ID3v2.4 tags for a chapter MP3, through mutagen (the one module that knows the frames)."""

from __future__ import annotations

import dataclasses
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from mutagen.id3 import (
    APIC,
    CHAP,
    COMM,
    CTOC,
    ID3,
    TALB,
    TCON,
    TIT2,
    TPE1,
    TPE2,
    TRCK,
    TSSE,
    TXXX,
    CTOCFlags,
    ID3NoHeaderError,
    PictureType,
)

from narrator.printable import printable, printable_or_none
from narrator.publish.transcript import Mark
from narrator.text.sources import BookFacts

if TYPE_CHECKING:
    from collections.abc import Sequence
    from pathlib import Path

    from narrator.publish.cover import Cover

_LOGGER = logging.getLogger(__name__)

GENRE: Final = "Audiobook"
BUILD_KEY: Final = "narrator_build"
"""User text frame holding the hash of everything the file was made from (sound and tags)."""
SUMMARY_KEY: Final = "narrator_book_summary"
"""User text frame holding the book's summary (for the feed's description)."""
AUDIO_KEY: Final = "narrator_audio"
"""User text frame holding the hash of everything the sound was made from."""


@dataclass(frozen=True, slots=True)
class TagInfo:
    """What a chapter's tags say."""

    title: str
    album: str
    artist: str | None
    track: int
    generator: str
    build_id: str
    description: str | None = None
    """The chapter's summary, else the book's: the comment players show."""
    book_summary: str | None = None
    audio_id: str = ""
    cover: Cover | None = None


def write_tags(path: Path, info: TagInfo, marks: Sequence[Mark] | None = None) -> None:
    """Replace the file's ID3 tag with one made from `info`, with a chapter frame (CHAP)
    per mark under a table of contents (CTOC). With `marks` None the chapter frames the
    file has are kept, retitled after `info.title`."""
    info = dataclasses.replace(
        info,
        title=printable(info.title) or "Untitled",
        album=printable(info.album) or "Untitled",
        artist=printable_or_none(info.artist),
        description=printable_or_none(info.description),
        book_summary=printable_or_none(info.book_summary),
    )
    if marks is None:
        marks = [
            Mark(start, end, info.title if n == 0 else f"{info.title}, scene {n + 1}")
            for n, (start, end) in enumerate(read_chapter_times(path))
        ]
    marks = [dataclasses.replace(m, title=printable(m.title)) for m in marks]
    tag = ID3()
    tag.add(TIT2(encoding=3, text=info.title))
    tag.add(TALB(encoding=3, text=info.album))
    if info.artist:
        tag.add(TPE1(encoding=3, text=info.artist))
        tag.add(TPE2(encoding=3, text=info.artist))
    tag.add(TRCK(encoding=3, text=str(info.track)))
    tag.add(TCON(encoding=3, text=GENRE))
    tag.add(TSSE(encoding=3, text=info.generator))
    if info.description:
        tag.add(COMM(encoding=3, lang="eng", desc="", text=info.description))
    tag.add(TXXX(encoding=3, desc=BUILD_KEY, text=info.build_id))
    tag.add(TXXX(encoding=3, desc=AUDIO_KEY, text=info.audio_id))
    if info.book_summary:
        tag.add(TXXX(encoding=3, desc=SUMMARY_KEY, text=info.book_summary))
    if info.cover is not None:
        tag.add(APIC(encoding=3, mime=info.cover.mime, type=PictureType.COVER_FRONT,
                     desc="Cover", data=info.cover.data))  # fmt: skip
    if marks:
        ids = [f"chp{n}" for n in range(len(marks))]
        tag.add(
            CTOC(
                element_id="toc",
                flags=CTOCFlags.TOP_LEVEL | CTOCFlags.ORDERED,
                child_element_ids=ids,
                sub_frames=[TIT2(encoding=3, text="Chapters")],
            )
        )
        for element, mark in zip(ids, marks, strict=True):
            tag.add(
                CHAP(
                    element_id=element,
                    start_time=round(mark.start_seconds * 1000),
                    end_time=round(mark.end_seconds * 1000),
                    sub_frames=[TIT2(encoding=3, text=mark.title)],
                )
            )
    tag.save(path, v2_version=4)


def read_ids(path: Path) -> tuple[str | None, str | None] | None:
    """(sound hash, whole-file hash) stored by `write_tags`; None for an unreadable file."""
    try:
        tag = ID3(path)
    except (ID3NoHeaderError, FileNotFoundError):
        return None
    except Exception:  # a damaged file: rebuild it
        _LOGGER.debug("cannot read tags of %s", path, exc_info=True)
        return None

    def text(key: str) -> str | None:
        frames = tag.getall(f"TXXX:{key}")
        return str(frames[0].text[0]) if frames else None

    return text(AUDIO_KEY), text(BUILD_KEY)


def read_chapter_times(path: Path) -> list[tuple[float, float]]:
    """The (start, end) seconds of a file's chapter frames, in time order."""
    try:
        tag = ID3(path)
    except (ID3NoHeaderError, FileNotFoundError):
        return []
    frames = sorted(tag.getall("CHAP"), key=lambda frame: frame.start_time)
    return [(frame.start_time / 1000, frame.end_time / 1000) for frame in frames]


@dataclass(frozen=True, slots=True)
class Episode:
    """What the feed needs from a chapter MP3's tags."""

    title: str
    track: int
    album: str | None
    artist: str | None
    description: str | None
    book_summary: str | None
    duration_seconds: float
    cover: bytes | None = None
    """The embedded front cover's image data."""
    audio_id: str | None = None
    """A hash of the sound: it changes when the chapter is rebuilt with other audio."""


def read_episode(path: Path) -> Episode | None:
    """The tags of an MP3 narrator built (None for any other file, a preview included)."""
    from mutagen.mp3 import MP3, HeaderNotFoundError

    try:
        tag = ID3(path)
        length = float(MP3(path).info.length)  # type: ignore[attr-defined]
    except (ID3NoHeaderError, HeaderNotFoundError, FileNotFoundError):
        return None
    except Exception:
        _LOGGER.debug("cannot read %s", path, exc_info=True)
        return None

    def text(key: str) -> str | None:
        frames = tag.getall(key)
        return str(frames[0].text[0]) if frames and frames[0].text else None

    if not text(f"TXXX:{BUILD_KEY}") or "TIT2" not in tag:
        return None
    track = (text("TRCK") or "0").split("/")[0]
    comments = [c for c in tag.getall("COMM") if c.desc == ""]
    return Episode(
        title=str(tag["TIT2"]),
        track=int(track) if track.isdigit() else 0,
        album=text("TALB"),
        artist=text("TPE1"),
        description=str(comments[0].text[0]) if comments and comments[0].text else None,
        book_summary=text(f"TXXX:{SUMMARY_KEY}"),
        duration_seconds=length,
        cover=next((p.data for p in tag.getall("APIC") if p.type == PictureType.COVER_FRONT), None),
        audio_id=text(f"TXXX:{AUDIO_KEY}"),
    )


def episode_book(episode: Episode) -> BookFacts:
    """What a built chapter's tags say about its book."""
    return BookFacts(episode.album or "", episode.artist, episode.book_summary)
