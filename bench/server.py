"""SPARQL over HTTP on loopback: ``kg serve`` against ``oxigraph serve`` on the same data.

Concurrent clients (threads, one ``httpx.Client`` each) send the cheap named queries in turn
for a fixed time; throughput is answered requests per second, latencies are per request.
"""

from __future__ import annotations

import socket
import statistics
import subprocess
import threading
import time
from pathlib import Path
from typing import Any

import httpx

ACCEPT = {"Accept": "application/sparql-results+json"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def kg_serve_available() -> str | None:
    """Why ``kg serve`` cannot be measured, or ``None`` if it can."""
    try:
        done = subprocess.run(["kg", "serve", "--help"], capture_output=True, text=True,
                              check=False, timeout=60)
    except (OSError, subprocess.TimeoutExpired) as error:
        return f"kg serve cannot start ({error})"
    if done.returncode != 0 or "not available" in done.stdout + done.stderr:
        return "kg serve does not exist in this build"
    return None


def wait_ready(url: str, process: subprocess.Popen[bytes], limit: float = 120.0) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if process.poll() is not None:
            errors = process.stderr.read().decode() if process.stderr else ""
            last = [line for line in errors.splitlines() if line.strip()][-1:]
            raise RuntimeError(f"the server exited: {' '.join(last)}")
        try:
            if httpx.get(url, params={"query": "ASK {}"}, headers=ACCEPT, timeout=5).is_success:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"{url} did not answer within {limit:.0f} s")


def hammer(url: str, queries: list[str], seconds: float, clients: int) -> dict[str, Any]:
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def client(offset: int) -> None:
        nonlocal errors
        mine: list[float] = []
        failed = 0
        with httpx.Client(timeout=60) as http:
            i = offset
            while time.monotonic() < stop:
                start = time.perf_counter()
                response = http.get(url, params={"query": queries[i % len(queries)]},
                                    headers=ACCEPT)
                if response.is_success:
                    mine.append(time.perf_counter() - start)
                else:
                    failed += 1
                i += 1
        with lock:
            latencies.extend(mine)
            errors += failed

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    begin = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - begin
    latencies.sort()
    return {
        "requests": len(latencies), "errors": errors,
        "throughput": len(latencies) / elapsed,
        "p50_ms": 1000 * statistics.median(latencies) if latencies else None,
        "p99_ms": 1000 * latencies[int(0.99 * (len(latencies) - 1))] if latencies else None,
    }


def run_server(argv: list[str], url: str, queries: list[str], seconds: float,
               clients: int) -> dict[str, Any]:
    import psutil

    process = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        wait_ready(url, process)
        result = hammer(url, queries, seconds, clients)
        tree = [psutil.Process(process.pid), *psutil.Process(process.pid).children(True)]
        result["rss_mib"] = sum(p.memory_info().rss for p in tree) / 2**20
        return result
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def measure_servers(kg_dir: Path, ox_dir: Path, named: dict[str, Any], seconds: float,
                    clients: int) -> dict[str, Any]:
    """Both servers under the same load; the query mix is the named queries that the library
    answers in under 50 ms at this size (slow ones would only measure the engine)."""
    cheap = sorted((q["kg"], name) for name, q in named.items() if q["kg"] < 0.05)
    queries = [named[name]["text"] for _, name in cheap]
    out: dict[str, Any] = {"queries": [name for _, name in cheap], "clients": clients,
                           "seconds": seconds}
    if not queries:
        out["note"] = "not measured: no named query answers in under 50 ms at this size"
        return out
    why = kg_serve_available()
    if why:
        out["kg"] = {"note": f"not measured: {why}"}
    else:
        port = free_port()
        try:
            out["kg"] = run_server(["kg", "--store", str(kg_dir), "serve", "--port", str(port)],
                                   f"http://127.0.0.1:{port}/sparql", queries, seconds, clients)
        except RuntimeError as error:
            out["kg"] = {"note": f"not measured: {error}"}
    port = free_port()
    try:
        out["oxigraph"] = run_server(
            ["oxigraph", "serve", "--location", str(ox_dir), "--bind", f"127.0.0.1:{port}",
             "--union-default-graph"],
            f"http://127.0.0.1:{port}/query", queries, seconds, clients)
    except (RuntimeError, OSError) as error:
        out["oxigraph"] = {"note": f"not measured: {error}"}
    return out
