"""The SHACL shapes: the mission graph conforms, and each kind of bad data is caught.

Every bad case below is a small contribution (one named graph with its provenance), validated
in the context of the project's graph, as ``kg validate`` does it. Each states the finding it
must produce: the focus node, the constraint component and the severity.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pyshacl
import pytest
import rdflib
from rdflib.namespace import OWL, RDF, RDFS, SH

import kg

ROOT = Path(__file__).resolve().parents[1]
SHAPES = ROOT / "ontology" / "shapes.ttl"
KGR = "https://kg.example.org/id/"
KGO = "https://kg.example.org/ontology#"
SCHEMA = "https://schema.org/"
SH_NS = "http://www.w3.org/ns/shacl#"

PREFIXES = """\
@prefix kgo: <https://kg.example.org/ontology#> .
@prefix kgr: <https://kg.example.org/id/> .
@prefix kgg: <https://kg.example.org/graph/> .
@prefix kgst: <https://kg.example.org/site-type/> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix schema: <https://schema.org/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""


def contribution(body: str) -> str:
    """``body`` as one named graph that says where it comes from."""
    return (
        PREFIXES + "kgg:contribution {\n"
        "  kgg:contribution prov:wasDerivedFrom kgr:actp-rf-business-mission-results .\n" + body + "\n}\n"
    )


@pytest.fixture(scope="module")
def project() -> kg.Project:
    return kg.open_project(ROOT)


@pytest.fixture(scope="module")
def shapes() -> rdflib.Graph:
    return rdflib.Graph().parse(SHAPES)


def validate(project: kg.Project, body: str) -> kg.ValidationReport:
    return kg.validate_data(contribution(body), "trig", project=project, standalone=False)


# --- the mission graph conforms ----------------------------------------------------------------


def test_the_mission_graph_has_no_violations(project: kg.Project) -> None:
    report = project.validate_graph()
    assert [f for f in report.findings if f.severity == "Violation"] == []
    assert report.conforms


def test_the_expected_warnings_are_the_unknown_dates(project: kg.Project) -> None:
    """The article dates nothing: each event and the article itself has no date. These are
    warnings (worth filling, never to be guessed), not violations."""
    report = project.validate_graph()
    warnings = {(f.focus, (f.path or "").strip("<>")) for f in report.findings if f.severity == "Warning"}
    events = [
        "business-mission-belarus",
        "visit-fez-minsk",
        "visit-fez-gomel-raton",
        "visit-technopark-coral",
        "visit-minsk-city-technopark",
        "visit-great-stone",
        "meeting-minsk-city-technopark",
        "signing-minsk-city-technopark",
        "plenary-session",
        "signing-great-stone",
    ]
    assert warnings == {(KGR + e, SCHEMA + "startDate") for e in events} | {
        (KGR + "actp-rf-business-mission-results", SCHEMA + "datePublished")
    }


def test_the_only_info_is_the_lower_bound_of_the_agreement_count(project: kg.Project) -> None:
    report = project.validate_graph()
    infos = [(f.focus, (f.path or "").strip("<>")) for f in report.findings if f.severity == "Info"]
    assert infos == [(KGR + "agreement-total", SCHEMA + "value")]


# --- the bad cases -----------------------------------------------------------------------------

BAD_CASES = {
    "organization without an English preferred label": (
        'kgr:new-technopark a kgo:Technopark ; skos:prefLabel "Новый технопарк"@ru .',
        "kgr:new-technopark",
        "QualifiedMinCountConstraintComponent",
    ),
    "organization with no preferred label at all": (
        'kgr:new-org a org:Organization ; skos:altLabel "NO"@en .',
        "kgr:new-org",
        "QualifiedMinCountConstraintComponent",
    ),
    "organization labelled with a plain string": (
        'kgr:new-org a org:Organization ; skos:prefLabel "New Org" .',
        "kgr:new-org",
        "QualifiedMinCountConstraintComponent",
    ),
    "site without an English preferred label": (
        'kgr:new-site a org:Site ; skos:prefLabel "Площадка"@ru ; '
        "schema:containedInPlace kgr:belarus . kgr:fez-minsk org:hasSite kgr:new-site .",
        "kgr:new-site",
        "QualifiedMinCountConstraintComponent",
    ),
    "post without org:postIn": (
        'kgr:new-post a org:Post ; skos:prefLabel "adviser"@en ; org:heldBy kgr:mikhail-labudin .',
        "kgr:new-post",
        "MinCountConstraintComponent",
    ),
    "post without org:heldBy": (
        'kgr:new-post a org:Post ; skos:prefLabel "adviser"@en ; org:postIn kgr:actp-rf .',
        "kgr:new-post",
        "MinCountConstraintComponent",
    ),
    "post without a title": (
        "kgr:new-post a org:Post ; org:postIn kgr:actp-rf ; org:heldBy kgr:mikhail-labudin .",
        "kgr:new-post",
        "MinCountConstraintComponent",
    ),
    "quotation without text": (
        "kgr:new-quote a schema:Quotation ; schema:creator kgr:mikhail-labudin ; "
        "schema:isBasedOn kgr:actp-rf-business-mission-results .",
        "kgr:new-quote",
        "MinCountConstraintComponent",
    ),
    "quotation without creator": (
        'kgr:new-quote a schema:Quotation ; schema:text "We did it."@en ; '
        "schema:isBasedOn kgr:actp-rf-business-mission-results .",
        "kgr:new-quote",
        "MinCountConstraintComponent",
    ),
    "quotation without source": (
        'kgr:new-quote a schema:Quotation ; schema:text "We did it."@en ; '
        "schema:creator kgr:mikhail-labudin .",
        "kgr:new-quote",
        "MinCountConstraintComponent",
    ),
    "agreement with no signing event": (
        'kgr:new-agreements a kgo:CooperationAgreementSet ; skos:prefLabel "Agreements"@en ; '
        "kgo:signedWith kgr:fez-minsk ; kgo:signedBy kgr:russian-delegation .",
        "kgr:new-agreements",
        "MinCountConstraintComponent",
    ),
    "agreement generated by an event that is not a signing": (
        'kgr:new-agreements a kgo:CooperationAgreementSet ; skos:prefLabel "Agreements"@en ; '
        "kgo:signedWith kgr:fez-minsk ; prov:wasGeneratedBy kgr:visit-fez-minsk .",
        "kgr:new-agreements",
        "ClassConstraintComponent",
    ),
    "site visit whose location is an organization, not a site": (
        "kgr:new-visit a kgo:SiteVisit ; schema:location kgr:fez-minsk ; "
        "schema:superEvent kgr:business-mission-belarus .",
        "kgr:new-visit",
        "ClassConstraintComponent",
    ),
    "site visit whose location is a country": (
        "kgr:new-visit a kgo:SiteVisit ; schema:location kgr:belarus ; "
        "schema:superEvent kgr:business-mission-belarus .",
        "kgr:new-visit",
        "ClassConstraintComponent",
    ),
    "ill-typed integer for the day of the mission": (
        "kgr:new-meeting a kgo:Meeting ; schema:participant kgr:fez-minsk, kgr:russian-delegation ;"
        ' kgo:missionDay "abc"^^xsd:integer .',
        "kgr:new-meeting",
        "DatatypeConstraintComponent",
    ),
    "string for the day of the mission": (
        "kgr:new-meeting a kgo:Meeting ; schema:participant kgr:fez-minsk, kgr:russian-delegation ;"
        ' kgo:missionDay "x" .',
        "kgr:new-meeting",
        "DatatypeConstraintComponent",
    ),
    "a second, ill-typed day on an existing event": (
        'kgr:meeting-minsk-city-technopark kgo:missionDay "abc"^^xsd:integer .',
        "kgr:meeting-minsk-city-technopark",
        "DatatypeConstraintComponent",
    ),
    "duration in days as words": (
        'kgr:business-mission-belarus kgo:durationDays "three" .',
        "kgr:business-mission-belarus",
        "DatatypeConstraintComponent",
    ),
    "founding date that is not a date": (
        'kgr:fez-minsk schema:foundingDate "2 March 1998" .',
        "kgr:fez-minsk",
        "DatatypeConstraintComponent",
    ),
    "counterparty who did not take part in the signing (SPARQL)": (
        'kgr:new-agreements a kgo:CooperationAgreementSet ; skos:prefLabel "Agreements"@en ; '
        "kgo:signedWith kgr:fez-minsk ; kgo:signedBy kgr:russian-delegation ; "
        "prov:wasGeneratedBy kgr:signing-great-stone .",
        "kgr:new-agreements",
        "SPARQLConstraintComponent",
    ),
    "visit to a site outside the destination country (SPARQL)": (
        'kgr:moscow-technopark a kgo:Technopark ; skos:prefLabel "Moscow Technopark"@en ; '
        "  org:hasSite kgr:moscow-technopark-site .\n"
        "kgr:moscow-technopark-site a kgo:InfrastructureSite ; "
        '  skos:prefLabel "Moscow Technopark"@en ; kgo:siteType kgst:technopark ; '
        "  schema:containedInPlace kgr:russia .\n"
        "kgr:new-visit a kgo:SiteVisit ; schema:location kgr:moscow-technopark-site ; "
        "  schema:superEvent kgr:business-mission-belarus .\n"
        "kgr:business-mission-belarus schema:subEvent kgr:new-visit .",
        "kgr:new-visit",
        "SPARQLConstraintComponent",
    ),
    "an event that is its own ancestor (SPARQL)": (
        "kgr:plenary-session schema:subEvent kgr:business-mission-belarus .\n"
        "kgr:business-mission-belarus schema:superEvent kgr:plenary-session .",
        "kgr:plenary-session",
        "SPARQLConstraintComponent",
    ),
    "claim attributed to someone other than its speaker (SPARQL)": (
        'kgr:new-claim a kgo:Claim ; schema:text "More than 20 cooperation agreements were '
        'signed" ; schema:creator kgr:yevgeny-kravchenko ; kgo:statedIn kgr:quote-labudin-visit ;'
        " schema:about kgr:business-mission-belarus .",
        "kgr:new-claim",
        "SPARQLConstraintComponent",
    ),
    "claim whose words are not in its quotation (SPARQL)": (
        'kgr:new-claim a kgo:Claim ; schema:text "Fewer than five agreements were signed" ; '
        "schema:creator kgr:mikhail-labudin ; kgo:statedIn kgr:quote-labudin-visit ; "
        "schema:about kgr:business-mission-belarus .",
        "kgr:new-claim",
        "SPARQLConstraintComponent",
    ),
    "quoted sentence whose speaker is not an agent": (
        "kgg:contribution a kgo:SourceSentence ; kgo:sentenceNumber 12 ; "
        '  kgo:sentenceText "A sentence."@en ; '
        "  prov:wasQuotedFrom kgr:business-mission-belarus .",
        "kgg:contribution",
        "ClassConstraintComponent",
    ),
    "speech mode that is neither direct nor reported": (
        "kgr:quote-kravchenko-potential kgo:speechMode kgr:actp-rf .",
        "kgr:quote-kravchenko-potential",
        "InConstraintComponent",
    ),
}


def expand(curie: str) -> str:
    prefix, _, local = curie.partition(":")
    return {"kgr": KGR, "kgg": "https://kg.example.org/graph/"}[prefix] + local


@pytest.mark.parametrize(("body", "focus", "component"), BAD_CASES.values(), ids=BAD_CASES.keys())
def test_bad_data_is_caught(project: kg.Project, body: str, focus: str, component: str) -> None:
    report = validate(project, body)
    assert not report.conforms
    found = {(f.focus, f.component, f.severity) for f in report.findings}
    assert (expand(focus), SH_NS + component, "Violation") in found, report.findings
    for finding in report.findings:
        assert finding.message, f"finding without a message: {finding}"


def test_two_sentence_graphs_with_the_same_number_are_caught(tmp_path: Path) -> None:
    """A SPARQL constraint over sibling graphs: checked on the whole graph of a project."""
    for part in ("ontology", "data", "queries"):
        shutil.copytree(ROOT / part, tmp_path / part)
    (tmp_path / "data" / "another-third-sentence.trig").write_text(
        contribution(
            "kgg:contribution a kgo:SourceSentence ; kgo:sentenceNumber 3 ; "
            '  kgo:sentenceText "Another third sentence."@en .'
        ),
        encoding="utf-8",
    )
    report = kg.open_project(tmp_path).validate_graph()
    found = {(f.focus, f.component, f.severity) for f in report.findings}
    assert (expand("kgg:contribution"), SH_NS + "SPARQLConstraintComponent", "Violation") in found
    assert (
        expand("kgg:actp-rf-business-mission-results-s03"),
        SH_NS + "SPARQLConstraintComponent",
        "Violation",
    ) in found


def test_a_one_sided_part_of_link_is_only_a_warning(project: kg.Project) -> None:
    """A new visit that names the mission as its super-event, while the mission does not list
    it: a gap worth closing, not an error."""
    report = validate(
        project,
        "kgr:new-visit a kgo:SiteVisit ; schema:location kgr:fez-minsk-site"
        " ; schema:superEvent kgr:business-mission-belarus .",
    )
    assert report.conforms
    assert (KGR + "new-visit", SH_NS + "SPARQLConstraintComponent", "Warning") in {
        (f.focus, f.component, f.severity) for f in report.findings
    }


# --- standard vocabularies are enough ----------------------------------------------------------

STANDARD_ONLY = """
  kgr:ivan-example a foaf:Person ; foaf:name "Ivan Example" .
  kgr:post-actp-rf-press-secretary a org:Post ; rdfs:label "press secretary"@en ;
      org:postIn kgr:actp-rf ; org:heldBy kgr:ivan-example .
  kgr:example-organization a org:Organization ; skos:prefLabel "Example Organization"@en ;
      org:hasSite kgr:example-site .
  kgr:example-site a org:Site ; skos:prefLabel "Example Site"@en ;
      schema:containedInPlace kgr:belarus .
  kgr:example-article a schema:NewsArticle ; schema:url <https://example.org/news/1> ;
      schema:headline "An example headline" .
  kgr:example-event a schema:Event ; schema:organizer kgr:actp-rf ;
      schema:location kgr:example-site ; schema:participant kgr:example-organization .
  kgr:example-quote a schema:Quotation ; schema:text "Example words."@en ;
      schema:creator kgr:ivan-example ; schema:isBasedOn kgr:example-article .
"""


def test_a_contribution_in_standard_vocabularies_only_passes_in_context(project: kg.Project) -> None:
    report = validate(project, STANDARD_ONLY)
    assert [f for f in report.findings if f.severity == "Violation"] == []
    assert report.conforms


def test_alone_the_same_contribution_lacks_the_organization_it_refers_to(project: kg.Project) -> None:
    """Without the graph, kgr:actp-rf is unknown, so the post is in no known organization."""
    report = kg.validate_data(contribution(STANDARD_ONLY), "trig", project=project, standalone=True)
    assert (KGR + "post-actp-rf-press-secretary", SH_NS + "ClassConstraintComponent") in {
        (f.focus, f.component) for f in report.findings if f.severity == "Violation"
    }


# --- the shapes graph itself -------------------------------------------------------------------


def test_the_shapes_graph_is_valid_shacl(shapes: rdflib.Graph) -> None:
    shacl_shacl = rdflib.Graph().parse(Path(pyshacl.__file__).parent / "assets" / "shacl-shacl.ttl")
    conforms, _graph, text = pyshacl.validate(shapes, shacl_graph=shacl_shacl, inference="none")
    assert conforms, text


def test_every_property_shape_has_a_name_a_message_and_a_deliberate_severity(shapes: rdflib.Graph) -> None:
    property_shapes = set(shapes.subjects(SH.path, None))
    assert len(property_shapes) > 50
    for shape in property_shapes:
        if (None, SH.qualifiedValueShape, shape) in shapes:
            continue  # a qualified value shape is a part of a constraint, not a constraint
        assert shapes.value(shape, SH.name) is not None, f"{shape} has no sh:name"
        assert (
            shapes.value(shape, SH.message) is not None
            or shapes.value(shapes.value(shape, SH.sparql), SH.message) is not None
        ), f"{shape} has no sh:message"
        assert shapes.value(shape, SH.severity) in (SH.Violation, SH.Warning, SH.Info), (
            f"{shape} has no explicit sh:severity"
        )


def test_every_sparql_constraint_has_a_message(shapes: rdflib.Graph) -> None:
    constraints = list(shapes.objects(None, SH.sparql))
    assert len(constraints) >= 2
    for constraint in constraints:
        assert shapes.value(constraint, SH.message) is not None
        assert shapes.value(constraint, SH.select) is not None


def test_all_three_severities_are_used(shapes: rdflib.Graph) -> None:
    assert set(shapes.objects(None, SH.severity)) == {SH.Violation, SH.Warning, SH.Info}


def test_every_class_of_the_ontology_has_a_node_shape(shapes: rdflib.Graph) -> None:
    ontology = rdflib.Graph().parse(ROOT / "ontology" / "kg.ttl")
    classes = {c for c in ontology.subjects(RDF.type, OWL.Class) if str(c).startswith(KGO)}
    standard = {
        rdflib.URIRef(iri)
        for iri in (
            "http://www.w3.org/ns/org#Organization",
            "http://www.w3.org/ns/org#Site",
            "http://www.w3.org/ns/org#Post",
            "http://xmlns.com/foaf/0.1/Person",
            SCHEMA + "Event",
            SCHEMA + "Quotation",
            SCHEMA + "NewsArticle",
            SCHEMA + "QuantitativeValue",
            "http://www.w3.org/2004/02/skos/core#Concept",
        )
    }
    targeted = set(shapes.objects(None, SH.targetClass))
    assert classes, "no classes found in ontology/kg.ttl"
    assert classes | standard <= targeted, sorted(map(str, (classes | standard) - targeted))


def path_iris(shapes: rdflib.Graph, path: rdflib.term.Node | None) -> set[str]:
    """The property IRIs a SHACL path is made of (sequence, alternative, inverse...)."""
    if path is None or path == RDF.nil:
        return set()
    if isinstance(path, rdflib.URIRef):
        return {str(path)}
    return {iri for _p, inner in shapes.predicate_objects(path) for iri in path_iris(shapes, inner)}


def test_shapes_of_standard_classes_ask_only_for_standard_terms(shapes: rdflib.Graph) -> None:
    """A contribution written with org, foaf, schema, prov and skos alone can pass: what the
    shapes of those classes require (sh:minCount) is standard."""
    for shape, target in shapes.subject_objects(SH.targetClass):
        if str(target).startswith(KGO):
            continue
        for property_shape in shapes.objects(shape, SH.property):
            if (
                shapes.value(property_shape, SH.minCount) is None
                and shapes.value(property_shape, SH.qualifiedMinCount) is None
            ):
                continue  # constrains a value if present; asks for nothing
            required = path_iris(shapes, shapes.value(property_shape, SH.path))
            assert required, property_shape
            assert not any(iri.startswith(KGO) for iri in required), (shape, property_shape)


def test_the_shapes_describe_themselves(shapes: rdflib.Graph) -> None:
    header = rdflib.URIRef("https://kg.example.org/ontology/shapes")
    assert (header, RDF.type, OWL.Ontology) in shapes
    assert shapes.value(header, RDFS.label) is not None
