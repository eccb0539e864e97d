"""Synthesise: one clip per (voice, sentence), content-addressed on disk, rendered in parallel."""

from __future__ import annotations

import hashlib
import json
import logging
import multiprocessing
import os
import re
import tempfile
import wave
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import astuple, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Final

from narrator import audio
from narrator.engines import Engine, get_engine
from narrator.sentences import sentence_spans

if TYPE_CHECKING:
    from narrator.model import Chapter, Clip, Segment, Voice

_LOGGER = logging.getLogger(__name__)

CACHE_FORMAT: Final = 1
"""Bump when what is stored for a clip changes (trimming, sample rate)."""
_BATCH: Final = 8
"""Clips per task sent to a worker: fewer round trips, still fine-grained progress."""

Progress = Callable[[int, int], None]


@dataclass(frozen=True, slots=True)
class Chunk:
    """One clip to render: a sentence of a segment, in the segment's voice."""

    segment: int
    """Index of the segment it belongs to."""
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
    lexicon = _lexicon(pronounce)
    chunks: list[Chunk] = []
    for seg in segments:
        voice = voices.get(seg.speaker) or voices["unknown"]
        heading = chapter.paragraphs[seg.paragraph].heading if chapter.paragraphs else False
        for start, end in sentence_spans(seg.text) or [(0, len(seg.text))]:
            text = seg.text[start:end]
            speech = speakable(text, lexicon)
            if speech:
                chunks.append(
                    Chunk(seg.index, text, speech, voice, seg.paragraph, seg.scene, heading)
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


def _lexicon(pronounce: Sequence[tuple[str, str]]) -> tuple[tuple[re.Pattern[str], str], ...]:
    return tuple(
        (re.compile(rf"(?<![\w]){re.escape(word)}(?![\w])"), said.replace("\\", "\\\\"))
        for word, said in sorted(pronounce, key=lambda pair: -len(pair[0]))
    )


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


def read_samples(clip: CachedClip) -> bytes:
    """A cached clip's sample data."""
    with wave.open(os.fspath(clip.path), "rb") as wav:
        return wav.readframes(wav.getnframes())


@dataclass(frozen=True, slots=True)
class SynthesisReport:
    """What `synthesize` did."""

    clips: list[CachedClip]
    """One per chunk, in the chunks' order."""
    rendered: int
    """How many were synthesised (the rest came from the cache)."""


def synthesize(
    chunks: Sequence[Chunk],
    cache: ClipCache,
    *,
    jobs: int = 1,
    progress: Progress | None = None,
) -> SynthesisReport:
    """Make sure every chunk's clip is in the cache, rendering the missing ones."""
    engines: dict[str, Engine] = {}
    keys: list[str] = []
    for chunk in chunks:
        engine = engines.get(chunk.voice.engine) or get_engine(chunk.voice.engine)
        engines[chunk.voice.engine] = engine
        keys.append(cache.key(engine, chunk.speech, chunk.voice))
    found: dict[str, CachedClip] = {}
    missing: dict[str, Chunk] = {}
    for key, chunk in zip(keys, chunks, strict=True):
        if key in found or key in missing:
            continue
        clip = cache.load(key)
        if clip is None:
            missing[key] = chunk
        else:
            found[key] = clip
    total = len(found) + len(missing)
    done = len(found)
    if progress:
        progress(done, total)
    tasks = [(key, chunk.speech, chunk.voice) for key, chunk in missing.items()]
    if jobs <= 1 or len(tasks) < 2 * _BATCH:
        for key, speech, voice in tasks:
            found[key] = _render_one(engines[voice.engine], cache, key, speech, voice)
            done += 1
            if progress:
                progress(done, total)
    else:
        for key, frames in _render_parallel(tasks, cache.folder, jobs):
            found[key] = CachedClip(cache.path(key), frames)
            done += 1
            if progress:
                progress(done, total)
    return SynthesisReport(
        clips=[found[key] for key in keys],
        rendered=len(missing),
    )


def _render_one(
    engine: Engine, cache: ClipCache, key: str, speech: str, voice: Voice
) -> CachedClip:
    return cache.store(key, audio.clean(engine.synthesize(speech, voice)))


def _render_parallel(
    tasks: list[tuple[str, str, Voice]], folder: Path, jobs: int
) -> Iterator[tuple[str, int]]:
    """Render in worker processes started by spawn (pyttsx3 hangs in a forked child);
    yields (key, frame count) as batches finish."""
    batches = [tasks[i : i + _BATCH] for i in range(0, len(tasks), _BATCH)]
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=min(jobs, len(batches)), mp_context=context) as pool:
        pending: set[Future[list[tuple[str, int]]]] = {
            pool.submit(_worker_render, batch, str(folder)) for batch in batches
        }
        try:
            while pending:
                finished, pending = wait(pending, return_when=FIRST_COMPLETED)
                for future in finished:
                    yield from future.result()
        finally:
            for future in pending:
                future.cancel()


_WORKER_ENGINES: dict[str, Engine] = {}


def _worker_render(batch: list[tuple[str, str, Voice]], folder: str) -> list[tuple[str, int]]:
    """In a worker process: render a batch into the cache, return (key, frame count)."""
    cache = ClipCache(Path(folder))
    out = []
    for key, speech, voice in batch:
        engine = _WORKER_ENGINES.get(voice.engine)
        if engine is None:
            engine = _WORKER_ENGINES[voice.engine] = get_engine(voice.engine)
        clip = _render_one(engine, cache, key, speech, voice)
        out.append((key, clip.frame_count))
    return out
