"""Build: the one module that knows the stage order, from chapter file to tagged MP3."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from narrator import __version__, audio
from narrator.attribute import apply_overrides, attribute, cautious
from narrator.attribute.discover import Found, discover
from narrator.cast import assign_voices
from narrator.config import load_overrides, overrides_path, starter_config
from narrator.engines import get_engine
from narrator.errors import EngineError, InputError, NarratorError
from narrator.ingest import ingest
from narrator.model import NARRATOR, UNKNOWN, Chapter, Character, Config, Segment, Voice
from narrator.segment import segment
from narrator.synth import (
    CachedClip,
    Chunk,
    ClipCache,
    Synthesis,
    lexicon,
    plan,
    read_samples,
    speakable,
)
from narrator.tags import TagInfo, read_ids, write_tags

_LOGGER = logging.getLogger(__name__)

CHAPTER_SUFFIXES: Final = (".txt",)
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
    files = [p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in CHAPTER_SUFFIXES]
    return sorted(files, key=_natural_key)


def _natural_key(path: Path) -> list[object]:
    return [int(part) if part.isdigit() else part.lower() for part in re.split(r"(\d+)", path.name)]


def script(
    path: Path, config: Config, min_confidence: float = 0.0
) -> tuple[Chapter, tuple[Segment, ...]]:
    """Ingest, segment and attribute one chapter, with the user's corrections applied."""
    chapter = ingest(path, read_front_matter=config.read_front_matter)
    segments = attribute(segment(chapter), config.characters)
    corrections = overrides_path(path)
    segments, unmatched = apply_overrides(segments, load_overrides(corrections, config.characters))
    for override in unmatched:
        _LOGGER.warning(
            "%s: no quote %r (number %d) in %s; was it edited?",
            override.origin, override.quote, override.occurrence, path.name,
        )  # fmt: skip
    if min_confidence > 0:
        segments = cautious(segments, min_confidence)
    return chapter, segments


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
) -> list[BuildResult]:
    """Build every chapter into `options.out_dir`, skipping those already up to date."""
    voices = assign_voices(config, options.engine)
    check_voices(config, voices)
    options.out_dir.mkdir(parents=True, exist_ok=True)
    cache = ClipCache(cache_folder(config, options))
    return [
        build_chapter(path, config, voices, cache, options, progress, _track(path, chapters))
        for path in chapters
    ]


def _track(path: Path, chapters: Sequence[Path]) -> tuple[int, int]:
    """The chapter's track number and the total, by its place among its folder's chapters."""
    try:
        siblings = chapter_files(path.parent)
    except InputError:
        siblings = []
    if path.resolve() not in [p.resolve() for p in siblings]:
        siblings = list(chapters)
    names = [p.resolve() for p in siblings]
    return names.index(path.resolve()) + 1, len(names)


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
                f"{where}: {problem} for engine {voice.engine}",
                "run 'narrator voices' for the names you can use",
            )


def build_chapter(
    path: Path,
    config: Config,
    voices: Mapping[str, Voice],
    cache: ClipCache,
    options: BuildOptions,
    progress: Progress | None = None,
    track: tuple[int, int] = (1, 1),
) -> BuildResult:
    """Build one chapter's MP3, or leave it alone when its inputs have not changed."""
    chapter, segments = script(path, config, options.min_confidence)
    chunks = plan(chapter, segments, voices, config.pronounce)
    if not chunks:
        raise InputError(f"{path}: nothing to read aloud", "the chapter has no story text")
    audio_id = _audio_id(chunks)
    info = dataclasses.replace(_tag_info(chapter, config, track), audio_id=audio_id)
    build_id = _build_id(info)
    output = options.out_dir / f"{path.stem}.mp3"
    made = None if options.force or not output.exists() else read_ids(output)
    if made is not None and made[1] == build_id:
        _LOGGER.info("%s is up to date", output)
        return BuildResult(path, output, chapter.title, up_to_date=True)
    if made is not None and made[0] == audio_id:
        # Same sound, other tags (say, one more chapter changed the track total).
        def retag(temporary: Path) -> int:
            shutil.copyfile(output, temporary)
            write_tags(temporary, dataclasses.replace(info, build_id=build_id))
            return 0

        _write_atomically(output, retag)
        return BuildResult(path, output, chapter.title, up_to_date=False, retagged=True)
    synthesis = Synthesis(
        chunks,
        cache,
        jobs=options.jobs,
        progress=(lambda done, total: progress(path.name, done, total)) if progress else None,
    )
    # With workers, clips stream into the encoder as they are made (rendering and encoding
    # overlap). In-process, every clip comes first: overlapping pyttsx3's run loop with the
    # encoder slowed it 2-3x on two cores (seed: 2.6 s against 1.9-2.2 s).
    clips: Iterable[CachedClip] = synthesis if synthesis.parallel else list(synthesis)
    frames = _write_atomically(
        output,
        lambda temporary: _encode(
            chunks, clips, temporary, dataclasses.replace(info, build_id=build_id)
        ),
    )
    return BuildResult(
        path,
        output,
        chapter.title,
        up_to_date=False,
        duration_seconds=frames / audio.SAMPLE_RATE,
        clips=len(chunks),
        rendered=synthesis.rendered,
    )


def _encode(
    chunks: Sequence[Chunk], clips: Iterable[CachedClip], destination: Path, info: TagInfo
) -> int:
    counted = [0]

    def pcm() -> Iterator[bytes]:
        before = None
        for chunk, clip in zip(chunks, clips, strict=True):
            gap = audio.silence(audio.pause_ms(before, chunk.placement()))
            samples = read_samples(clip)
            counted[0] += (len(gap) + len(samples)) // 2
            yield gap
            yield samples
            before = chunk.placement()
        tail = audio.silence(audio.PAUSES.tail_ms)
        counted[0] += len(tail) // 2
        yield tail

    audio.encode_mp3(pcm(), destination)
    write_tags(destination, info)
    return counted[0]


def _write_atomically(output: Path, write: Callable[[Path], int]) -> int:
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


def _tag_info(chapter: Chapter, config: Config, track: tuple[int, int]) -> TagInfo:
    notes = {note.label: note.text for note in chapter.notes}
    album = config.book.title or notes.get("title") or config.source.resolve().parent.name
    return TagInfo(
        title=chapter.title,
        album=album,
        artist=config.book.author or notes.get("author"),
        track=track[0],
        track_total=track[1],
        generator=GENERATOR,
        build_id="",
        description=chapter.summary,
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
            [dataclasses.astuple(chunk) for chunk in chunks],
        ]
    )


def _build_id(info: TagInfo) -> str:
    """A hash of the sound (through `info.audio_id`) and of every tag."""
    return _digest(dataclasses.astuple(dataclasses.replace(info, build_id="")))


def _digest(material: object) -> str:
    text = json.dumps(material, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def init_config(
    chapters: Sequence[Path], destination: Path, *, engine: str = "pyttsx3", force: bool = False
) -> list[Found]:
    """Write a starter voices.yaml for the characters found in `chapters`."""
    if destination.exists() and not force:
        raise NarratorError(
            f"{destination}: already exists", "edit it, or pass --force to write a new one"
        )
    found = discover([ingest(path) for path in chapters])
    cast = tuple(Character(f.name, f.aliases, f.gender) for f in found)
    voices = assign_voices(Config(source=destination, characters=cast, engine=engine))
    text = starter_config(
        [(c, f.mentions) for c, f in zip(cast, found, strict=True)], voices, engine, chapters
    )
    _write_atomically(destination, lambda temporary: temporary.write_text(text, encoding="utf-8"))
    return found


PREVIEW_TEXT: Final = (
    "Hello. This is how I sound in this book; the rest of my lines sound like this."
)
NARRATOR_PREVIEW_TEXT: Final = (
    "The narrator reads the story in this voice, from the first line to the last."
)


def preview(
    speaker: str, text: str | None, config: Config, options: BuildOptions
) -> tuple[str, Path]:
    """Render a sample line in a speaker's voice to `<out>/preview-<speaker>.mp3`."""
    name = resolve_speaker(speaker, config)
    voices = assign_voices(config, options.engine)
    check_voices(config, {name: voices[name]})
    voice = voices[name]
    sample = text or (NARRATOR_PREVIEW_TEXT if name == NARRATOR else PREVIEW_TEXT)
    from narrator.sentences import sentences

    chunks = [
        Chunk(0, part, spoken, voice, 0, 0, heading=False)
        for part in sentences(sample) or [sample]
        if (spoken := speakable(part, lexicon(config.pronounce)))
    ]
    if not chunks:
        raise NarratorError("the preview text has nothing to say", "give a sentence with words")
    options.out_dir.mkdir(parents=True, exist_ok=True)
    slug = re.sub(r"[^A-Za-z0-9]+", "-", name).strip("-").lower() or "speaker"
    output = options.out_dir / f"preview-{slug}.mp3"
    clips = list(Synthesis(chunks, ClipCache(cache_folder(config, options)), jobs=1))
    info = TagInfo(f"Preview: {name}", config.book.title or "narrator preview", None, 1, 1,
                   GENERATOR, build_id="")  # fmt: skip
    _write_atomically(output, lambda temporary: _encode(chunks, clips, temporary, info))
    return name, output


def resolve_speaker(written: str, config: Config) -> str:
    """A character's main name from its name or an alias (any case), or narrator/unknown."""
    wanted = written.casefold()
    if wanted in (NARRATOR, UNKNOWN):
        return wanted
    for character in config.characters:
        if wanted in {label.casefold() for label in (character.name, *character.aliases)}:
            return character.name
    names = ", ".join([NARRATOR, UNKNOWN, *(c.name for c in config.characters)])
    raise NarratorError(f"no speaker '{written}' in {config.source}", f"choose one of: {names}")
