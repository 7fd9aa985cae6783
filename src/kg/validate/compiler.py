"""SHACL Core shapes compiled to SPARQL: one ``SELECT ?this ?value ?path`` per constraint.

Each top-level shape (one with a target) becomes a list of :class:`Check`. A check's query
returns one row per validation result: ``?this`` the focus node, ``?value`` the value node
(unbound where SHACL reports none), ``?path`` the result path where it varies (``sh:closed``,
SPARQL constraints). Nested shapes (``sh:node``, ``sh:and``, ``sh:or``, ``sh:not``,
``sh:xone``) become ``EXISTS`` tests of their own violation patterns, so the whole shape runs
inside the engine. What cannot be expressed raises :class:`NotCompilable`; the caller then
leaves that shape to pySHACL.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import rdflib
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS, SH, XSD

from kg.validate.shacl import node_text, render_path

Node = rdflib.term.Node


#: where a check's query can be narrowed to given focus nodes (a comment until then)
FOCUS_SLOT = "#focus\n"


class NotCompilable(Exception):
    """A shape uses something the compiler does not turn into SPARQL."""


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


_TYPE_PATH = ("<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>/"
              "<http://www.w3.org/2000/01/rdf-schema#subClassOf>*")
_CASTABLE = {XSD.boolean, XSD.integer, XSD.decimal, XSD.double, XSD.float, XSD.dateTime,
             XSD.date, XSD.time}
_NUMBER = r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)"
_ZONE = r"(Z|[+-][0-9]{2}:[0-9]{2})?"
_LEXICAL: dict[Node, str] = {
    XSD.boolean: r"^(true|false|1|0)$",
    XSD.integer: r"^[+-]?[0-9]+$",
    XSD.decimal: f"^{_NUMBER}$",
    XSD.double: f"^({_NUMBER}([eE][+-]?[0-9]+)?|[+-]?INF|NaN)$",
    XSD.float: f"^({_NUMBER}([eE][+-]?[0-9]+)?|[+-]?INF|NaN)$",
    XSD.dateTime: r"^-?[0-9]{4,}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?" + _ZONE
    + "$",
    XSD.date: r"^-?[0-9]{4,}-[0-9]{2}-[0-9]{2}" + _ZONE + "$",
    XSD.time: r"^[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?" + _ZONE + "$",
    XSD.gYear: r"^-?[0-9]{4,}" + _ZONE + "$",
    XSD.gMonthDay: r"^--[0-9]{2}-[0-9]{2}" + _ZONE + "$",
}
_INTEGER_RANGES: dict[Node, tuple[int | None, int | None]] = {
    XSD.byte: (-128, 127), XSD.short: (-32768, 32767), XSD.int: (-2**31, 2**31 - 1),
    XSD.long: (-2**63, 2**63 - 1), XSD.unsignedByte: (0, 255), XSD.unsignedShort: (0, 65535),
    XSD.unsignedInt: (0, 2**32 - 1), XSD.unsignedLong: (0, 2**64 - 1),
    XSD.nonNegativeInteger: (0, None), XSD.positiveInteger: (1, None),
    XSD.nonPositiveInteger: (None, 0), XSD.negativeInteger: (None, -1),
}
_NODE_KINDS: dict[Node, str] = {
    SH.IRI: "!isIRI({v})",
    SH.BlankNode: "!isBlank({v})",
    SH.Literal: "!isLiteral({v})",
    SH.BlankNodeOrIRI: "isLiteral({v})",
    SH.BlankNodeOrLiteral: "isIRI({v})",
    SH.IRIOrLiteral: "isBlank({v})",
}
_RANGES: dict[Node, str] = {SH.minInclusive: ">=", SH.minExclusive: ">", SH.maxInclusive: "<=",
           SH.maxExclusive: "<"}
_PAIRS: dict[Node, str] = {SH.equals: "Equals", SH.disjoint: "Disjoint", SH.lessThan: "LessThan",
          SH.lessThanOrEquals: "LessThanOrEquals"}
#: parameters handled here; any other ``sh:`` predicate on a shape is a constraint we lack
_KNOWN = {
    SH["class"], SH.datatype, SH.nodeKind, SH.minCount, SH.maxCount, SH.minLength, SH.maxLength,
    SH.pattern, SH.flags, SH.languageIn, SH.uniqueLang, SH["in"], SH.hasValue, SH.node,
    SH.property, SH["and"], SH["or"], SH["not"], SH.xone, SH.closed, SH.ignoredProperties,
    SH.sparql, SH.path, SH.targetClass, SH.targetNode, SH.targetSubjectsOf,
    SH.targetObjectsOf, SH.severity, SH.message, SH.deactivated, SH.name, SH.description,
    SH.order, SH.group, SH.defaultValue, SH.declare, SH.prefixes, SH.qualifiedValueShape,
    SH.qualifiedMinCount, SH.qualifiedMaxCount, SH.qualifiedValueShapesDisjoint, *_RANGES, *_PAIRS,
}


def is_true(node: Node | None) -> bool:
    """Whether ``node`` is ``true`` as SHACL reads its boolean parameters (``"1"`` is not)."""
    return isinstance(node, rdflib.Literal) and node.datatype == XSD.boolean \
        and str(node) == "true"


def _int(node: Node) -> int:
    try:
        return int(str(node))
    except ValueError:
        raise NotCompilable(f"{node} is not an integer") from None


def term_sparql(node: Node) -> str:
    """An rdflib term as SPARQL text; blank nodes cannot be named in a query."""
    if isinstance(node, rdflib.URIRef):
        return f"<{node}>"
    if isinstance(node, rdflib.Literal):
        return node.n3()
    raise NotCompilable(f"blank node {node} used as a constant")


def _sh(name: str) -> str:
    return str(SH) + name


@dataclass
class Compiler:
    """Turns the shapes of one shapes graph into checks."""

    shapes: rdflib.Graph
    #: also report the results of a failed ``sh:node`` on its value node, as pySHACL does
    #: (``sh:detail``); the W3C reports leave them out
    details: bool = True
    _fresh: Iterator[int] = field(default_factory=itertools.count)
    _stack: list[Node] = field(default_factory=list)
    _outer: list[Node] = field(default_factory=list)

    # -- the shapes -----------------------------------------------------------------------
    def top_level(self) -> list[Node]:
        """Shapes with a target, in a stable order."""
        g = self.shapes
        found: set[Node] = set()
        for predicate in (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf):
            found.update(g.subjects(predicate, None))
        for kind in (SH.NodeShape, SH.PropertyShape):
            for shape in g.subjects(RDF.type, kind):
                if (shape, RDF.type, RDFS.Class) in g or (
                        shape, RDF.type, rdflib.OWL.Class) in g:
                    found.add(shape)
        return sorted(found, key=lambda n: (isinstance(n, rdflib.BNode), str(n)))

    def deactivated(self, shape: Node) -> bool:
        return any(is_true(v) for v in self.shapes.objects(shape, SH.deactivated))

    def checks(self, shape: Node) -> list[Check]:
        """The checks of a top-level shape and of the property shapes it holds."""
        self._unknown_parameters(shape)
        return self._with_properties(shape, self.targets(shape))

    def _with_properties(self, shape: Node, targets: str) -> list[Check]:
        """Checks of ``shape`` and, recursively, of its property shapes (whose focus nodes
        are the values of the shape's path)."""
        if self.deactivated(shape):
            return []
        if shape in self._outer:
            raise NotCompilable("recursive property shapes")
        out = self._shape_checks(shape, targets, "?this")
        path_node = self.shapes.value(shape, SH.path)
        if path_node is not None:
            outer = self.var("f")
            renamed = re.sub(r"[?]this\b", outer, targets)
            targets = f"{{ {renamed} }} {outer} {self.path(path_node)} ?this ."
        self._outer.append(shape)
        try:
            for prop in self.shapes.objects(shape, SH.property):
                self._unknown_parameters(prop)
                out += self._with_properties(prop, targets)
            # pySHACL nests the results of a failed sh:node under sh:detail, and they are
            # validation results like any other: the nested shape's checks on the value nodes
            for nested in self.shapes.objects(shape, SH.node) if self.details else ():
                self._unknown_parameters(nested)
                out += self._with_properties(nested, targets)
        finally:
            self._outer.pop()
        return out

    def targets(self, shape: Node) -> str:
        g = self.shapes
        parts = [f"?this {_TYPE_PATH} {term_sparql(c)} ."
                 for c in sorted(g.objects(shape, SH.targetClass), key=str)]
        if (shape, RDF.type, RDFS.Class) in g or (shape, RDF.type, rdflib.OWL.Class) in g:
            parts.append(f"?this {_TYPE_PATH} {term_sparql(shape)} .")
        nodes = sorted(g.objects(shape, SH.targetNode), key=str)
        if nodes:
            parts.append(f"VALUES ?this {{ {' '.join(term_sparql(n) for n in nodes)} }}")
        subjects_of = sorted(g.objects(shape, SH.targetSubjectsOf), key=str)
        objects_of = sorted(g.objects(shape, SH.targetObjectsOf), key=str)
        parts += [f"?this {term_sparql(p)} [] ." for p in subjects_of]
        parts += [f"[] {term_sparql(p)} ?this ." for p in objects_of]
        return " UNION ".join(f"{{ {p} }}" for p in parts)

    def _unknown_parameters(self, shape: Node) -> None:
        for predicate in set(self.shapes.predicates(shape, None)):
            if str(predicate).startswith(str(SH)) and predicate not in _KNOWN:
                raise NotCompilable(f"{predicate} is not compiled")

    def _shape_checks(self, shape: Node, targets: str, focus: str) -> list[Check]:
        if self.deactivated(shape):
            return []
        g = self.shapes
        severity = g.value(shape, SH.severity) or SH.Violation
        messages = tuple(sorted(str(m) for m in g.objects(shape, SH.message)))
        path_node = g.value(shape, SH.path)
        path_text = render_path(g, path_node)
        shape_text = node_text(shape) or ""
        out = []
        for component, pattern, has_value, dynamic_path in self.violations(shape, focus, "?value"):
            select = "?this ?value" + (" ?path" if dynamic_path else "")
            query = (f"SELECT DISTINCT {select} WHERE {{ {FOCUS_SLOT}{{ {targets} }} {pattern} }}")
            out.append(Check(shape=shape_text, component=component,
                             severity=str(severity).rsplit("#", 1)[-1],
                             path=None if dynamic_path else path_text, messages=messages,
                             query=query, has_value=has_value))
        for constraint in g.objects(shape, SH.sparql):
            out.append(self._sparql_check(shape, constraint, targets, path_node,
                                          str(severity).rsplit("#", 1)[-1], shape_text))
        return out

    # -- violation patterns -----------------------------------------------------------------
    def var(self, stem: str = "v") -> str:
        return f"?_{stem}{next(self._fresh)}"

    def violations(self, shape: Node, focus: str, value: str
                   ) -> list[tuple[str, str, bool, bool]]:
        """``(component, pattern, reports a value, binds ?path)`` for each constraint of
        ``shape``: the pattern matches, with ``focus`` bound, once per violation, binding
        ``value`` to the value node."""
        g = self.shapes
        if shape in self._stack:
            raise NotCompilable("recursive shapes")
        self._stack.append(shape)
        try:
            path_node = g.value(shape, SH.path)
            path = self.path(path_node) if path_node is not None else None
            values = f"{focus} {path} {value} ." if path else f"BIND({focus} AS {value})"
            out: list[tuple[str, str, bool, bool]] = []

            def each(component: str, condition: str) -> None:
                out.append((component, f"{values} FILTER({condition})", True, False))

            for name, condition in self._value_conditions(shape, value):
                each(_sh(name), condition)
            if not path:
                for member in g.objects(shape, SH.hasValue):
                    out.append((_sh("HasValueConstraintComponent"),
                                f"FILTER(!sameTerm({focus}, {term_sparql(member)}))", False, False))
            if path:
                out += self._count_patterns(shape, focus, path)
                for v in g.objects(shape, SH.hasValue):
                    out.append((_sh("HasValueConstraintComponent"),
                                f"FILTER NOT EXISTS {{ {focus} {path} {term_sparql(v)} }}",
                                False, False))
                if any(is_true(v) for v in g.objects(shape, SH.uniqueLang)):
                    a, b = self.var(), self.var()
                    out.append((_sh("UniqueLangConstraintComponent"),
                                f"{focus} {path} {a} . {focus} {path} {b} . "
                                f"FILTER(!sameTerm({a}, {b}) && LANG({a}) != '' && "
                                f"LCASE(LANG({a})) = LCASE(LANG({b})))", False, False))
            else:
                out += self._closed(shape, focus, value)
            out += self._pair_patterns(shape, focus, value, path)
            if len(self._stack) > 1 and list(g.objects(shape, SH.sparql)):
                raise NotCompilable("SPARQL constraints inside nested shapes")
            for prop in g.objects(shape, SH.property):
                if len(self._stack) == 1:
                    continue  # a checked shape's property shapes are checks of their own
                if not self.deactivated(prop):
                    self._unknown_parameters(prop)
                    out += [(c, p, False, False) for c, p, _, _ in
                            self.violations(prop, focus, self.var())]
            return out
        finally:
            self._stack.pop()

    def violated(self, shape: Node, node: str) -> str:
        """A SPARQL expression: ``node`` does not conform to ``shape``."""
        if self.deactivated(shape):
            return "false"
        self._unknown_parameters(shape)
        parts = [p for _, p, _, _ in self.violations(shape, node, self.var())]
        if not parts:
            return "false"
        return "(" + " || ".join(f"EXISTS {{ {p} }}" for p in parts) + ")"

    def _value_conditions(self, shape: Node, v: str) -> Iterator[tuple[str, str]]:
        g = self.shapes
        for cls in g.objects(shape, SH["class"]):
            yield "ClassConstraintComponent", \
                f"NOT EXISTS {{ {v} {_TYPE_PATH} {term_sparql(cls)} }}"
        for dt in g.objects(shape, SH.datatype):
            yield "DatatypeConstraintComponent", self._datatype(v, dt)
        for kind in g.objects(shape, SH.nodeKind):
            if kind not in _NODE_KINDS:
                raise NotCompilable(f"node kind {kind}")
            yield "NodeKindConstraintComponent", _NODE_KINDS[kind].format(v=v)
        for predicate, op in _RANGES.items():
            name = str(predicate).rsplit("#", 1)[-1]
            for bound in g.objects(shape, predicate):
                yield (f"{name[0].upper()}{name[1:]}ConstraintComponent",
                       f"!COALESCE({v} {op} {term_sparql(bound)}, false)")
        for n in g.objects(shape, SH.minLength):
            yield "MinLengthConstraintComponent", \
                f"isBlank({v}) || !COALESCE(STRLEN(STR({v})) >= {_int(n)}, false)"
        for n in g.objects(shape, SH.maxLength):
            yield "MaxLengthConstraintComponent", \
                f"isBlank({v}) || !COALESCE(STRLEN(STR({v})) <= {_int(n)}, false)"
        for pattern in g.objects(shape, SH.pattern):
            flags = g.value(shape, SH.flags)
            args = term_sparql(rdflib.Literal(str(pattern)))
            if flags is not None:
                args += ", " + term_sparql(rdflib.Literal(str(flags)))
            yield "PatternConstraintComponent", f"isBlank({v}) || !REGEX(STR({v}), {args})"
        for head in g.objects(shape, SH.languageIn):
            tags = [str(t) for t in Collection(g, head)]
            test = " || ".join(f"langMatches(LANG({v}), {term_sparql(rdflib.Literal(t))})"
                               for t in tags) or "false"
            yield "LanguageInConstraintComponent", f"!COALESCE({test}, false)"
        for head in g.objects(shape, SH["in"]):
            members = [term_sparql(m) for m in Collection(g, head)]
            test = " || ".join(f"sameTerm({v}, {m})" for m in members) or "false"
            yield "InConstraintComponent", f"!({test})"
        for nested in g.objects(shape, SH.node):
            yield "NodeConstraintComponent", self.violated(nested, v)
        for nested in g.objects(shape, SH["not"]):
            yield "NotConstraintComponent", f"!({self.violated(nested, v)})"
        for head in g.objects(shape, SH["and"]):
            tests = [self.violated(m, v) for m in Collection(g, head)]
            yield "AndConstraintComponent", " || ".join(tests) or "false"
        for head in g.objects(shape, SH["or"]):
            tests = [self.violated(m, v) for m in Collection(g, head)]
            yield "OrConstraintComponent", " && ".join(tests) or "true"
        for head in g.objects(shape, SH.xone):
            tests = [f"IF({self.violated(m, v)}, 0, 1)" for m in Collection(g, head)]
            yield "XoneConstraintComponent", f"({' + '.join(tests) or '0'}) != 1"

    def _datatype(self, v: str, dt: Node) -> str:
        d = term_sparql(dt)
        ok = f"isLiteral({v}) && sameTerm(DATATYPE({v}), {d})"
        lexical = _LEXICAL.get(dt)
        if dt in _INTEGER_RANGES:
            low, high = _INTEGER_RANGES[dt]
            lexical = _LEXICAL[XSD.integer]
            if low is not None:
                ok += f" && COALESCE(xsd:integer(STR({v})) >= {low}, false)"
            if high is not None:
                ok += f" && COALESCE(xsd:integer(STR({v})) <= {high}, false)"
        if lexical is not None:
            ok += f" && REGEX(STR({v}), {term_sparql(rdflib.Literal(lexical))})"
        if dt in _CASTABLE:
            ok += f" && COALESCE(isLiteral({d}(STR({v}))), false)"
        return f"!({ok})".replace("xsd:integer(", f"<{XSD.integer}>(")

    def _count_patterns(self, shape: Node, focus: str, path: str
                        ) -> list[tuple[str, str, bool, bool]]:
        g = self.shapes
        out = []
        for n in g.objects(shape, SH.minCount):
            count = _int(n)
            if count > 0:
                out.append((_sh("MinCountConstraintComponent"),
                            f"FILTER NOT EXISTS {{ {self._distinct_values(focus, path, count)} }}",
                            False, False))
        for n in g.objects(shape, SH.maxCount):
            out.append((_sh("MaxCountConstraintComponent"),
                        self._distinct_values(focus, path, _int(n) + 1), False, False))
        qualified = g.value(shape, SH.qualifiedValueShape)
        if qualified is not None:
            if any(is_true(v) for v in g.objects(shape, SH.qualifiedValueShapesDisjoint)):
                raise NotCompilable("sh:qualifiedValueShapesDisjoint is not compiled")

            def conforms(v: str) -> str:
                return f"!({self.violated(qualified, v)})"

            for n in g.objects(shape, SH.qualifiedMinCount):
                if _int(n) > 0:
                    out.append((_sh("QualifiedMinCountConstraintComponent"), "FILTER NOT EXISTS { "
                                f"{self._distinct_values(focus, path, _int(n), conforms)} }}",
                                False, False))
            for n in g.objects(shape, SH.qualifiedMaxCount):
                out.append((_sh("QualifiedMaxCountConstraintComponent"),
                            self._distinct_values(focus, path, _int(n) + 1, conforms),
                            False, False))
        return out

    def _distinct_values(self, focus: str, path: str, count: int,
                         condition: Callable[[str], str] | None = None) -> str:
        """A pattern matching when ``focus`` has at least ``count`` distinct values (that
        meet ``condition``)."""
        if count > 4:
            if condition is not None:
                raise NotCompilable("qualified counts above 3")
            return (f"{{ SELECT {focus} WHERE {{ {focus} {path} {self.var()} }} "
                    f"GROUP BY {focus} HAVING (COUNT(*) >= {count}) }}")
        names = [self.var() for _ in range(count)]
        triples = " ".join(f"{focus} {path} {n} ." for n in names)
        tests = [f"!sameTerm({a}, {b})" for a, b in itertools.combinations(names, 2)]
        if condition is not None:
            tests += [condition(n) for n in names]
        return triples + (f" FILTER({' && '.join(tests)})" if tests else "")

    def _closed(self, shape: Node, focus: str, value: str) -> list[tuple[str, str, bool, bool]]:
        g = self.shapes
        if not any(is_true(v) for v in g.objects(shape, SH.closed)):
            return []
        allowed = {g.value(p, SH.path) for p in g.objects(shape, SH.property)}
        for head in g.objects(shape, SH.ignoredProperties):
            allowed.update(Collection(g, head))
        names = sorted(term_sparql(p) for p in allowed if isinstance(p, rdflib.URIRef))
        top = len(self._stack) == 1
        p = "?path" if top else self.var("p")
        test = f"FILTER({p} NOT IN ({', '.join(names)}))" if names else ""
        return [(_sh("ClosedConstraintComponent"), f"{focus} {p} {value} . {test}", True, top)]

    def _pair_patterns(self, shape: Node, focus: str, value: str, path: str | None
                       ) -> list[tuple[str, str, bool, bool]]:
        g = self.shapes
        out = []
        values = f"{focus} {path} {value} ." if path else f"BIND({focus} AS {value})"
        for predicate, name in _PAIRS.items():
            for other in g.objects(shape, predicate):
                o = term_sparql(other)
                w = self.var()
                component = _sh(f"{name}ConstraintComponent")
                if name == "Equals":
                    missing = (f"FILTER NOT EXISTS {{ {focus} {path} {value} }}" if path
                               else f"FILTER(!sameTerm({focus}, {value}))")
                    out.append((component, f"{values} FILTER NOT EXISTS {{ {focus} {o} {value} }}",
                                True, False))
                    out.append((component, f"{focus} {o} {value} . {missing}", True, False))
                elif name == "Disjoint":
                    out.append((component, f"{values} {focus} {o} {value} .", True, False))
                else:
                    op = "<" if name == "LessThan" else "<="
                    out.append((component, f"{values} {focus} {o} {w} . "
                                f"FILTER(!COALESCE({value} {op} {w}, false))", True, False))
        return out

    # -- paths -------------------------------------------------------------------------------
    def path(self, node: Node) -> str:
        """A SHACL property path as a SPARQL property path."""
        g = self.shapes
        if isinstance(node, rdflib.URIRef):
            return f"<{node}>"
        if g.value(node, RDF.first) is not None:
            return "(" + "/".join(self.path(p) for p in Collection(g, node)) + ")"
        forms: dict[Node, Callable[[str], str]] = {
            SH.inversePath: lambda p: f"(^{p})", SH.zeroOrMorePath: lambda p: f"({p})*",
            SH.oneOrMorePath: lambda p: f"({p})+", SH.zeroOrOnePath: lambda p: f"({p})?",
        }
        for predicate, form in forms.items():
            inner = g.value(node, predicate)
            if inner is not None:
                return form(self.path(inner))
        alternatives = g.value(node, SH.alternativePath)
        if alternatives is not None:
            return "(" + "|".join(self.path(p) for p in Collection(g, alternatives)) + ")"
        raise NotCompilable(f"path {node}")

    # -- SPARQL-based constraints ------------------------------------------------------------
    def _sparql_check(self, shape: Node, constraint: Node, targets: str, path_node: Node | None,
                      severity: str, shape_text: str) -> Check:
        g = self.shapes
        if any(is_true(v) for v in g.objects(constraint, SH.deactivated)):
            raise NotCompilable("deactivated SPARQL constraint")  # rare: leave it to pySHACL
        select = g.value(constraint, SH.select)
        if select is None:
            raise NotCompilable("SPARQL constraint without sh:select")
        text = str(select)
        if "$shapesGraph" in text or "$currentShape" in text:
            raise NotCompilable("SPARQL constraint uses $shapesGraph or $currentShape")
        if path_node is not None:
            text = text.replace("$PATH", self.path(path_node))
        text = re.sub(r"\$(\w+)", r"?\1", text)
        where = re.search(r"\bWHERE\s*\{", text, re.IGNORECASE) or re.search(r"\{", text)
        if where is None:
            raise NotCompilable("SPARQL constraint without a WHERE clause")
        head, body = text[:where.end()], text[where.end():]
        projection = re.search(r"\bSELECT\b(.*)$", head, re.IGNORECASE | re.DOTALL)
        if projection is None:
            raise NotCompilable("not a SELECT")
        if "*" not in projection.group(1) and not re.search(r"\?this\b", projection.group(1)):
            head = head[:projection.start(1)] + " ?this" + head[projection.start(1):]
        query = self._prefixes(constraint) + f"{head} {FOCUS_SLOT}{{ {targets} }} {body}"
        messages = tuple(sorted(str(m) for m in g.objects(constraint, SH.message))) or \
            tuple(sorted(str(m) for m in g.objects(shape, SH.message)))
        return Check(shape=shape_text, component=_sh("SPARQLConstraintComponent"),
                     severity=severity, path=render_path(g, path_node), messages=messages,
                     query=query, has_value=True)

    def _prefixes(self, constraint: Node) -> str:
        g = self.shapes
        lines = []
        for ontology in g.objects(constraint, SH.prefixes):
            for decl in g.objects(ontology, SH.declare):
                prefix, namespace = g.value(decl, SH.prefix), g.value(decl, SH.namespace)
                if prefix is not None and namespace is not None:
                    lines.append(f"PREFIX {prefix}: <{namespace}>\n")
        return "".join(sorted(set(lines)))
