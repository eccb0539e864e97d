"""voices.yaml -> a validated `Config`; every problem names its file, line and key.

Parsing is pure (`parse_config`: text in, `Config` out); the files it names (the cover,
Piper models) are checked apart, by `check_files`, and `load_config` does both.
"""

from __future__ import annotations

import difflib
import logging
import re
from pathlib import Path
from typing import Final

import yaml

from narrator.config.yamlnodes import NodeReader, compose
from narrator.errors import ConfigError
from narrator.files import NotARegularFile, read_regular
from narrator.model import BookSettings, Character, Config, Gender, VoiceSettings
from narrator.printable import printable
from narrator.voices.engines import ENGINES

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
_YAML_LIMIT: Final = 10_000_000
"""A cast or corrections file larger than this is not one."""
_IMAGE_MAGIC: Final = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n")


def load_config(path: Path | str) -> Config:
    """Read, validate and check the files named by a voices.yaml file."""
    path = Path(path)
    config = parse_config(read_config_text(path), path)
    check_files(config)
    return config


def read_config_text(path: Path) -> str:
    """A YAML file's text (UTF-8, with or without BOM), or a `ConfigError` saying why not."""
    try:
        raw = read_regular(path, _YAML_LIMIT)
    except NotARegularFile as exc:
        if exc.strerror == "a folder":
            raise ConfigError(
                path, "is a folder, not a file", "pass --config PATH/voices.yaml"
            ) from None
        raise ConfigError(path, "not a regular file (a device, a pipe or a socket)") from None
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
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ConfigError(
            path, f"not UTF-8 text (byte 0x{raw[exc.start]:02x})", "save it as UTF-8", line=line
        ) from None


def parse_config(text: str, path: Path) -> Config:
    """Validate voices.yaml content; `path` is used in messages and for relative files."""
    root = compose(text, path)
    if root is None:
        raise ConfigError(path, "the file is empty", "list the characters under 'characters:'")
    reader = _VoicesReader(path)
    top = reader.mapping(root, "", _TOP_KEYS)
    if "characters" not in top:
        raise ConfigError(
            path,
            "missing key 'characters'",
            "list the book's characters under 'characters:', "
            "e.g. 'characters: {Izzie: {gender: female}}'",
            line=root.start_mark.line + 1,
        )
    return Config(
        source=path,
        characters=reader.characters(top["characters"]),
        book=reader.book(top["book"]) if "book" in top else BookSettings(),
        engine=reader.engine(top["engine"], "engine") if "engine" in top else None,
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


def check_files(config: Config) -> None:
    """Check that the files voices.yaml names are there and of the right kind."""
    cover = config.book.cover
    if cover is not None:
        if not cover.is_file():
            raise ConfigError.at(
                config.book.cover_origin,
                f"cover image '{_written(cover, config)}' not found",
                f"put it at {cover} or remove the 'cover' line",
            )
        if not _looks_like_image(cover):
            raise ConfigError.at(
                config.book.cover_origin,
                f"'{_written(cover, config)}' is not a JPEG or PNG image",
                "podcast apps want a JPEG or PNG: convert it, or remove the 'cover' line",
            )
    for settings in (config.narrator, config.unknown, *(c.voice for c in config.characters)):
        if settings.model is not None and not Path(settings.model).is_file():
            raise ConfigError.at(
                settings.origin,
                f"Piper model '{_written(Path(settings.model), config)}' not found",
                f"put the .onnx file at {settings.model}, or give its path from voices.yaml",
            )


def _written(path: Path, config: Config) -> str:
    """A resolved path as the user wrote it: relative to voices.yaml's folder."""
    try:
        return str(path.relative_to(config.source.parent.resolve()))
    except ValueError:
        return str(path)


def _looks_like_image(path: Path) -> bool:
    """Whether a file starts as a JPEG or PNG does (read in full only when it is used)."""
    try:
        with path.open("rb") as image:
            start = image.read(8)
    except OSError:
        return False
    return start.startswith(_IMAGE_MAGIC)


class _VoicesReader(NodeReader):
    """The sections of voices.yaml."""

    def engine(self, node: yaml.Node, key: str) -> str:
        name = self.string(node, key)
        if name not in ENGINES:
            close = difflib.get_close_matches(name, ENGINES, n=1)
            hint = (
                f"did you mean '{close[0]}'?" if close else "choose one of: " + ", ".join(ENGINES)
            )
            raise self.fail(node, key, f"unknown engine '{name}'", hint)
        return name

    def book(self, node: yaml.Node) -> BookSettings:
        entries = self.mapping(node, "book", _BOOK_KEYS)
        cover: Path | None = None
        origin = ""
        if "cover" in entries and (raw := self.optional_string(entries["cover"], "book.cover")):
            cover = (self.path.parent / raw).resolve()
            origin = self.where(entries["cover"], "book.cover")

        def text(key: str) -> str | None:
            return self.optional_string(entries[key], f"book.{key}") if key in entries else None

        return BookSettings(
            title=text("title"),
            author=text("author"),
            cover=cover,
            base_url=self.base_url(entries["base_url"]) if "base_url" in entries else None,
            cover_origin=origin,
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
        if self.is_empty(node):
            return VoiceSettings(origin=self.where(node, key))
        entries = self.mapping(node, key, allowed)
        name: str | None = None
        model: str | None = None
        speaker: int | None = None
        origin = self.where(entries["voice"], f"{key}.voice") if "voice" in entries else None
        if "voice" in entries:
            voice_node = entries["voice"]
            if isinstance(voice_node, yaml.MappingNode):
                piper = self.mapping(voice_node, f"{key}.voice", _PIPER_VOICE_KEYS)
                if "model" not in piper:
                    raise self.fail(
                        voice_node, f"{key}.voice", "missing 'model'", "give the Piper model file"
                    )
                written = self.string(piper["model"], f"{key}.voice.model")
                model = str((self.path.parent / written).resolve())
                origin = self.where(piper["model"], f"{key}.voice.model")
                if "speaker" in piper:
                    speaker = int(
                        self.number(
                            piper["speaker"], f"{key}.voice.speaker", (0, 10_000), "a speaker id"
                        )
                    )
            else:
                name = self.optional_string(voice_node, f"{key}.voice")

        def number(field: str, bounds: tuple[float, float], hint: str) -> float | None:
            if field not in entries:
                return None
            return self.number(entries[field], f"{key}.{field}", bounds, hint)

        rate = number("rate", _RATE_RANGE, "give words per minute, e.g. 175")
        pitch = number("pitch", _PITCH_RANGE, "give 0 to 100; 50 is the voice's own")
        return VoiceSettings(
            engine=self.engine(entries["engine"], f"{key}.engine") if "engine" in entries else None,
            name=name,
            rate=round(rate) if rate is not None else None,
            pitch=round(pitch) if pitch is not None else None,
            volume=number("volume", _VOLUME_RANGE, "give 0 to 1, e.g. 0.9"),
            model=model,
            speaker=speaker,
            origin=origin or self.where(node, key),
        )

    def characters(self, node: yaml.Node) -> tuple[Character, ...]:
        if self.is_empty(node):
            return ()
        entries = self.mapping(node, "characters", None)
        cast: list[Character] = []
        owner: dict[str, str] = {}
        for written, body in entries.items():
            name = self.label(
                written, body, f"characters.{printable(written)}", "a character's name"
            )
            key = f"characters.{name}"
            fields = {} if self.is_empty(body) else self.mapping(body, key, _CHARACTER_KEYS)
            aliases = (
                tuple(
                    self.label(alias, fields["aliases"], f"{key}.aliases", "an alias")
                    for alias in self.names(fields["aliases"], f"{key}.aliases")
                )
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
            voice = VoiceSettings(origin=self.where(body, key))
            if any(k in _VOICE_KEYS for k in fields):
                voice = self.voice(body, key, _CHARACTER_KEYS)
            cast.append(Character(name=name, aliases=aliases, gender=gender, voice=voice))
        return tuple(cast)

    def pronounce(self, node: yaml.Node) -> tuple[tuple[str, str], ...]:
        entries = self.mapping(node, "pronounce", None)
        return tuple(
            (
                self.label(word, value, f"pronounce.{printable(word)}", "a word to pronounce"),
                self.string(value, f"pronounce.{word}"),
            )
            for word, value in entries.items()
        )

    def label(self, written: str, node: yaml.Node, key: str, what: str) -> str:
        """A name or word as written, trimmed; an error for one that is blank, has no
        letter or digit, or holds control characters (it would match everywhere, or
        nowhere, and break the transcript)."""
        name = written.strip()
        if not name or not any(c.isalnum() for c in name):
            raise self.fail(
                node, key, f"{what} must have a letter or digit in it, got {written!r}",
                "write the name, or delete the entry",
            )  # fmt: skip
        if printable(name) != name:
            raise self.fail(
                node, key, f"{what} holds a control character or a line break: {written!r}",
                "write it on one line, with plain characters",
            )  # fmt: skip
        return name
