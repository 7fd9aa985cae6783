"""Blank-node labelling within a budget: the same labels as Oxigraph's RDFC-1.0 where it can
label, a clear error (the same on every run) where it would take too long, and, for HTTP
answers only, a documented non-canonical fallback."""

from __future__ import annotations

import random
import time

import pyoxigraph
import pytest

from kg.canonical import canonical_trig, canonical_turtle, response_turtle
from kg.errors import CanonicalizationLimitError
from kg.rdfc import canonical_labels, relabel
from kg.terms import BlankNode, DefaultGraph, Literal, NamedNode, Quad, Triple

P = [NamedNode(f"http://127.0.0.1:1/p{i}") for i in range(3)]
LITERALS = [
    Literal("a"),
    Literal("a", language="en"),
    Literal('tab\there\x01\n"q"'),
    Literal("1", datatype=NamedNode("http://www.w3.org/2001/XMLSchema#integer")),
]


def clique(size: int) -> list[Quad]:
    left = [BlankNode() for _ in range(size)]
    right = [BlankNode() for _ in range(size)]
    return [Quad(a, P[0], b, DefaultGraph()) for a in left for b in right]


def random_dataset(rng: random.Random) -> list[Quad]:
    """A small dataset full of look-alike blank nodes, in graphs that may be blank too."""
    nodes = [BlankNode() for _ in range(rng.randint(1, 7))]
    graphs = [DefaultGraph(), NamedNode("http://127.0.0.1:1/g"), rng.choice(nodes)]
    quads = set()
    for _ in range(rng.randint(1, 14)):
        subject = rng.choice([*nodes, NamedNode("http://127.0.0.1:1/s")])
        roll = rng.random()
        if roll < 0.55:
            obj: object = rng.choice(nodes)
        elif roll < 0.8:
            obj = rng.choice(LITERALS)
        else:
            obj = Triple(rng.choice(nodes), P[1], rng.choice(nodes + LITERALS))
        quads.add(Quad(subject, rng.choice(P), obj, rng.choice(graphs)))  # type: ignore[arg-type]
    return list(quads)


def oxigraph_canonical(quads: list[Quad]) -> set[Quad]:
    dataset = pyoxigraph.Dataset(quads)
    dataset.canonicalize(pyoxigraph.CanonicalizationAlgorithm.RDFC_1_0)
    return set(dataset)


@pytest.mark.parametrize("seed", range(4))
def test_labels_are_oxigraphs_on_random_look_alike_datasets(seed: int) -> None:
    rng = random.Random(seed)
    for _ in range(100):
        quads = random_dataset(rng)
        assert set(relabel(quads, canonical_labels(quads))) == oxigraph_canonical(quads)


@pytest.mark.parametrize("size", [1, 2, 3, 4])
def test_small_cliques_are_labelled_as_oxigraph_does(size: int) -> None:
    quads = clique(size)
    assert set(relabel(quads, canonical_labels(quads))) == oxigraph_canonical(quads)


def test_a_hostile_clique_is_refused_quickly_and_the_same_way_every_time() -> None:
    messages = []
    for _ in range(2):
        start = time.monotonic()
        with pytest.raises(CanonicalizationLimitError) as refused:
            canonical_trig(clique(7))
        assert time.monotonic() - start < 10
        messages.append(str(refused.value))
    assert messages[0] == messages[1]
    assert "14 of them are interchangeable" in messages[0]


def test_http_answers_fall_back_to_the_engines_labels_and_say_so() -> None:
    quads = clique(8)
    with pytest.raises(CanonicalizationLimitError):
        canonical_turtle(quads)
    text, canonical = response_turtle(quads)
    assert not canonical
    assert text.count(" .\n") == 8  # one subject block per left node
    assert len(pyoxigraph.Dataset(pyoxigraph.parse(text.encode(), pyoxigraph.RdfFormat.TURTLE))) == 64
    small, canonical = response_turtle(clique(2))
    assert canonical and "_:c14n0" in small


def test_many_interchangeable_but_unlinked_blank_nodes_are_labelled() -> None:
    """Real data repeats blank structures (the same address twice): cheap, whatever their
    number."""
    country = NamedNode("http://127.0.0.1:1/country")
    quads = [Quad(BlankNode(), country, Literal("BY"), DefaultGraph()) for _ in range(5000)]
    start = time.monotonic()
    assert len(set(canonical_labels(quads).values())) == 5000
    assert time.monotonic() - start < 10
