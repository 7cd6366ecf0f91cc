"""Clean a scraped article: keep the article, drop the site around it.

A scraped file holds the article plus site furniture. The cleaner works on *units*
(a line of a ``.txt`` file, or a block of a ``.md`` file parsed with markdown-it) in
general passes that never look for a particular article's strings:

1. **Cut-off**: a tag list (``كلمات دلالية:``), a "read also" block (``اقرأ أيضا``),
   related or most-read lists, follow/share/comment prompts: that line and everything
   after it is furniture (often a whole unrelated article). ``اقرأ أيضا: <headline>``
   with the headline on the same line is a teaser: only that line goes.
2. **Top**: site notices, breadcrumbs and kickers before the headline (with their
   blank-line group), datelines, bylines (a label such as ``نشر``/``كتب``/``بقلم``
   followed by a name) and source lines (``المصدر: X``). A ``نشر`` (published by) or
   source value is the outlet. With a byline, the headline is the line just before it
   and anything earlier is masthead; without one, it is the first line if it is short
   and does not end like a sentence.
3. **Furniture in the body**: photo captions (lines ending in a credit such as
   ``Alexander Nemenov/AP``, ``(رويترز)``, ``Getty Images``, or starting ``صورة:``),
   teaser links to other articles (``<headline> - <outlet>``), source lines, bylines and
   datelines, button/ad lines (``إعلان``, ``طباعة``), share bars (``شارك على فيسبوك |
   تويتر``), trailing runs of ``•`` bullets.
4. **Blocks**: a short line without closing punctuation followed by text is a heading;
   ``label:`` lines each followed by their explanation form one list; bullet or numbered
   lines form a list; the rest are paragraphs. Markdown keeps its own structure.

The title is the headline (site suffix ``| أخبار`` removed); when the file starts with
the lead, a headline is derived from the lead and marked ``title_derived``. Metadata
from front matter or a ``NAME.yaml`` sidecar always wins over what is detected.
Display text is never changed except for whitespace.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Literal

from markdown_it import MarkdownIt
from markdown_it.token import Token

from digest.article import Article, Block, SourceFile
from digest.dates import (
    MONTHS,
    WEEKDAYS,
    find_event_date,
    has_written_date,
    impossible_dates,
    url_date,
)
from digest.normalize import arabic_outnumbers_latin, normalize_arabic
from digest.outlets import OUTLET_KINDS, byline_outlet, masthead_outlet, same_outlet, site_outlet
from digest.sentences import split_full_sentences
from digest.source import (
    MACHINE_INSTEAD,
    TRANSLATION_SUFFIX,
    read_translation,
    usable_translation,
)

MAX_TITLE = 110  # characters in a derived headline
# words of a long report are a few thousand; far more is a whole page or site saved as text
MANY_WORDS = 20_000


class CleaningError(ValueError):
    """The file holds no article text at all (only furniture, or nothing)."""


UnitKind = Literal["line", "heading", "paragraph", "list", "quote", "table"]


@dataclass(frozen=True)
class Unit:
    """A line of a text file (kind ``line``, not yet classified) or a Markdown block."""

    kind: UnitKind
    text: str = ""
    items: tuple[str, ...] = ()
    group: int = 0  # blank-line separated group (text files)
    ordered: bool = False  # a numbered list
    start: int = 1  # its first number
    rows: tuple[tuple[str, ...], ...] = ()  # a table's cells, its header row first


# --- vocabulary (folded with normalize_arabic, so one spelling per word) ----------------


def folded(phrases: str) -> tuple[str, ...]:
    """``"a | b c"`` -> the folded phrases ``("a", "b c")``."""
    return tuple(normalize_arabic(p) for p in phrases.split("|"))


# A line starting with one of these ends the article: everything from it on is furniture.
CUT_MARKERS = folded(
    "كلمات دلالية | الكلمات الدلالية | كلمات مفتاحية | الكلمات المفتاحية | الوسوم | وسوم"
    "| مقالات مشابهة | مقالات ذات صلة | مواضيع ذات صلة | موضوعات ذات صلة | أخبار ذات صلة"
    "| أخبار متعلقة | مواضيع متعلقة | قد يهمك أيضا | قد يعجبك أيضا"
    "| الأكثر قراءة | الأكثر مشاهدة | الأكثر تداولا | الأكثر تعليقا"
    "| اقرأ أيضا | اقرأ كذلك | اقرأ المزيد | تابعونا | تابعوا | تابعنا | تابع"
    "| شارك المقال | شارك الخبر | شارك هذا المقال | التعليقات | أضف تعليق | اترك تعليقا"
    "| الكلمات الدالة | كلمات دالة | مواضيع | دلالات | المزيد حول هذه القصة | شاركها"
    "| للمزيد | المزيد من"
    "| tags | related articles | read more | read also | most read | more on this story"
)
READ_ALSO = folded("اقرأ أيضا | اقرأ كذلك | اقرأ المزيد")
# "للمزيد: <headline>" (a teaser, dropped); "المزيد من إيران" (a section's link: the end)
MORE_TEASER, MORE_SECTION = folded("للمزيد | المزيد من")
FOLLOW = folded("تابعونا | تابعوا | تابعنا | تابع")

# Share bars: "شارك على فيسبوك | تويتر | واتساب", "Facebook · X · WhatsApp".
NETWORKS = frozenset(
    folded(
        "فيسبوك | فيس بوك | تويتر | إكس | واتساب | واتس اب | واتس آب | تيليجرام | تليجرام"
        "| تيليغرام | تلغرام | تلجرام | لينكد إن | لينكدإن | انستغرام | إنستغرام | انستجرام"
        "| يوتيوب | تيك توك | سناب شات | ماسنجر | البريد الإلكتروني | بريد إلكتروني | نسخ الرابط"
        "| facebook | twitter | x | whatsapp | telegram | linkedin | instagram | youtube"
        "| tiktok | messenger | email | e mail | reddit | pinterest | copy link"
        "| google news | جوجل نيوز | غوغل نيوز | نبض"
    )
)
SHARE_VERBS = folded("شارك | شاركوا | شارك الخبر | شارك المقال | مشاركة | انشر | share")
SHARE_VIA = folded("على | عبر | في | on | via")
SHARE_SEPARATOR = re.compile(r"\s*[|•·،,/–—-]\s*|\s+-\s+")

# Lines that are a site's buttons or ad slots, wherever they appear: a network's name alone
# is its share button.
NOISE_LINES = NETWORKS | frozenset(
    folded(
        "إعلان | اعلان | advertisement | شارك | شارك الخبر | مشاركة | share | tweet | طباعة"
        "| print | حجم الخط | حفظ | save | استمع | listen | article information | ads"
    )
)
# Prompts to subscribe or to join a channel ("اشترك لتصلك أهم الأخبار", "اضغط هنا ..."),
# alone or after the site's name ("الميادين نت - اشترك في النشرة").
SUBSCRIBE = folded("اشترك | اشتركوا | اشترك الآن | اضغط هنا | إضغط هنا | انقر هنا")
JOIN = folded("انضم | انضموا")

# Site notices and copyright lines seen above a headline.
SITE_NOTICES = folded(
    "مجلس التحرير | رئيس التحرير | رئيسة التحرير | رئيس مجلس الإدارة | جميع الحقوق"
    "| حقوق النشر | نقابة الصحفيين | أوراق اعتماده | تسجيل الدخول | النشرة البريدية"
    "| الصفحة الرئيسية | copyright | ©"
)
# Section labels shown above a headline.
KICKERS = frozenset(folded("عاجل | خاص | حصري | حصريا | فيديو | بالفيديو | بالصور | breaking"))
# "الرئيسية > أخبار > سياسة" (separators with spaces, so 17/1/2025 is no breadcrumb).
BREADCRUMB = re.compile(r"\s[>»›/|]\s.*\s[>»›/|]\s|^الرئيسي[ةه](?:\s*[>»›/|]|\s+\S+\s+\S+$)")

# Byline labels: the publisher's gives the outlet, an author's is dropped.
PUBLISHER_LABELS = folded("نشر | نشر في | نشر بواسطة | الناشر")
# Labels that are also ordinary words ("كتب الرئيس رسالة") need a ":" or "-" before a name.
UNAMBIGUOUS_LABELS = folded("بقلم | بواسطة | by | author")
AUTHOR_LABELS = folded(
    "كتب | كتبت | كتبه | بقلم | بواسطة | تحرير | إعداد | الكاتب | المحرر | by | author"
)
DATELINE_LABELS = folded(
    "تاريخ النشر | آخر تحديث | نشر بتاريخ | تم النشر | تحديث | تم التحديث | نشرت في | نشرت بتاريخ"
)
# Words that may stand beside a date on a dateline ("الأحد، 5 مايو 2024 10:30 م").
DATE_WORDS = frozenset(
    [w for name in (*MONTHS, *WEEKDAYS) for w in name.split()]
    + list(folded("م | ص | مساء | صباحا | الموافق | يوم | من | شهر | عام | سنة | بتوقيت"))
    + list(folded("الساعة | ساعة"))  # نشر في 04-03-2025 الساعة 10:30
    # the Hijri date beside it, and a paper's issue number: "22 صفر 1447 هـ - رقم العدد"
    + list(folded("محرم | صفر | ربيع | جمادى | الأول | الأولى | الآخر | الآخرة | الثاني"))
    + list(folded("رجب | شعبان | رمضان | شوال | ذو | ذي | القعدة | الحجة | هـ | مـ"))
    + list(folded("رقم | العدد"))
    + list(folded("gmt | utc | am | pm | published | on | updated"))
)
RELATIVE_TIME = re.compile(r"^منذ \d+ (?:دقيقه|دقايق|دقائق|ساعه|ساعات|يوم|ايام)$")
SOURCE_LABELS = folded("المصدر | مصدر الخبر | المصدر الأصلي | source")
# Before the page's address on a line of its own: "الرابط: https://…"
LINK_LABELS = SOURCE_LABELS + folded(
    "الرابط | رابط | رابط المقال | رابط الخبر | رابط الموضوع | الرابط المختصر | رابط مختصر"
    "| الرابط الأصلي | link | url | permalink"
)
LINK_LINE = re.compile(r"(?:(?P<label>[^:：]{1,30}?)\s*[:：]\s*)?<?(?P<url>https?://[^\s<>\"]+?)>?")
# "Source: agencies" names no outlet.
GENERIC_SOURCES = frozenset(folded("وكالات | متابعات | مواقع | مواقع إلكترونية | وسائل إعلام"))

# Photo credits at the end of a caption line.
LATIN_NAME = r"[A-Z][\w.'’&-]*(?:\s+[A-Z][\w.'’&-]*)*"
CREDIT = re.compile(
    rf"(?:^|[\s(])(?:{LATIN_NAME}\s*/\s*{LATIN_NAME}"  # Alexander Nemenov/AP
    r"|Getty\s+Images|AFP|Reuters|EPA(?:-EFE)?|Anadolu(?:\s+Agency)?|Shutterstock"
    r"|\((?:[^()]{0,20}(?:رويترز|فرانس\s*برس|أ\s*\.?\s*ف\s*\.?\s*ب|الأناضول|أسوشيتد\s*برس"
    r"|إرنا|تاس|سبوتنيك|[غج]يتي|أرشيفية|أرشيف|صورة|الصورة)[^()]{0,20})\))\)?\s*$"
)
# A caption's label: "مصدر الصورة", or "صورة" and the like followed by ":", "-" or "(", or
# by two words at most ("صورة أرشيفية"): a sentence may start with the word ("صور الأقمار
# الصناعية أظهرت ...").
CAPTION_START = re.compile(
    r"^\(?(?:(?:صدر الصورة|مصدر الصورة|التعليق على الصورة|شرح الصورة)\b\s*[:،,(-]?"
    r"|(?:صورة|الصورة|صور|تصوير|photo|image)\b(?:\s*(?:[:،,(-]|$)|(?=(?:\s+\S+){1,2}\s*$)))",
    re.I,
)

# "<headline> - <outlet>": a link to another article.
_SITE_WORD = r"[^\s\-–—|.!?؟:،,]+"
TEASER = re.compile(rf"^(?P<head>.+?)\s+[-–—|]\s+(?P<site>{_SITE_WORD}(?:\s+{_SITE_WORD}){{0,2}})$")
OPENING_QUOTES = "\"'“«„‹‘"
CLOSING_QUOTES = "\"'”»‟›’"
NOT_SITE_NAMES = frozenset(folded("حسب | بحسب | وفق | وفقا | قال | قالت | كما | أي | الخ | إلى"))
TITLE_SUFFIX = re.compile(r"\s+[|｜]\s+[^|｜]+$")

SYMBOL_BULLET = re.compile(r"^[•●▪◦■►◆✓✔]\s*")
LIST_MARKER = re.compile(r"^(?:[•●▪◦■►◆✓✔]\s*|[-–*]\s+|\(?[0-9٠-٩]{1,2}\s*[.)\-–]\s+)")

SENTENCE_END = ".!?؟…:;؛،,"
CLOSERS = "\"'”’»)]»"
# Words a derived headline may be cut before, and openers of framing clauses it skips.
HEADLINE_BREAKS = folded(
    "في | على | خلال | بعد | قبل | منذ | وسط | ضمن | عبر | حيث | التي | الذي | بينما | رغم"
    "| مع | إلى | من | و"
)
FRAMING_OPENERS = folded(
    "في | وفي | وسط | مع | بعد | قبل | على | منذ | خلال | رغم | إثر | عقب | بينما | حيث"
    "| بعدما | فيما | وفيما"
)


# --- small text predicates --------------------------------------------------------------


def squash(text: str) -> str:
    """Collapse runs of whitespace and strip: the only change made to display text."""
    return " ".join(text.split())


@lru_cache(maxsize=8192)
def bare(text: str) -> str:
    """Folded text without punctuation, for comparing labels and markers (cached: every
    rule asks about the same lines)."""
    return " ".join(re.sub(r"[^\w\s©]", " ", normalize_arabic(text)).split())


def words(text: str) -> int:
    return len(text.split())


def ends_sentence(text: str) -> bool:
    """True when the text ends with punctuation that closes a sentence or a clause."""
    stripped = text.rstrip(CLOSERS + " ")
    return bool(stripped) and stripped[-1] in SENTENCE_END


def is_headline_like(text: str) -> bool:
    """Short, and not ending like a sentence (a question mark is allowed)."""
    if words(text) > 25 or len(text) > 200:
        return False
    return not ends_sentence(text) or text.rstrip(CLOSERS + " ")[-1] in "?؟"


@lru_cache(maxsize=64)
def _marker_pattern(markers: tuple[str, ...]) -> re.Pattern[str]:
    """One regex trying ``markers``, longest first (``نشر في`` before ``نشر``), each as
    whole words at the start."""
    ordered = sorted(markers, key=len, reverse=True)
    return re.compile("|".join(rf"{re.escape(m)}(?= |\Z)" for m in ordered))


_HEAD = 24  # characters whose folded first word is compared with the markers' first words


@lru_cache(maxsize=64)
def _first_words(markers: tuple[str, ...]) -> frozenset[str]:
    return frozenset(m.split(" ", 1)[0] for m in markers)


def starts_with(text: str, markers: tuple[str, ...]) -> str | None:
    """The longest of ``markers`` that ``bare(text)`` starts with (as whole words), if any."""
    # Most lines start with no marker's first word: tell from a short head (folding is
    # per character, so a word the head completes is the whole text's first word).
    first, space, _ = bare(text[:_HEAD]).partition(" ")
    if (space or len(text) <= _HEAD) and first not in _first_words(markers):
        return None
    plain = bare(text) if len(text) <= 80 else bare(text[:80]) + " …"  # markers are short
    match = _marker_pattern(markers).match(plain)
    return match.group() if match else None


def has_separator(text: str, label: str) -> bool:
    """True for ``"label: value"`` / ``"label - value"`` (not ``"label value"``)."""
    after = normalize_arabic(text)[len(label) :].lstrip()
    return after.startswith((":", "-", "–", "—", "|", "/"))


def after_label(text: str, label: str) -> str:
    """The display text after a label: ``"بقلم: أحمد"`` -> ``"أحمد"``."""
    count = words(label)
    rest = text.split(maxsplit=count)[count:] if count else [text]
    value = rest[0] if rest else ""
    return value.strip(" :：-–—|,،").strip()


# --- reading the file into units --------------------------------------------------------


def text_units(text: str) -> list[Unit]:
    """Every non-empty line of a text file, with its blank-line group."""
    units: list[Unit] = []
    group = 0
    for raw in text.split("\n"):
        line = squash(raw)
        if not line:
            group += 1
            continue
        units.append(Unit("line", line, group=group))
    return units


# raw HTML stays literal text; GitHub-style pipe tables are read as tables
_markdown = MarkdownIt("commonmark", {"html": False}).enable("table")


def inline_text(token: Token) -> str:
    """Plain text of an inline token: formatting and links flattened, images dropped."""
    parts: list[str] = []
    for child in token.children or []:
        if child.type in ("text", "code_inline", "html_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
    return squash("".join(parts))


# Anything that can make a Markdown body more than plain paragraphs: a character with
# inline meaning (emphasis, code, links, escapes, entities, raw HTML) or a line break that
# markdown-it reads otherwise than ``\n`` (``\r``, NUL); a line that can open a block
# (heading, quote, list, rule, fence, setext underline, table, indented code).
_INLINE_SYNTAX = re.compile(r"[\\`*_\[\]<>!&\r\0]")
_BLOCK_START = re.compile(r"\n(?: {0,3}(?:[#>+=~|:-]|[0-9]{1,9}[.)])| {4}| {0,3}\t(?=[ \t]*\S))")
_BLANK_LINES = re.compile(r"\n(?:[ \t]*\n)+")  # markdown-it's blank lines: spaces, tabs


def plain_paragraphs(text: str) -> list[Unit] | None:
    """The paragraphs of a Markdown body that holds no Markdown syntax at all, as
    :func:`markdown_units` would give them (runs of non-blank lines, whitespace squashed),
    without parsing; None if the body has any syntax. Most articles are plain paragraphs,
    and parsing them was half of the cleaning time."""
    if _INLINE_SYNTAX.search(text) or _BLOCK_START.search("\n" + text):
        return None
    paragraphs = (squash(chunk) for chunk in _BLANK_LINES.split(text))
    return [Unit("paragraph", paragraph) for paragraph in paragraphs if paragraph]


def markdown_units(text: str) -> list[Unit]:
    """Headings, paragraphs and lists of a Markdown body, in order."""
    plain = plain_paragraphs(text)
    return parsed_markdown_units(text) if plain is None else plain


def parsed_markdown_units(text: str) -> list[Unit]:
    """:func:`markdown_units` by parsing with markdown-it (any Markdown): headings,
    paragraphs, quotations (``>``), lists (numbered or not; nested items flattened) and
    tables (GitHub's pipe tables)."""
    units: list[Unit] = []
    items: list[str] = []
    rows: list[list[str]] = []
    depth = 0  # of lists
    quoted = 0  # depth of block quotes
    quotes = 0  # how many quotations so far
    ordered, start = False, 1
    new_item = False
    tokens = _markdown.parse(text)
    for index, token in enumerate(tokens):
        if token.type in ("bullet_list_open", "ordered_list_open"):
            if depth == 0:
                items, ordered = [], token.type == "ordered_list_open"
                start = int(token.attrGet("start") or 1) if ordered else 1
            depth += 1
        elif token.type in ("bullet_list_close", "ordered_list_close"):
            depth -= 1
            if depth == 0 and items:
                units.append(Unit("list", items=tuple(items), ordered=ordered, start=start))
        elif token.type == "list_item_open":
            new_item = True
        elif token.type == "blockquote_open":
            quoted += 1
            quotes += quoted == 1  # each quotation (at the top) is one block
        elif token.type == "blockquote_close":
            quoted -= 1
        elif token.type == "table_open":
            rows = []
        elif token.type == "tr_open":
            rows.append([])
        elif token.type == "table_close":
            if any(any(row) for row in rows):
                units.append(Unit("table", rows=tuple(tuple(row) for row in rows)))
        elif token.type == "inline" and tokens[index - 1].type in ("th_open", "td_open"):
            rows[-1].append(inline_text(token))
        elif token.type == "inline":
            line = inline_text(token)
            if not line:
                continue
            if depth:
                if new_item or not items:
                    items.append(line)
                else:
                    items[-1] = f"{items[-1]} {line}"
                new_item = False
            elif tokens[index - 1].type == "heading_open":
                units.append(Unit("heading", line))
            else:
                units.append(
                    Unit("quote", line, group=quotes) if quoted else Unit("paragraph", line)
                )
        elif token.type in ("fence", "code_block"):
            units.extend(Unit("paragraph", squash(c)) for c in token.content.split("\n\n"))
    return [u for u in units if u.text or u.items or u.rows]


# --- pass 1: cut-off ----------------------------------------------------------------------


def cut_marker(unit: Unit) -> str | None:
    """``"cut"`` if the unit starts the end furniture, ``"drop"`` for a lone teaser line."""
    if unit.kind in ("list", "table"):
        return None
    marker = starts_with(unit.text, CUT_MARKERS)
    if marker is None:
        return None
    plain = bare(unit.text)
    if plain == marker:
        return "cut"
    if marker in READ_ALSO:
        return "drop"  # "اقرأ أيضا: <headline>" inside the body
    # not "للمزيد من التفاصيل يمكن ..." nor "المزيد من الضحايا سقطوا ..."
    if marker == MORE_TEASER:
        return "drop" if has_separator(unit.text, marker) else None
    if marker == MORE_SECTION:
        return "cut" if words(plain) <= 4 and not ends_sentence(unit.text) else None
    if marker in FOLLOW:  # "تابعونا على فيسبوك", "تابع الموقع على:" (not "تابع الوزير ...")
        short = words(plain) <= 6 or (words(plain) <= 10 and _on_a_network(plain))
        plain_verb = marker == "تابع" and not unit.text.endswith(":")
        return "cut" if short and (not plain_verb or _on_a_network(plain)) else None
    if has_separator(unit.text, marker):
        return "cut"
    return None


def _on_a_network(plain: str) -> bool:
    """Does a (bare) follow prompt end in a network's or news app's name ("… على Google
    News", "… عبر تطبيق نبض")?"""
    return any(plain.endswith(" " + name) for name in NETWORKS if " " in name or len(name) > 2)


def cut_end(units: list[Unit]) -> list[Unit]:
    """Units before the first cut-off marker, without inline "read also" teasers."""
    return _cut(units)[0]


def _cut(units: list[Unit]) -> tuple[list[Unit], int | None]:
    """:func:`cut_end`, and the index of the unit that cut (None: nothing was cut)."""
    kept: list[Unit] = []
    skip = -1
    for index, unit in enumerate(units):
        action = cut_marker(unit)
        if action == "cut" and continues_after(units, index):
            action, skip = "drop", index + 1  # and its teaser headline, if one follows
        if action == "cut" and starts_with(unit.text, FOLLOW) and before_text(kept):
            action = "drop"  # a follow button above the article ("تابعنا عبر"), not its end
        if action == "cut":
            return kept, index
        if action is None and not (index == skip and is_headline_like(unit.text)):
            kept.append(unit)
    return kept, None


def before_text(kept: list[Unit]) -> bool:
    """Is nothing kept so far article text (only headline-like lines of the top)?"""
    return all(unit.kind == "line" and is_headline_like(unit.text) for unit in kept)


def continues_after(units: list[Unit], index: int) -> bool:
    """Is a lone "read also" line (``units[index]``) a box in the middle of the article?
    It is when the article's own source line ("المصدر: RT") comes after it, before any
    other end marker: what follows is this article's text, not other articles'."""
    if starts_with(units[index].text, READ_ALSO) != bare(units[index].text):
        return False
    for after in units[index + 1 :]:
        if cut_marker(after) == "cut":
            return False
        if after.kind == "line" and source_outlet(after.text) is not None:
            return True
    return False


LONG_PARAGRAPH_WORDS = 25  # a paragraph of an article, not a teaser headline


def left_out_note(units: list[Unit], cut: int) -> str | None:
    """What to tell the editor when a lone "read also" line (``units[cut]``) cut off what
    reads as more of the article: two or more long paragraphs before the next cut-off
    marker. Sites put such lines mid-article too, and after it they also append whole
    other articles, which look the same: the cut stands, the editor is told."""
    unit = units[cut]
    if starts_with(unit.text, READ_ALSO) != bare(unit.text):
        return None
    long = 0
    for after in units[cut + 1 :]:
        if cut_marker(after) == "cut":
            break
        if words(after.text) >= LONG_PARAGRAPH_WORDS and ends_sentence(after.text):
            long += 1
    if long < 2:
        return None
    return (
        f'{long} paragraphs after the line "{unit.text}" are left out, taken for other '
        "articles; if they are this article's, delete that line"
    )


# --- pass 2: the top (masthead, dateline, byline, headline) -----------------------------


def is_site_notice(text: str) -> bool:
    """A copyright line, an editorial-board notice or a breadcrumb."""
    plain = normalize_arabic(text)
    if any(n in plain for n in SITE_NOTICES):
        return True
    return words(text) <= 10 and bool(BREADCRUMB.search(text))


DATELINE_PARTS = re.compile(r"\s[|｜]\s|\s*[()]\s*")


def is_dateline(text: str) -> bool:
    """A line that is only a date (and time or label): ``الأحد، 5 مايو 2024 10:30 م``,
    ``السبت - 22 صفر 1447 هـ - 16 أغسطس 2025 مـ - رقم العدد [ 17064 ]``; or dates side
    by side: ``الإثنين 02-06-2025 14:35 | آخر تحديث: الإثنين 02-06-2025 15:10``,
    ``13:52 GMT 02.06.2025 (تم التحديث: 14:20 GMT 02.06.2025)``."""
    if words(text) > 20:
        return False
    if _one_dateline(text):
        return True
    parts = [part for part in DATELINE_PARTS.split(text) if part.strip()]
    return len(parts) > 1 and all(_one_dateline(part) for part in parts)


def _one_dateline(text: str) -> bool:
    label = starts_with(text, DATELINE_LABELS)
    if (label and has_separator(text, label)) or RELATIVE_TIME.match(bare(text)):
        return True
    if not has_date(text):
        return False
    head, colon, _ = text.partition(": ")
    if colon and other_words(head):  # "الجولة الأولى: 4 أغسطس 2025", a schedule
        return False
    return len(other_words(text)) <= 2


def other_words(text: str) -> list[str]:
    """The words of ``text`` besides numbers and those that stand beside a date
    (weekdays, months, م, GMT)."""
    return [w for w in bare(text).split() if not w.isdigit() and w not in DATE_WORDS]


@lru_cache(maxsize=8192)
def has_date(text: str) -> bool:
    """True when the text writes a full date, a typo'd one too (32 مارس), in one scan
    (cached, like :func:`bare`)."""
    return has_written_date(text)


def is_short_name(text: str) -> bool:
    return 0 < words(text) <= 5 and not ends_sentence(text) and not has_date(text)


@dataclass
class Top:
    """What the top of the article held: furniture indices, headline, outlet, datelines."""

    furniture: set[int] = field(default_factory=set)
    title: str | None = None
    title_at: int | None = None  # the headline's unit
    outlet: str | None = None
    datelines: tuple[str, ...] = ()
    url: str | None = None  # the page's address, from a line of its own


def inline_byline(text: str) -> tuple[str, str] | None:
    """``"بقلم: أحمد سامي"`` -> (label, name); ``(label, "")`` for a lone label line."""
    label = starts_with(text, PUBLISHER_LABELS + AUTHOR_LABELS)
    if label is None:
        return None
    value = after_label(text, label)
    if not value:
        return label, ""
    if label not in UNAMBIGUOUS_LABELS and not has_separator(text, label):
        return None  # "كتب الرئيس رسالة", "نشر قوات"
    # a name or a date, not a sentence that starts with the same word (after "بقلم", a team:
    # "Author, فريق بي بي سي نيوز عربي")
    named = is_short_name(value) or (
        label in UNAMBIGUOUS_LABELS and words(value) <= 8 and not ends_sentence(value)
    )
    if not (named or has_date(value)):
        return None
    return label, value


def note_byline(top: Top, label: str, value: str) -> None:
    """Keep what a byline says: a date, the outlet of a ``نشر`` (published by) line, or
    the outlet an author line credits (``Author, بي بي سي نيوز عربي``)."""
    if has_date(value):
        top.datelines += (value,)
    elif label in PUBLISHER_LABELS and value and top.outlet is None:
        top.outlet = value
    elif value and top.outlet is None:  # an outlet's team, not a person
        top.outlet = byline_outlet(value)


def read_byline(units: list[Unit], index: int, top: Top) -> int | None:
    """Read a byline at ``index`` into ``top``; returns its last index, or ``None``."""
    found = inline_byline(units[index].text)
    if found is None:
        return None
    (label, value), last = found, index
    if not value:
        following = units[index + 1].text if index + 1 < len(units) else ""
        if is_short_name(following) or is_dateline(following):
            value, last = following, index + 1
    top.furniture.update(range(index, last + 1))
    note_byline(top, label, value)
    return last


def top_end(units: list[Unit]) -> int:
    """Index of the first unit that is article text (long, or ending like a sentence)."""
    for index, unit in enumerate(units):
        if (
            unit.kind in ("list", "table")
            or not is_headline_like(unit.text)
            or LIST_MARKER.match(unit.text)
        ):
            return index
    return len(units)


def masthead(units: list[Unit], end: int) -> set[int]:
    """Site notices, breadcrumbs and kickers above the headline.

    A notice takes its whole blank-line group with it, unless that group runs on into
    the article (no blank lines in the file): then only the lines up to the notice go.
    """
    lead_group = units[end].group if end < len(units) else None
    found: set[int] = set()
    for index in range(end):
        unit = units[index]
        if bare(unit.text) in KICKERS:
            found.add(index)
        elif unit.kind == "line" and is_site_notice(unit.text):
            if unit.group == lead_group:
                found.update(range(index + 1))
            else:
                found.update(i for i in range(end) if units[i].group == unit.group)
    return found


def read_top(units: list[Unit]) -> Top:
    """Find the masthead, datelines, byline and headline above the first paragraph."""
    end = top_end(units)
    top = Top(furniture=masthead(units, end))
    if end and units[0].kind == "line" and (name := masthead_outlet(units[0].text)):
        top.furniture.add(0)  # the file's first line names the site it is from
        top.outlet = name
    byline_at: int | None = None
    index = 0
    while index < end:
        unit = units[index]
        if index in top.furniture:
            pass
        elif is_noise(unit.text):  # "Article information", a share bar
            top.furniture.add(index)
        elif is_dateline(unit.text):
            top.furniture.add(index)
            top.datelines += (unit.text,)
        elif (link := link_line(unit.text)) is not None:
            top.furniture.add(index)
            top.url = top.url or link[0]
        elif (found := source_outlet(unit.text)) is not None:
            top.furniture.add(index)
            top.outlet = top.outlet or found or None
            byline_at = index if byline_at is None else byline_at
        elif (found := agency_line(unit.text)) is not None:
            top.furniture.add(index)
            top.outlet = top.outlet or found
        elif (last := read_byline(units, index, top)) is not None:
            # a date after a label ("نشر في: 2 يونيو 2025") is a dateline, not a byline:
            # the line above it may be an author's name without a label, not the headline
            if byline_at is None and not has_date(
                " ".join(u.text for u in units[index : last + 1])
            ):
                byline_at = index
            index = last
        index += 1
    candidates = [
        i for i in range(end) if i not in top.furniture and units[i].kind in ("line", "heading")
    ]
    # A well-known outlet's name on a line of its own is never the headline: a masthead,
    # or a section named like an outlet (الأخبار, "News").
    lines = candidates
    candidates = [i for i in lines if masthead_outlet(units[i].text) is None]
    if byline_at is not None:
        before = [i for i in candidates if i < byline_at]
        title_at = before[-1] if before else None
    else:
        title_at = headline_at(units, candidates)
    if title_at is not None:
        top.furniture.update(i for i in lines if i < title_at)  # masthead, section labels
        # Short lines between the headline and the text: bylines and agency datelines
        # without a label (كتب أحمد جمعة, واشنطن/ الأناضول), a lone separator.
        title = bare(units[title_at].text)
        top.furniture.update(
            i
            for i in candidates
            if i > title_at and (is_short_name(units[i].text) or bare(units[i].text) in ("", title))
        )  # and the headline again
    if title_at is not None and any(
        i > title_at and i not in top.furniture for i in range(len(units))
    ):
        top.title = units[title_at].text
        top.title_at = title_at
        top.furniture.add(title_at)
    return top


LABEL_WORDS = 2  # a section label above a headline ("أخبار عالمية", "العالم") at most


def is_section_label(text: str) -> bool:
    """A section label or a site's tagline (it names what the site is: "جريدة العرب
    الدولية"), as printed above a headline."""
    plain = bare(text).split()
    return len(plain) <= LABEL_WORDS or (plain[0] in OUTLET_KINDS and len(plain) <= 4)


def headline_at(units: list[Unit], candidates: list[int]) -> int | None:
    """Which of the top's lines is the headline: the first that is no section label or
    tagline (those are above it), else the longest."""
    if not candidates:
        return None
    for i in candidates:
        if not is_section_label(units[i].text):
            return i
    return max(candidates, key=lambda i: (words(units[i].text), -i))


# --- pass 3: furniture inside the body ----------------------------------------------------


# "... (عنب بلدي)": a caption credits its photo to the outlet in brackets
BRACKETED_END = re.compile(r"\(([^()]{2,40})\)\s*$")


def is_caption(text: str) -> bool:
    """A photo caption: a line ending in a credit (an agency or photographer, or a
    well-known outlet in brackets), or starting with ``صورة:``."""
    if words(text) > 60:
        return False
    match = CREDIT.search(text)
    if match is None and (end := BRACKETED_END.search(text)) and masthead_outlet(end[1].strip()):
        match = end
    if match is not None and not ends_sentence(text[: match.start()]) and not reported(text):
        return True
    return bool(CAPTION_START.match(text)) and words(text) <= 40


# A paragraph of the report, not a caption, though it ends in an agency's name: it goes on
# from the one before ("وقال ...", "كما ..."), or names the agency as its source ("نقلتها
# وكالة AFP"). A caption names what the photo shows ("وزير الخارجية يصل ...").
PROSE_OPENERS = folded(
    "وقال | وقالت | وأضاف | وأضافت | وأكد | وأكدت | وأعلن | وأعلنت | وذكر | وذكرت | وأشار"
    "| وأشارت | وأوضح | وأوضحت | وتابع | وكان | وكانت | وجاء | وتأتي | ويأتي | وقد | ولم"
    "| وفي | ومن | وبحسب | ووفق | وارتفعت | وارتفع | وتراجع | وتراجعت | كما | فيما | بينما"
)
_SOURCE_ENDING = re.compile(
    "(?:^|\\s)(?:"
    + "|".join(folded("وكالة | وكالتا | لوكالة | وكالات | عن | وفق | بحسب"))
    + ")\\s+\\(?\\S+\\)?\\s*$"
)


def reported(text: str) -> bool:
    """Does this line read as the report's prose rather than a photo's caption?"""
    plain = normalize_arabic(text).strip()
    return starts_with(text, PROSE_OPENERS) is not None or bool(_SOURCE_ENDING.search(plain))


def is_caption_label(text: str) -> bool:
    """A caption's label on a line of its own (``التعليق على الصورة،``, ``مصدر الصورة``):
    the next line is the caption, or the credit."""
    match = CAPTION_START.match(text)
    return match is not None and not text[match.end() :].strip(" :،,.-")


def is_noise(text: str) -> bool:
    """A button or ad-slot line: ``إعلان``, ``طباعة``, ``شارك``; a share bar; or a
    prompt to subscribe or join."""
    return (words(text) <= 3 and bare(text) in NOISE_LINES) or is_share_bar(text) or is_prompt(text)


def is_prompt(text: str) -> bool:
    """``اشترك لتصلك أهم الأخبار``, ``انضم إلى قناتنا على تيليغرام``, ``الميادين نت -
    اشترك في النشرة``: a short line (or its last part) asking the reader to subscribe,
    or to join the site on a network."""
    if words(text) > 12 or not is_headline_like(text):
        return False
    last = bare(re.split(r"\s[-–—|]\s", text)[-1])
    if starts_with(last, SUBSCRIBE):
        return True
    return starts_with(last, JOIN) is not None and _on_a_network(last)


def link_line(text: str) -> tuple[str, bool] | None:
    """The address on a line that is only a web address, or a link label and one
    (``الرابط: https://…``), and whether it had the label; else None."""
    if "://" not in text:
        return None
    match = LINK_LINE.fullmatch(text.strip().rstrip(".،"))
    if match is None:
        return None
    label = match.group("label")
    if label is not None and starts_with(label, LINK_LABELS) is None:
        return None
    return match.group("url"), label is not None


def is_share_bar(text: str) -> bool:
    """``شارك على فيسبوك | تويتر | واتساب``, ``Facebook · X · WhatsApp``: social networks'
    names, after a share verb or two or more of them."""
    if words(text) > 16:
        return False
    parts = [bare(part) for part in SHARE_SEPARATOR.split(text)]
    parts = [part for part in parts if part]
    if not parts:
        return False
    first = parts[0]
    verb = next((v for v in SHARE_VERBS if first == v or first.startswith(v + " ")), None)
    if verb is not None:
        first = first[len(verb) :].strip()
        via = next((p for p in SHARE_VIA if first == p or first.startswith(p + " ")), "")
        parts[0] = first[len(via) :].strip()
        parts = [part for part in parts if part]
    elif len(parts) < 2:
        return False
    return all(part in NETWORKS for part in parts)


def is_teaser(text: str) -> bool:
    """``<headline> - <outlet>``: a link to another article."""
    match = TEASER.match(text)
    if match is None:
        return False
    head, site = match["head"], bare(match["site"]).split()
    if not site or site[0] in NOT_SITE_NAMES:
        return False
    if head[0] in OPENING_QUOTES and head[-1] in CLOSING_QUOTES:
        return False  # a quotation and who said it: «...» - البيان الختامي
    return words(head) >= 7 and not ends_sentence(head) and words(text) <= 30


_AGENCY_PARTS = re.compile(r"\s*[-–—/|:،,()«»“”\"]+\s*")


def agency_line(text: str) -> str | None:
    """The outlet of a line that names where a report is from and who sent it, and nothing
    else: ``واشنطن/ الأناضول``, ``القاهرة - سكاي نيوز عربية``, ``بيروت- “القدس العربي”:``,
    ``سكاي نيوز عربية - رويترز`` (the first outlet named); else None. Its other parts
    are places or a reporter's name (three words at most) or "agencies"."""
    if words(text) > 8:
        return None
    parts = [part for part in _AGENCY_PARTS.split(text) if part]
    if len(parts) < 2:  # an outlet's name alone is a masthead (see read_top)
        return None
    outlets: list[str] = []
    others = 0
    for part in parts:
        name = masthead_outlet(part)
        if name is not None:
            outlets.append(name)
        elif bare(part).removeprefix("و") in GENERIC_SOURCES:
            continue
        elif words(part) > 3 or any(c.isdigit() for c in part):
            return None
        else:
            others += 1
    return outlets[0] if outlets and others <= 2 else None


def source_outlet(text: str) -> str | None:
    """``"المصدر: بوابة الفجر"`` -> ``"بوابة الفجر"``; ``""`` for generic sources."""
    label = starts_with(text, SOURCE_LABELS)
    if label is None or words(text) > words(label) + 6 or ends_sentence(text):
        return None
    if not has_separator(text, label):
        return None
    parts = re.split(r"\s*[+،,/&]\s*", after_label(text, label))  # "الجزيرة + وكالات"
    named = [p for p in parts if p and bare(p) not in GENERIC_SOURCES]
    return named[0] if named else ""


def body_text_units(units: list[Unit], top: Top) -> list[Unit]:
    """Drop captions, teasers, buttons, source lines, bylines and datelines in the body.

    What they say (outlet, date) goes into ``top``.
    """
    kept: list[Unit] = []
    caption_follows = False
    for index, unit in enumerate(units):
        text = unit.text
        labelled_caption, caption_follows = caption_follows, False
        if unit.kind in ("list", "table", "quote"):  # Markdown's own structure: the author's
            kept.append(unit)
        elif labelled_caption and unit.kind == "line" and words(text) <= 40:
            continue  # the caption under "التعليق على الصورة،"
        elif is_caption(text) or is_teaser(text) or is_noise(text):
            caption_follows = is_caption_label(text)
            continue
        elif unit.kind == "line" and (found := masthead_outlet(text)) is not None:
            top.outlet = top.outlet or found  # a report's closing credit: "الأناضول"
        elif unit.kind == "line" and (link := link_line(text)) is not None:
            # the page's own address at the end, after a label or on the outlet's own site
            # (DW's short link under its standfirst); any other is a link to something
            # else (a post, a video): neither text nor the report's address
            if index == len(units) - 1 or link[1] or _on_own_site(link[0], top.outlet):
                top.url = top.url or link[0]
        elif (found := source_outlet(text)) is not None:
            top.outlet = top.outlet or found or None
        elif unit.kind == "line" and (found := agency_line(text)) is not None:
            top.outlet = top.outlet or found
        elif (byline := inline_byline(text)) is not None and byline[1]:
            note_byline(top, *byline)
        elif unit.kind == "line" and is_dateline(text):
            top.datelines += (text,)
        else:
            kept.append(unit)
    return kept


def _on_own_site(url: str, outlet: str | None) -> bool:
    """Is ``url`` on the site of ``outlet`` (a well-known one)?"""
    site = site_outlet(url)
    return outlet is not None and site is not None and same_outlet(site, outlet)


def drop_trailing_bullets(units: list[Unit]) -> list[Unit]:
    """Remove a final run of ``•`` lines (related headlines) unless a ``:`` line leads it."""
    end = len(units)
    while end and units[end - 1].kind == "line" and SYMBOL_BULLET.match(units[end - 1].text):
        end -= 1
    if end < len(units) and (end == 0 or not units[end - 1].text.rstrip().endswith(":")):
        return units[:end]
    return units


TAG_WORDS = 5  # a tag: a topic, a place, a name ("الجهاز المركزي للتعبئة العامة والإحصاء")


def drop_trailing_tags(units: list[Unit]) -> list[Unit]:
    """Remove a tag list printed without its label: a final run of two or more short
    lines ("السعودية", "التضخم") after the text's last sentence, above the closing credit
    if there is one ("الأناضول", kept). A tag named like an outlet (الأخبار) is no
    outlet."""
    last = len(units)
    if last and units[-1].kind == "line" and masthead_outlet(units[-1].text) is not None:
        last -= 1
    start = last
    while start and units[start - 1].kind == "line" and is_tag(units[start - 1].text):
        start -= 1
    if last - start >= 2 and start:
        before = units[start - 1].text.rstrip(CLOSERS + " ")
        if before.endswith((".", "!", "?", "؟", "…")):  # not a label ("وشملت:") above a list
            return units[:start] + units[last:]
    return units


def is_tag(text: str) -> bool:
    """A short line that is no sentence, list item, labelled line or dateline."""
    if words(text) > TAG_WORDS or ends_sentence(text) or ":" in text:
        return False
    return not LIST_MARKER.match(text) and not has_date(text)


# --- pass 4: blocks -----------------------------------------------------------------------


def is_label(text: str) -> bool:
    """``"تعزيز التعاون الاقتصادي:"``: a short label that introduces its explanation."""
    return text.endswith(":") and words(text) <= 8 and len(text) <= 80


def is_heading(text: str) -> bool:
    if words(text) > 12 or len(text) > 100:
        return False
    return is_headline_like(text)


def labelled_items(units: list[Unit], start: int) -> tuple[list[str], int]:
    """Read ``label:`` + explanation pairs from ``start``; returns items and next index."""
    items: list[str] = []
    index = start
    while index + 1 < len(units):
        label, text = units[index], units[index + 1]
        if label.kind != "line" or text.kind != "line" or not is_label(label.text):
            break
        if is_label(text.text) or LIST_MARKER.match(text.text):
            break
        items.append(f"{label.text} {text.text}")
        index += 2
        # A paragraph between two items continues the previous item.
        while (
            index + 2 < len(units)
            and units[index].kind == "line"
            and not is_label(units[index].text)
            and not is_heading(units[index].text)
            and is_label(units[index + 1].text)
        ):
            items[-1] = f"{items[-1]} {units[index].text}"
            index += 1
    return items, index


def to_blocks(units: list[Unit]) -> list[Block]:
    """Classify the remaining lines into headings, paragraphs and lists."""
    blocks: list[Block] = []
    index = 0
    while index < len(units):
        unit = units[index]
        if unit.kind == "list":
            blocks.append(Block("list", items=unit.items, ordered=unit.ordered, start=unit.start))
        elif unit.kind == "table":
            blocks.append(Block("table", rows=unit.rows))
        elif unit.kind == "quote":  # with the rest of its quotation
            quoted = [unit.text]
            while index + 1 < len(units) and (units[index + 1].kind, units[index + 1].group) == (
                "quote",
                unit.group,
            ):
                index += 1
                quoted.append(units[index].text)
            blocks.append(Block("quote", items=tuple(quoted)))
        elif unit.kind in ("heading", "paragraph"):
            blocks.append(Block(unit.kind, unit.text))
        elif LIST_MARKER.match(unit.text):
            items = []
            while index < len(units) and units[index].kind == "line":
                marker = LIST_MARKER.match(units[index].text)
                if marker is None:
                    break
                items.append(units[index].text[marker.end() :].strip() or units[index].text)
                index += 1
            blocks.append(Block("list", items=tuple(items)))
            continue
        else:
            items, after = labelled_items(units, index)
            if len(items) >= 2:
                blocks.append(Block("list", items=tuple(items)))
                index = after
                continue
            follows = units[index + 1] if index + 1 < len(units) else None
            text_follows = follows is not None and (
                follows.kind != "line" or not is_heading(follows.text) or is_label(unit.text)
            )
            kind = "heading" if is_heading(unit.text) and text_follows else "paragraph"
            blocks.append(Block(kind, unit.text))
        index += 1
    return blocks


# --- title ----------------------------------------------------------------------------------


def strip_site_suffix(title: str, outlet: str | None) -> str:
    """Remove ``" | أخبار"``-style site suffixes (and ``" - <outlet>"``) from a headline."""
    match = TITLE_SUFFIX.search(title)
    if match and words(match.group()) <= 5 and match.start() > 0:
        title = title[: match.start()]
    if outlet and title.endswith(outlet):
        head = title[: -len(outlet)].rstrip()
        if head.endswith(("-", "–", "—", "|")) and words(head) > 1:
            title = head[:-1].rstrip()
    return title


def _balanced(text: str) -> bool:
    pairs = (("“", "”"), ("«", "»"), ("(", ")"))
    return text.count('"') % 2 == 0 and all(text.count(a) == text.count(b) for a, b in pairs)


def derive_headline(lead: str, limit: int = MAX_TITLE) -> str:
    """A headline from the lead: its main clause, cut at a word boundary within ``limit``.

    Framing clauses (``في خضم ...``, ``في خطوة ...``) are skipped for the first clause
    that reports something; a long clause is cut before a preposition or relative word.
    """
    sentence = (split_full_sentences(lead) or [lead])[0]
    clauses = [c.strip(" ،,؛;.") for c in re.split(r"[،,؛;]\s", sentence)]
    clauses = [c for c in clauses if words(c) >= 3] or [sentence.strip(" .")]
    clause = next(
        (c for c in clauses if (bare(c).split() or [""])[0] not in FRAMING_OPENERS),
        clauses[0],
    )
    if len(clause) <= limit:
        return clause
    tokens = clause.split()
    cuts = [n for n in range(4, len(tokens)) if bare(tokens[n]) in HEADLINE_BREAKS]
    fitting = [n for n in cuts if len(" ".join(tokens[:n])) <= limit]
    balanced = [n for n in fitting if _balanced(" ".join(tokens[:n]))]
    good = [n for n in balanced if n >= 6] or balanced or fitting
    if good:
        return " ".join(tokens[: good[0]])
    title = ""
    for token in tokens:
        if len(f"{title} {token}".strip()) > limit:
            break
        title = f"{title} {token}".strip()
    return title or clause[:limit]


# --- the whole article ------------------------------------------------------------------


def detect_lang(blocks: list[Block]) -> str:
    """``"ar"`` when Arabic letters outnumber Latin ones, else ``"en"``."""
    return "ar" if arabic_outnumbers_latin(" ".join(b.plain_text() for b in blocks)) else "en"


_SENTENCE_END = (".", "!", "?", "؟", "…", "»", '"', "”")


def is_prose(block: Block) -> bool:
    """A paragraph or list item that reads as text: a sentence, or several words.

    Menus and section links ("الرئيسية", "أخبار", "رياضة") are neither, so a file made of
    them alone holds no article.
    """
    texts = block.texts()
    return block.kind != "heading" and any(
        len(t.split()) >= 4 or t.rstrip().endswith(_SENTENCE_END) for t in texts
    )


def clean_article(source: SourceFile) -> Article:
    """Turn a source file into an :class:`Article`. Raises :class:`CleaningError`."""
    units = markdown_units(source.text) if source.format == "md" else text_units(source.text)
    if not units:
        detail = (
            "after the front matter: write the article below the closing ---"
            if source.front_matter
            else "the file is empty"
        )
        raise CleaningError(f"{source.path}: no article text found ({detail})")
    whole = units
    units, cut = _cut(whole)
    note = left_out_note(whole, cut) if cut is not None else None
    top = read_top(units)
    # Markdown's first "## heading" under a front matter title is the text's own heading.
    title = str(source.meta.get("title") or "")
    at = top.title_at
    heading = at is not None and units[at].kind == "heading" and source.front_matter
    if at is not None and heading and title and bare(top.title or "") != bare(title):
        top.furniture.discard(at)
        top.title = None
    detected_title = top.title
    if title and (first := _title_again(units, top.furniture, title)) is not None:
        top.furniture.add(first)  # the text repeats its front matter's title: shown once
    article_units = [u for i, u in enumerate(units) if i not in top.furniture]
    article_units = drop_trailing_tags(article_units)
    blocks = to_blocks(drop_trailing_bullets(body_text_units(article_units, top)))
    if not blocks and detected_title:
        blocks = [Block("paragraph", detected_title)]
        detected_title = None
    if not blocks or not any(map(is_prose, blocks)):
        raise CleaningError(
            f"{source.path}: no article text found, only site furniture "
            "(masthead, menus, byline, captions, tag or related-article lists)"
        )
    meta = source.meta
    url = meta.get("url") or top.url
    outlet = meta.get("outlet") or meta.get("source") or top.outlet
    if not outlet and url:
        outlet = site_outlet(url)
    if meta.get("title"):
        title, derived = str(meta["title"]), False
    elif detected_title:
        title, derived = strip_site_suffix(detected_title, outlet), False
    else:
        lead = next((b for b in blocks if b.kind == "paragraph"), blocks[0])
        lead_text = lead.plain_text()
        title, derived = derive_headline(lead_text) or lead_text[:MAX_TITLE], True
    date = meta.get("date")
    if date is None and top.datelines:  # the article's own dateline, over dates in its text
        date = find_event_date("\n".join(top.datelines))
    if date is None and url:  # ".../news/2025/3/18/...": the day the page was published
        date = url_date(url)
    if date is None:
        lines = [*top.datelines, *(u.text for u in article_units if u.kind != "list")]
        if detected_title:
            lines.insert(0, detected_title)
        date = find_event_date("\n".join(lines))
    notes = [note] if note else []
    count = sum(len(block.plain_text().split()) for block in blocks)
    if count > MANY_WORDS:
        notes.append(
            f"{count:,} words, far more than a report: is it a whole page or site saved as "
            "text? Its story page shows them all"
        )
    if date is None:  # a dateline whose date does not exist: say so rather than guess
        typos = [typo for line in top.datelines for typo in impossible_dates(line)]
        if typos:
            notes.append(
                f"the dateline's date {typos[0]} does not exist, so the article is undated: "
                "correct it, or give the date in a .yaml beside the article (date: YYYY-MM-DD)"
            )
    return Article(
        source=source.path,
        title=title,
        title_derived=derived,
        outlet=outlet,
        date=date,
        lang=meta.get("lang") or detect_lang(blocks),
        body=tuple(blocks),
        url=url,
        story=meta.get("story"),
        english=source.english if usable_translation(source.english) else None,
        notes=(*notes, *translation_notes(source)),
    )


def _title_again(units: list[Unit], furniture: set[int], title: str) -> int | None:
    """The first text unit when it only repeats the given title (front matter or a
    ``.yaml`` beside the article) and more text follows it; else None."""
    rest = [i for i in range(len(units)) if i not in furniture]
    if len(rest) < 2 or units[rest[0]].kind not in ("line", "paragraph", "heading"):
        return None
    return rest[0] if bare(units[rest[0]].text) == bare(title) else None


def translation_notes(source: SourceFile) -> list[str]:
    """What to tell the editor about the article's English sidecar: a file that is not
    text or whose front matter cannot be read (the machine translation is shown instead),
    a key left out, or neither title nor text (an empty file: the machine translation is
    shown). A title alone is a documented use (the English title over the machine's text),
    so it is not reported."""
    name = source.path.rsplit(".", 1)[0] + TRANSLATION_SUFFIX
    if source.english_problem:
        return [f"{name}: {source.english_problem}; {MACHINE_INSTEAD}"]
    if source.english is None:
        return []
    translation = read_translation(source.english)
    notes = [f"{name}: {problem}" for problem in translation.problems]
    if not translation.unread and not translation.has_text and not translation.title:
        notes.append(f"{name} has neither a title nor text: {MACHINE_INSTEAD}")
    return notes
