"""``kg retract``: a source and every graph derived from it leave data/ and the store, all or
nothing, judged like any other change."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import kg
from conftest import ROOT, run_kg, tree_bytes
from kg.errors import UsageError, ValidationFailed

SOURCE = "https://example.org/news/press-release"
INFERENCE = """\
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix kgo: <https://kg.example.org/ontology#> .

<https://example.org/graph/press-release-inference> {
    <https://example.org/graph/press-release-inference>
        prov:wasDerivedFrom <https://example.org/graph/press-release-s1> .
    <https://example.org/id/anna-example> skos:altLabel "A. Example"@en .
}
"""


def _store_quads(project: kg.Project) -> set[str]:
    return {str(q) for q in project.store.quads()}


@pytest.mark.parametrize("on_disk", [False, True], ids=["memory", "disk"])
def test_retracting_an_added_source_leaves_data_and_store_as_before(
    project_dir: Path, tmp_path: Path, on_disk: bool
) -> None:
    store = ["--store", str(tmp_path / "store")] if on_disk else []
    post = tmp_path / "new-post.trig"
    shutil.copy(ROOT / "examples" / "new-post.trig", post)
    before_files = tree_bytes(project_dir / "data")
    stats = run_kg(
        "--project",
        project_dir,
        *store,
        "query",
        "-e",
        "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }",
        "-f",
        "csv",
    )
    assert stats.returncode == 0, stats.stderr
    added = run_kg("--project", project_dir, *store, "add", post)
    assert added.returncode == 0, added.stderr
    assert tree_bytes(project_dir / "data") != before_files
    retracted = run_kg("--project", project_dir, *store, "retract", SOURCE)
    assert retracted.returncode == 0, retracted.stderr
    assert "retracted" in retracted.stdout
    assert tree_bytes(project_dir / "data") == before_files
    after = run_kg(
        "--project",
        project_dir,
        *store,
        "query",
        "-e",
        "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }",
        "-f",
        "csv",
    )
    assert after.stdout == stats.stdout
    if on_disk:
        from kg.store.disk import DiskStore

        with DiskStore(tmp_path / "store", read_only=True) as reader:
            fresh = kg.open_project(project_dir)
            assert {str(q) for q in reader.quads()} == _store_quads(fresh)


def test_inference_graphs_resting_on_the_source_are_named_or_retracted_with_it(
    project_dir: Path, tmp_path: Path
) -> None:
    post = tmp_path / "new-post.trig"
    shutil.copy(ROOT / "examples" / "new-post.trig", post)
    inference = tmp_path / "press-release-inference.trig"
    inference.write_text(INFERENCE, encoding="utf-8")
    project = kg.open_project(project_dir)
    before_files = tree_bytes(project_dir / "data")
    before = _store_quads(project)
    project.add([post])
    project.add([inference])
    with pytest.raises(UsageError, match="press-release-inference"):
        project.retract(SOURCE)
    assert _store_quads(project) != before  # refused: nothing was taken out
    outcome = project.retract(SOURCE, with_inferences=True)
    assert "https://example.org/graph/press-release-inference" in outcome.graphs
    assert _store_quads(project) == before
    assert tree_bytes(project_dir / "data") == before_files


def test_a_retraction_that_breaks_the_rest_is_refused_and_changes_nothing(project_dir: Path) -> None:
    project = kg.open_project(project_dir)
    sources = project.query(
        "SELECT DISTINCT ?s WHERE { GRAPH ?g { ?g prov:wasDerivedFrom ?s } ?s a schema:WebSite }"
    ).rows
    assert sources, "the graph has reference sources"
    before_files = tree_bytes(project_dir / "data")
    before = _store_quads(project)
    refused = 0
    for (source,) in sources:
        assert source is not None
        try:
            project.retract(source.value)
        except UsageError:
            continue  # its graphs went with a source retracted before it
        except ValidationFailed as error:
            refused += 1
            assert not error.report.conforms
            assert _store_quads(project) == before
            assert tree_bytes(project_dir / "data") == before_files
        else:
            before, before_files = _store_quads(project), tree_bytes(project_dir / "data")
    assert refused, "some reference source is what other facts rest on"


def test_retracting_what_is_not_there_is_one_line_and_exit_2(project_dir: Path) -> None:
    done = run_kg("--project", project_dir, "retract", "https://example.org/news/nothing")
    assert done.returncode == 2
    assert done.stderr.startswith("kg: error: ") and done.stderr.count("\n") == 1
