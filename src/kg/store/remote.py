"""A remote SPARQL 1.1 endpoint as the store: Oxigraph server, Virtuoso, Fuseki, GraphDB...

Queries go over the SPARQL 1.1 Protocol (``kg.store.protocol``); parameters are bound with
:func:`kg.binding.bind` before the text leaves, so values are terms, never pasted text. Before a
query is sent it is parsed locally, which gives the same ``line:column`` syntax errors as the
embedded store and tells whether solutions or a graph will come back.

**The facts view** is the named graph :data:`~kg.store.base.FACTS_VIEW`, kept by every write
``kg`` makes, and every query names it as its default graph (``default-graph-uri``). So a query
sees each fact once on any engine, whether or not the engine makes its default graph the union
of its graphs (``oxigraph serve --union-default-graph``) and whatever system graphs it keeps
(Virtuoso's ``virtrdf#``). Before the first query the store checks that the endpoint honours
``default-graph-uri`` and that the facts view exists beside the data; an endpoint that would
answer wrongly is an :class:`~kg.errors.EndpointError` then, never a silent empty result.

Virtuoso (told by its ``Server`` header) evaluates some shapes of query wrongly: it is sent the
same question in shapes it answers right, and its booleans are read as written
(:mod:`kg.store.virtuoso`). Other engines get the query as written.

Writes are SPARQL 1.1 Updates, or Graph Store Protocol ``POST``s of N-Triples per graph when
the store has a GSP endpoint (Virtuoso's SPARQL compiler refuses some literals, such as
``xsd:duration``, that its RDF loader takes). An engine applies one update request atomically,
so a change of up to :attr:`~RemoteStore.batch_size` quads is one request; a larger one, and
a rebuild, are written into private *staging* graphs first and then moved into place with one
request, dropping the staging graphs on any failure: readers see the old state or the new one.
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
from kg.errors import EndpointError, KgError, ResultTooLargeError, StoreError, UsageError
from kg.rdfio import N_TRIPLES, guess_format, iter_parse_file, serialize
from kg.results import QueryResult, Row, result_size
from kg.sparql_text import names_dataset, prologue, tokens, where_span, with_prologue
from kg.store import virtuoso
from kg.store.base import (
    DEFAULT_GRAPH,
    FACTS_VIEW,
    Capabilities,
    FactDelta,
    Progress,
    QueryRequest,
    Store,
    as_request,
    refuse_update,
    stored_quad,
    user_quad,
)
from kg.store.engine import query_syntax_error
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

BATCH = 5000
"""Quads per update request: small enough for any engine's request limits."""

VIRTUOSO_SYSTEM_GRAPHS = (
    "http://www.openlinksw.com/schemas/virtrdf#",
    "http://www.w3.org/ns/ldp#",
    "http://localuriqaserver/sparql",
    "http://www.w3.org/2002/07/owl#",
)

_FACTS = f"<{FACTS_VIEW}>"


@dataclass(frozen=True)
class Dialect:
    """What an engine needs said or read differently."""

    name: str
    exclude_graphs: tuple[str, ...] = ()

    @property
    def keeps_facts(self) -> bool:
        """The endpoint is a kg server: its default graph is its facts view, kept by itself."""
        return self.name == "kg"

    @property
    def facts(self) -> str:
        """The pattern of the facts view's triples."""
        return "?s ?p ?o" if self.keeps_facts else f"GRAPH {_FACTS} {{ ?s ?p ?o }}"

    def graph_filter(self, variable: str) -> str:
        """A FILTER that leaves the engine's own graphs and the facts view out of ``?variable``."""
        names = ", ".join(f"<{g}>" for g in (*self.exclude_graphs, FACTS_VIEW))
        return f"FILTER(?{variable} NOT IN ({names}))"


@dataclass(frozen=True)
class RemoteSnapshot:
    """How to reach the endpoint again from another process."""

    endpoint: Endpoint
    gsp_endpoint: str | None

    def open(self) -> Store:
        return RemoteStore(
            self.endpoint.query_url,
            update_endpoint=self.endpoint.update_url,
            gsp_endpoint=self.gsp_endpoint,
            user=self.endpoint.user,
            password=self.endpoint.password,
            timeout=self.endpoint.timeout,
        )


class RemoteStore(Store):
    """A SPARQL 1.1 endpoint, spoken to over HTTP.

    ``exclude_graphs`` names graphs that are the engine's own, not data (default: Virtuoso's
    system graphs when the server is Virtuoso).
    """

    capabilities = Capabilities(local=False, persistent=True, trials=False, killable_queries=False)

    def __init__(
        self,
        endpoint: str,
        *,
        update_endpoint: str | None = None,
        gsp_endpoint: str | None = None,
        user: str | None = None,
        password: str | None = None,
        timeout: float = 30.0,
        exclude_graphs: Sequence[str] | None = None,
        batch_size: int = BATCH,
    ) -> None:
        for url in (endpoint, update_endpoint, gsp_endpoint):
            if url is not None and urlsplit(url).scheme not in ("http", "https"):
                raise UsageError(f"{url!r} is not an http(s) URL of a SPARQL endpoint")
        if batch_size < 1:
            raise UsageError("batch_size must be at least 1")
        self._endpoint = Endpoint(endpoint, update_endpoint or endpoint, user, password, timeout)
        self.gsp_endpoint = gsp_endpoint
        self.location = endpoint
        self.batch_size = batch_size
        self._exclude = None if exclude_graphs is None else tuple(exclude_graphs)
        self._dialect: Dialect | None = None
        self._checked = False

    # -- reading ----------------------------------------------------------------------------
    def query(
        self,
        query: QueryRequest | str,
        *,
        bindings: Mapping[str, Term] | None = None,
        timeout: float | None = None,
    ) -> QueryResult:
        request = as_request(query, bindings, timeout)
        refuse_update(request.sparql)
        text = bind(request.sparql, request.bindings)
        is_graph = _is_graph_query(text, request)
        default: Sequence[str] = ()
        named: Sequence[str] = ()
        if request.dataset is None:
            self.check_facts_view()
        else:
            self.dialect  # noqa: B018  -- never query a URL not proven to be an endpoint
            default, named = request.dataset.default, request.dataset.named
        fresh: frozenset[str] = frozenset()
        if self.dialect.name == "virtuoso" and not names_dataset(text):
            text, fresh = self._for_virtuoso(text, request)
        if request.prefixes:
            text, _ = with_prologue(text, dict(request.prefixes))
        if request.base is not None:
            text = f"BASE <{request.base}>\n{text}"
        if request.dataset is None and not self.dialect.keeps_facts and not names_dataset(text):
            text = _on_facts(text)
        answer = send(
            self._endpoint,
            text,
            update=False,
            accept=GRAPH_ACCEPT if is_graph else RESULTS_JSON,
            timeout=request.timeout,
            default_graphs=default,
            named_graphs=named,
        )
        url = self._endpoint.query_url
        result = graph(answer, url) if is_graph else solutions(answer, url)
        if self.dialect.name == "virtuoso":
            result = virtuoso.normalized(result, fresh)
        if request.max_bytes is not None and result_size(result) > request.max_bytes:
            raise ResultTooLargeError(
                f"the result is larger than {request.max_bytes} bytes; "
                "ask for less (LIMIT, fewer or shorter values)"
            )
        if request.limit is not None and len(result) > request.limit:
            result.rows, result.triples = result.rows[: request.limit], result.triples[: request.limit]
            result.truncated = True
        return result

    def _for_virtuoso(self, text: str, request: QueryRequest) -> tuple[str, frozenset[str]]:
        """The query as Virtuoso answers it right (:mod:`kg.store.virtuoso`), its closures
        computed on the query's own dataset; unchanged if the rewrite would not parse."""
        dataset = request.dataset

        def rows(pattern: str, variables: Sequence[str], limit: int | None) -> list[Row]:
            where = pattern if dataset is not None else f"GRAPH {_FACTS} {{ {pattern} }}"
            head = " ".join(f"?{v}" for v in variables)
            tail = "" if limit is None else f" LIMIT {limit}"
            answer = send(
                self._endpoint,
                f"SELECT DISTINCT {head} WHERE {{ {where} }}{tail}",
                update=False,
                accept=RESULTS_JSON,
                timeout=request.timeout,
                default_graphs=dataset.default if dataset else (),
                named_graphs=dataset.named if dataset else (),
            )
            return solutions(answer, self._endpoint.query_url).rows

        prefixes = dict(request.prefixes or {})
        done = virtuoso.rewrite(text, request.bindings, prefixes, rows)
        if done.sparql == text:
            return text, frozenset()
        try:
            _is_graph_query(done.sparql, request)
        except KgError:
            return text, frozenset()
        return done.sparql, done.fresh

    def quads(self, graph: GraphName | None = None) -> Iterator[Quad]:
        if graph is None:
            where = f"GRAPH ?g {{ ?s ?p ?o }} {self.dialect.graph_filter('g')}"
        else:
            where = f"GRAPH ?g {{ ?s ?p ?o }} VALUES ?g {{ {self._stored_name(graph)} }}"
        result = self._select(f"SELECT ?g ?s ?p ?o WHERE {{ {where} }}")
        out = []
        for g, s, p, o in result.rows:
            if (
                isinstance(g, NamedNode | BlankNode)
                and isinstance(s, NamedNode | BlankNode)
                and isinstance(p, NamedNode)
                and o is not None
            ):
                out.append(user_quad(Quad(s, p, o, g)))
        return iter(out)

    def facts(self) -> Iterator[Triple]:
        result = self._select(f"SELECT ?s ?p ?o WHERE {{ {self.dialect.facts} }}")
        return iter(
            [
                Triple(s, p, o)  # type: ignore[arg-type]
                for s, p, o in result.rows
                if s is not None and p is not None and o is not None
            ]
        )

    def named_graphs(self) -> list[NamedNode | BlankNode]:
        result = self._select(
            f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ ?s ?p ?o }} {self.dialect.graph_filter('g')} }}"
        )
        return [
            g for (g,) in result.rows if isinstance(g, NamedNode | BlankNode) and g.value != DEFAULT_GRAPH
        ]

    def __len__(self) -> int:
        return self._count(f"GRAPH ?g {{ ?s ?p ?o }} {self.dialect.graph_filter('g')}")

    def fact_count(self) -> int:
        return self._count(self.dialect.facts)

    def fact_delta(self, added: Sequence[Quad], removed: Sequence[Quad]) -> FactDelta:
        adding = [Triple(q.subject, q.predicate, q.object) for q in added]
        existing = self._matching(adding, self.dialect.facts)
        new = tuple(t for t in dict.fromkeys(adding) if t not in existing)
        leaving = {stored_quad(q) for q in removed}
        holders: dict[Triple, set[GraphName]] = {}
        triples = list(dict.fromkeys(Triple(q.subject, q.predicate, q.object) for q in leaving))
        for start in range(0, len(triples), 500):
            chunk = [t for t in triples[start : start + 500] if _ground(t)]
            if not chunk:
                continue
            result = self._select(
                f"SELECT ?s ?p ?o ?g WHERE {{ VALUES (?s ?p ?o) {{ {_rows(chunk)} }} "
                f"GRAPH ?g {{ ?s ?p ?o }} {self.dialect.graph_filter('g')} }}"
            )
            for s, p, o, g in result.rows:
                holders.setdefault(Triple(s, p, o), set()).add(g)  # type: ignore[arg-type]
        gaining = set(adding)
        gone = tuple(
            t
            for t in triples
            if t not in gaining
            and t in holders
            and all(Quad(t.subject, t.predicate, t.object, g) in leaving for g in holders[t])
        )
        return FactDelta(new, gone)

    # -- writing ----------------------------------------------------------------------------
    def update(self, sparql: str) -> None:
        """Send a SPARQL Update as it is (the facts view is the caller's business)."""
        self._send_update(sparql)

    def change(self, added: Iterable[Quad], removed: Iterable[Quad] = ()) -> None:
        adding = list(dict.fromkeys(stored_quad(q) for q in added))
        removing = list(dict.fromkeys(stored_quad(q) for q in removed))
        if not adding and not removing:
            return
        if self.gsp_endpoint is None and len(adding) + len(removing) <= self.batch_size:
            parts = []
            if removing:
                parts += [_data("DELETE", removing), _forget(removing, self.dialect)]
                parts = [p for p in parts if p]
            if adding:
                parts.append(self._insert_request(adding))
            self._send_update(" ;\n".join(parts))  # one request: all or nothing
            return
        self._change_staged(adding, removing)

    def load_file(
        self, path: Path, fmt: str, *, progress: Progress | None = None, base: str | None = None
    ) -> int:
        chosen = guess_format(path, fmt or None)
        total = sum(1 for _ in iter_parse_file(path, chosen, base_iri=base))  # syntax first
        written = 0

        def count(quads: int) -> None:
            nonlocal written
            written += quads

        for batch in _batches(iter_parse_file(path, chosen, base_iri=base), self.batch_size):
            try:
                self._write([stored_quad(q) for q in batch], on_written=count)
            except EndpointError as error:
                raise EndpointError(
                    f"{path}: writing stopped after {written:,} of {total:,} quads: {error}; "
                    f"those {written:,} were written and stay, the other {total - written:,} "
                    "were not"
                ) from None
            if progress is not None:
                progress(written)
        return written

    def replace_all(self, quads: Sequence[Quad]) -> int:
        """Make the endpoint hold exactly ``quads`` (and their facts view), as readers see it in
        one step: everything is staged first, then swapped in with one update request."""
        items = list(dict.fromkeys(stored_quad(q) for q in quads))
        old = [*self.named_graphs(), NamedNode(DEFAULT_GRAPH), NamedNode(FACTS_VIEW)]
        self._stage_and_move(items, drop=old)
        return len(items)

    def clear(self) -> None:
        """Drop every graph ``kg`` can see (the engine's own system graphs are left alone)."""
        names = [*self.named_graphs(), NamedNode(DEFAULT_GRAPH), NamedNode(FACTS_VIEW)]
        self._send_update(" ;\n".join(f"DROP SILENT GRAPH {g}" for g in names))

    def snapshot(self) -> RemoteSnapshot:
        return RemoteSnapshot(self._endpoint, self.gsp_endpoint)

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
            if answer.headers.get("kg-facts-view") == "default":
                name = "kg"
            exclude = self._exclude
            if exclude is None:
                exclude = VIRTUOSO_SYSTEM_GRAPHS if name == "virtuoso" else ()
            self._dialect = Dialect(name, exclude)
        return self._dialect

    def check_facts_view(self) -> None:
        """Refuse an endpoint whose data has no facts view (written there by another tool):
        its queries would find nothing, silently."""
        if self._checked:
            return
        url = self._endpoint.query_url
        data = self._ask(f"GRAPH ?g {{ ?s ?p ?o }} {self.dialect.graph_filter('g')}")
        if data and not self._ask(self.dialect.facts):
            raise EndpointError(
                f"{url}: the endpoint holds data but no facts view (the graph "
                f"<{FACTS_VIEW}> that kg keeps beside the data); load it with kg "
                f"(`kg --endpoint {url} build`)"
            )
        self._checked = True

    def _ask(self, where: str) -> bool:
        answer = send(self._endpoint, f"ASK {{ {where} }}", update=False, accept=RESULTS_JSON)
        return bool(solutions(answer, self._endpoint.query_url).boolean)

    def _count(self, where: str) -> int:
        result = self._select(f"SELECT (COUNT(*) AS ?n) WHERE {{ {where} }}")
        count = result.rows[0][0] if result.rows else None
        return int(count.value) if count is not None else 0

    def _matching(self, triples: Sequence[Triple], where: str) -> set[Triple]:
        found: set[Triple] = set()
        ground = list(dict.fromkeys(t for t in triples if _ground(t)))
        for start in range(0, len(ground), 500):
            chunk = ground[start : start + 500]
            result = self._select(
                f"SELECT ?s ?p ?o WHERE {{ VALUES (?s ?p ?o) {{ {_rows(chunk)} }} {where} }}"
            )
            found.update(Triple(s, p, o) for s, p, o in result.rows)  # type: ignore[arg-type]
        return found

    def _select(self, sparql: str) -> QueryResult:
        answer = send(self._endpoint, sparql, update=False, accept=RESULTS_JSON)
        return solutions(answer, self._endpoint.query_url)

    def _send_update(self, sparql: str) -> None:
        self.dialect  # noqa: B018  -- never write to a URL not proven to be an endpoint
        send(self._endpoint, sparql, update=True, accept="*/*")

    def _stored_name(self, name: GraphName) -> NamedNode:
        if isinstance(name, DefaultGraph):
            return NamedNode(DEFAULT_GRAPH)
        if isinstance(name, BlankNode):
            raise UsageError(
                f"a blank node (_:{name.value}) cannot name a graph on a remote store; give the graph an IRI"
            )
        return name

    def _insert_request(
        self, quads: Sequence[Quad], rename: Mapping[NamedNode, NamedNode] | None = None
    ) -> str:
        """One update that inserts ``quads`` and their facts: ``INSERT DATA``, or, when there
        are blank nodes (which Virtuoso refuses in ``INSERT DATA``), ``INSERT {...} WHERE {}``."""
        by_graph: dict[NamedNode, list[str]] = {}
        facts = (rename or {}).get(NamedNode(FACTS_VIEW), NamedNode(FACTS_VIEW))
        blank = False
        for q in quads:
            name = self._stored_name(q.graph_name)
            name = (rename or {}).get(name, name)
            line = f"{q.subject} {q.predicate} {q.object} ."
            by_graph.setdefault(name, []).append(line)
            if not self.dialect.keeps_facts:
                by_graph.setdefault(facts, []).append(line)
            blank = blank or isinstance(q.subject, BlankNode) or isinstance(q.object, BlankNode)
        body = "\n".join(
            f"GRAPH {g} {{\n{chr(10).join(dict.fromkeys(lines))}\n}}" for g, lines in by_graph.items()
        )
        if blank:
            return f"INSERT {{\n{body}\n}} WHERE {{}}"
        return f"INSERT DATA {{\n{body}\n}}"

    def _write(
        self,
        quads: Sequence[Quad],
        rename: Mapping[NamedNode, NamedNode] | None = None,
        on_written: Callable[[int], None] | None = None,
    ) -> None:
        """Write one batch, facts included: with the Graph Store Protocol (a POST per graph)
        when the store has a GSP endpoint, else as one SPARQL Update."""
        self.dialect  # noqa: B018  -- never write to a URL not proven to be an endpoint
        if self.gsp_endpoint is None:
            self._send_update(self._insert_request(quads, rename))
            if on_written is not None:
                on_written(len(quads))
            return
        by_graph: dict[NamedNode, list[Triple]] = {}
        facts = (rename or {}).get(NamedNode(FACTS_VIEW), NamedNode(FACTS_VIEW))
        for q in quads:
            name = self._stored_name(q.graph_name)
            by_graph.setdefault((rename or {}).get(name, name), []).append(q.triple)
            if not self.dialect.keeps_facts:
                by_graph.setdefault(facts, []).append(q.triple)
        for name, triples in by_graph.items():
            body = serialize(list(dict.fromkeys(triples)), N_TRIPLES) or b""
            post_graph(self._endpoint, self.gsp_endpoint, name.value, body)
        if on_written is not None:
            on_written(len(quads))

    def _change_staged(self, adding: Sequence[Quad], removing: Sequence[Quad]) -> None:
        """A large change: the additions staged, then one request removes, moves and fixes the
        facts view."""
        tail = [] if not removing else [_data("DELETE", removing), _forget(removing, self.dialect)]
        tail = [part for part in tail if part]
        self._stage_and_move(adding, before=tail)

    def _stage_and_move(
        self, quads: Sequence[Quad], *, drop: Sequence[NamedNode | BlankNode] = (), before: Sequence[str] = ()
    ) -> None:
        """Write ``quads`` into private staging graphs, then in one update request (which the
        engine applies atomically) run ``before``, drop ``drop`` and copy the staging graphs
        into place; on any failure the staging graphs are dropped."""
        token = secrets.token_hex(8)
        targets = list(
            dict.fromkeys([*(self._stored_name(q.graph_name) for q in quads), NamedNode(FACTS_VIEW)])
        )
        staging = {g: NamedNode(f"urn:kg:staging:{token}:{i}") for i, g in enumerate(targets)}
        drops = [f"DROP SILENT GRAPH {s}" for s in staging.values()]
        try:
            for batch in _batches(iter(quads), self.batch_size):
                self._write(batch, staging)
            swaps = [*before, *(f"DROP SILENT GRAPH {g}" for g in drop)]
            swaps += [
                f"INSERT {{ GRAPH {g} {{ ?s ?p ?o }} }} WHERE {{ GRAPH {s} {{ ?s ?p ?o }} }}"
                for g, s in staging.items()
            ]
            self._send_update(" ;\n".join([*swaps, *drops]))
        except KgError as error:
            with contextlib.suppress(KgError):  # the first error is the one to report
                self._send_update(" ;\n".join(drops))
            raise EndpointError(f"{error}; nothing was added or changed") from None


def _ground(triple: Triple) -> bool:
    return not isinstance(triple.subject, BlankNode) and not isinstance(triple.object, BlankNode)


def _rows(triples: Iterable[Triple]) -> str:
    return " ".join(f"({t.subject} {t.predicate} {t.object})" for t in triples)


def _data(verb: str, quads: Sequence[Quad]) -> str:
    by_graph: dict[str, list[str]] = {}
    for q in quads:
        by_graph.setdefault(str(q.graph_name), []).append(f"{q.subject} {q.predicate} {q.object} .")
    body = "\n".join(f"GRAPH {g} {{ {' '.join(lines)} }}" for g, lines in by_graph.items())
    return f"{verb} DATA {{ {body} }}"


def _forget(removed: Sequence[Quad], dialect: Dialect) -> str:
    """The update that takes out of the facts view the removed facts no graph holds any more."""
    if dialect.keeps_facts:
        return ""
    triples = list(
        dict.fromkeys(
            Triple(q.subject, q.predicate, q.object)
            for q in removed
            if not isinstance(q.subject, BlankNode) and not isinstance(q.object, BlankNode)
        )
    )
    if not triples:
        return ""
    return (
        f"DELETE {{ GRAPH {_FACTS} {{ ?s ?p ?o }} }} WHERE {{ VALUES (?s ?p ?o) "
        f"{{ {_rows(triples)} }} GRAPH {_FACTS} {{ ?s ?p ?o }} FILTER NOT EXISTS "
        f"{{ GRAPH ?g {{ ?s ?p ?o }} {dialect.graph_filter('g')} }} }}"
    )


def _on_facts(sparql: str) -> str:
    """The query with its ``WHERE`` group evaluated on the facts view: the group becomes
    ``GRAPH <urn:kg:facts> { ... }``, inside which ``GRAPH ?g`` still reaches the named graphs.
    (The short form ``CONSTRUCT WHERE`` is left as it is: its pattern is its template.)"""
    body = sparql[prologue(sparql).end :]
    first = [t.text.upper() for t in itertools.islice(tokens(body), 2)]
    if first == ["CONSTRUCT", "WHERE"]:
        return sparql
    start, end = where_span(sparql)
    return f"{sparql[:start]} GRAPH {_FACTS} {{{sparql[start:end]}}} {sparql[end:]}"


def _is_graph_query(sparql: str, request: QueryRequest) -> bool:
    """Whether the query answers with a graph (CONSTRUCT, DESCRIBE), found by parsing it locally
    with the embedded engine on an empty dataset: malformed SPARQL fails here, as it would in
    the embedded store, with its line and column."""
    try:
        raw = pyoxigraph.Store().query(sparql, prefixes=dict(request.prefixes or {}), base_iri=request.base)
    except SyntaxError as error:
        raise query_syntax_error(error) from None
    except OSError as error:
        raise StoreError(f"cannot prepare the query ({error})") from None
    return isinstance(raw, pyoxigraph.QueryTriples)


def _batches(quads: Iterator[Quad], size: int) -> Iterator[list[Quad]]:
    while batch := list(itertools.islice(quads, size)):
        yield batch


__all__ = ["BATCH", "Dialect", "RemoteSnapshot", "RemoteStore"]
