"""Group cleaned articles into stories. (First-stage version: one story per article.)"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence

from digest.article import Article, Story


def group_stories(
    articles: Sequence[Article], known: Mapping[str, str] | None = None
) -> list[Story]:
    """Return stories, newest first; articles pinned with ``story:`` share one story."""
    groups: dict[str, list[Article]] = {}
    for article in sorted(articles, key=lambda a: a.source):
        key = article.story or article.source
        groups.setdefault(key, []).append(article)
    stories = []
    for key, members in groups.items():
        sid = hashlib.sha1(key.encode()).hexdigest()[:10]
        lead = members[0]
        dates = [a.date for a in members if a.date]
        stories.append(
            Story(
                id=sid,
                slug=sid,
                headline=lead.title,
                date=min(dates) if dates else None,
                articles=tuple(members),
                summary=tuple(b.text for b in lead.body[:1] if b.kind == "paragraph"),
            )
        )
    stories.sort(key=lambda s: (s.date is not None, s.date, s.id), reverse=True)
    return stories


def story_index(stories: Sequence[Story]) -> dict[str, str]:
    """Article source -> story id, for the story registry."""
    return {a.source: s.id for s in stories for a in s.articles}
