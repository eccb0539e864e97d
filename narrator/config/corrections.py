"""The corrections file beside a chapter (`<chapter>.speakers.yaml`): who says a quote.

Read into `Override`s for attribution; merged in place when the review page saves new
ones, so the user's own comments and layout in the file are kept.
"""

from __future__ import annotations

import difflib
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

import yaml

from narrator.config.voices import read_config_text
from narrator.config.yamlnodes import NodeReader, compose
from narrator.model import NARRATOR, UNKNOWN, Override

if TYPE_CHECKING:
    from collections.abc import Sequence
    from pathlib import Path

    from narrator.model import ChapterRef, Character

_KEYS: Final = ("quote", "speaker", "occurrence")
SUFFIX: Final = ".speakers.yaml"


def corrections_path(ref: ChapterRef) -> Path:
    """Where the corrections for a chapter live: beside its file, `<name>.speakers.yaml`
    (`story-02.speakers.yaml` for one chapter of a book file)."""
    return ref.path.with_name(ref.name + SUFFIX)


def load_corrections(path: Path, characters: Sequence[Character]) -> tuple[Override, ...]:
    """Read a chapter's speaker corrections; none when the file does not exist.

    The file is a list of `{quote: "...", speaker: Name, occurrence: 2}`; a speaker may be
    a main name or an alias, "unknown", or "narrator" (the quote is not speech).
    """
    if not path.exists():
        return ()
    return tuple(entry for entry, _ in _entries(path, read_config_text(path), characters))


def _entries(
    path: Path, text: str, characters: Sequence[Character]
) -> list[tuple[Override, yaml.Node]]:
    """Each correction with the YAML node it was read from."""
    root = compose(text, path)
    if root is None:
        return []
    reader = NodeReader(path)
    if not isinstance(root, yaml.SequenceNode):
        raise reader.fail(
            root,
            "(top level)",
            "expected a list of corrections",
            'write entries like "- {quote: "Hello,", speaker: Izzie}"',
        )
    names = {NARRATOR: NARRATOR, UNKNOWN: UNKNOWN}
    for character in characters:
        for label in (character.name, *character.aliases):
            names.setdefault(label.casefold(), character.name)
    out = []
    for number, node in enumerate(root.value):
        key = f"[{number}]"
        fields = reader.mapping(node, key, _KEYS)
        for required in ("quote", "speaker"):
            if required not in fields:
                raise reader.fail(node, key, f"missing '{required}'", "give quote and speaker")
        quote = " ".join(
            reader.string(fields["quote"], f"{key}.quote").strip('"\u201c\u201d').split()
        )
        said = reader.string(fields["speaker"], f"{key}.speaker")
        speaker = names.get(said.casefold())
        if speaker is None:
            close = difflib.get_close_matches(said, [c.name for c in characters], n=1)
            hint = f"did you mean '{close[0]}'?" if close else "use a name from voices.yaml"
            raise reader.fail(
                fields["speaker"], f"{key}.speaker", f"'{said}' is not in the cast", hint
            )
        occurrence = 1
        if "occurrence" in fields:
            occurrence = int(reader.number(fields["occurrence"], f"{key}.occurrence", (1, 10_000),
                                           "1 for the first quote with this text"))  # fmt: skip
        out.append((Override(quote, speaker, occurrence, reader.where(node, key)), node))
    return out


@dataclass(frozen=True, slots=True)
class Merge:
    """What merging a saved corrections file did."""

    path: Path
    added: int
    changed: int
    total: int


def merge_corrections(
    target: Path, incoming: Sequence[Override], characters: Sequence[Character], header: str
) -> tuple[Merge, str]:
    """The corrections file `target` with `incoming` merged in, and what changed: an entry
    for the same quote (text and occurrence) gets the new speaker where it stands, others
    are added at the end. `header` opens a file written anew."""
    text = read_config_text(target) if target.exists() else ""
    current = _entries(target, text, characters) if text else []
    final = {(o.quote, o.occurrence): o for o, _ in current}
    added = changed = 0
    for override in incoming:
        before = final.get(key := (override.quote, override.occurrence))
        if before is None:
            added += 1
        elif before.speaker != override.speaker:
            changed += 1
        final[key] = override
    root = compose(text, target) if text else None  # None: empty, or comments only
    if isinstance(root, yaml.SequenceNode) and not root.flow_style:
        # Each changed entry's speaker is replaced where it stands, last first.
        stale = [
            (_speaker_node(node), final[key].speaker)
            for o, node in current
            if final[key := (o.quote, o.occurrence)].speaker != o.speaker
        ]
        for node, speaker in sorted(stale, key=lambda item: -item[0].start_mark.index):
            text = text[: node.start_mark.index] + _scalar(speaker) + text[node.end_mark.index :]
        known = {(o.quote, o.occurrence) for o, _ in current}
        lines = [_entry(o) for key, o in final.items() if key not in known]
    else:
        if root is not None or not text.strip():  # a `[...]` list is written out anew
            text = header
        lines = [_entry(o) for o in final.values()]
    if lines:
        text = (text if text.endswith("\n") or not text else text + "\n") + "".join(lines)
    return Merge(target, added, changed, len(final)), text


def _speaker_node(entry: yaml.Node) -> yaml.Node:
    """The value node of an entry's `speaker` key (`_entries` has checked it is there)."""
    value: yaml.Node = next(v for k, v in entry.value if k.value == "speaker")
    return value


def _scalar(value: str) -> str:
    """`value` as a YAML scalar: a JSON string is a valid double-quoted one."""
    return json.dumps(value, ensure_ascii=False)


def _entry(override: Override) -> str:
    """One correction as a line of the corrections file."""
    occurrence = f", occurrence: {override.occurrence}" if override.occurrence > 1 else ""
    return (
        f"- {{quote: {_scalar(override.quote)}, speaker: {_scalar(override.speaker)}"
        f"{occurrence}}}\n"
    )


__all__ = ["SUFFIX", "Merge", "corrections_path", "load_corrections",
           "merge_corrections"]  # fmt: skip
