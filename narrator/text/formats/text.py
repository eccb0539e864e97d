"""Plain text chapters: decoded (UTF-8 expected; other encodings recognised), passed on whole."""

from __future__ import annotations

import errno
import logging
import re
from typing import TYPE_CHECKING, Final

from narrator.errors import InputError
from narrator.files import NotARegularFile, read_regular
from narrator.text.formats import archive_text
from narrator.text.formats.document import Part

if TYPE_CHECKING:
    from pathlib import Path

_LOGGER = logging.getLogger(__name__)

CHAPTER_LIMIT: Final = 200_000_000
"""The largest source file read (a long EPUB with images is tens of MB; a whole novel as
text about 1 MB)."""


def read(path: Path) -> list[Part]:
    """The file as one chapter, its text exactly as decoded; or, for an archive's
    plain-text download (AO3, FanFiction.Net), its chapters without the archive's header,
    tags and notes (`archive_text`)."""
    text = decode(read_bytes(path), path)
    if archive_text.recognise(text):
        _LOGGER.info("%s: read as an archive download (header and notes set apart)", path)
        return archive_text.parse(text) or [Part(text)]
    return [Part(text)]


def read_bytes(path: Path) -> bytes:
    """A source file's bytes, or an `InputError` that says what is wrong with the path."""
    try:
        return read_regular(path, CHAPTER_LIMIT)
    except NotARegularFile as exc:
        if exc.strerror == "a folder":
            raise InputError(
                f"{path}: is a folder, not a chapter file",
                "give a .txt, .md, .html or .epub file",
            ) from None
        raise InputError(
            f"{path}: not a regular file (a device, a pipe or a socket)",
            "give a chapter file saved on disk",
        ) from None
    except FileNotFoundError:
        raise InputError(f"{path}: no such file", "check the path, or list chapters/") from None
    except IsADirectoryError:
        raise InputError(
            f"{path}: is a folder, not a chapter file", "give a .txt, .md, .html or .epub file"
        ) from None
    except OSError as exc:
        if exc.errno == errno.EFBIG:
            raise InputError(
                f"{path}: {exc.strerror}: too large for a chapter",
                "split the story into chapter files",
            ) from None
        raise InputError(f"{path}: cannot read it: {exc.strerror}") from None


def decode(raw: bytes, path: Path) -> str:
    """The text of a chapter file, with every line ending turned into "\\n".

    UTF-8 (with or without BOM) is expected. UTF-16 and UTF-32 (by their BOM, or UTF-16
    without one by its zero bytes) and Windows-1252 (what older Windows editors and many
    fan-fiction exports save) are recognised and decoded; `--verbose` says so. Binary data
    is refused; stray NUL bytes in text are dropped.
    """
    text, encoding = _decode(raw, path)
    if encoding != "utf-8":
        _LOGGER.info("%s: read as %s", path, encoding)
    if "\x00" in text:
        _LOGGER.warning("%s: dropped %d NUL characters", path, text.count("\x00"))
        text = text.replace("\x00", "")
    # The same translation as Python's universal newlines, so offsets match read_text().
    return text.replace("\r\n", "\n").replace("\r", "\n")


_BOMS: Final = (
    (b"\xff\xfe\x00\x00", "utf-32-le", "UTF-32"),
    (b"\x00\x00\xfe\xff", "utf-32-be", "UTF-32"),
    (b"\xff\xfe", "utf-16-le", "UTF-16"),
    (b"\xfe\xff", "utf-16-be", "UTF-16"),
)
_CONTROL: Final = re.compile(r"[\x01-\x08\x0e-\x1f\x7f-\x9f\ufffd]")
_MOSTLY_TEXT: Final = 0.01
"""At most this share of control characters in a file read as text (NUL bytes, which
some exports leave about, are counted apart: up to a tenth)."""


def _decode(raw: bytes, path: Path) -> tuple[str, str]:
    """The decoded text and the name of its encoding."""
    for bom, codec, name in _BOMS:
        if raw.startswith(bom):
            try:
                return raw[len(bom) :].decode(codec), name
            except UnicodeDecodeError:
                raise InputError(
                    f"{path}: starts like {name} text but is not", "save the chapter as UTF-8"
                ) from None
    candidates: list[tuple[str, str]] = []
    zeros_even, zeros_odd = raw[0::2].count(0), raw[1::2].count(0)
    if len(raw) >= 4 and max(zeros_even, zeros_odd) > len(raw) // 4:
        # UTF-16 without a BOM: English text has a zero byte in every other position.
        codec = "utf-16-le" if zeros_odd > zeros_even else "utf-16-be"
        candidates.append((codec, "UTF-16"))
    candidates += [("utf-8", "utf-8"), ("cp1252", "Windows-1252")]
    for codec, name in candidates:
        try:
            text = raw.decode(codec)
        except UnicodeDecodeError:
            continue
        if _looks_like_text(text):
            return text, name
    raise InputError(
        f"{path}: not a text file (binary data, or an encoding narrator cannot tell)",
        "give the chapter as UTF-8 text",
    )


def _looks_like_text(text: str) -> bool:
    sample = text[:200_000]
    if not sample:
        return True
    controls = len(_CONTROL.findall(sample))
    return controls <= _MOSTLY_TEXT * len(sample) and sample.count("\x00") <= len(sample) // 10
