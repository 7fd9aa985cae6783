"""What the embedded stores (in memory, on disk) do with an Oxigraph engine.

The facts view lives in the engine's default graph; the quads a user gives in the default
graph live in :data:`~kg.store.base.DEFAULT_GRAPH`. Every write goes through :func:`apply`,
which keeps the two in step: a fact is in the default graph exactly when some named graph holds
it.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TypeVar, cast

import pyoxigraph

from kg.binding import bind
from kg.errors import QuerySyntaxError, QueryTimeoutError, ResultTooLargeError, StoreError
from kg.results import READ_CHUNK, QueryResult, term_size
from kg.store.base import (
    DEFAULT_GRAPH,
    FACTS_VIEW,
    FactDelta,
    QueryRequest,
    refuse_update,
    stored_quad,
    user_quad,
)
from kg.terms import BlankNode, DefaultGraph, NamedNode, Quad, Triple

FACTS = DefaultGraph()
_DEFAULT_GRAPH_NODE = NamedNode(DEFAULT_GRAPH)
T = TypeVar("T")


def query_syntax_error(error: SyntaxError) -> QuerySyntaxError:
    """A :class:`QuerySyntaxError` with the line and column Oxigraph's parser gave."""
    message = str(error.msg if getattr(error, "msg", None) else error)
    line = getattr(error, "lineno", None)
    column = getattr(error, "offset", None)
    match = re.match(r"^error at (\d+):(\d+): ", message)
    if match:
        if line is None:
            line, column = int(match.group(1)), int(match.group(2))
        message = message[match.end() :]
    return QuerySyntaxError(message, line=line, column=column)


def materialize(raw: object, limit: int | None = None, max_bytes: int | None = None) -> QueryResult:
    """An Oxigraph result as a :class:`QueryResult`, reading at most ``limit`` rows or triples
    (``truncated`` set when there were more); with ``max_bytes``, read a few rows at a time and
    stopped with :class:`~kg.errors.ResultTooLargeError` as soon as their values pass it."""
    if isinstance(raw, pyoxigraph.QueryBoolean):
        return QueryResult(kind="ask", boolean=bool(raw))
    cap = None if limit is None else limit + 1
    if isinstance(raw, pyoxigraph.QuerySolutions):
        variables = [v.value for v in raw.variables]
        rows = list(_bounded(map(tuple, raw), cap, max_bytes))  # a solution's values, in order
        truncated = limit is not None and len(rows) > limit
        return QueryResult(kind="select", variables=variables, rows=rows[:limit], truncated=truncated)
    if isinstance(raw, pyoxigraph.QueryTriples):
        triples = list(_bounded(iter(raw), cap, max_bytes))
        truncated = limit is not None and len(triples) > limit
        return QueryResult(kind="graph", triples=triples[:limit], truncated=truncated)
    raise StoreError(f"unexpected query result {type(raw).__name__}")


def _bounded(items: Iterator[T], cap: int | None, max_bytes: int | None) -> Iterator[T]:
    """``items`` up to ``cap``, their size checked every :data:`READ_CHUNK` of them and at the
    end (a few rows past the limit at most are ever held)."""
    if max_bytes is None:
        yield from itertools.islice(items, cap)
        return
    size = 0
    for index, item in enumerate(itertools.islice(items, cap), start=1):
        size += sum(map(term_size, cast(Iterable[object], item)))
        if index % READ_CHUNK == 0 and size > max_bytes:
            raise _too_large(max_bytes)
        yield item
    if size > max_bytes:
        raise _too_large(max_bytes)


def _too_large(max_bytes: int) -> ResultTooLargeError:
    return ResultTooLargeError(
        f"the result is larger than {max_bytes} bytes; ask for less (LIMIT, fewer or shorter values)"
    )


def run_query(engine: pyoxigraph.Store, request: QueryRequest, location: str) -> QueryResult:
    """Run ``request`` on ``engine`` in this process (its timeout is the caller's business)."""
    refuse_update(request.sparql)
    options: dict[str, object] = {}
    if request.prefixes:
        options["prefixes"] = dict(request.prefixes)
    if request.base is not None:
        options["base_iri"] = request.base
    if request.dataset is not None:
        # the facts view answers to its remote name too, so that kg can query a kg server
        options["default_graph"] = [
            FACTS if iri == FACTS_VIEW else NamedNode(iri) for iri in request.dataset.default
        ]
        options["named_graphs"] = [NamedNode(iri) for iri in request.dataset.named if iri != FACTS_VIEW]
    bound = {k: v for k, v in request.bindings.items() if not isinstance(v, BlankNode)}
    blank = {pyoxigraph.Variable(k): v for k, v in request.bindings.items() if isinstance(v, BlankNode)}
    if blank:  # a blank node of the store cannot be written in a query: substituted instead
        options["substitutions"] = blank
    try:
        raw = engine.query(bind(request.sparql, bound), **options)  # type: ignore[arg-type]
        return materialize(raw, request.limit, request.max_bytes)
    except SyntaxError as error:
        raise query_syntax_error(error) from None
    except (OSError, RuntimeError) as error:
        if "timeout" in str(error).lower():
            raise QueryTimeoutError(f"{location}: the query timed out ({error})") from None
        raise StoreError(f"{location}: the query failed ({error})") from None


# -- the facts view ----------------------------------------------------------------------------
def _triple(quad: Quad) -> Triple:
    return Triple(quad.subject, quad.predicate, quad.object)


def _held_elsewhere(engine: pyoxigraph.Store, triple: Triple, leaving: set[Quad]) -> bool:
    """Whether a named graph other than those in ``leaving`` holds ``triple``."""
    for quad in engine.quads_for_pattern(triple.subject, triple.predicate, triple.object, None):
        if not isinstance(quad.graph_name, DefaultGraph) and quad not in leaving:
            return True
    return False


def fact_delta(engine: pyoxigraph.Store, added: Sequence[Quad], removed: Sequence[Quad]) -> FactDelta:
    """How a change would move the facts view."""
    adding = [stored_quad(q) for q in added]
    removing = {stored_quad(q) for q in removed}
    new: dict[Triple, None] = {}
    for quad in adding:
        triple = _triple(quad)
        if triple not in new and not any(
            True for _ in engine.quads_for_pattern(triple.subject, triple.predicate, triple.object, FACTS)
        ):
            new[triple] = None
    gaining = {_triple(q) for q in adding}
    gone: dict[Triple, None] = {}
    for quad in removing:
        triple = _triple(quad)
        if triple in gone or triple in gaining or quad not in _present(engine, [quad]):
            continue
        if not _held_elsewhere(engine, triple, removing):
            gone[triple] = None
    return FactDelta(tuple(new), tuple(gone))


def _present(engine: pyoxigraph.Store, quads: Iterable[Quad]) -> set[Quad]:
    return {
        q
        for q in quads
        if any(True for _ in engine.quads_for_pattern(q.subject, q.predicate, q.object, q.graph_name))
    }


@dataclass
class Applied:
    """What :func:`apply` actually changed, so that it can be undone exactly."""

    added: list[Quad] = field(default_factory=list)
    removed: list[Quad] = field(default_factory=list)
    facts_added: list[Triple] = field(default_factory=list)
    facts_removed: list[Triple] = field(default_factory=list)
    graphs_added: list[NamedNode | BlankNode] = field(default_factory=list)
    graphs_emptied: list[NamedNode | BlankNode] = field(default_factory=list)


def apply(
    engine: pyoxigraph.Store, added: Iterable[Quad], removed: Iterable[Quad], *, record: bool = False
) -> Applied:
    """Remove ``removed``, add ``added``, and move the facts view with them; with ``record``,
    note what actually changed (for :func:`undo`)."""
    adding = list(dict.fromkeys(stored_quad(q) for q in added))
    keep = set(adding)
    removing = [q for q in dict.fromkeys(stored_quad(q) for q in removed) if q not in keep]
    done = Applied()
    present = _present(engine, removing)
    for quad in removing:
        if quad in present:
            engine.remove(quad)
            done.removed.append(quad)
    if record:
        done.graphs_added = [
            g
            for g in dict.fromkeys(q.graph_name for q in adding)
            if isinstance(g, NamedNode | BlankNode) and not engine.contains_named_graph(g)
        ]
        done.added = [q for q in adding if q not in _present(engine, [q])]
        done.facts_added = [
            t
            for t in dict.fromkeys(_triple(q) for q in done.added)
            if not any(True for _ in engine.quads_for_pattern(t.subject, t.predicate, t.object, FACTS))
        ]
    engine.extend(with_facts(adding))
    for triple in dict.fromkeys(_triple(q) for q in done.removed):
        if not _held_elsewhere(engine, triple, set()):
            engine.remove(Quad(triple.subject, triple.predicate, triple.object, FACTS))
            done.facts_removed.append(triple)
    for graph in dict.fromkeys(q.graph_name for q in done.removed):
        if not any(True for _ in engine.quads_for_pattern(None, None, None, graph)):
            engine.remove_graph(graph)  # an empty graph is no graph (as on every endpoint)
            done.graphs_emptied.append(graph)  # type: ignore[arg-type]
    return done


def undo(engine: pyoxigraph.Store, done: Applied) -> None:
    """Put the engine back as it was before :func:`apply` made ``done``."""
    for quad in done.added:
        engine.remove(quad)
    for triple in done.facts_added:
        engine.remove(Quad(triple.subject, triple.predicate, triple.object, FACTS))
    for graph in done.graphs_added:
        engine.remove_graph(graph)
    engine.extend(
        [*done.removed, *(Quad(t.subject, t.predicate, t.object, FACTS) for t in done.facts_removed)]
    )


def with_facts(quads: Iterable[Quad]) -> Iterator[Quad]:
    """``quads`` as stored, each followed by its fact in the facts view (for bulk loads, whose
    loader keeps one copy of a quad given twice)."""
    for quad in quads:
        stored = stored_quad(quad)
        yield stored
        yield Quad(stored.subject, stored.predicate, stored.object, FACTS)


def bulk_add(engine: pyoxigraph.Store, quads: Iterable[Quad]) -> None:
    """``quads`` and their facts, with the bulk loader: faster than :func:`apply`, but not
    atomic, so only for an engine that nothing reads until this returns (a scratch store)."""
    stored = [stored_quad(q) for q in quads]
    engine.bulk_extend(stored)
    engine.bulk_extend(Quad(q.subject, q.predicate, q.object, FACTS) for q in stored)


def user_quads(
    engine: pyoxigraph.Store, graph: NamedNode | BlankNode | DefaultGraph | None
) -> Iterator[Quad]:
    """The quads as given: every named graph (or one), never the facts view."""
    if isinstance(graph, NamedNode | BlankNode) and graph != _DEFAULT_GRAPH_NODE:
        yield from engine.quads_for_pattern(None, None, None, graph)  # as stored, as given
        return
    if graph is not None:
        target = stored_quad(
            Quad(NamedNode("urn:x"), NamedNode("urn:x"), NamedNode("urn:x"), graph)
        ).graph_name
        yield from map(user_quad, engine.quads_for_pattern(None, None, None, target))
        return
    for name in engine.named_graphs():
        yield from map(user_quad, engine.quads_for_pattern(None, None, None, name))


def facts(engine: pyoxigraph.Store) -> Iterator[Triple]:
    return (_triple(q) for q in engine.quads_for_pattern(None, None, None, FACTS))


def fact_count(engine: pyoxigraph.Store) -> int:
    result = materialize(engine.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"))
    count = result.rows[0][0] if result.rows else None
    return int(count.value) if count is not None else 0


def quad_count(engine: pyoxigraph.Store) -> int:
    return len(engine) - fact_count(engine)


def plan_update(quads: Iterable[Quad], sparql: str, base: str | None = None) -> tuple[list[Quad], list[Quad]]:
    """The quads a SPARQL Update would add to and remove from ``quads``: it runs on a scratch
    copy in which the default graph holds the quads given in the default graph (an update
    names the graphs it reads and writes; it does not see the facts view)."""
    scratch = pyoxigraph.Store()
    before = set(quads)
    scratch.extend(before)
    try:
        scratch.update(sparql, base_iri=base)
    except SyntaxError as error:
        raise query_syntax_error(error) from None
    except (OSError, RuntimeError) as error:
        raise StoreError(f"the update failed ({error})") from None
    after = set(scratch.quads_for_pattern(None, None, None, None))
    return sorted(after - before, key=str), sorted(before - after, key=str)
