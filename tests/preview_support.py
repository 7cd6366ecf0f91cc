"""Helpers for the incremental-build and dev-server tests: project copies, edits, HTTP."""

from __future__ import annotations

import os
import shutil
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from digest.build import Project, build_site, load_articles
from digest.group import group_stories
from digest.output import MARKER
from digest.render import story_path
from digest.story_registry import load_registry

REPO = Path(__file__).resolve().parent.parent
# The sample edition's five scraped articles as the tests know them (content/ starts as a
# copy; adding your own articles there does not change what the tests check).
SEEDS = REPO / "tests" / "fixtures" / "seeds"
MARKER_WORD = "زبرجدستان"  # an Arabic-looking word found in no article
T = TypeVar("T")

# A short article on another event than the seeds (which all report one treaty signing).
OTHER_EVENT = "\n\n".join(
    [
        "منتخب المغرب يفوز على منتخب البيرو وديا في ملعب الرباط",
        (
            "فاز منتخب المغرب لكرة القدم على منتخب البيرو بهدفين دون رد في مباراة "
            "ودية أقيمت مساء الثلاثاء على ملعب الأمير مولاي عبد الله في العاصمة "
            "الرباط، ضمن استعدادات الفريق لكأس الأمم الأفريقية."
        ),
        (
            "وسجل المهاجم هدف التقدم في الدقيقة العشرين من ضربة رأسية، قبل أن يضيف "
            "لاعب الوسط الهدف الثاني في الشوط الثاني بتسديدة قوية من خارج منطقة "
            "الجزاء."
        ),
        (
            "وقال مدرب المنتخب في المؤتمر الصحفي بعد المباراة إن اللاعبين قدموا "
            "أداء جيدا، وإن الفريق سيواصل التحضير في معسكر مغلق خلال الأسبوع المقبل "
            "قبل السفر إلى مدينة أغادير."
        ),
        (
            "وحضر المباراة نحو أربعين ألف متفرج، وأشادت الصحف الرياضية المحلية "
            "بالروح القتالية للاعبين وبالتنظيم الجيد للجماهير في محيط الملعب."
        ),
    ]
)


def age_files(root: Path, seconds: float = 3600) -> None:
    """Set every file's mtime ``seconds`` in the past, as if edited long ago."""
    then = time.time() - seconds
    for path in root.rglob("*"):
        os.utime(path, (then, then))


def copy_project(tmp_path: Path, *, theme: bool = False, other_event: bool = False) -> Project:
    """A project in ``tmp_path`` with the seed articles (and the theme, if asked)."""
    root = tmp_path / "project"
    shutil.copytree(SEEDS, root / "content")
    if theme:
        shutil.copytree(REPO / "templates", root / "templates")
    if other_event:
        (root / "content" / "sport.txt").write_text(OTHER_EVENT, encoding="utf-8")
    age_files(root)
    return Project.at(root)


def longest_line(path: Path) -> str:
    return max(path.read_text(encoding="utf-8").splitlines(), key=len)


def edit_paragraph(path: Path, addition: str = MARKER_WORD) -> str:
    """Add a sentence with ``addition`` to the file's longest paragraph; return the new line."""
    text = path.read_text(encoding="utf-8")
    line = longest_line(path)
    new = f"{line} وأضاف المراسل أن كلمة {addition} وردت في البيان."
    path.write_text(text.replace(line, new, 1), encoding="utf-8")
    return new


def edit_last_paragraph(path: Path, addition: str = MARKER_WORD) -> None:
    """Add a sentence with ``addition`` to the article's last paragraph, as cleaned: past
    what grouping reads of it (if it is dated and long enough; see grouping_view)."""
    from digest.incremental import read_and_clean

    article = read_and_clean(path.parent, path.name, None)[1]
    assert article is not None
    last = article.body[-1].text
    text = path.read_text(encoding="utf-8")
    assert text.count(last) == 1
    path.write_text(text.replace(last, f"{last} وأضاف أن {addition} ورد."), encoding="utf-8")


def site_files(output: Path) -> dict[str, bytes]:
    """Every file of a built site (but the marker), by site path."""
    return {
        p.relative_to(output).as_posix(): p.read_bytes()
        for p in sorted(output.rglob("*"))
        if p.is_file() and p.name != MARKER
    }


def fresh_build(project: Project, tmp_path: Path) -> dict[str, bytes]:
    """The site a clean build (no cache, no output) makes from the same inputs."""
    root = tmp_path / "fresh"
    if root.exists():
        shutil.rmtree(root)
    shutil.copytree(project.content, root / "content")
    for name in ("templates", "digest.toml", "digest-stories.json"):
        source = project.root / name
        if source.is_dir():
            shutil.copytree(source, root / name)
        elif source.is_file():
            shutil.copy2(source, root / name)
    fresh = Project.at(root)
    build_site(fresh)
    return site_files(fresh.output)


def story_of(project: Project, source: str):
    """The story the article file ``source`` belongs to, as digest groups it now."""
    articles, _ = load_articles(project.content)
    for story in group_stories(articles, load_registry(project.registry_file).known(articles)):
        if any(a.source == source for a in story.articles):
            return story
    return None


def story_url(project: Project, source: str, lang: str = "ar") -> str:
    story = story_of(project, source)
    assert story is not None, f"{source} is in no story"
    return story_path(lang, story)


def fetch(url: str, timeout: float = 10) -> tuple[int, dict[str, str], bytes]:
    """GET ``url``: status, headers, body (error statuses are returned, not raised)."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


def wait_for(check: Callable[[], T], what: str, timeout: float = 15, step: float = 0.05) -> T:
    """Poll ``check`` until it returns something truthy; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(step)
