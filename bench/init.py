"""`narrator init` benchmark: the cast it finds against hand-written casts.

    .venv/bin/python bench/init.py

For the seed chapter, the fan-fiction test chapters (tests/data/fanfic) and the 14 PDNC
dev novels (bench/eval), `discover` (what `init` writes) is run on the text and its cast
compared with the gold cast (`voices.yaml` beside the text; the speakers are the gold
characters with at least one quote in `gold.json`):

- speakers found: a gold speaker is found when one of init's characters is known by one
  of its names or aliases (case and a leading article ignored: "The Hatter" is "Hatter");
- split: speakers that init made two or more characters of;
- spurious: init's characters that match no gold character at all (speaker or not);
- characters named once and never in a speech tag, which `init` lists commented out as
  minor, are not part of its cast here: they are neither found, split nor spurious;
- gender right: found speakers whose gold gender is known and init's agrees;
- named: the same count for the speakers the gold cast names ("Sir Harry Otway"), not
  describes ("The Waiter", "An Old Man", "One Of The Men"); init finds a described speaker
  only from speech tags ("said the waiter").
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from narrator.attribute.discover import Found, discover  # noqa: E402
from narrator.config import load_config  # noqa: E402
from narrator.text.ingest import ingest  # noqa: E402

if TYPE_CHECKING:
    from narrator.model import Character

EVAL = ROOT / "bench" / "eval"
_DESCRIBED = frozenset({"the", "a", "an", "one", "another"})
"""First words of gold speakers known by a description ("The Waiter", "One Of The Men")."""


def texts() -> list[tuple[str, str, Path]]:
    """(group, name, folder) of every text with a gold cast."""
    found = [("seed", "seed-chapter-01", EVAL / "seed-chapter-01")]
    found += [
        ("fanfic", f.name, f) for f in sorted((ROOT / "tests" / "data" / "fanfic").iterdir())
        if (f / "gold.json").is_file()
    ]  # fmt: skip
    for group in ("pdnc-dev", "pdnc-dev-2"):
        found += [(group, f.name, f) for f in sorted((EVAL / group).iterdir()) if f.is_dir()]
    return found


def _forms(character: Character | Found) -> set[str]:
    """A character's names, case ignored, each also without a leading article (PDNC calls
    the Hatter "The Hatter"; a text and `init` call him "Hatter" as well)."""
    forms = {form.casefold() for form in (character.name, *character.aliases)}
    return forms | {f.split(" ", 1)[1] for f in forms if f.startswith(("the ", "a ", "an "))}


def score(folder: Path) -> dict[str, float]:
    gold = json.loads((folder / "gold.json").read_text(encoding="utf-8"))
    chapter_path = folder / "chapter.txt"
    cast = load_config(folder / "voices.yaml").characters
    speaking = {q["speaker"] for q in gold["quotes"]}
    speakers = [c for c in cast if c.name in speaking]
    everyone = discover([ingest(chapter_path)])
    found = [f for f in everyone if not f.minor]
    matches = {c.name: [f for f in found if _forms(f) & _forms(c)] for c in cast}
    hit = [c for c in speakers if matches[c.name]]
    named = [c for c in speakers if c.name.split()[0].lower() not in _DESCRIBED]
    split = [c for c in speakers if len(matches[c.name]) >= 2]
    spurious = [f for f in found if not any(_forms(f) & _forms(c) for c in cast)]
    gendered = [c for c in hit if c.gender != "unknown"]
    right = [
        c for c in gendered
        if max(matches[c.name], key=lambda f: f.mentions).gender == c.gender
    ]  # fmt: skip
    return {
        "speakers": len(speakers),
        "found": len(hit),
        "named": len(named),
        "named_found": len([c for c in named if matches[c.name]]),
        "missed": len(speakers) - len(hit),
        "split": len(split),
        "spurious": len(spurious),
        "characters": len(found),
        "minor": len(everyone) - len(found),
        "gendered": len(gendered),
        "gender_right": len(right),
    }


def main() -> None:
    print(f"{'text':34} {'speakers':>8} {'found':>6} {'missed':>6} {'split':>6} "
          f"{'spurious':>8} {'gender':>9}")  # fmt: skip
    totals: dict[str, dict[str, float]] = {}
    for group, name, folder in texts():
        s = score(folder)
        total = totals.setdefault(group, dict.fromkeys(s, 0))
        for key, value in s.items():
            total[key] += value
        gender = f"{s['gender_right']:.0f}/{s['gendered']:.0f}"
        print(f"{name:34} {s['speakers']:8.0f} {s['found']:6.0f} {s['missed']:6.0f} "
              f"{s['split']:6.0f} {s['spurious']:8.0f} {gender:>9}")  # fmt: skip
    print()
    for group, t in totals.items():
        found = t["found"] / t["speakers"] if t["speakers"] else 0.0
        gender = t["gender_right"] / t["gendered"] if t["gendered"] else 0.0
        named = t["named_found"] / t["named"] if t["named"] else 0.0
        print(f"{group:12} speakers found {found:.3f} ({t['found']:.0f}/{t['speakers']:.0f}; "
              f"named {named:.3f}, {t['named_found']:.0f}/{t['named']:.0f}), "
              f"gender right {gender:.3f} ({t['gender_right']:.0f}/{t['gendered']:.0f}), "
              f"split {t['split']:.0f}, spurious {t['spurious']:.0f}, "
              f"minor {t['minor']:.0f}")  # fmt: skip


if __name__ == "__main__":
    main()
