"""Guarded writes: a change is planned and judged in a worker, then applied, or refused.

A SPARQL Update or a Graph Store Protocol request becomes the quads it adds and removes
(:meth:`~kg.store.base.Store.plan_update` for an update; the graph's quads for GSP). The one
judge (:mod:`kg.validate.judge`, as ``kg add`` uses it) then weighs the whole effect of the
change in the context of the graph: the nodes it touches and every node whose conformance it
can change, removals included. If it conforms, the server applies exactly that delta to its
store; otherwise nothing is applied and the report goes back to the client.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from kg.errors import UsageError
from kg.terms import DefaultGraph, NamedNode, Quad
from kg.validate.report import ValidationReport

if TYPE_CHECKING:
    from kg.api import Project

GraphTarget = NamedNode | DefaultGraph


@dataclass(frozen=True)
class Operation:
    """One write: ``update`` (SPARQL text), or ``put`` / ``post`` / ``delete`` of a graph."""

    kind: str
    sparql: str = ""
    graph: GraphTarget | None = None
    quads: tuple[Quad, ...] = ()
    base: str | None = None


@dataclass
class Change:
    """The quads a write adds and removes, and what the shapes say about it."""

    added: list[Quad]
    removed: list[Quad]
    report: ValidationReport

    @property
    def empty(self) -> bool:
        return not self.added and not self.removed


def _delta(project: Project, operation: Operation) -> tuple[list[Quad], list[Quad]]:
    store = project.store
    if operation.kind == "update":
        return store.plan_update(operation.sparql, base=operation.base)
    graph = operation.graph if operation.graph is not None else DefaultGraph()
    existing = list(store.quads(graph)) if operation.kind in ("put", "delete") else []
    new = (
        [Quad(q.subject, q.predicate, q.object, graph) for q in operation.quads]
        if operation.kind in ("put", "post")
        else []
    )
    keep = set(new)
    return [q for q in new if q not in set(existing)], [q for q in existing if q not in keep]


def plan_change(project: Project, operations: Sequence[Operation]) -> Change:
    """The delta of ``operations`` and the judge's report on it; runs in a worker."""
    added: list[Quad] = []
    removed: list[Quad] = []
    for operation in operations:
        plus, minus = _delta(project, operation)
        added, removed = [*added, *plus], [*removed, *minus]
    net_added = sorted(set(added) - set(removed), key=str)
    net_removed = sorted(set(removed) - set(added), key=str)
    report = project.validate_change(net_added, net_removed)
    return Change(net_added, net_removed, report)


def graph_quads(project: Project, graph: GraphTarget, limit: int) -> list[Quad] | None:
    """The quads of one graph (Graph Store Protocol GET); ``None`` if there is no such graph."""
    quads = []
    for quad in project.store.quads(graph):
        quads.append(quad)
        if len(quads) > limit:
            raise UsageError(
                f"the graph holds more than {limit} triples (--max-rows); "
                "use the SPARQL endpoint with LIMIT/OFFSET"
            )
    if not quads and isinstance(graph, NamedNode):
        return None  # an empty named graph is no graph (Graph Store Protocol: 404)
    return quads
