"""narrator review: the page on its own, then in headless Chromium (Debian's chromium and
chromium-driver, driven by selenium), served by `narrator serve`'s server."""

from __future__ import annotations

import json
import re
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from lxml import html

from narrator.cli import main
from narrator.commands.review import speaker_colours
from narrator.publish.serve import open_server

from .conftest import ROOT, requires_tool

ARTIFACTS = ROOT / "tests" / "artifacts"


def run(*args: str) -> Any:
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == 0, result.output
    return result


def _script() -> list[dict[str, Any]]:
    document = json.loads(run("script", "chapters/chapter-01.txt", "--json").stdout)
    return [s for s in document["segments"] if s["kind"] == "dialogue"]


@pytest.fixture
def page(built_project: Path) -> Path:
    said = run("review", "chapters/chapter-01.txt").stdout
    assert said.startswith("output/chapter-01.html: open it in a browser")
    return built_project / "output" / "chapter-01.html"


def test_colours_are_distinct_and_stable() -> None:
    names = [f"C{i}" for i in range(20)]
    colours = speaker_colours(names)
    assert len({colours[n] for n in names}) == 20
    assert colours == speaker_colours(names)
    assert all(re.fullmatch(r"#[0-9a-f]{6}", c) for c in colours.values())


def test_the_page_is_self_contained_and_holds_every_quote(page: Path) -> None:
    text = page.read_text(encoding="utf-8")
    assert "http://" not in text
    assert "https://" not in text
    tree = html.fromstring(text)
    assert not tree.xpath("//link | //script[@src] | //img | //iframe")
    assert tree.xpath("//audio/@src") == ["chapter-01.mp3"]
    quotes = {int(e.get("data-i")): e for e in tree.xpath("//span[contains(@class, 'quote')]")}
    script = _script()
    assert sorted(quotes) == [s["index"] for s in script]
    for seg in script:
        element = quotes[seg["index"]]
        assert element.get("data-speaker") == seg["speaker"]
        assert element.text_content() == seg["text"]
        assert float(element.get("data-start")) < float(element.get("data-end"))
        doubtful = seg["doubtful"]
        assert ("doubtful" in element.get("class").split()) == doubtful
    # Every sentence of the chapter is on the page, in order.
    starts = [float(e.get("data-start")) for e in tree.xpath("//span[@data-start]")]
    assert starts == sorted(starts)


def test_review_before_building_says_what_to_do(project: Path) -> None:
    result = CliRunner().invoke(main, ["review", "chapters/chapter-01.txt"])
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines()[-1] == (
        "Error: output: no such folder (run `narrator build` first)"
    )


def test_review_of_a_chapter_edited_since_its_build_says_build_again(page: Path) -> None:
    chapter = page.parents[1] / "chapters" / "chapter-01.txt"
    chapter.write_text(chapter.read_text(encoding="utf-8") + "\nOne more line.\n")
    result = CliRunner().invoke(main, ["review", "chapters/chapter-01.txt"])
    assert result.exit_code == 2
    assert "made from another version of chapters/chapter-01.txt" in result.stderr
    assert "run 'narrator build chapters/chapter-01.txt' first" in result.stderr


def test_apply_merges_a_saved_file_into_the_overrides(page: Path) -> None:
    project = page.parents[1]
    (project / "chapters" / "chapter-01.speakers.yaml").write_text(
        '- {quote: "It\'s okay,", speaker: Alex}\n', encoding="utf-8"
    )
    saved = project / "saved.yaml"
    saved.write_text(
        '- {quote: "It\'s okay,", speaker: Meredith}\n'
        '- {quote: "You should drink something,", speaker: Alex}\n',
        encoding="utf-8",
    )
    said = run("review", "--apply", str(saved), "chapters/chapter-01.txt").stdout
    assert said == (
        "chapters/chapter-01.speakers.yaml: 1 corrections added, 1 changed, 2 in all; "
        "'narrator build' uses them\n"
    )
    script = {s["text"]: s for s in _script()}
    assert script["It's okay,"]["speaker"] == "Meredith"
    assert script["It's okay,"]["rule"] == "override"
    assert script["You should drink something,"]["speaker"] == "Alex"
    bad = project / "bad.yaml"
    bad.write_text('- {quote: "Hey,", speaker: Bailey}\n', encoding="utf-8")
    result = CliRunner().invoke(main, ["review", "--apply", str(bad), "chapters/chapter-01.txt"])
    assert result.exit_code == 2
    assert "bad.yaml:1: [0].speaker: 'Bailey' is not in the cast" in result.stderr


@pytest.mark.parametrize("layout", ["block", "flow", "comments only", "absent"])
def test_apply_keeps_the_users_comments_and_layout(page: Path, layout: str) -> None:
    project = page.parents[1]
    target = project / "chapters" / "chapter-01.speakers.yaml"
    written = {
        "block": (
            "# Checked on the bus, chapter 1.\n"
            '- quote: "It\'s okay,"\n'
            "  speaker: Alex   # surely him\n"
            "# the diner scene\n"
            '- {quote: "Thank you.", speaker: Izzie}\n'
        ),
        "flow": '[{quote: "It\'s okay,", speaker: Alex}, {quote: "Thank you.", speaker: Izzie}]\n',
        "comments only": "# Corrections go here.\n",
    }
    if layout in written:
        target.write_text(written[layout], encoding="utf-8")
    saved = project / "saved.yaml"
    saved.write_text(
        '- {quote: "It\'s okay,", speaker: Meredith}\n'
        '- {quote: "You should drink something,", speaker: Alex}\n',
        encoding="utf-8",
    )
    run("review", "--apply", str(saved), "chapters/chapter-01.txt")
    text = target.read_text(encoding="utf-8")
    if layout == "block":
        assert text == (
            "# Checked on the bus, chapter 1.\n"
            '- quote: "It\'s okay,"\n'
            '  speaker: "Meredith"   # surely him\n'
            "# the diner scene\n"
            '- {quote: "Thank you.", speaker: Izzie}\n'
            '- {quote: "You should drink something,", speaker: "Alex"}\n'
        )
    elif layout == "comments only":
        assert text.startswith("# Corrections go here.\n- {quote: ")
    else:
        assert text.startswith("# Who says what in chapters/chapter-01.txt")
    expected = {"It's okay,": "Meredith", "You should drink something,": "Alex"}
    if layout in ("block", "flow"):
        expected["Thank you."] = "Izzie"
    entries = yaml.safe_load(text)
    assert {e["quote"]: e["speaker"] for e in entries} == expected
    # Applying the same file again changes nothing.
    run("review", "--apply", str(saved), "chapters/chapter-01.txt")
    assert target.read_text(encoding="utf-8") == text


# -- in a real browser ---------------------------------------------------------------------


@pytest.fixture
def browser() -> Iterator[Any]:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    profile = tempfile.TemporaryDirectory()
    for flag in (
        "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--autoplay-policy=no-user-gesture-required", "--window-size=1100,1400",
        f"--user-data-dir={profile.name}",
    ):  # fmt: skip
        options.add_argument(flag)
    driver = webdriver.Chrome(options=options, service=Service("/usr/bin/chromedriver"))
    try:
        yield driver
    finally:
        driver.quit()
        profile.cleanup()


def _wait(condition: Any, seconds: float = 15.0) -> Any:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError("timed out")


@pytest.mark.slow
@requires_tool("chromium", "chromedriver")
def test_the_page_in_chromium(page: Path, browser: Any) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    server = open_server(page.parent, "127.0.0.1", 0)
    server.serve_in_background()
    try:
        browser.get(f"http://127.0.0.1:{server.server_address[1]}/{page.name}")
        player = "document.getElementById('player')"
        _wait(lambda: browser.execute_script(f"return {player}.readyState >= 1"))

        # Every quote in its speaker's colour: the legend's swatch, distinct per speaker.
        legend = browser.execute_script(
            "return Object.fromEntries([...document.querySelectorAll('.legend-item')].map(li =>"
            " [li.dataset.speaker, getComputedStyle(li.querySelector('.swatch')).backgroundColor]))"
        )
        shown = browser.execute_script(
            "return [...document.querySelectorAll('.seg.quote')].map(q =>"
            " [Number(q.dataset.i), q.dataset.speaker, getComputedStyle(q).color])"
        )
        script = _script()
        assert [i for i, _, _ in shown] == [s["index"] for s in script]
        for (_, speaker, colour), seg in zip(shown, script, strict=True):
            assert speaker == seg["speaker"]
            assert colour == legend[speaker]
        cast = {s["speaker"] for s in script} - {"unknown"}
        assert cast == {"Izzie", "Alex", "Meredith"}
        assert len({legend[name] for name in cast}) == 3
        narration = browser.execute_script(
            "return getComputedStyle(document.querySelector('.seg.narration')).color"
        )
        assert narration not in {legend[name] for name in cast}

        # Clicking a quote moves the player to it, and it is the one highlighted.
        quotes = browser.find_elements(By.CSS_SELECTOR, ".seg.quote")
        target = quotes[20]
        start = float(target.get_attribute("data-start"))
        browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", target)
        target.click()
        now = _wait(lambda: browser.execute_script(f"return {player}.currentTime") or None)
        assert start - 0.05 <= now <= start + 3.0
        _wait(lambda: "speaking" in (target.get_attribute("class") or ""))
        # Playing on, the highlight follows the audio (the player is moved near the end of
        # the next segment and allowed to run into the one after it).
        following = browser.find_elements(By.CSS_SELECTOR, ".seg[data-start]")
        position = [e.get_attribute("data-i") for e in following].index(
            target.get_attribute("data-i")
        )
        later = following[position + 2]
        browser.execute_script(
            f"{player}.currentTime = arguments[0]; {player}.play().catch(() => {{}});",
            float(later.get_attribute("data-start")) - 0.3,
        )
        _wait(lambda: "speaking" in (later.get_attribute("class") or ""))
        assert "speaking" not in (target.get_attribute("class") or "")
        browser.execute_script(f"{player}.pause()")

        # A correction on the page becomes the overrides file; --apply merges it.
        first = quotes[0]
        old = first.get_attribute("data-speaker")
        new = "Meredith" if old != "Meredith" else "Alex"
        select = browser.find_element(
            By.CSS_SELECTOR, f'select.who[data-i="{first.get_attribute("data-i")}"]'
        )
        browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", select)
        Select(select).select_by_value(new)
        assert first.get_attribute("data-speaker") == new
        assert (
            browser.execute_script("return getComputedStyle(arguments[0]).color", first)
            == legend[new]
        )
        saved = browser.find_element(By.ID, "yaml").get_attribute("value")
        assert f'speaker: "{new}"' in saved
        browser.execute_script("window.scrollTo(0, 0)")
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        shot = ARTIFACTS / "review-seed.png"
        assert browser.save_screenshot(str(shot))
        assert shot.stat().st_size > 50_000
    finally:
        server.shutdown()
        server.server_close()
    file = page.parents[1] / "from-the-page.yaml"
    file.write_text(saved, encoding="utf-8")
    run("review", "--apply", str(file), "chapters/chapter-01.txt")
    assert {s["index"]: s["speaker"] for s in _script()}[int(first.get_attribute("data-i"))] == new


def test_the_page_shows_scene_breaks(project: Path) -> None:
    chapter = project / "chapters" / "scenes.txt"
    chapter.write_text(
        '"Morning," Izzie said.\n\n* * *\n\nLater, Alex came home.\n\n"Hi," he said.\n',
        encoding="utf-8",
    )
    assert CliRunner().invoke(main, ["build", "-q", str(chapter)]).exit_code == 0
    result = CliRunner().invoke(main, ["review", str(chapter)])
    assert result.exit_code == 0, result.output
    tree = html.fromstring((project / "output" / "scenes.html").read_text(encoding="utf-8"))
    children = [e.tag for e in tree.xpath("//main[@id='text']/*")]
    assert children == ["p", "hr", "p", "p"]
