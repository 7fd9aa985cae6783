"""The SPARQL patterns of SHACL Core constraints: one shape's constraints as patterns that match
once per violation, with what each reads (:mod:`kg.validate.paths`).

Nested shapes (``sh:node``, ``sh:and``, ``sh:or``, ``sh:not``, ``sh:xone``, qualified value
shapes) become ``EXISTS`` tests of their own violation patterns. A :class:`Patterns` keeps the
counter that names fresh variables and the stack that refuses recursive shapes: one per
compilation.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import rdflib
from rdflib.collection import Collection
from rdflib.namespace import SH

from kg.validate import paths
from kg.validate.checks import KNOWN, TYPE, Node, Test, Violation, instance_of, integer, is_true, sh
from kg.validate.conditions import (
    NODE_KINDS,
    PAIRS,
    RANGES,
    NotCompilable,
    datatype_violated,
    term_sparql,
)
from kg.validate.paths import Step


@dataclass
class Patterns:
    """Builds the violation patterns of the shapes of one shapes graph."""

    shapes: rdflib.Graph
    _fresh: Iterator[int] = field(default_factory=itertools.count)
    _stack: list[Node] = field(default_factory=list)

    def deactivated(self, shape: Node) -> bool:
        return any(is_true(v) for v in self.shapes.objects(shape, SH.deactivated))

    def unknown_parameters(self, shape: Node) -> None:
        for predicate in set(self.shapes.predicates(shape, None)):
            if str(predicate).startswith(str(SH)) and predicate not in KNOWN:
                raise NotCompilable(f"{predicate} is not compiled")

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
                out.append(
                    Violation(
                        sh(name), f"{values} FILTER({test.expression})", True, False, (*on_path, *test.reads)
                    )
                )
            if not path:
                for member in g.objects(shape, SH.hasValue):
                    out.append(
                        Violation(
                            sh("HasValueConstraintComponent"),
                            f"FILTER(!sameTerm({focus}, {term_sparql(member)}))",
                            False,
                            False,
                            (),
                        )
                    )
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
                    self.unknown_parameters(prop)
                    out += [
                        Violation(v.component, v.pattern, False, False, v.reads)
                        for v in self.violations(prop, focus, self.var(), prefix)
                    ]
            return out
        finally:
            self._stack.pop()

    def _path_patterns(
        self, shape: Node, focus: str, path: str, at_value: str, on_path: tuple[Step, ...]
    ) -> list[Violation]:
        g = self.shapes
        out = self._count_patterns(shape, focus, path, at_value, on_path)
        for v in g.objects(shape, SH.hasValue):
            out.append(
                Violation(
                    sh("HasValueConstraintComponent"),
                    f"FILTER NOT EXISTS {{ {focus} {path} {term_sparql(v)} }}",
                    False,
                    False,
                    on_path,
                )
            )
        if any(is_true(v) for v in g.objects(shape, SH.uniqueLang)):
            a, b = self.var(), self.var()
            out.append(
                Violation(
                    sh("UniqueLangConstraintComponent"),
                    f"{focus} {path} {a} . {focus} {path} {b} . "
                    f"FILTER(!sameTerm({a}, {b}) && LANG({a}) != '' && "
                    f"LCASE(LANG({a})) = LCASE(LANG({b})))",
                    False,
                    False,
                    on_path,
                )
            )
        return out

    def violated(self, shape: Node, node: str, prefix: str) -> Test:
        """``node`` (at ``prefix`` from the focus node) does not conform to ``shape``."""
        if self.deactivated(shape):
            return Test("false", ())
        self.unknown_parameters(shape)
        found = self.violations(shape, node, self.var(), prefix)
        if not found:
            return Test("false", ())
        return Test(
            "(" + " || ".join(f"EXISTS {{ {v.pattern} }}" for v in found) + ")",
            tuple(step for v in found for step in v.reads),
        )

    def _value_conditions(self, shape: Node, v: str, at: str) -> Iterator[tuple[str, Test]]:
        g = self.shapes
        for cls in g.objects(shape, SH["class"]):
            yield (
                "ClassConstraintComponent",
                Test(f"NOT EXISTS {{ {instance_of(v, term_sparql(cls))} }}", tuple(paths.steps(TYPE, at))),
            )
        for dt in g.objects(shape, SH.datatype):
            yield "DatatypeConstraintComponent", Test(datatype_violated(v, dt), ())
        for kind in g.objects(shape, SH.nodeKind):
            if kind not in NODE_KINDS:
                raise NotCompilable(f"node kind {kind}")
            yield "NodeKindConstraintComponent", Test(NODE_KINDS[kind].format(v=v), ())
        for predicate, op in RANGES.items():
            name = str(predicate).rsplit("#", 1)[-1]
            for bound in g.objects(shape, predicate):
                yield (
                    f"{name[0].upper()}{name[1:]}ConstraintComponent",
                    Test(f"!COALESCE({v} {op} {term_sparql(bound)}, false)", ()),
                )
        for n in g.objects(shape, SH.minLength):
            yield (
                "MinLengthConstraintComponent",
                Test(f"isBlank({v}) || !COALESCE(STRLEN(STR({v})) >= {integer(n)}, false)", ()),
            )
        for n in g.objects(shape, SH.maxLength):
            yield (
                "MaxLengthConstraintComponent",
                Test(f"isBlank({v}) || !COALESCE(STRLEN(STR({v})) <= {integer(n)}, false)", ()),
            )
        for pattern in g.objects(shape, SH.pattern):
            flags = g.value(shape, SH.flags)
            args = term_sparql(rdflib.Literal(str(pattern)))
            if flags is not None:
                args += ", " + term_sparql(rdflib.Literal(str(flags)))
            yield "PatternConstraintComponent", Test(f"isBlank({v}) || !REGEX(STR({v}), {args})", ())
        for head in g.objects(shape, SH.languageIn):
            tags = [str(t) for t in Collection(g, head)]
            test = (
                " || ".join(f"langMatches(LANG({v}), {term_sparql(rdflib.Literal(t))})" for t in tags)
                or "false"
            )
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
            SH.xone: (
                "XoneConstraintComponent",
                lambda ts: f"({' + '.join(f'IF({t}, 0, 1)' for t in ts) or '0'}) != 1",
            ),
        }
        for predicate, (name, combine) in combined.items():
            for head in g.objects(shape, predicate):
                tests = [self.violated(m, v, at) for m in Collection(g, head)]
                yield (
                    name,
                    Test(combine([t.expression for t in tests]), tuple(s for t in tests for s in t.reads)),
                )

    def _count_patterns(
        self, shape: Node, focus: str, path: str, at_value: str, on_path: tuple[Step, ...]
    ) -> list[Violation]:
        g = self.shapes
        out = []
        for n in g.objects(shape, SH.minCount):
            count = integer(n)
            if count > 0:
                out.append(
                    Violation(
                        sh("MinCountConstraintComponent"),
                        f"FILTER NOT EXISTS {{ {self._distinct_values(focus, path, count)} }}",
                        False,
                        False,
                        on_path,
                    )
                )
        for n in g.objects(shape, SH.maxCount):
            out.append(
                Violation(
                    sh("MaxCountConstraintComponent"),
                    self._distinct_values(focus, path, integer(n) + 1),
                    False,
                    False,
                    on_path,
                )
            )
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
            if integer(n) > 0:
                pattern = (
                    f"FILTER NOT EXISTS {{ {self._distinct_values(focus, path, integer(n), conforms)} }}"
                )
                out.append(
                    Violation(
                        sh("QualifiedMinCountConstraintComponent"),
                        pattern,
                        False,
                        False,
                        (*on_path, *nested_reads),
                    )
                )
        for n in g.objects(shape, SH.qualifiedMaxCount):
            pattern = self._distinct_values(focus, path, integer(n) + 1, conforms)
            out.append(
                Violation(
                    sh("QualifiedMaxCountConstraintComponent"),
                    pattern,
                    False,
                    False,
                    (*on_path, *nested_reads),
                )
            )
        return out

    def _distinct_values(
        self, focus: str, path: str, count: int, condition: Callable[[str], str] | None = None
    ) -> str:
        """A pattern matching when ``focus`` has at least ``count`` distinct values (that
        meet ``condition``)."""
        if count > 4:
            if condition is not None:
                raise NotCompilable("qualified counts above 3")
            return (
                f"{{ SELECT {focus} WHERE {{ {focus} {path} {self.var()} }} "
                f"GROUP BY {focus} HAVING (COUNT(*) >= {count}) }}"
            )
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
        return [
            Violation(
                sh("ClosedConstraintComponent"),
                f"{focus} {p} {value} . {test}",
                True,
                top,
                (Step(prefix, None, True),),
            )
        ]

    def _pair_patterns(
        self, shape: Node, focus: str, value: str, path: str | None, prefix: str, on_path: tuple[Step, ...]
    ) -> list[Violation]:
        g = self.shapes
        out = []
        values = f"{focus} {path} {value} ." if path else f"BIND({focus} AS {value})"
        for predicate, name in PAIRS.items():
            for other in g.objects(shape, predicate):
                o = term_sparql(other)
                w = self.var()
                component = sh(f"{name}ConstraintComponent")
                reads = (*on_path, Step(prefix, str(other), True))
                if name == "Equals":
                    missing = (
                        f"FILTER NOT EXISTS {{ {focus} {path} {value} }}"
                        if path
                        else f"FILTER(!sameTerm({focus}, {value}))"
                    )
                    out.append(
                        Violation(
                            component,
                            f"{values} FILTER NOT EXISTS {{ {focus} {o} {value} }}",
                            True,
                            False,
                            reads,
                        )
                    )
                    out.append(Violation(component, f"{focus} {o} {value} . {missing}", True, False, reads))
                elif name == "Disjoint":
                    out.append(Violation(component, f"{values} {focus} {o} {value} .", True, False, reads))
                else:
                    op = "<" if name == "LessThan" else "<="
                    out.append(
                        Violation(
                            component,
                            f"{values} {focus} {o} {w} . FILTER(!COALESCE({value} {op} {w}, false))",
                            True,
                            False,
                            reads,
                        )
                    )
        return out

    def path_tree(self, node: Node) -> paths.Path:
        try:
            return paths.from_shacl(self.shapes, node)
        except paths.UnknownPath as error:
            raise NotCompilable(str(error)) from None


__all__ = ["Patterns"]
