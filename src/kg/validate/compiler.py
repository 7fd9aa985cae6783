"""SHACL Core shapes compiled to SPARQL: one ``SELECT ?this ?value ?path`` per constraint.

Each top-level shape (one with a target) becomes a list of :class:`Check`. A check's query
returns one row per validation result: ``?this`` the focus node, ``?value`` the value node
(unbound where SHACL reports none), ``?path`` the result path where it varies (``sh:closed``,
SPARQL constraints). Nested shapes (``sh:node``, ``sh:and``, ``sh:or``, ``sh:not``,
``sh:xone``) become ``EXISTS`` tests of their own violation patterns, so the whole shape runs
inside the engine. What cannot be expressed raises :class:`NotCompilable`; the caller then
leaves that shape to pySHACL.

Every check also lists what it reads (:attr:`Check.reads`, see :mod:`kg.validate.paths`), so that
a change is validated on the focus nodes it can affect only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import rdflib
from rdflib.namespace import RDF, RDFS, SH

from kg.validate import paths
from kg.validate.checks import (
    ANYTHING,
    FOCUS_SLOT,
    TYPE,
    Check,
    Node,
    Targets,
    instance_of,
    is_true,
    shift,
)
from kg.validate.conditions import NotCompilable, term_sparql
from kg.validate.paths import Step
from kg.validate.patterns import Patterns
from kg.validate.shacl import node_text, render_path
from kg.validate.sparql_checks import sparql_check


@dataclass
class Compiler:
    """Turns the shapes of one shapes graph into checks."""

    shapes: rdflib.Graph
    #: also report the results of a failed ``sh:node`` on its value node, as pySHACL does
    #: (``sh:detail``); the W3C reports leave them out
    details: bool = True
    patterns: Patterns = field(init=False)
    _outer: list[Node] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.patterns = Patterns(self.shapes)

    # -- the shapes -----------------------------------------------------------------------
    def top_level(self) -> list[Node]:
        """Shapes with a target, in a stable order."""
        g = self.shapes
        found: set[Node] = set()
        for predicate in (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf):
            found.update(g.subjects(predicate, None))
        for kind in (SH.NodeShape, SH.PropertyShape):
            for shape in g.subjects(RDF.type, kind):
                if self._is_class(shape):
                    found.add(shape)
        return sorted(found, key=lambda n: (isinstance(n, rdflib.BNode), str(n)))

    def _is_class(self, shape: Node) -> bool:
        g = self.shapes
        return (shape, RDF.type, RDFS.Class) in g or (shape, RDF.type, rdflib.OWL.Class) in g

    def checks(self, shape: Node) -> list[Check]:
        """The checks of a top-level shape and of the property shapes it holds."""
        self.patterns.unknown_parameters(shape)
        return self._with_properties(shape, self.targets(shape))

    def _with_properties(self, shape: Node, targets: Targets) -> list[Check]:
        """Checks of ``shape`` and, recursively, of its property shapes (whose focus nodes
        are the values of the shape's path)."""
        if self.patterns.deactivated(shape):
            return []
        if shape in self._outer:
            raise NotCompilable("recursive property shapes")
        out = self._shape_checks(shape, targets)
        path_node = self.shapes.value(shape, SH.path)
        if path_node is not None:
            path = self.patterns.path_tree(path_node)
            outer = self.patterns.var("f")
            renamed = re.sub(r"[?]this\b", outer, targets.pattern)
            back = paths.inverse_text(path)
            targets = Targets(
                f"{{ {renamed} }} {outer} {paths.text(path)} ?this .",
                (*shift(targets.reads, back), *paths.steps(path, back)),
                targets.listed,
            )
        self._outer.append(shape)
        try:
            for prop in self.shapes.objects(shape, SH.property):
                self.patterns.unknown_parameters(prop)
                out += self._with_properties(prop, targets)
            # pySHACL nests the results of a failed sh:node under sh:detail, and they are
            # validation results like any other: the nested shape's checks on the value nodes
            for nested in self.shapes.objects(shape, SH.node) if self.details else ():
                self.patterns.unknown_parameters(nested)
                out += self._with_properties(nested, targets)
        finally:
            self._outer.pop()
        return out

    def targets(self, shape: Node) -> Targets:
        g = self.shapes
        parts: list[str] = []
        reads: list[Step] = []
        classes = sorted(g.objects(shape, SH.targetClass), key=str)
        if self._is_class(shape):
            classes.append(shape)
        for cls in classes:
            parts.append(f"{instance_of('?this', term_sparql(cls))} .")
            reads += paths.steps(TYPE, "")
        nodes = sorted(g.objects(shape, SH.targetNode), key=str)
        if nodes:
            parts.append(f"VALUES ?this {{ {' '.join(term_sparql(n) for n in nodes)} }}")
        for p in sorted(g.objects(shape, SH.targetSubjectsOf), key=str):
            parts.append(f"?this {term_sparql(p)} [] .")
            reads.append(Step("", str(p), True))
        for p in sorted(g.objects(shape, SH.targetObjectsOf), key=str):
            parts.append(f"[] {term_sparql(p)} ?this .")
            reads.append(Step("", str(p), False))
        return Targets(" UNION ".join(f"{{ {p} }}" for p in parts), tuple(dict.fromkeys(reads)), bool(nodes))

    def _shape_checks(self, shape: Node, targets: Targets) -> list[Check]:
        if self.patterns.deactivated(shape):
            return []
        g = self.shapes
        severity = str(g.value(shape, SH.severity) or SH.Violation).rsplit("#", 1)[-1]
        messages = tuple(sorted(str(m) for m in g.objects(shape, SH.message)))
        path_node = g.value(shape, SH.path)
        path_text = render_path(g, path_node)
        shape_text = node_text(shape) or ""
        out = []
        for violation in self.patterns.violations(shape, "?this", "?value", ""):
            select = "?this ?value" + (" ?path" if violation.dynamic_path else "")
            query = (
                f"SELECT DISTINCT {select} WHERE {{ {FOCUS_SLOT}{{ {targets.pattern} }} "
                f"{violation.pattern} }}"
            )
            out.append(
                Check(
                    shape=shape_text,
                    component=violation.component,
                    severity=severity,
                    path=None if violation.dynamic_path else path_text,
                    messages=messages,
                    query=query,
                    has_value=violation.has_value,
                    reads=tuple(dict.fromkeys((*targets.reads, *violation.reads))),
                    listed=targets.listed,
                )
            )
        for constraint in g.objects(shape, SH.sparql):
            out.append(
                sparql_check(self.patterns, shape, constraint, targets, path_node, severity, shape_text)
            )
        return out

    def deactivated(self, shape: Node) -> bool:
        return self.patterns.deactivated(shape)


__all__ = ["ANYTHING", "FOCUS_SLOT", "Check", "Compiler", "NotCompilable", "Step", "is_true"]
