"""Golden outputs of the seed chapter: a change that alters what listeners hear shows here.

The script JSON lives in test_attribute.py; this is the audio. The seed, built with the
`espeak` engine (byte-identical run to run) and a frozen cast, must give the same MPEG
audio stream and the same transcript. The ID3 tag in front is left out of the comparison:
its bytes also depend on the versions of Pillow (the generated cover) and mutagen that
pip installs, which are not narrator's behaviour. `pytest --update-golden` rewrites the
golden files after an intended change; review the diff.
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from narrator.cli import main

from .conftest import ROOT, SEED, requires_tool

GOLDEN = ROOT / "tests" / "golden"


def audio_stream(mp3: bytes) -> bytes:
    """An MP3 file's bytes after its ID3v2 tag."""
    assert mp3[:3] == b"ID3", "narrator's MP3s start with an ID3v2 tag"
    size = 0
    for byte in mp3[6:10]:  # syncsafe: 7 bits a byte
        size = size << 7 | byte
    footer = 10 if mp3[5] & 0x10 else 0
    return mp3[10 + size + footer :]


def test_audio_stream_skips_exactly_the_tag() -> None:
    tag = b"ID3\x04\x00\x00" + bytes([0, 0, 1, 3]) + b"t" * 131  # 1 * 128 + 3 = 131
    assert audio_stream(tag + b"\xff\xfbframes") == b"\xff\xfbframes"


@pytest.mark.slow
@pytest.mark.integration
@requires_tool("espeak-ng", "ffmpeg")
def test_the_seed_sounds_as_it_did(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, update_golden: bool
) -> None:
    (tmp_path / "chapters").mkdir()
    shutil.copy(SEED, tmp_path / "chapters" / "chapter-01.txt")
    shutil.copy(GOLDEN / "chapter-01.espeak-voices.yaml", tmp_path / "voices.yaml")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("NARRATOR_CACHE", raising=False)
    result = CliRunner().invoke(main, ["build", "--engine", "espeak", "--quiet"])
    assert result.exit_code == 0, result.output
    built = tmp_path / "output" / "chapter-01.mp3"
    digest = hashlib.sha256(audio_stream(built.read_bytes())).hexdigest() + "\n"
    vtt = built.with_suffix(".vtt").read_text(encoding="utf-8")
    golden_digest = GOLDEN / "chapter-01.espeak.audio.sha256"
    golden_vtt = GOLDEN / "chapter-01.espeak.vtt"
    if update_golden or not golden_digest.exists():
        golden_digest.write_text(digest, encoding="utf-8")
        golden_vtt.write_text(vtt, encoding="utf-8")
    assert vtt == golden_vtt.read_text(encoding="utf-8"), "run pytest --update-golden, review"
    assert digest == golden_digest.read_text(encoding="utf-8"), "run pytest --update-golden"
