"""A newsroom over days: two editors building in their own git clones, then merging."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from digest.build import Project, build_site
from digest.story_registry import load_registry

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "tests" / "fixtures" / "seeds"
QUAKE = (
    "---\ntitle: زلزال بقوة 5.3 درجة يضرب جنوب تركيا\ndate: 2025-03-12\nsource: مصراوي\n---\n"
    "ضرب زلزال بقوة 5.3 درجة على مقياس ريختر ولاية ملاطية جنوب شرق تركيا صباح الثلاثاء، "
    "دون أنباء فورية عن إصابات، بحسب هيئة إدارة الكوارث والطوارئ التركية (آفاد).\n"
)
FLOOD = (
    "---\ntitle: سيول جارفة تجتاح محافظة أسوان\ndate: 2025-03-12\nsource: الشروق\n---\n"
    "اجتاحت سيول جارفة قرى محافظة أسوان بعد أمطار غزيرة غير مسبوقة، وأعلنت المحافظة "
    "رفع حالة الطوارئ.\n"
)

needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")


def _git(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["git", "-c", "user.name=Ed", "-c", "user.email=ed@example.org", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
    )


def _editor(origin: Path, where: Path) -> Path:
    """A clone of the newsroom, built once (as an editor starts the day)."""
    _git(origin.parent, "clone", "-q", str(origin), str(where))
    build_site(Project.at(where))
    return where


def _story_of(root: Path, source: str) -> str:
    return load_registry(root / "digest-stories.json").articles[source]


@needs_git
def test_two_editors_registries_merged_by_git_keep_both_sides_ids(tmp_path: Path) -> None:
    """Each editor adds a story and commits the registry their build wrote: git's merge
    of the two leaves conflict markers in it, and the next build reads both sides, keeps
    every story's ID (URL, feed GUIDs) and writes the registry merged, with a warning."""
    newsroom = tmp_path / "newsroom"
    shutil.copytree(SEEDS, newsroom / "content")
    (newsroom / ".gitignore").write_text("site/\n.digest-cache/\n", encoding="utf-8")
    build_site(Project.at(newsroom))
    _git(newsroom, "init", "-q", "-b", "main")
    _git(newsroom, "add", "-A")
    _git(newsroom, "commit", "-qm", "day 1")
    origin = tmp_path / "origin.git"
    _git(tmp_path, "clone", "-q", "--bare", str(newsroom), str(origin))
    a, b = _editor(origin, tmp_path / "a"), _editor(origin, tmp_path / "b")
    (a / "content/zz_quake.md").write_text(QUAKE, encoding="utf-8")
    (b / "content/zz_flood.md").write_text(FLOOD, encoding="utf-8")
    for editor in (a, b):
        build_site(Project.at(editor))
        _git(editor, "add", "-A")
        _git(editor, "commit", "-qm", "day 2")
    quake, flood = _story_of(a, "zz_quake.md"), _story_of(b, "zz_flood.md")
    assert _git(a, "push", "-q", "origin", "main").returncode == 0
    merge = _git(b, "pull", "--no-rebase", "-q", "origin", "main")
    assert "CONFLICT" in merge.stdout + merge.stderr  # what the editors meet
    assert "<<<<<<<" in (b / "digest-stories.json").read_text(encoding="utf-8")

    report = build_site(Project.at(b))
    assert any("conflict markers" in w and "git add" in w for w in report.warnings)
    assert "<<<<<<<" not in (b / "digest-stories.json").read_text(encoding="utf-8")
    assert _story_of(b, "zz_quake.md") == quake and _story_of(b, "zz_flood.md") == flood
    assert (b / "site/ar/stories" / quake / "index.html").is_file()
    assert load_registry(a / "digest-stories.json").articles.items() <= (
        load_registry(b / "digest-stories.json").articles.items()
    )


def test_a_conflicted_registrys_sides_are_read_diff3_style_too(tmp_path: Path) -> None:
    """A diff3 conflict (with the base between ``|||||||`` and ``=======``) is read as its
    two sides, the base left out; an article the sides give two stories has the smaller
    ID, whichever editor merged; a marker without its end is an error."""
    path = tmp_path / "digest-stories.json"
    path.write_text(
        '{\n "articles": {\n  "a.md": "2025-01-01-aaaaaa",\n'
        '<<<<<<< HEAD\n  "b.md": "2025-01-02-bbbbbb",\n  "c.md": "2025-01-03-cccccc"\n'
        '||||||| base\n  "b.md": "2025-01-02-bbbbbb"\n'
        '=======\n  "b.md": "2025-01-02-000000",\n  "d.md": "2025-01-04-dddddd"\n'
        ">>>>>>> theirs\n },\n"
        ' "identities": {}\n}\n',
        encoding="utf-8",
    )
    registry = load_registry(path)
    assert registry.conflicted
    assert dict(registry.articles) == {
        "a.md": "2025-01-01-aaaaaa",
        "b.md": "2025-01-02-000000",
        "c.md": "2025-01-03-cccccc",
        "d.md": "2025-01-04-dddddd",
    }
    path.write_text('{\n<<<<<<< HEAD\n "articles": {}\n}\n', encoding="utf-8")
    with pytest.raises(ValueError, match="without its end"):
        load_registry(path)


def test_a_story_that_grew_gets_its_id_again_without_the_registry() -> None:
    """A newsroom whose registry was never committed (or was deleted) builds from a fresh
    clone: a story that later reports joined gets the ID it was first given, from its
    first report, so its URL and feed GUIDs hold."""
    from digest.build import load_articles
    from digest.group import group_stories

    articles, errors = load_articles(SEEDS)
    assert not errors
    [moscow] = [s for s in group_stories(articles) if len(s.articles) > 1]
    last = max(moscow.articles, key=lambda a: (a.date is None, a.date, a.source))
    first_day = group_stories([a for a in articles if a is not last])
    [before] = [
        s
        for s in first_day
        if any(a.source in {m.source for m in moscow.articles} for a in s.articles)
    ]
    assert before.id == moscow.id


def test_a_deleted_registry_is_named_with_the_stories_whose_urls_change(tmp_path: Path) -> None:
    """An editor deletes ``digest-stories.json``: the build names the published stories
    that now get other IDs and says how to restore it; with none, it says nothing."""
    root = tmp_path / "newsroom"
    shutil.copytree(SEEDS, root / "content")
    registry = root / "digest-stories.json"
    build_site(Project.at(root))
    registry.unlink()
    assert not [w for w in build_site(Project.at(root)).warnings if "missing" in w]
    ids = load_registry(registry).articles
    kept = {"articles": {source: f"kept-{i}" for source, i in ids.items()}}
    registry.write_text(json.dumps(kept), encoding="utf-8")
    build_site(Project.at(root))  # the site's stories now have IDs only the registry gives
    registry.unlink()
    warnings = [w for w in build_site(Project.at(root)).warnings if "missing" in w]
    assert len(warnings) == 1 and "git checkout digest-stories.json" in warnings[0]
    assert all(f"kept-{i}" in warnings[0] for i in ids.values())


LOOKALIKES = ROOT / "tests" / "fixtures" / "grouping" / "lookalikes"


def test_a_story_whose_reports_joined_another_sends_its_readers_on(tmp_path: Path) -> None:
    """Day by day, a second report of the Saudi-Iran deal in Beijing stood as a story of
    its own (its URL published, in the feeds) until a later day's reports made the two one
    story: its address then 404'd. It now keeps a page, in both languages, that sends the
    reader on to the story with its reports (a browser lands there), out of the sitemap;
    the registry keeps the move, so later builds keep the page, until the story that took
    the reports is gone too. A theme without moved.html (older) gets the default's."""
    content = tmp_path / "content"
    content.mkdir()
    for name in ("g1", "g2", "h1", "h2"):  # the deal (two reports), the ministers' meeting
        [report] = LOOKALIKES.glob(f"{name}_*.md")
        shutil.copy(report, content / report.name)
    build_site(Project.at(tmp_path))
    g1, g2 = (next(content.glob(f"{n}_*.md")).name for n in ("g1", "g2"))
    apart = _story_of(tmp_path, g2)
    assert apart != _story_of(tmp_path, g1)  # two stories, each with its page and URL
    [later] = LOOKALIKES.glob("a1_*.md")  # a report of another day, another event
    shutil.copy(later, content / later.name)
    # a theme copied from a digest that had no moved.html: the default's is used
    shutil.copytree(ROOT / "templates", tmp_path / "templates")
    (tmp_path / "templates" / "moved.html").unlink()
    build_site(Project.at(tmp_path))
    merged = _story_of(tmp_path, g2)
    assert merged == _story_of(tmp_path, g1) != apart  # one story now
    assert dict(load_registry(tmp_path / "digest-stories.json").moved) == {apart: merged}
    site = tmp_path / "site"
    for lang in ("ar", "en"):
        page = (site / lang / "stories" / apart / "index.html").read_text(encoding="utf-8")
        assert f'<meta http-equiv="refresh" content="0; url=../{merged}/">' in page
        assert f'<link rel="canonical" href="http://127.0.0.1:8000/{lang}/stories/{merged}/">' in (
            page
        )
        assert f'<html lang="{lang}"' in page and 'name="robots" content="noindex"' in page
    sitemap = (site / "sitemap.xml").read_text(encoding="utf-8")
    assert merged in sitemap and apart not in sitemap
    feeds = "".join((site / lang / "feed.xml").read_text(encoding="utf-8") for lang in ["ar", "en"])
    assert apart not in feeds

    from reader_support import chromium, serve

    with serve(site) as base, chromium() as browser:
        page = browser.new_page()
        page.goto(f"{base}ar/stories/{apart}/")
        page.wait_for_url(f"{base}ar/stories/{merged}/", timeout=10_000)
        assert page.locator("h1").count() == 1
        page.close()

    build_site(Project.at(tmp_path))  # a later build keeps the page
    assert (site / "en" / "stories" / apart / "index.html").is_file()
    for name in ("g1", "g2"):  # the deal's reports all taken out: nowhere to send readers
        next(content.glob(f"{name}_*.md")).unlink()
    build_site(Project.at(tmp_path))
    assert not (site / "ar" / "stories" / apart).exists()
    assert not (site / "ar" / "stories" / merged).exists()
    assert "moved" not in json.loads((tmp_path / "digest-stories.json").read_text("utf-8"))


def test_moves_follow_their_story_and_end_where_an_id_is_a_storys_again() -> None:
    from digest.story_registry import moved_stories

    known = {"1.md": "a", "2.md": "b", "3.md": "b", "4.md": "d", "5.md": "e"}
    index = {"1.md": "a", "2.md": "a", "3.md": "a", "5.md": "e"}
    earlier = {"c": "b", "x": "gone", "e": "a"}
    assert moved_stories(known, index, earlier) == {
        "b": "a",  # its reports joined a's story
        "c": "a",  # an earlier move to b follows b on
    }  # d: its reports are all gone; x: its story too; e: a story's ID again
    # a story split in two, neither part keeping its ID (both pinned, say): it moved to
    # the part with most of its reports, ties to the smaller ID
    known = {"1.md": "a", "2.md": "a", "3.md": "a", "4.md": "a"}
    index = {"1.md": "p", "2.md": "q", "3.md": "q", "4.md": "p"}
    assert moved_stories(known, index, {}) == {"a": "p"}


def test_a_storys_headline_stays_as_other_stories_reports_are_added(tmp_path: Path) -> None:
    """The Saudi–Iran deal in Beijing: its headline report is as central as another, and
    adding the reports of other stories (trial2's) tipped the choice over to the other
    (its first report's title). The registry keeps which report headlines it, and the
    story keeps it while that report is still as central, less a wider margin; a report
    that leaves the story takes its headline with it."""
    lookalikes = ROOT / "tests" / "fixtures" / "grouping" / "lookalikes"
    site = tmp_path / "newsroom"
    (site / "content").mkdir(parents=True)
    for path in lookalikes.glob("*.*"):
        if path.suffix in (".md", ".txt"):
            shutil.copy(path, site / "content" / path.name)
    build_site(Project.at(site))

    def beijing() -> tuple[str, str]:
        registry = load_registry(site / "digest-stories.json")
        story = registry.articles["g1_saudi_iran_beijing_alarabiya.md"]
        feed = (site / "site" / "ar" / "feed.xml").read_text(encoding="utf-8")
        item = feed.split(f"digest-story-{story}-ar")[0].rsplit("<item>", 1)[1]
        return item.split("<title>")[1].split("</title>")[0], registry.headlines.get(story, "")

    before = beijing()
    assert before == (
        "شمخاني: الاتفاق مع السعودية في بكين يزيل سوء الفهم",
        "g3_saudi_iran_beijing_undated.txt",
    )
    for path in (ROOT / "tests" / "fixtures" / "grouping" / "trial2").glob("*.txt"):
        shutil.copy(path, site / "content" / path.name)
    build_site(Project.at(site))
    assert beijing() == before
    # without the registry, the other report's title: what the story had flipped to
    registry = (site / "digest-stories.json").read_bytes()
    (site / "digest-stories.json").unlink()
    build_site(Project.at(site))
    assert beijing()[0].startswith("السعودية وإيران تتفقان في بكين")
    (site / "digest-stories.json").write_bytes(registry)
    build_site(Project.at(site))
    assert beijing() == before
    # the report that gave the headline taken out: the headline goes with it
    (site / "content" / "g3_saudi_iran_beijing_undated.txt").unlink()
    build_site(Project.at(site))
    assert beijing()[0].startswith("السعودية وإيران تتفقان في بكين")
