"""Event dates in the forms Arabic news uses, and the preference for the dateline."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from digest.dates import find_dates, find_event_date, impossible_dates, written_date

CONTENT = Path(__file__).resolve().parent / "fixtures" / "seeds"

EXPECTED = {
    "000": dt.date(2025, 1, 17),
    "001": None,
    "002": dt.date(2024, 10, 11),
    "003": None,
    "004": None,
}


@pytest.mark.parametrize("prefix", sorted(EXPECTED))
def test_seed_raw_text_dates(prefix: str) -> None:
    path = next(CONTENT.glob(f"{prefix}_*.txt"))
    assert find_event_date(path.read_text(encoding="utf-8")) == EXPECTED[prefix]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("الجمعة 17 يناير/كانون الثاني 2025", dt.date(2025, 1, 17)),
        ("الجمعة 11 اكتوبر 2024", dt.date(2024, 10, 11)),  # no hamza
        ("الجمعة 11 أكتوبر 2024", dt.date(2024, 10, 11)),
        ("في 3 تشرين الأول/أكتوبر 2024", dt.date(2024, 10, 3)),
        ("في 3 أكتوبر/تشرين الأول 2024", dt.date(2024, 10, 3)),
        ("يوم 17 يناير (كانون الثاني) 2025", dt.date(2025, 1, 17)),
        ("السبت 12 أيار 2023", dt.date(2023, 5, 12)),
        ("الموافق 12 من شهر آب عام 2023", dt.date(2023, 8, 12)),
        ("الثلاثاء 5 جوان 2024", dt.date(2024, 6, 5)),
        ("الأحد، ٥ مايو ٢٠٢٤ ٠٢:٣٠ م", dt.date(2024, 5, 5)),  # Arabic-Indic digits
        ("١٧ كانون الثاني ٢٠٢٥", dt.date(2025, 1, 17)),
        ("نشر بتاريخ 17/01/2025", dt.date(2025, 1, 17)),
        ("2025-01-17 10:00", dt.date(2025, 1, 17)),
        ("17.1.2025", dt.date(2025, 1, 17)),
        ("Published: 7 April 2025 10:15 GMT", dt.date(2025, 4, 7)),  # English month names
        ("Updated 17 january 2025", dt.date(2025, 1, 17)),
        ("يونيو 2024", None),  # month and year only
        ("تشرين الأول/أكتوبر 2024", None),
        ("في 20 يناير/كانون الثاني، والذي", None),  # no year
        ("31 فبراير 2024", None),  # not a real date
        ("منذ 24 فبراير 2022 والحرب مستمرة", None),  # background
        ("اتفاقية عام 2001", None),
        ("في عام 2016 زودت روسيا", None),
        ("(2017-2021)", None),
        ("", None),
    ],
)
def test_date_forms(text: str, expected: dt.date | None) -> None:
    assert find_event_date(text) == expected


def test_weekday_dateline_wins_over_earlier_plain_date() -> None:
    text = (
        "بدأت المفاوضات في 1 أكتوبر 2024 بين الطرفين.\n"
        "وعقد اللقاء الجمعة 11 أكتوبر 2024 في عشق آباد."
    )
    assert find_event_date(text) == dt.date(2024, 10, 11)


def test_today_weekday_points_at_the_matching_date() -> None:
    text = (
        "وصل الرئيس اليوم الجمعة إلى موسكو.\n"
        "وكان قد زارها في 6 يوليو 2024.\n"
        "الرئيس في الكرملين، 17 يناير 2025"
    )
    assert find_event_date(text) == dt.date(2025, 1, 17)  # 17 Jan 2025 was a Friday


def test_background_dates_are_never_chosen() -> None:
    text = "منذ 24 فبراير 2022 تغير كل شيء.\nوقبل 3 مارس 2023 لم يكن هناك اتفاق."
    assert find_event_date(text) is None
    assert [m.background for m in find_dates(text)] == [True, True]


ARABIC_MONTHS = [
    "يناير", "فبراير", "مارس", "أبريل", "مايو", "يونيو",
    "يوليو", "أغسطس", "سبتمبر", "أكتوبر", "نوفمبر", "ديسمبر",
]  # fmt: skip
LEVANT_MONTHS = [
    "كانون الثاني", "شباط", "آذار", "نيسان", "أيار", "حزيران",
    "تموز", "آب", "أيلول", "تشرين الأول", "تشرين الثاني", "كانون الأول",
]  # fmt: skip
WEEKDAY_NAMES = ["الإثنين", "الثلاثاء", "الأربعاء", "الخميس", "الجمعة", "السبت", "الأحد"]
INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


@settings(max_examples=200, deadline=None)
@given(
    st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2099, 12, 31)),
    st.sampled_from(["egypt", "levant", "both", "numeric"]),
    st.booleans(),
    st.booleans(),
)
def test_any_date_round_trips(day: dt.date, style: str, weekday: bool, indic: bool) -> None:
    egypt, levant = ARABIC_MONTHS[day.month - 1], LEVANT_MONTHS[day.month - 1]
    month = {"egypt": egypt, "levant": levant, "both": f"{egypt}/{levant}"}.get(style)
    written = (
        f"{day.day}/{day.month:02d}/{day.year}"
        if month is None
        else (f"{day.day} {month} {day.year}")
    )
    if indic:
        written = written.translate(INDIC)
    if weekday:
        written = f"{WEEKDAY_NAMES[day.weekday()]}، {written}"
    assert find_event_date(f"وقع الحدث {written} في العاصمة.") == day
    [mention] = find_dates(f"وقع الحدث {written} في العاصمة.")
    assert mention.weekday == (day.weekday() if weekday else None)  # every day's name is read


def test_a_weekday_spelt_with_hamza_marks_the_dateline() -> None:
    """الأربعاء and الثلاثاء end in a hamza, which folding drops: they are still weekdays,
    so the dateline's date wins over a later day the text schedules."""
    text = (
        "الأربعاء 5 مارس 2025\n"
        "أعلنت اللجنة اليوم الأربعاء زيادة الأسعار.\n"
        "ومن المقرر أن تعقد اللجنة اجتماعها المقبل يوم الأحد 9 مارس 2025."
    )
    assert find_event_date(text) == dt.date(2025, 3, 5)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_never_crashes(text: str) -> None:
    result = find_event_date(text)
    assert result is None or isinstance(result, dt.date)


@pytest.mark.parametrize(
    ("text", "typos"),
    [
        ("الرياض - الثلاثاء 32 مارس 2025", ["32 مارس 2025"]),
        ("نشر في 30/02/2025", ["30/02/2025"]),
        ("في 31 نيسان/أبريل 2024", ["31 نيسان/ابريل 2024"]),  # as folded
        ("الجمعة 17 يناير 2025", []),
    ],
)
def test_dates_that_do_not_exist_are_found_as_written(text: str, typos: list[str]) -> None:
    assert impossible_dates(text) == typos
    assert not (typos and find_dates(text))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("4 مارس 2025", dt.date(2025, 3, 4)),
        ("يوم الثلاثاء 18 مارس/آذار 2025 - 22:40", dt.date(2025, 3, 18)),
        ("١٨ كانون الثاني ٢٠٢٥", dt.date(2025, 1, 18)),
        ("18 March 2025 10:00 GMT", dt.date(2025, 3, 18)),
        ("4 مارس 2025 في القاهرة", None),  # a date in a sentence is not a date
        ("04/03/2025", None),  # the 4th of March or the 3rd of April
        ("March 4, 2025", None),
        ("مارس 2025", None),
    ],
)
def test_a_written_date_is_one_whole_date_with_its_months_name(
    text: str, expected: dt.date | None
) -> None:
    assert written_date(text) == expected
