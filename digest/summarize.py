"""A story's headline and summary, chosen from its articles (extractive, Arabic).

* Headline: the title of the first report among the most central articles (cosine to
  the story's centroid within ``HEADLINE_MARGIN`` of the best), preferring titles that
  were written as titles over titles the cleaner derived from a first sentence.
* Summary: up to ``MAX_SENTENCES`` complete sentences from the lead paragraphs of the
  member articles, most central first (background last), at most one per article while
  other articles still have candidates, skipping near-duplicates of sentences already chosen;
  and the figure most of the reports give (a toll), if at least two do.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np

from digest.article import Article
from digest.dates import MONTHS, WEEKDAYS
from digest.normalize import normalize_arabic
from digest.sentences import split_full_sentences
from digest.stopwords_ar import STOPWORDS
from digest.story_features import Memo, foldable, raw_tokens, skeleton, strip_article

if TYPE_CHECKING:  # scipy is imported where it is used: a build imports it while workers clean
    import scipy.sparse as sp

SUMMARY_PARAGRAPHS = 3  # sentences come from the first paragraphs of each article
# and from the first sentences of each: a page saved as one line is one paragraph of
# thousands, and the choice compares every candidate with every other
PARAGRAPH_SENTENCES = 12
MIN_CHARS, MAX_CHARS = 40, 260  # a summary sentence is a real sentence, not a paragraph
# A first sentence that stands in for a summary (none qualifies) is cut after this many:
# a longer one is a text without its full stops, not a sentence.
STAND_IN_CHARS = 2 * MAX_CHARS
MAX_SENTENCES = 3
MAX_SENTENCES_BIG = 4  # for stories with at least four articles
NEAR_DUPLICATE = 0.5  # cosine above which two sentences say the same thing
LEAD_BONUS = 0.05  # small preference for sentences from the first paragraph
HEADLINE_MARGIN = 0.05  # centrality below the best at which a report can still headline
HEADLINE_KEEP = 2 * HEADLINE_MARGIN  # ... and can stay the headline it is (headline_pool)

_LATIN = re.compile(r"[A-Za-z]")
_ENDS_SENTENCE = re.compile(r"[.!?؟…][\"”»')]*$")


# A sentence opening with a connective or a pronoun that points back ("so the alliance ...",
# "therefore", "but", "also", "as for", "and it ...", "this ...") needs the sentence before
# it: not one for a summary, which quotes it alone. Matched on the folded first words (no
# diacritics: لكنّ is لكن; hamza folded: فإن is فان, أما is اما, هؤلاء is هولا); ف and و that
# belong to the word (فقدت, فلسطين, وتسعى) do not count.
_PRONOUNS = "هو|هي|هما|هم|هن|هذا|هذه|هذان|هاتان|ذلك|تلك|هولا|اوليك"
_DEPENDENT_OPENER = re.compile(
    rf"(?:ف(?:ال\S+|ان(?:ه|ها|هم|هما|هن)?|قد|{_PRONOUNS})"
    r"|و?(?:لذلك|لهذا|لذا|بالتالي|عليه|بذلك|بهذا)"
    r"|و?لكن(?:ه|ها|هم|هما|هن|ني|نا)?|بل|اذ|و?كما|و?اما"
    rf"|و?(?:{_PRONOUNS}))(?=[\s,]|$)"
)
# ... or with a phrase that does: "for his part" (someone else spoke before), "on the other
# hand", "meanwhile", "in the same context", "besides that".
_DEPENDENT_PHRASE = re.compile(
    r"و?(?:من (?:جهت|جانب)(?:ه|ها|هم|هما)|من (?:جهه|جانب|ناحيه) اخر[يا]?|في المقابل"
    r"|في (?:الوقت|السياق) (?:نفسه|ذاته)|في سياق متصل|في غضون ذلك|الي جانب ذلك|الي ذلك)"
    r"(?=[\s,]|$)"
)


@lru_cache(maxsize=8192)  # sentences open with the same few hundred words
def points_back(first_word: str) -> bool:
    """Is this a sentence's first word that points back (see ``_DEPENDENT_OPENER``)?"""
    return _DEPENDENT_OPENER.match(normalize_arabic(first_word)) is not None


def opens_pointing_back(sentence: str) -> bool:
    """Does the sentence open with a word or phrase that points back ("وكما", "من جهته،")?"""
    words = sentence.split(maxsplit=3)
    return bool(words) and (
        points_back(words[0])
        or _DEPENDENT_PHRASE.match(normalize_arabic(" ".join(words[:3]))) is not None
    )


# "وقال إن ..." / "وأضاف في بيان ...": he said, she added: who, the sentence before says.
# A verb of saying whose next word is not its subject (a particle, a preposition, a phrase
# like بالإنجليزية or للصحفيين) leaves the speaker out.
_SAYS = re.compile(
    r"[وف]?(?:قال|اضاف|تابع|اكد|اوضح|اشار|شدد|لفت|اعتبر|راى|زعم|صرح|ذكر|كشف|قالت|اضافت"
    r"|تابعت|اكدت|اوضحت|اشارت|شددت|لفتت|اعتبرت|رات|زعمت|صرحت|ذكرت|كشفت)"
)
_NOT_SUBJECTS = (
    "إن أن إنه إنها أنه أنها في خلال عبر على من أمام لدى بعد قبل إلى مخاطبا مضيفا متابعا"
    " مؤكدا مشيرا لاحقا أيضا كذلك"
)
_NOT_A_SUBJECT = frozenset(normalize_arabic(word) for word in _NOT_SUBJECTS.split())


def leaves_out_the_speaker(sentence: str) -> bool:
    """Does the sentence open with a verb of saying but no one saying it (``وقال إن``)?"""
    words = sentence.split(maxsplit=2)
    if len(words) < 2 or not _SAYS.fullmatch(normalize_arabic(words[0])):
        return False
    second = normalize_arabic(words[1]).strip(":،,")
    return second in _NOT_A_SUBJECT or second.startswith(("بال", "لل"))


def is_summary_sentence(sentence: str) -> bool:
    """Complete, of reasonable length, Arabic (not a photo credit or a stray heading), and
    understood alone (not opening with a connective that points back, nor with a verb of
    saying whose speaker the sentence before names)."""
    if not MIN_CHARS <= len(sentence) <= MAX_CHARS or not _ENDS_SENTENCE.search(sentence):
        return False
    if opens_pointing_back(sentence) or leaves_out_the_speaker(sentence):
        return False
    return len(_LATIN.findall(sentence)) * 5 < len(sentence)


# A report's opening dateline and credit, before its first sentence: "تل أبيب- (أ ف ب):",
# "بيروت (رويترز) -", "القاهرة - «الشرق الأوسط»:" (a place of up to four words, then an
# outlet in brackets or quotes, then a colon or dash: see ``clean.agency_line``).
_OPENING_CREDIT = re.compile(
    r"(?:[^\s\d:()«»\"“”]+\s+){0,3}[^\s\d:()«»\"“”]+\s*[-–—]?\s*"
    r"[(«\"“][^()«»\"“”]{1,30}[)»\"”]\s*[:：\-–—]\s*"
)


# ... or a place and the day: "سوتشي - 4 سبتمبر 2023 - "
_OPENING_DATELINE = re.compile(
    r"(?:[^\s\d:()«»\"“”\-–—]+\s+){0,2}[^\s\d:()«»\"“”\-–—]+\s*[-–—]\s*"
    r"(?P<day>[^\-–—:]{6,40}?)\s*[:：\-–—]\s*"
)


def without_credit(sentence: str) -> str:
    """A sentence without the dateline and credit a report opens with, which a summary
    that quotes it among other outlets' sentences should not carry."""
    from digest.clean import agency_line
    from digest.dates import has_written_date

    match = _OPENING_CREDIT.match(sentence)
    if match is not None and agency_line(match.group()) is not None:
        return sentence[match.end() :]
    match = _OPENING_DATELINE.match(sentence)
    if match is not None and has_written_date(match["day"]):
        return sentence[match.end() :]
    return sentence


def _lead_sentences(lead: tuple[str, ...]) -> tuple[tuple[int, str], ...]:
    """(paragraph index, sentence) of every usable sentence of these lead paragraphs."""
    return tuple(
        (p, sentence)
        for p, paragraph in enumerate(lead)
        for sentence in map(without_credit, split_full_sentences(paragraph)[:PARAGRAPH_SENTENCES])
        if is_summary_sentence(sentence)
    )


lead_sentences: Memo[tuple[str, ...], tuple[tuple[int, str], ...]] = Memo(_lead_sentences, 100_000)
"""Usable sentences of an article's lead paragraphs (``summary_lead``), cached per lead: the
cleaning workers find them for the grouper (:func:`digest.group.token_prefetch`)."""


# Summary sentences stand alone: not list items (torn from the line that leads them),
# quotations (whose words?), tables or headings.
SUMMARY_KINDS = ("paragraph",)


def summary_lead(article: Article) -> tuple[str, ...]:
    """The paragraphs an article's summary sentences come from: its first
    ``SUMMARY_PARAGRAPHS`` paragraphs (not lists, quotations, tables or headings)."""
    blocks = article.body[: summary_end(article)]
    return tuple(b.plain_text() for b in blocks if b.kind in SUMMARY_KINDS and b.plain_text())


def summary_end(article: Article) -> int:
    """How many of the article's body blocks :func:`candidates` reads (the first ones)."""
    paragraphs = 0
    for index, block in enumerate(article.body):
        if block.kind in SUMMARY_KINDS and block.plain_text():
            paragraphs += 1
            if paragraphs == SUMMARY_PARAGRAPHS:
                return index + 1
    return len(article.body)


def candidates(articles: Sequence[Article]) -> list[tuple[int, int, str]]:
    """(article index, paragraph index, sentence) for every usable lead sentence.

    When no sentence qualifies, the first sentence of each article stands in.
    """
    found = [
        (a, p, sentence)
        for a, article in enumerate(articles)
        for p, sentence in lead_sentences(summary_lead(article))
    ]
    if not found:  # short or unpunctuated articles: their first sentences, as they are
        for a, article in enumerate(articles):
            first = next(iter(summary_lead(article)), "")
            sentences = split_full_sentences(first)
            if sentences and sentences[0] != article.title:
                found.append((a, 0, opening_words(sentences[0])))
    return found


def opening_words(sentence: str) -> str:
    """A sentence that stands in for a summary, its words up to ``STAND_IN_CHARS`` and an
    ellipsis when longer: a text without full stops is one "sentence", which would make
    the whole text the summary of its feed item and card."""
    if len(sentence) <= STAND_IN_CHARS:
        return sentence
    words = sentence[: STAND_IN_CHARS + 1].split()
    if len(words) > 1:
        words.pop()  # cut mid-word, or the word that would pass the limit
    return " ".join(words).rstrip("،,؛;:-–— ") + "…"


# "وكان عراقجي زار القاهرة مطلع الشهر" (had visited), "وسبق أن" (earlier), "يذكر أن" (of
# note): background, which follows what happened and what was said of it.
_BACKGROUND = re.compile(r"(?:و?كان(?:ت)?|و?سبق|و?يذكر|و?تجدر)(?=[\s,]|$)")


def is_background(sentence: str) -> bool:
    """Does the sentence open as background does ("وكان ... قد", "وسبق أن", "يُذكر أن")?"""
    first = sentence.split(maxsplit=1)
    return bool(first) and _BACKGROUND.match(normalize_arabic(first[0])) is not None


def choose_summary(
    found: Sequence[tuple[int, int, str]],
    vectors: sp.csr_matrix,
    centrality: np.ndarray,
    dates: Sequence[dt.date | None],
    event_columns: np.ndarray | None = None,
) -> tuple[str, ...]:
    """The story's summary sentences, most central first, background (:func:`is_background`)
    after the rest.

    ``found`` are the story's :func:`candidates`, ``vectors`` their TF-IDF rows and
    ``centrality`` their cosines to the story's centroid (same order); ``dates``: the
    date of each of the story's articles (``found``'s article indexes). Two sentences that
    give the same figure report the same thing in other words ("340 families were
    evacuated" / "340 families were moved"), and so does a sentence that names a kind of
    event a chosen one names (``event_columns``: the columns of features such as ``~sign``,
    ``~visit``: "arrived in Russia" / "arrived in Moscow") unless it gives a figure the
    chosen ones do not (the Security Council adopted the resolution / "14 members voted
    for it"): a summary keeps only the first of them.

    A report's lead (its first sentence) tells the story's event: once the summary has
    one, another report's lead of the same day tells it again ("Sisi received Erdogan" /
    "Erdogan met Sisi in Cairo"), however it words it, and that report's next sentence
    is taken instead; a later day's lead tells what came next, and may be taken. An
    undated report is taken to tell the story's first day (it joined the story on its
    text, which tells that day's event). But a lead whose opening (who did what: its first
    ``LEAD_OPENING`` words, see :func:`_opening_said`) names nothing the summary names tells
    other news, whatever its day and kind of event ("the royal cabinet declared three days
    of national mourning after the quake that struck Al Haouz", after "a quake struck Al
    Haouz"): it is not passed over for its report's next sentence.

    A figure that several reports give (:func:`_agreed_figure`: "more than two thousand
    dead", "the toll passed 2000") is what readers of the story look for: when the sentences
    chosen do not give it, the first sentence in order that does takes the place of the
    last one chosen.
    """
    if not found:
        return ()
    leads = _leads(found)
    first_day = min((d for d in dates if d is not None), default=None)
    scores = centrality + np.array([LEAD_BONUS if p == 0 else 0.0 for _, p, _ in found])
    dense, columns = _dense_rows(vectors)
    overlap = dense @ dense.T
    figures, facts = zip(*(sentence_figures(sentence) for _, _, sentence in found), strict=True)
    same_fact = _sharing(figures)
    overlap = np.where(same_fact, np.maximum(overlap, 1.0), overlap)
    same_event = _same_event(dense, columns, event_columns)
    order = sorted(range(len(found)), key=lambda i: (-scores[i], found[i][0], found[i][1], i))
    limit = MAX_SENTENCES_BIG if len(dates) >= 4 else MAX_SENTENCES
    words = [content_words(sentence) for _, _, sentence in found]

    chosen: list[int] = []
    told: set[dt.date] = set()  # the days whose event a chosen lead tells
    for one_per_article in (True, False):
        for i in order:
            if len(chosen) >= limit:
                break
            if i in chosen or (one_per_article and found[i][0] in {found[c][0] for c in chosen}):
                continue
            if chosen and overlap[chosen, i].max() > NEAR_DUPLICATE:
                continue
            # a lead whose opening names nothing the summary names tells other news
            retold = i not in leads or _opening_said(words, chosen, i)
            if retold and chosen and same_event[chosen, i].any() and _nothing_new(facts, chosen, i):
                continue
            day = dates[found[i][0]] or first_day
            if i in leads and day is not None and day in told and retold:
                continue
            chosen.append(i)
            if i in leads and day is not None:
                told.add(day)
    agreed = _agreed_figure(found, facts, order)
    if chosen and agreed is not None and not any(agreed in facts[c] for c in chosen):
        # the figure the reports agree on (a toll) takes the place of the last sentence
        # chosen (the least wanted), where its rank puts it among the others
        kept = chosen[:-1] if len(chosen) >= limit else chosen
        figure = next(
            (
                i
                for i in order
                if agreed in facts[i] and not (overlap[kept, i] > NEAR_DUPLICATE).any()
            ),
            None,
        )
        if figure is not None:
            rank = {i: r for r, i in enumerate(order)}
            at = next((k for k, c in enumerate(kept) if rank[c] > rank[figure]), len(kept))
            chosen = [*kept[:at], figure, *kept[at:]]
    return tuple(sorted((found[i][2] for i in chosen), key=is_background))


LEAD_OPENING = 4  # a lead's first content words: who did what (the rest tells when, where, why)


def _content_words(sentence: str) -> tuple[frozenset[str], ...]:
    """The sentence's words that name something, in order, each as the forms it may take
    in another sentence: folded, without the article or a conjunction or preposition
    glued to it (وإيران is إيران), spelling variants as one
    (:func:`~digest.story_features.skeleton`); not stopwords, numbers, days of the week or
    months."""
    forms = (_word_forms(token) for token in raw_tokens(sentence))
    return tuple(form for form in forms if form is not None)


@lru_cache(maxsize=100_000)
def _word_forms(token: str) -> frozenset[str] | None:
    """A token's forms for :func:`_content_words`, or None if it names nothing (a word
    recurs in sentence after sentence: each is worked out once)."""
    stem = strip_article(token)
    if len(stem) < 3 or stem.isdigit() or token in WEEKDAYS or stem in MONTHS:
        return None
    if token in STOPWORDS or stem in STOPWORDS:
        return None
    forms = {_spelling(stem)}
    if stem[0] in "وفبل" and len(stem) >= 4 and stem[1:] not in STOPWORDS:
        forms.add(_spelling(stem[1:]))
    return frozenset(forms)


def _spelling(stem: str) -> str:
    """One form for a word's spellings (بزشكيان, بيزشكيان), as grouping folds them."""
    return skeleton(stem) if foldable(stem) else stem


content_words: Memo[str, tuple[frozenset[str], ...]] = Memo(_content_words, 300_000)
"""A sentence's content words (:func:`_content_words`), cached per sentence."""


def _opening_said(
    words: Sequence[tuple[frozenset[str], ...]], chosen: Sequence[int], lead: int
) -> bool:
    """Does the lead's opening (its first ``LEAD_OPENING`` content words: who did what) name
    something the chosen sentences name? "استقبل الرئيس السيسي أردوغان" after "التقى أردوغان
    السيسي" does, and tells the event again; "أعلن الديوان الملكي الحداد الوطني ..., إثر
    الزلزال الذي ضرب الحوز" after "ضرب زلزال الحوز" does not: it tells what came of it."""
    said = frozenset().union(*(form for c in chosen for form in words[c]))
    opening = words[lead][:LEAD_OPENING]
    return any(not forms.isdisjoint(said) for forms in opening)


def _agreed_figure(
    found: Sequence[tuple[int, int, str]], facts: Sequence[frozenset[str]], order: Sequence[int]
) -> str | None:
    """The figure (:func:`_facts`) that most of the story's reports give, if at least two do
    (a toll, a rate, a price: what they agree on, readers look for); of figures as widely
    given, the one given first in ``order``."""
    reports: dict[str, set[int]] = {}  # figure -> the reports giving it, in order of first
    for i in order:
        for fact in sorted(facts[i]):
            reports.setdefault(fact, set()).add(found[i][0])
    agreed = [fact for fact, given in reports.items() if len(given) > 1]
    return max(agreed, key=lambda fact: len(reports[fact])) if agreed else None


def _sharing(sets: Sequence[frozenset[str]]) -> np.ndarray:
    """Which pairs of the sets have an element in common (``a & b``), as a boolean matrix."""
    ids: dict[str, int] = {}
    rows = [i for i, items in enumerate(sets) for _ in items]
    cols = [ids.setdefault(item, len(ids)) for items in sets for item in items]
    holds = np.zeros((len(sets), len(ids)), dtype=np.int64)
    holds[rows, cols] = 1
    return (holds @ holds.T) > 0


def _leads(found: Sequence[tuple[int, int, str]]) -> set[int]:
    """Which of the :func:`candidates` are their report's lead: its first usable sentence,
    from its first paragraph."""
    first: dict[int, int] = {}
    for i, (article, paragraph, _) in enumerate(found):
        if paragraph == 0:
            first.setdefault(article, i)
    return set(first.values())


_NUMBER = re.compile(r"\d+(?:[.,٫٬]\d+)*")  # in any digits (٣٤٠ is 340)
_YEAR = re.compile(r"(?:19|20)\d\d")
_ZERO_DECIMALS = re.compile(r"(?:\.0{1,2}|(\.\d)0)$")  # 25.00 is 25, 25.50 is 25.5 (not 1.000)


# A small count in words or digits and what it counts: "ثماني سنوات", "8 سنوات".
_NUMBER_WORDS = {
    normalize_arabic(word): str(n)
    for n, words in enumerate(
        (
            "",
            "",
            "اثنين اثنان اثنتين اثنتان",
            "ثلاث ثلاثة",
            "أربع أربعة",
            "خمس خمسة",
            "ست ستة",
            "سبع سبعة",
            "ثماني ثمانية ثمان",
            "تسع تسعة",
            "عشر عشرة",
        )
    )
    for word in words.split()
}
# (not the decimals of a number: "6.8 درجات" counts no "8 درجات")
_COUNT = re.compile(r"(?<![\w.,٫٬])(\d+|[^\W\d_]+)(?=\s+[\"«“']?(?:ال)?([^\W\d_]{3,}))")

# Hundreds and thousands in words, folded: "ألفي قتيل" (2000), "ثلاثة آلاف" (3000),
# "أربعمئة" (400), "مئتي" (200). Not a bare "ألف" (also a letter, "ألّف" wrote) nor "آلاف"
# without a count ("آلاف الجرحى": thousands, no figure).
_TWO = {
    normalize_arabic(word): n
    for n, words in ((2000, "ألفي ألفين"), (200, "مئتي مئتين مئتا مائتي مائتين مائتا"))
    for word in words.split()
}
_HUNDREDS = {
    normalize_arabic(f"{unit}{hundred}"): n * 100
    for n, unit in enumerate(("", "", "", "ثلاث", "أربع", "خمس", "ست", "سبع", "ثمان", "تسع"))
    if unit
    for hundred in ("مئة", "مائة")
}
_IN_WORDS_KEYS = (*_TWO, *_HUNDREDS, "الاف")  # one of them is in any number in words
_WORD_NUMBER = re.compile(r"(?<!\w)[وب]?([^\W\d_]+)(?!\w)")
_THOUSANDS = re.compile(r"(?<![\w.,٫٬])[وب]?(\d+|[^\W\d_]+)\s+(?:[وب]?ال)?الاف(?!\w)")


def _figures(sentence: str, folded: str | None = None) -> frozenset[str]:
    """The figures a sentence gives (340, 600, 1.5): numbers of two digits or more that are
    not years, which say little about the fact; folded as :func:`normalize_arabic` folds
    them (only the numbers are), without zero decimals ("25.00%" and "25 بالمئة" are one
    figure). And small counts with what they count ("8 سنوات" and
    "ثماني سنوات" are one figure: ``8 سنوات``). ``folded``: the sentence's
    :func:`normalize_arabic`, when known."""
    folded = normalize_arabic(sentence) if folded is None else folded
    numbers = (_ZERO_DECIMALS.sub(r"\1", normalize_arabic(n)) for n in _NUMBER.findall(sentence))
    figures = {n for n in numbers if len(n) >= 2 and not _YEAR.fullmatch(n)}
    for count, counted in _COUNT.findall(folded):
        number = count if count.isdigit() else _NUMBER_WORDS.get(count)
        if number is not None and 2 <= int(number) <= 10 and counted not in STOPWORDS:
            figures.add(f"{number} {counted}")
    return frozenset(figures | _figures_in_words(folded))


def _figures_in_words(folded: str) -> set[str]:
    """Hundreds and thousands written in words (folded text), as the figures their
    digits give: "أكثر من ألفي قتيل" and "تجاوز عدد القتلى 2000" give one figure, 2000."""
    if not any(key in folded for key in _IN_WORDS_KEYS):  # (most sentences have none)
        return set()
    figures = {
        str(_TWO.get(word) or _HUNDREDS[word])
        for word in _WORD_NUMBER.findall(folded)
        if word in _TWO or word in _HUNDREDS
    }
    for count in _THOUSANDS.findall(folded):
        number = count if count.isdigit() else _NUMBER_WORDS.get(count)
        if number is not None and 2 <= int(number) <= 10:
            figures.add(str(int(number) * 1000))
    return figures


def _same_event(
    dense: np.ndarray, columns: np.ndarray, event_columns: np.ndarray | None
) -> np.ndarray:
    """Which pairs of sentences (rows of ``dense``, over ``columns``) name a kind of event
    in common (``event_columns``: the vectors' columns of event features)."""
    if event_columns is None or not event_columns.any():
        return np.zeros((len(dense), len(dense)), dtype=bool)
    events = (dense[:, event_columns[columns]] > 0).astype(np.float64)
    return (events @ events.T) > 0


# A day of a month ("11 أكتوبر", "3 من حزيران"), folded: when, not a fact of the event.
_DAY_OF_MONTH = re.compile(
    r"(?<![\w.,])\d{1,2}\s+(?:من\s+)?(?:شهر\s+)?(?:"
    + "|".join(sorted(map(re.escape, MONTHS), key=len, reverse=True))
    + r")(?!\w)"
)


def _facts(sentence: str, folded: str | None = None) -> frozenset[str]:
    """The figures a sentence gives (:func:`_figures`) but not the days of months it names:
    a sentence that tells the event again often adds its day ("الجمعة 11 أكتوبر 2024").
    ``folded``: the sentence's :func:`normalize_arabic`, when known."""
    folded = normalize_arabic(sentence) if folded is None else folded
    without_days = _DAY_OF_MONTH.sub(" ", folded)
    return _figures(without_days, without_days)  # (folded already)


def _sentence_figures(sentence: str) -> tuple[frozenset[str], frozenset[str]]:
    folded = normalize_arabic(sentence)
    return _figures(sentence, folded), _facts(sentence, folded)


sentence_figures: Memo[str, tuple[frozenset[str], frozenset[str]]] = Memo(
    _sentence_figures, 300_000
)
"""A sentence's figures (:func:`_figures`) and facts (:func:`_facts`), cached per sentence:
a story's candidates are compared again each time it is grouped."""


def _nothing_new(facts: Sequence[frozenset[str]], chosen: Sequence[int], candidate: int) -> bool:
    """Does the candidate give no figure (:func:`_facts`) that the chosen sentences have
    not given?"""
    return facts[candidate] <= frozenset().union(*(facts[c] for c in chosen))


def _dense_rows(vectors: sp.csr_matrix) -> tuple[np.ndarray, np.ndarray]:
    """A few sparse rows as a dense array over just the columns they use, and those
    columns (a story's sentences: numpy on a small array is ten times faster than
    scipy's sparse products)."""
    columns, inverse = np.unique(vectors.indices, return_inverse=True)
    dense = np.zeros((vectors.shape[0], len(columns)))
    rows = np.repeat(np.arange(vectors.shape[0]), np.diff(vectors.indptr))
    np.add.at(dense, (rows, inverse), vectors.data)  # as a sparse product sums repeats
    return dense, columns


def choose_headline(articles: Sequence[Article], centrality: Sequence[float]) -> str:
    """Title of the first report (earliest date, then file name) among the articles as
    central as the most central one, less ``HEADLINE_MARGIN``; written titles before
    derived ones.

    The margin keeps a story's headline when a later report joins or an article is edited
    a little: two articles are exactly as central as each other (their centroid is halfway),
    and rounding then decided which headline showed."""
    near = _as_central(articles, centrality, HEADLINE_MARGIN)
    first = min(
        near, key=lambda i: (articles[i].date is None, articles[i].date, articles[i].source)
    )
    return articles[first].title


def headline_pool(articles: Sequence[Article], centrality: Sequence[float]) -> tuple[str, ...]:
    """Sources of the reports whose title may stay the story's headline if it is already
    (as central as the most central report, less ``HEADLINE_KEEP``; written titles before
    derived ones), when there are several: see :func:`~digest.story_registry.keep_headlines`.

    Centrality drifts a little whenever reports of other stories are added (they weigh
    the words), and a report at the edge of ``HEADLINE_MARGIN`` made the headline of a
    story that had not changed flip back and forth from build to build."""
    kept = sorted(articles[i].source for i in _as_central(articles, centrality, HEADLINE_KEEP))
    return tuple(kept) if len(kept) > 1 else ()


def _as_central(
    articles: Sequence[Article], centrality: Sequence[float], margin: float
) -> list[int]:
    """The articles (indexes) whose title may headline the story: as central as the most
    central one, less ``margin``; those with a title written as one, if any."""
    written = [i for i, a in enumerate(articles) if not a.title_derived]
    pool = written or list(range(len(articles)))
    best = max(centrality[i] for i in pool)
    return [i for i in pool if centrality[i] >= best - margin]
