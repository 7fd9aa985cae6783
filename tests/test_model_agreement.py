"""``kg validate`` and ``kg add`` agree on every test file: what one refuses, the other refuses.

The corpus is every file of ``tests/model_cases/`` (mistakes, structural faults such as facts
outside any named graph, and good contributions) and of ``examples/``. Each file is validated in
context and added, both on the command line, each on its own fresh copy of the project; the two
must give the same verdict, and a refused ``kg add`` changes nothing.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from tests.conftest import ROOT, run_kg, tree_bytes

CASES = sorted((Path(__file__).resolve().parent / "model_cases").glob("*.trig")) + sorted(
    (ROOT / "examples").glob("*.trig")
)
ACCEPTED = {
    "minimal-contribution.trig",
    "post-as-stated.trig",
    "quotation-verbatim.trig",
    "new-post.trig",
    "modelling-example.trig",
}


def copy_project(target: Path) -> Path:
    for part in ("ontology", "data", "queries"):
        shutil.copytree(ROOT / part, target / part)
    return target


def test_the_corpus_has_good_and_bad_files() -> None:
    names = {path.name for path in CASES}
    assert names >= ACCEPTED
    assert len(names - ACCEPTED) >= 10


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.name)
def test_validate_and_add_agree(tmp_path: Path, case: Path) -> None:
    validated = run_kg("--project", copy_project(tmp_path / "validated"), "validate", case)
    added_project = copy_project(tmp_path / "added")
    before = tree_bytes(added_project)
    added = run_kg("--project", added_project, "add", case)
    assert validated.returncode in (0, 1), validated.stderr
    verdicts = {"validate": validated.returncode == 0, "add": added.returncode == 0}
    assert verdicts["validate"] == verdicts["add"], (verdicts, validated.stdout, added.stderr)
    assert verdicts["add"] == (case.name in ACCEPTED), (verdicts, validated.stdout, added.stderr)
    if not verdicts["add"]:
        assert tree_bytes(added_project) == before  # a refused add writes nothing
