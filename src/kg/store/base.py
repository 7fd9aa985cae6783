"""The Store seam: everything queries, export, validation, ``add`` and the server ask of a store.

Three implementations live below it: Oxigraph in memory (``embedded``), Oxigraph on disk
(``disk``) and a remote SPARQL 1.1 endpoint (``remote``). Code above the seam receives a
:class:`Store`, reads what it can do from :attr:`Store.capabilities`, and never asks which one
it has.

**The facts view.** A fact stated by several sentences lives in several named graphs (the
evidence), but a question about the facts must see it once. Every store keeps the distinct
union of its named graphs as the dataset a query sees by default (:data:`FACTS_VIEW`), and
updates it with every change; sentence graphs stay, for ``GRAPH`` patterns and provenance.
Quads given in the default graph are kept in the named graph :data:`DEFAULT_GRAPH` and read
back as the default graph, so that the facts view is the only thing in a store's default graph.
"""

from __future__ import annotations

import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from kg.errors import ReadOnlyQueryError, StoreError
from kg.formats import guess_format
from kg.project import ProjectFiles, data_quads, ontology_quads
from kg.results import QueryResult
from kg.sparql_text import is_update
from kg.terms import BlankNode, DefaultGraph, GraphName, NamedNode, Quad, Term, Triple

DEFAULT_GRAPH = "urn:kg:default-graph"
"""The named graph that holds the quads given in the default graph."""
FACTS_VIEW = "urn:kg:facts"
"""The name of the facts view where it must be a named graph (on a remote endpoint)."""

Progress = Callable[[int], None]
"""Called with the number of quads written so far."""


@dataclass(frozen=True)
class Dataset:
    """A query's dataset as the SPARQL protocol gives it (``default-graph-uri``,
    ``named-graph-uri``): IRIs of the graphs that make its default graph, and of its named
    graphs. A query without one sees the facts view and every named graph."""

    default: tuple[str, ...] = ()
    named: tuple[str, ...] = ()


@dataclass(frozen=True)
class QueryRequest:
    """One read-only query and how to run it."""

    sparql: str
    bindings: Mapping[str, Term] = field(default_factory=dict)
    """Values for variables, bound as a ``VALUES`` block (never pasted into the text)."""
    prefixes: Mapping[str, str] | None = None
    """Prefixes the query may use without declaring them."""
    base: str | None = None
    """The base IRI for relative IRIs in the query."""
    dataset: Dataset | None = None
    limit: int | None = None
    """Rows (or triples) to read at most; the result says when there were more."""
    timeout: float | None = None
    """Seconds the query may run; past them it is stopped (:class:`~kg.errors.QueryTimeoutError`)."""
    max_bytes: int | None = None
    """Bytes the result's values may take; past them reading stops
    (:class:`~kg.errors.ResultTooLargeError`), checked as the result is read."""


@dataclass(frozen=True)
class Capabilities:
    """What a store can do, so that callers choose a path without testing its type."""

    local: bool
    """An Oxigraph engine of this process: a forked worker inherits it (in memory) or reopens
    it (:meth:`Store.snapshot`)."""
    persistent: bool
    """Its contents outlive the process."""
    trials: bool
    """:meth:`Store.trial` shows the state after a change in place, without copying."""
    killable_queries: bool
    """A query's timeout stops it (it runs in a process of its own); else the engine's own
    limits apply (a remote endpoint)."""


@dataclass(frozen=True)
class FactDelta:
    """How a change moves the facts view: the facts it adds and those it removes entirely."""

    added: tuple[Triple, ...] = ()
    removed: tuple[Triple, ...] = ()

    @property
    def empty(self) -> bool:
        return not self.added and not self.removed

    def nodes(self) -> set[NamedNode | BlankNode]:
        """Every subject and non-literal object of the changed facts."""
        out: set[NamedNode | BlankNode] = set()
        for t in (*self.added, *self.removed):
            out.add(t.subject)  # type: ignore[arg-type]
            if isinstance(t.object, NamedNode | BlankNode):
                out.add(t.object)
        return out


@dataclass(frozen=True)
class LoadProgress:
    """Where a load is: the file, and the quads read from it so far."""

    file: Path
    quads: int


LoadCallback = Callable[[LoadProgress], None]


@dataclass(frozen=True)
class LoadSummary:
    """What a load or a build did."""

    files: int
    quads: int
    seconds: float
    missing: tuple[str, ...] = ()
    store_quads: int | None = None
    """How many quads the store holds after (filled on request)."""

    def line(self) -> str:
        rate = self.quads / self.seconds if self.seconds > 0 else 0.0
        text = (
            f"loaded {self.quads:,} quads from {self.files} file(s) in {self.seconds:.1f} s "
            f"({rate:,.0f} quads/s)"
        )
        if self.store_quads is not None:
            text += f"; the store holds {self.store_quads:,}"
        if self.missing:
            text += f"; not found, so not reloaded: {', '.join(self.missing)}"
        return text


class StoreSnapshot(Protocol):
    """A handle, picklable, on one state of a store, that another process can open."""

    def open(self) -> Store:
        """A read-only store of that state."""


class Trial(Protocol):
    """The state of a store after a change, before anyone else sees it."""

    after: Store

    def commit(self, publish: Callable[[], None] | None = None) -> None:
        """Make the change the store's state; ``publish`` runs just before that (it puts files
        in place), and a failure in it leaves the store as it was."""


def refuse_update(sparql: str) -> None:
    if is_update(sparql):
        raise ReadOnlyQueryError(
            "this is a SPARQL Update; queries are read-only here (use `kg add` to change data)"
        )


def as_request(
    query: QueryRequest | str, bindings: Mapping[str, Term] | None = None, timeout: float | None = None
) -> QueryRequest:
    if isinstance(query, QueryRequest):
        return query
    return QueryRequest(query, bindings=dict(bindings or {}), timeout=timeout)


def stored_quad(quad: Quad) -> Quad:
    if isinstance(quad.graph_name, DefaultGraph):
        return Quad(quad.subject, quad.predicate, quad.object, NamedNode(DEFAULT_GRAPH))
    return quad


def user_quad(quad: Quad) -> Quad:
    graph = quad.graph_name
    if isinstance(graph, NamedNode) and graph.value == DEFAULT_GRAPH:
        return Quad(quad.subject, quad.predicate, quad.object, DefaultGraph())
    return quad


class Store(ABC):
    """An RDF dataset that answers SPARQL over its facts view and takes atomic changes."""

    #: what the store is, for messages: "in-memory", "/path/to/store", "http://host/sparql"
    location: str = ""
    capabilities: Capabilities

    # -- reading ------------------------------------------------------------------------------
    @abstractmethod
    def query(
        self,
        query: QueryRequest | str,
        *,
        bindings: Mapping[str, Term] | None = None,
        timeout: float | None = None,
    ) -> QueryResult:
        """Run a read-only query. Raises :class:`~kg.errors.QuerySyntaxError` for malformed
        SPARQL, :class:`~kg.errors.ReadOnlyQueryError` for an update,
        :class:`~kg.errors.QueryTimeoutError` past the request's timeout."""

    @abstractmethod
    def quads(self, graph: GraphName | None = None) -> Iterator[Quad]:
        """Every quad as given (never the facts view), or those of one graph."""

    @abstractmethod
    def facts(self) -> Iterator[Triple]:
        """The facts view: each distinct fact once."""

    @abstractmethod
    def named_graphs(self) -> list[NamedNode | BlankNode]:
        """The names of the named graphs (the store's own graphs left out)."""

    @abstractmethod
    def fact_count(self) -> int:
        """How many distinct facts the store holds."""

    @abstractmethod
    def __len__(self) -> int:
        """The number of quads, as given."""

    @abstractmethod
    def fact_delta(self, added: Sequence[Quad], removed: Sequence[Quad]) -> FactDelta:
        """How ``change(added, removed)`` would move the facts view (nothing is written)."""

    # -- writing ------------------------------------------------------------------------------
    @abstractmethod
    def change(self, added: Iterable[Quad], removed: Iterable[Quad] = ()) -> None:
        """Remove ``removed`` and add ``added`` as one step, the facts view with them."""

    def plan_update(self, sparql: str, *, base: str | None = None) -> tuple[list[Quad], list[Quad]]:
        """The quads a SPARQL Update would add and remove (nothing is changed). Its default
        graph is that of the quads as given, not the facts view: an update names its graphs."""
        from kg.store.engine import plan_update

        return plan_update(self.quads(), sparql, base)

    def add_quads(self, quads: Iterable[Quad]) -> int:
        """Add quads atomically: all of them, or (on any error) none. Returns how many."""
        items = list(quads)
        self.change(items, ())
        return len(items)

    def trial(self, added: Sequence[Quad], removed: Sequence[Quad]) -> AbstractContextManager[Trial]:
        """The state after ``change(added, removed)``, to judge before it is made; discarded
        unless committed. Stores without :attr:`Capabilities.trials` refuse."""
        raise StoreError(f"{self.location}: this store cannot show a change before making it")

    @abstractmethod
    def load_file(
        self, path: Path, fmt: str, *, progress: Progress | None = None, base: str | None = None
    ) -> int:
        """Bulk-load an RDF file (format by extension name, e.g. ``nt``; relative IRIs resolved
        against ``base``). Returns quads read."""

    def load(
        self,
        paths: Sequence[Path | str],
        fmt: str | None = None,
        *,
        progress: LoadCallback | None = None,
        base: str | None = None,
    ) -> LoadSummary:
        """Load RDF files, file by file (the on-disk store: all of them or none)."""
        started = time.perf_counter()
        total = 0
        for raw in paths:
            path = Path(raw)
            chosen = guess_format(path, fmt)

            def report(count: int, path: Path = path) -> None:
                if progress is not None:
                    progress(LoadProgress(path, count))

            total += self.load_file(path, chosen.extension, progress=report, base=base)
        return LoadSummary(files=len(paths), quads=total, seconds=time.perf_counter() - started)

    def build(self, files: ProjectFiles, *, progress: LoadCallback | None = None) -> LoadSummary:
        """Hold the project's ontology and data, nothing else (read before anything is
        dropped, so that a syntax error leaves the store as it was)."""
        started = time.perf_counter()
        quads = [*ontology_quads(files), *data_quads(files)]
        self.replace_all(quads)
        if progress is not None:
            progress(LoadProgress(files.root, len(quads)))
        return LoadSummary(
            files=len(files.source_files()), quads=len(quads), seconds=time.perf_counter() - started
        )

    def replace_all(self, quads: Sequence[Quad]) -> int:
        """Hold exactly ``quads``."""
        self.clear()
        self.change(quads, ())
        return len(quads)

    @abstractmethod
    def clear(self) -> None:
        """Remove everything."""

    def snapshot(self) -> StoreSnapshot | None:
        """A handle another process can open on the current state; ``None`` when a forked
        process must inherit the store instead (in memory)."""
        return None

    def lock(self) -> None:  # noqa: B027  (most stores have no writer lock)
        """Become the store's one writer now, rather than at the first write."""

    def flush(self) -> None:  # noqa: B027  (most stores write through)
        """Make written data durable."""

    def close(self) -> None:  # noqa: B027  (most stores have nothing to release)
        """Release the store (files, connections). Idempotent."""

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


__all__ = [
    "DEFAULT_GRAPH",
    "FACTS_VIEW",
    "Capabilities",
    "Dataset",
    "FactDelta",
    "Progress",
    "QueryRequest",
    "Store",
    "StoreSnapshot",
    "Trial",
    "as_request",
    "refuse_update",
    "stored_quad",
    "user_quad",
]
