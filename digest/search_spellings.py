"""Spellings of one name, for search: a reader who types either finds both.

Reports spell foreign names in several ways (مسعود بزشكيان and مسعود بيزشكيان). Grouping
folds every word by its consonant skeleton (:func:`~digest.story_features.skeleton`), but
search cannot: so folded, مصر would find مصير. Search folds only the spellings that the
reports themselves show to be one name: in the ledes of one story's reports
(:func:`~digest.story_features.lede_principals`: names introduced by a title), two full
names alike but for the family name, which one report writes one way and another report
the other way, one spelling being the other with long vowels left out (نتنياهو, نتانياهو)
or with the Persian چ written ج in one and تش in the other (عراقجي, عراقتشي), both of six
letters or more. Not a first name (محمد عباس and محمود عباس are two people), nor
a vowel for another (سعيد, سعود), nor a short word, which a long vowel often makes another
word or name (مصنع, مصانع; أحمد محمد, أحمد محمود): such names are searched as written.
Each spelling maps to the one the site uses most, written plainly (no diacritics).

:func:`name_spellings` finds them, as written on the pages (Persian letters folded, as the
search index reads them); :func:`fold_spellings` puts the common spelling in place of the
others, in the pages the search index reads and, in the search page's script, in the
reader's query (:data:`PREFIXES` is the same there).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from functools import lru_cache
from typing import TYPE_CHECKING

from digest.normalize import VARIANT_LETTERS, normalize_arabic, strip_marks

if TYPE_CHECKING:  # grouping's modules are imported where used: the search index needs none
    from digest.article import Article, Story

# Letters glued before a name (و, ف; ب, ل, ك; ال and its forms): the name is folded after them.
PREFIXES = "[وف]?(?:بال|كال|ال|لل|[بلك])?"
LONG_VOWELS = "اوي"
# of each spelling: shorter ones are too often Arabic words or names that a long vowel
# changes (مصنع/مصانع, مجلس/مجالس, محمد/محمود); foreign names that reports spell two ways
# are longer (بزشكيان, نتنياهو, زيلنسكي)
MIN_LETTERS = 6
# Shorter names known to be spelt both ways, still only where the reports show it
# (دونالد ترامب, دونالد ترمب): the most common pair in Arabic news.
SHORT_NAME_SPELLINGS = frozenset({frozenset({normalize_arabic("ترامب"), normalize_arabic("ترمب")})})

_EDGES = re.compile(r"^[\W_]+|[\W_]+$")  # punctuation, quotes, dashes around a word
_LETTERS = str.maketrans(VARIANT_LETTERS)


def name_spellings(stories: Iterable[Story]) -> dict[str, str]:
    """Spellings of names -> the spelling the site uses most, as the module says; empty when
    the reports spell every name one way."""
    named = [[(a, _people(a)) for a in s.articles if a.lang == "ar"] for s in stories]
    used = Counter(word for story in named for _, people in story for n in people for word in n)
    parent: dict[str, str] = {}

    def root(word: str) -> str:
        while parent.get(word, word) != word:
            word = parent[word]
        return word

    for story in named:
        for a, b in _same_names([people for _, people in story]):
            ra, rb = root(a), root(b)
            if ra != rb:
                parent[max(ra, rb)] = min(ra, rb)
    classes: dict[str, set[str]] = {}
    for word in parent:
        classes.setdefault(root(word), {root(word)}).add(word)
    if not classes:
        return {}
    words = set().union(*classes.values())
    written: dict[str, Counter[str]] = {word: Counter() for word in words}
    for story in named:
        for article, people in story:
            if words.intersection(w for name in people for w in name):
                for form, folded in _lede_words(article):
                    if folded in written:
                        written[folded][form] += 1
    spellings: dict[str, str] = {}
    for members in classes.values():
        ranked = sorted((w for w in members if written[w]), key=lambda w: (-used[w], w))
        if not ranked:
            continue
        common = ranked[0]  # the most used spelling (found written in a lede)
        shown = min(written[common], key=lambda form: (-written[common][form], form))
        for word in members - {common}:
            for form in written[word]:
                spellings[form] = shown
    return dict(sorted(spellings.items()))


def _people(article: Article) -> tuple[tuple[str, ...], ...]:
    from digest.story_features import lede_principals

    return lede_principals(article)[0]


def _lede_words(article: Article) -> Iterator[tuple[str, str]]:
    """The words of the article's lede, as written (Persian letters folded) and folded."""
    from digest.story_features import feature_blocks

    lead = feature_blocks(article)[0]
    for text in (article.title, *lead[:1]):
        for word in text.translate(_LETTERS).split():
            form = strip_marks(_EDGES.sub("", word))  # as plainly written: no diacritics
            yield form, normalize_arabic(form)


def _same_names(reports: Sequence[tuple[tuple[str, ...], ...]]) -> Iterator[tuple[str, str]]:
    """Pairs of family names that the names in the ledes of one story's ``reports`` show to
    be one spelt two ways: full names alike but for the family name, one report writing it
    one way and another the other way (never both), and one spelling the other with long
    vowels (ا و ي) left out (بزشكيان, بيزشكيان; not سعيد, سعود) or with چ as ج or تش
    (عراقجي, عراقتشي), both of ``MIN_LETTERS`` (or a pair of :data:`SHORT_NAME_SPELLINGS`).
    """
    used = [{name[-1] for name in people} for people in reports]
    full = sorted(
        {(i, name) for i, people in enumerate(reports) for name in people if len(name) > 1}
    )
    for k, (i, name_a) in enumerate(full):
        for j, name_b in full[k + 1 :]:
            if i == j or name_a[:-1] != name_b[:-1] or name_a[-1] == name_b[-1]:
                continue
            a, b = name_a[-1], name_b[-1]
            if a in used[j] or b in used[i]:
                continue  # a report that writes both: two people, or no telling
            if frozenset((a, b)) in SHORT_NAME_SPELLINGS or (
                min(len(a), len(b)) >= MIN_LETTERS
                and (_vowels_left_out(*sorted((a, b), key=len)) or _che_spelt(a, b))
            ):
                yield a, b


def _che_spelt(a: str, b: str) -> bool:
    """Are ``a`` and ``b`` one name whose Persian چ one writes ج and the other تش
    (عراقجي, عراقتشي), the rest alike?"""
    return "تش" in a + b and a.replace("تش", "ج") == b.replace("تش", "ج")


def _vowels_left_out(short: str, long: str) -> bool:
    """Is ``short`` ``long`` with some of its long vowels (ا و ي, not the first letter) left
    out?"""
    if len(short) >= len(long) or short[:1] != long[:1]:
        return False
    at = 1
    for letter in long[1:]:
        if at < len(short) and short[at] == letter:
            at += 1
        elif letter not in LONG_VOWELS:
            return False
    return at == len(short)


def fold_spellings(text: str, spellings: Mapping[str, str]) -> str:
    """``text`` with each spelling of :func:`name_spellings` replaced by the common one,
    also after glued letters (لبزشكيان -> لبيزشكيان), never inside another word."""
    if not spellings:
        return text
    pattern = _pattern(tuple(sorted(spellings, key=lambda s: (-len(s), s))))
    return pattern.sub(lambda m: m[1] + spellings[m[2]], text)


@lru_cache(maxsize=4)
def _pattern(words: Sequence[str]) -> re.Pattern[str]:
    alternatives = "|".join(map(re.escape, words))
    return re.compile(rf"(?<![^\W\d_])({PREFIXES})({alternatives})(?![^\W\d_])")
