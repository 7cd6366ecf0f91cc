"""Search options: ``search = false`` in digest.toml, and the bundle made while rendering."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from digest.build import BuildError, Project, build_site
from digest.config import ConfigError, load_config

REPO = Path(__file__).resolve().parent.parent


def _site(root: Path, toml: str) -> Project:
    shutil.copytree(REPO / "tests" / "fixtures" / "seeds", root / "content")
    (root / "digest.toml").write_text(toml, encoding="utf-8")
    return Project.at(root)


def test_search_off_builds_no_bundle_and_links_no_search_page(tmp_path: Path) -> None:
    project = _site(tmp_path, "search = false\n")
    build_site(project)
    site = project.output
    assert not (site / "pagefind").exists()
    assert not (site / "ar" / "search").exists() and not (site / "en" / "search").exists()
    pages = [p for p in site.rglob("*") if p.suffix in (".html", ".xml")]
    assert len(pages) > 10
    for page in pages:
        assert "/search/" not in page.read_text(encoding="utf-8"), page


def test_turning_search_off_removes_the_old_bundle(tmp_path: Path) -> None:
    project = _site(tmp_path, "search = true\n")
    build_site(project)
    assert (project.output / "pagefind" / "pagefind-entry.json").is_file()
    assert (project.output / "ar" / "search" / "index.html").is_file()
    project.config_file.write_text("search = false\n", encoding="utf-8")
    build_site(project)
    assert not (project.output / "pagefind").exists()
    assert not (project.output / "ar" / "search").exists()


def test_search_must_be_a_boolean(tmp_path: Path) -> None:
    (tmp_path / "digest.toml").write_text('search = "no"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="search must be true or false"):
        load_config(tmp_path / "digest.toml")
    project = _site(tmp_path / "site", 'search = "no"\n')
    with pytest.raises(BuildError, match="search must be true or false"):
        build_site(project)


def test_bundle_on_disk_equals_indexing_every_page(tmp_path: Path) -> None:
    """The bundle a build writes is the one Pagefind makes from the whole site."""
    from digest.search_index import BUNDLE_DIR, search_bundles

    project = _site(tmp_path, "")
    build_site(project)
    site = project.output
    every_page = {
        p.relative_to(site).as_posix(): p.read_bytes()
        for p in sorted(site.rglob("*.html"))
        if not p.relative_to(site).as_posix().startswith(BUNDLE_DIR + "/")
    }
    on_disk = {
        p.relative_to(site).as_posix(): p.read_bytes()
        for p in sorted((site / BUNDLE_DIR).rglob("*"))
        if p.is_file()
    }
    slugs = [p.name for p in (site / "ar" / "stories").iterdir()]
    assert on_disk == search_bundles(every_page, slugs)
