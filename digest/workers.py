"""Spread pure per-item work over the machine's cores with forked worker processes.

A build cleans a thousand files and renders a thousand pages; each item is independent, so
:func:`map_in_workers` splits the items in contiguous chunks and runs them in worker
processes forked from this one. Forked workers inherit this process's memory (imported
modules, compiled templates, the render contexts), so only the items' indexes go to them
and only the results come back. Forking is only safe in a process with no other threads
(``digest serve`` has some; it rebuilds a few pages at a time anyway), so otherwise, with
few items or with one core, the work runs here. The results are the same either way.

:func:`in_background` runs one function in a forked worker while this process does
something else (a build looks up translations while it groups the stories).

``DIGEST_WORKERS=N`` in the environment caps the number of worker processes (``1``: none).

Workers never outlive this process: an interrupted map (Ctrl-C, or SIGTERM turned into an
exit by ``digest build``) terminates them instead of waiting for their chunks, they leave
Ctrl-C and a hang-up to this process, and on Linux the kernel kills them when this process
dies, even by SIGKILL.
"""

from __future__ import annotations

import functools
import os
import sys
import threading
from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

# multiprocessing and concurrent.futures are imported when there is work to share, so that a
# build which finds nothing changed does not pay for them.

T = TypeVar("T")
R = TypeVar("R")

MAX_WORKERS = 8
WORKERS_VARIABLE = "DIGEST_WORKERS"
STOP_TIMEOUT_S = 5  # for a terminated worker to end (then it is killed)
PR_SET_PDEATHSIG = 1  # prctl(2) option: the signal a process gets when its parent ends

_task: tuple[Callable[[Any], Any], Sequence[Any]] | None = None  # inherited by the workers
_background: Callable[[], Any] | None = None  # inherited by an InBackground worker


def worker_count() -> int:
    """Worker processes to use: one per core (at most ``MAX_WORKERS``, or ``DIGEST_WORKERS``)."""
    cores = min(os.cpu_count() or 1, MAX_WORKERS)
    setting = os.environ.get(WORKERS_VARIABLE, "").strip()
    if not setting:
        return cores
    try:
        return max(1, min(int(setting), cores))
    except ValueError:
        raise ValueError(f"{WORKERS_VARIABLE}={setting!r} is not a whole number") from None


def _can_fork() -> bool:
    """More than one worker, ``fork`` available, and no other thread in this process."""
    import multiprocessing

    return (
        worker_count() > 1
        and threading.active_count() == 1
        and "fork" in multiprocessing.get_all_start_methods()
    )


def map_in_workers(
    function: Callable[[T], R],
    items: Sequence[T],
    *,
    fork: bool,
    meanwhile: Callable[[], object] | None = None,
) -> list[R]:
    """``[function(item) for item in items]``, in forked workers when the caller judges the
    work worth a fork (``fork``) and forking is safe here. ``function`` need not be
    picklable; its results must be. ``meanwhile`` is called once in this process, while
    the workers work (after them when there are none): work this process would otherwise
    do before or after, such as importing what the next stage needs."""
    global _task
    if not fork or not items or not _can_fork():
        results = [function(item) for item in items]
        if meanwhile is not None:
            meanwhile()
        return results
    workers = worker_count()
    size = -(-len(items) // (workers * 4))  # a few chunks per worker, to even out the load
    bounds = [(start, min(start + size, len(items))) for start in range(0, len(items), size)]
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    _task = (function, items)
    _prctl()  # (here, before forking)
    try:
        context = multiprocessing.get_context("fork")
        pool = ProcessPoolExecutor(
            workers, mp_context=context, initializer=_start_worker, initargs=(os.getpid(),)
        )
        try:
            futures = [pool.submit(_run_chunk, start, end) for start, end in bounds]
            if meanwhile is not None:  # the workers are forked by now (at the first submit)
                meanwhile()
            results = [result for future in futures for result in future.result()]
        except BaseException:  # an error or an interruption: the other chunks are not wanted
            _stop_pool(pool)
            raise
        pool.shutdown()
        return results
    finally:
        _task = None


def _stop_pool(pool: Any) -> None:
    """Drop a ``ProcessPoolExecutor``'s queued work and terminate its workers now (rather
    than wait for the chunks they are working on)."""
    processes = list((pool._processes or {}).values())  # no public way before Python 3.14
    manager = pool._executor_manager_thread
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        process.terminate()
    for process in processes:
        process.join(timeout=STOP_TIMEOUT_S)
        if process.is_alive():
            process.kill()
            process.join()
    if manager is not None:
        manager.join(timeout=STOP_TIMEOUT_S)


def _start_worker(parent: int) -> None:
    """In a new worker process: SIGTERM ends it (not the handler inherited from the parent,
    which may turn it into an exit), Ctrl-C and a hang-up are the parent's to answer (it
    stops the workers), and it dies with the parent (Linux)."""
    import signal

    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    for name in ("SIGINT", "SIGHUP"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), signal.SIG_IGN)
    if sys.platform.startswith("linux"):
        _die_with_parent(parent, signal.SIGKILL)


@functools.cache
def _prctl() -> Callable[..., int] | None:
    """libc's ``prctl`` (Linux), looked up in the parent before it forks: loading a library
    in a child forked from a process with threads can deadlock."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        import ctypes

        return ctypes.CDLL(None, use_errno=True).prctl  # type: ignore[no-any-return]
    except (ImportError, OSError, AttributeError):
        return None


def _die_with_parent(parent: int, signum: int) -> None:
    """Have the kernel send ``signum`` to this process when its parent ends (Linux)."""
    prctl = _prctl()
    if prctl is None:
        return
    prctl(PR_SET_PDEATHSIG, signum)
    if os.getppid() != parent:  # the parent ended before that: nobody wants this work
        os._exit(1)


def _run_chunk(start: int, end: int) -> list[Any]:
    """In a worker: the task's function over items ``start:end``."""
    assert _task is not None, "map_in_workers forks its workers after setting the task"
    function, items = _task
    return [function(items[i]) for i in range(start, end)]


class InBackground(Generic[R]):
    """``function()`` computing in a forked worker process while this one goes on (see
    :func:`in_background`). Use it as a context manager: a worker whose result nobody
    waits for is stopped."""

    def __init__(self, function: Callable[[], R]) -> None:
        global _background
        import multiprocessing

        context = multiprocessing.get_context("fork")
        _prctl()  # (here, before forking)
        self._reader, writer = context.Pipe(duplex=False)
        _background = function
        try:
            self._process: Any = context.Process(
                target=_run_background, args=(writer, os.getpid()), daemon=True
            )
            self._process.start()
        finally:
            _background = None
            writer.close()

    def result(self) -> R:
        """The function's result (raises what it raised)."""
        try:
            ok, value = self._reader.recv()
        except EOFError:
            raise RuntimeError("a background worker process died") from None
        finally:
            self.close()
        if not ok:
            raise value
        return value

    def close(self) -> None:
        """Stop the worker if it is still working (its result is lost)."""
        if self._process is not None:
            if self._process.is_alive():
                self._process.terminate()
            self._process.join()
            self._reader.close()
            self._process = None

    def __enter__(self) -> InBackground[R]:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def in_background(function: Callable[[], R]) -> InBackground[R] | None:
    """``function()`` started in a forked worker process, or None where forking is not safe
    (or one core): the caller then computes it here, when it needs it. The function's
    result must be picklable."""
    return InBackground(function) if _can_fork() else None


def _run_background(writer: Any, parent: int) -> None:
    """In an :class:`InBackground` worker: send back the inherited function's result, or
    the exception it raised."""
    import pickle

    _start_worker(parent)
    assert _background is not None, "InBackground forks its worker after setting the function"
    try:
        outcome: tuple[bool, Any] = (True, _background())
    except BaseException as exc:  # the parent raises it
        outcome = (False, exc)
    try:
        writer.send(outcome)
    except (pickle.PicklingError, TypeError, AttributeError):
        writer.send((False, RuntimeError(f"{type(outcome[1]).__name__}: {outcome[1]}")))
