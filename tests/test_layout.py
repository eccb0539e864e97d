"""The package is a map of the pipeline: one folder per stage, no import cycle, no stage
importing a later one, no module past ~400 lines without its reason."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from .conftest import ROOT

PACKAGE = ROOT / "narrator"

LAYERS: list[tuple[str, ...]] = [
    ("narrator", "narrator.errors", "narrator.model", "narrator.interrupts"),
    ("narrator.files", "narrator.audio"),
    ("narrator.voices.engines",),  # the engines' registry: a table of names the config checks
    ("narrator.config",),
    ("narrator.text",),
    ("narrator.attribute",),
    ("narrator.script",),
    ("narrator.voices",),
    ("narrator.publish",),
    ("narrator.build",),
    ("narrator.commands",),
    ("narrator.cli", "narrator.__main__"),
]
"""From the bottom up: a module may import its own layer and the layers below it."""
STAGES = {"config", "text", "attribute", "voices", "publish", "commands"}
MAX_LINES = 400


def _modules() -> dict[str, Path]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


MODULES = _modules()


def _imports(name: str, path: Path) -> set[str]:
    """Every narrator module `name` imports, anywhere in it (TYPE_CHECKING and function
    bodies included): a lazy import is still a dependency."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([base] if base else [])])
            # `from narrator.voices import synth` imports the submodule itself.
            targets = [f"{base}.{alias.name}" for alias in node.names] + [base]
        else:
            continue
        for target in targets:
            while target and target not in MODULES:
                target = target.rpartition(".")[0]
            if target.startswith("narrator") and target != name:
                out.add(target)
    return out


GRAPH = {name: _imports(name, path) for name, path in MODULES.items()}


def _layer(name: str) -> int:
    best = (-1, -1)  # (length of the matching prefix, layer)
    for number, prefixes in enumerate(LAYERS):
        for prefix in prefixes:
            if (name == prefix or name.startswith(prefix + ".")) and len(prefix) > best[0]:
                best = (len(prefix), number)
    assert best[1] >= 0, f"{name} is in no layer"
    return best[1]


def test_every_module_is_in_a_layer_and_every_folder_is_a_stage() -> None:
    for name in MODULES:
        _layer(name)
    folders = {p.name for p in PACKAGE.iterdir() if p.is_dir() and p.name != "__pycache__"}
    assert folders == STAGES


def test_no_module_imports_a_later_stage() -> None:
    upward = [
        f"{name} -> {target}"
        for name, targets in GRAPH.items()
        for target in targets
        if _layer(target) > _layer(name) and target != "narrator"
    ]
    assert upward == []


def test_the_import_graph_has_no_cycle() -> None:
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    cycles: list[list[str]] = []

    def visit(name: str, path: list[str]) -> None:
        state[name] = 1
        for target in sorted(GRAPH[name]):
            if target == "narrator" or name.startswith(target + "."):
                continue  # a package's own __init__ is its namespace, not a dependency
            if state.get(target) == 1:
                cycles.append([*path[path.index(target) :], target])
            elif target not in state:
                visit(target, [*path, target])
        state[name] = 2

    for name in MODULES:
        if name not in state:
            visit(name, [name])
    assert cycles == []


@pytest.mark.parametrize("name", sorted(MODULES))
def test_no_module_is_long_without_a_reason(name: str) -> None:
    path = MODULES[name]
    text = path.read_text(encoding="utf-8")
    lines = text.count("\n")
    docstring = ast.get_docstring(ast.parse(text)) or ""
    assert lines <= MAX_LINES or "Longer than 400 lines:" in docstring, (
        f"{path.relative_to(ROOT)} has {lines} lines and its docstring gives no reason"
    )


def test_class_and_module_names_are_unique() -> None:
    stems: dict[str, str] = {}
    classes: dict[str, str] = {}
    for name, path in MODULES.items():
        if path.name != "__init__.py":
            other = stems.setdefault(path.stem, name)
            assert other == name, f"two modules named {path.stem}: {other} and {name}"
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef):
                other = classes.setdefault(node.name, name)
                assert other == name, f"two classes named {node.name}: {other} and {name}"
