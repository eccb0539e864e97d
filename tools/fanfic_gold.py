"""Make the fan-fiction test chapters' gold from their annotated sources.

    .venv/bin/python tools/fanfic_gold.py

Each `tests/data/fanfic/src/<name>.txt` is a chapter in which every quotation is followed
(after its closing mark, or later in the same paragraph) by `{Speaker|T}`: who says it
and how the text tells (E: a tag names them, A: a tag's pronoun or description, I: no
tag). This writes `tests/data/fanfic/<name>/chapter.txt` (the text without the marks) and
`gold.json` (each quotation's offsets inside its marks, speaker and type) in the layout
of bench/eval's PDNC novels, so the same scorer reads both.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1] / "tests" / "data" / "fanfic"
MARK = re.compile(r"\{([^|{}]+)\|([EAI])\}")
TYPES = {"E": "Explicit", "A": "Anaphoric", "I": "Implicit"}


def convert(source: str) -> tuple[str, list[dict[str, object]]]:
    """The text without its marks, and its gold quotations."""
    text_parts: list[str] = []
    marks: list[tuple[int, str, str]] = []  # (offset in the clean text, speaker, type)
    cursor = length = 0
    for found in MARK.finditer(source):
        piece = source[cursor : found.start()]
        text_parts.append(piece)
        length += len(piece)
        marks.append((length, found.group(1), found.group(2)))
        cursor = found.end()
    text_parts.append(source[cursor:])
    text = "".join(text_parts)
    quotes = _quotes(text)
    gold: list[dict[str, object]] = []
    used: set[int] = set()
    for at, speaker, kind in marks:
        k = max(n for n, (_, end) in enumerate(quotes) if end <= at and n not in used)
        used.add(k)
        start, end = quotes[k]
        gold.append(
            {"start": start, "end": end, "speaker": speaker, "type": TYPES[kind],
             "text": text[start:end], "quote_id": len(gold)}
        )  # fmt: skip
    if len(used) != len(quotes):
        missing = [text[s:e] for n, (s, e) in enumerate(quotes) if n not in used]
        raise SystemExit(f"quotations without a mark: {missing}")
    return text, sorted(gold, key=lambda q: q["start"])  # type: ignore[arg-type,return-value]


def _quotes(text: str) -> list[tuple[int, int]]:
    """(start, end) inside the marks of every quotation, curly or straight."""
    spans = []
    opened: int | None = None
    for n, char in enumerate(text):
        if char == "\u201c" or (char == '"' and opened is None):
            opened = n + 1
        elif (char == "\u201d" or char == '"') and opened is not None:
            spans.append((opened, n))
            opened = None
    return spans


def main() -> int:
    for source in sorted((ROOT / "src").glob("*.txt")):
        text, gold = convert(source.read_text(encoding="utf-8"))
        folder = ROOT / source.stem
        folder.mkdir(exist_ok=True)
        (folder / "chapter.txt").write_text(text, encoding="utf-8")
        document = {"novel": source.stem, "quotes": gold}
        (folder / "gold.json").write_text(json.dumps(document, indent=1) + "\n", encoding="utf-8")
        print(f"{folder}: {len(gold)} quotes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
