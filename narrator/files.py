"""Files written whole or not at all: a temporary file beside the target, then a rename."""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from collections.abc import Callable

T = TypeVar("T")


def write_atomically(output: Path, write: Callable[[Path], T]) -> T:
    """Let `write` fill a temporary file beside `output`, then rename it into place."""
    handle, name = tempfile.mkstemp(dir=output.parent, prefix=f".{output.name}.", suffix=".tmp")
    os.close(handle)
    temporary = Path(name)
    try:
        result = write(temporary)
        os.chmod(temporary, 0o644)
        os.replace(temporary, output)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return result


def write_text(path: Path, text: str) -> None:
    """Write a text file atomically (UTF-8)."""
    write_atomically(path, lambda temporary: temporary.write_text(text, encoding="utf-8"))


def slug(name: str, fallback: str) -> str:
    """`name` as a file name: ASCII letters and digits, runs of anything else as one dash."""
    return re.sub(r"[^A-Za-z0-9]+", "-", name).strip("-").lower() or fallback
