"""A remote SPARQL 1.1 endpoint as the store: Oxigraph server, Virtuoso, Fuseki, GraphDB...

Queries go over the SPARQL 1.1 Protocol (``kg.store.protocol``); parameters are bound with
:func:`kg.binding.bind` before the text leaves, so values are terms, never pasted text. Before a
query is sent it is parsed locally, which gives the same ``line:column`` syntax errors as the
embedded store and tells whether solutions or a graph will come back.

Writes are SPARQL 1.1 Updates, or Graph Store Protocol ``POST``s of N-Triples per graph when
the store has a GSP endpoint (Virtuoso's SPARQL compiler refuses some literals, such as
``xsd:duration``, that its RDF loader takes). An engine applies one update request atomically, so:

* :meth:`RemoteStore.add_quads` (``kg add``) is one ``INSERT DATA`` request, all or nothing;
  above :attr:`~RemoteStore.batch_size` quads (or through GSP) it writes batches into private
  *staging* graphs and then copies them into place with one update request, dropping the
  staging graphs on any failure.
* :meth:`RemoteStore.load_file` (``kg load``) checks the whole file's syntax first, then writes
  it in batches with progress; a failed batch is reported with how much was and was not written.

Engines differ in two ways that matter here. Some have no separate default graph (Virtuoso's
default graph is the union of all graphs); so quads of the default graph are kept in one named
graph, :data:`DEFAULT_GRAPH`, read back as the default graph, and every engine behaves alike.
And some keep their own system graphs in the dataset (Virtuoso's ``virtrdf#``); those are left
out of exports, graph lists and counts (``exclude_graphs``; found out from the server's name),
though a query's union default graph on Virtuoso still holds them (its pragmas that would hide
them change the answers of queries with property paths, so they are not used).
Queries must see the union of the named graphs as their default graph: that is the engine's
setting (``oxigraph serve --union-default-graph``; see docs/stores.md for each engine).
"""

from __future__ import annotations

import contextlib
import itertools
import secrets
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pyoxigraph

from kg.binding import bind
from kg.errors import EndpointError, KgError, StoreError, UsageError
from kg.rdfio import N_TRIPLES, guess_format, iter_parse_file, serialize
from kg.results import QueryResult
from kg.store.base import Progress, Store, is_update, refuse_update
from kg.store.embedded import query_syntax_error
from kg.store.protocol import (
    GRAPH_ACCEPT,
    RESULTS_JSON,
    Endpoint,
    ask_is_sparql,
    graph,
    post_graph,
    send,
    solutions,
)
from kg.terms import BlankNode, DefaultGraph, GraphName, NamedNode, Quad, Term, Triple

DEFAULT_GRAPH = "urn:kg:default-graph"
"""The named graph that holds the quads of the default graph on a remote store."""

BATCH = 5000
"""Quads per update request: small enough for any engine's request limits."""

VIRTUOSO_SYSTEM_GRAPHS = (
    "http://www.openlinksw.com/schemas/virtrdf#",
    "http://www.w3.org/ns/ldp#",
    "http://localuriqaserver/sparql",
)


@dataclass(frozen=True)
class Dialect:
    """What an engine needs said or read differently."""

    name: str
    exclude_graphs: tuple[str, ...] = ()

    def graph_filter(self, variable: str) -> str:
        """A FILTER that leaves the engine's own graphs out of ``?variable``."""
        if not self.exclude_graphs:
            return ""
        names = ", ".join(f"<{g}>" for g in self.exclude_graphs)
        return f"FILTER(?{variable} NOT IN ({names}))"


class RemoteStore(Store):
    """A SPARQL 1.1 endpoint, spoken to over HTTP.

    ``exclude_graphs`` names graphs that are the engine's own, not data (default: Virtuoso's
    system graphs when the server is Virtuoso).
    """

    def __init__(self, endpoint: str, *, update_endpoint: str | None = None,
                 gsp_endpoint: str | None = None, user: str | None = None,
                 password: str | None = None, timeout: float = 30.0,
                 default_graph: str = DEFAULT_GRAPH,
                 exclude_graphs: Sequence[str] | None = None, batch_size: int = BATCH) -> None:
        for url in (endpoint, update_endpoint, gsp_endpoint):
            if url is not None and urlsplit(url).scheme not in ("http", "https"):
                raise UsageError(f"{url!r} is not an http(s) URL of a SPARQL endpoint")
        if batch_size < 1:
            raise UsageError("batch_size must be at least 1")
        self._endpoint = Endpoint(endpoint, update_endpoint or endpoint, user, password, timeout)
        self.gsp_endpoint = gsp_endpoint
        self.location = endpoint
        self.default_graph = NamedNode(default_graph)
        self.batch_size = batch_size
        self._exclude = None if exclude_graphs is None else tuple(exclude_graphs)
        self._dialect: Dialect | None = None

    # -- reading ----------------------------------------------------------------------------
    def query(self, sparql: str, *, bindings: Mapping[str, Term] | None = None,
              timeout: float | None = None) -> QueryResult:
        refuse_update(sparql)
        text = bind(sparql, bindings)
        is_graph = _is_graph_query(text)
        self.dialect  # noqa: B018  -- never send a query to a URL not proven to be an endpoint
        answer = send(self._endpoint, text, update=False,
                      accept=GRAPH_ACCEPT if is_graph else RESULTS_JSON, timeout=timeout)
        url = self._endpoint.query_url
        return graph(answer, url) if is_graph else solutions(answer, url)

    def quads(self, graph: GraphName | None = None) -> Iterator[Quad]:
        if graph is None:
            where = f"GRAPH ?g {{ ?s ?p ?o }} {self.dialect.graph_filter('g')}"
        else:
            where = f"GRAPH ?g {{ ?s ?p ?o }} VALUES ?g {{ {self._stored_name(graph)} }}"
        result = self._select(f"SELECT ?g ?s ?p ?o WHERE {{ {where} }}")
        out = []
        for g, s, p, o in result.rows:
            if isinstance(g, NamedNode | BlankNode) and isinstance(s, NamedNode | BlankNode) \
                    and isinstance(p, NamedNode) and o is not None and self._visible(g):
                name: GraphName = DefaultGraph() if g == self.default_graph else g
                out.append(Quad(s, p, o, name))
        return iter(out)

    def named_graphs(self) -> list[NamedNode | BlankNode]:
        result = self._select("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } "
                              f"{self.dialect.graph_filter('g')} }}")
        return [g for (g,) in result.rows if isinstance(g, NamedNode | BlankNode)
                and g != self.default_graph and self._visible(g)]

    def __len__(self) -> int:
        result = self._select("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } "
                              f"{self.dialect.graph_filter('g')} }}")
        count = result.rows[0][0] if result.rows else None
        return int(count.value) if count is not None else 0

    # -- writing ----------------------------------------------------------------------------
    def update(self, sparql: str) -> None:
        if not is_update(sparql):
            raise UsageError("this is a query, not a SPARQL Update")
        self._send_update(sparql)

    def add_quads(self, quads: Iterable[Quad]) -> int:
        items = list(dict.fromkeys(quads))
        if not items:
            return 0
        if self.gsp_endpoint is None and len(items) <= self.batch_size:
            self._send_update(self._insert_request(items))  # one request: all or nothing
        else:
            self._add_staged(items)
        return len(items)

    def load_file(self, path: Path, fmt: str, *, progress: Progress | None = None) -> int:
        chosen = guess_format(path, fmt or None)
        total = sum(1 for _ in iter_parse_file(path, chosen))  # syntax first: write nothing bad
        written = 0

        def count(quads: int) -> None:
            nonlocal written
            written += quads

        for batch in _batches(iter_parse_file(path, chosen), self.batch_size):
            try:
                self._write(batch, on_written=count)
            except EndpointError as error:
                raise EndpointError(
                    f"{path}: writing stopped after {written:,} of {total:,} quads: {error}; "
                    f"those {written:,} were written and stay, the other {total - written:,} "
                    "were not") from None
            if progress is not None:
                progress(written)
        return written

    def clear(self) -> None:
        """Drop every graph ``kg`` can see (the engine's own system graphs are left alone)."""
        names = [*self.named_graphs(), self.default_graph]
        self._send_update(" ;\n".join(f"DROP SILENT GRAPH {g}" for g in names))

    # -- the engine -------------------------------------------------------------------------
    @property
    def dialect(self) -> Dialect:
        """The engine's dialect, learned from the first answer (which also proves the URL is a
        SPARQL endpoint, before anything is written to it)."""
        if self._dialect is None:
            answer = send(self._endpoint, "ASK { }", update=False, accept=RESULTS_JSON)
            ask_is_sparql(answer, self._endpoint.query_url)
            server = answer.headers.get("server", "").lower()
            name = "virtuoso" if "virtuoso" in server else "standard"
            exclude = self._exclude
            if exclude is None:
                exclude = VIRTUOSO_SYSTEM_GRAPHS if name == "virtuoso" else ()
            self._dialect = Dialect(name, exclude)
        return self._dialect

    def _select(self, sparql: str) -> QueryResult:
        answer = send(self._endpoint, sparql, update=False, accept=RESULTS_JSON)
        return solutions(answer, self._endpoint.query_url)

    def _send_update(self, sparql: str) -> None:
        self.dialect  # noqa: B018  -- never write to a URL not proven to be an endpoint
        send(self._endpoint, sparql, update=True, accept="*/*")

    def _visible(self, name: NamedNode | BlankNode) -> bool:
        return name.value not in self.dialect.exclude_graphs

    def _stored_name(self, name: GraphName) -> NamedNode:
        if isinstance(name, DefaultGraph):
            return self.default_graph
        if isinstance(name, BlankNode):
            raise UsageError(f"a blank node (_:{name.value}) cannot name a graph on a remote "
                             "store; give the graph an IRI")
        return name

    def _insert_request(self, quads: Sequence[Quad],
                        rename: Mapping[NamedNode, NamedNode] | None = None) -> str:
        """One update that inserts ``quads``: ``INSERT DATA``, or, when there are blank nodes
        (which Virtuoso refuses in ``INSERT DATA``), the equivalent ``INSERT {...} WHERE {}``."""
        by_graph: dict[NamedNode, list[str]] = {}
        blank = False
        for q in quads:
            name = self._stored_name(q.graph_name)
            name = (rename or {}).get(name, name)
            by_graph.setdefault(name, []).append(f"{q.subject} {q.predicate} {q.object} .")
            blank = blank or isinstance(q.subject, BlankNode) or isinstance(q.object, BlankNode)
        body = "\n".join(f"GRAPH {g} {{\n{chr(10).join(lines)}\n}}"
                         for g, lines in by_graph.items())
        if blank:
            return f"INSERT {{\n{body}\n}} WHERE {{}}"
        return f"INSERT DATA {{\n{body}\n}}"

    def _write(self, quads: Sequence[Quad], rename: Mapping[NamedNode, NamedNode] | None = None,
               on_written: Callable[[int], None] | None = None) -> None:
        """Write one batch: with the Graph Store Protocol (a POST per graph) when the store has
        a GSP endpoint, else as one SPARQL Update."""
        self.dialect  # noqa: B018  -- never write to a URL not proven to be an endpoint
        if self.gsp_endpoint is None:
            self._send_update(self._insert_request(quads, rename))
            if on_written is not None:
                on_written(len(quads))
            return
        by_graph: dict[NamedNode, list[Triple]] = {}
        for q in quads:
            name = self._stored_name(q.graph_name)
            by_graph.setdefault((rename or {}).get(name, name), []).append(q.triple)
        for name, triples in by_graph.items():
            body = serialize(triples, N_TRIPLES) or b""
            post_graph(self._endpoint, self.gsp_endpoint, name.value, body)
            if on_written is not None:
                on_written(len(triples))

    def _add_staged(self, quads: Sequence[Quad]) -> None:
        """Write into private staging graphs, then copy them into place with one update request
        (which the engine applies atomically); on any failure the staging graphs are dropped."""
        token = secrets.token_hex(8)
        targets = list(dict.fromkeys(self._stored_name(q.graph_name) for q in quads))
        staging = {g: NamedNode(f"urn:kg:staging:{token}:{i}") for i, g in enumerate(targets)}
        drops = [f"DROP SILENT GRAPH {s}" for s in staging.values()]
        try:
            for batch in _batches(iter(quads), self.batch_size):
                self._write(batch, staging)
            copies = [f"INSERT {{ GRAPH {g} {{ ?s ?p ?o }} }} WHERE {{ GRAPH {s} {{ ?s ?p ?o }} }}"
                      for g, s in staging.items()]
            self._send_update(" ;\n".join([*copies, *drops]))
        except KgError as error:
            with contextlib.suppress(KgError):  # the first error is the one to report
                self._send_update(" ;\n".join(drops))
            raise EndpointError(f"{error}; nothing was added") from None


def _is_graph_query(sparql: str) -> bool:
    """Whether the query answers with a graph (CONSTRUCT, DESCRIBE), found by parsing it locally
    with the embedded engine on an empty dataset: malformed SPARQL fails here, as it would in
    the embedded store, with its line and column."""
    try:
        raw = pyoxigraph.Store().query(sparql)
    except SyntaxError as error:
        raise query_syntax_error(error) from None
    except OSError as error:
        raise StoreError(f"cannot prepare the query ({error})") from None
    return isinstance(raw, pyoxigraph.QueryTriples)


def _batches(quads: Iterator[Quad], size: int) -> Iterator[list[Quad]]:
    while batch := list(itertools.islice(quads, size)):
        yield batch
