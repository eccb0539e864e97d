"""The starter voices.yaml that `narrator init` writes for a cast found in the text."""

from __future__ import annotations

from typing import TYPE_CHECKING

import yaml

from narrator.model import NARRATOR, UNKNOWN

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from narrator.model import ChapterRef, Character, Voice


def starter_config(
    characters: Sequence[tuple[Character, int]],
    voices: Mapping[str, Voice],
    engine: str | None,
    sources: Sequence[ChapterRef],
    *,
    minor: Sequence[Character] = (),
) -> str:
    """voices.yaml text for a cast found in the text, with every chosen voice written out
    (so each can be tweaked) and each character's mention count as a comment; `minor`
    names (named once in the text) follow as comments, ready to uncomment."""
    lines = [
        f"# Written by `narrator init {' '.join(str(p) for p in sources)}`.",
        "# The characters found in the text, most mentioned first, with the voices chosen",
        "# for them. Check names, aliases and genders, delete what is not a character, and",
        "# change any voice: see 'Changing a voice' in the README.",
        *([f"engine: {_scalar(engine)}"] if engine else []),
    ]
    for role in (NARRATOR, UNKNOWN):
        lines += [f"{role}:", *_voice_lines(voices[role], engine is None)]
    lines.append("characters:" if characters else "characters: {}")
    for character, mentions in characters:
        lines.append(f"  {_scalar(character.name)}:  # {mentions} mentions")
        lines.append(f"    aliases: {_scalar(list(character.aliases))}")
        lines.append(f"    gender: {character.gender}")
        lines += ["  " + line for line in _voice_lines(voices[character.name], engine is None)]
    if minor:
        lines.append("  # Named once only (uncomment a line to give that name a voice):")
        lines += [f"  # {_scalar(c.name)}: {{gender: {c.gender}}}" for c in minor]
    return "\n".join(lines) + "\n"


def _scalar(value: object) -> str:
    """`value` as one line of YAML flow style."""
    dumped = yaml.safe_dump(value, default_flow_style=True, allow_unicode=True)
    return dumped.strip().removesuffix("\n...").strip()


def _voice_lines(voice: Voice, with_engine: bool) -> list[str]:
    out = [f"  engine: {_scalar(voice.engine)}"] if with_engine else []
    if voice.name:
        out.append(f"  voice: {_scalar(voice.name)}")
    return [*out, f"  rate: {voice.rate}", f"  pitch: {voice.pitch}"]
