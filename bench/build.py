"""Build benchmark: narrator against the engine's own limit, measured side by side.

    .venv/bin/python bench/build.py [--repeat 3]

(a)  the engine's limit: `espeak-ng -f <seed> -w` then an ffmpeg MP3 encode of that WAV,
     with ffmpeg's default MP3 settings (a) and with narrator's encoder settings (a*),
     64 kbit/s mono both;
(b)  a clean `narrator build` of the seed (empty clip cache);
(c)  a rebuild with nothing changed;
(d)  a rebuild after one character's voice changed (Meredith's pitch);
(e)  a clean build of a chapter ten times the seed's length (every sentence made unique,
     so the cache cannot share clips between the copies).

Times are medians of --repeat runs (e: one run), wall clock, whole commands. Peak RSS is
the largest single process of each command's tree (getrusage RUSAGE_CHILDREN).
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "chapters" / "chapter-01.txt"
WORDS = "one two three four five six seven eight nine ten".split()


def narrator() -> str:
    local = ROOT / ".venv" / "bin" / "narrator"
    return str(local) if local.exists() else "narrator"


def measure(commands: list[list[str]], cwd: Path) -> tuple[float, float]:
    """(seconds, peak RSS in MB of the largest process) for commands run one after another,
    measured in a fresh child so that RUSAGE_CHILDREN covers only them."""
    script = (
        "import resource, subprocess, sys, time, json\n"
        "t = time.perf_counter()\n"
        "for c in json.loads(sys.argv[1]):\n"
        "    subprocess.run(c, check=True, stdout=subprocess.DEVNULL)\n"
        "print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, json.dumps(commands)],
        cwd=cwd, capture_output=True, text=True, check=True,
    )  # fmt: skip
    seconds, kilobytes = done.stdout.split()
    return float(seconds), int(kilobytes) / 1024


def engine_limit(work: Path, encoder: list[str]) -> list[list[str]]:
    wav, mp3 = work / "raw.wav", work / "raw.mp3"
    return [
        ["espeak-ng", "-f", str(SEED), "-w", str(wav)],
        ["ffmpeg", "-loglevel", "error", "-y", "-i", str(wav), "-codec:a", "libmp3lame",
         "-b:a", "64k", "-ac", "1", *encoder, str(mp3)],
    ]  # fmt: skip


def project(folder: Path, text: str) -> Path:
    (folder / "chapters").mkdir(parents=True)
    (folder / "chapters" / "chapter-01.txt").write_text(text, encoding="utf-8")
    shutil.copy(ROOT / "voices.yaml", folder / "voices.yaml")
    return folder


def build(folder: Path) -> list[list[str]]:
    return [
        [
            narrator(),
            "build",
            "-q",
            "--cache",
            str(folder / "cache"),
            "--out",
            str(folder / "output"),
        ]
    ]


def ten_times(text: str) -> str:
    """The seed's story ten times over, each copy's sentences made unique by a word."""
    story = text[text.index("Izzie pours") :]
    copies = [re.sub(r"(?<=[a-z])([.!?,])(?=[\s\"\u201d])", f" {word}\\1", story) for word in WORDS]
    return "\n\n* * *\n\n".join(copies)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    seed = SEED.read_text(encoding="utf-8")
    rows: dict[str, tuple[float, float]] = {}
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)

        def median(label: str, make: object) -> None:
            runs = [make() for _ in range(args.repeat)]  # type: ignore[operator]
            rows[label] = (statistics.median(r[0] for r in runs), max(r[1] for r in runs))

        median("a", lambda: measure(engine_limit(work, []), work))
        median("a*", lambda: measure(engine_limit(work, ["-compression_level", "7"]), work))
        seed_project = project(work / "seed", seed)

        def clean() -> tuple[float, float]:
            shutil.rmtree(seed_project / "cache", ignore_errors=True)
            shutil.rmtree(seed_project / "output", ignore_errors=True)
            return measure(build(seed_project), seed_project)

        median("b", clean)
        median("c", lambda: measure(build(seed_project), seed_project))
        pitches = iter(range(40, 100, 5))

        def tweak() -> tuple[float, float]:
            voices = seed_project / "voices.yaml"
            text = voices.read_text(encoding="utf-8")
            changed = re.sub(
                r"(  Meredith:(?:\n    .*)*?\n    pitch: )\d+", rf"\g<1>{next(pitches)}", text
            )
            assert changed != text, "could not change Meredith's pitch"
            voices.write_text(changed, encoding="utf-8")
            return measure(build(seed_project), seed_project)

        median("d", tweak)
        big = project(work / "big", ten_times(seed))
        rows["e"] = measure(build(big), big)
    a, a_star, b, d, e = (rows[k][0] for k in ("a", "a*", "b", "d", "e"))
    lines = [
        ("a", "engine's limit: espeak-ng + ffmpeg (default MP3 settings)", rows["a"], ""),
        ("a*", "engine's limit: espeak-ng + ffmpeg (narrator's MP3 settings)", rows["a*"], ""),
        (
            "b",
            "clean narrator build of the seed",
            rows["b"],
            f"b/a {b / a:.2f}  b/a* {b / a_star:.2f}",
        ),
        ("c", "no-op rebuild", rows["c"], ""),
        ("d", "rebuild after one voice changed", rows["d"], f"d/b {d / b:.2f}"),
        ("e", "clean build, chapter 10x the seed", rows["e"], f"e/b {e / b:.2f}"),
    ]
    print(f"{'':3}{'what':62}{'seconds':>8}{'peak RSS':>10}  ratio")
    for key, what, (seconds, rss), ratio in lines:
        print(f"{key:3}{what:62}{seconds:8.2f}{rss:8.0f} MB  {ratio}")
    print("targets: b/a <= 1.5, c <= 1 s, d/b <= 0.8, e/b <= 11 with peak RSS <= 250 MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
