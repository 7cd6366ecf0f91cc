"""Search: Pagefind indexes each language apart, and the search box works in Chromium."""

from __future__ import annotations

import gzip
import json
import re
import shutil
from html import unescape
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest
from reader_support import build_sample, chromium, serve, story_pages

import digest.search_index as search_index
from digest.article import Article, Block, Story
from digest.build import Project, build_site, load_articles
from digest.group import group_stories
from digest.normalize import VARIANT_LETTERS
from digest.search_index import BackgroundBundle, SearchIndexError, index_site
from digest.search_index import IndexFolds as Folds
from digest.search_spellings import fold_spellings, name_spellings

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_sample(tmp_path_factory.mktemp("search"))  # the build writes the bundle


VOID = frozenset({"br", "hr", "img", "input", "link", "meta", "source", "wbr", "col", "area"})


class _IndexedText(HTMLParser):
    """The text Pagefind indexes: inside ``data-pagefind-body``, outside ``-ignore``."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[tuple[bool, bool]] = []  # (in body, ignored) per open element
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = {name for name, _ in attrs}
        body, ignored = self.stack[-1] if self.stack else (False, False)
        state = (body or "data-pagefind-body" in names, ignored or "data-pagefind-ignore" in names)
        if tag not in VOID:
            self.stack.append(state)

    def handle_endtag(self, tag: str) -> None:
        if tag not in VOID and self.stack:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        if self.stack and self.stack[-1] == (True, False):
            self.text.append(data)


def _indexed_text(page: Path) -> str:
    parser = _IndexedText()
    parser.feed(page.read_text(encoding="utf-8"))
    return " ".join(parser.text)


def _pages_with(site: Path, lang: str, word: str) -> set[str]:
    """Site paths (``/ar/stories/<slug>/``) of the story pages whose indexed text has ``word``
    (a headline shown in another story's related links does not count)."""
    return {
        "/" + page.parent.relative_to(site).as_posix() + "/"
        for page in story_pages(site, lang)
        if word in _indexed_text(page)
    }


def test_bundle_has_one_index_per_language(site: Path) -> None:
    bundle = site / "pagefind"
    assert (bundle / "pagefind-ui.js").is_file() and (bundle / "pagefind-ui.css").is_file()
    assert sorted(p.name.split("_")[0] for p in bundle.glob("pagefind.*.pf_meta")) == [
        "pagefind.ar",
        "pagefind.en",
    ]


def test_indexing_is_deterministic(site: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    shutil.copytree(site, again)
    index_site(again)  # replaces the bundle
    first = {p.relative_to(site): p.read_bytes() for p in (site / "pagefind").rglob("*.*")}
    second = {p.relative_to(again): p.read_bytes() for p in (again / "pagefind").rglob("*.*")}
    assert first and first == second


def test_pagefind_pages_go_to_shared_memory_unless_tmpdir_says(
    site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Pagefind reads the pages from a scratch folder: in RAM where there is /dev/shm, in
    $TMPDIR when the user sets one, and in the system's temp folder when RAM is full; the
    bundle is the same and no scratch folder is left behind."""
    paths = [*story_pages(site, "ar"), *story_pages(site, "en")]
    pages = {p.relative_to(site).as_posix(): p.read_bytes() for p in paths}
    shm, tmp = tmp_path / "shm", tmp_path / "tmp"
    shm.mkdir(), tmp.mkdir()
    monkeypatch.setattr(search_index, "SHARED_MEMORY", shm)
    monkeypatch.delenv("TMPDIR", raising=False)
    assert search_index.scratch_folder() == str(shm)
    in_memory = BackgroundBundle(pages)
    assert [p.name[:14] for p in shm.iterdir()] == ["digest-search-"]
    bundle = in_memory.result()
    assert list(shm.iterdir()) == []
    monkeypatch.setenv("TMPDIR", str(tmp))
    assert search_index.scratch_folder() is None
    monkeypatch.setattr(search_index, "SHARED_MEMORY", tmp_path / "none")
    monkeypatch.delenv("TMPDIR")
    assert search_index.scratch_folder() is None

    def full(data: object, parent: str | None) -> Path:
        if parent is not None:
            raise OSError(28, "No space left on device")
        return write_pages(data, parent)

    write_pages = search_index._write_pages
    monkeypatch.setattr(search_index, "SHARED_MEMORY", shm)
    monkeypatch.setattr(search_index, "_write_pages", full)
    assert BackgroundBundle(pages).result() == bundle
    assert list(shm.iterdir()) == []


def test_index_site_refuses_a_folder_that_is_not_a_site(tmp_path: Path) -> None:
    with pytest.raises(SearchIndexError, match="not a built site"):
        index_site(tmp_path)


def test_missing_binary_is_a_clear_error(site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(site / "no-such-pagefind"))
    with pytest.raises(SearchIndexError, match="PAGEFIND_BINARY_PATH"):
        index_site(site)
    assert (site / "pagefind" / "pagefind-ui.js").is_file(), "the old bundle must survive"


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.parametrize(
    ("lang", "query", "word"),
    [
        ("ar", "تركمانستان", "تركمانستان"),  # in one seed only
        ("ar", "كرملين", "الكرملين"),  # Arabic stemming: the article ال is not needed
        ("en", "Turkmenistan", "Turkmenistan"),  # from the human translation sidecar
    ],
)
def test_search_box_finds_the_story(site: Path, lang: str, query: str, word: str) -> None:
    expected = _pages_with(site, lang, word)
    assert expected, f"no {lang} story page contains {word!r}"
    with serve(site) as base, chromium() as browser:
        page = browser.new_page()
        page.goto(f"{base}{lang}/search/")
        page.fill(".pagefind-ui__search-input", query)
        page.wait_for_selector(".pagefind-ui__result-link", timeout=15_000)
        links = page.eval_on_selector_all(
            ".pagefind-ui__result-link", "links => links.map(a => a.getAttribute('href'))"
        )
        # a result opens the story, and under it the reports that matched (by their heading)
        assert any(re.search(r"/#article-\d+-title$", link) for link in links), links
        # the magnifier at the start of the box (where typing starts), Clear at its end
        icon, clear, middle = page.evaluate(
            """() => {
                const form = document.querySelector('.pagefind-ui__form');
                const at = form.getBoundingClientRect();
                const icon = at.left + parseFloat(getComputedStyle(form, '::before').left);
                const clear = document.querySelector('.pagefind-ui__search-clear')
                    .getBoundingClientRect();
                return [icon, clear.left + clear.width / 2, at.left + at.width / 2];
            }"""
        )
        # a report under its story: indented at the start, its arrow before it, pointing in
        nested, arrow_at, arrow = page.evaluate(
            """() => {
                const link = document.querySelector(
                    '.pagefind-ui__result-nested .pagefind-ui__result-link');
                const box = link.getBoundingClientRect();
                const result = link.closest('.pagefind-ui__result').getBoundingClientRect();
                const arrow = getComputedStyle(link, '::before');
                const start = document.dir === 'rtl' ? result.right - box.right
                                                     : box.left - result.left;
                const side = parseFloat(arrow.left) < 0 ? 'left' : 'right';
                return [start, side, arrow.content.replace(/["\\s]/g, '')];
            }"""
        )
        page.close()
    assert {link.split("#")[0] for link in links} == expected
    assert (icon > middle > clear) if lang == "ar" else (icon < middle < clear)
    assert nested >= 15  # indented from the result's start
    assert (arrow_at, arrow) == (("right", "⤶") if lang == "ar" else ("left", "⤷"))


def test_pagefind_reads_persian_letters_folded_to_arabic() -> None:
    page = "<html lang=ar><h1>پيزشكيان وگروسي</h1></html>".encode()
    assert search_index.fold_variant_letters(page).decode() == (
        "<html lang=ar><h1>بيزشكيان وكروسي</h1></html>"
    )
    assert search_index.fold_variant_letters(b"<p>plain</p>") == b"<p>plain</p>"
    # Persian digits as Arabic-Indic ones, which Pagefind's stemming reads as Latin ones
    assert search_index.fold_variant_letters("<p>عام ۲۰۲۴ و٢٠٢٥</p>".encode()).decode() == (
        "<p>عام ٢٠٢٤ و٢٠٢٥</p>"
    )
    # each variant letter alone (some are found by their lead byte, پ by itself)
    for variant, letter in VARIANT_LETTERS.items():
        assert search_index.fold_variant_letters(f"<p>ب{variant}ب</p>".encode()) == (
            f"<p>ب{letter}ب</p>".encode()
        )


@pytest.mark.browser
@pytest.mark.slow
def test_a_name_in_persian_letters_finds_its_arabic_spelling(site: Path) -> None:
    """پيزشكيان (Persian pe) and بيزشكيان find the same stories: both are indexed folded."""
    expected = _pages_with(site, "ar", "بيزشكيان") | _pages_with(site, "ar", "پيزشكيان")
    assert len(expected) == 2
    with serve(site) as base, chromium() as browser:
        page = browser.new_page()
        found = {q: _results(page, base, q, len(expected))[0] for q in ("پيزشكيان", "بيزشكيان")}
        page.close()
    assert found == {"پيزشكيان": expected, "بيزشكيان": expected}


def test_letters_typed_either_way_at_a_words_end_are_indexed_folded_after_a_mark() -> None:
    """ى and ة are indexed as ي and ه (as the search page folds the query), each after an
    invisible mark that Pagefind leaves out of its words and the search page turns back
    into the letter; the result's title is the headline as written."""
    folds = {"ى": "ي", "ة": "ه"}
    page = "<main data-pagefind-body><h1>القوى الإيرانية</h1><p>مستشفى</p></main>".encode()
    assert search_index.page_as_indexed(page, Folds(end_folds=folds)).decode() == (
        '<main data-pagefind-body><span data-pagefind-ignore data-pagefind-meta="title" hidden>'
        "القوى الإيرانية</span><h1>القو\u2060ي الإيراني\u2060ه</h1><p>مستشف\u2060ي</p></main>"
    )
    # but على ("on", in every report) is indexed as written: folded it is the name علي
    text = "<p>وعلى على القوى الإيرانية عليه فعلى ًعلى</p>".encode()
    assert search_index.fold_end_letters(text, folds).decode() == (
        "<p>وعلى على القو\u2060ي الإيراني\u2060ه عليه فعلى ًعلى</p>"
    )
    # only as a whole word: not the end of another (أعلى, بعلى), nor before a letter
    text = "<p>أعلى بعلى علىى علىة (على) على، ةعلى على</p>".encode()
    assert search_index.fold_end_letters(text, folds).decode() == (
        "<p>أعل\u2060ي بعل\u2060ي عل\u2060ي\u2060ي عل\u2060ي\u2060ه (على) على،"
        " \u2060هعل\u2060ي على</p>"
    )
    # a theme whose search page does not fold them (no data-end-folds): nor does the index
    assert search_index.page_as_indexed(page, Folds()) == page
    assert search_index.search_page_folds({"ar/search/index.html": b"<div id=search>"}) == Folds()
    # and the shards are indexed again when the folds change
    assert search_index.shard_key({"a.html": page}, Folds(end_folds=folds)) != (
        search_index.shard_key({"a.html": page}, Folds())
    )


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.parametrize(
    ("typed", "written"), [("القوي", "القوى"), ("الايرانيه", "الإيرانية"), ("على", "على")]
)
def test_a_word_typed_with_ya_or_ha_at_its_end_finds_it_and_shows_it_as_written(
    site: Path, typed: str, written: str
) -> None:
    """Readers type ي for a final ى and ه for a final ة: such a query finds the stories the
    word as written finds (Pagefind's stemming alone found none of القوى for القوي), and the
    results quote the reports as written."""
    expected = _pages_with(site, "ar", written)
    assert expected
    with serve(site) as base, chromium() as browser:
        page = browser.new_page()
        found = {}
        for query in (typed, written):
            found[query] = _results(page, base, query, len(expected))[0]
            shown = page.eval_on_selector_all(
                ".pagefind-ui__result-title, .pagefind-ui__result-excerpt",
                "parts => parts.map(p => p.textContent)",
            )
            marked = page.eval_on_selector_all(
                ".pagefind-ui__result-excerpt mark", "marks => marks.map(m => m.textContent)"
            )
            assert not any("\u2060" in text for text in shown), shown
            assert any(written in word for word in marked), marked
        page.close()
    assert found == {typed: expected, written: expected}


@pytest.mark.browser
@pytest.mark.slow
def test_a_year_in_any_digits_finds_the_same_stories(site: Path) -> None:
    """Latin, Arabic-Indic and Persian digits find the same stories (Pagefind's stemming
    folds Arabic-Indic digits; Persian ones found nothing before they were folded too)."""
    expected = _pages_with(site, "ar", "2025")
    assert expected
    queries = ("2025", "٢٠٢٥", "۲۰۲۵")
    with serve(site) as base, chromium() as browser:
        page = browser.new_page()
        found = {q: _results(page, base, q, len(expected))[0] for q in queries}
        page.close()
    assert found == dict.fromkeys(queries, expected)


def _results(page: Any, base: str, query: str, count: int) -> tuple[set[str], list[str]]:
    """The Arabic search page's results for ``query``, once there are ``count``: their
    paths (``/ar/stories/<slug>/``) and titles."""
    page.goto(f"{base}ar/search/?q={query}")
    page.wait_for_function(  # each result's own link, once loaded (its reports' are nested)
        "n => [...document.querySelectorAll('.pagefind-ui__result-link')]"
        ".filter(a => !a.closest('.pagefind-ui__result-nested')).length == n",
        arg=count,
        timeout=15_000,
    )
    links = page.eval_on_selector_all(
        ".pagefind-ui__result-link",
        "ls => ls.filter(a => !a.closest('.pagefind-ui__result-nested'))"
        ".map(a => [a.getAttribute('href'), a.textContent.trim()])",
    )
    return {href.split("#")[0] for href, _ in links}, [title for _, title in links]


@pytest.mark.browser
@pytest.mark.slow
def test_search_page_reads_the_query_from_the_url(site: Path) -> None:
    with serve(site) as base, chromium() as browser:
        page = browser.new_page()
        page.goto(f"{base}ar/search/?q=تركمانستان")
        page.wait_for_selector(".pagefind-ui__result-link", timeout=15_000)
        assert page.input_value(".pagefind-ui__search-input") == "تركمانستان"
        # the theme's Arabic count, not Pagefind's ungrammatical "1 نتيجة ل تركمانستان"
        message = page.inner_text(".pagefind-ui__message")
        assert message == "نتيجة واحدة للبحث عن «\u2068تركمانستان\u2069»"
        page.fill(".pagefind-ui__search-input", "زززز")
        page.wait_for_function(
            "() => document.querySelector('.pagefind-ui__message')?.innerText"
            " === 'لا نتائج للبحث عن «\u2068زززز\u2069»'",
            timeout=15_000,
        )
        # the address follows what is typed: a reload finds the same search
        assert unquote(page.url).endswith("/ar/search/?q=زززز")
        page.reload()
        page.wait_for_function(
            "() => document.querySelector('.pagefind-ui__message')?.innerText"
            " === 'لا نتائج للبحث عن «\u2068زززز\u2069»'",
            timeout=15_000,
        )
        # the language switch opens the other search page with the same query
        page.fill(".pagefind-ui__search-input", "بوتين")
        page.click(".lang-switch")
        page.wait_for_url("**/en/search/?q=*", timeout=15_000)
        assert page.input_value(".pagefind-ui__search-input") == "بوتين"
        # and so does the English page's "search in Arabic" (no model: nothing translated)
        page.fill(".pagefind-ui__search-input", "Putin")
        page.click(".other-search")
        page.wait_for_url("**/ar/search/?q=Putin", timeout=15_000)
        assert page.input_value(".pagefind-ui__search-input") == "Putin"
        page.close()


def test_the_arabic_search_page_says_searching_in_arabic(site: Path) -> None:
    """Pagefind's message while it searches is the theme's, not its own "يبحث عن …"."""
    html = (site / "ar" / "search" / "index.html").read_text(encoding="utf-8")
    found = re.search(r"data-results='([^']*)'", html)
    assert found
    messages = json.loads(unescape(found[1]))
    assert messages["searching"] == "جارٍ البحث عن «[SEARCH_TERM]»…"


@pytest.mark.browser
@pytest.mark.slow
def test_a_screen_reader_hears_the_count_of_results(site: Path) -> None:
    """A live region there from the start says Pagefind's message (not a live region
    itself) as the results change: the count, and "no results" for the next query."""
    shown = "() => document.querySelector('.pagefind-ui__message')?.innerText"
    said = "() => document.querySelector('main [role=status]')"
    with serve(site) as base, chromium() as browser:
        page = browser.new_page()
        page.goto(f"{base}ar/search/")
        assert page.evaluate(f"() => ({said})()?.textContent") == ""  # there before a search
        for query, message in (
            ("تركمانستان", "نتيجة واحدة للبحث عن «\u2068تركمانستان\u2069»"),
            ("زززز", "لا نتائج للبحث عن «\u2068زززز\u2069»"),
            # a query in the other direction keeps its place: isolated (FSI, PDI)
            ("Putin", "لا نتائج للبحث عن «\u2068Putin\u2069»"),
        ):
            page.fill(".pagefind-ui__search-input", query)
            page.wait_for_function(f"m => ({shown})() === m", arg=message, timeout=15_000)
            page.wait_for_function(f"m => ({said})().textContent === m", arg=message, timeout=5_000)
        assert page.evaluate(f"() => ({said})().closest('#search')") is None  # not re-rendered
        page.close()


@pytest.fixture(scope="module")
def indic_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample built with ``indic_digits = true``, its search bundle too."""
    return build_sample(tmp_path_factory.mktemp("indic"), settings="indic_digits = true\n")


INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
# the texts in <main> with Arabic letters or digits outside an element lang="ar"
UNMARKED_ARABIC = """() => {
    const walk = document.createTreeWalker(document.querySelector('main'), NodeFilter.SHOW_TEXT);
    const found = [];
    while (walk.nextNode()) {
        const node = walk.currentNode;
        if (/[\u0600-\u06ff]/.test(node.data)
            && node.parentElement.closest('[lang]').getAttribute('lang') !== 'ar') {
            found.push(node.data);
        }
    }
    return found;
}"""


@pytest.mark.browser
@pytest.mark.slow
def test_the_count_of_results_is_in_the_digits_the_site_writes(
    site: Path, indic_site: Path, tmp_path: Path
) -> None:
    """``indic_digits = true``: the Arabic search page counts its results in Arabic-Indic
    digits, as the site's other Arabic pages write numbers, and so does the status line that
    says the count to screen readers; without it, Latin digits, and on the English page
    Latin digits either way (an Arabic-Indic digit there would be Arabic not marked as
    such), whatever digits the reader's browser writes its language's numbers in. A search
    page without ``data-digits`` (a theme copied before it) still finds and counts."""
    query = "بوتين"
    count = len(_pages_with(site, "ar", query))
    assert count >= 2, "one result is counted in words: the test needs two or more"
    counted = "نتائج البحث عن «\u2068" + query + "\u2069»: {}"
    old_theme = tmp_path / "old-theme"
    shutil.copytree(indic_site, old_theme)
    search_page = old_theme / "ar" / "search" / "index.html"
    html = search_page.read_text(encoding="utf-8")
    assert ' data-digits="arab"' in html
    search_page.write_text(html.replace(' data-digits="arab"', ""), encoding="utf-8")
    cases = [  # the site, the page's language, the browser's, the query, the count shown
        (indic_site, "ar", "en-US", query, counted.format(str(count).translate(INDIC))),
        (site, "ar", "ar-EG", query, counted.format(count)),  # ar-EG: ١٢ unless told
        (indic_site, "en", "ar-EG", "Turkmenistan", "1 result for \u2068Turkmenistan\u2069"),
        (old_theme, "ar", "en-US", query, counted.format(count)),  # as the browser writes
    ]
    shown = "() => document.querySelector('.pagefind-ui__message')?.innerText"
    said = "() => document.querySelector('main [role=status]')?.textContent"
    with chromium() as browser:
        for folder, lang, locale, text, message in cases:
            with serve(folder) as base:
                context = browser.new_context(locale=locale)
                page = context.new_page()
                page.goto(f"{base}{lang}/search/?q={text}")
                page.wait_for_function(f"m => ({shown})() === m", arg=message, timeout=15_000)
                page.wait_for_function(f"m => ({said})() === m", arg=message, timeout=5_000)
                if lang == "en":  # its results loaded, no Arabic (digits) unmarked in <main>
                    page.wait_for_function(
                        "() => document.querySelector('.pagefind-ui__result-excerpt')"
                        " && !document.querySelector('.pagefind-ui__loading')",
                        timeout=15_000,
                    )
                    assert page.evaluate(UNMARKED_ARABIC) == []
                context.close()


@pytest.mark.browser
@pytest.mark.slow
def test_indic_digits_number_only_the_lists_that_show_numbers(indic_site: Path) -> None:
    """With ``indic_digits``, a story page's list of its reports is numbered in Arabic-Indic
    digits; the lists of stories (the front page, a day's) and of days (the archive) stay
    unnumbered, as without it: the setting writes numbers in other digits, it numbers
    nothing new."""
    styles = """() => [...document.querySelectorAll('main ol')].map(
        l => [l.className, getComputedStyle(l).listStyleType])"""
    story = next(
        p.parent
        for p in sorted((indic_site / "ar" / "stories").glob("*/index.html"))
        if 'class="source-index"' in p.read_text(encoding="utf-8")
    )
    day = next(p for p in sorted((indic_site / "ar" / "archive").glob("20*")) if p.is_dir())
    pages = [indic_site / "ar", day, indic_site / "ar" / "archive", story]
    with serve(indic_site) as base, chromium() as browser:
        page = browser.new_page()
        seen = []
        for folder in pages:
            page.goto(base + folder.relative_to(indic_site).as_posix() + "/")
            seen += page.evaluate(styles)
        page.close()
    styled = {name: {style for n, style in seen if n == name} for name, _ in seen}
    assert styled == {
        "story-list": {"none"},
        "editions": {"none"},
        "source-index": {"arabic-indic"},
    }


@pytest.mark.browser
@pytest.mark.slow
def test_results_in_the_other_language_say_which_it_is(site: Path) -> None:
    """On the English search page (no model: the stories' Arabic is indexed), a result's
    Arabic title or excerpt is marked ``lang="ar"``, as the story page marks it, and the
    human translation's English is left in the page's language; and the status line that
    says the count to screen readers marks an Arabic query in it so."""
    status = "main [role=status]"
    parts = """() => [...document.querySelectorAll(
        '.pagefind-ui__result-title, .pagefind-ui__result-excerpt')].map(p =>
        [p.textContent.trim(), p.closest('[lang]').getAttribute('lang')])"""
    seen = set()
    with serve(site) as base, chromium() as browser:
        page = browser.new_page()
        for query in ("موسكو", "Turkmenistan"):
            page.goto(f"{base}en/search/?q={query}")
            page.wait_for_function(  # every result loaded (none a placeholder)
                "() => document.querySelector('.pagefind-ui__result-excerpt')"
                " && !document.querySelector('.pagefind-ui__loading')",
                timeout=15_000,
            )
            for text, lang in page.evaluate(parts):
                first = re.search(r"[A-Za-z\u0621-\u064a]", text)
                assert first, text
                assert lang == ("en" if first[0].isascii() else "ar"), (query, text, lang)
                seen.add(lang)
            said = page.eval_on_selector(status, "s => s.textContent")
            assert query in said
            marked = page.eval_on_selector_all(
                f"{status} [lang]", "ls => ls.map(l => [l.lang, l.textContent])"
            )
            assert marked == ([] if query.isascii() else [["ar", query]]), said
        page.close()
    assert seen == {"ar", "en"}


def test_only_story_content_is_indexed(site: Path) -> None:
    for lang in ("ar", "en"):
        front = (site / lang / "index.html").read_text(encoding="utf-8")
        assert "data-pagefind-body" not in front
        for page in story_pages(site, lang):
            html = page.read_text(encoding="utf-8")
            assert html.count("data-pagefind-body") == 1
            assert '<article class="story" data-pagefind-body>' in html
            # the masthead comes before the indexed article; its metadata lines are ignored
            assert html.index('class="masthead"') < html.index("data-pagefind-body")
            assert '<p class="meta" data-pagefind-ignore>' in html
            # section labels are not story text: a result's excerpt never runs one into it
            indexed = _indexed_text(page)
            labels = {"ar": ("الملخص", "المصادر"), "en": ("Summary", "Sources")}[lang]
            assert all(label not in indexed for label in labels), page
            assert "Translation not available" not in indexed, page  # (built without a model)


def test_build_reindexes_only_when_pages_change(tmp_path: Path) -> None:
    from digest.build import Project, build_site

    root = tmp_path / "root"
    shutil.copytree(Path(__file__).resolve().parent / "fixtures" / "seeds", root / "content")
    build_site(Project.at(root))
    entry = root / "site" / "pagefind" / "pagefind-entry.json"
    first = entry.read_bytes()
    fragments = {p.name for p in (root / "site/pagefind/fragment").iterdir()}
    assert build_site(Project.at(root)).skipped
    article = next((root / "content").glob("000_*.txt"))
    article.write_text(
        article.read_text(encoding="utf-8") + "\n\nكلمة_فريدة_للبحث في فقرة جديدة.\n",
        encoding="utf-8",
    )
    build_site(Project.at(root))
    assert entry.read_bytes() != first
    after = {p.name for p in (root / "site/pagefind/fragment").iterdir()}
    assert after != fragments  # stale fragments are gone, new ones written


# A report of another event that spells the Iranian president's name only بزشكيان.
ANKARA = """---
title: الرئيس الإيراني مسعود بزشكيان يصل إلى أنقرة في زيارة رسمية
date: 2025-03-20
source: الأناضول
---

وصل الرئيس الإيراني مسعود بزشكيان إلى العاصمة التركية أنقرة في زيارة رسمية تستمر يومين،
يلتقي خلالها نظيره التركي رجب طيب أردوغان لبحث العلاقات التجارية بين البلدين.
"""


def _story(*ledes: tuple[str, str]) -> Story:
    """A story of one report per (title, first paragraph)."""
    reports = tuple(
        Article(
            source=f"{n}.md",
            title=title,
            title_derived=False,
            outlet=None,
            date=None,
            lang="ar",
            body=(Block("paragraph", lede),),
        )
        for n, (title, lede) in enumerate(ledes)
    )
    return Story("s", "s", ledes[0][0], None, reports, ())


def test_spellings_of_a_name_that_one_storys_reports_use_are_one_for_search() -> None:
    stories = group_stories(load_articles(REPO / "tests" / "fixtures" / "seeds")[0], {})
    # مسعود بيزشكيان in some reports of the Moscow signing, مسعود بزشكيان in others
    assert name_spellings(stories) == {"بزشكيان": "بيزشكيان"}
    text = "قال بزشكيان ولبزشكيان «بزشكيان»، وبزشكيانية"
    assert fold_spellings(text, {"بزشكيان": "بيزشكيان"}) == (
        "قال بيزشكيان ولبيزشكيان «بيزشكيان»، وبزشكيانية"
    )
    page = "<html lang=ar><p>پزشکیان</p></html>".encode()  # Persian letters too
    assert search_index.page_as_indexed(page, Folds({"بزشكيان": "بيزشكيان"})).decode() == (
        "<html lang=ar><p>بيزشكيان</p></html>"
    )
    # a result's title is the headline as written (Pagefind takes it from the first <h1>)
    page = '<main data-pagefind-body><h1 dir="auto">زيارة بزشكيان</h1>'.encode()
    assert search_index.page_as_indexed(page, Folds({"بزشكيان": "بيزشكيان"})).decode() == (
        '<main data-pagefind-body><span data-pagefind-ignore data-pagefind-meta="title" hidden>'
        'زيارة بزشكيان</span><h1 dir="auto">زيارة بيزشكيان</h1>'
    )
    # and its shard is indexed again when what it is made from changes: the marked part
    # alone (a related story does not count), or the spellings
    page = b"<html lang=ar><body>" + page + b"</main><aside>related stories</aside>"
    other = page.replace(b"related stories", b"other related stories")
    spellings = {"بزشكيان": "بيزشكيان"}
    key = search_index.shard_key({"ar/s/": page}, Folds(spellings))
    assert search_index.shard_key({"ar/s/": other}, Folds(spellings)) == key
    assert search_index.shard_key({"ar/s/": page}, Folds()) != key


def test_names_alike_but_for_a_first_name_or_a_vowel_or_in_other_stories_stay_apart() -> None:
    two = ("قمة", "شارك الرئيس الإيراني مسعود بيزشكيان في القمة")
    one = ("زيارة", "وصل الرئيس الإيراني مسعود بزشكيان إلى أنقرة")
    # two reports of one story, one spelling each: one name; the most used spelling is kept
    assert name_spellings([_story(one, two), _story(one)]) == {"بيزشكيان": "بزشكيان"}
    # one spelling in each of two stories: nothing shows they are one name
    assert name_spellings([_story(one), _story(two)]) == {}
    # a spelling written with a diacritic, tatweel or a dash after it: mapped as plainly written
    marked = ("زيارة", "وصل الرئيس الإيراني مسعود بيزشـكيانَ— إلى أنقرة")
    assert name_spellings([_story(one, marked), _story(one)]) == {"بيزشكيان": "بزشكيان"}
    # a report that writes both: two people, or no telling
    both = ("قمة", "شارك الرئيس مسعود بيزشكيان والوزير مسعود بزشكيان")
    assert name_spellings([_story(both, both)]) == {}
    # two people or two words: another first name, another vowel, a short word
    for a, b in (
        ("محمود عباس", "محمد عباس"),
        ("فيصل سعيد", "فيصل سعود"),
        ("أحمد محمود", "أحمد محمد"),
        ("مجلس إدارة مصانع", "مجلس إدارة مصنع"),
    ):
        pair = _story(("لقاء", f"التقى الرئيس {a} بالوفد"), ("لقاء", f"التقى الرئيس {b} بالوفد"))
        assert name_spellings([pair]) == {}


def test_trump_spelt_both_ways_by_one_storys_reports_is_one_name() -> None:
    """ترامب and ترمب are shorter than names folded by their vowels, but known to be one."""
    one = ("لقاء", "التقى الرئيس الأميركي دونالد ترامب بالوفد")
    two = ("لقاء", "التقى الرئيس الأميركي دونالد ترمب بالوفد")
    assert name_spellings([_story(one, two), _story(one)]) == {"ترمب": "ترامب"}
    assert name_spellings([_story(one), _story(two)]) == {}  # nothing shows it here


def test_a_persian_che_written_jeem_or_tsh_by_one_storys_reports_is_one_name() -> None:
    """Sputnik writes the Iranian foreign minister عباس عراقتشي, Masrawy عراقجي (and
    Persian-minded عراقچي or a final ى are the same to the pages): one name, as the
    Cairo visit's reports in the second trial set show; not چ's other spellings alone."""
    trial2 = REPO / "tests" / "fixtures" / "grouping" / "trial2"
    stories = group_stories(load_articles(trial2)[0], {})
    assert name_spellings(stories) == {"عراقجى": "عراقتشي", "عراقجي": "عراقتشي"}
    one = ("لقاء", "التقى الوزير عباس عراقجي بالوفد")
    for other in ("عراقشي", "عراقتسي", "عراقجيان"):  # not چ as تش: other words or names
        pair = _story(one, ("لقاء", f"التقى الوزير عباس {other} بالوفد"))
        assert name_spellings([pair]) == {}


@pytest.mark.browser
@pytest.mark.slow
def test_either_spelling_of_a_name_finds_every_story_of_it(tmp_path: Path) -> None:
    """The Ankara visit spells the name بزشكيان only; the Moscow signing's reports spell it
    both ways, so a search for either spelling finds all three stories, also written with a
    diacritic or a tatweel (the query is stripped of them, as the spellings are)."""
    (tmp_path / "content").mkdir()
    (tmp_path / "content" / "ankara.md").write_text(ANKARA, encoding="utf-8")
    shutil.copytree(REPO / "tests" / "fixtures" / "seeds", tmp_path / "content", dirs_exist_ok=True)
    build_site(Project.at(tmp_path))
    site = tmp_path / "site"
    expected = {p for word in ("بيزشكيان", "بزشكيان") for p in _pages_with(site, "ar", word)}
    assert len(expected) == 3 and len(_pages_with(site, "ar", "بيزشكيان")) == 2
    queries = ("بيزشكيان", "بزشكيان", "پزشکیان", "بِزشكيان", "بزشكـيان", "مسعود بِيزشكيانُ")
    found, titles = {}, []
    with serve(site) as base, chromium() as browser:
        page = browser.new_page()
        for query in queries:
            found[query], titles = _results(page, base, query, len(expected))
        page.close()
    assert found == dict.fromkeys(queries, expected)
    # each result's title is its story's headline as the page writes it
    assert "الرئيس الإيراني مسعود بزشكيان يصل إلى أنقرة في زيارة رسمية" in titles


def _as_coded(word: str) -> str:
    """``word`` in the invisible characters the index keeps it in after a folded word."""
    shift = search_index.WRITTEN_CODE - search_index.WRITTEN_FROM
    return "".join(chr(ord(c) + shift) for c in word)


def test_a_word_indexed_folded_keeps_what_was_written_after_it(tmp_path: Path) -> None:
    """A name in its other spelling, or in Persian letters, is indexed as the site's common
    spelling in Arabic letters after a mark, and then written as the report wrote it in
    invisible characters: Pagefind keeps both in the text its excerpts and headings quote
    (the search page shows the word as written), and leaves the characters out of the word
    it indexes (the browser test below finds it so). Tags and their attributes are left as
    they were; a theme whose search page does not show words so gets no marks at all."""
    spellings = {"بزشكيان": "بيزشكيان"}
    page = (
        '<html lang="ar"><body><main data-pagefind-body><h2 id="a" title="لبزشكيان">'
        "زيارة لبزشكيان</h2><p>قال «پيزشكيان» وبيزشكيان في ۲۰۲۵ ok</p></main></body></html>"
    )
    mark = search_index.WRITTEN_MARK
    text = (
        f"زيار\u2060ه {mark}لبيزشكيان{_as_coded('لبزشكيان')}"  # ة: END_MARK, as before
        f"</h2><p>قال «{mark}بيزشكيان{_as_coded('پيزشكيان')}» وبيزشكيان"
        f" في {mark}٢٠٢٥{_as_coded('۲۰۲۵')} ok"
    )
    indexed = search_index.page_as_indexed(page.encode(), Folds(spellings, {"ة": "ه"}, True))
    assert indexed.decode() == (
        '<html lang="ar"><body><main data-pagefind-body><h2 id="a" title="لبيزشكيان">'
        + text
        + "</p></main></body></html>"
    )
    # what Pagefind keeps of it: the marks and the words as written, in the page's text and
    # in the heading of its sub-result
    bundle = BackgroundBundle({"s/index.html": indexed}).result()
    (fragment,) = (data for path, data in bundle.items() if path.endswith(".pf_fragment"))
    kept = json.loads(gzip.decompress(fragment).removeprefix(b"pagefind_dcd"))
    assert kept["content"] == text.replace("</h2><p>", ". ") + "."
    assert kept["anchors"][0]["text"] == text.split("</h2>")[0]
    # an old theme's search page, without data-written: the index folds without marks
    old = search_index.page_as_indexed(page.encode(), Folds(spellings, {"ة": "ه"}))
    assert mark.encode() not in old and _as_coded("ب").encode() not in old
    assert not search_index.search_page_folds({"ar/search/index.html": b"<div id=search>"}).written
    # and the shards are indexed again when that changes
    assert search_index.shard_key({"a.html": page.encode()}, Folds(spellings, written=True)) != (
        search_index.shard_key({"a.html": page.encode()}, Folds(spellings))
    )


def _words(text: str) -> set[str]:
    return set(re.findall(r"[^\W\d_]+", text))


def _report_text(html: str, fragment: str) -> str:
    """The text of the report that ``fragment`` (``article-<n>-title``) heads, or of the
    page's indexed part for no fragment."""
    if not fragment:
        parser = _IndexedText()
        parser.feed(html)
        return " ".join(parser.text)
    report = fragment.removesuffix("-title")
    found = re.search(rf'<article class="source-article" id="{report}".*?</article>', html, re.S)
    assert found, fragment
    return unescape(re.sub(r"<[^>]+>", " ", found[0]))


@pytest.mark.browser
@pytest.mark.slow
def test_results_show_each_reports_spelling_of_a_name(site: Path) -> None:
    """The seeds spell the Iranian president's name بزشكيان, بيزشكيان and پيزشكيان: typing
    any of them finds the same stories, and every result's title, excerpt and report
    heading quotes only words that its page (for a report, that report) writes, so each
    report's spelling as written, with no marks left."""
    spellings = ("بزشكيان", "بيزشكيان", "پيزشكيان")
    expected = {p for word in spellings for p in _pages_with(site, "ar", word)}
    assert len(expected) == 2
    shown_parts = """() => [...document.querySelectorAll('.pagefind-ui__result')].flatMap(r => {
        const own = r.querySelector('.pagefind-ui__result-link');
        const parts = [[own.getAttribute('href'), own.textContent]];
        r.querySelectorAll('.pagefind-ui__result-excerpt').forEach(e => {
            const nested = e.closest('.pagefind-ui__result-nested');
            const link = nested ? nested.querySelector('.pagefind-ui__result-link') : own;
            parts.push([link.getAttribute('href'), e.textContent]);
        });
        r.querySelectorAll('.pagefind-ui__result-nested .pagefind-ui__result-link')
            .forEach(a => parts.push([a.getAttribute('href'), a.textContent]));
        return parts;
    })"""
    found, shown = {}, {}
    with serve(site) as base, chromium() as browser:
        page = browser.new_page()
        for query in spellings:
            found[query] = _results(page, base, query, len(expected))[0]
            page.wait_for_function(  # every result's excerpt loaded
                "() => !document.querySelector('.pagefind-ui__loading')", timeout=15_000
            )
            shown[query] = page.evaluate(shown_parts)
        page.close()
    assert found == dict.fromkeys(spellings, expected)
    coded = re.compile("[\u2060\u2063\U000e0100-\U000e01ef]")
    names = set()
    for query, parts in shown.items():
        for href, text in parts:
            assert not coded.search(text), (query, text)
            path, _, fragment = href.partition("#")
            html = (site / path.strip("/") / "index.html").read_text(encoding="utf-8")
            unwritten = _words(text) - _words(_report_text(html, fragment))
            assert not unwritten, (query, href, unwritten, text)
            names |= {w for w in _words(text) if "زشكيان" in w}
    # each spelling quoted somewhere, the folded ones too (a glued و or ل kept before it)
    assert set(spellings) <= names, names
