"""Review: one self-contained HTML page per chapter, to check and fix who says what.

The page shows the chapter as paragraphs, each quote in its speaker's colour (narration
plain), doubtful attributions marked, and a player for the chapter's MP3: clicking a
segment plays from it, and the segment being spoken is highlighted. Timings come from
the chapter's WebVTT transcript, whose cues name the segment they speak. A menu on each
quote corrects its speaker; the page then offers the chapter's corrections file
(download or copy), which `narrator review --apply FILE` merges beside the chapter.

Nothing on the page calls the network: CSS, script and data are inline.
"""

from __future__ import annotations

import colorsys
import json
from collections import Counter
from dataclasses import dataclass
from importlib import resources
from typing import TYPE_CHECKING, Final

from lxml import html
from lxml.html import builder as E  # noqa: N812 (lxml's own convention)

from narrator.attribute import doubtful, quote_key
from narrator.commands.verify import normalise
from narrator.config.corrections import (
    Merge,
    corrections_path,
    load_corrections,
    merge_corrections,
)
from narrator.errors import NarratorError
from narrator.files import write_text
from narrator.model import NARRATOR, UNKNOWN
from narrator.publish.transcript import read_vtt
from narrator.script import Script, load_chapter, script
from narrator.text.speech import QUOTE_MARKS

if TYPE_CHECKING:
    from collections.abc import Sequence
    from pathlib import Path

    from lxml.html import HtmlElement

    from narrator.model import Chapter, ChapterRef, Config, Override, Segment

_PALETTE: Final = (
    "#c0392b", "#1f5fa8", "#1e7d45", "#8e3fa8", "#b05e00", "#0f7a72", "#a8326e", "#5b6b00",
)  # fmt: skip
"""Speaker colours readable on white (contrast 4.5:1 or better); more are generated."""
_UNKNOWN_COLOUR: Final = "#6b6b6b"
_NARRATOR_COLOUR: Final = "#222222"


def speaker_colours(names: Sequence[str]) -> dict[str, str]:
    """A distinct colour per character, in cast order; narrator and unknown fixed."""
    colours = {NARRATOR: _NARRATOR_COLOUR, UNKNOWN: _UNKNOWN_COLOUR}
    for i, name in enumerate(names):
        if i < len(_PALETTE):
            colours[name] = _PALETTE[i]
        else:  # golden-angle hues, dark enough for text
            r, g, b = colorsys.hls_to_rgb((i * 0.381966) % 1.0, 0.36, 0.75)
            colours[name] = f"#{round(r * 255):02x}{round(g * 255):02x}{round(b * 255):02x}"
    return colours


@dataclass(frozen=True, slots=True)
class Timing:
    start: float
    end: float


def segment_times(chapter: Chapter, segments: Sequence[Segment], vtt: Path) -> dict[int, Timing]:
    """When each segment is heard, from the transcript's cues (each names its segment): a
    segment runs from its first cue's start to its last cue's end. A transcript whose
    words are not the segments' was made from another version of the chapter."""
    cues = read_vtt(vtt.read_text(encoding="utf-8"))
    times: dict[int, Timing] = {}
    heard: dict[int, list[str]] = {}
    for cue in cues:
        if cue.segment is None or not 0 <= cue.segment < len(segments):
            times.clear()
            break
        known = times.get(cue.segment)
        times[cue.segment] = Timing(known.start if known else cue.start_seconds, cue.end_seconds)
        heard.setdefault(cue.segment, []).extend(normalise(cue.text))
    spoken = {index for index, seg in enumerate(segments) if normalise(seg.text)}
    matches = heard.keys() == spoken and all(
        normalise(segments[index].text) == words for index, words in heard.items()
    )
    if not matches:
        raise NarratorError(
            f"{vtt}: made from another version of {chapter.reference}",
            f"run 'narrator build {chapter.reference}' first",
        )
    return times


def occurrences(segments: Sequence[Segment]) -> dict[int, tuple[str, int]]:
    """Each quote's entry in a corrections file: its text (white space collapsed) and which
    quote with those words it is, counted as corrections are matched (`quote_key`)."""
    seen: Counter[str] = Counter()
    keys = {}
    for seg in segments:
        if seg.kind == "dialogue":
            seen[quote_key(seg.text)] += 1
            keys[seg.index] = (" ".join(seg.text.split()), seen[quote_key(seg.text)])
    return keys


def write_review(reference: ChapterRef, config: Config, out_dir: Path) -> Path:
    """Write `<out>/<chapter>.html` beside the chapter's MP3; returns its path."""
    scripted = script(reference, config)
    chapter = scripted.chapter
    audio = out_dir / f"{chapter.name}.mp3"
    if not audio.is_file():
        raise NarratorError(f"{audio}: not built yet", f"run 'narrator build {reference}' first")
    times = segment_times(chapter, scripted.segments, audio.with_suffix(".vtt"))
    page = out_dir / f"{chapter.name}.html"
    document = _page(scripted, config, times, audio.name, corrections_path(chapter.ref).name)
    write_text(page, html.tostring(document, doctype="<!DOCTYPE html>", encoding="unicode"))
    return page


def _page(
    scripted: Script,
    config: Config,
    times: dict[int, Timing],
    audio_name: str,
    corrections_name: str,
) -> HtmlElement:
    chapter, segments = scripted.chapter, scripted.segments
    keys = occurrences(scripted.attributed)
    existing: Sequence[Override] = scripted.corrections
    cast = [c.name for c in config.characters]
    colours = speaker_colours(cast)
    spoken = Counter(seg.speaker for seg in segments if seg.index in keys)
    speakers = [NARRATOR, *cast, UNKNOWN]
    css_class = {name: f"sp-{n}" for n, name in enumerate(speakers)}
    legend = E.UL(
        *[
            E.LI(
                E.SPAN(E.CLASS(f"swatch {css_class[name]}")),
                "Narrator" if name == NARRATOR else name,
                E.SPAN(E.CLASS("count"), f" {spoken[name]}" if name != NARRATOR else ""),
                {"data-speaker": name, "class": "legend-item"},
            )
            for name in speakers
        ],
        id="legend",
    )
    unsure = 0
    paragraphs = []
    by_paragraph: dict[int, list[Segment]] = {}
    for seg in segments:
        by_paragraph.setdefault(seg.paragraph, []).append(seg)
    scene = chapter.paragraphs[0].scene if chapter.paragraphs else 0
    for number, paragraph in enumerate(chapter.paragraphs):
        if paragraph.scene != scene:  # a scene break, where the text has one
            scene = paragraph.scene
            paragraphs.append(E.HR(E.CLASS("scene-break"), title="scene break"))
        element = E.P(E.CLASS("heading" if paragraph.heading else "para"))
        at = paragraph.start
        menu: HtmlElement | None = None
        for seg in by_paragraph.get(number, []):
            _append_text(element, chapter.text[at : seg.start], menu)
            menu = None
            span = E.SPAN(seg.text, {"data-i": str(seg.index)})
            timing = times.get(seg.index)
            if timing is not None:
                span.set("data-start", f"{timing.start:.3f}")
                span.set("data-end", f"{timing.end:.3f}")
            classes = ["seg"]
            if seg.index in keys:
                classes += ["quote", css_class[seg.speaker]]
                span.set("data-speaker", seg.speaker)
                confidence = seg.confidence if seg.confidence is not None else 0.0
                if seg.rule == "override" or (seg.speaker == NARRATOR and seg.kind == "narration"):
                    classes.append("corrected")
                    span.set("title", f"{seg.speaker}: your correction")
                elif doubtful(seg):
                    classes.append("doubtful")
                    unsure += 1
                    span.set("title", f"{seg.speaker}? confidence {confidence:.2f} ({seg.rule})")
                else:
                    span.set("title", f"{seg.speaker}, confidence {confidence:.2f} ({seg.rule})")
            else:
                classes.append("narration")
            span.set("class", " ".join(classes))
            element.append(span)
            if seg.index in keys:
                menu = _menu(seg, speakers)
            at = seg.end
        _append_text(element, chapter.text[at : paragraph.end], menu)
        paragraphs.append(element)
    data = {
        "chapter": chapter.reference,
        "file": corrections_name,
        "classes": css_class,
        "quotes": {
            str(i): {"quote": text, "occurrence": n, "speaker": segments[i].speaker}
            for i, (text, n) in keys.items()
        },
        "existing": [
            {"quote": o.quote, "occurrence": o.occurrence, "speaker": o.speaker} for o in existing
        ],
    }
    rules = [_asset("review.css")]
    for name in speakers:
        rules.append(f".{css_class[name]} {{ color: {colours[name]}; }}")
        rules.append(f".swatch.{css_class[name]} {{ background: {colours[name]}; }}")
    style = "\n".join(rules)
    summary = (
        f"{len(keys)} quotes; {unsure} marked ? are doubtful. Click any line to hear it; "
        "correct a speaker with the menu after its quote."
    )
    if scripted.corrections:
        summary += (
            f" Your {len(scripted.corrections) - len(scripted.unmatched)} corrections changed "
            f"the speaker of {scripted.changed} other quotes in their conversations."
        )
    title = f"{chapter.title} \u2014 review"
    return E.HTML(
        E.HEAD(
            E.META(charset="utf-8"),
            E.META(name="viewport", content="width=device-width, initial-scale=1"),
            E.TITLE(title),
            E.STYLE(style),
        ),
        E.BODY(
            E.HEADER(
                E.H1(chapter.title),
                E.P(E.CLASS("book"), f"{config.book.title} \u2014 {config.book.author}"),
                E.AUDIO(id="player", controls="", preload="auto", src=audio_name),
                legend,
                E.P(E.CLASS("hint"), summary),
            ),
            E.E.main(*paragraphs, id="text"),
            E.E.aside(
                E.H2("Corrections"),
                E.P("None yet.", id="count"),
                E.TEXTAREA(id="yaml", readonly="", rows="6", spellcheck="false"),
                E.P(
                    E.BUTTON(f"Download {corrections_name}", id="download", type="button"),
                    " ",
                    E.BUTTON("Copy", id="copy", type="button"),
                ),
                E.P(
                    E.CLASS("hint"),
                    "Save it beside the chapter, or merge it: ",
                    E.CODE(f"narrator review --apply {corrections_name} {chapter.reference}"),
                    "; then ",
                    E.CODE("narrator build"),
                    ".",
                ),
                id="corrections",
            ),
            E.SCRIPT(
                json.dumps(data, ensure_ascii=False).replace("</", "<\\/"),
                id="data",
                type="application/json",
            ),
            E.SCRIPT(_asset("review.js")),
        ),
        lang="en",
    )


def _menu(seg: Segment, speakers: Sequence[str]) -> HtmlElement:
    menu = E.SELECT(
        *[
            E.OPTION("read as narration" if name == NARRATOR else name, value=name)
            for name in speakers
        ],
        {"class": "who", "data-i": str(seg.index), "aria-label": "who says this"},
    )
    for option in menu:
        if option.get("value") == seg.speaker:
            option.set("selected", "")
    return menu


def _append_text(element: HtmlElement, text: str, menu: HtmlElement | None = None) -> None:
    """Text between segments (quote marks, spaces) after the last child, or inside; the
    quote's menu, when there is one, after the marks that close it."""
    if menu is not None:
        closing = len(text) - len(text.lstrip(QUOTE_MARKS))
        _append_text(element, text[:closing])
        element.append(menu)
        text = text[closing:]
    if not text:
        return
    if len(element):
        element[-1].tail = (element[-1].tail or "") + text
    else:
        element.text = (element.text or "") + text


def _asset(name: str) -> str:
    return resources.files("narrator.commands").joinpath("assets", name).read_text(encoding="utf-8")


# -- merging a downloaded corrections file --------------------------------------------------


def apply_corrections(reference: ChapterRef, config: Config, downloaded: Path) -> Merge:
    """Merge the corrections in `downloaded` into the chapter's corrections file, which is
    edited in place, so the user's comments and layout are kept."""
    chapter = load_chapter(reference, config)
    target = corrections_path(chapter.ref)
    if not downloaded.is_file():
        raise NarratorError(f"{downloaded}: no such file", "give the file the page saved")
    incoming = load_corrections(downloaded, config.characters)
    header = f"# Who says what in {chapter.reference}: read by narrator script and build.\n"
    merge, text = merge_corrections(target, incoming, config.characters, header)
    write_text(target, text)
    return merge
