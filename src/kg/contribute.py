"""Adding a contribution: validate in context, then write ``data/`` and the store, or nothing.

Order of writes, so that no failure leaves a half-applied contribution:

1. the new canonical TriG files are written beside their targets under temporary names;
2. the quads go into the store in one transaction (all or nothing);
3. the temporary files are renamed over their targets (atomic on POSIX).

A failure in 1 or 2 removes the temporary files and leaves ``data/`` and the store as they were.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from kg.canonical import canonical_trig
from kg.errors import InputError, UsageError
from kg.namespaces import PREFIXES, PROV
from kg.project import ProjectFiles
from kg.rdfio import parse_file
from kg.store.base import Store
from kg.terms import BlankNode, DefaultGraph, NamedNode, Quad

_PROVENANCE = {PROV + "wasDerivedFrom", PROV + "wasQuotedFrom", PROV + "hadPrimarySource"}


@dataclass
class AddOutcome:
    """What an ``add`` wrote."""

    quads: int
    graphs: list[str] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)

    def summary(self) -> str:
        where = ", ".join(str(p) for p in self.files) or "nothing new"
        return f"added {self.quads} quad(s) in {len(self.graphs)} graph(s): {where}"


def check_provenance(quads: Sequence[Quad]) -> None:
    """Every fact must sit in a named graph that says where it comes from."""
    loose = [q for q in quads if isinstance(q.graph_name, DefaultGraph)]
    graphs = {q.graph_name for q in quads if not isinstance(q.graph_name, DefaultGraph)}
    loose_facts = [q for q in loose if q.subject not in graphs]
    if loose_facts:
        first = loose_facts[0]
        raise InputError(
            f"{len(loose_facts)} triple(s) are outside any named graph (first: {first.subject} "
            f"{first.predicate} ...): put each fact in a named graph with prov:wasDerivedFrom "
            "its source"
        )
    described = {q.subject for q in quads if q.predicate.value in _PROVENANCE}
    missing = sorted(g.value for g in graphs if g not in described)
    if missing:
        raise InputError(
            f"graph <{missing[0]}> does not say where its facts come from: add "
            f"<{missing[0]}> prov:wasDerivedFrom <source> (in the graph itself)"
        )


def _target(files: ProjectFiles, source: Path) -> Path:
    stem = re.sub(r"[^A-Za-z0-9_.-]+", "-", source.stem).strip("-.") or "contribution"
    return files.data_dir / f"{stem}.trig"


def plan_files(files: ProjectFiles, sources: Sequence[Path], quads_by_source: dict[Path, list[Quad]]
               ) -> dict[Path, str]:
    """The new text of each data file the contribution touches (merged with what is there)."""
    plan: dict[Path, list[Quad]] = {}
    for source in sources:
        target = _target(files, source)
        if target not in plan:
            plan[target] = list(parse_file(target)) if target.exists() else []
        plan[target].extend(quads_by_source[source])
    return {target: canonical_trig(quads, PREFIXES) for target, quads in plan.items()}


def apply(store: Store, new: Sequence[Quad], texts: dict[Path, str]) -> list[Path]:
    """Write ``texts`` and add ``new`` to ``store``: all of it, or none of it."""
    temporaries: dict[Path, Path] = {}
    try:
        for target, text in texts.items():
            target.parent.mkdir(parents=True, exist_ok=True)
            handle, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp",
                                            dir=target.parent)
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                out.write(text)
                out.flush()
                os.fsync(out.fileno())
            temporaries[target] = Path(name)

        def publish() -> None:
            for target, temporary in temporaries.items():
                temporary.replace(target)

        store.add_contribution(new, publish)
    except BaseException:
        for temporary in temporaries.values():
            temporary.unlink(missing_ok=True)
        raise
    if hasattr(store, "flush"):
        store.flush()
    return sorted(texts)


def writable(files: ProjectFiles) -> None:
    if files.is_bundled:
        raise UsageError(
            "the bundled project is read-only: copy it (ontology/, data/, queries/) to a folder "
            "and pass --project DIR"
        )


def new_quads(store: Store, quads: Sequence[Quad]) -> list[Quad]:
    """The quads not yet in the store."""
    existing: set[Quad] = set()
    graphs: dict[NamedNode | BlankNode | DefaultGraph, None] = {}
    for q in quads:
        graphs.setdefault(q.graph_name, None)
    for graph in graphs:
        existing.update(store.quads(graph))
    return [q for q in dict.fromkeys(quads) if q not in existing]
