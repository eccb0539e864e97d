"""Stopping a command: Ctrl-C ends it with one line, whatever it is doing.

Everything about interruption is here: holding Ctrl-C while the CLI loads and while
worker processes start, workers leaving it to the main process, child processes kept out
of the terminal's process group (so Ctrl-C reaches narrator, which stops them, rather
than ffmpeg, whose failure would hide the interruption), and a CPython quirk to undo.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
import time
from typing import TYPE_CHECKING, Any, Final

if TYPE_CHECKING:
    from collections.abc import Iterator

EXIT_INTERRUPTED: Final = 130
_PARENT_POLL_SECONDS: Final = 0.2


@contextlib.contextmanager
def held_while_loading() -> Iterator[list[int]]:
    """Hold Ctrl-C while the CLI's modules load: a KeyboardInterrupt raised inside some
    library's import or `__del__` would print a traceback, or be swallowed and let the
    build go on. The list yielded says whether one was pressed meanwhile."""
    pressed: list[int] = []
    default = signal.signal(signal.SIGINT, lambda number, _frame: pressed.append(number))
    try:
        yield pressed
    finally:
        signal.signal(signal.SIGINT, default)


def exit_if_pressed(pressed: list[int]) -> None:
    """End with one line and status 130 for a Ctrl-C held while loading."""
    if pressed:
        sys.stderr.write("Error: interrupted\n")
        sys.exit(EXIT_INTERRUPTED)


def forget_interrupt() -> None:
    """Let a handled Ctrl-C exit with status 130 under `python -m narrator` too.

    CPython (3.11 here) notes a KeyboardInterrupt that ends a string exec (dataclasses
    and namedtuple define their methods so, on import) as unhandled even when it is caught,
    and a `-m` run then dies of SIGINT instead of exiting with its status. The next string
    eval that ends normally clears that note.
    """
    eval("None")  # a constant: the evaluation itself is the point


@contextlib.contextmanager
def held_while_starting_workers() -> Iterator[None]:
    """Hold Ctrl-C back while worker processes start: they inherit the blocked signal, so
    one that is still importing cannot die of it with a traceback; `worker_started` then
    ignores it. The main process gets a Ctrl-C pressed meanwhile once they are started."""
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


def worker_started(parent: int) -> None:
    """In a worker process: Ctrl-C is the main process's to handle (it stops the workers),
    so a worker never prints a traceback of its own. And a worker outlives no main
    process: killed with SIGKILL, the main process cannot stop its pool, and the pool's
    queue (whose writing end every worker holds too) would keep it waiting for ever.
    `parent` comes from the main process: killed before this runs, it is no longer our
    parent."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    threading.Thread(
        target=_exit_with, args=(parent,), name="narrator-parent-watch", daemon=True
    ).start()


def _exit_with(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(_PARENT_POLL_SECONDS)
    os._exit(1)  # the clip being written is a temporary file; a later build clears it


def child_options() -> dict[str, Any]:
    """`subprocess` arguments for every child narrator runs (ffmpeg, espeak-ng): in a
    process group of its own, so Ctrl-C at the terminal reaches narrator only."""
    return {"process_group": 0}
