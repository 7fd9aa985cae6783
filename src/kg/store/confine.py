"""Confining a query worker process: no network, a memory ceiling, death with its parent.

These are the operating system's layers under the query check (which refuses ``SERVICE`` and
``LOAD`` by parsing the request): even a query that got past it could not open a connection.

* **No network.** Right after it is forked, a worker moves into a network namespace of its
  own (``unshare(CLONE_NEWNET)``, Linux), which holds nothing but a loopback interface that is
  down: every ``connect`` fails with "network unreachable", to any address, 127.0.0.1
  included. A process without ``CAP_SYS_ADMIN`` first enters a user namespace of its own
  (``CLONE_NEWUSER``, mapping its own user and group to themselves), which unprivileged users
  may do where the kernel allows it. Where neither is permitted (another OS, a container that
  forbids namespaces, ``kernel.unprivileged_userns_clone=0``), :func:`probe_network_isolation`
  says why, and the server reports at start-up that only the query check stands.
* **A memory ceiling.** ``RLIMIT_AS``: the worker's address space may grow by at most the
  given number of bytes past what it holds once its store is open. An allocation past it
  fails: Python raises ``MemoryError``, Oxigraph aborts the process; either way the worker ends
  and the server answers 413, the other workers untouched.
* **Death with the parent.** ``PR_SET_PDEATHSIG``: if the server dies, the kernel kills its
  workers, so a runaway query never outlives it.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import os
import signal
from dataclasses import dataclass
from pathlib import Path

CLONE_NEWUSER = 0x10000000
CLONE_NEWNET = 0x40000000
_PR_SET_PDEATHSIG = 1
EXIT_NOT_CONFINED = 70
"""A worker that was asked to be confined and could not be exits with this code."""


@dataclass(frozen=True)
class Confinement:
    """What a worker process is to be denied."""

    #: move into a network namespace without interfaces (see :func:`isolate_network`)
    network: bool = False
    #: bytes of address space the worker may add once its store is open; ``None``: no limit
    memory: int | None = None


def _libc() -> ctypes.CDLL:
    return ctypes.CDLL(None, use_errno=True)


def _unshare(flags: int) -> int:
    """0, or the errno of ``unshare(flags)``."""
    try:
        unshare = _libc().unshare
    except (OSError, AttributeError):
        return errno.ENOSYS
    if unshare(flags) == 0:
        return 0
    return ctypes.get_errno() or errno.EPERM


def _map_own_ids(uid: int, gid: int) -> None:
    """In a fresh user namespace: be the same user and group as outside it (files stay ours)."""
    Path("/proc/self/setgroups").write_text("deny")
    Path("/proc/self/uid_map").write_text(f"{uid} {uid} 1")
    Path("/proc/self/gid_map").write_text(f"{gid} {gid} 1")


def isolate_network() -> str | None:
    """Move this process into a network namespace without a usable interface.

    Returns ``None`` on success, else why it could not be done. Call it in a child process:
    it cannot be undone.
    """
    failed = _unshare(CLONE_NEWNET)
    if failed == 0:
        return None
    if failed != errno.EPERM:
        return f"unshare(CLONE_NEWNET): {os.strerror(failed)}"
    uid, gid = os.getuid(), os.getgid()
    failed_user = _unshare(CLONE_NEWUSER | CLONE_NEWNET)
    if failed_user != 0:
        return (
            f"unshare(CLONE_NEWNET): {os.strerror(failed)}; unshare(CLONE_NEWUSER|"
            f"CLONE_NEWNET): {os.strerror(failed_user)}"
        )
    try:
        _map_own_ids(uid, gid)
    except OSError as error:
        return f"cannot map the user into its namespace: {error.strerror}"
    return None


def probe_network_isolation() -> str | None:
    """Whether workers can be isolated here: ``None`` if yes, else the reason they cannot.

    Tried in a throw-away child process, which also checks that a connection really fails.
    """
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child reports through the pipe
        os.close(read_end)
        reason = isolate_network()
        if reason is None:
            reason = _connection_refused_check()
        os.write(write_end, (reason or "").encode()[:4000])
        os._exit(0)
    os.close(write_end)
    try:
        with os.fdopen(read_end, "rb") as handle:
            text = handle.read().decode(errors="replace")
    finally:
        os.waitpid(pid, 0)
    return text or None


def _connection_refused_check() -> str | None:
    import socket

    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.settimeout(1)
        try:
            probe.connect(("127.0.0.1", 9))
        except OSError as error:
            if error.errno in (errno.ENETUNREACH, errno.EADDRNOTAVAIL):
                return None
            return f"a connection still reached the network stack ({error.strerror})"
    return "a connection succeeded from inside the namespace"


def die_with_parent(parent: int) -> None:
    """Ask Linux to kill this process when ``parent`` dies (and exit if it already has)."""
    with contextlib.suppress(OSError, AttributeError):
        _libc().prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:
        os._exit(0)


def _address_space() -> int | None:
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None
    return pages * os.sysconf("SC_PAGE_SIZE")


def limit_memory(extra: int) -> bool:
    """Cap this process's address space at its present size plus ``extra`` bytes."""
    try:
        import resource
    except ImportError:  # pragma: no cover - not on Linux
        return False
    current = _address_space()
    if current is None:
        return False
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    ceiling = current + extra
    if hard != resource.RLIM_INFINITY:
        ceiling = min(ceiling, hard)
    try:
        resource.setrlimit(resource.RLIMIT_AS, (ceiling, hard))
    except (ValueError, OSError):
        return False
    return True


def confine(confinement: Confinement) -> None:
    """Apply the network part of ``confinement`` in a fresh worker, or exit: a worker that was
    to be isolated never runs a query without it (fail closed)."""
    if confinement.network and isolate_network() is not None:
        os._exit(EXIT_NOT_CONFINED)
