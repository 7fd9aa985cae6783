"""The edge where rdflib is needed (pySHACL, notebooks): terms converted both ways."""

from __future__ import annotations

from collections.abc import Iterable

import rdflib

from kg.terms import BlankNode, NamedNode, Quad, Term, Triple


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


def triples_to_rdflib(triples: Iterable[Quad | Triple], graph: rdflib.Graph | None = None) -> rdflib.Graph:
    """An ``rdflib.Graph`` of the triples (graph names dropped)."""
    out = graph if graph is not None else rdflib.Graph()
    add = out.add
    for t in triples:
        add((to_rdflib_term(t.subject), to_rdflib_term(t.predicate), to_rdflib_term(t.object)))
    return out
