"""Binding query parameters without pasting values into the query.

A value becomes an RDF term first (so it is an IRI, or a literal, and nothing else), and the
term's N-Triples form — in which every quote, bracket and newline is escaped — goes into a
``VALUES`` block placed first inside the query's outermost ``WHERE`` group. Every engine
understands it (embedded or remote), and a value cannot end the block or add a clause.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping

from kg.errors import QuerySyntaxError
from kg.terms import BlankNode, Term

_TOKEN = re.compile(
    r"""(?P<comment>\#[^\n]*)
      | (?P<string>'''(?:[^\\]|\\.)*?'''|\"\"\"(?:[^\\]|\\.)*?\"\"\"|'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*")
      | (?P<iri><[^<>"{}|^`\\\s]*>)
      | (?P<open>\{) | (?P<close>\})
      | (?P<word>[A-Za-z_][A-Za-z0-9_]*)
    """,
    re.VERBOSE | re.DOTALL,
)


@functools.lru_cache(maxsize=512)
def where_position(sparql: str) -> int:
    """The index just after the ``{`` that opens the outermost ``WHERE`` group (a pure
    function of the text, remembered for the named queries that run again and again)."""
    depth = 0
    seen_where = False
    form = None
    first_open = None
    for match in _TOKEN.finditer(sparql):
        kind = match.lastgroup
        if kind == "word" and depth == 0:
            word = match.group().upper()
            if form is None and word in ("SELECT", "CONSTRUCT", "ASK", "DESCRIBE"):
                form = word
            elif word == "WHERE":
                seen_where = True
        elif kind == "open":
            if depth == 0:
                if seen_where:
                    return match.end()
                if first_open is None:
                    first_open = match.end()
            depth += 1
        elif kind == "close":
            depth -= 1
    if first_open is not None and form in ("SELECT", "ASK", "DESCRIBE"):
        return first_open
    raise QuerySyntaxError("cannot bind parameters: the query has no WHERE group")


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
