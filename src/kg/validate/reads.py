"""What a SPARQL query reads, as :class:`~kg.validate.paths.Step` s from ``?this``.

The query is parsed with rdflib's SPARQL parser (a real parser: the shapes' SPARQL constraints
may use any of the language). Its triple patterns, wherever they stand (groups, ``OPTIONAL``,
``UNION``, ``MINUS``, ``EXISTS``, subqueries), make a graph over variables and terms, together
with ``BIND(?a AS ?b)`` and aggregates of a variable. A pattern reached from ``?this`` through
that graph is a step with the path it was reached by as its prefix; a pattern not reached from
``?this`` is read anywhere (prefix ``None``): a change of its predicate means the whole check
runs again. In a conjunctive query a pattern reached at both ends is one step with both paths
(:attr:`Step.pair`): the focus nodes it can affect must reach both ends.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator

import rdflib
from rdflib.plugins.sparql import algebra, parser
from rdflib.plugins.sparql.parserutils import CompValue

from kg.validate.paths import Path, Step, UnknownPath, from_rdflib, inverse_text, join, steps, text

Edge = tuple[object, Path | None, object]
"""``(subject, path, object)``; a ``None`` path joins two variables that are the same value."""


def _walk(node: object) -> Iterator[Edge]:
    if isinstance(node, CompValue):
        name = node.name
        if name == "Extend" and isinstance(node.get("expr"), rdflib.Variable):
            yield (node["var"], None, node["expr"])
        if name.startswith("Aggregate_") and isinstance(node.get("vars"), rdflib.Variable):
            yield (node["res"], None, node["vars"])
        for key, value in node.items():
            if key == "triples" and isinstance(value, list):
                for triple in value:
                    if isinstance(triple, list | tuple) and len(triple) == 3:
                        yield from _pattern(triple)
            else:
                yield from _walk(value)
    elif isinstance(node, dict):
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, list | tuple):
        for item in node:
            yield from _walk(item)


def _pattern(triple: list[object] | tuple[object, ...]) -> Iterator[Edge]:
    subject, predicate, obj = triple
    if isinstance(predicate, rdflib.Variable):
        yield (subject, Path("any"), obj)
        return
    yield (subject, from_rdflib(predicate), obj)


def query_steps(sparql: str) -> list[Step]:
    """The steps ``sparql`` reads from ``?this``. Raises :class:`UnknownPath` (and rdflib's
    parse errors) when the query cannot be analysed; the caller then runs the check whole.

    Each pattern is anchored at its ends as reached *without* passing through the pattern
    itself: a changed triple is then found from focus nodes whose way to it is unchanged."""
    tree = algebra.translateQuery(parser.parseQuery(sparql))
    edges = list(_walk(tree.algebra))
    scoped = _scoped_edges(tree.algebra)
    out: list[Step] = []
    for index, (subject, path, obj) in enumerate(edges):
        if path is None:
            continue
        if scoped is not None:
            anchored_here = _scoped_steps(scoped, index)
            if anchored_here is not None:
                out.extend(anchored_here)
                continue
        reached = _reach([e for i, e in enumerate(edges) if i != index])
        anchored = False
        if subject in reached:
            out.extend(steps(path, reached[subject]))
            anchored = True
        if obj in reached:
            out.extend(steps(path, reached[obj], backwards=True))
            anchored = True
        if not anchored:
            out.extend(steps(path, None))
    return out


_NOT_CONJUNCTIVE = frozenset(
    {"LeftJoin", "Union", "Minus", "Graph", "ToMultiSet", "values", "ServiceGraphPattern"}
)
_EXISTS = frozenset({"Builtin_EXISTS", "Builtin_NOTEXISTS"})


def _scoped_edges(tree: object) -> list[tuple[Edge, int]] | None:
    """The edges of :func:`_walk`, in its order, each with its scope: 0 for the query's own
    patterns, ``n`` for those of its ``n``-th ``FILTER (NOT) EXISTS``; ``None`` unless the query
    is conjunctive (no ``OPTIONAL``, ``UNION``, ``MINUS``, ``GRAPH``, ``VALUES``, subquery, or
    ``EXISTS`` within ``EXISTS``), so that every solution holds every pattern of its scope and
    of scope 0."""
    out: list[tuple[Edge, int]] = []
    scopes = [0]

    def visit(node: object, scope: int) -> bool:
        if isinstance(node, CompValue):
            name = node.name
            if name in _NOT_CONJUNCTIVE:
                return False
            if name in _EXISTS:
                if scope:
                    return False
                scopes.append(len(scopes))
                scope = scopes[-1]
            if name == "Extend" and isinstance(node.get("expr"), rdflib.Variable):
                out.append(((node["var"], None, node["expr"]), scope))
            if name.startswith("Aggregate_") and isinstance(node.get("vars"), rdflib.Variable):
                out.append(((node["res"], None, node["vars"]), scope))
            for key, value in node.items():
                if key == "triples" and isinstance(value, list):
                    for triple in value:
                        if isinstance(triple, list | tuple) and len(triple) == 3:
                            out.extend((edge, scope) for edge in _pattern(triple))
                elif not visit(value, scope):
                    return False
            return True
        if isinstance(node, dict):
            return all(visit(value, scope) for value in node.values())
        if isinstance(node, list | tuple):
            return all(visit(item, scope) for item in node)
        return True

    return out if visit(tree, 0) else None


def _scoped_steps(scoped: list[tuple[Edge, int]], index: int) -> list[Step] | None:
    """The pattern at ``index`` anchored through patterns that hold whenever it is used (its
    own scope and scope 0): at both ends at once if both are reached (an IRI, or ``p+``, ``p*``
    of one), else at one reached end; ``None`` if neither end is reached that way."""
    (subject, path, obj), scope = scoped[index]
    if path is None:
        return None
    usable = [edge for i, (edge, where) in enumerate(scoped) if i != index and where in (0, scope)]
    reached = _reach(usable)
    inner = path.parts[0] if path.parts else None
    if subject in reached and obj in reached:
        if path.kind == "iri":
            return [Step(reached[subject], path.iri, True, pair=reached[obj])]
        if path.kind in ("plus", "star") and inner is not None and inner.kind == "iri":
            forward, backward = f"({text(inner)})*", f"({inverse_text(inner)})*"
            return [Step(join(reached[subject], forward), inner.iri, True, pair=join(reached[obj], backward))]
    # one end's path holds in every solution, so one end is enough: the nearer one
    ends = [
        (len(reached[end]), backwards) for end, backwards in ((subject, False), (obj, True)) if end in reached
    ]
    if not ends:
        return None
    _, backwards = min(ends)
    end = obj if backwards else subject
    if path.kind == "iri":
        other = _second_way(usable, end, reached[end])
        if other is not None:
            return [Step(reached[end], path.iri, not backwards, pair=other, same_end=True)]
    return list(steps(path, reached[end], backwards=backwards))


def _second_way(usable: list[Edge], end: object, first: str) -> str | None:
    """Another path from ``?this`` to the variable ``end`` than ``first``, over ``usable``
    (each way found without one of the patterns at ``end``), or ``None``."""
    for index, (subject, path, obj) in enumerate(usable):
        if path is None or end not in (subject, obj):
            continue
        way = _reach([e for i, e in enumerate(usable) if i != index]).get(end)
        if way is not None and way != first:
            return way
    return None


def _reach(edges: list[Edge]) -> dict[object, str]:
    """The variables reached from ``?this`` over ``edges``, each with the path it took."""
    this = rdflib.Variable("this")
    reached: dict[object, str] = {this: ""}
    queue = deque([this])
    while queue:
        node = queue.popleft()
        here = reached[node]
        for subject, path, obj in edges:
            for near, far, forward in ((subject, obj, True), (obj, subject, False)):
                if near != node or not isinstance(far, rdflib.Variable) or far in reached:
                    continue
                if path is None:
                    reached[far] = here
                else:
                    reached[far] = join(here, text(path) if forward else inverse_text(path)) or ""
                queue.append(far)
    return reached


__all__ = ["UnknownPath", "query_steps"]
