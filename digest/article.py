"""Plain data passed between the pipeline stages: sources, articles, stories.

Stages only exchange these frozen dataclasses, so each stage can be tested alone:

    read_sources -> SourceFile -> clean_article -> Article -> group_stories -> Story
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

BlockKind = Literal["heading", "paragraph", "list", "quote", "table"]


@dataclass(frozen=True)
class Block:
    """One block of an article body: a subheading, a paragraph, a quotation (a Markdown
    ``>`` block: its paragraphs are ``items``), a list of items (numbered from ``start``
    when ``ordered``) or a table (``rows`` of cells, the first row its header)."""

    kind: BlockKind
    text: str = ""
    items: tuple[str, ...] = ()
    ordered: bool = False
    start: int = 1  # a numbered list's first number
    rows: tuple[tuple[str, ...], ...] = ()

    def texts(self) -> tuple[str, ...]:
        """Its texts as a page shows them one by one: the text, each item or each cell."""
        if self.kind in ("list", "quote"):
            return self.items
        if self.kind == "table":
            return tuple(cell for row in self.rows for cell in row if cell)
        return (self.text,)

    def plain_text(self) -> str:
        """The block's text: list items, table rows, joined by newlines."""
        if self.kind == "table":
            return "\n".join(" | ".join(row) for row in self.rows)
        return "\n".join(self.items) if self.kind in ("list", "quote") else self.text

    def to_json(self) -> dict[str, Any]:
        if self.kind == "list":
            numbered = {"ordered": True} if self.ordered else {}
            if self.ordered and self.start != 1:
                numbered["start"] = self.start
            return {"type": "list", **numbered, "items": list(self.items)}
        if self.kind == "quote":
            return {"type": "quote", "paragraphs": list(self.items)}
        if self.kind == "table":
            return {"type": "table", "rows": [list(row) for row in self.rows]}
        return {"type": self.kind, "text": self.text}


@dataclass(frozen=True)
class SourceFile:
    """An article file as read from ``content/``, before cleaning.

    ``meta`` holds the front matter of a Markdown file merged with the keys of an
    optional ``<stem>.yaml`` sidecar (which wins). ``fingerprint`` changes whenever
    the file or one of its sidecars changes.
    """

    path: str  # relative to the content folder, POSIX separators
    text: str
    format: Literal["txt", "md"]
    meta: dict[str, Any] = field(default_factory=dict)
    fingerprint: str = ""
    english: str | None = None  # human translation sidecar (<stem>.en.md), raw Markdown
    english_problem: str | None = None  # why a sidecar that is there could not be read
    front_matter: bool = False  # the Markdown file opens with a front matter block


@dataclass(frozen=True)
class Article:
    """A cleaned article: only what a reader should see, plus its metadata."""

    source: str
    title: str
    title_derived: bool
    outlet: str | None
    date: dt.date | None
    lang: str
    body: tuple[Block, ...]
    url: str | None = None
    story: str | None = None  # editor's pin: front matter ``story:``
    english: str | None = None  # human translation (Markdown) that replaces machine output
    notes: tuple[str, ...] = ()  # what cleaning left out that may be the article's (warnings)

    def texts(self) -> Iterator[str]:
        """Its texts as pages show them one by one: the title, then each heading,
        paragraph, quotation, list item and table cell."""
        yield self.title
        for block in self.body:
            yield from block.texts()

    def to_json(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "title": self.title,
            "title_derived": self.title_derived,
            "outlet": self.outlet,
            "date": self.date.isoformat() if self.date else None,
            "lang": self.lang,
            "url": self.url,
            "story": self.story,
            "body": [b.to_json() for b in self.body],
            **({"notes": list(self.notes)} if self.notes else {}),
        }


@dataclass(frozen=True)
class Story:
    """One news event: the articles that report it, with a headline and a summary."""

    id: str  # stable: never changes when articles join or unrelated ones are added
    slug: str  # URL segment, /<lang>/stories/<slug>/
    headline: str
    date: dt.date | None
    articles: tuple[Article, ...]
    summary: tuple[str, ...]  # Arabic sentences chosen from across the articles
    related: tuple[str, ...] = ()  # ids of stories with the same actors, other events
    # sources of the reports whose title may stay its headline: see keep_headlines
    headline_pool: tuple[str, ...] = ()

    @property
    def last_date(self) -> dt.date | None:
        """The day of its latest report (``date`` is its first); None if undated."""
        return max((a.date for a in self.articles if a.date), default=None)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "slug": self.slug,
            "headline": self.headline,
            "date": self.date.isoformat() if self.date else None,
            "articles": [a.source for a in self.articles],
            "summary": list(self.summary),
            "related": list(self.related),
        }
