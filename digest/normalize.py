"""Fold Arabic text for matching (never for display).

``normalize_arabic`` maps the many ways one word is written to one form, so that
بيزشكيان, بزشكيان, پيزشكيان and بيزشكیان compare as (near-)identical strings.
"""

from __future__ import annotations

import re
import unicodedata

# Letters of the Arabic script: Arabic, its supplement and extended blocks, presentation forms.
ARABIC_LETTERS = "[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff]"
_ARABIC_RUN = re.compile(ARABIC_LETTERS + "+")
_LATIN_RUN = re.compile(r"[A-Za-z]+")


def arabic_outnumbers_latin(text: str) -> bool:
    """Has ``text`` at least as many Arabic letters as Latin ones (counted only as far as
    needed: an Arabic article has few Latin ones)?"""
    latin = sum(map(len, _LATIN_RUN.findall(text)))
    arabic = 0
    for run in _ARABIC_RUN.finditer(text):
        if arabic >= latin:
            break
        arabic += run.end() - run.start()
    return arabic >= latin


# Characters XML cannot hold (C0 controls but tab and line ends, U+FFFE, U+FFFF), and those
# HTML and YAML refuse too (DEL, C1 controls but NEL, noncharacters), as a regex class:
# scraped text carries some (an article's are dropped), TOML's escapes give them (a
# setting's are refused).
NOT_TEXT = "[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\ufdd0-\ufdef\ufffe\uffff]"
# Vertical tab (Word's line break), form feed (a page break) and NEL: line ends in a text.
LINE_END_CONTROLS = "[\x0b\x0c\x85]"


# The letters readers type either way at the end of a word: alef maqsura as ya (على / علي)
# and ta marbuta as ha (الإيرانية / الايرانيه). Search reads both the pages and the query
# with them folded, as Lucene's ArabicNormalizer does (see digest/search_index.py).
END_LETTERS = {"ى": "ي", "ة": "ه"}
# ... but for these words, kept as written: على ("on", in every report) folded is the name
# علي (Ali), and a search for the name found every story.
END_KEPT = ("على", "وعلى", "فعلى")
# Persian, Urdu and Maghrebi letters that Arabic names are also written with -> the nearest
# Arabic letter (پيزشكيان -> بيزشكيان). The search index folds these too (Pagefind's Arabic
# stemming does not).
VARIANT_LETTERS = {
    "ی": "ي",
    "ې": "ي",
    "ۍ": "ي",
    "ێ": "ي",
    "ۀ": "ه",
    "ە": "ه",
    "ھ": "ه",
    "ک": "ك",
    "ڪ": "ك",
    "گ": "ك",
    "پ": "ب",
    "چ": "ج",
    "ژ": "ز",
    "ڤ": "ف",
    "ڨ": "ق",
}

_FOLD = str.maketrans(
    {
        # alef forms -> bare alef
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "ٲ": "ا",
        "ٳ": "ا",
        # hamza carriers -> their letter; lone hamza dropped
        "ؤ": "و",
        "ئ": "ي",
        "ء": None,
        # alef maqsura -> ya, ta marbuta -> ha
        "ى": "ي",
        "ة": "ه",
        **VARIANT_LETTERS,
        # quotes of every style -> plain double quote; guillemets too
        "“": '"',
        "”": '"',
        "„": '"',
        "«": '"',
        "»": '"',
        "‟": '"',
        "″": '"',
        "‘": "'",
        "’": "'",
        "‚": "'",
        "‛": "'",
        "`": "'",
        "´": "'",
        # Arabic punctuation -> ASCII
        "،": ",",
        "؛": ";",
        "؟": "?",
        "٪": "%",
        "٫": ".",
        "٬": ",",
        # zero-width characters, bidi controls and the soft hyphen (invisible inside a word)
        "\u00ad": None,
        "\u061c": None,
        "\u200b": None,
        "\u200c": None,
        "\u200d": None,
        "\u200e": None,
        "\u200f": None,
        "\ufeff": None,
        "\u202a": None,
        "\u202b": None,
        "\u202c": None,
        "\u202d": None,
        "\u202e": None,
        "\u2060": None,
        "\u2066": None,
        "\u2067": None,
        "\u2068": None,
        "\u2069": None,
    }
)
# Arabic-Indic and Extended (Persian) digits -> ASCII
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
# Diacritics (harakat, tanwin, shadda, sukun, superscript alef), Quranic marks, tatweel.
_DIACRITIC_CHARS = [
    *range(0x0610, 0x061B),
    *range(0x064B, 0x0660),
    0x0670,
    *range(0x06D6, 0x06EE),
    0x0640,
]
# One table folds, drops diacritics and maps digits: character -> its replacement.
_TABLE = {**_FOLD, **_DIGITS, **dict.fromkeys(_DIACRITIC_CHARS)}
_REPLACEMENT = {
    chr(code): "" if to is None else to if isinstance(to, str) else chr(to)
    for code, to in _TABLE.items()
}
# Applied as one regex pass that finds the characters that change, then one str.replace per
# such character: str.translate looks up every character of the text in the table (twice as
# slow on Arabic text, where most stay), and a regex replacement calls back for each one.
_CHANGED = re.compile("[" + "".join(map(re.escape, sorted(_REPLACEMENT))) + "]")


# The characters strip_marks drops (the search page drops them from the reader's query too).
MARKS = "".join(map(chr, _DIACRITIC_CHARS))
_MARKS = dict.fromkeys(_DIACRITIC_CHARS)


def strip_marks(text: str) -> str:
    """``text`` without diacritics, Quranic marks and tatweel (a word as plainly written)."""
    return text.translate(_MARKS)


def normalize_arabic(text: str) -> str:
    """Return ``text`` folded for comparison: one spelling per word, lower-case Latin.

    Folds alef forms, hamza carriers, alef maqsura/ya, ta marbuta, tatweel, diacritics,
    Persian letters (ی ک پ ...), Arabic-Indic digits, quote styles and whitespace.
    """
    text = unicodedata.normalize("NFKC", text)
    for char in set(_CHANGED.findall(text)):
        text = text.replace(char, _REPLACEMENT[char])
    return " ".join(text.split()).lower()
