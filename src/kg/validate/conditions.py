"""Conditions on one value node, as SPARQL expressions: datatypes, node kinds, ranges.

Literals are checked as SHACL says: a value has a datatype when its datatype IRI is that one
*and* its lexical form is valid for it (``"abc"^^xsd:integer`` is not an integer), which the
regular expressions and casts below decide inside the engine.
"""

from __future__ import annotations

import rdflib
from rdflib.namespace import SH, XSD

Node = rdflib.term.Node


class NotCompilable(Exception):
    """A shape uses something the compiler does not turn into SPARQL."""


def term_sparql(node: Node) -> str:
    """An rdflib term as SPARQL text; blank nodes cannot be named in a query."""
    if isinstance(node, rdflib.URIRef):
        return f"<{node}>"
    if isinstance(node, rdflib.Literal):
        return node.n3()
    raise NotCompilable(f"blank node {node} used as a constant")


CASTABLE = {XSD.boolean, XSD.integer, XSD.decimal, XSD.double, XSD.float, XSD.dateTime, XSD.date, XSD.time}
_NUMBER = r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)"
_ZONE = r"(Z|[+-][0-9]{2}:[0-9]{2})?"
LEXICAL: dict[Node, str] = {
    XSD.boolean: r"^(true|false|1|0)$",
    XSD.integer: r"^[+-]?[0-9]+$",
    XSD.decimal: f"^{_NUMBER}$",
    XSD.double: f"^({_NUMBER}([eE][+-]?[0-9]+)?|[+-]?INF|NaN)$",
    XSD.float: f"^({_NUMBER}([eE][+-]?[0-9]+)?|[+-]?INF|NaN)$",
    XSD.dateTime: r"^-?[0-9]{4,}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?" + _ZONE + "$",
    XSD.date: r"^-?[0-9]{4,}-[0-9]{2}-[0-9]{2}" + _ZONE + "$",
    XSD.time: r"^[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?" + _ZONE + "$",
    XSD.gYear: r"^-?[0-9]{4,}" + _ZONE + "$",
    XSD.gMonthDay: r"^--[0-9]{2}-[0-9]{2}" + _ZONE + "$",
}
INTEGER_RANGES: dict[Node, tuple[int | None, int | None]] = {
    XSD.byte: (-128, 127),
    XSD.short: (-32768, 32767),
    XSD.int: (-(2**31), 2**31 - 1),
    XSD.long: (-(2**63), 2**63 - 1),
    XSD.unsignedByte: (0, 255),
    XSD.unsignedShort: (0, 65535),
    XSD.unsignedInt: (0, 2**32 - 1),
    XSD.unsignedLong: (0, 2**64 - 1),
    XSD.nonNegativeInteger: (0, None),
    XSD.positiveInteger: (1, None),
    XSD.nonPositiveInteger: (None, 0),
    XSD.negativeInteger: (None, -1),
}
NODE_KINDS: dict[Node, str] = {
    SH.IRI: "!isIRI({v})",
    SH.BlankNode: "!isBlank({v})",
    SH.Literal: "!isLiteral({v})",
    SH.BlankNodeOrIRI: "isLiteral({v})",
    SH.BlankNodeOrLiteral: "isIRI({v})",
    SH.IRIOrLiteral: "isBlank({v})",
}
RANGES: dict[Node, str] = {
    SH.minInclusive: ">=",
    SH.minExclusive: ">",
    SH.maxInclusive: "<=",
    SH.maxExclusive: "<",
}
PAIRS: dict[Node, str] = {
    SH.equals: "Equals",
    SH.disjoint: "Disjoint",
    SH.lessThan: "LessThan",
    SH.lessThanOrEquals: "LessThanOrEquals",
}


def datatype_violated(v: str, dt: Node) -> str:
    """A SPARQL expression: ``v`` is not a valid literal of datatype ``dt``."""
    d = term_sparql(dt)
    ok = f"isLiteral({v}) && sameTerm(DATATYPE({v}), {d})"
    lexical = LEXICAL.get(dt)
    if dt in INTEGER_RANGES:
        low, high = INTEGER_RANGES[dt]
        lexical = LEXICAL[XSD.integer]
        if low is not None:
            ok += f" && COALESCE(xsd:integer(STR({v})) >= {low}, false)"
        if high is not None:
            ok += f" && COALESCE(xsd:integer(STR({v})) <= {high}, false)"
    if lexical is not None:
        ok += f" && REGEX(STR({v}), {term_sparql(rdflib.Literal(lexical))})"
    if dt in CASTABLE:
        ok += f" && COALESCE(isLiteral({d}(STR({v}))), false)"
    return f"!({ok})".replace("xsd:integer(", f"<{XSD.integer}>(")
