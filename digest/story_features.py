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
from digest.story_lexicon import city_name, event_kind, join_multiword, people_names

LEAD_PARAGRAPHS = 2  # title + this many paragraphs make the lead
LEAD_WEIGHT = 0.5  # share of the lead vector in an article's blended vector
EVENT_BOOST = 3.0  # extra weight of event-kind features (~sign, ~meet) in the lead
CITY_BOOST = 3.0  # extra weight of city names in the lead
PERSON_BOOST = 3.0  # extra weight of people's names (words after a title) in the lead

# Words of two letters or more, and years; other numbers say little about the event.
_TOKEN = re.compile(r"(?<![^\W_])(?:[^\W\d_]{2,}|(?:19|20)\d\d)(?![^\W_])")
_VOWELS = str.maketrans("", "", "اوي")
_ARTICLE_PREFIXES = ("وال", "فال", "بال", "كال")
_LONE_PREFIXES = "وفبل"

# ---------------------------------------------------------------- tokens


def _fold(text: str) -> str:
    return join_multiword(normalize_arabic(text))


def raw_tokens(text: str) -> list[str]:
    """Folded word tokens of ``text``: letters/digits runs, years kept, other numbers dropped."""
    return folded_tokens(_fold(text))


def folded_tokens(folded: str) -> list[str]:
    """:func:`raw_tokens` of text that is already folded."""
    return _TOKEN.findall(folded)


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

    Also keeps who each article's lede names (title and first paragraph), for
    :meth:`people_conflicts`.
    """

    def __init__(self, articles: Sequence[Article]) -> None:
        full, lead, lede_names = [], [], []
        for article in articles:
            title = _fold(article.title)
            paragraphs = [_fold(p) for p in body_paragraphs(article)]
            headings = [_fold(b.text) for b in article.body if b.kind == "heading"]
            lead_tokens = folded_tokens("\n".join([title, *paragraphs[:LEAD_PARAGRAPHS]]))
            rest = folded_tokens("\n".join(paragraphs[LEAD_PARAGRAPHS:] + headings))
            lead.append(lead_tokens)
            full.append(lead_tokens + rest)
            lede_names.append(people_names("\n".join([title, *paragraphs[:1]])))
        self.analyzer = Analyzer(full)
        self.vectorizer = TfidfVectorizer(
            analyzer=self.analyzer.features, sublinear_tf=True, smooth_idf=True, dtype=np.float64
        )
        if not articles:
            self.matrix = sp.csr_matrix((0, 0))
            self.lede_people = self.mentions = sp.csr_matrix((0, 0))
            return
        full_matrix = self.vectorizer.fit_transform(full)
        column = self.vectorizer.vocabulary_
        people: dict[tuple[int, ...], int] = {}  # a person = the columns of their name words
        lede_rows, lede_cols = [], []
        for i, names in enumerate(lede_names):
            for name in names:
                cols = tuple(
                    sorted({column[f] for f in self.analyzer.features(name) if f in column})
                )
                if cols:
                    lede_rows.append(i)
                    lede_cols.append(people.setdefault(cols, len(people)))
        n, m = len(articles), max(len(people), 1)
        self.lede_people = sp.csr_matrix(
            (np.ones(len(lede_rows)), (lede_rows, lede_cols)), shape=(n, m)
        )
        self.lede_people.data[:] = 1.0  # a name twice in a lede is still one person
        # mentions[i, p] > 0: article i uses a word of person p's name somewhere.
        words = [(c, p) for cols, p in people.items() for c in cols]
        name_words = sp.csr_matrix(
            (np.ones(len(words)), ([c for c, _ in words], [p for _, p in words])),
            shape=(full_matrix.shape[1], m),
        )
        self.mentions = ((full_matrix > 0).astype(np.float64) @ name_words).tocsr()
        self.mentions.data[:] = 1.0
        person_columns = {c for cols in people for c in cols}
        terms = self.vectorizer.get_feature_names_out()
        weights = [boost(t, c in person_columns) for c, t in enumerate(terms)]
        lead_matrix = self.vectorizer.transform(lead) @ sp.diags(weights)
        lead_matrix = l2_normalize(lead_matrix, norm="l2", copy=False)
        blended = LEAD_WEIGHT * lead_matrix + (1 - LEAD_WEIGHT) * full_matrix
        self.matrix = l2_normalize(sp.csr_matrix(blended), norm="l2", copy=False)

    def people_conflicts(self, left: np.ndarray, right: np.ndarray) -> np.ndarray:
        """For pairs (left[k], right[k]): does each lede name someone the other article
        never mentions? Then they have other principals, so they report other events
        (Putin meeting Erdogan vs Putin meeting Xi, same day, same city).
        """

        def strangers(a: np.ndarray, b: np.ndarray) -> np.ndarray:
            named = np.asarray(self.lede_people[a].sum(axis=1)).ravel()
            known = np.asarray(self.lede_people[a].multiply(self.mentions[b]).sum(axis=1))
            return named > known.ravel()

        if len(left) == 0:
            return np.zeros(0, dtype=bool)
        return strangers(left, right) & strangers(right, left)

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
