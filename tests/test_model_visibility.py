"""Conforming data is visible to the named queries: the shapes ask for every term they rely on.

``tests/model_cases/minimal-contribution.trig`` is a small contribution that conforms with no
violation and no warning. Each named query must find it (the row names a given node). Then its
facts are taken away one at a time: whenever a query stops finding the contribution, validating
what is left must report a violation or a warning, so that no conforming data goes unseen by a
query without the curator being told. The graphs' descriptions of themselves are left alone (a
graph without provenance is refused by the structural rules), and so are the few facts that are
the answer a query asks for (listed below, each with why).
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph
import pytest

import kg

ROOT = Path(__file__).resolve().parents[1]
CONTRIBUTION = Path(__file__).resolve().parent / "model_cases" / "minimal-contribution.trig"
KGR = "https://kg.example.org/id/"
X = KGR + "example-mission-news."
SKOS = "http://www.w3.org/2004/02/skos/core#"
SCHEMA = "https://schema.org/"
KGO = "https://kg.example.org/ontology#"
COMPANY = KGR + "example-technopark-company"
SITE = KGR + "example-technopark-site"

#: each named query: its parameters, and the node of the contribution a row must name
FINDS: dict[str, tuple[dict[str, str], str]] = {
    "agreement-count": ({"mission": "kgr:example-mission-news.mission"}, X + "agreements"),
    "agreement-partners": ({"mission": "kgr:example-mission-news.mission"}, COMPANY),
    "claims": ({"person": "kgr:ivan-example"}, X + "claim-we-will-be-back"),
    "evidence": ({"entity": "kgr:example-technopark-company"}, KGR + "source-example-org"),
    "facts-from-several-sources": ({}, COMPANY),
    "hosts-and-signatories": ({"mission": "kgr:example-mission-news.mission"}, COMPANY),
    "label-search": ({"text": "Example Technopark Company"}, COMPANY),
    "mentions": ({"entity": "kgr:example-technopark-company"}, KGR + "example-mission-news"),
    "mission-aims": ({"mission": "kgr:example-mission-news.mission"}, KGR + "actp-rf"),
    "mission-timeline": ({"mission": "kgr:example-mission-news.mission"}, X + "signing"),
    "names": ({}, COMPANY),
    "organization-activities": ({"org": "kgr:actp-rf"}, X + "mission"),
    "organization-profile": ({"org": "kgr:example-technopark-company"}, X + "agreements"),
    "organized-events": ({"org": "kgr:actp-rf"}, X + "mission"),
    "partners-of": ({"org": "kgr:example-technopark-company"}, X + "delegation"),
    "people-posts": ({"org": "kgr:actp-rf"}, KGR + "ivan-example"),
    "quotations-by-person": ({"person": "kgr:ivan-example"}, X + "quote-s03"),
    "representatives": ({"org": "kgr:actp-rf"}, KGR + "ivan-example"),
    "site-locations": ({"site": "kgr:example-technopark-site"}, KGR + "belarus"),
    "sites-by-type": ({"type": "kgst:technopark"}, SITE),
    "sources": ({}, KGR + "source-example-org"),
    "visited-sites": ({"mission": "kgr:example-mission-news.mission"}, SITE),
}

#: facts that are the answer a query asks for: without them there is nothing to find
ANSWERS = {
    # "how many agreements": a group whose size no source states is rightly not counted
    (X + "agreements", KGO + "memberCount", X + "agreements-count"),
    (X + "agreements-count", SCHEMA + "value", "3"),
    # "what the mission was for": a mission with no stated aim has none to show
    (X + "mission", KGO + "aim", "strengthen ties"),
    # "things known under several names": the second name is the answer
    (COMPANY, SKOS + "altLabel", "ETC"),
    # "facts supported by more than one source": either statement of the repeated fact
    (COMPANY, "http://www.w3.org/1999/02/22-rdf-syntax-ns#type", KGO + "Technopark"),
    (COMPANY, SKOS + "prefLabel", "Example Technopark Company"),
}


def quads() -> list[pyoxigraph.Quad]:
    return list(pyoxigraph.parse(path=str(CONTRIBUTION), format=pyoxigraph.RdfFormat.TRIG))


def key(quad: pyoxigraph.Quad) -> tuple[str, str, str]:
    return (quad.subject.value, quad.predicate.value, quad.object.value)  # type: ignore[union-attr]


def serialize(data: list[pyoxigraph.Quad]) -> str:
    return pyoxigraph.serialize(data, format=pyoxigraph.RdfFormat.N_QUADS).decode()


@pytest.fixture(scope="module")
def project() -> kg.Project:
    return kg.open_project(ROOT)


@pytest.fixture(scope="module")
def store(project: kg.Project) -> pyoxigraph.Store:
    """The project's graph with the contribution added, in named graphs as the files hold them."""
    engine = pyoxigraph.Store()
    engine.extend(
        pyoxigraph.Quad(q.subject, q.predicate, q.object, q.graph_name) for q in project.store.quads()
    )
    engine.extend(quads())
    return engine


def finds(project: kg.Project, store: pyoxigraph.Store, name: str) -> bool:
    params, node = FINDS[name]
    named = project.named_query(name)
    values = "".join(f"VALUES ?{p} {{ {v} }} " for p, v in named.bindings(params or None).items())
    solutions = store.query(
        named.text.replace("WHERE {", "WHERE { " + values, 1), use_default_graph_as_union=True
    )
    return any(
        isinstance(term, pyoxigraph.NamedNode | pyoxigraph.Literal) and term.value == node
        for solution in solutions
        for term in solution
    )


def findings(project: kg.Project, data: list[pyoxigraph.Quad]) -> set[tuple[str, str, str]]:
    report = kg.validate_data(serialize(data), "nq", project=project, standalone=False)
    return {(f.severity, f.focus, f.shape) for f in report.findings if f.severity in ("Violation", "Warning")}


def test_every_named_query_is_covered() -> None:
    assert set(FINDS) == {p.stem for p in (ROOT / "queries").glob("*.rq")}


def test_the_contribution_conforms_with_no_warning(project: kg.Project) -> None:
    assert findings(project, quads()) == set()


@pytest.mark.parametrize("name", sorted(FINDS))
def test_each_named_query_finds_the_contribution(
    project: kg.Project, store: pyoxigraph.Store, name: str
) -> None:
    assert finds(project, store, name), f"{name} does not find {FINDS[name][1]}"


def test_what_the_queries_rely_on_the_shapes_ask_for(project: kg.Project, store: pyoxigraph.Store) -> None:
    contribution = quads()
    graphs = {q.graph_name for q in contribution}
    unseen: list[str] = []
    removable = [q for q in contribution if q.subject not in graphs and key(q) not in ANSWERS]
    assert len(removable) > 60
    for quad in removable:
        store.remove(quad)
        try:
            lost = [name for name in FINDS if not finds(project, store, name)]
        finally:
            store.add(quad)
        if lost and not findings(project, [q for q in contribution if q != quad]):
            unseen.append(f"{key(quad)}: {', '.join(lost)} stop finding the data, and nothing is reported")
    assert unseen == []
