"""Interrupted builds: SIGTERM, SIGHUP and Ctrl-C end `digest build` through its cleanups (no
worker, Pagefind run or staging folder outlives it; site/ stays whole), what a build killed
outright left is removed by the next one, and the CLI's small promises (--port, plurals)."""

from __future__ import annotations

import contextlib
import importlib.util
import os
import shutil
import signal
import stat
import subprocess
import sys
import threading
import time
import types
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest
from click.testing import CliRunner
from preview_support import site_files

from digest import output, search_index
from digest.cli import Interrupted, _on_signals, _plural, _raise_interrupted, main
from digest.incremental import PARALLEL_MIN_FILES, GroupingMemo
from digest.interrupts import checkpoint
from digest.output import remove_stale_folders, update_site
from digest.search_index import BackgroundBundle, SearchIndexError, collect
from digest.workers import WORKERS_VARIABLE, map_in_workers

ROOT = Path(__file__).resolve().parent.parent
multicore = pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="needs two cores")
linux = pytest.mark.skipif(not Path("/proc/self/stat").is_file(), reason="reads /proc")
PAGE = (
    '<html lang="ar"><head><title>خبر</title></head><body><main data-pagefind-body>'
    "<h1>خبر</h1><p>نص الخبر عن معاهدة الشراكة</p></main></body></html>"
).encode()


def _dead_pid() -> int:
    """The id of a process that has ended (and been reaped)."""
    process = subprocess.Popen([sys.executable, "-c", ""])
    process.wait()
    return process.pid


def _processes() -> dict[int, tuple[int, int, str, str]]:
    """Every process: its parent, process group, state and command name (from /proc)."""
    table = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            stat = Path(f"/proc/{name}/stat").read_text()
        except OSError:
            continue
        comm = stat[stat.index("(") + 1 : stat.rindex(")")]
        state, ppid, pgrp = stat[stat.rindex(")") + 2 :].split()[:3]
        table[int(name)] = (int(ppid), int(pgrp), state, comm)
    return table


def _in_group(group: int) -> list[int]:
    """The live (not zombie) processes of a process group."""
    return [pid for pid, (_, pgrp, state, _) in _processes().items() if pgrp == group != 0
            and state != "Z"]  # fmt: skip


def _scratch_in(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A new folder that Pagefind's scratch folders go to (to look at; not /dev/shm)."""
    import tempfile

    folder = tmp_path / "scratch"
    folder.mkdir()
    monkeypatch.setenv("TMPDIR", str(folder))
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


# -- leftovers of builds killed outright ------------------------------------------------


def test_stale_staging_folders_of_ended_processes_are_removed(tmp_path: Path) -> None:
    out = tmp_path / "out"
    site = out / "site"
    dead = _dead_pid()
    live = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        stale = [out / f".site.new-{dead}", out / f".site.old-{dead}"]
        kept = [
            out / f".site.new-{live.pid}",  # another build, still running
            out / f".site.old-{os.getpid()}",  # this process's own
            out / f".public.new-{dead}",  # another output folder's
            out / ".site.new-abc",
        ]
        for folder in stale + kept:
            (folder / "ar").mkdir(parents=True)
            (folder / "ar" / "index.html").write_text("x")
        (out / f".site.old-{dead + 1}").write_text("a file, not ours")
        assert sorted(remove_stale_folders(site)) == sorted(stale)
        assert all(folder.is_dir() for folder in kept)
        assert (out / f".site.old-{dead + 1}").is_file()
    finally:
        live.kill()
        live.wait()


def test_a_build_killed_between_the_steps_of_a_swap_leaves_the_new_site_to_the_next(
    tmp_path: Path,
) -> None:
    """Where folders cannot be exchanged in one step, a build killed outright after moving
    the old site aside left no site/: the next build puts the whole new one in place (its
    marker is written last), and removes the old."""
    from digest.output import MARKER

    site = tmp_path / "site"
    dead = _dead_pid()
    new, old = tmp_path / f".site.new-{dead}", tmp_path / f".site.old-{dead}"
    for folder, text in ((new, "new"), (old, "old")):
        (folder / "ar").mkdir(parents=True)
        (folder / "ar" / "index.html").write_text(text)
        (folder / MARKER).write_text("marker")
    assert remove_stale_folders(site) == [old]
    assert (site / "ar" / "index.html").read_text() == "new" and not new.exists()


def test_a_site_is_swapped_in_without_a_moment_without_one(tmp_path: Path) -> None:
    """Linux exchanges the two folders in one step: a reader never finds no site/."""
    if not sys.platform.startswith("linux"):
        pytest.skip("the one-step exchange is Linux's")
    site = tmp_path / "site"
    update_site({"ar/index.html": b"0"}, [], site)
    seen_missing = []
    stop = threading.Event()

    def watch() -> None:
        while not stop.is_set():
            if not os.path.isdir(site):
                seen_missing.append(True)

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        for n in range(1, 60):
            update_site({"ar/index.html": str(n).encode()}, [], site)
    finally:
        stop.set()
        watcher.join()
    assert (site / "ar" / "index.html").read_text() == "59" and not seen_missing
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".site.")]  # old ones gone


def test_cli_build_removes_stale_staging_folders_and_counts_in_english(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A one-article site says "1 article, 1 story" (and the folders a killed build left
    beside site/ are gone)."""
    seed = sorted((ROOT / "tests" / "fixtures" / "seeds").glob("*.txt"))[0]
    (tmp_path / "content").mkdir()
    shutil.copy(seed, tmp_path / "content" / seed.name)
    stale = tmp_path / f".site.new-{_dead_pid()}"
    (stale / "en").mkdir(parents=True)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["build"])
    assert result.exit_code == 0, result.output
    line = next(x for x in result.output.splitlines() if x.startswith("Built "))
    assert ": 1 article, 1 story, " in line and " pages; 0 sentences translated, " in line
    assert not stale.exists()


@pytest.mark.parametrize("moment", ["before writing", "while writing"])
def test_ctrl_c_says_whether_the_site_was_written(
    moment: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl-C before the new site is written: "Aborted", and no site. While it is written,
    Ctrl-C waits until it is in, with its story ids (only caches are left to save then),
    and the message says the site is complete."""
    import digest.build

    shutil.copytree(ROOT / "tests" / "fixtures" / "seeds", tmp_path / "content")
    monkeypatch.chdir(tmp_path)
    render = digest.build.Builder._render

    def ctrl_c_after_rendering(*args: object, **kwargs: object) -> object:
        rendered = render(*args, **kwargs)  # type: ignore[arg-type]
        os.kill(os.getpid(), signal.SIGINT)
        return rendered

    def ctrl_c_while_writing(*args: object, **kwargs: object) -> list[str]:
        os.kill(os.getpid(), signal.SIGINT)
        return update_site(*args, **kwargs)  # type: ignore[arg-type]

    if moment == "before writing":
        monkeypatch.setattr(digest.build.Builder, "_render", ctrl_c_after_rendering)
    else:
        monkeypatch.setattr(digest.build, "update_site", ctrl_c_while_writing)
    result = CliRunner().invoke(main, ["build"])
    assert result.exit_code == 128 + signal.SIGINT
    if moment == "while writing":
        assert f"Stopped (SIGINT) after writing the site: {tmp_path / 'site'} is complete" in (
            " ".join(result.output.split())
        )
        assert (tmp_path / "site" / "ar" / "index.html").is_file()
        assert not list(tmp_path.glob(".site.*"))  # no staging folder left
        # the story ids went in with the site: a commit of both now matches
        stories = (tmp_path / "digest-stories.json").read_text(encoding="utf-8")
        for page in (tmp_path / "site" / "ar" / "stories").iterdir():
            assert page.name in stories
    else:
        assert "Aborted (SIGINT)" in result.output
        assert not (tmp_path / "site").exists()


@pytest.mark.parametrize("name", ["SIGINT", "SIGTERM"])
def test_a_signal_during_the_previews_first_build_says_aborted(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``digest serve`` stopped before it serves: "Aborted (SIGINT)" and 128 + the signal's
    number, as ``digest build`` says it (not click's bare "Aborted!" and status 1); the
    signal waits while a built site goes in, so the preview folder is whole."""
    import digest.build

    shutil.copytree(ROOT / "tests" / "fixtures" / "seeds", tmp_path / "content")
    monkeypatch.chdir(tmp_path)
    number = getattr(signal, name)

    def signal_while_writing(*args: object, **kwargs: object) -> list[str]:
        os.kill(os.getpid(), number)
        return update_site(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(digest.build, "update_site", signal_while_writing)
    previous = {n: signal.getsignal(n) for n in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)}
    try:
        result = CliRunner().invoke(main, ["serve", "--port", "0"])
    finally:
        for n, handler in previous.items():
            signal.signal(n, handler)
    assert result.exit_code == 128 + number, result.output
    assert f"Aborted ({name})" in result.output and "Serving" not in result.output
    preview = tmp_path / ".digest-cache" / "preview"
    assert (preview / "ar" / "index.html").is_file()  # the site it was writing went in
    assert not list(preview.parent.glob(".preview.*"))  # and no staging folder is left


class _SignalsWhenFinalized:
    """Sends this process SIGINT from its ``__del__``: the handler then runs inside a
    finalizer, where Python prints what it raises and drops it."""

    def __del__(self) -> None:
        os.kill(os.getpid(), signal.SIGINT)
        for _ in range(10_000):  # the handler runs here, between two steps
            pass


def test_ctrl_c_that_a_finalizer_drops_still_stops_the_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    dropped: list[BaseException | None] = []
    monkeypatch.setattr(sys, "unraisablehook", lambda hook: dropped.append(hook.exc_value))
    shutil.copytree(ROOT / "tests" / "fixtures" / "seeds", tmp_path / "content")
    monkeypatch.chdir(tmp_path)
    group = GroupingMemo.group

    def group_then_finalize(*args: object, **kwargs: object) -> object:
        grouped = group(*args, **kwargs)  # type: ignore[arg-type]
        _SignalsWhenFinalized()  # made and dropped at once: its __del__ runs here
        return grouped

    monkeypatch.setattr(GroupingMemo, "group", group_then_finalize)
    result = CliRunner().invoke(main, ["build"])
    assert [type(e) for e in dropped] == [Interrupted]  # the finalizer dropped it
    assert result.exit_code == 128 + signal.SIGINT, result.output
    assert "Aborted (SIGINT)" in result.output
    assert not (tmp_path / "site").exists()


def test_ctrl_c_while_the_command_loads_says_aborted_without_a_traceback(tmp_path: Path) -> None:
    """SIGINT as digest's modules are being imported (the first tenths of a second)."""
    script = (
        "import importlib.abc, os, signal, sys\n"
        "class CtrlC(importlib.abc.MetaPathFinder):\n"
        "    def find_spec(self, name, path, target=None):\n"
        "        if name == 'digest.cli':\n"
        "            os.kill(os.getpid(), signal.SIGINT)\n"
        "        return None\n"
        "sys.meta_path.insert(0, CtrlC())\n"
        "sys.argv = ['digest', 'build']\n"
        "from digest.launch import run\n"
        "run()\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=tmp_path, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 128 + signal.SIGINT
    assert done.stderr == "Aborted (SIGINT)\n"


@pytest.mark.parametrize("port", ["99999", "65536", "-1"])
def test_serve_refuses_a_port_out_of_range(port: str) -> None:
    result = CliRunner().invoke(main, ["serve", "--port", port])
    assert result.exit_code == 2
    assert "Invalid value for '--port'" in result.output
    assert "0<=x<=65535" in result.output
    assert "OverflowError" not in result.output


def test_plurals() -> None:
    assert [_plural(n, "story", "stories") for n in (0, 1, 2)] == [
        "0 stories",
        "1 story",
        "2 stories",
    ]
    assert [_plural(n, "page") for n in (1, 12)] == ["1 page", "12 pages"]


def test_stale_search_scratch_folders_of_ended_processes_are_removed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    scratch = _scratch_in(tmp_path, monkeypatch)
    monkeypatch.setattr(search_index, "_swept", set())
    dead = scratch / f"digest-search-{_dead_pid()}-abcd1234"
    kept = [scratch / f"digest-search-{os.getpid()}-abcd1234", scratch / "digest-search-x1"]
    for folder in [dead, *kept]:
        (folder / "ar").mkdir(parents=True)
    assert search_index.remove_stale_scratch() == [dead]
    assert all(folder.is_dir() for folder in kept)
    assert search_index.remove_stale_scratch() == []  # once a process
    made = search_index._write_pages({"ar/index.html": PAGE}, None)
    assert made.name.startswith(f"digest-search-{os.getpid()}-")
    shutil.rmtree(made)


# -- cleanups on the way out -------------------------------------------------------------


def test_signal_ends_the_block_with_128_plus_its_number_and_repeats_wait() -> None:
    before = signal.getsignal(signal.SIGTERM)
    cleaned = []
    with (
        pytest.raises(Interrupted) as stopped,
        _on_signals(("SIGTERM", "SIGHUP"), _raise_interrupted),
    ):
        try:
            signal.raise_signal(signal.SIGTERM)
            time.sleep(5)  # not reached: the handler raises first
        finally:
            signal.raise_signal(signal.SIGTERM)  # a repeat does not cut the cleanup short
            cleaned.append("done")
    assert stopped.value.code == 128 + signal.SIGTERM == 143
    assert cleaned == ["done"]
    assert signal.getsignal(signal.SIGTERM) == before
    checkpoint()  # the interrupt was answered: it does not stop what runs after the block
    previous = signal.signal(signal.SIGHUP, signal.SIG_IGN)  # as under nohup
    try:
        with _on_signals(("SIGTERM", "SIGHUP"), _raise_interrupted):
            assert signal.getsignal(signal.SIGHUP) == signal.SIG_IGN
    finally:
        signal.signal(signal.SIGHUP, previous)


class _Interrupting(Mapping[str, bytes]):
    """Files to write whose writing is interrupted (as by Ctrl-C) after ``after`` files."""

    def __init__(self, files: dict[str, bytes], after: int) -> None:
        self.files, self.after = files, after

    def __getitem__(self, key: str) -> bytes:
        return self.files[key]

    def __len__(self) -> int:
        return len(self.files)

    def __iter__(self) -> Iterator[str]:
        for count, key in enumerate(self.files):
            if count == self.after:
                raise KeyboardInterrupt
            yield key


def _site(tmp_path: Path) -> tuple[Path, dict[str, bytes]]:
    """A site in a folder of its own, and its files."""
    site = tmp_path / "out" / "site"
    files = {f"ar/{i}/index.html": f"page {i}".encode() for i in range(20)}
    update_site(files, [], site)
    return site, site_files(site)


def test_interrupted_staging_leaves_the_site_whole_and_no_folder(tmp_path: Path) -> None:
    site, before = _site(tmp_path)
    new = {f"ar/{i}/index.html": b"new" for i in range(10)}
    with pytest.raises(KeyboardInterrupt):
        update_site(_Interrupting(new, 7), [p for p in before if p not in new], site)
    assert site_files(site) == before
    assert [p.name for p in site.parent.iterdir()] == ["site"]


def test_interrupted_removal_of_the_old_site_still_removes_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site, _ = _site(tmp_path)
    calls = []

    def rmtree(path: object, ignore_errors: bool = False) -> None:
        calls.append(path)
        swapped = (site / "ar" / "index.html").read_bytes() == b"new"
        if len(calls) == 1 and swapped and ".site." in str(path):
            raise KeyboardInterrupt  # the signal arrives while the old site is removed
        shutil.rmtree(path, ignore_errors=ignore_errors)

    monkeypatch.setattr(output, "shutil", types.SimpleNamespace(rmtree=rmtree))
    with pytest.raises(KeyboardInterrupt):
        update_site({"ar/index.html": b"new"}, [], site)
    assert site_files(site) == {"ar/index.html": b"new"}  # swapped in before
    assert [p.name for p in site.parent.iterdir()] == ["site"]


def test_interrupted_collect_stops_every_pagefind_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    scratch = _scratch_in(tmp_path, monkeypatch)
    runs = [BackgroundBundle({"ar/index.html": PAGE}) for _ in range(3)]
    processes = [run._started[0] for run in runs if run._started is not None]
    assert len(processes) == 3 and len(list(scratch.iterdir())) == 3

    def interrupted(*args: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(search_index, "_finish_pagefind", interrupted)
    with pytest.raises(KeyboardInterrupt):
        collect(runs)
    assert all(process.returncode is not None for process in processes)
    assert list(scratch.iterdir()) == []
    assert not search_index._running


def test_stop_running_stops_runs_nobody_collected(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    scratch = _scratch_in(tmp_path, monkeypatch)
    run = BackgroundBundle({"ar/index.html": PAGE})
    assert run._started is not None
    process = run._started[0]
    search_index.stop_running()
    assert process.returncode is not None
    assert list(scratch.iterdir()) == [] and not search_index._running
    with pytest.raises(SearchIndexError, match="stopped"):
        run.result()


@multicore
def test_interrupted_map_in_workers_stops_its_workers_at_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import multiprocessing

    monkeypatch.delenv(WORKERS_VARIABLE, raising=False)
    workers: list[int] = []

    def interrupt() -> None:
        workers.extend(p.pid for p in multiprocessing.active_children())
        raise KeyboardInterrupt

    started = time.monotonic()
    with pytest.raises(KeyboardInterrupt):
        map_in_workers(lambda i: time.sleep(30), range(20), fork=True, meanwhile=interrupt)
    assert time.monotonic() - started < 15  # not after the chunks' 30 s sleeps
    assert workers
    for pid in workers:
        with pytest.raises(ProcessLookupError):  # ended and reaped
            os.kill(pid, 0)


@multicore
def test_workers_leave_ctrl_c_to_the_parent_and_end_on_sigterm() -> None:
    def dispositions(i: int) -> tuple[bool, bool]:
        return (
            signal.getsignal(signal.SIGINT) == signal.SIG_IGN,
            signal.getsignal(signal.SIGTERM) == signal.SIG_DFL,
        )

    assert set(map_in_workers(dispositions, range(40), fork=True)) == {(True, True)}


@multicore
@linux
def test_workers_die_with_a_parent_killed_outright(tmp_path: Path) -> None:
    script = (
        "import time\n"
        "from digest.workers import map_in_workers\n"
        "map_in_workers(lambda i: time.sleep(60), range(8), fork=True)\n"
    )
    env = {k: v for k, v in os.environ.items() if k != WORKERS_VARIABLE}
    parent = subprocess.Popen([sys.executable, "-c", script], cwd=ROOT, env=env,
                              start_new_session=True)  # fmt: skip
    try:
        workers: list[int] = []
        deadline = time.monotonic() + 30
        while len(workers) < 2 and time.monotonic() < deadline and parent.poll() is None:
            workers = [p for p, (ppid, *_) in _processes().items() if ppid == parent.pid]
            time.sleep(0.02)
        assert len(workers) >= 2, "no worker was forked"
        parent.kill()
        parent.wait()
        deadline = time.monotonic() + 20
        while _in_group(parent.pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert _in_group(parent.pid) == []
    finally:
        _kill_group(parent)


def _kill_group(process: subprocess.Popen) -> None:
    """Kill what is left of a test's process group (started with a session of its own)."""
    if process.poll() is None:
        process.kill()
        process.wait()
    if Path("/proc").is_dir():
        for pid in _in_group(process.pid):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)


# -- a real `digest build`, stopped by SIGTERM -------------------------------------------


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, bytes]]:
    """Generated articles enough to fork cleaning and render workers, and the site a fresh
    full `digest build` makes of them."""
    spec = importlib.util.spec_from_file_location("generate_site", ROOT / "bench/generate_site.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    root = module.generate(tmp_path_factory.mktemp("generated"), PARALLEL_MIN_FILES + 20)
    reference = tmp_path_factory.mktemp("reference")
    shutil.copytree(root / "content", reference / "content")
    argos = reference / "argos"  # no model (as the tests' builds, see conftest.argos_home)
    env = {**os.environ, "ARGOS_PACKAGES_DIR": str(argos / "packages")}
    env.update({f"XDG_{name}_HOME": str(argos / name) for name in ("DATA", "CACHE", "CONFIG")})
    subprocess.run([sys.executable, "-m", "digest", "build"], cwd=reference, env=env,
                   check=True, capture_output=True, timeout=300)  # fmt: skip
    return root, site_files(reference / "site")


def _children(pid: int) -> list[str]:
    return [comm for ppid, _, state, comm in _processes().values() if ppid == pid != 0
            and state != "Z"]  # fmt: skip


@multicore
@linux
@pytest.mark.parametrize(
    ("during", "with_site"),
    [("workers", False), ("pagefind", True)],
    ids=["while-workers-clean-no-site-yet", "while-pagefind-indexes-over-a-site"],
)
def test_sigterm_stops_a_build_with_all_its_processes_and_folders(
    generated: tuple[Path, dict[str, bytes]],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    during: str,
    with_site: bool,
) -> None:
    """SIGTERM while forked workers clean (no site yet) or while Pagefind indexes (over a
    site an earlier build made): the build exits with 143 (128 + SIGTERM) within seconds;
    no worker or Pagefind run of it remains, no staging, retired or scratch folder; site/
    is absent or exactly what a full build makes."""
    root, reference = generated
    project = tmp_path / "project"
    shutil.copytree(root / "content", project / "content")
    if with_site:
        output.update_site(reference, [], project / "site")  # as a build leaves it
    scratch = tmp_path / "scratch"  # Pagefind's pages (else in /dev/shm): to look at
    scratch.mkdir()
    monkeypatch.setenv("TMPDIR", str(scratch))
    monkeypatch.delenv(WORKERS_VARIABLE, raising=False)
    log = tmp_path / "stderr.txt"
    with log.open("w") as stderr:
        build = subprocess.Popen([sys.executable, "-m", "digest", "build"], cwd=project,
                                 stderr=stderr, start_new_session=True)  # fmt: skip
    try:
        deadline = time.monotonic() + 120
        while build.poll() is None and time.monotonic() < deadline:
            children = _children(build.pid)
            workers = [c for c in children if c != "pagefind"]
            if (len(workers) >= 2) if during == "workers" else ("pagefind" in children):
                break
            time.sleep(0.01)
        assert build.poll() is None, f"the build ended before {during} were seen"
        build.send_signal(signal.SIGTERM)
        code = build.wait(timeout=20)
        deadline = time.monotonic() + 20
        while _in_group(build.pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        left = _in_group(build.pid)
    finally:
        _kill_group(build)
    assert code == 128 + signal.SIGTERM, log.read_text()
    assert "Aborted (SIGTERM)" in log.read_text()
    assert left == []
    assert sorted(p.name for p in project.iterdir() if p.name.startswith(".site")) == []
    assert list(scratch.iterdir()) == []
    site = project / "site"
    if with_site or site.exists():
        assert site_files(site) == reference


def test_the_site_folder_keeps_its_permissions(tmp_path: Path) -> None:
    """A site/ made group-writable and setgid for a web server's group stays so."""
    site = tmp_path / "site"
    update_site({"ar/index.html": b"0"}, [], site)
    site.chmod(0o2775)
    update_site({"ar/index.html": b"1"}, [], site)
    assert stat.S_IMODE(site.stat().st_mode) == 0o2775


def test_a_folder_that_may_not_be_written_is_said_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The new site is made beside site/: no write access there is a plain message (tests
    run as root, so the system's refusal is stood in for)."""
    from digest.output import OutputError

    site = tmp_path / "site"
    update_site({"ar/index.html": b"0"}, [], site)
    mkdir = Path.mkdir

    def refused(self: Path, *args: object, **kwargs: object) -> None:
        if self.name.startswith(".site.new-"):
            raise PermissionError(13, "Permission denied", str(self))
        mkdir(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Path, "mkdir", refused)
    with pytest.raises(OutputError, match="needs write access there"):
        update_site({"ar/index.html": b"1"}, [], site)
    assert (site / "ar" / "index.html").read_bytes() == b"0"
