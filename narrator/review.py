"""Review: one self-contained HTML page per chapter, to check and fix who says what.

The page shows the chapter as paragraphs, each quote in its speaker's colour (narration
plain), doubtful attributions marked, and a player for the chapter's MP3: clicking a
segment plays from it, and the segment being spoken is highlighted. Timings come from
the chapter's WebVTT transcript, matched clip by clip with the build's plan. A menu on
each quote corrects its speaker; the page then offers the chapter's overrides file
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

import yaml
from lxml import html
from lxml.html import builder as E  # noqa: N812 (lxml's own convention)

from narrator.attribute import apply_overrides, doubtful
from narrator.build import attributed
from narrator.cast import assign_voices
from narrator.config import load_overrides, overrides_path
from narrator.errors import NarratorError
from narrator.files import write_text
from narrator.ingest import ingest
from narrator.model import NARRATOR, UNKNOWN, Override
from narrator.segment import QUOTE_MARKS
from narrator.synth import plan
from narrator.transcript import read_vtt
from narrator.verify import normalise

if TYPE_CHECKING:
    from collections.abc import Sequence
    from pathlib import Path

    from lxml.html import HtmlElement

    from narrator.model import Chapter, Config, Segment

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


def segment_times(
    chapter: Chapter, segments: Sequence[Segment], config: Config, vtt: Path
) -> dict[int, Timing]:
    """When each segment is heard: the build's clips (one per sentence) in order are the
    transcript's cues in order; a segment runs from its first clip's start to its last's
    end."""
    chunks = plan(chapter, segments, assign_voices(config), config.pronounce)
    cues = read_vtt(vtt.read_text(encoding="utf-8"))
    matches = len(chunks) == len(cues) and all(
        normalise(chunk.text) == normalise(text)
        for chunk, (_, _, text) in zip(chunks, cues, strict=True)
    )
    if not matches:
        raise NarratorError(
            f"{vtt}: made from another version of {chapter.reference}",
            f"run 'narrator build {chapter.reference}' first",
        )
    times: dict[int, Timing] = {}
    for chunk, (start, end, _) in zip(chunks, cues, strict=True):
        known = times.get(chunk.segment)
        times[chunk.segment] = Timing(known.start if known else start, end)
    return times


def occurrences(segments: Sequence[Segment]) -> dict[int, tuple[str, int]]:
    """Each quote's key in an overrides file: its text (whitespace collapsed) and which
    quote with that text it is, counted as `apply_overrides` counts them."""
    seen: Counter[str] = Counter()
    keys = {}
    for seg in segments:
        if seg.kind == "dialogue":
            text = " ".join(seg.text.split())
            seen[text] += 1
            keys[seg.index] = (text, seen[text])
    return keys


def write_review(reference: Path, config: Config, out_dir: Path) -> Path:
    """Write `<out>/<chapter>.html` beside the chapter's MP3; returns its path."""
    chapter, found = attributed(reference, config)
    corrections_file = overrides_path(chapter.path, chapter.name)
    existing = load_overrides(corrections_file, config.characters)
    segments, _unmatched = apply_overrides(found, existing)
    audio = out_dir / f"{chapter.name}.mp3"
    if not audio.is_file():
        raise NarratorError(f"{audio}: not built yet", f"run 'narrator build {reference}' first")
    times = segment_times(chapter, segments, config, audio.with_suffix(".vtt"))
    page = out_dir / f"{chapter.name}.html"
    document = _page(chapter, config, segments, occurrences(found), existing, times, audio.name,
                     corrections_file.name)  # fmt: skip
    write_text(page, html.tostring(document, doctype="<!DOCTYPE html>", encoding="unicode"))
    return page


def _page(
    chapter: Chapter,
    config: Config,
    segments: Sequence[Segment],
    keys: dict[int, tuple[str, int]],
    existing: Sequence[Override],
    times: dict[int, Timing],
    audio_name: str,
    corrections_name: str,
) -> HtmlElement:
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
    for number, paragraph in enumerate(chapter.paragraphs):
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
    return resources.files("narrator").joinpath("assets", name).read_text(encoding="utf-8")


# -- merging a downloaded corrections file --------------------------------------------------


@dataclass(frozen=True, slots=True)
class Merge:
    path: Path
    added: int
    changed: int
    total: int


def apply_corrections(reference: Path, config: Config, downloaded: Path) -> Merge:
    """Merge the corrections in `downloaded` into the chapter's overrides file: an entry
    for the same quote (text and occurrence) gets the new speaker, others are added at
    the end. The file is edited in place, so the user's comments and layout are kept."""
    chapter = ingest(reference, read_front_matter=config.read_front_matter)
    target = overrides_path(chapter.path, chapter.name)
    if not downloaded.is_file():
        raise NarratorError(f"{downloaded}: no such file", "give the file the page saved")
    incoming = load_overrides(downloaded, config.characters)
    current = load_overrides(target, config.characters)  # checks the file, too
    final = {(o.quote, o.occurrence): o for o in current}
    added = changed = 0
    for override in incoming:
        before = final.get(key := (override.quote, override.occurrence))
        if before is None:
            added += 1
        elif before.speaker != override.speaker:
            changed += 1
        final[key] = override
    text = target.read_text(encoding="utf-8-sig") if target.exists() else ""
    root = yaml.compose(text, Loader=yaml.SafeLoader)  # None: empty, or comments only
    if isinstance(root, yaml.SequenceNode) and not root.flow_style:
        # Each changed entry's speaker is replaced where it stands, last first.
        stale = [
            (_speaker_node(node), final[key].speaker)
            for o, node in zip(current, root.value, strict=True)
            if final[key := (o.quote, o.occurrence)].speaker != o.speaker
        ]
        for node, speaker in sorted(stale, key=lambda item: -item[0].start_mark.index):
            text = text[: node.start_mark.index] + _scalar(speaker) + text[node.end_mark.index :]
        known = {(o.quote, o.occurrence) for o in current}
        lines = [_entry(o) for key, o in final.items() if key not in known]
    else:
        if root is not None or not text.strip():  # a `[...]` list is written out anew
            text = f"# Who says what in {chapter.reference}: read by narrator script and build.\n"
        lines = [_entry(o) for o in final.values()]
    if lines:
        text = (text if text.endswith("\n") or not text else text + "\n") + "".join(lines)
    write_text(target, text)
    return Merge(target, added, changed, len(final))


def _speaker_node(entry: yaml.Node) -> yaml.Node:
    """The value node of an entry's `speaker` key (load_overrides has checked it is there)."""
    value: yaml.Node = next(v for k, v in entry.value if k.value == "speaker")
    return value


def _scalar(value: str) -> str:
    """`value` as a YAML scalar: a JSON string is a valid double-quoted one."""
    return json.dumps(value, ensure_ascii=False)


def _entry(override: Override) -> str:
    """One correction as a line of the overrides file."""
    occurrence = f", occurrence: {override.occurrence}" if override.occurrence > 1 else ""
    return (
        f"- {{quote: {_scalar(override.quote)}, speaker: {_scalar(override.speaker)}"
        f"{occurrence}}}\n"
    )
