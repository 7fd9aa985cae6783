"""Candidate facts: posts, quotations, dates as stated, events, agreements, counts."""

from __future__ import annotations

from conftest import SHARED
from kg.draft.build import Draft
from kg.draft.counts import find_counts
from kg.draft.dates import find_dates
from kg.namespaces import KGO, ORG, SCHEMA, SKOS, XSD
from test_draft_linking import ACTP, LABUDIN, STONE, draft

ARTICLES = SHARED / "sources" / "articles"


def values(result: Draft, predicate: str) -> list[tuple[str, str]]:
    return [(q.subject.value, q.object.value) for q in result.quads if q.predicate.value == predicate]


def objects(result: Draft, subject: str, predicate: str) -> list[str]:
    return [o for s, o in values(result, predicate) if s == subject]


def of_type(result: Draft, cls: str) -> list[str]:
    return [s for s, o in values(result, "http://www.w3.org/1999/02/22-rdf-syntax-ns#type") if o == cls]


def test_name_comma_title_of_org_is_a_post() -> None:
    result = draft("Mikhail Labudin, director of ACTP RF, opened the forum.")
    [post] = of_type(result, ORG + "Post")
    assert objects(result, post, SKOS + "prefLabel") == ["director"]
    assert objects(result, post, ORG + "heldBy") == [LABUDIN]
    assert objects(result, post, ORG + "postIn") == [ACTP]
    assert objects(result, post, KGO + "asStatedIn") == [result.document]


def test_title_of_org_name_is_a_post_and_a_new_person() -> None:
    result = draft("Head of the Ryazan Region Nikolay Lyubimov addressed the participants.")
    people = {c.label: c.iri for c in result.candidates if c.kind == "person"}
    regions = {c.label: c.iri for c in result.candidates if c.kind == "place"}
    assert list(people) == ["Nikolay Lyubimov"] and list(regions) == ["Ryazan Region"]
    [post] = of_type(result, ORG + "Post")
    assert objects(result, post, SKOS + "prefLabel") == ["Head"]
    assert objects(result, post, ORG + "heldBy") == [people["Nikolay Lyubimov"]]
    assert objects(result, post, ORG + "postIn") == [regions["Ryazan Region"]]
    assert regions["Ryazan Region"] in of_type(result, KGO + "FederalSubject")


def test_a_long_title_ends_at_the_last_organization() -> None:
    text = (ARTICLES / "actp-rf-organizing-committee-international-technological-congress.txt").read_text(
        encoding="utf-8"
    )
    result = draft(text)
    titles = {o for s, o in values(result, SKOS + "prefLabel") if s in of_type(result, ORG + "Post")}
    assert titles == {
        "Head of the International Cooperation and Sustainable Development Department",
        "Director",
    }
    assert "International Cooperation and Sustainable Development Department" not in [
        c.label for c in result.candidates
    ]


def quotes(result: Draft) -> list[tuple[str, str | None, str]]:
    found = []
    for node in of_type(result, SCHEMA + "Quotation"):
        text = objects(result, node, SCHEMA + "text")[0]
        speaker = (objects(result, node, SCHEMA + "creator") or [None])[0]
        mode = objects(result, node, KGO + "speechMode")[0].rsplit("#", 1)[1]
        found.append((text, speaker, mode))
    return found


def test_said_name_and_name_said_comments_concluded() -> None:
    result = draft(
        '"We are ready," said Mikhail Labudin. "It works," Mikhail Labudin comments. '
        '"That is all," Mikhail Labudin concluded.'
    )
    assert quotes(result) == [
        ("We are ready", LABUDIN, "DirectSpeech"),
        ("It works", LABUDIN, "DirectSpeech"),
        ("That is all", LABUDIN, "DirectSpeech"),
    ]


def test_reported_speech_is_marked_as_reported() -> None:
    result = draft("Mikhail Labudin, director of ACTP RF, said that the mission had succeeded.")
    assert quotes(result) == [("the mission had succeeded", LABUDIN, "ReportedSpeech")]


def test_speech_without_marks_closed_by_name_said() -> None:
    result = draft("We had a good week. We signed a lot. Mikhail Labudin said.")
    assert quotes(result) == [
        ("We had a good week.", LABUDIN, "DirectSpeech"),
        ("We signed a lot.", LABUDIN, "DirectSpeech"),
    ]
    quoted = {s for s, o in values(result, "http://www.w3.org/ns/prov#wasQuotedFrom")}
    assert quoted == {result.graph(1), result.graph(2)}


def test_a_quotation_over_sentences_is_one_per_sentence_verbatim() -> None:
    text = (ARTICLES / "director-meetings-industrial-community-kaluga.txt").read_text(encoding="utf-8")
    result = draft(text)
    found = quotes(result)
    speakers = {t[:20]: s for t, s, _ in found}
    assert speakers["In addition to clust"] == speakers["According to the dec"]
    for words, _, _ in found:
        assert words in text
    by_sentence = {objects(result, n, KGO + "inSentence")[0] for n in of_type(result, SCHEMA + "Quotation")}
    assert len(by_sentence) == len(found) == 3


def test_a_quotation_left_open_is_incomplete_and_introduced_by_the_sentence_before() -> None:
    text = (ARTICLES / "annual-general-meeting-of-actp-rf-members.txt").read_text(encoding="utf-8")
    result = draft(text)
    nodes = of_type(result, SCHEMA + "Quotation")
    assert len(nodes) == 5
    speakers = {objects(result, n, SCHEMA + "creator")[0] for n in nodes}
    lyubimov = [c.iri for c in result.candidates if c.label == "Nikolay Lyubimov"]
    assert speakers == set(lyubimov)
    incomplete = [n for n in nodes if objects(result, n, KGO + "isIncomplete")]
    assert len(incomplete) == 1
    assert objects(result, incomplete[0], SCHEMA + "text")[0].endswith("at a Stakhanovite pace.")


def test_dates_are_found_as_stated() -> None:
    found = find_dates(
        "On July 3, a meeting; on September 17-19, 2024, a congress; 5 April 2023; it may 5 times; March 32."
    )
    assert [(d.text, d.first(), d.last()) for d in found] == [
        ("July 3", "--07-03", None),
        ("September 17-19, 2024", "2024-09-17", "2024-09-19"),
        ("5 April 2023", "2023-04-05", None),
    ]


def test_a_day_without_a_year_gets_no_year() -> None:
    result = draft("On July 3, a meeting was held in Kazan between Mikhail Labudin and ACTP RF.")
    [event] = of_type(result, SCHEMA + "Event")
    assert objects(result, event, KGO + "dateWithoutYear") == ["--07-03"]
    assert objects(result, event, SCHEMA + "startDate") == []
    assert [
        q.object.datatype.value for q in result.quads if q.predicate.value == KGO + "dateWithoutYear"
    ] == [XSD + "gMonthDay"]
    assert objects(result, event, SCHEMA + "participant") == [LABUDIN]


def test_a_date_goes_to_the_event_it_is_stated_for() -> None:
    result = draft(
        "Mikhail Labudin took part in the meeting of the committee of the Global "
        "Technology Congress, which will be held on September 17-19, 2024."
    )
    congress = [c.iri for c in result.candidates if c.label == "Global Technology Congress"]
    assert objects(result, congress[0], SCHEMA + "startDate") == ["2024-09-17"]
    assert objects(result, congress[0], SCHEMA + "endDate") == ["2024-09-19"]
    [meeting] = [e for e in of_type(result, SCHEMA + "Event") if e not in congress]
    assert objects(result, meeting, SCHEMA + "participant") == [LABUDIN]
    assert objects(result, meeting, SCHEMA + "startDate") == []


def test_organizes_and_co_organizer_of() -> None:
    result = draft(
        'The ACTP RF organizes the plenary session "Parks of the Future". '
        "ACTP RF acts as a co-organizer of the Global Technology Congress."
    )
    [session] = [s for s, o in values(result, SKOS + "prefLabel") if o == "Parks of the Future"]
    assert objects(result, session, SCHEMA + "organizer") == [ACTP]
    congress = [c.iri for c in result.candidates if c.label == "Global Technology Congress"]
    assert objects(result, congress[0], KGO + "coOrganizer") == [ACTP]


def test_signed_agreements_with_is_an_agreement_group() -> None:
    result = draft("The delegation signed further cooperation agreements with Great Stone Industrial Park.")
    [group] = of_type(result, KGO + "AgreementGroup")
    assert objects(result, group, KGO + "signedWith") == [STONE]
    assert objects(result, group, SKOS + "prefLabel") == [
        "further cooperation agreements with Great Stone Industrial Park"
    ]
    assert (
        of_type(result, "https://spec.edmcouncil.org/fibo/ontology/FND/Agreements/Agreements/Agreement") == []
    )


def test_counts_become_bounds() -> None:
    found = find_counts(
        "more than 250 listeners, at least 5 parks, up to 900 million rubles, "
        "less than 10 days, 50 regions, about 25 km, Decree No. 1659, in 2024"
    )
    assert [(c.value, c.bound, c.unit) for c in found] == [
        (250, "more than", "listeners"),
        (5, "at least", "parks"),
        (900_000_000, "up to", "rubles"),
        (10, "less than", "days"),
        (50, None, "regions"),
    ]
    result = draft("The forum was held in Kazan, and it was attended by more than 250 listeners.")
    [count] = of_type(result, SCHEMA + "QuantitativeValue")
    assert objects(result, count, SCHEMA + "minValue") == ["251"]
    assert objects(result, count, SCHEMA + "unitText") == ["listeners"]
    [event] = of_type(result, SCHEMA + "Event")
    assert objects(result, event, KGO + "participantCount") == [count]


def test_a_related_count_is_a_value_reference() -> None:
    result = draft("Among the participants of the forum there were more than 100 companies from 50 regions.")
    counts = {
        objects(result, c, KGO + "sourceWording")[0]: c for c in of_type(result, SCHEMA + "QuantitativeValue")
    }
    assert objects(result, counts["more than 100 companies"], SCHEMA + "valueReference") == [
        counts["50 regions"]
    ]
