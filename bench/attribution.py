"""Attribution benchmark: how often every quote gets the right voice, and how much `?` means.

    .venv/bin/python bench/attribution.py [--quick]

1. `narrator script --json` on the seed chapter, the 14 PDNC dev novels and the fan-
   fiction test chapters, scored by the shared scorer (bench/eval/score_attribution.py):
   accuracy over every gold quote (undetected ones count as wrong), by quote type,
   detection F1, and the wall time of the whole command (start-up included). The shipped
   ranker is trained on the 14 novels, so their figures here are in-sample. Then Pride
   and Prejudice's time against a reference run on the same machine (`speed`).
2. Unless --quick: the figures for books narrator has not seen. Each novel is predicted
   by a ranker trained on the other thirteen (tools/train_attribution.py); the confidence
   of those predictions is scored the same way, each novel's by a confidence model
   fitted on the others: a reliability table (confidence bins against the share right),
   the expected calibration error, and what the `?` threshold marks. About 5 minutes.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EVAL = ROOT / "bench" / "eval"
SCORER = EVAL / "score_attribution.py"
TYPES = ("Explicit", "Anaphoric", "Implicit")


def narrator() -> list[str]:
    local = ROOT / ".venv" / "bin" / "narrator"
    return [str(local)] if local.exists() else [sys.executable, "-m", "narrator"]


def texts() -> list[tuple[str, Path]]:
    """(group, folder) of every text with gold speakers."""
    found = [("seed", EVAL / "seed-chapter-01")]
    for group in ("pdnc-dev", "pdnc-dev-2"):
        found += [("novel", p) for p in sorted((EVAL / group).iterdir()) if p.is_dir()]
    fanfic = ROOT / "tests" / "data" / "fanfic"
    found += [("fanfic", p) for p in sorted(fanfic.iterdir()) if (p / "gold.json").exists()]
    return found


def score(folder: Path, prediction: Path) -> dict[str, object]:
    report = prediction.with_suffix(".report.json")
    subprocess.run(
        [sys.executable, str(SCORER), str(folder), str(prediction), "--report", str(report)],
        capture_output=True, check=True,
    )  # fmt: skip
    result: dict[str, object] = json.loads(report.read_text())
    return result


def in_product() -> None:
    print(f"{'text':34} {'acc':>6} {'expl':>6} {'anaph':>6} {'impl':>6} {'det F1':>7} {'time':>6}")
    right = total = 0
    with tempfile.TemporaryDirectory() as scratch:
        for group, folder in texts():
            started = time.perf_counter()
            done = subprocess.run(
                [*narrator(), "script", str(folder / "chapter.txt"), "--config",
                 str(folder / "voices.yaml"), "--json"],
                capture_output=True, text=True, check=True,
            )  # fmt: skip
            seconds = time.perf_counter() - started
            prediction = Path(scratch) / f"{folder.name}.json"
            prediction.write_text(done.stdout, encoding="utf-8")
            r = score(folder, prediction)
            by_type = r["by_type"]
            assert isinstance(by_type, dict)
            kinds = " ".join(
                f"{t['correct'] / t['n']:6.3f}" if (t := by_type.get(name)) else "     -"
                for name in TYPES
            )
            print(
                f"{folder.name:34} {r['attribution_acc']:6.3f} {kinds} {r['f1']:7.3f} "
                f"{seconds:5.2f}s"
            )
            if group == "novel":
                right += int(r["correct"])  # type: ignore[call-overload]
                total += int(r["n"])  # type: ignore[call-overload]
    print(f"{'MICRO (14 novels, in-sample)':34} {right / total:6.3f}")


def left_out() -> None:
    sys.path.insert(0, str(ROOT / "tools"))
    import train_attribution as training

    print("\nLeave-one-novel-out (each novel by a ranker trained on the other 13):")
    sys.argv = [sys.argv[0], "--eval", str(EVAL)]
    training.main()


NOVEL = EVAL / "pdnc-dev" / "pride-and-prejudice"
REFERENCE = """
import sys
from collections import defaultdict
import punkt
from nltk.tokenize.punkt import PunktParameters, PunktSentenceTokenizer
trained = punkt.load_model("english")
params = PunktParameters()
params.abbrev_types = set(trained.abbrev_types)
params.sent_starters = set(trained.sent_starters)
params.ortho_context = defaultdict(int, trained.ortho_context)
text = open(sys.argv[1], encoding="utf-8").read()
print(len(list(PunktSentenceTokenizer(params).span_tokenize(text))))
"""
"""The reference a novel's script is timed against: a fresh Python that imports nltk and
splits the same text into sentences, the least any Python reading of the book costs."""


def speed(repeat: int = 3) -> None:
    """Pride and Prejudice's `narrator script --json`, and the reference on its text, run
    alternately (medians): the ratio holds from one machine's speed to another's."""
    script = [*narrator(), "script", str(NOVEL / "chapter.txt"), "--config",
              str(NOVEL / "voices.yaml"), "--json"]  # fmt: skip
    reference = [sys.executable, "-c", REFERENCE, str(NOVEL / "chapter.txt")]
    times: dict[str, list[float]] = {"script": [], "reference": []}
    for _ in range(repeat):
        for label, command in (("script", script), ("reference", reference)):
            started = time.perf_counter()
            subprocess.run(command, capture_output=True, check=True)
            times[label].append(time.perf_counter() - started)
    ours, bare = (statistics.median(times[k]) for k in ("script", "reference"))
    print(
        f"\nPride and Prejudice, narrator script --json: {ours:.2f} s; a bare nltk sentence "
        f"split of its text: {bare:.2f} s; ratio {ours / bare:.2f}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="skip the leave-one-out part")
    args = parser.parse_args()
    in_product()
    speed()
    if not args.quick:
        left_out()
    return 0


if __name__ == "__main__":
    sys.exit(main())
