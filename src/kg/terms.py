"""The RDF term model ``kg`` speaks: Oxigraph's terms, named once here.

Everything above the store seam imports terms from this module, never from the engine package,
so the rest of the code reads as RDF, not as one engine's API.
"""

from __future__ import annotations

from pyoxigraph import BlankNode, DefaultGraph, Literal, NamedNode, Quad, Triple

from kg.namespaces import XSD

Term = NamedNode | BlankNode | Literal
Subject = NamedNode | BlankNode
GraphName = NamedNode | BlankNode | DefaultGraph

XSD_STRING = NamedNode(XSD + "string")
RDF_LANG_STRING = NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#langString")
RDF_TYPE = NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")

__all__ = [
    "RDF_LANG_STRING",
    "RDF_TYPE",
    "XSD_STRING",
    "BlankNode",
    "DefaultGraph",
    "GraphName",
    "Literal",
    "NamedNode",
    "Quad",
    "Subject",
    "Term",
    "Triple",
    "term_value",
]


def term_value(term: Term | Triple | None) -> str | None:
    """The plain string of a term: an IRI, a blank node's label, a literal's lexical form."""
    if term is None:
        return None
    if isinstance(term, Triple):
        raise TypeError("RDF 1.2 triple terms are not supported")
    return term.value
