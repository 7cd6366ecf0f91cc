"""Input a user trial got wrong: control characters in articles, digest.toml values of the
wrong shape, binary files named like articles, and entries of content/ that are no files to
read (links in a loop or to nothing, FIFOs)."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import shutil
import subprocess
import sys
import threading
import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path
from typing import Any

import feedparser
import pytest
import yaml
from click.testing import CliRunner
from preview_support import SEEDS, copy_project, wait_for

from digest.build import BuildError, BuildReport, Project, build_site, load_articles
from digest.cli import main
from digest.config import ConfigError, load_config
from digest.incremental import read_and_clean
from digest.serve import DevServer

# What the cleaner reads as an article: a headline, then paragraphs that end as sentences.
HEADLINE = "قمة عربية طارئة في القاهرة"
BODY = (
    "انعقدت القمة العربية الطارئة في القاهرة اليوم بحضور القادة العرب.\n\n"
    "وأصدر القادة بيانا ختاميا يدعو إلى وقف إطلاق النار فورا.\n"
)
CONTROLS = "\x00\x08\x0b\x0c\x1b\x1f\x7f\x9f\ufffe\uffff"
TEXT_SUFFIXES = {".html", ".xml", ".json", ".txt", ".js", ".css"}


def _project(tmp_path: Path, files: dict[str, str | bytes], toml: str = "") -> Project:
    content = tmp_path / "content"
    content.mkdir()
    for name, data in files.items():
        path = content / name
        if isinstance(data, str):
            path.write_text(data, encoding="utf-8")
        else:
            path.write_bytes(data)
    if toml:
        (tmp_path / "digest.toml").write_text(toml, encoding="utf-8")
    return Project.at(tmp_path)


def _output_text(site: Path) -> dict[Path, str]:
    return {
        p: p.read_text(encoding="utf-8")
        for p in site.rglob("*")
        if p.is_file() and p.suffix in TEXT_SUFFIXES
    }


def _words(html: str) -> str:
    """A page's text, tags and entities aside, with its whitespace made single spaces."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


# --- 1. control characters --------------------------------------------------------------


def test_control_characters_in_articles_never_reach_the_site(tmp_path: Path) -> None:
    """Scraped text with backspace, escape and other control characters (which XML cannot
    hold) builds valid feeds and pages without them, its words still apart; in front
    matter and sidecars they no longer make the YAML invalid."""
    scraped = (
        "قمة\x08 عربية \x1bطارئة في القاهرة\n\n"
        "انعقدت القمة العربية\x00 الطارئة في \ufffeالقاهرة اليوم بحضور القادة العرب.\x1b\n\n"
        "وأصدر القادة بيانا\x0bختاميا يدعو إلى وقف\x0cإطلاق النار فورا.\x7f\x9f\uffff\n"
    )
    marked = (
        "---\ntitle: اجتماع\x08 وزراء \x1bالخارجية العرب\nsource: الأهرام\x1b\n---\n\n"
        "اجتمع وزراء الخارجية العرب\x08 في الرياض لبحث الأزمة في السودان.\n"
    )
    project = _project(
        tmp_path,
        {
            "scraped.txt": scraped,
            "marked.md": marked,
            "sidecar.txt": "وصل الرئيس إلى موسكو اليوم لتوقيع معاهدة تعاون مع روسيا.\n",
            "sidecar.yaml": "title: زيارة\x1b الرئيس إلى\x08 موسكو\n",
        },
    )
    report = build_site(project)
    assert report.errors == [] and report.articles == 3
    site = project.output
    for lang in ("ar", "en"):
        feed = feedparser.parse((site / lang / "feed.xml").read_bytes())
        assert not feed.bozo, feed.get("bozo_exception")
        assert len(feed.entries) == 3
    titles = {e.title for e in feedparser.parse((site / "ar/feed.xml").read_bytes()).entries}
    assert titles == {HEADLINE, "اجتماع وزراء الخارجية العرب", "زيارة الرئيس إلى موسكو"}
    ET.parse(site / "sitemap.xml")
    pages = _output_text(site)
    assert any(p.suffix == ".html" for p in pages)
    for path, text in pages.items():
        assert not set(CONTROLS) & set(text), path
    shown = " ".join(_words(t) for p, t in pages.items() if "/ar/stories/" in p.as_posix())
    assert "انعقدت القمة العربية الطارئة في القاهرة اليوم بحضور القادة العرب." in shown
    # a vertical tab (Word's line break) or a form feed ends a line: the words stay apart
    assert "بيانا ختاميا" in shown and "وقف إطلاق النار فورا." in shown
    assert "بياناختاميا" not in shown and "وقفإطلاق" not in shown
    assert "الأهرام" in shown


def test_control_characters_escaped_in_yaml_never_reach_the_feeds(tmp_path: Path) -> None:
    """A scraper that writes front matter with PyYAML writes a scraped title's control
    characters as escapes (``"\\x01"``, ``"\\uFFFE"``), which YAML reads back as the
    characters: they are dropped as in the text, or one title breaks both feeds as XML."""
    moscow = (SEEDS / "001_aa6171b58bcd83fd.txt").read_text(encoding="utf-8").split("\n\n", 1)[1]
    meta = {
        "title": "روسيا\x01 وإيران\x1b توقّعان\ufffe شراكة",
        "date": "2025-01-17",
        "source": "فرانس\x1f 24",
    }
    project = _project(
        tmp_path,
        {
            "moscow.md": f"---\n{yaml.safe_dump(meta, allow_unicode=True)}---\n{moscow}",
            "ashgabat.txt": (SEEDS / "002_ab5b8c60f657b26b.txt").read_text(encoding="utf-8"),
            "ashgabat.yaml": yaml.safe_dump({"title": "بوتين\x07 يلتقي بزشكيان\uffff"}),
            "ashgabat.en.md": '---\ntitle: "Putin\\x08 meets Pezeshkian"\n---\n',
        },
    )
    assert "\\x01" in (project.content / "moscow.md").read_text(encoding="utf-8")
    report = build_site(project)
    assert report.errors == [] and report.articles == 2
    for lang in ("ar", "en"):
        ET.parse(project.output / lang / "feed.xml")  # well-formed XML
        feed = feedparser.parse((project.output / lang / "feed.xml").read_bytes())
        assert not feed.bozo, feed.get("bozo_exception")
        assert len(feed.entries) == 2
    for path, text in _output_text(project.output).items():
        if path.suffix in (".html", ".xml"):  # (Pagefind's scripts hold some of their own)
            assert not set(CONTROLS + "\x01\x07") & set(text), path
    ar = feedparser.parse((project.output / "ar/feed.xml").read_bytes())
    assert {e.title for e in ar.entries} == {"روسيا وإيران توقّعان شراكة", "بوتين يلتقي بزشكيان"}
    assert "فرانس 24" in ar.entries[0].summary
    en = feedparser.parse((project.output / "en/feed.xml").read_bytes())
    assert "Putin meets Pezeshkian" in {e.title for e in en.entries}


def test_a_stray_nul_in_utf8_text_is_dropped_not_reported(tmp_path: Path) -> None:
    project = _project(tmp_path, {"a.txt": f"{HEADLINE}\n\n{BODY}".replace(" اليوم", "\0 اليوم")})
    report = build_site(project)
    assert report.errors == [] and report.articles == 1
    assert not any("\0" in text for text in _output_text(project.output).values())


# --- 2. base_url ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("base_url", "message"),
    [
        (
            "https://x.org/?q=1",
            "digest.toml: base_url must not have a query (?q=1): give the site's folder "
            "URL, like https://x.org/",
        ),
        (
            "https://x.org/news/#top",
            "digest.toml: base_url must not have a fragment (#top): give the site's folder "
            "URL, like https://x.org/news/",
        ),
        (
            "https://x.org/news/index.html",
            "digest.toml: base_url must name a folder, not a file (index.html): give the "
            "site's folder URL, like https://x.org/news/",
        ),
        (
            "https://x.org/news/index.html?page=2",
            "digest.toml: base_url must not have a query (?page=2): give the site's folder "
            "URL, like https://x.org/news/",
        ),
        ("https://x.org/my news/", "digest.toml: base_url must not contain spaces"),
        ("https://x.org/news/ ", "digest.toml: base_url must not contain spaces"),
        ("https://", "digest.toml: base_url has no host name"),
        ("https://x.org:99999/", "digest.toml: base_url's port is no port (1-65535)"),
    ],
)
def test_a_base_url_that_is_not_a_folder_url_is_refused(
    tmp_path: Path, base_url: str, message: str
) -> None:
    project = _project(tmp_path, {"a.txt": f"{HEADLINE}\n\n{BODY}"}, f'base_url = "{base_url}"\n')
    with pytest.raises(BuildError) as failure:
        build_site(project)
    assert str(failure.value).startswith(message)
    assert not project.output.exists()


def test_the_cli_says_which_base_url_to_give(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _project(tmp_path, {"a.txt": f"{HEADLINE}\n\n{BODY}"}, 'base_url = "https://x.org/?q=1"\n')
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["build"])
    assert result.exit_code != 0
    said = " ".join(result.output.split())
    assert "base_url must not have a query (?q=1)" in said
    assert "like https://x.org/" in said and "?q=1/ar/" not in said


@pytest.mark.parametrize(
    ("base_url", "used"),
    [
        ("https://x.org", "https://x.org/"),
        ("http://x.org/", "http://x.org/"),
        ("https://x.org/news", "https://x.org/news/"),
        ("https://x.org:8443/a/b.v2/", "https://x.org:8443/a/b.v2/"),
        # An address in Arabic script is written as feeds and sitemaps need it: ASCII.
        ("https://أخبار.مصر/ملخص", "https://xn--igbicxr.xn--wgbh1c/%D9%85%D9%84%D8%AE%D8%B5/"),
        ("https://x.org/%D9%85/", "https://x.org/%D9%85/"),  # escapes are kept, not escaped
        # feed readers and search engines compare URLs as strings: one spelling of each
        ("https://News.Example.ORG/Digest/", "https://news.example.org/Digest/"),
        ("HTTPS://x.org/digest", "https://x.org/digest/"),
        ("https://x.org:443/digest/", "https://x.org/digest/"),
        ("http://x.org:80/", "http://x.org/"),
        ("http://x.org:443/", "http://x.org:443/"),
        ("https://x.org:/digest/", "https://x.org/digest/"),
        ("https://x.org:8443/digest/", "https://x.org:8443/digest/"),
        ("https://[::1]:8080/digest/", "https://[::1]:8080/digest/"),
        # empty and dot segments: a path is where the site is, written one way
        ("https://x.org//", "https://x.org/"),
        ("https://x.org/digest//", "https://x.org/digest/"),
        ("https://x.org//digest/", "https://x.org/digest/"),
        ("https://x.org/a/../digest/./", "https://x.org/digest/"),
    ],
)
def test_folder_urls_are_accepted(tmp_path: Path, base_url: str, used: str) -> None:
    (tmp_path / "digest.toml").write_text(f'base_url = "{base_url}"\n', encoding="utf-8")
    assert load_config(tmp_path / "digest.toml").base_url == used


# --- 3. text settings of another type ---------------------------------------------------


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ("[title]\nar = 5\n", "digest.toml: title.ar must be text, not 5 (an integer)"),
        ("[title]\nen = true\n", "digest.toml: title.en must be text, not true (a true/false"),
        ("[description]\nen = 1.5\n", "digest.toml: description.en must be text, not 1.5"),
        ("[description]\nar = [1, 2]\n", "digest.toml: description.ar must be text, not [1, 2]"),
        ("[title.ar]\nx = 1\n", "digest.toml: title.ar must be text, not a table"),
        ("title = 5\n", "digest.toml: title must be text or a table with ar and en, not 5"),
        ('[outlets]\n"الفجر" = 3\n', 'outlets."الفجر" must be text, not 3 (an integer)'),
        ('[outlets]\n"الفجر" = " "\n', 'outlets."الفجر" is empty'),
        # a setting appended below a table is in that table: said so, not an outlet
        (
            '[outlets]\n"الفجر" = "El Fagr"\nbase_url = "https://news.example/"\n',
            "digest.toml: base_url is under [outlets], so it is read as part of that table: "
            "move it above the first [table] line",
        ),
        ('[title]\nar = "الموجز"\npage_size = 10\n', "page_size is under [title]"),
        # TOML's escapes give characters XML cannot hold: each would break both feeds
        (
            '[title]\nen = "The Digest\\u0001"\n',
            "digest.toml: title.en holds a control character (U+0001), which feeds and pages "
            "cannot hold: remove it",
        ),
        ('title = "الموجز\\b"\n', "digest.toml: title holds a control character (U+0008)"),
        ('[description]\nar = "\\uFFFF"\n', "description.ar holds a control character (U+FFFF)"),
        ('[outlets]\n"الفجر" = "El\\u001bFagr"\n', 'outlets."الفجر" holds a control character'),
        ('[outlets]\n"الفجر\\u007f" = "El Fagr"\n', "outlets holds a control character (U+007F)"),
    ],
)
def test_text_settings_must_be_text(tmp_path: Path, toml: str, message: str) -> None:
    project = _project(tmp_path, {"a.txt": f"{HEADLINE}\n\n{BODY}"}, toml)
    with pytest.raises(BuildError) as failure:
        build_site(project)
    assert message in str(failure.value)


def test_text_settings_in_both_forms_still_work(tmp_path: Path) -> None:
    config = tmp_path / "digest.toml"
    config.write_text('title = "موجز"\n[description]\nen = "News"\n', encoding="utf-8")
    loaded = load_config(config)
    assert loaded.title == {"ar": "موجز", "en": "موجز"}
    assert loaded.description["en"] == "News" and loaded.description["ar"]
    # one Arabic title for both: the English pages show Arabic as their title; said so
    assert loaded.notes == (
        'digest.toml: title = "موجز" is one text for both languages, in Arabic letters: the '
        "English pages and feed show it too; give each language its own, "
        '[title] ar = "..." and en = "..."',
    )
    config.write_text('title = "Nile Digest"\n', encoding="utf-8")  # a Latin name: as meant
    assert load_config(config).notes == ()
    config.write_text('title = "موجز"\n', encoding="utf-8")  # the build warns
    report = build_site(_project(tmp_path, {"a.txt": f"{HEADLINE}\n\n{BODY}"}))
    assert any(w.startswith('digest.toml: title = "موجز" is one text') for w in report.warnings)
    config.write_text("[title]\nfr = 'x'\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"title has unknown language\(s\) \['fr'\]"):
        load_config(config)


# --- 4. binary files named like articles ------------------------------------------------

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (PNG, "not a text article (binary data, looks like a PNG image); move it out of content/"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01", "(binary data, looks like a JPEG image)"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", "(binary data, looks like a PDF document)"),
        (b"PK\x03\x04\x14\x00\x06\x00\x08\x00", "looks like a zip archive, such as a Word .docx"),
        (bytes(2048), "not a text article (binary data); move it out of content/"),
        (b"\x01\x02\x00\x9a\xfe\x00\x11\x00\x80", "not a text article (binary data);"),
    ],
)
def test_a_binary_file_named_like_an_article_is_not_text(
    tmp_path: Path, data: bytes, message: str
) -> None:
    project = _project(tmp_path, {"a.txt": f"{HEADLINE}\n\n{BODY}", "x.txt": data})
    report = build_site(project)
    [error] = report.errors
    assert error.path == "x.txt" and message in error.message
    assert "UTF-8" not in error.message
    assert str(error).startswith("x.txt: not a text article (binary data")
    assert report.articles == 1


@pytest.mark.parametrize(
    ("data", "hint"),
    [
        (f"{HEADLINE}\n\n{BODY}".encode("utf-16"), "it is UTF-16: it starts with"),
        (f"{HEADLINE}\n\n{BODY}".encode("utf-16-le"), "it reads as UTF-16 without"),
        ("خبر عاجل".encode("utf-16-be"), "it reads as UTF-16 without"),
        (b"\xff\xfe\x00 not utf-8 \xc3\x28", "it is UTF-16"),
    ],
)
def test_utf16_with_its_nul_bytes_is_still_named_utf16(
    tmp_path: Path, data: bytes, hint: str
) -> None:
    report = build_site(_project(tmp_path, {"a.txt": f"{HEADLINE}\n\n{BODY}", "x.txt": data}))
    [error] = report.errors
    assert error.message.startswith(f"not UTF-8 text ({hint}")
    assert error.message.endswith("save the file as UTF-8")


def test_a_file_cut_off_mid_character_is_named_as_cut_off(tmp_path: Path) -> None:
    """A seed whose last letter lost a byte (a download or copy cut short) is UTF-8 all the
    same: "save the file as UTF-8" told the editor nothing; a file in Windows-1256 is
    still named so."""
    seed = next(SEEDS.glob("000_*.txt")).read_text(encoding="utf-8")
    cut = seed.rstrip(" .\n").encode()[:-1]  # its last letter's last byte
    english = "The president arrived in Moscow —".encode()[:-1]
    files = {"a.txt": cut, "b.txt": seed.encode("cp1256", "replace"), "c.md": BODY}
    report = build_site(_project(tmp_path, {**files, "c.en.md": english}))
    cut_off = (
        "ends in the middle of a character, as a file cut off while it was saved or copied "
        "does: check its end, save it again in full"
    )
    assert [str(e) for e in report.errors] == [
        f"a.txt: {cut_off}",
        "b.txt: not UTF-8 text (invalid byte at offset 0; it reads as Windows-1256 (Arabic "
        "Windows)); save the file as UTF-8",
    ]
    assert _warnings_about(report, "c.md") == [
        f"c.md: c.en.md: {cut_off}; the English page shows the machine translation instead"
    ]


def test_a_web_page_saved_under_an_articles_name_is_named(tmp_path: Path) -> None:
    """A page a browser saved (its markup around a seed's paragraphs), named .txt or .md
    or as an English sidecar, is reported by name; it was read as text, its headline a
    run of tags and its story page full of markup."""
    seed = next(SEEDS.glob("000_*.txt")).read_text(encoding="utf-8")
    paragraphs = "".join(f"<p>{line}</p>\n" for line in seed.splitlines() if line.strip())
    page = (
        "<!-- saved from url=(0032)https://example.org/news/1234 -->\n<!DOCTYPE html>\n"
        f'<html lang="ar" dir="rtl"><head><title>خبر</title></head><body>\n{paragraphs}'
        "</body></html>\n"
    )
    english = "<html><body><h1>A new stage</h1><p>The president arrived.</p></body></html>"
    files = {"a.txt": page, "b.md": page.upper(), "c.txt": seed, "c.en.md": english}
    report = build_site(_project(tmp_path, files))
    assert [str(e) for e in report.errors] == [
        f"{name}: a web page (HTML), not text: save the page as text, or copy its text into "
        "the file"
        for name in ("a.txt", "b.md")
    ]
    assert _warnings_about(report, "c.txt") == [
        "c.txt: c.en.md: a web page (HTML), not text: save the page as text, or copy its "
        "text into the file; the English page shows the machine translation instead"
    ]
    assert report.articles == 1
    pages = [p.read_text(encoding="utf-8") for p in (tmp_path / "site").rglob("*.html")]
    assert pages and not [page for page in pages if "&lt;p&gt;" in page or "&lt;/p" in page]


def test_a_binary_sidecar_is_named(tmp_path: Path) -> None:
    project = _project(
        tmp_path, {"a.txt": f"{HEADLINE}\n\n{BODY}", "a.yaml": PNG, "b.md": BODY, "b.en.md": PNG}
    )
    report = build_site(project)
    errors = {e.path: str(e) for e in report.errors}
    assert errors == {
        "a.txt": "a.txt: a.yaml: not a text file (binary data, looks like a PNG image); "
        "move it out of content/",
    }
    # a translation that cannot be read costs the article nothing but its English
    assert report.articles == 1
    assert (
        "b.md: b.en.md: not a text file (binary data, looks like a PNG image); move it out of "
        "content/; the English page shows the machine translation instead" in report.warnings
    )


def test_files_without_read_permission_are_named_plainly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An article, a NAME.yaml or a NAME.en.md the build may not read (its permissions;
    tests run as root, who may, so reading is refused here as the system would): named
    without an errno or a full path; an English sidecar costs only the English."""
    import digest.source

    project = _project(
        tmp_path,
        {
            "a.txt": f"{HEADLINE}\n\n{BODY}",
            "b.txt": f"{HEADLINE} الثانية\n\n{BODY}",
            "b.yaml": "title: x\n",
            "c.txt": f"{HEADLINE} الثالثة\n\n{BODY}",
            "c.en.md": "An English title\n",
            "d.txt": f"{HEADLINE} الرابعة\n\n{BODY}",
        },
    )
    read = digest.source._read_regular
    locked = {"a.txt", "b.yaml", "c.en.md"}

    def refused(path: Path) -> bytes:
        if path.name in locked:
            raise PermissionError(13, "Permission denied", str(path))
        return read(path)

    monkeypatch.setattr(digest.source, "_read_regular", refused)
    report = build_site(project)
    assert {e.path: e.message for e in report.errors} == {
        "a.txt": "cannot be read: permission denied",
        "b.txt": "b.yaml cannot be read: permission denied",
    }
    assert report.articles == 2  # c.txt (its English left out) and d.txt
    assert (
        "c.txt: c.en.md: cannot be read (permission denied); the English page shows the "
        "machine translation instead" in report.warnings
    )


def test_a_folder_that_may_not_be_read_is_named_and_the_rest_built(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """content/sub/ without read permission (refused here as the system would: tests run
    as root): a warning names it, the other articles are built."""
    project = _project(tmp_path, {"a.txt": f"{HEADLINE}\n\n{BODY}"})
    (project.content / "sub").mkdir()
    (project.content / "sub" / "b.txt").write_text(f"{HEADLINE} الثانية\n\n{BODY}", "utf-8")
    scandir = os.scandir

    def refused(path: Any) -> Any:
        if str(path).endswith("sub"):
            raise PermissionError(13, "Permission denied", str(path))
        return scandir(path)

    monkeypatch.setattr(os, "scandir", refused)
    report = build_site(project)
    assert report.articles == 1 and not report.errors
    assert (
        "sub/ cannot be read (permission denied): the articles in it are left out; check the "
        "folder's permissions" in report.warnings
    )


def test_the_cli_names_a_binary_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _project(tmp_path, {"a.txt": f"{HEADLINE}\n\n{BODY}", "x.txt": PNG})
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["build"])
    assert result.exit_code == 1
    said = " ".join(result.output.split())
    assert "x.txt: not a text article (binary data, looks like a PNG image)" in said
    assert "save the file as UTF-8" not in said


def test_links_that_give_no_articles_are_named(tmp_path: Path) -> None:
    """A linked file is read as any other; a link to a folder (not read) and an article's
    link to nothing are warnings, not silence."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "linked.txt").write_text(f"{HEADLINE}\n\n{BODY}\nفقرة أخرى.\n", "utf-8")
    project = _project(tmp_path, {"a.txt": f"{HEADLINE}\n\n{BODY}"})
    (project.content / "archive").symlink_to(elsewhere, target_is_directory=True)
    (project.content / "linked.txt").symlink_to(elsewhere / "linked.txt")
    (project.content / "gone.txt").symlink_to(tmp_path / "missing.txt")
    report = build_site(project)
    assert report.articles == 2  # a.txt and the linked file
    links = [w for w in report.warnings if " is a link " in w]
    assert links == [
        "archive is a link to a folder, which digest does not read: move or copy its "
        "articles into content/",
        f"gone.txt is a link to {tmp_path / 'missing.txt'}, which does not exist",
    ]


# --- 5. entries of content/ that are no files to read -----------------------------------

REPO = Path(__file__).resolve().parent.parent


def _warnings_about(report: BuildReport, *names: str) -> list[str]:
    return [w for w in report.warnings if w.startswith(names)]


def test_a_link_loop_is_named_and_the_rest_builds(tmp_path: Path) -> None:
    project = _project(tmp_path, {"a.txt": f"{HEADLINE}\n\n{BODY}"})
    (project.content / "loop.txt").symlink_to("loop.txt")
    (project.content / "b.md").symlink_to("c.md")
    (project.content / "c.md").symlink_to("b.md")
    (project.content / "a.yaml").symlink_to("a.yaml")  # the sidecar is named too
    report = build_site(project)
    assert report.errors == [] and report.articles == 1
    assert _warnings_about(report, "loop.txt", "b.md", "c.md", "a.yaml") == [
        "a.yaml is a link to a.yaml: a loop of links, no file",
        "b.md is a link to c.md: a loop of links, no file",
        "c.md is a link to b.md: a loop of links, no file",
        "loop.txt is a link to loop.txt: a loop of links, no file",
    ]


def test_a_fifo_named_like_an_article_is_never_opened(tmp_path: Path) -> None:
    """Reading a FIFO waits for a writer forever: the build names it and goes on (run as
    ``digest build`` in a process of its own, so that a build that waits fails the test)."""
    project = _project(tmp_path, {"a.txt": f"{HEADLINE}\n\n{BODY}"})
    os.mkfifo(project.content / "x.txt")
    os.mkfifo(project.content / "a.yaml")
    (project.content / "piped.md").symlink_to("x.txt")
    for path in project.content.iterdir():  # older than the "racy" window: the second build
        os.utime(path, (1e9, 1e9), follow_symlinks=False)  # trusts their stamps at once
    env = {**os.environ, "PYTHONPATH": str(REPO)}  # this checkout's digest, not an installed one
    for _ in range(2):  # and the no-op check that follows
        done = subprocess.run(
            [sys.executable, "-m", "digest", "build"],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 0, done.stderr
        said = done.stdout + done.stderr
        for name in ("x.txt", "a.yaml", "piped.md"):
            assert f"{name} is not a regular file (a named pipe): digest does not read it" in said
        assert ": 1 article" in said
    assert "nothing changed" in said
    assert (project.output / "index.html").is_file()


def test_a_fifo_is_not_read_even_if_it_comes_after_the_walk(tmp_path: Path) -> None:
    """Replaced by a FIFO between the walk and the reading: an error, at once."""
    content = tmp_path / "content"
    content.mkdir()
    os.mkfifo(content / "x.txt")
    found: list[object] = []
    reader = threading.Thread(
        target=lambda: found.append(read_and_clean(content, "x.txt", None)), daemon=True
    )
    reader.start()
    reader.join(30)
    assert _released(reader, content / "x.txt"), "reading a FIFO waited for a writer"
    [(_, article, error)] = found
    assert article is None
    assert str(error) == "x.txt: not a regular file (a named pipe): digest does not read it"


def _released(thread: threading.Thread, fifo: Path) -> bool:
    """False if ``thread`` still runs (it waits to read ``fifo``, presumably): then a writer
    that comes and goes lets it read the end of the data and finish, not linger."""
    if not thread.is_alive():
        return True
    with contextlib.suppress(OSError):
        os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
    thread.join(10)
    return False


@pytest.mark.parametrize("kind", ["dangling", "loop"])
def test_adding_or_removing_a_broken_link_is_a_change(tmp_path: Path, kind: str) -> None:
    """The no-op check stamps links to nothing too: a new one is named at once."""
    project = copy_project(tmp_path)
    assert not build_site(project).skipped
    assert build_site(project).skipped
    link = project.content / "gone.txt"
    link.symlink_to(tmp_path / "missing.txt" if kind == "dangling" else "gone.txt")
    warning = {
        "dangling": f"gone.txt is a link to {tmp_path / 'missing.txt'}, which does not exist",
        "loop": "gone.txt is a link to gone.txt: a loop of links, no file",
    }[kind]
    report = build_site(project)
    assert not report.skipped and _warnings_about(report, "gone.txt") == [warning]
    report = build_site(project)
    assert report.skipped and _warnings_about(report, "gone.txt") == [warning]
    link.unlink()
    report = build_site(project)
    assert not report.skipped and _warnings_about(report, "gone.txt") == []
    assert report.articles == 5


def test_serve_names_a_fifo_and_goes_on_watching(tmp_path: Path) -> None:
    """The first build and a rebuild on the watcher's event name a FIFO, and wait for none."""
    project = _project(tmp_path, {"a.txt": f"{HEADLINE}\n\n{BODY}"})
    os.mkfifo(project.content / "x.txt")
    lines: list[str] = []
    server = DevServer(project, "127.0.0.1", 0, log=lines.append)
    starting = threading.Thread(target=server.start, daemon=True)
    starting.start()
    starting.join(60)
    assert _released(starting, project.content / "x.txt"), "the first build waited"
    try:
        assert (
            "  warning: x.txt is not a regular file (a named pipe): digest does not read it"
            in lines
        )
        os.mkfifo(project.content / "y.md")
        wait_for(
            lambda: any(line.startswith("  warning: y.md is not a regular file") for line in lines),
            "the new FIFO named",
        )
    finally:
        server.stop()


def test_a_date_still_to_come_is_named(tmp_path: Path) -> None:
    """A mistyped year (9999) would list its story first until that day: the build warns,
    naming the file and the date; today's and tomorrow's reports (another time zone) and
    old ones are fine."""
    today = dt.date.today()
    files = {
        f"{name}.md": f"---\ntitle: {HEADLINE} {name}\ndate: {day}\n---\n\n{BODY}\n"
        for name, day in (
            ("typo", "9999-12-31"),
            ("today", today.isoformat()),
            ("tomorrow", (today + dt.timedelta(days=1)).isoformat()),
            ("old", "1850-01-01"),
        )
    }
    report = build_site(_project(tmp_path, files))
    dated = [w for w in report.warnings if "still to come" in w]
    assert dated == [
        "typo.md: dated 9999-12-31, which is still to come: is the year right? "
        "(its story is listed by that date)"
    ]


def test_a_hijri_date_is_named(tmp_path: Path) -> None:
    """1446-09-04 (4 Ramadan 1446, in March 2025) read as Gregorian would list the story
    six centuries back: the build warns; an old Gregorian date (1850) is fine."""
    files = {
        f"{name}.md": f"---\ntitle: {HEADLINE} {name}\ndate: {day}\n---\n\n{BODY}\n"
        for name, day in (("hijri", "1446-09-04"), ("arabic", "١٤٤٦-٠٩-٠٤"), ("old", "1850-01-01"))
    }
    report = build_site(_project(tmp_path, files))
    assert [w for w in report.warnings if "Hijri" in w] == [
        f"{name}.md: dated 1446-09-04: is that a Hijri date? Dates are Gregorian "
        "(YYYY-MM-DD): give the day in that calendar (its story is listed by that date)"
        for name in ("arabic", "hijri")
    ]


@pytest.mark.parametrize("ahead", [True, False], ids=["after-today", "hijri"])
def test_many_dates_still_to_come_are_counted_not_listed(tmp_path: Path, ahead: bool) -> None:
    """A batch dated a year ahead, or in a Hijri year (40 files): five are named, the
    others counted in one line, not forty lines of the same warning."""
    day = (dt.date.today() + dt.timedelta(days=365)).isoformat() if ahead else "1446-09-04"
    files = {
        f"a{n:02}.md": f"---\ntitle: {HEADLINE} {n}\ndate: {day}\n---\n\n{BODY} {n}\n"
        for n in range(40)
    }
    report = build_site(_project(tmp_path, files))
    words = ("still to come", "after today") if ahead else ("Hijri",)
    dated = [w for w in report.warnings if any(word in w for word in words)]
    assert [w.split(":")[0] for w in dated[:5]] == [
        "a00.md",
        "a01.md",
        "a02.md",
        "a03.md",
        "a04.md",
    ]
    which = "after today" if ahead else "in Hijri-looking years"
    assert dated[5:] == [
        f"and 35 more articles dated {which} (up to {day}): `digest articles --json` "
        "lists every article's date"
    ]


def test_a_linked_output_folder_is_built_through_its_link(tmp_path: Path) -> None:
    """``site -> www`` (a web root): the new site goes into www and the link stays; a link
    to nothing is refused by name, not a traceback."""
    project = _project(tmp_path, {"a.txt": f"{HEADLINE}\n\n{BODY}"})
    build_site(replace(project, output=tmp_path / "www"))
    (tmp_path / "site").symlink_to("www")
    (project.content / "a.txt").write_text(f"{HEADLINE}\n\n{BODY}\n\n{BODY}\n", "utf-8")
    build_site(project)
    assert (tmp_path / "site").is_symlink() and os.readlink(tmp_path / "site") == "www"
    story = next((tmp_path / "www" / "ar" / "stories").glob("*/index.html"))
    assert story.read_text(encoding="utf-8").count(BODY[:40]) >= 2  # the new site, in www
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".site")) == []
    (tmp_path / "nowhere").symlink_to("missing")
    with pytest.raises(BuildError, match=r"output .*nowhere is a link to missing, which does"):
        build_site(replace(project, output=tmp_path / "nowhere"))


# --- a report's address ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "said"),
    [
        ("javascript:alert(1)", "url must be the report's http(s) address, not 'javascript:"),
        ("www.example.org/news/1", "write https://www.example.org/news/1"),
        ("/news/1", "url must be the report's http(s) address, not '/news/1'"),
    ],
)
def test_a_url_that_is_no_web_address_is_refused_by_name(
    tmp_path: Path, url: str, said: str
) -> None:
    """The url is a link on the story page: a script or a path that leads nowhere is not
    one. The article is reported (as for any front matter mistake); the rest build."""
    meta = f"---\ntitle: {HEADLINE}\ndate: 2025-03-04\nurl: '{url}'\n---\n\n{BODY}"
    good = meta.replace(f"'{url}'", "https://news.example.org/2025/03/04/summit")
    project = _project(tmp_path, {"bad.md": meta, "good.md": good.replace("القاهرة", "عمان")})
    report = build_site(project)
    assert [e.path for e in report.errors] == ["bad.md"]
    assert said in report.errors[0].message
    pages = "".join(_output_text(project.output).values())
    assert url not in pages and 'href="https://news.example.org/2025/03/04/summit"' in pages


def test_a_yaml_beside_an_article_overrides_its_outlet_by_either_name(tmp_path: Path) -> None:
    """``source`` and ``outlet`` are one key: a ``NAME.yaml`` giving either overrides the
    front matter's, whichever name that used; one file giving both, differently, is told."""
    text = f"---\ntitle: {HEADLINE}\ndate: 2025-03-04\noutlet: الأهرام\n---\n\n{BODY}"
    project = _project(
        tmp_path,
        {"a.md": text, "a.yaml": "source: الشروق\n", "b.md": text.replace("القاهرة", "عمان")},
    )
    (project.content / "b.yaml").write_text("source: الشروق\noutlet: الوطن\n", "utf-8")
    report = build_site(project)
    [page] = project.output.glob("ar/stories/*/index.html")
    assert "الشروق" in page.read_text(encoding="utf-8")
    assert "الأهرام" not in page.read_text(encoding="utf-8")
    assert [e.path for e in report.errors] == ["b.md"]
    assert "b.yaml gives source 'الشروق' and outlet 'الوطن': they are one key" in str(
        report.errors[0]
    )


def test_a_file_where_the_cache_folder_belongs_is_named(tmp_path: Path) -> None:
    """``.digest-cache`` as a file (a stray copy, a bad restore in CI): named, no traceback,
    and nothing is built over it."""
    project = _project(tmp_path, {"a.txt": f"{HEADLINE}\n\n{BODY}"})
    project.cache_dir.write_text("x", encoding="utf-8")
    with pytest.raises(BuildError, match=r"\.digest-cache is a file where digest keeps its cach"):
        build_site(project)
    assert not project.output.exists() and project.cache_dir.read_text(encoding="utf-8") == "x"


def _tree(folder: Path) -> dict[str, bytes]:
    files = (p for p in folder.rglob("*") if p.is_file())
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in files}


@pytest.mark.parametrize("how", ["emptied", "unreadable"])
def test_a_content_folder_with_no_article_does_not_replace_a_built_site(
    tmp_path: Path, how: str
) -> None:
    """An unmounted share, another branch checked out, every file saved in another
    encoding: the site and its story ids stay as they were, and the message says why and
    how to publish an empty site on purpose."""
    project = _project(tmp_path, {"a.txt": f"{HEADLINE}\n\n{BODY}"})
    build_site(project)
    site, registry = _tree(project.output), project.registry_file.read_bytes()
    article = project.content / "a.txt"
    if how == "emptied":
        article.unlink()
    else:
        article.write_bytes(f"{HEADLINE}\n\n{BODY}".encode("cp1256"))
    with pytest.raises(BuildError) as failure:
        build_site(project)
    message = str(failure.value)
    assert "the last build had 1 story" in message and "delete" in message
    assert ("a.txt" in message) == (how == "unreadable")  # the file's own error, if any
    assert _tree(project.output) == site and project.registry_file.read_bytes() == registry
    shutil.rmtree(project.output)
    project.registry_file.unlink()
    if how == "emptied":
        assert build_site(project).articles == 0  # on purpose: an empty site


@pytest.mark.parametrize(
    ("text", "title", "body"),
    [
        ("--- \ntitle: قمة عربية\n---\n\n" + BODY, "قمة عربية", BODY),  # spaces after ---
        ("---\ntitle: قمة عربية\n---  \n\n" + BODY, "قمة عربية", BODY),
        ("---\n---\n\n" + BODY, None, BODY),  # empty front matter
        ("\n\n---\ntitle: قمة عربية\n---\n" + BODY, "قمة عربية", BODY),  # blank lines first
        ("\ufeff \r\n---\r\ntitle: قمة عربية\r\n---\r\n" + BODY, "قمة عربية", BODY),
    ],
)
def test_front_matter_lines_with_spaces_after_the_dashes_or_nothing_between(
    tmp_path: Path, text: str, title: str | None, body: str
) -> None:
    """Spaces after --- and blank lines before it are invisible in an editor: still front
    matter, never the text (whose headline was "title: ... date: ...")."""
    project = _project(tmp_path, {"a.md": text})
    [article], errors = load_articles(project.content)
    assert errors == []
    assert title is None or article.title == title
    assert "---" not in article.title and "title:" not in " ".join(
        b.plain_text() for b in article.body
    )


def test_front_matter_after_blank_lines_counts_its_lines_from_the_file_and_toml_is_named(
    tmp_path: Path,
) -> None:
    """A mistake in front matter under two blank lines is named at its line in the file;
    Hugo's TOML front matter (+++) is named, in an article and in an English sidecar,
    rather than shown as the headline or the English text."""
    toml = f'+++\ntitle = "{HEADLINE}"\n+++\n'
    project = _project(
        tmp_path,
        {
            "a.md": f"\n\n---\ntitle: عاجل: {HEADLINE}\n---\n{BODY}",
            "b.md": toml + BODY,
            "c.md": f"{HEADLINE}\n\n{BODY}",
            "c.en.md": "+++\ntitle = 'An Arab summit'\n+++\nThe summit met today.\n",
            "d.md": f"{HEADLINE} الثانية\n\n{BODY}",
            "d.en.md": "\n---\ntitle: An Arab summit\n---\nThe summit met today.\n",
        },
    )
    _, errors = load_articles(project.content)
    assert [str(e) for e in errors] == [
        "a.md: front matter is not valid YAML at line 4: a value holds ': ' (put the whole "
        "value in quotes) or the line is indented",
        "b.md: front matter between '+++' lines is TOML, which digest does not read: write "
        "it as YAML between '---' lines (title: ...)",
    ]
    report = build_site(project)
    assert _warnings_about(report, "c.md", "d.md") == [
        "c.md: c.en.md: front matter between '+++' lines is TOML, which digest does not "
        "read: write it as YAML between '---' lines (title: ...); the English page shows "
        "the machine translation instead"
    ]
    [page] = [p.read_text(encoding="utf-8") for p in project.output.glob("en/stories/*/*.html")]
    assert '-title">An Arab summit</h3>' in page  # d.en.md's title, under blank lines
    assert "title:" not in _words(page) and "+++" not in page


def test_front_matter_atop_a_scraped_txt_is_read(tmp_path: Path) -> None:
    """An editor's front matter atop a scraped .txt (a seed) gives its title and date, as
    in a .md (it was dropped as furniture: the cleaner's title and date stood); a mistake
    in it is named; a scraped page's own --- lines stay its text."""
    seed = next(SEEDS.glob("000_*.txt")).read_text(encoding="utf-8")
    project = _project(
        tmp_path,
        {
            "a.txt": f"---\ntitle: {HEADLINE}\ndate: 2025-01-18\n---\n{seed}",
            "b.txt": f"---\ntitle: {HEADLINE}\ndate: 2025-02-30\n---\n{seed}",
            "c.txt": f"{HEADLINE}\n---\n{BODY}---\n",
            # the editor's, with a mistake: its first line was the headline, silently
            "d.txt": f"---\ntitle: عاجل: {HEADLINE}\ndate: 2025-01-18\n---\n{seed}",
            "e.txt": f"---\n\ntitle: {HEADLINE}\n{seed}",  # no closing ---
            "f.txt": f"---\n{seed}",  # a scraped page's rule above its text: the text
        },
    )
    articles, errors = load_articles(project.content)
    assert [str(e) for e in errors] == [
        "b.txt: front matter: date '2025-02-30' does not exist (day is out of range for month)",
        "d.txt: front matter is not valid YAML at line 2: a value holds ': ' (put the whole "
        "value in quotes) or the line is indented",
        "e.txt: front matter starts with '---' but has no closing '---'",
    ]
    a, c, f = articles
    assert f.title and f.body and f.title.split()[0] not in ("---", "title:")  # its own
    assert (a.title, a.date, a.outlet) == (HEADLINE, dt.date(2025, 1, 18), "الأمصار")
    assert "title:" not in " ".join(b.plain_text() for b in a.body)
    assert c.title == HEADLINE and c.body


def test_a_name_starting_with_hash_is_an_article(tmp_path: Path) -> None:
    """#عاجل.txt ("urgent") is an article; emacs's autosave #name# is not."""
    project = _project(
        tmp_path, {"#عاجل.txt": f"{HEADLINE}\n\n{BODY}", "#b.txt#": f"{HEADLINE}\n\n{BODY}"}
    )
    articles, errors = load_articles(project.content)
    assert [a.source for a in articles] == ["#عاجل.txt"] and errors == []


def test_names_one_file_on_macos_or_windows_are_named(tmp_path: Path) -> None:
    """News.txt and news.txt, or an Arabic name in two Unicode forms (NFC, NFD): two
    articles here, one file on another editor's computer."""
    import unicodedata

    name = "إيران.txt"
    project = _project(
        tmp_path,
        {
            "News.txt": f"{HEADLINE}\n\n{BODY}",
            "news.txt": f"{HEADLINE} الثانية\n\n{BODY}",
            unicodedata.normalize("NFC", name): f"{HEADLINE} الثالثة\n\n{BODY}",
            unicodedata.normalize("NFD", name): f"{HEADLINE} الرابعة\n\n{BODY}",
        },
    )
    report = build_site(project)
    alike = [w for w in report.warnings if "on macOS or Windows they are one file" in w]
    assert len(alike) == 2 and "'News.txt' and 'news.txt'" in alike[0] + alike[1]


def test_a_key_given_twice_is_named_with_both_lines(tmp_path: Path) -> None:
    """Two ``title:`` lines (one pasted over the other): YAML kept the last, silently; now
    the file is named with both lines, in front matter, a NAME.yaml and an English
    sidecar (whose page then keeps the machine translation)."""
    project = _project(
        tmp_path,
        {
            "a.md": f"---\ntitle: {HEADLINE}\ndate: 2025-03-04\ntitle: عنوان آخر\n---\n{BODY}",
            "b.md": f"{HEADLINE} الثانية\n\n{BODY}",
            "b.yaml": "source: الأهرام\nsource: الشروق\n",
            "c.md": f"{HEADLINE} الثالثة\n\n{BODY}",
            "c.en.md": "---\ntitle: An Arab summit\ntitle: The Arab summit\n---\nThe summit met.\n",
        },
    )
    _, errors = load_articles(project.content)
    assert [str(e) for e in errors] == [
        "a.md: front matter is not valid YAML at line 4: title is given twice (also at "
        "line 2): keep one",
        "b.md: b.yaml is not valid YAML at line 2: source is given twice (also at line 1): "
        "keep one",
    ]
    report = build_site(project)
    assert _warnings_about(report, "c.md") == [
        "c.md: c.en.md: front matter is not valid YAML at line 3: title is given twice (also "
        "at line 2): keep one; the English page shows the machine translation instead"
    ]


def test_an_english_sidecar_in_arabic_is_named_and_not_shown_as_english(tmp_path: Path) -> None:
    """A NAME.en.md holding the Arabic article (pasted, or the .md saved under the
    sidecar's name) was shown on the English page as its English, marked lang="en"; it is
    named, and the page keeps the machine translation. Arabic names in English text are
    fine."""
    project = _project(
        tmp_path,
        {
            "a.md": f"{HEADLINE}\n\n{BODY}",
            "a.en.md": f"---\ntitle: {HEADLINE}\n---\n{BODY}",
            "b.md": f"{HEADLINE} الثانية\n\n{BODY}",
            "b.en.md": "An emergency Arab summit met in Cairo (القاهرة) today.\n",
        },
    )
    report = build_site(project)
    assert _warnings_about(report, "a.md", "b.md") == [
        "a.md: a.en.md: is in Arabic, not English (most of its letters are Arabic); the "
        "English page shows the machine translation instead"
    ]
    pages = [p.read_text(encoding="utf-8") for p in project.output.glob("en/stories/*/*.html")]
    assert sum("An emergency Arab summit met in Cairo" in page for page in pages) == 1
    [page] = [page for page in pages if "Translation not available yet" in page]
    assert "انعقدت القمة" not in page  # not shown as its English (no model: none at all)
    assert '<h3 id="article-1-title" lang="ar" dir="rtl">' in page  # the title is Arabic


def test_an_outlet_name_no_article_gives_is_named_with_those_like_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An ``[outlets]`` name that no article's outlet goes by (a short form of it, a typo)
    would silently do nothing: the build warns, names the outlets like it, and the CLI
    prints the warning as written (``[outlets]`` is no terminal markup); a name the
    articles give, or give after a word like صحيفة, is not warned about."""
    seeds = Path(__file__).resolve().parent / "fixtures" / "seeds"
    _project(tmp_path, {p.name: p.read_bytes() for p in sorted(seeds.glob("*.txt"))})
    (tmp_path / "digest.toml").write_text(
        '[outlets]\n"الامصار" = "Al-Amsar"\n"بوابة الفجرر" = "Al-Fagr Gate"\n',
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["build"])
    said = " ".join(result.output.split())
    assert (
        'warning: digest.toml: [outlets] "بوابة الفجرر" is not an outlet of the articles '
        "(like: بوابة الفجر); write the name as the articles give it"
    ) in said
    assert "الامصار" not in said  # "الأمصار", as the articles write it
