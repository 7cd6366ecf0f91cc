"""Split cleaned Arabic text into sentences, the unit the translation model works on.

A sentence ends at ``.`` ``؟`` ``!`` ``؛`` ``?`` followed by a space (the punctuation stays with
its sentence, as do closing quotes and brackets right after it) and at every line break. It
never ends at the Arabic comma ``،`` or a colon (news sentences are long chains of clauses),
inside a number (``3.5``, ``1.000``), after an abbreviation (``د.``, ``م.``, any single letter,
``U.S.``, ``Dr.``) or inside « », “ ” or "…" quotes.
"""

from __future__ import annotations

import re
from bisect import bisect_left

TERMINATORS = ".؟!؛?"
CLOSERS = "»”\"')]’"
QUOTE_PAIRS = {"«": "»", "“": "”"}
STRAIGHT_QUOTE = '"'

# Abbreviations (without their final dot) after which a dot does not end a sentence. Single
# letters and dotted initials (U.S, أ.د) are recognised by shape, see _is_abbreviation.
ABBREVIATIONS = frozenset(
    {"هـ", "ص.ب", "Mr", "Mrs", "Ms", "Dr", "Prof", "St", "Jr", "Sr", "No", "vs", "Gen", "Col"}
)
_BOUNDARY = re.compile(r"[.؟!؛?]+[»”\"')\]’]*(?=\s|$)")
_FULL_STOP = re.compile(r"[.؟!?]+[»”\"')\]’]*(?=\s|$)")  # not ؛: it joins two clauses
_INITIALS = re.compile(r"^(?:\w\.)+\w$")
_WORD_REACH = 64  # how far back the word before a dot is read: far more than an abbreviation
_QUOTE_MARKS = re.compile(
    "[" + re.escape("".join(QUOTE_PAIRS) + "".join(QUOTE_PAIRS.values()) + STRAIGHT_QUOTE) + "]"
)


def split_sentences(text: str) -> list[str]:
    """The sentences of ``text``, stripped, in order, none empty."""
    sentences: list[str] = []
    for line in text.splitlines():
        sentences += _split_line(line)
    return sentences


def split_full_sentences(paragraph: str) -> list[str]:
    """Whole sentences, to be quoted alone (a story's summary): as :func:`split_sentences`
    (not inside quotes, numbers or after abbreviations), but ``؛`` does not end one: the
    clause after it ("مما يعكس ...") leans on the one before."""
    return [s for line in paragraph.splitlines() for s in _split_line(line, _FULL_STOP)]


def split_lines_and_sentences(text: str) -> list[list[str]]:
    """Sentences grouped by line (empty lines dropped), so line breaks can be kept."""
    return [s for s in (_split_line(line) for line in text.splitlines()) if s]


def _split_line(line: str, boundary: re.Pattern[str] = _BOUNDARY) -> list[str]:
    quoted = _quoted_spans(line)
    sentences: list[str] = []
    start = 0
    for match in boundary.finditer(line):
        end = match.end()
        if _inside(quoted, end) or not _ends_sentence(line, match.start(), start):
            continue
        sentences.append(line[start:end])
        start = end
    sentences.append(line[start:])
    return [s.strip() for s in sentences if s.strip()]


def _ends_sentence(line: str, dot: int, sentence_start: int) -> bool:
    """Whether the punctuation at ``dot`` ends a sentence (a dot after an abbreviation does not)."""
    if line[dot] != "." or line[dot : dot + 2] == "..":
        return True
    before = line[max(0, dot - _WORD_REACH) : dot]  # not all the line: a page may be one
    word = before.rsplit(None, 1)[-1] if before.strip() else ""
    word = word.lstrip("(«“\"'[")
    if not word:
        return True
    if _is_abbreviation(word):
        return False
    # "1. ..." at the start of a line is a list number, not a sentence.
    return not (word.isdigit() and not line[sentence_start:dot].strip().removesuffix(word).strip())


def _is_abbreviation(word: str) -> bool:
    if word in ABBREVIATIONS:
        return True
    if len(word) == 1 and word.isalpha():
        return True
    return bool(_INITIALS.match(word))


def _quoted_spans(line: str) -> list[tuple[int, int]]:
    """(open, close) index pairs of balanced quotes, in order, nested or overlapping ones
    merged (so :func:`_inside` can bisect them); an unclosed quote is ignored."""
    spans: list[tuple[int, int]] = []
    stack: list[tuple[str, int]] = []
    straight: int | None = None
    for match in _QUOTE_MARKS.finditer(line):  # every other character changes nothing
        i, char = match.start(), match[0]
        if char in QUOTE_PAIRS:
            stack.append((QUOTE_PAIRS[char], i))
        elif stack and char == stack[-1][0]:
            spans.append((stack.pop()[1], i))
        elif char == STRAIGHT_QUOTE:
            if straight is None:
                straight = i
            else:
                spans.append((straight, i))
                straight = None
    merged: list[tuple[int, int]] = []
    for open_, close in sorted(spans):
        if merged and open_ <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], close))
        else:
            merged.append((open_, close))
    return merged


def _inside(spans: list[tuple[int, int]], position: int) -> bool:
    """Whether a boundary just before ``position`` would cut a quote in two."""
    at = bisect_left(spans, (position,)) - 1  # the last quote opened before it
    return at >= 0 and position <= spans[at][1]
