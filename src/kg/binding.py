"""Binding query parameters without pasting values into the query.

A value becomes an RDF term first (so it is an IRI, or a literal, and nothing else), and the
term's N-Triples form — in which every quote, bracket and newline is escaped — goes into a
``VALUES`` block placed first inside the query's outermost ``WHERE`` group. Every engine
understands it (embedded or remote), and a value cannot end the block or add a clause.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from kg.errors import QuerySyntaxError
from kg.sparql_text import where_position
from kg.terms import BlankNode, Term


def values_block(bindings: Mapping[str, Term]) -> str:
    parts = []
    for name, term in bindings.items():
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
            raise QuerySyntaxError(f"{name!r} is not a SPARQL variable name")
        if isinstance(term, BlankNode):
            raise QuerySyntaxError(f"parameter {name!r}: a blank node cannot be bound")
        parts.append(f"VALUES ?{name} {{ {term} }}")
    return " ".join(parts)


def bind(sparql: str, bindings: Mapping[str, Term] | None) -> str:
    """``sparql`` with ``bindings`` pre-bound (unchanged when there are none).

    >>> from kg.terms import Literal
    >>> bind('SELECT ?x WHERE { ?x ?p ?v }', {"v": Literal('a" } DROP ALL #')})
    'SELECT ?x WHERE { VALUES ?v { "a\\\\" } DROP ALL #" } ?x ?p ?v }'
    """
    if not bindings:
        return sparql
    position = where_position(sparql)
    return f"{sparql[:position]} {values_block(bindings)}{sparql[position:]}"
