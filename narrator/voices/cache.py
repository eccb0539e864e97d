"""The clip cache: every clip on disk under a hash of what makes it sound as it does."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
import wave
from dataclasses import astuple, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Final

from narrator import audio
from narrator.files import remove_stale

if TYPE_CHECKING:
    from narrator.model import Clip, Config, Voice
    from narrator.voices.engines import Engine

_LOGGER = logging.getLogger(__name__)

CACHE_ENV: Final = "NARRATOR_CACHE"
CACHE_FORMAT: Final = 2
"""Bump when what is stored for a clip changes (trimming, sample rate; 2: pitch-shifted
clips no longer lose their last tenth of a second)."""
_LEFTOVER_AGE_SECONDS: Final = 3600.0


def cache_folder(config: Config, chosen: Path | None = None) -> Path:
    """Where clips are cached: `chosen` (--cache), else `$NARRATOR_CACHE`, else
    `.narrator-cache/` beside voices.yaml."""
    if chosen is not None:
        return chosen
    if os.environ.get(CACHE_ENV):
        return Path(os.environ[CACHE_ENV])
    return config.source.parent / ".narrator-cache"


@dataclass(frozen=True, slots=True)
class CachedClip:
    """A rendered clip in the cache."""

    path: Path
    frame_count: int

    @property
    def duration_seconds(self) -> float:
        return self.frame_count / audio.SAMPLE_RATE


class ClipCache:
    """Clips on disk under a hash of everything that makes them sound as they do."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def key(self, engine: Engine, speech: str, voice: Voice) -> str:
        """The clip's address: engine, engine version, voice, text, format."""
        material = json.dumps(
            [CACHE_FORMAT, engine.name, engine.version, astuple(voice), speech, audio.SAMPLE_RATE],
            ensure_ascii=False,
        )
        return hashlib.sha256(material.encode("utf-8")).hexdigest()

    def path(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}.wav"

    def load(self, key: str) -> CachedClip | None:
        """The cached clip, or None when it is missing, truncated or corrupt (then removed)."""
        path = self.path(key)
        try:
            with wave.open(os.fspath(path), "rb") as wav:
                frames = wav.getnframes()
                valid = (
                    wav.getnchannels() == 1
                    and wav.getsampwidth() == 2
                    and wav.getframerate() == audio.SAMPLE_RATE
                    and path.stat().st_size >= 44 + 2 * frames
                )
        except FileNotFoundError:
            return None
        except (OSError, EOFError, wave.Error):
            valid = False
            frames = 0
        if not valid:
            _LOGGER.info("cached clip %s is damaged; making it again", path.name)
            path.unlink(missing_ok=True)
            return None
        return CachedClip(path, frames)

    def remove_leftovers(self) -> None:
        """Delete temporary clips a killed build left (an hour old: a build sharing the
        cache may be writing younger ones)."""
        remove_stale(self.folder, "*/.tmp-*", _LEFTOVER_AGE_SECONDS)

    def store(self, key: str, clip: Clip) -> CachedClip:
        """Write a clip atomically (a reader never sees half a file)."""
        path = self.path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".wav")
        try:
            with os.fdopen(handle, "wb") as raw, wave.open(raw, "wb") as wav:
                wav.setnchannels(1)
                wav.setsampwidth(2)
                wav.setframerate(audio.SAMPLE_RATE)
                wav.writeframes(clip.samples)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        return CachedClip(path, clip.frame_count)

    def read_json(self, name: str) -> object:
        """A small JSON record kept in the cache (`loudness/<hash>.json`); None if absent
        or unreadable."""
        try:
            return json.loads((self.folder / name).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None

    def write_json(self, name: str, data: object) -> None:
        """Keep a small JSON record in the cache, atomically."""
        path = self.folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".json")
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                json.dump(data, out)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise


def read_samples(clip: CachedClip) -> bytes:
    """A cached clip's sample data."""
    with wave.open(os.fspath(clip.path), "rb") as wav:
        return wav.readframes(wav.getnframes())
