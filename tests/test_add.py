"""``add``: in-context validation first; then data/ and the store change together, or not at all."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.conftest import run_kg, tree_bytes
from tests.test_validate_context import BROKEN_POST, NEW_POST

import kg
from kg.errors import UsageError, ValidationFailed


def _store_dump(project: kg.Project) -> list[str]:
    return sorted(str(q) for q in project.store.quads())


def test_conforming_contribution_is_written_canonically_and_queryable(
    project_dir: Path, tmp_path: Path
) -> None:
    source = tmp_path / "press-secretary.trig"
    source.write_text(NEW_POST)
    project = kg.open_project(project_dir)
    outcome = project.add([source])
    assert outcome.quads == 10
    written = project_dir / "data" / "press-secretary.trig"
    assert outcome.files == [written]
    text = written.read_text()
    assert (
        text
        == kg.open_project(project_dir)
        .export("trig", graph=("<https://example.org/graph/new-article-s1>"))
        .decode()
    )
    answer = project.query("SELECT ?name WHERE { ?post org:postIn kgr:actp-rf ; org:heldBy/foaf:name ?name }")
    assert ("Anna Example",) in answer.table()
    reopened = kg.open_project(project_dir)  # the files are the truth
    assert ("Anna Example",) in reopened.query("SELECT ?name WHERE { ?p org:heldBy/foaf:name ?name }").table()


def test_non_conforming_contribution_changes_nothing(project_dir: Path, tmp_path: Path) -> None:
    source = tmp_path / "broken.trig"
    source.write_text(BROKEN_POST)
    project = kg.open_project(project_dir)
    files_before, store_before = tree_bytes(project_dir), _store_dump(project)
    with pytest.raises(ValidationFailed) as refused:
        project.add([source])
    assert not refused.value.report.conforms
    assert tree_bytes(project_dir) == files_before
    assert _store_dump(project) == store_before


def test_cli_add_refusal_leaves_the_on_disk_store_unchanged(project_dir: Path, tmp_path: Path) -> None:
    source = tmp_path / "broken.trig"
    source.write_text(BROKEN_POST)
    store = tmp_path / "store"
    assert run_kg("--project", project_dir, "--store", store, "stats").returncode == 0
    dump_before = run_kg("--project", project_dir, "--store", store, "export", "-f", "nq").stdout
    files_before = tree_bytes(project_dir)
    result = run_kg("--project", project_dir, "--store", store, "add", source)
    assert result.returncode == 1
    assert "not added" in result.stderr and "Traceback" not in result.stderr
    assert "<https://example.org/id/post-press>" in result.stdout
    assert tree_bytes(project_dir) == files_before
    assert run_kg("--project", project_dir, "--store", store, "export", "-f", "nq").stdout == dump_before


def test_facts_outside_a_named_graph_are_refused(project_dir: Path, tmp_path: Path) -> None:
    source = tmp_path / "loose.ttl"
    source.write_text('<https://example.org/a> <http://www.w3.org/2000/01/rdf-schema#label> "A" .')
    project = kg.open_project(project_dir)
    with pytest.raises(ValidationFailed) as refused:
        project.add([source])
    assert any("outside any named graph" in f.message for f in refused.value.report.findings)
    assert not project.validate([source]).conforms  # validate judges as add does


def test_a_graph_without_a_source_is_refused(project_dir: Path, tmp_path: Path) -> None:
    source = tmp_path / "nosource.trig"
    source.write_text(
        NEW_POST.replace(
            "<https://example.org/graph/new-article-s1> prov:wasDerivedFrom <https://example.org/news/1> .",
            "",
        )
    )
    project = kg.open_project(project_dir)
    with pytest.raises(ValidationFailed) as refused:
        project.add([source])
    assert any("does not say where its facts come from" in f.message for f in refused.value.report.findings)
    assert not project.validate([source]).conforms


def test_the_bundled_project_is_read_only(tmp_path: Path) -> None:
    from kg.project import ProjectFiles, bundled_root

    project = kg.Project(ProjectFiles(bundled_root()), kg.open_project().store)
    assert project.files.is_bundled
    source = tmp_path / "x.trig"
    source.write_text(NEW_POST)
    with pytest.raises(UsageError, match="read-only"):
        project.add([source])
