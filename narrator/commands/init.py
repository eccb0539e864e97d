"""`narrator init`: a starter voices.yaml for a new book, from the characters in its text."""

from __future__ import annotations

from typing import TYPE_CHECKING

from narrator.attribute.discover import Found, discover
from narrator.build import cast_voices
from narrator.config.starter import starter_config
from narrator.errors import NarratorError
from narrator.files import write_text
from narrator.model import ChapterRef, Character, Config
from narrator.script import load_chapters
from narrator.voices.engines import EngineSet

if TYPE_CHECKING:
    from collections.abc import Sequence
    from pathlib import Path


def init_config(
    refs: Sequence[ChapterRef], destination: Path, *, engine: str | None = None, force: bool = False
) -> list[Found]:
    """Write a starter voices.yaml for the characters found in the chapters; those named
    only once (`Found.minor`) are listed in it commented out."""
    if destination.exists() and not force:
        raise NarratorError(
            f"{destination}: already exists", "edit it, or pass --force to write a new one"
        )
    chapters = load_chapters(refs, Config(source=destination))
    found = discover(chapters)
    major = [f for f in found if not f.minor]
    cast = tuple(Character(f.name, f.aliases, f.gender) for f in major)
    config = Config(source=destination, characters=cast, engine=engine)
    voices = cast_voices(config, EngineSet(), speakers=())
    text = starter_config(
        [(c, f.mentions) for c, f in zip(cast, major, strict=True)],
        voices,
        engine,
        refs,
        minor=[Character(f.name, f.aliases, f.gender) for f in found if f.minor],
    )
    write_text(destination, text)
    return found
