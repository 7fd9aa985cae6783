"""What a query worker of an on-disk store opens: the generation the store is at.

Every write publishes a new generation (``kg.store.disk``); a worker started after it opens
that one read-only, and holds it (a readers' lock) until it dies, so no writer removes it while
it is read. Nothing is copied, and nothing is left behind by a killed server: the next writer
removes the generations no reader holds.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from kg.errors import StoreError

if TYPE_CHECKING:
    from kg.api import Project
    from kg.project import ProjectFiles
    from kg.store.base import StoreSnapshot
    from kg.store.pool import Opener


@dataclass
class Reopened:
    """The snapshot source of a worker pool on a store that workers reopen."""

    project: Project

    def opener(self, generation: int) -> Opener:
        snapshot = self.project.store.snapshot()
        if snapshot is None:
            raise StoreError("this store cannot be reopened by a worker")
        return OpenProject(self.project.files, snapshot)

    def release_below(self, generation: int) -> None:
        """Nothing to release: a generation goes when its last reader lets go of it."""

    def close(self) -> None:
        """Nothing to close."""


@dataclass(frozen=True)
class OpenProject:
    """What a reopening worker calls first (picklable: it crosses to a clean process)."""

    files: ProjectFiles
    snapshot: StoreSnapshot

    def __call__(self) -> Project:
        from kg.api import Project

        return Project(self.files, self.snapshot.open())
