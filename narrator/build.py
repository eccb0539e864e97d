"""Build: the one module that knows the stage order, from chapter file to tagged MP3."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import os
import re
import shutil
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from narrator import __version__, audio
from narrator.attribute import apply_overrides, attribute, cautious
from narrator.audiobook import BookResult, collect, make_book
from narrator.cast import assign_voices
from narrator.config import load_overrides, overrides_path
from narrator.cover import Cover, cover_for
from narrator.engines import get_engine
from narrator.errors import EngineError, InputError
from narrator.feed import refresh
from narrator.files import (
    cannot_write,
    folder_lock,
    remove_leftovers,
    write_atomically,
    write_text,
)
from narrator.formats import SUFFIXES, holds_one_chapter
from narrator.ingest import ingest, ingest_all, split_reference
from narrator.model import NARRATOR, UNKNOWN, Chapter, Config, Segment, Voice, chapter_name
from narrator.segment import segment
from narrator.synth import (
    CachedClip,
    Chunk,
    ClipCache,
    Synthesis,
    plan,
    read_samples,
    voice_gains,
)
from narrator.tags import TagInfo, read_chapter_times, read_ids, write_tags
from narrator.transcript import Cue, Mark, marks, to_chapters_json, to_vtt

_LOGGER = logging.getLogger(__name__)

CACHE_ENV: Final = "NARRATOR_CACHE"
GENERATOR: Final = f"narrator {__version__}"

Progress = Callable[[str, int, int], None]
"""Called with (chapter name, clips done, clips in all) while a chapter is synthesised."""


@dataclass(frozen=True, slots=True)
class BuildOptions:
    """How to build, beyond what voices.yaml says."""

    out_dir: Path = Path("output")
    engine: str | None = None
    """Use this engine for every voice."""
    jobs: int = 1
    force: bool = False
    """Rebuild chapters whose output is up to date."""
    min_confidence: float = 0.0
    """Quotes attributed less surely than this are spoken in the unknown voice."""
    cache_dir: Path | None = None
    """Where clips are kept; default `$NARRATOR_CACHE`, else `.narrator-cache/` by voices.yaml."""


@dataclass(frozen=True, slots=True)
class BuildResult:
    """What happened to one chapter."""

    chapter: Path
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


def chapter_files(folder: Path) -> list[Path]:
    """The chapter files in a folder, in natural order (chapter-2 before chapter-10)."""
    if not folder.is_dir():
        raise InputError(f"{folder}: no such folder", "create it and put chapter .txt files in it")
    files = [p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in SUFFIXES]
    return sorted(files, key=_natural_key)


def chapter_references(sources: Sequence[Path], config: Config) -> list[Path]:
    """Every chapter the sources hold: a text file is one; a book file (EPUB, HTML,
    Markdown) of several chapters gives one reference per chapter, `story.epub#2`."""
    found: list[Path] = []
    for source in sources:
        path, number = split_reference(source)
        if number is not None or holds_one_chapter(path):
            found.append(source)
            continue
        chapters = ingest_all(path, read_front_matter=config.read_front_matter)
        found += [Path(chapter.reference) for chapter in chapters]
    return found


def _check_names(references: Sequence[Path]) -> None:
    """Refuse two chapters that would be built into the same file (`road.epub#1` and
    `road.html#1` are both `road-01.mp3`)."""
    seen: dict[str, Path] = {}
    for reference in references:
        name = chapter_name(*split_reference(reference))
        other = seen.setdefault(name, reference)
        if other != reference and _resolved(other) != _resolved(reference):
            raise InputError(
                f"{other} and {reference} would both be built into {name}.mp3",
                "rename one of the files",
            )


def _resolved(reference: Path) -> Path:
    path, number = split_reference(reference)
    return path.resolve() if number is None else Path(f"{path.resolve()}#{number}")


def _natural_key(path: Path) -> list[object]:
    return [int(part) if part.isdigit() else part.lower() for part in re.split(r"(\d+)", path.name)]


def script(
    path: Path, config: Config, min_confidence: float = 0.0
) -> tuple[Chapter, tuple[Segment, ...]]:
    """Ingest, segment and attribute one chapter, with the user's corrections applied."""
    chapter, segments = attributed(path, config)
    corrections = overrides_path(chapter.path, chapter.name)
    segments, unmatched = apply_overrides(segments, load_overrides(corrections, config.characters))
    for override in unmatched:
        _LOGGER.warning(
            "%s: no quote %r (number %d) in %s; was it edited?",
            override.origin, override.quote, override.occurrence, chapter.name,
        )  # fmt: skip
    if min_confidence > 0:
        segments = cautious(segments, min_confidence)
    return chapter, segments


def attributed(path: Path, config: Config) -> tuple[Chapter, tuple[Segment, ...]]:
    """Ingest, segment and attribute one chapter, before the user's corrections."""
    chapter = ingest(path, read_front_matter=config.read_front_matter)
    return chapter, attribute(segment(chapter), config.characters)


def cache_folder(config: Config, options: BuildOptions) -> Path:
    """Where clips are cached for this project."""
    if options.cache_dir is not None:
        return options.cache_dir
    if os.environ.get(CACHE_ENV):
        return Path(os.environ[CACHE_ENV])
    return config.source.parent / ".narrator-cache"


def build(
    chapters: Sequence[Path],
    config: Config,
    options: BuildOptions,
    progress: Progress | None = None,
    waiting: Callable[[], None] | None = None,
) -> list[BuildResult]:
    """Build every chapter into `options.out_dir`, skipping those already up to date.

    One build at a time per output folder: another one waits (`waiting` is called) until
    this one is done. What an interrupted build left behind is cleared first.
    """
    voices = assign_voices(config, options.engine)
    check_voices(config, voices)
    references = list(dict.fromkeys(chapter_references(chapters, config)))
    _check_names(references)
    tracks = _tracks(references)
    try:
        options.out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise cannot_write(options.out_dir, exc) from None
    cache = ClipCache(cache_folder(config, options))
    with folder_lock(options.out_dir, waiting):
        remove_leftovers(options.out_dir)
        cache.remove_leftovers()
        results = [
            build_chapter(path, config, voices, cache, options, progress, tracks[path])
            for path in references
        ]
        refresh(options.out_dir, config)
    return results


def build_book(
    chapters: Sequence[Path],
    config: Config,
    options: BuildOptions,
    progress: Progress | None = None,
) -> tuple[list[BuildResult], BookResult]:
    """Build the chapters (those not up to date), then the whole book as one M4B."""
    results = build(chapters, config, options, progress)
    book = collect([r.output for r in results], config.book.cover, config.book.title)
    return results, make_book(book, options.out_dir, force=options.force)


def book_cover(config: Config, chapter: Chapter | None = None) -> Cover:
    """The book's cover: `book.cover` from voices.yaml, else one made from its title."""
    title, author = book_title(config, chapter), book_author(config, chapter)
    return cover_for(
        title, author, config.book.cover, chapter.cover_image if chapter is not None else None
    )


def book_title(config: Config, chapter: Chapter | None = None) -> str:
    """voices.yaml's book title, else a title note in the chapter, else the folder's name."""
    notes = {note.label: note.text for note in chapter.notes} if chapter else {}
    return config.book.title or notes.get("title") or config.source.resolve().parent.name


def book_author(config: Config, chapter: Chapter | None = None) -> str | None:
    notes = {note.label: note.text for note in chapter.notes} if chapter else {}
    return config.book.author or notes.get("author")


def _tracks(references: Sequence[Path]) -> dict[Path, int]:
    """Each chapter's track number: its place in its book file, for one chapter of a book
    (`story.epub#3` is track 3); else its place among its folder's chapter files, or
    among the chapters built when it is not in one.

    No total is tagged: a serial grows, and a published episode should not change (nor be
    fetched again) because the next one arrived.
    """
    tracks: dict[Path, int] = {}
    folders: dict[Path, list[Path]] = {}
    for place, reference in enumerate(references, 1):
        path, number = split_reference(reference)
        if number is not None:
            tracks[reference] = number
            continue
        folder = path.resolve().parent
        if folder not in folders:
            try:
                folders[folder] = [p.resolve() for p in chapter_files(folder)]
            except InputError:
                folders[folder] = []
        siblings = folders[folder]
        resolved = path.resolve()
        tracks[reference] = siblings.index(resolved) + 1 if resolved in siblings else place
    return tracks


def check_voices(config: Config, voices: Mapping[str, Voice]) -> None:
    """Fail early, naming the voices.yaml line, for a voice its engine does not have."""
    origins = {NARRATOR: config.narrator.origin, UNKNOWN: config.unknown.origin}
    origins |= {c.name: c.voice.origin for c in config.characters}
    checked: dict[Voice, str | None] = {}
    for speaker, voice in voices.items():
        if voice not in checked:
            checked[voice] = get_engine(voice.engine).check_voice(voice)
        problem = checked[voice]
        if problem is not None:
            where = origins.get(speaker) or f"{config.source}: {speaker}"
            raise EngineError(
                f"{where}: {problem}",
                f"run 'narrator voices --engine {voice.engine}' for the names you can use",
            )


def build_chapter(
    path: Path,
    config: Config,
    voices: Mapping[str, Voice],
    cache: ClipCache,
    options: BuildOptions,
    progress: Progress | None = None,
    track: int = 1,
) -> BuildResult:
    """Build one chapter's MP3, or leave it alone when its inputs have not changed."""
    chapter, segments = script(path, config, options.min_confidence)
    name = Path(chapter.reference).name
    chunks = plan(chapter, segments, voices, config.pronounce)
    if not chunks:
        raise _nothing_to_read(path, chapter)
    audio_id = _audio_id(chunks)
    info = dataclasses.replace(_tag_info(chapter, config, track), audio_id=audio_id)
    build_id = _build_id(info)
    info = dataclasses.replace(info, build_id=build_id)
    output = options.out_dir / f"{chapter.name}.mp3"
    made = None if options.force or not output.exists() else read_ids(output)
    if made is not None and made[1] == build_id and _sidecars(output).keys() <= _existing(output):
        _LOGGER.info("%s is up to date", output)
        return BuildResult(path, output, chapter.title, up_to_date=True)
    if made is not None and made[0] == audio_id and _existing(output):
        # Same sound, other tags (say, a new book title or cover).
        def retag(temporary: Path) -> None:
            shutil.copyfile(output, temporary)
            write_tags(temporary, info)
            times = read_chapter_times(temporary)
            write_text(
                _sidecars(output)["chapters"],
                to_chapters_json(
                    [Mark(a, b, info.title if n == 0 else f"{info.title}, scene {n + 1}")
                     for n, (a, b) in enumerate(times)]
                ),
            )  # fmt: skip

        write_atomically(output, retag)
        return BuildResult(path, output, chapter.title, up_to_date=False, retagged=True)
    synthesis = Synthesis(
        chunks,
        cache,
        jobs=options.jobs,
        progress=(lambda done, total: progress(name, done, total)) if progress else None,
    )
    gains = voice_gains({chunk.voice for chunk in chunks}, cache)
    # With workers, clips stream into the encoder as they are made (rendering and encoding
    # overlap). In-process, every clip comes first: overlapping pyttsx3's run loop with the
    # encoder slowed it 2-3x on two cores (seed: 2.6 s against 1.9-2.2 s).
    clips: Iterable[CachedClip] = synthesis if synthesis.parallel else list(synthesis)

    def encode(temporary: Path) -> Assembly:
        assembly = assemble(chunks, clips, gains, temporary)
        chapter_marks = marks(assembly.cues, chapter.title, assembly.duration_seconds)
        write_tags(temporary, info, chapter_marks)
        # The sidecars go first and the MP3 last: its build hash says the chapter is done,
        # so a build killed in between is redone whole next time, never left half-new.
        sidecars = _sidecars(output)
        write_text(sidecars["vtt"], to_vtt(assembly.cues))
        write_text(sidecars["chapters"], to_chapters_json(chapter_marks))
        return dataclasses.replace(assembly, marks=tuple(chapter_marks))

    assembly = write_atomically(output, encode)
    return BuildResult(
        path,
        output,
        chapter.title,
        up_to_date=False,
        duration_seconds=assembly.duration_seconds,
        clips=len(chunks),
        rendered=synthesis.rendered,
    )


def _nothing_to_read(path: Path, chapter: Chapter) -> InputError:
    if not chapter.text.strip(" \t\n\ufeff\u00a0"):
        return InputError(f"{path}: the file holds no text", "put the chapter's text in it")
    if chapter.notes and not chapter.paragraphs:
        labels = ", ".join(dict.fromkeys(note.label for note in chapter.notes))
        return InputError(
            f"{path}: nothing to read aloud but notes ({labels})",
            "notes are not read unless voices.yaml says read_front_matter: true",
        )
    return InputError(f"{path}: nothing to read aloud", "the chapter has no words to speak")


@dataclass(frozen=True, slots=True)
class Assembly:
    """Where every sentence landed in a chapter's audio."""

    frames: int
    cues: tuple[Cue, ...]
    marks: tuple[Mark, ...] = ()

    @property
    def duration_seconds(self) -> float:
        return self.frames / audio.SAMPLE_RATE


def assemble(
    chunks: Sequence[Chunk],
    clips: Iterable[CachedClip],
    gains: Mapping[Voice, float],
    destination: Path,
) -> Assembly:
    """Stream the clips, each at its voice's gain and with its pause, into an MP3."""
    cues: list[Cue] = []
    frames = 0

    def pcm() -> Iterator[bytes]:
        nonlocal frames
        before = None
        for chunk, clip in zip(chunks, clips, strict=True):
            gap = audio.silence(audio.pause_ms(before, chunk.placement()))
            samples = audio.gain(read_samples(clip), gains[chunk.voice])
            start = frames + len(gap) // 2
            frames = start + len(samples) // 2
            cues.append(
                Cue(start / audio.SAMPLE_RATE, frames / audio.SAMPLE_RATE, chunk.speaker,
                    chunk.text, chunk.segment, chunk.scene)
            )  # fmt: skip
            yield gap
            yield samples
            before = chunk.placement()
        tail = audio.silence(audio.PAUSES.tail_ms)
        frames += len(tail) // 2
        yield tail

    audio.encode_mp3(pcm(), destination)
    return Assembly(frames, tuple(cues))


def _sidecars(output: Path) -> dict[str, Path]:
    return {
        "vtt": output.with_suffix(".vtt"),
        "chapters": output.with_name(output.stem + ".chapters.json"),
    }


def _existing(output: Path) -> set[str]:
    return {kind for kind, path in _sidecars(output).items() if path.exists()}


def _tag_info(chapter: Chapter, config: Config, track: int) -> TagInfo:
    return TagInfo(
        title=chapter.title,
        album=book_title(config, chapter),
        artist=book_author(config, chapter),
        track=track,
        generator=GENERATOR,
        build_id="",
        description=chapter.chapter_summary or chapter.summary,
        book_summary=chapter.summary,
        cover=book_cover(config, chapter),
    )


def _audio_id(chunks: Sequence[Chunk]) -> str:
    """A hash of everything the MP3's sound depends on."""
    engines = {chunk.voice.engine for chunk in chunks}
    versions = {name: get_engine(name).version for name in sorted(engines)}
    return _digest(
        [
            GENERATOR,
            versions,
            dataclasses.astuple(audio.PAUSES),
            audio.MP3_BITRATE,
            audio.MP3_LAME_QUALITY,
            audio.TARGET_LUFS,
            audio.LIMIT_DBFS,
            [dataclasses.astuple(chunk) for chunk in chunks],
        ]
    )


def _build_id(info: TagInfo) -> str:
    """A hash of the sound (through `info.audio_id`) and of every tag."""
    cover = hashlib.sha256(info.cover.data).hexdigest() if info.cover else None
    fields = dataclasses.replace(info, build_id="", cover=None)
    return _digest([dataclasses.astuple(fields), cover])


def _digest(material: object) -> str:
    text = json.dumps(material, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
