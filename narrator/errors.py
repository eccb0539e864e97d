"""User-facing errors: one exception family, shown as one line by the CLI."""

from __future__ import annotations

import re
from pathlib import Path


class NarratorError(Exception):
    """A mistake the user can fix; the CLI shows it as one line and exits 2."""

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message} ({self.hint})" if self.hint else self.message


class ConfigError(NarratorError):
    """A problem in voices.yaml, located by file, line and dotted key."""

    def __init__(
        self,
        path: Path | str,
        message: str,
        hint: str = "",
        *,
        line: int | None = None,
        key: str = "",
    ) -> None:
        where = f"{path}:{line}" if line is not None else f"{path}"
        located = f"{where}: {key}: {message}" if key else f"{where}: {message}"
        super().__init__(located, hint)
        self.path = Path(path)
        self.line = line
        self.key = key

    @classmethod
    def at(cls, origin: str, message: str, hint: str = "") -> ConfigError:
        """The error at a place recorded as `voices.yaml:12: characters.Izzie.voice`."""
        found = re.fullmatch(r"(.*):(\d+): (.*)", origin, re.DOTALL)
        if found is None:
            return cls(origin, message, hint)
        return cls(found.group(1), message, hint, line=int(found.group(2)), key=found.group(3))


class InputError(NarratorError):
    """A chapter that is missing, unreadable or undecodable."""


class EngineError(NarratorError):
    """An unknown engine or voice, or a synthesis that failed."""


class MissingTool(NarratorError):
    """An external program (espeak-ng, ffmpeg) that is not installed."""
