"""The files side of a change: the canonical TriG under ``data/`` that ``add`` and ``retract``
write, staged so that the store and the files change together or not at all.

Order of writes, so that no failure leaves a half-applied change:

1. the new canonical TriG files are written beside their targets under temporary names;
2. the change is judged, and made in the store as one step, whose last act before it becomes
   visible is to rename the temporary files over their targets (atomic on POSIX);
3. a failure before that removes the temporary files, and ``data/`` and the store are as they
   were.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from kg.canonical import canonical_trig
from kg.errors import UsageError
from kg.namespaces import PREFIXES
from kg.project import ProjectFiles
from kg.rdfio import parse_file
from kg.terms import BlankNode, NamedNode, Quad


@dataclass
class AddOutcome:
    """What an ``add`` (or a ``retract``) wrote."""

    quads: int
    graphs: list[str] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)
    verb: str = "added"

    def summary(self) -> str:
        where = ", ".join(str(p) for p in self.files) or "nothing new"
        return f"{self.verb} {self.quads} quad(s) in {len(self.graphs)} graph(s): {where}"


@dataclass
class StagedFiles:
    """New texts of data files written under temporary names (``None``: the file goes)."""

    temporaries: dict[Path, Path | None] = field(default_factory=dict)

    def publish(self) -> None:
        for target, temporary in self.temporaries.items():
            if temporary is None:
                target.unlink(missing_ok=True)
            else:
                temporary.replace(target)
        self.temporaries = {}

    def discard(self) -> None:
        for temporary in self.temporaries.values():
            if temporary is not None:
                temporary.unlink(missing_ok=True)
        self.temporaries = {}


def stage(texts: Mapping[Path, str | None]) -> StagedFiles:
    """Write each text beside its target, durably, under a temporary name."""
    staged = StagedFiles()
    try:
        for target, text in texts.items():
            if text is None:
                staged.temporaries[target] = None
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            handle, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                out.write(text)
                out.flush()
                os.fsync(out.fileno())
            staged.temporaries[target] = Path(name)
    except BaseException:
        staged.discard()
        raise
    return staged


def _target(files: ProjectFiles, source: Path) -> Path:
    stem = re.sub(r"[^A-Za-z0-9_.-]+", "-", source.stem).strip("-.") or "contribution"
    return files.data_dir / f"{stem}.trig"


def plan_add(
    files: ProjectFiles, sources: Sequence[Path], quads_by_source: Mapping[Path, list[Quad]]
) -> dict[Path, str | None]:
    """The new text of each data file the contribution touches (merged with what is there)."""
    plan: dict[Path, list[Quad]] = {}
    for source in sources:
        target = _target(files, source)
        if target not in plan:
            plan[target] = list(parse_file(target)) if target.exists() else []
        plan[target].extend(quads_by_source[source])
    return {target: canonical_trig(quads, PREFIXES) for target, quads in plan.items()}


def plan_removal(
    files: ProjectFiles, graphs: Iterable[NamedNode | BlankNode]
) -> tuple[dict[Path, str | None], list[Quad]]:
    """The data files without ``graphs``: each file's new text (``None`` when nothing is left),
    and the quads taken out."""
    leaving = set(graphs)
    texts: dict[Path, str | None] = {}
    removed: list[Quad] = []
    for path in files.data_files():
        quads = parse_file(path)
        kept = [q for q in quads if q.graph_name not in leaving]
        if len(kept) == len(quads):
            continue
        removed += [q for q in quads if q.graph_name in leaving]
        texts[path] = canonical_trig(kept, PREFIXES) if kept else None
    return texts, removed


def writable(files: ProjectFiles) -> None:
    if files.is_bundled:
        raise UsageError(
            "the bundled project is read-only: make a project of your own with `kg init DIR "
            "--from-bundled` and pass --project DIR"
        )
