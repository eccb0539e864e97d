"""The command line: parse options, call one library function, print. Nothing else prints.

Each command imports what it needs when it runs, so `narrator --help` and a build with
nothing to do start without loading the whole pipeline.

Longer than 400 lines: eleven commands, each its options, one call and its output. This is
the one module that imports click and writes to stdout; split, that rule would be lost.
"""

from __future__ import annotations

import errno
import functools
import json
import logging
import os
import shutil
import subprocess
import sys
from contextlib import contextmanager
from dataclasses import dataclass, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import click

from narrator import __version__
from narrator.errors import NarratorError
from narrator.interrupts import EXIT_INTERRUPTED, EXIT_TERMINATED, Terminated, forget_interrupt
from narrator.model import BuildOptions, ChapterRef
from narrator.voices.engines import ENGINES

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Sequence

    from narrator.build import BuildResult
    from narrator.commands.verify import Report
    from narrator.model import Config, Segment
    from narrator.script import Script

EXIT_USER_ERROR: Final = 2
_SPEAKER_COLOURS: Final = (
    "cyan",
    "magenta",
    "yellow",
    "green",
    "blue",
    "red",
    "bright_cyan",
    "bright_magenta",
    "bright_yellow",
    "bright_green",
    "bright_blue",
)


class UserError(click.ClickException):
    """A `NarratorError` as click shows it: one line on stderr, exit status 2."""

    exit_code = EXIT_USER_ERROR


class Interrupted(click.ClickException):
    """Ctrl-C: one line, exit status 130."""

    exit_code = EXIT_INTERRUPTED


class TerminatedByRequest(click.ClickException):
    """SIGTERM: one line, exit status 143."""

    exit_code = EXIT_TERMINATED


class NarratorGroup(click.Group):
    """Turns user errors and interruptions into one-line messages, in one place."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except NarratorError as exc:
            if ctx.meta.get("narrator.traceback"):
                raise
            raise UserError(str(exc)) from None
        except KeyboardInterrupt as exc:
            forget_interrupt()
            kept = "finished chapters and cached clips are kept"
            if isinstance(exc, Terminated):
                raise TerminatedByRequest(f"terminated; {kept}") from None
            raise Interrupted(f"interrupted; {kept}") from None
        except OSError as exc:
            if exc.errno not in (errno.ENOSPC, errno.EDQUOT) or ctx.meta.get("narrator.traceback"):
                raise
            where = f" holding {exc.filename}" if exc.filename else ""
            raise UserError(
                f"no space left on the disk{where} (free some space and run it again; "
                "finished chapters are kept)"
            ) from None


def _configure_logging(verbose: int, quiet: bool) -> None:
    level = (
        logging.WARNING
        if quiet or not verbose
        else (logging.INFO if verbose == 1 else logging.DEBUG)
    )
    logging.basicConfig(level=level, format="narrator: %(message)s", stream=sys.stderr, force=True)
    for handler in logging.getLogger().handlers:
        # pyttsx3 logs each voice change on the root logger ("Attempting to set voice"):
        # of other code, only warnings and errors are ours to show.
        handler.addFilter(_ours_or_warning)


def _ours_or_warning(record: logging.LogRecord) -> bool:
    return record.name.startswith("narrator") or record.levelno >= logging.WARNING


@click.group(cls=NarratorGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="narrator")
@click.option("-v", "--verbose", count=True, help="Say more (twice for debugging detail).")
@click.option("--traceback", is_flag=True, help="Show the full traceback of an error.")
@click.pass_context
def main(ctx: click.Context, verbose: int, traceback: bool) -> None:
    """Turn chapters of fiction into full-cast audiobook chapters."""
    ctx.meta["narrator.traceback"] = traceback
    ctx.meta["narrator.verbose"] = verbose
    _configure_logging(verbose, quiet=False)


config_option = click.option(
    "--config",
    "config_path",
    type=click.Path(path_type=Path, dir_okay=True),
    default=Path("voices.yaml"),
    show_default=True,
    help="The cast and voices file.",
)
out_option = click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("output"),
    show_default=True,
    help="Where built files go.",
)
min_confidence_option = click.option(
    "--min-confidence",
    type=click.FloatRange(0.0, 1.0),
    default=0.0,
    show_default=True,
    help="Give quotes attributed less surely than this to the unknown voice.",
)
chapters_argument = click.argument("chapters", nargs=-1, type=click.Path(path_type=Path))


def _load_config(path: Path) -> Config:
    from narrator.config import load_config

    return load_config(path)


def _refs(chapters: Sequence[Path]) -> list[ChapterRef]:
    from narrator.script import chapters_to_build

    return chapters_to_build(chapters)


@dataclass(frozen=True, slots=True)
class BuildRequest:
    """What `build` and `book` are asked to do."""

    chapters: tuple[Path, ...]
    config_path: Path
    options: BuildOptions
    quiet: bool


def build_options(command: Callable[[BuildRequest], None]) -> Callable[..., None]:
    """The options every command that builds chapters takes, gathered into one request."""

    @functools.wraps(command)
    def parsed(
        chapters: tuple[Path, ...],
        config_path: Path,
        out_dir: Path,
        jobs: int | None,
        engine: str | None,
        force: bool,
        cache_dir: Path | None,
        min_confidence: float,
        quiet: bool,
    ) -> None:
        options = BuildOptions(
            out_dir=out_dir,
            engine=engine,
            jobs=jobs or os.cpu_count() or 1,
            force=force,
            min_confidence=min_confidence,
            cache_dir=cache_dir,
        )
        command(BuildRequest(chapters, config_path, options, quiet))

    decorators = [
        chapters_argument,
        config_option,
        out_option,
        click.option(
            "--jobs",
            "-j",
            type=click.IntRange(min=1),
            default=None,
            help="Clips synthesised at once [default: number of cores].",
        ),
        click.option(
            "--engine",
            type=click.Choice(list(ENGINES)),
            default=None,
            help="Use this engine for every voice.",
        ),
        click.option("--force", is_flag=True, help="Rebuild what is up to date."),
        click.option(
            "--cache",
            "cache_dir",
            type=click.Path(path_type=Path, file_okay=False),
            default=None,
            help="Clip cache folder [default: $NARRATOR_CACHE or .narrator-cache beside "
            "the config].",
        ),
        min_confidence_option,
        click.option("--quiet", "-q", is_flag=True, help="Print nothing but errors."),
    ]
    wrapped: Callable[..., None] = parsed
    for decorator in reversed(decorators):
        wrapped = decorator(wrapped)
    return wrapped


@main.command("build")
@build_options
def build_command(request: BuildRequest) -> None:
    """Build CHAPTERS (default: every file in chapters/) into tagged MP3s; refresh the feed."""
    from narrator.build import build

    if request.quiet:
        _configure_logging(0, quiet=True)
    config = _load_config(request.config_path)
    refs = _refs(request.chapters)
    with _progress(enabled=not request.quiet and sys.stderr.isatty()) as progress:
        results = build(refs, config, request.options, progress)
    if not request.quiet:
        for result in results:
            click.echo(_describe(result))


@main.command("book")
@build_options
def book_command(request: BuildRequest) -> None:
    """Build CHAPTERS (default: every file in chapters/), then the whole book as one M4B."""
    from narrator.build import build_book

    if request.quiet:
        _configure_logging(0, quiet=True)
    config = _load_config(request.config_path)
    refs = _refs(request.chapters)
    with _progress(enabled=not request.quiet and sys.stderr.isatty()) as progress:
        results, book = build_book(refs, config, request.options, progress)
    if request.quiet:
        return
    for result in results:
        click.echo(_describe(result))
    if book.up_to_date:
        click.echo(f"{book.output}: up to date, nothing to do")
    else:
        hours, rest = divmod(round(book.duration_seconds), 3600)
        length = f"{hours}:{rest // 60:02d}:{rest % 60:02d}"
        count = "1 chapter" if book.chapters == 1 else f"{book.chapters} chapters"
        click.echo(f"{book.output}: {count}, {length}")


def _describe(result: BuildResult) -> str:
    if result.up_to_date:
        return f"{result.output}: up to date, nothing to do"
    if result.retagged:
        return f"{result.output}: sound unchanged, tags rewritten"
    minutes, seconds = divmod(round(result.duration_seconds), 60)
    cached = result.clips - result.rendered
    return (
        f"{result.output}: {result.title}, {minutes}:{seconds:02d}, "
        f"{result.clips} clips ({result.rendered} synthesised, {cached} from cache)"
    )


@contextmanager
def _progress(enabled: bool) -> Iterator[Any]:
    """A progress bar per chapter on a terminal; a no-op elsewhere."""
    if not enabled:
        yield None
        return
    bars: dict[str, Any] = {}

    def update(name: str, done: int, total: int) -> None:
        bar = bars.get(name)
        if bar is None:
            bar = bars[name] = click.progressbar(length=total, label=name, file=sys.stderr)
            bar.__enter__()
        bar.update(done - bar.pos)
        if done >= total:
            bar.__exit__(None, None, None)

    try:
        yield update
    finally:
        for bar in bars.values():
            if not bar.finished:
                bar.__exit__(None, None, None)


@main.command("script")
@click.argument("chapter", type=click.Path(path_type=Path))
@config_option
@min_confidence_option
@click.option("--json", "as_json", is_flag=True, help="Print the segments as JSON.")
def script_command(chapter: Path, config_path: Path, min_confidence: float, as_json: bool) -> None:
    """Show how CHAPTER is split and who says each line.

    Corrections in CHAPTER's .speakers.yaml file (beside it) are applied.
    """
    from narrator.script import script

    config = _load_config(config_path)
    scripted = script(ChapterRef.parse(chapter), config, min_confidence)
    if as_json:
        click.echo(_script_json(chapter, scripted))
        return
    colours = _colours(config)
    for seg in scripted.segments:
        click.echo(_listing_line(seg, colours))
    if scripted.corrections:
        summary = _corrections_summary(scripted)
        click.echo(
            f"{_count(summary['applied'], 'correction')} applied; the speaker of "
            f"{_count(summary['changed'], 'other quote')} changed with them; "
            f"{_count(summary['unmatched'], 'correction')} matched no quote"
        )


def _script_json(chapter: Path, scripted: Script) -> str:
    """The script as DESIGN.md's JSON, one segment to a line as its example is written.

    (Each segment by json's C encoder: asked to indent, json falls back to its Python
    one; and each field by name, since `asdict` copies deeply. For a novel's 4,880
    segments: 0.06 s against 0.16 s.)"""
    head: dict[str, object] = {"chapter": str(chapter)}
    if scripted.corrections:
        head["corrections"] = _corrections_summary(scripted)
    lines = [
        f" {json.dumps(key)}: {json.dumps(value, ensure_ascii=False)},"
        for key, value in head.items()
    ]
    segments = ",\n  ".join(
        json.dumps({f.name: getattr(s, f.name) for f in fields(s)}, ensure_ascii=False)
        for s in scripted.segments
    )
    return "\n".join(["{", *lines, ' "segments": [', f"  {segments}", " ]", "}"])


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def _corrections_summary(scripted: Script) -> dict[str, int]:
    return {
        "applied": len(scripted.corrections) - len(scripted.unmatched),
        "changed": scripted.changed,
        "unmatched": len(scripted.unmatched),
    }


def _colours(config: Config) -> dict[str, str]:
    names = [c.name for c in config.characters]
    return {name: _SPEAKER_COLOURS[i % len(_SPEAKER_COLOURS)] for i, name in enumerate(names)}


def _listing_line(seg: Segment, colours: dict[str, str]) -> str:
    from narrator.attribute import doubtful

    if seg.kind == "narration":
        return click.style(f"{seg.index:5d}  {'':14}        {seg.text}", dim=True)
    confidence = seg.confidence if seg.confidence is not None else 0.0
    mark = "?" if doubtful(seg) else " "
    speaker = click.style(f"{seg.speaker[:14]:14}", fg=colours.get(seg.speaker, "white"), bold=True)
    text = click.style(f"\u201c{seg.text}\u201d", fg=colours.get(seg.speaker))
    return f"{seg.index:5d}  {speaker} {confidence:4.2f}{mark}  {text}  [{seg.rule}]"


@main.command("cast")
@chapters_argument
@config_option
def cast_command(chapters: tuple[Path, ...], config_path: Path) -> None:
    """List who speaks in CHAPTERS, and names in the text that are not in the cast."""
    from narrator.commands.speakers import cast_report

    report = cast_report(_refs(chapters), _load_config(config_path))
    click.echo("Speakers (quotes):")
    for name, count in report.lines:
        click.echo(f"  {name:24} {count:5d}")
    if report.silent:
        click.echo("In the cast but not heard: " + ", ".join(report.silent))
    if report.missing:
        click.echo("Names in the text that are not in the cast (mentions):")
        for name, count in report.missing:
            click.echo(f"  {name:24} {count:5d}")


@main.command("init")
@click.argument("chapters", nargs=-1, required=True, type=click.Path(path_type=Path))
@config_option
@click.option(
    "--engine",
    type=click.Choice(list(ENGINES)),
    default=None,
    help="Choose every voice from this engine (default: the most natural voices installed).",
)
@click.option("--force", is_flag=True, help="Replace an existing file.")
def init_command(
    chapters: tuple[Path, ...], config_path: Path, engine: str | None, force: bool
) -> None:
    """Write a starter voices.yaml from the characters found in CHAPTERS."""
    from narrator.commands.init import init_config

    everyone = init_config(_refs(chapters), config_path, engine=engine, force=force)
    found = [f for f in everyone if not f.minor]
    minor = len(everyone) - len(found)
    also = f" (and {minor} named once, listed commented out)" if minor else ""
    click.echo(f"wrote {config_path}: {len(found)} characters{also}")
    for character in found[:12]:
        click.echo(f"  {character.name:24} {character.gender:8} {character.mentions:5d} mentions")
    if len(found) > 12:
        click.echo(f"  ... and {len(found) - 12} more")
    if len(found) < 2:
        click.echo(
            "Few characters found: a name counts when the text has it speak or act "
            '("said Tess", "Tess smiled") in the middle of a sentence, and a sentence it '
            'opens is followed by one opening with "He" or "She". Add the missing ones to '
            f"{config_path} by hand (see 'Changing a voice' in the README)."
        )


@main.command("preview")
@click.argument("speaker")
@click.argument("text", required=False)
@config_option
@out_option
@click.option(
    "--engine",
    type=click.Choice(list(ENGINES)),
    default=None,
    help="Use this engine instead of the speaker's.",
)
@click.option(
    "--play/--no-play",
    default=None,
    help="Play the sample [default: when a player is found and this is a terminal].",
)
def preview_command(
    speaker: str,
    text: str | None,
    config_path: Path,
    out_dir: Path,
    engine: str | None,
    play: bool | None,
) -> None:
    """Render TEXT (or a sample line) in SPEAKER's voice to preview-<speaker>.mp3."""
    from narrator.commands.preview import preview

    config = _load_config(config_path)
    name, output = preview(speaker, text, config, BuildOptions(out_dir=out_dir, engine=engine))
    click.echo(f"{output}: {name}")
    player = shutil.which("ffplay")
    if play or (play is None and player and sys.stdout.isatty()):
        if player is None:
            raise NarratorError("no player found to play the preview", "install ffmpeg's ffplay")
        subprocess.run([player, "-nodisp", "-autoexit", "-loglevel", "quiet", str(output)],
                       check=False)  # fmt: skip


@main.command("feed")
@config_option
@out_option
@click.option(
    "--base-url",
    default=None,
    help="Where the output folder is served [default: book.base_url, else http://127.0.0.1:8000/].",
)
def feed_command(config_path: Path, out_dir: Path, base_url: str | None) -> None:
    """Rewrite feed.xml in the output folder from the chapters there."""
    from narrator.publish.feed import refresh

    _check_out_dir(out_dir)
    feed = refresh(out_dir, _load_config(config_path), base_url)
    click.echo(f"{feed.path}: {feed.episodes} episodes, served from {feed.base_url}")


@main.command("serve")
@config_option
@out_option
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on; 0.0.0.0 lets phones on the LAN subscribe.",
)
@click.option(
    "--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
    help="Port to listen on (0: any free one).",
)  # fmt: skip
def serve_command(config_path: Path, out_dir: Path, host: str, port: int) -> None:
    """Serve the output folder over HTTP (read-only, with byte ranges) for podcast apps.

    The feed is rewritten first with this server's address, unless voices.yaml names a
    book.base_url.
    """
    from narrator.publish.feed import refresh
    from narrator.publish.serve import open_server

    _check_out_dir(out_dir)
    config = _load_config(config_path)
    server = open_server(out_dir, host, port)
    with server:
        feed = refresh(out_dir, config, config.book.base_url or server.url)
        click.echo(f"Serving {out_dir}/ at {server.url} (Ctrl-C stops)")
        click.echo(f"Subscribe to: {feed.base_url}{feed.path.name}")
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            click.echo("stopped")


def _check_out_dir(out_dir: Path) -> None:
    if not out_dir.is_dir():
        raise NarratorError(f"{out_dir}: no such folder", "run `narrator build` first")


@main.command("review")
@click.argument("chapter", type=click.Path(path_type=Path))
@config_option
@out_option
@click.option(
    "--apply",
    "downloaded",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Merge this corrections file (saved from the page) into CHAPTER's overrides.",
)
def review_command(
    chapter: Path, config_path: Path, out_dir: Path, downloaded: Path | None
) -> None:
    """Write a page to check CHAPTER's speakers: the text coloured by speaker, the audio
    in step, doubtful quotes marked, corrections saved as an overrides file. With
    --apply FILE, merge corrections saved from the page instead."""
    from narrator.commands.review import apply_corrections, write_review

    config = _load_config(config_path)
    ref = ChapterRef.parse(chapter)
    if downloaded is not None:
        merge = apply_corrections(ref, config, downloaded)
        click.echo(
            f"{merge.path}: {merge.added} corrections added, {merge.changed} changed, "
            f"{merge.total} in all; 'narrator build' uses them"
        )
        return
    _check_out_dir(out_dir)
    page = write_review(ref, config, out_dir)
    click.echo(f"{page}: open it in a browser (it plays {page.with_suffix('.mp3').name})")


@main.command("verify")
@chapters_argument
@config_option
@out_option
@click.option(
    "--model",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="A faster-whisper model folder [default: Whisper tiny.en from narrator[verify]].",
)
@click.option(
    "--min-run",
    type=click.IntRange(min=1),
    default=6,
    show_default=True,
    help="Words missing in a row that count as a finding.",
)
@click.pass_context
def verify_command(
    ctx: click.Context,
    chapters: tuple[Path, ...],
    config_path: Path,
    out_dir: Path,
    model: Path | None,
    min_run: int,
) -> None:
    """Listen to the built MP3 of CHAPTERS (default: every file in chapters/) with a speech
    recogniser and report every run of script words it did not hear. Exit status 1 when
    there is one."""
    from narrator.commands.verify import clock, verify_chapter
    from narrator.script import load_chapters

    config = _load_config(config_path)
    found = False
    for chapter in load_chapters(_refs(chapters), config):
        report = verify_chapter(chapter, config, out_dir, model=model, min_run=min_run)
        click.echo(_verify_summary(chapter.name, report))
        for gap in report.findings:
            found = True
            when = f" at {clock(gap.seconds)}" if gap.seconds is not None else ""
            click.echo(
                f"  {gap.place}{when}: {gap.missing} words not heard: \u201c{gap.text}\u201d"
            )
    if found:
        ctx.exit(1)


def _verify_summary(name: str, report: Report) -> str:
    longest = report.longest
    worst = (
        f"longest unheard run {longest.missing} words ({longest.place})"
        if longest is not None and longest.missing > 0
        else "no words unheard"
    )
    verdict = f"{len(report.findings)} runs missing" if report.findings else "every word spoken"
    return (
        f"{name}: {report.script_words} words in the script, {report.heard_words} heard "
        f"(word error rate {report.word_error_rate:.3f}); {worst}: {verdict}"
    )


@main.command("voices")
@click.option("--engine", type=click.Choice(list(ENGINES)), default=None, help="Only this engine.")
@click.option("--all", "every", is_flag=True, help="Every language, not only English.")
def voices_command(engine: str | None, every: bool) -> None:
    """List the voices the installed engines offer: English ones unless --all, each with
    its gender and how it sounds (natural, clear, fair, robotic)."""
    from narrator.voices.engines import get_engine, speaks_english

    names: Sequence[str] = [engine] if engine else [n for n in ENGINES if n != "tone"]
    for name in names:
        try:
            voices = get_engine(name).voices()
        except NarratorError as exc:
            click.echo(f"{name}: not available: {exc}")
            continue
        shown = [v for v in voices if every or speaks_english(v)]
        hidden = len(voices) - len(shown)
        click.echo(f"{name}:" + (f" ({hidden} more in other languages: --all)" if hidden else ""))
        for voice in shown:
            click.echo(
                f"  {voice.id:28} {voice.name:30} {voice.language:10} {voice.gender:8} "
                f"{voice.tier}".rstrip()
            )
