"""Virtuoso 7: the same question in shapes it answers right, and its answers read as written.

OpenLink Virtuoso 7.2 (Debian's ``virtuoso-opensource``) evaluates some queries wrongly, and the
remote store (:class:`~kg.store.remote.RemoteStore`) sends it an equivalent query instead:

- **Property paths with ``*`` or ``+``** lose or repeat solutions when they are joined with
  other patterns (with an ``OPTIONAL`` whose filter tests a language, with a ``VALUES``-bound
  start), or are refused ("transitive start not given"). Each closure that
  :mod:`kg.store.patterns` finds is computed here instead, breadth first, one step per request
  (plain triple patterns, which Virtuoso answers right), and written into the query as the
  ``VALUES`` it stands for: ``?x a/rdfs:subClassOf* C`` becomes ``?x a ?c`` with ``?c`` the
  classes below ``C``; ``?c rdfs:subClassOf* C`` becomes the list of those classes;
  ``?m (ex:part)+ ?e``, with ``?m`` a parameter, the parts of its value; ``?a ex:in+ ?b`` the
  pairs the path joins. A closure whose ends are both open with ``*``, or larger than
  :data:`MAX_TERMS` values, and, inside ``EXISTS``, one that would bind a variable of the
  outer solution (Virtuoso then ignores or refuses the values), is left to Virtuoso.
- **Booleans** it computes come back as the integers ``1`` and ``0``: a boolean expression bound
  to a variable is cast with ``xsd:boolean(...)``, the identity on every engine; and a boolean
  it returns is written ``"1"``/``"0"``: those are read as ``true``/``false``.
- **A filter of an ``OPTIONAL`` part** is evaluated without the variables bound outside the part:
  a parameter's value is written in for its variable there (``BOUND(?p)`` is ``true``).

Nothing here changes what a query means: every rewrite is an equivalent query, and a query this
module does not follow is sent as written.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from kg.namespaces import XSD
from kg.results import QueryResult, Row
from kg.sparql_text import tokens
from kg.store.patterns import Closure, Statement, Step, read
from kg.terms import BlankNode, Literal, NamedNode, Term, Triple

MAX_TERMS = 10_000
"""The most values one closure may put into a query; a larger one is left to Virtuoso."""
MAX_EDGES = 20_000
"""The most edges read to close a path whose ends are both open."""
MAX_ROUNDS = 1_000
"""The most breadth-first rounds (steps from the start) a closure may take."""
MAX_WORK = 1_000_000
"""The most edges followed in closing a path whose ends are both open."""
CHUNK = 200
"""Nodes asked about in one request."""

BOOLEAN = NamedNode(XSD + "boolean")
_CANONICAL = {"1": Literal("true", datatype=BOOLEAN), "0": Literal("false", datatype=BOOLEAN)}

Rows = Callable[[str, Sequence[str], int | None], list[Row]]
"""Runs ``SELECT DISTINCT ?variables WHERE { pattern }`` (at most ``limit`` rows) on the
dataset the query itself sees."""


@dataclass(frozen=True)
class Rewritten:
    sparql: str
    fresh: frozenset[str]
    """Variables the rewrite added (a ``SELECT *`` would show them: they are taken out)."""


def rewrite(sparql: str, bindings: Mapping[str, Term], prefixes: Mapping[str, str], rows: Rows) -> Rewritten:
    """``sparql`` (with ``bindings`` already bound as its first ``VALUES``) as Virtuoso answers
    it right, the closures computed with ``rows``."""
    reading = read(sparql, prefixes)
    if reading is None:
        return Rewritten(sparql, frozenset())
    fresh = _Names(reading.variables)
    closer = _Closer(rows)
    edits: list[tuple[int, int, str]] = []
    for start, end in reading.booleans:
        edits += [(start, start, f"<{BOOLEAN.value}>("), (end, end, ")")]
    for start, end in reading.filters:
        edits += _given(sparql, start, end, bindings)
    for statement in reading.statements:
        text = _statement(statement, bindings, closer, fresh)
        if text is not None:
            edits.append((statement.start, statement.end, text))
    out = sparql
    for start, end, text in sorted(edits, key=lambda e: (e[0], e[1]), reverse=True):
        out = f"{out[:start]}{text}{out[end:]}"
    return Rewritten(out, frozenset(fresh.made))


def _given(sparql: str, start: int, end: int, bindings: Mapping[str, Term]) -> list[tuple[int, int, str]]:
    """A filter with the parameters' values written in for their variables (``BOUND(?p)`` is
    ``true``): Virtuoso evaluates a filter of an ``OPTIONAL`` part without the variables bound
    outside it, and its value is the same."""
    found = list(tokens(sparql[start:end]))
    edits = []
    for i, token in enumerate(found):
        term = bindings.get(token.text[1:]) if token.kind == "var" else None
        if term is None or isinstance(term, BlankNode):
            continue
        around = [t.text.upper() for t in found[max(i - 2, 0) : i]] + [t.text for t in found[i + 1 : i + 2]]
        if around == ["BOUND", "(", ")"]:
            first, last = found[i - 2], found[i + 1]
            edits.append((start + first.start, start + last.end, "true"))
        else:
            edits.append((start + token.start, start + token.end, str(term)))
    return edits


def normalized(result: QueryResult, fresh: frozenset[str] = frozenset()) -> QueryResult:
    """Virtuoso's answer as written: booleans ``true``/``false``, the added variables left out."""
    keep = [i for i, name in enumerate(result.variables) if name not in fresh]
    rows = [tuple(_canonical(row[i]) for i in keep) for row in result.rows]
    triples = [Triple(t.subject, t.predicate, _canonical(t.object)) for t in result.triples]  # type: ignore[arg-type]
    return QueryResult(
        kind=result.kind,
        variables=[result.variables[i] for i in keep],
        rows=rows,
        boolean=result.boolean,
        triples=triples,
        truncated=result.truncated,
    )


def _canonical(term: Term | None) -> Term | None:
    if isinstance(term, Literal) and term.datatype == BOOLEAN:
        return _CANONICAL.get(term.value, term)
    return term


class _Names:
    """New variable names, unlike any of the query's."""

    def __init__(self, taken: frozenset[str]) -> None:
        self.taken = set(taken)
        self.made: list[str] = []

    def new(self) -> str:
        n = len(self.made) + 1
        while f"_kg{n}" in self.taken:
            n += 1
        name = f"_kg{n}"
        self.taken.add(name)
        self.made.append(name)
        return name


def _statement(
    statement: Statement, bindings: Mapping[str, Term], closer: _Closer, fresh: _Names
) -> str | None:
    """The statement's text with its closures replaced by what they stand for, or ``None`` to
    keep it as it is."""
    kept: list[str] = []
    blocks: list[str] = []
    for pair in statement.pairs:
        done = None if pair.closure is None else _replace(pair.closure, bindings, closer, fresh)
        if done is None:
            kept.append(pair.text)
            continue
        part, block = done
        if part:
            kept.append(part)
        blocks.append(block)
    if not blocks:
        return None
    triples = [f"{statement.subject} {' ; '.join(kept)} ."] if kept else []
    return " ".join([*triples, *blocks])


def _replace(
    closure: Closure, bindings: Mapping[str, Term], closer: _Closer, fresh: _Names
) -> tuple[str, str] | None:
    """What replaces one closure: the statement part that stays (or ``""``), and ``VALUES``.

    A parameter at one end stays bound to its value (``VALUES ?p { <v> }``): the closure's
    solutions with that value are those it stands for. Inside ``EXISTS`` the outer value is
    substituted already, and Virtuoso mishandles a ``VALUES`` of an outer variable there."""
    pins: dict[str, str] = {}

    def value(end: str) -> NamedNode | None:
        if not end.startswith("?"):
            return NamedNode(end)
        bound = bindings.get(end[1:]) if closure.parameters else None
        if not isinstance(bound, NamedNode):
            return None
        if end in closure.pinned:
            pins[end] = _values([end[1:]], [(bound,)])
        return bound

    subject, obj = value(closure.subject), value(closure.object)
    if closure.first is not None:  # the subject stays in the statement
        if obj is None:
            return None
        below = closer.reach(obj, closure.steps, forward=False, plus=closure.at_least_one)
        if below is None:
            return None
        name = fresh.new()  # a variable of its own: no outer solution binds it
        block = _values([name], [(t,) for t in below])
        return f"<{closure.first}> ?{name}", " ".join([*_pin(pins, closure.object), block])
    if closure.in_exists or (subject is not None and obj is not None):
        return None
    if subject is not None:
        found = closer.reach(subject, closure.steps, forward=True, plus=closure.at_least_one)
        if found is None:
            return None
        return "", " ".join([*_pin(pins, closure.subject), _among(closure, closure.object, found)])
    if obj is not None:
        found = closer.reach(obj, closure.steps, forward=False, plus=closure.at_least_one)
        if found is None:
            return None
        return "", " ".join([*_pin(pins, closure.object), _among(closure, closure.subject, found)])
    if not closure.at_least_one or closure.subject == closure.object:
        return None
    pairs = closer.pairs(closure.steps)
    if pairs is None:
        return None
    return "", _values([closure.subject[1:], closure.object[1:]], sorted(pairs, key=str))


def _among(closure: Closure, variable: str, terms: Sequence[Term]) -> str:
    """``variable`` is one of ``terms``: a filter where a plain triple of the group binds it
    anyway (Virtuoso loses the ``NOT EXISTS`` of an ``OPTIONAL`` part with nested ``OPTIONAL``
    parts that tests a ``VALUES`` variable), else ``VALUES``."""
    if variable in closure.also_bound and terms and all(isinstance(t, NamedNode) for t in terms):
        return f"FILTER({variable} IN ({', '.join(str(t) for t in terms)}))"
    return _values([variable[1:]], [(t,) for t in terms])


def _pin(pins: Mapping[str, str], end: str) -> list[str]:
    return [pins[end]] if end in pins else []


def _values(names: list[str], rows: Sequence[tuple[Term, ...]]) -> str:
    head = " ".join(f"?{n}" for n in names)
    if len(names) == 1:
        return f"VALUES ?{names[0]} {{ {' '.join(str(r[0]) for r in rows)} }}"
    body = " ".join(f"({' '.join(str(t) for t in row)})" for row in rows)
    return f"VALUES ({head}) {{ {body} }}"


class _Closer:
    """Closures of paths, computed one step at a time with the endpoint's own triples."""

    def __init__(self, rows: Rows) -> None:
        self.rows = rows
        self.known: dict[object, frozenset[Term] | None] = {}

    def reach(
        self, start: NamedNode, steps: tuple[Step, ...], *, forward: bool, plus: bool
    ) -> list[Term] | None:
        """The nodes ``start`` reaches along ``steps*`` (``forward``) or that reach it, in a
        stable order; ``None`` if a blank node is among them or there are too many."""
        key = (start, steps, forward, plus)
        if key not in self.known:
            self.known[key] = self._reach(start, steps, forward, plus)
        found = self.known[key]
        return None if found is None else sorted(found, key=str)

    def _reach(
        self, start: NamedNode, steps: tuple[Step, ...], forward: bool, plus: bool
    ) -> frozenset[Term] | None:
        reached: set[Term] = set() if plus else {start}
        expanded: set[Term] = set()
        frontier: set[Term] = {start}
        for _ in range(MAX_ROUNDS):
            if not frontier:
                break
            expanded |= frontier
            found = self._next(sorted(frontier, key=str), steps, forward)
            reached |= found
            if len(reached) > MAX_TERMS or any(isinstance(t, BlankNode) for t in found):
                return None
            frontier = {t for t in found if isinstance(t, NamedNode) and t not in expanded}
        else:
            return None
        return frozenset(reached)

    def _next(self, nodes: list[Term], steps: tuple[Step, ...], forward: bool) -> set[Term]:
        found: set[Term] = set()
        for start in range(0, len(nodes), CHUNK):
            listed = " ".join(str(n) for n in nodes[start : start + CHUNK])
            for step in steps:
                out = forward != step.inverse
                pattern = f"?c <{step.iri}> ?n" if out else f"?n <{step.iri}> ?c"
                found.update(
                    row[0]
                    for row in self.rows(f"VALUES ?c {{ {listed} }} {pattern}", ("n",), None)
                    if row[0] is not None
                )
        return found

    def pairs(self, steps: tuple[Step, ...]) -> set[tuple[Term, Term]] | None:
        """Every pair of nodes the path ``steps+`` joins; ``None`` if there are too many."""
        edges: dict[Term, set[Term]] = {}
        count = 0
        for step in steps:
            got = self.rows(f"?a <{step.iri}> ?b", ("a", "b"), MAX_EDGES + 1)
            count += len(got)
            if count > MAX_EDGES:
                return None
            for a, b in got:
                if a is None or b is None or isinstance(a, BlankNode) or isinstance(b, BlankNode):
                    return None
                if step.inverse:
                    a, b = b, a
                edges.setdefault(a, set()).add(b)
        out: set[tuple[Term, Term]] = set()
        work = 0
        for node in edges:
            seen: set[Term] = set()
            todo = list(edges[node])
            while todo:
                nxt = todo.pop()
                if nxt in seen:
                    continue
                seen.add(nxt)
                out.add((node, nxt))
                following = edges.get(nxt, set())
                work += len(following)
                if len(out) > MAX_TERMS or work > MAX_WORK:
                    return None
                todo.extend(following)
        return out


__all__ = ["MAX_EDGES", "MAX_ROUNDS", "MAX_TERMS", "Rewritten", "normalized", "rewrite"]
