"""Voices benchmark: how clear, how fast and how high each voice of the default palette is.

    .venv/bin/python bench/voices.py [--words 300] [--skip-wer]

For every voice the automatic palette hands out on this machine (narrator, unknown, and
the first three women, men and unknown-gender characters), on the same ~300 words of the
seed chapter, rendered the way a build renders them (`synth.render`: one clip a sentence,
pitch shifted, trimmed, resampled to the chapter's rate):

- CPU seconds per second of audio (this process and its children);
- word error rate of Whisper tiny.en (`narrator verify`'s recogniser and model) against
  the text, in windows of whole sentences;
- median F0 (autocorrelation, as in tests/acoustics.py).

Then, side by side in one run, for each engine: the engine's own command speaking the
seed's whole story (~3,000 words) in one call (espeak-ng, flite, text2wave, piper,
hibari) against narrator's wall time for the clips of that text in that engine's
voice (a fresh clip cache, two jobs, the engine loaded inside the measurement, as a
build does).
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import wave
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from narrator import audio  # noqa: E402
from narrator.commands.verify import default_model, normalise, transcribe  # noqa: E402
from narrator.model import Character, Config, Voice  # noqa: E402
from narrator.text.sentences import sentence_spans  # noqa: E402
from narrator.voices.cast import assign_voices  # noqa: E402
from narrator.voices.engines import EngineSet  # noqa: E402
from narrator.voices.synth import render  # noqa: E402
from tests.acoustics import median_f0  # noqa: E402

SEED = ROOT / "chapters" / "chapter-01.txt"
GAP = audio.silence(300)


def bench_text(words: int | None) -> str:
    """The seed's story paragraphs (not its notes) from the first, up to `words` words
    (all of them when None), ending at a sentence end."""
    paragraphs = SEED.read_text(encoding="utf-8").split("\n\n")
    story = [p for p in paragraphs if p.startswith("Izzie pours")]
    start = paragraphs.index(story[0])
    text = " ".join(p.strip() for p in paragraphs[start:])
    out: list[str] = []
    for a, b in sentence_spans(text):
        out.append(text[a:b])
        if words is not None and sum(len(s.split()) for s in out) >= words:
            break
    return " ".join(out)


def palette_voices() -> dict[str, Voice]:
    cast = tuple(
        Character(f"{gender} {n}", (), gender)  # type: ignore[arg-type]
        for gender in ("female", "male", "unknown")
        for n in (1, 2, 3)
    )
    return assign_voices(Config(source=Path("voices.yaml"), characters=cast))


def cpu_seconds() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def word_error_rate(reference: list[str], heard: list[str]) -> float:
    previous = list(range(len(heard) + 1))
    for i, word in enumerate(reference, 1):
        current = [i]
        for j, other in enumerate(heard, 1):
            current.append(
                min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (word != other))
            )
        previous = current
    return previous[-1] / max(len(reference), 1)


def speak(
    voice: Voice, sentences: list[str], engines: EngineSet
) -> tuple[bytes, list[float], float]:
    """(PCM at the chapter's rate, window bounds of whole sentences, CPU s per audio s)."""
    engine = engines[voice.engine]
    engine.synthesize("Warm up.", voice)  # model loading is not speech
    before = cpu_seconds()
    pcm = b""
    windows: list[float] = []
    first = 0.0
    for sentence in sentences:
        clip = render(engine, sentence, voice)
        now = len(pcm) / 2 / audio.SAMPLE_RATE
        if now + clip.duration_seconds - first > 25:
            windows += [max(0.0, first - 0.2), now]
            first = now
        pcm += clip.samples + GAP
    windows += [max(0.0, first - 0.2), len(pcm) / 2 / audio.SAMPLE_RATE]
    close = getattr(engine, "close", None)
    if close:
        close()  # a festival process's CPU is counted once it has ended
    spent = cpu_seconds() - before
    return pcm, windows, spent / (len(pcm) / 2 / audio.SAMPLE_RATE)


def write_wav(path: Path, pcm: bytes) -> None:
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(audio.SAMPLE_RATE)
        out.writeframes(pcm)


def raw_command(engine: str, voice: Voice, text: Path, out: Path) -> list[str] | None:
    """The engine's own command speaking the whole text in one call."""
    if engine in ("espeak", "pyttsx3"):
        return ["espeak-ng", "-v", voice.name, "-f", str(text), "-w", str(out)]
    if engine == "flite":
        return ["flite", "-voice", voice.name, "-f", str(text), "-o", str(out)]
    if engine == "festival":
        return ["text2wave", "-eval", f"(voice_{voice.name})", str(text), "-o", str(out)]
    if engine == "piper":
        from narrator.voices.engines.piper import installed_voices, model_path

        model = model_path(voice, installed_voices())
        return [sys.executable, "-m", "piper", "-m", str(model), "-i", str(text), "-f", str(out)]
    if engine == "hibari":
        hibari = Path(sys.executable).with_name("hibari")
        return [str(hibari), "--seed", "0", "--threads", "2", "-o", str(out), "-"]
    return None


_NARRATOR_CLIPS = """
import json, sys, time
from pathlib import Path
t = time.perf_counter()
from narrator.model import Voice
from narrator.voices.cache import ClipCache
from narrator.voices.engines import EngineSet
from narrator.voices.synth import Chunk, Synthesis
voice = Voice(**json.loads(sys.argv[1]))
sentences = json.loads(sys.argv[2])
chunks = [Chunk(0, "x", s, s, voice, 0, 0, False) for s in sentences]
for clip in Synthesis(chunks, ClipCache(Path(sys.argv[3])), EngineSet(), jobs=2):
    pass
print(time.perf_counter() - t)
"""


def narrator_clips(voice: Voice, sentences: list[str], cache: Path) -> float:
    fields = {k: getattr(voice, k) for k in Voice.__dataclass_fields__}
    done = subprocess.run(
        [sys.executable, "-c", _NARRATOR_CLIPS, json.dumps(fields), json.dumps(sentences),
         str(cache)],
        capture_output=True, text=True, check=True, cwd=ROOT,
    )  # fmt: skip
    return float(done.stdout.split()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--words", type=int, default=300)
    parser.add_argument("--skip-wer", action="store_true", help="leave out the recogniser")
    args = parser.parse_args()
    text = bench_text(args.words)
    sentences = [text[a:b] for a, b in sentence_spans(text)]
    reference = normalise(text)
    voices = palette_voices()
    print(f"bench text: {len(reference)} words, {len(sentences)} sentences of the seed")
    print(f"{'speaker':12} {'engine':9} {'voice':24} {'pitch':>5} {'CPU/s':>6} "
          f"{'WER':>6} {'F0 Hz':>6}")  # fmt: skip
    engines = EngineSet()
    model = None if args.skip_wer else default_model()
    seen: dict[Voice, tuple[float, float, float]] = {}
    with tempfile.TemporaryDirectory() as work:
        folder = Path(work)
        for speaker, voice in voices.items():
            if voice not in seen:
                pcm, windows, rtf = speak(voice, sentences, engines)
                wer = float("nan")
                if model is not None:
                    wav = folder / "voice.wav"
                    write_wav(wav, pcm)
                    wer = word_error_rate(reference, transcribe(wav, model, windows))
                seen[voice] = (rtf, wer, median_f0(pcm, audio.SAMPLE_RATE))
            rtf, wer, f0 = seen[voice]
            print(f"{speaker:12} {voice.engine:9} {voice.name:24} {voice.pitch:5d} "
                  f"{rtf:6.3f} {wer:6.3f} {f0:6.0f}")  # fmt: skip

        print()
        print("each engine's own command on the whole text vs narrator's clips of it")
        print(f"{'engine':9} {'voice':24} {'raw s':>7} {'narrator s':>10} {'ratio':>6}")
        whole = bench_text(None)
        chapter = [whole[a:b] for a, b in sentence_spans(whole)]
        source = folder / "text.txt"
        source.write_text(whole + "\n", encoding="utf-8")
        by_engine = {"espeak": Voice("espeak", "en-us", 165, 50, 1.0)}  # the reference
        for voice in voices.values():
            by_engine.setdefault(
                voice.engine,
                voice.__class__(
                    voice.engine, voice.name, voice.rate, 50, 1.0, voice.model, voice.speaker
                ),
            )
        for engine, voice in sorted(by_engine.items()):
            command = raw_command(engine, voice, source, folder / "raw.wav")
            if command is None or (shutil.which(command[0]) is None and "/" not in command[0]):
                continue
            stdin = source.read_bytes() if command[-1] == "-" else None
            started = time.perf_counter()
            subprocess.run(command, input=stdin, capture_output=True, check=True)
            raw = time.perf_counter() - started
            cache = folder / f"cache-{engine}"
            ours = narrator_clips(voice, chapter, cache)
            print(f"{engine:9} {voice.name:24} {raw:7.2f} {ours:10.2f} {ours / raw:6.2f}")


if __name__ == "__main__":
    main()
