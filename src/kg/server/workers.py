"""Query workers: processes that hold the store, so that a runaway query can be stopped.

Oxigraph cannot cancel a running query from Python, and a thread cannot be killed. Every read
the server makes therefore runs in a worker process that can be: forked from the server (the
child inherits the in-memory store as it is at that moment) or, for an on-disk store, opening
the store read-only. A task that overruns its time limit is stopped by killing its worker; a
fresh worker takes its place, and the other workers go on answering meanwhile.

After a write the server calls :meth:`WorkerPool.refresh`: idle workers are replaced at once,
busy ones when their task ends, so no request started after the write reads the old data.

Workers are forked only from the event-loop thread, and the server touches its own store only
from that thread too (writes are short and synchronous), so no fork can copy a store lock that
another thread holds.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import multiprocessing
import os
import signal
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import TYPE_CHECKING, Any

from kg.errors import KgError, QueryTimeoutError, StoreError

if TYPE_CHECKING:
    from kg.api import Project
    from kg.project import ProjectFiles
    from kg.store.base import StoreSnapshot

Task = Callable[..., Any]
"""A module-level function whose first parameter is the :class:`~kg.api.Project`."""
ProjectOpener = Callable[[], "Project"]

_PR_SET_PDEATHSIG = 1


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


def _die_with_parent() -> None:
    """Ask Linux to kill this worker if the server dies (a query may be running)."""
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)


def _rebuild_error(cls: type[KgError], message: str) -> KgError:
    """The worker's error, raised again in the server (the message is what clients see)."""
    error = cls.__new__(cls)
    Exception.__init__(error, message)
    error.message = message
    return error


def _serve(conn: Connection, inherited: list[Connection], project: Project | None,
           opener: ProjectOpener | None) -> None:
    """The worker's loop: run each task sent, send back its result or its error."""
    _die_with_parent()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the server, which stops us
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    with contextlib.suppress(ValueError):
        signal.set_wakeup_fd(-1)
    for other in inherited:  # the server's ends of the other workers' pipes
        other.close()
    if opener is not None:
        project = opener()
    while True:
        try:
            task, args = conn.recv()
        except (EOFError, OSError):
            return
        try:
            reply: tuple[Any, ...] = ("ok", task(project, *args))
        except KgError as error:
            reply = ("error", type(error), error.message)
        except Exception as error:
            reply = ("crash", f"{type(error).__name__}: {error}")
        try:
            conn.send(reply)
        except (EOFError, OSError):
            return
        except Exception as error:
            conn.send(("crash", f"cannot send the result: {error}"))


@dataclass
class WorkerPool:
    """A few worker processes, each holding the store; tasks run one per worker at a time.

    ``project`` is inherited by forked workers; with ``snapshots`` (an on-disk store), each
    worker opens the read-only snapshot of its generation instead.
    """

    project: Project
    size: int = 2
    snapshots: Reopened | None = None
    generation: int = 0
    _idle: asyncio.Queue[_Worker] | None = None
    _all: list[_Worker] = field(default_factory=list)

    def start(self) -> None:
        self._idle = asyncio.Queue()
        for _ in range(self.size):
            self._idle.put_nowait(self._spawn())

    def _spawn(self) -> _Worker:
        # A worker that reopens the store starts from a clean process (forkserver): forking a
        # process whose RocksDB threads hold locks can leave the child waiting on them forever.
        # A worker that inherits an in-memory store must be forked (no engine threads there).
        context: multiprocessing.context.BaseContext
        if self.snapshots is None:
            context = multiprocessing.get_context("fork")
            inherited = [w.conn for w in self._all]
            project: Project | None = self.project
            opener = None
        else:
            context = multiprocessing.get_context("forkserver")
            inherited, project = [], None
            opener = self.snapshots.opener(self.generation)
        server_end, worker_end = context.Pipe()
        process = context.Process(
            target=_serve, args=(worker_end, inherited, project, opener),
            name="kg-query-worker", daemon=True)
        process.start()
        worker_end.close()
        worker = _Worker(process, server_end, self.generation)
        self._all.append(worker)
        return worker

    def _retire(self, worker: _Worker) -> None:
        worker.kill()
        if worker in self._all:
            self._all.remove(worker)

    def _replace(self, worker: _Worker) -> None:
        self._retire(worker)
        if self._idle is not None:
            self._idle.put_nowait(self._spawn())
        if self.snapshots is not None:
            self.snapshots.release_below(min(w.generation for w in self._all))

    def refresh(self) -> None:
        """Replace every worker: the store changed. Busy workers are replaced when they end."""
        self.generation += 1
        if self._idle is None:
            return
        stale: list[_Worker] = []
        while not self._idle.empty():
            stale.append(self._idle.get_nowait())
        for worker in stale:
            self._replace(worker)

    async def run(self, task: Task, *args: Any, timeout: float, discard: bool = False) -> Any:
        """``task(project, *args)`` in a worker; the worker is killed after ``timeout`` seconds.

        ``discard`` replaces the worker afterwards (the task changed the worker's store).

        Raises :class:`~kg.errors.QueryTimeoutError` when it is cut, the task's own ``kg``
        error when it fails, :class:`~kg.errors.StoreError` when the worker dies.
        """
        if self._idle is None:
            raise StoreError("the query workers are not running")
        try:
            worker = await asyncio.wait_for(self._idle.get(), timeout)
        except TimeoutError:
            raise QueryTimeoutError(
                f"every query worker stayed busy for {timeout:g} s; try again later") from None
        healthy = answered = False
        try:
            try:
                worker.conn.send((task, args))
                answered = await _readable(worker.conn, timeout)
                if answered:
                    status, *payload = worker.conn.recv()
                    healthy = True
            except (EOFError, OSError):
                raise StoreError("the query worker stopped unexpectedly") from None
            if not answered:  # (TimeoutError is an OSError: raised outside that handler)
                raise QueryTimeoutError(
                    f"the query ran longer than {timeout:g} s and was stopped")
        finally:
            if healthy and not discard and worker.generation == self.generation \
                    and worker.process.is_alive():
                self._idle.put_nowait(worker)
            else:
                self._replace(worker)
        if status == "ok":
            return payload[0]
        if status == "error":
            raise _rebuild_error(payload[0], payload[1])
        raise StoreError(f"the query failed: {payload[0]}")

    def close(self) -> None:
        for worker in list(self._all):
            self._retire(worker)
        self._idle = None
        if self.snapshots is not None:
            self.snapshots.close()

    def pids(self) -> list[int]:
        """The workers' process ids (for tests and diagnostics)."""
        return [w.process.pid for w in self._all if w.process.pid is not None]


async def _readable(conn: Connection, timeout: float) -> bool:
    """Wait, without blocking the event loop, until ``conn`` has a reply (or time is up)."""
    loop = asyncio.get_running_loop()
    ready: asyncio.Future[None] = loop.create_future()

    def wake() -> None:
        if not ready.done():
            ready.set_result(None)

    fd = conn.fileno()
    loop.add_reader(fd, wake)
    try:
        await asyncio.wait_for(ready, timeout)
    except TimeoutError:
        return False
    finally:
        loop.remove_reader(fd)
    return True


@dataclass
class InlineRunner:
    """For a remote store: tasks run in threads (the endpoint enforces its own limits)."""

    project: Project
    generation: int = 0

    def start(self) -> None:
        """Nothing to start: there are no processes."""

    def refresh(self) -> None:
        self.generation += 1

    async def run(self, task: Task, *args: Any, timeout: float, discard: bool = False) -> Any:
        from starlette.concurrency import run_in_threadpool

        try:
            return await asyncio.wait_for(run_in_threadpool(task, self.project, *args), timeout)
        except TimeoutError:
            raise QueryTimeoutError(
                f"the query ran longer than {timeout:g} s; its answer will be ignored") from None

    def close(self) -> None:
        """Nothing to stop."""

    def pids(self) -> list[int]:
        return [os.getpid()]


@dataclass
class Reopened:
    """Workers of a store that a worker reopens (on disk): each opens, read-only, the
    generation the store is at when the worker starts (a write publishes a new one)."""

    project: Project

    def opener(self, generation: int) -> ProjectOpener:
        snapshot = self.project.store.snapshot()
        if snapshot is None:
            raise StoreError("this store cannot be reopened by a worker")
        return _OpenProject(self.project.files, snapshot)

    def release_below(self, generation: int) -> None:
        """Nothing to release: a generation goes when its last reader lets go of it."""

    def close(self) -> None:
        """Nothing to close."""


@dataclass(frozen=True)
class _OpenProject:
    """What a reopening worker calls first: the project on a read-only view of the store."""

    files: ProjectFiles
    snapshot: StoreSnapshot

    def __call__(self) -> Project:
        from kg.api import Project

        return Project(self.files, self.snapshot.open())
