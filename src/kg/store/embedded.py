"""Oxigraph in memory, in this process: the default store, built from the files at start.

>>> from kg.terms import NamedNode, Literal, Quad
>>> store = EmbeddedStore()
>>> s, p = NamedNode("http://example.com/s"), NamedNode("http://example.com/p")
>>> store.add_quads([Quad(s, p, Literal("o"), NamedNode("http://example.com/g1")),
...                  Quad(s, p, Literal("o"), NamedNode("http://example.com/g2"))])
2
>>> list(store.query("SELECT ?o WHERE { ?s ?p ?o }").table())  # the fact once, not per graph
[('o',)]
>>> len(store), store.fact_count()
(2, 1)
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph

from kg.errors import StoreError, UsageError
from kg.rdfio import guess_format, iter_parse_file
from kg.results import QueryResult
from kg.store import engine as oxi
from kg.store.base import (
    Capabilities,
    FactDelta,
    Progress,
    QueryRequest,
    Store,
    Trial,
    as_request,
)
from kg.store.isolated import run_in_worker
from kg.terms import BlankNode, GraphName, NamedNode, Quad, Term, Triple


class EngineStore(Store):
    """What the in-memory and on-disk stores share: an Oxigraph engine with a facts view."""

    _store: pyoxigraph.Store
    read_only: bool = False

    def query(
        self,
        query: QueryRequest | str,
        *,
        bindings: Mapping[str, Term] | None = None,
        timeout: float | None = None,
    ) -> QueryResult:
        request = as_request(query, bindings, timeout)
        if request.timeout is None:
            return oxi.run_query(self._store, request, self.location)
        engine, location = self._store, self.location
        return run_in_worker(lambda: oxi.run_query(engine, request, location), request.timeout)

    def quads(self, graph: GraphName | None = None) -> Iterator[Quad]:
        return oxi.user_quads(self._store, graph)

    def facts(self) -> Iterator[Triple]:
        return oxi.facts(self._store)

    def named_graphs(self) -> list[NamedNode | BlankNode]:
        return [g for g in self._store.named_graphs() if not _reserved(g)]

    def fact_count(self) -> int:
        return oxi.fact_count(self._store)

    def __len__(self) -> int:
        return oxi.quad_count(self._store)

    def fact_delta(self, added: Sequence[Quad], removed: Sequence[Quad]) -> FactDelta:
        return oxi.fact_delta(self._store, added, removed)

    def _writable(self) -> None:
        if self.read_only:
            raise UsageError(f"{self.location}: the store is open read-only")


def _reserved(graph: NamedNode | BlankNode) -> bool:
    from kg.store.base import DEFAULT_GRAPH

    return isinstance(graph, NamedNode) and graph.value == DEFAULT_GRAPH


@dataclass
class _InPlace:
    """A trial on the in-memory store: the change is made at once and undone unless
    committed (nothing else reads this store meanwhile: workers hold forked copies)."""

    after: Store
    engine: pyoxigraph.Store
    done: oxi.Applied
    committed: bool = False

    def commit(self, publish: Callable[[], None] | None = None) -> None:
        if publish is not None:
            publish()
        self.committed = True


class EmbeddedStore(EngineStore):
    """An Oxigraph store in this process's memory."""

    capabilities = Capabilities(local=True, persistent=False, trials=True, killable_queries=True)

    def __init__(self) -> None:
        self.location = "in-memory"
        self._store = pyoxigraph.Store()

    def change(self, added: Iterable[Quad], removed: Iterable[Quad] = ()) -> None:
        self._writable()
        try:
            oxi.apply(self._store, added, removed)
        except OSError as error:
            raise StoreError(f"{self.location}: write failed ({error})") from None

    def bulk_add(self, quads: Iterable[Quad]) -> None:
        """Add ``quads`` with Oxigraph's bulk loader: faster than :meth:`change`, but not
        atomic, so only for a store that nothing reads until this returns (a scratch store)."""
        self._writable()
        try:
            oxi.bulk_add(self._store, quads)
        except OSError as error:
            raise StoreError(f"{self.location}: write failed ({error})") from None

    @contextmanager
    def trial(self, added: Sequence[Quad], removed: Sequence[Quad]) -> Iterator[Trial]:
        self._writable()
        done = oxi.apply(self._store, added, removed, record=True)
        trial = _InPlace(self, self._store, done)
        try:
            yield trial
        finally:
            if not trial.committed:
                oxi.undo(self._store, done)

    def load_file(
        self, path: Path, fmt: str, *, progress: Progress | None = None, base: str | None = None
    ) -> int:
        self._writable()
        items = list(iter_parse_file(path, guess_format(path, fmt), base_iri=base))
        self.change(items, ())
        if progress:
            progress(len(items))
        return len(items)

    def clear(self) -> None:
        self._writable()
        self._store.clear()


__all__ = ["EmbeddedStore", "EngineStore"]
