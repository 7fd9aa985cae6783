"""The neighbourhood of some nodes: the part of a store the shapes need to judge them.

Used where a change cannot be judged in the store itself (a remote endpoint: the neighbourhood
is copied into a scratch store) and for shapes left to pySHACL. From the store, with SPARQL,
come the triples about the nodes and about what they point to, a few hops out (enough for
``sh:class``, ``sh:node`` and the SPARQL constraints to see the existing entities they need),
plus the triples pointing at them along the predicates the shapes follow backwards.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from kg.store.base import Store
from kg.terms import NamedNode, Term, Triple
from kg.validate.paths import Step

DEPTH = 3
BATCH = 200


def _values(nodes: Sequence[NamedNode]) -> str:
    return " ".join(str(n) for n in nodes)


def backward_predicates(reads: Iterable[Step]) -> set[NamedNode] | None:
    """The predicates some check reads backwards (``None``: some check reads any)."""
    out: set[NamedNode] = set()
    for step in reads:
        if not step.forward or step.pair is not None:  # a pair reads its object end too
            if step.predicate is None:
                return None
            out.add(NamedNode(step.predicate))
    return out


def neighbourhood(
    store: Store, seeds: Iterable[Term], depth: int = DEPTH, backward: set[NamedNode] | None = None
) -> list[Triple]:
    """Triples of the store's facts around ``seeds``: ``depth`` hops forward, and one hop
    backward along ``backward`` predicates (all predicates if ``None``), with the types of what
    is found there."""
    seen: set[NamedNode] = set()
    frontier = {n for n in seeds if isinstance(n, NamedNode)}
    out: set[Triple] = set()
    incoming_for = set(frontier)
    for _ in range(depth):
        frontier -= seen
        if not frontier:
            break
        seen |= frontier
        batch_nodes = sorted(frontier, key=lambda n: n.value)
        frontier = set()
        for start in range(0, len(batch_nodes), BATCH):
            chunk = batch_nodes[start : start + BATCH]
            result = store.query(
                f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ VALUES ?s {{ {_values(chunk)} }} ?s ?p ?o }}"
            )
            for triple in result.triples:
                out.add(triple)
                if isinstance(triple.object, NamedNode):
                    frontier.add(triple.object)
    if backward is not None and not backward:
        return list(out)
    incoming = sorted(incoming_for, key=lambda n: n.value)
    predicates = None if backward is None else sorted(backward, key=lambda n: n.value)
    for start in range(0, len(incoming), BATCH):
        chunk = incoming[start : start + BATCH]
        if predicates is None:
            pattern = f"VALUES ?o {{ {_values(chunk)} }} ?s ?p ?o"
        else:  # one joint VALUES: the engine looks up each (predicate, object) pair
            pairs = " ".join(f"({p} {o})" for p in predicates for o in chunk)
            pattern = f"VALUES (?p ?o) {{ {pairs} }} ?s ?p ?o"
        result = store.query(
            f"CONSTRUCT {{ ?s ?p ?o . ?s a ?t }} WHERE {{ {pattern} OPTIONAL {{ ?s a ?t }} }}"
        )
        out.update(result.triples)
    return list(out)
