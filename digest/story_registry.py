"""The story registry: which story each article belongs to, kept between builds.

Stored as ``digest-stories.json`` at the site root and meant to be committed with the
content (like a lockfile), it is what keeps story IDs, URLs and feed GUIDs stable when
articles join a story or unrelated articles are added. It also keeps each article's
identity (a digest of its title and first paragraph), so that a file renamed or
moved to a subfolder is known as the article it was and keeps its story's ID; and which
report gives a story its headline, where it has a choice, so that the headline stays as
other stories' reports are added (:func:`keep_headlines`).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from digest.article import Article, Story
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
    :func:`article_identity`), as the last build left them; and the IDs of stories that
    are gone, each with the ID of the story that has its reports now (``moved``: the
    site keeps a page at each old address that sends readers on)."""

    articles: Mapping[str, str] = field(default_factory=dict)
    identities: Mapping[str, str] = field(default_factory=dict)
    conflicted: bool = False  # read from a file with git's conflict markers: both sides
    moved: Mapping[str, str] = field(default_factory=dict)
    # story id -> the source of the report its headline is from, for stories with a choice
    # (see keep_headlines)
    headlines: Mapping[str, str] = field(default_factory=dict)

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


def moved_stories(
    known: Mapping[str, str], index: Mapping[str, str], earlier: Mapping[str, str]
) -> dict[str, str]:
    """Old story ID -> the story that has its reports now, for each story that is gone.

    ``known``: source -> the ID its article had (:meth:`Registry.known`); ``index``: source
    -> its story's ID now; ``earlier``: the moves the registry kept. A story whose reports
    joined another (a report that bridges two stories, two editors' IDs for one event
    merged) or whose pin was renamed moved to the story with most of them (ties: the
    smallest ID); one whose reports are all gone moved nowhere (its page is gone). Earlier
    moves follow their story on, and end where an ID is a story's again."""
    live = set(index.values())
    holders: dict[str, Counter[str]] = {}
    for source, old in known.items():
        if old not in live and source in index:
            holders.setdefault(old, Counter())[index[source]] += 1
    moved = {old: min(count, key=lambda sid: (-count[sid], sid)) for old, count in holders.items()}
    for old, target in earlier.items():
        target = moved.get(target, target)
        if old not in live and old not in moved and target in live:
            moved[old] = target
    return dict(sorted(moved.items()))


def keep_headlines(stories: Sequence[Story], headlines: Mapping[str, str]) -> list[Story]:
    """The stories, each with the headline it had (``headlines``: story id -> the source
    of its headline report, as :func:`headline_choices` saved them) while that report is
    still one its headline may stay with (:attr:`Story.headline_pool`): adding reports of
    other stories does not flip a story's headline back and forth."""
    kept = []
    for story in stories:
        source = headlines.get(story.id)
        if source in story.headline_pool:
            title = next(a.title for a in story.articles if a.source == source)
            story = story if title == story.headline else replace(story, headline=title)
        kept.append(story)
    return kept


def headline_choices(stories: Iterable[Story]) -> dict[str, str]:
    """Story id -> the source of the report its headline is from, for the stories whose
    headline has a choice (a :attr:`Story.headline_pool`), to save in the registry."""
    choices = {}
    for story in stories:
        titles = {a.source: a.title for a in story.articles}
        source = next((s for s in story.headline_pool if titles[s] == story.headline), None)
        if source is not None:
            choices[story.id] = source
    return choices


def _by_identity(pairs: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Identity -> source, for the identities that one source alone has."""
    pairs = list(pairs)
    count = Counter(identity for identity, _ in pairs)
    return {identity: source for identity, source in pairs if count[identity] == 1}


def load_registry(path: Path) -> Registry:
    """The registry in ``path``; empty when there is none yet. A file left with git's
    conflict markers (two editors' builds merged) is read as both sides together."""
    if not path.is_file():
        return Registry()
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise _not_json(path, exc) from None
    if _CONFLICT.search(text):
        sides = [_registry_data(path, side, mend=True) for side in _conflict_sides(path, text)]
        return _union(sides)
    return _registry_data(path, text)


_CONFLICT = re.compile(r"^<{7}(?: |$)", re.MULTILINE)
_MARKER = re.compile(r"^(<{7}|\|{7}|={7}|>{7})(?: |$)")


def _conflict_sides(path: Path, text: str) -> tuple[str, str]:
    """The two sides of a file with git's conflict markers (a diff3 base is left out)."""
    ours: list[str] = []
    theirs: list[str] = []
    where = "both"
    for line in text.splitlines(keepends=True):
        marker = _MARKER.match(line)
        if marker:
            where = {"<": "ours", "|": "base", "=": "theirs", ">": "both"}[marker[1][0]]
            continue
        if where in ("both", "ours"):
            ours.append(line)
        if where in ("both", "theirs"):
            theirs.append(line)
    if where != "both":
        raise RegistryError(f"{path.name} has a conflict marker without its end (>>>>>>>)")
    return "".join(ours), "".join(theirs)


def _not_json(path: Path, exc: ValueError) -> RegistryError:
    """The error of a registry file that cannot be read as JSON, and what to do."""
    return RegistryError(
        f"{path.name} is not valid JSON ({exc}); fix it or restore it from version control"
    )


def _registry_data(path: Path, text: str, mend: bool = False) -> Registry:
    """The registry that ``text`` holds. ``mend``: one side of a conflict, which may lack
    a comma between two entries, or have one after the last: both are forgiven."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        if not mend:
            raise _not_json(path, exc) from None
        mended = re.sub(r'(["}])[ \t]*\n(\s*")', r"\1,\n\2", text)
        mended = re.sub(r",(\s*[}\]])", r"\1", mended)
        try:
            data = json.loads(mended)
        except json.JSONDecodeError:
            raise _not_json(path, exc) from None
    stories = data.get("articles") if isinstance(data, dict) else None
    identities = data.get("identities", {}) if isinstance(data, dict) else None
    moved = data.get("moved", {}) if isinstance(data, dict) else None
    headlines = data.get("headlines", {}) if isinstance(data, dict) else None
    if not all(
        isinstance(table, dict)
        and all(isinstance(k, str) and isinstance(v, str) for k, v in table.items())
        for table in (stories, identities, moved, headlines)
    ):
        raise RegistryError(
            f'{path.name} must hold {{"articles": {{source: story id}}, '
            '"identities": {source: identity}} (and "moved": {old story id: story id}, '
            '"headlines": {story id: source})'
        )
    return Registry(stories, identities, moved=moved, headlines=headlines)  # type: ignore[arg-type]


def _union(sides: Sequence[Registry]) -> Registry:
    """Every entry of either side; an article the two sides give different stories has
    the smaller ID (the older story's, for minted IDs), whichever side merged which."""
    stories: dict[str, str] = {}
    identities: dict[str, str] = {}
    moved: dict[str, str] = {}
    headlines: dict[str, str] = {}
    for side in sides:
        for source, story in side.articles.items():
            stories[source] = min(story, stories.get(source, story))
        for source, identity in side.identities.items():
            identities[source] = min(identity, identities.get(source, identity))
        for old, story in side.moved.items():
            moved[old] = min(story, moved.get(old, story))
        for story, source in side.headlines.items():
            headlines[story] = min(source, headlines.get(story, source))
    return Registry(stories, identities, conflicted=True, moved=moved, headlines=headlines)


def registry_conflict_warning(path: Path, preview: bool) -> str:
    """What to tell an editor whose registry has git's conflict markers."""
    done = (
        "`digest build` writes it merged"
        if preview
        else f"it is written merged now: `git add {path.name}` to conclude the merge"
    )
    return (
        f"{path.name} has git's conflict markers (two builds merged): the story IDs of "
        f"both sides are kept; {done}"
    )


def save_registry(
    path: Path,
    stories: Mapping[str, str],
    articles: Sequence[Article],
    kept: Registry | None = None,
    moved: Mapping[str, str] | None = None,
    headlines: Mapping[str, str] | None = None,
) -> None:
    """Write the registry (``stories``: source -> story id; ``moved``: see
    :func:`moved_stories`; ``headlines``: see :func:`headline_choices`) atomically, only if
    it changed.

    ``kept``: entries of the last registry to carry over as they were, for articles that
    are still there but could not be read this time (a broken file keeps its story's id
    until it is fixed)."""
    identities = {a.source: article_identity(a) for a in articles if a.source in stories}
    if kept is not None:
        stories = {**kept.articles, **stories}
        identities = {**kept.identities, **identities}
    data: dict[str, dict[str, str]] = {
        "articles": dict(sorted(stories.items())),
        "identities": dict(sorted(identities.items())),
    }
    if moved:  # (a registry with no move is written as before moves were kept)
        data["moved"] = dict(sorted(moved.items()))
    if headlines:  # (nor with no story whose headline has a choice)
        data["headlines"] = dict(sorted(headlines.items()))
    text = json.dumps(data, ensure_ascii=False, indent=1) + "\n"
    if path.is_file() and path.read_text(encoding="utf-8") == text:
        return
    write_atomically(path, text.encode("utf-8"))
