"""normalize_arabic folds spelling variants for matching; display text is never touched."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from digest import normalize
from digest.normalize import normalize_arabic

PEZESHKIAN = ["بيزشكيان", "بزشكيان", "پيزشكيان", "بيزشكیان"]


def edit_distance(a: str, b: str) -> int:
    row = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        prev, row[0] = row[0], i
        for j, cb in enumerate(b, 1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (ca != cb))
    return row[-1]


def test_pezeshkian_spellings_fold_together() -> None:
    first, short, persian_pe, persian_ya = (normalize_arabic(n) for n in PEZESHKIAN)
    assert first == persian_pe == persian_ya == "بيزشكيان"
    assert edit_distance(first, short) == 1  # بزشكيان drops one letter: near-identical


def test_persian_letters() -> None:
    assert normalize_arabic("پ ک ی گ چ ژ") == "ب ك ي ك ج ز"


def test_alef_hamza_maqsura_ta_marbuta() -> None:
    assert normalize_arabic("أحمد إيران آسيا ٱلله") == "احمد ايران اسيا الله"
    assert normalize_arabic("مؤتمر رئيس سماء") == "موتمر رييس سما"
    assert normalize_arabic("مصطفى الجمعة") == "مصطفي الجمعه"


def test_diacritics_and_tatweel() -> None:
    assert normalize_arabic("لقاءٍ تاريخيّ") == "لقا تاريخي"
    assert normalize_arabic("مُشـــترك") == "مشترك"
    assert normalize_arabic("أيضاً") == normalize_arabic("ايضا")


@pytest.mark.parametrize(
    "invisible", ["\u200b", "\u200c", "\u2060", "\u00ad", "\u061c", "\u2067", "\u2069"]
)
def test_invisible_characters_inside_a_name_are_dropped(invisible: str) -> None:
    """Scraped text has zero-width spaces, soft hyphens and bidi marks inside words:
    the name is still one word, spelt as without them."""
    assert normalize_arabic(f"بزشك{invisible}يان") == normalize_arabic("بزشكيان")


def test_digits() -> None:
    assert normalize_arabic("١٧ يناير ٢٠٢٥") == "17 يناير 2025"
    assert normalize_arabic("۱۴۰۳") == "1403"


def test_quotes_and_spaces() -> None:
    quoted = ["“فلاديمير بوتين”", "«فلاديمير بوتين»", '"فلاديمير بوتين"', "„فلاديمير بوتين‟"]
    assert {normalize_arabic(q) for q in quoted} == {'"فلاديمير بوتين"'}
    assert normalize_arabic("  وبعد  \n أن\u200f ") == "وبعد ان"


def test_latin_is_lowercased() -> None:
    assert normalize_arabic("S-400 Alexander") == "s-400 alexander"


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_idempotent(text: str) -> None:
    once = normalize_arabic(text)
    assert normalize_arabic(once) == once


_TABLE_CHARS = st.sampled_from(sorted(chr(code) for code in normalize._TABLE))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.text(max_size=5), _TABLE_CHARS), max_size=60).map("".join))
def test_folding_is_the_table(text: str) -> None:
    """The one-regex folding pass changes exactly what the table says, as str.translate
    would apply it."""
    nfkc = unicodedata.normalize("NFKC", text).translate(normalize._TABLE)
    assert normalize_arabic(text) == " ".join(nfkc.split()).lower()
