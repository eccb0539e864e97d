"""The fan-fiction test chapters (tests/data/fanfic): written in today's fan-fiction
style (close third person, phone calls, long untagged exchanges, nicknames, a character
talked about but absent), with gold speakers, and scored by the same scorer as the PDNC
novels. They are not training data."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import EVAL, ROOT

FANFIC = ROOT / "tests" / "data" / "fanfic"
CHAPTERS = sorted(p.name for p in FANFIC.iterdir() if (p / "gold.json").exists())
MEASURED = {"static": 0.957, "low-tide": 0.952, "recital": 1.0}
"""Attribution measured now (0.91, 0.95 and 0.89 when the chapters were written; the goal
was 0.95 on each)."""


def test_the_gold_is_made_from_the_annotated_sources(tmp_path: Path) -> None:
    sys.path.insert(0, str(ROOT / "tools"))
    from fanfic_gold import convert

    for name in CHAPTERS:
        text, gold = convert((FANFIC / "src" / f"{name}.txt").read_text(encoding="utf-8"))
        assert (FANFIC / name / "chapter.txt").read_text(encoding="utf-8") == text
        stored = json.loads((FANFIC / name / "gold.json").read_text(encoding="utf-8"))
        assert stored["quotes"] == gold
        assert all(text[q["start"] : q["end"]] == q["text"] for q in gold)


@pytest.mark.parametrize("name", CHAPTERS)
def test_every_quote_is_found_and_attribution_holds(name: str, tmp_path: Path) -> None:
    folder = FANFIC / name
    script = subprocess.run(
        [sys.executable, "-m", "narrator", "script", str(folder / "chapter.txt"), "--config",
         str(folder / "voices.yaml"), "--json"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    prediction = tmp_path / "pred.json"
    prediction.write_text(script.stdout, encoding="utf-8")
    subprocess.run(
        [sys.executable, str(EVAL / "score_attribution.py"), str(folder), str(prediction),
         "--report", str(tmp_path / "r.json")],
        capture_output=True, check=True,
    )  # fmt: skip
    report = json.loads((tmp_path / "r.json").read_text())
    assert report["f1"] == 1.0
    assert report["attribution_acc"] >= MEASURED[name] - 0.03
