"""YAML read as nodes that keep their line numbers, for messages that name file and line."""

from __future__ import annotations

import difflib
from typing import TYPE_CHECKING, Final

import yaml

from narrator.errors import ConfigError

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

_YAML_PROBLEMS: Final = (
    (
        "expected <block end>",
        "the indentation does not line up",
        "indent keys of one mapping equally",
    ),
    (
        "mapping values are not allowed",
        "a ':' where none can be",
        "put text containing ': ' in quotes",
    ),
    (
        "cannot start any token",
        "a character that cannot start a value",
        "indent with spaces, not tabs",
    ),
    ("expected ',' or ']'", "a '[' list is not closed", "end the list with ']'"),
    ("expected ',' or '}'", "a '{' mapping is not closed", "end the mapping with '}'"),
    ("end of stream", "a quote is not closed", "close the quote on the same line"),
)


def compose(text: str, path: Path) -> yaml.Node | None:
    """The document's root node (None when it is empty), or a `ConfigError` at the line
    where the YAML goes wrong."""
    try:
        return yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        problem, hint = _explain(exc.problem or exc.context or "")
        # An unclosed quote or bracket is reported where the file ends; point at its start.
        unclosed = problem.endswith("not closed") and exc.context_mark is not None
        mark = exc.context_mark if unclosed else (exc.problem_mark or exc.context_mark)
        line = mark.line + 1 if mark is not None else None
        raise ConfigError(path, f"invalid YAML: {problem}", hint, line=line) from None
    except yaml.YAMLError as exc:
        raise ConfigError(path, f"invalid YAML: {exc}") from None
    except RecursionError:
        raise ConfigError(
            path, "invalid YAML: nested too deeply", "a cast file needs a few levels, not hundreds"
        ) from None


def _explain(problem: str) -> tuple[str, str]:
    """PyYAML's problem in plain words, and what to do about it."""
    for marker, plain, hint in _YAML_PROBLEMS:
        if marker in problem:
            return plain, hint
    return problem or "not valid YAML", "check the indentation and the colons on that line"


_MERGE_TAG: Final = "tag:yaml.org,2002:merge"
_MAX_MERGE_DEPTH: Final = 20


class NodeReader:
    """Turns composed YAML nodes into plain values, raising located `ConfigError`s."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._constructor = yaml.constructor.SafeConstructor()

    def fail(self, node: yaml.Node, key: str, message: str, hint: str = "") -> ConfigError:
        """The error for `node`, at its line, under the dotted `key`."""
        return ConfigError(self.path, message, hint, line=node.start_mark.line + 1, key=key)

    def where(self, node: yaml.Node, key: str) -> str:
        """`voices.yaml:12: characters.Izzie`: where a value was written, for later errors."""
        return f"{self.path}:{node.start_mark.line + 1}: {key}"

    def value(self, node: yaml.Node) -> object:
        """A scalar's value (None for a mapping or a list)."""
        if not isinstance(node, yaml.ScalarNode):
            return None
        if node.tag == _MERGE_TAG:
            return "<<"
        try:
            return self._constructor.construct_object(node, deep=True)
        except (ValueError, OverflowError, yaml.YAMLError) as exc:
            # A number of thousands of digits (Python refuses to read it), a bad timestamp.
            shown = (
                node.value
                if len(node.value) <= 20
                else f"{node.value[:12]}... ({len(node.value)} characters)"
            )
            raise ConfigError(
                self.path,
                f"'{shown}' cannot be read as a value ({type(exc).__name__})",
                "write a number of a sensible size, or put text in quotes",
                line=node.start_mark.line + 1,
            ) from None

    def is_empty(self, node: yaml.Node) -> bool:
        """Whether the node is a bare `key:` with nothing after it."""
        return isinstance(node, yaml.ScalarNode) and self.value(node) is None

    def describe(self, node: yaml.Node) -> str:
        if isinstance(node, yaml.MappingNode):
            return "a mapping"
        if isinstance(node, yaml.SequenceNode):
            return "a list"
        value = self.value(node)
        return "nothing" if value is None else repr(value)

    def mapping(
        self, node: yaml.Node, key: str, allowed: tuple[str, ...] | None
    ) -> dict[str, yaml.Node]:
        """The entries of a mapping node; unknown keys (when `allowed` is given) are errors."""
        if not isinstance(node, yaml.MappingNode):
            what = f"'{key}'" if key else "the file"
            raise self.fail(
                node,
                key or "(top level)",
                f"expected a mapping for {what}, got {self.describe(node)}",
                "write it as indented 'name: value' lines, as in the README's voices.yaml",
            )
        out: dict[str, yaml.Node] = {}
        merged, own = self._merged(node, key, depth=0)
        for key_node, value_node in merged:  # `<<: *defaults`: the first source wins
            name = self.value(key_node)
            if isinstance(name, str | int | float) and not isinstance(name, bool):
                out.setdefault(str(name), value_node)
        inherited = set(out)
        for key_node, value_node in own:
            name = self.value(key_node)
            if not isinstance(name, str | int | float) or isinstance(name, bool):
                raise self.fail(key_node, key or "(top level)", "keys must be plain names")
            name = str(name)
            dotted = f"{key}.{name}" if key else name
            if allowed is not None and name not in allowed:
                close = difflib.get_close_matches(name, allowed, n=1)
                hint = (
                    f"did you mean '{close[0]}'?" if close else "valid keys: " + ", ".join(allowed)
                )
                raise self.fail(key_node, dotted, "unknown key", hint)
            if name in out and name not in inherited:
                raise self.fail(key_node, dotted, "given twice", "keep one of them")
            inherited.discard(name)  # written here: it overrides the merged value
            out[name] = value_node
        if allowed is not None:
            for name in set(out) - set(allowed):
                raise self.fail(node, f"{key}.{name}" if key else name, "unknown key (merged)")
        return out

    def _merged(
        self, node: yaml.MappingNode, key: str, depth: int
    ) -> tuple[list[tuple[yaml.Node, yaml.Node]], list[tuple[yaml.Node, yaml.Node]]]:
        """A mapping's entries brought in by merge keys (`<<: *defaults`, or a list of
        anchors), in order of precedence, and its own entries."""
        if depth > _MAX_MERGE_DEPTH:
            raise self.fail(node, key or "(top level)", "merge keys nested too deeply")
        merged: list[tuple[yaml.Node, yaml.Node]] = []
        own: list[tuple[yaml.Node, yaml.Node]] = []
        for key_node, value_node in node.value:
            if key_node.tag != _MERGE_TAG:
                own.append((key_node, value_node))
                continue
            sources = (
                value_node.value if isinstance(value_node, yaml.SequenceNode) else [value_node]
            )
            for source in sources:
                if not isinstance(source, yaml.MappingNode):
                    raise self.fail(
                        value_node, f"{key}.<<" if key else "<<",
                        "a merge key ('<<') must name a mapping (an '&anchor' of one)",
                        "write '<<: *defaults' where '&defaults' marks a mapping",
                    )  # fmt: skip
                inner_merged, inner_own = self._merged(source, key, depth + 1)
                merged += inner_own + inner_merged
        return merged, own

    def string(self, node: yaml.Node, key: str) -> str:
        value = self.value(node)
        if (
            isinstance(node, yaml.ScalarNode)
            and isinstance(value, str | int | float)
            and not isinstance(value, bool)
            and str(value).strip()
        ):
            return str(value).strip()
        raise self.fail(
            node, key, f"expected text, got {self.describe(node)}", "give it a value in quotes"
        )

    def optional_string(self, node: yaml.Node, key: str) -> str | None:
        return None if self.is_empty(node) else self.string(node, key)

    def number(self, node: yaml.Node, key: str, bounds: tuple[float, float], hint: str) -> float:
        value = self.value(node)
        if not isinstance(value, int | float) or isinstance(value, bool):
            raise self.fail(node, key, f"expected a number, got {self.describe(node)}", hint)
        low, high = bounds
        if not low <= value <= high:
            raise self.fail(node, key, f"{value} is out of range {low:g} to {high:g}", hint)
        return float(value)

    def boolean(self, node: yaml.Node, key: str) -> bool:
        value = self.value(node)
        if not isinstance(value, bool):
            raise self.fail(node, key, f"expected true or false, got {self.describe(node)}")
        return value

    def names(self, node: yaml.Node, key: str) -> Iterator[str]:
        """A list of names, or one name written alone."""
        if isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                yield self.string(item, f"{key}[{index}]")
        elif self.value(node) is not None:
            yield self.string(node, key)
