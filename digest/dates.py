"""Find the date of the reported event in Arabic news text.

Arabic news writes dates in many ways: Egyptian/Gulf month names (``يناير``), Levantine
ones (``كانون الثاني``), both together (``17 يناير/كانون الثاني 2025``,
``تشرين الأول/أكتوبر``), with or without hamza (``اكتوبر``), with a weekday
(``الجمعة 11 أكتوبر 2024``), with Arabic-Indic digits (``١٧``) or numerically
(``17/01/2025``). Text is folded with :func:`normalize_arabic` first, so spelling
variants need no extra patterns.

Only full dates (day, month, year) count. Among them the event's dateline is preferred:
a date with a weekday, near the top, or matching an ``اليوم الجمعة`` in the text wins
over background dates (``منذ 24 فبراير 2022``, ``عام 2001``), which are never chosen.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from digest.normalize import normalize_arabic

if TYPE_CHECKING:
    from digest.article import Article

# Month names as they look after normalize_arabic (alef, hamza and ta marbuta folded).
MONTHS: dict[str, int] = {
    # Egyptian / Gulf
    "يناير": 1,
    "فبراير": 2,
    "مارس": 3,
    "ابريل": 4,
    "مايو": 5,
    "يونيو": 6,
    "يونيه": 6,
    "يوليو": 7,
    "يوليه": 7,
    "اغسطس": 8,
    "سبتمبر": 9,
    "اكتوبر": 10,
    "نوفمبر": 11,
    "ديسمبر": 12,
    # Levantine / Iraqi
    "كانون الثاني": 1,
    "شباط": 2,
    "اذار": 3,
    "نيسان": 4,
    "ايار": 5,
    "حزيران": 6,
    "تموز": 7,
    "اب": 8,
    "ايلول": 9,
    "تشرين الاول": 10,
    "تشرين الثاني": 11,
    "كانون الاول": 12,
    # Maghrebi
    "جانفي": 1,
    "فيفري": 2,
    "افريل": 4,
    "ماي": 5,
    "جوان": 6,
    "جويليه": 7,
    "اوت": 8,
    # English, as sites print their publication line ("Published: 7 April 2025")
    "january": 1,
    "february": 2,
    "march": 3,
    "april": 4,
    "may": 5,
    "june": 6,
    "july": 7,
    "august": 8,
    "september": 9,
    "october": 10,
    "november": 11,
    "december": 12,
}

# Weekdays as written, mapped to date.weekday() numbers; folded below like the text they
# are looked up in (الثلاثاء and الأربعاء lose their hamza: الثلاثا, الاربعا).
WEEKDAYS: dict[str, int] = {
    normalize_arabic(name): number
    for name, number in {
        "الاثنين": 0,
        "الثلاثاء": 1,
        "الأربعاء": 2,
        "الخميس": 3,
        "الجمعة": 4,
        "السبت": 5,
        "الأحد": 6,
    }.items()
}

# Words right before a date that mark it as background, not the reported event.
BACKGROUND_CUES = ("منذ", "عام", "العام", "سنه", "ذكرى", "ذكري", "قبل", "حتى", "مطلع")

_B = r"(?<![\w])"  # word start (Arabic letters are \w)
_E = r"(?![\w])"  # word end
_NAME = "|".join(sorted(map(re.escape, MONTHS), key=len, reverse=True))
# One month, optionally followed by its other name: "يناير/كانون الثاني", "يناير (كانون الثاني)".
_MONTH = rf"(?P<month>{_NAME}){_E}(?:\s*[/\\(-]\s*(?:{_NAME}){_E}\)?)?"
_WEEKDAY = "|".join(WEEKDAYS)
_PREFIX = (
    rf"(?:(?P<weekday>{_WEEKDAY}){_E}\s*[,،-]?\s*(?:الموافق\s*)?)?"
    rf"(?:(?P<cue>و?(?:{'|'.join(BACKGROUND_CUES)}|في))\s+)?"
)
_NAMED = re.compile(
    rf"{_B}(?:يوم\s+)?{_PREFIX}(?P<day>\d{{1,2}}){_E}\s*(?:من\s+)?(?:شهر\s+)?{_MONTH}"
    rf"\s*[,،]?\s*(?:(?:من\s+)?(?:عام|سنه)\s+)?(?P<year>(?:19|20)\d\d){_E}"
)
_NUMERIC_DMY = re.compile(
    rf"{_B}{_PREFIX}(?P<day>\d{{1,2}})(?P<sep>[/.-])(?P<mon>\d{{1,2}})(?P=sep)"
    rf"(?P<year>(?:19|20)\d\d)(?!\d)"
)
_NUMERIC_YMD = re.compile(
    rf"{_B}{_PREFIX}(?P<year>(?:19|20)\d\d)(?P<sep>[/-])(?P<mon>\d{{1,2}})(?P=sep)"
    rf"(?P<day>\d{{1,2}})(?!\d)"
)
_TODAY = re.compile(rf"{_B}(?:اليوم|يوم)\s+(?P<weekday>{_WEEKDAY}){_E}")
_TRAILING_CUE = re.compile(rf"{_B}و?(?:{'|'.join(BACKGROUND_CUES)})\s*$")
# How far before a date a background cue is looked for: a cue and the spaces after it (a
# search of the whole line before each date would be quadratic in a page saved as one line).
_CUE_REACH = 64


@dataclass(frozen=True)
class DateMention:
    """One full date found in the text, with what is known about its context."""

    date: dt.date
    line: int  # index of the (non-empty) line it was found in
    weekday: int | None  # weekday named with it, if any
    background: bool  # preceded by منذ / عام / ...

    def score(self, today_weekdays: set[int]) -> int:
        """Higher is more likely the reported event's dateline."""
        points = 0
        if self.weekday is not None:
            points += 4 if self.weekday == self.date.weekday() else 1
        if self.date.weekday() in today_weekdays:
            points += 3
        if self.line < 3:
            points += 2
        elif self.line < 6:
            points += 1
        return points


def _make_date(year: str, month: int, day: str) -> dt.date | None:
    try:
        return dt.date(int(year), month, int(day))
    except ValueError:
        return None


def _written_dates(line: str) -> Iterator[tuple[re.Match[str], dt.date | None]]:
    """Each day-month-year in a folded line, and its date (None: no such day, 32 مارس)."""
    for pattern in (_NAMED, _NUMERIC_DMY, _NUMERIC_YMD):
        for match in pattern.finditer(line):
            groups = match.groupdict()
            month = MONTHS[groups["month"]] if "month" in groups else int(groups["mon"])
            yield match, _make_date(groups["year"], month, groups["day"])


# A time of day after a date, as a publication line writes it ("18 مارس 2025 - 22:40").
_CLOCK = re.compile(
    r"\s*(?:[-،,|]\s*)?(?:الساعه\s*)?\d{1,2}:\d\d(?::\d\d)?(?:\s*(?:ص|م|am|pm|gmt|utc))?"
)


def written_date(text: str) -> dt.date | None:
    """``text`` read as one date written as reports write it, with the month's name
    (``4 مارس 2025``, ``الثلاثاء 18 مارس/آذار 2025``, ``١٨ مارس ٢٠٢٥``,
    ``18 March 2025 - 22:40``), or ``None`` when it is not one. Raises ``ValueError`` (its
    message says why) for a day that does not exist or a weekday that is not the date's."""
    line = normalize_arabic(text)
    found = _NAMED.match(line)
    if found is None or (found.end() < len(line) and not _CLOCK.fullmatch(line, found.end())):
        return None
    month = MONTHS[found["month"]]
    date = _make_date(found["year"], month, found["day"])
    if date is None:
        raise ValueError(f"{calendar.month_name[month]} {found['year']} has no day {found['day']}")
    weekday = WEEKDAYS.get(found["weekday"] or "")
    if weekday is not None and weekday != date.weekday():
        raise ValueError(
            f"{date.day} {calendar.month_name[month]} {date.year} is a "
            f"{calendar.day_name[date.weekday()]}, not a {calendar.day_name[weekday]}"
        )
    return date


def has_written_date(text: str) -> bool:
    """Does the text write a day, month and year, whether or not that day exists?"""
    return any(True for line in text.split("\n") for _ in _written_dates(normalize_arabic(line)))


def impossible_dates(text: str) -> list[str]:
    """Dates written in ``text`` that do not exist (``32 مارس 2025``, ``30/02/2025``), as
    found (folded): a typo that leaves an article undated."""
    line = normalize_arabic(text)
    typos = []
    for match, date in _written_dates(line):
        if date is None:  # from the first number or month name: no weekday or في before it
            parts = [name for name, value in match.groupdict().items() if value]
            start = min(match.start(p) for p in parts if p in ("day", "mon", "month", "year"))
            typos.append(line[start : match.end()].strip())
    return typos


def find_dates(text: str) -> list[DateMention]:
    """Every full date in ``text`` (day, month and year), in order of appearance."""
    mentions: list[DateMention] = []
    lines = [line for line in text.split("\n") if line.strip()]
    for index, raw in enumerate(lines):
        line = normalize_arabic(raw)
        found: list[tuple[int, DateMention]] = []
        for match, date in _written_dates(line):
            if date is not None:
                groups = match.groupdict()
                weekday = WEEKDAYS.get(groups["weekday"] or "")
                cue = groups["cue"]
                background = (cue is not None and cue.removeprefix("و") != "في") or bool(
                    _TRAILING_CUE.search(line, max(0, match.start() - _CUE_REACH), match.start())
                )
                found.append((match.start(), DateMention(date, index, weekday, background)))
        mentions.extend(mention for _, mention in sorted(found, key=lambda f: f[0]))
    return mentions


def find_event_date(text: str) -> dt.date | None:
    """The date of the reported event, or ``None`` when the text gives no full date.

    ``text`` is the article (lines separated by newlines, captions included: they often
    carry the dateline). Background dates are never returned.
    """
    today = {WEEKDAYS[m["weekday"]] for m in _TODAY.finditer(normalize_arabic(text))}
    candidates = [m for m in find_dates(text) if not m.background]
    if not candidates:
        return None
    best = max(candidates, key=lambda m: (m.score(today), -m.line))
    return best.date


FUTURE_SLACK = dt.timedelta(days=1)  # a report dated tomorrow where it is already tomorrow


FUTURE_NAMED = 5  # articles named one by one; more are counted in one line


def _named_few(found: list[tuple[str, dt.date]], problem: str, more: str) -> list[str]:
    """A warning per article (source, its date) of the first ``FUTURE_NAMED``, with
    ``problem``; the rest counted in one line, saying ``more`` (a batch dated wrong is one
    problem, not a page of it)."""
    named = [f"{source}: dated {day.isoformat()}{problem}" for source, day in found[:FUTURE_NAMED]]
    if len(found) > FUTURE_NAMED:
        named.append(
            f"and {len(found) - FUTURE_NAMED} more articles dated {more} (up to "
            f"{max(day for _, day in found).isoformat()}): `digest articles --json` lists "
            "every article's date"
        )
    return named


def future_date_warnings(articles: Iterable[Article], today: dt.date) -> list[str]:
    """Articles dated after ``today``: a mistyped year (9999, 2052) would list the story
    first on the front page and in the feeds until that day (the first ``FUTURE_NAMED``
    named, the rest counted)."""
    ahead = [(a.source, a.date) for a in articles if a.date and a.date > today + FUTURE_SLACK]
    problem = ", which is still to come: is the year right? (its story is listed by that date)"
    return _named_few(ahead, problem, "after today")


HIJRI_YEARS = range(1350, 1500)  # the Hijri years of these hundred years (1446 began in 2024)


def hijri_date_warnings(articles: Iterable[Article]) -> list[str]:
    """Articles dated in a year that is this century's in the Hijri calendar (1446-09-04):
    read as Gregorian, the story would be listed six centuries back, last in the archive
    (the first ``FUTURE_NAMED`` named, the rest counted)."""
    found = [(a.source, a.date) for a in articles if a.date and a.date.year in HIJRI_YEARS]
    problem = (
        ": is that a Hijri date? Dates are Gregorian (YYYY-MM-DD): give the day in that "
        "calendar (its story is listed by that date)"
    )
    return _named_few(found, problem, "in Hijri-looking years")


# a date in a page's address: /2025/3/18/, /2025-03-18, /20250318/
_URL_DATE = re.compile(
    r"/((?:19|20)\d\d)(?:/(\d{1,2})/(\d{1,2})|-(\d\d)-(\d\d)|(\d\d)(\d\d))(?=[/_.-]|$)"
)


def url_date(url: str) -> dt.date | None:
    """The publication day a news site's address gives (``…/news/2025/3/18/…``), if any."""
    for match in _URL_DATE.finditer(urlsplit(url).path):
        year, *parts = match.groups()
        month, day = next((m, d) for m, d in zip(parts[::2], parts[1::2], strict=True) if m)
        found = _make_date(year, int(month), day)
        if found is not None:
            return found
    return None
