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

import itertools
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import rdflib
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS, SH

from kg.validate import paths
from kg.validate.conditions import (
    NODE_KINDS,
    PAIRS,
    RANGES,
    NotCompilable,
    datatype_violated,
    term_sparql,
)
from kg.validate.paths import Step
from kg.validate.shacl import node_text, render_path

Node = rdflib.term.Node

#: where a check's query can be narrowed to given focus nodes (a comment until then)
FOCUS_SLOT = "#focus\n"
#: anything at all may change the check's results: it runs whole after any change
ANYTHING = Step(None, None, True)

_TYPE = paths.Path("seq", parts=(paths.iri(str(RDF.type)),
                                 paths.Path("star", parts=(paths.iri(str(RDFS.subClassOf)),))))
_TYPE_PATH = f"<{RDF.type}>/<{RDFS.subClassOf}>*"

#: parameters handled here; any other ``sh:`` predicate on a shape is a constraint we lack
_KNOWN = {
    SH["class"], SH.datatype, SH.nodeKind, SH.minCount, SH.maxCount, SH.minLength, SH.maxLength,
    SH.pattern, SH.flags, SH.languageIn, SH.uniqueLang, SH["in"], SH.hasValue, SH.node,
    SH.property, SH["and"], SH["or"], SH["not"], SH.xone, SH.closed, SH.ignoredProperties,
    SH.sparql, SH.path, SH.targetClass, SH.targetNode, SH.targetSubjectsOf,
    SH.targetObjectsOf, SH.severity, SH.message, SH.deactivated, SH.name, SH.description,
    SH.order, SH.group, SH.defaultValue, SH.declare, SH.prefixes, SH.qualifiedValueShape,
    SH.qualifiedMinCount, SH.qualifiedMaxCount, SH.qualifiedValueShapesDisjoint, *RANGES, *PAIRS,
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


def is_true(node: Node | None) -> bool:
    """Whether ``node`` is ``true`` as SHACL reads its boolean parameters (``"1"`` is not)."""
    return isinstance(node, rdflib.Literal) and node.datatype == rdflib.XSD.boolean \
        and str(node) == "true"


def _int(node: Node) -> int:
    try:
        return int(str(node))
    except ValueError:
        raise NotCompilable(f"{node} is not an integer") from None


def _sh(name: str) -> str:
    return str(SH) + name


def _shift(reads: tuple[Step, ...], prefix: str) -> tuple[Step, ...]:
    """Steps read from the node at ``prefix`` (rather than from the focus node)."""
    return tuple(Step(paths.join(prefix, s.prefix) if s.prefix else (
        None if s.prefix is None else prefix), s.predicate, s.forward) for s in reads)


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
                if self._is_class(shape):
                    found.add(shape)
        return sorted(found, key=lambda n: (isinstance(n, rdflib.BNode), str(n)))

    def _is_class(self, shape: Node) -> bool:
        g = self.shapes
        return (shape, RDF.type, RDFS.Class) in g or (shape, RDF.type, rdflib.OWL.Class) in g

    def deactivated(self, shape: Node) -> bool:
        return any(is_true(v) for v in self.shapes.objects(shape, SH.deactivated))

    def checks(self, shape: Node) -> list[Check]:
        """The checks of a top-level shape and of the property shapes it holds."""
        self._unknown_parameters(shape)
        return self._with_properties(shape, self.targets(shape))

    def _with_properties(self, shape: Node, targets: Targets) -> list[Check]:
        """Checks of ``shape`` and, recursively, of its property shapes (whose focus nodes
        are the values of the shape's path)."""
        if self.deactivated(shape):
            return []
        if shape in self._outer:
            raise NotCompilable("recursive property shapes")
        out = self._shape_checks(shape, targets)
        path_node = self.shapes.value(shape, SH.path)
        if path_node is not None:
            path = self.path_tree(path_node)
            outer = self.var("f")
            renamed = re.sub(r"[?]this\b", outer, targets.pattern)
            back = paths.inverse_text(path)
            targets = Targets(f"{{ {renamed} }} {outer} {paths.text(path)} ?this .",
                              (*_shift(targets.reads, back), *paths.steps(path, back)))
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

    def targets(self, shape: Node) -> Targets:
        g = self.shapes
        parts: list[str] = []
        reads: list[Step] = []
        classes = sorted(g.objects(shape, SH.targetClass), key=str)
        if self._is_class(shape):
            classes.append(shape)
        for cls in classes:
            parts.append(f"?this {_TYPE_PATH} {term_sparql(cls)} .")
            reads += paths.steps(_TYPE, "")
        nodes = sorted(g.objects(shape, SH.targetNode), key=str)
        if nodes:
            parts.append(f"VALUES ?this {{ {' '.join(term_sparql(n) for n in nodes)} }}")
        for p in sorted(g.objects(shape, SH.targetSubjectsOf), key=str):
            parts.append(f"?this {term_sparql(p)} [] .")
            reads.append(Step("", str(p), True))
        for p in sorted(g.objects(shape, SH.targetObjectsOf), key=str):
            parts.append(f"[] {term_sparql(p)} ?this .")
            reads.append(Step("", str(p), False))
        return Targets(" UNION ".join(f"{{ {p} }}" for p in parts), tuple(dict.fromkeys(reads)))

    def _unknown_parameters(self, shape: Node) -> None:
        for predicate in set(self.shapes.predicates(shape, None)):
            if str(predicate).startswith(str(SH)) and predicate not in _KNOWN:
                raise NotCompilable(f"{predicate} is not compiled")

    def _shape_checks(self, shape: Node, targets: Targets) -> list[Check]:
        if self.deactivated(shape):
            return []
        g = self.shapes
        severity = str(g.value(shape, SH.severity) or SH.Violation).rsplit("#", 1)[-1]
        messages = tuple(sorted(str(m) for m in g.objects(shape, SH.message)))
        path_node = g.value(shape, SH.path)
        path_text = render_path(g, path_node)
        shape_text = node_text(shape) or ""
        out = []
        for violation in self.violations(shape, "?this", "?value", ""):
            select = "?this ?value" + (" ?path" if violation.dynamic_path else "")
            query = (f"SELECT DISTINCT {select} WHERE {{ {FOCUS_SLOT}{{ {targets.pattern} }} "
                     f"{violation.pattern} }}")
            out.append(Check(shape=shape_text, component=violation.component,
                             severity=severity,
                             path=None if violation.dynamic_path else path_text,
                             messages=messages, query=query, has_value=violation.has_value,
                             reads=tuple(dict.fromkeys((*targets.reads, *violation.reads)))))
        for constraint in g.objects(shape, SH.sparql):
            out.append(self._sparql_check(shape, constraint, targets, path_node, severity,
                                          shape_text))
        return out

    # -- violation patterns -----------------------------------------------------------------
    def var(self, stem: str = "v") -> str:
        return f"?_{stem}{next(self._fresh)}"

    def violations(self, shape: Node, focus: str, value: str, prefix: str) -> list[Violation]:
        """Each constraint of ``shape`` as a pattern that matches, with ``focus`` bound, once
        per violation, binding ``value`` to the value node; ``prefix`` is the path from the
        check's focus node to ``focus``."""
        g = self.shapes
        if shape in self._stack:
            raise NotCompilable("recursive shapes")
        self._stack.append(shape)
        try:
            path_node = g.value(shape, SH.path)
            tree = self.path_tree(path_node) if path_node is not None else None
            path = paths.text(tree) if tree is not None else None
            on_path = tuple(paths.steps(tree, prefix)) if tree is not None else ()
            at_value = paths.join(prefix, path) or "" if path else prefix
            values = f"{focus} {path} {value} ." if path else f"BIND({focus} AS {value})"
            out: list[Violation] = []
            for name, test in self._value_conditions(shape, value, at_value):
                out.append(Violation(_sh(name), f"{values} FILTER({test.expression})", True,
                                     False, (*on_path, *test.reads)))
            if not path:
                for member in g.objects(shape, SH.hasValue):
                    out.append(Violation(_sh("HasValueConstraintComponent"),
                                         f"FILTER(!sameTerm({focus}, {term_sparql(member)}))",
                                         False, False, ()))
                out += self._closed(shape, focus, value, prefix)
            else:
                out += self._path_patterns(shape, focus, path, at_value, on_path)
            out += self._pair_patterns(shape, focus, value, path, prefix, on_path)
            if len(self._stack) > 1 and list(g.objects(shape, SH.sparql)):
                raise NotCompilable("SPARQL constraints inside nested shapes")
            for prop in g.objects(shape, SH.property):
                if len(self._stack) == 1:
                    continue  # a checked shape's property shapes are checks of their own
                if not self.deactivated(prop):
                    self._unknown_parameters(prop)
                    out += [Violation(v.component, v.pattern, False, False, v.reads)
                            for v in self.violations(prop, focus, self.var(), prefix)]
            return out
        finally:
            self._stack.pop()

    def _path_patterns(self, shape: Node, focus: str, path: str, at_value: str,
                       on_path: tuple[Step, ...]) -> list[Violation]:
        g = self.shapes
        out = self._count_patterns(shape, focus, path, at_value, on_path)
        for v in g.objects(shape, SH.hasValue):
            out.append(Violation(_sh("HasValueConstraintComponent"),
                                 f"FILTER NOT EXISTS {{ {focus} {path} {term_sparql(v)} }}",
                                 False, False, on_path))
        if any(is_true(v) for v in g.objects(shape, SH.uniqueLang)):
            a, b = self.var(), self.var()
            out.append(Violation(_sh("UniqueLangConstraintComponent"),
                                 f"{focus} {path} {a} . {focus} {path} {b} . "
                                 f"FILTER(!sameTerm({a}, {b}) && LANG({a}) != '' && "
                                 f"LCASE(LANG({a})) = LCASE(LANG({b})))", False, False, on_path))
        return out

    def violated(self, shape: Node, node: str, prefix: str) -> Test:
        """``node`` (at ``prefix`` from the focus node) does not conform to ``shape``."""
        if self.deactivated(shape):
            return Test("false", ())
        self._unknown_parameters(shape)
        found = self.violations(shape, node, self.var(), prefix)
        if not found:
            return Test("false", ())
        return Test("(" + " || ".join(f"EXISTS {{ {v.pattern} }}" for v in found) + ")",
                    tuple(step for v in found for step in v.reads))

    def _value_conditions(self, shape: Node, v: str, at: str) -> Iterator[tuple[str, Test]]:
        g = self.shapes
        for cls in g.objects(shape, SH["class"]):
            yield "ClassConstraintComponent", Test(
                f"NOT EXISTS {{ {v} {_TYPE_PATH} {term_sparql(cls)} }}",
                tuple(paths.steps(_TYPE, at)))
        for dt in g.objects(shape, SH.datatype):
            yield "DatatypeConstraintComponent", Test(datatype_violated(v, dt), ())
        for kind in g.objects(shape, SH.nodeKind):
            if kind not in NODE_KINDS:
                raise NotCompilable(f"node kind {kind}")
            yield "NodeKindConstraintComponent", Test(NODE_KINDS[kind].format(v=v), ())
        for predicate, op in RANGES.items():
            name = str(predicate).rsplit("#", 1)[-1]
            for bound in g.objects(shape, predicate):
                yield (f"{name[0].upper()}{name[1:]}ConstraintComponent",
                       Test(f"!COALESCE({v} {op} {term_sparql(bound)}, false)", ()))
        for n in g.objects(shape, SH.minLength):
            yield "MinLengthConstraintComponent", Test(
                f"isBlank({v}) || !COALESCE(STRLEN(STR({v})) >= {_int(n)}, false)", ())
        for n in g.objects(shape, SH.maxLength):
            yield "MaxLengthConstraintComponent", Test(
                f"isBlank({v}) || !COALESCE(STRLEN(STR({v})) <= {_int(n)}, false)", ())
        for pattern in g.objects(shape, SH.pattern):
            flags = g.value(shape, SH.flags)
            args = term_sparql(rdflib.Literal(str(pattern)))
            if flags is not None:
                args += ", " + term_sparql(rdflib.Literal(str(flags)))
            yield "PatternConstraintComponent", Test(
                f"isBlank({v}) || !REGEX(STR({v}), {args})", ())
        for head in g.objects(shape, SH.languageIn):
            tags = [str(t) for t in Collection(g, head)]
            test = " || ".join(f"langMatches(LANG({v}), {term_sparql(rdflib.Literal(t))})"
                               for t in tags) or "false"
            yield "LanguageInConstraintComponent", Test(f"!COALESCE({test}, false)", ())
        for head in g.objects(shape, SH["in"]):
            members = [term_sparql(m) for m in Collection(g, head)]
            test = " || ".join(f"sameTerm({v}, {m})" for m in members) or "false"
            yield "InConstraintComponent", Test(f"!({test})", ())
        yield from self._logical(shape, v, at)

    def _logical(self, shape: Node, v: str, at: str) -> Iterator[tuple[str, Test]]:
        g = self.shapes
        for nested in g.objects(shape, SH.node):
            yield "NodeConstraintComponent", self.violated(nested, v, at)
        for nested in g.objects(shape, SH["not"]):
            test = self.violated(nested, v, at)
            yield "NotConstraintComponent", Test(f"!({test.expression})", test.reads)
        combined: dict[Node, tuple[str, Callable[[list[str]], str]]] = {
            SH["and"]: ("AndConstraintComponent", lambda ts: " || ".join(ts) or "false"),
            SH["or"]: ("OrConstraintComponent", lambda ts: " && ".join(ts) or "true"),
            SH.xone: ("XoneConstraintComponent",
                      lambda ts: f"({' + '.join(f'IF({t}, 0, 1)' for t in ts) or '0'}) != 1"),
        }
        for predicate, (name, combine) in combined.items():
            for head in g.objects(shape, predicate):
                tests = [self.violated(m, v, at) for m in Collection(g, head)]
                yield name, Test(combine([t.expression for t in tests]),
                                 tuple(s for t in tests for s in t.reads))

    def _count_patterns(self, shape: Node, focus: str, path: str, at_value: str,
                        on_path: tuple[Step, ...]) -> list[Violation]:
        g = self.shapes
        out = []
        for n in g.objects(shape, SH.minCount):
            count = _int(n)
            if count > 0:
                out.append(Violation(
                    _sh("MinCountConstraintComponent"),
                    f"FILTER NOT EXISTS {{ {self._distinct_values(focus, path, count)} }}",
                    False, False, on_path))
        for n in g.objects(shape, SH.maxCount):
            out.append(Violation(_sh("MaxCountConstraintComponent"),
                                 self._distinct_values(focus, path, _int(n) + 1), False, False,
                                 on_path))
        qualified = g.value(shape, SH.qualifiedValueShape)
        if qualified is None:
            return out
        if any(is_true(v) for v in g.objects(shape, SH.qualifiedValueShapesDisjoint)):
            raise NotCompilable("sh:qualifiedValueShapesDisjoint is not compiled")
        nested_reads: list[Step] = []

        def conforms(v: str) -> str:
            test = self.violated(qualified, v, at_value)
            nested_reads.extend(test.reads)
            return f"!({test.expression})"

        for n in g.objects(shape, SH.qualifiedMinCount):
            if _int(n) > 0:
                pattern = ("FILTER NOT EXISTS { "
                           f"{self._distinct_values(focus, path, _int(n), conforms)} }}")
                out.append(Violation(_sh("QualifiedMinCountConstraintComponent"), pattern,
                                     False, False, (*on_path, *nested_reads)))
        for n in g.objects(shape, SH.qualifiedMaxCount):
            pattern = self._distinct_values(focus, path, _int(n) + 1, conforms)
            out.append(Violation(_sh("QualifiedMaxCountConstraintComponent"), pattern, False,
                                 False, (*on_path, *nested_reads)))
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

    def _closed(self, shape: Node, focus: str, value: str, prefix: str) -> list[Violation]:
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
        return [Violation(_sh("ClosedConstraintComponent"), f"{focus} {p} {value} . {test}",
                          True, top, (Step(prefix, None, True),))]

    def _pair_patterns(self, shape: Node, focus: str, value: str, path: str | None,
                       prefix: str, on_path: tuple[Step, ...]) -> list[Violation]:
        g = self.shapes
        out = []
        values = f"{focus} {path} {value} ." if path else f"BIND({focus} AS {value})"
        for predicate, name in PAIRS.items():
            for other in g.objects(shape, predicate):
                o = term_sparql(other)
                w = self.var()
                component = _sh(f"{name}ConstraintComponent")
                reads = (*on_path, Step(prefix, str(other), True))
                if name == "Equals":
                    missing = (f"FILTER NOT EXISTS {{ {focus} {path} {value} }}" if path
                               else f"FILTER(!sameTerm({focus}, {value}))")
                    out.append(Violation(component, f"{values} FILTER NOT EXISTS "
                                         f"{{ {focus} {o} {value} }}", True, False, reads))
                    out.append(Violation(component, f"{focus} {o} {value} . {missing}", True,
                                         False, reads))
                elif name == "Disjoint":
                    out.append(Violation(component, f"{values} {focus} {o} {value} .", True,
                                         False, reads))
                else:
                    op = "<" if name == "LessThan" else "<="
                    out.append(Violation(component, f"{values} {focus} {o} {w} . "
                                         f"FILTER(!COALESCE({value} {op} {w}, false))", True,
                                         False, reads))
        return out

    # -- paths -------------------------------------------------------------------------------
    def path_tree(self, node: Node) -> paths.Path:
        try:
            return paths.from_shacl(self.shapes, node)
        except paths.UnknownPath as error:
            raise NotCompilable(str(error)) from None

    # -- SPARQL-based constraints ------------------------------------------------------------
    def _sparql_check(self, shape: Node, constraint: Node, targets: Targets,
                      path_node: Node | None, severity: str, shape_text: str) -> Check:
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
            text = text.replace("$PATH", paths.text(self.path_tree(path_node)))
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
        prologue = self._prefixes(constraint)
        query = prologue + f"{head} {FOCUS_SLOT}{{ {targets.pattern} }} {body}"
        messages = tuple(sorted(str(m) for m in g.objects(constraint, SH.message))) or \
            tuple(sorted(str(m) for m in g.objects(shape, SH.message)))
        return Check(shape=shape_text, component=_sh("SPARQLConstraintComponent"),
                     severity=severity, path=render_path(g, path_node), messages=messages,
                     query=query, has_value=True,
                     reads=(*targets.reads, *_constraint_reads(prologue + text)))

    def _prefixes(self, constraint: Node) -> str:
        g = self.shapes
        lines = []
        for ontology in g.objects(constraint, SH.prefixes):
            for decl in g.objects(ontology, SH.declare):
                prefix, namespace = g.value(decl, SH.prefix), g.value(decl, SH.namespace)
                if prefix is not None and namespace is not None:
                    lines.append(f"PREFIX {prefix}: <{namespace}>\n")
        return "".join(sorted(set(lines)))


def _constraint_reads(sparql: str) -> tuple[Step, ...]:
    """What a SPARQL constraint reads; when it cannot be analysed, anything. Remembered by
    :mod:`kg.cache` (rdflib's SPARQL parser takes about 20 ms a constraint)."""
    from kg.cache import cached

    here = Path(__file__).parent
    found: list[list[Any]] = cached("constraint-reads", sparql, lambda: [
        [s.prefix, s.predicate, s.forward, s.pair] for s in _analysed_reads(sparql)], _is_steps,
        code=(here / "reads.py", here / "paths.py"))
    return tuple(Step(prefix, predicate, forward, pair) for prefix, predicate, forward, pair in found)


def _analysed_reads(sparql: str) -> tuple[Step, ...]:
    from kg.validate.reads import query_steps

    try:
        return tuple(dict.fromkeys(query_steps(sparql)))
    except Exception:  # any parse failure: the check then runs whole after every change
        return (ANYTHING,)


def _is_steps(value: object) -> bool:
    """Whether a remembered value is a list of steps (prefix, predicate, forward, pair)."""
    return isinstance(value, list) and all(
        isinstance(s, list) and len(s) == 4 and all(isinstance(x, str | None) for x in (s[0], s[1], s[3]))
        and isinstance(s[2], bool) for s in value)


__all__ = ["ANYTHING", "FOCUS_SLOT", "Check", "Compiler", "NotCompilable", "is_true"]
