"""Canonical TriG and Turtle written as a stream, graph by graph, in bounded memory.

The bytes are those of :func:`kg.canonical.canonical_trig` and
:func:`kg.canonical.canonical_turtle` (the same rules, the same code for each graph), but the
dataset is never held whole: graphs are read one at a time in their canonical order, and a
graph too big to sort in memory (the facts view of a big store, say) is sorted in runs on disk
and merged. The body is spooled to a temporary file, because the prefix header, which comes
first, names only the prefixes the body used.

Blank nodes need their canonical labels (:mod:`kg.rdfc`) before anything that mentions them is
sorted. Most graphs have none, so labels are computed only when the first one is met: the
quads with blank nodes in that graph and every later one (earlier graphs had none) are read
once more, labelled, and writing goes on. RDFC-1.0 thus runs over the blank-node part alone,
within the same work budget as before.
"""

from __future__ import annotations

import heapq
import itertools
import pickle
import shutil
import tempfile
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import IO, Any, Final, Protocol

from kg.canonical import (
    _RDF_TYPE,
    _graph_body,
    _has_blank_node,
    _NeedLabels,
    _predicate_key,
    _term_key,
    _Writer,
)
from kg.namespaces import PREFIXES
from kg.rdfc import canonical_labels
from kg.terms import BlankNode, DefaultGraph, GraphName, Quad, Triple

SORT_IN_MEMORY: Final = 100_000
"""Quads of one graph sorted in memory; a bigger graph is sorted in runs of this size on disk."""
_RECORDS_PER_PICKLE: Final = 2_000
_LINES_PER_CHUNK: Final = 10_000


class QuadSource(Protocol):
    """What the writer reads: the graph names, and each graph's quads (read again on demand)."""

    def graph_names(self) -> Sequence[GraphName]: ...

    def graph_quads(self, graph: GraphName) -> Iterable[Quad | Triple]: ...


def write_trig(source: QuadSource, out: IO[bytes], prefixes: Mapping[str, str] = PREFIXES) -> None:
    """Canonical TriG of every graph of ``source`` into ``out``."""
    _write(source, out, prefixes, named=True)


def write_turtle(source: QuadSource, out: IO[bytes], prefixes: Mapping[str, str] = PREFIXES) -> None:
    """Canonical Turtle of the triples of every graph of ``source`` (taken as one graph) into
    ``out``; ``source`` gives each triple once."""
    _write(source, out, prefixes, named=False)


def _write(source: QuadSource, out: IO[bytes], prefixes: Mapping[str, str], *, named: bool) -> None:
    writer = _Writer(prefixes, blank_nodes=False)
    order = list(source.graph_names())
    labels: dict[BlankNode, BlankNode] | None = None
    if named and any(isinstance(g, BlankNode) for g in order):
        labels = _labels(source, order)
    order = _graph_order(order, labels)
    with tempfile.TemporaryFile() as spool:
        body = _Body(spool)
        index = 0
        while index < len(order):
            graph = order[index]
            writer.blank_nodes = labels is not None
            try:
                _write_graph(body, writer, source.graph_quads(graph), graph, labels, named=named)
            except _NeedLabels:
                labels = _labels(source, order[index:])
                continue
            index += 1
        head = writer.header(prefixes)
        out.write(head.encode())
        if head and body.lines:
            out.write(b"\n")
        body.finish()
        spool.seek(0)
        shutil.copyfileobj(spool, out, 1 << 20)


def write_graphs(
    quads: Callable[[GraphName], Iterable[Quad | Triple]],
    graphs: Sequence[GraphName],
    spool: IO[bytes],
    prefixes: Mapping[str, str] = PREFIXES,
) -> tuple[set[str], bool, bool]:
    """The blocks of ``graphs`` (in this order; ``quads(graph)`` reads one) into ``spool``, as
    :func:`write_trig` writes them in its body, for a dataset without blank nodes (a blank node
    raises :class:`kg.canonical._NeedLabels`). Returns the prefixes used, whether any line was
    written, and whether the last block ends with a blank line."""
    writer = _Writer(prefixes, blank_nodes=False)
    body = _Body(spool)
    for graph in graphs:
        _write_graph(body, writer, quads(graph), graph, None, named=True)
    body.flush()
    return writer.used, body.lines, body.ends_blank


def _write_graph(
    body: _Body,
    writer: _Writer,
    quads: Iterable[Quad | Triple],
    graph: GraphName,
    labels: Mapping[BlankNode, BlankNode] | None,
    *,
    named: bool,
) -> None:
    indent = "    " if named and not isinstance(graph, DefaultGraph) else ""
    lines = _graph_lines(writer, quads, labels, indent)
    if named and lines:
        label = labels.get(graph, graph) if labels and isinstance(graph, BlankNode) else graph
        _named_graph(body, writer, label, lines)
    else:
        _streamed(body, lines)


def _graph_order(
    graphs: Sequence[GraphName], labels: Mapping[BlankNode, BlankNode] | None
) -> list[GraphName]:
    def key(graph: GraphName) -> tuple[int, str, str]:
        if labels is not None and isinstance(graph, BlankNode):
            return _term_key(labels.get(graph, graph))
        return _term_key(graph)

    return sorted(dict.fromkeys(graphs), key=key)


def _labels(source: QuadSource, graphs: Sequence[GraphName]) -> dict[BlankNode, BlankNode]:
    """The canonical labels of the blank nodes in ``graphs`` (their quads with blank nodes only)."""
    blank: dict[Quad, None] = {}
    for graph in graphs:
        for item in source.graph_quads(graph):
            quad = (
                item
                if isinstance(item, Quad)
                else Quad(item.subject, item.predicate, item.object, DefaultGraph())
            )
            if (
                _has_blank_node(quad.subject)
                or _has_blank_node(quad.object)
                or isinstance(quad.graph_name, BlankNode)
            ):
                blank[quad] = None
    return canonical_labels(list(blank))


class _Body:
    """Graph blocks into the spool as ``"\n".join`` of all their lines would put them (every
    block ends with a blank line, which at the very end stands for the final newline)."""

    def __init__(self, spool: IO[bytes]) -> None:
        self.spool = spool
        self.lines = False
        self.ends_blank = True
        self._buffer: list[str] = []
        self._size = 0

    def extend(self, lines: list[str]) -> None:
        if not lines:
            return
        piece = "\n".join(lines)
        if self.lines:
            self._buffer.append("\n")
        self._buffer.append(piece)
        self.lines = True
        self.ends_blank = lines[-1] == ""
        self._size += len(piece)
        if self._size > 1 << 20:
            self.flush()

    def flush(self) -> None:
        self.spool.write("".join(self._buffer).encode())
        self._buffer.clear()
        self._size = 0

    def finish(self) -> None:
        if self.lines and not self.ends_blank:
            self._buffer.append("\n")
        self.flush()


def _streamed(body: _Body, lines: Iterable[str]) -> None:
    """``lines`` into ``body`` as one block, a bounded chunk at a time (a big graph's lines are
    never all held)."""
    iterator = iter(lines)
    while chunk := list(itertools.islice(iterator, _LINES_PER_CHUNK)):
        body.extend(chunk)


def _without_last_blank(lines: Iterable[str]) -> Iterator[str]:
    """``lines`` without a final empty line."""
    held: str | None = None
    for line in lines:
        if held is not None:
            yield held
        held = line
    if held:
        yield held


def _named_graph(body: _Body, writer: _Writer, graph: GraphName, lines: list[str] | Iterator[str]) -> None:
    """A named graph's block, as :func:`kg.canonical._document` writes it."""
    if isinstance(graph, DefaultGraph):
        _streamed(body, lines)
        return
    body.extend([writer.term(graph) + " {"])
    _streamed(body, _without_last_blank(lines))
    body.extend(["}", ""])


def _graph_lines(
    writer: _Writer, items: Iterable[Quad | Triple], labels: Mapping[BlankNode, BlankNode] | None, indent: str
) -> list[str] | Iterator[str]:
    """One graph's body lines (as :func:`kg.canonical._graph_body` makes them); every term is
    written before this returns (so that a blank node without its label stops it here)."""
    iterator = iter(items)
    first = list(itertools.islice(iterator, SORT_IN_MEMORY))
    if labels is not None:
        first = _relabelled(first, labels)
    if len(first) < SORT_IN_MEMORY:
        return _graph_body(writer, first, indent)
    rest: Iterable[Quad | Triple] = iterator if labels is None else _relabelled_stream(iterator, labels)
    return _sorted_on_disk(writer, itertools.chain(first, rest), indent)


def _relabelled(items: list[Quad | Triple], labels: Mapping[BlankNode, BlankNode]) -> list[Quad | Triple]:
    return list(_relabelled_stream(items, labels))


def _relabelled_stream(
    items: Iterable[Quad | Triple], labels: Mapping[BlankNode, BlankNode]
) -> Iterator[Quad | Triple]:
    for item in items:
        if _has_blank_node(item.subject) or _has_blank_node(item.object):
            yield Triple(_renamed(item.subject, labels), item.predicate, _renamed(item.object, labels))
        else:
            yield item


def _renamed(term: Any, labels: Mapping[BlankNode, BlankNode]) -> Any:
    if isinstance(term, BlankNode):
        return labels[term]
    if isinstance(term, Triple):
        return Triple(_renamed(term.subject, labels), term.predicate, _renamed(term.object, labels))
    return term


# -- a graph too big for memory ---------------------------------------------------------------
Record = tuple[tuple[int, str, str], str, list[tuple[Any, str]]]
"""(subject key, subject as written, [(pair key, "verb object") ...]) for one subject."""


def _sorted_on_disk(writer: _Writer, items: Iterable[Quad | Triple], indent: str) -> Iterator[str]:
    """The body of a big graph: subjects sorted in runs written to temporary files (every term
    written now), then merged as the lines are read (a subject split across runs is joined)."""
    runs: list[IO[bytes]] = []
    try:
        chunk = iter(items)
        while True:
            block = list(itertools.islice(chunk, SORT_IN_MEMORY))
            if not block:
                break
            runs.append(_write_run(writer, block))
    except BaseException:
        for run in runs:
            run.close()
        raise
    return _merged(runs, indent)


def _merged(runs: list[IO[bytes]], indent: str) -> Iterator[str]:
    try:
        merged = heapq.merge(*(_read_run(run) for run in runs), key=lambda record: record[0])
        for _key, group in itertools.groupby(merged, key=lambda record: record[0]):
            records = list(group)
            pairs = (
                records[0][2]
                if len(records) == 1
                else sorted(set(itertools.chain.from_iterable(r[2] for r in records)))
            )
            yield indent + records[0][1]
            last = len(pairs) - 1
            for index, (_pair, text) in enumerate(pairs):
                yield f"{indent}    {text}{' .' if index == last else ' ;'}"
            yield ""
    finally:
        for run in runs:
            run.close()


def _write_run(writer: _Writer, block: list[Quad | Triple]) -> IO[bytes]:
    by_subject: dict[Any, set[tuple[Any, Any]]] = defaultdict(set)
    for item in block:
        by_subject[item.subject].add((item.predicate, item.object))
    run = tempfile.TemporaryFile()  # noqa: SIM115  (closed by the merge that reads it)
    records: list[Record] = []
    for subject in sorted(by_subject, key=_term_key):
        pairs = []
        for predicate, obj in by_subject[subject]:
            verb = "a" if predicate.value == _RDF_TYPE else writer.iri(predicate.value)
            pairs.append(((_predicate_key(predicate), _term_key(obj)), f"{verb} {writer.term(obj)}"))
        pairs.sort()
        records.append((_term_key(subject), writer.term(subject), pairs))
        if len(records) >= _RECORDS_PER_PICKLE:
            pickle.dump(records, run, protocol=pickle.HIGHEST_PROTOCOL)
            records = []
    if records:
        pickle.dump(records, run, protocol=pickle.HIGHEST_PROTOCOL)
    run.seek(0)
    return run


def _read_run(run: IO[bytes]) -> Iterator[Record]:
    while True:
        try:
            records: list[Record] = pickle.load(run)  # noqa: S301  (our own temporary file)
        except EOFError:
            return
        yield from records


__all__ = ["SORT_IN_MEMORY", "QuadSource", "write_graphs", "write_trig", "write_turtle"]
