"""Render stories to pages: HTML, RSS feeds and a sitemap, all from Jinja templates.

The result is a mapping of site paths (``ar/stories/<slug>/index.html``) to bytes; writing
it to disk is :mod:`digest.output`'s job. Templates are autoescaped, and Markdown (human
translations) goes through markdown-it-py with raw HTML disabled, so article text can never
inject markup.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import posixpath
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jinja2
from babel.dates import format_date
from markdown_it import MarkdownIt

from digest.article import Article, Block, Story
from digest.config import LANGS, SiteConfig
from digest.source import split_front_matter

DIRECTION = {"ar": "rtl", "en": "ltr"}
OTHER = {"ar": "en", "en": "ar"}

_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})


def markdown_to_html(text: str) -> str:
    """Render Markdown with raw HTML disabled (it is shown as text)."""
    return _markdown.render(text)


def story_path(lang: str, story: Story) -> str:
    """Site path (directory URL) of a story page."""
    return f"{lang}/stories/{story.slug}/"


def rfc822(day: dt.date) -> str:
    """RFC 822 date for RSS (midnight UTC of the event day)."""
    return email.utils.format_datetime(dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC))


def human_date(day: dt.date | None, lang: str) -> str:
    """``17 يناير 2025`` / ``17 January 2025``; empty for undated."""
    return format_date(day, "d MMMM y", locale=lang) if day else ""


@dataclass(frozen=True)
class Text:
    """A piece of display text; ``missing`` when its translation is not available."""

    value: str
    missing: bool = False

    def __str__(self) -> str:
        return self.value


class Localizer:
    """Gives each Arabic text in the wanted language (English from the translations)."""

    def __init__(self, lang: str, english: Mapping[str, str]) -> None:
        self.lang = lang
        self.english = english

    def __call__(self, arabic: str) -> Text:
        if self.lang == "ar":
            return Text(arabic)
        value = self.english.get(arabic)
        return Text(value, False) if value is not None else Text("", True)


def _block_view(block: Block, loc: Localizer) -> dict[str, Any]:
    if block.kind == "list":
        return {"kind": "list", "items": [loc(i) for i in block.items]}
    return {"kind": block.kind, "text": loc(block.text)}


def _human_translation(article: Article) -> tuple[str | None, str]:
    """Title (from front matter, if any) and HTML body of an editor's English sidecar."""
    assert article.english is not None
    try:
        meta, body = split_front_matter(article.english)
    except ValueError:
        meta, body = {}, article.english
    return meta.get("title"), markdown_to_html(body)


def _article_view(article: Article, lang: str, loc: Localizer) -> dict[str, Any]:
    view: dict[str, Any] = {
        "source": article.source,
        "url": article.url,
        "outlet": article.outlet,
        "date": article.date,
        "date_text": human_date(article.date, lang),
        "title": loc(article.title),
        "blocks": [_block_view(b, loc) for b in article.body],
        "html": None,
        "human": False,
    }
    if lang == "en" and article.english is not None:
        title, html = _human_translation(article)
        view.update(html=html, human=True, blocks=[])
        if title:
            view["title"] = Text(title)
    return view


def _story_view(story: Story, lang: str, loc: Localizer) -> dict[str, Any]:
    outlets = sorted({a.outlet for a in story.articles if a.outlet})
    return {
        "id": story.id,
        "slug": story.slug,
        "path": story_path(lang, story),
        "counterpart": story_path(OTHER[lang], story),
        "headline": loc(story.headline),
        "headline_ar": story.headline,
        "date": story.date,
        "date_text": human_date(story.date, lang),
        "rfc822": rfc822(story.date) if story.date else None,
        "outlets": outlets,
        "summary": [loc(s) for s in story.summary],
        "article_count": len(story.articles),
    }


class SiteRenderer:
    """Renders every page of the site from a theme folder."""

    def __init__(self, theme: Path, config: SiteConfig) -> None:
        self.theme = theme
        self.config = config
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(str(theme)),
            autoescape=jinja2.select_autoescape(["html", "xml"]),
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
        )
        self.env.globals.update(url=_relative_url, absolute=config.absolute)

    @cached_property
    def strings(self) -> dict[str, dict[str, str]]:
        """UI labels per language, from the theme's ``strings.toml``."""
        data = tomllib.loads((self.theme / "strings.toml").read_text(encoding="utf-8"))
        return {lang: data[lang] for lang in LANGS}

    def _page(self, template: str, path: str, **context: Any) -> bytes:
        lang = context.get("lang")
        html = self.env.get_template(template).render(
            page_path=path,
            site=self.config,
            t=self.strings.get(lang, {}) if lang else self.strings,
            strings=self.strings,
            dir=DIRECTION.get(lang or "", "ltr"),
            other=OTHER.get(lang or ""),
            **context,
        )
        return html.encode("utf-8")

    def render(
        self, stories: list[Story], english: Mapping[str, str], translation_note: str | None
    ) -> dict[str, bytes]:
        """All pages of the site, keyed by site path."""
        pages: dict[str, bytes] = {}
        by_id = {s.id: s for s in stories}
        views: dict[str, list[dict[str, Any]]] = {}
        for lang in LANGS:
            loc = Localizer(lang, english)
            views[lang] = [_story_view(s, lang, loc) for s in stories]
            view_by_id = {v["id"]: v for v in views[lang]}
            common = {"lang": lang, "translation_note": translation_note}
            pages[f"{lang}/index.html"] = self._page(
                "front.html",
                f"{lang}/",
                stories=views[lang],
                counterpart=f"{OTHER[lang]}/",
                **common,
            )
            for index, (story, view) in enumerate(zip(stories, views[lang], strict=True)):
                articles = [_article_view(a, lang, loc) for a in story.articles]
                related = [view_by_id[r] for r in story.related if r in by_id]
                newer = views[lang][index - 1] if index > 0 else None
                older = views[lang][index + 1] if index + 1 < len(stories) else None
                pages[view["path"] + "index.html"] = self._page(
                    "story.html",
                    view["path"],
                    story=view,
                    articles=articles,
                    related=related,
                    newer=newer,
                    older=older,
                    counterpart=view["counterpart"],
                    **common,
                )
            feed_stories = views[lang][: self.config.feed_items]
            pages[f"{lang}/feed.xml"] = self._page(
                "feed.xml",
                f"{lang}/feed.xml",
                stories=feed_stories,
                last_date=max((s["date"] for s in views[lang] if s["date"]), default=None),
                rfc822=rfc822,
                **common,
            )
        pages["index.html"] = self._page(
            "root.html", "", latest={lang: views[lang][:5] for lang in LANGS}, lang=None
        )
        pages["404.html"] = self._page("404.html", "404.html", lang=None)
        pages["sitemap.xml"] = self._page(
            "sitemap.xml", "sitemap.xml", stories=views["ar"], lang=None
        )
        for asset in sorted((self.theme / "static").rglob("*")):
            if asset.is_file():
                pages["static/" + asset.relative_to(self.theme / "static").as_posix()] = (
                    asset.read_bytes()
                )
        return pages


@jinja2.pass_context
def _relative_url(context: jinja2.runtime.Context, target: str) -> str:
    """URL of site path ``target`` relative to the page being rendered.

    Relative links keep the site working under any base path and from a plain folder.
    The 404 page is served at arbitrary URLs, so it links from the site root instead.
    """
    page: str = context["page_path"]
    if page == "404.html":
        return urlsplit(context["site"].base_url).path + target
    base = page if (page == "" or page.endswith("/")) else posixpath.dirname(page)
    rel = posixpath.relpath(target or ".", base or ".")
    if (target == "" or target.endswith("/")) and not rel.endswith("/"):
        rel += "/"
    return rel
