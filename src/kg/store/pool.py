"""Killable query workers: processes that hold the store, so that a runaway task can be stopped.

Oxigraph cannot cancel a running query from Python, and a thread cannot be killed. Work that
may run long therefore runs in a worker process that can be: forked from the caller (the child
inherits an in-memory store as it is at that moment) or, with ``snapshots``, opening a
read-only snapshot of an on-disk store. A task that overruns its time limit is stopped by
killing its worker; a fresh worker takes its place, and the other workers go on meanwhile.

The interface is task-based: :meth:`WorkerPool.run` sends a module-level function and its
arguments; the function runs in a worker as ``task(resource, *args)`` and its (picklable)
return value comes back. A ``kg`` error raised by the task is raised again in the caller.

Sharing: each call names its ``owner`` (the server passes the client's address); one owner
holds at most ``per_owner`` workers at a time, and waiting calls are served in order among the
owners still under their share, so a client looping runaway queries cannot starve the others.

Confinement (:mod:`kg.store.confine`): workers may be put in a network namespace without
interfaces and under a memory ceiling.

After a change of the store the caller calls :meth:`WorkerPool.refresh`: idle workers are
replaced at once, busy ones when their task ends, so no task started after the change reads
the old data. Workers are forked only from the thread that runs the event loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import multiprocessing
import os
import pickle
import signal
import struct
import time
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import Any, Protocol

from kg.errors import KgError, QueryTimeoutError, ResultTooLargeError, StoreError
from kg.store.confine import EXIT_NOT_CONFINED, Confinement, confine, die_with_parent, limit_memory

Task = Callable[..., Any]
"""A module-level function whose first parameter is the pool's resource."""
Opener = Callable[[], Any]
"""Called in a fresh worker to open the resource its tasks receive."""


class SnapshotSource(Protocol):
    """Read-only snapshots of an on-disk store, one per generation of workers."""

    def opener(self, generation: int) -> Opener: ...

    def release_below(self, generation: int) -> None: ...

    def close(self) -> None: ...


@dataclass
class _Worker:
    process: BaseProcess
    conn: Connection
    generation: int

    def kill(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(timeout=10)
        self.conn.close()


def _rebuild_error(cls: type[KgError], message: str) -> KgError:
    """The worker's error, raised again in the caller (the message is what users see)."""
    error = cls.__new__(cls)
    Exception.__init__(error, message)
    error.message = message
    return error


def _serve(
    conn: Connection,
    inherited: list[Connection],
    resource: Any,
    opener: Opener | None,
    confinement: Confinement,
    parent: int | None,
) -> None:
    """The worker's loop: run each task sent, send back its result or its error.

    ``parent`` is the process the worker must not outlive (``None``: whichever started it).
    """
    confine(confinement)
    die_with_parent(parent if parent is not None else os.getppid())
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the caller, which stops us
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    with contextlib.suppress(ValueError):
        signal.set_wakeup_fd(-1)
    for other in inherited:  # the caller's ends of the other workers' pipes
        other.close()
    if opener is not None:
        resource = opener()
    if confinement.memory is not None:
        limit_memory(confinement.memory)
    while True:
        try:
            task, args = conn.recv()
        except (EOFError, OSError):
            return
        try:
            reply: tuple[Any, ...] = ("ok", task(resource, *args))
        except KgError as error:
            reply = ("error", type(error), error.message)
        except MemoryError:
            reply = ("error", ResultTooLargeError, _out_of_memory(confinement))
        except Exception as error:
            reply = ("crash", f"{type(error).__name__}: {error}")
        try:
            conn.send(reply)
        except (EOFError, OSError):
            return
        except MemoryError:
            conn.send(("error", ResultTooLargeError, _out_of_memory(confinement)))
        except Exception as error:
            conn.send(("crash", f"cannot send the result: {error}"))


def _out_of_memory(confinement: Confinement) -> str:
    limit = (
        "" if confinement.memory is None else f" ({confinement.memory // (1024 * 1024)} MiB, --worker-memory)"
    )
    return f"the query needed more memory than a query worker may use{limit}; it was stopped"


@dataclass
class WorkerPool:
    """A few worker processes, each holding the resource; one task per worker at a time.

    ``resource`` is inherited by forked workers; with ``snapshots``, each worker opens the
    snapshot of its generation instead. ``per_owner`` caps the workers one owner holds.
    ``start_method`` is ``"fork"`` (a worker inherits the resource) or ``"forkserver"`` (a clean
    process, for workers that open a snapshot: forking a process whose engine threads hold
    locks could leave the child waiting on them).
    """

    resource: Any
    size: int = 2
    snapshots: SnapshotSource | None = None
    confinement: Confinement = field(default_factory=Confinement)
    per_owner: int | None = None
    start_method: str = "fork"
    generation: int = 0
    _idle: list[_Worker] = field(default_factory=list)
    _all: list[_Worker] = field(default_factory=list)
    _waiting: deque[tuple[str, asyncio.Future[_Worker]]] = field(default_factory=deque)
    _held: Counter[str] = field(default_factory=Counter)
    _running: bool = False

    def start(self) -> None:
        self._running = True
        for _ in range(self.size):
            self._idle.append(self._spawn())

    def _spawn(self) -> _Worker:
        context: Any = multiprocessing.get_context(self.start_method)
        caller_end, worker_end = context.Pipe()
        opener = None if self.snapshots is None else self.snapshots.opener(self.generation)
        if self.start_method == "fork":
            inherited, resource, parent = [w.conn for w in self._all], self.resource, os.getpid()
        else:  # nothing is inherited: the worker opens what it needs, as a forkserver's child
            inherited, resource, parent = [], None, None
        process = context.Process(
            target=_serve,
            name="kg-query-worker",
            daemon=True,
            args=(worker_end, inherited, resource, opener, self.confinement, parent),
        )
        process.start()
        worker_end.close()
        worker = _Worker(process, caller_end, self.generation)
        self._all.append(worker)
        return worker

    def _retire(self, worker: _Worker) -> None:
        worker.kill()
        if worker in self._all:
            self._all.remove(worker)

    def _replace(self, worker: _Worker) -> None:
        self._retire(worker)
        if self._running:
            self._idle.append(self._spawn())
        if self.snapshots is not None and self._all:
            self.snapshots.release_below(min(w.generation for w in self._all))

    def refresh(self) -> None:
        """Replace every worker: the store changed. Busy workers are replaced when they end."""
        self.generation += 1
        stale, self._idle = self._idle, []
        for worker in stale:
            self._replace(worker)
        self._dispatch()

    # -- sharing ---------------------------------------------------------------------------
    def _may_hold(self, owner: str) -> bool:
        return self.per_owner is None or self._held[owner] < self.per_owner

    def _dispatch(self) -> None:
        """Hand idle workers to the first waiting calls whose owner is under its share."""
        for entry in list(self._waiting):
            if not self._idle:
                return
            owner, future = entry
            if future.done():
                self._waiting.remove(entry)
                continue
            if self._may_hold(owner):
                self._waiting.remove(entry)
                self._held[owner] += 1
                future.set_result(self._idle.pop(0))

    def _give_back(self, owner: str, worker: _Worker | None) -> None:
        self._held[owner] -= 1
        if self._held[owner] <= 0:
            del self._held[owner]
        if worker is not None:
            self._idle.append(worker)
        self._dispatch()

    async def _acquire(self, owner: str, deadline: float) -> _Worker:
        if self._idle and not self._waiting and self._may_hold(owner):  # nobody ahead: take it
            self._held[owner] += 1
            return self._idle.pop(0)
        future: asyncio.Future[_Worker] = asyncio.get_running_loop().create_future()
        self._waiting.append((owner, future))
        self._dispatch()
        try:
            return await asyncio.wait_for(asyncio.shield(future), max(0.0, deadline - time.monotonic()))
        except (TimeoutError, asyncio.CancelledError) as stopped:
            if future.done() and not future.cancelled():
                self._give_back(owner, future.result())  # handed over just as we gave up
            else:
                future.cancel()
            if isinstance(stopped, asyncio.CancelledError):
                raise
            share = (
                ""
                if self.per_owner is None
                else f" (one client may use {self.per_owner} of {self.size} at a time)"
            )
            raise QueryTimeoutError(
                f"every query worker this request may use stayed busy{share}; try again later"
            ) from None

    # -- running ---------------------------------------------------------------------------
    async def run(
        self, task: Task, *args: Any, timeout: float, discard: bool = False, owner: str = ""
    ) -> Any:
        """``task(resource, *args)`` in a worker, within ``timeout`` seconds in all (waiting
        for a worker included); past it the worker is killed.

        ``discard`` replaces the worker afterwards (the task changed the worker's store).

        Raises :class:`~kg.errors.QueryTimeoutError` when it is cut,
        :class:`~kg.errors.ResultTooLargeError` when the worker ran out of memory, the task's
        own ``kg`` error when it fails, :class:`~kg.errors.StoreError` when the worker dies.
        """
        if not self._running:
            raise StoreError("the query workers are not running")
        deadline = time.monotonic() + timeout
        worker = await self._acquire(owner, deadline)
        healthy = answered = False
        try:
            try:
                os.set_blocking(worker.conn.fileno(), True)  # a task is sent whole
                worker.conn.send((task, args))
                reply = await _receive(worker.conn, deadline)
                answered = reply is not None
                if reply is not None:
                    status, *payload = reply
                    healthy = True
            except (EOFError, OSError, pickle.UnpicklingError):
                raise self._death(worker) from None
            if not answered:  # (TimeoutError is an OSError: raised outside that handler)
                raise QueryTimeoutError(f"the query ran longer than {timeout:g} s and was stopped")
        finally:
            keep = (
                healthy and not discard and worker.generation == self.generation and worker.process.is_alive()
            )
            if not keep:
                self._replace(worker)
            self._give_back(owner, worker if keep else None)
        if status == "ok":
            return payload[0]
        if status == "error":
            raise _rebuild_error(payload[0], payload[1])
        raise StoreError(f"the query failed: {payload[0]}")

    def _death(self, worker: _Worker) -> KgError:
        worker.process.join(timeout=2)
        code = worker.process.exitcode
        if code == EXIT_NOT_CONFINED:
            return StoreError("a query worker could not be isolated from the network; it was not used")
        if code in (-signal.SIGABRT, -signal.SIGKILL, -signal.SIGSEGV):
            return ResultTooLargeError(_out_of_memory(self.confinement))
        return StoreError("the query worker stopped unexpectedly")

    def close(self) -> None:
        """Kill every worker (and cancel the calls waiting for one)."""
        self._running = False
        for _, future in self._waiting:
            future.cancel()
        self._waiting.clear()
        for worker in list(self._all):
            self._retire(worker)
        self._idle = []
        if self.snapshots is not None:
            self.snapshots.close()

    def pids(self) -> list[int]:
        """The workers' process ids (for tests and diagnostics)."""
        return [w.process.pid for w in self._all if w.process.pid is not None]


async def _receive(conn: Connection, deadline: float) -> tuple[Any, ...] | None:
    """The worker's reply, read as it arrives without ever blocking the event loop (whatever
    the loop does to the descriptor); ``None`` if ``deadline`` passes first.

    The reply is framed as :class:`multiprocessing.connection.Connection` frames it: a 4-byte
    big-endian length (or -1 and an 8-byte length), then the pickle."""
    fd = conn.fileno()
    os.set_blocking(fd, False)
    loop = asyncio.get_running_loop()
    buffer = bytearray()
    start = end = 0
    while not end or len(buffer) < end:
        try:
            chunk = os.read(fd, max(_READ, end - len(buffer)))
        except BlockingIOError:
            if not await _readable(loop, fd, deadline - time.monotonic()):
                return None
            continue
        if not chunk:
            raise EOFError
        buffer += chunk
        if not end and len(buffer) >= 4:
            (size,) = struct.unpack("!i", buffer[:4])
            if size == -1 and len(buffer) >= 12:
                (size,) = struct.unpack("!Q", buffer[4:12])
                start = 12
            elif size != -1:
                start = 4
            end = start + size if start else 0
    reply: tuple[Any, ...] = pickle.loads(memoryview(buffer)[start:end])  # noqa: S301  (our worker)
    return reply


_READ = 256 * 1024
"""Bytes read at a time from a worker's reply."""


async def _readable(loop: asyncio.AbstractEventLoop, fd: int, timeout: float) -> bool:
    """Wait, without blocking the event loop, until ``fd`` can be read (or time is up)."""
    if timeout <= 0:
        return False
    ready: asyncio.Future[bool] = loop.create_future()

    def wake(readable: bool) -> None:
        if not ready.done():
            ready.set_result(readable)

    loop.add_reader(fd, wake, True)
    timer = loop.call_later(timeout, wake, False)  # a timer, not a task per wait
    try:
        return await ready
    finally:
        timer.cancel()
        loop.remove_reader(fd)


@dataclass
class InlineRunner:
    """For a remote store: tasks run in threads (the endpoint enforces its own limits)."""

    resource: Any
    generation: int = 0

    def start(self) -> None:
        """Nothing to start: there are no processes."""

    def refresh(self) -> None:
        self.generation += 1

    async def run(
        self, task: Task, *args: Any, timeout: float, discard: bool = False, owner: str = ""
    ) -> Any:
        try:
            return await asyncio.wait_for(asyncio.to_thread(task, self.resource, *args), timeout)
        except TimeoutError:
            raise QueryTimeoutError(
                f"the query ran longer than {timeout:g} s; its answer will be ignored"
            ) from None

    def close(self) -> None:
        """Nothing to stop."""

    def pids(self) -> list[int]:
        return [os.getpid()]
