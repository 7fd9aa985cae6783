"""Snapshots of an on-disk store for the query workers.

Opening an Oxigraph (RocksDB) store read-only while another process writes to it is undefined
behaviour. So workers never open the live store: for each generation of workers (a new one
after every write) the server takes a snapshot with Oxigraph's backup, which hard-links the
store's immutable files when the snapshot sits on the same file system (it does: next to the
store), and the workers open that snapshot read-only. A snapshot is deleted once no living
worker uses it, and all of them when the server stops.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kg.api import Project
    from kg.project import ProjectFiles
    from kg.server.workers import ProjectOpener
    from kg.store.embedded import EmbeddedStore


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

    def opener(self, generation: int) -> ProjectOpener:
        """What a worker of ``generation`` calls to open its store (the snapshot is taken once)."""
        if generation not in self.taken:
            assert self.store.path is not None
            if self.root is None:
                self.root = Path(tempfile.mkdtemp(
                    prefix=f".{self.store.path.name}-snapshots-", dir=self.store.path.parent))
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
        self.root = None
        self.taken.clear()
