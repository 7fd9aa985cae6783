"""`kg serve` under a burst: cheap queries keep being answered while runaway ones are stopped at
the server's ``--timeout``, and the server gives its memory back afterwards.

A real server process on a loopback port gets a bounded burst: 8 client threads of 25 requests
each, at once. One thread begins with runaway queries (a triple cross product no store answers
in time); everything else is a cheap query. Every cheap query must succeed with the right answer
and every runaway one must end in 504. The latencies of the cheap ones are printed (the
numbers in docs/reliability.md), not asserted: a test that timed things would fail on a slow
machine, not on a broken server.
"""

from __future__ import annotations

import os
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import psutil
import pytest

THREADS = 8
REQUESTS = 25
RUNAWAYS = 3
"""Requests of the first thread that are runaway queries (one at a time, so that the server's
other worker stays free for the cheap ones)."""
TIMEOUT = 1.0
CHEAP = "PREFIX kgo: <https://kg.example.org/ontology#> SELECT (COUNT(?m) AS ?n) WHERE { ?m a kgo:Meeting }"
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
JSON = {"Accept": "application/sparql-results+json"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture
def server(project_dir: Path) -> Iterator[tuple[str, psutil.Process]]:
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "kg",
            "--project",
            str(project_dir),
            "serve",
            "--port",
            str(port),
            "--workers",
            "2",
            "--timeout",
            str(TIMEOUT),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                if (
                    httpx.get(
                        url + "/sparql", params={"query": "ASK {}"}, headers=JSON, timeout=30
                    ).status_code
                    == 200
                ):
                    break
            except httpx.TransportError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail("kg serve did not start")
            time.sleep(0.1)
        yield url, psutil.Process(process.pid)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
        process.communicate(timeout=30)


def rss(process: psutil.Process) -> int:
    """The resident memory of the server and its query workers."""
    return sum(int(p.memory_info().rss) for p in [process, *process.children(recursive=True)])


def test_cheap_queries_are_answered_while_runaway_ones_are_stopped(
    server: tuple[str, psutil.Process],
) -> None:
    url, process = server
    with httpx.Client(base_url=url, timeout=60) as client:
        expected = client.get("/sparql", params={"query": CHEAP}, headers=JSON).json()
        for _ in range(20):  # warm up: the pages and the workers, before the baseline
            client.get("/sparql", params={"query": CHEAP}, headers=JSON)
    before = rss(process)
    cheap: list[tuple[float, int, object]] = []
    runaway: list[tuple[int, str]] = []
    failures: list[str] = []
    lock = threading.Lock()

    def client_thread(number: int) -> None:
        # each client from an address of its own on the loopback network (127.0.0.0/8): the
        # server shares its workers out by client address
        transport = httpx.HTTPTransport(local_address=f"127.0.0.{number + 2}")
        with httpx.Client(base_url=url, timeout=60, transport=transport) as client:
            for request in range(REQUESTS):
                is_runaway = number == 0 and request < RUNAWAYS
                started = time.perf_counter()
                try:
                    response = client.get(
                        "/sparql", headers=JSON, params={"query": RUNAWAY if is_runaway else CHEAP}
                    )
                except httpx.HTTPError as error:
                    with lock:
                        failures.append(f"thread {number}, request {request}: {error!r}")
                    continue
                elapsed = time.perf_counter() - started
                with lock:
                    if is_runaway:
                        runaway.append((response.status_code, response.text))
                    else:
                        body = response.json() if response.status_code == 200 else response.text
                        cheap.append((elapsed, response.status_code, body))

    threads = [threading.Thread(target=client_thread, args=(n,)) for n in range(THREADS)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    wall = time.perf_counter() - started
    assert not failures, failures
    assert len(cheap) == THREADS * REQUESTS - RUNAWAYS
    wrong = [(status, body) for _, status, body in cheap if status != 200 or body != expected]
    assert not wrong, wrong[:3]
    assert [status for status, _ in runaway] == [504] * RUNAWAYS, runaway
    assert all("longer than" in text for _, text in runaway), runaway

    time.sleep(1.0)  # let the replaced workers settle
    after = rss(process)
    latencies = sorted(elapsed for elapsed, _, _ in cheap)
    p50 = statistics.median(latencies)
    p99 = latencies[min(len(latencies) - 1, round(0.99 * len(latencies)) - 1)]
    print(
        f"\nburst: {THREADS} threads x {REQUESTS} requests in {wall:.1f} s; "
        f"{len(cheap)} cheap all answered, p50 {p50 * 1000:.0f} ms, p99 {p99 * 1000:.0f} ms; "
        f"{RUNAWAYS} runaway stopped with 504; RSS of the server and its workers "
        f"{before / 2**20:.0f} MiB before, {after / 2**20:.0f} MiB after"
    )
    assert after < before * 1.5 + 64 * 2**20, "the memory came back after the burst"
