"""TriG of an on-disk store written by several processes gives the one-process writer's bytes.

The store is split into runs of graphs in their canonical order, each written by a process of
its own from the same generation; the parent joins the parts under one prefix header. A store
the parts cannot write (blank nodes, a store only this process can read) is left to the
one-process writer, and ``kg export`` then gives the same bytes.
"""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest
from tests.test_canonical_stream import _random_dataset

import kg.canonical_parts as parts
import kg.canonical_stream as stream
from kg.canonical import canonical_trig
from kg.store.disk import DiskStore
from kg.store.embedded import EmbeddedStore
from kg.terms import DefaultGraph, Literal, NamedNode, Quad


def _disk(tmp_path: Path, quads: list[Quad]) -> DiskStore:
    store = DiskStore(tmp_path / "graph.db")
    store.change(quads)
    return store


def _in_parts(store: DiskStore | EmbeddedStore, count: int) -> tuple[bool, str]:
    out = io.BytesIO()
    done = parts.write_trig_in_parts(store, out, stream.PREFIXES, parts=count)
    return done, out.getvalue().decode()


@pytest.mark.parametrize("count", [2, 3, 5])
@pytest.mark.parametrize("seed", [1, 2])
def test_parts_give_the_bytes_of_one_writer(tmp_path: Path, seed: int, count: int) -> None:
    quads = _random_dataset(seed, blank=False)
    store = _disk(tmp_path, quads)
    try:
        done, text = _in_parts(store, count)
        assert done
        assert text == canonical_trig(list(store.quads()))
    finally:
        store.close()


def test_a_part_without_lines_and_an_empty_default_graph(tmp_path: Path) -> None:
    """Only named graphs, fewer than the parts: some parts are empty."""
    g = NamedNode("https://kg.example.org/graph/only")
    quads = [Quad(NamedNode("https://kg.example.org/id/a"), NamedNode("urn:p"), Literal("x"), g)]
    store = _disk(tmp_path, quads)
    try:
        done, text = _in_parts(store, 4)
        assert done and text == canonical_trig(quads)
    finally:
        store.close()


def test_blank_nodes_are_left_to_the_one_process_writer(tmp_path: Path) -> None:
    quads = [q for q in _random_dataset(1, blank=True) if not isinstance(q.graph_name, DefaultGraph)]
    store = _disk(tmp_path, quads)
    try:
        done, text = _in_parts(store, 2)
        assert not done and text == ""
    finally:
        store.close()


def test_a_store_in_memory_is_not_split() -> None:
    store = EmbeddedStore()
    store.change(_random_dataset(1, blank=False))
    assert _in_parts(store, 2) == (False, "")


_PROBE = """
import sys, kg.canonical_parts as p, kg.cli as c
p.MIN_GRAPHS = int(sys.argv.pop(1))
p.processors = lambda: 2
calls = []
original = p.write_trig_in_parts
def counted(*a, **k):
    done = original(*a, **k)
    calls.append(done)
    return done
p.write_trig_in_parts = counted
try:
    c.main(sys.argv[1:])
except SystemExit as e:
    assert not e.code, e.code
print(calls)
"""


def _export(store: Path, out: Path, min_graphs: int) -> str:
    result = subprocess.run(
        [sys.executable, "-c", _PROBE, str(min_graphs), "--store", str(store), "export", "-o", str(out)],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return result.stdout.strip().splitlines()[-1]


def test_kg_export_of_a_big_store_is_written_in_parts(tmp_path: Path) -> None:
    """``kg --store`` fills the store from the bundled project; its graphs are split."""
    _disk(tmp_path, _random_dataset(2, blank=False)).close()
    one, split = tmp_path / "one.trig", tmp_path / "split.trig"
    assert _export(tmp_path / "graph.db", one, 10**9) == "[False]"  # too few graphs to split
    assert _export(tmp_path / "graph.db", split, 2) == "[True]"
    assert split.read_bytes() == one.read_bytes()
    assert split.read_text(encoding="utf-8").count(" {\n") > 10  # many named graphs
