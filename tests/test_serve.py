"""`narrator serve`: the output folder over HTTP, read-only, with byte ranges — and a real
podcast client (gPodder's `gpo`) subscribing to it."""

from __future__ import annotations

import http.client
import os
import queue
import re
import sqlite3
import subprocess
import sys
import threading
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from narrator.publish.serve import OutputServer, open_server

from .conftest import requires_tool
from .test_feed import THIRD_CHAPTER, make_book

SECRET = b"not for the network\n"


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[OutputServer, Path]]:
    """An output folder with one of each kind of file, served on a free port."""
    root = tmp_path / "output"
    (root / ".narrator").mkdir(parents=True)
    (root / ".narrator" / "feed.json").write_text("{}", encoding="utf-8")
    (root / "chapter-01.mp3").write_bytes(bytes(range(256)) * 40)
    (root / "chapter-01.vtt").write_text("WEBVTT\n", encoding="utf-8")
    (root / "chapter-01.chapters.json").write_text("{}", encoding="utf-8")
    (root / "feed.xml").write_text("<rss/>", encoding="utf-8")
    (root / "cover.jpg").write_bytes(b"\xff\xd8\xff")
    (root / "book.m4b").write_bytes(b"\0" * 16)
    (root / "a folder").mkdir()
    (tmp_path / "secret.txt").write_bytes(SECRET)
    (root / "link.txt").symlink_to(tmp_path / "secret.txt")
    server = open_server(root, "127.0.0.1", 0)
    server.serve_in_background()
    try:
        yield server, root
    finally:
        server.shutdown()
        server.server_close()


def request(
    server: OutputServer, path: str, method: str = "GET", headers: dict[str, str] | None = None
) -> tuple[int, dict[str, str], bytes]:
    """Send `path` exactly as given (no client-side normalisation)."""
    host, port = server.server_address[:2]
    connection = http.client.HTTPConnection(str(host), port, timeout=10)
    try:
        connection.putrequest(method, path, skip_accept_encoding=True)
        for name, value in (headers or {}).items():
            connection.putheader(name, value)
        connection.endheaders()
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


def test_whole_files_with_their_content_types(served: tuple[OutputServer, Path]) -> None:
    server, root = served
    expected = {
        "/chapter-01.mp3": "audio/mpeg",
        "/chapter-01.vtt": "text/vtt; charset=utf-8",
        "/chapter-01.chapters.json": "application/json; charset=utf-8",
        "/feed.xml": "application/rss+xml; charset=utf-8",
        "/cover.jpg": "image/jpeg",
        "/book.m4b": "audio/mp4",
    }
    for path, content_type in expected.items():
        status, headers, body = request(server, path)
        assert status == 200, path
        assert headers["Content-Type"] == content_type
        assert body == (root / path.lstrip("/")).read_bytes()
        assert headers["Content-Length"] == str(len(body))
        assert headers["Accept-Ranges"] == "bytes"
    assert request(server, "/")[2] == b"<rss/>"  # the root is the feed


def test_byte_ranges(served: tuple[OutputServer, Path]) -> None:
    server, root = served
    data = (root / "chapter-01.mp3").read_bytes()
    size = len(data)
    cases = {
        "bytes=0-9": (0, 9),
        "bytes=100-": (100, size - 1),
        "bytes=-16": (size - 16, size - 1),
        f"bytes=10-{size + 500}": (10, size - 1),
    }
    for header, (first, last) in cases.items():
        status, headers, body = request(server, "/chapter-01.mp3", headers={"Range": header})
        assert status == 206, header
        assert headers["Content-Range"] == f"bytes {first}-{last}/{size}"
        assert body == data[first : last + 1]
        assert headers["Content-Length"] == str(last - first + 1)
    for header in (f"bytes={size}-", f"bytes={size + 10}-{size + 20}", "bytes=9-3", "bytes=-0"):
        status, headers, body = request(server, "/chapter-01.mp3", headers={"Range": header})
        assert status == 416, header
        assert headers["Content-Range"] == f"bytes */{size}"
        assert body == b""


def test_head_sends_headers_only(served: tuple[OutputServer, Path]) -> None:
    server, root = served
    status, headers, body = request(server, "/chapter-01.mp3", method="HEAD")
    assert status == 200
    assert body == b""
    assert headers["Content-Length"] == str((root / "chapter-01.mp3").stat().st_size)


@pytest.mark.parametrize(
    "path",
    [
        "/../secret.txt",
        "/%2e%2e/secret.txt",
        "/%2E%2E%2Fsecret.txt",
        "/..%2fsecret.txt",
        "/a%20folder/../../secret.txt",
        "/chapter-01.mp3/../../secret.txt",
        "//secret.txt",
        "/..\\secret.txt",
        "/%5c..%5csecret.txt",
        "/link.txt",
        "/.narrator/feed.json",
        "/%2enarrator/feed.json",
        "/a%20folder",
        "/chapter-01.mp3%00.txt",
        "/missing.mp3",
    ],
)
def test_nothing_outside_the_folder_nor_hidden(
    served: tuple[OutputServer, Path], path: str
) -> None:
    server, _ = served
    status, _, body = request(server, path)
    assert status == 404
    assert SECRET not in body
    assert b"{}" not in body


def test_it_is_read_only(served: tuple[OutputServer, Path]) -> None:
    server, root = served
    before = (root / "feed.xml").read_bytes()
    for method in ("POST", "PUT", "DELETE", "PATCH"):
        status, headers, _ = request(server, "/feed.xml", method=method)
        assert status == 405
        assert headers["Allow"] == "GET, HEAD"
    assert (root / "feed.xml").read_bytes() == before


def test_a_port_in_use_is_one_clear_line(served: tuple[OutputServer, Path]) -> None:
    server, root = served
    from narrator.errors import NarratorError

    with pytest.raises(NarratorError, match=r"cannot listen on 127\.0\.0\.1:\d+: .*--port"):
        open_server(root, "127.0.0.1", server.server_address[1])


@contextmanager
def serving(project: Path) -> Iterator[str]:
    """`narrator serve --port 0` running in `project`; the feed URL it prints."""
    process = subprocess.Popen(
        [sys.executable, "-m", "narrator", "serve", "--port", "0"],
        cwd=project, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    assert process.stdout is not None
    lines: queue.Queue[str] = queue.Queue()
    reader = threading.Thread(target=lambda: [lines.put(line) for line in process.stdout or ()])
    reader.start()
    try:
        printed = ""
        while not (url := re.search(r"Subscribe to: (\S+)", printed)):
            try:
                printed += lines.get(timeout=30)
            except queue.Empty:
                raise AssertionError(f"narrator serve did not start: {printed}") from None
        assert url.group(1).startswith("http://127.0.0.1:")
        yield url.group(1)
    finally:
        process.terminate()
        process.wait(timeout=10)
        reader.join(timeout=10)
        process.stdout.close()


def _gpo(home: Path, *args: str) -> str:
    environment = {
        **os.environ,
        "GPODDER_HOME": str(home / "gpodder"),
        "GPODDER_DOWNLOAD_DIR": str(home / "downloads"),
    }
    done = subprocess.run(
        ["gpo", *args], env=environment, capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


@pytest.mark.slow
@pytest.mark.integration
@requires_tool("gpo", "ffmpeg")
def test_gpodder_subscribes_and_downloads_every_episode_byte_identical(tmp_path: Path) -> None:
    """Acceptance of issue 5: a real podcast client, through `narrator serve`."""
    project = tmp_path / "project"
    make_book(project, short=True)
    client = tmp_path / "client"
    with serving(project) as feed_url:
        assert "Successfully added" in _gpo(client, "subscribe", feed_url)
        _gpo(client, "update")
        assert "2 episodes downloaded" in _gpo(client, "download")

        # Next week's chapter: built while the server runs, picked up by an update.
        (project / "chapters" / "chapter-03.txt").write_text(THIRD_CHAPTER, encoding="utf-8")
        built = subprocess.run(
            [sys.executable, "-m", "narrator", "build", "-q"],
            cwd=project, capture_output=True, text=True, check=False,
        )  # fmt: skip
        assert built.returncode == 0, built.stderr
        _gpo(client, "update")
        assert "1 episodes downloaded" in _gpo(client, "download")

        # A fix to chapters listeners already have: other audio, the same episodes.
        sounds = {p.name: p.read_bytes() for p in (project / "output").glob("*.mp3")}
        voices = project / "voices.yaml"
        voices.write_text(
            voices.read_text(encoding="utf-8").replace("Izzie: {gender: female}",
                                                       "Izzie: {gender: female, pitch: 80}"),
            encoding="utf-8",
        )  # fmt: skip
        rebuilt = subprocess.run(
            [sys.executable, "-m", "narrator", "build", "-q"],
            cwd=project, capture_output=True, text=True, check=False,
        )  # fmt: skip
        assert rebuilt.returncode == 0, rebuilt.stderr
        before = _episodes(client)
        assert "0 new episodes" in _gpo(client, "update")  # not a second chapter 1
        after = _episodes(client)
        assert [guid for guid, _ in after] == [guid for guid, _ in before]
        rebuilt_names = {
            name for name, data in sounds.items()
            if (project / "output" / name).read_bytes() != data
        }  # fmt: skip
        assert "chapter-01.mp3" in rebuilt_names  # Izzie speaks in it
        changed = [new for new, old in zip(after, before, strict=True) if new != old]
        # Exactly the rebuilt chapters' addresses moved with their sound.
        assert {url.rsplit("/", 1)[1].split("?")[0] for _, url in changed} == rebuilt_names
        for _, url in changed:
            # An app that fetches it again (a stream, or after deleting its copy) gets the fix.
            name = url.rsplit("/", 1)[1].split("?")[0]
            with urllib.request.urlopen(url, timeout=30) as response:
                assert response.read() == (project / "output" / name).read_bytes()

    downloads = sorted((client / "downloads").rglob("*.mp3"))
    assert [p.name for p in downloads] == ["chapter-01.mp3", "chapter-02.mp3", "chapter-03.mp3"]
    assert {p.parent.name for p in downloads} == {"The Test Book"}
    for downloaded in downloads:  # as downloaded (gPodder keeps a copy it has)
        assert downloaded.read_bytes() == sounds[downloaded.name]


def _episodes(client: Path) -> list[tuple[str, str]]:
    """(guid, url) of every episode gPodder knows, in guid order (from its database)."""
    with sqlite3.connect(client / "gpodder" / "Database") as db:
        rows = db.execute("SELECT guid, url FROM episode ORDER BY guid").fetchall()
    return [(str(guid), str(url)) for guid, url in rows]
