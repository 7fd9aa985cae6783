"""The layers hold: nothing above the Store seam speaks to an engine directly.

Read from the sources with Python's own parser (the import statements, not text): outside
``kg/store/`` and the modules that read and write RDF, no module imports pyoxigraph; outside
``kg/store/``, none imports SPARQLWrapper or touches a store's ``engine``.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from conftest import ROOT

PACKAGE = ROOT / "src" / "kg"
RDF_IO = {"canonical.py", "formats.py", "input_guards.py", "rdfio.py", "terms.py"}
ABOVE_THE_SEAM = [
    "api.py",
    "cli",
    "server",
    "validate",
    "draft",
    "jsonld.py",
    "queries.py",
    "contribute.py",
    "results.py",
    "project.py",
]


def _modules(part: str) -> list[Path]:
    path = PACKAGE / part
    return sorted(path.rglob("*.py")) if path.is_dir() else [path]


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def _engine_attributes(path: Path) -> list[int]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        node.lineno for node in ast.walk(tree) if isinstance(node, ast.Attribute) and node.attr == "engine"
    ]


def test_only_the_store_and_the_rdf_modules_import_the_engine() -> None:
    offenders = []
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE)
        if relative.parts[0] == "store" or str(relative) in RDF_IO:
            continue
        if {"pyoxigraph", "SPARQLWrapper"} & _imports(path):
            offenders.append(str(relative))
    assert offenders == []


@pytest.mark.parametrize("part", ABOVE_THE_SEAM)
def test_nothing_above_the_seam_imports_an_engine_or_reaches_under_it(part: str) -> None:
    assert (PACKAGE / part).exists(), part
    for path in _modules(part):
        assert not {"pyoxigraph", "SPARQLWrapper"} & _imports(path), path
        assert _engine_attributes(path) == [], f"{path} touches a store's engine"


def test_the_check_sees_an_import_where_there_is_one(tmp_path: Path) -> None:
    probe = tmp_path / "probe.py"
    probe.write_text(
        "import pyoxigraph as ox\nfrom SPARQLWrapper import SPARQLWrapper\n"
        "def f(store):\n    return store.engine\n"
    )
    assert {"pyoxigraph", "SPARQLWrapper"} <= _imports(probe)
    assert _engine_attributes(probe) == [4]


STORE_CLASSES = {"EmbeddedStore", "DiskStore", "RemoteStore", "EngineStore"}


def _type_tests(path: Path) -> list[int]:
    """Lines where ``isinstance`` asks whether something is one kind of store."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    lines = []
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "isinstance"
            and len(node.args) == 2
        ):
            names = {n.id for n in ast.walk(node.args[1]) if isinstance(n, ast.Name)}
            names |= {n.attr for n in ast.walk(node.args[1]) if isinstance(n, ast.Attribute)}
            if names & STORE_CLASSES:
                lines.append(node.lineno)
    return lines


@pytest.mark.parametrize("part", ABOVE_THE_SEAM)
def test_nothing_above_the_seam_asks_which_store_it_has(part: str) -> None:
    for path in _modules(part):
        assert _type_tests(path) == [], f"{path} tests a store's type; use store.capabilities"


def test_the_type_check_sees_a_type_test(tmp_path: Path) -> None:
    probe = tmp_path / "probe.py"
    probe.write_text("def f(store):\n    return isinstance(store, (kg.DiskStore, RemoteStore))\n")
    assert _type_tests(probe) == [2]
