"""Shared helpers of the reader tests: build the sample, serve it, drive headless Chromium."""

from __future__ import annotations

import contextlib
import functools
import shutil
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from digest.build import Project, build_site

REPO = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# A human English translation of the seed that mentions Turkmenistan, so the English pages
# have English text to search even when no translation model is installed.
TURKMEN_SEED = "002_ab5b8c60f657b26b"
TURKMEN_ENGLISH = """---
title: Putin and Pezeshkian meet in Turkmenistan
---

Russian President Vladimir Putin met his Iranian counterpart Masoud Pezeshkian on the
sidelines of a gathering of Central Asian leaders in Turkmenistan.
"""


# An undated Markdown article from an outlet with a Latin name, with a subheading, a list
# and a number inside Arabic text: exercises the undated archive page and bidi markup.
EDGE_ARTICLE = """---
title: "مؤتمر CNN حول منظومة S-400"
source: "BBC عربي"
---

قالت الوكالة إن منظومة S-400 وصلت في 2025 إلى 3 مواقع.

## التفاصيل

- البند الأول من الاتفاق
- البند الثاني من الاتفاق
"""


def build_sample(root: Path, *, extras: bool = True, settings: str = "") -> Path:
    """Copy the seed articles to ``root/content`` and build them; returns the site folder.

    With ``extras``, a human English translation of one seed and an undated edge-case
    article are added (see :data:`TURKMEN_ENGLISH`, :data:`EDGE_ARTICLE`); ``settings``
    are more lines of ``digest.toml`` (``"indic_digits = true\n"``).
    """
    shutil.copytree(REPO / "tests" / "fixtures" / "seeds", root / "content")
    if extras:
        (root / "content" / f"{TURKMEN_SEED}.en.md").write_text(TURKMEN_ENGLISH, encoding="utf-8")
        (root / "content" / "zz_edge.md").write_text(EDGE_ARTICLE, encoding="utf-8")
    (root / "digest.toml").write_text(
        'base_url = "https://digest.example.org/news/"\n' + settings, encoding="utf-8"
    )
    build_site(Project.at(root))
    return root / "site"


def story_pages(site: Path, lang: str) -> list[Path]:
    return sorted((site / lang / "stories").glob("*/index.html"))


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@contextlib.contextmanager
def serve(folder: Path) -> Iterator[str]:
    """Serve ``folder`` on 127.0.0.1 (a free port) for the duration; yields the base URL."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@contextlib.contextmanager
def chromium() -> Iterator[object]:
    """A headless Debian Chromium through Playwright; skips the test if it is missing."""
    if not CHROMIUM.is_file():
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
