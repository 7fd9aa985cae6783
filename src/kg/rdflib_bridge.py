"""The edge where rdflib is needed (pySHACL, notebooks): terms converted both ways."""

from __future__ import annotations

from collections.abc import Iterable

import rdflib

from kg.terms import BlankNode, DefaultGraph, Literal, NamedNode, Quad, Term, Triple


def to_rdflib_term(term: Term | Triple) -> rdflib.term.Identifier:
    if isinstance(term, Triple):
        raise TypeError("RDF 1.2 triple terms are not supported")
    if isinstance(term, NamedNode):
        return rdflib.URIRef(term.value)
    if isinstance(term, BlankNode):
        return rdflib.BNode(term.value)
    if term.language:
        return rdflib.Literal(term.value, lang=term.language)
    return rdflib.Literal(term.value, datatype=rdflib.URIRef(term.datatype.value))


def from_rdflib_term(term: rdflib.term.Node) -> Term:
    if isinstance(term, rdflib.URIRef):
        return NamedNode(str(term))
    if isinstance(term, rdflib.BNode):
        return BlankNode(str(term))
    if isinstance(term, rdflib.Literal):
        if term.language:
            return Literal(str(term), language=term.language)
        if term.datatype is not None:
            return Literal(str(term), datatype=NamedNode(str(term.datatype)))
        return Literal(str(term))
    raise TypeError(f"not an RDF term: {term!r}")


def triples_to_rdflib(triples: Iterable[Quad | Triple], graph: rdflib.Graph | None = None
                      ) -> rdflib.Graph:
    """An ``rdflib.Graph`` of the triples (graph names dropped)."""
    out = graph if graph is not None else rdflib.Graph()
    add = out.add
    for t in triples:
        add((to_rdflib_term(t.subject), to_rdflib_term(t.predicate),
             to_rdflib_term(t.object)))
    return out


def quads_to_rdflib(quads: Iterable[Quad]) -> rdflib.Dataset:
    """An ``rdflib.Dataset`` of the quads, graph names kept."""
    dataset = rdflib.Dataset()
    for q in quads:
        graph = (dataset.default_graph if isinstance(q.graph_name, DefaultGraph)
                 else dataset.graph(to_rdflib_term(q.graph_name)))
        graph.add((to_rdflib_term(q.subject), to_rdflib_term(q.predicate),
                   to_rdflib_term(q.object)))
    return dataset
