"""``kg init``: a new project folder, ready for ``kg draft`` and ``kg add``.

A new project has the bundled ``ontology/`` (vocabulary, shapes, JSON-LD context) and
``queries/`` (the named queries, which ask in that vocabulary), an empty ``data/`` and an
empty ``drafts/``. With ``from_bundled`` it is a copy of the bundled graph instead, its data
included. The folder is built beside its target and renamed into place, so a failure leaves
nothing behind.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from kg.errors import UsageError
from kg.project import bundled_root

PARTS = ("ontology", "queries")
DATA_PARTS = ("data",)
EMPTY = ("data", "drafts")


@dataclass(frozen=True)
class NewProject:
    root: Path
    files: int
    from_bundled: bool

    def summary(self) -> str:
        what = "a copy of the bundled graph" if self.from_bundled else "an empty graph"
        return f"created {self.root} with {what} ({self.files} file(s)): ontology/, data/, queries/, drafts/"


def _ignore(_folder: str, names: list[str]) -> set[str]:
    return {n for n in names if n.startswith(".") or n == "__pycache__"}


def init_project(target: Path, *, from_bundled: bool = False, source: Path | None = None) -> NewProject:
    """Create the project folder ``target`` (which must not exist, or be an empty folder)."""
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise UsageError(f"{target}: already exists and is not an empty folder; choose a new one")
    origin = source if source is not None else bundled_root()
    parent = target.resolve().parent
    if not parent.is_dir():
        raise UsageError(f"{parent}: no such folder to create {target.name} in")
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=parent))
    try:
        parts = PARTS + (DATA_PARTS if from_bundled else ())
        for part in parts:
            if (origin / part).is_dir():
                shutil.copytree(origin / part, staging / part, ignore=_ignore)
        for part in EMPTY:
            (staging / part).mkdir(exist_ok=True)
        count = sum(1 for p in staging.rglob("*") if p.is_file())
        if target.exists():
            target.rmdir()
        staging.rename(target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return NewProject(target, count, from_bundled)
