"""Attribution benchmark: `narrator script` on every eval folder, scored by the shared scorer.

    .venv/bin/python bench/attribution.py [--eval ../shared/eval]

For the seed chapter and each PDNC dev novel: accuracy (all gold quotes; undetected ones
count as wrong), accuracy by quote type, detection F1, and the wall time of the whole
`narrator script --json` command (start-up included). Then the micro-average over the
novels, as ../shared/tools/score_attribution.py --all computes it.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TYPES = ("Explicit", "Anaphoric", "Implicit")


def narrator() -> list[str]:
    local = ROOT / ".venv" / "bin" / "narrator"
    return [str(local)] if local.exists() else [sys.executable, "-m", "narrator"]


def folders(root: Path) -> list[Path]:
    found = [root / "seed-chapter-01"] if (root / "seed-chapter-01").is_dir() else []
    dev = root / "pdnc-dev"
    if dev.is_dir():
        found += sorted(p for p in dev.iterdir() if (p / "gold.json").exists())
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--eval", type=Path, default=ROOT.parent / "shared" / "eval")
    args = parser.parse_args()
    scorer = args.eval.parent / "tools" / "score_attribution.py"
    if not scorer.exists():
        print(f"no scorer at {scorer}: pass --eval ROOT of the shared eval data", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as scratch:
        novels = Path(scratch) / "novels"
        novels.mkdir()
        print(
            f"{'text':34} {'acc':>6} {'expl':>6} {'anaph':>6} {'impl':>6} {'det F1':>7} {'time':>6}"
        )
        for folder in folders(args.eval):
            mirror = novels / folder.name
            mirror.mkdir()
            for name in ("chapter.txt", "voices.yaml", "gold.json"):
                shutil.copy(folder / name, mirror / name)
            started = time.perf_counter()
            done = subprocess.run(
                [*narrator(), "script", str(folder / "chapter.txt"), "--config",
                 str(folder / "voices.yaml"), "--json"],
                capture_output=True, text=True, check=True,
            )  # fmt: skip
            seconds = time.perf_counter() - started
            (mirror / "pred.json").write_text(done.stdout, encoding="utf-8")
            report = mirror / "report.json"
            subprocess.run(
                [sys.executable, str(scorer), str(mirror), str(mirror / "pred.json"),
                 "--report", str(report)],
                capture_output=True, check=True,
            )  # fmt: skip
            r = json.loads(report.read_text())
            by_type = [
                f"{t['correct'] / t['n']:6.3f}" if (t := r["by_type"].get(name)) else "     -"
                for name in TYPES
            ]
            print(
                f"{folder.name:34} {r['attribution_acc']:6.3f} {' '.join(by_type)} "
                f"{r['f1']:7.3f} {seconds:5.2f}s"
            )
            if folder.name == "seed-chapter-01":
                (mirror / "pred.json").rename(mirror / "seed.json")  # not in the novels' micro
        done = subprocess.run(
            [
                sys.executable,
                str(scorer),
                "--all",
                str(novels),
                "--report",
                str(novels / "all.json"),
            ],
            capture_output=True,
            text=True,
            check=True,
        )
        micro = json.loads((novels / "all.json").read_text())["micro"]
        by_type = " ".join(
            f"{t['correct'] / t['n']:6.3f}" if (t := micro["by_type"].get(name)) else "     -"
            for name in TYPES
        )
        print(
            f"{'MICRO (dev novels)':34} {micro['attribution_acc']:6.3f} {by_type} "
            f"{micro['f1']:7.3f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
