"""Group cleaned articles into stories: one concrete event each.

How it works:

1. Every article becomes a sparse TF-IDF vector (:mod:`digest.story_features`) of its
   title, lead paragraphs and first ``FEATURE_WORDS`` body words (the rest is mostly
   background): folded Arabic tokens without stopwords, clitics stripped, name variants
   folded, with the title and lead paragraphs weighted up and, in the lead, the kind of
   event (``~sign``, ``~meet``, ``~vote`` ...), its city and the people named after a
   title (الرئيس ...) weighted up again (:mod:`digest.story_lexicon`). Folded tokens are
   cached per text, so rebuilds after an edit only tokenise what changed.
2. Each article has the dates its event can be on: its own date (dateline or front
   matter), else the event dates its text gives (background dates left out), else
   none. Two articles whose dates are more than ``2 * DATE_SLACK_DAYS`` (two days) apart
   are never the same story (the same actors' next event, days later, is another
   story); an undated article with no such dates can join any story its text matches.
3. Candidate pairs come from sparse dot products (cosine) inside time blocks: articles
   whose date windows meet share the week block of a common day, so each week's
   articles are compared with each other only; undated articles against all, in bounded
   chunks. Each article keeps its ``NEIGHBOURS`` best date-compatible matches (a pair
   stays when either side keeps it); other pairs count 0. No all-pairs matrix, and the
   pair count grows linearly with the corpus.
4. A pair whose ledes (title + first paragraph) each name a person, or an event place,
   that the other article never mentions counts ``CONFLICT`` instead of its cosine:
   other principals, other event (Putin meeting Erdogan vs Putin meeting Xi in Astana
   the same day; Erdogan and Putin in Sochi vs in Astana). So does a pair whose ledes
   open with the same kind of encounter (a call, a meeting) of one actor with other
   counterparts, one of whom the other article never mentions (Trump's call with Putin
   vs his call with Zelensky the next day, whose reports recall the one with Putin).
5. Average-link agglomerative clustering over those pairs: the two clusters with the
   highest mean pairwise similarity merge while it is at least ``SAME_STORY`` (or the
   stricter ``SAME_STORY_UNDATED`` when one side has no date to back the text), unless
   the merge would put dates more than ``2 * DATE_SLACK_DAYS`` apart or join two
   different editor pins. Articles pinned with ``story: <id>`` start in their pinned
   story and never leave it; pinned to the ID of a story the site has, they join it.
6. Stories get stable IDs (:mod:`digest.story_ids`), a headline and summary
   (:mod:`digest.summarize`) and related stories: those sharing at least
   ``RELATED_SHARED_TERMS`` of their top terms (their main actors) while being
   different events.

``SAME_STORY`` was tuned on the labelled fixtures (``bench/eval_grouping.py --sweep``):
every value from 0.14 to 0.24 groups the seeds and the look-alike fixtures exactly, and
``SAME_STORY_UNDATED`` is exact from 0.22 to 0.30 (the ``undated`` fixture set, where
only the text can tell events apart, needs at least 0.22); the defaults sit inside.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import heapq
from collections import defaultdict
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from digest.article import Article, Story
from digest.story_features import (
    ArticleVectors,
    LedePrincipals,
    article_dates,
    feature_blocks,
    feature_end,
    l2_normalize,
    principals_of_lede,
    text_tokens,
)
from digest.story_ids import Group, assign_ids, slugify
from digest.summarize import (
    candidates,
    choose_headline,
    choose_summary,
    headline_pool,
    lead_sentences,
    sentence_figures,
    summary_end,
    summary_lead,
)

if TYPE_CHECKING:  # scipy is imported where it is used: a build imports it while workers clean
    import scipy.sparse as sp

SAME_STORY = 0.2  # mean cosine at which two clusters are one story (fixtures: 0.14-0.24 exact)
SAME_STORY_UNDATED = 0.26  # stricter when one side has no date at all (fixtures: 0.22-0.30)
CANDIDATE = 0.12  # pairs below this count as 0 in the means
CONFLICT = -1.0  # counts in the means for pairs whose ledes name other people or cities
DATE_SLACK_DAYS = 1  # an article's date +- this; a story's dates span at most twice this
BLOCK_DAYS = 7  # time blocks for candidate pairs (must exceed 2 * DATE_SLACK_DAYS)
NEIGHBOURS = 40  # best matches kept for each article (pairs kept if either side keeps them)
DENSE_CELLS = 4_000_000  # similarities computed densely at a time (rows x block)
RELATED_TOP_TERMS = 20
RELATED_SHARED_TERMS = 2
COPY_SIMILARITY = (
    0.9  # articles this alike are one text run twice (fixtures: copies 1.0, reports <0.5)
)
COPY_MARGIN = 1e-9  # cosines this near COPY_SIMILARITY are summed as distinct_members does
PAIRWISE_MAX = 200  # stories up to this size have their copies found pair by pair
RELATED_MIN = 0.2  # centroid cosine of related stories
MAX_RELATED = 5

Intervals = tuple[tuple[int, int], ...] | None  # allowed day ordinals; None = any day


def date_window(dates: Sequence[dt.date]) -> Intervals:
    """The days an article's event can be on, as merged intervals of ordinals."""
    if not dates:
        return None
    spans = sorted(
        (d.toordinal() - DATE_SLACK_DAYS, d.toordinal() + DATE_SLACK_DAYS) for d in dates
    )
    merged = [spans[0]]
    for lo, hi in spans[1:]:
        if lo <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(merged[-1][1], hi))
        else:
            merged.append((lo, hi))
    return tuple(merged)


def intersect(a: Intervals, b: Intervals) -> Intervals:
    """Days allowed by both; ``()`` when none is."""
    if a is None:
        return b
    if b is None:
        return a
    out = []
    for lo1, hi1 in a:
        for lo2, hi2 in b:
            lo, hi = max(lo1, lo2), min(hi1, hi2)
            if lo <= hi:
                out.append((lo, hi))
    return tuple(out)


# ---------------------------------------------------------------- candidate pairs


def candidate_pairs(
    vectors: ArticleVectors, windows: Sequence[Intervals]
) -> dict[tuple[int, int], float]:
    """(i, j) with i < j -> cosine, for pairs worth comparing (see module docstring).

    Pairs whose ledes name other principals (people, cities) get ``CONFLICT`` instead.
    """
    matrix = vectors.matrix
    n = matrix.shape[0]
    blocks: dict[int, list[int]] = defaultdict(list)
    undated = []
    for i, window in enumerate(windows):
        if window is None:
            undated.append(i)
            continue
        seen: set[int] = set()
        for lo, hi in window:
            seen.update(range(lo // BLOCK_DAYS, hi // BLOCK_DAYS + 1))
        for block in sorted(seen):
            blocks[block].append(i)
    # Dates: a quick test on each window's hull, the exact one where windows have gaps.
    big = 1 << 40
    lo = np.array([w[0][0] if w else -big for w in windows], dtype=np.int64)
    hi = np.array([w[-1][1] if w else big for w in windows], dtype=np.int64)
    found = [_similar(matrix, np.asarray(blocks[block]), lo, hi) for block in sorted(blocks)]
    chunk = max(16, DENSE_CELLS // max(n, 1))  # dense rows x n similarities at a time
    for start in range(0, len(undated), chunk):
        rows = np.asarray(undated[start : start + chunk])
        found.append(_nearest(matrix, rows, NEIGHBOURS))
    if not found:
        return {}
    left = np.concatenate([f[0] for f in found])
    right = np.concatenate([f[1] for f in found])
    sims = np.concatenate([f[2] for f in found])
    _, first = np.unique(left * n + right, return_index=True)  # one article in two blocks
    left, right, sims = left[first], right[first], sims[first]
    gaps = np.array([w is not None and len(w) > 1 for w in windows])
    ok = np.ones(len(left), dtype=bool)
    for k in np.flatnonzero(gaps[left] | gaps[right]).tolist():
        ok[k] = intersect(windows[left[k]], windows[right[k]]) != ()
    left, right, sims = _top_per_row(left[ok], right[ok], sims[ok], NEIGHBOURS)
    a, b = np.minimum(left, right), np.maximum(left, right)
    _, first = np.unique(a * n + b, return_index=True)  # kept by either side
    a, b, sims = a[first], b[first], sims[first]
    sims = np.where(vectors.principal_conflicts(a, b), CONFLICT, sims)
    return dict(zip(zip(a.tolist(), b.tolist(), strict=True), sims.tolist(), strict=True))


def _top_per_row(
    left: np.ndarray, right: np.ndarray, sims: np.ndarray, top: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each left article's ``top`` most similar pairs (ties: lower right index first)."""
    order = np.lexsort((right, -sims, left))
    left, right, sims = left[order], right[order], sims[order]
    if len(left) == 0:
        return left, right, sims
    starts = np.flatnonzero(np.r_[True, left[1:] != left[:-1]])
    rank = np.arange(len(left)) - np.repeat(starts, np.diff(np.r_[starts, len(left)]))
    keep = rank < top
    return left[keep], right[keep], sims[keep]


def _similar(
    matrix: sp.csr_matrix, members: np.ndarray, lo: np.ndarray, hi: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(article, other article, cosine) inside one time block: both directions, dates
    compatible (window hulls overlap), cosine >= CANDIDATE, each article's
    ``NEIGHBOURS`` best only (which keeps its overall best: they share a block with it).
    """
    cols = matrix[members].T.tocsr()
    found = []
    chunk = max(16, DENSE_CELLS // max(len(members), 1))  # dense rows x block at a time
    for start in range(0, len(members), chunk):
        rows = members[start : start + chunk]
        sims = (matrix[rows] @ cols).toarray()
        sims[np.arange(len(rows)), np.arange(start, start + len(rows))] = -1.0  # not oneself
        apart = (lo[rows][:, None] > hi[members][None, :]) | (
            lo[members][None, :] > hi[rows][:, None]
        )
        sims[apart] = -1.0
        left, right, values = _best(rows, sims, NEIGHBOURS)
        found.append((left, members[right], values))
    return tuple(np.concatenate(parts) for parts in zip(*found, strict=True))  # type: ignore[return-value]


def _nearest(
    matrix: sp.csr_matrix, rows: np.ndarray, top: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Like :func:`_similar` against every article, keeping each row's ``top`` best."""
    sims = (matrix[rows] @ matrix.T).toarray()
    sims[np.arange(len(rows)), rows] = -1.0  # not oneself
    return _best(rows, sims, top)


def _best(
    rows: np.ndarray, sims: np.ndarray, top: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(row, column, cosine) of each row's ``top`` best cosines that reach CANDIDATE."""
    k = min(top, sims.shape[1] - 1)
    if k <= 0:
        return rows[:0], rows[:0], np.zeros(0)
    best = np.argpartition(-sims, k - 1, axis=1)[:, :k]
    values = np.take_along_axis(sims, best, axis=1)
    left = np.repeat(rows, k)
    right, values = best.ravel(), values.ravel()
    keep = values >= CANDIDATE
    return left[keep], right[keep], values[keep]


# ---------------------------------------------------------------- clustering


@dataclass
class _Cluster:
    members: list[int]
    window: Intervals
    pin: str | None
    links: dict[int, float] = field(default_factory=dict)  # other cluster -> sum of cosines
    version: int = 0


def cluster(
    n: int,
    pairs: Mapping[tuple[int, int], float],
    windows: Sequence[Intervals],
    pins: Sequence[str | None],
) -> list[list[int]]:
    """Average-link clustering with date and pin constraints; clusters of article indices."""
    owner = list(range(n))
    clusters: dict[int, _Cluster] = {}
    by_pin: dict[str, int] = {}
    for i in range(n):
        pin = pins[i]
        if pin is not None and pin in by_pin:
            c = clusters[by_pin[pin]]
            c.members.append(i)
            w = intersect(c.window, windows[i])
            c.window = w if w != () else c.window  # the editor wins over dates
            owner[i] = by_pin[pin]
            continue
        clusters[i] = _Cluster([i], windows[i], pin)
        if pin is not None:
            by_pin[pin] = i
    for (i, j), sim in pairs.items():
        a, b = owner[i], owner[j]
        if a != b:
            clusters[a].links[b] = clusters[a].links.get(b, 0.0) + sim
            clusters[b].links[a] = clusters[b].links.get(a, 0.0) + sim
    # Entries (-mean, a, b, versions) order totally, so the merge order is deterministic.
    heap: list[tuple[float, int, int, int, int]] = []

    def push_links(a: int, above: int = -1) -> None:
        """Queue cluster ``a`` with each linked cluster (numbered above ``above``) whose
        mean similarity is enough."""
        ca = clusters[a]
        size, undated = len(ca.members), ca.window is None  # no date to back the text up
        for b, total in ca.links.items():
            if b <= above:
                continue
            cb = clusters[b]
            mean = total / (size * len(cb.members))
            if mean >= (SAME_STORY_UNDATED if undated or cb.window is None else SAME_STORY):
                if a < b:
                    heapq.heappush(heap, (-mean, a, b, ca.version, cb.version))
                else:
                    heapq.heappush(heap, (-mean, b, a, cb.version, ca.version))

    for a in list(clusters):
        push_links(a, above=a)
    while heap:
        _, a, b, va, vb = heapq.heappop(heap)
        ca, cb = clusters.get(a), clusters.get(b)
        if ca is None or cb is None or ca.version != va or cb.version != vb:
            continue
        window = intersect(ca.window, cb.window)
        if window == () or (ca.pin and cb.pin and ca.pin != cb.pin):
            continue
        ca.members += cb.members
        ca.window, ca.pin = window, ca.pin or cb.pin
        ca.version += 1
        del clusters[b]
        ca.links.pop(b, None)
        for c, total in cb.links.items():
            if c == a:
                continue
            cc = clusters[c]
            cc.links[a] = cc.links.get(a, 0.0) + cc.links.pop(b)
            ca.links[c] = ca.links.get(c, 0.0) + total
        push_links(a)
    return [sorted(c.members) for _, c in sorted(clusters.items())]


# ---------------------------------------------------------------- stories

# text -> its tokens joined by spaces (one string pickles ten times faster than a tuple of
# small ones; tokens never contain spaces), the lede principals, the usable sentences of
# the summary lead, and their figures and facts.
TokenPrefetch = tuple[
    dict[str, str],
    dict[tuple[str, str], LedePrincipals],
    dict[tuple[str, ...], tuple[tuple[int, str], ...]],
    dict[str, tuple[frozenset[str], frozenset[str]]],
]


def token_prefetch(article: Article) -> TokenPrefetch:
    """What :func:`group_stories` will want of this article, computed ahead: the tokens of
    its texts (feature texts, summary candidate sentences), its lede principals and its
    summary candidates with their figures. A cleaning worker process does this, the build
    cache keeps it, and :func:`prime_tokens` hands it to the grouping process."""
    lead, rest = feature_blocks(article)
    summary = summary_lead(article)
    sentences = {summary: lead_sentences(summary)}
    found = [s for _, _, s in candidates([article])]
    texts = [article.title, *lead, *rest, *found]
    first = lead[0] if lead else ""
    principals = {(article.title, first): principals_of_lede((article.title, first))}
    figures = {s: sentence_figures(s) for s in found}
    return {text: " ".join(text_tokens(text)) for text in texts}, principals, sentences, figures


def prime_tokens(prefetched: Sequence[TokenPrefetch]) -> None:
    """Use :func:`token_prefetch` results in the next :func:`group_stories` call."""
    for tokens, principals, sentences, figures in prefetched:
        text_tokens.remember({text: tuple(joined.split()) for text, joined in tokens.items()})
        principals_of_lede.remember(principals)
        lead_sentences.remember(sentences)
        sentence_figures.remember(figures)


def grouping_view(article: Article) -> Article:
    """The article as grouping reads it: its title, date, pin, language and the first body
    blocks, those that features (:func:`~digest.story_features.feature_blocks`) and the
    summary (first paragraphs) read; all of the body when it is undated (its dates then
    come from its whole text); no outlet, URL or English sidecar, which grouping never reads.

    :func:`group_stories` groups these views, so articles with the same views give the same
    stories: an edit further down an article, or to its outlet or English, keeps the last
    grouping (:class:`~digest.incremental.GroupingMemo`), with the edited article in."""
    body = article.body
    if article.date is not None:
        body = body[: max(feature_end(article), summary_end(article))]
    return dataclasses.replace(article, body=body, outlet=None, url=None, english=None, notes=())


def group_stories(
    articles: Sequence[Article], known: Mapping[str, str] | None = None
) -> list[Story]:
    """Stories, latest report first (see :func:`_newest_first`); ``known`` = previous
    source -> id.

    Only each article's :func:`grouping_view` is read; the stories hold the articles."""
    whole = {a.source: a for a in articles}
    articles = sorted((grouping_view(a) for a in articles), key=lambda a: a.source)
    if not articles:
        return []
    vectors = ArticleVectors(articles)
    matrix = vectors.matrix
    windows = [date_window(article_dates(a)) for a in articles]
    pins = [slugify(str(a.story)) if a.story is not None else None for a in articles]
    pins = _joining_pinned_stories([a.source for a in articles], pins, known or {})
    groups = cluster(len(articles), candidate_pairs(vectors, windows), windows, pins)
    members = [[articles[i] for i in g] for g in groups]
    ids = assign_ids(
        [
            Group(
                sources=tuple(a.source for a in ms),
                date=_story_date(ms),
                pin=next((pins[i] for i in g if pins[i] is not None), None),
                first=min(
                    ms, key=lambda a: (a.date is None, a.date or dt.date.min, a.source)
                ).source,
            )
            for g, ms in zip(groups, members, strict=True)
        ],
        known,
    )
    centroids = story_centroids(matrix, distinct_groups(matrix, groups))
    related = related_stories(centroids, ids, vectors.terms())
    # Centrality of each article: cosine to its story's centroid.
    owner = np.zeros(len(articles), dtype=np.int64)
    for k, g in enumerate(groups):
        owner[g] = k
    centrality = np.asarray(matrix.multiply(centroids[owner]).sum(axis=1)).ravel()
    found = [candidates(ms) for ms in members]
    event_columns = np.array([term.startswith("~") for term in vectors.terms()], dtype=bool)
    sentences = vectors.transform([s for story in found for _, _, s in story])
    sentence_owner = np.repeat(np.arange(len(groups)), [len(f) for f in found])
    sentence_centrality = np.asarray(
        sentences.multiply(centroids[sentence_owner]).sum(axis=1)
    ).ravel()
    stories = []
    start = 0
    for k, (g, ms) in enumerate(zip(groups, members, strict=True)):
        end = start + len(found[k])
        ordered = sorted(ms, key=lambda a: (a.date is None, a.date or dt.date.min, a.source))
        ordered = [whole[a.source] for a in ordered]
        stories.append(
            Story(
                id=ids[k],
                slug=ids[k],
                headline=choose_headline(ms, centrality[g].tolist()),
                headline_pool=headline_pool(ms, centrality[g].tolist()),
                date=_story_date(ms),
                articles=tuple(ordered),
                summary=choose_summary(
                    found[k],
                    _rows(sentences, start, end),
                    sentence_centrality[start:end],
                    [a.date for a in ms],
                    event_columns,
                ),
                related=related[k],
            )
        )
        start = end
    return sorted(stories, key=_newest_first)


def _joining_pinned_stories(
    sources: Sequence[str], pins: Sequence[str | None], known: Mapping[str, str]
) -> list[str | None]:
    """The pins, with an article pinned to a story the site has (``story:`` its ID) joining
    that story: the story's members hold its ID as a pin too, so that the pinned article
    joins them rather than taking their ID (and their URL and GUID) for itself."""
    named = {pin for pin in pins if pin is not None}
    return [
        pin if pin is not None else (known[s] if known.get(s) in named else None)
        for s, pin in zip(sources, pins, strict=True)
    ]


def _rows(matrix: sp.csr_matrix, start: int, end: int) -> sp.csr_matrix:
    """Rows ``start:end`` of a CSR matrix as a view (no scipy slicing overhead)."""
    import scipy.sparse as sp

    lo, hi = matrix.indptr[start], matrix.indptr[end]
    return sp.csr_matrix(
        (matrix.data[lo:hi], matrix.indices[lo:hi], matrix.indptr[start : end + 1] - lo),
        shape=(end - start, matrix.shape[1]),
    )


def _newest_first(story: Story) -> tuple[bool, int, int, str]:
    """Sort key: the latest report first (a story reported again today is today's news),
    then the story that began later; undated last, ties by id."""
    last, first = story.last_date, story.date
    return (
        last is None,
        -last.toordinal() if last else 0,
        -first.toordinal() if first else 0,
        story.id,
    )


def _story_date(articles: Sequence[Article]) -> dt.date | None:
    """Earliest date of the members (the cleaner's event date, else front matter)."""
    dates = [a.date for a in articles if a.date is not None]
    return min(dates) if dates else None


def distinct_members(matrix: sp.csr_matrix, group: Sequence[int]) -> list[int]:
    """The group's articles less copies of one before them (cosine of at least
    ``COPY_SIMILARITY``): a text that several outlets ran counts once in its story's
    centroid, so it does not pull the headline and summary towards itself."""
    if len(group) < 2:
        return list(group)
    rows = matrix[np.asarray(group)]
    earlier: dict[int, list[int]] = {}  # member -> the members before it that it copies
    step = max(1, DENSE_CELLS // len(group))  # rows compared at a time (a big story's too)
    for start in range(0, len(group), step):
        alike = (rows[start : start + step] @ rows.T).tocoo()
        copy = (alike.data >= COPY_SIMILARITY) & (alike.row + start > alike.col)
        for i, j in zip((alike.row[copy] + start).tolist(), alike.col[copy].tolist(), strict=True):
            earlier.setdefault(i, []).append(j)
    return _without_copies(group, earlier)


def _without_copies(group: Sequence[int], earlier: Mapping[int, Sequence[int]]) -> list[int]:
    """The group's members but those that copy a member kept before them (``earlier``:
    member position -> positions of the members before it that it copies)."""
    kept: set[int] = set()
    for i in range(len(group)):
        if not any(j in kept for j in earlier.get(i, ())):
            kept.add(i)
    return [group[i] for i in sorted(kept)]


def distinct_groups(matrix: sp.csr_matrix, groups: Sequence[Sequence[int]]) -> list[list[int]]:
    """:func:`distinct_members` of each group, with the cosines of every group's pairs
    computed in one go (a few sparse operations instead of a few per group).

    Summed in another order, a cosine can differ from the one :func:`distinct_members`
    computes in its last bits: a group with a cosine within ``COPY_MARGIN`` of
    ``COPY_SIMILARITY`` is left to :func:`distinct_members`, so the answer is its answer.
    Groups too big to list their pairs are too."""
    pairs = [(k, len(g)) for k, g in enumerate(groups) if 2 <= len(g) <= PAIRWISE_MAX]
    out = [list(g) if len(g) < 2 else None for g in groups]
    if pairs:
        owner, later, before = [], [], []  # (group, member position, earlier position)
        for k, size in pairs:
            i, j = np.tril_indices(size, -1)
            owner.append(np.full(len(i), k))
            later.append(i)
            before.append(j)
        owner_, later_, before_ = (np.concatenate(x) for x in (owner, later, before))
        starts = np.cumsum([0, *(len(g) for g in groups)])
        flat = np.concatenate([np.asarray(g, dtype=np.int64) for g in groups])
        a = matrix[flat[starts[owner_] + later_]]
        b = matrix[flat[starts[owner_] + before_]]
        cosines = np.asarray(a.multiply(b).sum(axis=1)).ravel()
        unsure = set(owner_[np.abs(cosines - COPY_SIMILARITY) <= COPY_MARGIN].tolist())
        earlier: dict[int, dict[int, list[int]]] = {k: {} for k, _ in pairs}
        copy = cosines >= COPY_SIMILARITY
        for k, i, j in zip(
            owner_[copy].tolist(), later_[copy].tolist(), before_[copy].tolist(), strict=True
        ):
            earlier[k].setdefault(i, []).append(j)
        for k, _ in pairs:
            if k not in unsure:
                out[k] = _without_copies(groups[k], earlier[k])
    return [
        distinct_members(matrix, g) if o is None else o for o, g in zip(out, groups, strict=True)
    ]


def story_centroids(matrix: sp.csr_matrix, groups: Sequence[Sequence[int]]) -> sp.csr_matrix:
    """L2-normalised sum of each group's article vectors."""
    import scipy.sparse as sp

    rows = np.repeat(np.arange(len(groups)), [len(g) for g in groups])
    cols = np.concatenate([np.asarray(g, dtype=np.int64) for g in groups])
    assign = sp.csr_matrix((np.ones(len(cols)), (rows, cols)), shape=(len(groups), matrix.shape[0]))
    return l2_normalize(assign @ matrix)


def related_stories(
    centroids: sp.csr_matrix, ids: Sequence[str], terms: Sequence[str]
) -> list[tuple[str, ...]]:
    """Per story, the ids of other stories sharing its main actors (top terms), best first.

    Main actors: a story's ``RELATED_TOP_TERMS`` heaviest features that are not event
    kinds (people, places, topic words). Two stories are related when they share at
    least ``RELATED_SHARED_TERMS`` of them and their centroids' cosine is at least
    ``RELATED_MIN``; they are different stories already, so different events.
    """
    import scipy.sparse as sp

    n = centroids.shape[0]
    event_kind = np.array([t.startswith("~") for t in terms], dtype=bool)
    rows, cols = [], []
    for k in range(n):
        lo, hi = centroids.indptr[k], centroids.indptr[k + 1]
        idx, data = centroids.indices[lo:hi], centroids.data[lo:hi]
        keep = ~event_kind[idx]
        idx, data = idx[keep], data[keep]
        top = idx[np.lexsort((idx, -data))[:RELATED_TOP_TERMS]]
        rows += [k] * len(top)
        cols += top.tolist()
    actors = sp.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=centroids.shape)
    rank = np.argsort(np.argsort(np.asarray(ids, dtype=object)))  # id order for ties
    related: list[tuple[str, ...]] = []
    chunk = max(16, DENSE_CELLS // max(n, 1))
    for start in range(0, n, chunk):
        stop = min(n, start + chunk)
        shared = (actors[start:stop] @ actors.T).toarray()
        sims = (centroids[start:stop] @ centroids.T).toarray()
        ok = (shared >= RELATED_SHARED_TERMS) & (sims >= RELATED_MIN)
        ok[np.arange(stop - start), np.arange(start, stop)] = False
        # Best first: highest cosine, then id order; at most MAX_RELATED per story.
        key = np.where(ok, sims, -np.inf)
        k = min(MAX_RELATED, n)
        best = np.argpartition(-key, k - 1, axis=1)[:, :k] if k else np.zeros((stop - start, 0))
        for r, row in enumerate(best.astype(np.int64)):
            row = row[ok[r, row]]
            row = row[np.lexsort((rank[row], -sims[r, row]))]
            related.append(tuple(ids[j] for j in row))
    return related


def once_each(
    articles: Sequence[Article], published: Collection[str] = ()
) -> tuple[Sequence[Article], list[tuple[str, str]]]:
    """The articles with a report saved more than once (the same title, text, outlet,
    address, date, language, pin and English: a page a scraper saved twice) kept once,
    under the file the site already shows (``published``: the story registry's files),
    else under its first file; and ``(file left out, file kept)`` for each other copy.
    ``articles`` itself when every report is there once."""
    seen: dict[tuple[str, str], list[Article]] = {}  # cheap to hash: title, first block
    dropped: list[tuple[str, str]] = []
    # (sorted is stable: the published files first, the others in their order)
    for article in sorted(articles, key=lambda a: a.source not in published):
        lead = article.body[0].plain_text() if article.body else ""
        same = seen.setdefault((article.title, lead), [])
        original = next((kept for kept in same if _same_report(kept, article)), None)
        if original is None:
            same.append(article)
        else:
            dropped.append((article.source, original.source))
    if not dropped:
        return articles, dropped
    left_out = {source for source, _ in dropped}
    return [a for a in articles if a.source not in left_out], sorted(dropped)


def copy_warning(copy: str, kept: str) -> str:
    """What the editor is told of a file :func:`once_each` left out."""
    return f"{copy} is the same report as {kept}: only {kept} is shown"


def _same_report(a: Article, b: Article) -> bool:
    """Everything of the two but the file name is the same (an editor's pin and English
    too: a copy with its own is kept)."""
    return dataclasses.replace(a, source=b.source) == b


def story_index(stories: Sequence[Story]) -> dict[str, str]:
    """Article source -> story id, for the story registry."""
    return {a.source: s.id for s in stories for a in s.articles}
