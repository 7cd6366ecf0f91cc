"""Sentence splitting on real sentences from the seed articles."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from digest.sentences import split_full_sentences, split_lines_and_sentences, split_sentences

SEEDS = Path(__file__).resolve().parent / "fixtures" / "seeds"


def seed_line(fragment: str) -> str:
    """The line of the seed articles that contains ``fragment``."""
    for path in sorted(SEEDS.glob("*.txt")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if fragment in line:
                return line.strip()
    raise AssertionError(f"{fragment!r} is not in the seeds")


def test_splits_after_full_stops_and_keeps_them():
    line = seed_line("الطاقة والنقل. قد تستفيد")
    sentences = split_sentences(line)
    assert len(sentences) >= 2
    assert any(s.endswith("الطاقة والنقل.") for s in sentences)
    assert any(s.startswith("قد تستفيد") for s in sentences)
    assert " ".join(sentences).split() == line.split()


def test_semicolon_ends_a_sentence_but_the_comma_and_colon_do_not():
    line = seed_line("حساسية هذا اللقاء؛ إذ تواجه")
    sentences = split_sentences(line)
    assert any(s.endswith("حساسية هذا اللقاء؛") for s in sentences)
    assert any(s.startswith("إذ تواجه") for s in sentences)
    comma = seed_line("وصل الرئيس الإيراني مسعود بيزشكيان، إلى روسيا")
    assert split_sentences(comma) == [comma]
    colon = seed_line("مجلس التحرير:")
    assert split_sentences(colon) == [colon]


def test_summary_sentences_are_whole_sentences():
    """A story's summary quotes sentences alone: the clause after ؛ stays with the one it
    leans on ("... العقوبات الغربية؛ مما يعكس ..."), and a quote is never cut in two."""
    line = seed_line("ضغوطًا شديدة من العقوبات الغربية؛ مما يعكس")
    whole = split_full_sentences(line)
    assert any("الغربية؛ مما يعكس رغبة البلدين" in s for s in whole)
    assert not any(s.startswith("مما ") for s in whole)
    assert " ".join(whole).split() == line.split()
    quoted = seed_line("هي خطوة نحو عالم أكثر عدلا وتوازنا.") + seed_line(
        "ريخية، ترسيان أسس نظام جديد"
    )
    assert not any(s.endswith("وتوازنا.") for s in split_full_sentences(quoted))
    assert split_full_sentences("قال د. أحمد إن الاتفاق تاريخي. وأضاف أنه سيوقع.") == [
        "قال د. أحمد إن الاتفاق تاريخي.",
        "وأضاف أنه سيوقع.",
    ]


def test_never_inside_straight_quotes():
    line = seed_line("هي خطوة نحو عالم أكثر عدلا وتوازنا.")
    # The quote runs over the next (scraped) line; joined, it is one quoted sentence.
    joined = line + seed_line("ريخية، ترسيان أسس نظام جديد")
    assert "عدلا وتوازنا. فإيران" in joined
    assert not any(s.endswith("وتوازنا.") for s in split_sentences(joined))


def test_curly_quotes_end_with_their_sentence():
    line = seed_line("للتغلب على التحديات”. كما أشار")
    sentences = split_sentences(line)
    assert any(s.endswith("للتغلب على التحديات”.") for s in sentences)
    assert any(s.startswith("كما أشار") for s in sentences)


def test_guillemets_numbers_and_abbreviations():
    text = (
        "قال د. محمد علي إن «الاتفاق صامد. ولن ينهار» أمس. "
        "وارتفع التضخم إلى 3.5 بالمئة وبلغ الدين 1.000 مليار م. "
        "وأكدت مصادر في U.S. Department أن Dr. Smith وصل؟ نعم!"
    )
    assert split_sentences(text) == [
        "قال د. محمد علي إن «الاتفاق صامد. ولن ينهار» أمس.",
        "وارتفع التضخم إلى 3.5 بالمئة وبلغ الدين 1.000 مليار م. وأكدت مصادر في U.S. "
        "Department أن Dr. Smith وصل؟",
        "نعم!",
    ]


def test_headline_with_double_dot_and_line_breaks():
    headline = seed_line("مرحلة جديدة من الشراكة..")
    assert split_sentences(headline) == [
        "مرحلة جديدة من الشراكة..",
        "بيزشكيان وبوتين يواجهان التحديات",
    ]
    assert split_lines_and_sentences("سطر أول. وثان\n\nسطر آخر") == [
        ["سطر أول.", "وثان"],
        ["سطر آخر"],
    ]


def test_year_at_end_of_sentence_splits():
    line = seed_line("في أواخر يوليو 2024. ويتزامن")
    assert any(s.endswith("يوليو 2024.") for s in split_sentences(line))


def test_unbalanced_quote_does_not_swallow_the_paragraph():
    assert split_sentences('قال "نعم. ثم ذهب. وعاد.') == ['قال "نعم.', "ثم ذهب.", "وعاد."]


@pytest.mark.parametrize("path", sorted(SEEDS.glob("*.txt")), ids=lambda p: p.name)
def test_seed_text_survives_splitting(path):
    for line in path.read_text(encoding="utf-8").splitlines():
        joined = " ".join(split_sentences(line))
        assert joined.split() == line.split()


@given(st.text(alphabet='ab م.؟!؛?،:«»“”"\n 0123456789', max_size=80))
def test_splitting_loses_no_text(text):
    sentences = split_sentences(text)
    assert all(s and s == s.strip() for s in sentences)
    assert "".join("".join(sentences).split()) == "".join(text.split())
