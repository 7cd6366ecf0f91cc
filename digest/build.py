"""Wire the stages together: read -> clean -> group -> translate -> render -> write."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from digest.article import Article, Story
from digest.clean import CleaningError, clean_article
from digest.config import SiteConfig, load_config
from digest.group import group_stories, story_index
from digest.output import check_output_dir, write_site
from digest.render import SiteRenderer
from digest.source import ContentError, read_sources
from digest.story_registry import REGISTRY_FILE, load_registry, save_registry
from digest.translate import TranslationResult, translate_texts

CACHE_DIR = ".digest-cache"


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


@dataclass(frozen=True)
class Project:
    """Where a site's inputs and outputs live."""

    root: Path
    content: Path
    output: Path

    @classmethod
    def at(cls, root: Path, content: Path | None = None, output: Path | None = None) -> Project:
        return cls(root=root, content=content or root / "content", output=output or root / "site")

    @property
    def config_file(self) -> Path:
        return self.root / "digest.toml"

    @property
    def registry_file(self) -> Path:
        return self.root / REGISTRY_FILE

    @property
    def cache_dir(self) -> Path:
        return self.root / CACHE_DIR

    @property
    def theme(self) -> Path:
        """The site's own ``templates/`` if it has one, else the default theme."""
        own = self.root / "templates"
        return own if own.is_dir() else default_theme()


def default_theme() -> Path:
    """The theme shipped in the wheel, or the repository's ``templates/`` in a checkout."""
    packaged = Path(__file__).parent / "theme"
    return packaged if packaged.is_dir() else Path(__file__).parent.parent / "templates"


def load_articles(content: Path) -> tuple[list[Article], list[ContentError]]:
    """Read and clean every article; files that fail are reported, the rest go on."""
    sources, errors = read_sources(content)
    articles: list[Article] = []
    for source in sources:
        try:
            articles.append(clean_article(source))
        except CleaningError as exc:
            errors.append(ContentError(source.path, str(exc)))
    return articles, errors


def texts_to_translate(stories: list[Story]) -> list[str]:
    """Every distinct Arabic text the English pages need, in page order."""
    seen: dict[str, None] = {}
    for story in stories:
        seen.update(dict.fromkeys([story.headline, *story.summary]))
        for article in story.articles:
            if article.english is not None:
                continue
            seen[article.title] = None
            for block in article.body:
                seen.update(dict.fromkeys(block.items if block.kind == "list" else [block.text]))
    seen.pop("", None)
    return list(seen)


def build_site(project: Project, *, strict: bool = False, progress: bool = False) -> BuildReport:
    """Build the whole site into ``project.output``. Raises :class:`BuildError`."""
    start = time.perf_counter()
    try:
        config: SiteConfig = load_config(project.config_file)
        known = load_registry(project.registry_file)
        check_output_dir(project.output, [project.content, project.root / "templates"])
    except ValueError as exc:
        raise BuildError(str(exc)) from None
    except RuntimeError as exc:
        raise BuildError(str(exc)) from None
    if not project.content.is_dir():
        raise BuildError(f"content folder {project.content} does not exist")
    report = BuildReport(output=project.output)
    articles, report.errors = load_articles(project.content)
    if strict and report.errors:
        raise BuildError("content errors (--strict):\n" + "\n".join(map(str, report.errors)))
    stories = group_stories(articles, known)
    result: TranslationResult = translate_texts(
        texts_to_translate(stories), project.cache_dir, progress=progress
    )
    if result.message:
        if strict:
            raise BuildError(result.message)
        report.warnings.append(result.message)
    renderer = SiteRenderer(project.theme, config)
    pages = renderer.render(stories, result.english, result.message)
    write_site(pages, project.output)
    save_registry(project.registry_file, story_index(stories))
    report.articles = len(articles)
    report.stories = len(stories)
    report.pages = sum(1 for p in pages if p.endswith(".html"))
    report.translated = result.translated
    report.cached = result.cached
    if not config.base_url_set:
        report.warnings.append(
            f"base_url is not set in digest.toml; feeds and canonical links use {config.base_url}"
        )
    report.seconds = time.perf_counter() - start
    return report
