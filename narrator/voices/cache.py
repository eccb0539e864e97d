"""The clip cache: every clip on disk under a hash of what makes it sound as it does."""

from __future__ import annotations

import atexit
import contextlib
import hashlib
import json
import logging
import os
import shutil
import tempfile
import wave
from dataclasses import astuple, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Final

from narrator import audio
from narrator.files import read_regular, remove_stale

if TYPE_CHECKING:
    from narrator.model import Clip, Config, Voice
    from narrator.voices.engines import Engine

_LOGGER = logging.getLogger(__name__)

CACHE_ENV: Final = "NARRATOR_CACHE"
CACHE_FORMAT: Final = 3
"""Bump when what is stored for a clip changes (trimming, sample rate; 2: pitch-shifted
clips no longer lose their last tenth of a second; 3: Piper's sentences at the model's own
level, not each scaled to full scale; loudness calibrated with one refinement)."""
_LEFTOVER_AGE_SECONDS: Final = 3600.0
_WAV_HEADER: Final = 44
_RECORD_LIMIT: Final = 1_000_000


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

    @classmethod
    def opened(cls, folder: Path) -> ClipCache:
        """The cache in `folder`, or, when it cannot be used (a file in its place, a
        read-only or full disk), one warning and a cache in a temporary folder that goes
        with this process: the build goes on, only slower next time."""
        try:
            folder.mkdir(parents=True, exist_ok=True)
            handle, probe = tempfile.mkstemp(dir=folder, prefix=".tmp-probe-")
            os.close(handle)
            os.unlink(probe)
        except OSError as exc:
            reason = "a file is in its place" if folder.is_file() else exc.strerror or str(exc)
            scratch = Path(tempfile.mkdtemp(prefix="narrator-cache-"))
            atexit.register(shutil.rmtree, scratch, ignore_errors=True)
            _LOGGER.warning(
                "the clip cache %s cannot be used (%s); building without it this time",
                folder, reason,
            )  # fmt: skip
            return cls(scratch)
        return cls(folder)

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
            size = path.stat().st_size
            if not path.is_file():  # a FIFO or a folder in its place: never opened
                raise wave.Error("not a regular file")
            with wave.open(os.fspath(path), "rb") as wav:
                frames = wav.getnframes()
                # narrator writes a 44-byte header and exactly the frames it declares: a
                # header that says less (or more) than the file holds is damaged.
                valid = (
                    wav.getnchannels() == 1
                    and wav.getsampwidth() == 2
                    and wav.getframerate() == audio.SAMPLE_RATE
                    and size == _WAV_HEADER + 2 * frames
                )
        except FileNotFoundError:
            return None
        except (OSError, EOFError, wave.Error):
            valid = False
            frames = 0
        if not valid:
            _LOGGER.info("cached clip %s is damaged; making it again", path.name)
            with contextlib.suppress(OSError):  # a folder in its place stays; it is skipped
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
            return json.loads(read_regular(self.folder / name, _RECORD_LIMIT).decode("utf-8"))
        except (OSError, ValueError, RecursionError):
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
