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
import subprocess
import sys
import threading
import time
from typing import TYPE_CHECKING, Any, Final

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence

EXIT_INTERRUPTED: Final = 130
EXIT_TERMINATED: Final = 143
"""128 + SIGTERM, what a shell reports for a command stopped by `kill`."""
_PARENT_POLL_SECONDS: Final = 0.2
_PR_SET_PDEATHSIG: Final = 1


class Terminated(KeyboardInterrupt):
    """SIGTERM (`kill`, a service manager, a closing terminal session): raised where
    Ctrl-C would be, so the same cleanup runs (temporary files removed, children stopped),
    and the command ends with one line and status 143."""


def _raise_terminated(_number: int, _frame: object) -> None:
    raise Terminated


def stop_on_terminate() -> None:
    """From now on SIGTERM stops the command as Ctrl-C does."""
    signal.signal(signal.SIGTERM, _raise_terminated)


@contextlib.contextmanager
def held_while_loading() -> Iterator[list[int]]:
    """Hold Ctrl-C while the CLI's modules load: a KeyboardInterrupt raised inside some
    library's import or `__del__` would print a traceback, or be swallowed and let the
    build go on. The list yielded says whether one was pressed meanwhile."""
    pressed: list[int] = []
    defaults = {
        number: signal.signal(number, lambda number, _frame: pressed.append(number))
        for number in (signal.SIGINT, signal.SIGTERM)
    }
    try:
        yield pressed
    finally:
        for number, default in defaults.items():
            signal.signal(number, default)


@contextlib.contextmanager
def held() -> Iterator[None]:
    """Hold Ctrl-C and SIGTERM through a stretch that must not be cut in the middle: a
    library loading (nltk loads `regex`, whose `__del__` swallows a KeyboardInterrupt and
    lets the build go on), a temporary file made and noted for removal. One that came
    meanwhile is raised as soon as the stretch is done."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    pressed: list[int] = []
    previous = {
        number: signal.signal(number, lambda number, _frame: pressed.append(number))
        for number in (signal.SIGINT, signal.SIGTERM)
    }
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
        # Each signal that came goes to the handler it would have met: raised as
        # KeyboardInterrupt or Terminated, or noted by an outer hold (the CLI still loading).
        for came in sorted(set(pressed), reverse=True):  # SIGTERM before Ctrl-C
            handler = previous[signal.Signals(came)]
            if callable(handler):
                handler(came, None)
            elif handler == signal.SIG_DFL:
                signal.raise_signal(came)


def exit_if_pressed(pressed: list[int]) -> None:
    """End with one line and status 130 for a Ctrl-C held while loading (143 for SIGTERM)."""
    if signal.SIGTERM in pressed:
        sys.stderr.write("Error: terminated\n")
        sys.exit(EXIT_TERMINATED)
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


_HELD: Final = frozenset({signal.SIGINT, signal.SIGTERM})


@contextlib.contextmanager
def held_while_starting_workers() -> Iterator[None]:
    """Hold Ctrl-C and SIGTERM back while worker processes start: they inherit the blocked
    signals, so one that is still importing cannot die of them with a traceback
    (`worker_started` then ignores Ctrl-C and lets SIGTERM stop it); and the main process
    cannot die while it is still handing a starting worker its instructions, which the
    worker would report with a traceback of its own. The main process gets a signal that
    came meanwhile once they are started."""
    signal.pthread_sigmask(signal.SIG_BLOCK, _HELD)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, _HELD)


def worker_started(parent: int) -> None:
    """In a worker process: Ctrl-C is the main process's to handle (it stops the workers),
    so a worker never prints a traceback of its own. And a worker outlives no main
    process: killed with SIGKILL, the main process cannot stop its pool, and the pool's
    queue (whose writing end every worker holds too) would keep it waiting for ever.
    `parent` comes from the main process: killed before this runs, it is no longer our
    parent."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # the pool's own way to stop a worker
    signal.pthread_sigmask(signal.SIG_UNBLOCK, _HELD)
    threading.Thread(
        target=_exit_with, args=(parent,), name="narrator-parent-watch", daemon=True
    ).start()


def _exit_with(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(_PARENT_POLL_SECONDS)
    os._exit(1)  # the clip being written is a temporary file; a later build clears it


def child_options() -> dict[str, Any]:
    """`subprocess` arguments for every child narrator runs (ffmpeg, espeak-ng, festival):
    in a process group of its own, so Ctrl-C at the terminal reaches narrator only, which
    stops it; and killed by the kernel when narrator dies without a chance to stop it
    (SIGKILL), instead of writing on into output/ for the rest of its work."""
    options: dict[str, Any] = {"process_group": 0}
    if _PRCTL is not None:
        options["preexec_fn"] = _die_with_parent
    return options


def start_child(command: Sequence[str], **options: Any) -> subprocess.Popen[bytes]:
    """`subprocess.Popen` with `child_options`, started with Ctrl-C and SIGTERM held: a
    Popen interrupted after its child has started leaves that child running (ffmpeg would
    go on to create the temporary file its caller has already removed), so one that comes
    meanwhile is raised only once the child is started, and the child stopped first."""
    process = None
    try:
        with held():
            process = subprocess.Popen(command, **options, **child_options())
    except BaseException:
        if process is not None:
            process.kill()
            process.wait()
        raise
    return process


def run_child(
    command: Sequence[str], data: bytes | None = None, timeout: float | None = None
) -> subprocess.CompletedProcess[bytes]:
    """Run a child to the end (`data` on its stdin, its output captured), started as
    `start_child` starts it, and stopped (killed and waited for) on any interruption or
    when it takes longer than `timeout` seconds (`subprocess.TimeoutExpired`)."""
    process = start_child(
        command,
        stdin=subprocess.PIPE if data is not None else subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    with process:
        try:
            out, err = process.communicate(data, timeout=timeout)
        except BaseException:
            process.kill()
            raise
    return subprocess.CompletedProcess(command, process.returncode, out, err)


def _load_prctl() -> Any:
    if not sys.platform.startswith("linux"):
        return None
    import ctypes

    try:
        return ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None


_PRCTL: Final = _load_prctl()
"""Linux's prctl, looked up once: after fork, the child may call nothing that locks."""


def _die_with_parent() -> None:
    """In a child, between fork and exec: SIGKILL when the thread that started it ends."""
    _PRCTL(_PR_SET_PDEATHSIG, signal.SIGKILL)
