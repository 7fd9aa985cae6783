"""``facts-from-several-sources`` against the plain reading of its description, on random graphs.

The query pairs the sources of a fact instead of grouping every stated triple, so that it reads a
large store in little memory. These tests check that the pairing gives the rows the description
asks for: random sentence graphs, each derived from none, one or two sources, some of them
inferences, some describing themselves, answered by the query and by a few lines of Python.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
from hypothesis import given, settings
from hypothesis import strategies as st

import kg

ROOT = Path(__file__).resolve().parents[1]
KGR = "https://kg.example.org/id/"
KGG = "https://kg.example.org/graph/"
PROV_DERIVED = ox.NamedNode("http://www.w3.org/ns/prov#wasDerivedFrom")
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
INFERENCE = ox.NamedNode("https://kg.example.org/ontology#Inference")
GRAPHS = [ox.NamedNode(f"{KGG}g{i}") for i in range(5)]
SOURCES = [ox.NamedNode(f"{KGR}source-{i}") for i in range(3)]
THINGS = [ox.NamedNode(f"{KGR}thing-{i}") for i in range(3)]
PREDICATES = [ox.NamedNode(f"{KGR}p{i}") for i in range(2)]
OBJECTS = [
    *THINGS,
    ox.Literal("Minsk", language="en"),
    ox.Literal("7", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")),
]

Fact = tuple[ox.NamedNode, ox.NamedNode, ox.NamedNode | ox.Literal]

graph_shapes = st.lists(
    st.tuples(
        st.sets(st.sampled_from(SOURCES), max_size=2),  # the sources it is derived from
        st.booleans(),  # an inference
        st.sets(  # its triples; a subject may be the graph itself (None) or another graph
            st.tuples(
                st.sampled_from([*THINGS, *GRAPHS[:2], None]),
                st.sampled_from(PREDICATES),
                st.sampled_from(OBJECTS),
            ),
            max_size=6,
        ),
    ),
    min_size=len(GRAPHS),
    max_size=len(GRAPHS),
)


def _dataset(shapes: list[tuple[set[ox.NamedNode], bool, set[tuple]]]) -> ox.Store:
    """Named graphs as given, and a default graph that is their union, as kg's facts view is."""
    store = ox.Store()
    for graph, (sources, inference, triples) in zip(GRAPHS, shapes, strict=True):
        facts = [(graph if s is None else s, p, o) for s, p, o in triples]
        facts += [(graph, PROV_DERIVED, source) for source in sources]
        facts += [(graph, RDF_TYPE, INFERENCE)] if inference else []
        for s, p, o in facts:
            store.add(ox.Quad(s, p, o, graph))
            store.add(ox.Quad(s, p, o, ox.DefaultGraph()))
    return store


def _order(row: tuple[Fact, int, ox.NamedNode]) -> tuple[object, ...]:
    """Most sources first, then by the terms' text (the query's own order, with plain strings)."""
    return (-row[1], *(str(t) for t in row[0]), str(row[2]))


def _expected(store: ox.Store) -> list[tuple[Fact, int, ox.NamedNode]]:
    """The description read plainly: each triple a non-inference graph states about something
    other than itself, with the sources of all the graphs that state it, when there are two."""
    sources = {g: {q.object for q in store.quads_for_pattern(g, PROV_DERIVED, None, None)} for g in GRAPHS}
    inferences = {q.subject for q in store.quads_for_pattern(None, RDF_TYPE, INFERENCE, ox.DefaultGraph())}
    by_fact: dict[Fact, set[ox.NamedNode]] = {}
    for graph in GRAPHS:
        if graph in inferences:
            continue
        for q in store.quads_for_pattern(None, None, None, graph):
            if q.subject != graph:
                by_fact.setdefault((q.subject, q.predicate, q.object), set()).update(sources[graph])
    return sorted(
        ((fact, len(found), source) for fact, found in by_fact.items() if len(found) > 1 for source in found),
        key=_order,
    )


def _answered(store: ox.Store, text: str) -> list[tuple[Fact, int, ox.NamedNode]]:
    rows = []
    for solution in store.query(text):
        fact = (solution["subject"], solution["predicate"], solution["object"])
        rows.append((fact, int(solution["sources"].value), solution["source"]))
    return rows


QUERY = kg.open_project(ROOT).named_queries["facts-from-several-sources"].text


@settings(max_examples=150, deadline=None)
@given(graph_shapes)
def test_the_query_gives_each_fact_of_several_sources_once_per_source(shapes: list) -> None:
    store = _dataset(shapes)
    got = _answered(store, QUERY)
    assert sorted(got, key=_order) == _expected(store)
    assert len(got) == len(set(got))


def test_one_graph_derived_from_two_sources_is_two_sources() -> None:
    shapes = [({SOURCES[0], SOURCES[1]}, False, {(THINGS[0], PREDICATES[0], OBJECTS[3])})]
    shapes += [(set(), False, set())] * (len(GRAPHS) - 1)
    store = _dataset(shapes)
    fact = (THINGS[0], PREDICATES[0], OBJECTS[3])
    assert sorted(_answered(store, QUERY), key=str) == sorted(
        [(fact, 2, SOURCES[0]), (fact, 2, SOURCES[1])], key=str
    )


def test_an_inference_and_a_graph_about_itself_add_no_source() -> None:
    fact = (THINGS[0], PREDICATES[0], OBJECTS[0])
    shapes = [
        ({SOURCES[0]}, False, {fact}),
        ({SOURCES[1]}, True, {fact}),  # an inference states it
        ({SOURCES[2]}, False, {(None, PREDICATES[0], OBJECTS[0])}),  # about the graph itself
    ]
    shapes += [(set(), False, set())] * (len(GRAPHS) - len(shapes))
    assert _answered(_dataset(shapes), QUERY) == []
    shapes[1] = ({SOURCES[1]}, False, {fact})
    assert {row[2] for row in _answered(_dataset(shapes), QUERY)} == {SOURCES[0], SOURCES[1]}
