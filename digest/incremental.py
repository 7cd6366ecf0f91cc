"""What lets a rebuild skip unchanged work: stamps of the inputs and caches of each stage.

One :class:`BuildState` is kept per project: in memory by ``digest serve``, and pickled
under ``.digest-cache/`` by ``digest build``. It remembers

* the stamp of every input (content files, theme, ``digest.toml``, the story registry, the
  digest code and the installed translation models), so a build with nothing changed is
  skipped after a few thousand ``stat`` calls (:class:`InputStamp`);
* each cleaned :class:`~digest.article.Article`, keyed by its file's ``stat`` and then by its
  fingerprint, so only new or edited files are read and cleaned (:class:`ArticleCache`);
* the stories of the last grouping, reused while no article changed (:class:`GroupingMemo`);
* the English of every text, so only new texts go to the translator (:class:`TranslationMemo`);
* a key per page (a hash of its template, path and whole render context), so only pages
  whose context changed are rendered again (:class:`PageMemo`).

``stat`` is trusted only for files last modified some time before they were looked at
(the "racy" check git uses): a file written twice within one clock tick keeps its
``mtime``, so a recent file is hashed again rather than assumed unchanged.
"""

from __future__ import annotations

import contextlib
import errno
import functools
import hashlib
import io
import os
import pickle
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from stat import S_ISDIR, S_ISREG
from typing import TYPE_CHECKING, Any

from digest import __version__
from digest.output import make_cache_dir, write_atomically
from digest.source import (
    SIDECAR_SUFFIXES,
    ContentError,
    FrontMatterError,
    WebPageError,
    is_article_file,
    is_ignored_path,
    read_error,
    read_source,
)

if TYPE_CHECKING:
    from digest.article import Article, Story
    from digest.translate import TranslationResult
    from digest.workers import InBackground

# The cleaner and the translator are imported when first needed, so that checking whether
# anything changed stays cheap.

FileStamp = tuple[int, int, int, int]  # size, mtime_ns, inode, ctime_ns
# Why an entry is not read, and its own (lstat) stamp. Why: "missing" (a link to nothing),
# "loop" (links in a loop), "folder" (a link to one), "special" (a FIFO, socket or device)
# or "error" (a link stat cannot follow otherwise, e.g. for want of permission).
Unread = tuple[str, FileStamp]
STATE_FILE = "build-state.pickle"  # of the build into site/; another output folder's is
STAMP_FILE = "build-stamp.pickle"  # tagged (see digest.build.Project.state_tag)
RACY_NS = 200_000_000  # files modified this recently (ns) are hashed, not trusted by stat


SiteFileStamp = tuple[int, int, int]  # size, mtime_ns, inode


def site_file_stamp(st: os.stat_result) -> SiteFileStamp:
    """A written site file's stamp: size, modification time and inode (not its change
    time, which the next build's hard link to it changes)."""
    return (st.st_size, st.st_mtime_ns, st.st_ino)


def file_stamp(st: os.stat_result) -> FileStamp:
    """Size, modification time, inode and change time: an edit that keeps the size and
    puts the old modification time back (``cp -p``, ``rsync -t``) still changes the last,
    which no tool can set."""
    return (st.st_size, st.st_mtime_ns, st.st_ino, st.st_ctime_ns)


def tree_stamps(folder: Path) -> dict[str, FileStamp]:
    """Every regular file below ``folder`` (relative POSIX path -> stamp); empty if it is
    missing."""
    return walk_tree(folder)[0]


def walk_tree(folder: Path) -> tuple[dict[str, FileStamp], dict[str, Unread]]:
    """The regular files below ``folder`` (relative POSIX path -> stamp), and the entries
    not read as files, with why and their own ``lstat`` stamp (:data:`Unread`): links to
    nothing, in a loop or to a folder, FIFOs, sockets and devices (opening one may block
    forever). Only ``stat`` calls: nothing is opened."""
    stamps: dict[str, FileStamp] = {}
    unread: dict[str, Unread] = {}
    pending = [("", str(folder))]
    while pending:
        prefix, path = pending.pop()
        try:
            entries = list(os.scandir(path))
        except (FileNotFoundError, NotADirectoryError):
            continue
        except OSError as exc:  # a folder that may not be read: said, the rest still built
            if not prefix:
                raise
            reason = (exc.strerror or str(exc)).lower()
            with contextlib.suppress(OSError):
                stamp = file_stamp(os.stat(path, follow_symlinks=False))
                unread[prefix] = (f"closed: {reason}", stamp)
            continue
        for entry in entries:
            rel = prefix + entry.name
            if entry.is_dir(follow_symlinks=False):
                pending.append((rel + "/", entry.path))
                continue
            try:
                st = entry.stat()
            except OSError as exc:
                if not entry.is_symlink():
                    continue  # deleted meanwhile
                kind = {errno.ENOENT: "missing", errno.ELOOP: "loop"}.get(exc.errno, "error")
            else:
                if S_ISREG(st.st_mode):
                    stamps[rel] = file_stamp(st)
                    continue
                kind = "folder" if S_ISDIR(st.st_mode) else "special"
            try:
                unread[rel] = (kind, file_stamp(entry.stat(follow_symlinks=False)))
            except OSError:  # deleted meanwhile
                continue
    return stamps, unread


def _hash_files(folder: Path, names: Iterable[str]) -> str:
    digest = hashlib.blake2b(digest_size=16)
    for name in sorted(names):
        digest.update(name.encode() + b"\0" + (folder / name).read_bytes() + b"\0")
    return digest.hexdigest()


def code_stamp() -> str:
    """Changes whenever digest's version or any of its modules changes."""
    package = Path(__file__).parent
    modules = [p.relative_to(package).as_posix() for p in package.rglob("*.py")]
    return __version__ + ":" + _hash_files(package, modules)


_MODEL_FILES = ("metadata.json", "sentencepiece.model")  # and every file in model/


def model_stamp() -> str:
    """Cheap stamp of the installed Argos Translate packages, in the folders Argos itself
    searches (its settings and environment variables): each package folder's name, and the
    size and mtime of the files that make its translations (a new version unpacked into
    the same folder changes them, not the folder's own mtime)."""
    from digest.argos_models import ModelError, packages_dirs

    entries: list[tuple[str, str, int, int]] = []
    try:
        folders = packages_dirs()
    except ModelError as exc:  # the build says so, when it looks for the model
        return f"unusable: {exc}"
    for folder in folders:
        try:
            packages = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError:
            continue
        for package in packages:
            files = [Path(package.path, name) for name in _MODEL_FILES]
            with contextlib.suppress(OSError):
                files += sorted(Path(package.path, "model").iterdir())
            for path in files:
                try:
                    stat = path.stat()
                except OSError:
                    continue
                rel = f"{package.name}/{path.relative_to(package.path).as_posix()}"
                entries.append((str(folder), rel, stat.st_size, stat.st_mtime_ns))
    return repr(entries) if entries else "none"


@dataclass(frozen=True)
class InputStamp:
    """Stamp of everything a build reads; equal stamps mean the same site.

    The story registry is both read and written by a build, so it is stamped by content,
    separately (:meth:`with_registry`), once before and once after the build.
    """

    base: str
    racy: bool  # some input was modified too recently to trust its stat
    content: Mapping[str, FileStamp]
    unread: Mapping[str, Unread] = field(default_factory=dict)  # of content, see walk_tree

    @classmethod
    def take(
        cls,
        content: Path,
        theme: Path,
        files: Sequence[Path],
        code: str,
        folders: Sequence[Path] = (),
    ) -> InputStamp:
        """Stamp the content and theme folders, other ``files`` and ``folders``; the
        content's entries that are not read (a link to nothing, a FIFO) are stamped too, so
        that adding or removing one rebuilds and its warning shows."""
        now = time.time_ns()
        content_stamps, unread = walk_tree(content)
        # not hidden or temp ones (emacs's lock files are links to nothing): never content
        unread = {rel: u for rel, u in unread.items() if not is_ignored_path(rel)}
        theme_stamps = tree_stamps(theme)
        for folder in folders:  # stamped like the theme's files
            theme_stamps.update(
                {f"{folder}/{rel}": stamp for rel, stamp in tree_stamps(folder).items()}
            )
        others: list[Any] = []
        for path in files:
            try:
                others.append((str(path), file_stamp(path.stat())))
            except FileNotFoundError:
                others.append((str(path), None))
        every = [*content_stamps.values(), *theme_stamps.values()]
        every += [s for _, s in others if s is not None]
        racy = any(stamp[1] > now - RACY_NS for stamp in every)
        material = (
            code,
            model_stamp(),
            str(content),
            sorted(content_stamps.items()),
            sorted(unread.items()),
            str(theme),
            sorted(theme_stamps.items()),
            others,
        )
        base = hashlib.blake2b(repr(material).encode(), digest_size=16).hexdigest()
        return cls(base=base, racy=racy, content=content_stamps, unread=unread)

    def with_registry(self, registry: Path) -> str:
        """The full stamp: this one plus the registry file's current bytes."""
        try:
            data = registry.read_bytes()
        except FileNotFoundError:
            data = b"\0missing"
        return hashlib.blake2b(self.base.encode() + data, digest_size=16).hexdigest()


@dataclass
class _Entry:
    stamp: tuple[FileStamp | None, ...]
    trusted: bool
    fingerprint: str
    article: Article
    prefetched: Any = None  # see ArticleCache.load(prefetch=)


@dataclass
class LoadResult:
    articles: list[Article]
    errors: list[ContentError]
    cleaned: int = 0
    reused: int = 0
    changed: list[str] = field(default_factory=list)  # added or edited article files
    removed: list[str] = field(default_factory=list)


class ArticleCache:
    """Cleaned articles by content path; a file is read only when its stat changed."""

    def __init__(self) -> None:
        self.entries: dict[str, _Entry] = {}

    def load(
        self,
        content: Path,
        stamps: Mapping[str, FileStamp],
        *,
        keep_last_good: bool = False,
        prefetch: Callable[[Article], Any] | None = None,
        meanwhile: Callable[[], object] | None = None,
    ) -> LoadResult:
        """Articles of ``content`` (``stamps`` from :func:`tree_stamps`), in path order.

        With ``keep_last_good``, a file that breaks keeps its last good article (the error
        is still reported), so a preview goes on showing it while the editor fixes it.
        ``prefetch`` is called on each freshly cleaned article (in the worker processes that
        clean many files, see :func:`read_and_clean_all`) and its result kept with the
        article: :meth:`prefetched` (the build tokenises articles for the grouper so).
        ``meanwhile`` is called while files are cleaned (only if some are).
        """
        now = time.time_ns()
        result = LoadResult([], [])
        seen: dict[str, None] = {}
        stale: list[tuple[str, tuple[FileStamp | None, ...]]] = []
        for rel in sorted(stamps):
            if not is_article_file(rel):
                continue
            seen[rel] = None  # in path order
            stem = rel.rsplit(".", 1)[0]  # an article's name has a suffix (.txt, .md)
            stamp = (stamps[rel], *(stamps.get(stem + s) for s in SIDECAR_SUFFIXES))
            old = self.entries.get(rel)
            if old is None or not old.trusted or old.stamp != stamp:
                stale.append((rel, stamp))
        stale_stamps = dict(stale)
        fingerprints = {rel: e.fingerprint for rel in stale_stamps if (e := self.entries.get(rel))}
        jobs = [(rel, fingerprints.get(rel)) for rel in stale_stamps]
        cleaned = read_and_clean_all(content, jobs, prefetch, meanwhile) if jobs else []
        done = dict(zip(stale_stamps, cleaned, strict=True))
        for rel in seen:
            old = self.entries.get(rel)
            if rel not in stale_stamps:
                assert old is not None
                result.articles.append(old.article)
                result.reused += 1
                continue
            stamp = stale_stamps[rel]
            trusted = all(s is None or s[1] <= now - RACY_NS for s in stamp)
            fingerprint, article, error, *ahead = done[rel]
            if error is not None:
                result.errors.append(error)
                if keep_last_good and old is not None:
                    result.articles.append(old.article)
                else:
                    self.entries.pop(rel, None)
                continue
            if article is None:  # same fingerprint: the stat changed, the text did not
                assert old is not None
                article, ahead = old.article, [old.prefetched]
                result.reused += 1
            else:
                result.cleaned += 1
                result.changed.append(rel)
            if prefetch is not None and ahead == [None]:  # reused from a cache made without
                ahead = [prefetch(article)]
            self.entries[rel] = _Entry(stamp, trusted, fingerprint, article, *ahead)
            result.articles.append(article)
        for rel in set(self.entries) - seen.keys():
            del self.entries[rel]
            result.removed.append(rel)
        result.removed.sort()
        return result

    def prefetched(self) -> list[Any]:
        """What ``prefetch`` gave for each article that has it (see :meth:`load`)."""
        return [e.prefetched for e in self.entries.values() if e.prefetched is not None]


# fingerprint, article, error (and with a prefetch, its result for a cleaned article)
Cleaned = tuple[Any, ...]
PARALLEL_MIN_FILES = 200  # fewer files are cleaned in this process: forking costs more


def read_and_clean(content: Path, rel: str, fingerprint: str | None) -> Cleaned:
    """Read and clean one file: its fingerprint, and its article (None if the fingerprint
    is still ``fingerprint``) or the error that stops it."""
    from digest.clean import CleaningError, clean_article

    try:
        source = read_source(content / rel, content)
        if source.fingerprint == fingerprint:
            return source.fingerprint, None, None
        return source.fingerprint, clean_article(source), None
    except (UnicodeDecodeError, FrontMatterError, WebPageError, CleaningError, OSError) as exc:
        return "", None, read_error(rel, exc)


def read_and_clean_all(
    content: Path,
    jobs: Sequence[tuple[str, str | None]],
    prefetch: Callable[[Article], Any] | None = None,
    meanwhile: Callable[[], object] | None = None,
) -> list[Cleaned]:
    """:func:`read_and_clean` for each ``(path, fingerprint)``, results in the same order.

    Many files are cleaned by forked worker processes (:mod:`digest.workers`). Each freshly
    cleaned article's result also carries ``prefetch(article)`` (done there in parallel).
    Cleaning is a pure function of the file, so the articles are the same either way.
    ``meanwhile`` runs in this process while they clean (see :func:`map_in_workers`).
    """
    import digest.clean  # noqa: F401  (imported once, before forking)
    from digest.workers import map_in_workers

    def clean(job: tuple[str, str | None]) -> Cleaned:
        cleaned = read_and_clean(content, *job)
        if prefetch is not None and cleaned[1] is not None:
            return (*cleaned, prefetch(cleaned[1]))
        return cleaned

    fork = len(jobs) >= PARALLEL_MIN_FILES
    return map_in_workers(clean, jobs, fork=fork, meanwhile=meanwhile)


class GroupingMemo:
    """The last grouping, reused while the articles as grouping reads them
    (:func:`~digest.group.grouping_view`) and the registry are the same: an edit further
    down an article (past the paragraphs grouping reads) swaps the edited article into the
    last stories instead of grouping again, which gives the very same stories.

    For a live preview, :meth:`group` can also answer *provisionally* when only article
    bodies changed: the last stories with the edited articles swapped in (membership,
    headline, summary and related stories as before). The exact build must follow (and
    groups again unless the edits were past what grouping reads).
    """

    def __init__(self) -> None:
        # the articles' grouping views and the registry, as (source, id) pairs
        self.key: tuple[tuple[Article, ...], tuple[tuple[str, str], ...]] | None = None
        self.articles: tuple[Article, ...] = ()  # the articles of self.stories
        self.stories: list[Story] = []
        self.swapped: set[str] = set()  # sources swapped in by the last provisional answer

    def group(
        self,
        articles: Sequence[Article],
        known: Mapping[str, str],
        grouper: Callable[[Sequence[Article], Mapping[str, str]], list[Story]],
        *,
        provisional: bool = False,
    ) -> tuple[list[Story], str]:
        """Stories of ``articles``, and how they came: ``"reused"`` (the last grouping, the
        edited articles swapped in), ``"held"`` (the same, answered provisionally: the exact
        build only has the search to index), ``"provisional"`` (the same, though grouping
        reads what changed: the exact build regroups) or ``"grouped"``."""
        key = self._key(articles, known)
        if key == self.key:  # the same sources in the same order: only text further down
            edited = {a.source for a, b in zip(articles, self.articles, strict=True) if a is not b}
            if provisional and edited:
                self.swapped = edited
                return self._swapped_in(articles, edited), "held"
            self.stories = self._swapped_in(articles, edited)
            self.articles = tuple(articles)
            return self.stories, "reused"
        if provisional and self.key is not None and key[1] == self.key[1]:
            stories = self._swap_bodies(self.articles, articles)
            if stories is not None:
                return stories, "provisional"
        self.stories = grouper(articles, known)
        self.key, self.articles = key, tuple(articles)
        return self.stories, "grouped"

    def _swapped_in(self, articles: Sequence[Article], edited: set[str]) -> list[Story]:
        """The last stories with ``articles`` in place of those of the ``edited`` sources."""
        if not edited:
            return self.stories
        by_source = {a.source: a for a in articles if a.source in edited}
        return [
            replace(story, articles=tuple(by_source.get(a.source, a) for a in story.articles))
            if any(a.source in edited for a in story.articles)
            else story
            for story in self.stories
        ]

    def _swap_bodies(self, old: Sequence[Article], new: Sequence[Article]) -> list[Story] | None:
        """The last stories with ``new`` articles, if they differ from ``old`` only in text."""
        if [a.source for a in old] != [a.source for a in new]:
            return None
        edited = set()
        for before, after in zip(old, new, strict=True):
            if before is not after and before != after:
                if replace(after, body=before.body, english=before.english) != before:
                    return None  # title, date, outlet, pin ... changed: regroup now
                edited.add(after.source)
        self.swapped = edited
        return self._swapped_in(new, edited)

    def offer(
        self, articles: Sequence[Article], known: Mapping[str, str], stories: list[Story]
    ) -> None:
        """Take ``stories`` as the grouping of ``articles`` with ``known`` (worked out on
        another thread while a preview went on): the next build reuses them if its
        articles and registry are these."""
        self.key, self.articles = self._key(articles, known), tuple(articles)
        self.stories = stories

    def _key(
        self, articles: Sequence[Article], known: Mapping[str, str]
    ) -> tuple[tuple[Article, ...], tuple[tuple[str, str], ...]]:
        """The views of ``articles`` (those of the last articles taken from the last key: a
        preview compares a thousand after every save) and the registry's pairs."""
        from digest.group import grouping_view

        # ids of the last articles are theirs alone: self.articles keeps them alive
        last = dict(zip(map(id, self.articles), self.key[0], strict=True)) if self.key else {}
        views = tuple(last.get(id(a)) or grouping_view(a) for a in articles)
        return views, tuple(sorted(known.items()))

    def registry_saved(self, index: Mapping[str, str]) -> None:
        """The build saved ``index`` as the registry: grouping with it gives these stories.

        (That is the registry's contract: it only pins the ids the grouping just made.)
        """
        if self.key is not None:
            self.key = (self.key[0], tuple(sorted(index.items())))


AHEAD_MIN_TEXTS = 1000  # fewer new texts are not worth a worker process (see TranslationMemo.ahead)


class TranslationMemo:
    """English of every text seen, so only new texts are sent to the translator.

    Texts the translator had no English for (no model installed) are remembered too, with
    its message, until the installed models change.
    """

    def __init__(self) -> None:
        self.model = ""
        self.english: dict[str, str] = {}
        self.digests: dict[str, bytes] = {}  # each English text's sentences' digests
        self.unavailable: set[str] = set()
        self.message: str | None = None
        self.notice: str | None = None  # no model, the English it made kept (TranslationResult)
        self._ahead: tuple[list[str], InBackground[TranslationResult]] | None = None
        # how many of those texts hold each sentence (digest); counted when first needed
        self._holders: dict[bytes, int] | None = None

    def __getstate__(self) -> dict[str, Any]:
        """Saved without the sentence counts (cheaper to count again than to load)."""
        return {**self.__dict__, "_holders": None, "_ahead": None}

    def _hold(self, digests: bytes, step: int) -> None:
        """Count (``step`` 1) or uncount (-1) a text's sentences in ``_holders``."""
        from digest.translation_cache import split_digests

        holders = self._holders
        if holders is None:
            return
        for digest in split_digests(digests):
            left = holders.get(digest, 0) + step
            if left:
                holders[digest] = left
            else:
                del holders[digest]

    def _keep(self, result: TranslationResult) -> None:
        """Remember the English (and sentence digests) of ``result``."""
        self.english.update(result.english)
        for text, digests in result.digests.items():
            old = self.digests.get(text)
            if old != digests:
                if old is not None:
                    self._hold(old, -1)
                self.digests[text] = digests
                self._hold(digests, 1)

    def _sentence_count(self) -> int:
        """How many distinct sentences the remembered English texts hold."""
        if self._holders is None:  # counted text by text, as _hold keeps the counts
            self._holders = {}
            for digests in self.digests.values():
                self._hold(digests, 1)
        return len(self._holders)

    def _unknown(self, texts: Iterable[str]) -> list[str]:
        """Those of ``texts`` this memo has no answer for (forgets all if models changed)."""
        model = model_stamp()
        if model != self.model:
            self.model, self.english, self.unavailable, self.message = model, {}, set(), None
            self.notice = None
            self.digests, self._holders = {}, None
        return [t for t in texts if t not in self.english and t not in self.unavailable]

    @contextmanager
    def ahead(self, texts: Sequence[str], cache_dir: Path) -> Iterator[None]:
        """Look up ``texts`` (the articles' own) in the translation cache in a worker
        process while the build goes on inside the block (grouping the stories, whose
        summaries are the only texts left); :meth:`translate` then takes them, and
        translates what was not cached. The worker never loads the model: a forked
        process must not use the thread pools of a model this one may have loaded. Only
        for many new texts, and where a worker process can be forked. A worker still
        running when the block ends (an error) is stopped."""
        from digest.translate import translate_texts
        from digest.workers import in_background

        missing = self._unknown(texts)
        if len(missing) >= AHEAD_MIN_TEXTS:
            lookup = functools.partial(translate_texts, missing, cache_dir, cached_only=True)
            work = in_background(lookup)  # None: translate() does it all in one pass
            self._ahead = None if work is None else (missing, work)
        try:
            yield
        finally:
            if self._ahead is not None:
                self._ahead[1].close()
                self._ahead = None

    def translate(
        self, texts: Sequence[str], cache_dir: Path, *, progress: bool = False, prune: bool = True
    ) -> tuple[TranslationResult, int]:
        """Translations of ``texts`` and how many came from this memo.

        With ``prune`` the memo then forgets texts not in ``texts`` (the site's texts);
        without, ``texts`` may be just the new ones and the English of all is returned.
        """
        from digest.translate import TranslationResult, translate_texts

        result = TranslationResult()
        sent: set[str] = set()
        if self._ahead is not None:
            ahead, work = self._ahead
            self._ahead = None
            result = work.result()  # what was cached; the rest is translated next
            self._keep(result)
            sent.update(ahead)
        missing = self._unknown(texts)
        if missing:
            more = translate_texts(missing, cache_dir, progress=progress)
            self._learn(missing, more)
            sent.update(missing)
            result.merge(more)
        if prune:
            self.english = {t: self.english[t] for t in texts if t in self.english}  # page order
            for text in [t for t in self.digests if t not in self.english]:
                self._hold(self.digests.pop(text), -1)
            self.unavailable &= set(texts)
            if len(sent) < len(texts):  # English from this memo: its sentences were cached
                result.cached = self._sentence_count() - result.translated
        if not self.unavailable:
            self.message = None
        result.english = self.english
        result.message = result.message or self.message
        result.notice = result.notice or self.notice
        return result, sum(1 for t in texts if t not in sent)

    def _learn(self, texts: Sequence[str], result: TranslationResult) -> None:
        self._keep(result)
        self.unavailable.update(t for t in texts if t not in result.english)
        self.message = result.message or self.message
        self.notice = result.notice or self.notice


def page_key(salt: bytes, template: str, path: str, context: Mapping[str, Any]) -> bytes | None:
    """Hash of everything a page is rendered from; None if the context cannot be pickled."""
    buffer = io.BytesIO()
    try:
        pickle.Pickler(buffer, protocol=5).dump((template, path, context))
    except (pickle.PicklingError, TypeError, AttributeError, RecursionError):
        return None
    return hashlib.blake2b(buffer.getbuffer(), digest_size=16, key=salt[:64]).digest()


@dataclass
class PageRecord:
    """What was written for one output file last time."""

    key: bytes | None  # render key; None: always render again
    digest: bytes  # hash of the bytes written
    stamp: SiteFileStamp | None  # the output file's stamp right after writing


def bytes_digest(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=16).digest()


@dataclass
class PageMemo:
    """Records of the files in the output folder, by site path."""

    records: dict[str, PageRecord] = field(default_factory=dict)
    salt: bytes = b""  # theme, config and code the keys were computed under

    def unchanged_on_disk(self, output: Path, path: str) -> bool:
        """True if the output file is still exactly what digest wrote there."""
        record = self.records.get(path)
        if record is None or record.stamp is None:
            return False
        try:
            return site_file_stamp((output / path).stat()) == record.stamp
        except OSError:
            return False


@dataclass
class BuildState:
    """Everything one project's builds remember between runs."""

    code: str = ""
    input_digest: str | None = None  # stamp of the inputs of the last complete build
    articles: ArticleCache = field(default_factory=ArticleCache)
    grouping: GroupingMemo = field(default_factory=GroupingMemo)
    translations: TranslationMemo = field(default_factory=TranslationMemo)
    pages: PageMemo = field(default_factory=PageMemo)
    search_keys: dict[str, bytes] = field(default_factory=dict)  # search shard -> its pages
    search_behind: bool = False  # a provisional build wrote pages the search has not indexed
    summary: dict[str, Any] = field(default_factory=dict)  # what the last build reported

    def save(self, cache_dir: Path, tag: str = "") -> None:
        """Pickle the state (and a small stamp file for no-op checks), atomically; ``tag``
        names the output folder's own state."""
        make_cache_dir(cache_dir)
        stamps = {path: r.stamp for path, r in self.pages.records.items()}
        state_file, stamp_file = _tagged(tag)
        _atomic_pickle(cache_dir / state_file, self)
        _atomic_pickle(cache_dir / stamp_file, (self.code, self.input_digest, stamps, self.summary))

    @classmethod
    def load(cls, cache_dir: Path, code: str, tag: str = "") -> BuildState:
        """The saved state if it was made by this exact code, else an empty one.

        An output folder with no state of its own yet (a first preview) starts from the
        ``site/`` build's cleaned articles, grouping and translations: only its pages
        are new."""
        state = cls._read(cache_dir / _tagged(tag)[0], code)
        if state is None and tag:
            state = cls._read(cache_dir / STATE_FILE, code)
            if state is not None:
                state.pages, state.search_keys, state.search_behind = PageMemo(), {}, False
                state.input_digest, state.summary = None, {}
        return state or cls(code=code)

    @classmethod
    def _read(cls, path: Path, code: str) -> BuildState | None:
        try:
            with open(path, "rb") as handle:
                state = pickle.load(handle)
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
            return None
        except Exception:  # a cache from other code may fail in any way: rebuild it
            return None
        if not isinstance(state, cls) or state.code != code:
            return None
        return state


def _tagged(tag: str) -> tuple[str, str]:
    """Names of the state and stamp files of the output folder tagged ``tag``."""
    if not tag:
        return STATE_FILE, STAMP_FILE
    return f"build-state-{tag}.pickle", f"build-stamp-{tag}.pickle"


def saved_build_summary(
    cache_dir: Path, code: str, digest: str, output: Path, tag: str = ""
) -> dict[str, Any] | None:
    """The saved build's summary if it had these exact inputs and its output is untouched.

    Reads only the small stamp file, never the whole state.
    """
    try:
        with open(cache_dir / _tagged(tag)[1], "rb") as handle:
            saved_code, saved_input, files, summary = pickle.load(handle)
    except Exception:
        return None
    if saved_code != code or saved_input != digest or not files:
        return None
    for path, saved in files.items():
        try:
            if saved is None or site_file_stamp(os.stat(output / path)) != saved:
                return None
        except OSError:
            return None
    return summary


def _atomic_pickle(path: Path, value: Any) -> None:
    write_atomically(path, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
