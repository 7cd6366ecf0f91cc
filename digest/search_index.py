"""Static full-text search: index a built site with Pagefind.

Pagefind reads every HTML page, keeps only what is inside ``data-pagefind-body`` (the story
pages' article; the theme marks menus and metadata ``data-pagefind-ignore``), and writes a
search bundle to ``<site>/pagefind/``: one index per ``<html lang>``, so Arabic pages are
searched with Arabic stemming and English pages with English stemming. The theme's
``<lang>/search/`` pages load Pagefind's default UI from that bundle.

The binary comes from the ``pagefind`` PyPI package (``pagefind_bin``). Set
``PAGEFIND_BINARY_PATH`` to use another one.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Mapping
from pathlib import Path

BUNDLE_DIR = "pagefind"
ENTRY_FILE = "pagefind-entry.json"
BODY_MARKER = b"data-pagefind-body"


class SearchIndexError(RuntimeError):
    """Pagefind is missing or failed; the message says which and how to fix it."""


def pagefind_binary() -> Path:
    """Path of the Pagefind executable. Raises :class:`SearchIndexError` if there is none."""
    configured = os.environ.get("PAGEFIND_BINARY_PATH")
    if configured:
        path = Path(configured)
        if not path.is_file():
            raise SearchIndexError(f"PAGEFIND_BINARY_PATH={configured} is not a file")
        return path
    try:
        from pagefind_bin import get_executable
    except ImportError:
        raise SearchIndexError(
            "the Pagefind binary is missing: install it with  pip install 'pagefind[bin]'"
        ) from None
    try:
        return get_executable()
    except FileNotFoundError as exc:
        raise SearchIndexError(f"the pagefind_bin package has no binary: {exc}") from None


def index_site(site_dir: Path) -> None:
    """Write the Pagefind search bundle into ``site_dir/pagefind/``.

    Runs on a fully written site folder (the build calls it on the staging folder before
    swapping it in). A bundle left by an earlier run is replaced, so no stale fragments
    stay behind. Pagefind writes its index files deterministically except for the order of
    the languages in ``pagefind-entry.json``, which is rewritten with sorted keys so that the
    same site always gives the same bytes. Raises :class:`SearchIndexError` naming the
    folder on failure.
    """
    if not (site_dir / "index.html").is_file():
        raise SearchIndexError(f"{site_dir} is not a built site (no index.html)")
    binary = pagefind_binary()  # before touching the folder: a missing binary changes nothing
    bundle = site_dir / BUNDLE_DIR
    if bundle.is_dir():
        shutil.rmtree(bundle)
    command = [
        str(binary),
        "--site",
        str(site_dir),
        "--output-subdir",
        BUNDLE_DIR,
        "--quiet",
    ]
    try:
        done = subprocess.run(command, capture_output=True, text=True, check=False, timeout=600)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise SearchIndexError(f"could not run Pagefind on {site_dir}: {exc}") from None
    if done.returncode != 0:
        detail = (done.stderr or done.stdout).strip()
        raise SearchIndexError(f"Pagefind failed on {site_dir} (exit {done.returncode}): {detail}")
    _sort_entry_file(bundle / ENTRY_FILE)


def _sort_entry_file(entry: Path) -> None:
    """Rewrite Pagefind's entry file with sorted keys (its language order is random)."""
    try:
        data = json.loads(entry.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise SearchIndexError(f"Pagefind wrote no readable {entry}: {exc}") from None
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    entry.write_text(text, encoding="utf-8")


def search_bundle(pages: Mapping[str, bytes]) -> dict[str, bytes]:
    """The Pagefind bundle for these HTML pages (site path -> bytes), keyed by site path.

    The build calls this with every HTML page of the new site, before anything is written,
    so the bundle goes into the site in the same atomic update as the pages it indexes.
    """
    with tempfile.TemporaryDirectory(prefix="digest-search-") as tmp:
        root = Path(tmp)
        for rel, data in pages.items():
            path = root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        index_site(root)
        bundle = root / BUNDLE_DIR
        return {
            f"{BUNDLE_DIR}/{path.relative_to(bundle).as_posix()}": path.read_bytes()
            for path in sorted(bundle.rglob("*"))
            if path.is_file()
        }


def indexable_pages(pages: Mapping[str, bytes]) -> dict[str, bytes]:
    """The pages Pagefind reads: those marked ``data-pagefind-body`` (and ``index.html``).

    Once one page has the marker Pagefind ignores every page without it, so leaving those
    out gives the same bundle from fewer bytes; with no marked page, every page counts.
    """
    marked = {path: data for path, data in pages.items() if BODY_MARKER in data}
    if not marked:
        return dict(pages)
    if "index.html" in pages:
        marked.setdefault("index.html", pages["index.html"])
    return {path: marked[path] for path in pages if path in marked}  # in the pages' order


class BackgroundBundle:
    """:func:`search_bundle` of some pages, started now, in a thread (Pagefind is a
    separate process, so it runs while the build goes on rendering other pages)."""

    def __init__(self, pages: Mapping[str, bytes]) -> None:
        self.pages = dict(pages)
        self._bundle: dict[str, bytes] | None = None
        self._error: SearchIndexError | None = None
        self._thread = threading.Thread(target=self._run, name="pagefind", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            self._bundle = search_bundle(self.pages)
        except SearchIndexError as exc:
            self._error = exc

    def wait(self) -> None:
        """Wait for Pagefind to finish (and its temporary folder to be removed)."""
        self._thread.join()

    def result(self) -> dict[str, bytes]:
        """The bundle (waits for Pagefind). Raises :class:`SearchIndexError`."""
        self._thread.join()
        if self._error is not None:
            raise self._error
        assert self._bundle is not None
        return self._bundle
