"""``kg init`` and ``kg draft`` on the command line: files written, summaries, bad input, and
the review mark as the shapes see it."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

import kg
from conftest import ROOT, SHARED, run_kg, tree_bytes
from kg.namespaces import KGO
from kg.rdfio import parse_file

ARTICLES = SHARED / "sources" / "articles"
KALUGA = ARTICLES / "director-meetings-industrial-community-kaluga.txt"
CONGRESS = ARTICLES / "actp-rf-organizing-committee-international-technological-congress.txt"
KALUGA_URL = (
    "https://www.akitrf.ru/en/news/the-director-of-the-association-held-a-number-of-"
    "meetings-with-the-industrial-community-of-the-kalug/"
)
DOCS = ROOT / "docs" / "drafting.md"


def review_mark_lines() -> str:
    """The vocabulary and shape lines of the review mark, as docs/drafting.md gives them."""
    text = DOCS.read_text(encoding="utf-8")
    section = text.split("## The review mark in the shapes", 1)[1]
    return re.search(r"```turtle\n(.*?)```", section, re.S).group(1)  # type: ignore[union-attr]


def with_review_shape(project: Path) -> Path:
    shapes = project / "ontology" / "shapes.ttl"
    if "kgo:ReviewMarkShape" not in shapes.read_text(encoding="utf-8"):
        shapes.write_text(shapes.read_text(encoding="utf-8") + "\n" + review_mark_lines(), encoding="utf-8")
    return project


@pytest.fixture
def bundled_copy(tmp_path: Path) -> Path:
    """A copy of the bundled graph without the congress article: the article is then the next
    one, as it was before it was curated."""
    result = run_kg("init", tmp_path / "graph", "--from-bundled")
    assert result.returncode == 0, result.stderr
    (tmp_path / "graph" / "data" / "actp-rf-itc-organizing-committee.trig").unlink()
    return tmp_path / "graph"


def test_init_makes_an_empty_project_that_works(tmp_path: Path) -> None:
    target = tmp_path / "my-graph"
    result = run_kg("init", target)
    assert result.returncode == 0, result.stderr
    assert "created" in result.stdout
    assert sorted(p.name for p in target.iterdir()) == ["data", "drafts", "ontology", "queries"]
    assert list((target / "data").iterdir()) == [] == list((target / "drafts").iterdir())
    for name in ("kg.ttl", "shapes.ttl", "site-types.ttl", "context.jsonld"):
        assert (target / "ontology" / name).read_bytes() == (ROOT / "ontology" / name).read_bytes()
    assert {p.name for p in (target / "queries").glob("*.rq")} == {
        p.name for p in (ROOT / "queries").glob("*.rq")
    }
    stats = run_kg("--project", target, "stats")
    assert stats.returncode == 0, stats.stderr
    assert kg.open_project(target).files.data_files() == []
    assert kg.open_project(target).query("SELECT ?p WHERE { ?p a foaf:Person }").rows == []


def test_init_from_bundled_copies_the_data(bundled_copy: Path) -> None:
    copied = {p.name for p in (bundled_copy / "data").rglob("*") if p.is_file()}
    bundled = {p.name for p in (ROOT / "data").rglob("*") if p.is_file()}
    assert copied == bundled - {"actp-rf-itc-organizing-committee.trig"}  # the fixture's cut
    assert run_kg("--project", bundled_copy, "query", "visited-sites").returncode == 0


def test_init_refuses_a_folder_that_is_not_empty(tmp_path: Path) -> None:
    (tmp_path / "taken").mkdir()
    (tmp_path / "taken" / "notes.txt").write_text("mine")
    before = tree_bytes(tmp_path)
    result = run_kg("init", tmp_path / "taken")
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("kg: error: ")
    assert tree_bytes(tmp_path) == before


def test_draft_writes_the_draft_and_prints_the_summary(bundled_copy: Path) -> None:
    result = run_kg("--project", bundled_copy, "draft", KALUGA, "--url", KALUGA_URL, "--publisher", "ACTP RF")
    assert result.returncode == 0, result.stderr
    path = bundled_copy / "drafts" / "director-meetings-industrial-community-kaluga.trig"
    quads = parse_file(path)
    assert f"draft: {path}" in result.stdout
    assert "sentences: 9" in result.stdout
    assert "kgr:mikhail-labudin" in result.stdout and "kgr:vladimir-popov" in result.stdout
    marks = [q for q in quads if q.predicate.value == KGO + "needsReview"]
    assert f"review marks: {len(marks)}" in result.stdout
    assert {q.object.value for q in quads if q.predicate.value == "https://schema.org/publisher"} == {
        "https://kg.example.org/id/actp-rf"
    }


def test_draft_summary_as_json(bundled_copy: Path) -> None:
    result = run_kg(
        "--project", bundled_copy, "draft", CONGRESS, "--url", "https://example.org/c", "--format", "json"
    )
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    quads = parse_file(Path(summary["path"]))
    assert summary["sentences"] == len({q.graph_name for q in quads})
    assert summary["review_marks"] == sum(q.predicate.value == KGO + "needsReview" for q in quads)
    assert summary["headline"].startswith("ACTP RF at the meeting of the Organizing Committee")
    assert {m["entity"] for m in summary["linked"]} == {
        "https://kg.example.org/id/actp-rf",
        "https://kg.example.org/id/mikhail-labudin",
        "https://kg.example.org/id/russia",
    }
    assert [m["text"] for m in summary["ambiguous"]] == ["The Association"]
    assert "https://kg.example.org/id/timofey-buneev" in {c["iri"] for c in summary["candidates"]}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"  \n\n", "empty"),
        (b"PK\x03\x04\x00\x00binary", "NUL byte"),
        (b"Caf\xe9 au lait.", "not UTF-8"),
        (b"Text with a \x07 bell.", "control character"),
    ],
)
def test_bad_article_is_refused_with_nothing_written(
    bundled_copy: Path, tmp_path: Path, content: bytes, message: str
) -> None:
    article = tmp_path / "article.txt"
    article.write_bytes(content)
    before = tree_bytes(bundled_copy)
    result = run_kg("--project", bundled_copy, "draft", article, "--url", "https://example.org/a")
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and message in result.stderr
    assert result.stderr.startswith(f"kg: error: {article}:")
    assert tree_bytes(bundled_copy) == before


@pytest.mark.parametrize(
    "arguments",
    [
        ("--publisher", "Nobody Known Ltd"),
        ("--url", "not a url"),
        ("--date", "July 3"),
        ("--lang", "not a language"),
    ],
)
def test_bad_options_are_refused_with_nothing_written(bundled_copy: Path, arguments: tuple[str, str]) -> None:
    before = tree_bytes(bundled_copy)
    options = dict(zip(arguments[::2], arguments[1::2], strict=True))
    url = options.pop("--url", "https://example.org/a")
    extra = [item for pair in options.items() for item in pair]
    result = run_kg("--project", bundled_copy, "draft", KALUGA, "--url", url, *extra)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("kg: error: ")
    assert tree_bytes(bundled_copy) == before


def test_an_existing_draft_is_kept_unless_forced(bundled_copy: Path) -> None:
    target = bundled_copy / "drafts" / "director-meetings-industrial-community-kaluga.trig"
    target.parent.mkdir(exist_ok=True)
    target.write_text("# the analyst's edits\n")
    before = tree_bytes(bundled_copy)
    refused = run_kg("--project", bundled_copy, "draft", KALUGA, "--url", KALUGA_URL)
    assert refused.returncode == 2 and "--force" in refused.stderr
    assert refused.stderr.count("\n") == 1
    assert tree_bytes(bundled_copy) == before
    forced = run_kg("--project", bundled_copy, "draft", KALUGA, "--url", KALUGA_URL, "--force")
    assert forced.returncode == 0, forced.stderr
    assert parse_file(target)


def test_the_bundled_project_is_not_written_to(tmp_path: Path) -> None:
    result = run_kg("draft", KALUGA, "--url", KALUGA_URL, cwd=tmp_path)
    assert result.returncode == 2 and "kg init" in result.stderr
    assert not (ROOT / "drafts").exists()


def test_a_draft_conforms_except_for_its_review_marks(bundled_copy: Path, tmp_path: Path) -> None:
    """The draft passes validation in context, but for its marks; without them it conforms."""
    with_review_shape(bundled_copy)
    assert (
        run_kg(
            "--project",
            bundled_copy,
            "draft",
            CONGRESS,
            "--url",
            "https://example.org/c",
            "--publisher",
            "ACTP RF",
        ).returncode
        == 0
    )
    path = bundled_copy / "drafts" / f"{CONGRESS.stem}.trig"
    marks = sum(q.predicate.value == KGO + "needsReview" for q in parse_file(path))
    result = run_kg("--project", bundled_copy, "validate", path, "--format", "json")
    assert result.returncode == 1
    violations = [f for f in json.loads(result.stdout)["findings"] if f["severity"] == "Violation"]
    assert len(violations) == marks > 0
    assert {f["path"] for f in violations} == {f"<{KGO}needsReview>"}
    before = tree_bytes(bundled_copy / "data")
    refused = run_kg("--project", bundled_copy, "add", path)
    assert refused.returncode == 1
    assert tree_bytes(bundled_copy / "data") == before
    reviewed = tmp_path / "reviewed.trig"
    reviewed.write_text(
        "".join(
            line
            for line in path.read_text(encoding="utf-8").splitlines(True)
            if "kgo:needsReview" not in line
        ),
        encoding="utf-8",
    )
    assert run_kg("--project", bundled_copy, "validate", reviewed).returncode == 0


def test_the_projects_own_shapes_refuse_review_marks(tmp_path: Path) -> None:
    """Target behaviour: the shapes of the project (not a test copy) know the review mark."""
    target = tmp_path / "plain"
    shutil.copytree(ROOT / "ontology", target / "ontology")
    (target / "data").mkdir()
    marked = tmp_path / "marked.trig"
    marked.write_text(
        """
@prefix kgo: <https://kg.example.org/ontology#> .
@prefix kgg: <https://kg.example.org/graph/> .
@prefix kgr: <https://kg.example.org/id/> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix schema: <https://schema.org/> .
kgg:x-s01 { kgg:x-s01 a kgo:SourceSentence ; kgo:needsReview true ;
    prov:wasDerivedFrom kgr:x ; kgo:sentenceNumber 1 ; kgo:sentenceText "Anna Example spoke."@en .
  kgr:x a schema:NewsArticle ; schema:url <https://example.org/x> ; schema:headline "X" .
  kgr:anna-example a foaf:Person ; foaf:name "Anna Example" . }
""",
        encoding="utf-8",
    )
    result = run_kg("--project", target, "validate", marked, "--format", "json")
    assert result.returncode == 1, result.stdout
    assert [f["path"] for f in json.loads(result.stdout)["findings"] if f["severity"] == "Violation"] == [
        f"<{KGO}needsReview>"
    ]
