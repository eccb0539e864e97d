"""Whether a chapter's published files are current, without redoing the work.

Two fingerprints live in each chapter MP3's tags: one of everything its sound was made
from (every clip's text and voice, engine versions, pauses, encoder settings) and one of
that and every tag. A build compares them to decide: nothing to do, only new tags, or a
new MP3.

Finding those fingerprints needs the chapter scripted and planned. So a ledger in the
output folder (`.narrator/builds.json`) also remembers, for each chapter built, a hash of
its inputs as files (the chapter's source, voices.yaml and what it names, corrections,
narrator's own code, engine versions, options) and the files the build left. When the
inputs and those files are as remembered, a build knows it has nothing to do without
reading the chapter at all.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Final

from narrator import __version__, audio
from narrator.errors import InputError
from narrator.files import read_regular, write_text
from narrator.publish.assemble import PAUSES, sidecars
from narrator.publish.transcript import is_current
from narrator.text.sources import chapter_files
from narrator.voices.cast import assign_voices

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping, Sequence

    from narrator.model import BuildOptions, ChapterRef, Config
    from narrator.publish.id3 import TagInfo
    from narrator.voices.engines import EngineSet
    from narrator.voices.synth import Chunk

_LOGGER = logging.getLogger(__name__)

GENERATOR: Final = f"narrator {__version__}"
LEDGER: Final = Path(".narrator") / "builds.json"
_FEED: Final = "(feed)"
"""The ledger's entry for the feed."""
_PACKAGE: Final = Path(__file__).resolve().parents[1]


def digest(material: object) -> str:
    """A SHA-256 of a JSON-able value."""
    text = json.dumps(material, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def audio_fingerprint(chunks: Sequence[Chunk], versions: Mapping[str, str]) -> str:
    """A hash of everything an MP3's sound depends on."""
    return digest(
        [
            GENERATOR,
            dict(versions),
            dataclasses.astuple(PAUSES),
            audio.MP3_BITRATE,
            audio.MP3_LAME_QUALITY,
            audio.TARGET_LUFS,
            audio.LIMIT_DBFS,
            audio.HEADROOM_DB,
            audio.ENCODER_LOSS_DB,
            [dataclasses.astuple(chunk) for chunk in chunks],
        ]
    )


def build_fingerprint(info: TagInfo) -> str:
    """A hash of the sound (through `info.audio_id`) and of every tag."""
    cover = hashlib.sha256(info.cover.data).hexdigest() if info.cover else None
    fields = dataclasses.replace(info, build_id="", cover=None)
    return digest([dataclasses.astuple(fields), cover])


def sidecars_current(output: Path) -> bool:
    """Whether the chapter's sidecars are there, in the layout this narrator writes."""
    files = sidecars(output)
    return all(path.is_file() for path in files.values()) and is_current(files["vtt"])


def code_fingerprint() -> str:
    """A hash of narrator's own code and data (a change to it may change any output)."""
    hashed = hashlib.sha256(GENERATOR.encode())
    for path in sorted(_PACKAGE.rglob("*")):
        if path.suffix in (".py", ".json", ".css", ".js") and "__pycache__" not in path.parts:
            hashed.update(str(path.relative_to(_PACKAGE)).encode())
            hashed.update(path.read_bytes())
    return hashed.hexdigest()


def file_identity(path: Path) -> list[object]:
    """A file's contents' hash (small files) or size and time (large ones), or None."""
    try:
        stat = path.stat()
        if stat.st_size <= 1 << 20:
            return [str(path), hashlib.sha256(path.read_bytes()).hexdigest()]
        return [str(path), stat.st_size, stat.st_mtime_ns]
    except OSError:
        return [str(path), None]


def _outputs(out_dir: Path, names: Iterable[str]) -> list[list[object]]:
    """What a build left for these chapters, as (file, size, time) rows."""
    rows: list[list[object]] = []
    for name in sorted(names):
        mp3 = out_dir / f"{name}.mp3"
        for path in (mp3, *sidecars(mp3).values()):
            try:
                stat = path.stat()
            except OSError:
                return []
            rows.append([path.name, stat.st_size, stat.st_mtime_ns])
    return rows


@dataclass(slots=True)
class Ledger:
    """The output folder's record of what each request built from which inputs."""

    folder: Path
    entries: dict[str, dict[str, object]]

    @classmethod
    def load(cls, folder: Path) -> Ledger:
        try:
            stored = json.loads(read_regular(folder / LEDGER, 50_000_000).decode("utf-8"))
        except (OSError, ValueError, RecursionError):
            return cls(folder, {})
        entries = stored.get("entries") if isinstance(stored, dict) else None
        return cls(folder, entries if isinstance(entries, dict) else {})

    def is_current(self, request: str, inputs: str) -> bool:
        """Whether `request` (a chapter file, or a whole book file) was built from these
        inputs and what it left is untouched."""
        entry = self.entries.get(request)
        if not isinstance(entry, dict) or entry.get("inputs") != inputs:
            return False
        names = entry.get("chapters")
        if not isinstance(names, list) or not names:
            return False
        rows = _outputs(self.folder, [str(n) for n in names])
        return bool(rows) and rows == entry.get("outputs")

    def chapters(self, request: str) -> list[str]:
        """The chapters a request built (for a request `is_current` said was current)."""
        entry = self.entries.get(request)
        names = entry.get("chapters") if isinstance(entry, dict) else None
        return [str(name) for name in names] if isinstance(names, list) else []

    def feed_is_current(self, inputs: object) -> bool:
        """Whether the feed was last written from these inputs (voices.yaml, and every
        chapter MP3 in the folder) and is untouched since."""
        return self.entries.get(_FEED) == {"inputs": inputs, "outputs": self._feed_outputs()}

    def record_feed(self, inputs: object) -> None:
        self.entries[_FEED] = {"inputs": inputs, "outputs": self._feed_outputs()}

    def _feed_outputs(self) -> list[list[object]]:
        rows: list[list[object]] = []
        for path in sorted(self.folder.iterdir()) + sorted((self.folder / ".narrator").glob("*")):
            if path.suffix in (".mp3", ".xml", ".jpg", ".png") or path.name == "feed.json":
                try:
                    stat = path.stat()
                except OSError:
                    continue
                rows.append([path.name, stat.st_size, stat.st_mtime_ns])
        return rows

    def record(self, request: str, inputs: str, names: Iterable[str]) -> None:
        chosen = sorted(set(names))
        self.entries[request] = {
            "inputs": inputs,
            "chapters": chosen,
            "outputs": _outputs(self.folder, chosen),
        }

    def forget(self, request: str) -> None:
        self.entries.pop(request, None)

    def save(self) -> None:
        (self.folder / LEDGER).parent.mkdir(parents=True, exist_ok=True)
        write_text(
            self.folder / LEDGER, json.dumps({"entries": self.entries}, indent=1, sort_keys=True)
        )


def inputs_fingerprints(
    refs: Sequence[ChapterRef], config: Config, options: BuildOptions, engines: EngineSet
) -> dict[ChapterRef, str]:
    """For each request, a hash of every file and setting its outputs are made from: the
    chapter's source, voices.yaml and the files it names, corrections beside the chapter,
    the folder's chapter list (track numbers), narrator's code, engine versions, options.
    What the requests share is worked out once."""
    named = [config.book.cover] + [
        Path(s.model)
        for s in (config.narrator, config.unknown, *(c.voice for c in config.characters))
        if s.model
    ]
    # The engines the cast really uses: with automatic voices, installing an engine can
    # change who speaks with what.
    used = {voice.engine for voice in assign_voices(config, options.engine).values()}
    shared = [
        code_fingerprint(),
        file_identity(config.source),
        [file_identity(p) for p in named if p is not None],
        engines.versions(used),
        options.engine,
        options.min_confidence,
        str(options.out_dir.resolve()),
    ]
    neighbours: dict[Path, list[str]] = {}
    out = {}
    for ref in refs:
        folder = ref.path.parent
        if folder not in neighbours:
            try:
                neighbours[folder] = sorted(p.name for p in chapter_files(folder))
            except InputError:
                neighbours[folder] = []
        corrections = sorted(folder.glob(f"{ref.path.stem}*.speakers.yaml"))
        out[ref] = digest(
            [
                *shared,
                str(ref.path.resolve()),
                ref.part,
                file_identity(ref.path),
                [file_identity(p) for p in corrections],
                neighbours[folder],
            ]
        )
    return out
