"""Synthesise: one clip per (voice, sentence), content-addressed on disk, rendered in parallel."""

from __future__ import annotations

import concurrent.futures
import contextlib
import hashlib
import json
import logging
import multiprocessing
import os
import re
import signal
import sys
import tempfile
import threading
import time
import wave
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import astuple, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Final

from narrator import audio
from narrator.engines import Engine, get_engine
from narrator.files import remove_stale

if TYPE_CHECKING:
    from narrator.model import Chapter, Clip, Segment, Voice

_LOGGER = logging.getLogger(__name__)

CACHE_FORMAT: Final = 2
"""Bump when what is stored for a clip changes (trimming, sample rate; 2: pitch-shifted
clips no longer lose their last tenth of a second)."""
_BATCH: Final = 8
"""Clips per task sent to a worker: fewer round trips, still fine-grained progress."""
PARALLEL_MIN_CLIPS: Final = 32
"""Fewer clips than this render in-process: starting a worker costs ~0.2 s."""

Progress = Callable[[int, int], None]


@dataclass(frozen=True, slots=True)
class Chunk:
    """One clip to render: a sentence of a segment, in the segment's voice."""

    segment: int
    """Index of the segment it belongs to."""
    speaker: str
    text: str
    """The sentence as written in the chapter."""
    speech: str
    """What the engine is given: markup removed, pronunciations applied."""
    voice: Voice
    paragraph: int
    scene: int
    heading: bool

    def placement(self) -> audio.Placement:
        """Where the chunk falls, for the pause before it."""
        return audio.Placement(self.segment, self.paragraph, self.scene, self.heading, self.text)


@dataclass(frozen=True, slots=True)
class CachedClip:
    """A rendered clip in the cache."""

    path: Path
    frame_count: int

    @property
    def duration_seconds(self) -> float:
        return self.frame_count / audio.SAMPLE_RATE


def plan(
    chapter: Chapter,
    segments: Sequence[Segment],
    voices: Mapping[str, Voice],
    pronounce: Sequence[tuple[str, str]] = (),
) -> list[Chunk]:
    """The clips a chapter needs, in reading order; text with nothing to say is left out."""
    # Imported here so that worker processes, which only render, start without nltk.
    from narrator.sentences import sentence_spans

    words = lexicon(pronounce)
    chunks: list[Chunk] = []
    for seg in segments:
        voice = voices.get(seg.speaker) or voices["unknown"]
        heading = chapter.paragraphs[seg.paragraph].heading if chapter.paragraphs else False
        for start, end in sentence_spans(seg.text) or [(0, len(seg.text))]:
            text = seg.text[start:end]
            speech = speakable(text, words)
            if speech:
                chunks.append(
                    Chunk(
                        seg.index,
                        seg.speaker,
                        text,
                        speech,
                        voice,
                        seg.paragraph,
                        seg.scene,
                        heading,
                    )
                )
    return chunks


_MARKUP: Final = re.compile(r"(?<!\w)[_*]+(?=\w)|(?<=\w)[_*]+(?!\w)")
_ELLIPSIS: Final = re.compile(r"\s*(?:\u2026|\.\s?\.\s?\.)\s*")
_SPACES: Final = re.compile(r"\s+")


def speakable(text: str, lexicon: tuple[tuple[re.Pattern[str], str], ...] = ()) -> str:
    """The text as the engine should get it; empty when there is nothing to pronounce."""
    if not any(c.isalnum() for c in text):
        return ""
    text = _MARKUP.sub("", text)
    text = _ELLIPSIS.sub("... ", text)
    for pattern, replacement in lexicon:
        text = pattern.sub(replacement, text)
    return _SPACES.sub(" ", text).strip()


def lexicon(pronounce: Sequence[tuple[str, str]]) -> tuple[tuple[re.Pattern[str], str], ...]:
    """The pronunciation lexicon as (whole-word pattern, replacement), longest words first."""
    return tuple(
        (re.compile(rf"(?<![\w]){re.escape(word)}(?![\w])"), said.replace("\\", "\\\\"))
        for word, said in sorted(pronounce, key=lambda pair: -len(pair[0]))
    )


_LEFTOVER_AGE_SECONDS: Final = 3600.0


class ClipCache:
    """Clips on disk under a hash of everything that makes them sound as they do."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def key(self, engine: Engine, chunk_speech: str, voice: Voice) -> str:
        """The clip's address: engine, engine version, voice, text, format."""
        material = json.dumps(
            [
                CACHE_FORMAT,
                engine.name,
                engine.version,
                astuple(voice),
                chunk_speech,
                audio.SAMPLE_RATE,
            ],
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


CALIBRATION: Final = (
    "The quick brown fox jumps over the lazy dog.",
    "Is it really you?",
    "I can hardly believe it!",
    "We walked home slowly, talking about everything and nothing, until the lights came on.",
)
"""What a voice's loudness is measured on: statement, question, exclamation, a long line.
On the seed it predicts each speaker's loudness over the chapter within 0.2-0.5 LU."""


def voice_gains(voices: Iterable[Voice], cache: ClipCache) -> dict[Voice, float]:
    """For each voice, the gain in dB that brings it to the target loudness.

    Measured once per voice on `CALIBRATION` (ffmpeg's ebur128) and kept in the cache,
    so every voice of a book speaks at the same loudness and no chapter waits for all its
    clips before it can be encoded.
    """
    gains: dict[Voice, float] = {}
    folder = cache.folder / "loudness"
    unmeasured: dict[Voice, Path] = {}
    for voice in set(voices):
        engine = get_engine(voice.engine)
        material = json.dumps(
            [CACHE_FORMAT, engine.name, engine.version, astuple(voice), CALIBRATION]
        )
        path = folder / f"{hashlib.sha256(material.encode()).hexdigest()}.json"
        try:
            gains[voice] = float(json.loads(path.read_text(encoding="utf-8"))["gain_db"])
        except (OSError, ValueError, KeyError, TypeError):
            unmeasured[voice] = path
    if not unmeasured:
        return gains
    # Rendering stays in this thread (an engine is not shared across threads); ffmpeg's
    # measurements, most of the time, run side by side.
    speech = {voice: _calibration_audio(voice) for voice in unmeasured}
    with concurrent.futures.ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        measured = dict(zip(speech, pool.map(_calibrate, speech.values()), strict=True))
    folder.mkdir(parents=True, exist_ok=True)
    for voice, path in unmeasured.items():
        gains[voice] = measured[voice]
        _write_json(path, {"gain_db": gains[voice], "voice": astuple(voice)})
    return gains


def _calibration_audio(voice: Voice) -> bytes:
    """`CALIBRATION` in `voice`, its lines apart by short pauses."""
    engine = get_engine(voice.engine)
    pause = audio.silence(200)
    return b"".join(render(engine, line, voice).samples + pause for line in CALIBRATION)


def _calibrate(pcm: bytes) -> float:
    """The gain that brings the voice to the target through the encoder's limiter: the
    limiter takes some loudness with the peaks it shaves, so the gain is refined twice."""
    decibels = audio.TARGET_LUFS - audio.measure(pcm).integrated_lufs
    for _ in range(2):
        decibels += audio.TARGET_LUFS - audio.measure(pcm, gain_db=decibels).integrated_lufs
    return decibels


def _write_json(path: Path, data: object) -> None:
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


class Synthesis:
    """A chapter's clips in reading order: from the cache, else rendered as they are asked
    for, so assembly and encoding start with the first clip instead of after the last.

    Misses render in this process, or in worker processes when there are enough of them
    to pay for starting the workers (started by spawn: pyttsx3 hangs in a forked child).
    """

    def __init__(
        self,
        chunks: Sequence[Chunk],
        cache: ClipCache,
        *,
        jobs: int = 1,
        progress: Progress | None = None,
    ) -> None:
        self.cache = cache
        self.jobs = jobs
        self.progress = progress
        self.engines: dict[str, Engine] = {}
        self.keys = [self._key(chunk) for chunk in chunks]
        self.found: dict[str, CachedClip] = {}
        self.missing: dict[str, Chunk] = {}
        for key, chunk in zip(self.keys, chunks, strict=True):
            if key in self.found or key in self.missing:
                continue
            clip = cache.load(key)
            if clip is None:
                self.missing[key] = chunk
            else:
                self.found[key] = clip

    @property
    def rendered(self) -> int:
        """How many distinct clips are (to be) synthesised; the rest come from the cache."""
        return len(self.missing)

    @property
    def parallel(self) -> bool:
        """Whether missing clips render in worker processes."""
        return (
            self.jobs > 1
            and len(self.missing) >= PARALLEL_MIN_CLIPS
            and not any(self.engines[c.voice.engine].threads_itself for c in self.missing.values())
        )

    def _key(self, chunk: Chunk) -> str:
        engine = self.engines.get(chunk.voice.engine)
        if engine is None:
            engine = self.engines[chunk.voice.engine] = get_engine(chunk.voice.engine)
        return self.cache.key(engine, chunk.speech, chunk.voice)

    def __iter__(self) -> Iterator[CachedClip]:
        total = len(self.keys)
        if self.progress:
            self.progress(0, total)
        source = self._parallel() if self.parallel else self._serial()
        for done, key in enumerate(self.keys, start=1):
            while key not in self.found:
                rendered_key, clip = next(source)
                self.found[rendered_key] = clip
            if self.progress:
                self.progress(done, total)
            yield self.found[key]

    def _serial(self) -> Iterator[tuple[str, CachedClip]]:
        for key, chunk in self.missing.items():
            yield key, _render_one(self.engines[chunk.voice.engine], self.cache, key, chunk)

    def _parallel(self) -> Iterator[tuple[str, CachedClip]]:
        tasks = [(key, chunk.speech, chunk.voice) for key, chunk in self.missing.items()]
        batches = [tasks[i : i + _BATCH] for i in range(0, len(tasks), _BATCH)]
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(
            max_workers=min(self.jobs, len(batches)),
            mp_context=context,
            initializer=_start_worker,
            initargs=(os.getpid(),),
        ) as pool:
            folder = str(self.cache.folder)
            with _light_main(), _interrupts_held():
                futures = [pool.submit(_worker_render, batch, folder) for batch in batches]
            try:
                for future in futures:  # in reading order; later batches render meanwhile
                    for key, frames in future.result():
                        yield key, CachedClip(self.cache.path(key), frames)
            finally:
                for future in futures:
                    future.cancel()


@contextlib.contextmanager
def _light_main() -> Iterator[None]:
    """Spawned workers import the parent's __main__ first: for narrator that is the whole
    CLI, nltk included (~0.5 s a worker). They need none of it; hide it while they start."""
    main = sys.modules["__main__"]
    saved = {name: getattr(main, name) for name in ("__file__", "__spec__") if hasattr(main, name)}
    for name in saved:
        setattr(main, name, None)
    try:
        yield
    finally:
        for name, value in saved.items():
            setattr(main, name, value)


@contextlib.contextmanager
def _interrupts_held() -> Iterator[None]:
    """Hold Ctrl-C back while workers start: they inherit the blocked signal, so one that
    is still importing cannot die of it with a traceback; `_start_worker` then ignores it.
    The main process gets a Ctrl-C pressed meanwhile as soon as the workers are started."""
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


def render(engine: Engine, speech: str, voice: Voice) -> Clip:
    """A clip as the cache keeps it: synthesised, pitch-shifted when the engine cannot
    change pitch itself, trimmed of silence, at the pipeline's rate."""
    clip = engine.synthesize(speech, voice)
    if not engine.native_pitch:
        clip = audio.shift_pitch(clip, audio.pitch_factor(voice.pitch))
    return audio.clean(clip)


def _render_one(engine: Engine, cache: ClipCache, key: str, chunk: Chunk) -> CachedClip:
    return cache.store(key, render(engine, chunk.speech, chunk.voice))


_WORKER_ENGINES: dict[str, Engine] = {}
_PARENT_POLL_SECONDS: Final = 0.2


def _start_worker(parent: int) -> None:
    """In a worker: Ctrl-C is the main process's to handle (it stops the workers), so a
    worker never prints a traceback of its own. And a worker outlives no main process:
    killed with SIGKILL, the main process cannot stop its pool, and the pool's queue
    (whose writing end every worker holds too) would keep it waiting for ever. `parent`
    comes from the main process: killed before this runs, it is no longer our parent."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    threading.Thread(
        target=_exit_with, args=(parent,), name="narrator-parent-watch", daemon=True
    ).start()


def _exit_with(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(_PARENT_POLL_SECONDS)
    os._exit(1)  # the clip being written is a temporary file; a later build clears it


def _worker_render(batch: list[tuple[str, str, Voice]], folder: str) -> list[tuple[str, int]]:
    """In a worker process: render a batch into the cache, return (key, frame count)."""
    cache = ClipCache(Path(folder))
    out = []
    for key, speech, voice in batch:
        engine = _WORKER_ENGINES.get(voice.engine)
        if engine is None:
            engine = _WORKER_ENGINES[voice.engine] = get_engine(voice.engine)
        clip = cache.store(key, render(engine, speech, voice))
        out.append((key, clip.frame_count))
    return out
