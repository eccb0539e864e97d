"""The plain, frozen data passed between pipeline stages."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

Kind = Literal["narration", "dialogue"]
Gender = Literal["female", "male", "unknown"]

NARRATOR: str = "narrator"
UNKNOWN: str = "unknown"


@dataclass(frozen=True, slots=True)
class Span:
    """A half-open range of `str` offsets into a chapter's decoded text."""

    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Paragraph:
    """One paragraph of story text."""

    start: int
    """Offset of the paragraph's first character."""
    end: int
    """Offset just past its last character."""
    scene: int = 0
    """Scene number: it goes up by one after every scene-break line."""
    heading: bool = False
    """True for a chapter heading such as "Chapter 3: The Diner"."""
    block: bool = False
    """Set apart from the prose: indented deeper than usual, or short lines in wrapped
    text; a letter, verse or inscription, read by the narrator."""


@dataclass(frozen=True, slots=True)
class Note:
    """Front or end matter (summary, author's note, disclaimer) found around the story."""

    label: str
    """The label as normalised: "summary", "chapter summary", "note", "disclaimer", ..."""
    text: str
    """The note's text after its label."""
    span: Span
    """Where the whole paragraph lies in the chapter text."""


@dataclass(frozen=True, slots=True)
class ChapterRef:
    """Which chapter: a source file, and for a file of several chapters (an EPUB, a
    Markdown book) the chapter's number in it. Written `story.epub#2` on the command line."""

    path: Path
    part: int | None = None
    """1 for the first chapter of a file of several; None for a file that is one chapter,
    or for a whole file of several (`narrator build story.epub`: every chapter of it)."""

    @classmethod
    def parse(cls, written: str | Path) -> ChapterRef:
        """`story.epub#3` -> (story.epub, 3); anything else is a plain path."""
        path, hash_mark, number = str(written).rpartition("#")
        if hash_mark and path and number.isascii() and number.isdigit():
            return cls(Path(path), int(number))
        return cls(Path(written))

    def __str__(self) -> str:
        return str(self.path) if self.part is None else f"{self.path}#{self.part}"

    @property
    def name(self) -> str:
        """What its output files are called: the file's name, numbered for a part
        (`chapter-01` for chapter-01.txt, `road-02` for road.epub#2)."""
        return self.path.stem if self.part is None else f"{self.path.stem}-{self.part:02d}"


@dataclass(frozen=True, slots=True)
class Chapter:
    """A decoded chapter: its text, title, story paragraphs and notes."""

    ref: ChapterRef
    text: str
    """The decoded text, newlines normalised to "\\n"; all offsets point into it."""
    title: str
    paragraphs: tuple[Paragraph, ...]
    """Story paragraphs in reading order (front matter left out unless configured)."""
    notes: tuple[Note, ...] = ()
    """Front and end matter that is not read as story text."""
    cover_image: bytes | None = None
    """The book's cover as the source file carries it (EPUB), if it does."""

    @property
    def path(self) -> Path:
        """The source file."""
        return self.ref.path

    @property
    def part(self) -> int | None:
        """Its number in a source file of several chapters; None for a one-chapter file."""
        return self.ref.part

    @property
    def name(self) -> str:
        """What its output files are called (`chapter-01`, `road-02`)."""
        return self.ref.name

    @property
    def reference(self) -> str:
        """How a command names this chapter: the path, with `#N` for a part."""
        return str(self.ref)

    @property
    def source_title(self) -> str | None:
        """The book's title as the source gives it ("Title: ..." front matter), if it does."""
        return self._note("title")

    @property
    def source_author(self) -> str | None:
        """The book's author as the source gives it, if it does."""
        return self._note("author")

    @property
    def summary(self) -> str | None:
        """The story's summary from the front matter, if the author gave one."""
        return self._note("summary") or self._note("chapter summary")

    @property
    def chapter_summary(self) -> str | None:
        """This chapter's own summary ("Chapter Summary: ..."), if given."""
        return self._note("chapter summary")

    def _note(self, label: str) -> str | None:
        return next((note.text for note in self.notes if note.label == label), None)


@dataclass(frozen=True, slots=True)
class Segment:
    """A stretch of narration or one quotation, with its source span and speaker."""

    index: int
    kind: Kind
    speaker: str
    """A character's main name, "narrator" or "unknown"."""
    text: str
    """What is spoken: exactly `chapter.text[start:end]`."""
    start: int
    end: int
    rule: str | None = None
    """The attribution rule that chose the speaker (dialogue only)."""
    confidence: float | None = None
    """How likely the speaker is right, 0 to 1 (dialogue only)."""
    doubtful: bool | None = None
    """True when the speaker is a guess for the user to check (shown as `?`); None for
    narration."""
    paragraph: int = 0
    """Index of the paragraph in `Chapter.paragraphs`."""
    scene: int = 0
    continues: bool = False
    """True for a quotation that carries on the previous paragraph's unclosed quote."""


@dataclass(frozen=True, slots=True)
class Override:
    """A user's correction: who says a quotation, found by its text (not its offsets, so
    it survives edits elsewhere in the chapter)."""

    quote: str
    """The quotation's text, whitespace collapsed."""
    speaker: str
    """A character's main name, "unknown", or "narrator" (the quote is not speech)."""
    occurrence: int = 1
    """Which of the quotations with this same text (1 = the first)."""
    origin: str = field(default="", compare=False)
    """Where the correction was written ("chapter-01.speakers.yaml:4"), for messages."""


@dataclass(frozen=True, slots=True)
class VoiceSettings:
    """Voice fields as written in voices.yaml; any of them may be left out."""

    engine: str | None = None
    name: str | None = None
    rate: int | None = None
    """Words per minute."""
    pitch: int | None = None
    """0 to 100; 50 is the voice's own pitch."""
    volume: float | None = None
    """0 to 1 (values up to 2 amplify)."""
    model: str | None = None
    """A Piper model file, for the piper engine."""
    speaker: int | None = None
    """A speaker id inside a multi-speaker Piper model."""
    origin: str = field(default="", compare=False)
    """Where these settings were written ("voices.yaml:12: characters.Izzie"), for errors."""


@dataclass(frozen=True, slots=True)
class Voice:
    """Concrete voice settings; with the text and engine version, the clip's cache key."""

    engine: str
    name: str
    rate: int
    pitch: int
    volume: float
    model: str | None = None
    speaker: int | None = None


@dataclass(frozen=True, slots=True)
class Character:
    """One member of the cast."""

    name: str
    aliases: tuple[str, ...] = ()
    gender: Gender = "unknown"
    voice: VoiceSettings = VoiceSettings()


@dataclass(frozen=True, slots=True)
class BookSettings:
    """The `book:` section of voices.yaml: facts for the tags and the feed."""

    title: str | None = None
    author: str | None = None
    cover: Path | None = None
    """The cover image, resolved against voices.yaml's folder."""
    base_url: str | None = None
    cover_origin: str = field(default="", compare=False)
    """Where the cover was named ("voices.yaml:4: book.cover"), for errors."""


@dataclass(frozen=True, slots=True)
class Config:
    """A validated voices.yaml."""

    source: Path
    characters: tuple[Character, ...] = ()
    book: BookSettings = BookSettings()
    engine: str | None = None
    """The engine of every voice that names none (voices.yaml's `engine:`); None: voices
    chosen automatically come from the most natural engines installed, and a voice named
    without an engine is pyttsx3's."""
    narrator: VoiceSettings = VoiceSettings()
    unknown: VoiceSettings = VoiceSettings()
    pronounce: tuple[tuple[str, str], ...] = ()
    """Whole-word replacements applied before synthesis, in file order."""
    read_front_matter: bool = False
    """Read summaries and author's notes aloud as narration."""


@dataclass(frozen=True, slots=True)
class Clip:
    """Mono signed 16-bit little-endian audio."""

    samples: bytes
    sample_rate: int

    @property
    def frame_count(self) -> int:
        """Number of samples."""
        return len(self.samples) // 2

    @property
    def duration_seconds(self) -> float:
        """Length in seconds."""
        return self.frame_count / self.sample_rate


@dataclass(frozen=True, slots=True)
class VoiceInfo:
    """A voice an engine offers, for `narrator voices`."""

    id: str
    name: str
    language: str
    gender: Gender = "unknown"
    tier: str = ""
    """How it sounds, in a word: "natural", "clear", "fair" or "robotic" (measured: see
    bench/voices.py); empty when not known."""


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
