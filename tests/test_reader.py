"""Reader experience on the built sample: navigation, feeds, sitemap, sharing tags, dates, bidi.

Robust to how the seeds are grouped: pages are found by globbing, never by slug or count.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import itertools
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import feedparser
import pytest
from babel.dates import format_date
from reader_support import REPO, build_sample, story_pages

from digest.build import Project, build_site
from digest.render import human_count, outlet_slug, script_lang

BASE = "https://digest.example.org/news/"
NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9", "xhtml": "http://www.w3.org/1999/xhtml"}
ARABIC = re.compile(r"[\u0600-\u06ff]")
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}  # fmt: skip


class Page(HTMLParser):
    """What the tests need from one HTML page."""

    def __init__(self, path: Path) -> None:
        super().__init__(convert_charrefs=True)
        self.path = path
        self.meta: dict[str, str] = {}
        self.links: list[dict[str, str]] = []
        self.anchors: list[dict[str, str]] = []
        self.headings: list[int] = []
        self.times: list[tuple[str, str]] = []
        self.unmarked_arabic: list[str] = []  # Arabic text not inside an element lang="ar"
        self._langs: list[tuple[str, str]] = []  # (tag, lang) of open elements
        self._time: list[str] | None = None
        self._in_title = False
        self.feed(path.read_text(encoding="utf-8"))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "meta" and ("property" in a or "name" in a):
            self.meta[a.get("property") or a["name"]] = a.get("content", "")
        elif tag == "link":
            self.links.append(a)
        elif tag == "a":
            self.anchors.append(a)
        elif re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))
        elif tag == "time":
            self._time = [a["datetime"]]
        elif tag == "title":
            self._in_title = True
        if tag not in VOID:
            inherited = self._langs[-1][1] if self._langs else ""
            self._langs.append((tag, a.get("lang", inherited)))

    def handle_endtag(self, tag: str) -> None:
        if tag == "time" and self._time is not None:
            self.times.append((self._time[0], "".join(self._time[1:])))
            self._time = None
        if tag == "title":
            self._in_title = False
        while self._langs and tag not in VOID:
            if self._langs.pop()[0] == tag:
                break

    def handle_data(self, data: str) -> None:
        if self._time is not None:
            self._time.append(data)
        lang = self._langs[-1][1] if self._langs else ""
        if ARABIC.search(data) and lang != "ar" and not self._in_title:
            self.unmarked_arabic.append(data.strip())

    def rel(self, rel: str) -> list[dict[str, str]]:
        return [link for link in self.links if link.get("rel") == rel]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_sample(tmp_path_factory.mktemp("reader"))


def html_pages(site: Path, lang: str) -> list[Path]:
    return sorted((site / lang).rglob("index.html"))


def site_path(site: Path, page: Path) -> str:
    """``ar/stories/x/`` for ``site/ar/stories/x/index.html``."""
    return page.parent.relative_to(site).as_posix() + "/"


def resolve(page: Path, href: str) -> Path:
    target = (page.parent / href.split("#")[0]).resolve()
    return target / "index.html" if href.endswith("/") or target.is_dir() else target


# --- navigation ---------------------------------------------------------------------------


def test_every_page_links_its_counterpart_and_declares_alternates(site: Path) -> None:
    for lang, other in (("ar", "en"), ("en", "ar")):
        for path in html_pages(site, lang):
            page = Page(path)
            switch = [a for a in page.anchors if a.get("hreflang") == other]
            assert switch, f"{path}: no link to the {other} page"
            target = resolve(path, switch[0]["href"])
            assert target.is_file(), f"{path} -> {target}"
            assert site_path(site, target) == other + site_path(site, path)[2:]
            alternates = {
                a["hreflang"]: a["href"] for a in page.rel("alternate") if "hreflang" in a
            }
            assert alternates == {
                lang: BASE + site_path(site, path),
                other: BASE + site_path(site, target),
            }


def test_every_internal_link_resolves(site: Path) -> None:
    for path in sorted(site.rglob("*.html")):
        if path.name == "404.html" or "pagefind" in path.parts:
            continue
        for anchor in Page(path).anchors:
            href = anchor.get("href", "")
            if href.startswith(("http:", "https:", "#")):
                continue
            assert resolve(path, href).is_file(), f"{path}: broken link {href}"


def test_archive_lists_each_story_under_each_day_it_has_a_report(site: Path) -> None:
    for lang in ("ar", "en"):
        days = sorted((site / lang / "archive").glob("*/index.html"))
        assert days, "no archive day pages"
        index = Page(site / lang / "archive" / "index.html")
        listed = {resolve(index.path, a["href"]) for a in index.anchors}
        assert set(days) <= listed
        seen: set[Path] = set()
        for day in days:
            name = day.parent.name
            assert name == "undated" or re.fullmatch(r"\d{4}-\d\d-\d\d", name), name
            page = Page(day)
            stories = [
                resolve(day, a["href"])
                for a in page.anchors
                if "/stories/" in a["href"] and not a.get("rel")
            ]
            assert len(stories) == len(set(stories)), f"{day}: a story listed twice"
            seen.update(stories)
            for story in stories:
                dates = {d for d, _ in Page(story).times}
                if name == "undated":
                    assert 'class="undated"' in story.read_text(encoding="utf-8")
                else:
                    assert name in dates, f"{story} is not dated {name}"
        assert sorted(seen) == story_pages(site, lang)
        for story in story_pages(site, lang):  # and on every day it has a report of
            own = story.read_text(encoding="utf-8").split('<section class="related"')[0]
            for day in set(re.findall(r'<time datetime="([0-9-]+)"', own)):
                page = Page(site / lang / "archive" / day / "index.html")
                assert story in {resolve(page.path, a["href"]) for a in page.anchors}


def test_outlet_pages_list_the_stories_of_their_outlet(site: Path) -> None:
    for lang in ("ar", "en"):
        outlets = sorted((site / lang / "outlets").glob("*/index.html"))
        assert outlets, "no outlet pages"
        for path in outlets:
            assert re.fullmatch(r"[a-z0-9-]+", path.parent.name), path
            page = Page(path)
            stories = {resolve(path, a["href"]) for a in page.anchors if "/stories/" in a["href"]}
            assert stories
            for story in stories:
                links = {resolve(story, a["href"]) for a in Page(story).anchors}
                assert path in links, f"{story} does not link its outlet {path}"


def test_previous_next_links_walk_through_every_story(site: Path) -> None:
    for lang in ("ar", "en"):
        stories = story_pages(site, lang)
        starts = [p for p in stories if not any(a.get("rel") == "prev" for a in Page(p).anchors)]
        assert len(starts) == 1, "exactly one story (the newest) has no previous link"
        walked, current = [], starts[0]
        while current and len(walked) <= len(stories):
            walked.append(current)
            nxt = [a for a in Page(current).anchors if a.get("rel") == "next"]
            current = resolve(current, nxt[0]["href"]) if nxt else None
        assert sorted(walked) == stories


def test_headings_start_at_h1_and_never_skip_a_level(site: Path) -> None:
    for path in sorted(site.rglob("*.html")):
        if "pagefind" in path.parts:
            continue
        levels = Page(path).headings
        assert levels and levels[0] == 1, f"{path}: {levels}"
        for before, after in itertools.pairwise(levels):
            assert after <= before + 1, f"{path}: h{before} followed by h{after}"
    for lang in ("ar", "en"):
        for path in html_pages(site, lang):
            assert Page(path).headings.count(1) == 1, f"{path}: not exactly one h1"


# --- sharing and standards ---------------------------------------------------------------


def test_canonical_open_graph_and_twitter_tags(site: Path) -> None:
    for lang in ("ar", "en"):
        for path in html_pages(site, lang):
            page = Page(path)
            url = BASE + site_path(site, path)
            assert [c["href"] for c in page.rel("canonical")] == [url]
            assert page.meta["og:url"] == url
            assert page.meta["og:locale"] == {"ar": "ar_AR", "en": "en_US"}[lang]
            for key in ("og:title", "og:description", "og:site_name", "twitter:title"):
                assert page.meta.get(key), f"{path}: empty {key}"
            assert page.meta["twitter:card"] == "summary"
            kind = "article" if "/stories/" in str(path) else "website"
            assert page.meta["og:type"] == kind


def test_feeds_are_valid_rss_2(site: Path) -> None:
    rss822 = re.compile(r"[A-Z][a-z]{2}, \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d [+-]\d{4}")
    for lang in ("ar", "en"):
        raw = (site / lang / "feed.xml").read_bytes()
        parsed = feedparser.parse(raw)
        assert not parsed.bozo, parsed.get("bozo_exception")
        channel = ET.fromstring(raw).find("channel")
        assert channel is not None
        for required in ("title", "link", "description"):
            assert (channel.findtext(required) or "").strip(), f"channel {required} missing"
        assert channel.findtext("link") == f"{BASE}{lang}/"
        self_link = channel.find("{http://www.w3.org/2005/Atom}link")
        assert self_link is not None and self_link.get("rel") == "self"
        assert self_link.get("href") == f"{BASE}{lang}/feed.xml"
        items = channel.findall("item")
        assert len(items) == len(story_pages(site, lang))
        dated = 0
        for item in items:
            assert (item.findtext("guid") or "").strip()
            assert (item.findtext("link") or "").startswith(f"{BASE}{lang}/stories/")
            assert item.findtext("title") or item.findtext("description")
            date = item.findtext("pubDate")
            if date is not None:
                assert rss822.fullmatch(date), date
                published = email.utils.parsedate_to_datetime(date)
                assert published.tzinfo is not None
                for hours in (-11, 0, 11):  # the story's day wherever its reader is
                    local = published.astimezone(dt.timezone(dt.timedelta(hours=hours)))
                    assert local.strftime("%d %b %Y") in date
                dated += 1
        assert dated >= 1, "no item has a pubDate"
        last = channel.findtext("lastBuildDate")
        assert last is None or rss822.fullmatch(last)


def test_sitemap_lists_every_page_with_hreflang_alternates(site: Path) -> None:
    root = ET.parse(site / "sitemap.xml").getroot()
    assert root.tag == f"{{{NS['sm']}}}urlset"
    locs = []
    for url in root.findall("sm:url", NS):
        loc = url.findtext("sm:loc", namespaces=NS) or ""
        assert loc.startswith(BASE), loc
        assert (site / loc[len(BASE) :] / "index.html").is_file(), loc
        lastmod = url.findtext("sm:lastmod", namespaces=NS)
        assert lastmod is None or re.fullmatch(r"\d{4}-\d\d-\d\d", lastmod)
        alternates = {
            link.get("hreflang"): link.get("href") for link in url.findall("xhtml:link", NS)
        }
        if loc == BASE:  # the root page, where either language is chosen
            assert alternates == {"ar": BASE + "ar/", "en": BASE + "en/", "x-default": BASE}
        assert set(alternates) - {"x-default"} == {"ar", "en"} and loc in alternates.values()
        for href in alternates.values():
            assert (site / (href or "")[len(BASE) :] / "index.html").is_file(), href
        locs.append(loc)
    assert len(locs) == len(set(locs))
    expected = {
        BASE + site_path(site, p)
        for lang in ("ar", "en")
        for p in html_pages(site, lang)
        if "/search/" not in str(p)
    }
    assert set(locs) == expected | {BASE} and locs[0] == BASE


def test_search_pages_are_noindex_and_load_pagefind(site: Path) -> None:
    for lang in ("ar", "en"):
        html = (site / lang / "search" / "index.html").read_text(encoding="utf-8")
        assert '<meta name="robots" content="noindex">' in html
        assert "../../pagefind/pagefind-ui.js" in html and "../../pagefind/pagefind-ui.css" in html


# --- language ------------------------------------------------------------------------------


def test_dates_are_babel_formatted_in_time_elements(site: Path) -> None:
    count = 0
    for lang in ("ar", "en"):
        for path in html_pages(site, lang):
            for iso, text in Page(path).times:
                day = dt.date.fromisoformat(iso)
                assert text == format_date(day, "d MMMM y", locale=lang), (path, iso, text)
                count += 1
    assert count, "no <time> element on any page"


def test_arabic_text_on_english_pages_is_marked_as_arabic(site: Path) -> None:
    for path in html_pages(site, "en"):
        assert Page(path).unmarked_arabic == [], path


def test_outlet_names_are_isolated_for_bidi(site: Path) -> None:
    html = (site / "ar" / "outlets" / "index.html").read_text(encoding="utf-8")
    assert "<bdi>BBC عربي</bdi>" in html
    english = (site / "en" / "outlets" / "index.html").read_text(encoding="utf-8")
    assert '<bdi lang="ar">BBC عربي</bdi>' in english


def test_outlet_slugs_are_ascii_deterministic_and_readable() -> None:
    assert outlet_slug("الأمصار") == "al-amsar"
    assert outlet_slug("بوابة الفجر") == "bwaba-al-fjr"
    assert outlet_slug("BBC عربي") == "bbc-rby"
    assert outlet_slug("Al Jazeera") == "al-jazeera"
    assert outlet_slug("新华社") == outlet_slug("新华社")
    assert re.fullmatch(r"outlet-[0-9a-f]{8}", outlet_slug("新华社"))
    assert outlet_slug("الجزيرة نت") != outlet_slug("الجزيرة")


def test_counts_use_each_languages_plural_forms() -> None:
    forms_ar = {"one": "مصدر واحد", "two": "مصدران", "few": "{n} مصادر", "many": "{n} مصدرًا",
                "other": "{n} مصدر"}  # fmt: skip
    got = [human_count(n, forms_ar, "ar") for n in (1, 2, 3, 11, 100)]
    assert got == ["مصدر واحد", "مصدران", "3 مصادر", "11 مصدرًا", "100 مصدر"]
    forms_en = {"one": "{n} source", "other": "{n} sources"}
    assert [human_count(n, forms_en, "en") for n in (1, 2, 1000)] == [
        "1 source",
        "2 sources",
        "1,000 sources",
    ]
    assert script_lang("BBC عربي") == "ar" and script_lang("CNN") is None
    # indic_digits: Arabic-Indic digits, and between them the Arabic thousands separator
    # (as Chromium writes the search page's count), not a Latin comma
    assert [human_count(n, forms_ar, "ar", True) for n in (3, 1200, 2_000_000)] == [
        "٣ مصادر",
        "١٬٢٠٠ مصدر",
        "٢٬٠٠٠٬٠٠٠ مصدر",
    ]
    assert human_count(1200, forms_ar, "ar") == "1,200 مصدر"  # Latin digits, Latin comma


def test_stylesheet_has_dark_mode_print_and_logical_properties() -> None:
    css = (REPO / "templates" / "static" / "style.css").read_text(encoding="utf-8")
    assert "@media (prefers-color-scheme: dark)" in css
    assert "@media print" in css
    assert not re.search(r"(margin|padding)-(left|right)|text-align: (left|right)", css)
    assert css.index('"Noto Naskh Arabic"') < css.index("sans-serif;")


def test_no_page_has_an_empty_paragraph(site: Path) -> None:
    """An article with no outlet, date or link gets no empty meta line."""
    for page in site.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert re.search(r"<p[^>]*>\s*</p>", html) is None, page.relative_to(site)


def test_every_report_says_its_outlet_and_its_day_or_that_they_are_unknown(
    site: Path,
) -> None:
    """A reader weighs a report by where and when it ran: the seeds' reports without an
    outlet or a date say so rather than nothing."""
    said = {"ar": ("مصدر غير معروف", "بلا تاريخ"), "en": ("Outlet unknown", "Undated")}
    unknown = 0
    for lang, (no_outlet, no_date) in said.items():
        for page in (site / lang / "stories").glob("*/index.html"):
            html = page.read_text(encoding="utf-8")
            index = re.search(r'<ol class="source-index"[^>]*>(.*?)</ol>', html, re.S)
            for entry in re.findall(r"<li>(.*?)</li>", index[1] if index else "", re.S):
                assert "<bdi" in entry or no_outlet in entry, page  # as the report says
            for report in html.split('<article class="source-article"')[1:]:
                meta = report.split("</h3>", 1)[1].split("</p>", 1)[0]
                assert meta.lstrip().startswith('<p class="meta"'), page
                assert 'class="outlet"' in meta or no_outlet in meta
                assert "<time" in meta or no_date in meta
                unknown += no_outlet in meta
    assert unknown > 0  # (the seeds have such reports)


def test_undated_stories_are_the_archives_last_group(site: Path) -> None:
    for lang, undated in (("en", "Undated stories"), ("ar", "قصص بلا تاريخ")):
        html = (site / lang / "archive" / "index.html").read_text(encoding="utf-8")
        headings = re.findall(r'<h2 id="month-(?:\d{4}-\d\d|undated)">([^<]+)</h2>', html)
        assert headings[-1] == undated and undated not in headings[:-1]
        assert html.rindex('href="undated/"') > html.rindex("<h2")


def test_each_report_on_a_story_page_is_labelled_by_its_heading(site: Path) -> None:
    """A heading with an id: Pagefind's sub-results open the report that matched, and a
    screen reader names each report's region by its title."""
    for lang in ("ar", "en"):
        for page in story_pages(site, lang):
            html = page.read_text(encoding="utf-8")
            reports = re.findall(r'<article class="source-article" id="(article-\d+)"[^>]*>', html)
            assert reports, page
            for report in reports:
                assert f'aria-labelledby="{report}-title"' in html
                assert f'<h3 id="{report}-title"' in html


@pytest.mark.browser
def test_a_storys_span_of_days_is_never_broken_at_its_dash(tmp_path: Path) -> None:
    """ "15–17 أغسطس 2025" stays on one line: a narrow column broke it after "15–"."""
    from reader_support import chromium, serve

    trial = REPO / "tests" / "fixtures" / "grouping" / "trial"
    (tmp_path / "content").mkdir()
    for report in [*trial.glob("a0*.txt"), *trial.glob("b0*.txt")]:  # two stories of days
        (tmp_path / "content" / report.name).write_bytes(report.read_bytes())
    build_site(Project.at(tmp_path))
    site = tmp_path / "site"
    with serve(site) as base, chromium() as browser:
        page = browser.new_page(viewport={"width": 320, "height": 800})
        checked = 0
        stories = [p.parent.relative_to(site) for p in site.glob("*/stories/*/index.html")]
        for path in ("ar/", "en/", *(f"{story}/" for story in stories)):  # cards, related
            page.goto(base + path)
            # narrow every meta line until a break has to fall somewhere inside or around it
            for width in range(300, 90, -10):
                lines = page.evaluate(
                    """(width) => [...document.querySelectorAll('.dates')].map(d => {
                        d.parentElement.style.width = width + 'px';
                        const [a, b] = d.querySelectorAll('time');
                        return [getComputedStyle(d).whiteSpace, a.getBoundingClientRect().top,
                                b.getBoundingClientRect().top]; })""",
                    width,
                )
                for space, first, last in lines:
                    assert space == "nowrap" and first == last, (path, width)
                    checked += 1
        page.close()
    assert checked
