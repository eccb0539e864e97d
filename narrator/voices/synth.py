"""Synthesise: one clip per (voice, sentence), from the cache or rendered in parallel."""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import re
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Final

from narrator import audio, interrupts
from narrator.voices.cache import CachedClip, ClipCache
from narrator.voices.engines import EngineSet

if TYPE_CHECKING:
    from narrator.model import Chapter, Clip, Segment, Voice
    from narrator.voices.engines import Engine

_LOGGER = logging.getLogger(__name__)

_BATCH: Final = 8
"""Clips per task sent to a worker: fewer round trips, still fine-grained progress."""
PARALLEL_MIN_CLIPS: Final = 32
"""Fewer clips than this render in-process: starting a worker costs ~0.2 s."""

ClipProgress = Callable[[int, int], None]
"""Called with (clips done, clips in all) while a chapter's clips are made."""


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


def plan(
    chapter: Chapter,
    segments: Sequence[Segment],
    voices: Mapping[str, Voice],
    pronounce: Sequence[tuple[str, str]] = (),
) -> list[Chunk]:
    """The clips a chapter needs, in reading order; text with nothing to say is left out."""
    # Imported here so that worker processes, which only render, start without nltk.
    from narrator.text.sentences import sentence_spans

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
        engines: EngineSet,
        *,
        jobs: int = 1,
        progress: ClipProgress | None = None,
    ) -> None:
        self.cache = cache
        self.jobs = jobs
        self.progress = progress
        self.engines = engines
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
        return self.cache.key(self.engines[chunk.voice.engine], chunk.speech, chunk.voice)

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
            with _light_main(), interrupts.held_while_starting_workers():
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


def render(engine: Engine, speech: str, voice: Voice) -> Clip:
    """A clip as the cache keeps it: synthesised, pitch-shifted when the engine cannot
    change pitch itself, trimmed of silence, at the pipeline's rate."""
    clip = engine.synthesize(speech, voice)
    if not engine.native_pitch:
        clip = audio.shift_pitch(clip, audio.pitch_factor(voice.pitch))
    return audio.clean(clip)


def _render_one(engine: Engine, cache: ClipCache, key: str, chunk: Chunk) -> CachedClip:
    return cache.store(key, render(engine, chunk.speech, chunk.voice))


_WORKER_ENGINES = EngineSet()
"""The engines of a worker process (it serves one synthesis, then ends)."""


def _start_worker(parent: int) -> None:
    interrupts.worker_started(parent)


def _worker_render(batch: list[tuple[str, str, Voice]], folder: str) -> list[tuple[str, int]]:
    """In a worker process: render a batch into the cache, return (key, frame count)."""
    cache = ClipCache(Path(folder))
    out = []
    for key, speech, voice in batch:
        clip = cache.store(key, render(_WORKER_ENGINES[voice.engine], speech, voice))
        out.append((key, clip.frame_count))
    return out
