"""Synthesise: chunk planning, speech text, the clip cache and parallel rendering (tone engine)."""

from __future__ import annotations

from pathlib import Path

import pytest

from narrator.attribute import attribute
from narrator.model import Character, Config, Voice
from narrator.text.ingest import chapter_from_text
from narrator.text.segment import segment
from narrator.voices import synth
from narrator.voices.cache import ClipCache, read_samples
from narrator.voices.cast import assign_voices
from narrator.voices.engines import EngineSet, get_engine
from narrator.voices.synth import Synthesis, lexicon, plan, speakable

TONE = Voice("tone", "a", 175, 50, 1.0)
CAST = (Character("Izzie", (), "female"), Character("Alex", (), "male"))


def _chunks(text: str, pronounce: tuple[tuple[str, str], ...] = ()) -> list:  # type: ignore[type-arg]
    chapter = chapter_from_text(text, Path("c.txt"))
    config = Config(source=Path("voices.yaml"), characters=CAST, engine="tone")
    segments = attribute(segment(chapter), CAST)
    return plan(chapter, segments, assign_voices(config), pronounce)


def test_plan_gives_one_chunk_per_sentence_in_the_speakers_voice() -> None:
    chunks = _chunks('Izzie sat down. She smiled.\n\n"I know. I do," Izzie says.')
    assert [c.text for c in chunks] == [
        "Izzie sat down.",
        "She smiled.",
        "I know.",
        "I do,",
        "Izzie says.",
    ]
    voices = assign_voices(Config(source=Path("v"), characters=CAST, engine="tone"))
    assert [c.voice for c in chunks] == [voices["narrator"]] * 2 + [voices["Izzie"]] * 2 + [
        voices["narrator"]
    ]
    assert [c.paragraph for c in chunks] == [0, 0, 1, 1, 1]


def test_text_without_words_is_not_sent_to_the_engine() -> None:
    assert speakable("\u2014 ...") == ""
    assert [c.text for c in _chunks('"\u2014" she said.')] == ["she said."]


def test_speakable_drops_markup_and_applies_the_lexicon() -> None:
    words = lexicon((("Karev", "KAR-ev"), ("A/N", "author's note")))
    assert speakable("It was _very_ *odd*, Karev.", words) == "It was very odd, KAR-ev."
    assert speakable("Karevs and Karev's", words) == "Karevs and KAR-ev's"
    assert speakable("Wait\u2026what?", words) == "Wait... what?"
    # Keys that are not plain words match whole too: not inside "NA/NB" or "A/Nx".
    assert speakable("Read the A/N. Not NA/NB or A/Nx.", words) == (
        "Read the author's note. Not NA/NB or A/Nx."
    )


def test_the_lexicon_reaches_the_engine_but_not_the_transcript() -> None:
    (chunk,) = _chunks("He read the A/N twice, Karev.", (("A/N", "author's note"),))
    assert chunk.speech == "He read the author's note twice, Karev."
    assert chunk.text == "He read the A/N twice, Karev."


def test_cache_reuses_clips_and_remakes_damaged_ones(tmp_path: Path) -> None:
    cache = ClipCache(tmp_path)
    chunks = _chunks("One sentence here. Another one there.")
    first = Synthesis(chunks, cache, EngineSet())
    assert first.rendered == 2
    made = list(first)
    again = Synthesis(chunks, cache, EngineSet())
    assert again.rendered == 0
    assert [read_samples(c) for c in again] == [read_samples(c) for c in made]
    damaged = made[0].path
    damaged.write_bytes(damaged.read_bytes()[: damaged.stat().st_size // 2])
    repaired = Synthesis(chunks, cache, EngineSet())
    assert repaired.rendered == 1
    assert read_samples(next(iter(repaired))) == read_samples(made[0])


def test_cache_key_depends_on_voice_and_text() -> None:
    cache = ClipCache(Path("unused"))
    engine = get_engine("tone")
    key = cache.key(engine, "Hello.", TONE)
    assert key == cache.key(engine, "Hello.", TONE)
    assert key != cache.key(engine, "Hello!", TONE)
    assert key != cache.key(engine, "Hello.", Voice("tone", "a", 175, 51, 1.0))


def test_parallel_rendering_gives_the_same_clips_in_the_same_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(synth, "PARALLEL_MIN_CLIPS", 10)
    text = " ".join(f"Sentence {i} of the parallel test." for i in range(40))
    chunks = _chunks(text)
    serial = Synthesis(chunks, ClipCache(tmp_path / "serial"), EngineSet(), jobs=1)
    seen: list[tuple[int, int]] = []
    parallel = Synthesis(
        chunks,
        ClipCache(tmp_path / "parallel"),
        EngineSet(),
        jobs=2,
        progress=lambda d, t: seen.append((d, t)),
    )
    assert (serial.parallel, parallel.parallel) == (False, True)
    assert parallel.rendered == 40
    assert [read_samples(c) for c in parallel] == [read_samples(c) for c in serial]
    assert seen[0] == (0, 40)
    assert seen[-1] == (40, 40)


def test_clips_are_rendered_only_when_asked_for(tmp_path: Path) -> None:
    """Assembly can start encoding the first clip before the last one exists."""
    chunks = _chunks("First sentence. Second sentence. Third sentence.")
    clips = iter(Synthesis(chunks, ClipCache(tmp_path), EngineSet()))
    next(clips)
    assert len(list(tmp_path.rglob("*.wav"))) == 1
