"""JSON-LD by the book: pyld reproduces `kg export --frame` from `kg export --format jsonld` with
the documented frame, framed documents repeat nothing, nothing remote is ever fetched, and the
examples of docs/jsonld.md run as written."""

from __future__ import annotations

import doctest
import http.server
import json
import re
import shlex
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import rdflib
from pyld import jsonld

import kg
from conftest import ROOT, run_kg
from kg.errors import InputError, ProjectError
from kg.jsonld import Context, compact, load_context
from kg.namespaces import KGR
from kg.rdfs import subclasses
from kg.terms import DefaultGraph, Literal, NamedNode, Quad, Triple

DOC = ROOT / "docs" / "jsonld.md"
CONTEXT = json.loads((ROOT / "ontology" / "context.jsonld").read_text(encoding="utf-8"))
FRAMED_CLASSES = ["org:Organization", "org:Site", "schema:Event", "schema:CreativeWork"]


def _export(*args: str) -> Any:
    result = run_kg("export", "--format", "jsonld", *args)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def _ontology_subclasses(curie: str) -> list[str]:
    """The class and its subclasses by rdflib, straight from the ontology files."""
    graph = rdflib.Graph()
    for path in sorted((ROOT / "ontology").glob("*.ttl")):
        if path.name != "shapes.ttl":
            graph.parse(path, format="turtle")
    prefix, local = curie.split(":")
    cls = rdflib.URIRef(CONTEXT["@context"][prefix] + local)
    return sorted(str(c) for c in graph.transitive_subjects(rdflib.RDFS.subClassOf, cls))


@pytest.fixture(scope="module")
def whole() -> Any:
    return _export()


@pytest.mark.parametrize("cls", FRAMED_CLASSES)
def test_pyld_with_the_documented_frame_reproduces_kg_export_frame(whole: Any, cls: str) -> None:
    frame = {"@context": CONTEXT["@context"], "@type": _ontology_subclasses(cls)}
    assert len(frame["@type"]) > 1, "the class should have subclasses in ontology/"
    by_pyld = jsonld.frame(whole, frame, {"omitGraph": False})
    by_kg = _export("--frame", cls)
    assert by_kg == by_pyld
    assert by_kg["@graph"]


def test_the_bare_class_finds_only_what_is_typed_with_it(whole: Any, project: kg.Project) -> None:
    """pyld knows no subclasses: a frame of the bare class finds only the nodes typed with it
    (kg's frame lists the subclasses too; docs/jsonld.md)."""
    bare = {"@context": CONTEXT["@context"], "@type": "org:Organization"}
    found = {node["id"] for node in jsonld.frame(whole, bare, {"omitGraph": False})["@graph"]}
    direct = project.query("SELECT DISTINCT ?x WHERE { ?x a org:Organization }").rows
    every = project.query("SELECT DISTINCT ?x WHERE { ?x a/rdfs:subClassOf* org:Organization }").rows
    assert found == {"kgr:" + row[0].value.removeprefix(KGR) for row in direct if row[0]}
    assert len(found) < len(every)


def _nodes(value: Any) -> Iterator[dict[str, Any]]:
    if isinstance(value, dict):
        yield value
        for inner in value.values():
            yield from _nodes(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from _nodes(inner)


@pytest.mark.parametrize("cls", FRAMED_CLASSES)
def test_framed_documents_repeat_no_value(project: kg.Project, cls: str) -> None:
    document = json.loads(project.export("jsonld", frame_class=cls))
    for node in _nodes(document["@graph"]):
        for key, value in node.items():
            if isinstance(value, list):
                written = [json.dumps(v, sort_keys=True) for v in value]
                assert len(written) == len(set(written)), (node.get("id"), key, value)


def test_one_node_per_instance(project: kg.Project) -> None:
    document = json.loads(project.export("jsonld", frame_class="org:Organization"))
    ids = [node["id"] for node in document["@graph"]]
    instances = project.query("SELECT DISTINCT ?x WHERE { ?x a/rdfs:subClassOf* org:Organization }").rows
    assert all(row[0].value.startswith(KGR) for row in instances)
    expected = sorted("kgr:" + row[0].value.removeprefix(KGR) for row in instances)
    assert ids == expected
    actp = document["@graph"][ids.index("kgr:actp-rf")]
    assert actp["type"] == "kgo:Association"  # once, though several sentences state it
    names = [label["@value"] for label in actp["altLabel"]]
    assert "ACTP RF" in names and len(names) == len(set(names))


def test_framed_export_is_the_same_bytes_every_time() -> None:
    first = kg.open_project(ROOT).export("jsonld", frame_class="schema:Event")
    second = kg.open_project(ROOT).export("jsonld", frame_class="schema:Event")
    assert first == second


def test_compact_export_is_pyld_compaction_of_the_nquads(project: kg.Project) -> None:
    nquads = project.export("nq").decode()
    expected = jsonld.compact(jsonld.from_rdf(nquads, {"format": "application/n-quads"}), CONTEXT)
    assert json.loads(project.export("jsonld")) == expected


def test_frame_types_are_rdfs_subclasses() -> None:
    sub = NamedNode("http://www.w3.org/2000/01/rdf-schema#subClassOf")
    a, b, c, d = (NamedNode(f"urn:x:{n}") for n in "abcd")
    vocabulary = [
        Triple(b, sub, a),
        Triple(c, sub, b),
        Triple(a, sub, c),  # a cycle ends
        Triple(d, NamedNode("http://www.w3.org/2002/07/owl#equivalentClass"), a),
    ]
    assert subclasses(vocabulary, "urn:x:a") == ["urn:x:a", "urn:x:b", "urn:x:c"]
    assert subclasses(vocabulary, "urn:x:d") == ["urn:x:d"]


# -- nothing remote ---------------------------------------------------------------------------
@pytest.fixture
def context_server() -> Iterator[tuple[str, list[str]]]:
    """A server on 127.0.0.1 that would hand out a context, and counts who asks."""
    asked: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            asked.append(self.path)
            body = json.dumps({"@context": {"name": "http://xmlns.com/foaf/0.1/name"}}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/ld+json")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            return

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/context.jsonld", asked
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def test_a_scoped_remote_context_is_refused_not_fetched(context_server: tuple[str, list[str]]) -> None:
    url, asked = context_server
    context = Context({"@context": {"ex": "urn:ex:", "person": {"@id": "urn:ex:person", "@context": url}}})
    quads = [Quad(NamedNode("urn:ex:a"), NamedNode("urn:ex:person"), Literal("b"), DefaultGraph())]
    with pytest.raises(InputError, match="never fetches"):
        compact(quads, context)
    assert asked == []


def test_a_remote_project_context_is_a_project_error(
    tmp_path: Path, context_server: tuple[str, list[str]]
) -> None:
    url, asked = context_server
    path = tmp_path / "context.jsonld"
    path.write_text(json.dumps({"@context": [url, {"ex": "urn:ex:"}]}))
    with pytest.raises(ProjectError, match="inline"):
        load_context(path)
    assert asked == []


# -- the document's examples ------------------------------------------------------------------
def _blocks(kind: str) -> list[tuple[int, str]]:
    text = DOC.read_text(encoding="utf-8")
    return [
        (text[: m.start()].count("\n") + 2, m.group(1))
        for m in re.finditer(rf"```{kind}\n(.*?)```", text, re.DOTALL)
    ]


def test_the_documents_python_examples_run(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    parser = doctest.DocTestParser()
    runner = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE)
    blocks = _blocks("python")
    assert len(blocks) >= 2
    names: dict[str, Any] = {}
    for line, block in blocks:
        test = parser.get_doctest(block, names, f"jsonld.md:{line}", str(DOC), line)
        assert test.examples
        runner.run(test, clear_globs=False)
        names = test.globs  # later blocks go on from earlier ones, as a reader does
    assert runner.summarize(verbose=False).failed == 0


@pytest.mark.parametrize(
    "command", [c for _, block in _blocks("console") for c in block.splitlines() if c.startswith("$ kg ")]
)
def test_the_documents_commands_run(command: str, tmp_path: Path) -> None:
    for part in ("ontology", "data", "queries"):
        shutil.copytree(ROOT / part, tmp_path / part)
    args = shlex.split(command)[2:]
    result = run_kg(*args, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    document = json.loads((tmp_path / args[args.index("--output") + 1]).read_text())
    assert document["@context"] == CONTEXT["@context"] and document["@graph"]


def test_the_documents_table_is_what_kg_frames(project: kg.Project) -> None:
    text = DOC.read_text(encoding="utf-8")
    rows = re.findall(r"^\| `([a-z]+:[A-Za-z]+)` \| (.+) \|$", text, re.MULTILINE)
    assert len(rows) >= 5
    for cls, types in rows:
        assert [t.strip(" `") for t in types.split(",")] == project.frame_document(cls)["@type"], cls
