"""Hostile inputs, full disks and hard stops, round two: no input may break an output
folder, hang, eat memory or pass off damaged audio.

Each class is fixed at its root (see the modules named); each case here is one way in.
Cases that build or run the command are marked slow (the quick subset keeps the rest).
Commands run through the CLI (in-process, or as a process where a signal, a hang or a
device is involved) and must end with one line and status 2, never a traceback, leaving
what is in output/ as it was.
"""

from __future__ import annotations

import errno
import json
import math
import os
import shutil
import signal
import socket
import stat
import struct
import subprocess
import sys
import tempfile
import time
import zlib
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from lxml import etree

from narrator import audio, files, interrupts
from narrator.cli import main
from narrator.files import NotARegularFile, read_regular
from narrator.printable import printable

from .acoustics import rms
from .conftest import requires_tool

CAST = """\
book: {title: Hostile Book, author: Test Author}
engine: tone
characters:
  Izzie: {gender: female}
  Alex: {gender: male}
"""
CHAPTER = """Summary: A short one.

Izzie pours two mugs of coffee. "You should drink something," she says.

"I'm fine," Alex says.
"""


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def one_line_error(result: Result) -> str:
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    return lines[0]


@pytest.fixture
def book(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A small project on the tone engine, as the working directory, not yet built."""
    (tmp_path / "chapters").mkdir()
    (tmp_path / "chapters" / "chapter-01.txt").write_text(CHAPTER, encoding="utf-8")
    (tmp_path / "voices.yaml").write_text(CAST, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("NARRATOR_CACHE", raising=False)
    return tmp_path


def built(book: Path) -> dict[str, bytes]:
    result = run("build", "-q")
    assert result.exit_code == 0, result.output
    return snapshot(book / "output")


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every regular file under `folder` by relative name (the state files included)."""
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.is_symlink() and not stat.S_ISFIFO(p.lstat().st_mode)
    }


def leftovers(folder: Path) -> list[str]:
    return [p.name for p in folder.rglob("*") if p.name.endswith(".tmp") or ".tmp-" in p.name]


def feed_parses(book: Path) -> etree._Element:
    return etree.fromstring((book / "output" / "feed.xml").read_bytes())


# -- 1. Text into XML, ID3, MP4 and file names: narrator/printable.py ---------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Line\vbreak", "Line break"),
        ("bell\x07 here", "bell here"),
        ("form\ffeed", "form feed"),
        ("nonchar\ufffe\uffff", "nonchar"),
        ("c1\x85next\x9fend", "c1 nextend"),
        ("  spaced\t out \u2028 ", "spaced out"),
    ],
)
def test_printable_drops_what_breaks_file_formats(text: str, expected: str) -> None:
    assert printable(text) == expected


@pytest.mark.parametrize(
    "poison",
    ["\v", "\x01", "\x1b", "\ufffe", "\x7f"],
    ids=["vertical-tab", "soh", "escape", "non-character", "delete"],
)
@pytest.mark.slow
def test_a_control_character_in_a_summary_never_breaks_the_folder(book: Path, poison: str) -> None:
    chapter = book / "chapters" / "chapter-01.txt"
    chapter.write_text(CHAPTER.replace("A short", f"A{poison}short"), encoding="utf-8")
    built(book)
    channel = feed_parses(book).find("channel")
    assert channel is not None
    assert "short one." in (channel.findtext("description") or "")
    for _ in range(2):  # and every later command works on the folder
        assert run("build", "-q", "--force").exit_code == 0
        assert run("feed").exit_code == 0
    feed_parses(book)


@pytest.mark.slow
def test_a_control_character_in_the_book_title_is_cleaned_in_feed_and_tags(book: Path) -> None:
    from mutagen.id3 import ID3

    voices = book / "voices.yaml"
    voices.write_text(CAST.replace("Hostile Book", 'Hostile\\x01 Book\\v"'), encoding="utf-8")
    voices.write_text(
        CAST.replace("{title: Hostile Book,", '{title: "Hostile\\x01 \\vBook",'), encoding="utf-8"
    )
    built(book)
    assert feed_parses(book).findtext("channel/title") == "Hostile Book"
    assert str(ID3(book / "output" / "chapter-01.mp3")["TALB"]) == "Hostile Book"


@pytest.mark.slow
def test_an_html_title_entity_that_is_a_control_character(book: Path) -> None:
    (book / "chapters" / "chapter-01.txt").unlink()
    (book / "chapters" / "story.html").write_text(
        "<html><head><title>T&#1;itle</title></head><body><h1>Chapter&#11; One</h1>"
        '<p>"Hi," Izzie said.</p></body></html>',
        encoding="utf-8",
    )
    built(book)
    feed_parses(book)


@pytest.mark.slow
def test_a_file_name_that_is_not_utf8_is_skipped_by_the_feed(book: Path) -> None:
    built(book)
    odd = os.fsencode(book / "output") + b"/ch\xff.mp3"
    shutil.copy(book / "output" / "chapter-01.mp3", odd)
    result = subprocess.run(
        [sys.executable, "-m", "narrator", "feed"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert "not UTF-8" in result.stderr
    assert "Traceback" not in result.stderr
    assert len(feed_parses(book).findall("channel/item")) == 1


# -- 2. Reading only regular files, with limits: narrator/files.py read_regular --------


@pytest.mark.slow
def test_read_regular_refuses_devices_and_sizes(tmp_path: Path) -> None:
    with pytest.raises(NotARegularFile):
        read_regular(Path("/dev/zero"), 1000)
    big = tmp_path / "big"
    big.write_bytes(b"x" * 101)
    with pytest.raises(OSError, match="larger than") as caught:
        read_regular(big, 100)
    assert caught.value.errno == errno.EFBIG
    assert read_regular(big, 101) == b"x" * 101


def _cli(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "narrator", *args],
        capture_output=True, text=True, timeout=timeout, check=False,
    )  # fmt: skip


@pytest.mark.slow
def test_a_chapter_that_is_a_link_to_dev_zero(book: Path) -> None:
    (book / "chapters" / "zero.txt").symlink_to("/dev/zero")
    done = _cli("script", "chapters/zero.txt")
    assert done.returncode == 2, done.stderr
    assert done.stderr.strip() == (
        "Error: chapters/zero.txt: not a regular file (a device, a pipe or a socket) "
        "(give a chapter file saved on disk)"
    )


@pytest.mark.parametrize("which", ["chapter", "voices", "corrections"])
@pytest.mark.slow
def test_a_fifo_in_place_of_an_input_never_hangs(book: Path, which: str) -> None:
    target = {
        "chapter": book / "chapters" / "fifo.txt",
        "voices": book / "voices.yaml",
        "corrections": book / "chapters" / "chapter-01.speakers.yaml",
    }[which]
    target.unlink(missing_ok=True)
    os.mkfifo(target)
    chapter = "chapters/fifo.txt" if which == "chapter" else "chapters/chapter-01.txt"
    done = _cli("script", chapter, timeout=30)
    assert done.returncode == 2, done.stderr
    assert "not a regular file" in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize("state", [".narrator/feed.json", ".narrator/builds.json"])
@pytest.mark.slow
def test_a_fifo_in_place_of_a_state_file_is_treated_as_damaged(book: Path, state: str) -> None:
    built(book)
    path = book / "output" / state
    path.unlink()
    os.mkfifo(path)
    (book / "chapters" / "chapter-02.txt").write_text('"Bye," Alex said.\n', encoding="utf-8")
    done = _cli("build", "-q", timeout=60)
    assert done.returncode in (0, 2), done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.slow
def test_a_fifo_in_place_of_a_cached_clip_is_made_again(book: Path) -> None:
    built(book)
    clip = next((book / ".narrator-cache").rglob("*.wav"))
    clip.unlink()
    os.mkfifo(clip)
    done = _cli("build", "-q", "--force", timeout=60)
    assert done.returncode == 0, done.stderr


# -- 3. YAML: merge keys, depth, number sizes: narrator/config/yamlnodes.py -------------


def test_merge_keys_share_voice_settings(book: Path) -> None:
    (book / "voices.yaml").write_text(
        "engine: tone\ncharacters:\n"
        "  Izzie: &woman {gender: female, rate: 190}\n"
        "  Meredith:\n    <<: *woman\n    rate: 170\n"
        "  Alex:\n    <<: [*woman]\n    gender: male\n",
        encoding="utf-8",
    )
    from narrator.config import load_config

    cast = {c.name: c for c in load_config(book / "voices.yaml").characters}
    assert (cast["Meredith"].gender, cast["Meredith"].voice.rate) == ("female", 170)
    assert (cast["Alex"].gender, cast["Alex"].voice.rate) == ("male", 190)


def test_merge_keys_in_a_corrections_file(book: Path) -> None:
    (book / "chapters" / "chapter-01.speakers.yaml").write_text(
        '- &fix {quote: "I\'m fine,", speaker: Izzie}\n', encoding="utf-8"
    )
    result = run("script", "chapters/chapter-01.txt", "--json")
    assert result.exit_code == 0, result.output
    said = [s for s in json.loads(result.output)["segments"] if s["text"] == "I'm fine,"]
    assert said[0]["speaker"] == "Izzie"


@pytest.mark.parametrize(
    ("yaml_text", "expected"),
    [
        ("characters:\n  Izzie:\n    <<: 5\n", "a merge key ('<<') must name a mapping"),
        ("characters: " + "[" * 10000 + "]" * 10000 + "\n", "nested too deeply"),
        ("characters:\n  Izzie: {rate: " + "9" * 5000 + "}\n", "cannot be read as a value"),
        ("characters:\n  Izzie: {rate: 1" + "0" * 30 + "}\n", "characters.Izzie.rate"),
        ("characters:\n  Izzie:\n    <<: *missing\n", "undefined alias"),
    ],
    ids=["merge-scalar", "deep", "huge-number", "large-number", "undefined-alias"],
)
def test_hostile_yaml_is_one_line(book: Path, yaml_text: str, expected: str) -> None:
    (book / "voices.yaml").write_text(yaml_text, encoding="utf-8")
    assert expected in one_line_error(run("script", "chapters/chapter-01.txt"))


# -- 4. The cache is a cache: narrator/voices/cache.py, loudness.py ------------------------


@pytest.mark.slow
def test_a_cache_path_that_is_a_file_warns_and_builds(book: Path) -> None:
    (book / ".narrator-cache").write_text("not a folder", encoding="utf-8")
    done = _cli("build", "-q")
    assert done.returncode == 0, done.stderr
    assert "cannot be used" in done.stderr
    assert (book / "output" / "chapter-01.mp3").is_file()


@pytest.mark.slow
def test_an_unwritable_cache_warns_and_builds(book: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import tempfile

    real = tempfile.mkstemp

    def read_only(*args: object, **kwargs: object) -> tuple[int, str]:
        if ".narrator-cache" in str(kwargs.get("dir", "")):
            raise OSError(errno.EROFS, "Read-only file system")
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(tempfile, "mkstemp", read_only)
    result = run("build", "-q")
    assert result.exit_code == 0, result.output
    assert (book / "output" / "chapter-01.mp3").is_file()


def _loudness_records(book: Path) -> list[Path]:
    return sorted((book / ".narrator-cache" / "loudness").glob("*.json"))


@pytest.mark.parametrize("gain", ["NaN", "200", "1e308", "-Infinity", '"loud"'])
@pytest.mark.slow
def test_damaged_loudness_records_are_measured_again(book: Path, gain: str) -> None:
    built(book)
    before = audio.measure(book / "output" / "chapter-01.mp3")
    for record in _loudness_records(book):
        record.write_text(f'{{"gain_db": {gain}}}', encoding="utf-8")
    result = run("build", "-q", "--force")
    assert result.exit_code == 0, result.output
    after = audio.measure(book / "output" / "chapter-01.mp3")
    assert math.isfinite(after.integrated_lufs)
    assert abs(after.integrated_lufs - before.integrated_lufs) < 0.5
    assert after.true_peak_dbtp <= audio.TRUE_PEAK_DBTP


@pytest.mark.slow
def test_a_cached_clip_whose_header_says_no_data_is_made_again(book: Path) -> None:
    first = built(book)
    for clip in (book / ".narrator-cache").rglob("*.wav"):
        data = bytearray(clip.read_bytes())
        data[40:44] = struct.pack("<I", 0)  # the data chunk's size: 0
        data[4:8] = struct.pack("<I", 36)
        clip.write_bytes(bytes(data))
    result = run("build", "-q", "--force")
    assert result.exit_code == 0, result.output
    again = (book / "output" / "chapter-01.mp3").read_bytes()
    assert abs(len(again) - len(first["chapter-01.mp3"])) < 2000  # no sentence dropped
    pcm = subprocess.run(
        ["ffmpeg", "-loglevel", "error", "-i", str(book / "output" / "chapter-01.mp3"),
         "-f", "s16le", "-ac", "1", "-"],
        capture_output=True, check=True,
    ).stdout  # fmt: skip
    assert rms(pcm) > 300


# -- 5. Full disks: narrator/files.py, audio.py, audiobook.py -----------------------------


def _fake_ffmpeg(folder: Path, script: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """An ffmpeg on PATH that behaves as `script` says (the real one for everything else)."""
    real = shutil.which("ffmpeg")
    folder.mkdir(exist_ok=True)
    fake = folder / "ffmpeg"
    fake.write_text(
        f'#!/bin/sh\ncase "$*" in\n{script}\nesac\nexec {real} "$@"\n', encoding="utf-8"
    )
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ['PATH']}")


@requires_tool("ffmpeg")
@pytest.mark.slow
def test_an_encoder_that_finds_the_disk_full(
    book: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = built(book)
    _fake_ffmpeg(
        tmp_path / "bin",
        '  *libmp3lame*) cat >/dev/null; echo "No space left on device" >&2; exit 1;;',
        monkeypatch,
    )
    done = _cli("build", "-q", "--force")
    assert done.returncode == 2, done.stderr
    assert done.stderr.strip().endswith(
        "the disk is full (No space left on device) (free some space on it and run the "
        "command again; nothing finished was damaged)"
    )
    assert snapshot(book / "output") == before
    assert leftovers(book / "output") == []


@requires_tool("ffmpeg")
@pytest.mark.slow
def test_an_encoder_that_says_yes_and_writes_nothing(
    book: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = built(book)
    _fake_ffmpeg(tmp_path / "bin", "  *libmp3lame*) cat >/dev/null; exit 0;;", monkeypatch)
    done = _cli("build", "-q", "--force")
    assert done.returncode == 2, done.stderr
    assert "wrote nothing" in done.stderr
    assert snapshot(book / "output") == before


@requires_tool("ffmpeg")
@pytest.mark.slow
def test_an_audiobook_encoder_that_says_yes_and_writes_junk(
    book: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    built(book)
    _fake_ffmpeg(
        tmp_path / "bin",
        '  *ipod*) for last; do :; done; echo junk > "$last"; exit 0;;',
        monkeypatch,
    )
    done = _cli("book", "-q")
    assert done.returncode == 2, done.stderr
    assert "the encoder's output is damaged" in done.stderr
    assert not list((book / "output").glob("*.m4b"))
    assert leftovers(book / "output") == []


@pytest.mark.slow
def test_a_tag_writer_that_finds_the_disk_full(book: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = built(book)
    from mutagen.id3 import ID3

    def full(*_args: object, **_kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(ID3, "save", full)
    error = one_line_error(run("build", "-q", "--force"))
    assert "the disk is full" in error
    assert snapshot(book / "output") == before
    assert leftovers(book / "output") == []


@pytest.mark.skipif(os.geteuid() != 0, reason="mounting a tmpfs needs root")
@pytest.mark.slow
def test_a_real_full_disk(book: Path, tmp_path: Path) -> None:
    """A 600 kB tmpfs as output/: the first chapter fits, the second does not."""
    out = tmp_path / "small"
    out.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=600k", "tmpfs", str(out)],
        capture_output=True, check=False,
    )  # fmt: skip
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode().strip()}")
    try:
        assert _cli("build", "-q", "--out", str(out)).returncode == 0
        before = snapshot(out)
        long = " ".join(f'"Line {n} of a long chapter," Izzie said.' for n in range(400))
        (book / "chapters" / "chapter-02.txt").write_text(long + "\n", encoding="utf-8")
        done = _cli("build", "-q", "--out", str(out), timeout=300)
        assert done.returncode == 2, done.stderr
        assert "the disk is full" in done.stderr or "no space left" in done.stderr
        assert "Traceback" not in done.stderr
        after = snapshot(out)
        assert {k: v for k, v in after.items() if k in before} == {
            k: v for k, v in before.items() if k in after
        }
        assert "chapter-01.mp3" in after
        assert leftovers(out) == []
    finally:
        subprocess.run(["umount", str(out)], check=False)


# -- 6. Folder states: a folder where a file goes, damaged state -------------------------


@pytest.mark.parametrize("name", ["feed.xml", "cover.jpg", "chapter-01.vtt", "chapter-01.mp3"])
@pytest.mark.slow
def test_a_folder_where_an_output_file_goes(book: Path, name: str) -> None:
    (book / "output" / name).mkdir(parents=True)
    error = one_line_error(run("build", "-q"))
    assert "is a folder where narrator writes a file" in error


@pytest.mark.parametrize(
    "state",
    [
        '{"episodes": {"chapter-01": "not a mapping"}}',
        '{"episodes": [1, 2, 3]}',
        '{"episodes": {"chapter-01": {"guid": 5, "published": "yesterday"}}}',
        '"just text"',
        "[" * 5000 + "]" * 5000,
    ],
    ids=["entry-text", "episodes-list", "wrong-types", "not-an-object", "deep"],
)
@pytest.mark.slow
def test_a_damaged_feed_state(book: Path, state: str) -> None:
    built(book)
    (book / "output" / ".narrator" / "feed.json").write_text(state, encoding="utf-8")
    result = run("feed")
    assert result.exit_code == 0, result.output
    assert len(feed_parses(book).findall("channel/item")) == 1


# -- 7. Names, pronunciations and the cover: narrator/config/voices.py, publish/cover.py --


@pytest.mark.parametrize(
    ("cast", "expected"),
    [
        ('characters:\n  "   ": {gender: female}\n', "a character's name must have a letter"),
        ('characters:\n  "": {gender: female}\n', "a character's name must have a letter"),
        ('characters:\n  "Iz\\nzie": {gender: female}\n', "holds a control character"),
        ('characters:\n  Izzie: {aliases: ["  "]}\n', "aliases[0]: expected text"),
        ('characters:\n  Izzie: {}\npronounce:\n  "": nothing\n', "a word to pronounce"),
        ('characters:\n  Izzie: {}\npronounce:\n  "--": dash\n', "a word to pronounce"),
    ],
    ids=["blank", "empty", "line-break", "blank-alias", "empty-key", "no-letter-key"],
)
def test_names_and_pronunciations_are_checked(book: Path, cast: str, expected: str) -> None:
    (book / "voices.yaml").write_text("engine: tone\n" + cast, encoding="utf-8")
    assert expected in one_line_error(run("script", "chapters/chapter-01.txt"))


def _png_header(width: int, height: int) -> bytes:
    """A PNG that says it is width x height (its pixels are never there)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", b"") + chunk(b"IEND", b"")


@pytest.mark.slow
def test_a_decompression_bomb_cover(book: Path) -> None:
    (book / "cover.png").write_bytes(_png_header(60000, 60000))
    (book / "voices.yaml").write_text(
        CAST.replace("author: Test Author}", "author: Test Author, cover: cover.png}"),
        encoding="utf-8",
    )
    error = one_line_error(run("build", "-q"))
    assert "an image too large for a cover" in error


# -- 8. Text: linear time on any paragraph: narrator/attribute/features.py, sieve.py -----


@pytest.mark.slow
def test_a_two_megabyte_paragraph(book: Path) -> None:
    words = ['"Hello,"', "Izzie", "said", "and", "Alex", "ran", "away.", "then", "she"]
    wall = " ".join(words[(n * 7) % len(words)] for n in range(380_000))
    (book / "chapters" / "wall.txt").write_text(wall + "\n", encoding="utf-8")
    assert len(wall) > 2_000_000
    done = _cli("script", "chapters/wall.txt", "--json", timeout=300)
    assert done.returncode == 0, done.stderr[-500:]
    assert json.loads(done.stdout)["segments"]


# -- 9. Signals: narrator/interrupts.py ----------------------------------------------------


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _long_book(book: Path) -> None:
    """A chapter of 200 lines: 14 minutes of tones, which take seconds to encode (the
    M4B: about 25 s), long enough to stop the encoder in the middle."""
    text = "\n\n".join(
        f'"Sentence number {n} is said here, slowly and at length," Izzie said.' for n in range(200)
    )
    (book / "chapters" / "chapter-01.txt").write_text(text + "\n", encoding="utf-8")


@pytest.mark.slow
@requires_tool("ffmpeg")
def test_sigterm_during_build_is_one_line_143_and_leaves_nothing(book: Path) -> None:
    _long_book(book)
    process = subprocess.Popen(
        [sys.executable, "-m", "narrator", "build", "-q"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while not list((book / "output").glob(".chapter-01.mp3.*")) and time.monotonic() < deadline:
        time.sleep(0.05)
    children = _children(process.pid)
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 143, stderr
    assert stderr.strip().splitlines() == [
        "Error: terminated; finished chapters and cached clips are kept"
    ]
    assert leftovers(book / "output") == []
    assert not list((book / "output").glob("*.mp3"))
    time.sleep(0.5)
    assert [c for c in children if _alive(c)] == []


@pytest.fixture(scope="module")
def long_book_built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The long book built, once for the tests that stop `narrator book`."""
    root = tmp_path_factory.mktemp("long") / "project"
    (root / "chapters").mkdir(parents=True)
    (root / "voices.yaml").write_text(CAST, encoding="utf-8")
    _long_book(root)
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(root)
        patch.delenv("NARRATOR_CACHE", raising=False)
        built(root)
    return root


@pytest.mark.slow
@requires_tool("ffmpeg")
@pytest.mark.parametrize("how", [signal.SIGTERM, signal.SIGKILL], ids=["term", "kill"])
def test_a_book_stopped_mid_encode_leaves_no_process_nor_temporary_file(
    long_book_built: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, how: signal.Signals
) -> None:
    """Fault injection: `narrator book` is stopped while ffmpeg encodes the M4B."""
    book = tmp_path / "project"
    shutil.copytree(long_book_built, book)  # times kept: its chapter is up to date
    monkeypatch.chdir(book)
    monkeypatch.delenv("NARRATOR_CACHE", raising=False)
    process = subprocess.Popen(
        [sys.executable, "-m", "narrator", "book", "-q"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    encoder: list[int] = []
    while time.monotonic() < deadline and not encoder:
        encoder = [
            c for c in _children(process.pid)
            if b"ffmpeg" in (Path("/proc") / str(c) / "cmdline").read_bytes()
        ]  # fmt: skip
        time.sleep(0.02)
    assert encoder, "the encoder never started"
    process.send_signal(how)
    process.communicate(timeout=60)
    assert process.returncode == (143 if how == signal.SIGTERM else -signal.SIGKILL)
    deadline = time.monotonic() + 5
    while any(_alive(pid) for pid in encoder) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(_alive(pid) for pid in encoder), "ffmpeg outlived narrator"
    if how == signal.SIGTERM:
        assert leftovers(book / "output") == []
    assert not list((book / "output").glob("*.m4b"))


# -- 10. The server: narrator/publish/serve.py ---------------------------------------------


@pytest.fixture
def server(book: Path) -> object:
    from narrator.publish.serve import open_server

    built(book)
    instance = open_server(book / "output", port=0)
    instance.serve_in_background()
    yield instance
    instance.shutdown()
    instance.server_close()


def _raw(server: object, request: bytes) -> bytes:
    port = server.server_address[1]  # type: ignore[attr-defined]
    with socket.create_connection(("127.0.0.1", port), timeout=10) as conn:
        conn.sendall(request)
        data = b""
        while chunk := conn.recv(65536):
            data += chunk
    return data


@pytest.mark.parametrize(
    "header",
    ["bytes=" + "9" * 5000 + "-", "bytes=0-" + "9" * 5000, "bytes=abc", "bytes=5-2", "chars=0-1"],
    ids=["huge-start", "huge-end", "letters", "backwards", "unit"],
)
def test_a_range_it_cannot_satisfy_is_416(server: object, header: str) -> None:
    answer = _raw(
        server, f"GET /chapter-01.mp3 HTTP/1.1\r\nHost: x\r\nRange: {header}\r\n"
        "Connection: close\r\n\r\n".encode()
    )  # fmt: skip
    assert answer.startswith(b"HTTP/1.0 416") or answer.startswith(b"HTTP/1.1 416"), answer[:80]


def test_a_link_to_a_hidden_folder_is_not_served(server: object, book: Path) -> None:
    (book / "output" / "state").symlink_to(book / "output" / ".narrator")
    answer = _raw(server, b"GET /state/feed.json HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    assert answer.split(b"\r\n", 1)[0].endswith(b"404 Not Found")


def test_a_client_that_hangs_up_is_quiet(
    server: object, capsys: pytest.CaptureFixture[str]
) -> None:
    port = server.server_address[1]  # type: ignore[attr-defined]
    for _ in range(5):
        conn = socket.create_connection(("127.0.0.1", port), timeout=10)
        conn.sendall(b"GET /chapter-01.mp3 HTTP/1.1\r\nHost: x\r\n\r\n")
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        conn.close()  # a reset, mid-answer
    time.sleep(0.5)
    assert "Traceback" not in capsys.readouterr().err


def test_an_idle_client_is_let_go(server: object, monkeypatch: pytest.MonkeyPatch) -> None:
    from narrator.publish import serve

    monkeypatch.setattr(serve._Handler, "timeout", 0.5)
    port = server.server_address[1]  # type: ignore[attr-defined]
    with socket.create_connection(("127.0.0.1", port), timeout=10) as conn:
        conn.sendall(b"GET /feed.xml HTTP/1.1\r\n")  # and never the rest
        started = time.monotonic()
        assert conn.recv(1024) == b""  # closed by the server
        assert time.monotonic() - started < 5


@pytest.mark.parametrize(
    ("number", "raised"),
    [(signal.SIGINT, KeyboardInterrupt), (signal.SIGTERM, "Terminated")],
    ids=["ctrl-c", "sigterm"],
)
def test_a_stop_while_a_library_loads_is_raised_after_it(
    number: signal.Signals, raised: object
) -> None:
    """A library's __del__ may swallow a KeyboardInterrupt raised inside an import (nltk's
    `regex` does): the stop is held until the import is done, then raised."""
    from narrator import interrupts

    previous = signal.signal(signal.SIGTERM, interrupts._raise_terminated)
    expected = interrupts.Terminated if raised == "Terminated" else KeyboardInterrupt
    finished = []

    def load() -> None:
        with interrupts.held():
            os.kill(os.getpid(), number)
            time.sleep(0.05)  # the signal arrives here, and is held
            finished.append(True)

    try:
        with pytest.raises(expected):  # type: ignore[call-overload]
            load()
    finally:
        signal.signal(signal.SIGTERM, previous)
    assert finished == [True]


@pytest.fixture
def sigterm_raises() -> object:
    """SIGTERM raises `Terminated` in this process, as in a command; restored after."""
    previous = signal.getsignal(signal.SIGTERM)
    interrupts.stop_on_terminate()
    yield
    signal.signal(signal.SIGTERM, previous)


def test_a_sigterm_as_the_temporary_file_is_made_leaves_no_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, sigterm_raises: object
) -> None:
    """The signal lands just after mkstemp made the file: it is raised once the file is
    noted for removal, and removed."""
    made = tempfile.mkstemp

    def mkstemp_then_signal(**kwargs: str) -> tuple[int, str]:
        found = made(**kwargs)
        os.kill(os.getpid(), signal.SIGTERM)
        return found

    monkeypatch.setattr(tempfile, "mkstemp", mkstemp_then_signal)
    with pytest.raises(interrupts.Terminated):
        files.write_atomically(tmp_path / "out.mp3", lambda p: p.write_bytes(b"x"))
    assert list(tmp_path.iterdir()) == []


def test_a_sigterm_as_a_child_starts_stops_the_child(
    monkeypatch: pytest.MonkeyPatch, sigterm_raises: object
) -> None:
    """Popen interrupted once its child runs would leave the child running (ffmpeg then
    creates the output its caller has removed): the child is stopped before the signal
    is raised."""
    started: list[subprocess.Popen[bytes]] = []
    real = subprocess.Popen

    class PopenThenSignal(real):  # type: ignore[misc,valid-type]
        def __init__(self, *args: object, **kwargs: object) -> None:
            super().__init__(*args, **kwargs)
            started.append(self)
            os.kill(os.getpid(), signal.SIGTERM)

    monkeypatch.setattr(subprocess, "Popen", PopenThenSignal)
    with pytest.raises(interrupts.Terminated):
        interrupts.start_child(["sleep", "30"])
    assert len(started) == 1
    assert started[0].poll() is not None  # stopped and reaped, not left running


def test_a_signal_held_while_the_cli_still_loads_is_passed_on_not_lost() -> None:
    """A child started while the CLI loads holds the signals too: a Ctrl-C that came then
    reaches the loading hold (and the command stops), instead of being dropped."""
    with interrupts.held_while_loading() as pressed:
        with interrupts.held():
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(0.01)
        assert pressed == [signal.SIGINT]
