"""The interoperability contract: what a client that knows only the standard vocabularies sees.

Each clause is an ASK query over the graph (data and ontology, as the store holds them). The
queries follow ``rdfs:subClassOf*`` and ``rdfs:subPropertyOf*`` through ``ontology/kg.ttl``,
which is what RDFS entailment gives such a client: data typed ``kgo:Technopark`` is an
``org:Organization``, and ``kgo:coOrganizer`` is a ``schema:organizer``, because the ontology
says so.
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
PREFIX m: <https://kg.example.org/id/actp-rf-business-mission-results.>
PREFIX itc: <https://kg.example.org/id/actp-rf-itc-organizing-committee.>
PREFIX agm: <https://kg.example.org/id/actp-rf-annual-general-meeting.>
PREFIX klg: <https://kg.example.org/id/actp-rf-director-kaluga-meetings.>
"""

ORGANIZATIONS = [
    "kgr:actp-rf",
    "kgr:actp-rf-international-cooperation-department",
    "kgr:minsk-city-technopark",
    "kgr:fez-minsk",
    "kgr:fez-gomel-raton",
    "kgr:technopark-coral",
    "kgr:great-stone-industrial-park",
    "kgr:union-state",
    "kgr:itc-2024-organizing-committee",
    "kgr:brics",
    "kgr:international-association-of-sezs-of-brics-countries",
    "kgr:interregional-association-import-substitution-central-russia",
    "kgr:ryazan-region",
    "kgr:kaluga-region",
    "kgr:government-of-russia",
    "kgr:ministry-of-industry-and-trade-of-russia",
    "kgr:azarovsky-industrial-technopark",
    "m:delegation",
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
EVENTS = [
    "m:mission",
    "itc:congress",
    "itc:committee-meeting",
    "itc:brics-sez-founders-conference",
    "itc:russian-brics-presidency-2024",
    "agm:general-meeting",
    "agm:main-part",
    "agm:founding-interregional-association",
    "agm:welcoming-speech",
    "klg:meeting-labudin-popov",
    "klg:practical-session",
    "klg:talk-labudin",
]
#: every post as stated: person, organization (or unit), title exactly as stated, source
POSTS = [
    ("mikhail-labudin", "actp-rf", "director", "actp-rf-business-mission-results"),
    (
        "yevgeny-kravchenko",
        "actp-rf",
        "Deputy Director of Analytical Activities and International Cooperation",
        "actp-rf-business-mission-results",
    ),
    ("mikhail-labudin", "actp-rf", "Director", "actp-rf-itc-organizing-committee"),
    (
        "timofey-buneev",
        "actp-rf-international-cooperation-department",
        "Head",
        "actp-rf-itc-organizing-committee",
    ),
    ("nikolay-lyubimov", "ryazan-region", "Head", "actp-rf-annual-general-meeting"),
    ("mikhail-labudin", "actp-rf", "Director", "actp-rf-director-kaluga-meetings"),
    ("vladimir-popov", "kaluga-region", "Deputy Governor", "actp-rf-director-kaluga-meetings"),
]
#: each source as given: address, headline (None: the stored copy has none)
ARTICLES = {
    "actp-rf-business-mission-results": (
        "http://akitrf.ru/en/news/actp-rf-business-mission-results/",
        "ACTP RF BUSINESS MISSION: RESULTS",
    ),
    "actp-rf-itc-organizing-committee": (
        "https://akitrf.ru/en/news/actp-rf-at-the-meeting-of-the-organizing-committee-of-the-international-"
        "technological-congress/",
        "ACTP RF at the meeting of the Organizing Committee of the International Technological Congress",
    ),
    "actp-rf-annual-general-meeting": (
        "https://akitrf.ru/en/news/the-annual-general-meeting-of-actp-rf-members/",
        "The annual general meeting of ACTP RF members",
    ),
    "actp-rf-director-kaluga-meetings": (
        "https://www.akitrf.ru/en/news/the-director-of-the-association-held-a-number-of-meetings-with-the-"
        "industrial-community-of-the-kalug/",
        None,
    ),
}
#: every name the articles give ACTP RF (a leading "the" of the sentence left out)
ACTP_RF_NAMES = [
    "ACTP RF",
    "Association of Clusters, Technoparks, and Special Economic Zones of Russia",
    "ACTP of the Russian Federation",
    "The Association of Clusters, Technology Parks and SEZ of Russia",
    "Association of Clusters, Technoparks and SEZ of Russia",
    "Association of Clusters, Technoparks and SEZs of Russia",
    "Association of Clusters, Technoparks and SEZS of Russia",
]

CLAUSES: dict[str, str] = {}
for name in ORGANIZATIONS:
    CLAUSES[f"{name} is an org:Organization with an English skos:prefLabel"] = f"""
        ASK {{ {name} a/rdfs:subClassOf* org:Organization ; skos:prefLabel ?label .
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
        ASK {{ m:{name} a/rdfs:subClassOf* schema:Event .
              m:mission schema:subEvent m:{name} }}"""
for name in EVENTS:
    CLAUSES[f"{name} is a schema:Event with an English label"] = f"""
        ASK {{ {name} a/rdfs:subClassOf* schema:Event ; skos:prefLabel ?label
              FILTER(LANG(?label) = "en") }}"""
for person, unit, title, source in POSTS:
    CLAUSES[f"{person} holds the post {title!r} in {unit}, as stated in {source}"] = f"""
        ASK {{ ?post a/rdfs:subClassOf* org:Post ; org:postIn kgr:{unit} ; org:heldBy kgr:{person} ;
                  skos:prefLabel "{title}"@en ; ?stated kgr:{source} .
              ?stated rdfs:subPropertyOf* dct:source }}"""
for stem, (url, headline) in ARTICLES.items():
    if headline is None:
        CLAUSES[f"{stem} is a schema:NewsArticle at its address, with no headline"] = f"""
            ASK {{ kgr:{stem} a schema:NewsArticle ; schema:url <{url}> .
                  FILTER NOT EXISTS {{ kgr:{stem} schema:headline ?any }} }}"""
    else:
        CLAUSES[f"{stem} is a schema:NewsArticle at its address, with its headline"] = f"""
            ASK {{ kgr:{stem} a schema:NewsArticle ; schema:url <{url}> ; schema:headline ?headline .
                  FILTER(STR(?headline) = "{headline}")
                  FILTER NOT EXISTS {{ kgr:{stem} schema:headline ?other FILTER(?other != ?headline) }} }}"""
for label in ACTP_RF_NAMES:
    CLAUSES[f"ACTP RF is one node, named {label!r}"] = f"""
        ASK {{ kgr:actp-rf skos:prefLabel|skos:altLabel "{label}"@en }}"""
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
        "people are foaf:Person with foaf:name, one node each": """
        ASK { kgr:mikhail-labudin a/rdfs:subClassOf* foaf:Person ; foaf:name "Mikhail Labudin" .
              kgr:yevgeny-kravchenko a/rdfs:subClassOf* foaf:Person ; foaf:name "Yevgeny Kravchenko" .
              kgr:timofey-buneev a/rdfs:subClassOf* foaf:Person ; foaf:name "Timofey Buneev" .
              kgr:nikolay-lyubimov a/rdfs:subClassOf* foaf:Person ; foaf:name "Nikolay Lyubimov" .
              kgr:vladimir-popov a/rdfs:subClassOf* foaf:Person ; foaf:name "Vladimir Popov" .
              FILTER NOT EXISTS { ?other foaf:name "Mikhail Labudin"
                                  FILTER(?other != kgr:mikhail-labudin) } }""",
        "every post has org:postIn, org:heldBy and a title": """
        ASK { FILTER NOT EXISTS {
                ?post a/rdfs:subClassOf* org:Post .
                FILTER NOT EXISTS { ?post org:postIn ?o ; org:heldBy ?p ;
                                          skos:prefLabel|rdfs:label ?t } } }""",
        "the mission is a schema:Event organized by ACTP RF": """
        ASK { m:mission a/rdfs:subClassOf* schema:Event ; schema:organizer kgr:actp-rf }""",
        "ACTP RF co-organizes the congress: a schema:organizer by entailment": """
        ASK { itc:congress ?p kgr:actp-rf . ?p rdfs:subPropertyOf* schema:organizer .
              FILTER(?p != schema:organizer) }""",
        "the mission went to Belarus (schema:location, and its sub-property)": """
        ASK { m:mission schema:location kgr:belarus ;
                  ?p kgr:belarus . ?p rdfs:subPropertyOf* schema:location .
              FILTER(?p != schema:location) }""",
        "the delegation takes part in the mission (kgo:delegation is a schema:participant)": """
        ASK { m:mission ?p m:delegation . ?p rdfs:subPropertyOf* schema:participant }""",
        "nested parts: the plenary contains the Great Stone signing": """
        ASK { m:plenary-session schema:subEvent m:signing-great-stone .
              m:signing-great-stone schema:superEvent m:plenary-session }""",
        "nested parts: the meeting contains the Minsk City Technopark signing": """
        ASK { m:meeting-minsk-city-technopark schema:subEvent m:signing-minsk-city-technopark .
              m:signing-minsk-city-technopark schema:superEvent m:meeting-minsk-city-technopark }""",
        "each site visit has the site as its schema:location": """
        ASK { FILTER NOT EXISTS {
                ?visit a/rdfs:subClassOf* kgo:SiteVisit .
                FILTER NOT EXISTS { ?visit schema:location ?site .
                                    ?site a/rdfs:subClassOf* org:Site } } }""",
        "the places of events are schema:location": """
        ASK { agm:general-meeting schema:location kgr:renaissance-moscow-monarch-center-hotel .
              kgr:renaissance-moscow-monarch-center-hotel a/rdfs:subClassOf* schema:Place .
              klg:meeting-labudin-popov schema:location kgr:kaluga .
              kgr:kaluga a/rdfs:subClassOf* schema:Place }""",
        "those who took part are schema:participant, schema:attendee or sub-properties of them": """
        ASK { itc:committee-meeting ?p kgr:timofey-buneev . ?p rdfs:subPropertyOf* schema:participant .
              klg:meeting-labudin-popov schema:participant kgr:mikhail-labudin, kgr:vladimir-popov }""",
        "a full stated date is an xsd:date schema:startDate and schema:endDate": """
        ASK { itc:congress schema:startDate "2024-09-17"^^xsd:date ;
                  schema:endDate "2024-09-19"^^xsd:date }""",
        "every start and end date is an xsd:date": """
        ASK { FILTER NOT EXISTS { ?e schema:startDate|schema:endDate ?d
                                  FILTER(DATATYPE(?d) != xsd:date) } }""",
        "a date without a year is an xsd:gMonthDay, never a schema:startDate": """
        ASK { klg:meeting-labudin-popov ?p "--07-03"^^xsd:gMonthDay .
              FILTER(?p != schema:startDate)
              FILTER NOT EXISTS { klg:meeting-labudin-popov schema:startDate|schema:endDate ?d } }""",
        "signings are schema:Events whose participants are the parties": """
        ASK { FILTER NOT EXISTS {
                ?agreement prov:wasGeneratedBy ?signing ; kgo:signedWith|kgo:signedBy ?party .
                FILTER NOT EXISTS { ?signing a/rdfs:subClassOf* schema:Event ;
                                             schema:participant ?party } } }""",
        "agreement groups are schema:ItemLists generated by their signing, not FIBO Agreements": """
        ASK { m:agreements-minsk-city-technopark a/rdfs:subClassOf* schema:ItemList ;
                  prov:wasGeneratedBy m:signing-minsk-city-technopark .
              m:agreements-great-stone a/rdfs:subClassOf* schema:ItemList ;
                  prov:wasGeneratedBy m:signing-great-stone .
              FILTER NOT EXISTS { m:agreements-minsk-city-technopark a/rdfs:subClassOf* fibo-agr:Agreement }
              FILTER NOT EXISTS { m:agreements-great-stone a/rdfs:subClassOf* fibo-agr:Agreement } }""",
        "no source names a single agreement, so there are zero agreements": """
        ASK { FILTER NOT EXISTS { ?agreement a/rdfs:subClassOf* fibo-agr:Agreement } }""",
        "'More than 20' is a speaker's count: a schema:QuantitativeValue with schema:minValue 21": """
        ASK { ?claim a/rdfs:subClassOf* schema:Claim ; schema:creator kgr:mikhail-labudin ;
                  schema:about m:agreements-signed ; kgo:claimedCount ?count .
              ?count a schema:QuantitativeValue ; schema:minValue 21 .
              FILTER NOT EXISTS { ?count schema:value|schema:maxValue ?any } }""",
        "'more than 100 companies from 50 regions' is schema:minValue 101 with a related value 50": """
        ASK { agm:general-meeting kgo:participantCount ?count .
              ?count a schema:QuantitativeValue ; schema:minValue 101 ; schema:unitText "companies" ;
                  schema:valueReference ?regions .
              ?regions a schema:QuantitativeValue ; schema:value 50 .
              FILTER NOT EXISTS { ?count schema:value ?any } }""",
        "'more than 30 representatives' is schema:minValue 31": """
        ASK { klg:practical-session kgo:participantCount ?count .
              ?count a schema:QuantitativeValue ; schema:minValue 31 }""",
        "every count has a value or a bound": """
        ASK { FILTER NOT EXISTS { ?q a schema:QuantitativeValue .
                FILTER NOT EXISTS { ?q schema:value|schema:minValue|schema:maxValue ?v } } }""",
        "quotations have text, creator and a news article as source": """
        ASK { FILTER NOT EXISTS {
                ?q a/rdfs:subClassOf* schema:Quotation .
                FILTER NOT EXISTS { ?q schema:text ?t ; schema:creator ?c ; schema:isBasedOn ?article .
                                    ?article a schema:NewsArticle } } }""",
        "the words of every quotation occur verbatim in the text of its source": """
        ASK { FILTER NOT EXISTS {
                ?q a/rdfs:subClassOf* schema:Quotation ; schema:text ?t ; schema:isBasedOn ?source .
                ?source schema:text ?full .
                FILTER(!CONTAINS(STR(?full), STR(?t))) } }""",
        "every claim is tied to its speaker, on the claim or on its quotation": """
        ASK { FILTER NOT EXISTS {
                ?claim a/rdfs:subClassOf* schema:Claim .
                FILTER NOT EXISTS { ?claim schema:creator|prov:wasAttributedTo ?speaker }
                FILTER NOT EXISTS { ?claim ?in ?quotation . ?in rdfs:subPropertyOf* schema:appearance .
                                    ?quotation schema:creator|prov:wasAttributedTo ?speaker } } }""",
        "the quotation cut by the excerpt is marked incomplete": """
        ASK { agm:quote-s12 a schema:Quotation ; schema:creator kgr:nikolay-lyubimov ;
                  kgo:isIncomplete true }""",
        "no article has a date, as none is stated": """
        ASK { FILTER NOT EXISTS { ?a a schema:NewsArticle ; schema:datePublished ?d } }""",
        "quoted speakers are prov:Agents": """
        ASK { FILTER NOT EXISTS {
                ?g prov:wasQuotedFrom ?speaker .
                FILTER NOT EXISTS { ?speaker a/rdfs:subClassOf* prov:Agent } } }""",
        "every sentence graph is a prov:Entity derived from its article": """
        ASK { ?g a/rdfs:subClassOf* prov:Entity ;
                  prov:wasDerivedFrom kgr:actp-rf-business-mission-results ;
                  kgo:sentenceNumber 1 }""",
        "inferences are prov:Entities derived from the evidence they rest on": """
        ASK { FILTER NOT EXISTS {
                ?g a kgo:Inference .
                FILTER NOT EXISTS { ?g a/rdfs:subClassOf* prov:Entity ; prov:wasDerivedFrom ?ground .
                                    ?ground a/rdfs:subClassOf* prov:Entity } } }""",
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


def test_a_generic_client_counts_zero_agreements(project: kg.Project) -> None:
    result = project.store.query(
        PROLOGUE + "SELECT (COUNT(DISTINCT ?a) AS ?n) WHERE { ?a a/rdfs:subClassOf* fibo-agr:Agreement }"
    )
    assert result.table() == [("0",)]


DATE_PREDICATES = [
    "schema:datePublished",
    "schema:dateCreated",
    "schema:dateModified",
    "dct:date",
    "dct:issued",
    "dct:created",
    "dct:modified",
]


@pytest.mark.parametrize("stem", ARTICLES)
def test_the_article_has_no_date(project: kg.Project, stem: str) -> None:
    ask = f"""ASK {{ kgr:{stem} ?p ?o .
                    FILTER(?p IN ({", ".join(DATE_PREDICATES)})
                           || DATATYPE(?o) IN (xsd:date, xsd:dateTime, xsd:gYear)) }}"""
    assert bool(project.store.query(PROLOGUE + ask)) is False


def test_only_the_congress_has_a_date(project: kg.Project) -> None:
    result = project.store.query(
        PROLOGUE + "SELECT DISTINCT ?e WHERE { ?e a/rdfs:subClassOf* schema:Event ; "
        "schema:startDate|schema:endDate|schema:doorTime ?date }"
    )
    assert {row[0] for row in result.table()} == {
        "https://kg.example.org/id/actp-rf-itc-organizing-committee.congress"
    }


def test_the_plenary_session_has_no_stated_day(project: kg.Project) -> None:
    ask = "ASK { m:plenary-session kgo:missionDay ?day }"
    assert bool(project.store.query(PROLOGUE + ask)) is False
