"""``digest model``: install, show and remove the Arabic→English Argos packages."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from rich.console import Console
from rich.markup import escape

from digest.argos_models import (
    INSTALL_HINT,
    NO_METADATA,
    ModelError,
    ModelInfo,
    PackageFolder,
    find_package,
    folder_size,
    human_size,
    install_file,
    install_from_index,
    leftovers,
    load_package,
    package_folders,
    package_to_remove,
    packages_dirs,
    remove_package,
    unloadable,
)

err = Console(stderr=True, highlight=False, soft_wrap=True)


@click.group()
def model() -> None:
    """Install, inspect and remove the Arabic→English translation model (an Argos package)."""


@model.command()
@click.argument("file", required=False, type=click.Path(dir_okay=False, path_type=Path))
def install(file: Path | None) -> None:
    """Install the ar→en package from FILE (.argosmodel), or from the Argos index if online."""
    try:
        if file is not None:
            info = install_file(file)
        else:
            info = install_from_index(progress=sys.stderr.isatty())
        active = find_package()
    except ModelError as exc:
        raise click.ClickException(str(exc)) from None
    was = f" (replacing version {info.replaced})" if info.replaced else ""
    click.echo(f"Installed {info.name} {info.version} into {info.path}{was}")
    if active is not None and active.path != info.path:
        err.print(
            f"[yellow]warning:[/] {escape(str(active.path))} has a higher version "
            f"({active.version}) and is the one builds will use"
        )


@model.command()
def status() -> None:
    """Show which ar→en package builds use: where, its version and size; its model is
    loaded, as a build would (exit 1: none, or one that cannot be loaded). Every other
    folder in the Argos packages folders is listed after it, with why builds do not use it."""
    try:
        folders = package_folders()
        try:
            info, failure = find_package(folders), None
        except ModelError as exc:  # an ar→en package that cannot be read: none is used
            info, failure = None, str(exc)
    except ModelError as exc:
        raise click.ClickException(str(exc)) from None
    if info is not None:
        _show(info)
        problem = _load_problem(info.path)
        click.echo("model:    cannot be loaded" if problem else "model:    loads")
        if problem:
            failure = unloadable(info.path, problem)
    elif failure is not None:
        click.echo("No Arabic→English translation model is used: an ar→en package is broken.")
    else:
        searched = ", ".join(str(p) for p in packages_dirs())
        click.echo(f"{INSTALL_HINT}\n(searched {searched})")
    _list_folders(folders, info)
    if failure is not None:
        raise click.ClickException(failure)
    if info is None:
        sys.exit(1)


@model.command()
@click.argument("which", metavar="[NAME_OR_VERSION]", required=False)
@click.option("--yes", "-y", is_flag=True, help="Remove without asking first.")
def remove(which: str | None, yes: bool) -> None:
    """Remove an installed ar→en package: the one builds use, or the one whose folder name
    (as `digest model status` lists it) or version is NAME_OR_VERSION. Translations already
    made stay in the translation cache."""
    try:
        folder = package_to_remove(which)
        used = _used()
    except ModelError as exc:
        raise click.ClickException(str(exc)) from None
    about = folder.problem or f"{folder.codes}, version {folder.version or '?'}"
    what = f"{folder.path} ({about}, {human_size(folder.size)})"
    if not yes:
        if not sys.stdin.isatty():
            raise click.ClickException(
                f"not removing {folder.path}: input is not a terminal, so there is no one to "
                "ask for confirmation; add --yes to remove it without asking"
            )
        click.confirm(f"Remove {what}?", abort=True)
    try:
        left = remove_package(folder)
    except ModelError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Removed {what}")
    if left is not None:
        err.print(
            f"[yellow]warning:[/] some files of it could not be deleted: {escape(str(left))} "
            "(hidden, never used) can be deleted by hand"
        )
    click.echo(_next_model(still=used is not None and used != folder.path))
    click.echo(
        "The translation cache (.digest-cache/translations.sqlite of each site) is kept: "
        "installing this package again retranslates nothing."
    )


def _used() -> Path | None:
    """The folder of the package builds use, if they use one."""
    try:
        info = find_package()
    except ModelError:
        return None
    return None if info is None else info.path


def _next_model(*, still: bool) -> str:
    """Which package builds use now, and whether its model loads."""
    try:
        info = find_package()
    except ModelError as exc:
        return f"Builds will use no model: {exc}"
    if info is None:
        return (
            "No ar→en package is left: builds keep the English already made (in each site's "
            "translation cache) and leave new text untranslated (English pages say that its "
            "translation is not available yet) until one is installed with "
            "`digest model install`."
        )
    use = f"Builds {'still use' if still else 'will now use'} {info.path} (version {info.version})"
    problem = _load_problem(info.path)
    return f"{use}, but {unloadable(info.path, problem)}." if problem else f"{use}."


def _load_problem(package: Path) -> str | None:
    """Why the package's model cannot be loaded (as a build loads it), or None if it loads."""
    try:
        load_package(package, threads=1)
    except ModelError as exc:
        return str(exc)
    return None


def _show(info: ModelInfo) -> None:
    click.echo(f"package:  {info.name} (ar→en), version {info.version}")
    click.echo(f"location: {info.path}")
    click.echo(f"size:     {human_size(info.size)} ({info.size} bytes)")


def _list_folders(folders: list[PackageFolder], info: ModelInfo | None) -> None:
    """Every folder in the packages folders, by packages folder, if there is any but the
    one in use: its codes, version, size and whether builds use it (``*``), or why not."""
    aside = leftovers()
    if not aside and [f.path for f in folders] == ([info.path] if info else []):
        return
    used = next((f for f in folders if info and f.path == info.path), None)
    broken = next((f for f in folders if f.ours and f.problem), None)
    rows = [
        (
            f.path,
            (f.path.name, f.codes, f.version or "?", human_size(f.size)),
            _why(f, used, broken),
        )
        for f in folders
    ]
    note = "left over from an install or a remove cut short: never used, can be deleted"
    rows += [(path, (path.name, "", "", human_size(folder_size(path))), note) for path in aside]
    w = [max(len(cells[i]) for _, cells, _ in rows) for i in range(4)]
    for directory in dict.fromkeys(path.parent for path, _, _ in rows):
        click.echo(f"\ninstalled in {directory}:")
        for path, (name, codes, version, size), why in rows:
            if path.parent == directory:
                mark = "*" if used is not None and path == used.path else " "
                cells = f"{name:<{w[0]}}  {codes:<{w[1]}}  {version:<{w[2]}}  {size:>{w[3]}}"
                click.echo(f"{mark} {cells}  {why}")


def _why(folder: PackageFolder, used: PackageFolder | None, broken: PackageFolder | None) -> str:
    """Whether builds use ``folder``, or why not."""
    if folder is used:
        return "used by builds"
    if folder.ours and folder.problem:
        return f"broken ({folder.problem}): no model is used while it is there"
    if folder.problem == NO_METADATA:
        return f"not a package ({NO_METADATA}): ignored"
    if not folder.ours:
        what = (
            f"an Argos {folder.kind!r} package"
            if folder.kind not in (None, "translate")
            else (folder.problem or f"translates {folder.codes}")
        )
        return f"not for digest ({what})"
    if broken is not None:
        return f"not used: {broken.path.name} cannot be read"
    assert used is not None  # (a readable ar→en package: one is used)
    if folder.sort_key[0] < used.sort_key[0]:
        why = f"not used: a lower version than {used.version}"
    else:
        why = f"not used: {used.path.name} has the same version, and is used"
    if problem := _load_problem(folder.path):
        return f"{why}; its model cannot be loaded ({problem})"
    return f"{why} (its model loads)"
