"""A big site's search index comes in shards: an edit re-indexes its story's shard only,
and the search page searches every shard."""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

import pytest
from preview_support import MARKER_WORD, fresh_build, site_files
from reader_support import chromium, serve

from digest.build import Project, build_site, load_articles
from digest.group import group_stories
from digest.search_index import BUNDLE_DIR, in_shard, shard_dir, shard_of, shard_plan

ROOT = Path(__file__).resolve().parent.parent


def _generate(target: Path, articles: int) -> Path:
    spec = importlib.util.spec_from_file_location("generate_site", ROOT / "bench/generate_site.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.generate(target, articles)


@pytest.fixture(scope="module")
def edited(tmp_path_factory: pytest.TempPathFactory):
    """A generated site built, then one article in a story of shard 1 or later edited and
    the site built again: (project, bundle files before the edit, the edited story)."""
    project = Project.at(_generate(tmp_path_factory.mktemp("shards"), 200))
    build_site(project)
    before = {p: d for p, d in site_files(project.output).items() if p.startswith(BUNDLE_DIR)}
    stories = group_stories(load_articles(project.content)[0])
    shards = shard_plan([s.slug for s in stories])
    story = next(s for s in stories if shard_of(s.slug, shards) > 0)
    article = project.content / story.articles[0].source
    text = article.read_text(encoding="utf-8")
    article.write_text(text + f"\n\nوأضاف المراسل أن {MARKER_WORD} حاضرة.\n", encoding="utf-8")
    report = build_site(project)
    assert report.cleaned == 1
    return project, before, story, shards


def test_a_big_site_is_indexed_in_shards_merged_by_the_search_page(edited) -> None:
    project, _, _, shards = edited
    assert shards >= 2
    site = project.output
    search_page = (site / "ar" / "search" / "index.html").read_text(encoding="utf-8")
    merged = " ".join(f"../../{shard_dir(i)}/" for i in range(1, shards))
    assert f'data-merge="{merged}"' in search_page
    for i in range(1, shards):
        shard = site / shard_dir(i)
        assert (shard / "pagefind-entry.json").is_file() and any(shard.glob("*.pf_meta"))
        assert not (shard / "pagefind.js").exists()  # the code comes from the main bundle
    assert (site / BUNDLE_DIR / "pagefind.js").is_file()


def test_an_edit_reindexes_only_its_shard_and_equals_a_fresh_build(edited, tmp_path) -> None:
    project, before, story, shards = edited
    after = {p: d for p, d in site_files(project.output).items() if p.startswith(BUNDLE_DIR)}
    edited_shard = shard_dir(shard_of(story.slug, shards))
    for i in range(shards):
        folder = shard_dir(i)
        old = {p: d for p, d in before.items() if in_shard(p, folder)}
        new = {p: d for p, d in after.items() if in_shard(p, folder)}
        assert (old != new) == (folder == edited_shard), folder
    assert site_files(project.output) == fresh_build(project, tmp_path)


@pytest.mark.browser
def test_search_finds_a_story_of_a_merged_shard(edited) -> None:
    project, _, story, _ = edited
    with serve(project.output) as base, chromium() as browser:
        page = browser.new_page()
        page.goto(f"{base}ar/search/?q={MARKER_WORD}")
        page.wait_for_selector(".pagefind-ui__result-link", timeout=15_000)
        links = page.eval_on_selector_all(
            ".pagefind-ui__result-link", "links => links.map(a => a.getAttribute('href'))"
        )
        page.close()
    assert {link.split("#")[0] for link in links} == {f"/ar/stories/{story.slug}/"}


def test_a_small_site_has_one_bundle(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "tests" / "fixtures" / "seeds", tmp_path / "content")
    project = Project.at(tmp_path)
    build_site(project)
    bundle = project.output / BUNDLE_DIR
    assert (bundle / "pagefind-entry.json").is_file()
    assert not [p for p in bundle.iterdir() if p.name.isdigit()]
    assert 'data-merge=""' in (project.output / "en/search/index.html").read_text("utf-8")


def test_a_deleted_site_or_bundle_file_is_indexed_again(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "tests" / "fixtures" / "seeds", tmp_path / "content")
    project = Project.at(tmp_path)
    build_site(project)
    first = site_files(project.output)
    (project.output / BUNDLE_DIR / "pagefind-entry.json").unlink()
    build_site(project)
    assert site_files(project.output) == first
    shutil.rmtree(project.output)
    build_site(project)
    assert site_files(project.output) == first


def test_indexed_part_is_what_pagefind_reads() -> None:
    from digest.search_index import indexed_part

    page = (
        b'<!DOCTYPE html>\n<html lang="ar" dir="rtl"><head><title>T</title></head><body>'
        b"<nav>menu</nav><article class=story data-pagefind-body><h1>H</h1>"
        b"<article>one</article><article><p>two</p></article>"
        b"<p data-pagefind-ignore>meta</p></article><aside>related</aside></body></html>"
    )
    part = indexed_part(page)
    assert b"two" in part and b"meta" in part and b'lang="ar"' in part and b"<title>T" in part
    assert b"related" not in part and b"menu" not in part
    assert indexed_part(page.replace(b"related", b"other stories")) == part  # outside
    assert indexed_part(page.replace(b"two", b"2")) != part  # inside the body
    assert indexed_part(page.replace(b'lang="ar"', b'lang="en"')) != part
    filtered = page.replace(b"<nav>", b"<nav data-pagefind-filter='x'>")  # another mark
    assert indexed_part(filtered) == filtered
    unmarked = page.replace(b" data-pagefind-body", b"")
    assert indexed_part(unmarked) == unmarked
    unclosed = page.replace(b"</article><aside>", b"<aside>")
    assert indexed_part(unclosed) == unclosed
