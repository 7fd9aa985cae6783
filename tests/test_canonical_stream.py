"""The streaming writer gives the bytes of the in-memory one, whatever the sizes and blank nodes.

Every case is written both ways, with graphs sorted in memory and with every graph sorted in
runs on disk (a run size of a few quads), and from a store through ``kg export``.
"""

from __future__ import annotations

import io
import random
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

import pytest

import kg.canonical_stream as stream
from kg.api import Project
from kg.canonical import canonical_trig, canonical_turtle
from kg.project import ProjectFiles, find_root
from kg.rdfio import TRIG, parse_bytes
from kg.store.embedded import EmbeddedStore
from kg.terms import BlankNode, DefaultGraph, GraphName, Literal, NamedNode, Quad, Triple

GOLDEN = Path(__file__).parent / "golden"
EX = "https://kg.example.org/id/"


class _Quads:
    """A list of quads as a source, graph by graph."""

    def __init__(self, quads: Iterable[Quad]) -> None:
        self.by_graph: dict[GraphName, list[Quad]] = defaultdict(list)
        for quad in dict.fromkeys(quads):
            self.by_graph[quad.graph_name].append(quad)

    def graph_names(self) -> list[GraphName]:
        return list(self.by_graph)

    def graph_quads(self, graph: GraphName) -> list[Quad]:
        return list(self.by_graph.get(graph, []))


class _Triples(_Quads):
    def graph_names(self) -> list[GraphName]:
        return [DefaultGraph()]

    def graph_quads(self, graph: GraphName) -> list[Triple]:  # type: ignore[override]
        return list(
            dict.fromkeys(
                Triple(q.subject, q.predicate, q.object) for qs in self.by_graph.values() for q in qs
            )
        )


def _random_dataset(seed: int, blank: bool) -> list[Quad]:
    rng = random.Random(seed)
    nodes = [NamedNode(f"{EX}n{i}") for i in range(30)]
    if blank:
        nodes += [BlankNode(f"b{i}") for i in range(8)]
    graphs: list[GraphName] = [
        DefaultGraph(),
        *(NamedNode(f"https://kg.example.org/graph/g{i}") for i in range(6)),
    ]
    if blank:
        graphs.append(BlankNode("gb"))
    predicates = [
        NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
        NamedNode("http://www.w3.org/2004/02/skos/core#prefLabel"),
        NamedNode(f"{EX}p"),
        NamedNode("http://example.com/other#q"),
    ]
    literals = [
        Literal("a"),
        Literal("a", language="en"),
        Literal("1", datatype=NamedNode("http://www.w3.org/2001/XMLSchema#integer")),
        Literal('quote " and\nline'),
        Literal("\x01ctl"),
        Literal("2024-01-01", datatype=NamedNode("http://www.w3.org/2001/XMLSchema#date")),
    ]
    out = []
    for _ in range(400):
        obj = rng.choice([*nodes, *literals])
        out.append(Quad(rng.choice(nodes), rng.choice(predicates), obj, rng.choice(graphs)))
    return out


def _streamed(source: stream.QuadSource, turtle: bool = False) -> str:
    out = io.BytesIO()
    (stream.write_turtle if turtle else stream.write_trig)(source, out)
    return out.getvalue().decode()


@pytest.mark.parametrize("chunk", [10_000, 1, 2])
@pytest.mark.parametrize("run", [stream.SORT_IN_MEMORY, 7])
@pytest.mark.parametrize("blank", [False, True])
@pytest.mark.parametrize("seed", [1, 2])
def test_trig_and_turtle_match_the_in_memory_writer(
    monkeypatch: pytest.MonkeyPatch, run: int, blank: bool, seed: int, chunk: int
) -> None:
    """Whatever the run size and however the lines are handed to the spool."""
    monkeypatch.setattr(stream, "SORT_IN_MEMORY", run)
    monkeypatch.setattr(stream, "_LINES_PER_CHUNK", chunk)
    quads = _random_dataset(seed, blank)
    assert _streamed(_Quads(quads)) == canonical_trig(quads)
    triples = [Quad(q.subject, q.predicate, q.object, DefaultGraph()) for q in quads]
    assert _streamed(_Triples(quads), turtle=True) == canonical_turtle(triples)


@pytest.mark.parametrize("run", [stream.SORT_IN_MEMORY, 3])
def test_the_golden_file_streams_to_the_same_bytes(monkeypatch: pytest.MonkeyPatch, run: int) -> None:
    monkeypatch.setattr(stream, "SORT_IN_MEMORY", run)
    quads = parse_bytes((GOLDEN / "canonical-input.trig").read_bytes(), TRIG)
    assert _streamed(_Quads(quads)) == (GOLDEN / "canonical-output.trig").read_text(encoding="utf-8")


def test_an_empty_dataset_is_empty() -> None:
    assert _streamed(_Quads([])) == canonical_trig([]) == ""


def test_export_from_a_store_streams_the_canonical_bytes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(stream, "SORT_IN_MEMORY", 5)
    quads = _random_dataset(3, blank=True)
    store = EmbeddedStore()
    store.change(quads)
    project = Project(ProjectFiles(find_root()), store)
    assert project.export("trig").decode() == canonical_trig(list(store.quads()))
    facts = [Quad(t.subject, t.predicate, t.object, DefaultGraph()) for t in store.facts()]
    assert project.export("ttl").decode() == canonical_turtle(facts)
