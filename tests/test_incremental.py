"""Incremental builds redo only what changed, and give the same site as a clean build."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import jinja2.bccache
import pytest
from preview_support import (
    MARKER_WORD,
    copy_project,
    edit_last_paragraph,
    edit_paragraph,
    fresh_build,
    longest_line,
    site_files,
)

from digest.build import Builder, BuildError, build_site
from digest.incremental import STAMP_FILE, STATE_FILE


def test_nothing_changed_skips_everything(tmp_path: Path) -> None:
    project = copy_project(tmp_path)
    first = build_site(project)
    before = site_files(project.output)
    again = build_site(project)
    assert again.skipped
    assert (again.cleaned, again.rendered, again.pages_written, again.pages_deleted) == (0, 0, 0, 0)
    assert (again.articles, again.stories, again.pages) == (
        first.articles,
        first.stories,
        first.pages,
    )
    assert again.warnings == first.warnings  # reported again, not lost
    assert site_files(project.output) == before


def test_an_edit_that_keeps_the_size_and_the_old_time_is_still_built(tmp_path: Path) -> None:
    """``cp -p`` or ``rsync -t`` of a corrected file: a year 2024 made 2023, the size the
    same, the modification time put back. The change time tells it changed."""
    import os

    project = copy_project(tmp_path)
    build_site(project)
    path = project.content / "002_ab5b8c60f657b26b.txt"
    text = path.read_text(encoding="utf-8")
    assert "2024" in text
    before = path.stat()
    path.write_text(text.replace("2024", "2023", 1), encoding="utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert (path.stat().st_size, path.stat().st_mtime_ns) == (before.st_size, before.st_mtime_ns)
    again = build_site(project)
    assert not again.skipped and again.cleaned == 1
    assert site_files(project.output) == fresh_build(project, tmp_path)


def test_edits_one_after_another_rewrite_only_their_pages(tmp_path: Path) -> None:
    """The pages a build keeps are hard-linked into the new site (their change time moves):
    still known as digest's, so the next edit rewrites as few files as the first."""
    project = copy_project(tmp_path)
    build_site(project)
    written = []
    for n in range(3):  # past the lead: the story's summary (and so its feed entry) stays
        edit_last_paragraph(project.content / "002_ab5b8c60f657b26b.txt", f"{MARKER_WORD}{n}")
        written.append(build_site(project).pages_written)
    assert written[1] == written[2] == written[0] and written[0] < 10
    assert site_files(project.output) == fresh_build(project, tmp_path)


def test_one_edit_recleans_one_article_and_matches_a_clean_build(tmp_path: Path) -> None:
    project = copy_project(tmp_path)
    first = build_site(project)
    assert first.cleaned == 5
    edit_paragraph(project.content / "002_ab5b8c60f657b26b.txt")
    second = build_site(project)
    assert not second.skipped
    assert (second.cleaned, second.reused) == (1, 4)
    assert second.changed == ["002_ab5b8c60f657b26b.txt"]
    assert 0 < second.rendered < first.rendered
    assert second.pages_written >= 1
    site = site_files(project.output)
    assert any(MARKER_WORD.encode() in data for data in site.values())
    assert site == fresh_build(project, tmp_path)


def test_an_edit_past_what_grouping_reads_does_not_regroup(tmp_path: Path) -> None:
    """An edit to an article's last paragraph (grouping reads the first ones) re-renders its
    story without grouping again, and gives the site a clean build gives."""
    from digest.group import grouping_view
    from digest.incremental import read_and_clean

    project = copy_project(tmp_path)
    name = "002_ab5b8c60f657b26b.txt"
    build_site(project)
    article = read_and_clean(project.content, name, None)[1]
    assert article is not None and len(grouping_view(article).body) < len(article.body)
    edit_last_paragraph(project.content / name)
    second = build_site(project)
    assert (second.cleaned, second.regrouped, second.rendered) == (1, False, 2)
    site = site_files(project.output)
    assert any(MARKER_WORD.encode() in data for data in site.values())
    assert site == fresh_build(project, tmp_path)


def test_a_failed_search_index_is_made_by_the_next_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """When Pagefind fails in the build that follows a provisional one, the next build
    indexes what the provisional one wrote (the search is not left behind the pages)."""
    import digest.search_index as search_index

    project = copy_project(tmp_path)
    builder = Builder(project, in_place=True, keep_last_good=True)
    builder.build()
    edit_last_paragraph(project.content / "002_ab5b8c60f657b26b.txt")
    assert builder.build(provisional=True).provisional
    collect = search_index.collect

    def crash(runs: list[search_index.BackgroundBundle]) -> dict[str, bytes]:
        collect(runs)
        raise search_index.SearchIndexError("Pagefind crashed")

    monkeypatch.setattr(search_index, "collect", crash)
    with pytest.raises(BuildError, match="Pagefind crashed"):
        builder.build()
    monkeypatch.setattr(search_index, "collect", collect)
    builder.build()
    bundle = {p: d for p, d in site_files(project.output).items() if p.startswith("pagefind/")}
    fresh = fresh_build(project, tmp_path)
    assert bundle == {p: d for p, d in fresh.items() if p.startswith("pagefind/")}


def test_template_change_rerenders_and_translates_nothing(
    tmp_path: Path, argos_installed: Path
) -> None:
    project = copy_project(tmp_path, theme=True)
    first = build_site(project)
    assert first.translated > 0
    base = project.root / "templates" / "base.html"
    base.write_text(
        base.read_text(encoding="utf-8").replace("</body>", "<!-- theme v2 -->\n</body>"),
        encoding="utf-8",
    )
    second = build_site(project)
    assert (second.cleaned, second.translated) == (0, 0)
    assert not second.regrouped
    assert second.translations_reused > 0
    assert second.rendered > 0
    site = site_files(project.output)
    story_pages = [p for p in site if "/stories/" in p]
    assert story_pages
    assert all(b"<!-- theme v2 -->" in site[p] for p in story_pages)
    assert site == fresh_build(project, tmp_path)


def test_delete_and_rename_leave_no_stale_page(tmp_path: Path) -> None:
    project = copy_project(tmp_path, other_event=True)
    build_site(project)
    gone = longest_line(project.content / "sport.txt")
    assert any(gone.encode() in data for data in site_files(project.output).values())
    (project.content / "sport.txt").unlink()
    (project.content / "001_aa6171b58bcd83fd.txt").rename(project.content / "001_renamed.txt")
    report = build_site(project)
    assert report.pages_deleted > 0
    site = site_files(project.output)
    assert not any(gone.encode() in data for data in site.values())
    assert not any(b"001_aa6171b58bcd83fd" in data for data in site.values())
    assert site == fresh_build(project, tmp_path)


@pytest.mark.parametrize("template", ["story.html", "_macros.html"])
def test_failed_build_leaves_the_previous_site_whole(tmp_path: Path, template: str) -> None:
    """A template broken with an article edit (templates are compiled while articles are
    cleaned) fails the build, naming the template, and leaves the last site whole."""
    project = copy_project(tmp_path, theme=True)
    build_site(project)
    before = site_files(project.output)
    story = project.root / "templates" / template
    good = story.read_text(encoding="utf-8")
    story.write_text(good + "\n{% if %}\n", encoding="utf-8")
    edit_paragraph(project.content / "000_9062e53052813c90.txt")
    with pytest.raises(BuildError, match=template.replace(".", r"\.")):
        build_site(project)
    assert site_files(project.output) == before
    story.write_text(good, encoding="utf-8")
    build_site(project)
    assert site_files(project.output) == fresh_build(project, tmp_path)


def _break(theme: Path, name: str, old: str, new: str) -> None:
    path = theme / name
    text = path.read_text(encoding="utf-8")
    assert old in text, (name, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.parametrize(
    ("mistake", "message"),
    [
        (  # an error in the template's own code: file and line, not a traceback
            lambda t: _break(
                t,
                "_macros.html",
                '{{ view.date.isoformat() }}">{{ view.date_text }}',
                '{{ view.date.isoformat() + 1 }}">{{ view.date_text }}',
            ),
            r"template error in .*_macros\.html, line 8: TypeError: can only concatenate str",
        ),
        (  # a label the theme's strings.toml lacks
            lambda t: _break(t, "base.html", "{{ t.footer }}", "{{ t.made_by }}"),
            r"base\.html, line \d+: .*made_by.* \(a label: add made_by to the theme's "
            r"strings\.toml, under \[ar\] and \[en\]\)",
        ),
        (  # a label the theme has for one language only: the hint names the other
            lambda t: (
                _break(t, "base.html", "{{ t.footer }}", "{{ t.made_by }}"),
                _break(t, "strings.toml", "[ar]\n", '[ar]\nmade_by = "صنع"\n'),
            ),
            r"\(a label: add made_by to the theme's strings\.toml, under \[en\]\)",
        ),
        (  # a misspelt variable: the one it is spelt like, and those the page has
            lambda t: _break(
                t, "base.html", "{{ site.title[lang] }}</a>", "{{ site.title[lng] }}</a>"
            ),
            r"base\.html, line \d+: 'lng' is undefined \(did you mean lang\? this page has "
            r"counterpart, dir, lang, .*; for a label of strings\.toml: t\.lng\)",
        ),
        (  # a misspelt field of a story: the one it is spelt like
            lambda t: _break(
                t, "story.html", "{{ story.headline|text }}</h1>", "{{ story.headlin|text }}</h1>"
            ),
            r"story\.html, line \d+: '.*' has no attribute 'headlin' \(did you mean "
            r"headline\?\)",
        ),
        (
            lambda t: _break(t, "strings.toml", 'search = "البحث"', 'search = "البحث'),
            r"strings\.toml is not valid TOML: ",
        ),
        (  # a template that extends one the theme does not have
            lambda t: _break(
                t, "story.html", '{% extends "base.html" %}', '{% extends "x.html" %}'
            ),
            r"template 'x\.html' not found in .*templates \(.*story\.html, line 1, asks for it\)",
        ),
        (  # a page template the theme lacks: templates do not fall back
            lambda t: (t / "day.html").unlink(),
            r"template 'day\.html' not found in .*; the default theme has one: .*day\.html",
        ),
    ],
    ids=[
        "code",
        "label",
        "label-of-one-language",
        "variable",
        "field",
        "strings-toml",
        "extends",
        "missing-page",
    ],
)
def test_theme_mistakes_say_which_file_and_what_to_do(
    tmp_path: Path, mistake: Callable[[Path], None], message: str
) -> None:
    project = copy_project(tmp_path, theme=True)
    build_site(project)
    before = site_files(project.output)
    mistake(project.root / "templates")
    with pytest.raises(BuildError, match=message):
        build_site(project)
    assert site_files(project.output) == before


def test_a_theme_without_strings_toml_uses_the_default_labels(tmp_path: Path) -> None:
    project = copy_project(tmp_path, theme=True)
    (project.root / "templates" / "strings.toml").unlink()
    build_site(project)
    default = copy_project(tmp_path / "default")  # no templates/: the default theme
    build_site(default)
    assert site_files(project.output) == site_files(default.output)


def test_a_plural_form_a_themes_strings_toml_lacks_is_the_default_themes(
    tmp_path: Path,
) -> None:
    """Labels fall back one by one, and so do the forms of a count (``other`` here)."""
    project = copy_project(tmp_path, theme=True)
    _break(project.root / "templates", "strings.toml", 'other = "{n} reports"\n', "")
    build_site(project)
    default = copy_project(tmp_path / "default")  # no templates/: the default theme
    build_site(default)
    assert site_files(project.output) == site_files(default.output)


def test_preview_builder_keeps_the_last_good_article(tmp_path: Path) -> None:
    project = copy_project(tmp_path)
    builder = Builder(project, in_place=True, keep_last_good=True)
    builder.build()
    article = project.content / "003_12a0ae8c2fa6360b.txt"
    text = longest_line(article)
    good = article.read_bytes()
    article.write_bytes(good[:100] + b"\xff\xfe broken")
    report = builder.build()
    assert [e.path for e in report.errors] == ["003_12a0ae8c2fa6360b.txt"]
    assert "UTF-8" in report.errors[0].message
    assert any(text.encode() in data for data in site_files(project.output).values())
    article.write_bytes(good)
    assert builder.build().errors == []


def test_in_place_and_staged_updates_give_the_same_site(tmp_path: Path) -> None:
    project = copy_project(tmp_path, other_event=True)
    builder = Builder(project, in_place=True)
    builder.build()
    edit_paragraph(project.content / "sport.txt")
    (project.content / "004_61fe74cacd66f751.txt").unlink()
    builder.build()
    assert site_files(project.output) == fresh_build(project, tmp_path)


def test_damaged_cache_or_output_is_rebuilt(tmp_path: Path) -> None:
    project = copy_project(tmp_path)
    build_site(project)
    for name in (STATE_FILE, STAMP_FILE):
        (project.cache_dir / name).write_bytes(b"not a pickle")
    page = next(p for p in project.output.rglob("index.html") if "/stories/" in p.as_posix())
    page.unlink()
    report = build_site(project)
    assert not report.skipped
    assert page.is_file()
    assert site_files(project.output) == fresh_build(project, tmp_path)


def test_never_replaces_a_folder_digest_did_not_build(tmp_path: Path) -> None:
    project = copy_project(tmp_path)
    project.output.mkdir()
    (project.output / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(BuildError, match="not built by digest"):
        build_site(project)
    assert (project.output / "notes.txt").read_text(encoding="utf-8") == "mine"


def test_content_error_is_reported_again_when_nothing_changed(tmp_path: Path) -> None:
    project = copy_project(tmp_path)
    shutil.copy(project.content / "000_9062e53052813c90.txt", project.content / "bad.txt")
    (project.content / "bad.txt").write_bytes(b"\xff\xfe\x00broken")
    first = build_site(project)
    assert [e.path for e in first.errors] == ["bad.txt"]
    again = build_site(project)
    assert [e.path for e in again.errors] == ["bad.txt"]
    with pytest.raises(BuildError, match=r"bad\.txt"):
        build_site(project, strict=True)


def test_provisional_preview_build_then_exact_build(tmp_path: Path) -> None:
    project = copy_project(tmp_path, other_event=True)
    builder = Builder(project, in_place=True, keep_last_good=True)
    builder.build()
    before = site_files(project.output)
    edit_paragraph(project.content / "sport.txt")
    quick = builder.build(provisional=True)
    assert quick.provisional and not quick.regrouped
    after = site_files(project.output)
    # just the edited story's two pages are planned and rendered; the rest waits (its
    # English page, without a model, says "not translated" as before: only one changed)
    changed = sorted(path for path in after if after[path] != before.get(path))
    assert quick.rendered == 2 and after.keys() == before.keys()
    assert [path.split("/")[:2] for path in changed] == [["ar", "stories"]]
    assert MARKER_WORD.encode() in after[changed[0]]
    exact = builder.build()
    assert not exact.provisional and exact.regrouped
    assert site_files(project.output) == fresh_build(project, tmp_path)
    title = project.content / "sport.txt"  # a title change cannot be provisional
    title.write_text("عنوان آخر للمقال\n\n" + title.read_text(encoding="utf-8"), encoding="utf-8")
    assert builder.build(provisional=True).regrouped


def test_planning_some_stories_gives_their_pages_as_the_whole_plan_does(tmp_path: Path) -> None:
    """A provisional build plans only the edited stories' pages: the same pages, with the
    same neighbours and related stories, as planning the whole site gives."""
    from digest.config import SiteConfig
    from digest.incremental import page_key
    from digest.render import SiteRenderer

    project = copy_project(tmp_path, other_event=True)
    builder = Builder(project)
    builder.build()
    stories = builder.state.grouping.stories
    assert len(stories) >= 3
    renderer = SiteRenderer(project.theme, SiteConfig())
    whole = {page.path: page for page in renderer.plan(stories, {}, None)}
    for story in stories:
        some = renderer.plan_stories(stories, {}, None, {story.slug})
        assert sorted(page.path for page in some) == [
            f"{lang}/stories/{story.slug}/" for lang in ("ar", "en")
        ]
        for page in some:
            twin = whole[page.path]
            assert page_key(b"", page.template, page.path, page.context) == page_key(
                b"", twin.template, twin.path, twin.context
            )
            assert renderer.render_page(page) == renderer.render_page(twin)


def test_page_keys_change_exactly_where_a_story_shows(tmp_path: Path) -> None:
    """A story's view is keyed by a digest wherever it shows (its page, its day, its
    outlets, the front page, its neighbours and related stories): the English of its
    headline changes the keys of the English pages that show it, and no other key."""
    from digest.config import SiteConfig
    from digest.incremental import page_key
    from digest.render import SiteRenderer

    project = copy_project(tmp_path, other_event=True)
    builder = Builder(project)
    builder.build()
    stories = builder.state.grouping.stories
    renderer = SiteRenderer(project.theme, SiteConfig())
    story = stories[-1]

    def keys(english: dict[str, str]) -> dict[str, tuple[bytes | None, bytes]]:
        return {
            p.path: (page_key(b"", p.template, p.path, p.context), renderer.render_page(p))
            for p in renderer.plan(stories, english, None)
        }

    before, after = keys({}), keys({story.headline: "A headline in English"})
    changed = {path for path in before if before[path][0] != after[path][0]}
    shown = {path for path in before if before[path][1] != after[path][1]}
    assert shown <= changed  # every page that changes has a new key (keys may be cautious)
    assert f"en/stories/{story.slug}/" in changed and "en/feed.xml" in changed
    assert not any(path.startswith("ar/") for path in changed)
    assert len(changed) < len([p for p in before if p.startswith("en/")])


def test_a_provisional_build_with_no_good_site_yet_renders_every_page(tmp_path: Path) -> None:
    """A first build that failed leaves no page records: a body edit then is not shown as
    two lone story pages, but the whole site is rendered (here: failing the same way)."""
    project = copy_project(tmp_path, theme=True, other_event=True)
    archive = project.theme / "archive.html"
    good = archive.read_text(encoding="utf-8")
    archive.write_text(good.replace("{% endblock %}", "{{ missing() }}{% endblock %}", 1))
    builder = Builder(project, in_place=True, keep_last_good=True)
    with pytest.raises(BuildError, match=r"archive\.html"):
        builder.build()
    edit_paragraph(project.content / "sport.txt")
    with pytest.raises(BuildError, match=r"archive\.html"):
        builder.build(provisional=True)
    assert not project.output.exists() or not any(project.output.rglob("*.html"))
    archive.write_text(good, encoding="utf-8")
    assert builder.build(provisional=True).rendered > 2  # every page, the site is whole
    assert (project.output / "static" / "style.css").is_file()


def test_a_theme_change_with_a_body_edit_renders_every_page_at_once(tmp_path: Path) -> None:
    """A provisional build in the same batch as a theme change does not serve the edited
    pages with the old style sheet: with new theme files, every page is rendered."""
    project = copy_project(tmp_path, theme=True, other_event=True)
    builder = Builder(project, in_place=True, keep_last_good=True)
    builder.build()
    css = project.theme / "static" / "style.css"
    css.write_text(css.read_text(encoding="utf-8") + "\n/* new rule */\n", encoding="utf-8")
    edit_paragraph(project.content / "sport.txt")
    quick = builder.build(provisional=True)
    assert quick.provisional
    assert b"/* new rule */" in (project.output / "static" / "style.css").read_bytes()
    builder.build()
    assert site_files(project.output) == fresh_build(project, tmp_path)


def test_the_exact_build_after_a_provisional_one_indexes_what_that_wrote(
    tmp_path: Path,
) -> None:
    """The provisional build keeps the search bundles; the exact build re-indexes the
    pages it wrote, even when the exact build itself has no page to write."""
    project = copy_project(tmp_path, other_event=True)
    builder = Builder(project, in_place=True, keep_last_good=True)
    builder.build()
    edit_paragraph(project.content / "002_ab5b8c60f657b26b.txt")
    assert builder.build(provisional=True).provisional
    exact = builder.build()
    assert exact.pages_written > 0  # the search bundle's files, if no page
    assert site_files(project.output) == fresh_build(project, tmp_path)


def test_compiled_templates_are_kept_and_a_damaged_cache_is_no_harm(tmp_path: Path) -> None:
    """The theme's compiled templates are kept in the cache for the next build (compiling
    them is a fifth of a second in every process that renders); damaged or unwritable, the
    cache is passed over and the site is the same."""
    project = copy_project(tmp_path, theme=True)
    build_site(project)
    [folder] = project.cache_dir.glob("templates-*")
    compiled = sorted(folder.glob("*.cache"))
    assert len(compiled) >= 5  # base, story, front, day, feed, ...
    expected = site_files(project.output)
    header = len(jinja2.bccache.bc_magic)
    for n, path in enumerate(compiled):  # a garbled file, or one cut just after its header
        path.write_bytes(b"not a compiled template" if n % 2 else path.read_bytes()[: header + 3])
    shutil.rmtree(project.output)
    build_site(project)
    assert site_files(project.output) == expected
    stale = project.cache_dir / "templates-0123456789ab-jinja0"  # another digest's
    stale.mkdir()
    shutil.rmtree(folder)
    folder.write_bytes(b"")  # a file where the folder should be: nothing can be kept
    shutil.rmtree(project.output)
    build_site(project)
    assert site_files(project.output) == expected
    assert not stale.exists()


def test_files_added_to_the_site_by_hand_are_named_when_they_go(tmp_path: Path) -> None:
    """site/ is digest's: a file put there by hand is left out of the next site that
    changes, and a warning names it (a file to publish goes in static/)."""
    project = copy_project(tmp_path)
    build_site(project)
    (project.output / "NOTES.txt").write_text("mine", encoding="utf-8")
    (project.output / "uploads").mkdir()
    (project.output / "uploads" / "a.jpg").write_bytes(b"\xff\xd8\xff")
    (project.output / ".DS_Store").write_bytes(b"")  # a system's: not worth a word
    edit_paragraph(project.content / "002_ab5b8c60f657b26b.txt")
    report = build_site(project)
    [warning] = [w for w in report.warnings if "did not make" in w]
    assert "NOTES.txt, uploads/a.jpg (a file to publish goes in static/)" in warning
    assert not (project.output / "NOTES.txt").exists()
    edit_paragraph(project.content / "002_ab5b8c60f657b26b.txt", "again")
    assert not [w for w in build_site(project).warnings if "did not make" in w]


def test_without_the_build_cache_only_files_digest_never_makes_are_named(
    tmp_path: Path,
) -> None:
    """With .digest-cache/ deleted (it may be, any time) an edit's build named the last
    search bundle's files, and the pages of a story gone, as files "digest did not make";
    they are digest's own: only a file elsewhere (put there by hand) is named."""
    project = copy_project(tmp_path)
    build_site(project)
    (project.output / "NOTES.txt").write_text("mine", encoding="utf-8")
    shutil.rmtree(project.cache_dir)
    edit_paragraph(project.content / "002_ab5b8c60f657b26b.txt")
    [warning] = [w for w in build_site(project).warnings if "did not make" in w]
    assert warning.split(": ", 1)[1].startswith("NOTES.txt (a file to publish goes in static/)")


def test_a_preview_unpinned_before_any_build_gets_the_id_digest_build_gives(
    tmp_path: Path,
) -> None:
    """A report pinned to a new story name in a preview, then unpinned (or pinned to
    another name), before `digest build` ever saw the pin: the preview's story takes the
    ID a build gives it, not the name of a pin no article has, and the preview is the
    site `digest build` makes."""
    project = copy_project(tmp_path, other_event=True)
    sport = project.content / "sport.txt"
    text = sport.read_text(encoding="utf-8")
    builder = Builder(project, in_place=True, keep_last_good=True, draft_ids=True)
    builder.build()
    for pin in ("match-report", "morocco-peru", None):
        front = f"---\nstory: {pin}\n---\n" if pin else ""
        sport.write_text(front + text, encoding="utf-8")
        builder.build()
        stories = {p.split("/")[2] for p in site_files(project.output) if "/stories/" in p}
        assert (pin in stories) if pin else not {"match-report", "morocco-peru"} & stories
        # and no page at the names it had: `digest build` makes none (digest serve sends
        # a browser there on, see test_serve)
        assert site_files(project.output) == fresh_build(project, tmp_path), pin
