"""The ``digest`` command's entry point, light to import: Ctrl-C while the command's modules
load (a few tenths of a second) ends it with "Aborted (SIGINT)" and status 130, as an
interrupted build does, instead of a traceback."""

from __future__ import annotations

import signal
import sys


def _aborted(signum: int, frame: object) -> None:
    sys.stderr.write(f"Aborted ({signal.Signals(signum).name})\n")
    raise SystemExit(128 + signum)


def run() -> None:
    """Load :mod:`digest.cli` and run the command (:func:`digest.cli.run`)."""
    ignored = signal.getsignal(signal.SIGINT) is signal.SIG_IGN  # as for `digest build &`
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN if ignored else _aborted)
    try:
        from digest.cli import run as command
    finally:
        signal.signal(signal.SIGINT, previous)  # each command answers Ctrl-C its own way
    command()
