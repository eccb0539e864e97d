"""Running an engine's command (espeak-ng, flite, festival): one way, for every engine."""

from __future__ import annotations

import logging
import subprocess
from typing import Final

from narrator.errors import EngineError, MissingTool
from narrator.interrupts import run_child

_LOGGER = logging.getLogger(__name__)

TIMEOUT_S: Final = 120.0
"""An engine speaks a sentence in well under a second; one that takes this long is stuck."""


def run_tool(
    command: list[str],
    *,
    tool: str,
    hint: str,
    stdin: bytes | None = None,
    check: bool = True,
) -> bytes:
    """The command's stdout. It runs as every child of narrator does (`child_options`);
    one that cannot start is `MissingTool` (with `hint`, how to install it), one that
    hangs or (with `check`) fails is `EngineError`, its message in the debug log."""
    try:
        done = run_child(command, stdin, timeout=TIMEOUT_S)
    except OSError as exc:
        raise MissingTool(f"cannot run {tool}: {exc.strerror}", hint) from None
    except subprocess.TimeoutExpired:
        raise EngineError(f"{tool} gave no answer in {TIMEOUT_S:.0f} s") from None
    if check and done.returncode != 0:
        _LOGGER.debug("%s %s: %s", tool, command[1:], done.stderr.decode("utf-8", "replace"))
        raise EngineError(
            f"{tool} failed with status {done.returncode}", "run with --verbose to see its message"
        )
    out: bytes = done.stdout
    return out
