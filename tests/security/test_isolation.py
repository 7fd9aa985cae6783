"""The second layer: query workers cannot open a connection at all, whatever query they run.

These tests bypass the SPARQL check and run a SERVICE query (and a plain socket connect) right
inside a worker, confined and not: confined, the listener gets nothing; unconfined, it gets the
connection, so the zero is the namespace's doing.
"""

from __future__ import annotations

import asyncio
import os
import pwd
import shutil
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import pyoxigraph
import pytest

from kg.errors import StoreError
from kg.store import confine
from kg.store.confine import Confinement, probe_network_isolation
from kg.store.pool import WorkerPool
from security.loopback import Listener

NAMESPACES_HERE = probe_network_isolation()


def _connect(resource: Any, port: int) -> str:
    """Runs in a worker: try to reach the listener."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=2):
            return "connected"
    except OSError as error:
        return f"refused: {error.strerror}"


def _service_query(resource: Any, port: int) -> str:
    """Runs in a worker: ask Oxigraph itself to fetch from the listener."""
    query = f"SELECT ?x WHERE {{ SERVICE <http://127.0.0.1:{port}/sparql> {{ ?a ?b ?x }} }}"
    try:
        list(pyoxigraph.Store().query(query))
    except (OSError, RuntimeError) as error:
        return f"failed: {error}"
    return "answered"


def _run(pool: WorkerPool, task: Any, *args: Any) -> Any:
    async def go() -> Any:
        pool.start()
        try:
            return await pool.run(task, *args, timeout=20)
        finally:
            pool.close()

    return asyncio.run(go())


def _require_namespaces() -> None:
    """The namespace layer is the platform's to give; where it cannot (the fallback is tested
    below), the tests of the layer itself say so and skip."""
    if NAMESPACES_HERE is not None:
        pytest.skip(f"network namespaces are not available here: {NAMESPACES_HERE}")


def test_a_confined_worker_reaches_nothing_and_an_unconfined_one_does() -> None:
    _require_namespaces()
    with Listener() as listener:
        confined = WorkerPool(None, size=1, confinement=Confinement(network=True))
        assert _run(confined, _connect, listener.port).startswith("refused")
        assert _run(
            WorkerPool(None, size=1, confinement=Confinement(network=True)), _service_query, listener.port
        ).startswith("failed")
        assert listener.wait_for(1, 0.3) == 0
        assert _run(WorkerPool(None, size=1), _connect, listener.port) == "connected"
        assert listener.wait_for(1, 2) == 1


def test_the_server_says_which_layers_are_active(server: Any) -> None:
    output = server.output()
    assert "SERVICE and LOAD: refused (found by a SPARQL parser)" in output
    if NAMESPACES_HERE is None:
        assert "query workers: no network (a network namespace of their own)" in output
    else:
        assert "network isolation unavailable here" in output


def test_where_namespaces_are_not_permitted_the_worker_refuses_to_run(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Fail closed: a worker that cannot be isolated never runs a task."""
    monkeypatch.setattr(confine, "_unshare", lambda flags: 1)  # EPERM, as in a locked container
    assert probe_network_isolation() is not None
    pool = WorkerPool(None, size=1, confinement=Confinement(network=True))
    with pytest.raises(StoreError, match="could not be isolated from the network"):
        _run(pool, _connect, 9)


PROBE = Path(confine.__file__).read_text() + "\nprint(probe_network_isolation() or 'isolated')\n"
"""The module itself (it needs only the standard library), run by another interpreter."""


def _identities() -> list[tuple[str, int | None]]:
    found: list[tuple[str, int | None]] = [("this user", None)]
    if os.geteuid() == 0:
        found.append(("an unprivileged user", pwd.getpwnam("nobody").pw_uid))
    return found


@pytest.mark.parametrize(("who", "uid"), _identities(), ids=[w for w, _ in _identities()])
def test_isolation_works_as_root_and_as_a_normal_user(who: str, uid: int | None) -> None:
    """Root gets a network namespace directly; a normal user through a user namespace. (For the
    unprivileged user the module runs in the system Python, which that user can read.)"""
    _require_namespaces()
    python = sys.executable if uid is None else shutil.which("python3", path="/usr/bin:/bin")
    if python is None:
        pytest.skip("no system python3 for the unprivileged user")
    result = subprocess.run(
        [python, "-c", PROBE], capture_output=True, text=True, timeout=60, check=False, user=uid, cwd="/"
    )
    assert result.returncode == 0, result.stderr
    reason = result.stdout.strip()
    if uid is not None and reason != "isolated":
        userns = Path("/proc/sys/user/max_user_namespaces").read_text().strip()
        assert userns == "0", f"{who}: {reason}"  # only a kernel that forbids them may refuse
        return
    assert reason == "isolated", f"{who}: {reason}"
