"""Long lists stay short: the front page shows the newest ``page_size`` stories and links
the archive for the rest; an outlet's stories are split into pages with a pager."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from digest.build import BuildError, Project, build_site
from digest.config import ConfigError, load_config
from digest.render import page_window

REPO = Path(__file__).resolve().parent.parent

# Three reports of three unrelated events, a month apart, from one outlet (الجزيرة).
EVENTS = (
    ("2024-03-01", "افتتاح معرض الكتاب في الدوحة بمشاركة واسعة من دور النشر العربية"),
    ("2024-04-01", "مهرجان الزيتون السنوي يعود إلى قرى الجليل بعد انقطاع طويل"),
    ("2024-05-01", "منتخب المغرب يفوز على تونس في نهائي بطولة كرة اليد"),
)


def paged_project(tmp_path: Path) -> Project:
    """The seeds and :data:`EVENTS` (five stories, three of them from الجزيرة), with
    ``page_size = 2``."""
    content = tmp_path / "content"
    shutil.copytree(REPO / "tests" / "fixtures" / "seeds", content)
    for n, (day, title) in enumerate(EVENTS):
        body = f"{title}، في خبر طويل بما يكفي ليكون فقرة كاملة من المقال.\n"
        (content / f"event-{n}.md").write_text(
            f"---\ntitle: {title}\ndate: {day}\nsource: الجزيرة\n---\n\n{body}", encoding="utf-8"
        )
    (tmp_path / "digest.toml").write_text("page_size = 2\n", encoding="utf-8")
    return Project.at(tmp_path)


@pytest.fixture()
def project(tmp_path: Path) -> Project:
    return paged_project(tmp_path)


def _links(html: str) -> list[str]:
    return re.findall(r'href="([^"]+)"', html)


def test_front_page_shows_the_newest_stories_and_links_the_archive(project: Project) -> None:
    build_site(project)
    for lang, older in (("ar", "3 قصص أقدم في الأرشيف"), ("en", "3 older stories in the archive")):
        front = (project.output / lang / "index.html").read_text(encoding="utf-8")
        assert front.count('class="story-card"') == 2  # 5 stories, page_size 2
        assert f'<a href="archive/">{older}</a>' in front
        # the newest two: the seeds' stories (2025-01-17, 2024-10-11), not the 2024 events
        assert "stories/2025-01-17-" in front and "stories/2024-10-11-" in front
        assert not any(title[:20] in front for _, title in EVENTS)
        archive = (project.output / lang / "archive" / "index.html").read_text(encoding="utf-8")
        assert archive.count("<li>") >= 5  # every story's day is still one click away


def test_an_outlets_stories_are_split_into_pages_with_a_pager(project: Project) -> None:
    build_site(project)
    for lang in ("ar", "en"):
        first = project.output / lang / "outlets" / "al-jazeera" / "index.html"
        second = project.output / lang / "outlets" / "al-jazeera" / "page" / "2" / "index.html"
        one, two = first.read_text("utf-8"), second.read_text("utf-8")
        assert one.count('class="story-card"') == 2 and two.count('class="story-card"') == 1
        assert not (project.output / lang / "outlets" / "al-jazeera" / "page" / "3").exists()
        label = "Page 2 of 2" if lang == "en" else "الصفحة 2 من 2"
        assert label in two and label in one  # page 1 names the next page in its pager
        assert 'rel="next" href="page/2/"' in one and 'rel="prev"' not in one
        assert 'rel="prev" href="../../"' in two and 'rel="next"' not in two
        # the second page links its counterpart's second page, and shows the count of all
        other = "en" if lang == "ar" else "ar"
        assert f"/{other}/outlets/al-jazeera/page/2/" in two
        assert ("3 stories" if lang == "en" else "3 قصص") in two
        stories = [h for h in _links(one + two) if "/stories/" in h]
        assert len(set(stories)) == 3, "each story once over the outlet's pages"
    sitemap = (project.output / "sitemap.xml").read_text(encoding="utf-8")
    assert "ar/outlets/al-jazeera/page/2/" in sitemap


def test_a_pager_lists_the_first_last_and_nearby_pages_by_number() -> None:
    """An outlet with two years of stories has some fifty pages: its oldest are one click
    away (the last page), not fifty "older" clicks."""
    assert page_window(1, 1) == []
    assert page_window(1, 2) == [1, 2]
    assert page_window(1, 52) == [1, 2, 3, 0, 52]
    assert page_window(25, 52) == [1, 0, 23, 24, 25, 26, 27, 0, 52]
    assert page_window(52, 52) == [1, 0, 50, 51, 52]
    assert page_window(4, 52) == [1, 2, 3, 4, 5, 6, 0, 52]  # no "…" for one page left out


def test_an_outlets_pages_are_listed_by_number(project: Project) -> None:
    (project.root / "digest.toml").write_text("page_size = 1\n", encoding="utf-8")
    build_site(project)
    folder = project.output / "en" / "outlets" / "al-jazeera"
    second = (folder / "page" / "2" / "index.html").read_text("utf-8")
    pages = second.split('<nav class="page-list" aria-label="Pages">')[1].split("</nav>")[0]
    assert _links(pages) == ["../../", "./", "../3/"]
    assert '<a href="./" aria-current="page">2</a>' in pages
    assert 'title="Page 3 of 3"' in pages
    first = (folder / "index.html").read_text("utf-8")
    assert 'class="page-list"' in first
    single = (project.output / "en" / "outlets").glob("*/index.html")
    assert any('class="page-list"' not in p.read_text("utf-8") for p in single)


def test_a_page_no_longer_needed_is_removed(project: Project) -> None:
    build_site(project)
    second = project.output / "en" / "outlets" / "al-jazeera" / "page" / "2" / "index.html"
    assert second.is_file()
    (project.content / "event-0.md").unlink()
    build_site(project)
    assert not second.exists() and not second.parent.exists()
    first = (project.output / "en" / "outlets" / "al-jazeera" / "index.html").read_text("utf-8")
    assert 'class="pager"' not in first and "Page 1" not in first


def test_page_size_must_be_a_positive_whole_number(tmp_path: Path) -> None:
    config = tmp_path / "digest.toml"
    for value in ("0", "-3", "true", "'30'", "2.5"):
        config.write_text(f"page_size = {value}\n", encoding="utf-8")
        with pytest.raises(ConfigError, match="page_size must be a positive whole number"):
            load_config(config)
    shutil.copytree(REPO / "tests" / "fixtures" / "seeds", tmp_path / "content")
    with pytest.raises(BuildError, match=r"page_size must be a positive whole number, got 2\.5"):
        build_site(Project.at(tmp_path))
    assert not (tmp_path / "site").exists()


def test_the_archive_lists_the_days_by_month_newest_first(project: Project) -> None:
    build_site(project)
    for lang, months in (
        ("en", ["January 2025", "October 2024", "May 2024", "April 2024", "March 2024"]),
        ("ar", ["يناير 2025", "أكتوبر 2024", "مايو 2024", "أبريل 2024", "مارس 2024"]),
    ):
        html = (project.output / lang / "archive" / "index.html").read_text(encoding="utf-8")
        headings = re.findall(r'<h2 id="month-(?:\d{4}-\d\d|undated)">([^<]+)</h2>', html)
        assert headings == months
        # a month's anchor names it, so a link to it holds as months are added
        anchors = re.findall(r'<h2 id="month-([^"]+)">', html)
        assert anchors == ["2025-01", "2024-10", "2024-05", "2024-04", "2024-03"]
        # a list above jumps to each month, by year, newest first
        jump = html.split('<nav class="archive-jump"')[1].split("</nav>")[0]
        assert re.findall(r'href="#month-([^"]+)"', jump) == anchors
        assert re.findall(r'<span class="archive-year">(\d+)</span>', jump) == ["2025", "2024"]
        assert f">{months[0].split()[0]}</a>" in jump  # the month's name alone
        # each day is listed under its own month
        sections = html.split('<section class="archive-month"')[1:]
        assert len(sections) == len(months)
        for section in sections:
            days = re.findall(r'href="(\d{4}-\d\d)-\d\d/"', section)
            assert days and len(set(days)) == 1


def test_a_day_keeps_its_page_when_an_earlier_report_joins_its_story(project: Project) -> None:
    """A story is in the edition of every day it has a report of: an earlier report that
    joins it adds a day, and the day the story had does not lose its page (its URL)."""
    build_site(project)
    day, title = EVENTS[1]
    april = project.output / "en" / "archive" / day / "index.html"
    story = re.findall(r'href="(\.\./\.\./stories/[^"]+)"', april.read_text(encoding="utf-8"))
    assert len(story) == 1
    body = f"{title}، في خبر طويل بما يكفي ليكون فقرة كاملة من المقال.\n"
    (project.content / "event-early.md").write_text(
        f"---\ntitle: {title}\ndate: 2024-03-30\nsource: العربية\n---\n\n{body}", encoding="utf-8"
    )
    report = build_site(project)
    assert report.stories == 5  # the new report joined the story
    for lang in ("ar", "en"):
        for date in (day, "2024-03-30"):
            page = project.output / lang / "archive" / date / "index.html"
            assert story[0] in page.read_text(encoding="utf-8"), (lang, date)
    html = (project.output / "en" / "archive" / "index.html").read_text(encoding="utf-8")
    assert 'href="2024-03-30/"' in html and f'href="{day}/"' in html


def test_a_story_reported_on_several_days_shows_its_first_and_last_day(
    project: Project,
) -> None:
    """Its cards and its page show the days it ran (a reader of a later day's edition sees
    why it is there), as CLDR writes ranges; the sitemap dates it by its latest report."""
    # one of the seed story's four reports, dated two days later; an April event, an
    # earlier report from March
    (project.content / "004_61fe74cacd66f751.yaml").write_text("date: 2025-01-19\n", "utf-8")
    day, title = EVENTS[1]
    body = f"{title}، في خبر طويل بما يكفي ليكون فقرة كاملة من المقال.\n"
    (project.content / "event-early.md").write_text(
        f"---\ntitle: {title}\ndate: 2024-03-30\nsource: العربية\n---\n\n{body}", encoding="utf-8"
    )
    build_site(project)
    jan, spring = '<time datetime="2025-01-17">', '<time datetime="2024-03-30">'
    spans = {
        "ar": (
            f'{jan}17</time>–<time datetime="2025-01-19">19 يناير 2025</time>',
            f'{spring}30 مارس</time> – <time datetime="2024-04-01">1 أبريل 2024</time>',
        ),
        "en": (
            f'{jan}17</time>–<time datetime="2025-01-19">19 January 2025</time>',
            f'{spring}30 March</time> – <time datetime="2024-04-01">1 April 2024</time>',
        ),
    }
    site = project.output
    for lang, (january, spring) in spans.items():
        front = (site / lang / "index.html").read_text(encoding="utf-8")
        assert january in front
        for date in ("2025-01-17", "2025-01-19"):  # the story is in both days' editions
            assert january in (site / lang / "archive" / date / "index.html").read_text("utf-8")
        (page,) = (site / lang / "stories").glob("2025-01-17-*/index.html")
        html = page.read_text(encoding="utf-8")
        header = html.split('<header class="story-header">')[1].split("</header>")[0]
        assert january in header
        assert spring in (site / lang / "archive" / day / "index.html").read_text("utf-8")
        # a story of one day keeps its one date
        assert '<time datetime="2024-10-11">' in front
        assert "2024-10-11</time>–" not in front
    sitemap = (site / "sitemap.xml").read_text(encoding="utf-8")
    entry = sitemap.split(f"/{page.parent.relative_to(site).as_posix()}/</loc>")[1]
    assert entry.split("</url>")[0].count("<lastmod>2025-01-19</lastmod>") == 1
    # the feeds last changed on the day of the latest report, and the story's item is dated
    # so: listed by its latest report, it reads as that day's news in a reader too
    for lang in ("ar", "en"):
        feed = (site / lang / "feed.xml").read_text(encoding="utf-8")
        assert "<lastBuildDate>Sun, 19 Jan 2025 " in feed
        item = feed.split(f"/{lang}/stories/{page.parent.name}/</link>")[1]
        assert item.split("</item>")[0].count("<pubDate>Sun, 19 Jan 2025 ") == 1


def test_a_story_reported_again_comes_before_stories_that_began_after_it(
    project: Project,
) -> None:
    """Lists are newest first by a story's latest report: the book fair, opened on 29 March
    and reported again on 31 March, is newer news than the olive festival of 30 March
    (ordered by first days, it came after it)."""
    content = project.content
    day, title = EVENTS[1]
    for name, outlet in (("event-early.md", "العربية"), ("event-1.md", "الجزيرة")):
        (content / name).write_text(
            f"---\ntitle: {title}\ndate: 2024-03-30\nsource: {outlet}\n---\n\n{title}، في "
            "خبر طويل بما يكفي ليكون فقرة كاملة من المقال.\n",
            encoding="utf-8",
        )
    fair = EVENTS[0][1]
    for name, day, outlet, more in (
        ("event-0.md", "2024-03-29", "الجزيرة", "وقال المنظمون إن عدد الزوار فاق التوقعات."),
        ("fair-later.md", "2024-03-31", "الحياة", "واختتم المعرض أمس بندوة عن الترجمة."),
    ):
        (content / name).write_text(
            f"---\ntitle: {fair}\ndate: {day}\nsource: {outlet}\n---\n\n{fair}، في خبر "
            f"طويل بما يكفي ليكون فقرة كاملة من المقال. {more}\n",
            encoding="utf-8",
        )
    build_site(project)
    for lang in ("ar", "en"):
        feed = (project.output / lang / "feed.xml").read_text(encoding="utf-8")
        items = re.findall(r"<link>[^<]*/stories/([^/<]+)/</link>", feed)
        fair_story = next(slug for slug in items if slug.startswith("2024-03-29"))
        festival = next(slug for slug in items if slug.startswith("2024-03-30"))
        assert items.index(fair_story) < items.index(festival), items


def test_a_theme_may_call_url_text_and_dir_of_as_functions(project: Project) -> None:
    """Themes written before they were filters (``url(path)``, ``text(value)``,
    ``dir_of(value)``) render the very same pages as the filter forms."""
    build_site(project)
    before = {p: p.read_bytes() for p in sorted(project.output.rglob("*.html"))}
    theme = project.root / "templates"
    shutil.copytree(REPO / "templates", theme)
    calls = 0
    for path in theme.glob("*.html"):
        html = path.read_text(encoding="utf-8")
        html, n = re.subn(r"\{\{ ([\w.\[\]0-9']+)\|(url|text|dir_of) \}\}", r"{{ \2(\1) }}", html)
        path.write_text(html, encoding="utf-8")
        calls += n
    assert calls > 20
    build_site(project)
    assert {p: p.read_bytes() for p in sorted(project.output.rglob("*.html"))} == before


def test_a_theme_copied_from_an_older_digest_still_builds(project: Project) -> None:
    """A site's own templates/ whose strings.toml lacks the labels added since (page
    numbers, the front page's link to older stories) gets the default theme's."""
    theme = project.root / "templates"
    shutil.copytree(REPO / "templates", theme)
    strings = theme / "strings.toml"
    text = strings.read_text(encoding="utf-8")
    for key in ("page_number", "newer_page", "older_page"):
        text = re.sub(rf"(?m)^{key} = .*\n", "", text)
    text = re.sub(r"(?ms)^\[(ar|en)\.older_count\].*?(?=^\[|\Z)", "", text)
    strings.write_text(text, encoding="utf-8")
    assert "page_number" not in text and "older_count" not in text
    build_site(project)
    second = project.output / "en" / "outlets" / "al-jazeera" / "page" / "2" / "index.html"
    assert "Page 2 of 2" in second.read_text(encoding="utf-8")
    front = (project.output / "en" / "index.html").read_text(encoding="utf-8")
    assert "3 older stories in the archive" in front


def test_spellings_of_one_outlet_share_its_page(tmp_path: Path) -> None:
    """العربى and العربي (ى/ي) are one outlet: one page, named as most articles spell it,
    that every story and article of either spelling links to."""
    content = tmp_path / "content"
    content.mkdir()
    spellings = ("العربي", "العربى", "العربي")
    for n, ((day, title), outlet) in enumerate(zip(EVENTS, spellings, strict=True)):
        body = f"{title}، في خبر طويل بما يكفي ليكون فقرة كاملة من المقال.\n"
        (content / f"event-{n}.md").write_text(
            f"---\ntitle: {title}\ndate: {day}\nsource: {outlet}\n---\n\n{body}", encoding="utf-8"
        )
    project = Project.at(tmp_path)
    build_site(project)
    for lang in ("ar", "en"):
        outlets = project.output / lang / "outlets"
        assert sorted(p.name for p in outlets.iterdir() if p.is_dir()) == ["al-rby"]
        page = (outlets / "al-rby" / "index.html").read_text(encoding="utf-8")
        assert page.count('class="story-card"') == 3
        assert "العربى" not in page and "العربي" in page
        for story in (project.output / lang / "stories").glob("*/index.html"):
            html = story.read_text(encoding="utf-8")
            assert "outlets/al-rby/" in html and "outlets/al-rba/" not in html


def test_a_misspelt_language_or_label_in_strings_toml_is_a_warning(project: Project) -> None:
    """``[ra]`` for ``[ar]`` and ``storeis`` for ``stories`` were left out silently (the
    default's label shown); a theme's own new label is its templates' business."""
    theme = project.root / "templates"
    shutil.copytree(REPO / "templates", theme)
    (theme / "strings.toml").write_text(
        '[ra]\nsearch = "بحث"\n\n[en]\nstoreis = "Reports"\nmy_own_label = "x"\n',
        encoding="utf-8",
    )
    warnings = " ".join(build_site(project).warnings)
    assert "[ra] is no language of the site's" in warnings
    assert "[en] storeis is no label of digest's; did you mean stories?" in warnings
    assert "my_own_label" not in warnings


def test_a_theme_link_to_a_static_file_it_lacks_is_a_warning(project: Project) -> None:
    """Deleting the theme's style.css left every page linking a missing file, silently."""
    theme = project.root / "templates"
    shutil.copytree(REPO / "templates", theme)
    (theme / "static" / "style.css").unlink()
    warnings = " ".join(build_site(project).warnings)
    assert f"{theme / '_head.html'}, line 5: links static/style.css" in warnings
    assert "favicon.svg" not in warnings  # the files it has are not named


@pytest.mark.parametrize(
    ("label", "said"),
    [
        ('[ar]\nsource_count = "{n} تقارير"\n', "[ar] source_count must be a table of plural"),
        ("[en]\nlatest = 5\n", "[en] latest must be text (in quotes), not 5"),
    ],
)
def test_a_theme_label_of_the_wrong_shape_is_named(project: Project, label: str, said: str) -> None:
    """A count label written as one text, or a label as a number, stops the build with the
    label and the shape it needs (it crashed, or showed "5")."""
    theme = project.root / "templates"
    shutil.copytree(REPO / "templates", theme)
    (theme / "strings.toml").write_text(label, encoding="utf-8")
    with pytest.raises(BuildError, match=re.escape(said)):
        build_site(project)
    assert not project.output.exists()


@pytest.mark.parametrize(
    ("label", "said"),
    [
        ('[en.story_count]\nother = "{num} stories"\n', "[en] story_count.other has {num}"),
        ('[ar]\npage_number = "{n} / {total}"\n', "[ar] page_number has {total}"),
        (
            '[ar.search_results]\nmany_results = "[COUNT] [TERM]"\n',
            "many_results has [TERM]",
        ),
    ],
)
def test_a_theme_label_with_a_mistyped_placeholder_is_named(
    project: Project, label: str, said: str
) -> None:
    """A placeholder digest does not fill in would show as written on every page."""
    theme = project.root / "templates"
    shutil.copytree(REPO / "templates", theme)
    (theme / "strings.toml").write_text(label, encoding="utf-8")  # the rest: the default's
    with pytest.raises(BuildError) as failure:
        build_site(project)
    assert said in str(failure.value) and "strings.toml" in str(failure.value)
    assert not project.output.exists()
    # the label fixed, the site builds and shows it
    fixed = label.replace("{num}", "{n}").replace("{total}", "{count}").replace("[TERM]", "")
    (theme / "strings.toml").write_text(fixed, encoding="utf-8")
    build_site(project)
    if "story_count" in fixed:
        outlets = (project.output / "en" / "outlets" / "index.html").read_text("utf-8")
        assert re.search(r"\b[2-9] stories\b", outlets)


def test_a_page_template_may_override_only_the_main_block(project: Project) -> None:
    """base.html asks every page for its ``heading`` block (for the title); a designer's
    front.html with a ``main`` block only stopped the build ("TemplateReference object has
    no attribute 'heading'"): the page is titled with the site's title alone."""
    theme = project.root / "templates"
    shutil.copytree(REPO / "templates", theme)
    (theme / "front.html").write_text(
        '{% extends "base.html" %}\n{% block main %}<h1>{{ t.latest }}</h1>{% endblock %}\n',
        encoding="utf-8",
    )
    build_site(project)
    for lang, title in (("ar", "الموجز"), ("en", "The Digest")):
        front = (project.output / lang / "index.html").read_text(encoding="utf-8")
        assert f"<title>{title}</title>" in front
        assert f'<html lang="{lang}"' in front


@pytest.mark.parametrize("kind", ["link to nothing", "file"])
def test_a_templates_that_is_no_folder_stops_the_build(project: Project, kind: str) -> None:
    """A theme linked by a relative path made from another folder (``ln -s theme
    ../templates`` in ``shared/``) links to nothing; the site was built in the default
    theme, silently, and published without its look."""
    build_site(project)
    before = {p: p.read_bytes() for p in sorted(project.output.rglob("*.html"))}
    shared = shutil.copytree(REPO / "templates", project.root / "shared" / "theme")
    templates = project.root / "templates"
    if kind == "file":
        templates.write_text("theme: shared/theme\n", encoding="utf-8")
        said = "is a file, not a theme folder"
    else:
        templates.symlink_to("theme")  # read from templates' own folder: nothing there
        said = "links to theme, which is no folder"
    with pytest.raises(BuildError, match=re.escape(f"{templates} {said}")):
        build_site(project)
    assert {p: p.read_bytes() for p in sorted(project.output.rglob("*.html"))} == before
    templates.unlink()
    templates.symlink_to(shared.resolve())  # linked by its absolute path: the theme's
    build_site(project)


def test_a_partials_link_to_a_static_file_it_lacks_is_a_warning(project: Project) -> None:
    """Only the theme's top folder was checked: a masthead partial in ``partials/`` that
    links a logo the theme lacks gave every page a broken image, silently."""
    theme = project.root / "templates"
    shutil.copytree(REPO / "templates", theme)
    (theme / "partials").mkdir()
    (theme / "partials" / "masthead.html").write_text(
        '<div>\n<img src="{{ \'static/logo.svg\'|url }}" alt="">\n</div>\n', encoding="utf-8"
    )
    base = theme / "base.html"
    html = base.read_text(encoding="utf-8")
    base.write_text(html.replace("<body>\n", '<body>\n{% include "partials/masthead.html" %}\n'))
    warnings = " ".join(build_site(project).warnings)
    partial = theme / "partials" / "masthead.html"
    assert f"{partial}, line 2: links static/logo.svg, which {theme / 'static'}" in warnings
    (theme / "static" / "logo.svg").write_text("<svg/>", encoding="utf-8")
    assert "logo.svg" not in " ".join(build_site(project).warnings)


def test_a_stylesheets_link_to_a_file_the_theme_lacks_is_a_warning(project: Project) -> None:
    """A misspelt background image or font in the theme's own CSS was dropped by browsers,
    and the build said nothing; addresses elsewhere and comments are not checked."""
    theme = project.root / "templates"
    shutil.copytree(REPO / "templates", theme)
    (theme / "static" / "img").mkdir()
    (theme / "static" / "img" / "stripe.png").write_bytes(b"\x89PNG")
    (theme / "static" / "newsroom.css").write_text(
        ".masthead { background: url('img/stripe.png?v=2'); }\n"
        '.brand { background: url("img/stripes.png"); }\n'
        "/* url(img/old.png) */\n"
        '@import "fonts.css";\n'
        ".x { background: url(data:image/png;base64,AAAA), url(https://example.org/a.png); }\n",
        encoding="utf-8",
    )
    warnings = build_site(project).warnings
    css = theme / "static" / "newsroom.css"
    dead = [w for w in warnings if str(css) in w]
    assert dead == [
        f"{css}, line 2: img/stripes.png is static/img/stripes.png, which "
        f"{theme / 'static'} does not have (browsers leave it out)",
        f"{css}, line 4: fonts.css is static/fonts.css, which "
        f"{theme / 'static'} does not have (browsers leave it out)",
    ]


def test_a_stylesheets_link_from_the_servers_root_is_named_when_the_site_has_a_path(
    project: Project,
) -> None:
    """``url(/static/img/stripe.png)`` works on a site at the server's root, and finds
    nothing once base_url puts it under ``/digest/``."""
    theme = project.root / "templates"
    shutil.copytree(REPO / "templates", theme)
    (theme / "static" / "img").mkdir()
    (theme / "static" / "img" / "stripe.png").write_bytes(b"\x89PNG")
    css = theme / "static" / "newsroom.css"
    css.write_text(".m { background: url(/static/img/stripe.png); }\n", encoding="utf-8")
    assert not [w for w in build_site(project).warnings if str(css) in w]
    project.config_file.write_text('base_url = "https://example.org/digest/"\n', "utf-8")
    assert [w for w in build_site(project).warnings if str(css) in w] == [
        f"{css}, line 1: /static/img/stripe.png is from the server's root, but the site "
        "lives under /digest/ (base_url): link it relative to the stylesheet (img/stripe.png)"
    ]


def test_a_theme_that_drops_lang_and_dir_from_html_is_a_warning(project: Project) -> None:
    """A base.html rewritten with a bare ``<html>`` built Arabic pages that read left to
    right, silently."""
    theme = project.root / "templates"
    shutil.copytree(REPO / "templates", theme)
    base = theme / "base.html"
    html = base.read_text(encoding="utf-8")
    base.write_text(html.replace('<html lang="{{ lang }}" dir="{{ dir }}">', '<html lang="ar">'))
    warnings = [w for w in build_site(project).warnings if "<html>" in w]
    assert len(warnings) == 1
    front = theme / "front.html"
    said = f'ar/index.html ({front}): its <html> has lang="ar", not lang="ar" dir="rtl" (and '
    assert warnings[0].startswith(said)
    assert 'keep lang="{{ lang }}" dir="{{ dir }}" on <html>' in warnings[0]
    base.write_text(html)
    assert not [w for w in build_site(project).warnings if "<html>" in w]


# The variables README.md's theme reference gives each page template.
DOCUMENTED = {
    "base.html": "lang dir other t strings site page_path counterpart section og_type og_locale "
    "translation_note",
    "front.html": "stories more_text",
    "story.html": "story articles related newer older",
    "archive.html": "months years editions",
    "day.html": "edition newer older",
    "outlets.html": "outlets",
    "outlet.html": "outlet pagination",
    "search.html": "search_merge search_folds search_spellings search_prefixes",
    "root.html": "latest strings site",
}


def test_the_documented_template_variables_are_there_in_both_languages(project: Project) -> None:
    """Every variable README.md names for a template is defined on its pages, Arabic and
    English (the README had no list of them: a designer read the templates to guess)."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    theme = project.root / "templates"
    shutil.copytree(REPO / "templates", theme)
    for template, names in DOCUMENTED.items():
        for name in names.split():
            assert f"`{name}" in readme, name
        path = theme / template
        html = path.read_text(encoding="utf-8")
        test = " and ".join(f"{name} is defined" for name in names.split())
        marker = f"<!-- {template}: {{{{ {test} }}}} -->"
        if template in ("base.html", "root.html"):
            html = html.replace("<body>\n", f"<body>\n{marker}\n", 1)
        else:
            html = html.replace("{% block main %}", "{% block main %}" + marker, 1)
        assert marker in html, template
        path.write_text(html, encoding="utf-8")
    build_site(project)
    site = project.output
    pages = {"root.html": [site / "index.html"]}
    for lang in ("ar", "en"):
        story = next((site / lang / "stories").glob("*/index.html"))
        day = next(p for p in (site / lang / "archive").glob("*/index.html"))
        pages.setdefault("front.html", []).append(site / lang / "index.html")
        pages.setdefault("story.html", []).append(story)
        pages.setdefault("archive.html", []).append(site / lang / "archive" / "index.html")
        pages.setdefault("day.html", []).append(day)
        pages.setdefault("outlets.html", []).append(site / lang / "outlets" / "index.html")
        pages.setdefault("outlet.html", []).append(
            site / lang / "outlets" / "al-jazeera" / "index.html"
        )
        pages.setdefault("search.html", []).append(site / lang / "search" / "index.html")
    for template, paths in pages.items():
        for path in paths:
            html = path.read_text(encoding="utf-8")
            assert f"<!-- {template}: True -->" in html, path
            if template != "root.html":
                assert "<!-- base.html: True -->" in html, path


ABOUT_PAGE = """{% extends "base.html" %}
{% block heading %}{{ t.about }}{% endblock %}
{% block translation_notice %}{% endblock %}
{% block main %}
<h1>{{ t.about }}</h1>
{% if lang == "ar" %}<p>النهار غرفة أخبار مستقلة.</p>
{% else %}<p>Al-Nahar is an independent newsroom.</p>
{% endif %}
{% endblock %}
"""


def _link_about_page(theme: Path) -> None:
    """An "About us" entry, and its label, in the masthead's menu of ``theme``'s base.html."""
    strings = (theme / "strings.toml").read_text(encoding="utf-8")
    strings = strings.replace("[ar]\n", '[ar]\nabout = "من نحن"\n', 1)
    strings = strings.replace("[en]\n", '[en]\nabout = "About us"\n', 1)
    (theme / "strings.toml").write_text(strings, encoding="utf-8")
    base = theme / "base.html"
    nav = "        {% if site.search %}\n"
    link = (
        "        <li><a href=\"{{ (lang ~ '/about/')|url }}\"{% if section == 'about' %}"
        ' aria-current="page"{% endif %}>{{ t.about }}</a></li>\n'
    )
    base.write_text(base.read_text(encoding="utf-8").replace(nav, link + nav, 1), "utf-8")


def test_a_themes_link_to_a_page_the_site_lacks_is_a_warning(project: Project) -> None:
    """A masthead link to "About us" before its page was made, or misspelt, linked every
    page to nothing, silently."""
    theme = project.root / "templates"
    shutil.copytree(REPO / "templates", theme)
    _link_about_page(theme)
    warnings = " ".join(build_site(project).warnings)
    assert (
        f"{theme / 'base.html'}, line 40: links ar/about/ and en/about/, which the site has "
        f"no page at (a page of your own is {theme / 'pages' / 'about.html'})"
    ) in warnings
    assert "archive/" not in warnings and "outlets/" not in warnings  # digest's own pages
    (theme / "pages").mkdir()
    (theme / "pages" / "about.html").write_text(ABOUT_PAGE, encoding="utf-8")
    assert "about/" not in " ".join(build_site(project).warnings)


def test_a_theme_page_of_its_own_is_built_in_both_languages(project: Project) -> None:
    """A newsroom's "About us" had no way in: a template in the theme's ``pages/`` is a page
    in each language, with the language switch, the masthead and the sitemap of any other."""
    theme = project.root / "templates"
    shutil.copytree(REPO / "templates", theme)
    (theme / "pages").mkdir()
    (theme / "pages" / "about.html").write_text(ABOUT_PAGE, encoding="utf-8")
    _link_about_page(theme)
    build_site(project)
    for lang, dir_, other, title, text in (
        ("ar", "rtl", "en", "من نحن", "النهار غرفة أخبار مستقلة."),
        ("en", "ltr", "ar", "About us", "Al-Nahar is an independent newsroom."),
    ):
        page = (project.output / lang / "about" / "index.html").read_text(encoding="utf-8")
        assert f'<html lang="{lang}" dir="{dir_}">' in page
        assert f"<title>{title} · " in page and f"<p>{text}</p>" in page
        assert f'class="lang-switch" href="../../{other}/about/"' in page
        assert f'<a href="./" aria-current="page">{title}</a>' in page  # the menu marks it
        front = (project.output / lang / "index.html").read_text(encoding="utf-8")
        assert '<a href="about/">' in front
    sitemap = (project.output / "sitemap.xml").read_text(encoding="utf-8")
    assert sitemap.count("/ar/about/</loc>") == 1 and sitemap.count("/en/about/</loc>") == 1


@pytest.mark.parametrize(
    ("name", "said"),
    [
        ("archive.html", "ar/archive/ is a page of digest's own"),
        ("About Us.html", "letters a-z, digits and hyphens"),
    ],
)
def test_a_theme_page_named_like_one_of_digests_is_named(
    project: Project, name: str, said: str
) -> None:
    theme = project.root / "templates"
    shutil.copytree(REPO / "templates", theme)
    (theme / "pages").mkdir()
    (theme / "pages" / name).write_text(ABOUT_PAGE.replace("t.about", "t.home"), "utf-8")
    with pytest.raises(BuildError, match=re.escape(f"{theme / 'pages' / name}: ")) as failure:
        build_site(project)
    assert said in str(failure.value)
    assert not project.output.exists()


def test_what_a_theme_adds_to_head_html_is_on_every_page(project: Project) -> None:
    """A newsroom's stylesheet and analytics snippet, added to base.html, left out the
    site's front door (index.html) and its 404 page, which do not extend base.html: the
    landing page kept the default look and was never counted. ``_head.html`` is in all."""
    theme = project.root / "templates"
    shutil.copytree(REPO / "templates", theme)
    (theme / "static" / "newsroom.css").write_text(":root { --accent: #0b5d8a; }\n", "utf-8")
    head = theme / "_head.html"
    snippet = '<script async src="https://stats.example.org/a.js" data-site="nahar"></script>\n'
    own = '<link rel="stylesheet" href="{{ \'static/newsroom.css\'|url }}">\n' + snippet
    head.write_text(head.read_text(encoding="utf-8") + own, encoding="utf-8")
    build_site(project)
    pages = ["index.html", "404.html", "ar/index.html", "en/index.html", "en/archive/index.html"]
    pages += [
        p.relative_to(project.output).as_posix() for p in project.output.glob("*/stories/*/*")
    ]
    for page in pages:
        html = (project.output / page).read_text(encoding="utf-8")
        assert snippet in html and "static/newsroom.css?v=" in html, page
        assert html.count('rel="stylesheet"') >= 2 and html.count('rel="icon"') == 1, page
