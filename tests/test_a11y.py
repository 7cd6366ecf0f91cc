"""Accessibility: axe-core in headless Chromium on every kind of page but the 404 page:
the root, and of each language the front page, a story, the archive, a day, the outlets,
an outlet and the search page.

Each page is checked in the light and the dark colour scheme (contrast differs), and the
keyboard path is checked by hand: the first Tab lands on a visible skip link, and focused
links draw an outline.
"""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path

import pytest
from reader_support import build_sample, chromium, serve, story_pages

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# Rules the issue names: none of these may fail at any impact level.
REQUIRED_RULES = {
    "html-has-lang", "html-lang-valid", "valid-lang", "color-contrast", "landmark-one-main",
    "landmark-unique", "landmark-no-duplicate-banner", "landmark-no-duplicate-contentinfo",
    "region", "bypass", "skip-link", "heading-order", "page-has-heading-one",
    "empty-heading", "link-name", "document-title", "meta-viewport",
}  # fmt: skip


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_sample(tmp_path_factory.mktemp("a11y"))


def _pages(site: Path) -> list[str]:
    """The root page; and of each language the front page, the first story page, the
    archive (by month), its first day, the list of outlets, the first outlet page and the
    search page, as site paths. (Not the 404 page: its links are from the site's root under
    base_url, which this server does not serve the site at.)"""
    paths = [""]
    for lang in ("ar", "en"):
        story = story_pages(site, lang)[0].parent.relative_to(site).as_posix()
        outlet = sorted((site / lang / "outlets").glob("*/index.html"))[0].parent
        day = sorted((site / lang / "archive").glob("*/index.html"))[0].parent
        paths += [f"{lang}/", f"{story}/", f"{lang}/archive/", f"{day.relative_to(site)}/"]
        paths += [f"{lang}/outlets/", f"{outlet.relative_to(site)}/", f"{lang}/search/"]
    return paths


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_no_serious_violations(site: Path, scheme: str) -> None:
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    problems = []
    with serve(site) as base, chromium() as browser:
        page = browser.new_page(color_scheme=scheme, viewport={"width": 375, "height": 800})
        for path in _pages(site):
            page.goto(base + path)
            results = axe.run(page).response
            for violation in results["violations"]:
                if violation["impact"] in ("serious", "critical") or (
                    violation["id"] in REQUIRED_RULES
                ):
                    targets = [n["target"] for n in violation["nodes"][:3]]
                    problems.append(f"{path} [{scheme}] {violation['id']}: {targets}")
        page.close()
    assert problems == []


def test_keyboard_reaches_a_visible_skip_link_and_focus_is_drawn(site: Path) -> None:
    with serve(site) as base, chromium() as browser:
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        for path in _pages(site):
            page.goto(base + path)
            page.keyboard.press("Tab")
            focused = page.evaluate(
                """() => { const e = document.activeElement; const r = e.getBoundingClientRect();
                    const s = getComputedStyle(e);
                    return {cls: e.className, href: e.getAttribute('href'), top: r.top,
                            bottom: r.bottom, outline: s.outlineStyle,
                            width: parseFloat(s.outlineWidth)}; }"""
            )
            if path == "":  # the root page opens with its main part: nothing to skip
                assert page.evaluate("() => !!document.activeElement.closest('main')")
                assert focused["outline"] != "none" and focused["width"] >= 2
                continue
            assert focused["cls"] == "skip-link" and focused["href"] == "#main", path
            assert focused["top"] >= 0 and focused["bottom"] <= 800, f"{path}: skip link hidden"
            assert focused["outline"] != "none" and focused["width"] >= 2, path
            page.keyboard.press("Tab")
            outline = page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
            assert outline != "none", f"{path}: second focus stop draws no outline"
            page.keyboard.press("Shift+Tab")
            page.keyboard.press("Enter")
            assert page.evaluate("() => document.activeElement.id") == "main", path
        page.close()


@pytest.mark.parametrize("width", [390, 1280])
def test_tab_goes_through_the_masthead_in_the_order_it_is_read(site: Path, width: int) -> None:
    """Title, language switch, then the sections: in reading order (right to left on
    Arabic pages) at a phone's width and a desktop's, row by row."""
    with serve(site) as base, chromium() as browser:
        page = browser.new_page(viewport={"width": width, "height": 800})
        for lang in ("ar", "en"):
            page.goto(f"{base}{lang}/")
            boxes = []
            for _ in range(7):  # skip link, title, switch, four sections
                page.keyboard.press("Tab")
                boxes.append(
                    page.evaluate(
                        """() => { const r = document.activeElement.getBoundingClientRect();
                            return [Math.round(r.top), r.left, r.right]; }"""
                    )
                )
            stops = boxes[1:]
            # reading order: a later row, or further along the same row
            for (top, left, right), (top2, left2, right2) in pairwise(stops):
                if abs(top2 - top) > 10:
                    assert top2 > top, (lang, width, stops)
                else:
                    assert (left2 < left) if lang == "ar" else (right2 > right), (lang, stops)
        page.close()


def test_the_root_page_fits_a_narrow_phone(site: Path) -> None:
    """The landing page's columns never push the page wider than the screen."""
    with serve(site) as base, chromium() as browser:
        page = browser.new_page(viewport={"width": 320, "height": 700})
        for path in ("", "ar/", "en/"):
            page.goto(base + path)
            assert page.evaluate("() => document.documentElement.scrollWidth") <= 320, path
        page.close()


def test_an_untranslated_title_in_the_pager_sits_on_the_side_of_its_label(site: Path) -> None:
    """On an English page, "Older story" is at the end (right); the Arabic title below it,
    right to left, sits on that side too, not on the left (its own end)."""
    with serve(site) as base, chromium() as browser:
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        checked = 0
        for story in story_pages(site, "en"):
            page.goto(base + story.parent.relative_to(site).as_posix() + "/")
            if not page.locator(".pager-older").count():
                continue
            label, title = (  # where each one's text ends on the right
                page.evaluate(
                    """part => { const r = document.createRange();
                        r.selectNodeContents(document.querySelector('.pager-older .' + part));
                        return r.getBoundingClientRect().right; }""",
                    part,
                )
                for part in ("pager-label", "pager-title")
            )
            assert abs(title - label) < 2, (story, title, label)
            checked += 1
        page.close()
    assert checked
