"""The worker pool under the seam, on its own: fair sharing between owners, the memory ceiling,
workers started clean (forkserver) that open their own resource, confined all the same."""

from __future__ import annotations

import asyncio
import os
import socket
import time
from dataclasses import dataclass
from typing import Any

import pytest

from kg.errors import QueryTimeoutError, ResultTooLargeError
from kg.store.confine import Confinement, probe_network_isolation
from kg.store.pool import WorkerPool


def _nap(resource: Any, seconds: float) -> float:
    time.sleep(seconds)
    return time.monotonic()


def _hog(resource: Any, megabytes: int) -> int:
    return len(bytearray(megabytes * 1024 * 1024))


def _what(resource: Any) -> tuple[Any, int]:
    return resource, os.getpid()


def _dial(resource: Any) -> str:
    try:
        with socket.create_connection(("127.0.0.1", 9), timeout=2):
            return "connected"
    except OSError as error:
        return error.strerror or "refused"


@dataclass(frozen=True)
class _Opened:
    """An opener a clean worker calls: what it opens is what its tasks receive."""

    name: str

    def __call__(self) -> str:
        return f"opened {self.name}"


@dataclass
class _Snapshots:
    opened: list[int]

    def opener(self, generation: int) -> _Opened:
        self.opened.append(generation)
        return _Opened(f"generation {generation}")

    def release_below(self, generation: int) -> None:
        """Nothing to release."""

    def close(self) -> None:
        """Nothing to close."""


async def _in(pool: WorkerPool, work: Any) -> Any:
    pool.start()
    try:
        return await work(pool)
    finally:
        pool.close()


def test_one_owner_holds_at_most_its_share_and_others_go_first() -> None:
    async def work(pool: WorkerPool) -> tuple[float, float, float]:
        first = asyncio.create_task(pool.run(_nap, 1.0, timeout=10, owner="a"))
        await asyncio.sleep(0.1)
        second = asyncio.create_task(pool.run(_nap, 0.0, timeout=10, owner="a"))
        await asyncio.sleep(0.1)
        other = await pool.run(_nap, 0.0, timeout=10, owner="b")
        return await first, await second, other

    first, second, other = asyncio.run(_in(WorkerPool(None, size=2, per_owner=1), work))
    assert other < first <= second  # b was served while a's second call waited for a's first


def test_a_call_that_waits_past_its_timeout_is_told_why() -> None:
    async def work(pool: WorkerPool) -> None:
        busy = asyncio.create_task(pool.run(_nap, 2.0, timeout=10, owner="a"))
        await asyncio.sleep(0.1)
        with pytest.raises(QueryTimeoutError, match="one client may use 1 of 1"):
            await pool.run(_nap, 0.0, timeout=0.5, owner="a")
        await busy

    asyncio.run(_in(WorkerPool(None, size=1, per_owner=1), work))


def test_a_worker_past_its_memory_ceiling_fails_and_is_replaced() -> None:
    async def work(pool: WorkerPool) -> int:
        with pytest.raises(ResultTooLargeError, match="more memory than a query worker"):
            await pool.run(_hog, 512, timeout=20)
        return int(await pool.run(_hog, 8, timeout=20))

    confined = WorkerPool(None, size=1, confinement=Confinement(memory=128 * 1024 * 1024))
    assert asyncio.run(_in(confined, work)) == 8 * 1024 * 1024


def test_clean_workers_open_their_own_resource_and_are_confined_too() -> None:
    network = probe_network_isolation() is None
    snapshots = _Snapshots([])

    async def work(pool: WorkerPool) -> tuple[Any, Any, str]:
        return (
            await pool.run(_what, timeout=30),
            await pool.run(_what, timeout=30),
            await pool.run(_dial, timeout=30),
        )

    pool = WorkerPool(
        "inherited",
        size=1,
        snapshots=snapshots,
        start_method="forkserver",
        confinement=Confinement(network=network),
    )
    (resource, pid), (_, again), dialled = asyncio.run(_in(pool, work))
    assert resource == "opened generation 0" and pid == again != os.getpid()
    assert snapshots.opened == [0]
    if network:
        assert dialled == "Network is unreachable"
