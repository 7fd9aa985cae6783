"""Competency questions about the ACTP RF business mission, with the answers the article gives.

Each test asks one question through a named query of ``queries/`` and states the expected
answer, read off ``data/sources/actp-rf-business-mission-results.txt`` (and, where a test says
so, off the reference-facts table of the shared sources README). The answers here are the
specification of the content; the queries and the data must meet them. The questions across
the four articles are in ``test_competency_queries.py``.

The named queries are also checked to be right without ``DISTINCT``: on a store that shows each
fact once (the facts view), each query with its ``DISTINCT`` removed gives the same rows.
"""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph
import pytest

import kg

ROOT = Path(__file__).resolve().parents[1]
KGR = "https://kg.example.org/id/"
KGG = "https://kg.example.org/graph/"
KGO = "https://kg.example.org/ontology#"
KGST = "https://kg.example.org/site-type/"
ORG = "http://www.w3.org/ns/org#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
SCHEMA = "https://schema.org/"
SKOS = "http://www.w3.org/2004/02/skos/core#"
ARTICLE = KGR + "actp-rf-business-mission-results"
SENTENCE = KGG + "actp-rf-business-mission-results-s"

M = KGR + "actp-rf-business-mission-results."
MISSION = M + "mission"
ACTP_RF = KGR + "actp-rf"
DELEGATION = M + "delegation"
MCT = KGR + "minsk-city-technopark"
GREAT_STONE = KGR + "great-stone-industrial-park"
LABUDIN = KGR + "mikhail-labudin"
KRAVCHENKO = KGR + "yevgeny-kravchenko"

# The five infrastructure sites the participants attended, with their English names.
# "the industrial park Veliky Kamen" is the territory of Great Stone Industrial Park: one site,
# named as the article names it, with the park's name as another (an inference).
VISITED_SITES = {
    (KGR + "fez-minsk-site", "FEZ Minsk"),
    (KGR + "fez-gomel-raton-site", "FEZ Gomel-Raton"),
    (KGR + "technopark-coral-site", "Technopark Coral"),
    (KGR + "minsk-city-technopark-site", "Minsk City Technopark"),
    (KGR + "great-stone-industrial-park-site", "Veliky Kamen"),
}


@pytest.fixture(scope="module")
def project() -> kg.Project:
    return kg.open_project(ROOT)


def table(project: kg.Project, name: str, **params: str) -> list[dict[str, str | None]]:
    """The rows of a named query, as dicts by variable name."""
    result = project.query(name, params=params or None)
    return [dict(zip(result.variables, row, strict=True)) for row in result.table()]


def pick(rows: list[dict[str, str | None]], *columns: str) -> set[tuple[str | None, ...]]:
    return {tuple(row[c] for c in columns) for row in rows}


# --- the named queries themselves --------------------------------------------------------------

QUERY_FILES = sorted((ROOT / "queries").glob("*.rq"))

# Example values for the required parameters, so that every query can run.
EXAMPLE_PARAMS = {
    "evidence": {"entity": "kgr:great-stone-industrial-park"},
    "mentions": {"entity": "kgr:mikhail-labudin"},
    "organization-profile": {"org": "kgr:actp-rf"},
    "partners-of": {"org": "kgr:minsk-city-technopark"},
    "label-search": {"text": "камень"},
}
#: the queries that read named graphs (provenance); the others read the facts
GRAPH_QUERIES = {"evidence", "sources", "mentions", "facts-from-several-sources", "organization-activities"}


def test_there_are_at_least_twenty_named_queries() -> None:
    assert len(QUERY_FILES) >= 20
    for path in QUERY_FILES:
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*\.rq", path.name), path.name


@pytest.mark.parametrize("path", QUERY_FILES, ids=lambda p: p.stem)
def test_each_query_has_a_header_and_declares_its_prefixes(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    header = [line for line in text.splitlines() if line.startswith("#")]
    assert re.match(r"# title: \S", header[0]), "the first line is the title"
    assert any(re.match(r"# description: \S", line) for line in header)
    for line in header:
        if line.startswith("# param:"):
            name = line.split()[2]
            assert re.search(rf"\?{name}\b", text), f"parameter {name} is not used as ?{name}"
    # parsing without any predefined prefix: every prefix used must be declared
    pyoxigraph.Store().query(text)
    # provenance queries may use GRAPH; the others read the union default graph
    body = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
    if path.stem not in GRAPH_QUERIES:
        assert not re.search(r"\bGRAPH\b", body.upper()), path.stem


@pytest.mark.parametrize("path", QUERY_FILES, ids=lambda p: p.stem)
def test_each_query_runs_and_is_deterministic(project: kg.Project, path: Path) -> None:
    params = EXAMPLE_PARAMS.get(path.stem)
    first = project.query(path.stem, params=params).table()
    second = project.query(path.stem, params=params).table()
    assert first, f"{path.stem} returns no rows on the mission graph"
    assert first == second
    assert len(first) == len(set(first)), f"{path.stem} returns duplicate rows"


# --- right without DISTINCT -------------------------------------------------------------------


@pytest.fixture(scope="module")
def facts_view(project: kg.Project) -> pyoxigraph.Store:
    """The project's quads in their named graphs, and each distinct fact once in the default
    graph: what every engine shows a query, by default, once facts are seen once."""
    store = pyoxigraph.Store()
    quads = [pyoxigraph.Quad(q.subject, q.predicate, q.object, q.graph_name) for q in project.store.quads()]
    store.extend(quads)
    store.extend({pyoxigraph.Quad(q.subject, q.predicate, q.object) for q in quads})
    return store


def _without_distinct(text: str) -> str:
    """The query with the DISTINCT of its SELECT clauses removed (DISTINCT inside aggregates, as
    in COUNT(DISTINCT ?x), is part of what the query counts and stays)."""
    return re.sub(r"\bSELECT\s+DISTINCT\b", "SELECT", text, flags=re.IGNORECASE)


@pytest.mark.parametrize("path", QUERY_FILES, ids=lambda p: p.stem)
def test_each_query_is_right_without_distinct_when_facts_are_seen_once(
    project: kg.Project, facts_view: pyoxigraph.Store, path: Path
) -> None:
    named = project.named_query(path.stem)
    bindings = named.bindings(EXAMPLE_PARAMS.get(path.stem))
    # the parameters as a VALUES block first in the outermost group, as kg binds them
    values = "".join(f"VALUES ?{name} {{ {value} }} " for name, value in bindings.items())
    assert "WHERE {" in named.text

    def rows(text: str) -> list[tuple[object, ...]]:
        solutions = facts_view.query(text.replace("WHERE {", "WHERE { " + values, 1))
        return [tuple(solution[v] for v in solutions.variables) for solution in solutions]

    plain, distinct = rows(_without_distinct(named.text)), rows(named.text)
    assert plain, f"{path.stem} finds nothing"
    assert len(plain) == len(set(plain)), f"{path.stem} repeats rows without DISTINCT"
    assert sorted(map(str, plain)) == sorted(map(str, distinct))


# --- the competency questions ------------------------------------------------------------------


def test_which_sites_did_the_mission_visit(project: kg.Project) -> None:
    rows = table(project, "visited-sites", mission="kgr:actp-rf-business-mission-results.mission")
    assert pick(rows, "site", "label") == VISITED_SITES
    types = {row["site"]: row["siteType"] for row in rows}
    assert types == {
        KGR + "fez-minsk-site": KGST + "free-economic-zone",
        KGR + "fez-gomel-raton-site": KGST + "free-economic-zone",
        KGR + "technopark-coral-site": KGST + "technopark",
        KGR + "minsk-city-technopark-site": KGST + "technopark",
        KGR + "great-stone-industrial-park-site": KGST + "industrial-park",
    }


def test_great_stone_and_veliky_kamen_are_one_site_with_both_names(project: kg.Project) -> None:
    rows = table(project, "visited-sites")
    great_stone = [r for r in rows if r["site"] == KGR + "great-stone-industrial-park-site"]
    assert len(great_stone) == 1
    assert great_stone[0]["label"] == "Veliky Kamen"  # the article's name for the site
    other_names = set((great_stone[0]["otherNames"] or "").split(" | "))
    assert "Great Stone Industrial Park" in other_names  # the identity, an inference
    assert {"Великий камень", "Вялікі камень"} <= other_names  # reference: sb.by and others


def test_visited_sites_in_russian(project: kg.Project) -> None:
    rows = table(project, "visited-sites", lang="ru")
    labels = {row["site"]: row["label"] for row in rows}
    assert labels[KGR + "great-stone-industrial-park-site"] == "Великий камень"
    assert labels[KGR + "fez-minsk-site"] == "СЭЗ «Минск»"
    assert labels[KGR + "minsk-city-technopark-site"] == "Минский городской технопарк"
    assert {row["siteTypeLabel"] for row in rows} == {
        "свободная экономическая зона",
        "технопарк",
        "индустриальный парк",
    }


def test_who_did_the_mission_sign_agreements_with(project: kg.Project) -> None:
    rows = table(project, "agreement-partners")
    assert pick(rows, "partner", "label", "agreement", "signing", "signedBy") == {
        (
            MCT,
            "Minsk City Technopark",
            M + "agreements-minsk-city-technopark",
            M + "signing-minsk-city-technopark",
            DELEGATION,
        ),
        (
            GREAT_STONE,
            "Great Stone Industrial Park",
            M + "agreements-great-stone",
            M + "signing-great-stone",
            DELEGATION,  # "the participants" (sentence 3) are the delegation: an inference
        ),
    }


def test_who_holds_which_post_in_the_first_article(project: kg.Project) -> None:
    rows = [r for r in table(project, "people-posts") if r["source"] == ARTICLE]
    assert pick(rows, "person", "name", "title", "postIn", "status") == {
        (LABUDIN, "Mikhail Labudin", "director", ACTP_RF, "date of the source not stated"),
        (
            KRAVCHENKO,
            "Yevgeny Kravchenko",
            "Deputy Director of Analytical Activities and International Cooperation",
            ACTP_RF,
            "date of the source not stated",
        ),
    }
    assert table(project, "people-posts", org="kgr:fez-minsk") == []


PLACED = [
    # (event, when): the parts the article places in the mission's sequence, in order
    (M + "meeting-minsk-city-technopark", "day 3 of the mission"),
    (M + "signing-minsk-city-technopark", "day 3 of the mission"),  # within the meeting
    (M + "plenary-session", "the final event"),
    (M + "signing-great-stone", "during the final event"),  # within the plenary session
]


def test_the_programme_of_the_mission(project: kg.Project) -> None:
    rows = table(project, "mission-timeline")
    events = [row["event"] for row in rows]
    by_event = {row["event"]: row for row in rows}
    assert set(events) == {e for e, _ in PLACED} | {
        M + "visit-fez-minsk",
        M + "visit-fez-gomel-raton",
        M + "visit-technopark-coral",
        M + "visit-minsk-city-technopark",
        M + "visit-great-stone",
    }
    # first what the article places in sequence: day three, then the final event
    assert [(r["event"], r["when"]) for r in rows[: len(PLACED)]] == PLACED
    assert by_event[M + "meeting-minsk-city-technopark"]["day"] == "3"
    assert by_event[M + "signing-minsk-city-technopark"]["partOf"] == M + "meeting-minsk-city-technopark"
    assert by_event[M + "plenary-session"]["final"] == "true"
    assert by_event[M + "plenary-session"]["day"] is None
    assert by_event[M + "signing-great-stone"]["partOf"] == M + "plenary-session"
    # then the visit dated by a reference (5 April, no year), then the visits nothing places:
    # never between day three and the final event, which would invent a chronology
    assert rows[len(PLACED)]["event"] == M + "visit-minsk-city-technopark"
    assert rows[len(PLACED)]["dateWithoutYear"] == "--04-05"
    assert {r["when"] for r in rows[len(PLACED) + 1 :]} == {"not stated"}
    # each visit took place at its site
    assert {(r["location"], r["locationLabel"]) for r in rows if r["kind"] == "site visit"} == VISITED_SITES


def test_what_each_person_said_in_the_first_article(project: kg.Project) -> None:
    rows = [r for r in table(project, "quotations-by-person") if r["source"] == ARTICLE]
    assert pick(rows, "quotation", "person", "mode", "sentence") == {
        (M + "quote-s05", LABUDIN, "reported speech", SENTENCE + "05"),
        (M + "quote-s07", LABUDIN, "direct speech", SENTENCE + "07"),
        (M + "quote-s08", LABUDIN, "direct speech", SENTENCE + "08"),
        (M + "quote-s11", KRAVCHENKO, "direct speech", SENTENCE + "11"),
    }
    kravchenko = table(project, "quotations-by-person", person="kgr:yevgeny-kravchenko")
    assert len(kravchenko) == 1
    assert kravchenko[0]["text"] == (
        "We are on the cusp of a new phase of cooperation, where our ability to work together, "
        "think creatively about joint tasks, and strive for shared success will be the "
        "determining factors in our progress."
    )
    assert kravchenko[0]["about"] == MISSION


def test_how_many_agreements_were_signed_and_who_says_so(project: kg.Project) -> None:
    """ "More than 20" is Labudin's direct speech: his claim, with its quotation."""
    rows = table(project, "agreement-count")
    assert pick(
        rows, "group", "value", "minValue", "maxValue", "wording", "claimedBy", "quotation", "source"
    ) == {
        (M + "agreements-signed", None, "21", None, "More than 20", LABUDIN, M + "quote-s08", ARTICLE),
    }


def test_no_individual_agreement_is_invented(project: kg.Project) -> None:
    result = project.query(
        "SELECT DISTINCT ?agreement WHERE { ?agreement a ?class . "
        "?class rdfs:subClassOf* fibo-agr:Agreement }"
    )
    assert result.table() == []
    groups = project.query(
        "SELECT DISTINCT ?group WHERE { ?group a ?class . ?class rdfs:subClassOf* kgo:AgreementGroup }"
    )
    assert {row[0] for row in groups.table()} == {
        M + "agreements-minsk-city-technopark",
        M + "agreements-great-stone",
        M + "agreements-signed",
    }


def test_which_evidence_supports_facts_about_great_stone(project: kg.Project) -> None:
    rows = table(project, "evidence", entity="kgr:great-stone-industrial-park")
    assert {row["graph"] for row in rows} == {
        SENTENCE + "03",
        KGG + "actp-rf-business-mission-results-inference-great-stone-is-veliky-kamen",
        KGG + "reference-sb-by-great-stone",
    }
    s03 = next(row for row in rows if row["graph"] == SENTENCE + "03")
    assert s03["kind"] == "source sentence"
    assert s03["number"] == "3"
    assert s03["source"] == ARTICLE
    assert s03["text"] is not None
    assert s03["text"].endswith("signed further cooperation agreements with Great Stone Industrial Park.")
    assert {row["source"] for row in rows if row["graph"].startswith(KGG + "reference-")} == {
        KGR + "source-sb-by",
        KGR + "source-euroradio-fm",
        KGR + "source-thepeoplesmap-net",
    }


def test_an_inferred_fact_shows_as_inferred_with_its_grounds(project: kg.Project) -> None:
    """The park runs the site the participants attended: no sentence says so; the evidence
    query shows the inference, its justification, and each sentence or record it rests on."""
    rows = table(project, "evidence", entity="kgr:great-stone-industrial-park-site")
    inferred = [
        r
        for r in rows
        if r["graph"] == KGG + "actp-rf-business-mission-results-inference-great-stone-is-veliky-kamen"
    ]
    assert {r["kind"] for r in inferred} == {"inference"}
    assert all("transliteration" in (r["text"] or "") for r in inferred)
    grounds = {r["source"]: r["sourceText"] or "" for r in inferred}
    assert set(grounds) == {SENTENCE + "03", SENTENCE + "06", KGG + "reference-sb-by-great-stone"}
    assert grounds[SENTENCE + "06"].endswith("the industrial park Veliky Kamen.")
    assert grounds[KGG + "reference-sb-by-great-stone"].startswith(
        "Great Stone Industrial Park = «Великий камень»"
    )


def test_the_agreement_count_rests_on_labudins_words(project: kg.Project) -> None:
    rows = table(project, "evidence", entity="kgr:actp-rf-business-mission-results.agreements-signed-count")
    assert pick(rows, "graph", "quotedFrom") == {(SENTENCE + "08", LABUDIN)}


@pytest.mark.parametrize(
    ("triple", "sentence"),
    [
        (f"<{MISSION}> <{SCHEMA}organizer> <{ACTP_RF}>", "04"),
        (f'<{MCT}> <{KGO}rankNote> "the largest technopark in Belarus"@en', "02"),
        (f'<{KGR}great-stone-industrial-park-site> <{SKOS}prefLabel> "Veliky Kamen"@en', "06"),
        (f"<{M}post-mikhail-labudin> <{ORG}heldBy> <{LABUDIN}>", "05"),
        (f"<{M}quote-s08> <{SCHEMA}creator> <{LABUDIN}>", "09"),
        (f"<{M}plenary-session> <{KGO}isFinalEvent> true", "03"),
        (
            f'<{MISSION}> <{KGO}aim> "promoting our business interests in industrial and technological '
            'cooperation within the Union State"@en',
            "04",
        ),
    ],
)
def test_which_sentence_supports_this_fact_is_one_query(
    project: kg.Project, triple: str, sentence: str
) -> None:
    result = project.store.query(
        "PREFIX kgo: <https://kg.example.org/ontology#>\n"
        f"SELECT ?g ?text WHERE {{ GRAPH ?g {{ {triple} }} ?g kgo:sentenceText ?text }}"
    )
    graphs = {row[0] for row in result.table()}
    assert graphs == {SENTENCE + sentence}
    text = (ROOT / "data/sources/actp-rf-business-mission-results.txt").read_text("utf-8")
    assert all(row[1] in text for row in result.table())


def test_organization_profile_of_actp_rf(project: kg.Project) -> None:
    rows = table(project, "organization-profile", org="kgr:actp-rf")
    facts = pick(rows, "direction", "property", "value")
    assert {
        ("out", RDF + "type", KGO + "Association"),
        (
            "out",
            SKOS + "prefLabel",
            "Association of Clusters, Technoparks, and Special Economic Zones of Russia",
        ),
        ("out", SKOS + "altLabel", "ACTP RF"),
        ("out", SKOS + "altLabel", "ACTP of the Russian Federation"),
        ("out", SKOS + "prefLabel", "Ассоциация кластеров, технопарков и ОЭЗ России"),
        ("in", SCHEMA + "organizer", MISSION),
        ("in", KGO + "coOrganizer", KGR + "actp-rf-itc-organizing-committee.congress"),
        ("in", ORG + "postIn", M + "post-mikhail-labudin"),
        ("in", ORG + "postIn", M + "post-yevgeny-kravchenko"),
        ("in", ORG + "unitOf", KGR + "actp-rf-international-cooperation-department"),
        ("in", SCHEMA + "publisher", ARTICLE),
    } <= facts


def test_organization_profile_names_every_property(project: kg.Project) -> None:
    """Standard properties have no label in the ontology: the profile shows their local name."""
    rows = table(project, "organization-profile", org="kgr:actp-rf")
    labels = {row["property"]: row["propertyLabel"] for row in rows}
    assert all(labels.values()), [p for p, label in labels.items() if not label]
    assert labels[SKOS + "prefLabel"] == "prefLabel"
    assert labels[SCHEMA + "organizer"] == "organizer"
    assert labels[ORG + "postIn"] == "postIn"
    assert labels[KGO + "coOrganizer"] == "co-organizer"  # the ontology's label


def test_organization_profile_in_one_language(project: kg.Project) -> None:
    rows = table(project, "organization-profile", org="kgr:actp-rf", lang="ru")
    labels = {row["value"] for row in rows if row["property"] == SKOS + "prefLabel"}
    assert labels == {"Ассоциация кластеров, технопарков и ОЭЗ России"}


@pytest.mark.parametrize(
    ("site_type", "sites"),
    [
        (None, {site for site, _ in VISITED_SITES}),
        ("kgst:special-economic-zone", {KGR + "fez-minsk-site", KGR + "fez-gomel-raton-site"}),
        ("kgst:free-economic-zone", {KGR + "fez-minsk-site", KGR + "fez-gomel-raton-site"}),
        ("kgst:technopark", {KGR + "technopark-coral-site", KGR + "minsk-city-technopark-site"}),
        ("kgst:industrial-park", {KGR + "great-stone-industrial-park-site"}),
    ],
)
def test_sites_by_type(project: kg.Project, site_type: str | None, sites: set[str]) -> None:
    params = {"type": site_type} if site_type else {}
    assert {row["site"] for row in table(project, "sites-by-type", **params)} == sites


@pytest.mark.parametrize(
    ("text", "things"),
    [
        ("камень", {GREAT_STONE, KGR + "great-stone-industrial-park-site"}),
        (
            "VELIKY",
            {GREAT_STONE, KGR + "great-stone-industrial-park-site", M + "visit-great-stone"},
        ),  # "Visit to the industrial park Veliky Kamen"
        (
            "labudin",
            {
                LABUDIN,
                KGR + "actp-rf-director-kaluga-meetings.meeting-labudin-popov",
                KGR + "actp-rf-director-kaluga-meetings.talk-labudin",
            },
        ),
        ("Коралл", {KGR + "technopark-coral", KGR + "technopark-coral-site"}),
        ("no such name anywhere", set()),
    ],
)
def test_find_things_by_name(project: kg.Project, text: str, things: set[str]) -> None:
    assert {row["thing"] for row in table(project, "label-search", text=text)} == things


def test_partners_of_minsk_city_technopark(project: kg.Project) -> None:
    rows = table(project, "partners-of", org="kgr:minsk-city-technopark")
    assert pick(rows, "partner", "relation") == {(DELEGATION, "met with"), (DELEGATION, "signed with")}


def test_partners_of_the_delegation(project: kg.Project) -> None:
    rows = table(project, "partners-of", org="kgr:actp-rf-business-mission-results.delegation")
    assert pick(rows, "partner", "relation") == {
        (MCT, "met with"),
        (MCT, "signed with"),
        (GREAT_STONE, "signed with"),
    }


def test_hosts_that_also_signed(project: kg.Project) -> None:
    rows = table(project, "hosts-and-signatories")
    assert pick(rows, "org", "label", "site") == {
        (MCT, "Minsk City Technopark", KGR + "minsk-city-technopark-site"),
        (GREAT_STONE, "Great Stone Industrial Park", KGR + "great-stone-industrial-park-site"),
    }


def test_sources_and_what_they_support(project: kg.Project) -> None:
    rows = table(project, "sources")
    by_source = {row["source"]: row for row in rows}
    article = by_source[ARTICLE]
    assert rows[0]["source"] == ARTICLE  # the first article supports the most facts
    assert article["graphs"] == "11"  # one graph per sentence, headline included
    assert article["url"] == "http://akitrf.ru/en/news/actp-rf-business-mission-results/"
    assert article["name"] == "ACTP RF BUSINESS MISSION: RESULTS"
    assert {by_source[KGR + a]["graphs"] for a in ("actp-rf-itc-organizing-committee",)} == {"6"}
    assert by_source[KGR + "actp-rf-annual-general-meeting"]["graphs"] == "12"
    assert by_source[KGR + "actp-rf-director-kaluga-meetings"]["graphs"] == "9"
    assert by_source[KGR + "actp-rf-director-kaluga-meetings"]["name"] is None  # no headline
    assert set(by_source) == {
        ARTICLE,
        KGR + "actp-rf-itc-organizing-committee",
        KGR + "actp-rf-annual-general-meeting",
        KGR + "actp-rf-director-kaluga-meetings",
    } | {
        KGR + "source-" + name
        for name in (
            "akitrf-ru",
            "finance-rambler-ru",
            "sb-by",
            "euroradio-fm",
            "thepeoplesmap-net",
            "fezminsk-by",
            "newsgomel-by",
            "narovlya-by",
            "belta-by",
            "news-by",
            "simple-wikipedia-org",
            "minsknews-by",
        )
    }
    assert all(int(row["facts"] or 0) > 0 for row in rows)


def test_claims_in_the_first_article(project: kg.Project) -> None:
    rows = [r for r in table(project, "claims") if r["source"] == ARTICLE]
    assert pick(rows, "claim", "person", "quotation", "mode") == {
        (M + "claim-significant-step", LABUDIN, M + "quote-s05", "reported speech"),
        (M + "claim-unique-experience", LABUDIN, M + "quote-s07", "direct speech"),
        (M + "claim-residents-despite-sanctions", LABUDIN, M + "quote-s07", "direct speech"),
        (M + "claim-more-than-20-agreements", LABUDIN, M + "quote-s08", "direct speech"),
        (M + "claim-contacts-action-plans", LABUDIN, M + "quote-s08", "direct speech"),
        (M + "claim-new-phase", KRAVCHENKO, M + "quote-s11", "direct speech"),
    }
    texts = {row["claim"]: row["text"] or "" for row in rows}
    assert (
        "despite sanctions, continue on the path of technological sovereignty"
        in texts[M + "claim-residents-despite-sanctions"]
    )
    assert (
        "exchanged contacts and began to develop an action plan" in texts[M + "claim-contacts-action-plans"]
    )
    (count,) = [r for r in rows if r["claim"] == M + "claim-more-than-20-agreements"]
    assert (count["claimedMinimum"], count["claimedValue"]) == ("21", None)
    residents = {r["about"] for r in rows if r["claim"] == M + "claim-residents-despite-sanctions"}
    assert residents == {site for site, _ in VISITED_SITES}  # "these sites": an inference


def test_what_the_mission_was_for(project: kg.Project) -> None:
    rows = table(project, "mission-aims")
    assert {row["aim"] for row in rows} == {
        "strengthen business ties",
        "explore new opportunities for cooperation",
        "promoting our business interests in industrial and technological cooperation within the Union State",
    }
    assert pick(rows, "organizer", "delegation", "destination", "days", "framework") == {
        (ACTP_RF, DELEGATION, KGR + "belarus", "3", KGR + "union-state")
    }


def test_where_technopark_coral_is(project: kg.Project) -> None:
    rows = table(project, "site-locations", site="kgr:technopark-coral-site")
    # reference (newsgomel.by, narovlya.by): in Gomel, on the territory of FEZ Gomel-Raton
    assert {row["place"] for row in rows} == {KGR + "fez-gomel-raton-site", KGR + "gomel", KGR + "belarus"}


def test_every_visited_site_lies_in_belarus(project: kg.Project) -> None:
    rows = table(project, "site-locations")
    in_belarus = {row["site"] for row in rows if row["place"] == KGR + "belarus"}
    assert in_belarus == {site for site, _ in VISITED_SITES}
