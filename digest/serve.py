"""``digest serve``: build, serve the site on loopback, rebuild what changed, reload browsers.

* One :class:`~digest.build.Builder` lives as long as the server, so a rebuild re-cleans,
  re-groups, re-translates and re-renders only what an edit touched, and replaces changed
  files in place (the site on disk is whole at every moment).
* watchdog watches ``content/``, the theme, ``static/`` and ``digest.toml``; a burst of events
  (temp files, rename-into-place, several saves) is debounced into one rebuild of the
  final state. Editor temp and swap files are ignored.
* HTML pages are served with a small script that listens on ``/__digest/events``
  (Server-Sent Events) and reloads the page after a rebuild, or shows an overlay with the
  error when a build fails. The files on disk never contain it.
* When only article text changed, a provisional build shows it at once; the stories are
  then regrouped on a thread of their own (:class:`_GroupingAhead`), so a save meanwhile
  is shown at once too, and the exact build follows with that grouping. An edit past what
  grouping reads (the first paragraphs) needs no regrouping: the exact build that follows
  only indexes the search.
* A page open at an address the preview gave a story that has none now (a draft that
  joined another story, a pin changed) is redirected to where its reports are; the
  preview writes no page there (see :attr:`~digest.build.Builder.draft_moves`).
* A failed build leaves the last good site served; a broken article keeps its last good
  version. The next good save recovers, without a restart.
* Serving is :mod:`digest.site_server` (only files inside the output folder), the page
  script and its event stream are :mod:`digest.live_reload`.
"""

from __future__ import annotations

import fcntl
import gc
import hashlib
import logging
import os
import signal
import sys
import threading
import time
import traceback
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import IO

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

from digest.article import Story
from digest.build import Builder, BuildError, BuildReport, GroupingJob, Project, code_version
from digest.incremental import BuildState
from digest.interrupts import forget, interrupt
from digest.live_reload import EVENTS_PATH, LiveState  # noqa: F401  (re-exported)
from digest.render import story_path
from digest.site_server import SiteServer
from digest.source import (
    TRANSLATION_SUFFIX,
    is_article_file,
    is_ignored_name,
    is_ignored_path,
    sidecar_stem,
)
from digest.story_registry import REGISTRY_FILE

REGROUPED = "(stories regrouped)"  # how the log names the exact build after a provisional one
SEARCH_UPDATED = "(search index updated)"  # ... when the edits left the grouping as it was
SETTLED = "(edit settled)"  # ... and there is no search index (said only if it did more)
DEBOUNCE = 0.05  # seconds of quiet before a rebuild starts
MAX_DELAY = 1.0  # ... unless events keep coming for this long
WATCHED_EVENTS = {"created", "modified", "deleted", "moved", "closed"}


def is_temp_file(path: str) -> bool:
    """Hidden files and editor temp, swap and backup files: edits to them are not edits."""
    return is_ignored_name(Path(path).name)


class _Watch(FileSystemEventHandler):
    """Forwards relevant file events to the server; ignores temp files and reads, and in
    the content folder (``content``), hidden folders such as ``.git/``."""

    def __init__(
        self,
        dev: DevServer,
        only: set[str] | None = None,
        content: Path | None = None,
        linked: tuple[Path, Path] | None = None,
    ) -> None:
        self.dev = dev
        self.only = only  # for the root folder: just these names
        self.content = str(content) + os.sep if content is not None else None  # as watched
        # (folder watched, the project's path to it): events named by the project's path
        self.linked = None if linked is None else (str(linked[0]) + os.sep, str(linked[1]) + os.sep)

    def _in_hidden_folder(self, path: str) -> bool:
        if self.content is None or not path.startswith(self.content):
            return False
        return is_ignored_path(Path(path[len(self.content) :]).as_posix())

    def _relevant(self, path: str) -> bool:
        """In the root folder, the names asked for (``.digest-cache`` is one, hidden as it
        is); elsewhere, not a temp file nor in a hidden folder."""
        if self.only is not None:
            return Path(path).name in self.only
        return not is_temp_file(path) and not self._in_hidden_folder(path)

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type not in WATCHED_EVENTS:
            return
        if event.is_directory and event.event_type in ("modified", "closed"):
            return
        paths = [event.src_path, getattr(event, "dest_path", "")]
        paths = [p if isinstance(p, str) else p.decode() for p in paths if p]
        relevant = [p for p in paths if self._relevant(p)]
        if relevant and self.linked is not None:
            there, here = self.linked
            relevant = [here + p[len(there) :] if p.startswith(there) else p for p in relevant]
        if relevant:
            self.dev.notice(relevant)


class DevServer:
    """Builds ``project``, serves its output folder, and rebuilds on every change.

    ``start()`` returns once the first build is done and the server listens (``port=0``
    picks a free port; see :attr:`url`); ``stop()`` shuts everything down.
    """

    def __init__(
        self,
        project: Project,
        host: str = "127.0.0.1",
        port: int = 8000,
        *,
        log: Callable[[str], None] | None = None,
    ) -> None:
        self.project = project
        self.output = project.output.absolute()
        self.host, self.port = host, port
        self.log = log or (lambda line: print(line, file=sys.stderr, flush=True))
        state = BuildState.load(project.cache_dir, code_version(), project.state_tag)
        self.builder = Builder(project, state, in_place=True, keep_last_good=True, draft_ids=True)
        self.live = LiveState()
        self.httpd: SiteServer | None = None
        self.observer: Observer | None = None
        self.watched: tuple[bool, Path, bool] | None = None  # content?, theme, static?
        self._pending: set[str] = set()
        self._last_event = 0.0
        self._wake = threading.Condition()
        self._stopping = False
        self._threads: list[threading.Thread] = []
        self.last_report: BuildReport | None = None
        self._lock: IO[str] | None = None  # held while this server previews into output
        self._warned: set[str] = set()  # warnings already shown
        # the first build's warnings (no model, base_url unset ...): in the terminal only; a
        # warning that a later build gives (a broken NAME.en.md just saved) shows on the page
        self._standing: set[str] | None = None
        self._failing = False  # the last build failed or had a file it could not use

    @property
    def url(self) -> str:
        assert self.httpd is not None, "start() the server first"
        host, port = self.httpd.server_address[:2]
        host = f"[{host}]" if ":" in str(host) else host
        return f"http://{host}:{port}/"

    # -- lifecycle -------------------------------------------------------------------

    def start(self) -> DevServer:
        self._lock = _hold_preview(self.output, self.project.cache_dir)
        # Listen first (a busy port fails at once), so that pages link to this very address
        # (canonical links, feeds) unless digest.toml sets base_url.
        try:
            self.httpd = SiteServer((self.host, self.port), self.output, self.live)
        except OSError:
            self._release()
            raise
        self.builder.base_url = self.url
        self.rebuild(["(start)"])
        gc.collect()
        gc.freeze()  # the caches live as long as the server: keep them out of GC passes
        # watchdog's inotify warns when a watched folder is made again at once (git's
        # objects during a commit in content/): harmless, and nothing for the editor to do
        warnings.filterwarnings("ignore", "Callback with id '", RuntimeWarning)
        self.observer = Observer()
        self._watch()
        self.observer.start()
        for target, name in ((self.httpd.serve_forever, "http"), (self._rebuild_loop, "rebuild")):
            thread = threading.Thread(target=target, name=f"digest-serve-{name}", daemon=True)
            thread.start()
            self._threads.append(thread)
        return self

    def stop(self) -> None:
        """Stop watching, close event streams and the server, wait for the threads."""
        with self._wake:
            self._stopping = True
            self._wake.notify_all()
        self.live.close()
        gc.unfreeze()
        if self.observer is not None:
            # watchdog's inotify thread may log "queue_events() called when the thread is
            # inactive" as it stops: a race of its own, not an error of the preview's
            inotify = logging.getLogger("watchdog.observers.inotify")
            level = inotify.level
            inotify.setLevel(logging.CRITICAL)
            try:
                self.observer.stop()
                self.observer.join(timeout=5)
            finally:
                inotify.setLevel(level)
        if self.httpd is not None:
            self.httpd.shutdown()
            self.httpd.server_close()
        for thread in self._threads:
            thread.join(timeout=5)
        if any(thread.is_alive() for thread in self._threads):
            return  # a build is still running: its state is not whole (nor its folder free)
        try:  # the next `digest build` or `digest serve` starts from here
            self.builder.state.save(self.project.cache_dir, self.project.state_tag)
        except OSError as exc:
            self.log(f"warning: could not save the build cache: {exc}")
        self._release()

    def _release(self) -> None:
        """Let another preview use the output folder."""
        if self._lock is not None:
            self._lock.close()
            self._lock = None

    def __enter__(self) -> DevServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def serve_forever(self, *, open_browser: bool = False) -> None:
        """Run until Ctrl-C (then shut down cleanly); one during the first build stops
        it there (the folder it builds stays whole) and is raised. ``open_browser``: show
        the preview in the default web browser once it is up."""
        try:
            self.start()
        except KeyboardInterrupt:
            if self.httpd is not None:  # listening, not serving yet: nothing to shut down
                self.httpd.server_close()
            raise
        try:  # from the line saying it serves: Ctrl-C at once after it stops it cleanly too
            self.log(f"Serving {self.output} at {self.url} (Ctrl-C to stop)")
            if self.host not in ("127.0.0.1", "localhost", "::1"):
                self.log(f"warning: listening on {self.host}: other machines can see this preview")
            if open_browser:
                self._open_browser()
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            self.log("Stopping")
        finally:
            self.stop()

    def _open_browser(self) -> None:
        """Show the preview in the default web browser (``$BROWSER``, else the system's),
        or say that none could be started."""
        import webbrowser

        try:
            opened = webbrowser.open(self.url)
        except webbrowser.Error:
            opened = False
        if not opened:
            self.log(f"warning: no web browser could be started here: open {self.url}")

    # -- watching --------------------------------------------------------------------

    def _watch(self) -> None:
        assert self.observer is not None
        self.observer.unschedule_all()
        p = self.project
        self.watched = self._watch_targets()
        # each by the folder it is: a linked content/ or templates/ (a shared theme) is
        # watched where its files are (watchdog watches a link itself, not what it names)
        for folder, content in ((p.content, True), (p.theme, False), (p.static, False)):
            if folder.is_dir():
                real = folder.resolve()
                watch = _Watch(self, content=real if content else None, linked=(real, folder))
                self.observer.schedule(watch, str(real), recursive=True)
        # In the project's folder: digest-stories.json too (a preview never writes it, its
        # ids are drafts, but a merge or a pull does, and a broken one is fixed by saving
        # it), and the cache folder itself (deleted while serving, the preview it holds is
        # built again at once).
        root_names = {
            p.config_file.name, "templates", p.content.name, p.static.name, REGISTRY_FILE,
            p.cache_dir.name,
        }  # fmt: skip
        self.observer.schedule(_Watch(self, root_names), str(p.root), recursive=False)
        # and where translation models are installed: a model installed (or removed) while
        # previewing is used (or missed) at once, as `digest build` would
        for folder in _model_folders():
            watch = _Watch(self, linked=(folder, Path(MODELS)))
            self.observer.schedule(watch, str(folder), recursive=True)

    def _watch_targets(self) -> tuple[bool, Path, bool]:
        p = self.project
        return p.content.is_dir(), p.theme, p.static.is_dir()

    def notice(self, paths: list[str]) -> None:
        """Called by the watcher for every relevant event."""
        with self._wake:
            self._pending.update(paths)
            self._last_event = time.monotonic()
            self._wake.notify_all()

    def _rebuild_loop(self) -> None:
        exact_due = False  # a provisional build ran: build exactly once things are quiet
        ahead: _GroupingAhead | None = None  # that regrouping, on its own thread
        while True:
            with self._wake:
                self._wake.wait_for(
                    lambda ahead=ahead: (
                        self._pending or self._stopping or (ahead is not None and ahead.finished)
                    ),
                    DEBOUNCE if exact_due and ahead is None else None,
                )
                if self._stopping:
                    return
                first = time.monotonic()
                while self._pending and not self._stopping:  # debounce: wait for quiet
                    quiet = DEBOUNCE - (time.monotonic() - self._last_event)
                    if quiet <= 0 or time.monotonic() - first > MAX_DELAY:
                        break
                    self._wake.wait(quiet)
                if self._stopping:
                    return
                paths, self._pending = sorted(self._pending), set()
            self._rewatch_if_moved()  # before building: edits from now on are seen
            if paths:
                report = self.rebuild(paths, provisional=True)
                if report is not None:  # an exact build leaves nothing to do
                    exact_due = report.provisional
            elif exact_due and ahead is None:
                if self.last_report is None or self.last_report.regroup_next:
                    # Group on another thread: an edit saved meanwhile is shown at once.
                    job = self.builder.grouping_ahead()
                    if job is not None:
                        ahead = _GroupingAhead(job, self._wake)
                        continue
                    self.rebuild(self._regrouped())
                else:  # the stories hold: only the search is behind, if there is one
                    self.rebuild([SEARCH_UPDATED if self.builder.state.search_behind else SETTLED])
                exact_due = False
            elif ahead is not None and ahead.finished:
                # False if a build came between: its articles are grouped next
                taken = ahead.stories is None or self.builder.take_grouping(
                    ahead.job, ahead.stories
                )
                ahead = None
                if taken:  # (a grouping that failed is done here, and its error shown)
                    self.rebuild(self._regrouped())
                    exact_due = False
            self._rewatch_if_moved()

    def _rewatch_if_moved(self) -> None:
        """Watch templates/, content/ or static/ anew when one appeared or went away."""
        if self._watch_targets() != self.watched and self.observer is not None:
            self._watch()

    # -- building --------------------------------------------------------------------

    def rebuild(self, changed: list[str], *, provisional: bool = False) -> BuildReport | None:
        """Build now; publish the result to browsers and print one line.

        ``provisional``: when only article text changed, show it before regrouping (the
        caller then runs an exact rebuild; see :class:`~digest.incremental.GroupingMemo`).
        """
        start = time.perf_counter()
        what = _describe(changed, self.project.root)
        try:
            report = self.builder.build(provisional=provisional)
        except BuildError as exc:
            return self._failed(str(exc), what, start)
        except Exception as exc:  # a bug must not kill the server: show it, keep serving
            last = traceback.extract_tb(exc.__traceback__)[-1]
            detail = f"{type(exc).__name__}: {exc} ({last.filename}:{last.lineno})"
            return self._failed(detail, what, start)
        self.last_report = report
        if self.httpd is not None and not report.skipped:  # (skipped: digest.toml as it was)
            self.httpd.base_path = report.base_path
            self.httpd.story_moves = dict(self.builder.draft_moves)  # before pages reload
        rebuilt = bool(report.pages_written or report.pages_deleted)
        kept = self.builder.state.articles.entries  # articles whose last good version shows
        shown = ("its last good version is shown", "not shown until it is fixed")
        errors = [f"{item} ({shown[item.path not in kept]})" for item in report.errors]
        error = "\n".join(errors) or None
        if self._standing is None:
            self._standing = set(report.warnings)
        raised = "\n".join(w for w in report.warnings if w not in self._standing) or None
        self.live.publish(rebuilt=rebuilt, error=error, files=report.files_changed, warning=raised)
        seconds = time.perf_counter() - start
        if report.skipped or not (rebuilt or report.cleaned):
            if errors or changed != [SETTLED]:  # (the edit shown already: nothing to say)
                status = f"{len(errors)} error(s), below" if errors else "nothing to rebuild"
                self.log(f"{_now()} {what}: {status} ({seconds:.2f} s)")
        else:
            self.log(
                f"{_now()} {what}: rebuilt in {seconds:.2f} s: {report.cleaned} article(s) "
                f"cleaned, {report.rendered} page(s) and feed(s) rendered, "
                f"{report.pages_written} file(s) written, {report.pages_deleted} deleted"
                + (self._next_step(report) if report.provisional else "")
            )
            if (page := self._page_of(changed)) is not None:
                self.log(f"  its story: {page}")
        for warning in report.warnings:  # each once, while it holds (as `digest build` says)
            if warning not in self._warned:
                self.log(f"  warning: {warning}")
        self._warned = set(report.warnings)
        for line in errors:
            self.log(f"  error: {line}")
        if self._failing and not report.errors:
            self.log("  fixed: no errors now")
        self._failing = bool(report.errors)
        return report

    def _page_of(self, changed: list[str]) -> str | None:
        """The address of the story page an edit of one article file shows in (its
        ``NAME.en.md``: the English page), for the log line: a terminal makes it a link."""
        if len(changed) != 1 or self.httpd is None:
            return None
        try:
            rel = Path(changed[0]).relative_to(self.project.content).as_posix()
        except ValueError:
            return None
        lang = "en" if rel.endswith(TRANSLATION_SUFFIX) else "ar"
        stem = sidecar_stem(rel) or (rel.rsplit(".", 1)[0] if is_article_file(rel) else None)
        for story in self.builder.state.grouping.stories:
            if any(a.source.rsplit(".", 1)[0] == stem for a in story.articles):
                return self.url + self.httpd.base_path.lstrip("/") + story_path(lang, story)
        return None

    def _regrouped(self) -> list[str]:
        """How the log names the exact build that regroups: with the search index too when
        it is behind (that build brings it up to date as well)."""
        return [REGROUPED, SEARCH_UPDATED] if self.builder.state.search_behind else [REGROUPED]

    def _next_step(self, report: BuildReport) -> str:
        """What the exact build after this provisional one will do, for the log line."""
        if report.regroup_next:
            return "; regrouping next"
        return "; search index next" if self.builder.state.search_behind else ""

    def _failed(self, message: str, what: str, start: float) -> None:
        self._failing = True
        shown = "serving the last good site" if self.builder.state.pages.records else "no site yet"
        self.live.publish(rebuilt=False, error=f"{message}\n({shown})")
        seconds = time.perf_counter() - start
        self.log(f"{_now()} {what}: build failed ({seconds:.2f} s); {shown}")
        self.log("  " + message.replace("\n", "\n  "))
        return None


def _now() -> str:
    return time.strftime("%H:%M:%S")


class _GroupingAhead:
    """A :class:`~digest.build.GroupingJob` run on a thread of its own; ``wake`` is
    notified when it is finished."""

    def __init__(self, job: GroupingJob, wake: threading.Condition) -> None:
        self.job, self._wake = job, wake
        self.stories: list[Story] | None = None  # None: the grouping failed
        self.finished = False
        threading.Thread(target=self._run, name="digest-serve-grouping", daemon=True).start()

    def _run(self) -> None:
        try:
            self.stories = self.job.run()
        except Exception:  # the exact build then groups on its thread, and says what failed
            self.stories = None
        with self._wake:
            self.finished = True
            self._wake.notify_all()


MODELS = "(translation models)"  # how the log names a change where models are installed


def _model_folders() -> list[Path]:
    """The folders Argos Translate installs packages in, that exist (none if it cannot say:
    the build then says why)."""
    from digest.argos_models import packages_dirs

    try:
        return [folder.resolve() for folder in packages_dirs() if folder.is_dir()]
    except Exception:  # a broken Argos set-up is the build's to report
        return []


class PreviewBusy(RuntimeError):
    """Another ``digest serve`` previews into the same folder."""


def _hold_preview(output: Path, cache: Path) -> IO[str] | None:
    """A lock on the preview folder (a file in the cache folder, named by the folder's
    path), held while serving it: a second ``digest serve`` into the same folder is
    refused, as each would rewrite the other's pages. None when no lock file can be made
    (the build then says what is wrong with the cache folder)."""
    name = hashlib.sha1(os.fsencode(output.resolve())).hexdigest()[:12]
    try:
        cache.mkdir(parents=True, exist_ok=True)
        handle = (cache / f"serve-{name}.lock").open("a+", encoding="utf-8")
    except OSError:
        return None
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        handle.seek(0)
        holder = handle.read().strip() or "another process"
        handle.close()
        raise PreviewBusy(
            f"another digest serve ({holder}) previews into {output}: stop it, or give "
            "this one another --output"
        ) from None
    handle.seek(0)
    handle.truncate()
    handle.write(f"process {os.getpid()}")
    handle.flush()
    return handle


def _describe(paths: list[str], root: Path) -> str:
    names = []
    for path in paths:
        try:
            names.append(Path(path).relative_to(root).as_posix())
        except ValueError:
            names.append(path)
    if len(names) > 3:
        return ", ".join(names[:3]) + f" and {len(names) - 3} more"
    return ", ".join(names) or "(no file)"


class Stopped(KeyboardInterrupt):
    """Ctrl-C, SIGTERM or a hang-up stopped the preview (``signum``: which)."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def serve(
    project: Project, host: str = "127.0.0.1", port: int = 8000, *, open_browser: bool = False
) -> None:
    """``digest serve``: build, serve and rebuild until Ctrl-C, SIGTERM or a hang-up; one
    that comes before the preview is up is :class:`Stopped` raised (the caller says so).
    ``open_browser``: show it in the default web browser once it is up."""
    stopping: list[int] = []

    def on_signal(signum: int, frame: object) -> None:
        if stopping:
            return  # a repeat: the preview is stopping already, let it finish
        stopping.append(signum)

        def stop() -> None:
            raise Stopped(signum)

        interrupt(stop)  # not while a build swaps a site in: then when it is in

    if threading.current_thread() is threading.main_thread():
        # Ctrl-C and `kill` stop it cleanly, also when started as a background job (whose
        # SIGINT the shell ignores, and Python then leaves ignored); a hang-up too, unless
        # it is ignored (nohup)
        signal.signal(signal.SIGINT, on_signal)
        signal.signal(signal.SIGTERM, on_signal)
        if hasattr(signal, "SIGHUP") and signal.getsignal(signal.SIGHUP) is not signal.SIG_IGN:
            signal.signal(signal.SIGHUP, on_signal)
    try:
        DevServer(project, host, port).serve_forever(open_browser=open_browser)
    finally:
        forget()
