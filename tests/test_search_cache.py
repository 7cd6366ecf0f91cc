"""Search bundles are kept by what they were made from: the same pages are never indexed
twice, even when the site folder is gone (a fresh checkout in CI with .digest-cache/)."""

from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path

import pytest
from preview_support import copy_project, fresh_build, longest_line, site_files

from digest.build import Project, build_site
from digest.search_bundle_cache import CACHE_FOLDER
from digest.search_index import BUNDLE_DIR, pagefind_binary


@pytest.fixture()
def counted_pagefind(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Pagefind behind a wrapper that logs each run: the log file's path."""
    log = tmp_path / "pagefind-runs.log"
    wrapper = tmp_path / "pagefind"
    wrapper.write_text(f'#!/bin/sh\necho run >> "{log}"\nexec "{pagefind_binary()}" "$@"\n')
    wrapper.chmod(wrapper.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(wrapper))
    return log


def _runs(log: Path) -> int:
    return len(log.read_text().splitlines()) if log.exists() else 0


def _bundle(project: Project) -> dict[str, bytes]:
    return {p: d for p, d in site_files(project.output).items() if p.startswith(BUNDLE_DIR)}


def test_a_deleted_site_gets_its_bundles_back_without_pagefind(
    tmp_path: Path, counted_pagefind: Path
) -> None:
    project = copy_project(tmp_path)
    build_site(project)
    first, runs = _bundle(project), _runs(counted_pagefind)
    assert first and runs >= 1
    shutil.rmtree(project.output)
    build_site(project)
    assert _runs(counted_pagefind) == runs  # not indexed again
    assert _bundle(project) == first


def test_an_edit_indexes_again_and_only_current_bundles_are_kept(
    tmp_path: Path, counted_pagefind: Path
) -> None:
    project = copy_project(tmp_path)
    build_site(project)
    kept = sorted(os.listdir(project.cache_dir / CACHE_FOLDER))
    runs = _runs(counted_pagefind)
    article = project.content / "002_ab5b8c60f657b26b.txt"
    text = article.read_text(encoding="utf-8")
    article.write_text(text.replace(longest_line(article), "كلمة جديدة في الفقرة."), "utf-8")
    build_site(project)
    assert _runs(counted_pagefind) > runs
    now = sorted(os.listdir(project.cache_dir / CACHE_FOLDER))
    assert len(now) == len(kept) and now != kept  # the old bundle is gone
    assert site_files(project.output) == fresh_build(project, tmp_path)


def test_an_unreadable_kept_bundle_is_indexed_again(tmp_path: Path, counted_pagefind: Path) -> None:
    project = copy_project(tmp_path)
    build_site(project)
    first, runs = _bundle(project), _runs(counted_pagefind)
    for kept in (project.cache_dir / CACHE_FOLDER).iterdir():
        kept.write_bytes(b"not a pickle")
    shutil.rmtree(project.output)
    build_site(project)
    assert _runs(counted_pagefind) > runs
    assert _bundle(project) == first
