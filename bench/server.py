"""SPARQL over HTTP on loopback: ``kg serve`` against ``oxigraph serve`` on the same data.

Concurrent clients (processes, one keep-alive connection each, so that the client is not the
bottleneck) send the cheap named queries in turn for a fixed time; throughput is answered
requests per second, latencies are per request, and the CPU time the server and its workers
used is divided by the requests answered.
"""

from __future__ import annotations

import socket
import statistics
import subprocess
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
        done = subprocess.run(
            ["kg", "serve", "--help"], capture_output=True, text=True, check=False, timeout=60
        )
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


def _client(
    url: str,
    queries: list[str],
    stop_at: float,
    offset: int,
) -> tuple[list[float], int, float]:
    """One client process: a keep-alive connection, queries in turn until ``stop_at`` (wall
    clock); its latencies, its errors and the CPU seconds it used."""
    import http.client
    import os
    from urllib.parse import urlencode, urlsplit

    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    paths = [f"{parts.path}?{urlencode({'query': q})}" for q in queries]
    latencies: list[float] = []
    errors = 0
    started = os.times()
    i = offset
    while time.time() < stop_at:
        begin = time.perf_counter()
        connection.request("GET", paths[i % len(paths)], headers=ACCEPT)
        response = connection.getresponse()
        response.read()
        if response.status == 200:
            latencies.append(time.perf_counter() - begin)
        else:
            errors += 1
        i += 1
    connection.close()
    ended = os.times()
    return latencies, errors, (ended.user - started.user) + (ended.system - started.system)


def _cpu_seconds(processes: list[Any]) -> float:
    total = 0.0
    for process in processes:
        try:
            times = process.cpu_times()
            total += times.user + times.system
        except Exception:  # noqa: S112  (a worker replaced meanwhile: its time is gone with it)
            continue
    return total


def hammer(url: str, queries: list[str], seconds: float, clients: int, server: Any) -> dict[str, Any]:
    """``clients`` client processes for ``seconds``; throughput, latencies, and the CPU time
    the server (with its workers) and the clients used per request."""
    import multiprocessing

    import psutil

    tree = [server, *server.children(recursive=True)]
    before = _cpu_seconds(tree)
    stop_at = time.time() + seconds
    with multiprocessing.get_context("fork").Pool(clients) as pool:
        begin = time.monotonic()
        results = pool.starmap(_client, [(url, queries, stop_at, n) for n in range(clients)])
        elapsed = time.monotonic() - begin
    tree = [server, *server.children(recursive=True)]
    server_cpu = _cpu_seconds(tree) - before
    latencies = sorted(x for r in results for x in r[0])
    errors = sum(r[1] for r in results)
    client_cpu = sum(r[2] for r in results)
    count = len(latencies)
    rss = 0.0
    for process in tree:
        try:
            rss += process.memory_info().rss
        except psutil.Error:
            continue
    return {
        "requests": count,
        "errors": errors,
        "throughput": count / elapsed,
        "p50_ms": 1000 * statistics.median(latencies) if latencies else None,
        "p99_ms": 1000 * latencies[int(0.99 * (count - 1))] if latencies else None,
        "cpu_ms_per_request": 1000 * server_cpu / count if count else None,
        "client_cpu_ms_per_request": 1000 * client_cpu / count if count else None,
        "cpu_busy": (server_cpu + client_cpu) / (elapsed * (psutil.cpu_count() or 1)),
        "rss_mib": rss / 2**20,
    }


def run_server(argv: list[str], url: str, queries: list[str], seconds: float, clients: int) -> dict[str, Any]:
    import psutil

    process = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        wait_ready(url, process)
        rows = []
        for query in queries:  # every query once, so that no cold start is measured
            answer = httpx.get(url, params={"query": query}, headers=ACCEPT, timeout=60)
            rows.append(len(answer.json()["results"]["bindings"]) if answer.is_success else None)
        return {**hammer(url, queries, seconds, clients, psutil.Process(process.pid)), "rows": rows}
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def measure_servers(
    kg_dir: Path,
    ox_dir: Path,
    named: dict[str, Any],
    seconds: float,
    clients: int,
    kg: list[str] | None = None,
) -> dict[str, Any]:
    """Both servers under the same load; the query mix is the named queries that the library
    answers in under half a millisecond at this size (slower ones would measure the engine, not
    the server). ``kg serve`` may give every worker to the one client address the load comes
    from (``--client-workers``), as ``oxigraph serve`` shares nothing out.

    ``oxigraph serve`` runs twice: on the very files ``kg serve`` reads (the same quads, kg's
    facts view as the default graph, so both answer every query alike: the targets' peer), and
    on the generated data alone with ``--union-default-graph``, where answers differ (the kg
    store also holds the project's own files) and the union is computed per query."""
    cheap = sorted((q["kg"], name) for name, q in named.items() if q["kg"] < 0.0005)
    queries = [named[name]["text"] for _, name in cheap]
    out: dict[str, Any] = {"queries": [name for _, name in cheap], "clients": clients, "seconds": seconds}
    if not queries:
        out["note"] = "not measured: no named query answers in under 0.5 ms at this size"
        return out
    why = kg_serve_available()
    if why:
        out["kg"] = {"note": f"not measured: {why}"}
    else:
        port = free_port()
        try:
            out["kg"] = run_server(
                [
                    *(kg or ["kg"]),
                    "--store",
                    str(kg_dir),
                    "serve",
                    "--port",
                    str(port),
                    "--workers",
                    "2",
                    "--client-workers",
                    "2",
                ],
                f"http://127.0.0.1:{port}/sparql",
                queries,
                seconds,
                clients,
            )
        except RuntimeError as error:
            out["kg"] = {"note": f"not measured: {error}"}
    same = kg_engine_files(kg_dir)
    for name, location, union in (("oxigraph", same, False), ("oxigraph_generated", ox_dir, True)):
        if location is None:
            out[name] = {"note": "not measured: the kg store has no published generation"}
            continue
        port = free_port()
        try:
            out[name] = run_server(
                [
                    "oxigraph",
                    "serve-read-only",
                    "--location",
                    str(location),
                    "--bind",
                    f"127.0.0.1:{port}",
                    *(["--union-default-graph"] if union else []),
                ],
                f"http://127.0.0.1:{port}/query",
                queries,
                seconds,
                clients,
            )
        except (RuntimeError, OSError) as error:
            out[name] = {"note": f"not measured: {error}"}
    return out


def kg_engine_files(kg_dir: Path) -> Path | None:
    """The Oxigraph folder of the generation an on-disk kg store is at: the very files that
    ``kg serve`` reads, with kg's facts view as their default graph."""
    head = kg_dir / "HEAD"
    if not head.is_file():
        return None
    folder = kg_dir / "generations" / head.read_text(encoding="utf-8").strip() / "oxigraph"
    return folder if folder.is_dir() else None
