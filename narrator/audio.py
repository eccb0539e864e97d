"""Audio: PCM values (resampling, pitch, clean-up) and the one module that runs ffmpeg
(loudness, encoding). Commands are argument lists, never a shell; ffmpeg's stderr goes to the debug
log, not into messages."""

from __future__ import annotations

import errno
import logging
import math
import os
import re
import shutil
import subprocess
import tempfile
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from narrator.errors import MissingTool, NarratorError
from narrator.interrupts import run_child, start_child
from narrator.model import Clip

with warnings.catch_warnings():
    # Deprecated in 3.11-3.12 and gone in 3.13, where the audioop-lts package provides it.
    warnings.simplefilter("ignore", DeprecationWarning)
    import audioop

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

_LOGGER = logging.getLogger(__name__)

SAMPLE_RATE: Final = 22_050
"""Every clip is cached and every chapter assembled at this rate (espeak-ng's own)."""
MP3_BITRATE: Final = "64k"
"""Mono spoken word: 64 kbit/s is transparent for synthetic speech."""
MP3_LAME_QUALITY: Final = "7"
"""LAME's speed/quality level: 7 encodes a chapter 1.7x faster than the default with no
loss we could measure on synthetic speech (waveform SNR 24.8 dB against 22.9 dB)."""
TARGET_LUFS: Final = -16.0
"""Integrated loudness of every chapter (the usual target for spoken-word podcasts)."""
TRUE_PEAK_DBTP: Final = -1.5
"""No chapter's true peak may exceed this."""
LIMIT_DBFS: Final = -3.0
"""The limiter's ceiling, on true peaks (`_limiter`); MP3 encoding adds a little."""
_OVERSAMPLING: Final = 2
"""The limiter works at this many times the rate. At the chapter's own rate festival's
voice, its samples held to -3 dBFS, peaked at +0.1 dBTP between them (-0.2 in the MP3,
over the -1.5 promised). Every natural voice's MP3 peaks at -2.4 to -2.8 dBTP at twice the
rate, -2.6 to -2.9 at four times; encoding the seed chapter took 1.75 s at twice, 2.30 s at
four times, 1.35 s at its own rate (medians of four)."""
ENCODER_LOSS_DB: Final = 0.45
"""How much quieter LAME's MP3 decodes than the samples it was given: 0.45 dB on a steady
tone at 64 and 128 kbit/s alike, 0.5 LU on every voice's speech (podcast engineers know
it as about 0.4 LU). The encoder makes it up after the limiter, so a chapter is at the
target and its peaks at the ceiling in the MP3, not 0.5 LU under."""
HEADROOM_DB: Final = 20.0
"""How far below their level the samples `encode_mp3` reads are written (`at_gain`); the
encoder makes it up in floating point, before the limiter. So a voice's gain never cuts
its peaks flat at 16-bit full scale, where the limiter cannot shape them: Piper's joe,
at his +10.7 dB, had 0.4% of his samples clipped (heard as crackle on plosives, and
1-2 LU louder in a chapter than his gain was measured to make him). 20 dB is more than
any installed voice's gain with room to spare; 16 bits keep speech 60 dB or more above
their own noise under it."""
FFMPEG_HINT: Final = "install it: sudo apt-get install ffmpeg"

_SILENCE_DBFS: Final = -50.0
_PITCH_PAD_S: Final = 0.25
_EDGE_MS: Final = 15
"""Silence kept at each end of a trimmed clip so plosives are not clipped."""


def silence(duration_ms: int, sample_rate: int = SAMPLE_RATE) -> bytes:
    """Silent samples of the given length."""
    return bytes(2 * (sample_rate * duration_ms // 1000))


def pitch_factor(pitch: int) -> float:
    """The frequency ratio for a 0-100 pitch setting: 50 is none, 0 and 100 are an
    octave's half down and up (x0.71, x1.41)."""
    return float(2 ** ((pitch - 50) / 100))


def shift_pitch(clip: Clip, factor: float) -> Clip:
    """The clip with its pitch moved by `factor` and its length kept.

    Rubber Band's pitch shifter, run in this process through pedalboard (no ffmpeg per
    clip); pedalboard compensates the shifter's latency, so the speech stays in place.
    """
    if abs(factor - 1.0) < 1e-3 or not clip.samples:
        return clip
    import numpy as np
    from pedalboard import PitchShift

    x = np.frombuffer(clip.samples, dtype="<i2").astype(np.float32) / 32768.0
    # Padding with silence keeps the shifter's start-up and tail where nothing is said.
    pad = np.zeros(round(clip.sample_rate * _PITCH_PAD_S), dtype=np.float32)
    shifted = PitchShift(semitones=12 * math.log2(factor))(
        np.concatenate([pad, x, pad]).reshape(1, -1), clip.sample_rate
    )[0, len(pad) : len(pad) + len(x)]
    return Clip(_to_pcm(shifted), clip.sample_rate)


def resample(clip: Clip, sample_rate: int = SAMPLE_RATE) -> Clip:
    """The clip at `sample_rate`, through soxr's band-limited resampler (an anti-aliasing
    filter, not the linear interpolation of audioop)."""
    if clip.sample_rate == sample_rate or not clip.samples:
        return Clip(clip.samples, sample_rate)
    import numpy as np
    import soxr

    x = np.frombuffer(clip.samples, dtype="<i2")
    return Clip(_to_pcm(soxr.resample(x, clip.sample_rate, sample_rate, "HQ")), sample_rate)


def float_pcm(samples: Any, sample_rate: int) -> Clip:
    """A clip from floating-point samples in [-1, 1] (what neural engines return)."""
    return Clip(_to_pcm(samples), sample_rate)


def _to_pcm(samples: Any) -> bytes:
    import numpy as np

    x = np.asarray(samples)
    if x.dtype.kind == "f":
        x = np.clip(np.nan_to_num(x) * 32768.0, -32768, 32767)
    return bytes(np.rint(x).astype("<i2").tobytes())


@dataclass(frozen=True, slots=True)
class Loudness:
    """An EBU R128 measurement."""

    integrated_lufs: float
    true_peak_dbtp: float


def measure(
    pcm: bytes | Path, sample_rate: int = SAMPLE_RATE, *, gain_db: float | None = None
) -> Loudness:
    """Integrated loudness and true peak of mono PCM (or of an audio file), by ffmpeg's
    ebur128 filter (its summary, as framelog=quiet prints a wrong figure in 5.1).

    With `gain_db`, of the PCM made that much louder and passed through the limiter every
    chapter is encoded with: what it will measure in the MP3.
    """
    summary = _ebur128(pcm, sample_rate, gain_db, peak=True)
    peak = re.search(r"Peak:\s+(-?[\d.]+|-inf) dBFS", summary)
    if peak is None:
        raise _cannot_measure()
    return Loudness(_integrated(summary), float(peak.group(1)))


def integrated_lufs(
    pcm: bytes, sample_rate: int = SAMPLE_RATE, *, gain_db: float | None = None
) -> float:
    """`measure`'s integrated loudness alone, a quarter sooner (no true peak to find)."""
    return _integrated(_ebur128(pcm, sample_rate, gain_db, peak=False))


def _cannot_measure() -> NarratorError:
    return NarratorError("ffmpeg could not measure loudness", "run with --verbose for details")


def _ebur128(pcm: bytes | Path, sample_rate: int, gain_db: float | None, *, peak: bool) -> str:
    """The summary ffmpeg's ebur128 prints of `measure`'s input."""
    if isinstance(pcm, Path):
        source, data = ["-i", str(pcm)], None
    else:
        source = ["-f", "s16le", "-ar", str(sample_rate), "-ac", "1", "-i", "pipe:0"]
        data = pcm
    chain = "ebur128=peak=true" if peak else "ebur128"
    if gain_db is not None:
        chain = f"volume={gain_db:.3f}dB,{_limiter(sample_rate)},{chain}"
    command = [ffmpeg(), "-hide_banner", "-nostdin", "-nostats", *source,
               "-af", chain, "-f", "null", "-"]  # fmt: skip
    done = run_child(command, data)
    if done.returncode != 0:
        _LOGGER.debug("ffmpeg ebur128: %s", done.stderr.decode("utf-8", "replace"))
        raise _cannot_measure()
    return done.stderr.decode("utf-8", "replace").rpartition("Summary:")[2]


def _integrated(summary: str) -> float:
    found = re.search(r"I:\s+(-?[\d.]+|-inf) LUFS", summary)
    if found is None:
        _LOGGER.debug("ffmpeg ebur128 summary: %s", summary)
        raise _cannot_measure()
    return float(found.group(1))


def _limiter(sample_rate: int) -> str:
    """ffmpeg's lookahead limiter at the ceiling, its delay compensated (timings hold), at
    `_OVERSAMPLING` times the rate, so that it sees the peaks between samples too (a
    true-peak limiter)."""
    limit = f"alimiter=limit={10 ** (LIMIT_DBFS / 20):.4f}:level=false:latency=true"
    return f"aresample={_OVERSAMPLING * sample_rate},{limit},aresample={sample_rate}"


def at_gain(samples: bytes, decibels: float) -> bytes:
    """The samples `decibels` louder, as `encode_mp3` reads them: `HEADROOM_DB` under that
    level, so no peak is clipped before the encoder's limiter."""
    if not samples:
        return samples
    return audioop.mul(samples, 2, 10 ** ((decibels - HEADROOM_DB) / 20))


def clean(clip: Clip) -> Clip:
    """The clip at the pipeline's rate, with leading and trailing silence trimmed."""
    with warnings.catch_warnings():
        # pydub warns on import when ffmpeg is not on PATH; it needs none for this, and a
        # missing ffmpeg is reported by `ffmpeg()` as one clear line.
        warnings.simplefilter("ignore", RuntimeWarning)
        from pydub import AudioSegment
        from pydub.silence import detect_leading_silence

    clip = resample(clip)
    segment = AudioSegment(data=clip.samples, sample_width=2, frame_rate=SAMPLE_RATE, channels=1)
    if len(segment) == 0:
        return Clip(b"", SAMPLE_RATE)
    head = detect_leading_silence(segment, _SILENCE_DBFS)
    tail = detect_leading_silence(segment.reverse(), _SILENCE_DBFS)
    if head >= len(segment):
        return Clip(b"", SAMPLE_RATE)
    kept = segment[max(0, head - _EDGE_MS) : len(segment) - max(0, tail - _EDGE_MS)]
    return Clip(kept.raw_data, SAMPLE_RATE)


def ffmpeg() -> str:
    """The ffmpeg executable, or `MissingTool`."""
    found = shutil.which("ffmpeg")
    if not found:
        raise MissingTool("ffmpeg not found on PATH", FFMPEG_HINT)
    return found


def encode_mp3(
    pcm: Iterable[bytes],
    destination: Path,
    *,
    sample_rate: int = SAMPLE_RATE,
    bitrate: str = MP3_BITRATE,
) -> None:
    """Stream mono 16-bit PCM, written `HEADROOM_DB` under its level (`at_gain`), through
    ffmpeg's limiter into an MP3 file (no tags), made up for what the encoder takes."""
    command = [
        ffmpeg(), "-hide_banner", "-nostdin", "-loglevel", "error", "-y",
        "-f", "s16le", "-ar", str(sample_rate), "-ac", "1", "-i", "pipe:0",
        "-af", f"volume={HEADROOM_DB:.1f}dB,{_limiter(sample_rate)},volume={ENCODER_LOSS_DB}dB",
        "-ar", str(sample_rate),
        "-codec:a", "libmp3lame", "-b:a", bitrate, "-compression_level", MP3_LAME_QUALITY,
        "-ac", "1",
        "-write_xing", "1", "-id3v2_version", "0", "-f", "mp3", str(destination),
    ]  # fmt: skip
    _LOGGER.debug("running %s", command)
    process = start_child(
        command, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    with process:
        assert process.stdin is not None
        assert process.stderr is not None
        try:
            for piece in pcm:
                process.stdin.write(piece)
            process.stdin.close()
        except BrokenPipeError:
            pass
        except BaseException:
            process.kill()
            raise
        errors = process.stderr.read().decode("utf-8", "replace")
        status = process.wait()
    if status != 0:
        _LOGGER.debug("ffmpeg said: %s", errors)
        _raise_if_disk_full(errors, destination)
        raise NarratorError(
            f"ffmpeg could not encode {destination.name} (status {status})",
            "run with --verbose to see ffmpeg's message",
        )
    if destination.stat().st_size == 0:  # the encoder said yes; is there anything?
        raise NarratorError(f"ffmpeg wrote nothing for {destination.name}", "is the disk full?")


AAC_BITRATE: Final = "64k"
"""The audiobook's bitrate: AAC at 64 kbit/s mono is ample for speech."""


def encode_audiobook(parts: Sequence[Path], metadata: str, destination: Path) -> None:
    """Join the MP3s `parts` into one AAC audiobook (MP4 container) at `destination`, with
    the chapters and tags of `metadata`, an ffmetadata document."""
    with tempfile.TemporaryDirectory(prefix="narrator-book-") as scratch:
        listing = Path(scratch) / "parts.txt"
        listing.write_text(
            "".join(f"file '{_concat_quote(part.resolve())}'\n" for part in parts),
            encoding="utf-8",
        )
        chapters = Path(scratch) / "chapters.txt"
        chapters.write_text(metadata, encoding="utf-8")
        command = [
            ffmpeg(), "-hide_banner", "-nostdin", "-loglevel", "error", "-y",
            "-f", "concat", "-safe", "0", "-i", str(listing), "-i", str(chapters),
            "-map", "0:a", "-map_metadata", "1", "-map_chapters", "1",
            "-codec:a", "aac", "-b:a", AAC_BITRATE, "-ac", "1",
            "-movflags", "+faststart", "-f", "ipod", str(destination),
        ]  # fmt: skip
        _run(command, f"could not make the audiobook {destination.name}", destination)


def _concat_quote(path: Path) -> str:
    """A path inside single quotes in an ffmpeg concat list."""
    return str(path).replace("'", "'\\''")


def ffmetadata_escape(text: str) -> str:
    """A value as ffmetadata files need it: `=`, `;`, `#`, `\\` and newlines escaped."""
    return re.sub(r"([=;#\\\n])", r"\\\1", text)


def _raise_if_disk_full(said: str, destination: Path) -> None:
    """ffmpeg's "No space left on device" as the OSError it is (said by the caller as a
    full disk, naming the file)."""
    if "No space left" in said or "Disk quota exceeded" in said:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(destination))


def _run(command: Sequence[str], failure: str, destination: Path | None = None) -> None:
    _LOGGER.debug("running %s", command)
    done = run_child(command)
    if done.returncode != 0:
        said = done.stderr.decode("utf-8", "replace")
        _LOGGER.debug("ffmpeg said: %s", said)
        if destination is not None:
            _raise_if_disk_full(said, destination)
        raise NarratorError(
            f"ffmpeg {failure} (status {done.returncode})",
            "run with --verbose to see ffmpeg's message",
        )
