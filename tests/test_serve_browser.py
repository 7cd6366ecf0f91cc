"""Live reload in a real browser: a story page reloads by itself after its article is edited."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from preview_support import MARKER_WORD, copy_project, edit_paragraph, story_url
from reader_support import CHROMIUM
from reader_support import CHROMIUM_ARGS as ARGS

from digest.build import build_site
from digest.serve import DevServer

SEED = "001_aa6171b58bcd83fd.txt"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.is_file(), reason="needs Chromium at /usr/bin/chromium"),
]


@pytest.fixture
def browser() -> Iterator[object]:
    sync_api = pytest.importorskip("playwright.sync_api", reason="needs Python Playwright")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            yield browser
        finally:
            browser.close()


def test_story_pages_reload_by_themselves_after_an_edit(
    browser, tmp_path: Path, argos_installed: Path
) -> None:
    """Both pages of the story change (the English one with the new paragraph's
    translation): both reload, the Arabic one RTL and the English one LTR."""
    project = copy_project(tmp_path)
    server = DevServer(project, "127.0.0.1", 0, log=lambda line: None).start()
    try:
        pages, loads = {}, {"ar": [], "en": []}
        for lang in ("ar", "en"):  # RTL and LTR
            page = browser.new_page()
            page.goto(server.url + story_url(project, SEED, lang))
            assert page.locator("html").get_attribute("dir") == {"ar": "rtl", "en": "ltr"}[lang]
            page.on("load", lambda _, seen=loads[lang]: seen.append(1))  # each reload
            pages[lang] = page
        page = pages["ar"]
        assert MARKER_WORD not in page.inner_text("body")
        edit_paragraph(project.content / SEED)
        page.wait_for_function(f"document.body.innerText.includes({MARKER_WORD!r})", timeout=20000)
        for lang in ("ar", "en"):  # the text can show before the load event: wait for it
            for _ in range(200):  # bounded: up to 20 s
                if loads[lang]:
                    break
                pages[lang].wait_for_timeout(100)
            assert loads[lang], f"the {lang} page did not reload"
        assert pages["en"].locator("html").get_attribute("dir") == "ltr"
    finally:
        server.stop()


def test_error_overlay_appears_and_goes_without_a_reload(browser, tmp_path: Path) -> None:
    project = copy_project(tmp_path)
    server = DevServer(project, "127.0.0.1", 0, log=lambda line: None).start()
    try:
        page = browser.new_page()
        page.goto(server.url + "ar/")
        config = project.config_file
        config.write_text("feed_items = 'many'\n", encoding="utf-8")
        overlay = page.locator("#digest-error")
        overlay.wait_for(state="visible", timeout=20000)
        assert "feed_items" in overlay.inner_text()
        config.unlink()
        overlay.wait_for(state="detached", timeout=20000)
    finally:
        server.stop()


HIDE = """() => {
    Object.defineProperty(document, "hidden", {value: true, configurable: true});
    document.dispatchEvent(new Event("visibilitychange"));
}"""
SHOW = """() => {
    Object.defineProperty(document, "hidden", {value: false, configurable: true});
    document.dispatchEvent(new Event("visibilitychange"));
}"""


def test_warning_box_appears_and_goes_without_a_reload(browser, tmp_path: Path) -> None:
    """A broken English sidecar: the Arabic page does not change, so it is not reloaded,
    and the event shows the warning in a yellow box; fixing it takes the box away."""
    project = copy_project(tmp_path)
    server = DevServer(project, "127.0.0.1", 0, log=lambda line: None).start()
    try:
        page = browser.new_page()
        page.goto(server.url + story_url(project, SEED, "ar"))
        loads: list[int] = []
        page.on("load", lambda _: loads.append(1))
        sidecar = project.content / SEED.replace(".txt", ".en.md")
        sidecar.write_bytes(b"\xff\xfe not UTF-8")
        box = page.locator('#digest-error[data-kind="warning"]')
        box.wait_for(state="visible", timeout=20000)
        assert sidecar.name in box.inner_text() and "not UTF-8" in box.inner_text()
        assert box.get_attribute("role") == "status"
        sidecar.unlink()
        box.wait_for(state="detached", timeout=20000)
        assert not loads  # shown and taken away by the events alone
    finally:
        server.stop()


def _six_pages(context: Any, url: str, *, hidden: bool) -> list[Any]:
    """Six pages of ``url`` in one browser context (as many connections as a browser opens
    to one server), each with its event stream open; ``hidden``: then put out of sight."""
    pages = []
    for _ in range(6):
        page = context.new_page()
        page.goto(url)
        if hidden:
            page.wait_for_timeout(200)  # its connection open
            page.evaluate(HIDE)
        else:
            page.wait_for_function("document.readyState === 'complete'")
        pages.append(page)
    return pages


def test_tabs_out_of_sight_let_go_of_their_connection(browser, tmp_path: Path) -> None:
    """A browser opens at most six connections to the server, and each preview tab keeps
    one open for reload events: six tabs out of sight let go of theirs, so a seventh still
    loads; a hidden tab whose page an edit changed reloads when it is shown again."""
    project = copy_project(tmp_path)
    server = DevServer(project, "127.0.0.1", 0, log=lambda line: None).start()
    try:
        context = browser.new_context()
        url = server.url + story_url(project, SEED)
        tabs = _six_pages(context, url, hidden=True)
        seventh = context.new_page()
        seventh.goto(url, timeout=5000)  # hangs while six connections are held
        assert MARKER_WORD not in seventh.inner_text("body")
        edit_paragraph(project.content / SEED)
        seventh.wait_for_function(f"document.body.innerText.includes({MARKER_WORD!r})")
        first = tabs[0]
        assert MARKER_WORD not in first.inner_text("body")  # out of sight: as it was
        first.evaluate(SHOW)
        first.wait_for_function(f"document.body.innerText.includes({MARKER_WORD!r})")
        context.close()
    finally:
        server.stop()


def test_six_pages_in_sight_all_reload_after_an_edit(browser, tmp_path: Path) -> None:
    """Six preview pages in sight hold the six connections a browser opens to one server:
    each lets go of its own before it reloads, so every one reloads (none waits forever)."""
    project = copy_project(tmp_path)
    server = DevServer(project, "127.0.0.1", 0, log=lambda line: None).start()
    try:
        context = browser.new_context()
        tabs = _six_pages(context, server.url + story_url(project, SEED), hidden=False)
        loads: list[int] = []
        for i, tab in enumerate(tabs):
            tab.on("load", lambda _, i=i: loads.append(i))
        # a page of a context of its own (connections of its own) waits, as a tab stuck
        # waiting for a connection would not answer
        clock = browser.new_page()
        clock.wait_for_timeout(300)  # their connections open
        edit_paragraph(project.content / SEED)
        for _ in range(200):  # bounded: up to 20 s
            if len(set(loads)) == len(tabs):
                break
            clock.wait_for_timeout(100)
        assert sorted(set(loads)) == list(range(len(tabs))), "a tab did not reload"
        assert all(MARKER_WORD in tab.inner_text("body") for tab in tabs)
        clock.close()
        context.close()
    finally:
        server.stop()


def test_the_page_of_a_pin_taken_away_goes_to_the_story(browser, tmp_path: Path) -> None:
    """A published story pinned to a new name in the preview, the page at that name open,
    then the pin taken away: the story has its published address again, and the open page
    (whose address no build gave) reloads and lands there."""
    project = copy_project(tmp_path, other_event=True)
    build_site(project)  # published: digest-stories.json has the story's id
    published = story_url(project, "sport.txt")
    sport = project.content / "sport.txt"
    text = sport.read_text("utf-8")
    server = DevServer(project, "127.0.0.1", 0, log=lambda line: None).start()
    try:
        sport.write_text("---\nstory: morocco-peru\n---\n" + text, "utf-8")
        page = browser.new_page()
        page.goto(server.url + published)  # its moved page sends it on to the pin's
        page.wait_for_url("**/ar/stories/morocco-peru/", timeout=20000)
        sport.write_text(text, "utf-8")
        page.wait_for_url(f"**/{published}", timeout=20000)
        assert "المغرب" in page.locator("h1").inner_text()
    finally:
        server.stop()
