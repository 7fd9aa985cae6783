"""Competency questions across the four articles, with the answers the articles give.

Each test asks one question through a named query and states the expected answer, read off the
four stored copies in ``data/sources/`` (and the reference-facts table of the shared sources
README): what ACTP RF did, who represented it, what it organized, which facts several sources
support, who claims what, which things go by several names, and which sources mention a thing.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import kg

ROOT = Path(__file__).resolve().parents[1]
KGR = "https://kg.example.org/id/"
KGO = "https://kg.example.org/ontology#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
SKOS = "http://www.w3.org/2004/02/skos/core#"
FOAF = "http://xmlns.com/foaf/0.1/"

MISSION_ARTICLE = KGR + "actp-rf-business-mission-results"
ITC_ARTICLE = KGR + "actp-rf-itc-organizing-committee"
AGM_ARTICLE = KGR + "actp-rf-annual-general-meeting"
KALUGA_ARTICLE = KGR + "actp-rf-director-kaluga-meetings"
M = MISSION_ARTICLE + "."
ITC = ITC_ARTICLE + "."
AGM = AGM_ARTICLE + "."
KALUGA = KALUGA_ARTICLE + "."
ACTP_RF = KGR + "actp-rf"
LABUDIN = KGR + "mikhail-labudin"
KRAVCHENKO = KGR + "yevgeny-kravchenko"
BUNEEV = KGR + "timofey-buneev"
LYUBIMOV = KGR + "nikolay-lyubimov"
POPOV = KGR + "vladimir-popov"
DEPARTMENT = KGR + "actp-rf-international-cooperation-department"


@pytest.fixture(scope="module")
def project() -> kg.Project:
    return kg.open_project(ROOT)


def table(project: kg.Project, name: str, **params: str) -> list[dict[str, str | None]]:
    result = project.query(name, params=params or None)
    return [dict(zip(result.variables, row, strict=True)) for row in result.table()]


def pick(rows: list[dict[str, str | None]], *columns: str) -> set[tuple[str | None, ...]]:
    return {tuple(row[c] for c in columns) for row in rows}


# --- everything ACTP RF did, by date -----------------------------------------------------------

#: (event, role, person): the congress (dated), the Kaluga meeting (3 July, no year), then the
#: undated ones
ACTIVITIES = {
    (ITC + "congress", "co-organizer", None),  # "acts as a co-organizer", September 17-19, 2024
    (KALUGA + "meeting-labudin-popov", "represented by", LABUDIN),  # "On July 3", its director
    (M + "mission", "organizer", None),  # "As the organizer of the event"
    (ITC + "brics-sez-founders-conference", "organizer", None),  # "the ACTP RF organizes the plenary session"
    (ITC + "committee-meeting", "took part", None),  # "ACTP RF at the meeting" (headline)
    (ITC + "committee-meeting", "represented by", BUNEEV),  # its department head "took part"
    (AGM + "general-meeting", "general meeting of its members", None),
    (AGM + "founding-interregional-association", "took part", None),  # an inference: the other founder
    (KALUGA + "talk-labudin", "represented by", LABUDIN),  # its director "spoke in detail"
}


def test_everything_actp_rf_did(project: kg.Project) -> None:
    rows = table(project, "organization-activities")
    assert pick(rows, "event", "role", "person") == ACTIVITIES
    assert len(rows) == len(ACTIVITIES)


def test_actp_rf_activities_are_in_date_order_with_the_undated_listed_as_such(project: kg.Project) -> None:
    rows = table(project, "organization-activities", org="kgr:actp-rf")
    assert [r["when"] for r in rows[:2]] == ["2024-09-17 to 2024-09-19", "07-03 (month-day; year not stated)"]
    assert rows[0]["event"] == ITC + "congress"
    assert rows[1]["event"] == KALUGA + "meeting-labudin-popov"
    assert {r["when"] for r in rows[2:]} == {"date not stated"}
    assert all(r["startDate"] is None for r in rows[1:])


def test_a_representative_acts_with_the_post_its_source_states(project: kg.Project) -> None:
    rows = table(project, "organization-activities")
    titles = {(r["event"], r["person"]): r["title"] for r in rows if r["role"] == "represented by"}
    assert titles == {
        (KALUGA + "meeting-labudin-popov", LABUDIN): "Director",
        (KALUGA + "talk-labudin", LABUDIN): "Director",
        (ITC + "committee-meeting", BUNEEV): "Head",
    }


# --- the people who have represented ACTP RF ---------------------------------------------------


def test_the_people_who_have_represented_actp_rf(project: kg.Project) -> None:
    rows = table(project, "representatives")
    assert pick(rows, "person", "title", "postIn", "source") == {
        (LABUDIN, "director", ACTP_RF, MISSION_ARTICLE),  # "Mikhail Labudin, director of ACTP RF"
        (LABUDIN, "Director", ACTP_RF, ITC_ARTICLE),
        (LABUDIN, "Director", ACTP_RF, KALUGA_ARTICLE),
        (
            KRAVCHENKO,
            "Deputy Director of Analytical Activities and International Cooperation",
            ACTP_RF,
            MISSION_ARTICLE,
        ),
        (BUNEEV, "Head", DEPARTMENT, ITC_ARTICLE),  # a unit of ACTP RF
    }
    # the article without a headline is named by its address
    assert {r["sourceName"] for r in rows if r["source"] == KALUGA_ARTICLE} == {
        "https://www.akitrf.ru/en/news/the-director-of-the-association-held-a-number-of-meetings-with-the-"
        "industrial-community-of-the-kalug/"
    }


def test_posts_in_other_organizations(project: kg.Project) -> None:
    rows = table(project, "people-posts")
    assert pick(rows, "person", "title", "postIn") >= {
        (LYUBIMOV, "Head", KGR + "ryazan-region"),
        (POPOV, "Deputy Governor", KGR + "kaluga-region"),
    }
    assert {r["status"] for r in rows} == {"date of the source not stated"}  # no source is dated


POSTS = """\
@prefix kgo: <https://kg.example.org/ontology#> .
@prefix kgr: <https://kg.example.org/id/> .
@prefix kgg: <https://kg.example.org/graph/> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix schema: <https://schema.org/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .

kgg:reference-example-org-posts {
    kgg:reference-example-org-posts a kgo:ReferenceRecord ;
        prov:wasDerivedFrom kgr:source-example-org ;
        kgo:sentenceText "Anna Example: ACTP RF's press secretary (2023), its deputy director (2025)."@en .
    kgr:source-example-org a schema:WebSite ; schema:name "example.org" ; schema:url <https://example.org/> .
    kgr:anna-example a foaf:Person ; foaf:name "Anna Example" .
    kgr:source-example-org.post-anna-example-2023 a org:Post ;
        skos:prefLabel "press secretary"@en ; org:heldBy kgr:anna-example ; org:postIn kgr:actp-rf ;
        kgo:asStatedIn kgr:source-example-org ; kgo:asOf "2023-05-01"^^xsd:date .
    kgr:source-example-org.post-anna-example-2025 a org:Post ;
        skos:prefLabel "deputy director"@en ; org:heldBy kgr:anna-example ; org:postIn kgr:actp-rf ;
        kgo:asStatedIn kgr:source-example-org ; kgo:asOf "2025-02-01"^^xsd:date .
}
"""


def test_an_older_post_is_never_shown_as_current(project_dir: Path, tmp_path: Path) -> None:
    """Two dated statements of one person's post: the older one is superseded."""
    contribution = tmp_path / "posts.trig"
    contribution.write_text(POSTS, encoding="utf-8")
    grown = kg.open_project(project_dir)
    grown.add([contribution])
    rows = table(grown, "people-posts", org="kgr:actp-rf")
    status = {r["title"]: r["status"] for r in rows if r["person"] == KGR + "anna-example"}
    assert status == {"press secretary": "superseded", "deputy director": "newest dated statement"}
    anna = [r["title"] for r in rows if r["person"] == KGR + "anna-example"]
    assert anna == ["deputy director", "press secretary"]  # the newer statement first


# --- events ACTP RF organized or co-organized --------------------------------------------------


def test_events_actp_rf_organized_or_co_organized(project: kg.Project) -> None:
    rows = table(project, "organized-events")
    assert [(r["event"], r["role"], r["startDate"]) for r in rows][:1] == [
        (ITC + "congress", "co-organizer", "2024-09-17")
    ]
    assert pick(rows, "event", "role") == {
        (ITC + "congress", "co-organizer"),
        (M + "mission", "organizer"),
        (ITC + "brics-sez-founders-conference", "organizer"),
    }
    conference = next(r for r in rows if r["event"] == ITC + "brics-sez-founders-conference")
    assert conference["partOf"] == ITC + "congress"  # "as part of the organizational events"


def test_events_the_organizing_committee_organized(project: kg.Project) -> None:
    rows = table(project, "organized-events", org="kgr:itc-2024-organizing-committee")
    assert pick(rows, "event", "role") == {(ITC + "congress", "organizer")}


# --- facts supported by more than one source ---------------------------------------------------


def test_facts_supported_by_more_than_one_source(project: kg.Project) -> None:
    rows = table(project, "facts-from-several-sources")
    sources: dict[tuple[str | None, ...], set[str | None]] = {}
    for r in rows:
        sources.setdefault((r["subject"], r["predicate"], r["object"]), set()).add(r["source"])
    for row in rows:
        assert (
            int(row["sources"] or 0) == len(sources[(row["subject"], row["predicate"], row["object"])]) >= 2
        )
    # the association is named "ACTP RF" by three articles; the fourth never writes it
    assert sources[(ACTP_RF, SKOS + "altLabel", "ACTP RF")] == {MISSION_ARTICLE, ITC_ARTICLE, AGM_ARTICLE}
    assert sources[(ACTP_RF, RDF_TYPE, KGO + "Association")] == {
        MISSION_ARTICLE,
        ITC_ARTICLE,
        AGM_ARTICLE,
        KALUGA_ARTICLE,
    }
    # one director, named in three articles
    assert sources[(LABUDIN, FOAF + "name", "Mikhail Labudin")] == {
        MISSION_ARTICLE,
        ITC_ARTICLE,
        KALUGA_ARTICLE,
    }
    # a reference fact read on three sites
    assert sources[(KGR + "great-stone-industrial-park", SKOS + "prefLabel", "Великий камень")] == {
        KGR + "source-sb-by",
        KGR + "source-euroradio-fm",
        KGR + "source-thepeoplesmap-net",
    }
    # a fact of one sentence only is not there, nor one that only an inference states
    assert (
        KGR + "minsk-city-technopark",
        KGO + "rankNote",
        "the largest technopark in Belarus",
    ) not in sources
    assert (ACTP_RF, SKOS + "altLabel", "ACTP of the Russian Federation") not in sources


# --- claims by speaker -------------------------------------------------------------------------


def test_claims_by_speaker(project: kg.Project) -> None:
    rows = table(project, "claims")
    by_speaker: dict[str | None, set[str | None]] = {}
    for row in rows:
        by_speaker.setdefault(row["person"], set()).add(row["source"])
    assert {person: len({r["claim"] for r in rows if r["person"] == person}) for person in by_speaker} == {
        LABUDIN: 9,  # five in the business mission article, two at the congress, two in Kaluga
        KRAVCHENKO: 1,
        LYUBIMOV: 7,  # his welcoming speech, cut by the excerpt
        POPOV: 1,
    }
    assert by_speaker[LABUDIN] == {MISSION_ARTICLE, ITC_ARTICLE, KALUGA_ARTICLE}
    names = [row["name"] for row in rows]
    assert names == sorted(names)  # grouped by speaker


def test_claims_of_one_speaker(project: kg.Project) -> None:
    rows = table(project, "claims", person="kgr:vladimir-popov")
    assert pick(rows, "claim", "quotation", "mode") == {
        (KALUGA + "claim-new-opportunities-for-enterprises", KALUGA + "quote-s07", "direct speech")
    }


def test_the_claims_of_a_speech_cut_by_the_excerpt(project: kg.Project) -> None:
    quotations = table(project, "quotations-by-person", person="kgr:nikolay-lyubimov")
    incomplete = {r["quotation"] for r in quotations if r["incomplete"] == "true"}
    assert incomplete == {AGM + "quote-s12"}  # the last sentence of the stored copy
    assert {r["quotation"] for r in quotations} == {AGM + f"quote-s{n:02d}" for n in range(8, 13)}


# --- things known under several names ----------------------------------------------------------

ACTP_RF_NAMES = {
    "ACTP RF",
    "Association of Clusters, Technoparks, and Special Economic Zones of Russia",
    "ACTP of the Russian Federation",
    "The Association of Clusters, Technology Parks and SEZ of Russia",
    "Association of Clusters, Technoparks and SEZ of Russia",
    "Association of Clusters, Technoparks and SEZs of Russia",
    "Association of Clusters, Technoparks and SEZS of Russia",
}


def test_things_known_under_several_names(project: kg.Project) -> None:
    names: dict[str | None, set[str | None]] = {}
    for r in table(project, "names", lang="en"):
        names.setdefault(r["thing"], set()).add(r["name"])
    assert names[ACTP_RF] == ACTP_RF_NAMES
    assert names[KGR + "great-stone-industrial-park-site"] == {"Veliky Kamen", "Great Stone Industrial Park"}
    assert names[ITC + "congress"] == {
        "International Technological Congress",
        "International Technology Congress",
    }
    assert LABUDIN not in names  # one person, one name
    everything = {r["name"] for r in table(project, "names") if r["thing"] == ACTP_RF}
    assert everything == ACTP_RF_NAMES | {"Ассоциация кластеров, технопарков и ОЭЗ России"}


# --- sources that mention an entity ------------------------------------------------------------


def test_sources_that_mention_mikhail_labudin(project: kg.Project) -> None:
    rows = table(project, "mentions", entity="kgr:mikhail-labudin")
    sentences: dict[str | None, set[str | None]] = {}
    for r in rows:
        sentences.setdefault(r["source"], set()).add(r["number"])
    assert sentences == {
        MISSION_ARTICLE: {"5", "9"},  # "Mikhail Labudin, director of ACTP RF, said"; "Mikhail Labudin said."
        ITC_ARTICLE: {"6"},
        KALUGA_ARTICLE: {"1", "4", "9"},
    }


def test_sources_that_mention_actp_rf(project: kg.Project) -> None:
    rows = table(project, "mentions", entity="kgr:actp-rf")
    assert {r["source"] for r in rows} == {
        MISSION_ARTICLE,
        ITC_ARTICLE,
        AGM_ARTICLE,
        KALUGA_ARTICLE,
        KGR + "source-akitrf-ru",  # its web site, the publisher of the four articles
        KGR + "source-finance-rambler-ru",  # its Russian name
    }
    assert next(r for r in rows if r["source"] == KALUGA_ARTICLE)["name"] is None  # no headline
