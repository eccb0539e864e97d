"""Serve the output folder over HTTP, read-only, with byte ranges, for podcast apps."""

from __future__ import annotations

import logging
import mimetypes
import posixpath
import re
import socket
import sys
import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any, Final
from urllib.parse import unquote, urlsplit

from narrator.errors import NarratorError

if TYPE_CHECKING:
    from pathlib import Path

_LOGGER = logging.getLogger(__name__)

_TYPES: Final = {
    ".mp3": "audio/mpeg",
    ".m4b": "audio/mp4",
    ".vtt": "text/vtt; charset=utf-8",
    ".xml": "application/rss+xml; charset=utf-8",
    ".json": "application/json; charset=utf-8",
    ".jpg": "image/jpeg",
    ".png": "image/png",
    ".html": "text/html; charset=utf-8",
}
_RANGE: Final = re.compile(r"bytes=(\d{0,18})-(\d{0,18})$")
"""One range; a number of more than 18 digits is beyond any file (answered 416)."""
_CHUNK: Final = 64 * 1024
IDLE_TIMEOUT_S: Final = 30.0
"""A client that sends nothing (or takes nothing) for this long is let go."""
MAX_CONNECTIONS: Final = 64
"""Connections served at once; more wait to be accepted (one thread each)."""


class OutputServer(ThreadingHTTPServer):
    """An HTTP server for one folder."""

    daemon_threads = True

    def __init__(self, root: Path, address: tuple[str, int]) -> None:
        self.root = root.resolve()
        self._slots = threading.BoundedSemaphore(MAX_CONNECTIONS)
        super().__init__(address, _Handler)

    def process_request(self, request: Any, client_address: Any) -> None:
        """One thread per connection, at most MAX_CONNECTIONS of them: the next waits."""
        self._slots.acquire()
        try:
            super().process_request(request, client_address)
        except BaseException:
            self._slots.release()
            raise

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self._slots.release()

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that hangs up or goes quiet is no error of ours: said only with -vv;
        anything else in one line, never a traceback on the console."""
        problem = sys.exc_info()[1]
        if isinstance(problem, ConnectionError | TimeoutError | socket.timeout):
            _LOGGER.debug("%s: %s", client_address[0], problem)
        else:
            _LOGGER.warning("a request from %s failed: %s", client_address[0], problem)
            _LOGGER.debug("details", exc_info=True)

    @property
    def url(self) -> str:
        """The address clients reach it at (the LAN address when listening on all)."""
        address, port = self.server_address[:2]
        host = address.decode() if isinstance(address, bytes) else str(address)
        if host in ("0.0.0.0", ""):
            host = lan_address()
        return f"http://{host}:{port}/"

    def serve_in_background(self) -> threading.Thread:
        thread = threading.Thread(
            target=self.serve_forever, args=(0.05,), name="narrator-serve", daemon=True
        )
        thread.start()
        return thread


def lan_address() -> str:
    """This machine's address on its local network (no packet is sent)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("10.255.255.255", 1))
            return str(probe.getsockname()[0])
        except OSError:
            return "127.0.0.1"


class _Handler(BaseHTTPRequestHandler):
    server: OutputServer
    server_version = "narrator"
    timeout = IDLE_TIMEOUT_S

    def do_GET(self) -> None:
        self._respond(with_body=True)

    def do_HEAD(self) -> None:
        self._respond(with_body=False)

    def _method_not_allowed(self) -> None:
        self.send_response(HTTPStatus.METHOD_NOT_ALLOWED)
        self.send_header("Allow", "GET, HEAD")
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_POST = do_PUT = do_DELETE = do_PATCH = _method_not_allowed  # noqa: N815 (http.server names)

    def _respond(self, *, with_body: bool) -> None:
        path = self._resolve()
        if path is None:
            self._error(HTTPStatus.NOT_FOUND)
            return
        size = path.stat().st_size
        start, end = 0, size - 1
        status = HTTPStatus.OK
        if "Range" in self.headers:
            wanted = _byte_range(self.headers["Range"], size)
            if wanted is None:
                self.send_response(HTTPStatus.REQUESTED_RANGE_NOT_SATISFIABLE)
                self.send_header("Content-Range", f"bytes */{size}")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            start, end = wanted
            status = HTTPStatus.PARTIAL_CONTENT
        self.send_response(status)
        self.send_header("Content-Type", _content_type(path))
        self.send_header("Content-Length", str(end - start + 1))
        self.send_header("Accept-Ranges", "bytes")
        if status == HTTPStatus.PARTIAL_CONTENT:
            self.send_header("Content-Range", f"bytes {start}-{end}/{size}")
        self.send_header("Last-Modified", self.date_time_string(int(path.stat().st_mtime)))
        self.end_headers()
        if not with_body:
            return
        with path.open("rb") as source:
            source.seek(start)
            left = end - start + 1
            while left > 0:
                block = source.read(min(_CHUNK, left))
                if not block:
                    break
                try:
                    self.wfile.write(block)
                except (BrokenPipeError, ConnectionResetError):
                    return
                left -= len(block)

    def _resolve(self) -> Path | None:
        """The file under the root the request names; None for anything else (traversal,
        hidden files, folders), whether or not its path was percent-encoded."""
        raw = urlsplit(self.path).path
        decoded = unquote(raw)
        if "\x00" in decoded or "\\" in decoded:
            return None
        parts = [p for p in posixpath.normpath(decoded).split("/") if p]
        if not parts:
            parts = ["feed.xml"]
        if any(p in ("..", ".") or p.startswith(".") for p in decoded.split("/") if p):
            return None
        path = self.server.root.joinpath(*parts)
        try:
            resolved = path.resolve(strict=True)
        except (FileNotFoundError, RuntimeError, OSError):
            return None
        if not resolved.is_relative_to(self.server.root) or not resolved.is_file():
            return None
        # A link inside the folder may lead to a hidden file in it (.narrator/): every part
        # of where it leads is checked, not only the name asked for.
        if any(part.startswith(".") for part in resolved.relative_to(self.server.root).parts):
            return None
        return resolved

    def _error(self, status: HTTPStatus) -> None:
        body = f"{status.value} {status.phrase}\n".encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        _LOGGER.info("%s %s", self.address_string(), format % args)


def _byte_range(header: str, size: int) -> tuple[int, int] | None:
    """The first byte and the last of a single range; None when it cannot be satisfied."""
    match = _RANGE.match(header.strip())
    if match is None or size == 0:
        return None
    first, last = match.groups()
    if not first and not last:
        return None
    if not first:  # the last N bytes
        length = int(last)
        return (max(0, size - length), size - 1) if length > 0 else None
    start = int(first)
    end = min(int(last), size - 1) if last else size - 1
    return (start, end) if start <= end and start < size else None


def _content_type(path: Path) -> str:
    return (
        _TYPES.get(path.suffix.lower())
        or mimetypes.guess_type(path.name)[0]
        or ("application/octet-stream")
    )


def open_server(root: Path, host: str = "127.0.0.1", port: int = 8000) -> OutputServer:
    """An HTTP server over `root`, bound (port 0 picks a free one), not yet serving."""
    try:
        return OutputServer(root, (host, port))
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise NarratorError(
            f"cannot listen on {host}:{port}: {reason}",
            "pass another --port (or --host), or stop what is using it",
        ) from None


__all__ = ["OutputServer", "lan_address", "open_server"]
