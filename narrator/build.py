"""Build: the stage order from chapter file to tagged MP3, the script's (`narrator.script`)
carried on to audio.

    sources -> ingest -> segment -> attribute (+ corrections)    narrator.script
            -> cast -> synthesise -> assemble -> tags and transcript -> feed

The side commands (`narrator.commands`) use the public functions of the two, so a change
of stage order is made once.
"""

from __future__ import annotations

import dataclasses
import logging
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from narrator import audio
from narrator.errors import InputError
from narrator.files import cannot_write, folder_lock, remove_leftovers
from narrator.publish.assemble import Assembly, retag_chapter, write_chapter
from narrator.publish.audiobook import AudiobookResult, collect, make_book
from narrator.publish.cover import cover_for
from narrator.publish.feed import refresh
from narrator.publish.freshness import (
    GENERATOR,
    Ledger,
    audio_fingerprint,
    build_fingerprint,
    file_identity,
    inputs_fingerprints,
    sidecars_current,
)
from narrator.publish.id3 import TagInfo, read_ids
from narrator.script import Script, load_chapters, script
from narrator.text.sources import chapter_book, resolve_book, track_numbers
from narrator.voices.cache import CachedClip, ClipCache, cache_folder
from narrator.voices.cast import assign_voices, check_voices
from narrator.voices.engines import EngineSet
from narrator.voices.loudness import voice_gains
from narrator.voices.synth import Chunk, Synthesis, plan

if TYPE_CHECKING:
    from pathlib import Path

    from narrator.model import (
        BuildOptions,
        Chapter,
        ChapterRef,
        Config,
        Voice,
    )

_LOGGER = logging.getLogger(__name__)

ChapterProgress = Callable[[str, int, int], None]
"""Called with (chapter name, clips done, clips in all) while a chapter is synthesised."""


@dataclass(frozen=True, slots=True)
class BuildResult:
    """What happened to one chapter."""

    chapter: ChapterRef
    output: Path
    title: str
    up_to_date: bool
    """True when the existing output already matched the inputs and was left alone."""
    duration_seconds: float = 0.0
    clips: int = 0
    rendered: int = 0
    """Clips synthesised in this build (the others came from the cache)."""
    retagged: bool = False
    """True when only the tags were rewritten (the sound was unchanged)."""


def cast_voices(
    config: Config,
    engines: EngineSet,
    engine: str | None = None,
    speakers: Iterable[str] | None = None,
) -> dict[str, Voice]:
    """Every speaker's voice (`engine` for all, when given), the voices of `speakers`
    (default: all) checked against their engines."""
    voices = assign_voices(config, engine)
    wanted = voices if speakers is None else {name: voices[name] for name in speakers}
    check_voices(config, wanted, engines)
    return voices


def open_cache(config: Config, chosen: Path | None = None) -> ClipCache:
    """The clip cache for this project (`chosen` is --cache)."""
    return ClipCache.opened(cache_folder(config, chosen))


def plan_audio(script_: Script, config: Config, voices: Mapping[str, Voice]) -> list[Chunk]:
    """The clips a scripted chapter is spoken in, in reading order."""
    return plan(script_.chapter, script_.segments, voices, config.pronounce)


def build(
    refs: Sequence[ChapterRef],
    config: Config,
    options: BuildOptions,
    progress: ChapterProgress | None = None,
    waiting: Callable[[], None] | None = None,
) -> list[BuildResult]:
    """Build every chapter into `options.out_dir`, skipping those already up to date.

    One build at a time per output folder: another one waits (`waiting` is called) until
    this one is done. What an interrupted build left behind is cleared first.
    """
    try:
        options.out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise cannot_write(options.out_dir, exc) from None
    engines = EngineSet()
    with folder_lock(options.out_dir, waiting):
        remove_leftovers(options.out_dir)
        ledger = Ledger.load(options.out_dir)
        inputs = inputs_fingerprints(refs, config, options, engines)
        if options.force or not all(ledger.is_current(str(r), inputs[r]) for r in refs):
            results = _build_chapters(refs, config, options, engines, progress, ledger, inputs)
        else:
            # Nothing changed since the last build: no chapter needs reading.
            results = [_unchanged(options.out_dir, ref, name) for ref in refs
                       for name in ledger.chapters(str(ref))]  # fmt: skip
        feed = file_identity(config.source)
        if not ledger.feed_is_current(feed):
            refresh(options.out_dir, config)
            ledger.record_feed(feed)
        ledger.save()
    return results


def _build_chapters(
    refs: Sequence[ChapterRef],
    config: Config,
    options: BuildOptions,
    engines: EngineSet,
    progress: ChapterProgress | None,
    ledger: Ledger,
    inputs: Mapping[ChapterRef, str],
) -> list[BuildResult]:
    voices = cast_voices(config, engines, options.engine)
    chapters = load_chapters(refs, config)
    audio.ffmpeg()  # missing, it would fail the first chapter after its synthesis
    tracks = track_numbers(chapters)
    cache = open_cache(config, options.cache_dir)
    cache.remove_leftovers()
    results = []
    for chapter in chapters:
        results.append(
            build_chapter(
                chapter, config, voices, engines, cache, options, progress, tracks[chapter.ref]
            )
        )
    for ref in refs:
        built = [r for r in results if _requested_by(ref, r.chapter)]
        ledger.record(str(ref), inputs[ref], [r.output.stem for r in built])
    return results


def _requested_by(request: ChapterRef, chapter: ChapterRef) -> bool:
    return chapter.path == request.path and request.part in (None, chapter.part)


def _unchanged(out_dir: Path, ref: ChapterRef, name: str) -> BuildResult:
    output = out_dir / f"{name}.mp3"
    _LOGGER.info("%s is up to date", output)
    return BuildResult(ref, output, name, up_to_date=True)


def build_chapter(
    chapter: Chapter,
    config: Config,
    voices: Mapping[str, Voice],
    engines: EngineSet,
    cache: ClipCache,
    options: BuildOptions,
    progress: ChapterProgress | None = None,
    track: int = 1,
) -> BuildResult:
    """Build one chapter's MP3, or leave it alone when its inputs have not changed."""
    scripted = script(chapter, config, options.min_confidence)
    chunks = plan_audio(scripted, config, voices)
    if not chunks:
        raise _nothing_to_read(chapter)
    audio_id = audio_fingerprint(chunks, engines.versions(c.voice.engine for c in chunks))
    info = dataclasses.replace(_tag_info(chapter, config, track), audio_id=audio_id)
    info = dataclasses.replace(info, build_id=build_fingerprint(info))
    output = options.out_dir / f"{chapter.name}.mp3"
    made = None if options.force or not output.exists() else read_ids(output)
    current = made is not None and sidecars_current(output)
    if made is not None and current and made[1] == info.build_id:
        _LOGGER.info("%s is up to date", output)
        return BuildResult(chapter.ref, output, chapter.title, up_to_date=True)
    if made is not None and current and made[0] == audio_id:
        # Same sound, other tags (say, a new book title or cover).
        retag_chapter(output, info)
        return BuildResult(chapter.ref, output, chapter.title, up_to_date=False, retagged=True)
    assembly, rendered = narrate(
        chunks, engines, cache, output, info, options.jobs, progress, chapter.name
    )
    return BuildResult(
        chapter.ref,
        output,
        chapter.title,
        up_to_date=False,
        duration_seconds=assembly.duration_seconds,
        clips=len(chunks),
        rendered=rendered,
    )


def narrate(
    chunks: Sequence[Chunk],
    engines: EngineSet,
    cache: ClipCache,
    output: Path,
    info: TagInfo,
    jobs: int = 1,
    progress: ChapterProgress | None = None,
    name: str = "",
    *,
    with_sidecars: bool = True,
) -> tuple[Assembly, int]:
    """Synthesise the chunks' clips (from the cache where it has them) and write them as
    a tagged MP3 with its transcript; and how many clips were synthesised."""
    synthesis = Synthesis(
        chunks,
        cache,
        engines,
        jobs=jobs,
        progress=(lambda done, total: progress(name, done, total)) if progress else None,
    )
    gains = voice_gains({chunk.voice for chunk in chunks}, cache, engines)
    # With workers, clips stream into the encoder as they are made (rendering and encoding
    # overlap). In-process, every clip comes first: overlapping pyttsx3's run loop with the
    # encoder slowed it 2-3x on two cores (seed: 2.6 s against 1.9-2.2 s).
    clips: Iterable[CachedClip] = synthesis if synthesis.parallel else list(synthesis)
    assembly = write_chapter(output, chunks, clips, gains, info, with_sidecars=with_sidecars)
    return assembly, synthesis.rendered


def build_book(
    refs: Sequence[ChapterRef],
    config: Config,
    options: BuildOptions,
    progress: ChapterProgress | None = None,
) -> tuple[list[BuildResult], AudiobookResult]:
    """Build the chapters (those not up to date), then the whole book as one M4B."""
    results = build(refs, config, options, progress)
    book = collect([r.output for r in results], config)
    return results, make_book(book, options.out_dir, force=options.force)


def _nothing_to_read(chapter: Chapter) -> InputError:
    path = chapter.path
    if not chapter.text.strip(" \t\n\ufeff\u00a0"):
        return InputError(f"{path}: the file holds no text", "put the chapter's text in it")
    if chapter.notes and not chapter.paragraphs:
        labels = ", ".join(dict.fromkeys(note.label for note in chapter.notes))
        return InputError(
            f"{path}: nothing to read aloud but notes ({labels})",
            "notes are not read unless voices.yaml says read_front_matter: true",
        )
    return InputError(f"{path}: nothing to read aloud", "the chapter has no words to speak")


def _tag_info(chapter: Chapter, config: Config, track: int) -> TagInfo:
    book = resolve_book(config.book, [chapter_book(chapter)], config.source.parent)
    return TagInfo(
        title=chapter.title,
        album=book.title,
        artist=book.author,
        track=track,
        generator=GENERATOR,
        build_id="",
        description=chapter.chapter_summary or chapter.summary,
        book_summary=chapter.summary,
        cover=cover_for(book.title, book.author, config.book.cover, chapter.cover_image),
    )


def default_jobs() -> int:
    """Clips synthesised at once when not told: one per core."""
    return os.cpu_count() or 1
