"""Cover art: the book's own image, or a generated square one with its title."""

from __future__ import annotations

import hashlib
import io
import logging
import textwrap
import warnings
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from narrator.errors import InputError
from narrator.files import read_regular

if TYPE_CHECKING:
    from pathlib import Path

_LOGGER = logging.getLogger(__name__)

SIZE: Final = 1400
"""Pixels a side: the minimum podcast directories ask for."""
MAX_SIDE: Final = 6000
MAX_PIXELS: Final = MAX_SIDE * MAX_SIDE
"""A cover larger than this is refused before it is decoded (a decompression bomb)."""
_FILE_LIMIT: Final = 50_000_000
_PALETTE: Final = ((38, 70, 83), (42, 157, 143), (138, 79, 125), (94, 84, 142), (181, 101, 29))


@dataclass(frozen=True, slots=True)
class Cover:
    """An image to embed and publish."""

    data: bytes
    mime: str

    @property
    def suffix(self) -> str:
        return ".png" if self.mime == "image/png" else ".jpg"


def cover_for(
    title: str, author: str | None, image: Path | None, embedded: bytes | None = None
) -> Cover:
    """The book's cover file when given (JPEG or PNG), else the one its source carries (an
    EPUB's), else one made from its title."""
    if image is not None:
        try:
            data = read_regular(image, _FILE_LIMIT)
        except OSError as exc:
            raise InputError(
                f"{image}: cannot read the cover: {exc.strerror}", "give a JPEG or PNG file"
            ) from None
        return _checked(data, str(image))
    if embedded is not None:
        try:
            return _large_enough(_checked(embedded, "the book's cover"))
        except InputError as exc:
            _LOGGER.warning("%s; a cover is made from the title instead", exc)
    return Cover(generate(title, author), "image/jpeg")


def _checked(data: bytes, where: str) -> Cover:
    from PIL import Image, UnidentifiedImageError

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as picture:
                kind = picture.format
                width, height = picture.size
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        width = height = 0
        kind = "too large"
    except (OSError, UnidentifiedImageError):
        raise InputError(f"{where}: not an image", "give a JPEG or PNG file") from None
    if kind == "too large" or width * height > MAX_PIXELS:
        raise InputError(
            f"{where}: an image too large for a cover"
            + (f" ({width}x{height} pixels)" if width else ""),
            f"give one of at most {MAX_SIDE}x{MAX_SIDE} pixels (podcast apps want 1400-3000)",
        )
    if kind not in ("JPEG", "PNG"):
        raise InputError(f"{where}: a {kind} image", "podcast apps want JPEG or PNG: convert it")
    return Cover(data, "image/png" if kind == "PNG" else "image/jpeg")


def _large_enough(cover: Cover) -> Cover:
    """A source's own cover (an EPUB's) scaled up to the size podcast apps ask for, when
    it is smaller; said once, since a scaled picture is softer."""
    from PIL import Image

    with Image.open(io.BytesIO(cover.data)) as picture:
        if min(picture.size) >= SIZE:
            return cover
        _LOGGER.info(
            "the book's cover is %dx%d pixels; scaled to %d for podcast apps (give a larger "
            "one as book.cover in voices.yaml for a sharper picture)",
            *picture.size, SIZE,
        )  # fmt: skip
        scale = SIZE / min(picture.size)
        size = (round(picture.width * scale), round(picture.height * scale))
        larger = picture.convert("RGB").resize(size, Image.Resampling.LANCZOS)
    out = io.BytesIO()
    larger.save(out, "JPEG", quality=90)
    return Cover(out.getvalue(), "image/jpeg")


def generate(title: str, author: str | None) -> bytes:
    """A square JPEG with the title (and author) on a colour chosen by the title.

    The same title gives the same bytes, so an unchanged book is not re-tagged.
    """
    from PIL import Image, ImageDraw, ImageFont

    colour = _PALETTE[hashlib.sha256(title.encode("utf-8")).digest()[0] % len(_PALETTE)]
    picture = Image.new("RGB", (SIZE, SIZE), colour)
    draw = ImageDraw.Draw(picture)
    draw.rectangle((60, 60, SIZE - 60, SIZE - 60), outline=(245, 240, 230), width=8)
    lines = textwrap.wrap(title, width=16)[:6] or ["Untitled"]
    heading = ImageFont.load_default(size=130)
    y = SIZE // 2 - (len(lines) * 150) // 2 - (60 if author else 0)
    for line in lines:
        width = draw.textlength(line, font=heading)
        draw.text(((SIZE - width) / 2, y), line, font=heading, fill=(250, 247, 240))
        y += 150
    if author:
        small = ImageFont.load_default(size=70)
        width = draw.textlength(author, font=small)
        draw.text(((SIZE - width) / 2, y + 60), author, font=small, fill=(235, 228, 214))
    out = io.BytesIO()
    picture.save(out, format="JPEG", quality=88, optimize=True)
    return out.getvalue()
