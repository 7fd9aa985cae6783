"""The README's "Add the next article", run as written: init, draft, a scripted review in place
of the editor, validate, add; then the named queries find the article's facts."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import kg
from conftest import ROOT, SHARED, run_kg
from kg.rdfio import parse_file

README = (ROOT / "README.md").read_text(encoding="utf-8")


def journey() -> list[str]:
    section = README.split("## Add the next article", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```sh\n(.*?)```", section, re.DOTALL)
    assert block is not None
    return [line for line in block.group(1).splitlines() if line.strip()]


def review(path: Path) -> None:
    """What the analyst does: delete a wrong candidate (the whole node), drop the notes once
    dealt with, fix a label, and delete every review mark."""
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    kept: list[str] = []
    skipping = False
    for line in lines:
        if line.strip() == "kgr:international-association-of-sezs-of-the-brics":
            skipping = True
        if skipping:
            skipping = line.strip() != "."
            continue
        if "kgo:needsReview" in line or "skos:editorialNote" in line:
            continue
        kept.append(
            line.replace(
                '"meeting of the organizing committee of the International Technological Congress"@en',
                '"Meeting of the Organizing Committee of the International Technological Congress"@en',
            )
        )
    path.write_text("".join(kept), encoding="utf-8")


def test_the_journey_is_five_commands_at_most() -> None:
    steps = journey()
    assert len(steps) <= 5
    assert [shlex.split(s)[0] for s in steps] == ["kg", "kg", "$EDITOR", "kg", "kg"]
    assert [
        next(w for w in shlex.split(s) if w in ("init", "draft", "validate", "add"))
        for s in steps
        if s.startswith("kg ")
    ] == ["init", "draft", "validate", "add"]


def test_add_the_next_article_as_the_readme_says(tmp_path: Path) -> None:
    draft_path: Path | None = None
    for step in journey():
        words = [w.replace("../shared", str(SHARED)) for w in shlex.split(step)]
        if words[0] == "$EDITOR":
            draft_path = tmp_path / words[1]
            before = parse_file(draft_path)
            assert any(q.predicate.value.endswith("#needsReview") for q in before)
            review(draft_path)
            continue
        result = run_kg(*words[1:], cwd=tmp_path)
        assert result.returncode == 0, f"{step}\n{result.stdout}\n{result.stderr}"
    assert draft_path is not None
    project = kg.open_project(tmp_path / "my-graph")
    added = tmp_path / "my-graph" / "data" / draft_path.name
    assert added.is_file()
    assert not any(q.predicate.value.endswith("#needsReview") for q in parse_file(added))

    posts = project.query("people-posts").dicts()
    drafted = {
        "name": "Timofey Buneev",
        "title": "Head of the International Cooperation and Sustainable Development Department",
        "postIn": "https://kg.example.org/id/actp-rf",
    }.items()
    assert any(drafted <= row.items() for row in posts if row.get("name") == "Timofey Buneev")
    said = project.query("quotations-by-person", {"person": "kgr:mikhail-labudin"}).dicts()
    assert any(
        row["text"].startswith("The Association is designed to unite industry associations") for row in said
    )
    evidence = project.query("evidence", {"entity": "kgr:timofey-buneev"}).dicts()
    assert evidence, "the new person's facts have their sentence"
    dates = project.query(
        "SELECT ?start ?end WHERE { ?e skos:prefLabel "
        '"International Technological Congress"@en ; schema:startDate ?start ; '
        "schema:endDate ?end }"
    ).table()
    assert dates == [("2024-09-17", "2024-09-19")]
    gone = project.query(
        "ASK { { kgr:international-association-of-sezs-of-the-brics ?p ?o } "
        "UNION { ?s ?p kgr:international-association-of-sezs-of-the-brics } }"
    )
    assert gone.boolean is False
