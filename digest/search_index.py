"""Static full-text search: index a built site with Pagefind.

Pagefind reads every HTML page, keeps only what is inside ``data-pagefind-body`` (the story
pages' article; the theme marks menus and metadata ``data-pagefind-ignore``), and writes a
search bundle to ``<site>/pagefind/``: one index per ``<html lang>``, so Arabic pages are
searched with Arabic stemming and English pages with English stemming. The theme's
``<lang>/search/`` pages load Pagefind's default UI from that bundle.

A big site's story pages are split in up to ``MAX_SHARDS`` shards by a hash of the story's
slug (see :func:`shard_plan`), each indexed by its own Pagefind run: shard 0 is the bundle
in ``pagefind/``, shard ``i`` keeps only its index in ``pagefind/<i>/``, and the search
page merges them (Pagefind's ``mergeIndex``, which searches every shard with the main
bundle's code and ranks all results together). Editing one story re-indexes its shard
only, and a full build runs the shards side by side.

Pagefind reads the pages with the letters Arabic names are also written with in Persian
or Urdu folded to Arabic ones (:data:`~digest.normalize.VARIANT_LETTERS`: پيزشكيان is
indexed as بيزشكيان), and with the names that the reports spell in several ways in one
spelling (:mod:`digest.search_spellings`: بزشكيان as بيزشكيان); the search page folds the
reader's query the same way, so either spelling finds both (:data:`QUERY_FOLDS`); Persian
digits are read as Arabic-Indic ones. Each word so folded is followed by the word as written,
in invisible characters that the search page shows as that word in the results
(:data:`WRITTEN_MARK`). The letters readers type either way at a word's end
(ى as ي, ة as ه: :data:`~digest.normalize.END_LETTERS`) are folded in the pages and the
query too, in the pages after an invisible mark that the search page turns back into the
letter as written (:data:`END_MARK`). Pagefind's Arabic stemming already folds hamza and alef
forms, diacritics, and Arabic-Indic digits to Latin ones.

The binary comes from the ``pagefind`` PyPI package (``pagefind_bin``). Set
``PAGEFIND_BINARY_PATH`` to use another one.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from html import unescape
from pathlib import Path
from typing import IO

from digest.interrupts import held
from digest.normalize import END_KEPT, MARKS, VARIANT_LETTERS
from digest.output import remove_folders_of_ended
from digest.search_spellings import fold_spellings

BUNDLE_DIR = "pagefind"
ENTRY_FILE = "pagefind-entry.json"
BODY_MARKER = b"data-pagefind-body"
PAGEFIND_TIMEOUT_S = 600
STORIES_PER_SHARD = 40
MAX_SHARDS = 8


# Persian digits (۲۰۱۲) -> Arabic-Indic ones (٢٠١٢, alike but for 4, 5 and 6), in the pages
# Pagefind reads and in the query: its Arabic stemming reads Arabic-Indic digits as Latin
# ones (٢٠١٢ finds 2012), but leaves Persian ones apart (۲۰۱۲ found nothing).
PERSIAN_DIGITS = {chr(0x06F0 + d): chr(0x0660 + d) for d in range(10)}
# What the search page folds in the reader's query (character -> replacement): the letters
# and digits that the pages are read with folded, and diacritics and tatweel, dropped, as
# names are mapped plainly written.
QUERY_FOLDS: dict[str, str] = {**VARIANT_LETTERS, **PERSIAN_DIGITS, **dict.fromkeys(MARKS, "")}


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

    Runs on a fully written site folder, through the same scratch folder as a build's
    bundles (:class:`BackgroundBundle`), so it writes the bundle a build would. A bundle
    left by an earlier run is replaced, so no stale fragments stay behind; names are spelt
    as the site's search page spells the reader's query (:func:`search_page_folds`). Raises
    :class:`SearchIndexError` on failure.
    """
    if not (site_dir / "index.html").is_file():
        raise SearchIndexError(f"{site_dir} is not a built site (no index.html)")
    pagefind_binary()  # before touching the folder: a missing binary changes nothing
    bundle = site_dir / BUNDLE_DIR
    if bundle.is_dir():
        shutil.rmtree(bundle)
    pages = {
        path.relative_to(site_dir).as_posix(): path.read_bytes()
        for path in sorted(site_dir.rglob("*.html"))
    }
    indexed = as_indexed(indexable_pages(pages), search_page_folds(pages))
    for rel, data in BackgroundBundle(indexed).result().items():
        path = site_dir / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def _start_pagefind(site_dir: Path) -> tuple[subprocess.Popen[bytes], IO[bytes]]:
    """Start Pagefind on ``site_dir`` (a scratch folder of pages, see :func:`_write_pages`):
    the process, and the file its output goes to."""
    binary = pagefind_binary()
    command = [str(binary), "--site", str(site_dir), "--output-subdir", BUNDLE_DIR, "--quiet"]
    log = tempfile.TemporaryFile()  # noqa: SIM115  (not a pipe: nobody reads while it runs)
    try:
        process = subprocess.Popen(
            command, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT
        )
    except OSError as exc:
        log.close()
        raise SearchIndexError(f"could not run Pagefind on {site_dir}: {exc}") from None
    return process, log


def _finish_pagefind(started: tuple[subprocess.Popen[bytes], IO[bytes]], site_dir: Path) -> None:
    """Wait for Pagefind (started by :func:`_start_pagefind`) and check what it did."""
    process, log = started
    with log:
        try:
            code = process.wait(timeout=PAGEFIND_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
            raise SearchIndexError(
                f"Pagefind took over {PAGEFIND_TIMEOUT_S} s on {site_dir}; stopped it"
            ) from None
        if code != 0:
            log.seek(0)
            detail = log.read().decode("utf-8", "replace").strip()
            raise SearchIndexError(f"Pagefind failed on {site_dir} (exit {code}): {detail}")
    _sort_entry_file(site_dir / BUNDLE_DIR / ENTRY_FILE)


def _is_shard_data(rel: str) -> bool:
    return rel == ENTRY_FILE or rel.endswith(".pf_meta") or rel.startswith(("index/", "fragment/"))


def _sort_entry_file(entry: Path) -> None:
    """Rewrite Pagefind's entry file with sorted keys (its language order is random)."""
    try:
        data = json.loads(entry.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise SearchIndexError(f"Pagefind wrote no readable {entry}: {exc}") from None
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    entry.write_text(text, encoding="utf-8")


def shard_plan(slugs: Sequence[str]) -> int:
    """How many search shards a site with these story slugs gets: one per
    ``STORIES_PER_SHARD`` stories, at most ``MAX_SHARDS``, and fewer if shard 0 (the main
    bundle) would be empty."""
    shards = min(MAX_SHARDS, max(1, -(-len(slugs) // STORIES_PER_SHARD)))
    while shards > 1 and not any(shard_of(slug, shards) == 0 for slug in slugs):
        shards -= 1
    return shards


def shard_of(slug: str, shards: int) -> int:
    """The shard of a story (both languages of it), stable while the shard count is."""
    return int.from_bytes(hashlib.blake2b(slug.encode(), digest_size=8).digest(), "big") % shards


def merged_shards(slugs: Sequence[str]) -> list[str]:
    """Site folders (ending in ``/``) of the shards the search page merges into shard 0."""
    shards = shard_plan(slugs)
    return [shard_dir(i) + "/" for i in sorted({shard_of(s, shards) for s in slugs} - {0})]


def in_shard(path: str, folder: str) -> bool:
    """Is site path ``path`` a file of the bundle of shard folder ``folder``?"""
    if folder == BUNDLE_DIR:
        parts = path.split("/")
        return parts[0] == BUNDLE_DIR and len(parts) > 1 and not parts[1].isdigit()
    return path.startswith(folder + "/")


def shard_dir(shard: int) -> str:
    """Site folder of a shard's bundle: ``pagefind`` for shard 0, ``pagefind/<i>`` else."""
    return BUNDLE_DIR if shard == 0 else f"{BUNDLE_DIR}/{shard}"


def shard_pages(pages: Mapping[str, bytes], slugs: Sequence[str]) -> dict[str, dict[str, bytes]]:
    """The indexable pages (:func:`indexable_pages`) by shard folder, for these stories.

    A story page (``<lang>/stories/<slug>/``) goes to its story's shard, any other page to
    shard 0. Shards without pages are left out."""
    shards = shard_plan(slugs)
    known = set(slugs)
    split: dict[str, dict[str, bytes]] = {}
    for path, data in indexable_pages(pages).items():
        parts = path.split("/")
        story = len(parts) == 4 and parts[1] == "stories" and parts[2] in known
        shard = shard_of(parts[2], shards) if story else 0
        split.setdefault(shard_dir(shard), {})[path] = data
    return dict(sorted(split.items()))


def indexed_part(html: bytes) -> bytes:
    """The part of a page that its search record is made from: the ``<html>`` tag (the
    language), the ``<title>``, the first ``<h1>`` and the element marked
    ``data-pagefind-body``, when that is the only mark of Pagefind's on the page; else the
    whole page.

    So a story page whose related-stories list or pager changed (outside the marked
    element) keeps its shard's index, and so does every page after a change to the theme's
    navigation or styles.
    """
    start = html.find(BODY_MARKER)
    if start < 0 or html.count(b"data-pagefind-") != html.count(b"data-pagefind-ignore") + 1:
        return html
    open_at = html.rfind(b"<", 0, start)
    name_end = open_at + 1
    while name_end < len(html) and html[name_end : name_end + 1].isalnum():
        name_end += 1
    tag = html[open_at + 1 : name_end].lower()
    if not tag:
        return html
    depth, at = 0, open_at
    opening, closing = b"<" + tag, b"</" + tag + b">"
    while True:  # the matching end tag, counting nested elements of the same name
        next_open = html.find(opening, at + 1)
        next_close = html.find(closing, at + 1)
        if next_close < 0:
            return html
        if 0 <= next_open < next_close and html[next_open + len(opening)] in b" \t\n>/":
            depth, at = depth + 1, next_open
            continue
        if 0 <= next_open < next_close:
            at = next_open  # a longer tag name with the same start (<articles>): not ours
            continue
        if depth == 0:
            end = next_close + len(closing)
            break
        depth, at = depth - 1, next_close
    head = [html[: html.find(b">", html.find(b"<html")) + 1]]  # the language
    for element in (b"title", b"h1"):  # where Pagefind may take a result's title from
        at = html.find(b"<" + element)
        head.append(html[at : html.find(b"</" + element, at) + 1] if at >= 0 else b"")
    return b"\0".join([*head, html[open_at:end]])


_FOLDS = [
    (variant.encode(), letter.encode())
    for variant, letter in {**VARIANT_LETTERS, **PERSIAN_DIGITS}.items()
]


# Most variant letters, and the Persian digits, are in U+0680..U+06FF, whose UTF-8 starts
# with byte DA or DB, which pages in Arabic and English rarely have at all: a few byte
# searches then tell that a page has nothing to fold (testing each letter in turn took ten
# times as long).
_PROBES = sorted({v[:1] if v[0] in (0xDA, 0xDB) else v for v, _ in _FOLDS})
_VARIANT = re.compile(b"|".join(re.escape(variant) for variant, _ in _FOLDS))
_FOLD_OF = dict(_FOLDS)


def _has_variants(html: bytes) -> bool:
    return any(probe in html for probe in _PROBES)


def fold_variant_letters(html: bytes) -> bytes:
    """A page as Pagefind reads it: variant letters and Persian digits folded (see the
    module's docstring)."""
    if not _has_variants(html):
        return html
    return _VARIANT.sub(lambda m: _FOLD_OF[m[0]], html)


_SPELLINGS = re.compile(rb"data-spellings='([^']*)'")
_END_FOLDS = re.compile(rb"data-end-folds='([^']*)'")
_WRITTEN = re.compile(rb"data-written='([^']*)'")


@dataclass(frozen=True)
class IndexFolds:
    """How a site's search page folds the reader's query, so that the index folds the pages
    alike: the name ``spellings`` (its ``data-spellings``; see
    :mod:`digest.search_spellings`), the letters at a word's end (``end_folds``, its
    ``data-end-folds``: :data:`~digest.normalize.END_LETTERS`), and whether it shows the
    words the index folded as written (``written``, its ``data-written``: see
    :data:`WRITTEN_MARK`). A theme's search page that does none of these gets an index
    that does none of them either."""

    spellings: Mapping[str, str] = field(default_factory=dict)
    end_folds: Mapping[str, str] = field(default_factory=dict)
    written: bool = False


def search_page_folds(pages: Mapping[str, bytes]) -> IndexFolds:
    """The :class:`IndexFolds` of a site's search pages (the first that has each setting)."""
    found: dict[re.Pattern[bytes], dict[str, str]] = {}
    for path in sorted(pages):
        if not path.endswith("/search/index.html"):
            continue
        for attribute in (_SPELLINGS, _END_FOLDS, _WRITTEN):
            if attribute not in found and (setting := attribute.search(pages[path])):
                value = json.loads(unescape(setting[1].decode("utf-8")))
                if isinstance(value, dict):
                    found[attribute] = {str(k): str(v) for k, v in value.items()}
    return IndexFolds(
        spellings=found.get(_SPELLINGS, {}),
        end_folds=found.get(_END_FOLDS, {}),
        written=found.get(_WRITTEN) == {k: str(v) for k, v in WRITTEN.items()},
    )


def as_indexed(pages: Mapping[str, bytes], folds: IndexFolds) -> dict[str, bytes]:
    """Pages as Pagefind is to read them (:func:`page_as_indexed`): only those of a shard
    that is indexed again are made so."""
    return {path: page_as_indexed(data, folds) for path, data in pages.items()}


def page_as_indexed(html: bytes, folds: IndexFolds) -> bytes:
    """A page as Pagefind reads it: variant letters folded (see the module's docstring),
    names the reports spell in several ways in one spelling
    (:func:`~digest.search_spellings.fold_spellings`), and the letters at a word's end
    folded after :data:`END_MARK` (:func:`fold_end_letters`). When the search page shows
    them so (``folds.written``), each word of the text that the first two folds change
    keeps what was written after it (:func:`mark_written`). A result's title is the page's
    first ``<h1>`` as written."""
    original, spellings = html, folds.spellings
    if folds.written and (_has_variants(html) or any(form.encode() in html for form in spellings)):
        html = mark_written(html.decode("utf-8"), spellings).encode("utf-8")
    html = fold_variant_letters(html)  # (the tags' attributes, where words are not marked)
    if any(form.encode() in html for form in spellings):
        html = fold_spellings(html.decode("utf-8"), spellings).encode("utf-8")
    html = fold_end_letters(html, folds.end_folds)
    heading, folded = _H1.search(original), _H1.search(html)
    if heading and folded and heading[1] != folded[1]:
        # a result's title (Pagefind's default: the first <h1>) shows the headline as written
        at = folded.start()
        html = html[:at] + TITLE_MARK + heading[1] + b"</span>" + html[at:]
    return html


# Put before a letter that the index has folded (الايرانيه for الإيرانية): Pagefind leaves
# this invisible character (WORD JOINER) out of the words it indexes, so the word is found
# as folded, and keeps it in the text its excerpts quote, so the search page shows the
# letter as written.
END_MARK = "\u2060"


def fold_end_letters(html: bytes, end_folds: Mapping[str, str]) -> bytes:
    """``html`` with each letter of ``end_folds`` replaced by its fold after :data:`END_MARK`,
    but in the words of :data:`~digest.normalize.END_KEPT`."""
    if not end_folds or not any(letter.encode() in html for letter in end_folds):
        return html
    text = html.decode("utf-8")
    for letter, fold in end_folds.items():  # (str.replace: a page is folded in microseconds)
        text = text.replace(letter, END_MARK + fold)
    kept, written = _kept_words(tuple(end_folds.items()))
    return kept.sub(lambda m: _as_kept(m, written), text).encode()


_LETTER = re.compile(r"[^\W\d_]")


@lru_cache(maxsize=8)
def _kept_words(end_folds: tuple[tuple[str, str], ...]) -> tuple[re.Pattern[str], dict[str, str]]:
    """The words of :data:`~digest.normalize.END_KEPT` as folded, found where no letter (nor
    another folded letter) follows them; and each as written."""
    table = str.maketrans({letter: END_MARK + fold for letter, fold in end_folds})
    written = {word.translate(table): word for word in END_KEPT}
    forms = "|".join(map(re.escape, sorted(written, key=len, reverse=True)))
    return re.compile(rf"(?:{forms})(?![^\W\d_]|{END_MARK})"), written


def _as_kept(found: re.Match[str], written: Mapping[str, str]) -> str:
    """A word of :data:`~digest.normalize.END_KEPT` found folded: as written, if no letter
    comes before it (else it is the end of another word, أعلى)."""
    start = found.start()
    if start and _LETTER.match(found.string, start - 1):
        return found[0]
    return written[found[0]]


# Put before a word that the index reads otherwise than it is written (بيزشكيان for
# بزشكيان, or for پيزشكيان): after the word as indexed comes the word as written, each of its
# characters U+0610 + k as U+E0100 + k (variation selectors: invisible, and no letters).
# Pagefind indexes a word's letters only, so the word is found as folded, and keeps the rest
# in the text that its excerpts and sub-results' titles quote, where the search page (its
# ``data-written``) shows the word as written.
WRITTEN_MARK = "\u2063"  # INVISIBLE SEPARATOR
WRITTEN_FROM = 0x0610  # the first character that can be kept so: Arabic letters, digits
WRITTEN_CODE = 0xE0100  # ... and its code
WRITTEN_SPAN = 240  # how many (U+0610..U+06FF: the Arabic block's letters, marks, digits)
# ... as the search page reads them (its data-written)
WRITTEN = {"mark": WRITTEN_MARK, "from": WRITTEN_FROM, "code": WRITTEN_CODE, "span": WRITTEN_SPAN}

# The text of a page, between its tags (and not in a script, a style or a comment).
_NOT_TEXT = re.compile(
    r"(<script\b.*?</script>|<style\b.*?</style>|<!--.*?-->|<[^>]*>)", re.S | re.I
)
_WORD = re.compile(r"[^\W_]+")
_VARIANTS = str.maketrans({**VARIANT_LETTERS, **PERSIAN_DIGITS})


def mark_written(html: str, spellings: Mapping[str, str]) -> str:
    """``html`` with each word of its text that folding variant letters, Persian digits and
    the names the reports spell in several ways (``spellings``) changes written folded,
    after :data:`WRITTEN_MARK`, then as written in :data:`WRITTEN_MARK`'s code; a word
    with a character beyond the code (a Latin letter glued to it) is left to be folded as
    it is."""

    def word(found: re.Match[str]) -> str:
        written = found[0]
        folded = fold_spellings(written.translate(_VARIANTS), spellings)
        if folded == written or not all(0 <= ord(c) - WRITTEN_FROM < WRITTEN_SPAN for c in written):
            return written
        code = "".join(chr(WRITTEN_CODE + ord(c) - WRITTEN_FROM) for c in written)
        return WRITTEN_MARK + folded + code

    parts = _NOT_TEXT.split(html)  # odd ones: tags, scripts, styles, comments
    return "".join(p if i % 2 else _WORD.sub(word, p) for i, p in enumerate(parts))


_H1 = re.compile(rb"<h1\b[^>]*>(.*?)</h1>", re.S)
TITLE_MARK = b'<span data-pagefind-ignore data-pagefind-meta="title" hidden>'


def shard_key(pages: Mapping[str, bytes], folds: IndexFolds) -> bytes:
    """What a shard's bundle is made from: its pages' paths and indexed parts
    (:func:`indexed_part`), how they are folded for Pagefind (``folds``, and the letters:
    :func:`page_as_indexed`), and the Pagefind binary (a new version may write another
    format)."""
    digest = hashlib.blake2b(digest_size=16)
    marks = (END_MARK, WRITTEN_MARK, WRITTEN_FROM, WRITTEN_CODE) if folds.written else (END_MARK,)
    digest.update(repr((_FOLDS, marks, END_KEPT)).encode() + b"\n")
    for mapping in (folds.spellings, folds.end_folds):
        digest.update(json.dumps(sorted(mapping.items()), ensure_ascii=False).encode() + b"\n")
    try:
        binary = pagefind_binary()
        stat = binary.stat()
        digest.update(f"{binary}:{stat.st_size}:{stat.st_mtime_ns}\n".encode())
    except (SearchIndexError, OSError):
        pass  # indexing will say what is wrong
    for path, data in sorted(pages.items()):
        part = indexed_part(data)
        digest.update(path.encode() + b"\0" + hashlib.blake2b(part, digest_size=16).digest())
    return digest.digest()


def search_bundles(pages: Mapping[str, bytes], slugs: Sequence[str]) -> dict[str, bytes]:
    """Every shard's bundle (see :func:`shard_pages`), the shards indexed side by side."""
    folds = search_page_folds(pages)
    running = [
        BackgroundBundle(as_indexed(shard, folds), folder)
        for folder, shard in shard_pages(pages, slugs).items()
    ]
    return dict(sorted(collect(running).items()))


def collect(bundles: Sequence[BackgroundBundle]) -> dict[str, bytes]:
    """The files of all these bundles. Every run is waited for (and its temporary folder
    removed) before the first failure, if any, is raised as :class:`SearchIndexError`."""
    files: dict[str, bytes] = {}
    failure: SearchIndexError | None = None
    try:
        for bundle in bundles:
            try:
                files.update(bundle.result())
            except SearchIndexError as exc:
                failure = failure or exc
    except BaseException:  # interrupted: no run goes on without us
        for bundle in bundles:
            bundle.stop()
        raise
    if failure is not None:
        raise failure
    return files


def indexable_pages(pages: Mapping[str, bytes]) -> dict[str, bytes]:
    """The pages Pagefind reads: those marked ``data-pagefind-body``.

    Once one page has the marker Pagefind ignores every page without it, so leaving those
    out gives the same bundle from fewer bytes; with no marked page, every page counts.
    """
    marked = {path: data for path, data in pages.items() if BODY_MARKER in data}
    return marked or dict(pages)


SHARED_MEMORY = Path("/dev/shm")


def scratch_folder() -> str | None:
    """Where Pagefind's input pages are written: ``$TMPDIR`` if set, else the shared-memory
    folder where there is one (RAM: thousands of small files go nowhere near a disk), else
    the system's temporary folder (None). Pagefind numbers pages in the order their folder
    lists them, which differs between file systems: every bundle, a build's or
    :func:`index_site`'s, is made through here, so the same pages give the same bytes."""
    if os.environ.get("TMPDIR"):
        return None
    if SHARED_MEMORY.is_dir() and os.access(SHARED_MEMORY, os.W_OK | os.X_OK):
        return str(SHARED_MEMORY)
    return None


SCRATCH_PREFIX = "digest-search-"
_STALE_SCRATCH = re.compile(re.escape(SCRATCH_PREFIX) + r"([0-9]+)-.+")
_swept: set[str] = set()  # the folders remove_stale_scratch looked through
_running: set[BackgroundBundle] = set()  # the runs of this process not collected yet


def _write_pages(pages: Mapping[str, bytes], parent: str | None) -> Path:
    """A new temporary folder (in ``parent``), named by this process's id, holding these
    pages (as Pagefind is to read them: see :func:`page_as_indexed`); removed again if a page
    cannot be written (or the writing is interrupted)."""
    prefix = f"{SCRATCH_PREFIX}{os.getpid()}-"
    root = Path(tempfile.mkdtemp(prefix=prefix, dir=parent))
    try:
        for rel, data in sorted(pages.items()):  # one order: see scratch_folder
            path = root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
    except BaseException:
        shutil.rmtree(root, ignore_errors=True)
        raise
    return root


def remove_stale_scratch() -> list[Path]:
    """Remove the scratch folders (:func:`_write_pages`) of this user's processes that
    ended without removing them (killed outright); return them. Each place scratch
    folders go is looked through once a process; a running process's folders stay."""
    removed: list[Path] = []
    places = [scratch_folder() or tempfile.gettempdir(), tempfile.gettempdir()]
    for parent in dict.fromkeys(places):
        if parent not in _swept:
            _swept.add(parent)
            removed += remove_folders_of_ended(parent, _STALE_SCRATCH, own_only=True)
    return removed


def stop_running() -> None:
    """Stop every Pagefind run of this process whose bundle nobody collected (a build was
    interrupted) and remove its scratch folder."""
    for bundle in list(_running):
        bundle.stop()


class BackgroundBundle:
    """The Pagefind bundle of some pages (as :func:`page_as_indexed` gives them), for site
    folder ``folder``, started now: Pagefind runs as a separate process (no thread of this
    process waits for it), so several shards are indexed side by side. A shard's folder
    (not ``pagefind``) keeps only the shard's index: its entry file, metadata, index and
    fragments; the main bundle has the code."""

    def __init__(self, pages: Mapping[str, bytes], folder: str = BUNDLE_DIR) -> None:
        self.pages = dict(pages)
        self.folder = folder
        self._started: tuple[subprocess.Popen[bytes], IO[bytes]] | None = None
        self._error: SearchIndexError | None = None
        self._bundle: dict[str, bytes] = {}
        remove_stale_scratch()
        # An interrupt waits while the folder is made and Pagefind started, until both are
        # known to stop_running: one between making a folder (or a process) and noting it
        # down left it behind.
        with held():
            try:
                try:
                    self._root = _write_pages(self.pages, scratch_folder())
                except OSError:  # e.g. a full /dev/shm: the system's temporary folder then
                    self._root = _write_pages(self.pages, None)
            except OSError as exc:
                self._error = SearchIndexError(f"could not write the pages for Pagefind: {exc}")
                return
            _running.add(self)
            try:
                self._started = _start_pagefind(self._root)
            except BaseException as exc:
                self._close(None)
                if not isinstance(exc, (SearchIndexError, OSError)):
                    raise
                self._error = (
                    exc if isinstance(exc, SearchIndexError) else SearchIndexError(str(exc))
                )

    def wait(self) -> None:
        """Wait for Pagefind to finish, and remove its temporary folder."""
        with contextlib.suppress(SearchIndexError):
            self.result()

    def result(self) -> dict[str, bytes]:
        """The bundle (waits for Pagefind). Raises :class:`SearchIndexError`."""
        if self._started is not None:
            started, self._started = self._started, None
            try:
                _finish_pagefind(started, self._root)
                bundle = self._root / BUNDLE_DIR
                shard = self.folder != BUNDLE_DIR
                for path in sorted(bundle.rglob("*")):
                    rel = path.relative_to(bundle).as_posix()
                    if path.is_file() and (not shard or _is_shard_data(rel)):
                        self._bundle[f"{self.folder}/{rel}"] = path.read_bytes()
            except SearchIndexError as exc:
                self._error = exc
            finally:  # Pagefind stopped if this was interrupted
                self._close(started)
        if self._error is not None:
            raise self._error
        return self._bundle

    def stop(self) -> None:
        """Stop Pagefind if it still runs (its bundle is lost) and remove the temporary
        folder; nothing to do once the bundle is collected."""
        if self._started is not None:
            started, self._started = self._started, None
            self._error = SearchIndexError(f"Pagefind on {self._root} was stopped")
            self._close(started)

    def _close(self, started: tuple[subprocess.Popen[bytes], IO[bytes]] | None) -> None:
        """Stop Pagefind (``started``) if it still runs, and remove the temporary folder."""
        if started is not None:
            process, log = started
            if process.poll() is None:
                process.kill()
            process.wait()
            log.close()
        shutil.rmtree(self._root, ignore_errors=True)
        _running.discard(self)
