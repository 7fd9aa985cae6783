"""Validating new data in the context of the graph, without revalidating the graph.

The focus nodes a contribution touches are the subjects, objects and graph names it mentions.
From the store, with SPARQL, we pull their neighbourhood: the triples about them, and about
what they point to, a few hops out (enough for ``sh:class``, ``sh:node`` and the SPARQL
constraints to see the existing entities they need), plus the triples pointing at them. The
shapes run on neighbourhood + new data + the vocabulary; findings that the neighbourhood
alone already had are not the contribution's doing and are left out.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from kg.store.base import Store
from kg.terms import RDF_TYPE, BlankNode, Literal, NamedNode, Quad, Term, Triple
from kg.validate.fast import CompiledShapes, compile_shapes, validate_quads
from kg.validate.report import Finding, ValidationReport
from kg.validate.shacl import run_shacl

if TYPE_CHECKING:
    import rdflib

DEPTH = 3
BATCH = 200


def touched_nodes(quads: Iterable[Quad]) -> set[NamedNode | BlankNode]:
    nodes: set[NamedNode | BlankNode] = set()
    for q in quads:
        nodes.add(q.subject)  # type: ignore[arg-type]
        if not isinstance(q.object, Literal):
            nodes.add(q.object)  # type: ignore[arg-type]
        if isinstance(q.graph_name, NamedNode | BlankNode):
            nodes.add(q.graph_name)
    return nodes


def _values(nodes: Sequence[NamedNode]) -> str:
    return " ".join(str(n) for n in nodes)


def neighbourhood(store: Store, seeds: Iterable[Term], depth: int = DEPTH) -> list[Triple]:
    """Triples of the store around ``seeds``: ``depth`` hops forward, one hop backward."""
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
            chunk = batch_nodes[start:start + BATCH]
            result = store.query(
                f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ VALUES ?s {{ {_values(chunk)} }} ?s ?p ?o }}"
            )
            for triple in result.triples:
                out.add(triple)
                if isinstance(triple.object, NamedNode):
                    frontier.add(triple.object)
    incoming = sorted(incoming_for, key=lambda n: n.value)
    for start in range(0, len(incoming), BATCH):
        chunk = incoming[start:start + BATCH]
        result = store.query(
            f"CONSTRUCT {{ ?s ?p ?o . ?s a ?t }} WHERE {{ VALUES ?o {{ {_values(chunk)} }} "
            "?s ?p ?o OPTIONAL { ?s a ?t } }"
        )
        out.update(result.triples)
    return list(out)


def validate_standalone(new: Sequence[Quad], vocabulary: Sequence[Quad | Triple],
                        shapes: rdflib.Graph) -> ValidationReport:
    findings = run_shacl([*new, *vocabulary], shapes)
    return ValidationReport(findings=findings, standalone=True)


def validate_in_context(store: Store, new: Sequence[Quad], vocabulary: Sequence[Quad | Triple],
                        shapes: rdflib.Graph, compiled: CompiledShapes | None = None
                        ) -> ValidationReport:
    """Findings about ``new`` as it would sit in ``store``; nothing is written.

    The shapes run compiled to SPARQL (:mod:`kg.validate.fast`) on the neighbourhood.
    """
    plan = compiled if compiled is not None else compile_shapes(shapes)
    # classes are not entities the change is about: their instances are not its context
    classes = {q.object for q in new if q.predicate == RDF_TYPE}
    touched = touched_nodes(new) - classes
    context = neighbourhood(store, touched)
    focus = sorted((n for n in touched if isinstance(n, NamedNode)), key=lambda n: n.value)
    scope = None if any(isinstance(n, BlankNode) for n in touched) else focus
    after = validate_quads([*context, *new, *vocabulary], shapes, plan, scope)
    before = {f.key() for f in
              validate_quads([*context, *vocabulary], shapes, plan, scope).findings}
    focus_texts = {_text(n) for n in touched}
    findings: list[Finding] = [f for f in after.findings
                               if f.focus in focus_texts and f.key() not in before]
    return ValidationReport(findings=findings, standalone=False,
                            fallback_note=after.fallback_note)


def _text(node: NamedNode | BlankNode) -> str:
    return f"_:{node.value}" if isinstance(node, BlankNode) else node.value
