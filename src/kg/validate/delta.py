"""Validating new data in the context of the graph, without revalidating the graph.

The focus nodes a contribution touches are the subjects, objects and graph names it mentions.
From the store, with SPARQL, we pull their neighbourhood: the triples about them, and about
what they point to, a few hops out (enough for ``sh:class``, ``sh:node`` and the SPARQL
constraints to see the existing entities they need), plus the triples pointing at them. The
shapes run on neighbourhood + new data + the vocabulary; findings that the neighbourhood
alone already had are not the contribution's doing and are left out.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

import rdflib

from kg.namespaces import PREFIXES, expand_curie
from kg.store.base import Store
from kg.terms import RDF_TYPE, BlankNode, Literal, NamedNode, Quad, Term, Triple
from kg.validate.fast import CompiledShapes, compile_shapes, validate_quads
from kg.validate.report import Finding, ValidationReport
from kg.validate.shacl import run_shacl

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


def backward_predicates(shapes: rdflib.Graph) -> set[NamedNode]:
    """The predicates the shapes follow backwards: inverse paths, ``sh:targetObjectsOf``, and in
    SPARQL constraints ``^p`` or ``?x p $this``. Only these incoming links are context."""
    from rdflib.namespace import SH

    out = {NamedNode(str(p)) for p in shapes.objects(None, SH.inversePath)
           if isinstance(p, rdflib.URIRef)}
    out |= {NamedNode(str(p)) for p in shapes.objects(None, SH.targetObjectsOf)
            if isinstance(p, rdflib.URIRef)}
    prefixes = dict(PREFIXES)
    for declaration in shapes.subjects(SH.prefix, None):
        prefix, namespace = shapes.value(declaration, SH.prefix), \
            shapes.value(declaration, SH.namespace)
        if prefix is not None and namespace is not None:
            prefixes[str(prefix)] = str(namespace)
    for select in shapes.objects(None, SH.select):
        text = str(select)
        names = _INVERSE.findall(text) + _TO_THIS.findall(text)
        for name in names:
            iri = name[1:-1] if name.startswith("<") else expand_curie(name, prefixes)
            if iri:
                out.add(NamedNode(iri))
    return out


_TERM = r"(<[^<>\s]+>|[A-Za-z][\w-]*:[\w.-]*[\w-])"
_INVERSE = re.compile(r"\^\s*" + _TERM)
_TO_THIS = re.compile(_TERM + r"\s+\$this\b")


def neighbourhood(store: Store, seeds: Iterable[Term], depth: int = DEPTH,
                  backward: set[NamedNode] | None = None) -> list[Triple]:
    """Triples of the store around ``seeds``: ``depth`` hops forward, and one hop backward
    along ``backward`` predicates (all predicates if ``None``), with the types of what is found
    there."""
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
    if backward is not None and not backward:
        return list(out)
    restrict = "" if backward is None else \
        f"VALUES ?p {{ {_values(sorted(backward, key=lambda n: n.value))} }} "
    incoming = sorted(incoming_for, key=lambda n: n.value)
    for start in range(0, len(incoming), BATCH):
        chunk = incoming[start:start + BATCH]
        result = store.query(
            f"CONSTRUCT {{ ?s ?p ?o . ?s a ?t }} WHERE {{ VALUES ?o {{ {_values(chunk)} }} "
            f"{restrict}?s ?p ?o OPTIONAL {{ ?s a ?t }} }}"
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
    context = neighbourhood(store, touched, backward=backward_predicates(shapes))
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
