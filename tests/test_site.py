"""End-to-end tests of `digest build` on the five seed articles (the site backbone)."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import shutil
import subprocess
import sys
import time
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import feedparser
import pytest
from click.testing import CliRunner

from digest.build import BuildError, Project, build_site, load_articles
from digest.cli import main
from digest.summarize import STAND_IN_CHARS

REPO = Path(__file__).resolve().parent.parent
SEEDS = sorted((REPO / "tests" / "fixtures" / "seeds").glob("*.txt"))
VOID = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "track",
    "wbr",
}


@pytest.fixture()
def site_root(tmp_path: Path) -> Path:
    """A fresh site root holding a copy of the sample edition."""
    shutil.copytree(REPO / "tests" / "fixtures" / "seeds", tmp_path / "content")
    return tmp_path


@pytest.fixture()
def built(site_root: Path) -> Path:
    build_site(Project.at(site_root))
    return site_root / "site"


class _Structure(HTMLParser):
    """Collects the root element's attributes, links and tag-balance problems."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.problems: list[str] = []
        self.html_attrs: dict[str, str | None] = {}
        self.links: list[dict[str, str | None]] = []
        self.anchors: list[dict[str, str | None]] = []
        self.text: list[str] = []
        self.scripts = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "html":
            self.html_attrs = dict(attrs)
        if tag == "link":
            self.links.append(dict(attrs))
        if tag == "a":
            self.anchors.append(dict(attrs))
        if tag == "script":
            self.scripts += 1
        if tag not in VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.problems.append(f"unexpected </{tag}> (open: {self.stack[-3:]})")
            if tag in self.stack:
                while self.stack.pop() != tag:
                    pass
            return
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse(path: Path) -> _Structure:
    parser = _Structure()
    parser.feed(path.read_text(encoding="utf-8"))
    parser.close()
    if parser.stack:
        parser.problems.append(f"unclosed {parser.stack}")
    return parser


def story_pages(site: Path, lang: str) -> list[Path]:
    return sorted((site / lang / "stories").glob("*/index.html"))


def test_front_and_story_pages_exist_in_both_languages_with_direction(built: Path) -> None:
    for lang, direction in (("ar", "rtl"), ("en", "ltr")):
        pages = [built / lang / "index.html", *story_pages(built, lang)]
        assert len(pages) >= 2
        for page in pages:
            attrs = parse(page).html_attrs
            assert attrs.get("lang") == lang, page
            assert attrs.get("dir") == direction, page
    ar = {p.parent.name for p in story_pages(built, "ar")}
    en = {p.parent.name for p in story_pages(built, "en")}
    assert ar == en


def test_every_seed_article_is_on_a_story_page(built: Path) -> None:
    shown = "".join(p.read_text(encoding="utf-8") for p in story_pages(built, "ar"))
    assert shown.count('class="source-article"') == len(SEEDS)


def _resolve(page: Path, href: str) -> Path:
    target = (page.parent / href).resolve()
    return target / "index.html" if href.endswith("/") else target


def test_counterpart_links_resolve_both_ways(built: Path) -> None:
    for lang, other in (("ar", "en"), ("en", "ar")):
        for page in [built / lang / "index.html", *story_pages(built, lang)]:
            doc = parse(page)
            switch = [a for a in doc.anchors if a.get("hreflang") == other]
            assert switch, f"{page} has no visible link to its {other} counterpart"
            # The link speaks the language it leads to, its hint (title) too.
            assert switch[0].get("lang") == other
            hint = switch[0].get("title") or ""
            assert hint and bool(re.search("[\u0600-\u06ff]", hint)) == (other == "ar"), hint
            target = _resolve(page, switch[0]["href"] or "")
            assert target.is_file(), f"{page} -> {target}"
            back = [a for a in parse(target).anchors if a.get("hreflang") == lang]
            assert back and _resolve(target, back[0]["href"] or "") == page.resolve()
            alternates = {
                link.get("hreflang") for link in doc.links if link.get("rel") == "alternate"
            }
            assert {lang, other} <= alternates


def test_feeds_parse_with_one_item_per_story(built: Path) -> None:
    n_stories = len(story_pages(built, "ar"))
    for lang in ("ar", "en"):
        feed = feedparser.parse((built / lang / "feed.xml").read_bytes())
        assert not feed.bozo, feed.get("bozo_exception")
        assert feed.feed.language == lang
        assert len(feed.entries) == n_stories
        guids = [e.id for e in feed.entries]
        assert len(set(guids)) == len(guids)
        for entry in feed.entries:
            assert entry.link.endswith("/")
            assert "<" not in entry.title
            # a reader that ignores <language> still sets the text's direction
            direction = "rtl" if lang == "ar" else "ltr"
            wrapper = entry.description.split("<p>")[0]
            assert wrapper.startswith("<div") and f'dir="{direction}"' in wrapper
            assert f'lang="{lang}"' in wrapper
    # pasting the site's address into a reader finds both feeds
    root = (built / "index.html").read_text(encoding="utf-8")
    for lang in ("ar", "en"):
        link = f'<link rel="alternate" type="application/rss+xml" hreflang="{lang}" title="'
        assert link in root and f'href="{lang}/feed.xml">' in root
    ar_guids = [e.id for e in feedparser.parse((built / "ar/feed.xml").read_bytes()).entries]
    en_guids = [e.id for e in feedparser.parse((built / "en/feed.xml").read_bytes()).entries]
    en_ids = [g.removesuffix("-untranslated").removesuffix("-en") for g in en_guids]
    assert [g.removesuffix("-ar") for g in ar_guids] == en_ids
    assert not set(ar_guids) & set(en_guids)  # a reader merging feeds keeps both languages


def test_all_html_is_well_formed(built: Path) -> None:
    pages = sorted(built.rglob("*.html"))
    assert pages
    for page in pages:
        assert parse(page).problems == [], page
    for xml in ("sitemap.xml", "ar/feed.xml", "en/feed.xml"):
        import xml.etree.ElementTree as ET

        ET.parse(built / xml)  # raises on malformed XML


def test_building_twice_gives_identical_bytes(site_root: Path, tmp_path: Path) -> None:
    build_site(Project.at(site_root))
    first = {
        p.relative_to(site_root / "site"): p.read_bytes()
        for p in (site_root / "site").rglob("*")
        if p.is_file()
    }
    other = tmp_path / "again"
    shutil.copytree(site_root / "content", other / "content")
    build_site(Project.at(other))
    second = {
        p.relative_to(other / "site"): p.read_bytes()
        for p in (other / "site").rglob("*")
        if p.is_file()
    }
    assert first.keys() == second.keys()
    assert first == second


def test_script_in_an_article_renders_as_text(site_root: Path) -> None:
    (site_root / "content" / "evil.md").write_text(
        "---\ntitle: 'عنوان <script>alert(1)</script>'\ndate: 2025-02-01\n---\n\n"
        "فقرة فيها <script>alert('x')</script> و <img src=x onerror=alert(2)> نص.\n",
        encoding="utf-8",
    )
    build_site(Project.at(site_root))
    site = site_root / "site"
    for page in site.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert "<script>alert" not in html and "<img src=x" not in html, page
    shown = "".join(p.read_text(encoding="utf-8") for p in story_pages(site, "ar"))
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in shown
    for feed in ("ar/feed.xml", "en/feed.xml"):
        assert "<script>" not in (site / feed).read_text(encoding="utf-8")


def test_markdown_article_with_front_matter(site_root: Path) -> None:
    (site_root / "content" / "note.md").write_text(
        "---\ntitle: قمة عربية في القاهرة\ndate: 2025-03-04\nsource: الأهرام\n"
        "url: https://example.org/a\n---\n\nانعقدت القمة العربية الطارئة في القاهرة اليوم.\n",
        encoding="utf-8",
    )
    build_site(Project.at(site_root))
    shown = "".join(p.read_text(encoding="utf-8") for p in story_pages(site_root / "site", "ar"))
    assert "قمة عربية في القاهرة" in shown
    assert "انعقدت القمة العربية الطارئة في القاهرة اليوم." in shown
    assert 'href="https://example.org/a"' in shown


def test_without_a_model_english_pages_say_so_and_strict_fails(site_root: Path) -> None:
    report = build_site(Project.at(site_root))
    if report.translated or report.cached:
        pytest.skip("an Arabic→English model is installed on this machine")
    assert any("digest model install" in w for w in report.warnings)
    page = story_pages(site_root / "site", "en")[0].read_text(encoding="utf-8")
    assert "Translation not available yet" in page
    assert "This page was machine-translated" not in page  # nothing on it was
    feed = feedparser.parse((site_root / "site/en/feed.xml").read_bytes())
    for entry in feed.entries:
        assert entry.summary.count("Translation not available yet") == 1
        # once translated, the item comes again under its lasting GUID (readers show it new)
        assert entry.id.endswith("-en-untranslated")
    with pytest.raises(BuildError, match="digest model install"):
        build_site(Project.at(site_root), strict=True)


def test_strict_names_every_problem_at_once(site_root: Path) -> None:
    """A --strict build with a broken file and no model says both, not one per run."""
    report = build_site(Project.at(site_root))
    if report.translated or report.cached:
        pytest.skip("an Arabic→English model is installed on this machine")
    (site_root / "content" / "broken.txt").write_bytes(b"\xff\xfe not UTF-8")
    for _ in range(2):  # building, then with nothing changed since (the saved summary)
        with pytest.raises(BuildError) as failure:
            build_site(Project.at(site_root), strict=True)
        assert "broken.txt: not UTF-8" in str(failure.value)
        assert "digest model install" in str(failure.value)
        build_site(Project.at(site_root))


def test_failed_build_leaves_previous_site_whole(site_root: Path) -> None:
    build_site(Project.at(site_root))
    site = site_root / "site"
    before = {p: p.read_bytes() for p in site.rglob("*") if p.is_file()}
    theme = site_root / "templates"
    shutil.copytree(REPO / "templates", theme)
    (theme / "story.html").write_text(
        "{% extends 'base.html' %}{% block main %}{{ oops(", encoding="utf-8"
    )
    (site_root / "content" / "new.md").write_text(
        "---\ntitle: جديد\n---\n\nنص جديد.\n", encoding="utf-8"
    )
    with pytest.raises(Exception):  # noqa: B017 - any template error
        build_site(Project.at(site_root))
    after = {p: p.read_bytes() for p in site.rglob("*") if p.is_file()}
    assert after == before
    assert not [p for p in site_root.iterdir() if p.name.startswith(".site.")]


def test_refuses_to_replace_a_folder_it_did_not_build(site_root: Path) -> None:
    precious = site_root / "site" / "notes.txt"
    precious.parent.mkdir()
    precious.write_text("keep me")
    with pytest.raises(BuildError, match="not built by digest"):
        build_site(Project.at(site_root))
    assert precious.read_text() == "keep me"


def test_config_sets_titles_and_base_url(site_root: Path) -> None:
    (site_root / "digest.toml").write_text(
        'base_url = "https://news.example.org/digest"\n'
        '[title]\nar = "موجز الصباح"\nen = "Morning Digest"\n',
        encoding="utf-8",
    )
    build_site(Project.at(site_root))
    site = site_root / "site"
    assert "موجز الصباح" in (site / "ar/index.html").read_text(encoding="utf-8")
    assert "Morning Digest" in (site / "en/index.html").read_text(encoding="utf-8")
    feed = feedparser.parse((site / "en/feed.xml").read_bytes())
    assert feed.feed.link == "https://news.example.org/digest/en/"
    (site_root / "digest.toml").write_text("base_url = 'ftp://x'\n", encoding="utf-8")
    with pytest.raises(BuildError, match="base_url"):
        build_site(Project.at(site_root))
    (site_root / "digest.toml").write_text("titel = 'typo'\n", encoding="utf-8")
    with pytest.raises(BuildError, match="unknown key"):
        build_site(Project.at(site_root))


def test_indic_digits_write_the_arabic_pages_numbers_in_arabic_indic_digits(
    site_root: Path,
) -> None:
    """``indic_digits = true``: the dates, counts and page numbers digest writes on Arabic
    pages are in Arabic-Indic digits (١٧ يناير ٢٠٢٥, ٤ تقارير), and the source lists are
    numbered so; English pages, ``<time datetime>``, feeds' dates and the reports' own
    text are as before."""
    site = site_root / "site"
    build_site(Project.at(site_root))
    plain = {p: p.read_text(encoding="utf-8") for p in sorted(site.rglob("*.html"))}
    (site_root / "digest.toml").write_text("indic_digits = true\n", encoding="utf-8")
    build_site(Project.at(site_root))
    front = (site / "ar" / "index.html").read_text(encoding="utf-8")
    assert '<time datetime="2025-01-17">١٧ يناير ٢٠٢٥</time>' in front
    assert "٤ تقارير" in front and 'class="wrap indic-digits"' in front
    # the search page's count of results, written in the browser (tests/test_search.py)
    search = site / "ar" / "search" / "index.html"
    assert 'data-digits="latn"' in plain[search]
    assert 'data-digits="arab"' in search.read_text(encoding="utf-8")
    assert ":where(.indic-digits) ol { list-style-type: arabic-indic; }" in (
        site / "static" / "style.css"
    ).read_text(encoding="utf-8")
    for path, before in plain.items():
        if path.relative_to(site).parts[0] != "ar":
            assert path.read_text(encoding="utf-8") == before, path
    story = next(iter(story_pages(site, "ar"))).read_text(encoding="utf-8")
    body = story.split('id="article-1-title"')[1]
    assert re.search(r"[0-9]", body), "the report's own digits stay as written"
    assert "<pubDate>Fri, 17 Jan 2025 12:00:00 +0000</pubDate>" in (
        site / "ar" / "feed.xml"
    ).read_text(encoding="utf-8")
    (site_root / "digest.toml").write_text('indic_digits = "yes"\n', encoding="utf-8")
    with pytest.raises(BuildError, match="indic_digits must be true or false"):
        build_site(Project.at(site_root))


def test_cli_build_prints_a_summary(site_root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(site_root)
    result = CliRunner().invoke(main, ["build", "--output", "public"])
    assert result.exit_code == 0, result.output
    assert "articles" in result.output and "stories" in result.output
    assert "translated" in result.output
    assert (site_root / "public" / "ar" / "index.html").is_file()


def test_cli_run_from_the_wrong_folder_says_where_to_run_it(
    site_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(site_root / "content")
    for command in (["build"], ["articles"]):
        result = CliRunner().invoke(main, command)
        assert result.exit_code == 1
        assert f"you are in the content folder; run digest from {site_root}" in result.output
    monkeypatch.chdir(site_root.parent)
    result = CliRunner().invoke(main, ["build"])
    assert result.exit_code == 1
    assert "run digest in the site's folder (the one holding content/)" in result.output
    assert not (site_root.parent / "site").exists()
    # a content folder that is not there is named as missing, before any overlap with site/
    result = CliRunner().invoke(main, ["build", "--content", "site"])
    assert result.exit_code == 1
    assert "content folder site does not exist" in result.output


def test_cli_theme_copies_the_default_theme_once(
    site_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(site_root)
    (site_root / "templates").mkdir()  # an empty folder made for it is filled
    result = CliRunner().invoke(main, ["theme"])
    assert result.exit_code == 0, result.output
    own = site_root / "templates"
    assert sorted(p.relative_to(own) for p in own.rglob("*")) == sorted(
        p.relative_to(REPO / "templates") for p in (REPO / "templates").rglob("*")
    )
    (own / "base.html").write_text(
        (own / "base.html").read_text(encoding="utf-8").replace("</footer>", "<p>OWN</p></footer>"),
        encoding="utf-8",
    )
    assert CliRunner().invoke(main, ["build"]).exit_code == 0
    assert "<p>OWN</p>" in (site_root / "site" / "ar" / "index.html").read_text(encoding="utf-8")
    again = CliRunner().invoke(main, ["theme"])
    assert again.exit_code == 1 and "exists already" in again.output
    assert "<p>OWN</p>" in (own / "base.html").read_text(encoding="utf-8")


def test_stylesheet_links_carry_the_version_of_its_bytes(
    site_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A reader whose browser cached last week's style.css gets the new one: every page
    links it as ``style.css?v=<digest of its bytes>``, which changes with the theme."""
    monkeypatch.chdir(site_root)
    assert CliRunner().invoke(main, ["theme"]).exit_code == 0
    css = site_root / "templates" / "static" / "style.css"

    def stylesheets() -> set[str]:
        pages = (site_root / "site").rglob("*.html")
        return {
            link["href"] or ""
            for page in pages
            for link in parse(page).links
            if link.get("rel") == "stylesheet" and "pagefind" not in (link["href"] or "")
        }

    build_site(Project.at(site_root))
    before = stylesheets()
    version = hashlib.blake2b(css.read_bytes(), digest_size=5).hexdigest()
    assert {href.rsplit("/", 1)[-1] for href in before} == {f"style.css?v={version}"}
    story = story_pages(site_root / "site", "ar")[0]
    href = next(
        link["href"] or "" for link in parse(story).links if link.get("rel") == "stylesheet"
    )
    assert (story.parent / href.split("?")[0]).resolve().read_bytes() == css.read_bytes()

    css.write_text(css.read_text(encoding="utf-8") + "\nbody { margin: 0; }\n", encoding="utf-8")
    build_site(Project.at(site_root))
    after = stylesheets()
    assert not before & after and all("style.css?v=" in href for href in after)


def test_cli_reports_bad_files_and_builds_the_rest(
    site_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (site_root / "content" / "broken.txt").write_bytes(b"\xff\xfe\x00 not utf-8 \xc3\x28")
    monkeypatch.chdir(site_root)
    result = CliRunner().invoke(main, ["build"])
    assert result.exit_code == 1
    assert "broken.txt" in result.output and "UTF-8" in result.output
    assert len(story_pages(site_root / "site", "ar")) >= 1
    for command in (["articles"], ["stories", "--json"]):  # the good files, and exit 1
        result = CliRunner().invoke(main, command)
        assert result.exit_code == 1, command
        assert "skipped" in result.output and "broken.txt" in result.output
        assert "000_9062e53052813c90.txt" in result.output


def test_python_dash_m_digest() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "digest", "--help"], capture_output=True, text=True, check=True
    )
    assert "build" in out.stdout


def test_wheel_ships_the_default_theme(tmp_path: Path) -> None:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(tmp_path),
            str(REPO),
        ],
        check=True,
    )
    wheel = next(tmp_path.glob("digest-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    for template in ("base.html", "story.html", "feed.xml", "strings.toml", "static/style.css"):
        assert f"digest/theme/{template}" in names


def test_with_a_model_english_pages_are_translated_and_say_so(
    site_root: Path, argos_installed: Path
) -> None:
    content = site_root / "content"
    report = build_site(Project.at(site_root))
    assert report.translated > 0 and not report.warnings[:-1]
    for page in [site_root / "site/en/index.html", *story_pages(site_root / "site", "en")]:
        html = page.read_text(encoding="utf-8")
        assert "This page was machine-translated" in html, page
        assert "Translation not available yet" not in html, page
    for index in ("archive", "outlets"):  # days and outlets' names: nothing machine-made
        html = (site_root / "site/en" / index / "index.html").read_text(encoding="utf-8")
        assert "This page was machine-translated" not in html, index
    # a story reported in English, and one with an editor's translation: nothing machine-made
    (content / "oil.md").write_text(
        "---\ntitle: Oil prices rise\nlang: en\ndate: 2023-03-02\n---\n\n"
        "Oil prices rose on Monday after the Gulf summit.\n",
        encoding="utf-8",
    )
    (content / "summit.md").write_text(
        "---\ntitle: قمة عربية طارئة في القاهرة\ndate: 2023-05-04\n---\n\n"
        "انعقدت القمة العربية الطارئة في القاهرة اليوم بحضور القادة العرب.\n",
        encoding="utf-8",
    )
    (content / "summit.en.md").write_text("The Arab summit met in Cairo today.\n", "utf-8")
    build_site(Project.at(site_root))
    for text in ("Oil prices rose on Monday", "The Arab summit met in Cairo today."):
        [page] = [p for p in story_pages(site_root / "site", "en") if text in p.read_text("utf-8")]
        assert "This page was machine-translated" not in page.read_text(encoding="utf-8"), page


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("bad-date.md", "---\ntitle: x\ndate: 2025-02-30\n---\nنص.\n", "day is out of range"),
        (
            "no-month.md",
            "---\ndate: 2025-13-45\n---\nنص.\n",
            "front matter: date '2025-13-45' does not exist (month must be in 1..12)",
        ),
        ("vague-date.md", "---\ndate: soon\n---\nنص.\n", "date 'soon' is not YYYY-MM-DD"),
        (  # the 4th of March or the 3rd of April: not guessed
            "slash-date.md",
            "---\ndate: 04/03/2025\n---\nنص.\n",
            "date '04/03/2025' is not YYYY-MM-DD (nor a day, a month's name and a year, as in "
            "4 مارس 2025)",
        ),
        (
            "no-such-day.md",
            "---\ndate: 31 أبريل 2025\n---\nنص.\n",
            "date '31 أبريل 2025' does not exist (April 2025 has no day 31)",
        ),
        (
            "wrong-weekday.md",
            "---\ndate: الأربعاء 18 مارس 2025\n---\nنص.\n",
            "date 'الأربعاء 18 مارس 2025' does not exist (18 March 2025 is a Tuesday, not a "
            "Wednesday)",
        ),
        ("bad-yaml.md", "---\ntitle: [x\n---\nنص.\n", "not valid YAML at line 2"),
        (
            "open-bracket.md",  # YAML finds the missing ] on the next line: named where it opened
            "---\ntitle: x\nsource: [الأهرام\ndate: 2025-03-04\n---\nنص.\n",
            "at line 3: a value starting with [ is read as a list that is never closed",
        ),
        (
            "bad-list.md",  # closed, but not a list YAML can read: not called unclosed
            '---\ntitle: [a, "b" c]\n---\nنص.\n',
            "at line 2: did not find expected ',' or ']'",
        ),
        (
            "open-quote.md",
            '---\ntitle: "قمة عربية\ndate: 2025-03-04\nsource: الأهرام\nurl: https://x.org\n---\nنص.\n',
            "not valid YAML at line 2: a quote opened there is never closed",
        ),
        (
            "quote-in-quotes.md",
            "---\ntitle: 'Assad's fall'\n---\nنص.\n",
            "not valid YAML at line 2: did not find expected key; check the quotes",
        ),
        (
            "colon-title.md",
            "---\ndate: 2025-03-04\ntitle: القمة: بيان ختامي\n---\nنص.\n",
            "not valid YAML at line 3: a value holds ': ' (put the whole value in quotes)",
        ),
        ("bad-key.md", "---\ntitel: x\n---\nنص.\n", "unknown key 'titel'"),
        ("list-title.md", "---\ntitle: [a, b]\n---\nنص.\n", "title must be text, not a list"),
        ("bool-source.md", "---\nsource: yes\n---\nنص.\n", "source must be text, not a yes/no"),
        (  # every mistake at once, in the order written
            "three-mistakes.md",
            "---\ntitel: x\ndate: 2025-02-30\nsourc: y\n---\nنص.\n",
            "unknown key 'titel' (known: date, lang, outlet, source, story, title, url); front "
            "matter: date '2025-02-30' does not exist (day is out of range for month); front "
            "matter has unknown key 'sourc'",
        ),
    ],
)
def test_bad_front_matter_is_reported_by_file_and_the_rest_builds(
    site_root: Path, name: str, text: str, message: str
) -> None:
    (site_root / "content" / name).write_text(text, encoding="utf-8")
    report = build_site(Project.at(site_root))
    assert [(e.path, message in e.message) for e in report.errors] == [(name, True)]
    assert report.articles == len(SEEDS)


@pytest.mark.parametrize(
    "written",
    ["4 مارس 2025", "الثلاثاء ٤ مارس ٢٠٢٥", "4 آذار/مارس 2025 - 10:30", "4 March 2025"],
)
def test_a_date_written_with_the_months_name_is_read_wherever_a_date_is_given(
    site_root: Path, written: str
) -> None:
    """``date: 4 مارس 2025`` as a report writes it, in a ``.md``'s front matter, atop a
    scraped ``.txt`` and in a ``NAME.yaml``, is the date ``2025-03-04`` would be."""
    content = site_root / "content"
    (content / "summit.md").write_text(
        f"---\ntitle: قمة عربية طارئة في القاهرة\ndate: {written}\n---\n\n"
        "انعقدت القمة العربية الطارئة في القاهرة بحضور القادة العرب.\n",
        encoding="utf-8",
    )
    (content / "summit2.txt").write_text(
        f"---\ndate: {written}\n---\nاختتام القمة العربية في القاهرة\n\n"
        "اختتمت القمة العربية الطارئة أعمالها في القاهرة ببيان ختامي.\n",
        encoding="utf-8",
    )
    seed = sorted(content.glob("*.txt"))[0]
    seed.with_suffix(".yaml").write_text(f"date: {written}\n", encoding="utf-8")
    articles, errors = load_articles(content)
    assert errors == []
    dates = {a.source: a.date for a in articles}
    assert dates["summit.md"] == dates["summit2.txt"] == dates[seed.name] == dt.date(2025, 3, 4)


def test_human_translation_title_becomes_the_english_headline(site_root: Path) -> None:
    content = site_root / "content"
    (content / "summit.md").write_text(
        "---\ntitle: قمة عربية طارئة في القاهرة\ndate: 2025-03-04\n---\n\n"
        "انعقدت القمة العربية الطارئة في القاهرة اليوم بحضور القادة العرب.\n",
        encoding="utf-8",
    )
    (content / "summit.en.md").write_text(
        "---\ntitle: Emergency Arab summit in Cairo\n---\n\nThe summit met today.\n",
        encoding="utf-8",
    )
    build_site(Project.at(site_root))
    site = site_root / "site"
    page = next(
        p for p in story_pages(site, "en") if "The summit met today." in p.read_text("utf-8")
    )
    html = page.read_text(encoding="utf-8")
    assert ">Emergency Arab summit in Cairo</h1>" in html
    # its summary is the editor's too, not "translation not available" (no model here);
    # a story of one report shows none on its page (it would repeat the report's lead)
    assert 'id="summary-title"' not in html
    front = (site / "en" / "index.html").read_text(encoding="utf-8")
    card = front.split(">Emergency Arab summit in Cairo</a>")[1].split("</article>")[0]
    assert "The summit met today." in card and "not available" not in card
    feed = feedparser.parse((site / "en/feed.xml").read_bytes())
    [item] = [e for e in feed.entries if e.title == "Emergency Arab summit in Cairo"]
    assert "The summit met today." in item.description
    assert not item.id.endswith("-untranslated")  # final: its text will not change


def test_an_english_sidecars_headings_are_subheadings_as_the_articles_are(
    site_root: Path,
) -> None:
    """``## The plan`` in an ``.en.md`` is a subheading of its report (``<h4>``, as the
    article's own subheadings), never larger than the report's title."""
    seed = sorted((site_root / "content").glob("*.txt"))[0]
    (site_root / "content" / f"{seed.stem}.en.md").write_text(
        "# The visit\n\nPutin met Pezeshkian.\n\n## The plan\n\nA treaty was signed.\n",
        encoding="utf-8",
    )
    build_site(Project.at(site_root))
    [page] = [
        p for p in story_pages(site_root / "site", "en") if "The plan" in p.read_text("utf-8")
    ]
    html = page.read_text(encoding="utf-8")
    assert "<h4>The visit</h4>" in html and "<h4>The plan</h4>" in html
    assert html.count("<h1") == 1 and "<h2>The" not in html


def test_a_feed_item_says_how_many_reports_and_from_which_outlets(built: Path) -> None:
    """After its summary, each item says what the story is made of, as its page does."""
    for lang, line in (("ar", "<p>4 تقارير · الأمصار، بوابة الفجر</p>"),
                       ("en", "<p>4 reports · Al-Amsar, El Fagr</p>")):  # fmt: skip
        entries = feedparser.parse((built / lang / "feed.xml").read_bytes()).entries
        assert sum(e.description.endswith(f"{line}</div>") for e in entries) == 1
        assert all(e.description.count("<p>") >= 2 for e in entries)


def test_a_one_line_report_is_described_by_its_headline_in_the_feed(tmp_path: Path) -> None:
    """Breaking news of one line: the headline is the whole text, so there is no summary;
    the feed item says the headline rather than nothing."""
    content = tmp_path / "content"
    content.mkdir()
    line = "وفاة الفنان محمود عبد العزيز عن عمر ناهز 70 عاما في القاهرة"
    (content / "breaking.txt").write_text(line + "\n", encoding="utf-8")
    build_site(Project.at(tmp_path))
    [item] = feedparser.parse((tmp_path / "site/ar/feed.xml").read_bytes()).entries
    inner = re.compile(r"<div [^>]*>(.*)</div>")  # (the text's direction)
    assert inner.fullmatch(item.description)[1] == f"<p>{line}</p><p>تقرير واحد</p>"
    [item] = feedparser.parse((tmp_path / "site/en/feed.xml").read_bytes()).entries
    assert inner.fullmatch(item.description)[1] == (
        "<p>Translation not available yet.</p><p>1 report</p>"
    )


def test_a_feed_item_marks_a_summary_in_another_language_as_the_page_does(
    site_root: Path,
) -> None:
    """A story reported only in English, beside the sample's Arabic ones: the Arabic feed
    describes it in English, marked left to right as its pages mark it (a reader shows the
    description in the feed's direction, right to left, with the full stop at the left)."""
    sentence = "Oil prices rose on Saturday after OPEC+ producers agreed to deepen output cuts."
    (site_root / "content" / "wire.md").write_text(
        f"---\ntitle: Oil prices climb after OPEC+ cuts\ndate: 2025-01-18\nlang: en\n---\n\n"
        f"{sentence}\n\nBrent crude futures gained 2 percent in early trading.\n",
        encoding="utf-8",
    )
    build_site(Project.at(site_root))
    site = site_root / "site"
    entries = feedparser.parse((site / "ar/feed.xml").read_bytes()).entries
    [wire] = [e for e in entries if e.title == "Oil prices climb after OPEC+ cuts"]
    assert wire.description.startswith('<div dir="rtl" lang="ar">')
    assert f'<p dir="ltr" lang="en">{sentence}</p>' in wire.description
    assert wire.description.endswith("<p>تقرير واحد</p></div>")  # the feed's own words
    # the sample's Arabic items keep the feed's direction: nothing marked per paragraph
    others = [e for e in entries if e is not wire]
    assert len(others) == 2 and all("<p " not in e.description for e in others)
    [wire_en] = [
        e
        for e in feedparser.parse((site / "en/feed.xml").read_bytes()).entries
        if e.title == "Oil prices climb after OPEC+ cuts"
    ]
    assert f"<p>{sentence}</p>" in wire_en.description


def test_an_unpunctuated_report_is_summarised_by_its_opening_words_not_all_of_it(
    tmp_path: Path,
) -> None:
    """A report scraped without its full stops, its text one line: its first "sentence" is
    the whole text, which was the summary of its feed item and front-page card. They show
    its opening words, up to a summary sentence's length, cut between words."""
    seed = (REPO / "tests/fixtures/seeds/003_12a0ae8c2fa6360b.txt").read_text(encoding="utf-8")
    text = " ".join(line for line in seed.splitlines()[1:] if line.strip())
    unpunctuated = re.sub(r"[.؟!؛]", "", text)
    assert len(unpunctuated) > 2000
    (tmp_path / "content").mkdir()
    (tmp_path / "content" / "flat.md").write_text(
        f"---\ntitle: معاهدة بين روسيا وإيران\ndate: 2025-01-17\n---\n{unpunctuated}\n",
        encoding="utf-8",
    )
    build_site(Project.at(tmp_path))
    site = tmp_path / "site"
    [item] = feedparser.parse((site / "ar/feed.xml").read_bytes()).entries
    summary = re.findall(r"<p>([^<]*)</p>", item.description)[0]
    assert summary.endswith("…") and STAND_IN_CHARS - 20 < len(summary) <= STAND_IN_CHARS + 1
    assert unpunctuated.startswith(summary[:-1]) and unpunctuated[len(summary) - 1] == " "
    front = (site / "ar/index.html").read_text(encoding="utf-8")
    card = front.split(">معاهدة بين روسيا وإيران</a>")[1].split("</article>")[0]
    assert summary in card and len(card) < 1000


def test_a_story_titled_but_not_yet_translated_keeps_a_provisional_guid(
    site_root: Path,
) -> None:
    """An editor's English title and no model: the item's summary awaits translation, so
    its GUID is provisional, and the translated item reaches RSS readers as new."""
    seeds = sorted((site_root / "content").glob("*.txt"))
    for seed in seeds:  # every report's English title: whichever heads the story has one
        (site_root / "content" / f"{seed.stem}.en.md").write_text(
            "---\ntitle: A new stage of the partnership\n---\n", encoding="utf-8"
        )
    build_site(Project.at(site_root))
    feed = feedparser.parse((site_root / "site/en/feed.xml").read_bytes())
    titled = [e for e in feed.entries if e.title == "A new stage of the partnership"]
    assert len(titled) == len(feed.entries) == 2
    for item in titled:
        assert "Translation not available yet" in item.description
        assert item.id.endswith("-en-untranslated")


def test_files_that_are_not_articles_are_named_in_warnings(tmp_path: Path) -> None:
    """A file digest does not read is named, with the rename that makes an article of it."""
    content = tmp_path / "content"
    content.mkdir()
    report = build_site(Project.at(tmp_path))
    assert "the content folder has no articles (NAME.txt or NAME.md files)" in report.warnings
    seed = next((REPO / "tests" / "fixtures" / "seeds").glob("000_*.txt")).read_bytes()
    (content / "a.TXT").write_bytes(seed)
    (content / "b.markdown").write_bytes(seed)
    (content / "c.html").write_bytes(b"<p>x</p>")
    (content / "d.EN.md").write_text("# Title\n", encoding="utf-8")  # not an Arabic article
    (content / ".notes.txt").write_bytes(seed)  # hidden: never content, never named
    (content / ".git" / "hooks").mkdir(parents=True)  # a content folder kept in git
    (content / ".git" / "HEAD").write_bytes(b"ref: refs/heads/main\n")
    (content / ".git" / "hooks" / "README.md").write_bytes(seed)
    (content / "photo.jpg").write_bytes(b"\xff\xd8\xff")  # other files: left alone
    report = build_site(Project.at(tmp_path))
    assert report.articles == 0
    assert [w for w in report.warnings if "ignored" in w] == [
        "a.TXT is ignored: rename it to a.txt",
        "b.markdown is ignored: rename it to b.md",
        "c.html is ignored: digest reads articles as .txt or .md (save the page as text)",
        "d.EN.md is ignored: name an English translation d.en.md",
    ]
    (content / "a.TXT").rename(content / "a.txt")
    report = build_site(Project.at(tmp_path))
    assert report.articles == 1
    assert not any("no articles" in w or "a.TXT" in w for w in report.warnings)


def test_sidecar_without_an_article_is_a_warning(tmp_path: Path) -> None:
    shutil.copytree(REPO / "tests" / "fixtures" / "seeds", tmp_path / "content")
    (tmp_path / "content" / "renamed.yaml").write_text("title: عنوان\n", encoding="utf-8")
    (tmp_path / "content" / "old.en.md").write_text("# Title\n", encoding="utf-8")
    report = build_site(Project.at(tmp_path))
    assert not report.errors and report.articles == 5
    assert [w for w in report.warnings if "ignored" in w] == [
        "old.en.md is ignored: there is no article old.txt or old.md beside it",
        "renamed.yaml is ignored: there is no article renamed.txt or renamed.md beside it",
    ]
    seed = next((tmp_path / "content").glob("000_*.txt"))
    twin = seed.with_suffix(".md")
    twin.write_text("---\ntitle: عنوان آخر\n---\n\nنص آخر مختلف تماما عن الأول.\n", "utf-8")
    report = build_site(Project.at(tmp_path))
    assert f"{twin.name} and {seed.name} share a name" in " ".join(report.warnings)
    twin.unlink()
    seed.with_suffix(".yaml").write_text("source: الشروق\n", encoding="utf-8")
    seed.with_suffix(".yml").write_text("source: الوطن\n", encoding="utf-8")  # never read
    report = build_site(Project.at(tmp_path))
    assert f"{seed.stem}.yml is ignored: {seed.stem}.yaml beside it is read; merge them" in (
        report.warnings
    )


def test_static_folder_is_copied_to_the_site_root(tmp_path: Path) -> None:
    shutil.copytree(REPO / "tests" / "fixtures" / "seeds", tmp_path / "content")
    static = tmp_path / "static"
    (static / ".well-known").mkdir(parents=True)
    (static / "CNAME").write_text("news.example.org\n", encoding="utf-8")
    (static / "robots.txt").write_text("User-agent: *\nAllow: /\n", encoding="utf-8")
    (static / ".well-known" / "security.txt").write_text("Contact: x\n", encoding="utf-8")
    (static / "robots.txt~").write_text("backup\n", encoding="utf-8")
    (static / ".DS_Store").write_bytes(b"\0\0\0\1Bud1")
    theme = shutil.copytree(REPO / "templates", tmp_path / "templates")
    for stray in (".style.css.swp", "style.css~", "#style.css#", ".DS_Store"):
        (theme / "static" / stray).write_text("x", encoding="utf-8")
    age = time.time() - 3600  # old enough for their stat to be trusted
    for path in tmp_path.rglob("*"):
        os.utime(path, (age, age))
    project = Project.at(tmp_path)
    build_site(project)
    site = project.output
    assert (site / "CNAME").read_text(encoding="utf-8") == "news.example.org\n"
    assert (site / ".well-known" / "security.txt").is_file()
    assert not (site / "robots.txt~").exists() and not (site / ".DS_Store").exists()
    assert sorted(p.name for p in (site / "static").iterdir()) == sorted(
        p.name for p in (REPO / "templates" / "static").iterdir()
    )  # the theme's own files, not its editor's or Finder's
    assert build_site(project).skipped
    (static / "robots.txt").write_text("User-agent: *\nDisallow: /\n", encoding="utf-8")
    (static / "CNAME").unlink()
    assert not build_site(project).skipped
    assert "Disallow" in (site / "robots.txt").read_text(encoding="utf-8")
    assert not (site / "CNAME").exists()
    (static / "sitemap.xml").write_text("<urlset/>", encoding="utf-8")
    with pytest.raises(BuildError, match=r"static/sitemap\.xml has the same path as a file"):
        build_site(project)
    (static / "sitemap.xml").unlink()
    (static / "pagefind").mkdir()
    (static / "pagefind" / "pagefind.js").write_text("//", encoding="utf-8")
    with pytest.raises(BuildError, match=r"static/pagefind/pagefind\.js has the same path"):
        build_site(project)
    shutil.rmtree(static / "pagefind")
    # a file where digest makes a folder, and a folder where it makes a file
    (static / "ar").write_text("x", encoding="utf-8")
    with pytest.raises(BuildError, match=r"static/ar is a file where digest makes a folder"):
        build_site(project)
    (static / "ar").unlink()
    (static / "404.html").mkdir()
    (static / "404.html" / "a.txt").write_text("x", encoding="utf-8")
    with pytest.raises(BuildError, match=r"static/404\.html/a\.txt is in a folder named like"):
        build_site(project)
    assert (site / "sitemap.xml").read_text(encoding="utf-8") != "<urlset/>"


def test_english_pages_name_outlets_in_english(tmp_path: Path) -> None:
    """Known outlets by their English names; [outlets] in digest.toml adds or overrides;
    an outlet with no English name keeps its Arabic one, marked as Arabic."""
    shutil.copytree(REPO / "tests" / "fixtures" / "seeds", tmp_path / "content")
    project = Project.at(tmp_path)
    build_site(project)
    story = next((project.output / "en" / "stories").iterdir()) / "index.html"
    html = story.read_text(encoding="utf-8")
    assert "<bdi>Al-Amsar</bdi>" in html and "<bdi>El Fagr</bdi>" in html
    arabic = (project.output / "ar" / "stories" / story.parent.name / "index.html").read_text(
        encoding="utf-8"
    )
    assert "<bdi>الأمصار</bdi>" in arabic and "Al-Amsar" not in arabic
    project.config_file.write_text('[outlets]\n"بوابة الفجر" = "Al-Fajr Gate"\n', "utf-8")
    build_site(project)
    html = story.read_text(encoding="utf-8")
    assert "<bdi>Al-Fajr Gate</bdi>" in html and "El Fagr" not in html
    outlet_page = project.output / "en" / "outlets" / "al-fajr-gate" / "index.html"
    assert "Al-Fajr Gate" in outlet_page.read_text(encoding="utf-8")
    assert not (project.output / "en" / "outlets" / "el-fagr").exists()  # its old address


def test_outlet_pages_are_named_by_the_outlets_english_names(tmp_path: Path) -> None:
    """``outlets/el-fagr/`` in both languages, not a letter-by-letter romanisation of
    بوابة الفجر; two names of one outlet (الجزيرة, الجزيرة نت) share its page; an outlet
    with no English name is romanised from its Arabic name."""
    content = tmp_path / "content"
    shutil.copytree(REPO / "tests" / "fixtures" / "seeds", content)
    for name, outlet, title in (
        ("jazeera.md", "الجزيرة", "وزير الخارجية القطري يزور عمان لبحث التعاون"),
        ("jazeera-net.md", "الجزيرة نت", "افتتاح معرض الكتاب في الدوحة بمشاركة واسعة"),
        ("unknown.md", "جريدة المدينة الصغيرة", "مهرجان الزيتون السنوي يعود إلى القرية"),
    ):
        body = f"{title} في خبر طويل بما يكفي ليكون فقرة كاملة من المقال.\n"
        (content / name).write_text(
            f"---\ntitle: {title}\ndate: 2024-05-01\nsource: {outlet}\n---\n\n{body}",
            encoding="utf-8",
        )
    project = Project.at(tmp_path)
    build_site(project)
    for lang in ("ar", "en"):
        slugs = sorted(p.name for p in (project.output / lang / "outlets").iterdir() if p.is_dir())
        assert "el-fagr" in slugs and "al-amsar" in slugs and "al-jazeera" in slugs
        assert "bwaba-al-fjr" not in slugs and not any(s.startswith("al-jzyra") for s in slugs)
        assert "jryda-al-mdyna-al-sghyra" in slugs
    jazeera = (project.output / "en" / "outlets" / "al-jazeera" / "index.html").read_text("utf-8")
    assert "2 stories" in jazeera
    arabic = (project.output / "ar" / "outlets" / "al-jazeera" / "index.html").read_text("utf-8")
    assert "الجزيرة نت" in arabic
    # each index in its own language's order (an Arabic name filed without its article)
    for lang, expected in (
        ("ar", ["الأمصار", "بوابة الفجر", "جريدة المدينة الصغيرة", "الجزيرة"]),  # ر before ز
        ("en", ["Al-Amsar", "Al Jazeera", "El Fagr", "جريدة المدينة الصغيرة"]),
    ):
        index = (project.output / lang / "outlets" / "index.html").read_text("utf-8")
        shown = re.findall(r'class="outlet-index">(.*?)</ul>', index, re.S)[0]
        names = re.findall(r"<bdi[^>]*>([^<]+)</bdi>", shown)
        assert names == expected, names


def test_outlet_names_must_be_text(tmp_path: Path) -> None:
    shutil.copytree(REPO / "tests" / "fixtures" / "seeds", tmp_path / "content")
    (tmp_path / "digest.toml").write_text('[outlets]\n"الفجر" = 3\n', encoding="utf-8")
    with pytest.raises(BuildError, match=r"\[outlets\] maps Arabic outlet names to English"):
        build_site(Project.at(tmp_path))


def test_a_storys_outlets_are_named_in_the_order_of_its_reports(tmp_path: Path) -> None:
    """The story's byline and its list of reports name the outlets in one order: the
    reports' (by day), not the alphabet's."""
    content = tmp_path / "content"
    content.mkdir()
    lead = "انعقدت القمة العربية الطارئة في القاهرة اليوم بحضور القادة العرب لبحث غزة."
    for name, day, outlet in (("a.md", "2025-03-05", "الأهرام"), ("b.md", "2025-03-04", "الوطن")):
        (content / name).write_text(
            f"---\ntitle: قمة عربية طارئة في القاهرة\ndate: {day}\nsource: {outlet}\n---\n\n"
            f"{lead} وقال مراسل {outlet} إن البيان صدر مساء.\n",
            encoding="utf-8",
        )
    build_site(Project.at(tmp_path))
    [page] = story_pages(tmp_path / "site", "ar")
    html = page.read_text(encoding="utf-8")
    byline = html.split('<p class="meta"', 1)[1].split("</p>", 1)[0]
    assert byline.index("الوطن") < byline.index("الأهرام")
    reports = html.split('<ol class="source-index"', 1)[1].split("</ol>", 1)[0]
    assert reports.index("الوطن") < reports.index("الأهرام")


def test_unknown_outlet_keeps_its_arabic_name_on_english_pages() -> None:
    from digest.outlets import OutletNames

    def english_outlet_name(name: str, configured: dict[str, str] | None = None) -> str | None:
        return OutletNames(configured).english(name)

    assert english_outlet_name("الجزيره") == "Al Jazeera"  # spelling variant (ة/ه)
    assert english_outlet_name("جريدة لا يعرفها أحد") is None
    assert english_outlet_name("جريدة لا يعرفها أحد", {"جريدة لا يعرفها أحد": "Nobody"}) == (
        "Nobody"
    )
    # a name that says what kind of outlet it is: "the newspaper Okaz"
    assert english_outlet_name("صحيفة عكاظ") == "Okaz"
    assert english_outlet_name("موقع الجزيرة نت") == "Al Jazeera"
    assert english_outlet_name("صحيفة") is None


def test_an_english_article_is_shown_as_written_on_english_pages(tmp_path: Path) -> None:
    """``lang: en`` articles need no translation: the English page shows their text, the
    Arabic page marks it as English."""
    from digest.build import load_articles, texts_to_translate
    from digest.group import group_stories

    shutil.copytree(REPO / "tests" / "fixtures" / "seeds", tmp_path / "content")
    paragraph = "The central bank raised interest rates by half a point on Tuesday."
    (tmp_path / "content" / "wire.md").write_text(
        "---\ntitle: Central bank raises rates\ndate: 2025-02-04\nlang: en\n---\n\n"
        + paragraph
        + "\n",
        encoding="utf-8",
    )
    project = Project.at(tmp_path)
    build_site(project)
    pages = {
        lang: next(
            p.read_text(encoding="utf-8")
            for p in (project.output / lang / "stories").glob("*/index.html")
            if paragraph in p.read_text(encoding="utf-8")
        )
        for lang in ("ar", "en")
    }
    english = pages["en"].split('class="source-article"')[1].split("</article>")[0]
    assert "Translation not available" not in english and 'lang="ar"' not in english
    assert '<h3 id="article-1-title">Central bank raises rates</h3>' in english  # page's language
    assert 'id="article-1" aria-labelledby="article-1-title" lang="en" dir="ltr"' in pages["ar"]
    stories = group_stories(load_articles(project.content)[0])
    assert not any("interest rates" in text for text in texts_to_translate(stories))


def test_story_pages_make_article_views_only_when_rendered(site_root: Path) -> None:
    """Article views are made lazily (an edit renders two pages of a thousand), and a
    page's render key covers them without making them: the lazy list pickles as what the
    views are made from, which changes when an article or its English does."""
    import dataclasses
    import pickle

    from digest.build import load_articles
    from digest.group import group_stories
    from digest.render import ArticleViews, Localizer, _article_view

    stories = group_stories(load_articles(site_root / "content")[0])
    articles = stories[0].articles
    loc = Localizer("ar", {})
    lazy = ArticleViews(articles, "ar", loc)
    key = pickle.dumps(lazy)
    assert lazy._views is None and len(lazy) == len(articles)
    assert key == pickle.dumps(ArticleViews(articles, "ar", loc))
    plain = [_article_view(a, "ar", loc) for a in articles]
    assert list(lazy) == plain and lazy[0] == plain[0]
    assert str(lazy[0]["body_html"].__html__()).startswith("<p>")

    edited = dataclasses.replace(articles[0], title=articles[0].title + "!")
    assert pickle.dumps(ArticleViews([edited, *articles[1:]], "ar", loc)) != key
    assert pickle.dumps(ArticleViews(articles, "en", Localizer("en", {}))) != key
    english = {articles[0].title: "A title"}
    before = pickle.dumps(ArticleViews(articles, "en", Localizer("en", english)))
    english[articles[0].title] = "Another title"
    assert pickle.dumps(ArticleViews(articles, "en", Localizer("en", english))) != before
    english.pop(articles[0].title)  # the Arabic title (no English) is not what it was
    assert pickle.dumps(ArticleViews(articles, "en", Localizer("en", english))) != before


def test_story_meta_counts_reports_beside_their_outlets(built: Path) -> None:
    """The count beside a story's outlets is of its reports (articles), not of outlets."""
    front = {
        lang: (built / lang / "index.html").read_text(encoding="utf-8") for lang in ("ar", "en")
    }
    assert "4 تقارير" in front["ar"] and "تقرير واحد" in front["ar"]
    assert "4 reports" in front["en"] and "1 report" in front["en"]
    assert "sources" not in front["en"].split("<main", 1)[1].lower().split("<footer")[0]


def test_english_description_claims_no_translation_the_site_lacks(built: Path) -> None:
    """Built without a model: no English page says it was machine-translated, not even in
    the default description."""
    for page in (built / "en").rglob("*.html"):
        assert "machine-translated" not in page.read_text(encoding="utf-8"), page


def test_untranslated_headlines_say_so_on_the_landing_and_search_pages(built: Path) -> None:
    """Without a model: the landing page's English list marks its Arabic headlines, and
    the English search page says why it finds nothing, linking to the Arabic search."""
    landing = (built / "index.html").read_text(encoding="utf-8")
    english = landing.split('<section lang="en"', 1)[1]
    assert english.count("not translated yet") == english.count('class="untranslated"') > 0
    search = (built / "en" / "search" / "index.html").read_text(encoding="utf-8")
    assert "English search finds translated stories only" in search
    assert 'href="../../ar/search/"' in search
    arabic_search = (built / "ar" / "search" / "index.html").read_text(encoding="utf-8")
    assert 'role="note"' not in arabic_search.split("<main", 1)[1]


def test_an_arabic_headline_that_starts_with_a_latin_word_reads_right_to_left(
    tmp_path: Path,
) -> None:
    """ "Apple تكشف ..." is Arabic: it keeps the Arabic page's direction, on the story page,
    its card and the landing page, rather than one the browser guesses from its first
    letter (dir="auto" read it left to right, scrambled)."""
    content = tmp_path / "content"
    content.mkdir()
    title = "Apple تكشف عن هاتف iPhone جديد بسعر أقل في الأسواق العربية"
    (content / "apple.md").write_text(
        f"---\ntitle: {title}\ndate: 2025-09-10\n---\n\nكشفت شركة أبل اليوم عن هاتف "
        "جديد بسعر أقل من هواتفها السابقة، في خطوة تستهدف الأسواق العربية.\n",
        encoding="utf-8",
    )
    build_site(Project.at(tmp_path))
    site = tmp_path / "site"
    [page] = story_pages(site, "ar")
    pages = [page, site / "ar" / "index.html", site / "index.html"]
    for html in (p.read_text(encoding="utf-8") for p in pages):
        [shown] = re.findall(r"<(?:h1|h2|a)([^>]*)>(?:<a [^>]*>)?" + re.escape(title), html)
        assert "dir=" not in shown and "lang=" not in shown, shown


def test_the_pager_marks_an_untranslated_headline_as_arabic(built: Path) -> None:
    """An English page's link to the next story shows its Arabic headline, untranslated
    yet (no model here), right to left and tagged Arabic, as the story cards do."""
    for page in story_pages(built, "en"):
        titles = re.findall(r'<span class="pager-title"([^>]*)>', page.read_text("utf-8"))
        assert titles and all(attrs == ' lang="ar" dir="rtl"' for attrs in titles), page


def test_a_story_page_lists_its_reports_with_links_to_each(built: Path) -> None:
    """A story of several reports opens its sources with a list of them (title, outlet),
    each linking to the report below; a single report needs no list."""
    import re

    for lang in ("ar", "en"):
        for page in (built / lang / "stories").glob("*/index.html"):
            html = page.read_text(encoding="utf-8")
            reports = re.findall(r'<article class="source-article" id="(article-\d+)"', html)
            index = re.search(r'<ol class="source-index"[^>]*>(.*?)</ol>', html, re.S)
            if len(reports) < 2:
                assert index is None, page
                continue
            assert index is not None, page
            links = re.findall(r'<a href="#(article-\d+)"', index.group(1))
            assert links == reports, page


def test_the_cache_folder_keeps_itself_out_of_git(built: Path) -> None:
    """Even without a model (no translation cache), ``.digest-cache/`` (build state, the
    preview) ignores itself, so a site's repository never picks it up."""
    ignore = built.parent / ".digest-cache" / ".gitignore"
    assert ignore.read_text(encoding="utf-8").splitlines()[-1] == "*"


def test_templates_read_dict_keys_as_jinja_does(tmp_path: Path) -> None:
    """The renderer's quick ``view.key`` lookup gives what Jinja gives: the key's value,
    a dict's own attribute before a key of that name, and an error for a missing key."""
    import jinja2

    from digest.config import SiteConfig
    from digest.render import SiteRenderer

    env = SiteRenderer(REPO / "templates", SiteConfig()).env
    plain = jinja2.Environment(undefined=jinja2.StrictUndefined)
    view = {"title": "عنوان", "items": [1, 2], "nested": {"name": "x"}}
    for source in ("{{ v.title }}", "{{ v.nested.name }}", "{{ v.items is callable }}"):
        assert env.from_string(source).render(v=view) == plain.from_string(source).render(v=view)
    assert env.from_string("{{ v.items is callable }}").render(v=view) == "True"
    with pytest.raises(jinja2.UndefinedError, match="has no attribute 'missing'"):
        env.from_string("{{ v.missing }}").render(v=view)


@pytest.mark.parametrize(
    ("value", "day"),
    [
        ("2025-03-25", "2025-03-25"),
        ('"2025-03-25"', "2025-03-25"),
        ("2025-03-25T23:30:00+05:00", "2025-03-25"),
        ("2025-1-5 10:00:00", "2025-01-05"),  # as YAML reads a timestamp
        ("20250105", "2025-01-05"),
    ],
)
def test_front_matter_dates_in_the_forms_yaml_and_iso_allow(value: str, day: str) -> None:
    from digest.source import split_front_matter

    meta, _ = split_front_matter(f"---\ndate: {value}\n---\nنص.\n")
    assert meta["date"].isoformat() == day


@pytest.mark.parametrize(
    ("data", "hint"),
    [
        ("خبر عاجل من القاهرة".encode("utf-16"), "it is UTF-16"),
        ("انعقدت القمة العربية في القاهرة اليوم.".encode("cp1256"), "Windows-1256"),
        # Latin letters around a few Arabic ones (front matter's keys) are no other language
        ("---\ntitle: Breaking news\nsource: الشروق\n---\n".encode("cp1256"), "Windows-1256"),
        (b"caf\xe9 au lait", "invalid byte at offset 3)"),
        ("خبر عاجل".encode() + b"\xa0", "invalid byte at offset 15)"),  # a stray byte in UTF-8
    ],
)
def test_a_file_in_another_encoding_is_named_with_the_encoding_it_seems_to_be_in(
    site_root: Path, data: bytes, hint: str
) -> None:
    (site_root / "content" / "windows.txt").write_bytes(data)
    report = build_site(Project.at(site_root))
    [error] = report.errors
    assert error.path == "windows.txt" and error.message.startswith("not UTF-8 text (")
    assert hint in error.message and error.message.endswith("save the file as UTF-8")
    assert report.articles == len(SEEDS)


def test_front_matter_without_text_says_so(site_root: Path) -> None:
    (site_root / "content" / "only-meta.md").write_text("---\ntitle: فقط\n---\n", "utf-8")
    (site_root / "content" / "blank.txt").write_text("\n \n", "utf-8")
    (site_root / "content" / "blank.md").write_text("", "utf-8")  # with a sidecar's meta
    (site_root / "content" / "blank.yaml").write_text("title: فقط\n", "utf-8")
    errors = {e.path: e.message for e in build_site(Project.at(site_root)).errors}
    assert "after the front matter" in errors["only-meta.md"]
    assert "(the file is empty)" in errors["blank.txt"]
    assert "(the file is empty)" in errors["blank.md"]


def test_a_story_reported_in_english_is_marked_english_on_arabic_pages(site_root: Path) -> None:
    (site_root / "content" / "english.md").write_text(
        "---\ntitle: Oil prices rise after the Gulf summit\nlang: en\ndate: 2025-03-02\n---\n\n"
        "Oil prices rose on Monday after the leaders of the Gulf states met in Doha.\n",
        encoding="utf-8",
    )
    build_site(Project.at(site_root))
    site = site_root / "site"
    [ar] = [p for p in story_pages(site, "ar") if "Oil prices rose" in p.read_text("utf-8")]
    html = ar.read_text(encoding="utf-8")
    assert '<h1 dir="ltr" lang="en">Oil prices rise after the Gulf summit</h1>' in html
    assert (
        'id="article-1" aria-labelledby="article-1-title" lang="en" dir="ltr"' in html
    )  # the report
    en = site / "en" / ar.relative_to(site / "ar")
    assert 'class="original-link"' not in en.read_text(encoding="utf-8")
    front = (site / "ar" / "index.html").read_text(encoding="utf-8")
    assert '<p class="summary" dir="ltr" lang="en">Oil prices rose' in front
    arabic_story = next(p for p in story_pages(site, "en") if p != en)
    assert 'class="original-link"' in arabic_story.read_text(encoding="utf-8")
    # its text is English ("Arabic original"): tagged by where it leads, not lang="ar"
    assert re.search(
        r'class="original-link"[^>]*><a href="[^"]+" hreflang="ar">Arabic',
        (arabic_story.read_text(encoding="utf-8")),
    )


ELECTION = (
    "---\ntitle: نتائج الانتخابات البلدية\ndate: 2024-06-02\n---\n"
    "أعلنت الهيئة العليا للانتخابات النتائج الأولية للانتخابات البلدية مساء الأحد.\n\n"
    "> هذه الانتخابات هي الأنزه في تاريخ البلاد.\n>\n> ونشكر كل من شارك فيها.\n\n"
    "1. فرز الأصوات\n2. إعلان النتائج\n\n"
    "| الحزب | المقاعد |\n|---|---|\n| حزب الأمل | 12 |\n| حزب الغد | 9 |\n"
)


def test_quotations_numbered_lists_and_tables_show_as_such_in_both_languages(
    site_root: Path, argos_installed: Path
) -> None:
    """A Markdown article's ``>`` quotation is one ``<blockquote>``, its ``1.`` list an
    ``<ol>``, its table a ``<table>`` with a header row, on the Arabic page and, translated
    cell by cell, on the English one; the HTML checker finds no error in them."""
    (site_root / "content" / "election.md").write_text(ELECTION, encoding="utf-8")
    build_site(Project.at(site_root))
    site = site_root / "site"
    pages = {}
    for lang in ("ar", "en"):
        [page] = [p for p in story_pages(site, lang) if "2024-06-02" in p.parent.name]
        html = page.read_text(encoding="utf-8")
        assert html.count("<blockquote>") == 1 and html.count("</blockquote>") == 1
        quote = html[html.index("<blockquote>") : html.index("</blockquote>")]
        assert quote.count("<p>") == 2
        assert re.search(r"<ol><li>[^<]+</li><li>[^<]+</li></ol>", html)
        assert html.count('<th scope="col">') == 2 and html.count("<td>") == 4
        pages[lang] = (page, html)
    assert "حزب الأمل" in pages["ar"][1] and "<td>12</td>" in pages["ar"][1]
    english = pages["en"][1]
    table = english[english.index("<table>") : english.index("</table>")]
    assert "حزب الأمل" not in table and "untranslated" not in table  # each cell translated
    from test_html_valid import _vnu_errors

    assert _vnu_errors([pages["ar"][0], pages["en"][0]], site) == []


def test_what_a_read_also_line_left_out_is_a_build_warning(site_root: Path) -> None:
    paragraph = (
        "وأضاف المتحدث باسم الوزارة في مؤتمر صحفي عقده اليوم أن الحكومة ماضية في تنفيذ "
        "خطتها الاقتصادية رغم الصعوبات التي تواجهها البلاد منذ مطلع العام الجاري."
    )
    (site_root / "content" / "news.txt").write_text(
        "\n\n".join(["الحكومة تعلن خطة اقتصادية جديدة", paragraph, "اقرأ أيضاً:"])
        + "\n\n"
        + "\n\n".join([paragraph.replace("وأضاف", "وأكد"), paragraph.replace("وأضاف", "وتابع")]),
        encoding="utf-8",
    )
    report = build_site(Project.at(site_root))
    notes = [w for w in report.warnings if "are left out" in w]
    assert notes == [
        'news.txt: 2 paragraphs after the line "اقرأ أيضاً:" are left out, taken for other '
        "articles; if they are this article's, delete that line"
    ]


def test_a_list_that_starts_later_numbers_on_and_a_table_is_never_a_summary(
    site_root: Path,
) -> None:
    (site_root / "content" / "steps.md").write_text(
        "---\ntitle: خطوات التسجيل في الانتخابات البلدية\ndate: 2024-06-03\n---\n"
        "| الخطوة | المكان |\n|---|---|\n| التسجيل | البلدية |\n\n"
        "1. الأولى\n\nفقرة قصيرة بلا نقطة\n\n2. الثانية\n3. الثالثة\n",
        encoding="utf-8",
    )
    build_site(Project.at(site_root))
    [page] = [p for p in story_pages(site_root / "site", "ar") if "2024-06-03" in str(p)]
    html = page.read_text(encoding="utf-8")
    assert '<ol start="2"><li>الثانية</li><li>الثالثة</li></ol>' in html
    front = (site_root / "site" / "ar" / "index.html").read_text(encoding="utf-8")
    card = front.split(">خطوات التسجيل في الانتخابات البلدية</a>")[1].split("</article>")[0]
    summary = card[card.index('class="summary"') :]
    assert "الخطوة" not in summary and "|" not in summary
    assert "فقرة قصيرة بلا نقطة" in summary  # the first paragraph stands in


def test_agency_copy_run_by_two_outlets_is_shown_once(site_root: Path) -> None:
    """Two outlets that ran one text word for word: both are reports of the story (each
    outlet listed), and the second shows a link to the first instead of the text again."""
    seed = sorted((site_root / "content").glob("000_*.txt"))[0]
    shutil.copy(seed, site_root / "content" / "copy.txt")
    (site_root / "content" / "copy.yaml").write_text("source: وكالة الأنباء القطرية\n", "utf-8")
    report = build_site(Project.at(site_root))
    assert not any("is the same report as" in w for w in report.warnings)
    [html] = [
        text
        for p in story_pages(site_root / "site", "ar")
        if "وكالة الأنباء القطرية" in (text := p.read_text(encoding="utf-8"))
    ]
    article = html[html.index('<article class="source-article"') :]
    lead = "وصل الرئيس الإيراني مسعود بيزشكيان، إلى روسيا، اليوم الجمعة"
    assert article.count(lead) == 1  # the text once
    assert re.search(r'class="same-text"[^>]*>النص نفسه كما في: <a href="#article-\d"', html)


def test_another_outlets_edit_of_agency_copy_shows_only_what_differs(
    site_root: Path, argos_installed: Path
) -> None:
    """A copy of a report with one paragraph changed and one added: its paragraphs that the
    first report has word for word are not shown again; the changed and the added ones are,
    after a note linking the first. A shortened copy says its whole text is in the first."""
    seed = sorted((site_root / "content").glob("000_*.txt"))[0]
    text = seed.read_text(encoding="utf-8")
    changed = "ونفى بيسكوف أي صلة بتنصيب ترامب، قائلاً إن التوقيع كان مخططًا له منذ عام."
    added = "وأكدت الوكالة أن الرئيسين سيعقدان مؤتمرًا صحفيًا مشتركًا في ختام المحادثات."
    edited = text.replace(
        "ونفى بيسكوف أي صلة بتنصيب ترامب، قائلاً إن التوقيع كان مخططًا له منذ فترة طويلة.",
        changed,
    )
    assert edited != text
    (site_root / "content" / "edit.txt").write_text(edited + "\n\n" + added + "\n", "utf-8")
    (site_root / "content" / "edit.yaml").write_text("source: وكالة الأنباء القطرية\n", "utf-8")
    cut = text[: text.index("ونفى بيسكوف")]
    (site_root / "content" / "short.txt").write_text(cut, "utf-8")
    (site_root / "content" / "short.yaml").write_text("source: وكالة أنباء الإمارات\n", "utf-8")
    build_site(Project.at(site_root))
    [page] = [
        p
        for p in story_pages(site_root / "site", "ar")
        if "وكالة الأنباء القطرية" in p.read_text(encoding="utf-8")
    ]
    html = page.read_text(encoding="utf-8")
    articles = html[html.index('<article class="source-article"') :]
    lead = "وصل الرئيس الإيراني مسعود بيزشكيان، إلى روسيا، اليوم الجمعة"
    assert articles.count(lead) == 1  # the shared paragraphs once
    assert changed in articles and added in articles
    assert re.search(
        r'class="same-text"[^>]*>معظم النص كما في: <a href="#article-\d"[^>]*>[^<]+</a>'
        r" \(<bdi>[^<]+</bdi>\)، وهذا ما يختلف عنه:</p>",  # the title and the outlet
        html,
    )
    assert re.search(r'class="same-text"[^>]*>النص كله وارد في: <a href="#article-\d"', html)
    english = (site_root / "site" / "en" / page.relative_to(site_root / "site" / "ar")).read_text(
        encoding="utf-8"
    )
    assert "Mostly the same text as:" in english and "All of this text is also in:" in english


def test_an_english_sidecar_with_only_a_title_leaves_the_machine_text_and_says_so(
    site_root: Path, argos_installed: Path
) -> None:
    """An ``.en.md`` with a title and no text: the English page shows the report's text
    machine-translated (it is translated, and the page says it is machine translation)
    under that title, with no warning (the README offers that use); an empty one leaves
    the machine's title too, and the build warns about it. On
    the Arabic page an exact copy of the first report is still "the same text"."""
    seeds = sorted((site_root / "content").glob("*.txt"))
    first, other = seeds[0], seeds[1]  # two reports of the seed story of 17 January
    (site_root / "content" / f"{first.stem}.en.md").write_text(
        "---\ntitle: A new stage of the partnership\n---\n\n", encoding="utf-8"
    )
    (site_root / "content" / f"{other.stem}.en.md").write_text(" \n", encoding="utf-8")
    shutil.copy(first, site_root / "content" / "copy.txt")
    (site_root / "content" / "copy.yaml").write_text("source: وكالة الأنباء القطرية\n", "utf-8")
    project = Project.at(site_root)
    report = build_site(project)
    warnings = " ".join(report.warnings)
    assert f"{first.stem}.en.md" not in warnings
    assert (
        f"{other.stem}.en.md has neither a title nor text: "
        "the English page shows the machine translation"
    ) in warnings
    without = build_site_without_sidecars(site_root)
    assert report.translated + report.cached == without  # every text of theirs is translated
    [page] = [
        p
        for p in story_pages(site_root / "site", "ar")
        if "وكالة الأنباء القطرية" in p.read_text(encoding="utf-8")
    ]
    arabic = page.read_text(encoding="utf-8")
    assert "النص نفسه كما في:" in arabic and "النص كله وارد في:" not in arabic
    english = (site_root / "site" / "en" / page.relative_to(site_root / "site" / "ar")).read_text(
        encoding="utf-8"
    )
    assert "Translation not available yet" not in english
    assert 'class="notice"' in english  # machine translation, as the notice says
    titles = re.findall(r"<h3[^>]*>([^<]*)</h3>", english)
    assert titles[0] == "A new stage of the partnership"
    assert all(title.strip() for title in titles)


def build_site_without_sidecars(site_root: Path) -> int:
    """The texts a build of ``site_root`` without its English sidecars translates or finds
    in the cache (in a copy: the site itself is left as it is)."""
    copy = site_root.parent / (site_root.name + "-plain")
    shutil.copytree(site_root / "content", copy / "content")
    for sidecar in (copy / "content").glob("*.en.md"):
        sidecar.unlink()
    report = build_site(Project.at(copy))
    return report.translated + report.cached


def test_an_english_sidecar_that_cannot_be_used_is_named_and_the_article_kept(
    site_root: Path,
) -> None:
    """Front matter that is not YAML, or not a mapping, or a file that is not text: the
    build warns with the file's name (and the line), the English page shows the machine
    translation (none of the file's text, no YAML as prose), and the article is on the
    site. An unknown key, or a title that is not text, is left out, with a warning."""
    content = site_root / "content"
    seeds = sorted(content.glob("*.txt"))
    broken = {
        seeds[0]: '---\ntitle: "unclosed\nfoo: [1, 2\n---\nBody of a broken sidecar.\n',
        seeds[1]: "---\n- a\n- b\n---\nBody of a list sidecar.\n",
        seeds[2]: b"\xff\xfe\x00\xd8garbage",
    }
    for seed, text in broken.items():
        sidecar = content / f"{seed.stem}.en.md"
        if isinstance(text, bytes):
            sidecar.write_bytes(text)
        else:
            sidecar.write_text(text, encoding="utf-8")
    (content / f"{seeds[3].stem}.en.md").write_text(
        "---\ntitle: [a, b]\ntranslator: Jane Doe\n---\nThe editor's own English text.\n",
        encoding="utf-8",
    )
    report = build_site(Project.at(site_root))
    assert not report.errors and report.articles == 5
    said = "\n".join(report.warnings)
    assert f"{seeds[0].stem}.en.md: front matter is not valid YAML at line" in said
    assert f"{seeds[1].stem}.en.md: front matter must be a mapping" in said
    assert f"{seeds[2].stem}.en.md: not UTF-8 text" in said
    assert said.count("the English page shows the machine translation instead") == 3
    assert f"{seeds[3].stem}.en.md: front matter has unknown key 'translator'" in said
    assert f"{seeds[3].stem}.en.md: title must be text, not ['a', 'b']: left out" in said
    english = "".join(
        page.read_text(encoding="utf-8") for page in story_pages(site_root / "site", "en")
    )
    assert "Body of a" not in english and "unclosed" not in english and "<hr" not in english
    assert "The editor&#39;s own English text." in english
