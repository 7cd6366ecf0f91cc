"""Render stories to pages: HTML, RSS feeds and a sitemap, all from Jinja templates.

The result is a mapping of site paths (``ar/stories/<slug>/index.html``) to bytes; writing
it to disk is :mod:`digest.output`'s job. Templates are autoescaped, and Markdown (human
translations) goes through markdown-it-py with raw HTML disabled, so article text can never
inject markup.

Pages of each language (``<lang>`` is ``ar`` or ``en``; every page links its counterpart):

* ``<lang>/`` front page, ``<lang>/stories/<slug>/`` one page per story;
* ``<lang>/archive/`` the editions (days), ``<lang>/archive/<YYYY-MM-DD>/`` one per day,
  ``<lang>/archive/undated/`` for stories without a date;
* ``<lang>/outlets/`` and ``<lang>/outlets/<slug>/`` one page per outlet (see
  :func:`outlet_slug`);
* ``<lang>/search/`` the Pagefind search page, ``<lang>/feed.xml`` the RSS feed.

:meth:`SiteRenderer.plan` lists every page as a :class:`Page` (template + context) and
:meth:`SiteRenderer.render_page` renders one, so a caller renders only the pages that changed.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import email.utils
import hashlib
import pickle
import posixpath
import re
import tomllib
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jinja2
import jinja2.bccache
from babel import Locale
from babel.dates import format_date
from babel.numbers import format_decimal
from markdown_it import MarkdownIt
from markupsafe import Markup, escape

from digest.article import Article, Block, Story
from digest.config import LANGS, SiteConfig
from digest.normalize import ARABIC_LETTERS, END_KEPT, END_LETTERS, normalize_arabic
from digest.outlets import OutletNames
from digest.search_index import QUERY_FOLDS, WRITTEN, merged_shards
from digest.search_spellings import PREFIXES as SPELLING_PREFIXES
from digest.source import english_sidecar, is_stray_file, read_translation

OTHER = {"ar": "en", "en": "ar"}
OG_LOCALE = {"ar": "ar_AR", "en": "en_US"}
UNDATED = "undated"  # archive page of stories without a date
PAGES_DIR = "pages"  # a theme's own pages: pages/about.html is ar/about/ and en/about/
# the first folder of digest's own pages under ar/ and en/: no page of a theme's own there
DIGEST_SECTIONS = ("stories", "archive", "outlets", "search", "feed.xml")
_PAGE_NAME = re.compile(r"[a-z0-9][a-z0-9-]*")

_markdown = MarkdownIt(
    "commonmark", {"html": False, "linkify": False, "typographer": False}
).enable("table")  # an editor's English may have tables, as articles may


def markdown_to_html(text: str) -> str:
    """Render Markdown with raw HTML disabled (it is shown as text). Its headings, of any
    level, are subheadings of a report as an article's own are (``<h4>``, below the
    report's ``<h3>`` title)."""
    env: dict[str, Any] = {}
    tokens = _markdown.parse(text, env)
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = "h4"
    return _markdown.renderer.render(tokens, _markdown.options, env)


def story_path(lang: str, story: Story) -> str:
    """Site path (directory URL) of a story page."""
    return f"{lang}/stories/{story.slug}/"


def day_path(lang: str, day: dt.date | None) -> str:
    """Site path of the archive page of one day (``undated`` for stories without a date)."""
    return f"{lang}/archive/{day.isoformat() if day else UNDATED}/"


def rfc822(day: dt.date) -> str:
    """RFC 822 date for RSS. A story has a day but no time: noon UTC, so that a feed reader
    anywhere from UTC-11 to UTC+11 shows that day (midnight UTC shows the day before in
    the Americas)."""
    noon = dt.datetime(day.year, day.month, day.day, 12, tzinfo=dt.UTC)
    return email.utils.format_datetime(noon)


INDIC_DIGITS = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


def _digits(text: str, indic: bool) -> str:
    """``text`` with its digits Arabic-Indic ones (``١٧``) if ``indic``, else as it is."""
    return text.translate(INDIC_DIGITS) if indic else text


@lru_cache(maxsize=4096)
def human_date(day: dt.date | None, lang: str, indic: bool = False) -> str:
    """``17 يناير 2025`` / ``17 January 2025`` (``١٧ يناير ٢٠٢٥`` if ``indic``); empty for
    undated (memoized: Babel is slow)."""
    return _digits(format_date(day, "d MMMM y", locale=lang), indic) if day else ""


@lru_cache(maxsize=4096)
def day_span(first: dt.date, last: dt.date, lang: str, indic: bool = False) -> dict[str, str]:
    """The days of a story reported from ``first`` to ``last`` (a later day), as its dates
    show them: the first day as briefly as the last one allows, ``1``–``3 يونيو 2025``,
    ``30 May`` – ``2 June 2025``, ``30 December 2024`` – ``2 January 2025`` (as CLDR's
    ranges do); ``last`` as ISO text, for ``<time datetime>``. Memoized: Babel is slow."""
    if first.year != last.year:
        pattern, dash = "d MMMM y", " – "
    elif first.month != last.month:
        pattern, dash = "d MMMM", " – "
    else:
        pattern, dash = "d", "–"
    return {
        "first_text": _digits(format_date(first, pattern, locale=lang), indic),
        "dash": dash,
        "last": last.isoformat(),
        "last_text": human_date(last, lang, indic),
    }


@lru_cache(maxsize=4096)
def month_title(day: dt.date | None, lang: str, indic: bool = False) -> str:
    """``يناير 2025`` / ``January 2025``; empty for undated (memoized: Babel is slow)."""
    return _digits(format_date(day, "LLLL y", locale=lang), indic) if day else ""


@lru_cache(maxsize=4096)
def month_name(day: dt.date | None, lang: str) -> str:
    """``يناير`` / ``January``, the month alone; empty for undated (memoized)."""
    return format_date(day, "LLLL", locale=lang) if day else ""


@lru_cache(maxsize=4096)
def _plural_and_number(n: int, lang: str, indic: bool = False) -> tuple[str, str]:
    """CLDR plural category of ``n`` and ``n`` written per locale (memoized); if ``indic``,
    in Arabic-Indic digits with the Arabic thousands separator (``١٬٢٠٠``, as browsers
    write it in the search page's count), not a Latin comma between them."""
    system = "arab" if indic else "latn"
    number = format_decimal(n, locale=lang, numbering_system=system)
    return Locale.parse(lang).plural_form(n), _digits(number, indic)


def human_count(n: int, forms: Mapping[str, str], lang: str, indic: bool = False) -> str:
    """``3 مصادر`` / ``3 sources``: the number per locale, the noun in its plural form.

    ``forms`` maps CLDR plural categories (``one``, ``two``, ``few``, ``many``, ``other``)
    to patterns with ``{n}``; missing categories fall back to ``other``.
    """
    form, number = _plural_and_number(n, lang, indic)
    return forms.get(form, forms["other"]).replace("{n}", number)


_ARABIC_LETTERS = re.compile(ARABIC_LETTERS)
_ROMAN = {
    "ا": "a", "أ": "a", "إ": "i", "آ": "a", "ٱ": "a", "ء": "", "ؤ": "u", "ئ": "i", "ب": "b",
    "ت": "t", "ث": "th", "ج": "j", "ح": "h", "خ": "kh", "د": "d", "ذ": "dh", "ر": "r", "ز": "z",
    "س": "s", "ش": "sh", "ص": "s", "ض": "d", "ط": "t", "ظ": "z", "ع": "", "غ": "gh", "ف": "f",
    "ق": "q", "ك": "k", "ل": "l", "م": "m", "ن": "n", "ه": "h", "و": "w", "ي": "y", "ى": "a",
    "ة": "a", "پ": "p", "چ": "ch", "ژ": "zh", "ڤ": "v", "گ": "g", "ک": "k", "ی": "y",
}  # fmt: skip


def script_lang(text: str) -> str | None:
    """``ar`` if ``text`` is written in Arabic script, else None (direction unknown)."""
    return "ar" if _ARABIC_LETTERS.search(text) else None


def outlet_sort_key(name: str) -> str:
    """Where an outlet's name sorts in a list, in its own script: folded, letters and
    digits only, an Arabic name without its article (الجزيرة under ج, as Arabic indexes
    file it)."""
    folded = normalize_arabic(name)
    folded = folded[2:] if folded.startswith("ال") and len(folded) > 3 else folded
    return _NOT_LETTERS.sub("", folded) or folded  # Al-Ahram before Al Jazeera


_NOT_LETTERS = re.compile(r"[\W_]+")


@lru_cache(maxsize=4096)
def outlet_slug(name: str) -> str:
    """ASCII URL segment for an outlet name: a plain transliteration, stable across builds.

    ``الأمصار`` -> ``al-amsar``, ``BBC عربي`` -> ``bbc-arby``. Arabic letters are romanised
    one by one (diacritics and tatweel dropped, the article ``ال`` written ``al-``), other
    letters are reduced to ASCII. Names that romanise alike share a page. A name with
    nothing left to romanise gets ``outlet-`` and a short hash of the name.
    """
    words = []
    for word in unicodedata.normalize("NFKC", name).split():
        if word.startswith("ال") and len(word) > 3:
            word = "al-" + word[2:]
        latin = "".join(_ROMAN.get(ch, ch) for ch in word)
        latin = unicodedata.normalize("NFKD", latin).encode("ascii", "ignore").decode()
        words.append(re.sub(r"[^a-z0-9]+", "-", latin.lower()).strip("-"))
    slug = "-".join(w for w in words if w)[:60].strip("-")
    return slug or "outlet-" + hashlib.sha1(name.encode()).hexdigest()[:8]


def outlet_path(lang: str, name: str) -> str:
    return f"{lang}/outlets/{outlet_slug(name)}/"


@dataclass(frozen=True)
class Text:
    """A piece of display text; ``missing`` when its translation is not available.

    A missing translation keeps the Arabic ``original`` so a page can show it, marked up
    as Arabic, instead of nothing. ``lang`` is the text's own language where it is not the
    page's (a story reported in English, on an Arabic page).
    """

    value: str
    missing: bool = False
    original: str = ""
    lang: str | None = None

    def __str__(self) -> str:
        return self.value if not self.missing else self.original


def display_text(value: Text | str) -> Markup:
    """A text for the page: escaped, or the Arabic original marked up as such when its
    translation is missing (the theme's ``text(value)``)."""
    if isinstance(value, Text) and value.missing:
        return Markup('<bdi lang="ar" dir="rtl" class="untranslated">%s</bdi>') % value.original
    return escape(value)


# Languages written right to left (BCP 47 primary tags).
RTL_LANGS = frozenset({"ar", "fa", "ur", "he", "ps", "ckb", "yi", "dv", "sd", "ug", "syr"})


def lang_direction(lang: str) -> str:
    """``rtl`` or ``ltr``: the direction a language is written in."""
    return "rtl" if lang.split("-")[0].lower() in RTL_LANGS else "ltr"


_HTML_TAG = re.compile(rb"<html\b([^>]*)>", re.I)
_LANG_OR_DIR = re.compile(rb"""(?:^|\s)(lang|dir)\s*=\s*["']?([\w-]*)""", re.I)


def page_direction_problem(html: bytes, lang: str) -> str | None:
    """What is wrong with the ``lang`` and ``dir`` of the ``<html>`` of a page in ``lang``
    (a theme's base.html that dropped them: an Arabic page then reads left to right, and a
    screen reader speaks it in the wrong language); None when they are right."""
    tag = _HTML_TAG.search(html, 0, 4096)
    found = {
        k.lower().decode(): v.decode() for k, v in _LANG_OR_DIR.findall(tag[1] if tag else b"")
    }
    wanted = {"lang": lang, "dir": lang_direction(lang)}
    if all(found.get(key, "").lower() == value for key, value in wanted.items()):
        return None
    has = " ".join(f'{key}="{value}"' for key, value in found.items()) or "no lang or dir"
    return f'its <html> has {has}, not lang="{lang}" dir="{wanted["dir"]}"'


def text_direction(value: Text | str) -> Markup:
    """The ``lang``/``dir`` attributes of an element showing ``value`` (the theme's
    ``dir_of(value)``): Arabic when not translated yet; its own language and that
    language's direction if not the page's; none for a text in the page's language, which
    keeps the page's direction (an Arabic headline that starts with "Apple" is still read
    right to left). Text of unknown language gets ``dir="auto"``."""
    if isinstance(value, Text):
        if value.missing:
            return Markup(' lang="ar" dir="rtl"')
        if value.lang:
            return Markup(' dir="%s" lang="%s"') % (lang_direction(value.lang), value.lang)
        return Markup("")
    return Markup(' dir="auto"')


class Localizer:
    """Gives each Arabic text in the wanted language (English from the translations)."""

    def __init__(
        self,
        lang: str,
        english: Mapping[str, str],
        outlets: Mapping[str, str] | None = None,
        seen_outlets: Iterable[str] = (),
        *,
        indic: bool = False,
    ) -> None:
        self.lang = lang
        self.english = english
        self.indic = indic  # the numbers digest writes in Arabic-Indic digits
        # with the English names from digest.toml, and the spellings the articles use
        self.outlets = OutletNames(outlets, seen_outlets)

    def __call__(self, arabic: str) -> Text:
        if self.lang == "ar":
            return Text(arabic)
        value = self.english.get(arabic)
        if value is not None:
            return Text(value)
        if script_lang(arabic) is None:  # nothing Arabic to translate
            return Text(arabic)
        return Text("", True, arabic)


def _outlet_view(name: str, loc: Localizer) -> dict[str, Any]:
    """An outlet as pages show it: on English pages by its English name when it has one
    (see :mod:`digest.outlets`); ``lang`` is ``ar`` when the name shown is in Arabic. Its
    page's address, in both languages, comes from that English name (``outlets/al-jazeera/``;
    names of one outlet, الجزيرة and الجزيرة نت, share it), else from the Arabic one."""
    name = loc.outlets.spelling(name)  # العربى as العربي, when the site spells it so most
    english = loc.outlets.english(name)
    shown = english or name if loc.lang == "en" else name
    return {
        "name": shown,
        "path": outlet_path(loc.lang, english or name),
        "lang": script_lang(shown),
    }


def _outlet_names(stories: Sequence[Story]) -> list[str]:
    """The outlet of every article on the site (one per article)."""
    return [a.outlet for story in stories for a in story.articles if a.outlet]


def _outlet_views(names: Sequence[str], loc: Localizer) -> list[dict[str, Any]]:
    """Views of these outlets, one per outlet page (the first of an outlet's names)."""
    views: dict[str, dict[str, Any]] = {}
    for name in names:
        view = _outlet_view(name, loc)
        views.setdefault(view["path"], view)
    return list(views.values())


def _block_view(block: Block, loc: Localizer) -> dict[str, Any]:
    """A body block as pages show it; ``texts``: its texts, each localized once (the
    text, the items or the cells)."""
    if block.kind == "table":
        rows = [[loc(cell) for cell in row] for row in block.rows]
        texts = [cell for row in rows for cell in row]
        # ``text``, as a quotation's: for a theme of its own that shows ``block.text``
        flat = "\n".join(" | ".join(map(_shown, row)) for row in rows)
        return {"kind": "table", "rows": rows, "text": Text(flat), "texts": texts}
    if block.kind in ("list", "quote"):
        items = [loc(i) for i in block.items]
        view = {"kind": block.kind, "items": items, "texts": items}
        if block.kind == "quote":
            return {**view, "text": Text("\n".join(map(_shown, items)))}
        return {**view, "ordered": block.ordered, "start": block.start}
    text = loc(block.text)
    return {"kind": block.kind, "text": text, "texts": [text]}


def _shown(text: Text) -> str:
    """What a page shows of a text: its translation, else the original."""
    return text.value or text.original


def _human_translation(article: Article) -> tuple[str | None, str]:
    """Title (from front matter, if any) and HTML body of an editor's English sidecar."""
    assert article.english is not None
    title, body = english_sidecar(article.english)
    return title, markdown_to_html(body)


def _human_text(article: Article) -> bool:
    """Has the article an editor's English text (not just a title)?"""
    return article.english is not None and read_translation(article.english).has_text


def _human_summary(story: Story) -> tuple[str, ...]:
    """The first sentences (two at most) of the first paragraph of the story's first
    editor's English translation: an English page's summary when none of the summary
    sentences has its English (they are the Arabic articles' own sentences)."""
    from digest.clean import markdown_units
    from digest.sentences import split_full_sentences

    for article in story.articles:
        if article.english is None:
            continue
        body = english_sidecar(article.english)[1]
        lead = next((u.text for u in markdown_units(body) if u.kind == "paragraph"), "")
        sentences = split_full_sentences(lead)
        if sentences:
            return tuple(sentences[:2])
    return ()


def human_titles(stories: list[Story]) -> dict[str, str]:
    """Arabic title -> an editor's English title, from human translation sidecars.

    They win over machine translation wherever the title shows, e.g. as a story headline.
    """
    titles: dict[str, str] = {}
    for story in stories:
        for article in story.articles:
            if article.english is not None:
                title = _human_translation(article)[0]
                if title:
                    titles[article.title] = title
    return titles


@dataclass(frozen=True)
class BodyHtml:
    """An article's body as HTML (the theme's ``article.body_html``, which for an editor's
    English sidecar is its Markdown as HTML instead): ``<h4>`` headings,
    ``<ul>`` lists and ``<p>`` paragraphs, each text as :func:`display_text` shows it.

    Built in Python rather than by a template loop (which was a third of the rendering time
    of a 1,000-article site), and only when a page shows it: every build plans every page,
    and an edit renders two of them."""

    blocks: list[dict[str, Any]]

    def __html__(self) -> str:
        return body_html(self.blocks)


def body_html(blocks: list[dict[str, Any]]) -> Markup:
    """The HTML of body blocks (see :class:`BodyHtml`)."""
    parts: list[str] = []
    for block in blocks:
        kind = block["kind"]
        if kind == "list":
            items = "".join(f"<li>{display_text(item)}</li>" for item in block["items"])
            if not block.get("ordered"):
                parts.append(f"<ul>{items}</ul>")
            else:
                start = block.get("start", 1)
                parts.append(
                    f'<ol start="{start}">{items}</ol>' if start != 1 else f"<ol>{items}</ol>"
                )
        elif kind == "table":
            parts.append(_table_html(block["rows"]))
        elif kind == "quote":
            paragraphs = "".join(f"<p>{display_text(item)}</p>" for item in block["items"])
            parts.append(f"<blockquote>{paragraphs}</blockquote>")
        else:
            tag = "h4" if kind == "heading" else "p"
            parts.append(f"<{tag}>{display_text(block['text'])}</{tag}>")
    return Markup("\n".join(parts))


def _table_html(rows: list[list[Text]]) -> str:
    """A table: its first row the header; wide tables scroll on their own, not the page."""
    head, *body = rows
    header = "".join(f'<th scope="col">{display_text(cell)}</th>' for cell in head)
    lines = "".join(
        "<tr>" + "".join(f"<td>{display_text(cell)}</td>" for cell in row) + "</tr>" for row in body
    )
    return (
        f'<div class="table-scroll" tabindex="0"><table><thead><tr>{header}</tr></thead>'
        f"<tbody>{lines}</tbody></table></div>"
    )


def _article_view(article: Article, lang: str, loc: Localizer) -> dict[str, Any]:
    blocks = [_block_view(b, loc) for b in article.body]
    texts = [t for b in blocks for t in b["texts"]]
    view: dict[str, Any] = {
        "source": article.source,
        "url": article.url,
        "outlet": _outlet_view(article.outlet, loc) if article.outlet else None,
        "date": article.date,
        "date_text": human_date(article.date, lang, loc.indic),
        "title": loc(article.title),
        # an article in another language than Arabic keeps its own lang on Arabic pages
        "lang": article.lang if article.lang not in (lang, "ar") else None,
        "dir": lang_direction(article.lang) if article.lang else None,
        "blocks": blocks,
        "body_html": BodyHtml(blocks),
        "untranslated": bool(texts) and all(t.missing for t in texts),
        "human": False,
        "same_as": None,  # the number of an earlier report with this very text, if any
        "near_copy_of": None,  # or with most of it: then only the blocks it lacks are shown
    }
    if lang == "en" and article.english is not None:
        title, html = _human_translation(article)
        if html:  # an empty sidecar (a warning says so) leaves the machine's text
            view.update(human=True, blocks=[], body_html=Markup(html), untranslated=False)
        if title:
            view["title"] = Text(title)
    return view


class ArticleViews(Sequence[dict[str, Any]]):
    """A story page's article views (:func:`_article_view`), made when the page is rendered:
    every build plans every page, and an edit renders two of them.

    Pickles (for a page key) as what the views are made from: each article's digest, the
    language, and on English pages a digest of the English of each article's texts
    (:func:`english_digest`); the rest (outlet names, date formats) is in every page key's
    salt. That is a few bytes an article, and an article is pickled once, not once per
    page."""

    def __init__(self, articles: Sequence[Article], lang: str, loc: Localizer) -> None:
        self._articles, self._lang, self._loc = articles, lang, loc
        self._views: list[dict[str, Any]] | None = None

    def _made(self) -> list[dict[str, Any]]:
        if self._views is None:
            self._views = [_article_view(a, self._lang, self._loc) for a in self._articles]
            _mark_same_texts(self._articles, self._views, self._lang)
        return self._views

    def __getitem__(self, index: Any) -> Any:
        return self._made()[index]

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return iter(self._made())

    def __len__(self) -> int:
        return len(self._articles)

    def __reduce__(self) -> tuple[type, tuple[tuple[Any, ...]]]:
        english = self._loc.english if self._lang != "ar" else {}
        made_from = [
            (article_digest(a), english_digest(a, english) if english else None)
            for a in self._articles
        ]
        return tuple, ((self._lang, made_from),)


NEAR_COPY_SHARE = 0.5  # of a report's words in paragraphs an earlier report has word for word
NEAR_COPY_BLOCKS = 2  # and at least this many such paragraphs


def _mark_same_texts(articles: Sequence[Article], views: list[dict[str, Any]], lang: str) -> None:
    """Show agency copy that several outlets ran once on a story page.

    A report whose text an earlier report of the story has word for word gets ``same_as``:
    that report's number (1, 2, ...). One that has most of its paragraphs word for word in
    an earlier report shown in full (another outlet's edit of the same copy: a changed
    figure, a paragraph added) gets ``near_copy_of``, and its view shows only the blocks
    that report lacks, so that what differs is read and nothing else twice."""
    first: dict[tuple[tuple[Block, ...], str | None], int] = {}
    full: list[tuple[int, frozenset[Block]]] = []  # earlier reports shown in full
    for number, (article, view) in enumerate(zip(articles, views, strict=True), start=1):
        if not article.body:
            continue
        # the same text: on an English page, the same editor's translation too
        english = article.english if lang != "ar" else None
        earlier = first.setdefault((article.body, english), number)
        if earlier != number:
            view["same_as"] = earlier
            continue
        if not view["human"] and (near := _near_copy_of(article.body, full)) is not None:
            copied = near[1]
            pairs = zip(article.body, view["blocks"], strict=True)
            blocks = [shown for block, shown in pairs if block not in copied]
            if all(shown["kind"] == "heading" for shown in blocks):
                blocks = []  # only a subheading of its own: its text is all in the other
            view.update(near_copy_of=near[0], blocks=blocks, body_html=BodyHtml(blocks))
            continue
        full.append((number, frozenset(article.body)))


def _near_copy_of(
    body: tuple[Block, ...], earlier: Sequence[tuple[int, frozenset[Block]]]
) -> tuple[int, frozenset[Block]] | None:
    """The earlier report (number, blocks) that has most of ``body`` word for word (see
    :func:`_mark_same_texts`), the one that has most of it; None if none does."""
    if not earlier:  # the first report shown in full (and every one-report story)
        return None
    words = [len(b.plain_text().split()) for b in body]
    total = sum(words) or 1
    best: tuple[int, tuple[int, frozenset[Block]]] | None = None
    for candidate in earlier:
        shared = [n for b, n in zip(body, words, strict=True) if b in candidate[1]]
        enough = len(shared) >= NEAR_COPY_BLOCKS and sum(shared) >= NEAR_COPY_SHARE * total
        if enough and (best is None or sum(shared) > best[0]):
            best = (sum(shared), candidate)
    return best[1] if best else None


_ARTICLE_DIGESTS: dict[int, tuple[Article, bytes]] = {}  # id -> (article, its digest)


def article_digest(article: Article) -> bytes:
    """Digest of everything an article holds, once per article object in this process."""
    found = _ARTICLE_DIGESTS.get(id(article))
    if found is None or found[0] is not article:
        if len(_ARTICLE_DIGESTS) >= 100_000:
            _ARTICLE_DIGESTS.clear()
        data = pickle.dumps(article, protocol=5)
        found = _ARTICLE_DIGESTS[id(article)] = (article, hashlib.blake2b(data).digest())
    return found[1]


_ENGLISH_DIGESTS: dict[tuple[bytes, tuple[str | None, ...]], bytes] = {}


def english_digest(article: Article, english: Mapping[str, str]) -> bytes:
    """Digest of the English of an article's texts (None where there is none yet).

    Remembered by the English itself: its strings are the translation memo's own, so a
    rebuild that translated nothing new (``digest serve`` after an edit, with thousands of
    story pages to key) finds each article's digest without pickling its English again."""
    texts = tuple(english.get(t) for t in article.texts())
    key = (article_digest(article), texts)
    found = _ENGLISH_DIGESTS.get(key)
    if found is None:
        if len(_ENGLISH_DIGESTS) >= 100_000:
            _ENGLISH_DIGESTS.clear()
        data = pickle.dumps(texts, protocol=5)
        found = _ENGLISH_DIGESTS[key] = hashlib.blake2b(data, digest_size=16).digest()
    return found


def _plain(text: str, limit: int = 200) -> str:
    """One-line text for meta descriptions, cut at a word boundary."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0] + "…"


class StoryView(dict[str, Any]):
    """A story as pages show it (:func:`_story_view`): a dict to the templates.

    One story's view is on many pages (its own, its day's, its outlets', its neighbours'
    and related stories'), so for page keys it pickles as a digest of its items, worked
    out once: the views are never changed once made."""

    __slots__ = ("_digest",)

    def __reduce__(self) -> tuple[type, tuple[tuple[str, bytes]]]:
        try:
            digest = self._digest
        except AttributeError:
            data = pickle.dumps(dict(self), protocol=5)
            digest = self._digest = hashlib.blake2b(data, digest_size=16).digest()
        return tuple, (("story view", digest),)


def _story_view(story: Story, lang: str, loc: Localizer, strings: Mapping[str, Any]) -> StoryView:
    outlets = list(dict.fromkeys(a.outlet for a in story.articles if a.outlet))  # report order
    summary = [loc(s) for s in story.summary]
    if lang != "ar" and all(s.missing for s in summary):
        summary = [Text(s) for s in _human_summary(story)] or summary
    headline = loc(story.headline)
    shown = [s.value for s in summary if not s.missing]
    # An Arabic page shows a story reported only in English as written: marked as English.
    source_lang = "ar" if any(a.lang == "ar" for a in story.articles) else story.articles[0].lang
    last = story.last_date
    if source_lang not in (lang, "ar"):
        headline = replace(headline, lang=source_lang)
        summary = [replace(s, lang=source_lang) for s in summary]
    return StoryView(
        {
            "id": story.id,
            "slug": story.slug,
            "path": story_path(lang, story),
            "counterpart": story_path(OTHER[lang], story),
            "headline": headline,
            "headline_ar": story.headline,
            "title": str(headline),  # plain text for <title>, feeds and cards
            "description": _plain(" ".join(shown)) if shown else "",
            "date": story.date,
            "date_text": human_date(story.date, lang, loc.indic),
            # reported on several days: the first and the last (None: one day, or undated)
            "span": day_span(story.date, last, lang, loc.indic)
            if story.date and last != story.date
            else None,
            "day_path": day_path(lang, story.date),
            # every day with a report of it, newest first: the story is in each day's edition
            # (as text: a page key pickles the view, and shared date objects would vary it)
            "days": sorted({a.date.isoformat() for a in story.articles if a.date}, reverse=True),
            # the feed's date of the item: its latest report's day, as the feed is ordered
            # (a story reported again today is today's news, and dated so in a reader)
            "rfc822": rfc822(last or story.date) if story.date else None,
            "outlets": _outlet_views(outlets, loc),
            "summary": summary,
            "summary_missing": bool(summary) and all(s.missing for s in summary),
            # its headline or a sentence of its summary awaits translation (the feed gives
            # it a provisional GUID, so that readers show the translation as new)
            "untranslated": headline.missing or any(s.missing for s in summary),
            "article_count": len(story.articles),
            "count_text": human_count(
                len(story.articles), strings["source_count"], lang, loc.indic
            ),
            "source_lang": source_lang,
            # an English page shows machine translation (a report in Arabic without an
            # editor's translation), as its notice says
            "machine_translated": lang != "ar"
            and any(a.lang == "ar" and not _human_text(a) for a in story.articles),
        }
    )


@dataclass
class Page:
    """One page to render: its site path (a folder URL ends in ``/``), template, context."""

    path: str
    template: str
    context: dict[str, Any] = field(default_factory=dict)

    @property
    def file(self) -> str:
        """Key in the rendered mapping: folder URLs get ``index.html``."""
        return self.path + "index.html" if self.path == "" or self.path.endswith("/") else self.path


_DICT_ATTRIBUTES = frozenset(dir(dict))
_VIEW_TYPES = frozenset((dict, StoryView))  # plain dicts to the templates


class _Environment(jinja2.Environment):
    """Jinja's environment, with ``view.key`` on a plain dict (every view is one) looked
    up as an item at once when ``key`` is not an attribute of dicts. Jinja gives that item
    anyway, after a failed attribute lookup that was a quarter of the rendering time.
    ``asset_versions`` are the theme's static files' versions, for ``url()``."""

    asset_versions: Mapping[str, str] = {}

    def getattr(self, obj: Any, attribute: str) -> Any:
        if type(obj) in _VIEW_TYPES and attribute not in _DICT_ATTRIBUTES:
            try:
                return obj[attribute]
            except KeyError:
                pass
        return super().getattr(obj, attribute)


class ThemeError(ValueError):
    """A theme file that cannot be used; the message names it and says why."""


def _merged(base: Mapping[str, Any], own: Mapping[str, Any]) -> dict[str, Any]:
    """A theme's labels over the default theme's: within a table (a count's plural forms),
    form by form, so that a form the theme lacks is the default's too."""
    merged = {**base, **own}
    for key, value in own.items():
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            merged[key] = {**base[key], **value}
    return merged


def _read_strings(path: Path) -> dict[str, Any]:
    """A theme's ``strings.toml`` (labels per language)."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ThemeError(f"{path} is not valid TOML: {exc}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ThemeError(f"{path} cannot be read: {exc}") from None
    if any(not isinstance(data.get(lang, {}), dict) for lang in LANGS):
        raise ThemeError(f"{path}: [ar] and [en] must be tables of labels")
    return data


# What digest puts in a label: {n} and {count} (counts, page numbers), and Pagefind's
# [SEARCH_TERM]-style words (search results).
_PLACEHOLDER = re.compile(r"\{\w*\}|\[[A-Z_]+\]")


def _placeholders(label: Any) -> set[str]:
    """The placeholders in a label, or in every form of a table of plural forms."""
    if isinstance(label, dict):
        return {p for form in label.values() for p in _placeholders(form)}
    return set(_PLACEHOLDER.findall(label)) if isinstance(label, str) else set()


def _check_placeholders(
    path: Path, lang: str, base: Mapping[str, Any], own: Mapping[str, Any]
) -> None:
    """A theme's label with a placeholder the default theme's label has not (``{num}`` for
    ``{n}``) would show as written on every page: a :class:`ThemeError` that says which
    placeholders the label has. A label of another shape than the default's (a text for a
    table of plural forms, a number for a text) is one too. Labels of the theme's own are
    its templates' business."""
    for key, label in own.items():
        default = base.get(key)
        if isinstance(default, dict) and not isinstance(label, dict):
            raise ThemeError(
                f"{path}: [{lang}] {key} must be a table of plural forms, as in the default "
                f"theme: [{lang}.{key}] with one = ..., other = ... (each with {{n}})"
            )
        if isinstance(default, str) and not isinstance(label, str):
            raise ThemeError(f"{path}: [{lang}] {key} must be text (in quotes), not {label!r}")
        known = _placeholders(default)
        if not known:
            continue
        forms = label.items() if isinstance(label, dict) else [(None, label)]
        for form, text in forms:
            unknown = sorted(_placeholders(text) - known)
            if unknown:
                name = f"{key}.{form}" if form else key
                raise ThemeError(
                    f"{path}: [{lang}] {name} has {', '.join(unknown)}, which digest does not "
                    f"fill in; this label's placeholders are {', '.join(sorted(known))}"
                )


class CompiledTemplates(jinja2.FileSystemBytecodeCache):
    """Jinja's compiled templates, kept in a folder between builds (a template is compiled
    again when its source changes); a folder that cannot be read or written is no cache."""

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except Exception:  # a cut or garbled file: pickle's and marshal's errors
            bucket.reset()  # compiled again

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        with contextlib.suppress(OSError):
            super().dump_bytecode(bucket)


# Templates a theme copied from an older digest lacks: the default theme's are used.
NEWER_TEMPLATES = ("moved.html",)


def _newer_templates() -> jinja2.FunctionLoader:
    """The default theme's :data:`NEWER_TEMPLATES`, for a theme that has not got them."""
    from digest.build import default_theme

    folder = default_theme()

    def load(name: str) -> tuple[str, str, Callable[[], bool]] | None:
        if name not in NEWER_TEMPLATES:
            return None
        path = folder / name
        return path.read_text(encoding="utf-8"), str(path), lambda: True

    return jinja2.FunctionLoader(load)


class SiteRenderer:
    """Renders every page of the site from a theme folder; ``compiled`` is a folder that
    keeps the compiled templates for the next build (compiling them costs a fifth of a
    second in every process that renders)."""

    def __init__(self, theme: Path, config: SiteConfig, compiled: Path | None = None) -> None:
        self.theme = theme
        self.config = config
        self.env = _Environment(
            bytecode_cache=CompiledTemplates(str(compiled)) if compiled else None,
            loader=jinja2.ChoiceLoader([jinja2.FileSystemLoader(str(theme)), _newer_templates()]),
            autoescape=jinja2.select_autoescape(["html", "xml"]),
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
        )
        self.static_files = static_files(theme)  # written with the pages; read once
        self.env.asset_versions = asset_versions(self.static_files)
        # Also filters (``path|url``, ``value|text``, ``value|dir_of``): Jinja calls a filter
        # directly, a global function through its context (twice the cost, on every link).
        helpers = {"url": _relative_url, "text": display_text, "dir_of": text_direction}
        self.env.globals.update(helpers, absolute=config.absolute)
        self.env.filters.update(helpers)

    @cached_property
    def theme_warnings(self) -> list[str]:
        """What a build says about the theme: links to static files it lacks, and labels in
        its strings.toml that no template of digest's reads (a misspelt language or key)."""
        return (
            self.dead_static_links
            + self.dead_page_links
            + self.dead_stylesheet_links
            + self.stray_labels
        )

    @cached_property
    def stray_labels(self) -> list[str]:
        """A ``strings.toml`` section that is no language (``[ra]``), or a key of ``[ar]``
        or ``[en]`` that the default theme lacks and is spelt almost like one of its labels
        (``storeis`` for ``stories``): digest shows the default's label there, silently."""
        from difflib import get_close_matches

        own, base, data = self._label_files
        if not base:  # the default theme itself
            return []
        found = [
            f"{own}: [{section}] is no language of the site's (its labels go under "
            f"{' or '.join(f'[{lang}]' for lang in LANGS)}); left out"
            for section in data
            if section not in LANGS
        ]
        for lang in LANGS:
            known = list(base.get(lang, {}))
            for key in data.get(lang, {}):
                close = [] if key in known else get_close_matches(key, known, n=1, cutoff=0.75)
                if close:
                    found.append(
                        f"{own}: [{lang}] {key} is no label of digest's; did you mean "
                        f"{close[0]}? (the default's {close[0]} is shown)"
                    )
        return found

    @cached_property
    def dead_static_links(self) -> list[str]:
        """Warnings for a theme's links to its own static files that it does not have
        (``'static/style.css'|url`` after style.css was deleted): every page would link a
        file that is not there."""
        found = []
        for template, source in self._template_sources:
            for match in _STATIC_LINK.finditer(source):
                path = match["a"] or match["b"]
                if path not in self.static_files:
                    line = source.count("\n", 0, match.start()) + 1
                    found.append(
                        f"{template}, line {line}: links {path}, which {self.theme / 'static'} "
                        "does not have (every page links a missing file)"
                    )
        return found

    @cached_property
    def dead_page_links(self) -> list[str]:
        """Warnings for a template's link to a section of a language that the site has no
        page for (``(lang ~ '/about/')|url`` in the masthead, before ``pages/about.html``
        was made, or misspelt): every page would link a page that is not there."""
        found = []
        known = {*DIGEST_SECTIONS, *self.own_pages}
        for template, source in self._template_sources:
            for match in _PAGE_LINK.finditer(source):
                name = match["a"] or match["b"]
                if name not in known:
                    line = source.count("\n", 0, match.start()) + 1
                    langs = [match["lang"]] if match["lang"] else LANGS
                    links = " and ".join(f"{lang}/{name}/" for lang in langs)
                    found.append(
                        f"{template}, line {line}: links {links}, which the site has no page "
                        f"at (a page of your own is {self.theme / PAGES_DIR / name}.html)"
                    )
        return found

    @cached_property
    def _template_sources(self) -> list[tuple[Path, str]]:
        """The theme's templates and partials, in subfolders too (not its static files),
        and their text, read once for the checks of the links in them."""
        static = self.theme / "static"
        return [
            (p, p.read_text(encoding="utf-8", errors="replace"))
            for p in sorted(self.theme.rglob("*"))
            if p.suffix in (".html", ".xml") and p.is_file() and static not in p.parents
        ]

    @cached_property
    def dead_stylesheet_links(self) -> list[str]:
        """Warnings for a theme stylesheet's relative ``url(...)`` or ``@import`` of a file
        the theme's ``static/`` lacks (a misspelt image or font): the browser drops it,
        silently. Addresses elsewhere (``https:``, ``data:``) are not checked; one from the
        server's root (``/static/…``) is named when ``base_url`` puts the site under a path
        (``/digest/``), where it finds nothing."""
        found = []
        under = urlsplit(self.config.base_url).path.rstrip("/")
        for path, data in self.static_files.items():
            if not path.endswith(".css"):
                continue
            source = data.decode("utf-8", errors="replace")
            # comments as blanks, their lines kept: a url() in a comment links nothing
            source = _CSS_COMMENT.sub(lambda m: re.sub(r"[^\n]", " ", m[0]), source)
            for match in _CSS_LINK.finditer(source):
                ref = match["url"] if match["url"] is not None else match["imported"]
                ref = re.split(r"[?#]", ref.strip(), maxsplit=1)[0]
                if under and ref.startswith("/") and not ref.startswith(("//", under + "/")):
                    line = source.count("\n", 0, match.start()) + 1
                    relative = posixpath.relpath(ref.lstrip("/"), posixpath.dirname(path))
                    found.append(
                        f"{self.theme / path}, line {line}: {ref} is from the server's root, "
                        f"but the site lives under {under}/ (base_url): link it relative to "
                        f"the stylesheet ({relative})"
                    )
                if not ref or ":" in ref or ref.startswith("/"):
                    continue
                target = posixpath.normpath(posixpath.join(posixpath.dirname(path), ref))
                if target.startswith("static/") and target not in self.static_files:
                    line = source.count("\n", 0, match.start()) + 1
                    found.append(
                        f"{self.theme / path}, line {line}: {ref} is {target}, which "
                        f"{self.theme / 'static'} does not have (browsers leave it out)"
                    )
        return found

    @cached_property
    def _label_files(self) -> tuple[Path, dict[str, Any], dict[str, Any]]:
        """The theme's ``strings.toml``, the default theme's labels under it (none when
        the theme is the default) and the theme's own labels, read once."""
        from digest.build import default_theme

        own = self.theme / "strings.toml"
        default = default_theme() / "strings.toml"
        fallback = default.is_file() and default.resolve() != own.resolve()
        base = _read_strings(default) if fallback else {}
        data = _read_strings(own) if own.is_file() or not fallback else {}
        return own, base, data

    @cached_property
    def strings(self) -> dict[str, dict[str, Any]]:
        """UI labels per language, from the theme's ``strings.toml``; a label it lacks (a
        theme copied from an older digest) is the default theme's."""
        own, base, data = self._label_files
        for lang in LANGS:
            _check_placeholders(own, lang, base.get(lang, {}), data.get(lang, {}))
        return {lang: _merged(base.get(lang, {}), data.get(lang, {})) for lang in LANGS}

    @cached_property
    def own_pages(self) -> list[str]:
        """The names of the theme's own pages (``pages/about.html``: ``about``), each built
        in both languages (``ar/about/``, ``en/about/``); a name that is no address, or the
        address of a page of digest's, stops the build."""
        folder = self.theme / PAGES_DIR
        files = sorted(folder.glob("*.html")) if folder.is_dir() else []
        names = []
        for path in files:
            if is_stray_file(path.name) or path.name.startswith(".") or not path.is_file():
                continue
            name = path.stem
            if not _PAGE_NAME.fullmatch(name):
                raise ThemeError(
                    f"{path}: a page's file name is its address (ar/{name}/): name it with "
                    "letters a-z, digits and hyphens (about-us.html)"
                )
            if name in DIGEST_SECTIONS:
                raise ThemeError(f"{path}: ar/{name}/ is a page of digest's own; rename it")
            names.append(name)
        return names

    def page_variables(self, page: Page) -> dict[str, Any]:
        """What the templates of a page see: its context and what every page has."""
        lang = page.context.get("lang")
        return {
            "page_path": page.path,
            "site": self.config,
            "t": self.strings.get(lang, {}) if lang else self.strings,
            "strings": self.strings,
            "dir": lang_direction(lang or ""),
            "other": OTHER.get(lang or ""),
            "og_locale": OG_LOCALE,
            **page.context,
        }

    def render_page(self, page: Page) -> bytes:
        """The bytes of one planned page (see :meth:`plan`)."""
        html = self.env.get_template(page.template).render(self.page_variables(page))
        return html.encode("utf-8")

    def plan(
        self,
        stories: list[Story],
        english: Mapping[str, str],
        translation_note: str | None,
        spellings: Mapping[str, str] | None = None,
        moved: Mapping[str, str] | None = None,
    ) -> list[Page]:
        """Every page of the site, unrendered, in a fixed order. ``spellings``: of names, as
        the search index reads them (:mod:`digest.search_spellings`), for the search page;
        ``moved``: old story ID -> the story that has its reports now
        (:func:`~digest.story_registry.moved_stories`), whose old address gets a page that
        sends readers on (``moved.html``)."""
        english = {**english, **human_titles(stories)}
        position = {s.id: i for i, s in enumerate(stories)}
        moves = [(old, position[new]) for old, new in (moved or {}).items() if new in position]
        pages: list[Page] = []
        views: dict[str, list[dict[str, Any]]] = {}
        outlets = _outlet_names(stories)
        for lang in LANGS:
            loc = Localizer(lang, english, self.config.outlets, outlets, indic=self._indic(lang))
            views[lang] = [_story_view(s, lang, loc, self.strings[lang]) for s in stories]
            common = {"lang": lang, "translation_note": translation_note}
            front = views[lang][: self.config.page_size]
            more = len(views[lang]) - len(front)  # older stories: in the archive
            more_text = self._count(more, "older_count", lang) if more else ""
            context = {"stories": front, "more_text": more_text}
            pages.append(_page(f"{lang}/", "front.html", common, **context))
            pages += _story_pages(stories, views[lang], loc, common)
            pages += self._archive_pages(views[lang], common)
            pages += self._outlet_pages(views[lang], common)
            pages += [
                _page(f"{lang}/{name}/", f"{PAGES_DIR}/{name}.html", common)
                for name in self.own_pages
            ]
            if self.config.search:
                merge = merged_shards([story.slug for story in stories])
                pages.append(
                    _page(
                        f"{lang}/search/",
                        "search.html",
                        common,
                        search_merge=merge,
                        search_folds=QUERY_FOLDS,
                        search_end_folds=END_LETTERS,
                        search_end_kept=END_KEPT,
                        search_spellings=dict(spellings or {}),
                        search_prefixes=SPELLING_PREFIXES,
                        search_written=WRITTEN,
                    )
                )
            # the day of the latest report: when the feed last changed
            latest = max((s["days"][0] for s in views[lang] if s["days"]), default=None)
            last_date = dt.date.fromisoformat(latest) if latest else None
            feed = {"stories": views[lang][: self.config.feed_items], "last_date": last_date}
            pages.append(Page(f"{lang}/feed.xml", "feed.xml", {**common, **feed, "rfc822": rfc822}))
        html_pages = [p for p in pages if p.file.endswith(".html")]
        for lang in LANGS:  # (not in the sitemap: no page of their own)
            common = {"lang": lang, "translation_note": translation_note}
            pages += [
                _page(f"{lang}/stories/{old}/", "moved.html", common, story=views[lang][i])
                for old, i in moves
            ]
        latest = {lang: views[lang][:5] for lang in LANGS}
        pages.append(Page("", "root.html", {"latest": latest}))
        pages.append(Page("404.html", "404.html"))
        pages.append(Page("sitemap.xml", "sitemap.xml", {"pages": _sitemap_entries(html_pages)}))
        return pages

    def plan_stories(
        self,
        stories: list[Story],
        english: Mapping[str, str],
        translation_note: str | None,
        slugs: set[str],
    ) -> list[Page]:
        """The pages of the stories with these slugs only, as :meth:`plan` gives them (a
        preview shows an edit so; it makes the views of those stories and their
        neighbours, not the whole site's)."""
        english = {**english, **human_titles(stories)}
        index = {s.id: i for i, s in enumerate(stories)}
        wanted = [i for i, s in enumerate(stories) if s.slug in slugs]
        pages = []
        outlets = _outlet_names(stories)
        for lang in LANGS:
            loc = Localizer(lang, english, self.config.outlets, outlets, indic=self._indic(lang))
            view = _StoryViews(stories, lang, loc, self.strings[lang])
            common = {"lang": lang, "translation_note": translation_note}
            pages += [_story_page(stories, i, view, index, loc, common) for i in wanted]
        return pages

    def _count(self, n: int, noun: str, lang: str) -> str:
        return human_count(n, self.strings[lang][noun], lang, self._indic(lang))

    def _indic(self, lang: str) -> bool:
        """Does a page in ``lang`` write digest's numbers in Arabic-Indic digits?"""
        return lang == "ar" and self.config.indic_digits

    def _archive_pages(self, views: list[dict[str, Any]], common: dict[str, Any]) -> list[Page]:
        """The archive index and one page per day (edition), newest first, undated last.

        A day's edition lists every story with a report of that day, so a story that ran
        for several days is in each of them, and a day's page stays when an earlier report
        joins its story (its URL keeps working). Undated stories have a page of their own."""
        lang = common["lang"]
        days: dict[dt.date | None, list[dict[str, Any]]] = {}
        for view in views:  # newest first, so each day's stories are too
            for day in view["days"] or [None]:
                days.setdefault(day and dt.date.fromisoformat(day), []).append(view)
        editions = [
            {
                "path": day_path(lang, day),
                "date": day,
                "date_text": human_date(day, lang, self._indic(lang)),
                "stories": group,
                "count_text": self._count(len(group), "story_count", lang),
            }
            for day, group in sorted(days.items(), key=lambda kv: _newest_first(kv[0]))
        ]
        months: list[dict[str, Any]] = []  # the editions by month, newest first; undated last
        # the months by year, for a list that jumps to each (a long archive is a page of
        # hundreds of days): each year's ``year`` and its months' ``key`` and ``name``
        years: list[dict[str, Any]] = []
        for edition in editions:
            day = edition["date"]
            title = month_title(day, lang, self._indic(lang))
            if not months or months[-1]["title"] != title:
                # its anchor names the month (#month-2025-06), so a link to it holds
                key = day.strftime("%Y-%m") if day else "undated"
                months.append({"title": title, "key": key, "editions": []})
                year = _digits(str(day.year), self._indic(lang)) if day else ""
                if not years or years[-1]["year"] != year:
                    years.append({"year": year, "months": []})
                years[-1]["months"].append({"key": key, "name": month_name(day, lang)})
            months[-1]["editions"].append(edition)
        context = {"editions": editions, "months": months, "years": years}
        pages = [_page(f"{lang}/archive/", "archive.html", common, **context)]
        for i, edition in enumerate(editions):
            newer = editions[i - 1] if i > 0 else None
            older = editions[i + 1] if i + 1 < len(editions) else None
            context = {"edition": edition, "newer": newer, "older": older}
            pages.append(_page(edition["path"], "day.html", common, **context))
        return pages

    def _outlet_pages(self, views: list[dict[str, Any]], common: dict[str, Any]) -> list[Page]:
        """The outlet index and one page per outlet (names that share a slug share a page)."""
        lang = common["lang"]
        outlets: dict[str, dict[str, Any]] = {}
        for view in views:
            for outlet in view["outlets"]:
                entry = outlets.setdefault(outlet["path"], {**outlet, "names": [], "stories": []})
                if outlet["name"] not in entry["names"]:
                    entry["names"].append(outlet["name"])
                entry["stories"].append(view)
        ordered = sorted(outlets.values(), key=lambda o: (outlet_sort_key(o["name"]), o["path"]))
        for outlet in ordered:
            outlet["count_text"] = self._count(len(outlet["stories"]), "story_count", lang)
        pages = [_page(f"{lang}/outlets/", "outlets.html", common, outlets=ordered)]
        for outlet in ordered:
            pages += self._outlet_story_pages(outlet, common)
        return pages

    def _outlet_story_pages(self, outlet: dict[str, Any], common: dict[str, Any]) -> list[Page]:
        """An outlet's stories, ``page_size`` a page: ``outlet["path"]`` is the first page,
        ``<path>page/2/`` the next, each with its number and its newer and older pages;
        each page's ``outlet.stories`` are its own."""
        stories = outlet["stories"]
        size, lang = self.config.page_size, common["lang"]
        count = max(1, -(-len(stories) // size))
        numbers = [
            {
                "path": outlet["path"] + (f"page/{n}/" if n > 1 else ""),
                "number": n,
                "numeral": _plural_and_number(n, lang, self._indic(lang))[1],
                "label": self._page_label(n, count, lang),
            }
            for n in range(1, count + 1)
        ]
        return [
            _page(
                number["path"],
                "outlet.html",
                common,
                outlet={**outlet, "stories": stories[(n - 1) * size : n * size]},
                pagination={
                    **number,
                    "count": count,
                    "newer": numbers[n - 2] if n > 1 else None,
                    "older": numbers[n] if n < count else None,
                    "pages": [numbers[k - 1] if k else None for k in page_window(n, count)],
                },
            )
            for n, number in enumerate(numbers, start=1)
        ]

    def _page_label(self, n: int, count: int, lang: str) -> str:
        """``Page 2 of 5`` in the page's language (the theme's ``page_number``)."""
        pattern: str = self.strings[lang]["page_number"]
        indic = self._indic(lang)
        number = _plural_and_number(n, lang, indic)[1]  # written as the locale writes numbers
        return pattern.replace("{n}", number).replace(
            "{count}", _plural_and_number(count, lang, indic)[1]
        )


# A template's link to a static file: 'static/style.css'|url or url('static/style.css').
_STATIC_LINK = re.compile(
    r"""(["'])(?P<a>static/[^"'\s{}]+)\1\s*\|\s*url\b"""
    r"""|\burl\(\s*(["'])(?P<b>static/[^"'\s{}]+)\3\s*\)"""
)

# A template's link to a page of a language: (lang ~ '/about/')|url or 'ar/about/'|url.
_PAGE_LINK = re.compile(
    r"""\(\s*lang\s*~\s*(["'])/(?P<a>[^"'/{}\s]+)/\1\s*\)\s*\|\s*url\b"""
    r"""|(["'])(?P<lang>ar|en)/(?P<b>[^"'/{}\s]+)/\3\s*\|\s*url\b"""
)

# A stylesheet's link to another file: url(x), url("x") or @import "x".
_CSS_LINK = re.compile(
    r"""\burl\(\s*(["']?)(?P<url>[^"')]*)\1\s*\)|@import\s+(["'])(?P<imported>[^"']*)\3"""
)

_CSS_COMMENT = re.compile(r"/\*.*?\*/", re.S)


def static_files(theme: Path) -> dict[str, bytes]:
    """The theme's static files (``static/…``), keyed by site path; editor temp files and
    an operating system's folder files (``.DS_Store``) are left out."""
    static = theme / "static"
    return {
        "static/" + p.relative_to(static).as_posix(): p.read_bytes()
        for p in sorted(static.rglob("*"))
        if p.is_file() and not is_stray_file(p.name)
    }


def asset_versions(files: Mapping[str, bytes]) -> dict[str, str]:
    """A version of each static file: the first 10 hex digits of a digest of its bytes,
    which change when it does (the same bytes give the same site)."""
    return {path: hashlib.blake2b(data, digest_size=5).hexdigest() for path, data in files.items()}


def passthrough_files(folder: Path) -> dict[str, bytes]:
    """The files of a project's ``static/`` folder, copied to the site root as they are
    (``CNAME``, ``robots.txt``, ``.well-known/...``), keyed by site path; editor backup
    and swap files, and ``.DS_Store`` and the like, are left out."""
    from digest.incremental import tree_stamps

    return {
        rel: (folder / rel).read_bytes()
        for rel in sorted(tree_stamps(folder))
        if not is_stray_file(posixpath.basename(rel))
    }


PAGE_WINDOW = 2  # numbered page links either side of the current page


def page_window(n: int, count: int) -> list[int]:
    """The page numbers a pager lists on page ``n`` of ``count``: the first, the last and
    ``PAGE_WINDOW`` either side of ``n``, with 0 for a gap ("…"); none for a single page.

    An outlet with two years of stories has some fifty pages: with only "newer" and
    "older" links, its oldest stories were fifty clicks away."""
    if count < 2:
        return []
    shown = {1, count, *range(max(1, n - PAGE_WINDOW), min(count, n + PAGE_WINDOW) + 1)}
    numbers: list[int] = []
    for k in sorted(shown):
        if numbers and k - numbers[-1] == 2:
            numbers.append(k - 1)  # a gap of one page: the page itself, not "…"
        elif numbers and k - numbers[-1] > 2:
            numbers.append(0)
        numbers.append(k)
    return numbers


def _page(path: str, template: str, common: dict[str, Any], **context: Any) -> Page:
    """An HTML page of one language, with its counterpart and section for the templates."""
    lang = common["lang"]
    return Page(
        path,
        template,
        {
            **common,
            "counterpart": OTHER[lang] + path[len(lang) :],
            "og_type": context.pop("og_type", "website"),
            "section": path.split("/")[1] or "front",
            **context,
        },
    )


class _StoryViews:
    """``view(j)``: the view of ``stories[j]`` (:func:`_story_view`), made when first asked."""

    def __init__(
        self, stories: list[Story], lang: str, loc: Localizer, strings: Mapping[str, Any]
    ) -> None:
        self.stories, self.lang, self.loc, self.strings = stories, lang, loc, strings
        self.made: dict[int, dict[str, Any]] = {}

    def __call__(self, j: int) -> dict[str, Any]:
        if j not in self.made:
            self.made[j] = _story_view(self.stories[j], self.lang, self.loc, self.strings)
        return self.made[j]


def _story_pages(
    stories: list[Story], views: list[dict[str, Any]], loc: Localizer, common: dict[str, Any]
) -> list[Page]:
    """One page per story, with its articles, related stories and newer/older neighbours."""
    index = {s.id: i for i, s in enumerate(stories)}
    view = views.__getitem__
    return [_story_page(stories, i, view, index, loc, common) for i in range(len(stories))]


def _story_page(
    stories: list[Story],
    i: int,
    view: Callable[[int], dict[str, Any]],
    index: Mapping[str, int],
    loc: Localizer,
    common: dict[str, Any],
) -> Page:
    """The page of ``stories[i]``; ``view(j)`` is the view of ``stories[j]``, ``index``
    the position of each story ID."""
    story = stories[i]
    return _page(
        story_path(common["lang"], story),
        "story.html",
        common,
        og_type="article",
        story=view(i),
        articles=ArticleViews(story.articles, common["lang"], loc),
        related=[view(index[r]) for r in story.related if r in index],
        newer=view(i - 1) if i > 0 else None,
        older=view(i + 1) if i + 1 < len(stories) else None,
    )


def _newest_first(day: dt.date | None) -> tuple[int, int]:
    """Sort key: newest day first, undated last."""
    return (0, -day.toordinal()) if day else (1, 0)


def _sitemap_entries(pages: list[Page]) -> list[dict[str, Any]]:
    """Indexable pages with their alternates (search pages are left out: ``noindex``);
    first the root page, the language chooser (x-default)."""
    root = [(code, f"{code}/") for code in LANGS] + [("x-default", "")]
    entries: list[dict[str, Any]] = [{"path": "", "lastmod": None, "alternates": root}]
    for page in pages:
        if page.context.get("section") == "search":
            continue
        lang = page.context["lang"]
        alternates = {lang: page.path, OTHER[lang]: page.context["counterpart"]}
        story = page.context.get("story")
        entries.append(
            {
                "path": page.path,
                # the day of its latest report
                "lastmod": dt.date.fromisoformat(story["days"][0])
                if story and story["days"]
                else None,
                "alternates": [(code, alternates[code]) for code in LANGS],
            }
        )
    return entries


@jinja2.pass_context
def _relative_url(context: jinja2.runtime.Context, target: str) -> str:
    """URL of site path ``target`` relative to the page being rendered.

    Relative links keep the site working under any base path and from a plain folder.
    The 404 page is served at arbitrary URLs, so it links from the site root instead.
    A theme's static file gets ``?v=`` and a digest of its bytes: a browser that cached
    last week's ``style.css`` fetches the new one when the theme changes (see
    :func:`asset_versions`).
    """
    page: str = context["page_path"]
    version = context.environment.asset_versions.get(target)  # type: ignore[attr-defined]
    query = f"?v={version}" if version else ""
    if page == "404.html":
        return urlsplit(context["site"].base_url).path + target + query
    base = page if (page == "" or page.endswith("/")) else posixpath.dirname(page)
    rel = _relpath(target or ".", base or ".")
    if (target == "" or target.endswith("/")) and not rel.endswith("/"):
        rel += "/"
    return rel + query


@lru_cache(maxsize=65536)  # a page links the same few hundred paths as its neighbours
def _relpath(path: str, start: str) -> str:
    """``posixpath.relpath`` for site paths, without its ``getcwd`` and ``abspath`` calls."""
    here = [part for part in posixpath.normpath(start).split("/") if part not in ("", ".")]
    there = [part for part in posixpath.normpath(path).split("/") if part not in ("", ".")]
    if ".." in here or ".." in there or path.startswith("/") or start.startswith("/"):
        return posixpath.relpath(path, start)
    common = 0
    for a, b in zip(here, there, strict=False):
        if a != b:
            break
        common += 1
    parts = [".."] * (len(here) - common) + there[common:]
    return "/".join(parts) if parts else "."
