"""The vocabulary, the site types, the JSON-LD context, and the files that hold the content.

* every file of ``ontology/`` and ``data/`` parses, with pyoxigraph and with rdflib;
* every class and property of ``kgo:`` is documented (English label and comment) and aligned
  with a standard vocabulary; every ``kgo:`` term the data, shapes and queries use exists;
* the site types form a SKOS scheme with English and Russian labels;
* the JSON-LD context is self-contained and uses exactly the project's prefixes.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pyld.jsonld
import pyoxigraph as ox
import pytest
import rdflib
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS

from kg.namespaces import PREFIXES

ROOT = Path(__file__).resolve().parents[1]
KGO = "https://kg.example.org/ontology#"
KGST = "https://kg.example.org/site-type/"
ONTOLOGY = rdflib.URIRef("https://kg.example.org/ontology")
TURTLE_FILES = sorted((ROOT / "ontology").glob("*.ttl"))
TRIG_FILES = sorted((ROOT / "data").glob("*.trig"))
QUERY_FILES = sorted((ROOT / "queries").glob("*.rq"))
STANDARD = tuple(iri for name, iri in PREFIXES.items() if name not in ("kgo", "kgr", "kgg", "kgst"))


@pytest.fixture(scope="module")
def vocabulary() -> rdflib.Graph:
    return rdflib.Graph().parse(ROOT / "ontology" / "kg.ttl")


@pytest.fixture(scope="module")
def site_types() -> rdflib.Graph:
    return rdflib.Graph().parse(ROOT / "ontology" / "site-types.ttl")


def kgo_terms(graph: rdflib.Graph) -> set[rdflib.URIRef]:
    kinds = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)
    return {
        s
        for kind in kinds
        for s in graph.subjects(RDF.type, kind)
        if isinstance(s, rdflib.URIRef) and str(s).startswith(KGO)
    }


# --- files parse -------------------------------------------------------------------------------


@pytest.mark.parametrize("path", TURTLE_FILES + TRIG_FILES, ids=lambda p: p.name)
def test_file_parses_with_pyoxigraph_and_rdflib(path: Path) -> None:
    fmt = ox.RdfFormat.TRIG if path.suffix == ".trig" else ox.RdfFormat.TURTLE
    quads = list(ox.parse(path=str(path), format=fmt))
    dataset = rdflib.Dataset()
    dataset.parse(path, format="trig" if path.suffix == ".trig" else "turtle")
    assert quads
    assert len(set(quads)) == len(set(dataset.quads((None, None, None, None))))


def test_the_ontology_files_are_the_vocabulary_site_types_and_shapes() -> None:
    assert {p.name for p in TURTLE_FILES} == {"kg.ttl", "site-types.ttl", "shapes.ttl"}


# --- the vocabulary ----------------------------------------------------------------------------


def test_the_ontology_has_a_header(vocabulary: rdflib.Graph) -> None:
    assert (ONTOLOGY, RDF.type, OWL.Ontology) in vocabulary
    assert vocabulary.value(ONTOLOGY, DCTERMS.title) is not None
    assert vocabulary.value(ONTOLOGY, OWL.versionInfo) is not None
    assert vocabulary.value(ONTOLOGY, DCTERMS.license) is not None


def test_every_term_is_documented(vocabulary: rdflib.Graph) -> None:
    terms = kgo_terms(vocabulary)
    assert len(terms) > 30
    for term in terms:
        labels = {o.language for o in vocabulary.objects(term, RDFS.label)}
        comments = {o.language for o in vocabulary.objects(term, RDFS.comment)}
        assert "en" in labels, f"{term} has no English rdfs:label"
        assert "en" in comments, f"{term} has no English rdfs:comment"
        assert (term, RDFS.isDefinedBy, ONTOLOGY) in vocabulary, f"{term} has no rdfs:isDefinedBy"


def test_every_class_is_aligned_with_a_standard_class(vocabulary: rdflib.Graph) -> None:
    for cls in vocabulary.subjects(RDF.type, OWL.Class):
        if not str(cls).startswith(KGO):
            continue
        ancestors = {str(a) for a in vocabulary.transitive_objects(cls, RDFS.subClassOf)}
        assert any(a.startswith(STANDARD) for a in ancestors), f"{cls} is not aligned"


@pytest.mark.parametrize(
    ("cls", "standard"),
    [
        ("Association", "http://www.w3.org/ns/org#Organization"),
        ("Technopark", "http://www.w3.org/ns/org#Organization"),
        ("FreeEconomicZone", "http://www.w3.org/ns/org#Organization"),
        ("IndustrialPark", "http://www.w3.org/ns/org#Organization"),
        ("Delegation", "http://www.w3.org/ns/org#Organization"),
        ("StateUnion", "http://www.w3.org/ns/org#Organization"),
        ("InfrastructureSite", "http://www.w3.org/ns/org#Site"),
        ("BusinessMission", "https://schema.org/Event"),
        ("SiteVisit", "https://schema.org/Event"),
        ("Meeting", "https://schema.org/Event"),
        ("PlenarySession", "https://schema.org/Event"),
        ("AgreementSigning", "https://schema.org/Event"),
        ("GeneralMeeting", "https://schema.org/Event"),
        ("Speech", "https://schema.org/Event"),
        ("FoundingEvent", "https://schema.org/Event"),
        ("FoundingEvent", "http://www.w3.org/ns/org#ChangeEvent"),
        ("FederalSubject", "http://www.w3.org/ns/org#Organization"),
        ("FederalSubject", "https://schema.org/Place"),
        (
            "CooperationAgreement",
            "https://spec.edmcouncil.org/fibo/ontology/FND/Agreements/Agreements/Agreement",
        ),
        ("AgreementGroup", "https://schema.org/ItemList"),
        ("Claim", "https://schema.org/Claim"),
        ("SourceSentence", "http://www.w3.org/ns/prov#Entity"),
        ("ReferenceRecord", "http://www.w3.org/ns/prov#Entity"),
        ("Inference", "http://www.w3.org/ns/prov#Entity"),
    ],
)
def test_class_specialises_the_standard_one(vocabulary: rdflib.Graph, cls: str, standard: str) -> None:
    ancestors = set(vocabulary.transitive_objects(rdflib.URIRef(KGO + cls), RDFS.subClassOf))
    assert rdflib.URIRef(standard) in ancestors


def test_a_group_of_agreements_is_not_an_agreement(vocabulary: rdflib.Graph) -> None:
    """A client counting FIBO agreements counts none where a source names none."""
    agreement = rdflib.URIRef("https://spec.edmcouncil.org/fibo/ontology/FND/Agreements/Agreements/Agreement")
    for group in ("Group", "AgreementGroup"):
        ancestors = set(vocabulary.transitive_objects(rdflib.URIRef(KGO + group), RDFS.subClassOf))
        assert agreement not in ancestors, group


@pytest.mark.parametrize(
    ("prop", "standard"),
    [
        ("coOrganizer", "https://schema.org/organizer"),
        ("delegation", "https://schema.org/participant"),
        ("destinationCountry", "https://schema.org/location"),
        ("inSentence", "http://www.w3.org/ns/prov#wasDerivedFrom"),
        ("asStatedIn", "http://purl.org/dc/terms/source"),
        ("statedIn", "https://schema.org/appearance"),
    ],
)
def test_property_specialises_the_standard_one(vocabulary: rdflib.Graph, prop: str, standard: str) -> None:
    ancestors = set(vocabulary.transitive_objects(rdflib.URIRef(KGO + prop), RDFS.subPropertyOf))
    assert rdflib.URIRef(standard) in ancestors


@pytest.mark.parametrize("prop", ["signedBy", "signedWith"])
def test_the_party_properties_say_why_no_standard_one_fits(vocabulary: rdflib.Graph, prop: str) -> None:
    term = rdflib.URIRef(KGO + prop)
    assert vocabulary.value(term, RDFS.subPropertyOf) is None
    comment = str(vocabulary.value(term, RDFS.comment))
    assert "No standard property fits" in comment and "schema:participant" in comment


def test_speakers_are_prov_agents(vocabulary: rdflib.Graph) -> None:
    ancestors = set(
        vocabulary.transitive_objects(rdflib.URIRef("http://xmlns.com/foaf/0.1/Person"), RDFS.subClassOf)
    )
    assert rdflib.URIRef("http://www.w3.org/ns/prov#Agent") in ancestors


def used_kgo_terms() -> dict[str, set[str]]:
    """The kgo: terms the data, the shapes and the queries mention, by file."""
    used: dict[str, set[str]] = {}
    for path in TRIG_FILES + QUERY_FILES + [ROOT / "ontology" / "shapes.ttl"]:
        text = path.read_text(encoding="utf-8")
        names = set(re.findall(r"\bkgo:([A-Za-z][\w-]*)", text))
        used[path.name] = {n for n in names if not re.search(r"Shape(-|$)", n)}
    return used


def test_every_kgo_term_in_use_is_defined(vocabulary: rdflib.Graph) -> None:
    defined = {str(s)[len(KGO) :] for s in vocabulary.subjects() if str(s).startswith(KGO)}
    for name, terms in used_kgo_terms().items():
        assert terms <= defined, f"{name} uses undefined terms: {sorted(terms - defined)}"


# --- the site types ----------------------------------------------------------------------------


def test_the_site_types_are_a_skos_scheme(site_types: rdflib.Graph) -> None:
    scheme = rdflib.URIRef(KGST + "scheme")
    assert (scheme, RDF.type, SKOS.ConceptScheme) in site_types
    concepts = set(site_types.subjects(RDF.type, SKOS.Concept))
    assert {str(c)[len(KGST) :] for c in concepts} >= {
        "free-economic-zone",
        "special-economic-zone",
        "technopark",
        "industrial-park",
    }
    for concept in concepts:
        assert (concept, SKOS.inScheme, scheme) in site_types
        languages = {o.language for o in site_types.objects(concept, SKOS.prefLabel)}
        assert {"en", "ru"} <= languages, concept
        assert site_types.value(concept, SKOS.definition) is not None, concept
    assert (
        rdflib.URIRef(KGST + "free-economic-zone"),
        SKOS.broader,
        rdflib.URIRef(KGST + "special-economic-zone"),
    ) in site_types


# --- the JSON-LD context -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def context() -> dict[str, object]:
    document = json.loads((ROOT / "ontology" / "context.jsonld").read_text(encoding="utf-8"))
    assert set(document) == {"@context"}
    assert isinstance(document["@context"], dict)
    return document["@context"]


def test_the_context_is_self_contained(context: dict[str, object]) -> None:
    assert context.get("@version") == 1.1
    assert "@import" not in context
    for term, definition in context.items():
        if isinstance(definition, dict):
            assert "@context" not in definition, f"{term} has a scoped (possibly remote) context"


def test_the_context_declares_exactly_the_project_prefixes(context: dict[str, object]) -> None:
    declared = {
        term: iri for term, iri in context.items() if isinstance(iri, str) and iri.endswith(("/", "#"))
    }
    assert declared == dict(PREFIXES)


def test_the_context_expands_short_terms_to_standard_iris(context: dict[str, object]) -> None:
    document = {
        "@context": context,
        "id": "kgr:minsk-city-technopark",
        "type": "kgo:Technopark",
        "prefLabel": {"@value": "Minsk City Technopark", "@language": "en"},
        "hasSite": "kgr:minsk-city-technopark-site",
        "missionDay": "3",
    }
    nquads = pyld.jsonld.to_rdf(document, {"format": "application/n-quads"})
    triples = set(ox.parse(nquads.encode(), format=ox.RdfFormat.N_QUADS))
    mct = ox.NamedNode("https://kg.example.org/id/minsk-city-technopark")
    assert triples == {
        ox.Quad(mct, ox.NamedNode(str(RDF.type)), ox.NamedNode(KGO + "Technopark")),
        ox.Quad(mct, ox.NamedNode(str(SKOS.prefLabel)), ox.Literal("Minsk City Technopark", language="en")),
        ox.Quad(
            mct,
            ox.NamedNode("http://www.w3.org/ns/org#hasSite"),
            ox.NamedNode("https://kg.example.org/id/minsk-city-technopark-site"),
        ),
        ox.Quad(
            mct,
            ox.NamedNode(KGO + "missionDay"),
            ox.Literal("3", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")),
        ),
    }
