"""Each mistake an audit of the first model found passed ``kg validate``; now each is caught.

One test per mistake. The bad data is a file of ``tests/model_cases/`` (its first lines say
what it gets wrong); each test runs ``kg validate`` on the command line, in the context of a
copy of the project, and asserts that it does not conform and reports the finding that names
the mistake (the shape and the focus node). ``test_model_agreement.py`` adds that ``kg add``
refuses the same files.
"""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import run_kg

CASES = Path(__file__).resolve().parent / "model_cases"
KGO = "https://kg.example.org/ontology#"
KGR = "https://kg.example.org/id/"
KGG = "https://kg.example.org/graph/"
M = KGR + "actp-rf-business-mission-results."
MS = KGG + "actp-rf-business-mission-results-"


def violations(project_dir: Path, case: str) -> set[tuple[str, str]]:
    """(shape, focus) of each violation ``kg validate`` reports for the case, in context."""
    result = run_kg("--project", project_dir, "validate", CASES / case, "--format", "json")
    report = json.loads(result.stdout)
    assert result.returncode == 1, (result.returncode, result.stderr, report)
    assert report["conforms"] is False and report["standalone"] is False
    return {(f["shape"][len(KGO) :], f["focus"]) for f in report["findings"] if f["severity"] == "Violation"}


def test_an_invented_start_date_is_caught(project_dir: Path) -> None:
    """5 April, stated without a year, made a schema:startDate in 2024."""
    found = violations(project_dir, "invented-start-date.trig")
    assert ("EventShape-startDate-year-invented", M + "visit-minsk-city-technopark") in found


def test_reported_speech_marked_as_direct_with_paraphrased_words_is_caught(project_dir: Path) -> None:
    found = violations(project_dir, "reported-speech-as-direct.trig")
    assert ("QuotationShape-text-in-sentence", M + "quote-s05-direct") in found
    assert ("QuotationShape-text-in-source", M + "quote-s05-direct") in found


def test_a_quotation_whose_words_appear_in_no_sentence_is_caught(project_dir: Path) -> None:
    found = violations(project_dir, "quotation-in-no-sentence.trig")
    assert found == {("QuotationShape-text-in-source", M + "quote-invented")}


def test_two_invented_individual_agreements_are_caught(project_dir: Path) -> None:
    found = violations(project_dir, "invented-individual-agreements.trig")
    for agreement in ("agreement-1", "agreement-2"):
        assert ("CooperationAgreementShape-name", M + agreement) in found
        assert ("CooperationAgreementShape-namedIn", M + agreement) in found


def test_a_reference_fact_dressed_as_article_sentence_12_is_caught(project_dir: Path) -> None:
    found = violations(project_dir, "reference-fact-as-sentence.trig")
    assert found == {("SourceSentenceShape-text-in-source", MS + "s12")}


def test_a_meeting_made_the_parent_of_the_mission_is_caught(project_dir: Path) -> None:
    found = violations(project_dir, "meeting-as-parent-of-mission.trig")
    assert ("BusinessMissionShape-part-of", M + "mission") in found


def test_a_graph_whose_only_provenance_is_was_quoted_from_is_caught(project_dir: Path) -> None:
    found = violations(project_dir, "quoted-from-only.trig")
    assert ("QuotedEvidenceShape-wasDerivedFrom", KGG + "contribution-quoted") in found
    # kg's own provenance rule says it too; nothing else is wrong with the graph
    assert {focus for _, focus in found} == {KGG + "contribution-quoted"}


def test_a_second_sentence_graph_numbered_5_is_caught_in_context(project_dir: Path) -> None:
    """Caught only with the graph's own sentence 5 in view: the validator must look at the
    other sentence graphs of the same document."""
    found = violations(project_dir, "second-sentence-five.trig")
    assert ("SourceSentenceShape-sentenceNumber-unique", MS + "s05-again") in found
