"""Interrupts that are never lost and never cut a site in two.

``digest build`` turns Ctrl-C, SIGTERM and SIGHUP into an exception that unwinds the build
through its cleanups (:mod:`digest.cli`). Python runs a signal handler between any two
steps of the main thread, which can be a bad moment: inside a finalizer (an object's
``__del__``, a weakref callback), where an exception is printed and dropped, or while the
new site is being swapped in. So a handler does not raise itself: it hands what to do to
:func:`interrupt`, which does it now, or, within :func:`held`, when that section is done;
and remembers it, so that :func:`checkpoint` (between build stages, and after the build)
does it again if it was dropped.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator

_pending: list[Callable[[], object]] = []  # what the first interrupt asked for, until forgot
_depth = [0]  # open held() sections


def interrupt(action: Callable[[], object]) -> None:
    """A signal handler's way to stop the main thread: ``action`` (which raises) is done
    now, unless a :func:`held` section is open (then when it ends), and again at each
    :func:`checkpoint` until :func:`forget`."""
    if not _pending:
        _pending.append(action)
    if not _depth[0]:
        _pending[0]()


def checkpoint() -> None:
    """Do what an interrupt asked for, if one came (in the main thread, outside a
    :func:`held` section): a place where the main thread may stop."""
    if _pending and not _depth[0] and threading.current_thread() is threading.main_thread():
        _pending[0]()


@contextlib.contextmanager
def held() -> Iterator[None]:
    """Within: an interrupt waits, and stops the main thread on leaving, so that what is
    done inside is done whole (the new site swapped in, and the build told it is). Signal
    handlers run in the main thread: in another, nothing waits."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    _depth[0] += 1
    try:
        yield
    except BaseException:
        _depth[0] -= 1
        checkpoint()  # an interrupt that waited wins over what went wrong meanwhile
        raise
    _depth[0] -= 1
    checkpoint()


def forget() -> None:
    """Forget an interrupt that was answered (its command has ended)."""
    _pending.clear()
