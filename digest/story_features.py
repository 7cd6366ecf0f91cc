"""What an article says about its event, as features for grouping.

* Words: the title and body folded with :func:`digest.normalize.normalize_arabic`,
  split into tokens, stopwords dropped, clitics stripped conservatively (``ال`` and its
  ``وال/فال/بال/كال/لل`` forms always; a lone ``و/ف/ب/ل`` only when the rest of the word
  also occurs on its own in the corpus), and spelling variants of one name folded
  together (بيزشكيان, بزشكيان and بيزيشكيان share the consonant skeleton ``بزشكن``).
* Text read: the title, the lead paragraphs and then paragraphs up to ``FEATURE_WORDS``
  body words; later paragraphs are mostly background that every report of a region
  shares, and reading them made long articles look alike (and cost time).
* Weights: TF-IDF (sublinear tf, smooth idf, as scikit-learn's ``TfidfTransformer``
  computes it; a test pins :func:`tfidf` to it; articles whose text read is the same, word
  for word, are one document for the idf) over that text,
  blended with the same weights over the title and lead paragraphs, which is where a
  report says what happened, where and when; in the lead, event kinds (``~sign``),
  cities and people's names count ``*_BOOST`` times more. Rows are L2-normalised sparse
  vectors, so a sparse dot product is a cosine similarity. Tokens are folded once per
  text and interned as ids (module-level caches that rebuilds hit and cleaning workers
  fill; results never depend on them), and the counts are built with numpy, not per token in Python.
* Principals: the people (words after a title) and event places (cities and countries after في/إلى)
  that the lede names, to spot two reports of other events (:class:`Principals`); and the
  parties of the encounter (call, meeting) a lede opens with, to spot the same kind of
  encounter of one actor with another counterpart (:meth:`ArticleVectors.counterpart_conflicts`).
* Dates: the article's own date (front matter or dateline, set by the cleaner), else
  the event dates its text gives (:func:`digest.dates.find_dates`, background dates out).
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Generic, TypeVar

import numpy as np

from digest.article import Article
from digest.dates import find_dates
from digest.normalize import normalize_arabic
from digest.stopwords_ar import STOPWORDS
from digest.story_lexicon import (
    COUNTRY_FORMS,
    ENCOUNTER_KINDS,
    city_name,
    encounter_parties,
    event_kind,
    event_places,
    join_multiword,
    people_names,
)

if TYPE_CHECKING:  # scipy is imported where it is used: a build imports it while workers clean
    import scipy.sparse as sp

LEAD_PARAGRAPHS = 2  # title + this many paragraphs make the lead
LEAD_WEIGHT = 0.5  # share of the lead vector in an article's blended vector
EVENT_BOOST = 3.0  # extra weight of event-kind features (~sign, ~meet) in the lead
CITY_BOOST = 3.0  # extra weight of city names in the lead
PERSON_BOOST = 3.0  # extra weight of people's names (words after a title) in the lead
FEATURE_WORDS = 250  # body words read per article: the lead, then paragraphs up to this many

# Words of two letters or more, and years; other numbers say little about the event.
_TOKEN = re.compile(r"(?<![^\W_])(?:[^\W\d_]{2,}|(?:19|20)\d\d)(?![^\W_])")
_VOWELS = str.maketrans("", "", "اوي")
_ARTICLE_PREFIXES = ("وال", "فال", "بال", "كال")
_LONE_PREFIXES = "وفبل"

# ---------------------------------------------------------------- tokens

K = TypeVar("K")
V = TypeVar("V")


# Rebuilds (``digest serve``, incremental builds) pass the same texts again and again, so
# folding and tokenising are cached per text; results never depend on the caches.
@functools.lru_cache(maxsize=300_000)
def _fold(text: str) -> str:
    return join_multiword(normalize_arabic(text))


def raw_tokens(text: str) -> list[str]:
    """Folded word tokens of ``text``: letters/digits runs, years kept, other numbers dropped."""
    return list(text_tokens(text))


class Memo(Generic[K, V]):
    """Results of a pure function of one argument, per process, up to ``size`` of them
    (then it starts over). Other processes that computed some of them can hand them over
    (:meth:`remember`): the cleaning workers tokenise for the grouper so."""

    def __init__(self, function: Callable[[K], V], size: int) -> None:
        self.function, self.size = function, size
        self.values: dict[K, V] = {}

    def __call__(self, key: K) -> V:
        found = self.values.get(key)
        if found is None:
            if len(self.values) >= self.size:
                self.values.clear()
            found = self.values[key] = self.function(key)
        return found

    def remember(self, values: Mapping[K, V]) -> None:
        if len(self.values) + len(values) > self.size:
            self.values.clear()
        self.values.update(values)


text_tokens: Memo[str, tuple[str, ...]] = Memo(
    lambda text: tuple(_TOKEN.findall(_fold(text))), 300_000
)
"""Folded word tokens of a text (a paragraph, a sentence), as a tuple, cached per text."""


_TOKEN_IDS: dict[str, int] = {}  # every token seen, interned: id -> _TOKEN_LIST[id]
_TOKEN_LIST: list[str] = []
_INTERN_LOCK = threading.Lock()


def token_id(token: str) -> int:
    """The token's number in this process (stable once given; never part of any output)."""
    found = _TOKEN_IDS.get(token)
    if found is None:
        with _INTERN_LOCK:
            found = _TOKEN_IDS.get(token)
            if found is None:
                found = _TOKEN_IDS[token] = len(_TOKEN_LIST)
                _TOKEN_LIST.append(token)
    return found


@functools.lru_cache(maxsize=300_000)
def text_token_ids(text: str) -> np.ndarray:
    """:func:`text_tokens` as interned ids, cached per text."""
    tokens = text_tokens(text)
    ids = list(map(_TOKEN_IDS.get, tokens))  # known tokens without a Python call each
    if None in ids:
        ids = [token_id(t) for t in tokens]
    return np.array(ids, dtype=np.int64)


def strip_article(token: str) -> str:
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


def foldable(stem: str) -> bool:
    """Long enough that its skeleton names one word (روسي and رييس both give رس)."""
    return len(stem) >= 4 and len(skeleton(stem)) >= 3 and stem[0] != "~" and not stem.isdigit()


def boost(feature: str, is_person: bool) -> float:
    """How much more a feature counts in the lead: what happened, where, and who."""
    if feature.startswith("~"):
        return EVENT_BOOST
    if city_name(feature):
        return CITY_BOOST
    if is_person:
        return PERSON_BOOST
    return 1.0


class Analyzer:
    """Maps raw tokens to grouping features, with choices learnt from one corpus.

    Built once over all texts so that clitic stripping and variant folding are the same
    for every article, and deterministic for a given corpus.
    """

    def __init__(
        self, token_lists: Iterable[Sequence[str]] = (), counts: Mapping[str, int] | None = None
    ) -> None:
        """Learn from ``token_lists``, or from ready token ``counts`` over the corpus."""
        if counts is None:
            counts = Counter()
            for tokens in token_lists:
                counts.update(tokens)
        standalone = {strip_article(t) for t in counts}
        stems: dict[str, str | None] = {}
        stem_counts: Counter[str] = Counter()
        self.known = counts.keys()
        for token, n in counts.items():
            stem = self._stem(token, standalone)
            stems[token] = stem
            if stem is not None:
                stem_counts[stem] += n
        # Fold spelling variants: same consonant skeleton -> most frequent spelling.
        canonical: dict[str, str] = {}
        for stem, _count in sorted(stem_counts.items(), key=lambda kv: (-kv[1], kv[0])):
            key = skeleton(stem)
            if foldable(stem):
                canonical.setdefault(key, stem)
        self._features: dict[str, str | None] = {}
        for token, stem in stems.items():
            if stem is None:
                self._features[token] = None
            elif foldable(stem):
                self._features[token] = canonical[skeleton(stem)]
            else:
                self._features[token] = stem

    @staticmethod
    def _stem(token: str, standalone: set[str]) -> str | None:
        if token in STOPWORDS:
            return None
        stem = strip_article(token)
        if stem == token and len(token) >= 4 and token[0] in _LONE_PREFIXES:
            rest = token[1:]
            if rest.startswith(("ال", "لل")) or rest in standalone:
                stem = strip_article(rest)
        if stem in STOPWORDS or len(stem) < 2:
            return None
        kind = event_kind(stem)
        return stem if kind is None else "~" + kind

    def feature(self, token: str) -> str | None:
        """The feature of one token (an unknown token passes through unchanged)."""
        return self._features.get(token, token)

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


def full_text(article: Article) -> str:
    return "\n".join([article.title, *(b.plain_text() for b in article.body)])


# (people names, places, parties of the encounter the lede opens with, its kinds)
LedePrincipals = tuple[
    tuple[tuple[str, ...], ...], tuple[str, ...], tuple[tuple[str, ...], ...], tuple[str, ...]
]


def feature_blocks(article: Article) -> tuple[list[str], list[str]]:
    """The lead paragraphs, and the texts after them that grouping reads (paragraphs and
    headings in order, up to ``FEATURE_WORDS`` body words in all): a report says what
    happened, where and when early on; later paragraphs are mostly background."""
    lead, rest, _ = _feature_window(article)
    return lead, rest


def feature_end(article: Article) -> int:
    """How many of the article's body blocks :func:`feature_blocks` reads (the first ones)."""
    return _feature_window(article)[2]


def _feature_window(article: Article) -> tuple[list[str], list[str], int]:
    lead: list[str] = []
    rest: list[str] = []
    words = 0
    for index, block in enumerate(article.body):
        text = block.plain_text()
        if not text:
            continue
        if block.kind != "heading" and len(lead) < LEAD_PARAGRAPHS:
            lead.append(text)
        elif words >= FEATURE_WORDS:
            return lead, rest, index
        else:
            rest.append(text)
        words += text.count(" ") + 1
    return lead, rest, len(article.body)


def _article_tokens(article: Article) -> tuple[np.ndarray, np.ndarray, LedePrincipals]:
    """Lead token ids, the other token ids read, and the (people, places) the lede names."""
    lead, rest = feature_blocks(article)
    lead_ids = [text_token_ids(article.title), *(text_token_ids(t) for t in lead)]
    rest_ids = [text_token_ids(t) for t in rest] or [np.zeros(0, dtype=np.int64)]
    return np.concatenate(lead_ids), np.concatenate(rest_ids), lede_principals(article, lead)


def lede_principals(article: Article, lead: Sequence[str] | None = None) -> LedePrincipals:
    """The people and event places that the article's lede (title, first paragraph) names,
    and the parties and kinds of the encounter its first paragraph opens with
    (:func:`~digest.story_lexicon.encounter_parties`); ``lead``: its lead paragraphs, when
    known (:func:`feature_blocks`)."""
    if lead is None:
        lead = feature_blocks(article)[0]
    return principals_of_lede((article.title, lead[0] if lead else ""))


def _principals(lede: tuple[str, str]) -> LedePrincipals:
    title, first = lede
    folded = "\n".join([_fold(title), _fold(first)] if first else [_fold(title)])
    parties, kinds = encounter_parties(_fold(first)) if first else ((), ())
    return tuple(people_names(folded)), tuple(event_places(folded)), parties, kinds


principals_of_lede: Memo[tuple[str, str], LedePrincipals] = Memo(_principals, 100_000)
"""The people (words after a title) and event places that a lede (title, first paragraph)
names, and the parties and kinds of the encounter it opens with, folded; cached per lede."""


# ---------------------------------------------------------------- vectors


def smooth_idf(counts: sp.csr_matrix) -> np.ndarray:
    """``ln((1 + n) / (1 + df)) + 1`` per column: n documents (rows), df holding the term."""
    n = counts.shape[0]
    df = np.bincount(counts.indices[counts.data > 0], minlength=counts.shape[1])
    return np.log((1.0 + n) / (1.0 + df)) + 1.0


def tfidf(counts: sp.csr_matrix, idf: np.ndarray) -> sp.csr_matrix:
    """``(1 + ln tf) * idf`` per stored count, rows L2-normalised (a new matrix).

    The same numbers as scikit-learn's ``TfidfTransformer(sublinear_tf=True,
    smooth_idf=True)``, without importing scikit-learn (and SciPy's stats) on every build.
    """
    import scipy.sparse as sp

    weights = sp.csr_matrix(counts, dtype=np.float64, copy=True)
    weights.data = (np.log(weights.data) + 1.0) * idf[weights.indices]
    return l2_normalize(weights)


def l2_normalize(matrix: sp.spmatrix) -> sp.csr_matrix:
    """Rows scaled to unit length (all-zero rows stay zero), as CSR."""
    import scipy.sparse as sp

    matrix = sp.csr_matrix(matrix)
    lengths = np.diff(matrix.indptr)
    rows = np.repeat(np.arange(matrix.shape[0]), lengths)
    norms = np.sqrt(np.bincount(rows, weights=matrix.data**2, minlength=matrix.shape[0]))
    norms[norms == 0.0] = 1.0
    matrix.data = matrix.data / norms[rows]
    return matrix


_ENCOUNTER_BIT = {kind: 1 << k for k, kind in enumerate(sorted(ENCOUNTER_KINDS))}


def _key_columns(named: Sequence[Sequence[tuple[int, ...]]], width: int) -> sp.csr_matrix:
    """Per article, the columns of all its principals' keys, as a 0/1 matrix."""
    import scipy.sparse as sp

    rows = [i for i, keys in enumerate(named) for key in keys for _ in key]
    cols = [c for keys in named for key in keys for c in key]
    matrix = sp.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(named), width))
    matrix.data[:] = 1.0
    return matrix


def _spans(starts: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Positions ``starts[k] .. starts[k] + counts[k] - 1`` for every k, in order."""
    return np.repeat(starts - np.cumsum(counts) + counts, counts) + np.arange(int(counts.sum()))


class Principals:
    """Who or where each article's lede names, and which articles mention them at all.

    ``named[i]`` lists principals as tuples of feature columns (a person's name words, a
    city's word); article ``j`` mentions a principal if its text has any of them
    (``present``: which columns each article has).
    """

    def __init__(self, named: Sequence[Sequence[tuple[int, ...]]], present: sp.csr_matrix) -> None:
        import scipy.sparse as sp

        ids: dict[tuple[int, ...], int] = {}
        rows, cols = [], []
        for i, principals in enumerate(named):
            for key in principals:
                if key:
                    rows.append(i)
                    cols.append(ids.setdefault(tuple(sorted(set(key))), len(ids)))
        n, m = len(named), max(len(ids), 1)
        self.columns = {c for key in ids for c in key}
        self.lede = sp.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(n, m))
        self.lede.data[:] = 1.0  # named twice is still one principal
        # each principal's columns (as CSR: principal -> columns), and the columns each
        # article has as sorted keys row * width + column: an article mentions a principal
        # when one of its keys is there (no article x principal matrix: a principal's words
        # are common words, and that matrix had millions of entries)
        words = sp.csr_matrix(
            (
                np.ones(sum(map(len, ids))),
                [c for key in ids for c in key],
                np.cumsum([0, *map(len, ids)]),
            ),
            shape=(len(ids), present.shape[1]),
        )
        self._words_ptr, self._words = words.indptr, words.indices
        present = present.sorted_indices() if n else present
        entry_rows = np.repeat(np.arange(present.shape[0], dtype=np.int64), np.diff(present.indptr))
        self._width = present.shape[1]
        self._present = entry_rows * self._width + present.indices

    def strangers(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """Does article a[k]'s lede name a principal that article b[k] never mentions?"""
        return self.strangers_and_acquaintances(a, b)[0]

    def strangers_and_acquaintances(
        self, a: np.ndarray, b: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """Does article a[k]'s lede name a principal that article b[k] never mentions; and
        one that it does mention?"""
        lede = self.lede
        counts = np.diff(lede.indptr)[a]
        pair = np.repeat(np.arange(len(a)), counts)  # one entry per (pair, named principal)
        principal = lede.indices[_spans(lede.indptr[a], counts)]
        # one entry per (pair, named principal, one of its columns): does b[k] have it?
        widths = np.diff(self._words_ptr)[principal]
        entry = np.repeat(np.arange(len(principal)), widths)
        column = self._words[_spans(self._words_ptr[principal], widths)]
        wanted = b[pair[entry]].astype(np.int64) * self._width + column
        keys = self._present
        at = np.minimum(np.searchsorted(keys, wanted), max(len(keys) - 1, 0))
        has = keys[at] == wanted if len(keys) else np.zeros(len(wanted), dtype=bool)
        known = np.bincount(entry[has], minlength=len(principal)) > 0
        missing = np.bincount(pair[~known], minlength=len(a))
        return missing > 0, np.bincount(pair[known], minlength=len(a)) > 0

    def conflicts(self, left: np.ndarray, right: np.ndarray) -> np.ndarray:
        """Each side names a principal the other never mentions."""
        if len(left) == 0:
            return np.zeros(0, dtype=bool)
        return self.strangers(left, right) & self.strangers(right, left)


class ArticleVectors:
    """TF-IDF vectors of a corpus: ``matrix`` row ``i`` is article ``i``, L2-normalised.

    The weights are :func:`tfidf` over term counts built from interned token ids (columns
    in term order), so that no Python code runs per token. Also keeps who and where each
    article's lede (title and first paragraph) names, for :meth:`principal_conflicts`.
    """

    def __init__(self, articles: Sequence[Article]) -> None:
        import scipy.sparse as sp

        full, lead, lede_names, lede_places, lede_parties = [], [], [], [], []
        encounters = np.zeros(len(articles), dtype=np.int64)  # bit per encounter kind
        for i, article in enumerate(articles):
            lead_ids, rest_ids, (names, places, parties, kinds) = _article_tokens(article)
            lead.append(lead_ids)
            if not len(lead_ids) + len(rest_ids):  # no words (only numbers, say): own feature
                rest_ids = np.array([token_id(f"#{i}")], dtype=np.int64)
            full.append(np.concatenate([lead_ids, rest_ids]))
            lede_names.append(names)
            lede_places.append(places)
            lede_parties.append(parties)
            for kind in kinds:
                encounters[i] |= _ENCOUNTER_BIT[kind]
        self.encounters = encounters
        per_id = np.bincount(np.concatenate(full)) if full else np.zeros(0, dtype=np.int64)
        corpus_ids = np.flatnonzero(per_id)
        self.analyzer = Analyzer(counts={_TOKEN_LIST[t]: int(per_id[t]) for t in corpus_ids})
        feature_of = [self.analyzer.feature(_TOKEN_LIST[t]) for t in corpus_ids.tolist()]
        self._terms = sorted({f for f in feature_of if f is not None})
        self.column = {term: c for c, term in enumerate(self._terms)}
        self._column_of = np.full(len(per_id), -1, dtype=np.int64)  # token id -> column
        for t, f in zip(corpus_ids.tolist(), feature_of, strict=True):
            if f is not None:
                self._column_of[t] = self.column[f]
        if not articles:
            self.matrix = sp.csr_matrix((0, 0))
            self.people = self.places = Principals([], sp.csr_matrix((0, 0)))
            self.parties = self.party_lists = self.people
            return
        full_counts = self._counts(full)
        # a text run twice (agency copy: the same words read) is one document for the IDF
        first_of: dict[bytes, int] = {}
        for i, ids in enumerate(full):
            first_of.setdefault(ids.tobytes(), i)
        distinct = sorted(first_of.values())
        self.idf = smooth_idf(full_counts[distinct] if len(distinct) < len(full) else full_counts)
        full_matrix = self._tfidf(full_counts)
        column, features = self.column, self.analyzer.features
        present = (full_matrix > 0).astype(np.float64).tocsr()
        # A person is the columns of their name words; a place, those of its names.
        self.people = Principals(
            [[tuple(column[f] for f in features(name) if f in column) for name in names]
             for names in lede_names],
            present,
        )  # fmt: skip
        self.places = Principals(
            [[self._place_columns(place) for place in places] for places in lede_places],
            present,
        )
        # An encounter's party is the columns of their names but the first (فلاديمير and
        # فولوديمير fold together, بوتين and زيلينسكي do not): mentioned anywhere in an
        # article's text, and named among another encounter's parties.
        parties = [[self._surname_columns(name) for name in names] for names in lede_parties]
        self.parties = Principals(parties, present)
        self.party_lists = Principals(parties, _key_columns(parties, present.shape[1]))
        person_columns = self.people.columns
        weights = [boost(t, c in person_columns) for c, t in enumerate(self._terms)]
        lead_matrix = self._tfidf(self._counts(lead)) @ sp.diags(weights)
        lead_matrix = l2_normalize(lead_matrix)
        blended = LEAD_WEIGHT * lead_matrix + (1 - LEAD_WEIGHT) * full_matrix
        self.matrix = l2_normalize(blended)

    def _surname_columns(self, name: Sequence[str]) -> tuple[int, ...]:
        """The columns of a person's name words after the first (of a one-word name, its)."""
        column = self.column
        return tuple(column[f] for f in self.analyzer.features(name[1:] or name) if f in column)

    def _place_columns(self, place: str) -> tuple[int, ...]:
        """A city's column; a country's, those of every form of it the corpus has (its
        name or adjective, with ال or not): an article that has any mentions it."""
        columns = set()
        for form in COUNTRY_FORMS.get(place, (place,)):
            for token in (form, "ال" + form):
                feature = self.analyzer.feature(token)
                if feature is not None and feature in self.column:
                    columns.add(self.column[feature])
        return tuple(sorted(columns))

    def _columns(self, ids: np.ndarray) -> np.ndarray:
        """Feature column of each token id; -1 for none (stopword, unknown)."""
        known = ids < len(self._column_of)
        columns = np.full(len(ids), -1, dtype=np.int64)
        columns[known] = self._column_of[ids[known]]
        unknown = np.flatnonzero(~known | (columns < 0))
        for k in unknown.tolist():  # tokens new to this corpus pass through unchanged
            token = _TOKEN_LIST[ids[k]]
            if token not in self.analyzer.known:
                columns[k] = self.column.get(token, -1)
        return columns

    def _counts(self, docs: Sequence[np.ndarray]) -> sp.csr_matrix:
        """Term counts: one row per document of token ids."""
        import scipy.sparse as sp

        rows = np.repeat(np.arange(len(docs)), [len(d) for d in docs])
        columns = self._columns(np.concatenate(docs)) if docs else np.zeros(0, dtype=np.int64)
        keep = columns >= 0
        counts = sp.csr_matrix(
            (np.ones(int(keep.sum())), (rows[keep], columns[keep])),
            shape=(len(docs), len(self._terms)),
        )
        counts.sum_duplicates()
        return counts

    def _tfidf(self, counts: sp.csr_matrix) -> sp.csr_matrix:
        """Sublinear tf times the corpus idf, rows L2-normalised."""
        return tfidf(counts, self.idf)

    def principal_conflicts(self, left: np.ndarray, right: np.ndarray) -> np.ndarray:
        """For pairs (left[k], right[k]): other principals, so other events?

        True when each lede names a person the other article never mentions (Putin
        meeting Erdogan vs Putin meeting Xi, same day, same city), or each lede names a
        place the other never mentions (Erdogan and Putin in Sochi vs in Astana; the
        month's inflation in Egypt vs in Saudi Arabia).
        """
        return (
            self.people.conflicts(left, right)
            | self.places.conflicts(left, right)
            | self.counterpart_conflicts(left, right)
        )

    def counterpart_conflicts(self, left: np.ndarray, right: np.ndarray) -> np.ndarray:
        """For pairs (left[k], right[k]): one actor's same kind of encounter with another
        counterpart, so another event?

        True when both ledes open with an encounter of a kind in common (a call, a meeting:
        :func:`~digest.story_lexicon.encounter_parties`) between parties of whom they share
        one, and one lede's parties take in someone the other article never mentions while
        the other's take in someone the first lede's parties do not: Trump's call with
        Putin, and his call with Zelensky the next day (whose reports recall the call with
        Putin, but no report of that call mentions Zelensky). Names are told apart by
        their words after the first (:meth:`_surname_columns`).
        """
        out = np.zeros(len(left), dtype=bool)
        pairs = np.flatnonzero(self.encounters[left] & self.encounters[right])
        if len(pairs) == 0:
            return out
        a, b = left[pairs], right[pairs]
        other_in_a, shared = self.party_lists.strangers_and_acquaintances(a, b)
        other_in_b = self.party_lists.strangers(b, a)
        out[pairs] = shared & (
            (self.parties.strangers(a, b) & other_in_b)
            | (self.parties.strangers(b, a) & other_in_a)
        )
        return out

    def transform(self, texts: Sequence[str]) -> sp.csr_matrix:
        """L2-normalised vectors of other texts (sentences) in the same feature space."""
        import scipy.sparse as sp

        if not texts:
            return sp.csr_matrix((0, self.matrix.shape[1]))
        return self._tfidf(self._counts([text_token_ids(t) for t in texts]))

    def terms(self) -> list[str]:
        """Feature names, one per column."""
        return list(self._terms)


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
