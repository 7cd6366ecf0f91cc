"""Command-line interface: wires the stages, holds no logic of its own."""

from __future__ import annotations

import contextlib
import gc
import json
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

import click
from rich.console import Console
from rich.markup import escape

from digest import __version__
from digest.build import BuildError, Project, build_site, load_articles
from digest.interrupts import checkpoint, forget, interrupt
from digest.model_cli import model
from digest.story_registry import RegistryError, keep_headlines, load_registry

err = Console(stderr=True, highlight=False, soft_wrap=True)

content_option = click.option(
    "--content",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder of articles [default: ./content].",
)
output_option = click.option(
    "--output",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder to build into [default: ./site].",
)
json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON.")

_exits_at_once = False  # set by run(): the process ends after the command, heap and all


def _dump(data: object) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


def _plural(count: int, word: str, plural: str | None = None) -> str:
    """``1 story``, ``2 stories``."""
    return f"{count} {word if count == 1 else plural or word + 's'}"


class Interrupted(SystemExit):
    """Raised in the main thread on Ctrl-C, SIGTERM or SIGHUP: exits with 128 + the
    signal's number, through every ``finally`` on the way."""

    def __init__(self, signum: int) -> None:
        super().__init__(128 + signum)
        self.signum = signum


def _raise_interrupted(signum: int, frame: object) -> None:
    """Raise :class:`Interrupted`: now, or once the new site is in if it is going in, and
    at the build's next checkpoint if it was dropped (see :mod:`digest.interrupts`)."""

    def stop() -> None:
        raise Interrupted(signum)

    interrupt(stop)


@contextlib.contextmanager
def _on_signals(names: tuple[str, ...], handler: Callable[[int, object], None]) -> Iterator[None]:
    """Within: these signals (those this platform has and that are not ignored, as
    ``nohup`` ignores SIGHUP) call ``handler`` once; repeats are ignored while the
    exception it raises unwinds, so that cleanups run to the end. Main thread only."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    numbers = [getattr(signal, n) for n in names if hasattr(signal, n)]
    numbers = [n for n in numbers if signal.getsignal(n) is not signal.SIG_IGN]

    def once(signum: int, frame: object) -> None:
        for number in numbers:
            signal.signal(number, lambda *_: None)  # not SIG_IGN: Pagefind must not inherit it
        handler(signum, frame)

    previous = {number: signal.signal(number, once) for number in numbers}
    try:
        yield
    finally:
        for number, before in previous.items():
            signal.signal(number, signal.SIG_DFL if before is None else before)
        forget()  # an interrupt that came within is answered by now


def _stop_search_runs() -> None:
    """Stop the Pagefind runs an interrupted build left (only where a build indexed: the
    module is loaded then)."""
    search_index = sys.modules.get("digest.search_index")
    if search_index is not None:
        search_index.stop_running()


def _project(content: Path | None) -> Project:
    return Project.at(Path.cwd(), content)


def _load(content: Path | None) -> tuple[list, bool]:
    """The cleaned articles, and whether any file was skipped (reported on stderr)."""
    project = _project(content)
    if not project.content.is_dir():
        raise click.ClickException(project.missing_content())
    articles, errors = load_articles(project.content)
    for error in errors:
        err.print(f"[yellow]skipped[/] {escape(str(error))}")
    return articles, bool(errors)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="digest")
def main() -> None:
    """Build a bilingual Arabic/English news digest from a folder of articles."""


@main.command()
@content_option
@output_option
@click.option(
    "--strict",
    is_flag=True,
    help="Fail, before writing, on any content error, when no translation model is "
    "installed, or when digest.toml sets no base_url (to publish).",
)
def build(content: Path | None, output: Path | None, strict: bool) -> None:
    """Build the site from content/ into site/."""
    project = Project.at(Path.cwd(), content, output)
    # A one-shot build makes little cyclic garbage (the same peak memory on 1,000 articles
    # with collection or without), and a collection late in it walks every object it made.
    if _exits_at_once:
        gc.disable()
    # Ctrl-C, SIGTERM and SIGHUP stop the build through its cleanups: workers, Pagefind
    # runs and the staging folder go, site/ stays whole (the old or the new one). Folders
    # of builds killed outright go when the next one writes (digest.output).
    written: list[bool] = []
    with _on_signals(("SIGINT", "SIGTERM", "SIGHUP"), _raise_interrupted):
        try:
            report = build_site(
                project,
                strict=strict,
                progress=sys.stderr.isatty(),
                on_written=lambda: written.append(True),
            )
            checkpoint()  # an interrupt that a finalizer dropped still stops it
        except BuildError as exc:
            raise click.ClickException(str(exc)) from None
        except Interrupted as exc:
            name = signal.Signals(exc.signum).name
            if written:  # the site and its story ids are whole; the next build saves the caches
                done = escape(str(project.output))
                err.print(f"Stopped ({name}) after writing the site: {done} is complete")
            else:
                err.print(f"Aborted ({name})")
            raise
        finally:
            _stop_search_runs()
    for warning in report.warnings:
        err.print(f"[yellow]warning:[/] {escape(warning)}")
    for error in report.errors:
        err.print(f"[red]error:[/] {escape(str(error))}")
    translation = (  # a skipped build translated nothing and looked nothing up
        ""
        if report.skipped
        else f"{_plural(report.translated, 'sentence')} translated, {report.cached} from cache; "
    )
    err.print(
        f"Built {escape(str(report.output))}: {_plural(report.articles, 'article')}, "
        f"{_plural(report.stories, 'story', 'stories')}, {_plural(report.pages, 'page')}; "
        f"{translation}{report.seconds:.2f} s" + (" (nothing changed)" if report.skipped else "")
    )
    if report.errors:
        sys.exit(1)


@main.command()
@content_option
@click.option(
    "--output",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder to build the preview into [default: ./.digest-cache/preview; never ./site].",
)
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8000,
    show_default=True,
    help="Port to listen on (0: any free port).",
)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--open",
    "open_browser",
    is_flag=True,
    help="Open the preview in the web browser once it is up ($BROWSER, else the system's).",
)
def serve(
    content: Path | None, output: Path | None, port: int, host: str, open_browser: bool
) -> None:
    """Build a preview, serve it on http://127.0.0.1:8000/, rebuild and reload on every
    change. site/ is left to `digest build`."""
    from digest.serve import PreviewBusy, Stopped
    from digest.serve import serve as run

    project = Project.at(Path.cwd(), content)
    if output is not None and output.resolve().is_relative_to(project.output.resolve()):
        raise click.ClickException(
            f"the preview is not built into {project.output}, the folder you publish: its "
            "pages link to the preview's address. Leave out --output (or name another "
            "folder), and run `digest build` to update the site."
        )
    if output is not None:  # a folder no build may use is refused before serving it
        from digest.output import OutputError, check_output_dir

        try:
            check_output_dir(output, project.inputs)
        except OutputError as exc:
            raise click.ClickException(str(exc)) from None
    # serve() makes Ctrl-C, SIGTERM and a hang-up stop the preview cleanly
    try:
        run(
            replace(project, output=output or project.preview),
            host,
            port,
            open_browser=open_browser,
        )
    except OSError as exc:
        raise click.ClickException(f"cannot listen on {host}:{port}: {exc.strerror}") from None
    except PreviewBusy as exc:
        raise click.ClickException(str(exc)) from None
    except Stopped as exc:  # before the preview was up, as `digest build` says it
        err.print(f"Aborted ({signal.Signals(exc.signum).name})")
        raise Interrupted(exc.signum) from None
    finally:
        _stop_search_runs()


@main.command()
def theme() -> None:
    """Copy the default theme into ./templates to make it the site's own (edit it there)."""
    import shutil

    from digest.build import default_theme

    target = Path.cwd() / "templates"
    if target.is_dir() and not any(target.iterdir()):
        target.rmdir()  # an empty folder made to receive it
    if target.exists():
        raise click.ClickException(
            f"{target} exists already; remove or rename it to copy the default theme afresh"
        )
    shutil.copytree(default_theme(), target, ignore=shutil.ignore_patterns("__pycache__"))
    click.echo(f"Copied the default theme into {target}; builds use it from now on")


@main.command()
@content_option
@json_option
def articles(content: Path | None, as_json: bool) -> None:
    """Show the cleaned articles, a line each: file, date, outlet, title (--json: all
    that cleaning found, body blocks too; exit 1 if a file was skipped)."""
    items, skipped = _load(content)
    if as_json:
        _dump([a.to_json() for a in items])
    else:
        for a in items:
            date = a.date.isoformat() if a.date else "undated"
            click.echo(f"{a.source}\t{date}\t{a.outlet or '-'}\t{a.title}")
    if skipped:
        sys.exit(1)


@main.command()
@content_option
@json_option
def stories(content: Path | None, as_json: bool) -> None:
    """Show how articles are grouped into stories (exit 1 if a file was skipped)."""
    from digest.group import copy_warning, group_stories, once_each  # SciPy: only here

    try:
        registry = load_registry(_project(content).registry_source)
    except RegistryError as exc:
        raise click.ClickException(str(exc)) from None
    items, skipped = _load(content)
    items, copies = once_each(items, registry.articles)
    for copy in copies:
        err.print(f"[yellow]warning:[/] {escape(copy_warning(*copy))}")
    grouped = keep_headlines(group_stories(items, registry.known(items)), registry.headlines)
    if as_json:
        _dump([s.to_json() for s in grouped])
    else:
        for s in grouped:
            date = s.date.isoformat() if s.date else "undated"
            click.echo(f"{s.id}\t{date}\t{s.headline}")
            for a in s.articles:
                click.echo(f"    {a.source}")
            if s.related:
                click.echo(f"    related: {', '.join(s.related)}")
    if skipped:
        sys.exit(1)


main.add_command(model)


def run() -> None:
    """The ``digest`` command: :func:`main`, then exit without tearing the heap down.

    A big build leaves millions of objects that nothing needs any more; freeing them one by
    one at interpreter exit takes a quarter of a second. Everything digest writes is closed
    by then, so the process flushes its output and ends at once; and ``digest build`` runs
    without cyclic garbage collection (~0.06 s less for 1,000 articles).
    """
    global _exits_at_once
    _exits_at_once = True
    try:
        main()
        code: object = 0
    except SystemExit as exc:
        code = exc.code
    if code is not None and not isinstance(code, int):
        print(code, file=sys.stderr)
        code = 1
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code or 0)


if __name__ == "__main__":
    run()
