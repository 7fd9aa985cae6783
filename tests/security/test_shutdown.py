"""The server stops on SIGTERM within 5 s, even while its workers run runaway queries, and
leaves no worker behind (running or zombie)."""

from __future__ import annotations

import signal
import threading
import time
from pathlib import Path

import httpx
import psutil

from security.live import copy_project, start

RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n2 ?o }"


def _cpu(worker: psutil.Process) -> float:
    try:
        times = worker.cpu_times()
    except psutil.NoSuchProcess:
        return 0.0
    return float(times.user + times.system)


def test_sigterm_stops_the_server_within_five_seconds_while_workers_run_away(tmp_path: Path) -> None:
    server = start(copy_project(tmp_path / "project"), "--timeout", "60")
    try:
        workers = server.workers()
        assert len(workers) == 2
        idle = [_cpu(w) for w in workers]

        def runaway(source: str) -> None:
            try:
                with server.client(source=source, timeout=70) as client:
                    client.get("/sparql", params={"query": RUNAWAY})
            except httpx.HTTPError:
                pass  # the server went away mid-request: expected

        clients = [threading.Thread(target=runaway, args=(f"127.0.0.{n}",), daemon=True) for n in (1, 2)]
        for client in clients:
            client.start()

        def running_away() -> bool:  # each worker has spent half a second of CPU on its query
            return all(_cpu(w) - before > 0.5 for w, before in zip(workers, idle, strict=True))

        deadline = time.monotonic() + 20
        while not running_away() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert running_away(), "both workers should be running away"
        start_stop = time.monotonic()
        server.process.send_signal(signal.SIGTERM)
        server.process.wait(timeout=30)
        took = time.monotonic() - start_stop
        assert took < 5.0, took
        _, alive = psutil.wait_procs(workers, timeout=5)
        assert not alive, [w.pid for w in alive]
        print(f"SIGTERM to exit with two runaway workers: {took:.2f} s")
    finally:
        server.stop()
