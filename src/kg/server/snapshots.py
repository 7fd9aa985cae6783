"""Snapshots of an on-disk store for the query workers.

Opening an Oxigraph (RocksDB) store read-only while another process writes to it is undefined
behaviour. So workers never open the live store: for each generation of workers (a new one
after every write) the server takes a snapshot with Oxigraph's backup, which hard-links the
store's immutable files when the snapshot sits on the same file system (it does: next to the
store), and the workers open that snapshot read-only. A snapshot is deleted once no living
worker uses it, and all of them when the server stops.

A server that is killed cannot delete its snapshots. Each snapshot folder therefore holds a
lock file that its server (and the server's workers) keep locked while they live; at start a
server deletes every snapshot folder beside its store whose lock is free.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kg.api import Project
    from kg.project import ProjectFiles
    from kg.store.embedded import EmbeddedStore
    from kg.store.pool import Opener

LOCK_NAME = ".owner.lock"
_UNLOCKED_GRACE = 60.0
"""Seconds a folder without a lock file is left alone (its server may be creating it)."""


def _prefix(store_path: Path) -> str:
    return f".{store_path.name}-snapshots-"


def _in_use(folder: Path) -> bool:
    lock = folder / LOCK_NAME
    try:
        fd = os.open(lock, os.O_RDWR)
    except FileNotFoundError:
        try:
            return time.time() - folder.stat().st_mtime < _UNLOCKED_GRACE
        except OSError:
            return False
    except OSError:
        return True
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return True
    finally:
        os.close(fd)
    return False


def clean_leftovers(store_path: Path) -> list[Path]:
    """Delete the snapshot folders of ``store_path`` that no living server holds."""
    removed = []
    for folder in sorted(store_path.parent.glob(_prefix(store_path) + "*")):
        if folder.is_dir() and not _in_use(folder):
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    return removed


@dataclass
class _OpenSnapshot:
    files: ProjectFiles
    path: Path

    def __call__(self) -> Project:
        from kg.api import Project
        from kg.store.embedded import EmbeddedStore

        return Project(self.files, EmbeddedStore(self.path, read_only=True))


@dataclass
class DiskSnapshots:
    """One read-only snapshot of ``store`` per worker generation."""

    store: EmbeddedStore
    files: ProjectFiles
    root: Path | None = None
    taken: dict[int, Path] = field(default_factory=dict)
    _lock: int | None = None

    def _make_root(self) -> Path:
        assert self.store.path is not None
        root = Path(tempfile.mkdtemp(prefix=_prefix(self.store.path), dir=self.store.path.parent))
        self._lock = os.open(root / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o600)
        fcntl.flock(self._lock, fcntl.LOCK_EX)  # held by this server and its workers
        return root

    def opener(self, generation: int) -> Opener:
        """What a worker of ``generation`` calls to open its store (the snapshot is taken once)."""
        if generation not in self.taken:
            if self.root is None:
                self.root = self._make_root()
            target = self.root / str(generation)
            self.store.flush()
            self.store.engine.backup(str(target))
            self.taken[generation] = target
        return _OpenSnapshot(self.files, self.taken[generation])

    def release_below(self, generation: int) -> None:
        """Delete the snapshots no worker of ``generation`` or later needs."""
        for old in [g for g in self.taken if g < generation]:
            shutil.rmtree(self.taken.pop(old), ignore_errors=True)

    def close(self) -> None:
        if self.root is not None:
            shutil.rmtree(self.root, ignore_errors=True)
        if self._lock is not None:
            with contextlib.suppress(OSError):
                os.close(self._lock)
        self.root = None
        self._lock = None
        self.taken.clear()
