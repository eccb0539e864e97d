"""The espeak-ng command as an engine: byte-identical output run to run."""

from __future__ import annotations

import dataclasses
import difflib
import functools
import logging
import re
import shutil
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar, Final

from narrator.errors import MissingTool
from narrator.model import Clip, Gender, Voice, VoiceInfo
from narrator.voices.engines.tool import run_tool
from narrator.voices.engines.wav import wav_clip

if TYPE_CHECKING:
    from collections.abc import Iterable

_LOGGER = logging.getLogger(__name__)

SAMPLE_RATE: Final = 22_050
"""espeak-ng always speaks at 22,050 Hz."""
INSTALL_HINT: Final = "install it: sudo apt-get install espeak-ng"
_GENDER_CODES: Final[dict[str, Gender]] = {"M": "male", "F": "female"}


@dataclass(frozen=True, slots=True)
class EspeakCatalogue:
    """The voices and variants an espeak-ng installation offers, and the names it accepts."""

    bases: tuple[VoiceInfo, ...]
    variants: tuple[VoiceInfo, ...]

    @classmethod
    def listed(cls, bases: Iterable[VoiceInfo], variants: Iterable[VoiceInfo]) -> EspeakCatalogue:
        """From espeak's own listing: variants named as they are written ("+f3" for "!v/f3"),
        mbrola voices left out unless mbrola is installed."""
        has_mbrola = shutil.which("mbrola") is not None
        return cls(
            bases=tuple(
                dataclasses.replace(v, tier="robotic")
                for v in bases
                if has_mbrola or not v.id.startswith("mb/")
            ),
            variants=tuple(
                VoiceInfo(
                    id="+" + v.id.removeprefix("!v/"),
                    name=v.name,
                    language="variant",
                    gender=v.gender,
                )
                for v in variants
            ),
        )

    def all_voices(self) -> list[VoiceInfo]:
        """Base voices first, then variants (spelt "+f3", to be appended to a base)."""
        return [*self.bases, *self.variants]

    def check(self, name: str) -> str | None:
        """None when espeak-ng would use `name` as written, else why not and what to try.

        espeak-ng ignores a name it does not know and keeps the previous voice, so an
        unknown name must be caught here: the base is matched as espeak-ng matches it
        (file identifier or its last part, any case), the variant by exact file name.
        """
        base, _, variant = name.partition("+")
        accepted = {
            spelling.casefold(): info.id
            for info in self.bases
            for spelling in (info.id, info.id.rsplit("/", 1)[-1])
        }
        if base.casefold() not in accepted:
            close = difflib.get_close_matches(base.casefold(), accepted, n=3)
            hint = "did you mean " + " or ".join(f"'{c}'" for c in close) + "?" if close else ""
            return f"unknown voice '{base}'" + (f"; {hint}" if hint else "")
        if variant:
            names = [info.id.lstrip("+") for info in self.variants]
            if variant not in names:
                close = difflib.get_close_matches(variant, names, n=3)
                hint = (
                    "did you mean " + " or ".join(f"'+{c}'" for c in close) + "?"
                    if close
                    else "see 'narrator voices'"
                )
                return f"unknown variant '+{variant}' (variant names are case-sensitive; {hint})"
        return None


class EspeakEngine:
    """Runs `espeak-ng` once per clip, text on stdin, WAV on stdout."""

    name: ClassVar[str] = "espeak"
    family: ClassVar[str] = "espeak"
    native_pitch: ClassVar[bool] = True
    threads_itself: ClassVar[bool] = False

    def __init__(self) -> None:
        found = shutil.which("espeak-ng")
        if found is None:
            raise MissingTool("espeak-ng not found on PATH", INSTALL_HINT)
        self._binary = found

    @staticmethod
    def offers(name: str) -> bool:
        return shutil.which("espeak-ng") is not None

    @functools.cached_property
    def version(self) -> str:
        out = self._run(["--version"]).decode("utf-8", "replace")
        match = re.search(r"text-to-speech:\s*(\S+)", out)
        return f"espeak-ng {match.group(1) if match else out.strip()}"

    @functools.cached_property
    def catalogue(self) -> EspeakCatalogue:
        return EspeakCatalogue.listed(
            _parse_voice_table(self._run(["--voices"]).decode("utf-8", "replace")),
            _parse_voice_table(self._run(["--voices=variant"]).decode("utf-8", "replace")),
        )

    def voices(self) -> list[VoiceInfo]:
        return self.catalogue.all_voices()

    def check_voice(self, voice: Voice) -> str | None:
        return self.catalogue.check(voice.name)

    def synthesize(self, text: str, voice: Voice) -> Clip:
        args = [
            "-v", voice.name,
            "-s", str(voice.rate),
            "-p", str(voice.pitch),
            "-a", str(round(voice.volume * 100)),
            "-b", "1",  # input is UTF-8
            "-z",  # no pause after the last sentence: assembly sets the pauses
            "--stdout",
        ]  # fmt: skip
        wav = self._run(args, stdin=text.encode("utf-8"))
        return Clip(wav_clip(wav).samples, SAMPLE_RATE)

    def _run(self, args: list[str], stdin: bytes | None = None) -> bytes:
        return run_tool([self._binary, *args], tool="espeak-ng", hint=INSTALL_HINT, stdin=stdin)


def _parse_voice_table(table: str) -> Iterable[VoiceInfo]:
    """Rows of `espeak-ng --voices`: Pty Language Age/Gender VoiceName File Other..."""
    for line in table.splitlines()[1:]:
        fields = line.split()
        if len(fields) < 5:
            continue
        _, language, age_gender, name, identifier = fields[:5]
        gender = _GENDER_CODES.get(age_gender.rsplit("/", 1)[-1], "unknown")
        yield VoiceInfo(
            id=identifier, name=name.replace("_", " "), language=language, gender=gender
        )
