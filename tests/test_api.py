"""The Python API: public names, results usable from a notebook."""

from __future__ import annotations

import rdflib

import kg


def test_public_names_are_explicit() -> None:
    assert sorted(kg.__all__) == sorted(
        [
            "EmbeddedStore",
            "Finding",
            "KgError",
            "Project",
            "QueryResult",
            "Stats",
            "Store",
            "ValidationReport",
            "__version__",
            "open_project",
            "validate_data",
        ]
    )
    for name in kg.__all__:
        assert hasattr(kg, name)


def test_rows_are_tuples_of_terms_and_dicts_of_python_values(project: kg.Project) -> None:
    result = project.query("agreement-count")
    assert result.kind == "select"
    row = result.dicts()[0]
    assert 21 in row.values()  # an xsd:integer comes back as a Python int
    assert all(isinstance(r, tuple) for r in result.rows)


def test_dataframe(project: kg.Project) -> None:
    frame = project.query("visited-sites").to_dataframe()
    assert len(frame) == 5
    variables = project.query("visited-sites").variables
    assert [c for c in frame.columns if c in variables] == variables
    assert set(frame.columns) - set(variables) <= {f"{v}_lang" for v in variables}


def test_construct_as_rdflib_graph(project: kg.Project) -> None:
    result = project.query("CONSTRUCT { ?s a org:Site } WHERE { ?s a/rdfs:subClassOf* org:Site }")
    graph = result.to_rdflib()
    assert isinstance(graph, rdflib.Graph)
    assert len(graph) == 5


def test_params_accept_terms_or_text(project: kg.Project) -> None:
    by_text = project.query("organization-profile", {"org": "kgr:actp-rf"})
    by_iri = project.query("organization-profile", {"org": "<https://kg.example.org/id/actp-rf>"})
    assert by_text.rows and by_text.rows == by_iri.rows


def test_validate_data_alone_and_in_context(project: kg.Project) -> None:
    from tests.test_validate_context import NEW_POST

    assert kg.validate_data(NEW_POST, project=project, standalone=False).conforms
    assert not kg.validate_data(NEW_POST, project=project, standalone=True).conforms


def test_stats(project: kg.Project) -> None:
    stats = project.stats()
    assert stats.triples == project.store.fact_count() == len({q.triple for q in project.store.quads()})
    classes = dict(stats.entities_by_class)
    assert classes["https://kg.example.org/ontology#SiteVisit"] == 5
    assert any(source.endswith("actp-rf-business-mission-results") for source, _, _ in stats.sources)
