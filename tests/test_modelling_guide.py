"""docs/modelling.md cannot drift: its worked example is a real file, accepted and found.

* the TriG of the guide is ``examples/modelling-example.trig`` byte for byte, and the article text
  it shows is the text the file records;
* ``kg validate`` accepts it in the context of a copy of the project, with the warnings and the
  note the guide announces, and ``kg add`` writes it;
* the named queries the guide names then find it, with the answers the guide gives;
* every ``kgo:`` term and every named query the guide mentions exists.
"""

from __future__ import annotations

import json
import re

import pyoxigraph as ox
import pytest
import rdflib
from tests.conftest import ROOT, run_kg

import kg

GUIDE = (ROOT / "docs" / "modelling.md").read_text(encoding="utf-8")
EXAMPLE = ROOT / "examples" / "modelling-example.trig"
KGR = "https://kg.example.org/id/"
ARTICLE = KGR + "example-cluster-meeting"


def blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", GUIDE, flags=re.DOTALL)


def test_the_guide_shows_the_example_file_as_it_is() -> None:
    assert EXAMPLE.read_text(encoding="utf-8") in blocks("trig")


def test_the_article_text_shown_is_the_text_the_example_records() -> None:
    (shown,) = blocks("text")
    text = [
        q.object.value
        for q in ox.parse(path=str(EXAMPLE), format=ox.RdfFormat.TRIG)
        if q.subject == ox.NamedNode(ARTICLE) and q.predicate == ox.NamedNode("https://schema.org/text")
    ]
    assert text == [shown]


@pytest.fixture(scope="module")
def grown(tmp_path_factory: pytest.TempPathFactory) -> kg.Project:
    """A copy of the project, checked and then grown by the example, as the guide says."""
    import shutil

    folder = tmp_path_factory.mktemp("my-graph")
    for part in ("ontology", "data", "queries"):
        shutil.copytree(ROOT / part, folder / part)
    validated = run_kg("--project", folder, "validate", EXAMPLE, "--format", "json")
    assert validated.returncode == 0, validated.stdout
    assert json.loads(validated.stdout)["counts"] == {"Violation": 0, "Warning": 2, "Info": 1}
    added = run_kg("--project", folder, "add", EXAMPLE)
    assert added.returncode == 0, added.stderr
    assert (folder / "data" / "modelling-example.trig").is_file()
    return kg.open_project(folder)


def rows(project: kg.Project, name: str, **params: str) -> list[dict[str, str | None]]:
    result = project.query(name, params=params or None)
    return [dict(zip(result.variables, row, strict=True)) for row in result.table()]


def test_the_meeting_is_among_actp_rfs_activities(grown: kg.Project) -> None:
    meeting = [r for r in rows(grown, "organization-activities") if r["event"] == ARTICLE + ".meeting"]
    assert {(r["role"], r["when"]) for r in meeting} == {
        ("organizer", "06-05 (month-day; year not stated)"),
        ("took part", "06-05 (month-day; year not stated)"),
    }


def test_her_claim_and_its_count(grown: kg.Project) -> None:
    (claim,) = rows(grown, "claims", person="kgr:anna-example")
    assert claim["claim"] == ARTICLE + ".claim-ready-to-export"
    assert (claim["claimedMinimum"], claim["mode"], claim["about"]) == (
        "11",
        "direct speech",
        KGR + "example-industrial-cluster",
    )


def test_her_post_as_stated_in_the_article(grown: kg.Project) -> None:
    (post,) = rows(grown, "people-posts", org="kgr:example-industrial-cluster")
    assert (post["person"], post["title"], post["source"]) == (KGR + "anna-example", "head", ARTICLE)


def test_the_partner_met(grown: kg.Project) -> None:
    partners = rows(grown, "partners-of", org="kgr:example-industrial-cluster")
    assert {(r["partner"], r["relation"]) for r in partners} == {(KGR + "actp-rf", "met with")}


def test_the_inference_shows_with_its_sentences(grown: kg.Project) -> None:
    evidence = rows(grown, "evidence", entity="kgr:example-industrial-cluster")
    inferred = {r["source"] for r in evidence if r["kind"] == "inference"}
    assert inferred == {"https://kg.example.org/graph/example-cluster-meeting-s0" + n for n in "23"}


def test_every_term_the_guide_mentions_exists() -> None:
    vocabulary = rdflib.Graph().parse(ROOT / "ontology" / "kg.ttl")
    defined = {str(s) for s in vocabulary.subjects()}
    mentioned = set(re.findall(r"\bkgo:([A-Za-z]\w*)", GUIDE))
    assert len(mentioned) > 40
    missing = sorted(m for m in mentioned if "https://kg.example.org/ontology#" + m not in defined)
    assert missing == []


def test_every_query_the_guide_names_exists() -> None:
    """The queries the guide tells a curator to run (a query renamed must update the guide)."""
    named = set(re.findall(r"`(?:kg query )?([a-z]+(?:-[a-z]+)*)(?: --param[^`]*)?`", GUIDE))
    queries = {p.stem for p in (ROOT / "queries").glob("*.rq")}
    expected = {
        "label-search",
        "names",
        "organization-activities",
        "claims",
        "people-posts",
        "partners-of",
        "evidence",
    }
    assert expected <= named
    assert expected <= queries
