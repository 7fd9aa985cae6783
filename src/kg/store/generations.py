"""Generations of an on-disk store: ``HEAD``, the locks, and the folders that come and go.

A store directory holds one *generation* per published state; ``HEAD`` names the current one
and is replaced atomically (``os.replace``) to publish a write. Two ``flock`` locks keep order:
``LOCK`` (exclusive) for the one writer, ``generations/NAME/readers.lock`` (shared) for every
process that has generation NAME open, so that no writer removes a generation while it is read.
The kernel releases both when a process dies, even by SIGKILL.
"""

from __future__ import annotations

import errno
import fcntl
import os
import secrets
import shutil
import time
from pathlib import Path

from kg.errors import StoreError, UsageError

HEAD = "HEAD"
WRITER_LOCK = "LOCK"
READERS_LOCK = "readers.lock"
GENERATIONS = "generations"
ENGINE = "oxigraph"
MANIFEST = "manifest.json"
TRIALS = "trials"
"""Where readers make the private, never published generations they judge changes in."""


def read_head(root: Path) -> str | None:
    try:
        name = (root / HEAD).read_text(encoding="ascii").strip()
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as error:
        raise StoreError(f"{root}: cannot read the store's HEAD ({error})") from None
    if not name or not (root / GENERATIONS / name).is_dir():
        raise StoreError(
            f"{root}: HEAD names a missing generation {name!r}; "
            "the store is damaged, remove it and run `kg build`"
        )
    return name


def current(root: Path) -> str | None:
    """The generation ``HEAD`` names; ``None`` if a writer removed it between our two reads."""
    try:
        return read_head(root)
    except StoreError:
        if not (root / HEAD).is_file():
            raise
        return None


def hold(directory: Path) -> int | None:
    """A shared lock on a generation's readers' lock, so that no writer removes it while we
    read it; ``None`` if a writer is removing it (or has). Without the lock file (a store on a
    read-only file system, which no writer can change), an unlocked descriptor of the folder."""
    lock = directory / READERS_LOCK
    try:
        fd = os.open(lock, os.O_RDONLY | os.O_CLOEXEC)
    except FileNotFoundError:
        if not (directory / MANIFEST).is_file():
            return None
        try:
            fd = os.open(lock, os.O_RDONLY | os.O_CREAT | os.O_CLOEXEC, 0o644)
        except OSError as error:
            if error.errno not in (errno.EROFS, errno.EACCES):
                return None
            return os.open(directory, os.O_RDONLY | os.O_CLOEXEC)
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        still_there = lock.stat().st_ino == os.fstat(fd).st_ino
    except OSError:
        still_there = False
    if not still_there:
        os.close(fd)
        return None
    return fd


def release(fd: int) -> None:
    os.close(fd)  # closing the descriptor releases its flock


def remove_generation(directory: Path) -> bool:
    """Remove a generation unless a reader holds it (then a later writer will)."""
    try:
        fd = os.open(directory / READERS_LOCK, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    except FileNotFoundError:
        shutil.rmtree(directory, ignore_errors=True)
        return True
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        return False
    try:
        shutil.rmtree(directory, ignore_errors=True)
    finally:
        os.close(fd)
    return True


def write_head(root: Path, name: str) -> None:
    """Point ``HEAD`` at generation ``name``: the one atomic step that publishes a write."""
    temporary = root / f".{HEAD}.{secrets.token_hex(4)}"
    with temporary.open("w", encoding="ascii") as out:
        out.write(name + "\n")
        out.flush()
        os.fsync(out.fileno())
    temporary.replace(root / HEAD)
    sync_dir(root)


def check_root(root: Path) -> None:
    if root.exists() and not root.is_dir():
        raise UsageError(f"{root}: not a directory; --store takes a directory")
    if (
        root.is_dir()
        and not (root / HEAD).exists()
        and any(root.iterdir())
        and not (root / GENERATIONS).is_dir()
    ):
        raise UsageError(
            f"{root}: the directory is not empty and is not a kg store; give a new or empty directory"
        )
    try:
        (root / GENERATIONS).mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise StoreError(f"{root}: cannot create the store ({error.strerror})") from None


def new_name() -> str:
    return f"{time.strftime('%Y%m%dT%H%M%S')}-{secrets.token_hex(4)}"


def sync_dir(directory: Path) -> None:
    """fsync a directory, so that a rename or a new file in it survives a power cut."""
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def private_dir(root: Path, name: str) -> tuple[Path, int]:
    """A new folder for a reader's private generation, and the descriptor of the shared lock
    that keeps writers from removing it while it lives (closing it lets go)."""
    directory = root / TRIALS / name
    directory.mkdir(parents=True)
    fd = os.open(directory / READERS_LOCK, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    fcntl.flock(fd, fcntl.LOCK_SH)
    return directory, fd


def remove_private_debris(root: Path) -> None:
    """Remove the private generations of readers that died (nobody holds their lock)."""
    trials = root / TRIALS
    if trials.is_dir():
        for child in trials.iterdir():
            remove_generation(child)
