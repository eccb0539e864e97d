"""`narrator preview`: a sample line in one speaker's voice, made as a chapter is."""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from narrator.build import cast_voices, narrate, open_cache, plan_audio
from narrator.errors import NarratorError
from narrator.files import slug
from narrator.model import NARRATOR, UNKNOWN, BuildOptions, Config
from narrator.publish.freshness import GENERATOR
from narrator.publish.id3 import TagInfo
from narrator.script import sample_script
from narrator.voices.engines import EngineSet

if TYPE_CHECKING:
    from pathlib import Path

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
    engines = EngineSet()
    voices = cast_voices(config, engines, options.engine, speakers=[name])
    sample = sample_script(
        text or (NARRATOR_PREVIEW_TEXT if name == NARRATOR else PREVIEW_TEXT), name
    )
    chunks = plan_audio(sample, config, voices)
    if not chunks:
        raise NarratorError("the preview text has nothing to say", "give a sentence with words")
    options.out_dir.mkdir(parents=True, exist_ok=True)
    output = options.out_dir / f"preview-{slug(name, 'speaker')}.mp3"
    info = TagInfo(f"Preview: {name}", config.book.title or "narrator preview", None, 1,
                   GENERATOR, build_id="")  # fmt: skip
    cache = open_cache(config, options.cache_dir)
    narrate(chunks, engines, cache, output, info, with_sidecars=False)
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
