"""voices.yaml: valid files load; every bad file gives its exact one-line error."""

from __future__ import annotations

from pathlib import Path

import pytest

from narrator.config import load_config
from narrator.errors import ConfigError
from narrator.model import BookSettings, VoiceSettings

from .conftest import ROOT

DATA = ROOT / "tests" / "data" / "config"

EXPECTED = {
    "alias-not-text.yaml": "3: characters.Izzie.aliases[1]: expected text, got a list (give it a value in quotes)",
    "base-url-no-scheme.yaml": "3: book.base_url: '192.168.1.20:8000' is not an http(s) address (give where output/ is served, e.g. http://192.168.1.20:8000/)",
    "bad-gender.yaml": "3: characters.Izzie.gender: unknown gender 'woman' (use female, male or unknown)",
    "bad-indent.yaml": "4: invalid YAML: the indentation does not line up (indent keys of one mapping equally)",
    "characters-list.yaml": "2: characters: expected a mapping for 'characters', got a list (write it as indented 'name: value' lines, as in the README's voices.yaml)",
    "duplicate-character.yaml": "3: characters.Izzie: given twice (keep one of them)",
    "empty.yaml": ": the file is empty (list the characters under 'characters:')",
    "front-matter-not-bool.yaml": "1: read_front_matter: expected true or false, got 'sometimes'",
    "no-characters.yaml": "1: missing key 'characters' (list the book's characters under 'characters:', e.g. 'characters: {Izzie: {gender: female}}')",
    "piper-without-model.yaml": "3: characters.Izzie.voice: missing 'model' (give the Piper model file)",
    "pitch-out-of-range.yaml": "3: characters.Izzie.pitch: 140 is out of range 0 to 100 (give 0 to 100; 50 is the voice's own)",
    "rate-not-a-number.yaml": "4: characters.Izzie.rate: expected a number, got 'fast' (give words per minute, e.g. 175)",
    "tab-indent.yaml": "3: invalid YAML: a character that cannot start a value (indent with spaces, not tabs)",
    "typo-key.yaml": "3: characters.Izzie.gendr: unknown key (did you mean 'gender'?)",
    "unclosed-bracket.yaml": "1: invalid YAML: a '[' list is not closed (end the list with ']')",
    "unclosed-quote.yaml": "3: invalid YAML: a quote is not closed (close the quote on the same line)",
    "unknown-engine.yaml": "1: engine: unknown engine 'espak' (did you mean 'espeak'?)",
    "volume-not-a-number.yaml": "3: characters.Izzie.volume: expected a number, got 'loud' (give 0 to 1, e.g. 0.9)",
}  # fmt: skip


def test_every_bad_file_has_an_expected_message() -> None:
    bad = {p.name for p in DATA.glob("*.yaml")} - {"missing-cover.yaml"}
    assert bad == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_bad_config_gives_its_exact_line(name: str) -> None:
    path = DATA / name
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    location, _, rest = EXPECTED[name].partition(":")
    expected = f"{path}:{location}:{rest}" if location else f"{path}:{rest}"
    assert str(caught.value) == expected


def test_missing_cover_names_where_it_was_looked_for() -> None:
    path = DATA / "missing-cover.yaml"
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert str(caught.value) == (
        f"{path}:3: book.cover: cover image 'missing-cover.jpg' not found "
        f"(put it at {DATA / 'missing-cover.jpg'} or remove the 'cover' line)"
    )


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"voices\.yaml: file not found \(pass --config PATH"):
        load_config(tmp_path / "voices.yaml")


def test_project_voices_yaml_loads() -> None:
    config = load_config(ROOT / "voices.yaml")
    assert [c.name for c in config.characters] == ["Izzie", "Alex", "Meredith"]
    izzie = config.characters[0]
    assert izzie.gender == "female"
    assert izzie.aliases == ("Iz", "Izzie Stevens", "Stevens")
    assert izzie.voice == VoiceSettings(name="cmu_us_slt_arctic_hts", rate=175, engine="festival")
    assert config.book == BookSettings(
        title="The (After) Life of the Party", author="Anonymous fan author"
    )
    assert dict(config.pronounce) == {"Karev": "KAR-ev", "A/N": "author's note"}
    assert config.engine is None  # voices chosen from the most natural engines installed
    assert config.narrator.origin.endswith("voices.yaml:10: narrator.voice")


def test_a_cast_without_voice_fields_is_valid(tmp_path: Path) -> None:
    path = tmp_path / "voices.yaml"
    path.write_text("characters:\n  Izzie:\n  Alex: {gender: male}\n", encoding="utf-8")
    config = load_config(path)
    assert [(c.name, c.gender, c.voice.name) for c in config.characters] == [
        ("Izzie", "unknown", None),
        ("Alex", "male", None),
    ]


def test_piper_voice_mapping(tmp_path: Path) -> None:
    (tmp_path / "voices").mkdir()
    (tmp_path / "voices" / "joe.onnx").write_bytes(b"model")
    path = tmp_path / "voices.yaml"
    path.write_text(
        "characters:\n  Joe:\n    engine: piper\n    voice: {model: voices/joe.onnx, speaker: 3}\n",
        encoding="utf-8",
    )
    voice = load_config(path).characters[0].voice
    assert (voice.engine, voice.model, voice.speaker, voice.name) == (
        "piper", str(tmp_path / "voices" / "joe.onnx"), 3, None,
    )  # fmt: skip


def test_missing_piper_model_names_its_line(tmp_path: Path) -> None:
    path = tmp_path / "voices.yaml"
    path.write_text("characters:\n  Joe:\n    voice: {model: nope.onnx}\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert str(caught.value) == (
        f"{path}:3: characters.Joe.voice.model: Piper model 'nope.onnx' not found "
        f"(put the .onnx file at {tmp_path / 'nope.onnx'}, or give its path from voices.yaml)"
    )
