"""Canonical Turtle and TriG: the same graph always gives the same bytes, and one fact is one line."""

from __future__ import annotations

import difflib
import random
from pathlib import Path

import pyoxigraph

from kg.canonical import canonical_trig, canonical_turtle
from kg.rdfio import N_QUADS, TRIG, parse_bytes

GOLDEN = Path(__file__).parent / "golden"


def _canonical_of(text: str) -> str:
    return canonical_trig(parse_bytes(text.encode(), TRIG))


def test_output_matches_the_golden_file() -> None:
    text = (GOLDEN / "canonical-input.trig").read_text(encoding="utf-8")
    assert _canonical_of(text) == (GOLDEN / "canonical-output.trig").read_text(encoding="utf-8")


def test_output_does_not_depend_on_input_order() -> None:
    quads = parse_bytes((GOLDEN / "canonical-input.trig").read_bytes(), TRIG)
    expected = canonical_trig(quads)
    for seed in range(5):
        shuffled = list(quads)
        random.Random(seed).shuffle(shuffled)
        # blank nodes get fresh ids on each parse: reparse the shuffled serialization
        reparsed = parse_bytes(pyoxigraph.serialize(shuffled, format=pyoxigraph.RdfFormat.N_QUADS), N_QUADS)
        assert canonical_trig(reparsed) == expected


def test_output_parses_back_to_the_same_dataset() -> None:
    quads = parse_bytes((GOLDEN / "canonical-input.trig").read_bytes(), TRIG)
    again = parse_bytes(canonical_trig(quads).encode(), TRIG)
    first, second = pyoxigraph.Dataset(quads), pyoxigraph.Dataset(again)
    first.canonicalize(pyoxigraph.CanonicalizationAlgorithm.RDFC_1_0)
    second.canonicalize(pyoxigraph.CanonicalizationAlgorithm.RDFC_1_0)
    assert first == second


def test_changing_one_fact_changes_one_line() -> None:
    text = (GOLDEN / "canonical-input.trig").read_text(encoding="utf-8")
    before = _canonical_of(text).splitlines()
    after = _canonical_of(text.replace('"Zeta"@en', '"Zeta Park"@en')).splitlines()
    changed = [
        line
        for line in difflib.unified_diff(before, after, lineterm="", n=0)
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]
    assert changed == ['-        skos:prefLabel "Zeta"@en ;', '+        skos:prefLabel "Zeta Park"@en ;']


def test_literals_never_span_lines() -> None:
    out = _canonical_of((GOLDEN / "canonical-input.trig").read_text(encoding="utf-8"))
    assert '"line one\\nline \\"two\\""' in out


def test_turtle_drops_graph_names_and_keeps_every_triple() -> None:
    quads = parse_bytes((GOLDEN / "canonical-input.trig").read_bytes(), TRIG)
    turtle = canonical_turtle(quads)
    assert "{" not in turtle
    triples = parse_bytes(turtle.encode(), TRIG)
    assert len(triples) == len({q.triple for q in quads})
