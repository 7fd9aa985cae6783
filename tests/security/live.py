"""``kg serve`` in a subprocess on a free loopback port, for the security tests.

Every server here listens on 127.0.0.1 and is stopped (SIGTERM, then SIGKILL) when its test
ends. Waits are bounded: a server that does not answer within :data:`STARTUP_LIMIT` fails the
test with its log.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import psutil
import pytest

ROOT = Path(__file__).resolve().parents[2]
KG = [sys.executable, "-m", "kg"]
STARTUP_LIMIT = 90.0
TOKEN = "security-test-token"


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def copy_project(target: Path, extra: dict[str, str] | None = None) -> Path:
    """A writable copy of the repository's project, with ``extra`` files added to ``data/``."""
    for part in ("ontology", "data", "queries"):
        shutil.copytree(ROOT / part, target / part)
    for name, text in (extra or {}).items():
        (target / "data" / name).write_text(text, encoding="utf-8")
    return target


@dataclass
class LiveServer:
    url: str
    port: int
    process: subprocess.Popen[bytes]
    log: Path

    def client(self, source: str | None = None, timeout: float = 30.0, **kwargs: object) -> httpx.Client:
        """An HTTP client; ``source`` (127.0.0.x) makes it a different client to the server."""
        if source is not None:
            kwargs["transport"] = httpx.HTTPTransport(local_address=source)
        return httpx.Client(base_url=self.url, timeout=timeout, **kwargs)  # type: ignore[arg-type]

    def workers(self) -> list[psutil.Process]:
        try:
            return psutil.Process(self.process.pid).children()
        except psutil.NoSuchProcess:
            return []

    def peak_memory(self) -> int:
        """The server process's peak resident memory so far (VmHWM), in bytes."""
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
        raise AssertionError("no VmHWM in /proc")

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


def start(
    project: Path,
    *args: str,
    store: Path | None = None,
    log: Path | None = None,
    env: dict[str, str] | None = None,
) -> LiveServer:
    port = free_port()
    log = log or project / f"serve-{port}.log"
    global_args = ["--project", str(project)] + (["--store", str(store)] if store else [])
    with log.open("wb") as out:
        process = subprocess.Popen(
            [*KG, *global_args, "serve", "--host", "127.0.0.1", "--port", str(port), *args],
            stdout=out,
            stderr=subprocess.STDOUT,
            cwd=project,
            env={**os.environ, "KG_TOKEN": TOKEN, **(env or {})},
        )
    server = LiveServer(f"http://127.0.0.1:{port}", port, process, log)
    deadline = time.monotonic() + STARTUP_LIMIT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"kg serve exited with {process.returncode}:\n{server.output()}")
        with contextlib.suppress(httpx.HTTPError):
            answer = httpx.get(
                f"{server.url}/sparql",
                params={"query": "ASK {}"},
                timeout=5,
                headers={"Accept": "application/sparql-results+json"},
            )
            if answer.status_code == 200:
                return server
        time.sleep(0.2)
    server.stop()
    pytest.fail(f"kg serve did not answer within {STARTUP_LIMIT:g} s:\n{server.output()}")


@contextlib.contextmanager
def serving(project: Path, *args: str, **kwargs: object) -> Iterator[LiveServer]:
    server = start(project, *args, **kwargs)  # type: ignore[arg-type]
    try:
        yield server
    finally:
        server.stop()
