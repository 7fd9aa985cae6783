"""Guarded writes: a change is tried on a worker's copy of the store, validated, then applied.

A SPARQL Update or a Graph Store Protocol request is run in a worker, on that worker's own copy
of the store (a forked worker's in-memory store is a copy; an on-disk store is copied into
memory). The quads it adds and removes are the change. The shapes then judge the nodes the
change touches, in the context of the graph, before and after: only findings that the change
brings are held against it. If it conforms, the server applies exactly that delta to its store;
otherwise nothing is applied and the report goes back to the client.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from kg.errors import UsageError
from kg.terms import BlankNode, DefaultGraph, NamedNode, Quad, Triple
from kg.validate.delta import neighbourhood, touched_nodes
from kg.validate.report import ValidationReport
from kg.validate.shacl import run_shacl

if TYPE_CHECKING:
    import rdflib

    from kg.api import Project
    from kg.store.embedded import EmbeddedStore

GraphTarget = NamedNode | DefaultGraph


@dataclass(frozen=True)
class Operation:
    """One write: ``update`` (SPARQL text), or ``put`` / ``post`` / ``delete`` of a graph."""

    kind: str
    sparql: str = ""
    graph: GraphTarget | None = None
    quads: tuple[Quad, ...] = ()


@dataclass
class Change:
    """The quads a write adds and removes, and what the shapes say about it."""

    added: list[Quad]
    removed: list[Quad]
    report: ValidationReport

    @property
    def empty(self) -> bool:
        return not self.added and not self.removed


def _scratch(project: Project) -> EmbeddedStore:
    """A store this worker may change: its own forked copy, or an in-memory copy."""
    from kg.store.embedded import EmbeddedStore

    store = project.store
    if isinstance(store, EmbeddedStore) and store.path is None and not store.read_only:
        return store
    if not isinstance(store, EmbeddedStore):
        raise UsageError("writes through the server need the embedded store")
    copy = EmbeddedStore()
    copy.add_quads(store.quads())
    return copy


def _apply(store: EmbeddedStore, operation: Operation) -> None:
    if operation.kind == "update":
        store.update(operation.sparql)
        return
    graph = operation.graph if operation.graph is not None else DefaultGraph()
    if operation.kind in ("put", "delete"):
        store.remove_quads(list(store.quads(graph)))
    if operation.kind in ("put", "post"):
        store.add_quads(Quad(q.subject, q.predicate, q.object, graph) for q in operation.quads)


def plan_change(project: Project, operations: Sequence[Operation]) -> Change:
    """Run ``operations`` on a scratch store (a worker's) and judge the delta; runs in a worker
    that is discarded afterwards."""
    store = _scratch(project)
    before = set(store.quads())
    for operation in operations:
        _apply(store, operation)
    after = set(store.quads())
    added = sorted(after - before, key=str)
    removed = sorted(before - after, key=str)
    report = validate_change(store, added, removed, project.vocabulary, project.shapes)
    labels = project.labels({f.focus for f in report.findings if not f.focus.startswith("_:")})
    report.findings = [replace(f, label=labels.get(f.focus)) for f in report.findings]
    return Change(added, removed, report)


def validate_change(store: EmbeddedStore, added: Sequence[Quad], removed: Sequence[Quad],
                    vocabulary: Sequence[Quad | Triple], shapes: rdflib.Graph
                    ) -> ValidationReport:
    """Findings the change brings, in context. ``store`` holds the state *after* the change;
    it is briefly rolled back to see the state before, then restored."""
    if not added and not removed:
        return ValidationReport(findings=[], standalone=False)
    touched = touched_nodes([*added, *removed])
    after = run_shacl([*neighbourhood(store, touched), *vocabulary], shapes)
    store.remove_quads(added)
    store.add_quads(removed)
    try:
        before = {f.key() for f in run_shacl([*neighbourhood(store, touched), *vocabulary],
                                             shapes)}
    finally:
        store.remove_quads(removed)
        store.add_quads(added)
    focus = {f"_:{n.value}" if isinstance(n, BlankNode) else n.value for n in touched}
    findings = [f for f in after if f.focus in focus and f.key() not in before]
    return ValidationReport(findings=findings, standalone=False)


def graph_quads(project: Project, graph: GraphTarget, limit: int) -> list[Quad] | None:
    """The quads of one graph (Graph Store Protocol GET); ``None`` if there is no such graph."""
    quads = []
    for quad in project.store.quads(graph):
        quads.append(quad)
        if len(quads) > limit:
            raise UsageError(f"the graph holds more than {limit} triples (--max-rows); "
                             "use the SPARQL endpoint with LIMIT/OFFSET")
    if not quads and isinstance(graph, NamedNode):
        return None  # an empty named graph is no graph (Graph Store Protocol: 404)
    return quads
