"""The W3C Turtle and N-Triples syntax suites through the command line, as a user runs them:
``kg validate --standalone --base <test URL> FILE``.

Every positive syntax test must be read (exit 0 or 1: the data conforms or not, which says
nothing about syntax), every negative one refused with one ``kg: error: file:line:column:``
line and exit 2. The suites' relative IRIs resolve against the test's published URL, as the
manifests prescribe; without ``--base`` the error says to give one.
"""

from __future__ import annotations

import re

import pytest
from tests.conftest import require, run_kg
from tests.test_w3c_rdf import SUITES_ROOT, W3cTest, read_manifest

SYNTAX_SUITES = ("rdf-n-triples", "rdf-turtle")


def _syntax_tests() -> list[W3cTest]:
    if not SUITES_ROOT.is_dir():
        return []
    return [t for suite in SYNTAX_SUITES for t in read_manifest(suite) if t.kind in ("positive", "negative")]


SYNTAX_TESTS = _syntax_tests()


def test_the_suites_hold_the_238_syntax_tests() -> None:
    require(SUITES_ROOT.is_dir(), f"the W3C RDF test suites are not at {SUITES_ROOT}")
    assert len(SYNTAX_TESTS) == 238
    assert {t.kind for t in SYNTAX_TESTS} == {"positive", "negative"}


@pytest.mark.parametrize(
    "test", SYNTAX_TESTS or [None], ids=[t.id for t in SYNTAX_TESTS] or ["suite-missing"]
)
def test_syntax_test_through_kg_validate(test: W3cTest | None) -> None:
    require(test is not None, f"the W3C RDF test suites are not at {SUITES_ROOT}")
    assert test is not None
    done = run_kg("validate", "--standalone", "--base", test.action, test.path)
    assert "Traceback" not in done.stderr
    if test.kind == "positive":
        assert done.returncode in (0, 1), done.stderr
        assert done.stderr == ""
        assert re.search(r"^(Conforms|Does not conform) \(alone\)", done.stdout, re.MULTILINE)
    else:
        assert done.returncode == 2, done.stdout
        lines = done.stderr.strip().splitlines()
        assert len(lines) == 1
        assert re.match(rf"^kg: error: {re.escape(str(test.path))}:\d+:\d+: \S", lines[0])
        assert done.stdout == ""


def test_a_relative_iri_without_a_base_says_to_give_one() -> None:
    require(SUITES_ROOT.is_dir(), f"the W3C RDF test suites are not at {SUITES_ROOT}")
    relative = [
        t
        for t in SYNTAX_TESTS
        if t.kind == "positive"
        and t.suite == "rdf-turtle"
        and run_kg("validate", "--standalone", t.path).returncode == 2
    ]
    assert len(relative) == 15  # the tests that need their base: the gap --base closes
    done = run_kg("validate", "--standalone", relative[0].path)
    assert done.stderr.startswith(f"kg: error: {relative[0].path}:1:")
    assert "relative IRI" in done.stderr and "--base IRI" in done.stderr
