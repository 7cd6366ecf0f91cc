"""The story registry: which story each article belongs to, kept between builds.

Stored as ``digest-stories.json`` at the site root and meant to be committed with the
content (like a lockfile), it is what keeps story IDs, URLs and feed GUIDs stable when
articles join a story or unrelated articles are added. It also keeps each article's
identity (a digest of its title and first paragraph), so that a file renamed or
moved to a subfolder is known as the article it was and keeps its story's ID.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from digest.article import Article
from digest.output import write_atomically

REGISTRY_FILE = "digest-stories.json"


class RegistryError(ValueError):
    """The registry file exists but cannot be used."""


def article_identity(article: Article) -> str:
    """What tells an article from others whatever its file is called: a digest of its
    title and first paragraph (an edit further down keeps it)."""
    lead = article.body[0].plain_text() if article.body else ""
    return hashlib.sha256(f"{article.title}\n{lead}".encode()).hexdigest()[:16]


@dataclass(frozen=True)
class Registry:
    """Article source path -> story id, and source path -> identity (see
    :func:`article_identity`), as the last build left them."""

    articles: Mapping[str, str] = field(default_factory=dict)
    identities: Mapping[str, str] = field(default_factory=dict)

    def known(self, articles: Sequence[Article]) -> dict[str, str]:
        """Source -> the story id each of these articles had: a renamed or moved file (a
        new path, whose identity is that of exactly one path that is gone) has the id its
        old path had."""
        known = {a.source: self.articles[a.source] for a in articles if a.source in self.articles}
        present = {a.source for a in articles}
        old = [s for s in self.articles if s not in present and s in self.identities]
        gone = _by_identity((self.identities[s], s) for s in old)
        unknown = [a for a in articles if a.source not in known]
        new = _by_identity((article_identity(a), a.source) for a in unknown)
        for identity, source in new.items():
            if identity in gone:
                known[source] = self.articles[gone[identity]]
        return known

    def only(self, sources: Iterable[str]) -> Registry:
        """The entries of these sources alone."""
        wanted = [s for s in sources if s in self.articles]
        return Registry(
            {s: self.articles[s] for s in wanted},
            {s: self.identities[s] for s in wanted if s in self.identities},
        )


def _by_identity(pairs: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Identity -> source, for the identities that one source alone has."""
    pairs = list(pairs)
    count = Counter(identity for identity, _ in pairs)
    return {identity: source for identity, source in pairs if count[identity] == 1}


def load_registry(path: Path) -> Registry:
    """The registry in ``path``; empty when there is none yet."""
    if not path.is_file():
        return Registry()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise RegistryError(
            f"{path.name} is not valid JSON ({exc}); fix it or restore it from version control"
        ) from None
    stories = data.get("articles") if isinstance(data, dict) else None
    identities = data.get("identities", {}) if isinstance(data, dict) else None
    if not all(
        isinstance(table, dict)
        and all(isinstance(k, str) and isinstance(v, str) for k, v in table.items())
        for table in (stories, identities)
    ):
        raise RegistryError(
            f'{path.name} must hold {{"articles": {{source: story id}}, '
            '"identities": {source: identity}}'
        )
    return Registry(stories, identities)  # type: ignore[arg-type]


def save_registry(
    path: Path,
    stories: Mapping[str, str],
    articles: Sequence[Article],
    kept: Registry | None = None,
) -> None:
    """Write the registry (``stories``: source -> story id) atomically, only if it changed.

    ``kept``: entries of the last registry to carry over as they were, for articles that
    are still there but could not be read this time (a broken file keeps its story's id
    until it is fixed)."""
    identities = {a.source: article_identity(a) for a in articles if a.source in stories}
    if kept is not None:
        stories = {**kept.articles, **stories}
        identities = {**kept.identities, **identities}
    data = {
        "articles": dict(sorted(stories.items())),
        "identities": dict(sorted(identities.items())),
    }
    text = json.dumps(data, ensure_ascii=False, indent=1) + "\n"
    if path.is_file() and path.read_text(encoding="utf-8") == text:
        return
    write_atomically(path, text.encode("utf-8"))
