"""Project commands around the build: a starter cast for a new book, a voice preview."""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from narrator.attribute.discover import Found, discover
from narrator.build import (
    GENERATOR,
    BuildOptions,
    assemble,
    cache_folder,
    check_voices,
)
from narrator.cast import assign_voices
from narrator.config import starter_config
from narrator.errors import NarratorError
from narrator.files import slug, write_atomically
from narrator.ingest import ingest_every
from narrator.model import NARRATOR, UNKNOWN, Character, Config
from narrator.synth import Chunk, ClipCache, Synthesis, lexicon, speakable, voice_gains
from narrator.tags import TagInfo, write_tags

if TYPE_CHECKING:
    from collections.abc import Sequence
    from pathlib import Path


def init_config(
    chapters: Sequence[Path], destination: Path, *, engine: str = "pyttsx3", force: bool = False
) -> list[Found]:
    """Write a starter voices.yaml for the characters found in `chapters`."""
    if destination.exists() and not force:
        raise NarratorError(
            f"{destination}: already exists", "edit it, or pass --force to write a new one"
        )
    found = discover([chapter for path in chapters for chapter in ingest_every(path)])
    cast = tuple(Character(f.name, f.aliases, f.gender) for f in found)
    voices = assign_voices(Config(source=destination, characters=cast, engine=engine))
    text = starter_config(
        [(c, f.mentions) for c, f in zip(cast, found, strict=True)], voices, engine, chapters
    )
    write_atomically(destination, lambda temporary: temporary.write_text(text, encoding="utf-8"))
    return found


PREVIEW_TEXT: Final = (
    "Hello. This is how I sound in this book; the rest of my lines sound like this."
)
NARRATOR_PREVIEW_TEXT: Final = (
    "The narrator reads the story in this voice, from the first line to the last."
)


def preview(
    speaker: str, text: str | None, config: Config, options: BuildOptions
) -> tuple[str, Path]:
    """Render a sample line in a speaker's voice to `<out>/preview-<speaker>.mp3`."""
    name = resolve_speaker(speaker, config)
    voices = assign_voices(config, options.engine)
    check_voices(config, {name: voices[name]})
    voice = voices[name]
    sample = text or (NARRATOR_PREVIEW_TEXT if name == NARRATOR else PREVIEW_TEXT)
    from narrator.sentences import sentences

    chunks = [
        Chunk(0, name, part, spoken, voice, 0, 0, heading=False)
        for part in sentences(sample) or [sample]
        if (spoken := speakable(part, lexicon(config.pronounce)))
    ]
    if not chunks:
        raise NarratorError("the preview text has nothing to say", "give a sentence with words")
    options.out_dir.mkdir(parents=True, exist_ok=True)
    output = options.out_dir / f"preview-{slug(name, 'speaker')}.mp3"
    cache = ClipCache(cache_folder(config, options))
    clips = list(Synthesis(chunks, cache, jobs=1))
    gains = voice_gains({voice}, cache)
    info = TagInfo(f"Preview: {name}", config.book.title or "narrator preview", None, 1,
                   GENERATOR, build_id="")  # fmt: skip

    def encode(temporary: Path) -> None:
        assemble(chunks, clips, gains, temporary)
        write_tags(temporary, info, [])

    write_atomically(output, encode)
    return name, output


def resolve_speaker(written: str, config: Config) -> str:
    """A character's main name from its name or an alias (any case), or narrator/unknown."""
    wanted = written.casefold()
    if wanted in (NARRATOR, UNKNOWN):
        return wanted
    for character in config.characters:
        if wanted in {label.casefold() for label in (character.name, *character.aliases)}:
            return character.name
    names = ", ".join([NARRATOR, UNKNOWN, *(c.name for c in config.characters)])
    raise NarratorError(f"no speaker '{written}' in {config.source}", f"choose one of: {names}")
