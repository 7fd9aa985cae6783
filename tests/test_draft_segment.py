"""Segmentation and quotation marks: real article text and invented tricky snippets."""

from __future__ import annotations

import doctest
from pathlib import Path

import pytest

import kg.draft
import kg.draft.names
from conftest import SHARED
from kg.draft.quotes import find_quotations
from kg.draft.segment import looks_like_headline, segment

ARTICLES = SHARED / "sources" / "articles"
KALUGA = ARTICLES / "director-meetings-industrial-community-kaluga.txt"
MEETING = ARTICLES / "annual-general-meeting-of-actp-rf-members.txt"
CONGRESS = ARTICLES / "actp-rf-organizing-committee-international-technological-congress.txt"
MISSION = SHARED / "sources" / "actp-rf-business-mission-results.txt"


def texts(text: str, *, headline: bool = False) -> list[str]:
    return [s.text for s in segment(text, headline=headline)]


def test_doctests_of_the_draft_package_run() -> None:
    for module in (kg.draft, kg.draft.names):
        result = doctest.testmod(module)
        assert result.attempted > 0 and result.failed == 0, module.__name__


def test_every_sentence_is_the_article_text_at_its_offsets() -> None:
    for path in (KALUGA, MEETING, CONGRESS, MISSION):
        article = path.read_text(encoding="utf-8")
        sentences = segment(article, headline=looks_like_headline(article))
        assert [s.number for s in sentences] == list(range(1, len(sentences) + 1))
        for sentence in sentences:
            assert article[sentence.start : sentence.end] == sentence.text
            assert sentence.text == sentence.text.strip() and "\n" not in sentence.text


def test_decree_number_and_a_quotation_over_two_sentences() -> None:
    article = KALUGA.read_text(encoding="utf-8")
    found = texts(article)
    assert len(found) == 9
    assert found[2].startswith('"In addition to clusters')
    assert found[2].endswith("state support measures.")
    assert found[3].startswith(
        "According to the decree of the Government of the Russian "
        "Federation No. 1659, an industrial technopark"
    )
    assert found[3].endswith('infrastructure," Mikhail Labudin said.')
    assert any("Government Decree No. 1119." in s for s in found)


def test_headline_and_lead_without_a_full_stop() -> None:
    article = MEETING.read_text(encoding="utf-8")
    assert looks_like_headline(article)
    found = texts(article, headline=True)
    assert found[0] == "The annual general meeting of ACTP RF members"
    assert found[1].startswith("A new platform for import substitution")
    assert found[1].endswith("were summed up")
    assert not looks_like_headline(KALUGA.read_text(encoding="utf-8"))


def test_guillemets_left_open_at_the_end_of_the_text() -> None:
    article = MEETING.read_text(encoding="utf-8")
    found = texts(article, headline=True)
    assert found[7].startswith("«The geography of the Association is the widest")
    assert found[8] == "I am sure that their number will grow."
    assert found[-1].endswith("at a Stakhanovite pace.")
    quotations = [q for q in find_quotations(article) if q.speech]
    assert len(quotations) == 1 and not quotations[0].complete
    assert quotations[0].words(article).endswith("at a Stakhanovite pace.")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Mr. Ivanov met Prof. Petrov. They spoke.", ["Mr. Ivanov met Prof. Petrov.", "They spoke."]),
        ("A. B. Chubais said so. J. R. Smith agreed.", ["A. B. Chubais said so.", "J. R. Smith agreed."]),
        (
            "Decree No. 1659 applies. It cost 3.5 billion rubles.",
            ["Decree No. 1659 applies.", "It cost 3.5 billion rubles."],
        ),
        (
            "The forum opens on Sept. 17 in Kazan. It ends later.",
            ["The forum opens on Sept. 17 in Kazan.", "It ends later."],
        ),
        (
            'He said: "It works. It really works." Then he left.',
            ['He said: "It works.', 'It really works."', "Then he left."],
        ),
        (
            "“Curly quotes. Two sentences,” she said. Next.",
            ["“Curly quotes.", "Two sentences,” she said.", "Next."],
        ),
        ("«Мы рады. Очень рады», — сказал он.", ["«Мы рады.", "Очень рады», — сказал он."]),
        (
            "The meeting (see above. It was long.) ended. Next one.",
            ["The meeting (see above. It was long.) ended.", "Next one."],
        ),
        (
            "A headline without a stop\nA lead without one either\nThe text. It goes on.",
            ["A headline without a stop", "A lead without one either", "The text.", "It goes on."],
        ),
        ('"An open quotation. It never closes', ['"An open quotation.', "It never closes"]),
    ],
)
def test_tricky_snippets(text: str, expected: list[str]) -> None:
    assert texts(text) == expected


def test_speech_and_titles_in_quotes() -> None:
    article = CONGRESS.read_text(encoding="utf-8")
    quoted = find_quotations(article)
    titles = [q.words(article) for q in quoted if not q.speech]
    speech = [q.words(article) for q in quoted if q.speech]
    assert titles == [
        "The First Conference of the founders of the International Association of "
        "SEZS of the BRICS countries: strategic partnership in the interests of "
        "developing cooperation chains and technological progress"
    ]
    assert len(speech) == 1 and speech[0].startswith("The Association is designed to unite")
    assert speech[0].endswith("localization of production in the partner countries")


def test_quotation_marks_of_every_kind() -> None:
    text = (
        'He said: "Straight." She said: “Curly.” They said: «Guillemets.» '
        "Then „German“, he added.\n«Over two\n«paragraphs.»"
    )
    found = find_quotations(text)
    assert [q.words(text) for q in found] == [
        "Straight.",
        "Curly.",
        "Guillemets.",
        "German",
        "Over two\n«paragraphs.",
    ]
    assert all(q.complete and q.speech for q in found)


def test_a_file_the_segmenter_has_never_seen_is_still_cut_by_offsets(tmp_path: Path) -> None:
    text = "Первое предложение. Второе — с «кавычками»! Третье?\n\nEnd"
    found = segment(text)
    assert [s.text for s in found] == ["Первое предложение.", "Второе — с «кавычками»!", "Третье?", "End"]
