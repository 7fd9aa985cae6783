"""The judge's narrowed look at a change finds exactly what revalidating everything finds.

For changes of generated data (additions with injected violations, removals of facts the shapes
read), the findings the change brings (:func:`kg.validate.judge.judge_change`) are the findings
of the whole graph after it that were not there before, whichever focus nodes they are about.
"""

from __future__ import annotations

import random
import sys

import pytest

from conftest import ROOT
from kg.api import Project
from kg.project import ProjectFiles, find_root
from kg.rdfio import N_QUADS, parse_bytes
from kg.store.embedded import EmbeddedStore
from kg.validate.fast import validate_store

sys.path.insert(0, str(ROOT / "bench"))
from generate import generate


def _quads(size: int, seed: int, violations: float, **options: object) -> list:
    parts: list[str] = []
    generate(size, seed, violations, parts.append, **options)  # type: ignore[arg-type]
    return parse_bytes("".join(parts).encode(), N_QUADS)


@pytest.fixture(scope="module")
def base() -> list:
    return _quads(3000, 5, 0.2)


def _keys(project: Project) -> set[tuple[object, ...]]:
    shapes = project.judge_shapes
    return {f.key() for f in validate_store(project.store, shapes.graph, shapes.compiled).findings}


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_change_brings_what_full_revalidation_finds(base: list, seed: int) -> None:
    rng = random.Random(seed)
    store = EmbeddedStore()
    store.change(base)
    project = Project(ProjectFiles(find_root()), store)
    added = _quads(600, seed, 0.5, header=False, first=1000 + seed * 10, link_to=1)
    removed = rng.sample([q for q in base if not q.graph_name.value.endswith("ontology")], 60)
    report = project.validate_change(added, removed)
    before = _keys(project)
    store.change(added, removed)
    after = _keys(project)
    shape_findings = {
        f.key() for f in report.findings if not f.component.startswith("https://kg.example.org/ontology#")
    }
    assert shape_findings == after - before
