"""The draft as TriG laid out for review by plain editing.

Graphs follow the article's order; in each, the sentence's own record comes first, then the
source document, then each node in the order the text names it. Every statement is one line
ending in ``;`` and each node closes with a line holding only ``.`` (Turtle allows the trailing
``;``), so deleting any statement line, the review mark included, always leaves valid TriG.
A node's types come first, then its review mark and notes. ``kg add`` rewrites the reviewed
file canonically.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from kg.draft import vocabulary as v
from kg.namespaces import PREFIXES, XSD
from kg.terms import BlankNode, Literal, NamedNode, Quad

_LOCAL = re.compile(r"^[A-Za-z0-9_]([A-Za-z0-9_.\-]*[A-Za-z0-9_\-])?$")
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}
_NEEDS_ESCAPE = re.compile(r'[\\"\n\r\t\x00-\x1f\x7f]')
_FIRST = (v.TYPE, v.NEEDS_REVIEW, v.EDITORIAL_NOTE)


class _Terms:
    def __init__(self, prefixes: Mapping[str, str]) -> None:
        self.namespaces = sorted(prefixes.items(), key=lambda item: -len(item[1]))
        self.used: set[str] = set()

    def iri(self, value: str) -> str:
        for name, namespace in self.namespaces:
            if value.startswith(namespace) and _LOCAL.match(value[len(namespace) :]):
                self.used.add(name)
                return f"{name}:{value[len(namespace) :]}"
        return f"<{value}>"

    def term(self, term: NamedNode | BlankNode | Literal) -> str:
        if isinstance(term, NamedNode):
            return self.iri(term.value)
        if isinstance(term, BlankNode):
            return f"_:{term.value}"
        text = (
            '"'
            + _NEEDS_ESCAPE.sub(lambda m: _ESCAPES.get(m.group(0)) or f"\\u{ord(m.group(0)):04X}", term.value)
            + '"'
        )
        if term.language:
            return f"{text}@{term.language}"
        datatype = term.datatype.value
        if datatype == XSD + "string":
            return text
        if datatype in (XSD + "integer", XSD + "boolean") and re.fullmatch(r"-?\d+|true|false", term.value):
            return term.value
        return f"{text}^^{self.iri(datatype)}"


def _order(predicate: str) -> int:
    return _FIRST.index(predicate) if predicate in _FIRST else len(_FIRST)


def review_trig(quads: Iterable[Quad], prefixes: Mapping[str, str] = PREFIXES) -> str:
    """The TriG text of a draft, in review layout."""
    terms = _Terms(prefixes)
    graphs: dict[str, dict[str, list[tuple[str, str]]]] = {}
    for quad in quads:
        graph_name, subject, obj = quad.graph_name, quad.subject, quad.object
        if (
            not isinstance(graph_name, NamedNode)
            or not isinstance(subject, NamedNode)
            or not isinstance(obj, NamedNode | BlankNode | Literal)
        ):
            raise ValueError("a draft holds IRIs and literals in named graphs only")
        subjects = graphs.setdefault(graph_name.value, {})
        subjects.setdefault(subject.value, []).append((quad.predicate.value, terms.term(obj)))
    body: list[str] = []
    for graph, subjects in graphs.items():
        body.append(f"{terms.iri(graph)} {{")
        order = sorted(subjects, key=lambda s: (s != graph, list(subjects).index(s)))
        for node in order:
            body.append(f"    {terms.iri(node)}")
            statements = sorted(dict.fromkeys(subjects[node]), key=lambda item: _order(item[0]))
            for predicate, written in statements:
                verb = "a" if predicate == v.TYPE else terms.iri(predicate)
                body.append(f"        {verb} {written} ;")
            body.append("        .")
        body.append("}")
        body.append("")
    header = "".join(f"@prefix {name}: <{iri}> .\n" for name, iri in prefixes.items() if name in terms.used)
    return header + "\n" + "\n".join(body)
