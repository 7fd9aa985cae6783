"""The W3C RDF 1.1 syntax suites, run from their manifests through kg's own loading path.

Each test of ``../shared/w3c/rdf-tests/rdf/rdf11/{rdf-n-triples,rdf-n-quads,rdf-turtle,rdf-trig,
rdf-xml}/manifest.ttl`` is read with pyoxigraph and run through :func:`kg.rdfio.parse_file`, with
the test's ``mf:action`` IRI as the base IRI:

* a positive syntax test loads;
* an evaluation test loads to a dataset isomorphic to its ``mf:result`` (compared after RDF
  Dataset Canonicalization, so blank node labels do not matter);
* a negative syntax test is refused with an :class:`RdfSyntaxError` whose message starts
  ``path:line:column:``; a sample is also run through ``kg validate --standalone``, which must
  exit 2 with one ``kg: error:`` line and no traceback.

The suite is never copied into the project; without it, these tests skip (and fail under CI).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph
import pytest
from tests.conftest import SHARED, require, run_kg

from kg.errors import RdfSyntaxError
from kg.rdfio import guess_format, parse_file

SUITES_ROOT = SHARED / "w3c" / "rdf-tests" / "rdf" / "rdf11"
SUITES = ("rdf-n-triples", "rdf-n-quads", "rdf-turtle", "rdf-trig", "rdf-xml")
PUBLISHED = "https://w3c.github.io/rdf-tests/rdf/rdf11/"

MF = "http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#"
RDFT = "http://www.w3.org/ns/rdftest#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"

# Tests kg does not pass, each with the reason. Keys are "suite#name".
EXCLUDED: dict[str, str] = {
    "rdf-xml#xml-canon-test001": (
        'Oxigraph keeps rdf:parseType="Literal" content as written, with the namespaces in '
        "scope declared on it; the test expects Exclusive XML Canonicalization (<br/> written "
        "<br></br>, no unused namespace declarations)"
    ),
    "rdf-xml#xml-canon-test002": (
        "Oxigraph does not apply Exclusive XML Canonicalization to XML literals (see xml-canon-test001)"
    ),
}

# Negative tests also run through the command line (one per suite and kind of mistake).
CLI_SAMPLE = (
    "rdf-n-triples#nt-syntax-bad-esc-01",
    "rdf-n-quads#nq-syntax-bad-literal-01",
    "rdf-turtle#turtle-syntax-bad-struct-02",
    "rdf-turtle#turtle-syntax-bad-prefix-01",
    "rdf-trig#trig-graph-bad-01",
    "rdf-xml#rdfms-abouteach-error001",
)

POSITION = re.compile(r"^(?P<path>.+):(?P<line>\d+):(?P<column>\d+): \S")


@dataclass(frozen=True)
class W3cTest:
    suite: str
    name: str
    kind: str  # "positive", "negative" or "eval"
    action: str  # the published IRI, used as the base IRI
    path: Path
    result: Path | None

    @property
    def id(self) -> str:
        return f"{self.suite}#{self.name}"


def _local(suite: str, iri: str) -> Path:
    return SUITES_ROOT / suite / iri.removeprefix(f"{PUBLISHED}{suite}/")


def _one(store: pyoxigraph.Store, subject: object, predicate: str) -> object | None:
    for quad in store.quads_for_pattern(subject, pyoxigraph.NamedNode(predicate), None, None):
        return quad.object
    return None


def read_manifest(suite: str) -> list[W3cTest]:
    """The tests of one suite, in manifest order (``mf:entries``)."""
    manifest_iri = f"{PUBLISHED}{suite}/manifest.ttl"
    store = pyoxigraph.Store()
    store.extend(
        pyoxigraph.parse(
            path=str(SUITES_ROOT / suite / "manifest.ttl"),
            format=pyoxigraph.RdfFormat.TURTLE,
            base_iri=manifest_iri,
        )
    )
    tests = []
    node = _one(store, pyoxigraph.NamedNode(manifest_iri), MF + "entries")
    while node is not None and node != pyoxigraph.NamedNode(RDF + "nil"):
        entry = _one(store, node, RDF + "first")
        test_type = _one(store, entry, RDF + "type").value.removeprefix(RDFT)  # type: ignore[union-attr]
        action = _one(store, entry, MF + "action").value  # type: ignore[union-attr]
        result = _one(store, entry, MF + "result")
        kind = "negative" if "Negative" in test_type else "eval" if test_type.endswith("Eval") else "positive"
        tests.append(
            W3cTest(
                suite=suite,
                name=entry.value.rsplit("#", 1)[-1],  # type: ignore[union-attr]
                kind=kind,
                action=action,
                path=_local(suite, action),
                result=_local(suite, result.value) if result is not None else None,  # type: ignore[attr-defined]
            )
        )
        node = _one(store, node, RDF + "rest")
    return tests


def _all_tests() -> list[W3cTest]:
    if not SUITES_ROOT.is_dir():
        return []
    return [test for suite in SUITES for test in read_manifest(suite)]


ALL_TESTS = _all_tests()


def _params(kinds: tuple[str, ...]) -> list[object]:
    params: list[object] = []
    for test in ALL_TESTS:
        if test.kind not in kinds:
            continue
        marks = [pytest.mark.skip(reason=EXCLUDED[test.id])] if test.id in EXCLUDED else []
        params.append(pytest.param(test, id=test.id, marks=marks))
    if not params:
        params.append(pytest.param(None, id="suite-missing"))
    return params


def _suite_present(test: W3cTest | None) -> W3cTest:
    require(test is not None, f"the W3C RDF test suites are not at {SUITES_ROOT}")
    assert test is not None
    return test


def _canonical(quads: list[pyoxigraph.Quad]) -> set[pyoxigraph.Quad]:
    dataset = pyoxigraph.Dataset(quads)
    dataset.canonicalize(pyoxigraph.CanonicalizationAlgorithm.RDFC_1_0)
    return set(dataset)


def test_every_suite_has_tests_of_each_kind() -> None:
    require(SUITES_ROOT.is_dir(), f"the W3C RDF test suites are not at {SUITES_ROOT}")
    for suite in SUITES:
        kinds = {t.kind for t in ALL_TESTS if t.suite == suite}
        assert {"positive", "negative"} <= kinds or {"eval", "negative"} <= kinds, suite


def test_excluded_ids_exist_in_the_manifests() -> None:
    require(SUITES_ROOT.is_dir(), f"the W3C RDF test suites are not at {SUITES_ROOT}")
    known = {t.id for t in ALL_TESTS}
    assert set(EXCLUDED) <= known
    assert set(CLI_SAMPLE) <= {t.id for t in ALL_TESTS if t.kind == "negative"}


@pytest.mark.parametrize("test", _params(("positive",)))
def test_positive_syntax_loads(test: W3cTest | None) -> None:
    test = _suite_present(test)
    quads = parse_file(test.path, base_iri=test.action)
    assert isinstance(quads, list)


@pytest.mark.parametrize("test", _params(("eval",)))
def test_evaluation_gives_the_expected_dataset(test: W3cTest | None) -> None:
    test = _suite_present(test)
    assert test.result is not None
    got = parse_file(test.path, base_iri=test.action)
    expected = list(pyoxigraph.parse(path=str(test.result), format=pyoxigraph.RdfFormat.N_QUADS))
    assert _canonical(got) == _canonical(expected)


@pytest.mark.parametrize("test", _params(("negative",)))
def test_negative_syntax_is_refused_with_its_position(test: W3cTest | None) -> None:
    test = _suite_present(test)
    with pytest.raises(RdfSyntaxError) as caught:
        parse_file(test.path, base_iri=test.action)
    error = caught.value
    where = POSITION.match(str(error))
    assert where, str(error)
    assert where["path"] == str(test.path)
    assert (int(where["line"]), int(where["column"])) == (error.line, error.column)
    lines = test.path.read_bytes().count(b"\n") + 1
    assert 1 <= error.line <= lines  # type: ignore[operator]
    assert "\n" not in str(error)


@pytest.mark.parametrize(
    "test_id, line",
    [
        ("rdf-xml#rdf-containers-syntax-vs-schema-error001", 26),  # <foo:bar rdf:li="1"/>
        ("rdf-xml#rdfms-abouteach-error001", 31),  # <rdf:Description rdf:aboutEach="#node">
    ],
)
def test_errors_the_parser_does_not_place_are_placed_on_their_line(test_id: str, line: int) -> None:
    # Oxigraph reports these without a position; kg finds the line where the parser stopped
    require(SUITES_ROOT.is_dir(), f"the W3C RDF test suites are not at {SUITES_ROOT}")
    test = next(t for t in ALL_TESTS if t.id == test_id)
    with pytest.raises(RdfSyntaxError) as caught:
        parse_file(test.path, base_iri=test.action)
    assert caught.value.line == line


@pytest.mark.parametrize("test_id", CLI_SAMPLE)
def test_negative_syntax_through_the_command_line(test_id: str) -> None:
    require(SUITES_ROOT.is_dir(), f"the W3C RDF test suites are not at {SUITES_ROOT}")
    test = next(t for t in ALL_TESTS if t.id == test_id)
    done = run_kg("validate", "--standalone", test.path)
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1
    assert re.match(rf"^kg: error: {re.escape(str(test.path))}:\d+:\d+: \S", lines[0])
    assert done.stdout == ""


def test_guess_format_knows_every_suite_file() -> None:
    require(SUITES_ROOT.is_dir(), f"the W3C RDF test suites are not at {SUITES_ROOT}")
    expected = {
        "rdf-n-triples": "N-Triples",
        "rdf-n-quads": "N-Quads",
        "rdf-turtle": "Turtle",
        "rdf-trig": "TriG",
        "rdf-xml": "RDF/XML",
    }
    for test in ALL_TESTS:
        assert guess_format(test.path).name == expected[test.suite], test.id
