"""Stable story IDs: reuse the ID a story had in the last build, mint new ones deterministically.

Stateless IDs (a hash of the members, say) change whenever an article joins, so the
build keeps a registry (article source -> story id, :mod:`digest.story_registry`) and
passes it here as ``known``. A group keeps the ID most of its members had (ties: the
smallest ID, which for minted IDs is the oldest date); when a story splits, the part
with more old members keeps the ID. New groups get ``<date>-<hash>`` (or
``undated-<hash>``), the hash taken over their first report's source (earliest date,
then file name): a story that later reports joined gets the same ID again from a build
without the registry (a fresh clone where it was never committed, or deleted). Editor
pins (front matter ``story: <id>``) are the ID itself, slugified to ASCII.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

_NOT_SLUG = re.compile(r"[^a-z0-9]+")


@dataclass(frozen=True)
class Group:
    """What ID assignment needs to know about one group of articles."""

    sources: tuple[str, ...]
    date: dt.date | None
    pin: str | None = None
    first: str | None = None  # the source of its first report (None: hash all sources)


# A story's ID is a folder's name, which file systems keep to 255 bytes; a longer pin
# becomes an ID of at most _SHORTENED characters.
_LONGEST_NAME = 255
_SHORTENED = 80


def slugify(text: str) -> str:
    """ASCII, URL-safe form of an editor's story pin; non-Latin pins become ``story-<hash>``."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = _NOT_SLUG.sub("-", ascii_text.lower()).strip("-")
    if len(slug) > _LONGEST_NAME:
        # Too long for a folder's name (a headline pasted as the pin): no build ever made
        # a page for it, so shortening it moves no story. Its start and a hash of it.
        return (
            slug[: _SHORTENED - 9].rstrip("-") + "-" + hashlib.sha1(slug.encode()).hexdigest()[:8]
        )
    return slug or "story-" + hashlib.sha1(text.encode()).hexdigest()[:8]


_MINTED = re.compile(r"(\d{4}-\d\d-\d\d|undated)-[0-9a-f]{6,40}(?:-\d+)?")


def date_prefix(date: dt.date | None) -> str:
    """How a minted ID begins: its story's date, or ``undated``."""
    return date.isoformat() if date else "undated"


def is_minted(story_id: str) -> bool:
    """Was this ID minted by digest (``<date>-<hash>``), not an editor's pin?"""
    return _MINTED.fullmatch(story_id) is not None


def dated_as(story_id: str, date: dt.date | None) -> bool:
    """Does a minted ID's date prefix say ``date``? (True for an ID not minted: a pin.)"""
    minted = _MINTED.fullmatch(story_id)
    return minted is None or minted[1] == date_prefix(date)


def mint_id(group: Group, taken: set[str]) -> str:
    """A new ID for a group: its date and a hash of its first report's source (else of
    all its member sources)."""
    prefix = date_prefix(group.date)
    seed = group.first if group.first is not None else "\n".join(sorted(group.sources))
    digest = hashlib.sha1(seed.encode()).hexdigest()
    for length in (6, 10, 40):
        candidate = f"{prefix}-{digest[:length]}"
        if candidate not in taken:
            return candidate
    n = 2
    while f"{prefix}-{digest}-{n}" in taken:
        n += 1
    return f"{prefix}-{digest}-{n}"


def assign_ids(groups: Sequence[Group], known: Mapping[str, str] | None = None) -> list[str]:
    """One ID per group, in the groups' order; IDs are unique."""
    known = known or {}
    ids: list[str | None] = [None] * len(groups)
    taken: set[str] = set()
    for i, group in enumerate(groups):
        if group.pin is not None:
            ids[i] = slugify(group.pin)
            taken.add(ids[i])
    claims = []  # (-members holding the id, id, group's first source, group index)
    for i, group in enumerate(groups):
        if ids[i] is None:
            held = Counter(known[s] for s in group.sources if s in known)
            claims += [(-n, sid, min(group.sources), i) for sid, n in held.items()]
    for _, sid, _, i in sorted(claims):
        if ids[i] is None and sid not in taken:
            ids[i] = sid
            taken.add(sid)
    order = sorted(range(len(groups)), key=lambda i: min(groups[i].sources))
    for i in order:
        if ids[i] is None:
            ids[i] = mint_id(groups[i], taken)
            taken.add(ids[i])
    return [sid for sid in ids if sid is not None]
