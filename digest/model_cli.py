"""``digest model``: install the Arabic→English Argos package and show what is installed."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from rich.console import Console

from digest.argos_models import (
    INSTALL_HINT,
    ModelError,
    ModelInfo,
    find_package,
    human_size,
    install_file,
    install_from_index,
    load_package,
    packages_dirs,
    unloadable,
)

err = Console(stderr=True, highlight=False, soft_wrap=True)


@click.group()
def model() -> None:
    """Install and inspect the Arabic→English translation model (an Argos package)."""


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
            f"[yellow]warning:[/] {active.path} has a higher version ({active.version}) "
            "and is the one builds will use"
        )


@model.command()
def status() -> None:
    """Show which ar→en package is installed: where, its version and size; its model is
    loaded, as a build would (exit 1: none, or one that cannot be loaded)."""
    try:
        info = find_package()
    except ModelError as exc:
        raise click.ClickException(str(exc)) from None
    if info is None:
        searched = ", ".join(str(p) for p in packages_dirs())
        click.echo(f"{INSTALL_HINT}\n(searched {searched})")
        sys.exit(1)
    _show(info)
    try:
        load_package(info.path, threads=1)
    except ModelError as exc:
        raise click.ClickException(unloadable(info.path, str(exc))) from None
    click.echo("model:    loads")


def _show(info: ModelInfo) -> None:
    click.echo(f"package:  {info.name} (ar→en), version {info.version}")
    click.echo(f"location: {info.path}")
    click.echo(f"size:     {human_size(info.size)} ({info.size} bytes)")
