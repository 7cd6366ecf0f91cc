"""What an article says about its event, as features for grouping.

* Words: the title and body folded with :func:`digest.normalize.normalize_arabic`,
  split into tokens, stopwords dropped, clitics stripped conservatively (``ال`` and its
  ``وال/فال/بال/كال/لل`` forms always; a lone ``و/ف/ب/ل`` only when the rest of the word
  also occurs on its own in the corpus), and spelling variants of one name folded
  together (بيزشكيان, بزشكيان and بيزيشكيان share the consonant skeleton ``بزشكن``).
* Weights: scikit-learn's TF-IDF (sublinear tf, smooth idf) over the whole text,
  blended with the same weights over the title and lead paragraphs, which is where a
  report says what happened, where and when. Rows are L2-normalised sparse vectors, so
  a sparse dot product is a cosine similarity.
* Dates: the article's own date (front matter or dateline, set by the cleaner), else
  the event dates its text gives (:func:`digest.dates.find_dates`, background dates out).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Iterable, Sequence

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize as l2_normalize

from digest.article import Article
from digest.dates import find_dates
from digest.normalize import normalize_arabic
from digest.stopwords_ar import STOPWORDS
from digest.story_lexicon import city_name, event_kind, join_multiword, people_names, people_tokens

LEAD_PARAGRAPHS = 2  # title + this many paragraphs make the lead
LEAD_WEIGHT = 0.5  # share of the lead vector in an article's blended vector
EVENT_BOOST = 3.0  # extra weight of event-kind features (~sign, ~meet) in the lead
CITY_BOOST = 3.0  # extra weight of city names in the lead
PERSON_BOOST = 3.0  # extra weight of people's names (words after a title) in the lead

_TOKEN = re.compile(r"[^\W_]+")
_YEAR = re.compile(r"(19|20)\d\d")
_VOWELS = str.maketrans("", "", "اوي")
_ARTICLE_PREFIXES = ("وال", "فال", "بال", "كال")
_LONE_PREFIXES = "وفبل"

# ---------------------------------------------------------------- tokens


def _fold(text: str) -> str:
    return join_multiword(normalize_arabic(text))


def raw_tokens(text: str) -> list[str]:
    """Folded word tokens of ``text``: letters/digits runs, years kept, other numbers dropped."""
    tokens = []
    for token in _TOKEN.findall(_fold(text)):
        if token.isdigit():
            if _YEAR.fullmatch(token):
                tokens.append(token)
        elif len(token) > 1:
            tokens.append(token)
    return tokens


def _strip_article(token: str) -> str:
    """Drop the definite article and the particle glued to it (والرئيس -> رئيس)."""
    if token.startswith(_ARTICLE_PREFIXES) and len(token) >= 6:
        return token[3:]
    if token.startswith("لل") and len(token) >= 5:
        return token[2:]
    if token.startswith("ال") and len(token) >= 5:
        return token[2:]
    return token


def skeleton(word: str) -> str:
    """First letter plus the word's other letters without long vowels (ا و ي)."""
    return word[:1] + word[1:].translate(_VOWELS)


def _foldable(stem: str) -> bool:
    """Long enough that its skeleton names one word (روسي and رييس both give رس)."""
    return len(stem) >= 4 and len(skeleton(stem)) >= 3 and stem[0] != "~" and not stem.isdigit()


def boost(feature: str, people: set[str]) -> float:
    """How much more a feature counts in the lead: what happened, where, and who."""
    if feature.startswith("~"):
        return EVENT_BOOST
    if city_name(feature):
        return CITY_BOOST
    if feature in people:
        return PERSON_BOOST
    return 1.0


class Analyzer:
    """Maps raw tokens to grouping features, with choices learnt from one corpus.

    Built once over all texts so that clitic stripping and variant folding are the same
    for every article, and deterministic for a given corpus.
    """

    def __init__(self, token_lists: Iterable[Sequence[str]]) -> None:
        counts: Counter[str] = Counter()
        for tokens in token_lists:
            counts.update(tokens)
        standalone = {_strip_article(t) for t in counts}
        stems: dict[str, str | None] = {}
        stem_counts: Counter[str] = Counter()
        for token, n in counts.items():
            stem = self._stem(token, standalone)
            stems[token] = stem
            if stem is not None:
                stem_counts[stem] += n
        # Fold spelling variants: same consonant skeleton -> most frequent spelling.
        canonical: dict[str, str] = {}
        for stem, _count in sorted(stem_counts.items(), key=lambda kv: (-kv[1], kv[0])):
            key = skeleton(stem)
            if _foldable(stem):
                canonical.setdefault(key, stem)
        self._features: dict[str, str | None] = {}
        for token, stem in stems.items():
            if stem is None:
                self._features[token] = None
            elif _foldable(stem):
                self._features[token] = canonical[skeleton(stem)]
            else:
                self._features[token] = stem

    @staticmethod
    def _stem(token: str, standalone: set[str]) -> str | None:
        if token in STOPWORDS:
            return None
        stem = _strip_article(token)
        if stem == token and len(token) >= 4 and token[0] in _LONE_PREFIXES:
            rest = token[1:]
            if rest.startswith(("ال", "لل")) or rest in standalone:
                stem = _strip_article(rest)
        if stem in STOPWORDS or len(stem) < 2:
            return None
        kind = event_kind(stem)
        return stem if kind is None else "~" + kind

    def features(self, tokens: Iterable[str]) -> list[str]:
        """The features of a token list (unknown tokens pass through unchanged)."""
        out = []
        for token in tokens:
            feature = self._features.get(token, token)
            if feature is not None:
                out.append(feature)
        return out


# ---------------------------------------------------------------- text parts


def body_paragraphs(article: Article) -> list[str]:
    """The article's paragraph and list texts, in order (headings left out)."""
    return [b.plain_text() for b in article.body if b.kind != "heading" and b.plain_text()]


def lead_text(article: Article) -> str:
    """Title and first paragraphs: what happened, where and when."""
    return "\n".join([article.title, *body_paragraphs(article)[:LEAD_PARAGRAPHS]])


def full_text(article: Article) -> str:
    return "\n".join([article.title, *(b.plain_text() for b in article.body)])


# ---------------------------------------------------------------- vectors


class ArticleVectors:
    """TF-IDF vectors of a corpus: ``matrix`` row ``i`` is article ``i``, L2-normalised.

    Also keeps, per article, the people its lede names (title and first paragraph) as
    tuples of feature columns, for :meth:`people_conflict`.
    """

    def __init__(self, articles: Sequence[Article]) -> None:
        full = [raw_tokens(full_text(a)) for a in articles]
        lead = [raw_tokens(lead_text(a)) for a in articles]
        self.analyzer = Analyzer(full)
        self.vectorizer = TfidfVectorizer(
            analyzer=self.analyzer.features, sublinear_tf=True, smooth_idf=True, dtype=np.float64
        )
        self.lede_people: list[list[tuple[int, ...]]] = []
        if not articles:
            self.matrix = sp.csr_matrix((0, 0))
            return
        full_matrix = self.vectorizer.fit_transform(full)
        column = self.vectorizer.vocabulary_
        people: set[str] = set()
        for article in articles:
            people.update(self.analyzer.features(people_tokens(_fold(full_text(article)))))
            names = people_names(_fold("\n".join([article.title, *body_paragraphs(article)[:1]])))
            columns = [
                tuple(column[f] for f in self.analyzer.features(n) if f in column) for n in names
            ]
            self.lede_people.append([c for c in columns if c])
        weights = [boost(term, people) for term in self.vectorizer.get_feature_names_out()]
        lead_matrix = self.vectorizer.transform(lead) @ sp.diags(weights)
        lead_matrix = l2_normalize(lead_matrix, norm="l2", copy=False)
        blended = LEAD_WEIGHT * lead_matrix + (1 - LEAD_WEIGHT) * full_matrix
        self.matrix = l2_normalize(sp.csr_matrix(blended), norm="l2", copy=False)
        self._columns: dict[int, frozenset[int]] = {}

    def columns(self, i: int) -> frozenset[int]:
        """The features article ``i`` uses anywhere in its text."""
        if i not in self._columns:
            row = self.matrix.indptr
            self._columns[i] = frozenset(self.matrix.indices[row[i] : row[i + 1]].tolist())
        return self._columns[i]

    def people_conflict(self, i: int, j: int) -> bool:
        """Each lede names someone the other article never mentions: other principals,
        so another event (Putin meeting Erdogan vs Putin meeting Xi, same day, same city).
        """

        def stranger(a: int, b: int) -> bool:
            seen = self.columns(b)
            return any(not seen.intersection(name) for name in self.lede_people[a])

        return stranger(i, j) and stranger(j, i)

    def transform(self, texts: Sequence[str]) -> sp.csr_matrix:
        """L2-normalised vectors of other texts (sentences) in the same feature space."""
        return self.vectorizer.transform([raw_tokens(t) for t in texts])

    def terms(self) -> list[str]:
        return list(self.vectorizer.get_feature_names_out())


# ---------------------------------------------------------------- dates


def article_dates(article: Article) -> tuple[dt.date, ...]:
    """The days the article's event can be on: its own date, else the full dates its text
    gives for the event (background dates such as "منذ 7 أكتوبر 2023" left out), else none.

    With the cleaner in place an undated article has no such dates, so it is free to join
    any story; articles built elsewhere (tests, other front ends) get the same rule.
    """
    if article.date is not None:
        return (article.date,)
    mentions = find_dates(full_text(article))
    return tuple(sorted({m.date for m in mentions if not m.background}))
