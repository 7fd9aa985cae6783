"""Validation of new data in the context of the graph, and its reports."""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph
import pytest

import kg
from kg.rdfio import TURTLE, parse_bytes

NEW_POST = """
@prefix kgr: <https://kg.example.org/id/> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix schema: <https://schema.org/> .
<https://example.org/graph/new-article-s1> {
  <https://example.org/graph/new-article-s1> prov:wasDerivedFrom <https://example.org/news/1> .
  <https://example.org/news/1> a schema:NewsArticle ;
      schema:url <https://example.org/news/1> ; schema:headline "ACTP appoints a press secretary" .
  <https://example.org/id/post-press> a org:Post ; rdfs:label "Press Secretary" ;
      org:postIn kgr:actp-rf ; org:heldBy <https://example.org/id/anna> .
  <https://example.org/id/anna> a foaf:Person ; foaf:name "Anna Example" .
}
"""

BROKEN_POST = NEW_POST.replace("org:postIn kgr:actp-rf ;", "")


@pytest.fixture
def contribution(tmp_path: Path) -> Path:
    path = tmp_path / "new-article.trig"
    path.write_text(NEW_POST)
    return path


def test_standard_vocabulary_contribution_is_accepted_in_context(
    project: kg.Project, contribution: Path
) -> None:
    report = project.validate([contribution])
    assert report.conforms, report.to_text()
    assert not [f for f in report.findings if f.severity == "Violation"]


def test_the_same_file_alone_is_rejected(project: kg.Project, contribution: Path) -> None:
    report = project.validate([contribution], standalone=True)
    assert not report.conforms
    focus = {f.focus for f in report.findings if f.severity == "Violation"}
    assert "https://example.org/id/post-press" in focus


def test_a_post_with_no_organization_is_reported_with_its_label(project: kg.Project, tmp_path: Path) -> None:
    path = tmp_path / "broken.trig"
    path.write_text(BROKEN_POST)
    report = project.validate([path])
    assert not report.conforms
    violations = [f for f in report.findings if f.severity == "Violation"]
    assert {f.focus for f in violations} == {"https://example.org/id/post-press"}
    assert any(f.path == "<http://www.w3.org/ns/org#postIn>" for f in violations)
    assert violations[0].label == "Press Secretary"
    text = report.to_text()
    assert "Press Secretary <https://example.org/id/post-press>" in text
    assert "Violation: org:postIn" in text


def test_only_findings_about_the_new_data_are_reported(project: kg.Project, contribution: Path) -> None:
    everything = project.validate_graph()
    touched = {
        "https://example.org/id/post-press",
        "https://example.org/id/anna",
        "https://example.org/news/1",
        "https://kg.example.org/id/actp-rf",
        "https://example.org/graph/new-article-s1",
    }
    report = project.validate([contribution])
    assert {f.focus for f in report.findings} <= touched
    # the graph's own warnings (events without dates) are not the contribution's doing
    assert everything.findings and not (
        {f.key() for f in everything.findings} & {f.key() for f in report.findings}
    )


def test_json_report_follows_the_documented_schema(project: kg.Project, tmp_path: Path) -> None:
    path = tmp_path / "broken.trig"
    path.write_text(BROKEN_POST)
    document = json.loads(project.validate([path]).to_json())
    assert set(document) == {"conforms", "standalone", "counts", "findings"}
    assert document["conforms"] is False
    assert document["counts"]["Violation"] >= 1
    assert set(document["findings"][0]) == {
        "focus",
        "label",
        "path",
        "value",
        "severity",
        "component",
        "shape",
        "message",
    }


def test_turtle_report_is_a_shacl_validation_report(project: kg.Project, tmp_path: Path) -> None:
    path = tmp_path / "broken.trig"
    path.write_text(BROKEN_POST)
    text = project.validate([path]).to_turtle()
    store = pyoxigraph.Store()
    store.extend(parse_bytes(text.encode(), TURTLE))
    sh = "http://www.w3.org/ns/shacl#"
    assert store.query(
        f"ASK {{ ?r a <{sh}ValidationReport> ; <{sh}conforms> false ; "
        f"<{sh}result> [ <{sh}focusNode> <https://example.org/id/post-press> ; "
        f"<{sh}resultSeverity> <{sh}Violation> ] }}"
    )


def test_fail_on_warning_turns_warnings_into_failure(project: kg.Project, tmp_path: Path) -> None:
    event = NEW_POST.replace(
        '<https://example.org/id/anna> a foaf:Person ; foaf:name "Anna Example" .',
        '<https://example.org/id/anna> a foaf:Person ; foaf:name "Anna Example" .\n'
        "  <https://example.org/id/briefing> a schema:Event ; "
        'schema:name "Press briefing"@en ; schema:organizer kgr:actp-rf .',
    )
    path = tmp_path / "event.trig"
    path.write_text(event)
    lenient = project.validate([path])
    strict = project.validate([path], fail_on="warning")
    assert lenient.conforms
    assert any(f.severity == "Warning" for f in strict.findings)
    assert not strict.conforms


def test_context_follows_backwards_only_the_links_the_shapes_follow_backwards(project: kg.Project) -> None:
    from kg.terms import NamedNode
    from kg.validate.context import backward_predicates, neighbourhood

    reads = [step for check in project.judge_shapes.compiled.checks for step in check.reads]
    backward = {n.value for n in backward_predicates(reads) or ()}
    assert {
        "http://www.w3.org/ns/org#hasSite",  # sh:inversePath
        "http://www.w3.org/ns/prov#wasGeneratedBy",  # sh:inversePath
        "https://schema.org/superEvent",
    } <= backward  # ^schema:superEvent in a constraint
    held_by = "http://www.w3.org/ns/org#heldBy"
    assert held_by not in backward  # no shape asks who holds a person's posts
    labudin = NamedNode("https://kg.example.org/id/mikhail-labudin")
    everything = neighbourhood(project.store, [labudin])
    lean = neighbourhood(project.store, [labudin], backward=backward_predicates(reads))
    assert any(t.predicate.value == held_by and t.object == labudin for t in everything)
    assert not any(t.predicate.value == held_by and t.object == labudin for t in lean)
    assert all(t.predicate.value in backward for t in lean if t.object == labudin)
