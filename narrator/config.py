"""Read voices.yaml into a validated `Config`; every problem names its file, line and key."""

from __future__ import annotations

import difflib
import logging
import re
from pathlib import Path
from typing import TYPE_CHECKING, Final

import yaml

from narrator.engines import ENGINES
from narrator.errors import ConfigError
from narrator.model import (
    NARRATOR,
    UNKNOWN,
    Book,
    Character,
    Config,
    Gender,
    Override,
    Voice,
    VoiceSettings,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Mapping, Sequence

_LOGGER = logging.getLogger(__name__)

_TOP_KEYS: Final = (
    "book",
    "engine",
    "narrator",
    "unknown",
    "characters",
    "pronounce",
    "read_front_matter",
)
_BOOK_KEYS: Final = ("title", "author", "cover", "base_url")
_VOICE_KEYS: Final = ("voice", "rate", "pitch", "volume", "engine")
_CHARACTER_KEYS: Final = ("aliases", "gender", *_VOICE_KEYS)
_PIPER_VOICE_KEYS: Final = ("model", "speaker")
_GENDERS: Final = ("female", "male", "unknown")
_RATE_RANGE: Final = (80, 500)
_PITCH_RANGE: Final = (0, 100)
_VOLUME_RANGE: Final = (0.0, 2.0)


def load_config(path: Path | str) -> Config:
    """Read and validate a voices.yaml file."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ConfigError(
            path,
            "file not found",
            "pass --config PATH, or write one: see 'Changing a voice' in the README",
        ) from None
    except IsADirectoryError:
        raise ConfigError(
            path, "is a folder, not a file", "pass --config PATH/voices.yaml"
        ) from None
    except OSError as exc:
        raise ConfigError(path, f"cannot read it: {exc.strerror}") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ConfigError(
            path, f"not UTF-8 text (byte 0x{raw[exc.start]:02x})", "save it as UTF-8", line=line
        ) from None
    return config_from_text(text, path)


_OVERRIDE_KEYS: Final = ("quote", "speaker", "occurrence")
OVERRIDES_SUFFIX: Final = ".speakers.yaml"


_IMAGE_MAGIC: Final = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n")


def _looks_like_image(path: Path) -> bool:
    """Whether a file starts as a JPEG or PNG does (read in full only when it is used)."""
    try:
        with path.open("rb") as image:
            start = image.read(8)
    except OSError:
        return False
    return start.startswith(_IMAGE_MAGIC)


def overrides_path(chapter: Path, name: str | None = None) -> Path:
    """Where the corrections for a chapter live: beside its file, `<name>.speakers.yaml`
    (`name` is the chapter's own, `story-02`, for one chapter of a book file)."""
    return chapter.with_name((name or chapter.stem) + OVERRIDES_SUFFIX)


def load_overrides(path: Path, characters: Sequence[Character]) -> tuple[Override, ...]:
    """Read a chapter's speaker corrections; none when the file does not exist.

    The file is a list of `{quote: "...", speaker: Name, occurrence: 2}`; a speaker may be
    a main name or an alias, "unknown", or "narrator" (the quote is not speech).
    """
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        return ()
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(path, f"cannot read it: {exc}", "save it as UTF-8 text") from None
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        problem, hint = _explain_yaml(exc.problem or exc.context or "")
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        raise ConfigError(path, f"invalid YAML: {problem}", hint, line=line) from None
    if root is None:
        return ()
    reader = _Reader(path)
    if not isinstance(root, yaml.SequenceNode):
        raise reader.fail(root, "(top level)", "expected a list of corrections",
                          'write entries like "- {quote: \"Hello,\", speaker: Izzie}"')  # fmt: skip
    names = {NARRATOR: NARRATOR, UNKNOWN: UNKNOWN}
    for character in characters:
        for label in (character.name, *character.aliases):
            names.setdefault(label.casefold(), character.name)
    out = []
    for number, node in enumerate(root.value):
        key = f"[{number}]"
        fields = reader.mapping(node, key, _OVERRIDE_KEYS)
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
        out.append(Override(quote, speaker, occurrence, reader.where(node, key)))
    return tuple(out)


def config_from_text(text: str, path: Path) -> Config:
    """Validate voices.yaml content; `path` is used in messages and for relative files."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        problem, hint = _explain_yaml(exc.problem or exc.context or "")
        # An unclosed quote or bracket is reported where the file ends; point at its start.
        unclosed = problem.endswith("not closed") and exc.context_mark is not None
        mark = exc.context_mark if unclosed else (exc.problem_mark or exc.context_mark)
        line = mark.line + 1 if mark is not None else None
        raise ConfigError(path, f"invalid YAML: {problem}", hint, line=line) from None
    except yaml.YAMLError as exc:
        raise ConfigError(path, f"invalid YAML: {exc}") from None
    reader = _Reader(path)
    if root is None:
        raise ConfigError(path, "the file is empty", "list the characters under 'characters:'")
    top = reader.mapping(root, "", _TOP_KEYS)
    if "characters" not in top:
        raise ConfigError(
            path,
            "missing key 'characters'",
            "list the book's characters under 'characters:', "
            "e.g. 'characters: {Izzie: {gender: female}}'",
            line=root.start_mark.line + 1,
        )
    engine = reader.engine(top["engine"], "engine") if "engine" in top else "pyttsx3"
    return Config(
        source=path,
        characters=reader.characters(top["characters"]),
        book=reader.book(top["book"]) if "book" in top else Book(),
        engine=engine,
        narrator=reader.voice(top["narrator"], "narrator")
        if "narrator" in top
        else VoiceSettings(),
        unknown=reader.voice(top["unknown"], "unknown") if "unknown" in top else VoiceSettings(),
        pronounce=reader.pronounce(top["pronounce"]) if "pronounce" in top else (),
        read_front_matter=(
            reader.boolean(top["read_front_matter"], "read_front_matter")
            if "read_front_matter" in top
            else False
        ),
    )


_YAML_PROBLEMS: Final = (
    (
        "expected <block end>",
        "the indentation does not line up",
        "indent keys of one mapping equally",
    ),
    (
        "mapping values are not allowed",
        "a ':' where none can be",
        "put text containing ': ' in quotes",
    ),
    (
        "cannot start any token",
        "a character that cannot start a value",
        "indent with spaces, not tabs",
    ),
    ("expected ',' or ']'", "a '[' list is not closed", "end the list with ']'"),
    ("expected ',' or '}'", "a '{' mapping is not closed", "end the mapping with '}'"),
    ("end of stream", "a quote is not closed", "close the quote on the same line"),
)


def _explain_yaml(problem: str) -> tuple[str, str]:
    """PyYAML's problem in plain words, and what to do about it."""
    for marker, plain, hint in _YAML_PROBLEMS:
        if marker in problem:
            return plain, hint
    return problem or "not valid YAML", "check the indentation and the colons on that line"


class _Reader:
    """Turns composed YAML nodes into model values, raising located `ConfigError`s."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._constructor = yaml.constructor.SafeConstructor()

    # -- helpers ---------------------------------------------------------------

    def fail(self, node: yaml.Node, key: str, message: str, hint: str = "") -> ConfigError:
        return ConfigError(self.path, message, hint, line=node.start_mark.line + 1, key=key)

    def where(self, node: yaml.Node, key: str) -> str:
        return f"{self.path}:{node.start_mark.line + 1}: {key}"

    def value(self, node: yaml.Node) -> object:
        if not isinstance(node, yaml.ScalarNode):
            return None
        return self._constructor.construct_object(node, deep=True)

    def describe(self, node: yaml.Node) -> str:
        if isinstance(node, yaml.MappingNode):
            return "a mapping"
        if isinstance(node, yaml.SequenceNode):
            return "a list"
        value = self.value(node)
        return "nothing" if value is None else repr(value)

    def mapping(
        self, node: yaml.Node, key: str, allowed: tuple[str, ...] | None
    ) -> dict[str, yaml.Node]:
        """The entries of a mapping node; unknown keys (when `allowed` is given) are errors."""
        if not isinstance(node, yaml.MappingNode):
            what = f"'{key}'" if key else "the file"
            raise self.fail(
                node,
                key or "(top level)",
                f"expected a mapping for {what}, got {self.describe(node)}",
                "write it as indented 'name: value' lines, as in the README's voices.yaml",
            )
        out: dict[str, yaml.Node] = {}
        for key_node, value_node in node.value:
            name = self.value(key_node)
            if not isinstance(name, str | int | float) or isinstance(name, bool):
                raise self.fail(key_node, key or "(top level)", "keys must be plain names")
            name = str(name)
            dotted = f"{key}.{name}" if key else name
            if allowed is not None and name not in allowed:
                close = difflib.get_close_matches(name, allowed, n=1)
                hint = (
                    f"did you mean '{close[0]}'?" if close else "valid keys: " + ", ".join(allowed)
                )
                raise self.fail(key_node, dotted, "unknown key", hint)
            if name in out:
                raise self.fail(key_node, dotted, "given twice", "keep one of them")
            out[name] = value_node
        return out

    def string(self, node: yaml.Node, key: str) -> str:
        value = self.value(node)
        if (
            isinstance(node, yaml.ScalarNode)
            and isinstance(value, str | int | float)
            and not isinstance(value, bool)
            and str(value).strip()
        ):
            return str(value).strip()
        raise self.fail(
            node, key, f"expected text, got {self.describe(node)}", "give it a value in quotes"
        )

    def optional_string(self, node: yaml.Node, key: str) -> str | None:
        return (
            None
            if self.value(node) is None and isinstance(node, yaml.ScalarNode)
            else (self.string(node, key))
        )

    def number(self, node: yaml.Node, key: str, bounds: tuple[float, float], hint: str) -> float:
        value = self.value(node)
        if not isinstance(value, int | float) or isinstance(value, bool):
            raise self.fail(node, key, f"expected a number, got {self.describe(node)}", hint)
        low, high = bounds
        if not low <= value <= high:
            raise self.fail(node, key, f"{value} is out of range {low:g} to {high:g}", hint)
        return float(value)

    def boolean(self, node: yaml.Node, key: str) -> bool:
        value = self.value(node)
        if not isinstance(value, bool):
            raise self.fail(node, key, f"expected true or false, got {self.describe(node)}")
        return value

    def names(self, node: yaml.Node, key: str) -> Iterator[str]:
        if isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                yield self.string(item, f"{key}[{index}]")
        elif self.value(node) is not None:
            yield self.string(node, key)

    # -- sections --------------------------------------------------------------

    def engine(self, node: yaml.Node, key: str) -> str:
        name = self.string(node, key)
        if name not in ENGINES:
            close = difflib.get_close_matches(name, ENGINES, n=1)
            hint = (
                f"did you mean '{close[0]}'?" if close else "choose one of: " + ", ".join(ENGINES)
            )
            raise self.fail(node, key, f"unknown engine '{name}'", hint)
        return name

    def book(self, node: yaml.Node) -> Book:
        entries = self.mapping(node, "book", _BOOK_KEYS)
        cover: Path | None = None
        if "cover" in entries and (raw := self.optional_string(entries["cover"], "book.cover")):
            cover = (self.path.parent / raw).resolve()
            if not cover.is_file():
                raise self.fail(
                    entries["cover"],
                    "book.cover",
                    f"cover image '{raw}' not found",
                    f"put it at {cover} or remove the 'cover' line",
                )
            if not _looks_like_image(cover):
                raise self.fail(
                    entries["cover"],
                    "book.cover",
                    f"'{raw}' is not a JPEG or PNG image",
                    "podcast apps want a JPEG or PNG: convert it, or remove the 'cover' line",
                )
        return Book(
            title=self.optional_string(entries["title"], "book.title")
            if "title" in entries
            else None,
            author=(
                self.optional_string(entries["author"], "book.author")
                if "author" in entries
                else None
            ),
            cover=cover,
            base_url=self.base_url(entries["base_url"]) if "base_url" in entries else None,
        )

    def base_url(self, node: yaml.Node) -> str | None:
        url = self.optional_string(node, "book.base_url")
        if url is not None and not re.match(r"https?://[^/\s]+", url):
            raise self.fail(
                node,
                "book.base_url",
                f"'{url}' is not an http(s) address",
                "give where output/ is served, e.g. http://192.168.1.20:8000/",
            )
        return url

    def voice(
        self, node: yaml.Node, key: str, allowed: tuple[str, ...] = _VOICE_KEYS
    ) -> VoiceSettings:
        """Voice settings from a mapping holding some of voice/rate/pitch/volume/engine."""
        if isinstance(node, yaml.ScalarNode) and self.value(node) is None:
            return VoiceSettings(origin=self.where(node, key))
        entries = self.mapping(node, key, allowed)
        name: str | None = None
        model: str | None = None
        speaker: int | None = None
        if "voice" in entries:
            voice_node = entries["voice"]
            if isinstance(voice_node, yaml.MappingNode):
                piper = self.mapping(voice_node, f"{key}.voice", _PIPER_VOICE_KEYS)
                if "model" not in piper:
                    raise self.fail(
                        voice_node, f"{key}.voice", "missing 'model'", "give the Piper model file"
                    )
                written = self.string(piper["model"], f"{key}.voice.model")
                resolved = (self.path.parent / written).resolve()
                if not resolved.is_file():
                    raise self.fail(
                        piper["model"],
                        f"{key}.voice.model",
                        f"Piper model '{written}' not found",
                        f"put the .onnx file at {resolved}, or give its path from voices.yaml",
                    )
                model = str(resolved)
                if "speaker" in piper:
                    speaker = int(
                        self.number(
                            piper["speaker"], f"{key}.voice.speaker", (0, 10_000), "a speaker id"
                        )
                    )
            else:
                name = self.optional_string(voice_node, f"{key}.voice")
        return VoiceSettings(
            engine=self.engine(entries["engine"], f"{key}.engine") if "engine" in entries else None,
            name=name,
            rate=(
                round(
                    self.number(
                        entries["rate"],
                        f"{key}.rate",
                        _RATE_RANGE,
                        "give words per minute, e.g. 175",
                    )
                )
                if "rate" in entries
                else None
            ),
            pitch=(
                round(
                    self.number(
                        entries["pitch"],
                        f"{key}.pitch",
                        _PITCH_RANGE,
                        "give 0 to 100; 50 is the voice's own",
                    )
                )
                if "pitch" in entries
                else None
            ),
            volume=(
                self.number(
                    entries["volume"], f"{key}.volume", _VOLUME_RANGE, "give 0 to 1, e.g. 0.9"
                )
                if "volume" in entries
                else None
            ),
            model=model,
            speaker=speaker,
            origin=(
                self.where(entries["voice"], f"{key}.voice")
                if "voice" in entries
                else self.where(node, key)
            ),
        )

    def characters(self, node: yaml.Node) -> tuple[Character, ...]:
        if isinstance(node, yaml.ScalarNode) and self.value(node) is None:
            return ()
        entries = self.mapping(node, "characters", None)
        cast: list[Character] = []
        owner: dict[str, str] = {}
        for name, body in entries.items():
            key = f"characters.{name}"
            fields = (
                {}
                if isinstance(body, yaml.ScalarNode) and self.value(body) is None
                else self.mapping(body, key, _CHARACTER_KEYS)
            )
            aliases = (
                tuple(self.names(fields["aliases"], f"{key}.aliases"))
                if "aliases" in fields
                else ()
            )
            gender: Gender = "unknown"
            if "gender" in fields:
                raw = self.string(fields["gender"], f"{key}.gender").lower()
                if raw not in _GENDERS:
                    raise self.fail(
                        fields["gender"],
                        f"{key}.gender",
                        f"unknown gender '{raw}'",
                        "use female, male or unknown",
                    )
                gender = raw  # type: ignore[assignment]
            for label in (name, *aliases):
                if label in owner and owner[label] != name:
                    _LOGGER.info(
                        "%s: '%s' names both %s and %s", self.path, label, owner[label], name
                    )
                owner.setdefault(label, name)
            voice_fields = {k: v for k, v in fields.items() if k in _VOICE_KEYS}
            voice = VoiceSettings(origin=self.where(body, key))
            if voice_fields:
                voice = self.voice(body, key, _CHARACTER_KEYS)
            cast.append(Character(name=name, aliases=aliases, gender=gender, voice=voice))
        return tuple(cast)

    def pronounce(self, node: yaml.Node) -> tuple[tuple[str, str], ...]:
        entries = self.mapping(node, "pronounce", None)
        return tuple(
            (word, self.string(value, f"pronounce.{word}")) for word, value in entries.items()
        )


def starter_config(
    characters: Sequence[tuple[Character, int]],
    voices: Mapping[str, Voice],
    engine: str,
    sources: Sequence[Path],
) -> str:
    """voices.yaml text for a cast found in the text, with every chosen voice written out
    (so each can be tweaked) and each character's mention count as a comment."""

    def scalar(value: object) -> str:
        return (
            yaml.safe_dump(value, default_flow_style=True, allow_unicode=True)
            .strip()
            .removesuffix("\n...")
            .strip()
        )

    lines = [
        f"# Written by `narrator init {' '.join(str(p) for p in sources)}`.",
        "# The characters found in the text, most mentioned first, with the voices chosen",
        "# for them. Check names, aliases and genders, delete what is not a character, and",
        "# change any voice: see 'Changing a voice' in the README.",
        f"engine: {scalar(engine)}",
    ]
    for role in (NARRATOR, UNKNOWN):
        lines += [f"{role}:", *_voice_lines(voices[role], scalar)]
    lines.append("characters:" if characters else "characters: {}")
    for character, mentions in characters:
        lines.append(f"  {scalar(character.name)}:  # {mentions} mentions")
        lines.append(f"    aliases: {scalar(list(character.aliases))}")
        lines.append(f"    gender: {character.gender}")
        lines += ["  " + line for line in _voice_lines(voices[character.name], scalar)]
    return "\n".join(lines) + "\n"


def _voice_lines(voice: Voice, scalar: Callable[[object], str]) -> list[str]:
    out = []
    if voice.name:
        out.append(f"  voice: {scalar(voice.name)}")
    return [*out, f"  rate: {voice.rate}", f"  pitch: {voice.pitch}"]
