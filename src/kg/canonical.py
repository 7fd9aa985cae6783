"""Canonical Turtle and TriG: the same graph always gives the same bytes.

The rules, so that a change of one fact is a change of one line:

* the prefixes the output uses are declared in the project's fixed order (``kg.namespaces``);
* graphs, then subjects, are sorted by IRI (blank nodes after IRIs);
* each triple is one line: the subject alone on its line, then one ``predicate object ;`` line
  per triple, ``rdf:type`` first, then predicates and objects sorted;
* blank nodes are relabelled by RDF Dataset Canonicalization (:mod:`kg.rdfc`), so their labels
  depend on the graph alone, never on parse order. Blank nodes too symmetric to label within
  the work budget raise :class:`~kg.errors.CanonicalizationLimitError`; only
  :func:`response_turtle`, for HTTP answers, falls back to the engine's own labels instead;
* strings are escaped so that no literal spans lines.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any, Final

from kg.errors import CanonicalizationLimitError
from kg.namespaces import PREFIXES, RDF, XSD
from kg.terms import BlankNode, DefaultGraph, Literal, NamedNode, Quad, Term, Triple

_PN_LOCAL = re.compile(r"^[A-Za-z0-9_]([A-Za-z0-9_.\-]*[A-Za-z0-9_\-])?$")
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}
_NEEDS_ESCAPE = re.compile(r'[\\"\n\r\t\b\f\x00-\x1f\x7f]')
_BARE_INTEGER = re.compile(r"^[+-]?[0-9]+$")
_BARE_DECIMAL = re.compile(r"^[+-]?[0-9]*\.[0-9]+$")
_RDF_TYPE = RDF + "type"


class _NeedLabels(Exception):
    """A blank node was met before the canonical labels were computed."""


def _escape_char(match: re.Match[str]) -> str:
    char = match.group(0)
    return _ESCAPES.get(char) or f"\\u{ord(char):04X}"


IRI_CACHE: Final = 100_000
"""IRIs whose written form is remembered (then forgotten, so that memory stays bounded)."""


class _Writer:
    def __init__(self, prefixes: Mapping[str, str], *, blank_nodes: bool = True) -> None:
        # longest namespace first, so kgst: wins over a shorter prefix of it
        self._namespaces = sorted(prefixes.items(), key=lambda item: -len(item[1]))
        self.used: set[str] = set()
        self._cache: dict[str, str] = {}
        self.blank_nodes = blank_nodes
        """Whether blank nodes may be written (``False`` until their canonical labels are known)."""

    def iri(self, iri: str) -> str:
        cached = self._cache.get(iri)
        if cached is not None:  # its prefix, if any, was noted when it was first written
            return cached
        if len(self._cache) >= IRI_CACHE:
            self._cache.clear()
        text = f"<{iri}>"
        for name, ns in self._namespaces:
            if iri.startswith(ns):
                local = iri[len(ns) :]
                if local == "" or _PN_LOCAL.match(local):
                    text = f"{name}:{local}"
                    self.used.add(name)
                break
        self._cache[iri] = text
        return text

    def term(self, term: Term) -> str:
        if isinstance(term, NamedNode):
            return self.iri(term.value)
        if isinstance(term, BlankNode):
            if not self.blank_nodes:
                raise _NeedLabels
            return f"_:{term.value}"
        return self.literal(term)

    def literal(self, literal: Literal) -> str:
        value = literal.value
        quoted = '"' + _NEEDS_ESCAPE.sub(_escape_char, value) + '"'
        if literal.language:
            return f"{quoted}@{literal.language}"
        datatype = literal.datatype.value
        if datatype == XSD + "string":
            return quoted
        if datatype == XSD + "integer" and _BARE_INTEGER.match(value):
            return value
        if datatype == XSD + "decimal" and _BARE_DECIMAL.match(value):
            return value
        if datatype == XSD + "boolean" and value in ("true", "false"):
            return value
        return f"{quoted}^^{self.iri(datatype)}"

    def header(self, prefixes: Mapping[str, str]) -> str:
        return "".join(f"@prefix {name}: <{iri}> .\n" for name, iri in prefixes.items() if name in self.used)


def _term_key(term: Term | DefaultGraph) -> tuple[int, str, str]:
    if isinstance(term, NamedNode):
        return (0, term.value, "")
    if isinstance(term, BlankNode):
        return (1, term.value, "")
    if isinstance(term, Literal):
        return (2, term.value, term.language or term.datatype.value)
    return (-1, "", "")


def _predicate_key(predicate: NamedNode) -> tuple[int, str]:
    return (0 if predicate.value == _RDF_TYPE else 1, predicate.value)


def _has_blank_node(term: object) -> bool:
    if isinstance(term, BlankNode):
        return True
    return isinstance(term, Triple) and (_has_blank_node(term.subject) or _has_blank_node(term.object))


def _canonical_blank_nodes(quads: list[Quad]) -> list[Quad]:
    if not any(
        _has_blank_node(q.subject) or _has_blank_node(q.object) or isinstance(q.graph_name, BlankNode)
        for q in quads
    ):
        return quads
    from kg.rdfc import canonical_labels, relabel  # hashlib and the labelling: blank nodes only

    unique = list(dict.fromkeys(quads))
    return relabel(unique, canonical_labels(unique))


def _graph_body(writer: _Writer, triples: Iterable[Quad | Triple], indent: str) -> list[str]:
    by_subject: dict[Any, list[tuple[NamedNode, Any]]] = defaultdict(list)
    for item in triples:
        by_subject[item.subject].append((item.predicate, item.object))
    lines: list[str] = []
    for subject in sorted(by_subject, key=_term_key):
        pairs = sorted(
            set(by_subject[subject]), key=lambda pair: (_predicate_key(pair[0]), _term_key(pair[1]))
        )
        lines.append(indent + writer.term(subject))
        last = len(pairs) - 1
        for index, (predicate, obj) in enumerate(pairs):
            verb = "a" if predicate.value == _RDF_TYPE else writer.iri(predicate.value)
            end = " ." if index == last else " ;"
            lines.append(f"{indent}    {verb} {writer.term(obj)}{end}")
        lines.append("")
    return lines


def canonical_trig(quads: Iterable[Quad], prefixes: Mapping[str, str] = PREFIXES) -> str:
    """The canonical TriG text of ``quads``: same dataset, same bytes.

    >>> from kg.terms import NamedNode, Literal, Quad
    >>> g = NamedNode("https://kg.example.org/graph/g1")
    >>> s = NamedNode("https://kg.example.org/id/a")
    >>> p = NamedNode("http://www.w3.org/2004/02/skos/core#prefLabel")
    >>> print(canonical_trig([Quad(s, p, Literal("A", language="en"), g)]), end="")
    @prefix kgr: <https://kg.example.org/id/> .
    @prefix kgg: <https://kg.example.org/graph/> .
    @prefix skos: <http://www.w3.org/2004/02/skos/core#> .
    <BLANKLINE>
    kgg:g1 {
        kgr:a
            skos:prefLabel "A"@en .
    }
    """
    items = _canonical_blank_nodes(list(quads))
    by_graph: dict[NamedNode | BlankNode | DefaultGraph, list[Quad | Triple]] = defaultdict(list)
    for quad in items:
        by_graph[quad.graph_name].append(quad)
    return _document(by_graph, prefixes)


def canonical_turtle(triples: Iterable[Quad | Triple], prefixes: Mapping[str, str] = PREFIXES) -> str:
    """The canonical Turtle text of ``triples`` (graph names, if any, are dropped)."""
    items: list[Quad | Triple] = list(triples)
    if any(_has_blank_node(t.subject) or _has_blank_node(t.object) for t in items):
        items = list(
            _canonical_blank_nodes([Quad(t.subject, t.predicate, t.object, DefaultGraph()) for t in items])
        )
    return _document({DefaultGraph(): items}, prefixes)


def response_turtle(
    triples: Iterable[Quad | Triple], prefixes: Mapping[str, str] = PREFIXES
) -> tuple[str, bool]:
    """Turtle for an HTTP answer, and whether it is canonical.

    As :func:`canonical_turtle`; but blank nodes too symmetric to label within the budget keep
    the labels the engine gave them (the text is still sorted, one triple per line), rather
    than failing: an answer is not a file under review.
    """
    items = list(triples)
    try:
        return canonical_turtle(items, prefixes), True
    except CanonicalizationLimitError:
        return _document({DefaultGraph(): items}, prefixes), False


def _document(
    by_graph: Mapping[NamedNode | BlankNode | DefaultGraph, list[Quad | Triple]], prefixes: Mapping[str, str]
) -> str:
    writer = _Writer(prefixes)
    body: list[str] = []
    for graph in sorted(by_graph, key=_term_key):
        if isinstance(graph, DefaultGraph):
            body.extend(_graph_body(writer, by_graph[graph], ""))
            continue
        body.append(writer.term(graph) + " {")
        inner = _graph_body(writer, by_graph[graph], "    ")
        if inner and inner[-1] == "":
            inner.pop()
        body.extend(inner)
        body.append("}")
        body.append("")
    if body and body[-1] == "":
        body.pop()
    head = writer.header(prefixes)
    return head + ("\n" if head and body else "") + "\n".join(body) + ("\n" if body else "")
