"""Oxigraph in-process: in memory (the default) or on disk (RocksDB, ``--store PATH``)."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

import pyoxigraph

from kg.binding import bind
from kg.errors import QuerySyntaxError, StoreError, StoreLockedError, UsageError
from kg.rdfio import guess_format, iter_parse_file
from kg.results import QueryResult
from kg.store.base import Progress, Store, refuse_update
from kg.terms import BlankNode, GraphName, NamedNode, Quad, Term


def query_syntax_error(error: SyntaxError) -> QuerySyntaxError:
    """A :class:`QuerySyntaxError` with the line and column Oxigraph's parser gave."""
    message = str(error.msg if getattr(error, "msg", None) else error)
    line = getattr(error, "lineno", None)
    column = getattr(error, "offset", None)
    match = re.match(r"^error at (\d+):(\d+): ", message)
    if match:
        if line is None:
            line, column = int(match.group(1)), int(match.group(2))
        message = message[match.end():]
    return QuerySyntaxError(message, line=line, column=column)


def materialize(raw: object, limit: int | None = None) -> QueryResult:
    """An Oxigraph query result as a :class:`QueryResult`, reading at most ``limit`` rows or
    triples (all of them when ``None``)."""
    if isinstance(raw, pyoxigraph.QueryBoolean):
        return QueryResult(kind="ask", boolean=bool(raw))
    if isinstance(raw, pyoxigraph.QuerySolutions):
        variables = [v.value for v in raw.variables]
        width = len(variables)
        rows = [tuple(solution[i] for i in range(width))
                for solution in itertools.islice(raw, limit)]
        return QueryResult(kind="select", variables=variables, rows=rows)
    if isinstance(raw, pyoxigraph.QueryTriples):
        return QueryResult(kind="graph", triples=list(itertools.islice(raw, limit)))
    raise StoreError(f"unexpected query result {type(raw).__name__}")


class EmbeddedStore(Store):
    """An Oxigraph store in this process.

    >>> from kg.terms import NamedNode, Literal, Quad
    >>> store = EmbeddedStore()
    >>> g = NamedNode("http://example.com/g")
    >>> store.add_quads([Quad(NamedNode("http://example.com/s"), NamedNode("http://example.com/p"),
    ...                       Literal("o"), g)])
    1
    >>> store.query("SELECT ?o WHERE { ?s ?p ?o }").table()
    [('o',)]
    """

    def __init__(self, path: Path | str | None = None, *, read_only: bool = False) -> None:
        self.path = None if path is None else Path(path)
        self.read_only = read_only
        self.location = "in-memory" if path is None else str(path)
        try:
            if self.path is None:
                self._store = pyoxigraph.Store()
            elif read_only:
                self._store = pyoxigraph.Store.read_only(str(self.path))
            else:
                self._store = pyoxigraph.Store(str(self.path))
        except OSError as error:
            text = str(error)
            if "lock" in text.lower():
                raise StoreLockedError(
                    f"{path}: the store is open in another process (only one writer at a time)"
                ) from None
            raise StoreError(f"{path}: cannot open the store ({text})") from None

    @property
    def engine(self) -> pyoxigraph.Store:
        """The Oxigraph store itself, for code below the seam (benchmarks, the server)."""
        return self._store

    def query(self, sparql: str, *, bindings: Mapping[str, Term] | None = None,
              timeout: float | None = None) -> QueryResult:
        refuse_update(sparql)
        try:
            raw = self._store.query(bind(sparql, bindings), use_default_graph_as_union=True)
            return materialize(raw)
        except SyntaxError as error:
            raise query_syntax_error(error) from None
        except OSError as error:
            raise StoreError(f"{self.location}: query failed ({error})") from None

    def update(self, sparql: str) -> None:
        self._writable()
        try:
            self._store.update(sparql)
        except SyntaxError as error:
            raise query_syntax_error(error) from None
        except OSError as error:
            raise StoreError(f"{self.location}: update failed ({error})") from None

    def quads(self, graph: GraphName | None = None) -> Iterator[Quad]:
        return iter(self._store.quads_for_pattern(None, None, None, graph))

    def named_graphs(self) -> list[NamedNode | BlankNode]:
        return list(self._store.named_graphs())

    def add_quads(self, quads: Iterable[Quad]) -> int:
        self._writable()
        items = list(quads)
        try:
            self._store.extend(items)  # one transaction: all or nothing
        except OSError as error:
            raise StoreError(f"{self.location}: write failed, nothing written ({error})") from None
        return len(items)

    def remove_quads(self, quads: Iterable[Quad]) -> None:
        self._writable()
        for quad in quads:
            self._store.remove(quad)

    def change(self, added: Iterable[Quad], removed: Iterable[Quad]) -> None:
        """Add ``added`` and remove ``removed``; an on-disk store does both as one step."""
        self._writable()
        for quad in removed:
            self._store.remove(quad)
        self._store.extend(list(added))

    def load_file(self, path: Path, fmt: str, *, progress: Progress | None = None) -> int:
        self._writable()
        chosen = guess_format(path, fmt)
        if self.path is None:
            items = list(iter_parse_file(path, chosen))
            self._store.extend(items)
            if progress:
                progress(len(items))
            return len(items)
        count = 0

        def counted() -> Iterator[Quad]:
            nonlocal count
            for quad in iter_parse_file(path, chosen):
                count += 1
                if progress and count % 100_000 == 0:
                    progress(count)
                yield quad

        try:
            self._store.bulk_extend(counted())
        except OSError as error:
            raise StoreError(f"{self.location}: load failed ({error})") from None
        if progress:
            progress(count)
        return count

    def clear(self) -> None:
        self._writable()
        self._store.clear()

    def __len__(self) -> int:
        return len(self._store)

    def flush(self) -> None:
        if self.path is not None:
            self._store.flush()

    def close(self) -> None:
        if getattr(self, "_store", None) is not None and self.path is not None \
                and not self.read_only:
            self._store.flush()
        self._store = None  # type: ignore[assignment]

    def _writable(self) -> None:
        if self.read_only:
            raise UsageError(f"{self.location}: the store is open read-only")

