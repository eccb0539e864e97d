"""Files written whole or not at all: a temporary file beside the target, then a rename;
and the lock that keeps two builds of one output folder from running at once."""

from __future__ import annotations

import contextlib
import errno
import fcntl
import logging
import os
import re
import stat
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING, Final, TypeVar

from narrator.errors import NarratorError
from narrator.interrupts import held

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

T = TypeVar("T")

_LOGGER = logging.getLogger(__name__)

TEMPORARY_SUFFIX: Final = ".tmp"
LOCK_NAME: Final = ".narrator/build.lock"


def write_atomically(output: Path, write: Callable[[Path], T]) -> T:
    """Let `write` fill a temporary file beside `output`, then rename it into place."""
    if output.is_dir() and not output.is_symlink():
        raise NarratorError(
            f"{output}: is a folder where narrator writes a file",
            "move or rename that folder, then run the command again",
        )
    temporary: Path | None = None
    try:
        # A SIGTERM between making the file and noting it would leave it behind.
        with held():
            try:
                handle, name = tempfile.mkstemp(
                    dir=output.parent, prefix=f".{output.name}.", suffix=TEMPORARY_SUFFIX
                )
            except OSError as exc:
                raise cannot_write(output.parent, exc) from None
            temporary = Path(name)
            os.close(handle)
        result = write(temporary)
        os.chmod(temporary, 0o644)
        # On disk before the rename, so a power cut leaves the old file or the new one.
        with open(temporary, "rb") as written:
            os.fsync(written.fileno())
        os.replace(temporary, output)
    except BaseException as exc:
        if temporary is None:
            raise  # no file made: nothing to remove, the error is the folder's
        temporary.unlink(missing_ok=True)
        cause = os_error(exc)
        if cause is not None and cause.errno in _NO_ROOM:
            raise cannot_write(output, cause) from None
        raise
    return result


def os_error(exc: BaseException) -> OSError | None:
    """The OSError behind an exception: itself, or the one a library wrapped (mutagen
    raises its own error type around the OSError of a full disk)."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, OSError) and current.errno is not None:
            return current
        inner = next((a for a in current.args if isinstance(a, OSError)), None)
        current = inner or current.__cause__ or current.__context__
    return None


_NO_ROOM: Final = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EPERM})


def cannot_write(path: Path, exc: OSError) -> NarratorError:
    """The user's error for a folder or file narrator may not (or no longer) write."""
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return NarratorError(
            f"{path}: the disk is full ({exc.strerror})",
            "free some space on it and run the command again; nothing finished was damaged",
        )
    return NarratorError(
        f"{path}: cannot write there: {exc.strerror}",
        "check its permissions and the free space, or give another --out folder",
    )


def write_text(path: Path, text: str) -> None:
    """Write a text file atomically (UTF-8)."""
    write_atomically(path, lambda temporary: temporary.write_text(text, encoding="utf-8"))


def slug(name: str, fallback: str) -> str:
    """`name` as a file name: ASCII letters and digits, runs of anything else as one dash."""
    return re.sub(r"[^A-Za-z0-9]+", "-", name).strip("-").lower() or fallback


@contextlib.contextmanager
def folder_lock(folder: Path, waiting: Callable[[], None] | None = None) -> Iterator[None]:
    """Hold `folder`'s build lock: a second build of the same folder waits for the first
    (calling `waiting` once), so two builds never write one chapter at the same time.
    The lock goes with the process that holds it, however that process ends."""
    lock = folder / LOCK_NAME
    try:
        lock.parent.mkdir(parents=True, exist_ok=True)
        handle = open(lock, "a+b")  # noqa: SIM115 (closed below, after the lock)
    except OSError as exc:
        raise cannot_write(folder, exc) from None
    with handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if waiting is not None:
                waiting()
            fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def remove_leftovers(folder: Path) -> int:
    """Delete the temporary files a killed build left in `folder` (hold its lock)."""
    removed = 0
    for leftover in folder.glob(f".*{TEMPORARY_SUFFIX}"):
        with contextlib.suppress(OSError):
            leftover.unlink()
            removed += 1
    if removed:
        _LOGGER.info("%s: removed %d files an interrupted build left", folder, removed)
    return removed


def remove_stale(folder: Path, pattern: str, age_seconds: float) -> None:
    """Delete files matching `pattern` under `folder` older than `age_seconds` (temporary
    files of a shared cache, which another build may still be writing when younger)."""
    limit = time.time() - age_seconds
    for leftover in folder.glob(pattern):
        with contextlib.suppress(OSError):
            if leftover.stat().st_mtime < limit:
                leftover.unlink()


class NotARegularFile(OSError):
    """A path that is a device, a FIFO, a socket or a folder where a file was expected."""


def read_regular(path: Path, limit: int) -> bytes:
    """A regular file's bytes, at most `limit` of them: a device (/dev/zero), a FIFO or a
    socket is refused before it is opened (reading one would never end, or hang), and so
    is a file larger than `limit` (`NotARegularFile`, or `OSError` with EFBIG)."""
    info = path.stat()  # follows links: a link to a regular file is one
    if not stat.S_ISREG(info.st_mode):
        kind = "a folder" if stat.S_ISDIR(info.st_mode) else "not a regular file"
        raise NotARegularFile(errno.EINVAL, kind, str(path))
    with path.open("rb") as handle:
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise OSError(errno.EFBIG, f"larger than {limit // 1_000_000} MB", str(path))
    return data


def named_files(folder: Path, pattern: str) -> list[Path]:
    """`folder.glob(pattern)`, sorted, without files whose names are not UTF-8 (they
    cannot go into a feed or a URL): each is skipped with a warning naming it."""
    found = []
    for path in sorted(folder.glob(pattern)):
        try:
            path.name.encode("utf-8")
        except UnicodeEncodeError:
            shown = path.name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
            _LOGGER.warning("%s: skipped, its name is not UTF-8 (rename it)", folder / shown)
            continue
        found.append(path)
    return found
