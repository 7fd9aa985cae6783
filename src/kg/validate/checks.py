"""What the compiler makes: checks, and the records a shape's checks are built of.

A :class:`Check` is one constraint of one shape as a SPARQL query whose rows are its validation
results, with what the query reads from its focus node (:mod:`kg.validate.paths`).
"""

from __future__ import annotations

from dataclasses import dataclass

import rdflib
from rdflib.namespace import RDF, RDFS, SH

from kg.validate import paths
from kg.validate.conditions import PAIRS, RANGES, NotCompilable
from kg.validate.paths import Step

Node = rdflib.term.Node

#: where a check's query can be narrowed to given focus nodes (a comment until then)
FOCUS_SLOT = "#focus\n"
#: anything at all may change the check's results: it runs whole after any change
ANYTHING = Step(None, None, True)

TYPE = paths.Path(
    "seq", parts=(paths.iri(str(RDF.type)), paths.Path("star", parts=(paths.iri(str(RDFS.subClassOf)),)))
)
TYPE_PATH = f"<{RDF.type}>/<{RDFS.subClassOf}>*"
#: what ends an instance-of test, so that :mod:`kg.validate.classes` can find the ones made here
INSTANCE_OF = "#instance-of\n"


def instance_of(node: str, cls: str) -> str:
    """The pattern "``node`` is an instance of ``cls``" (SPARQL terms): ``rdf:type`` then
    ``rdfs:subClassOf*``, marked for :func:`kg.validate.classes.specialise`."""
    return f"{node} {TYPE_PATH} {cls} {INSTANCE_OF}"


#: parameters handled here; any other ``sh:`` predicate on a shape is a constraint we lack
KNOWN = {
    SH["class"],
    SH.datatype,
    SH.nodeKind,
    SH.minCount,
    SH.maxCount,
    SH.minLength,
    SH.maxLength,
    SH.pattern,
    SH.flags,
    SH.languageIn,
    SH.uniqueLang,
    SH["in"],
    SH.hasValue,
    SH.node,
    SH.property,
    SH["and"],
    SH["or"],
    SH["not"],
    SH.xone,
    SH.closed,
    SH.ignoredProperties,
    SH.sparql,
    SH.path,
    SH.targetClass,
    SH.targetNode,
    SH.targetSubjectsOf,
    SH.targetObjectsOf,
    SH.severity,
    SH.message,
    SH.deactivated,
    SH.name,
    SH.description,
    SH.order,
    SH.group,
    SH.defaultValue,
    SH.declare,
    SH.prefixes,
    SH.qualifiedValueShape,
    SH.qualifiedMinCount,
    SH.qualifiedMaxCount,
    SH.qualifiedValueShapesDisjoint,
    *RANGES,
    *PAIRS,
}


@dataclass(frozen=True)
class Check:
    """One constraint of one shape, as a query whose rows are its validation results."""

    shape: str
    component: str
    severity: str
    path: str | None
    messages: tuple[str, ...]
    query: str
    has_value: bool = True
    reads: tuple[Step, ...] = (ANYTHING,)
    """The triple patterns the query reads, from its focus node ``?this``."""
    listed: bool = False
    """Whether ``sh:targetNode`` names focus nodes of the check, which may then be nodes that
    occur nowhere in the data; otherwise every focus node occurs in some fact."""


@dataclass(frozen=True)
class Violation:
    """A pattern that matches, with the focus bound, once per violation of one constraint."""

    component: str
    pattern: str
    has_value: bool
    dynamic_path: bool
    reads: tuple[Step, ...]


@dataclass(frozen=True)
class Test:
    """A SPARQL expression (``node`` does not conform), and what it reads."""

    expression: str
    reads: tuple[Step, ...]


@dataclass(frozen=True)
class Targets:
    """The pattern that binds ``?this`` to a shape's focus nodes, and what it reads."""

    pattern: str
    reads: tuple[Step, ...]
    listed: bool = False
    """Whether ``sh:targetNode`` names some of the focus nodes (see :attr:`Check.listed`)."""


def is_true(node: Node | None) -> bool:
    """Whether ``node`` is ``true`` as SHACL reads its boolean parameters (``"1"`` is not)."""
    return isinstance(node, rdflib.Literal) and node.datatype == rdflib.XSD.boolean and str(node) == "true"


def integer(node: Node) -> int:
    try:
        return int(str(node))
    except ValueError:
        raise NotCompilable(f"{node} is not an integer") from None


def sh(name: str) -> str:
    return str(SH) + name


def shift(reads: tuple[Step, ...], prefix: str) -> tuple[Step, ...]:
    """Steps read from the node at ``prefix`` (rather than from the focus node)."""
    return tuple(
        Step(
            paths.join(prefix, s.prefix) if s.prefix else (None if s.prefix is None else prefix),
            s.predicate,
            s.forward,
        )
        for s in reads
    )


__all__ = [
    "ANYTHING",
    "FOCUS_SLOT",
    "INSTANCE_OF",
    "KNOWN",
    "TYPE",
    "TYPE_PATH",
    "Check",
    "Node",
    "Targets",
    "Test",
    "Violation",
    "instance_of",
    "integer",
    "is_true",
    "sh",
    "shift",
]
