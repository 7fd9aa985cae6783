"""The interoperability contract: what a client that knows only the standard vocabularies sees.

Each clause is an ASK query over the graph (data and ontology, as the store holds them). The
queries follow ``rdfs:subClassOf*`` and ``rdfs:subPropertyOf*`` through ``ontology/kg.ttl``,
which is what RDFS entailment gives such a client: data typed ``kgo:Technopark`` is an
``org:Organization`` because the ontology says so.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import kg

ROOT = Path(__file__).resolve().parents[1]

PROLOGUE = """\
PREFIX kgo: <https://kg.example.org/ontology#>
PREFIX kgr: <https://kg.example.org/id/>
PREFIX kgst: <https://kg.example.org/site-type/>
PREFIX dct: <http://purl.org/dc/terms/>
PREFIX fibo-agr: <https://spec.edmcouncil.org/fibo/ontology/FND/Agreements/Agreements/>
PREFIX foaf: <http://xmlns.com/foaf/0.1/>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX schema: <https://schema.org/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
"""

ORGANIZATIONS = [
    "actp-rf",
    "minsk-city-technopark",
    "fez-minsk",
    "fez-gomel-raton",
    "technopark-coral",
    "great-stone-industrial-park",
    "russian-delegation",
    "union-state",
]
SITES = [
    "minsk-city-technopark",
    "fez-minsk",
    "fez-gomel-raton",
    "technopark-coral",
    "great-stone-industrial-park",
]
PARTS = [
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

CLAUSES: dict[str, str] = {}
for name in ORGANIZATIONS:
    CLAUSES[f"{name} is an org:Organization with an English skos:prefLabel"] = f"""
        ASK {{ kgr:{name} a/rdfs:subClassOf* org:Organization ; skos:prefLabel ?label .
              FILTER(LANG(?label) = "en") }}"""
for name in SITES:
    CLAUSES[f"{name}-site is an org:Site, run by {name}, placed in Belarus"] = f"""
        ASK {{ kgr:{name}-site a/rdfs:subClassOf* org:Site ; skos:prefLabel ?label ;
                  schema:containedInPlace+ kgr:belarus .
              FILTER(LANG(?label) = "en")
              kgr:{name} org:hasSite kgr:{name}-site .
              kgr:belarus a/rdfs:subClassOf* schema:Country }}"""
for name in PARTS:
    CLAUSES[f"{name} is a schema:Event and a schema:subEvent of the mission"] = f"""
        ASK {{ kgr:{name} a/rdfs:subClassOf* schema:Event .
              kgr:business-mission-belarus schema:subEvent kgr:{name} }}"""
CLAUSES.update(
    {
        "every organization has an English skos:prefLabel": """
        ASK { FILTER NOT EXISTS {
                ?o a/rdfs:subClassOf* org:Organization .
                FILTER NOT EXISTS { ?o skos:prefLabel ?l FILTER(LANG(?l) = "en") } } }""",
        "every site is placed, directly or transitively, in a country": """
        ASK { FILTER NOT EXISTS {
                ?s a/rdfs:subClassOf* org:Site .
                FILTER NOT EXISTS { ?s schema:containedInPlace+ ?c .
                                    ?c a/rdfs:subClassOf* schema:Country } } }""",
        "people are foaf:Person with foaf:name": """
        ASK { kgr:mikhail-labudin a/rdfs:subClassOf* foaf:Person ; foaf:name "Mikhail Labudin" .
              kgr:yevgeny-kravchenko a/rdfs:subClassOf* foaf:Person ;
                  foaf:name "Yevgeny Kravchenko" }""",
        "Labudin holds the post 'director' in ACTP RF": """
        ASK { ?post a/rdfs:subClassOf* org:Post ; org:postIn kgr:actp-rf ;
                  org:heldBy kgr:mikhail-labudin ; skos:prefLabel "director"@en }""",
        "Kravchenko holds the post of Deputy Director ... in ACTP RF": """
        ASK { ?post a/rdfs:subClassOf* org:Post ; org:postIn kgr:actp-rf ;
                  org:heldBy kgr:yevgeny-kravchenko ;
                  skos:prefLabel ?title .
              FILTER(STR(?title) =
                     "Deputy Director of Analytical Activities and International Cooperation") }""",
        "the mission is a schema:Event organized by ACTP RF": """
        ASK { kgr:business-mission-belarus a/rdfs:subClassOf* schema:Event ;
                  schema:organizer kgr:actp-rf }""",
        "the mission went to Belarus (schema:location, and its sub-property)": """
        ASK { kgr:business-mission-belarus schema:location kgr:belarus ;
                  ?p kgr:belarus . ?p rdfs:subPropertyOf* schema:location .
              FILTER(?p != schema:location) }""",
        "the delegation takes part in the mission (kgo:delegation is a schema:participant)": """
        ASK { kgr:business-mission-belarus ?p kgr:russian-delegation .
              ?p rdfs:subPropertyOf* schema:participant }""",
        "nested parts: the plenary contains the Great Stone signing": """
        ASK { kgr:plenary-session schema:subEvent kgr:signing-great-stone .
              kgr:signing-great-stone schema:superEvent kgr:plenary-session }""",
        "nested parts: the meeting contains the Minsk City Technopark signing": """
        ASK { kgr:meeting-minsk-city-technopark schema:subEvent kgr:signing-minsk-city-technopark .
              kgr:signing-minsk-city-technopark schema:superEvent kgr:meeting-minsk-city-technopark }""",
        "each site visit has the site as its schema:location": """
        ASK { FILTER NOT EXISTS {
                ?visit a/rdfs:subClassOf* kgo:SiteVisit .
                FILTER NOT EXISTS { ?visit schema:location ?site .
                                    ?site a/rdfs:subClassOf* org:Site } } }""",
        "signings are schema:Events whose participants are the parties": """
        ASK { FILTER NOT EXISTS {
                ?agreement prov:wasGeneratedBy ?signing ; kgo:signedWith|kgo:signedBy ?party .
                FILTER NOT EXISTS { ?signing a/rdfs:subClassOf* schema:Event ;
                                             schema:participant ?party } } }""",
        "agreement groups are fibo Agreements generated by their signing": """
        ASK { kgr:agreements-minsk-city-technopark a/rdfs:subClassOf* fibo-agr:Agreement ;
                  prov:wasGeneratedBy kgr:signing-minsk-city-technopark .
              kgr:agreements-great-stone a/rdfs:subClassOf* fibo-agr:Agreement ;
                  prov:wasGeneratedBy kgr:signing-great-stone }""",
        "the total is a schema:QuantitativeValue, at least 21, 'More than 20'": """
        ASK { kgr:business-mission-belarus kgo:agreementsSigned ?total .
              ?total a schema:QuantitativeValue ; schema:minValue 21 ;
                  kgo:sourceWording "More than 20"@en .
              FILTER NOT EXISTS { ?total schema:value|schema:maxValue ?any } }""",
        "quotations have text, creator and source": """
        ASK { FILTER NOT EXISTS {
                ?q a/rdfs:subClassOf* schema:Quotation .
                FILTER NOT EXISTS { ?q schema:text ?t ; schema:creator ?c ;
                                       schema:isBasedOn kgr:actp-rf-business-mission-results } } }""",
        "there are three quotations: one reported, two direct": """
        ASK { kgr:quote-labudin-summary kgo:speechMode kgo:ReportedSpeech ;
                  schema:creator kgr:mikhail-labudin .
              kgr:quote-labudin-visit kgo:speechMode kgo:DirectSpeech ;
                  schema:creator kgr:mikhail-labudin .
              kgr:quote-kravchenko-potential kgo:speechMode kgo:DirectSpeech ;
                  schema:creator kgr:yevgeny-kravchenko ;
                  schema:about kgr:business-mission-belarus }""",
        "claims are schema:Claims of the speaker, not facts": """
        ASK { kgr:claim-residents-despite-sanctions a/rdfs:subClassOf* schema:Claim ;
                  schema:creator kgr:mikhail-labudin ; kgo:statedIn kgr:quote-labudin-visit ;
                  schema:text ?t1 .
              FILTER(CONTAINS(?t1, "despite sanctions"))
              kgr:claim-contacts-action-plans a/rdfs:subClassOf* schema:Claim ;
                  schema:creator kgr:mikhail-labudin ; schema:text ?t2 .
              FILTER(CONTAINS(?t2, "exchanged contacts")) }""",
        "the article is a schema:NewsArticle with url, headline, publisher, language": """
        ASK { kgr:actp-rf-business-mission-results a schema:NewsArticle ;
                  schema:url <http://akitrf.ru/en/news/actp-rf-business-mission-results/> ;
                  schema:headline "ACTP RF BUSINESS MISSION: RESULTS" ;
                  schema:publisher kgr:actp-rf ;
                  schema:inLanguage "en" }""",
        "quoted speakers are prov:Agents": """
        ASK { FILTER NOT EXISTS {
                ?g prov:wasQuotedFrom ?speaker .
                FILTER NOT EXISTS { ?speaker a/rdfs:subClassOf* prov:Agent } } }""",
        "every sentence graph is a prov:Entity derived from the article": """
        ASK { ?g a/rdfs:subClassOf* prov:Entity ;
                  prov:wasDerivedFrom kgr:actp-rf-business-mission-results ;
                  kgo:sentenceNumber 1 }""",
        "site types are SKOS concepts of kgst:scheme; a FEZ is a special economic zone": """
        ASK { kgst:free-economic-zone a skos:Concept ; skos:inScheme kgst:scheme ;
                  skos:broader kgst:special-economic-zone .
              kgr:fez-minsk-site kgo:siteType ?type . ?type skos:broader* kgst:special-economic-zone
              }""",
        "the Union State and its Russian name and founding come from a reference source": """
        ASK { kgr:union-state a/rdfs:subClassOf* org:Organization ;
                  skos:prefLabel "Union State"@en, "Союзное государство"@ru ;
                  schema:foundingDate "1999-12-08"^^xsd:date }""",
    }
)


@pytest.fixture(scope="module")
def project() -> kg.Project:
    return kg.open_project(ROOT)


@pytest.mark.parametrize("ask", CLAUSES.values(), ids=CLAUSES.keys())
def test_contract_clause_holds(project: kg.Project, ask: str) -> None:
    assert bool(project.store.query(PROLOGUE + ask)) is True


DATE_PREDICATES = [
    "schema:datePublished",
    "schema:dateCreated",
    "schema:dateModified",
    "dct:date",
    "dct:issued",
    "dct:created",
    "dct:modified",
]


def test_the_article_has_no_date(project: kg.Project) -> None:
    ask = f"""ASK {{ kgr:actp-rf-business-mission-results ?p ?o .
                    FILTER(?p IN ({", ".join(DATE_PREDICATES)})
                           || DATATYPE(?o) IN (xsd:date, xsd:dateTime, xsd:gYear)) }}"""
    assert bool(project.store.query(PROLOGUE + ask)) is False


def test_no_event_has_an_invented_date(project: kg.Project) -> None:
    ask = """ASK { ?e a/rdfs:subClassOf* schema:Event ;
                      schema:startDate|schema:endDate|schema:doorTime ?date }"""
    assert bool(project.store.query(PROLOGUE + ask)) is False


def test_the_plenary_session_has_no_stated_day(project: kg.Project) -> None:
    ask = "ASK { kgr:plenary-session kgo:missionDay ?day }"
    assert bool(project.store.query(PROLOGUE + ask)) is False
