"""Work shared over forked worker processes: same results as one process, clear errors."""

from __future__ import annotations

import importlib.util
import os
import shutil
import threading
import time
from pathlib import Path

import pytest
from preview_support import site_files

from digest.build import Builder, BuildError, Project, build_site
from digest.incremental import PARALLEL_MIN_FILES
from digest.workers import WORKERS_VARIABLE, in_background, map_in_workers

ROOT = Path(__file__).resolve().parent.parent
multicore = pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="needs two cores")


def _generator():
    spec = importlib.util.spec_from_file_location("generate_site", ROOT / "bench/generate_site.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project of generated articles: enough files and pages to use worker processes."""
    return _generator().generate(tmp_path_factory.mktemp("generated"), PARALLEL_MIN_FILES + 20)


def _copy(generated: Path, target: Path) -> Project:
    shutil.copytree(generated / "content", target / "content")
    return Project.at(target)


@multicore
def test_map_in_workers_keeps_order_and_uses_other_processes(monkeypatch):
    items = list(range(300))
    pids = map_in_workers(lambda i: (i * i, os.getpid()), items, fork=True)
    assert [square for square, _ in pids] == [i * i for i in items]
    assert os.getpid() not in {pid for _, pid in pids}
    assert {pid for _, pid in map_in_workers(lambda i: (i, os.getpid()), items, fork=False)} == {
        os.getpid()
    }
    monkeypatch.setenv(WORKERS_VARIABLE, "1")
    assert {pid for _, pid in map_in_workers(lambda i: (i, os.getpid()), items, fork=True)} == {
        os.getpid()
    }


@multicore
@pytest.mark.parametrize("fork", [True, False])
def test_meanwhile_runs_once_here_while_the_workers_work(fork: bool) -> None:
    """The build imports the next stages' libraries while workers clean: ``meanwhile``
    runs once, in this process, and the results are as without it."""
    import time

    calls: list[tuple[int, float]] = []

    def slow_square(i: int) -> tuple[int, float]:
        time.sleep(0.002)
        return i * i, time.monotonic()

    results = map_in_workers(
        slow_square,
        range(200),
        fork=fork,
        meanwhile=lambda: calls.append((os.getpid(), time.monotonic())),
    )
    assert [square for square, _ in results] == [i * i for i in range(200)]
    assert [pid for pid, _ in calls] == [os.getpid()]
    finished = max(at for _, at in results)
    assert (calls[0][1] < finished) == fork  # during the work with workers, else after it


@multicore
def test_workers_and_one_process_build_the_same_site(generated, tmp_path, monkeypatch):
    shared = _copy(generated, tmp_path / "shared")
    report = Builder(shared).build()
    assert report.cleaned == PARALLEL_MIN_FILES + 20 and report.rendered >= 100
    monkeypatch.setenv(WORKERS_VARIABLE, "1")
    alone = _copy(generated, tmp_path / "alone")
    Builder(alone).build()
    ours, theirs = site_files(shared.output), site_files(alone.output)
    assert any(path.startswith("pagefind/") for path in ours)  # the search bundle too
    assert ours.keys() == theirs.keys()
    assert [p for p in ours if ours[p] != theirs[p]] == []


@multicore
def test_template_error_in_a_worker_names_the_template_line(generated, tmp_path):
    project = _copy(generated, tmp_path)
    shutil.copytree(ROOT / "templates", tmp_path / "templates")
    story = tmp_path / "templates" / "story.html"
    lines = story.read_text(encoding="utf-8").split("\n")
    lines.insert(12, "{{ story.no_such_field.deeper }}")
    story.write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(BuildError, match=r"story\.html, line 13: .*no_such_field"):
        build_site(project)
    assert not project.output.exists()


def test_bad_workers_setting_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setenv(WORKERS_VARIABLE, "two")
    shutil.copytree(ROOT / "tests" / "fixtures" / "seeds", tmp_path / "content")
    with pytest.raises(BuildError, match="DIGEST_WORKERS='two' is not a whole number"):
        build_site(Project.at(tmp_path))


@multicore
def test_failed_build_leaves_no_search_run_behind(generated, tmp_path, monkeypatch):
    """A template error after the search shards started: the build fails cleanly, and no
    Pagefind run or temporary folder outlives it."""
    import tempfile

    (tmp_path / "tmp").mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))  # ours alone
    monkeypatch.setenv("TMPDIR", str(tmp_path / "tmp"))  # Pagefind's pages too (not /dev/shm)
    project = _copy(generated, tmp_path)
    shutil.copytree(ROOT / "templates", tmp_path / "templates")
    day = tmp_path / "templates" / "day.html"  # rendered after the story pages
    text = day.read_text(encoding="utf-8")
    day.write_text(text.replace("{% block main %}", "{% block main %}{{ no_such.thing }}"), "utf-8")
    with pytest.raises(BuildError, match=r"day\.html"):
        build_site(project)
    assert list((tmp_path / "tmp").iterdir()) == []
    assert not project.output.exists()


def _only_thread() -> None:
    """Wait (30 s at most) until this is the process's only thread, as forking needs: a
    pool that an earlier test stopped may still be ending its manager thread."""
    deadline = time.monotonic() + 30
    while threading.active_count() > 1 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert threading.active_count() == 1, threading.enumerate()


@multicore
def test_in_background_computes_in_another_process_meanwhile():
    _only_thread()
    started = time.monotonic()
    work = in_background(lambda: (time.sleep(0.5), os.getpid())[1])
    assert work is not None
    with work:
        assert time.monotonic() - started < 0.4  # this process went on
        assert work.result() not in (os.getpid(), None)


def test_in_background_without_a_fork_leaves_the_work_here(monkeypatch):
    """Where no worker can be forked (one worker allowed, one core), nothing runs: the
    caller computes the function itself when it needs it."""
    calls: list[int] = []
    monkeypatch.setenv(WORKERS_VARIABLE, "1")
    assert in_background(lambda: calls.append(os.getpid()) or "done") is None
    assert calls == []


@multicore
def test_in_background_raises_what_the_function_raised() -> None:
    def fails() -> None:
        raise ValueError("no such model")

    _only_thread()
    work = in_background(fails)
    assert work is not None
    with pytest.raises(ValueError, match="no such model"):
        work.result()


@multicore
def test_in_background_worker_nobody_waits_for_is_stopped():
    _only_thread()
    work = in_background(lambda: time.sleep(60))
    assert work is not None
    with work:
        process = work._process
    assert not process.is_alive()
