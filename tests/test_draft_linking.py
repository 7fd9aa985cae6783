"""Mentions of known entities: labels in any language, variants, ambiguity, references back."""

from __future__ import annotations

import pytest

from kg.draft import KnownEntities, Metadata, draft_text
from kg.draft.build import Draft
from kg.draft.names import name_key, person_key
from kg.namespaces import FOAF, KGR, ORG, SCHEMA

ACTP = KGR + "actp-rf"
LABUDIN = KGR + "mikhail-labudin"
KRAVCHENKO = KGR + "yevgeny-kravchenko"
PETROV = KGR + "aleksandr-petrov"
STONE = KGR + "great-stone-industrial-park"
STONE_SITE = KGR + "great-stone-industrial-park-site"
BELARUS = KGR + "belarus"
KAZAN = KGR + "kazan"
KAZAN_FORUM = KGR + "kazan-forum-organization"
ALLIANCE = KGR + "alliance-of-parks"


def known() -> KnownEntities:
    labels = [
        (ACTP, "Association of Clusters, Technoparks and Special Economic Zones of Russia", "en"),
        (ACTP, "ACTP RF", "en"),
        (ACTP, "Ассоциация кластеров, технопарков и ОЭЗ России", "ru"),
        (LABUDIN, "Mikhail Labudin", ""),
        (KRAVCHENKO, "Yevgeny Kravchenko", ""),
        (PETROV, "Aleksandr Petrov", ""),
        (STONE, "Great Stone Industrial Park", "en"),
        (STONE, "Великий камень", "ru"),
        (STONE_SITE, "Great Stone Industrial Park", "en"),
        (BELARUS, "Belarus", "en"),
        (BELARUS, "Republic of Belarus", "en"),
        (KAZAN, "Kazan", "en"),
        (KAZAN_FORUM, "Kazan", "en"),
        (ALLIANCE, "Association of Technology Parks of Tatarstan", "en"),
    ]
    kinds = [
        (ACTP, ORG + "Organization"),
        (LABUDIN, FOAF + "Person"),
        (KRAVCHENKO, FOAF + "Person"),
        (PETROV, FOAF + "Person"),
        (STONE, ORG + "Organization"),
        (STONE_SITE, ORG + "Site"),
        (BELARUS, SCHEMA + "Place"),
        (KAZAN, SCHEMA + "Place"),
        (KAZAN_FORUM, ORG + "Organization"),
        (ALLIANCE, ORG + "Organization"),
    ]
    return KnownEntities.from_rows(labels, kinds, [(STONE, STONE_SITE)])


def draft(text: str) -> Draft:
    return draft_text(text, Metadata(url="https://example.org/a"), known(), "a")


def links(text: str) -> list[tuple[str, str]]:
    return [(m.text, m.entity or "") for m in draft(text).linked]


@pytest.mark.parametrize(
    "variant",
    [
        "ACTP RF",
        "the ACTP of the Russian Federation",
        "The Association of Clusters, Technology Parks and SEZ of Russia",
        "the Association of Clusters, Technoparks and SEZs of Russia",
        "the Association of Clusters, Technoparks and SEZS of Russia",
        "the Association of Clusters, Technoparks, and Special Economic Zones of Russia",
        "the ASSOCIATION OF CLUSTERS, TECHNOPARKS AND SEZ OF RUSSIA",
        "the Ассоциация кластеров, технопарков и ОЭЗ России",
    ],
)
def test_every_name_variant_of_the_association_links_to_it(variant: str) -> None:
    found = links(f"Yesterday {variant} signed a paper.")
    assert [entity for _, entity in found] == [ACTP]
    assert found[0][0] == variant.removeprefix("the ").removeprefix("The ")


def test_word_variants_share_a_key() -> None:
    assert name_key("Technology Parks") == name_key("Technoparks") == name_key("technopark")
    assert (
        len({name_key(w) for w in ("SEZ", "SEZs", "SEZS", "Special Economic Zones", "special economic zone")})
        == 1
    )
    assert name_key("the Republic of Belarus.") == name_key("Republic of Belarus")


@pytest.mark.parametrize(
    ("text", "entity"),
    [
        ("Evgeny Kravchenko spoke first.", KRAVCHENKO),
        ("Evgeniy Kravchenko spoke first.", KRAVCHENKO),
        ("Евгений Кравченко spoke first.", KRAVCHENKO),
        ("Alexander Petrov spoke first.", PETROV),
        ("Михаил Лабудин spoke first.", LABUDIN),
        ("They visited Великий камень twice.", STONE),
    ],
)
def test_transliteration_variants_and_cyrillic(text: str, entity: str) -> None:
    assert [e for _, e in links(text)] == [entity]


def test_romanization_keys_keep_different_names_apart() -> None:
    assert person_key("Ivan Ivanov") != person_key("Ivan Ivanova")
    assert person_key("Mikhail Labudin") != person_key("Mikhail Lebedev")


def test_a_surname_links_to_the_person_named_in_full_before() -> None:
    found = links("Mikhail Labudin opened the forum. Later Labudin closed it.")
    assert found == [("Mikhail Labudin", LABUDIN), ("Labudin", LABUDIN)]
    assert links("Labudin closed it.") == []


def test_a_name_inside_a_longer_name_is_not_that_thing() -> None:
    assert links("The Kazan Region government met.") == []
    assert links("The Ministry of Industry and Trade of Belarus met.") == []
    assert links("They met in the Republic of Belarus.") == [("Republic of Belarus", BELARUS)]


def test_an_organization_and_its_site_link_the_organization_with_a_note() -> None:
    result = draft("Agreements were signed with Great Stone Industrial Park.")
    assert [(m.entity, m.ambiguous) for m in result.linked] == [(STONE, False)]
    assert any(STONE_SITE in note for m in result.linked for note in m.notes)


def test_a_name_of_two_entities_is_listed_never_linked() -> None:
    result = draft("The delegation went to Kazan by train.")
    assert result.linked == []
    assert [(m.text, m.choices) for m in result.ambiguous] == [("Kazan", (KAZAN, KAZAN_FORUM))]
    notes = [q.object.value for q in result.quads if q.predicate.value.endswith("editorialNote")]
    assert any(note.startswith('ambiguous: "Kazan"') for note in notes)


def test_the_association_links_only_when_the_text_settles_which() -> None:
    settled = draft("ACTP RF held a forum. The Association thanked its members.")
    assert ("The Association", ACTP) in [(m.text, m.entity) for m in settled.linked]
    unsettled = draft(
        "ACTP RF and the Association of Technology Parks of Tatarstan held a forum. "
        "The Association thanked its members."
    )
    assert "The Association" not in [m.text for m in unsettled.linked]
    assert [(m.text, set(m.choices)) for m in unsettled.ambiguous] == [("The Association", {ACTP, ALLIANCE})]


def test_the_association_in_the_real_articles_is_never_linked_silently() -> None:
    from conftest import SHARED

    for name in (
        "actp-rf-organizing-committee-international-technological-congress",
        "annual-general-meeting-of-actp-rf-members",
    ):
        text = (SHARED / "sources" / "articles" / f"{name}.txt").read_text(encoding="utf-8")
        result = draft(text)
        bare = [m for m in result.mentions if m.text.lower() == "the association"]
        assert bare and all(m.entity is None and len(m.choices) > 1 for m in bare)


def test_a_new_name_close_to_a_known_one_is_shown_as_a_near_duplicate() -> None:
    result = draft(
        "Vladimir Popov, Deputy Governor of the Great Stone Industrial Parks Administration, spoke."
    )
    candidates = {c.label: c for c in result.candidates}
    assert "Vladimir Popov" in candidates and candidates["Vladimir Popov"].kind == "person"
    near = [n for c in result.candidates for n in c.near]
    assert any(iri == STONE for iri, _, _ in near)
