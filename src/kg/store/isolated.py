"""One task in a process of its own, so that a time limit really stops it.

Oxigraph cannot cancel a running query from Python, and a thread cannot be killed. A query
with a timeout (``kg query --timeout``, ``Project.query(timeout=...)``) therefore runs in a
forked child: it inherits the in-memory store as it is at that moment (or reopens an on-disk
store's generation), computes the whole answer, and sends it back through a pipe. Past the
time limit the child is killed, and :class:`~kg.errors.QueryTimeoutError` raised. The server
keeps long-lived workers for the same purpose (:mod:`kg.store.pool`).
"""

from __future__ import annotations

import contextlib
import signal
import time
from collections.abc import Callable
from typing import Any, TypeVar

from kg.errors import KgError, QueryTimeoutError, StoreError

T = TypeVar("T")


def rebuild_error(cls: type[KgError], message: str) -> KgError:
    """A ``kg`` error raised in another process, raised again here with its message."""
    error = cls.__new__(cls)
    Exception.__init__(error, message)
    error.message = message
    return error


def _child(conn: Any, task: Callable[[], Any]) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the parent, which kills us
    try:
        reply: tuple[Any, ...] = ("ok", task())
    except KgError as error:
        reply = ("error", type(error), error.message)
    except Exception as error:  # a crash in the child is reported, not hidden
        reply = ("crash", f"{type(error).__name__}: {error}")
    with contextlib.suppress(OSError, EOFError):
        conn.send(reply)
    conn.close()


def run_in_worker(
    task: Callable[[], T], timeout: float, *, what: str = "the query", inherit: bool = True
) -> T:
    """``task()`` in a child process; killed after ``timeout`` seconds.

    With ``inherit`` the child is forked and inherits this process's memory (an in-memory
    store); without, it starts clean from a fork server (``task`` must then be picklable):
    forking a process whose RocksDB threads hold locks could leave the child waiting forever.

    >>> run_in_worker(lambda: 6 * 7, timeout=10)
    42
    """
    import multiprocessing  # only a query with a timeout needs it (5 ms at start-up otherwise)

    context: Any = multiprocessing.get_context("fork" if inherit else "forkserver")
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(target=_child, args=(sender, task), name="kg-isolated", daemon=True)
    started = time.monotonic()
    process.start()
    sender.close()
    try:
        if not receiver.poll(max(0.0, timeout)):
            raise QueryTimeoutError(f"{what} ran longer than {timeout:g} s and was stopped")
        try:
            status, *payload = receiver.recv()
        except (EOFError, OSError):
            raise StoreError(f"{what} stopped unexpectedly (its process died)") from None
    finally:
        if process.is_alive():
            remaining = timeout - (time.monotonic() - started)
            process.join(timeout=max(0.0, min(remaining, 1.0)) if remaining > 0 else 0)
        if process.is_alive():
            process.kill()
        process.join()
        receiver.close()
    if status == "ok":
        return payload[0]  # type: ignore[no-any-return]
    if status == "error":
        raise rebuild_error(payload[0], payload[1])
    raise StoreError(f"{what} failed: {payload[0]}")


__all__ = ["rebuild_error", "run_in_worker"]
