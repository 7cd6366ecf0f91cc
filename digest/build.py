"""Wire the stages together: read -> clean -> group -> translate -> render -> write.

A :class:`Builder` runs the pipeline for one project again and again and redoes only what
changed (see :mod:`digest.incremental`): ``digest serve`` keeps one in memory, and
:func:`build_site` (``digest build``) saves its state under ``.digest-cache/`` between runs.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import hashlib
import pickle
import re
import shutil
import time
import tomllib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from digest.article import Article, Story
from digest.config import LANGS, SiteConfig, load_config
from digest.dates import future_date_warnings, hijri_date_warnings
from digest.incremental import (
    ArticleCache,
    BuildState,
    InputStamp,
    PageRecord,
    bytes_digest,
    code_stamp,
    page_key,
    saved_build_summary,
    site_file_stamp,
    tree_stamps,
)
from digest.interrupts import checkpoint, held
from digest.outlets import unused_outlet_names
from digest.output import MARKER, OutputError, check_cache_dir, check_output_dir, update_site
from digest.search_spellings import name_spellings
from digest.source import (
    SYSTEM_FILES,
    ContentError,
    content_warnings,
    is_article_file,
    link_warnings,
    read_translation,
)
from digest.story_ids import dated_as, is_minted, slugify
from digest.story_registry import (
    REGISTRY_FILE,
    Registry,
    headline_choices,
    keep_headlines,
    load_registry,
    moved_stories,
    registry_conflict_warning,
    save_registry,
)
from digest.workers import worker_count

if TYPE_CHECKING:
    from digest.search_bundle_cache import BundleCache
    from digest.search_index import BackgroundBundle

# The cleaner, grouper (SciPy), renderer (Jinja, Babel) and translator are imported
# only when a build has work to do: a no-op `digest build` just stats files.

CACHE_DIR = ".digest-cache"
PARALLEL_MIN_PAGES = 100  # fewer pages to render are rendered in this process


class BuildError(RuntimeError):
    """The build cannot produce a site; the message says why and what to do."""


@dataclass
class BuildReport:
    """What a build did, for the summary line and for tests."""

    articles: int = 0
    stories: int = 0
    pages: int = 0
    translated: int = 0
    cached: int = 0
    seconds: float = 0.0
    errors: list[ContentError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    output: Path | None = None
    base_path: str = "/"  # the path of the site's address (``/digest/``: base_url's path)
    # what the incremental machinery did (see digest.incremental)
    skipped: bool = False  # no input changed: nothing was read, rendered or written
    cleaned: int = 0  # articles read and cleaned
    reused: int = 0  # articles taken from the cache
    changed: list[str] = field(default_factory=list)  # content files added, edited or removed
    regrouped: bool = False  # the grouper ran (some article or the registry changed)
    provisional: bool = False  # edited articles swapped into the last grouping, not regrouped
    regroup_next: bool = False  # provisional, and grouping reads what changed: regroup next
    translations_reused: int = 0  # texts whose English this builder already had
    rendered: int = 0  # pages rendered (their context changed)
    pages_written: int = 0  # files written to the output folder
    pages_deleted: int = 0  # files removed from it (pages that no longer exist)
    files_changed: list[str] = field(default_factory=list)  # site paths written or removed
    timings: dict[str, float] = field(default_factory=dict)  # seconds per stage


class _Laps:
    """Records the seconds since the previous call under each stage name."""

    def __init__(self, into: dict[str, float]) -> None:
        self.into = into
        self.last = time.perf_counter()

    def __call__(self, stage: str) -> None:
        now = time.perf_counter()
        self.into[stage] = self.into.get(stage, 0.0) + now - self.last
        self.last = now
        checkpoint()  # between stages: where an interrupt that was dropped stops the build


def _parents(path: str) -> list[str]:
    """The folders of a site path, innermost first: ``a/b/c.html`` -> ``a/b``, ``a``."""
    return [path.rsplit("/", i)[0] for i in range(1, path.count("/") + 1)]


def _holds_articles(folder: Path) -> bool:
    """Does ``folder`` itself hold article files (is it a content folder)?"""
    try:
        return any(p.is_file() and is_article_file(p.name) for p in folder.iterdir())
    except OSError:
        return False


@dataclass(frozen=True)
class Project:
    """Where a site's inputs and outputs live."""

    root: Path
    content: Path
    output: Path

    @classmethod
    def at(cls, root: Path, content: Path | None = None, output: Path | None = None) -> Project:
        return cls(root=root, content=content or root / "content", output=output or root / "site")

    def missing_content(self) -> str:
        """What to tell a user whose content folder does not exist, and what to do."""
        message = f"content folder {self.content} does not exist"
        if self.content != self.root / "content":
            return message
        if self.root.name == "content" and _holds_articles(self.root):
            return f"{message}: you are in the content folder; run digest from {self.root.parent}"
        return f"{message}: run digest in the site's folder (the one holding content/)"

    @property
    def config_file(self) -> Path:
        return self.root / "digest.toml"

    @property
    def registry_file(self) -> Path:
        """The story registry of the articles in ``content``: beside that folder (so that
        building another folder, ``--content other/``, never rewrites this one's)."""
        return self.content.parent / REGISTRY_FILE

    @property
    def registry_source(self) -> Path:
        """Where the registry is read from: :attr:`registry_file`; for a content folder
        deeper in the site's folder (``data/articles``) with none there yet, the site
        folder's, where digest kept it before (the next build writes it beside the
        content)."""
        legacy = self.root / REGISTRY_FILE
        if self.registry_file.is_file() or legacy == self.registry_file or not legacy.is_file():
            return self.registry_file
        inside = self.content.absolute().is_relative_to(self.root.absolute())
        return legacy if inside else self.registry_file

    @property
    def cache_dir(self) -> Path:
        return self.root / CACHE_DIR

    @property
    def state_tag(self) -> str:
        """Which saved build state is this output folder's: ``site/`` has the plain one,
        another folder (``digest serve``'s preview, an ``--output``) its own, so that a
        build into one never makes the next build into the other start over."""
        if self.output.absolute() == (self.root / "site").absolute():
            return ""
        return hashlib.blake2b(str(self.output.absolute()).encode(), digest_size=4).hexdigest()

    @property
    def preview(self) -> Path:
        """Where ``digest serve`` builds unless told otherwise: never ``site/``, which only
        ``digest build`` writes (for publishing)."""
        return self.cache_dir / "preview"

    @property
    def static(self) -> Path:
        """Files copied into the site as they are (``CNAME``, ``robots.txt``, ...)."""
        return self.root / "static"

    @property
    def inputs(self) -> list[Path]:
        """The folders a build reads, which no output folder may overlap."""
        return [self.content, self.root / "templates", self.static]

    @property
    def theme(self) -> Path:
        """The site's own ``templates/`` if it has one, else the default theme."""
        own = self.root / "templates"
        return own if own.is_dir() else default_theme()

    def broken_theme(self) -> str | None:
        """What is wrong with a ``templates`` that is no folder (a link to nothing, a file):
        the build would quietly take the default theme instead; None when nothing is."""
        own = self.root / "templates"
        if own.is_dir() or not (own.is_symlink() or own.exists()):
            return None
        if own.is_symlink():
            target = own.readlink()
            return (
                f"{own} links to {target}, which is no folder (a relative link is read from "
                f"{own.parent}, the folder that holds it): link the theme's folder again, "
                "by its absolute path, or remove the link to build with the default theme"
            )
        return (
            f"{own} is a file, not a theme folder: remove or rename it to build with the "
            "default theme (`digest theme` copies it there to start a theme of your own)"
        )


def default_theme() -> Path:
    """The theme shipped in the wheel, or the repository's ``templates/`` in a checkout."""
    packaged = Path(__file__).parent / "theme"
    return packaged if packaged.is_dir() else Path(__file__).parent.parent / "templates"


def load_articles(content: Path) -> tuple[list[Article], list[ContentError]]:
    """Read and clean every article, as a build does; files that fail are reported."""
    loaded = ArticleCache().load(content, tree_stamps(content))
    return loaded.articles, loaded.errors


@dataclass(frozen=True)
class GroupingJob:
    """The grouping of these articles with this registry, to run on another thread (it
    touches no build state); ``prefetched`` are the articles' tokens made when cleaned."""

    articles: Sequence[Article]
    known: Mapping[str, str]
    prefetched: list[Any]

    def run(self) -> list[Story]:
        from digest.group import group_stories, prime_tokens

        prime_tokens(self.prefetched)
        return group_stories(self.articles, self.known)


def texts_to_translate(stories: list[Story]) -> list[str]:
    """Every distinct Arabic text the English pages need, in page order (an article in
    another language, or with a human translation, needs none; nor does a text without
    Arabic letters)."""

    def in_page_order() -> Iterator[str]:
        for story in stories:
            yield story.headline
            yield from story.summary
            for article in story.articles:
                yield from _shown_texts(article)

    return _arabic(in_page_order())


def article_texts(articles: Sequence[Article]) -> list[str]:
    """The texts of :func:`texts_to_translate` that come from these articles as they are
    (all but the story summaries): known before the articles are grouped."""
    return _arabic(text for article in articles for text in _shown_texts(article))


def _shown_texts(article: Article) -> Iterator[str]:
    """An article's texts that its English page shows machine-translated: all, but for
    the title and the text of an editor's translation (a sidecar may have one only)."""
    if article.lang != "ar":
        return
    human = read_translation(article.english) if article.english is not None else None
    if human is None or human.title is None:
        yield article.title
    if human is None or not human.has_text:
        for block in article.body:
            yield from block.texts()


def _arabic(texts: Iterable[str]) -> list[str]:
    """The distinct texts with Arabic letters, in order."""
    from digest.render import script_lang

    return [text for text in dict.fromkeys(texts) if script_lang(text) == "ar"]


@contextmanager
def gc_paused() -> Iterator[None]:
    """No cyclic garbage collection during a build: it allocates millions of objects that
    live until the build ends, and repeated full collections cost 10-40 % of its time."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@cache
def code_version() -> str:
    """Stamp of digest's code (see :func:`digest.incremental.code_stamp`), once per process."""
    return code_stamp()


@contextlib.contextmanager
def translation_cache_checked() -> Iterator[None]:
    """A translation cache that is damaged, cannot be written or stays locked stops the
    build with what to do (not a traceback)."""
    from digest.translation_cache import CacheUnusableError

    try:
        yield
    except CacheUnusableError as exc:
        raise BuildError(str(exc)) from None


def template_error(
    exc: Exception,
    theme: Path,
    labels: Mapping[str, Mapping[str, Any]] | None = None,
    variables: Mapping[str, Any] | None = None,
) -> str | None:
    """``templates/story.html, line 12: 'x' is undefined`` from an error raised while a
    template rendered: Jinja's own, or one from the template's code (``date + 1``); None
    when no template line is to blame (a bug of digest's: let it raise). ``labels``: the
    theme's labels per language, to say which language lacks a label a template asks for;
    ``variables``: what the page has, to name the one a misspelt name is spelt like."""
    import jinja2

    if isinstance(exc, jinja2.TemplateSyntaxError):
        return f"template error in {exc.filename or exc.name}, line {exc.lineno}: {exc.message}"
    where = None
    tb = exc.__traceback__
    while tb is not None:  # Jinja rewrites frames to point at template lines
        name = tb.tb_frame.f_code.co_filename
        if name.startswith(str(theme)):
            where = (name, tb.tb_lineno)
        tb = tb.tb_next
    if isinstance(exc, jinja2.TemplateNotFound):
        asked = f" ({where[0]}, line {where[1]}, asks for it)" if where else ""
        default = default_theme() / str(exc.name)
        copy = f"; the default theme has one: {default}" if default.is_file() else ""
        return f"template {exc.name!r} not found in {theme}{asked}{copy}"
    if where is None:
        return None if not isinstance(exc, jinja2.TemplateError) else f"{theme}: {exc}"
    if isinstance(exc, jinja2.TemplateError):
        message = exc.message or type(exc).__name__
    else:
        message = f"{type(exc).__name__}: {exc}"
    variables = variables or {}
    hint = (
        _label_hint(exc, *where, labels or {})
        or _variable_hint(exc, variables)
        or _field_hint(exc, variables)
    )
    return f"template error in {where[0]}, line {where[1]}: {message}{hint}"


_UNDEFINED = re.compile(r"'(\w+)' is undefined")
# ``t.label``, ``story.headlin``: Jinja names the object's type ('dict object', 'StoryView
# object') and the attribute it lacks
_MISSING_ATTRIBUTE = re.compile(r"'[\w.]+ object' has no attribute '(\w+)'")


def _spelt_like(name: str, known: Iterable[str]) -> str | None:
    """The one of ``known`` that ``name`` is almost spelt as, if any."""
    from difflib import get_close_matches

    close = get_close_matches(name, sorted(known), n=1, cutoff=0.75)
    return close[0] if close else None


def _variable_hint(exc: Exception, variables: Mapping[str, Any]) -> str:
    """For a variable the page lacks: the one spelt almost like it, and those it has."""
    found = _UNDEFINED.fullmatch(str(exc))
    known = sorted(name for name in variables if not name.startswith("_"))
    if found is None or not known:
        return ""
    close = _spelt_like(found.group(1), known)
    mean = f"did you mean {close}? " if close else ""
    return f" ({mean}this page has {', '.join(known)}; for a label of strings.toml: t.{found[1]})"


def _field_hint(exc: Exception, variables: Mapping[str, Any]) -> str:
    """For ``story.headlin``: the field it is spelt like, of the page's stories, reports
    and the like (the dicts among its variables, and in their lists)."""
    found = _MISSING_ATTRIBUTE.search(str(exc))
    if found is None:
        return ""
    fields: set[str] = set()
    for value in variables.values():
        for item in value if isinstance(value, list | tuple) else [value]:
            if isinstance(item, dict):
                fields.update(key for key in item if isinstance(key, str))
    close = _spelt_like(found.group(1), fields)
    return f" (did you mean {close}?)" if close else ""


def _label_hint(
    exc: Exception, path: str, line: int, labels: Mapping[str, Mapping[str, Any]]
) -> str:
    """For ``t.label`` where the theme's strings.toml has no such label: say so, and under
    which language (both, when ``labels`` are not known)."""
    found = _MISSING_ATTRIBUTE.search(str(exc))
    if found is None:
        return ""
    try:
        source = Path(path).read_text(encoding="utf-8").splitlines()[line - 1]
    except (OSError, IndexError, UnicodeDecodeError):
        return ""
    label = found.group(1)
    if f"t.{label}" not in source:
        return ""
    lacking = [f"[{lang}]" for lang in ("ar", "en") if labels and label not in labels.get(lang, {})]
    where = " and ".join(lacking or ["[ar]", "[en]"])
    return f" (a label: add {label} to the theme's strings.toml, under {where})"


def _salt(theme: Path, config: SiteConfig) -> bytes:
    """What every page depends on besides its context: code, theme files, settings."""
    digest = hashlib.blake2b(digest_size=32)
    digest.update(code_version().encode() + pickle.dumps(config))
    for rel in sorted(tree_stamps(theme)):
        digest.update(rel.encode() + b"\0" + (theme / rel).read_bytes())
    return digest.digest()


def import_later_stages() -> None:
    """Import what grouping and rendering need (scipy, Jinja2, Babel: ~0.3 s), done while
    the cleaning workers work."""
    import scipy.sparse  # noqa: F401

    import digest.render  # noqa: F401


class Builder:
    """Builds one project, again and again, redoing only what changed since the last build.

    ``in_place`` replaces changed files one by one instead of swapping in a new folder (a
    server keeps serving a whole site); ``keep_last_good`` keeps the last good version of an
    article that breaks (a preview goes on showing it while the editor fixes it);
    ``base_url`` is used when ``digest.toml`` sets none (a preview's own address).
    ``draft_ids``: a preview's story IDs are drafts. ``digest-stories.json`` (the IDs a
    ``digest build`` gave, which URLs and feed GUIDs keep) is read, never written; IDs of
    new stories are kept in memory, and a story whose date changed since (a draft dated
    later, a mistyped year corrected) gets a new one, as ``digest build`` would give it.
    """

    def __init__(
        self,
        project: Project,
        state: BuildState | None = None,
        *,
        in_place: bool = False,
        keep_last_good: bool = False,
        base_url: str | None = None,
        draft_ids: bool = False,
    ) -> None:
        self.project = project
        self.draft_ids = draft_ids
        self._drafts = Registry()  # with draft_ids: the IDs the last build gave
        # with draft_ids: story ID -> the story that has its reports now, for each address
        # the preview showed a story at that has no page now (a draft merged, a pin that
        # was changed or removed): `digest serve` sends a browser there, as a moved page
        # would, but writes no page (`digest build` makes those for its own IDs alone)
        self.draft_moves: dict[str, str] = {}
        self.base_url = base_url  # where the site is served, unless digest.toml says
        self.state = state or BuildState(code=code_version())
        self.in_place = in_place
        self.keep_last_good = keep_last_good
        self._renderer: tuple[bytes, Any] | None = None  # (salt, SiteRenderer) of the last build
        self._loaded: Sequence[Article] | None = None  # the articles of the last build
        self.on_written: Callable[[], object] | None = None  # called once the site is written

    def stamp(self) -> tuple[InputStamp, str]:
        """Stamp of the inputs now: cheap (``stat`` calls), and the full digest. A
        ``templates`` that is no folder stops the build here, before an unchanged stamp
        skips it: it would be a site in the default theme, silently."""
        p = self.project
        if problem := p.broken_theme():
            raise BuildError(problem)
        stamp = InputStamp.take(p.content, p.theme, [p.config_file], code_version(), [p.static])
        return stamp, self._digest(stamp)

    def _digest(self, stamp: InputStamp) -> str:
        """The full digest of the inputs: their stamp, the story registry, and the address
        the site is for (a preview on another port must not keep the last build's links)."""
        return f"{stamp.with_registry(self.project.registry_file)}\0{self.base_url or ''}"

    def build(
        self,
        *,
        strict: bool = False,
        progress: bool = False,
        stamp: InputStamp | None = None,
        provisional: bool = False,
    ) -> BuildReport:
        """Bring ``project.output`` up to date. Raises :class:`BuildError`.

        ``provisional`` lets a preview skip regrouping when only article text changed (see
        :class:`~digest.incremental.GroupingMemo`); the report says so, and an exact build
        must follow.
        """
        with gc_paused():
            return self._build(strict, progress, stamp, provisional)

    def _build(
        self, strict: bool, progress: bool, stamp: InputStamp | None, provisional: bool
    ) -> BuildReport:
        start = time.perf_counter()
        project, state = self.project, self.state
        if stamp is None:
            stamp, digest = self.stamp()
        else:
            digest = self._digest(stamp)
        if not stamp.racy and digest == state.input_digest and self._output_untouched():
            report = restore_report(state.summary, project.output, strict)
            report.seconds = time.perf_counter() - start
            return report
        report = BuildReport(output=project.output)
        lap = _Laps(report.timings)
        if not project.content.is_dir():  # first: a missing folder is what to fix first
            raise BuildError(project.missing_content())
        try:
            config: SiteConfig = load_config(project.config_file)
            if self.base_url and not config.base_url_set:
                config = replace(config, base_url=self.base_url)
            report.base_path = urlsplit(config.base_url).path or "/"
            registry = load_registry(project.registry_source)
            check_output_dir(project.output, project.inputs)
            check_cache_dir(project.cache_dir)
            worker_count()  # a bad DIGEST_WORKERS setting stops the build here
        except (ValueError, RuntimeError) as exc:
            raise BuildError(str(exc)) from None
        if registry.conflicted:
            report.warnings.append(registry_conflict_warning(project.registry_file, self.draft_ids))
        lap("check")
        # Imported before cleaning workers are forked, so that they have it too: they
        # tokenise the articles they clean for the grouper (token_prefetch).
        from digest.group import (
            copy_warning,
            group_stories,
            once_each,
            prime_tokens,
            story_index,
            token_prefetch,
        )

        loaded = state.articles.load(
            project.content,
            stamp.content,
            keep_last_good=self.keep_last_good,
            prefetch=token_prefetch,
            meanwhile=import_later_stages,
        )
        report.errors, report.cleaned, report.reused = loaded.errors, loaded.cleaned, loaded.reused
        articles, copies = once_each(loaded.articles, registry.articles)
        self._loaded = articles
        report.warnings += content_warnings(frozenset(stamp.content))
        report.warnings += link_warnings(project.content, stamp.unread)
        report.warnings += [copy_warning(*copy) for copy in copies]
        report.warnings += future_date_warnings(articles, dt.date.today())
        report.warnings += hijri_date_warnings(articles)
        report.warnings += [f"{a.source}: {note}" for a in articles for note in a.notes]
        report.warnings += config.notes
        if config.outlets:
            seen = (a.outlet for a in articles if a.outlet)
            report.warnings += unused_outlet_names(config.outlets, seen)
        report.changed = [*loaded.changed, *loaded.removed]
        unset = not (config.base_url_set or self.base_url)  # (a preview has its own)
        if strict and (report.errors or unset):  # with the model's absence: all at once
            raise strict_failure(report.errors, missing_model_hint(), unset_base_url=unset)
        if not articles and not self.draft_ids:
            refuse_to_empty(project, registry, report.errors)
        published = registry.known(articles)  # a renamed file keeps its story's id
        drafts = self._drafts.known(articles) if self.draft_ids else {}
        known = self._known(published, articles, drafts)
        lap("read+clean")

        def grouper(articles: Sequence[Article], known: Mapping[str, str]) -> list[Story]:
            prime_tokens(state.articles.prefetched())  # tokens made when each was cleaned
            return group_stories(articles, known)

        # The new articles' own texts are looked up in the translation cache in a worker
        # meanwhile (any others the memo lacks, after a model change, are looked up next).
        fresh = set(loaded.changed)
        ahead = [] if provisional else article_texts([a for a in articles if a.source in fresh])
        with translation_cache_checked(), state.translations.ahead(ahead, project.cache_dir):
            stories, grouping = state.grouping.group(
                articles, known, grouper, provisional=provisional
            )
            stories = keep_headlines(stories, registry.headlines)
            report.regrouped = grouping == "grouped"
            if not self.draft_ids and not project.registry_source.is_file():
                report.warnings += missing_registry_warning(project, stories)
            report.provisional = grouping in ("provisional", "held")
            report.regroup_next = grouping == "provisional"
            lap("group")
            edited = self._edited_stories(stories) if report.provisional else None
            result, report.translations_reused = state.translations.translate(
                texts_to_translate(stories if edited is None else edited),
                project.cache_dir,
                progress=progress,
                prune=edited is None,
            )
        if warning := result.notice or result.message:  # (a notice says the message too)
            if strict:
                raise strict_failure([], warning)
            report.warnings.append(warning)
        lap("translate")
        index = None if report.provisional else story_index(stories)
        # the stories gone since the registry was written: their addresses send readers on
        # (a preview's too, as `digest build` will: its draft IDs get no page, see draft_moves)
        moved = {} if index is None else moved_stories(published, index, registry.moved)
        draft_moves = self.draft_moves
        if self.draft_ids and index is not None:
            shown = moved_stories(drafts, index, self.draft_moves)
            draft_moves = {old: new for old, new in shown.items() if old not in moved}
        files, keys = self._render(
            stories, result.english, result.message, config, report, edited, moved
        )
        lap("render")
        search_keys = {}
        if config.search:
            slugs = [story.slug for story in stories]
            search_keys = self._search(files, slugs, provisional=report.provisional)
        else:
            state.search_behind = False  # no index to bring up to date
        lap("search")

        def save_index() -> None:
            """The story ids beside the site (digest-stories.json), as the site has them;
            a preview's are drafts, kept in memory."""
            if index is None:
                return
            if self.draft_ids:
                self._drafts, self.draft_moves = Registry(index), draft_moves
                return
            unreadable = registry.only(error.path for error in loaded.errors)
            headlines = headline_choices(stories)
            save_registry(project.registry_file, index, articles, unreadable, moved, headlines)

        self._write(files, keys, report, save_index)
        state.search_keys = search_keys
        lap("write")
        if index is not None:  # what the next build's known ids are, the articles unchanged
            state.grouping.registry_saved(
                self._known(published, articles) if self.draft_ids else index
            )
        report.articles = len(articles)
        report.stories = len(stories)
        report.pages = sum(1 for p in state.pages.records if p.endswith(".html"))
        report.translated = result.translated
        report.cached = result.cached
        if not config.base_url_set:
            report.warnings.append(
                f"base_url is not set in digest.toml; feeds and canonical links use "
                f"{config.base_url}"
            )
        exact = not (stamp.racy or report.provisional)
        state.input_digest = self._digest(stamp) if exact else None
        state.summary = summarize(report, result.notice or result.message, unset)
        report.seconds = time.perf_counter() - start
        return report

    def grouping_ahead(self) -> GroupingJob | None:
        """After a provisional build: the exact grouping of its articles, as a job another
        thread can run (:meth:`take_grouping` then hands its stories over). None if there
        is nothing to group or the registry cannot be read (the exact build says why)."""
        if not self._loaded:
            return None
        try:
            registry = load_registry(self.project.registry_source)
            known = self._known(registry.known(self._loaded), self._loaded)
        except ValueError:
            return None
        return GroupingJob(self._loaded, known, self.state.articles.prefetched())

    def _known(
        self,
        published: Mapping[str, str],
        articles: Sequence[Article],
        drafts: Mapping[str, str] | None = None,
    ) -> dict[str, str]:
        """Source -> the story id each article had: ``published``, the registry's
        (:meth:`Registry.known`); for a preview, else the draft id the last preview build
        gave it (``drafts``: ``self._drafts.known(articles)``, if made already), unless its
        story's date has changed since (see :func:`~digest.story_ids.dated_as`: an article's
        own date tells) or it is the name of a pin no article has now (`digest build` would
        mint one)."""
        known = dict(published)
        if not self.draft_ids:
            return known
        if drafts is None:
            drafts = self._drafts.known(articles)
        dates = {a.source: a.date for a in articles}
        pins = {slugify(str(a.story)) for a in articles if a.story is not None}
        kept = {  # (a pin's name, while an article still pins it: a build never saw it)
            source: sid
            for source, sid in drafts.items()
            if source not in known
            and dated_as(sid, dates[source])
            and (is_minted(sid) or sid in pins)
        }
        return {**kept, **known}

    def take_grouping(self, job: GroupingJob, stories: list[Story]) -> bool:
        """Let the next build reuse ``job``'s stories; False (and nothing done) if a build
        came between, so that they are not the latest articles' grouping."""
        if self._loaded is not job.articles:
            return False
        self.state.grouping.offer(job.articles, job.known, stories)
        return True

    def _edited_stories(self, stories: list[Story]) -> list[Story]:
        """For a provisional build: the stories whose articles were edited.

        Only article bodies changed, and the theme shows them on their stories' pages and
        needs their texts translated; the exact build that follows does everything else.
        """
        swapped = self.state.grouping.swapped
        return [s for s in stories if any(a.source in swapped for a in s.articles)]

    def _output_untouched(self) -> bool:
        records = self.state.pages.records
        output = self.project.output
        return bool(records) and all(
            self.state.pages.unchanged_on_disk(output, path) for path in records
        )

    def _render(
        self,
        stories: list[Story],
        english: dict[str, str],
        note: str | None,
        config: SiteConfig,
        report: BuildReport,
        edited: list[Story] | None = None,
        moved: Mapping[str, str] | None = None,
    ) -> tuple[dict[str, bytes | None], dict[str, bytes | None]]:
        """Every output file: its bytes, or None where the file on disk is still right;
        and the render keys of the pages that were rendered. ``moved``: the stories gone,
        whose addresses get a page sending readers on (see :meth:`SiteRenderer.plan`).

        ``edited`` (a provisional build): plan and render just these stories' pages, and
        keep every other file as the last build wrote it, until the exact build; unless
        there is no last build, or the theme or settings changed since: then every page.
        """
        import jinja2

        from digest.render import (
            Page,
            SiteRenderer,
            ThemeError,
            page_direction_problem,
            passthrough_files,
        )
        from digest.search_index import BUNDLE_DIR
        from digest.workers import map_in_workers

        theme = self.project.theme
        memo = self.state.pages
        output = self.project.output
        try:
            salt = _salt(theme, config)
            if self._renderer is None or self._renderer[0] != salt:
                # same theme files and settings: keep Jinja's compiled templates
                self._renderer = (salt, SiteRenderer(theme, config, self._compiled_templates()))
            renderer = self._renderer[1]
            report.warnings.extend(renderer.theme_warnings)
            files: dict[str, bytes | None]
            if edited is not None and not (memo.records and memo.salt == salt):
                edited = None  # no site yet, or new theme or settings: every page, now
            if edited is None:
                # names the reports spell in several ways: the index and query spell them alike
                spellings = name_spellings(stories) if config.search else {}
                plan: list[Page] = renderer.plan(stories, english, note, spellings, moved)
                files = dict.fromkeys(page.file for page in plan)
            else:
                slugs = {story.slug for story in edited}
                plan = renderer.plan_stories(stories, english, note, slugs)
                files = dict.fromkeys(memo.records)
            keys: dict[str, bytes | None] = {}

            def render(page: Page) -> tuple[bytes | None, bytes] | None:
                """The page's key and bytes; None if what is on disk is still right."""
                record = memo.records.get(page.file)
                key = page_key(salt, page.template, page.path, page.context)
                reusable = key is not None and record is not None and record.key == key
                if reusable and memo.unchanged_on_disk(output, page.file):
                    return None
                try:
                    return key, renderer.render_page(page)
                except Exception as exc:  # its message, while it has its traceback
                    variables = renderer.page_variables(page)
                    message = template_error(exc, theme, renderer.strings, variables)
                    if message is None:
                        raise
                    raise BuildError(message) from None

            # Forking a big process costs more than a few renders: use workers when many pages
            # will surely be rendered (new theme or settings, pages not on disk).
            sure = (
                plan
                if memo.salt != salt
                else [p for p in plan if not memo.unchanged_on_disk(output, p.file)]
            )
            rendered = map_in_workers(render, plan, fork=len(sure) >= PARALLEL_MIN_PAGES)
            misdirected = []  # pages whose <html> lacks their language's lang and dir
            for page, done in zip(plan, rendered, strict=True):
                if done is not None:
                    keys[page.file], files[page.file] = done
                    report.rendered += 1
                    lang = page.context.get("lang")
                    html = lang and page.file.endswith(".html")
                    if html and (problem := page_direction_problem(done[1], lang)):
                        misdirected.append(f"{page.file} ({theme / page.template}): {problem}")
            if misdirected:
                more = f" (and {len(misdirected) - 1} other pages)" if len(misdirected) > 1 else ""
                report.warnings.append(
                    f'{misdirected[0]}{more}: keep lang="{{{{ lang }}}}" dir="{{{{ dir }}}}" '
                    "on <html> (base.html), or pages read in another direction and language"
                )
            if edited is not None:
                return files, keys  # the theme's and static/ files too are kept as they are
            memo.salt = salt
            files.update(renderer.static_files)
            bundle = f"{BUNDLE_DIR}/" if config.search else None  # the search index's folder
            static = passthrough_files(self.project.static)
            made = set(files)
            folders = {folder for path in made for folder in _parents(path)} if static else set()
            for path, data in static.items():
                if path in made or path == MARKER or (bundle and path.startswith(bundle)):
                    raise BuildError(
                        f"static/{path} has the same path as a file digest makes; rename it"
                    )
                if path in folders:
                    raise BuildError(
                        f"static/{path} is a file where digest makes a folder ({path}/); rename it"
                    )
                if clash := next((p for p in _parents(path) if p in made), None):
                    raise BuildError(
                        f"static/{path} is in a folder named like a file digest makes "
                        f"({clash}); rename that folder"
                    )
                files[path] = data
        except jinja2.TemplateError as exc:
            raise BuildError(template_error(exc, theme) or f"theme {theme}: {exc}") from None
        except ThemeError as exc:
            raise BuildError(str(exc)) from None
        except (tomllib.TOMLDecodeError, KeyError, OSError) as exc:
            raise BuildError(f"theme {theme}: {type(exc).__name__}: {exc}") from None
        return files, keys

    def _on_disk(self, paths: list[str]) -> bool:
        """Are these output files still exactly what the last build wrote?"""
        output = self.project.output
        return all(self.state.pages.unchanged_on_disk(output, path) for path in paths)

    def _bundle_records(self) -> list[str]:
        """Site paths of the search bundle files on disk from the last build."""
        from digest.search_index import BUNDLE_DIR

        return [path for path in self.state.pages.records if path.startswith(BUNDLE_DIR + "/")]

    def _compiled_templates(self) -> Path | None:
        """The folder of this digest's compiled templates in the cache (those of another
        version of digest or Jinja are removed: its code may compile them otherwise); None
        if it cannot be made."""
        import jinja2

        cache = self.project.cache_dir
        version = hashlib.sha256(f"{code_version()} {jinja2.__version__}".encode()).hexdigest()
        folder = cache / f"templates-{version[:12]}"
        for old in cache.glob("templates-*"):
            if old != folder:
                shutil.rmtree(old, ignore_errors=True)
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError:
            return None
        return folder

    def _search(
        self,
        files: dict[str, bytes | None],
        slugs: list[str],
        *,
        provisional: bool,
    ) -> dict[str, bytes]:
        """Add the Pagefind search bundles to ``files``; return their shard keys.

        A shard is re-indexed when what Pagefind reads of its pages changed (see
        :mod:`digest.search_index`); the shards that need it are indexed side by side. A
        provisional preview build keeps the last bundles; the exact build that follows
        re-indexes the shards of the pages it wrote (even if it writes none itself).
        """
        from digest.search_bundle_cache import BundleCache
        from digest.search_index import BackgroundBundle, SearchIndexError, collect, in_shard

        old = self._bundle_records()
        changed = any(data is not None for path, data in files.items() if path.endswith(".html"))
        behind = self.state.search_behind  # a provisional build wrote pages since indexing
        if provisional:
            self.state.search_behind = behind or changed
        if old and (provisional or (not changed and not behind and self._on_disk(old))):
            files.update(dict.fromkeys(old))  # a provisional build keeps them as they are
            return dict(self.state.search_keys)
        if provisional and not old:
            return {}
        cache = BundleCache(self.project.cache_dir)
        runs = self._index_shards(files, slugs, cache)
        fresh = {
            f: (key, run) for f, (key, run) in runs.items() if isinstance(run, BackgroundBundle)
        }
        for folder, (_, bundle) in runs.items():
            if bundle is None:
                files.update(dict.fromkeys(p for p in old if in_shard(p, folder)))
            elif isinstance(bundle, dict):  # kept from an earlier build of the same pages
                files.update(bundle)
        try:
            files.update(collect([run for _, run in fresh.values()]))
        except SearchIndexError as exc:
            raise BuildError(f"search index: {exc}") from None
        for folder, (key, run) in fresh.items():
            cache.put(folder, key, run.result())
        cache.keep_only((folder, key) for folder, (key, _) in runs.items())
        # Indexed: each shard is indexed again when its pages change. (A failed run leaves
        # this set, so that the next exact build indexes what a provisional one wrote.)
        self.state.search_behind = False
        return {folder: key for folder, (key, _) in runs.items()}

    def _index_shards(
        self,
        files: Mapping[str, bytes | None],
        slugs: list[str],
        cache: BundleCache,
    ) -> dict[str, tuple[bytes, BackgroundBundle | dict[str, bytes] | None]]:
        """Per search shard of these pages: its key, and None where the bundle on disk is
        still right, else the bundle's files kept from an earlier build of the same pages
        (``cache``), else the Pagefind run indexing it (started now)."""
        from digest.search_index import (
            BackgroundBundle,
            as_indexed,
            in_shard,
            search_page_folds,
            shard_key,
            shard_pages,
        )

        output = self.project.output
        pages = {
            path: data if data is not None else (output / path).read_bytes()
            for path, data in files.items()
            if path.endswith(".html")
        }
        old = self._bundle_records()
        runs: dict[str, tuple[bytes, BackgroundBundle | dict[str, bytes] | None]] = {}
        folds = search_page_folds(pages)  # as the search page folds the reader's query
        for folder, shard in shard_pages(pages, slugs).items():
            key = shard_key(shard, folds)
            written = [p for p in old if in_shard(p, folder)]
            if self.state.search_keys.get(folder) == key and written and self._on_disk(written):
                runs[folder] = (key, None)
            else:
                kept = cache.get(folder, key)
                runs[folder] = (key, kept or BackgroundBundle(as_indexed(shard, folds), folder))
        return runs

    def _write(
        self,
        files: dict[str, bytes | None],
        keys: dict[str, bytes | None],
        report: BuildReport,
        with_site: Callable[[], object],
    ) -> None:
        """Write what changed, delete what is gone, remember what is on disk; and
        ``with_site``, as the site goes in (an interrupt waits for both)."""
        memo = self.state.pages
        output = self.project.output
        changed: dict[str, bytes] = {}
        keep: list[str] = []
        for path, data in files.items():
            record = memo.records.get(path)
            if data is None or (
                record is not None
                and record.digest == bytes_digest(data)
                and memo.unchanged_on_disk(output, path)
            ):
                keep.append(path)
            else:
                changed[path] = data
        gone = sorted(set(memo.records) - set(files))
        if not self.in_place and (changed or gone):
            report.warnings += foreign_files_warning(output, files, memo.records)
        # an interrupt meanwhile waits until the new site is in and on_written knows it
        with held():
            if changed or gone or not output.is_dir():
                # a provisional build that keeps every file need not look for others to delete
                prune = bool(gone) or not report.provisional
                try:
                    deleted = update_site(
                        changed, keep, output, in_place=self.in_place, prune=prune
                    )
                except OutputError as exc:  # (the folder it is in may not be written)
                    raise BuildError(str(exc)) from None
                report.pages_deleted = len(set(deleted) | set(gone))
                report.files_changed = sorted({*changed, *deleted, *gone})
            with_site()
            if self.on_written is not None:
                self.on_written()
        report.pages_written = len(changed)
        for path in gone:
            del memo.records[path]
        for path, data in changed.items():
            record = memo.records.setdefault(path, PageRecord(None, b"", None))
            record.digest = bytes_digest(data)
            record.stamp = site_file_stamp((output / path).stat())
        for path, key in keys.items():  # only now: these pages are on disk
            memo.records[path].key = key


def foreign_files_warning(
    output: Path, files: Mapping[str, object], written: Mapping[str, object]
) -> list[str]:
    """Files in the site's folder that digest did not make (added by hand, or by another
    tool), which the new site will not hold: named, so that their loss is not silent.

    ``written``: the files the last build wrote. With no record of them (the build cache
    deleted, or not restored in CI), only files outside the paths digest makes are named:
    a gone story's page or the last search bundle is no stranger's file."""
    foreign = [
        rel
        for rel in tree_stamps(output)  # (none when there is no site yet)
        if rel not in files
        and rel not in written
        and rel != MARKER
        and rel.rsplit("/", 1)[-1] not in SYSTEM_FILES
        and (written or not _made_by_digest(rel))
    ]
    if not foreign:
        return []
    more = f" and {len(foreign) - 5} more" if len(foreign) > 5 else ""
    shown = ", ".join(sorted(foreign)[:5]) + more
    return [
        f"{output} held files digest did not make, which the new site leaves out: {shown} "
        "(a file to publish goes in static/)"
    ]


def _made_by_digest(rel: str) -> bool:
    """Is a site path one of those digest makes: the pages of both languages, the search
    bundle, the theme's static files and the root pages?"""
    from digest.search_index import BUNDLE_DIR

    top = rel.split("/", 1)[0]
    return top in (*LANGS, BUNDLE_DIR, "static") or rel in ("index.html", "404.html", "sitemap.xml")


def missing_registry_warning(project: Project, stories: Sequence[Story]) -> list[str]:
    """The story pages of the last build that this one, without a registry (deleted, or a
    clone where it was never committed), no longer has: their URLs are about to change."""
    pages = project.output / "ar" / "stories"
    published = {p.name for p in pages.iterdir() if p.is_dir()} if pages.is_dir() else set()
    lost = sorted(published - {story.slug for story in stories})
    if not lost:
        return []
    return [
        f"{REGISTRY_FILE} is missing, and {len(lost)} of the site's stories "
        f"{'gets another ID' if len(lost) == 1 else 'get other IDs'} (URLs and feed GUIDs "
        f"change): {', '.join(lost)}. Restore it "
        f"(`git checkout {REGISTRY_FILE}`) and build again, unless these stories are gone"
    ]


def refuse_to_empty(project: Project, registry: Registry, errors: Sequence[ContentError]) -> None:
    """No article to build from, where the last build had stories: a content folder not
    mounted or synced yet, another branch checked out, every file unreadable. Replacing
    the site with an empty one, and the registry with nothing, would lose the stories'
    pages and ids: stop, unless there is neither (a new site)."""
    stories = set(registry.articles.values())
    pages = project.output / "ar" / "stories"
    published = pages.is_dir() and any(pages.iterdir())
    if not stories and not published:
        return
    had = f"{len(stories)} {'story' if len(stories) == 1 else 'stories'}" if stories else "stories"
    why = "no article could be read" if errors else f"{project.content} has no articles"
    listed = "".join(f"\n{error}" for error in errors)
    raise BuildError(
        f"{why}, and the last build had {had}: the site and {REGISTRY_FILE} are left as they "
        f"were (is the content folder mounted, synced, on the right branch?). To publish "
        f"an empty site on purpose, delete {project.output} and {project.registry_file} "
        f"first.{listed}"
    )


def summarize(
    report: BuildReport, translation_note: str | None, unset_base_url: bool = False
) -> dict[str, Any]:
    """What a skipped build reports again: counts, errors and warnings of the last one
    (and what stops a ``--strict`` one)."""
    return {
        "articles": report.articles,
        "stories": report.stories,
        "pages": report.pages,
        "errors": [(e.path, e.message) for e in report.errors],
        "warnings": list(report.warnings),
        "translation_note": translation_note,
        "unset_base_url": unset_base_url,
    }


# A site built to publish (--strict) needs its address: feeds, the sitemap, canonical links.
UNSET_BASE_URL = (
    "base_url is not set (--strict): set it in digest.toml to the address readers will use, "
    'such as base_url = "https://USER.github.io/REPO/"; feeds, the sitemap and canonical '
    "links would point at the preview's address"
)


def strict_failure(
    errors: Sequence[ContentError], translation_note: str | None, *, unset_base_url: bool = False
) -> BuildError:
    """What stops a ``--strict`` build: every unreadable file, a missing translation, and
    no ``base_url``."""
    parts = [UNSET_BASE_URL] if unset_base_url else []
    if errors:
        parts.append("content errors (--strict):\n" + "\n".join(map(str, errors)))
    if translation_note:
        parts.append(f"no translation (--strict): {translation_note}")
    return BuildError("\n".join(parts))


def missing_model_hint() -> str | None:
    """Why no text can be translated (what to run), or None when a model is installed."""
    from digest.translate import installed_model

    found = installed_model()
    return found if isinstance(found, str) else None


def restore_report(summary: dict[str, Any], output: Path, strict: bool) -> BuildReport:
    """The report of a build that found nothing changed since ``summary`` was made."""
    errors = [ContentError(path, message) for path, message in summary["errors"]]
    unset = summary["unset_base_url"]
    if strict and (errors or summary["translation_note"] or unset):
        raise strict_failure(errors, summary["translation_note"], unset_base_url=unset)
    return BuildReport(
        articles=summary["articles"],
        stories=summary["stories"],
        pages=summary["pages"],
        errors=errors,
        warnings=list(summary["warnings"]),
        output=output,
        skipped=True,
    )


def build_site(
    project: Project,
    *,
    strict: bool = False,
    progress: bool = False,
    on_written: Callable[[], object] | None = None,
) -> BuildReport:
    """Build the site into ``project.output``, reusing ``.digest-cache/``. Raises BuildError.

    When no input changed since the last build (and the output is untouched) this only
    ``stat``\\ s the inputs and the output files. ``on_written`` is called as soon as the
    output folder holds the new site (what is left then: saving the story registry and caches).
    """
    start = time.perf_counter()
    with gc_paused():
        builder = Builder(project)
        builder.on_written = on_written
        stamp, digest = builder.stamp()
        if not stamp.racy:
            summary = saved_build_summary(
                project.cache_dir, code_version(), digest, project.output, project.state_tag
            )
            if summary is not None:
                report = restore_report(summary, project.output, strict)
                if on_written is not None:
                    on_written()  # the site is what this build would write
                report.seconds = time.perf_counter() - start
                return report
        builder.state = BuildState.load(project.cache_dir, code_version(), project.state_tag)
        report = builder.build(strict=strict, progress=progress, stamp=stamp)
        builder.state.save(project.cache_dir, project.state_tag)
    report.seconds = time.perf_counter() - start
    return report
